package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/rapportnet/rapport"
)

// as returns a context in which the member at handle calls the services,
// for what a test does outside the pages, such as the operator's grant of
// seats.
func as(t *testing.T, site *testSite, handle string) context.Context {
	t.Helper()
	ctx := context.Background()
	m, err := site.DB.FindMemberByHandle(ctx, handle)
	if err != nil {
		t.Fatalf("find %s: %v", handle, err)
	}
	return rapport.NewContextWithCaller(ctx, rapport.Caller{MemberID: m.ID, Handle: m.Handle})
}

// createOrganization makes a page through its form and returns its address.
func createOrganization(t *testing.T, b *browser, slug, name string) {
	t.Helper()
	wantRedirect(t, b.post("/organizations", url.Values{"slug": {slug}, "name": {name}, "industry": {"Software"},
		"size": {"11-50"}, "location": {"Lyon"}, "website": {"https://" + slug + ".example"}}), "/org/"+slug)
}

// seatCookieOf returns the seat cookie an answer sets, or nil.
func seatCookieOf(r *response) *http.Cookie {
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == "rapport_seat" {
			return c
		}
	}
	return nil
}

func TestOrgPagesCreate(t *testing.T) {
	site := newTestSite(t)
	site.signUp("ada")
	ada := logInBrowser(t, site, "ada")

	wantBody(t, ada.get("/organizations/new"), `action="/organizations"`, `<label for="slug">`, `<label for="name">`)

	t.Run("BadSlugCreatesNothing", func(t *testing.T) {
		ada.t = t
		r := ada.post("/organizations", url.Values{"slug": {"-Acme!"}, "name": {"Acme"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		wantBody(t, r, `id="slug-error"`, `aria-invalid="true"`, `value="Acme"`, "letters a to z")
		if _, err := site.Svc.Organizations.Get(context.Background(), "-acme!"); rapport.ErrorCode(err) != rapport.ENOTFOUND {
			t.Fatalf("after a refused form the page exists: %v", err)
		}
		wantStatus(t, ada.get("/org/acme"), http.StatusNotFound)
	})

	t.Run("Created", func(t *testing.T) {
		ada.t = t
		createOrganization(t, ada, "acme", "Acme")
		r := ada.get("/org/acme")
		wantStatus(t, r, http.StatusOK)
		wantBody(t, r, "<h1>Acme</h1>", "Software", "11-50 people", "Lyon", `href="https://acme.example" rel="nofollow noopener"`,
			`href="/org/acme/admin"`, "Manage", `action="/org/acme/follow"`, "0 followers")

		// The address is taken now: said beside its field.
		r = ada.post("/organizations", url.Values{"slug": {"acme"}, "name": {"Another Acme"}})
		wantStatus(t, r, http.StatusConflict)
		wantBody(t, r, `id="slug-error"`)
	})

	t.Run("AnonymousSeesPage", func(t *testing.T) {
		r := newBrowser(t, site).get("/org/acme")
		wantStatus(t, r, http.StatusOK)
		wantBody(t, r, "<h1>Acme</h1>", "Log in</a> to follow")
		if strings.Contains(string(r.Body), "/org/acme/admin") {
			t.Fatal("an anonymous visitor is offered to manage the page")
		}
	})
}

func TestOrgPagesAdminForbidden(t *testing.T) {
	site, ada, bob := acmeSite(t)

	wantStatus(t, ada.get("/org/acme/admin"), http.StatusOK)
	r := bob.get("/org/acme/admin")
	wantStatus(t, r, http.StatusForbidden)
	wantBody(t, r, "Only this organization")
	if strings.Contains(string(bob.get("/org/acme").Body), "/org/acme/admin") {
		t.Fatal("a member with no role is offered to manage the page")
	}
	wantRedirect(t, newBrowser(t, site).get("/org/acme/admin"), "/login")
	// Nor may a stranger use the admin forms.
	wantStatus(t, bob.post("/org/acme/edit", url.Values{"name": {"Bob's Acme"}}), http.StatusForbidden)
	wantStatus(t, bob.post("/org/acme/admins", url.Values{"handle": {"bob"}, "role": {"super"}}), http.StatusForbidden)

	// A content admin sees the page's form and the audit log, not the
	// seats, and cannot grant roles.
	wantRedirect(t, ada.post("/org/acme/admins", url.Values{"handle": {"bob"}, "role": {"content"}}), "/org/acme/admin")
	r = bob.get("/org/acme/admin")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, `action="/org/acme/edit"`, `id="audit-h"`)
	for _, hidden := range []string{`id="seats-h"`, `action="/org/acme/admins"`} {
		if strings.Contains(string(r.Body), hidden) {
			t.Errorf("a content admin sees %s", hidden)
		}
	}
	wantRedirect(t, bob.post("/org/acme/edit", url.Values{"name": {"Acme Works"}, "tagline": {"We make things"}}), "/org/acme/admin")
	wantBody(t, bob.get("/org/acme"), "<h1>Acme Works</h1>", "We make things")
	r = bob.post("/org/acme/edit", url.Values{"name": {"Acme"}, "website": {"ftp://acme"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, `id="website-error"`, `value="ftp://acme"`)

	// The last super admin cannot step down.
	r = ada.post("/org/acme/admins/ada/super/revoke", nil)
	wantStatus(t, r, http.StatusConflict)
	wantBody(t, r, `class="form-error"`, `id="admins-h"`)
	// Nor may a content admin use the seat forms, which are not on their page.
	r = bob.post("/org/acme/seats/1/assign", url.Values{"handle": {"ada"}})
	wantStatus(t, r, http.StatusForbidden)
	wantBody(t, r, "Only this organization")
	// A seat that is not the organization's is not found.
	wantStatus(t, ada.post("/org/acme/seats/999/assign", url.Values{"handle": {"bob"}}), http.StatusNotFound)
}

func TestOrgPagesFollow(t *testing.T) {
	site, _, bob := acmeSite(t)

	wantRedirect(t, bob.post("/org/acme/follow", nil), "/org/acme")
	r := bob.get("/org/acme")
	wantBody(t, r, "1 follower<", `action="/org/acme/unfollow"`, `<strong>Bob Example</strong>`)
	// Following twice is one follow.
	wantRedirect(t, bob.post("/org/acme/follow", nil), "/org/acme")
	wantBody(t, bob.get("/org/acme"), "1 follower<")

	wantRedirect(t, bob.post("/org/acme/unfollow", nil), "/org/acme")
	r = bob.get("/org/acme")
	wantBody(t, r, "0 followers", `action="/org/acme/follow"`)
	if strings.Contains(string(r.Body), `<strong>Bob Example</strong>`) {
		t.Fatal("bob is still listed among the followers")
	}
	wantStatus(t, bob.post("/org/nowhere/follow", nil), http.StatusNotFound)
	wantRedirect(t, newBrowser(t, site).post("/org/acme/follow", nil), "/login")
}

func TestOpenToWorkForm(t *testing.T) {
	site := newTestSite(t)
	site.signUp("ada")
	ada := logInBrowser(t, site, "ada")

	r := ada.get("/me/edit")
	wantBody(t, r, `action="/me/open-to-work"`, "never broadcast", "never shown to recruiters",
		`value="recruiters" checked`, "Everyone (adds a badge to your profile)")
	if strings.Contains(string(r.Body), `action="/me/open-to-work/delete"`) {
		t.Fatal("a member who is not open to work is offered to stop")
	}

	// No title: the message beside its field, what was ticked kept.
	r = ada.post("/me/open-to-work", url.Values{"titles": {" , "}, "workplaces": {"remote"}, "visibility": {"recruiters"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, `id="otw_titles-error"`, `value="remote" checked`)
	if o, err := site.Svc.Profiles.OpenToWork(as(t, site, "ada")); err != nil || o != nil {
		t.Fatalf("a refused form saved %+v (%v)", o, err)
	}

	wantRedirect(t, ada.post("/me/open-to-work", url.Values{"titles": {"Engineer, Analyst"}, "locations": {"Lyon, Paris"},
		"workplaces": {"remote", "hybrid"}, "job_types": {"full-time"}, "visibility": {"recruiters"}}), "/me/edit")
	o, err := site.Svc.Profiles.OpenToWork(as(t, site, "ada"))
	if err != nil || o == nil {
		t.Fatalf("open to work = %+v (%v)", o, err)
	}
	if strings.Join(o.Titles, "|") != "Engineer|Analyst" || strings.Join(o.Locations, "|") != "Lyon|Paris" ||
		len(o.Workplaces) != 2 || strings.Join(o.JobTypes, "|") != "full-time" || o.Visibility != rapport.OpenToRecruiters {
		t.Fatalf("saved %+v", o)
	}
	r = ada.get("/me/edit")
	wantBody(t, r, `value="Engineer, Analyst"`, `value="Lyon, Paris"`, `value="remote" checked`, `value="hybrid" checked`,
		`value="full-time" checked`, `value="recruiters" checked`, `action="/me/open-to-work/delete"`)
	// To recruiters only: no badge on the profile, for anyone.
	for _, b := range []*browser{ada, newBrowser(t, site)} {
		if body := string(b.get("/in/ada").Body); strings.Contains(body, "Open to work") {
			t.Fatal("a profile open to recruiters only shows a badge")
		}
	}

	wantRedirect(t, ada.post("/me/open-to-work", url.Values{"titles": {"Engineer"}, "visibility": {"everyone"}}), "/me/edit")
	wantBody(t, newBrowser(t, site).get("/in/ada"), `<span class="badge">Open to work</span>`, "Engineer")

	wantRedirect(t, ada.post("/me/open-to-work/delete", nil), "/me/edit")
	if o, err := site.Svc.Profiles.OpenToWork(as(t, site, "ada")); err != nil || o != nil {
		t.Fatalf("after stopping, open to work = %+v (%v)", o, err)
	}
	if strings.Contains(string(newBrowser(t, site).get("/in/ada").Body), "Open to work") {
		t.Fatal("the badge outlives the signal")
	}
}

func TestPositionLinkedToOrganizationPage(t *testing.T) {
	site := newTestSite(t)
	site.signUp("ada")
	ada := logInBrowser(t, site, "ada")
	createOrganization(t, ada, "acme", "Acme")

	r := ada.post("/me/positions", url.Values{"title": {"Engineer"}, "organization_name": {"Acme"}, "organization_slug": {"nowhere"},
		"start": {"2021-03"}, "current": {"on"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, `id="organization_slug-error"`, `value="nowhere"`)

	wantRedirect(t, ada.post("/me/positions", url.Values{"title": {"Engineer"}, "organization_name": {"ACME typed"}, "organization_slug": {"acme"},
		"start": {"2021-03"}, "current": {"on"}}), "/me/edit")
	wantBody(t, newBrowser(t, site).get("/in/ada"), `<a href="/org/acme">Acme</a>`)
	wantBody(t, ada.get("/org/acme"), "1 employee on Rapport", `href="/in/ada"`)
}

// TestSeatPagesRevoked follows a seat from the operator's grant to its
// revocation through the pages, without a browser.
func TestSeatPagesRevoked(t *testing.T) {
	site := newTestSite(t)
	for _, h := range []string{"ada", "bob", "cyd"} {
		site.signUp(h)
	}
	ada, bob, cy := logInBrowser(t, site, "ada"), logInBrowser(t, site, "bob"), logInBrowser(t, site, "cyd")
	createOrganization(t, ada, "acme", "Acme")
	wantRedirect(t, ada.post("/org/acme/admins", url.Values{"handle": {"bob"}, "role": {"seats"}}), "/org/acme/admin")
	if err := site.Svc.Seats.Grant(context.Background(), "acme", rapport.ProductRecruiter, 1); err != nil {
		t.Fatal(err)
	}
	seats, err := site.Svc.Seats.List(as(t, site, "bob"), "acme")
	if err != nil || len(seats) != 1 {
		t.Fatalf("seats %v (%v)", seats, err)
	}
	id := strconvFormat(seats[0].ID)

	r := bob.post("/org/acme/seats/"+id+"/assign", url.Values{"handle": {"nobody"}})
	wantStatus(t, r, http.StatusNotFound)
	wantBody(t, r, `id="seat-`+id+`-handle-error"`, `value="nobody"`)
	wantRedirect(t, bob.post("/org/acme/seats/"+id+"/assign", url.Values{"handle": {"cyd"}}), "/org/acme/admin")

	// The header tells of the offer; the seat is not offered as a context yet.
	r = cy.get("/seats")
	wantBody(t, r, `action="/seats/`+id+`/accept"`, "Offered a seat", `<a href="/seats">Seats <span class="badge">1 offered</span></a>`)
	if strings.Contains(string(r.Body), `action="/seats/`+id+`/switch"`) {
		t.Fatal("a seat not accepted yet is offered to switch into")
	}
	wantRedirect(t, cy.post("/seats/"+id+"/accept", nil), "/seats")
	wantBody(t, cy.get("/seats"), `action="/seats/`+id+`/switch"`, `<strong aria-current="true">Personal</strong>`)

	// No seat switched into: the recruiter refuses.
	wantStatus(t, cy.get("/recruiter"), http.StatusForbidden)
	r = cy.post("/seats/"+id+"/switch", nil)
	wantRedirect(t, r, "/recruiter")
	if c := seatCookieOf(r); c == nil || c.Value != id || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
		t.Fatalf("the seat cookie is %+v", c)
	}
	r = cy.get("/recruiter")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, "Acting as Recruiter at", "Acme", `aria-current="true"><strong>Recruiter · Acme</strong>`)
	// The personal pages ignore the seat.
	wantStatus(t, cy.get("/network"), http.StatusOK)
	// A bad query: said on the form, the banner kept.
	r = cy.get("/recruiter?q=")
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, `id="q-error"`, "Acting as Recruiter at")

	wantRedirect(t, bob.post("/org/acme/seats/"+id+"/revoke", nil), "/org/acme/admin")
	r = cy.get("/recruiter?q=ada")
	wantStatus(t, r, http.StatusForbidden)
	wantBody(t, r, "This seat was revoked by the organization")
	if c := seatCookieOf(r); c == nil || c.MaxAge >= 0 {
		t.Fatalf("the refused seat's cookie is not cleared: %+v", c)
	}
	r = cy.get("/seats")
	wantBody(t, r, "You hold no seats.", "Revoked a seat")
	if strings.Contains(string(r.Body), "Recruiter · Acme") {
		t.Fatal("the header still offers the revoked seat")
	}
}

// acmeSite is a site where ada made the organization Acme and bob is a
// member, both signed in.
func acmeSite(t *testing.T) (*testSite, *browser, *browser) {
	t.Helper()
	site := newTestSite(t)
	site.signUp("ada")
	site.signUp("bob")
	ada, bob := logInBrowser(t, site, "ada"), logInBrowser(t, site, "bob")
	createOrganization(t, ada, "acme", "Acme")
	return site, ada, bob
}
