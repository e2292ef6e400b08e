package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/rapportnet/rapport"
)

type candidatesJSON struct {
	Results []struct {
		Handle     string          `json:"handle"`
		OpenToWork json.RawMessage `json:"open_to_work"`
	} `json:"results"`
	Total int `json:"total"`
}

// recruit runs a recruiter search from a seat and fails unless it answers 200.
func recruit(t *testing.T, site *testSite, token string, seat int64, params string) candidatesJSON {
	t.Helper()
	r := seatAPI(t, site, token, seat, "GET", "/api/v1/recruiter/search?"+params, nil)
	if r.Status != 200 {
		t.Fatalf("recruiter search %s: %d %s", params, r.Status, r.Body)
	}
	var out candidatesJSON
	r.JSON(t, &out)
	return out
}

// open reports whether a candidate's open-to-work signal is shown.
func (c candidatesJSON) open(handle string) (found, shown bool) {
	for _, r := range c.Results {
		if r.Handle == handle {
			return true, string(r.OpenToWork) != "null" && len(r.OpenToWork) > 0
		}
	}
	return false, false
}

// orgSite is a site with two organizations, Acme and Globex, each with a
// super admin and a recruiter holding an active seat.
type orgSite struct {
	*testSite
	acmeAdmin, globexAdmin         string // tokens
	acmeRecruiter, globexRecruiter string
	acmeSeat, globexSeat           int64
}

func newOrgSite(t *testing.T) *orgSite {
	t.Helper()
	site := newTestSite(t)
	o := &orgSite{testSite: site}
	o.acmeAdmin, o.globexAdmin = quickMember(t, site, "acme-boss"), quickMember(t, site, "globex-boss")
	o.acmeRecruiter, o.globexRecruiter = quickMember(t, site, "acme-hunter"), quickMember(t, site, "globex-hunter")
	o.acmeSeat = o.organization(t, o.acmeAdmin, "acme", "Acme", o.acmeRecruiter, "acme-hunter")
	o.globexSeat = o.organization(t, o.globexAdmin, "globex", "Globex", o.globexRecruiter, "globex-hunter")
	return o
}

// organization creates an organization through the API, has the operator
// grant it two seats, and gives one to the recruiter, who accepts it.
func (o *orgSite) organization(t *testing.T, admin, slug, name, recruiter, recruiterHandle string) int64 {
	t.Helper()
	if r := o.api("POST", "/api/v1/organizations", admin, map[string]any{"slug": slug, "name": name, "industry": "Software"}); r.Status != 201 {
		t.Fatalf("create %s: %d %s", slug, r.Status, r.Body)
	}
	if err := o.Svc.Seats.Grant(context.Background(), slug, rapport.ProductRecruiter, 2); err != nil {
		t.Fatal(err)
	}
	seat := o.freeSeat(t, admin, slug)
	o.assign(t, admin, slug, seat, recruiterHandle)
	if r := o.api("POST", fmt.Sprintf("/api/v1/me/seats/%d/accept", seat), recruiter, nil); r.Status != 204 {
		t.Fatalf("accept: %d %s", r.Status, r.Body)
	}
	return seat
}

func (o *orgSite) freeSeat(t *testing.T, admin, slug string) int64 {
	t.Helper()
	r := o.api("GET", "/api/v1/organizations/"+slug+"/seats", admin, nil)
	var seats []struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	}
	r.JSON(t, &seats)
	for _, s := range seats {
		if s.Status == "free" {
			return s.ID
		}
	}
	t.Fatalf("%s has no free seat: %s", slug, r.Body)
	return 0
}

func (o *orgSite) assign(t *testing.T, admin, slug string, seat int64, handle string) {
	t.Helper()
	if r := o.api("POST", fmt.Sprintf("/api/v1/organizations/%s/seats/%d/assign", slug, seat), admin, map[string]string{"handle": handle}); r.Status != 204 {
		t.Fatalf("assign: %d %s", r.Status, r.Body)
	}
}

// addJob adds a current position, linked to an organization's page
// when slug is set, and returns its id.
func addJob(t *testing.T, site *testSite, token, organization, slug string) int64 {
	t.Helper()
	body := map[string]any{"title": "Data Engineer", "organization_name": organization, "start": "2020-03"}
	if slug != "" {
		body["organization_slug"] = slug
	}
	r := site.api("POST", "/api/v1/me/positions", token, body)
	if r.Status != 201 {
		t.Fatalf("add position: %d %s", r.Status, r.Body)
	}
	var p struct{ ID int64 }
	r.JSON(t, &p)
	return p.ID
}

