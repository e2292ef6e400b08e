package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/rapportnet/rapport"
)

// TestBrowserOrgSeatRecruiter follows a Recruiter seat through its life in
// real Chromium. Ada creates Acme's page and makes Bob its seat admin; the
// operator grants Acme a seat; Bob assigns it to Cyd, who accepts it,
// switches into it from the header and searches for people open to work.
// Dana, open to recruiters and working elsewhere, is found with her badge;
// Eve, open to recruiters but working at Acme, is not. Bob revokes the
// seat, and Cyd's next request from it is refused, while Cyd's own account
// and connections are as they were. Before that, Cyd sends Dana an InMail
// from her page; Dana still finds it in her own InMail once the seat is
// gone.
func TestBrowserOrgSeatRecruiter(t *testing.T) {
	chromium(t)
	site := newTestSite(t)
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second) // against a hung browser only
	defer cancel()

	// Dana and Eve need no browser of their own: their forms are sent as a
	// browser without script sends them.
	site.signUp("dana")
	site.signUp("eve")
	dana, eve := logInBrowser(t, site, "dana"), logInBrowser(t, site, "eve")

	ada := browserMember(t, ctx, site, "ada", "Ada Lovelace")
	ada.within("create Acme's page",
		chromedp.Navigate(site.URL+"/organizations/new"),
		chromedp.WaitVisible(`#slug`),
		chromedp.SendKeys(`#slug`, "acme"),
		chromedp.SendKeys(`#name`, "Acme"),
		chromedp.SendKeys(`#industry`, "Software"),
		chromedp.Click(`//button[text()="Create page"]`),
		chromedp.WaitVisible(`//h1[text()="Acme"]`),
		chromedp.WaitVisible(`//p[@role="status"][starts-with(text(), "Your organization's page is made")]`))

	// The position form suggests the page as its address is typed.
	ada.within("position form", chromedp.Navigate(site.URL+"/me/edit"), chromedp.WaitVisible(`#organization_slug`),
		chromedp.SendKeys(`#organization_slug`, "Acm"))
	ada.poll("Acme among the suggested pages", `document.querySelector('#organization_slug-suggestions option[value="acme"]') !== null`)

	// Eve works at Acme, her position linked to its page; Dana works
	// elsewhere. Both say they are open to work, to recruiters only.
	for _, p := range []struct {
		b           *browser
		title, org  string
		slug, where string
	}{{dana, "Data engineer", "Globex", "", "Lyon"}, {eve, "Data engineer", "Acme", "acme", "Lyon"}} {
		wantRedirect(t, p.b.post("/me/positions", url.Values{"title": {p.title}, "organization_name": {p.org}, "organization_slug": {p.slug},
			"location": {p.where}, "start": {"2020-01"}, "current": {"on"}}), "/me/edit")
		wantRedirect(t, p.b.post("/me/open-to-work", url.Values{"titles": {"Data engineer, Analyst"}, "locations": {"Lyon"},
			"workplaces": {"remote"}, "job_types": {"full-time"}, "visibility": {"recruiters"}}), "/me/edit")
	}

	bob := browserMember(t, ctx, site, "bob", "Bob Baker")
	ada.within("make Bob seat admin",
		chromedp.Navigate(site.URL+"/org/acme"),
		chromedp.Click(`//a[starts-with(normalize-space(.), "Manage")]`),
		chromedp.WaitVisible(`#grant_handle`),
		chromedp.SendKeys(`#grant_handle`, "bob"),
		chromedp.SetValue(`#grant_role`, rapport.RoleSeats),
		chromedp.Click(`//button[text()="Grant role"]`),
		chromedp.WaitVisible(`//p[@role="status"][text()="Role granted."]`))
	if admins := ada.text(`//ul[contains(@class, "admins")]`); !strings.Contains(admins, "Bob Baker · Seat admin") {
		t.Fatalf("the admins of Acme:\n%s", admins)
	}

	// The operator's grant, from the command line.
	if err := site.Svc.Seats.Grant(context.Background(), "acme", rapport.ProductRecruiter, 1); err != nil {
		t.Fatal(err)
	}

	cyd := browserMember(t, ctx, site, "cyd", "Cyd Charisse")
	cydToken := site.logIn("cyd")
	connect(t, site, cydToken, "cyd", site.logIn("ada"), "ada")
	before := site.api("GET", "/api/v1/me", cydToken, nil)
	beforeConnections := site.api("GET", "/api/v1/me/connections", cydToken, nil)
	wantStatus(t, before, 200)
	wantStatus(t, beforeConnections, 200)

	bob.within("assign the seat to Cyd",
		chromedp.Navigate(site.URL+"/org/acme/admin"),
		chromedp.WaitVisible(`#seats-h`),
		chromedp.SendKeys(`//input[starts-with(@id, "seat-")][@name="handle"]`, "cyd"),
		chromedp.Click(`//button[starts-with(normalize-space(.), "Assign")]`),
		chromedp.WaitVisible(`//p[@role="status"][starts-with(text(), "Seat offered.")]`))
	bob.screenshot("rapport-org-admin.png")
	if seats := bob.text(`//ul[contains(@class, "seats")]`); !strings.Contains(seats, "Offered to Cyd Charisse") {
		t.Fatalf("Acme's seats after the offer:\n%s", seats)
	}

	cyd.within("my seats", chromedp.Navigate(site.URL+"/seats"), chromedp.WaitVisible(`#offered-h`))
	cyd.screenshot("rapport-seats.png")
	cyd.within("accept the seat",
		chromedp.Navigate(site.URL+"/seats"),
		chromedp.WaitVisible(`#offered-h`),
		chromedp.Click(`//button[starts-with(normalize-space(.), "Accept")]`),
		chromedp.WaitVisible(`//p[@role="status"][starts-with(text(), "Seat accepted.")]`))
	if current := cyd.text(`//header//*[@aria-current="true"]`); current != "Personal" {
		t.Fatalf("before switching, the header's current context is %q", current)
	}
	cyd.within("switch into the seat from the header",
		chromedp.Click(`//header//form[contains(@action, "/switch")]/button[text()="Recruiter · Acme"]`),
		chromedp.WaitVisible(`//p[contains(@class, "seat-banner")]`))
	if banner := cyd.text(`//p[contains(@class, "seat-banner")]`); !strings.Contains(banner, "Acting as Recruiter at Acme") {
		t.Fatalf("the recruiter's banner says %q", banner)
	}
	if current := cyd.text(`//header//*[@aria-current="true"]`); current != "Recruiter · Acme" {
		t.Fatalf("after switching, the header's current context is %q", current)
	}

	results := `//section[@aria-labelledby="results-h"]`
	cyd.within("search for people open to work",
		chromedp.Click(`#open_to_work`),
		chromedp.Click(`//main//button[text()="Search"]`),
		chromedp.WaitVisible(`#results-h`))
	cyd.screenshot("rapport-recruiter-search.png")
	found := cyd.text(results)
	if !strings.Contains(found, "Dana Example") {
		t.Fatalf("Dana, open to recruiters and working elsewhere, is not found:\n%s", found)
	}
	if strings.Contains(found, "Eve Example") {
		t.Fatalf("Eve, who works at Acme, is shown open to work to Acme's recruiter:\n%s", found)
	}
	dana1 := cyd.text(`//li[contains(@class, "candidate")][.//strong[text()="Dana Example"]]`)
	for _, want := range []string{"Open to work", "Data engineer, Analyst", "Lyon", "remote", "full-time"} {
		if !strings.Contains(dana1, want) {
			t.Errorf("Dana's result lacks %q:\n%s", want, dana1)
		}
	}
	if loc, _ := chromedp.Run(cyd.b, chromedp.Location()); !strings.Contains(loc, "open_to_work=true") {
		t.Errorf("the search is not in the address: %s", loc)
	}

	// Without the filter Eve is found, but not as open to work.
	cyd.within("search for Eve",
		chromedp.Navigate(site.URL+"/recruiter?q=eve"),
		chromedp.WaitVisible(`#results-h`))
	if eve1 := cyd.text(results); !strings.Contains(eve1, "Eve Example") || strings.Contains(eve1, "Open to work") {
		t.Fatalf("Eve as Acme's recruiter finds her:\n%s", eve1)
	}

	cyd.within("Dana's profile from the seat",
		chromedp.Navigate(site.URL+"/recruiter?open_to_work=true"),
		chromedp.Click(`//a[.//strong[text()="Dana Example"]]`),
		chromedp.WaitVisible(`//h1[text()="Dana Example"]`))
	if profile := cyd.text(`#main`); !strings.Contains(profile, "Open to work") || !strings.Contains(profile, "Job titles") || !strings.Contains(profile, "Globex") {
		t.Fatalf("Dana's profile as Acme's recruiter sees it:\n%s", profile)
	}

	// From Dana's page, the seat writes to her: she is not Cyd's
	// connection, so it is InMail, spending one of the month's credits.
	cyd.screenshot("rapport-recruiter-candidate.png")
	if credits := cyd.text(`#credits`); !strings.Contains(credits, "50 InMail credits left this month") {
		t.Fatalf("Dana's page from the seat says of the credits %q", credits)
	}
	cyd.within("send Dana an InMail from her page",
		chromedp.SendKeys(`#inmail_subject`, "A data role at Acme"),
		chromedp.SendKeys(`#inmail_body`, "Would you talk this week?"),
		chromedp.Click(`//button[text()="Send InMail"]`),
		chromedp.WaitVisible(`//p[@role="status"][text()="InMail sent."]`),
		chromedp.WaitVisible(`//h1[text()="A data role at Acme"]`))
	cyd.screenshot("rapport-recruiter-inmail-thread.png")
	cyd.within("the seat's InMail",
		chromedp.Click(`//nav[contains(@class, "seat-nav")]/a[text()="InMail"]`),
		chromedp.WaitVisible(`//ul[contains(@class, "threads")]`))
	cyd.screenshot("rapport-recruiter-inmail.png")
	if threads := cyd.text(`//ul[contains(@class, "threads")]`); !strings.Contains(threads, "A data role at Acme") ||
		!strings.Contains(threads, "Dana Example") || !strings.Contains(threads, "Open") {
		t.Fatalf("the seat's InMail:\n%s", threads)
	}
	if credits := cyd.text(`#credits`); !strings.Contains(credits, "49 InMail credits left this month") {
		t.Fatalf("after one InMail the seat's page says %q", credits)
	}

	bob.within("revoke Cyd's seat",
		chromedp.Navigate(site.URL+"/org/acme/admin"),
		chromedp.WaitVisible(`#seats-h`),
		chromedp.Click(`//form[starts-with(@action, "/org/acme/seats/")][contains(@action, "/revoke")]/button`),
		chromedp.WaitVisible(`//p[@role="status"][starts-with(text(), "Seat revoked.")]`))

	resp, err := chromedp.Run(cyd.b, chromedp.NavigateResponse(site.URL+"/recruiter"))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != http.StatusForbidden {
		t.Fatalf("Cyd's request from the revoked seat answered %d", resp.Status)
	}
	cyd.screenshot("rapport-seat-revoked.png")
	if page := cyd.text(`#main`); !strings.Contains(page, "This seat was revoked by the organization") {
		t.Fatalf("the page of a revoked seat says:\n%s", page)
	}
	// The browser is back in the personal account: the seat is gone from
	// the header, and the recruiter no longer names the revoked seat.
	cyd.within("my seats", chromedp.Navigate(site.URL+"/seats"), chromedp.WaitVisible(`#held-h`))
	if held := cyd.text(`//section[@aria-labelledby="held-h"]`); !strings.Contains(held, "You hold no seats.") {
		t.Fatalf("Cyd's seats after the revocation:\n%s", held)
	}
	if n, err := chromedp.Run(cyd.b, chromedp.Evaluate[int](`document.querySelectorAll("header .contexts").length`)); err != nil || n != 0 {
		t.Fatalf("the header still offers a seat switcher (%d, %v)", n, err)
	}
	if audit := cyd.text(`//section[@aria-labelledby="myaudit-h"]`); !strings.Contains(audit, "Revoked a seat") || !strings.Contains(audit, "Bob Baker") {
		t.Fatalf("the admin actions about Cyd:\n%s", audit)
	}
	resp, err = chromedp.Run(cyd.b, chromedp.NavigateResponse(site.URL+"/recruiter"))
	if err != nil {
		t.Fatal(err)
	}
	if page := cyd.text(`#main`); resp.Status != http.StatusForbidden || !strings.Contains(page, "switch into it first") {
		t.Fatalf("after the revocation, /recruiter answered %d:\n%s", resp.Status, page)
	}

	after := site.api("GET", "/api/v1/me", cydToken, nil)
	afterConnections := site.api("GET", "/api/v1/me/connections", cydToken, nil)
	if !bytes.Equal(before.Body, after.Body) {
		t.Errorf("Cyd's account changed with the seat:\nbefore %s\nafter  %s", before.Body, after.Body)
	}
	if !bytes.Equal(beforeConnections.Body, afterConnections.Body) {
		t.Errorf("Cyd's connections changed with the seat:\nbefore %s\nafter  %s", beforeConnections.Body, afterConnections.Body)
	}
	cyd.within("my profile", chromedp.Navigate(site.URL+"/me"), chromedp.WaitVisible(`//h1[starts-with(normalize-space(.), "Cyd Charisse")]`))

	// The InMail outlives the seat in Dana's personal account.
	inbox := dana.get("/inmail")
	wantStatus(t, inbox, http.StatusOK)
	wantBody(t, inbox, "<strong>A data role at Acme</strong>", `from <a href="/org/acme">Acme</a>`)
	m := inMailLink.FindStringSubmatch(string(inbox.Body))
	if m == nil {
		t.Fatalf("no thread in Dana's InMail:\n%s", inbox.Body)
	}
	wantBody(t, dana.get("/inmail/"+m[1]), "Would you talk this week?", "Cyd Charisse", `action="/inmail/`+m[1]+`/reply"`)
}