// TestOpenToWorkHiddenFromEmployer sweeps every surface for the signal of
// members open to work "to recruiters only": their employer's recruiter
// learns nothing of it (filter, results, counts, profiles), another
// organization's recruiter sees it, members and visitors see nothing, and
// once the member leaves, the former employer's recruiter sees it too.
func TestOpenToWorkHiddenFromEmployer(t *testing.T) {
	o := newOrgSite(t)
	dana := quickMember(t, o.testSite, "dana")       // works at Acme, linked to its page
	eve := quickMember(t, o.testSite, "eve")         // works at "ACME" typed as free text
	frank := quickMember(t, o.testSite, "frank")     // works at Globex, open to everyone
	viewer := quickMember(t, o.testSite, "onlooker") // a plain member
	danaJob := addJob(t, o.testSite, dana, "Acme", "acme")
	addJob(t, o.testSite, eve, "ACME", "")
	addJob(t, o.testSite, frank, "Globex", "globex")

	// What anyone sees before the signal is switched on, by every route
	// that shows a member.
	surfaces := func() map[string]string {
		out := map[string]string{}
		for _, who := range []struct{ name, token string }{{"visitor", ""}, {"member", viewer}, {"acme recruiter's own account", o.acmeRecruiter}, {"acme admin", o.acmeAdmin}} {
			for _, path := range []string{"/api/v1/members/dana", "/api/v1/members/eve", "/api/v1/search/members?q=data+engineer",
				"/api/v1/typeahead?q=da", "/api/v1/organizations/acme/employees", "/in/dana", "/in/eve"} {
				var r *response
				if strings.HasPrefix(path, "/api/") {
					r = o.api("GET", path, who.token, nil)
				} else {
					req, _ := http.NewRequest("GET", o.URL+path, nil)
					if who.token != "" {
						req.AddCookie(&http.Cookie{Name: "rapport_session", Value: who.token})
					}
					r = o.do(req, nil)
				}
				out[who.name+" "+path] = fmt.Sprintf("%d %s", r.Status, r.Body)
			}
		}
		return out
	}
	before := surfaces()

	for _, m := range []struct {
		token, visibility string
	}{{dana, ""}, {eve, "recruiters"}, {frank, "everyone"}} {
		body := map[string]any{"titles": []string{"Data Engineer"}, "locations": []string{"Lyon"}, "workplaces": []string{"remote"}}
		if m.visibility != "" {
			body["visibility"] = m.visibility
		}
		if r := o.api("PUT", "/api/v1/me/open-to-work", m.token, body); r.Status != 200 {
			t.Fatalf("open to work: %d %s", r.Status, r.Body)
		}
	}
	var mine struct {
		OpenToWork struct{ Visibility string } `json:"open_to_work"`
	}
	o.api("GET", "/api/v1/me/open-to-work", dana, nil).JSON(t, &mine)
	if mine.OpenToWork.Visibility != rapport.OpenToRecruiters {
		t.Fatalf("the default visibility is %q, want recruiters only", mine.OpenToWork.Visibility)
	}

	// Nothing a member, a visitor, the employer's admin or the recruiter's
	// personal account sees has changed, byte for byte.
	after := surfaces()
	for k, v := range before {
		if after[k] != v && !strings.Contains(k, "frank") {
			t.Errorf("%s changed when dana and eve said they are open to work:\nbefore %s\nafter  %s", k, v, after[k])
		}
	}

	// Open to everyone: a badge on the profile, for visitors too.
	if r := o.api("GET", "/api/v1/members/frank", "", nil); r.Status != 200 || !bytes.Contains(r.Body, []byte(`"visibility":"everyone"`)) {
		t.Errorf("frank's profile lacks the badge he shows everyone: %d %s", r.Status, r.Body)
	}

	// Acme's recruiter: the filter finds neither employee, and counts them
	// nowhere; without the filter they are found with no signal.
	acme := recruit(t, o.testSite, o.acmeRecruiter, o.acmeSeat, "open_to_work=true")
	for _, h := range []string{"dana", "eve"} {
		if found, _ := acme.open(h); found {
			t.Errorf("Acme's recruiter finds %s with the open-to-work filter", h)
		}
	}
	if found, shown := acme.open("frank"); !found || !shown || acme.Total != 1 {
		t.Errorf("Acme's recruiter with the filter: total %d, frank found %v shown %v; want only frank, open to everyone", acme.Total, found, shown)
	}
	if n := recruit(t, o.testSite, o.acmeRecruiter, o.acmeSeat, "q=data+engineer&open_to_work=true").Total; n != 1 {
		t.Errorf("Acme's recruiter counts %d open to work for data engineer, want 1 (frank)", n)
	}
	plain := recruit(t, o.testSite, o.acmeRecruiter, o.acmeSeat, "q=data+engineer")
	for _, h := range []string{"dana", "eve"} {
		if found, shown := plain.open(h); !found || shown {
			t.Errorf("Acme's recruiter searching without the filter: %s found %v, signal shown %v; want found without it", h, found, shown)
		}
	}
	r := seatAPI(t, o.testSite, o.acmeRecruiter, o.acmeSeat, "GET", "/api/v1/recruiter/members/dana", nil)
	if r.Status != 200 || !bytes.Contains(r.Body, []byte(`"open_to_work":null`)) || bytes.Contains(r.Body, []byte("Lyon")) {
		t.Errorf("dana's profile from Acme's seat shows the signal: %d %s", r.Status, r.Body)
	}

	// Globex's recruiter sees all three.
	globex := recruit(t, o.testSite, o.globexRecruiter, o.globexSeat, "open_to_work=true")
	for _, h := range []string{"dana", "eve"} {
		if found, shown := globex.open(h); !found || !shown {
			t.Errorf("Globex's recruiter: %s found %v, shown %v; want both", h, found, shown)
		}
	}
	if globex.Total != 3 {
		t.Errorf("Globex's recruiter counts %d open to work, want 3", globex.Total)
	}
	r = seatAPI(t, o.testSite, o.globexRecruiter, o.globexSeat, "GET", "/api/v1/recruiter/members/dana", nil)
	if r.Status != 200 || !bytes.Contains(r.Body, []byte("Lyon")) {
		t.Errorf("dana's profile from Globex's seat lacks the signal: %d %s", r.Status, r.Body)
	}

	// Dana leaves Acme: its recruiter now sees her, and nothing else of
	// hers changed.
	if r := o.api("PUT", fmt.Sprintf("/api/v1/me/positions/%d", danaJob), dana, map[string]any{"title": "Data Engineer",
		"organization_name": "Acme", "organization_slug": "acme", "start": "2020-03", "end": "2026-10"}); r.Status != 200 {
		t.Fatalf("end position: %d %s", r.Status, r.Body)
	}
	acme = recruit(t, o.testSite, o.acmeRecruiter, o.acmeSeat, "open_to_work=true")
	if found, shown := acme.open("dana"); !found || !shown {
		t.Errorf("after leaving Acme, Acme's recruiter: dana found %v, shown %v; want both", found, shown)
	}
	if found, _ := acme.open("eve"); found {
		t.Error("Acme's recruiter finds eve, who still works there")
	}

	// Renaming the page lifts no one's protection: eve typed its old name.
	if r := o.api("PATCH", "/api/v1/organizations/acme", o.acmeAdmin, map[string]any{"name": "Acme Hiring"}); r.Status != 200 {
		t.Fatalf("rename: %d %s", r.Status, r.Body)
	}
	acme = recruit(t, o.testSite, o.acmeRecruiter, o.acmeSeat, "open_to_work=true")
	if found, _ := acme.open("eve"); found {
		t.Error("after the page was renamed, Acme's recruiter finds eve open to work")
	}
	r = seatAPI(t, o.testSite, o.acmeRecruiter, o.acmeSeat, "GET", "/api/v1/recruiter/members/eve", nil)
	if !bytes.Contains(r.Body, []byte(`"open_to_work":null`)) {
		t.Errorf("after the page was renamed, eve's profile from Acme's seat: %s", r.Body)
	}
	var audit []struct{ Action, Detail string }
	o.api("GET", "/api/v1/organizations/acme/audit", o.acmeAdmin, nil).JSON(t, &audit)
	if len(audit) == 0 || audit[0].Action != "organization.updated" || audit[0].Detail != "Acme → Acme Hiring" {
		t.Errorf("the audit entry of the rename: %+v", audit[:min(1, len(audit))])
	}
}

// TestSeatRevokedLeavesPersonalAccountUntouched revokes and reassigns a
// seat: the former holder's requests from it are refused from the next
// one on, with the reason, and their personal account is byte for byte
// what it was.
func TestSeatRevokedLeavesPersonalAccountUntouched(t *testing.T) {
	o := newOrgSite(t)
	holder := o.acmeRecruiter
	friend := quickMember(t, o.testSite, "pal")
	addJob(t, o.testSite, friend, "Initech", "") // to be found by the search index
	connect(t, o.testSite, holder, "acme-hunter", friend, "pal")
	addJob(t, o.testSite, holder, "Acme", "acme")
	if r := o.api("PUT", "/api/v1/me/connections/pal/note", holder, map[string]any{"note": "Met in Lyon", "tags": []string{"data"}}); r.Status != 200 {
		t.Fatalf("note: %d %s", r.Status, r.Body)
	}
	if r := o.api("POST", "/api/v1/me/tokens", holder, map[string]any{"name": "script"}); r.Status != 201 {
		t.Fatalf("token: %d %s", r.Status, r.Body)
	}
	personal := func() map[string]string {
		out := map[string]string{}
		for _, path := range []string{"/api/v1/me", "/api/v1/me/connections", "/api/v1/me/positions", "/api/v1/me/tokens",
			"/api/v1/me/following", "/api/v1/invitations/sent", "/api/v1/invitations/received", "/api/v1/me/blocks", "/api/v1/me/open-to-work"} {
			r := o.api("GET", path, holder, nil)
			out[path] = fmt.Sprintf("%d %s", r.Status, r.Body)
		}
		var sessions []struct {
			ID        int64  `json:"id"`
			CreatedAt string `json:"created_at"`
		}
		o.api("GET", "/api/v1/me/sessions", holder, nil).JSON(t, &sessions)
		out["sessions"] = fmt.Sprint(sessions) // last_seen_at moves with every request
		return out
	}
	before := personal()
	if n := recruit(t, o.testSite, holder, o.acmeSeat, "q=pal").Total; n != 1 {
		t.Fatalf("the holder's search finds %d, want 1", n)
	}

	// Reassigned to another member: the holder is out at once.
	newcomer := quickMember(t, o.testSite, "newcomer")
	if r := o.api("POST", fmt.Sprintf("/api/v1/organizations/acme/seats/%d/reassign", o.acmeSeat), o.acmeAdmin, map[string]string{"handle": "newcomer"}); r.Status != 204 {
		t.Fatalf("reassign: %d %s", r.Status, r.Body)
	}
	r := seatAPI(t, o.testSite, holder, o.acmeSeat, "GET", "/api/v1/recruiter/search?q=pal", nil)
	if r.Status != 403 || !bytes.Contains(r.Body, []byte("revoked by the organization")) {
		t.Fatalf("the former holder's search: %d %s; want 403 saying the seat was revoked", r.Status, r.Body)
	}
	if r := seatAPI(t, o.testSite, newcomer, o.acmeSeat, "GET", "/api/v1/recruiter/search?q=pal", nil); r.Status != 403 {
		t.Fatalf("the newcomer acts from the seat before accepting it: %d", r.Status)
	}
	if r := o.api("POST", fmt.Sprintf("/api/v1/me/seats/%d/accept", o.acmeSeat), newcomer, nil); r.Status != 204 {
		t.Fatalf("accept: %d %s", r.Status, r.Body)
	}
	if n := recruit(t, o.testSite, newcomer, o.acmeSeat, "q=pal").Total; n != 1 {
		t.Fatalf("the newcomer's search finds %d, want 1", n)
	}
	if r := o.api("POST", fmt.Sprintf("/api/v1/organizations/acme/seats/%d/revoke", o.acmeSeat), o.acmeAdmin, nil); r.Status != 204 {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}
	if r := seatAPI(t, o.testSite, newcomer, o.acmeSeat, "GET", "/api/v1/recruiter/search?q=pal", nil); r.Status != 403 {
		t.Fatalf("after revocation: %d", r.Status)
	}

	after := personal()
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s changed when the seat was taken back:\nbefore %s\nafter  %s", k, v, after[k])
		}
	}
	// The holder sees the admin actions that concerned them.
	var audit []struct{ Action string }
	o.api("GET", "/api/v1/me/audit", holder, nil).JSON(t, &audit)
	var actions []string
	for _, e := range audit {
		actions = append(actions, e.Action)
	}
	for _, want := range []string{rapport.AuditSeatAssigned, rapport.AuditSeatAccepted, rapport.AuditSeatRevoked} {
		if !slices.Contains(actions, want) {
			t.Errorf("the holder's audit entries %v lack %s", actions, want)
		}
	}
	o.api("GET", "/api/v1/organizations/acme/audit", o.acmeAdmin, nil).JSON(t, &audit)
	actions = actions[:0]
	for _, e := range audit {
		actions = append(actions, e.Action)
	}
	for _, want := range []string{rapport.AuditSeatsGranted, rapport.AuditSeatReassigned, rapport.AuditSeatRevoked, rapport.AuditOrgCreated} {
		if !slices.Contains(actions, want) {
			t.Errorf("Acme's audit log %v lacks %s", actions, want)
		}
	}
}

// TestOneContextARequest refuses a personal route sent from a seat, and a
// seat route sent without one, changing nothing.
func TestOneContextARequest(t *testing.T) {
	o := newOrgSite(t)
	before := o.api("GET", "/api/v1/me", o.acmeRecruiter, nil)
	req, _ := http.NewRequest("PATCH", o.URL+"/api/v1/me/profile", strings.NewReader(`{"headline":"Changed from a seat"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+o.acmeRecruiter)
	req.Header.Set("Rapport-Seat", fmt.Sprint(o.acmeSeat))
	if r := o.do(req, []byte(`{"headline":"Changed from a seat"}`)); r.Status != 400 || !bytes.Contains(r.Body, []byte(`"field":"Rapport-Seat"`)) {
		t.Errorf("a personal route sent from a seat: %d %s; want 400 naming Rapport-Seat", r.Status, r.Body)
	}
	if after := o.api("GET", "/api/v1/me", o.acmeRecruiter, nil); !bytes.Equal(before.Body, after.Body) {
		t.Errorf("the profile changed:\n%s\n%s", before.Body, after.Body)
	}
	if r := o.api("GET", "/api/v1/recruiter/search?q=acme", o.acmeRecruiter, nil); r.Status != 403 {
		t.Errorf("a seat route without a seat: %d, want 403", r.Status)
	}
	if r := seatAPI(t, o.testSite, o.acmeRecruiter, o.globexSeat, "GET", "/api/v1/recruiter/search?q=acme", nil); r.Status != 403 {
		t.Errorf("another's seat: %d, want 403", r.Status)
	}
	bad, _ := http.NewRequest("GET", o.URL+"/api/v1/recruiter/search?q=acme", nil)
	bad.Header.Set("Authorization", "Bearer "+o.acmeRecruiter)
	bad.Header.Set("Rapport-Seat", "first")
	if r := o.do(bad, nil); r.Status != 400 {
		t.Errorf("a seat that is not a number: %d, want 400", r.Status)
	}
}

// TestOrganizationBadInput answers bad organization input with 4xx naming
// the field, and creates nothing.
func TestOrganizationBadInput(t *testing.T) {
	site := newTestSite(t)
	token := quickMember(t, site, "founder")
	if r := site.api("POST", "/api/v1/organizations", token, map[string]any{"slug": "acme", "name": "Acme"}); r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	for _, c := range []struct {
		body   any
		status int
		field  string
	}{
		{map[string]any{"slug": "acme", "name": "Another"}, 409, "slug"},
		{map[string]any{"slug": "ACME ", "name": "Another"}, 409, "slug"},
		{map[string]any{"slug": "", "name": "Empty"}, 422, "slug"},
		{map[string]any{"slug": "-dash", "name": "Dash"}, 422, "slug"},
		{map[string]any{"slug": "ok-slug", "name": ""}, 422, "name"},
		{map[string]any{"slug": "ok-slug", "name": strings.Repeat("n", 101)}, 422, "name"},
		{map[string]any{"slug": "ok-slug", "name": "N", "website": "javascript:alert(1)"}, 422, "website"},
		{map[string]any{"slug": "ok-slug", "name": "N", "size": "huge"}, 422, "size"},
		{map[string]any{"slug": "ok-slug", "name": 7}, 400, "name"},
		{map[string]any{"slug": "ok-slug", "name": "N", "owner": "me"}, 400, "owner"},
	} {
		r := site.api("POST", "/api/v1/organizations", token, c.body)
		var e struct{ Error struct{ Field string } }
		r.JSON(t, &e)
		if r.Status != c.status || e.Error.Field != c.field {
			t.Errorf("%v: %d field %q, want %d field %q", c.body, r.Status, e.Error.Field, c.status, c.field)
		}
	}
	if r := site.api("GET", "/api/v1/organizations/ok-slug", "", nil); r.Status != 404 {
		t.Errorf("a refused organization exists: %d", r.Status)
	}
	// The last super admin cannot step down; with another named, they can.
	if r := site.api("DELETE", "/api/v1/organizations/acme/admins/founder/super", token, nil); r.Status != 409 {
		t.Errorf("the last super admin steps down: %d %s", r.Status, r.Body)
	}
	quickMember(t, site, "heir")
	if r := site.api("POST", "/api/v1/organizations/acme/admins", token, map[string]any{"handle": "heir", "role": "super"}); r.Status != 200 {
		t.Fatalf("grant: %d %s", r.Status, r.Body)
	}
	if r := site.api("POST", "/api/v1/organizations/acme/admins", token, map[string]any{"handle": "heir", "role": "owner"}); r.Status != 422 {
		t.Errorf("an unknown role: %d %s", r.Status, r.Body)
	}
	if r := site.api("DELETE", "/api/v1/organizations/acme/admins/founder/super", token, nil); r.Status != 204 {
		t.Errorf("stepping down with an heir: %d %s", r.Status, r.Body)
	}
	if r := site.api("PATCH", "/api/v1/organizations/acme", token, map[string]any{"name": "Acme"}); r.Status != 403 {
		t.Errorf("a former admin edits the page: %d", r.Status)
	}
	// A position linked to a page that does not exist is refused.
	r := site.api("POST", "/api/v1/me/positions", token, map[string]any{"title": "CEO", "organization_name": "X", "organization_slug": "nowhere", "start": "2020-01"})
	if r.Status != 422 || !bytes.Contains(r.Body, []byte(`"field":"organization_slug"`)) {
		t.Errorf("a position linked to no page: %d %s", r.Status, r.Body)
	}
}

// TestLeavingAJobChangesNothingElse ends a position and finds the
// member's connections, invitations, follows and notes as they were.
func TestLeavingAJobChangesNothingElse(t *testing.T) {
	o := newOrgSite(t)
	worker := quickMember(t, o.testSite, "worker")
	colleague := quickMember(t, o.testSite, "colleague")
	job := addJob(t, o.testSite, worker, "Acme", "acme")
	addJob(t, o.testSite, colleague, "Acme", "acme")
	connect(t, o.testSite, worker, "worker", colleague, "colleague")
	o.api("PUT", "/api/v1/me/connections/colleague/note", worker, map[string]any{"note": "Desk neighbour"})
	o.api("PUT", "/api/v1/organizations/acme/follow", worker, nil)
	snapshot := func() map[string]string {
		out := map[string]string{}
		for _, path := range []string{"/api/v1/me/connections", "/api/v1/invitations/sent", "/api/v1/invitations/received",
			"/api/v1/me/organizations", "/api/v1/me/following", "/api/v1/me/followers"} {
			out[path] = string(o.api("GET", path, worker, nil).Body)
		}
		out["colleague's connections"] = string(o.api("GET", "/api/v1/me/connections", colleague, nil).Body)
		return out
	}
	before := snapshot()
	var org struct{ Employees int }
	o.api("GET", "/api/v1/organizations/acme", "", nil).JSON(t, &org)
	if org.Employees != 2 {
		t.Fatalf("Acme has %d employees, want 2", org.Employees)
	}
	if r := o.api("PUT", fmt.Sprintf("/api/v1/me/positions/%d", job), worker, map[string]any{"title": "Data Engineer",
		"organization_name": "Acme", "organization_slug": "acme", "start": "2020-03", "end": "2026-11"}); r.Status != 200 {
		t.Fatalf("leave: %d %s", r.Status, r.Body)
	}
	o.api("GET", "/api/v1/organizations/acme", "", nil).JSON(t, &org)
	if org.Employees != 1 {
		t.Errorf("after leaving, Acme has %d employees, want 1", org.Employees)
	}
	after := snapshot()
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s changed when the member left Acme:\nbefore %s\nafter  %s", k, v, after[k])
		}
	}
}
