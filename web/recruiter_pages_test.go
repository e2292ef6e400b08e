package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/web"
)

// recruiterDesk is a site where Cyd holds Acme's Recruiter seat and has
// switched into it in her browser. Ada made Acme's page; Dana is a member
// Cyd is not connected to.
type recruiterDesk struct {
	site           *testSite
	ada, cyd, dana *browser
	seat           string
}

func newRecruiterDesk(t *testing.T) *recruiterDesk {
	t.Helper()
	site := newTestSite(t)
	for _, h := range []string{"ada", "cyd", "dana"} {
		site.signUp(h)
	}
	d := &recruiterDesk{site: site, ada: logInBrowser(t, site, "ada"), cyd: logInBrowser(t, site, "cyd"), dana: logInBrowser(t, site, "dana")}
	createOrganization(t, d.ada, "acme", "Acme")
	if err := site.Svc.Seats.Grant(context.Background(), "acme", rapport.ProductRecruiter, 1); err != nil {
		t.Fatal(err)
	}
	seats, err := site.Svc.Seats.List(as(t, site, "ada"), "acme")
	if err != nil || len(seats) != 1 {
		t.Fatalf("seats %v (%v)", seats, err)
	}
	if err := site.Svc.Seats.Assign(as(t, site, "ada"), "acme", seats[0].ID, "cyd"); err != nil {
		t.Fatal(err)
	}
	if err := site.Svc.Seats.Answer(as(t, site, "cyd"), seats[0].ID, true); err != nil {
		t.Fatal(err)
	}
	d.seat = strconvFormat(seats[0].ID)
	wantRedirect(t, d.cyd.post("/seats/"+d.seat+"/switch", nil), "/recruiter")
	return d
}

// fromSeat is a context in which Cyd calls the services from the seat, to
// see what the forms kept.
func (d *recruiterDesk) fromSeat(t *testing.T) context.Context {
	t.Helper()
	ctx := as(t, d.site, "cyd")
	c := rapport.CallerFromContext(ctx)
	c.SeatID = mustID(t, d.seat)
	return rapport.NewContextWithCaller(ctx, c)
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		t.Fatalf("not an id: %q", s)
	}
	return id
}

// idAfter returns the id a redirect's location names after prefix.
func idAfter(t *testing.T, r *response, prefix string) string {
	t.Helper()
	wantRedirect(t, r, prefix)
	rest := strings.TrimPrefix(r.Header.Get("Location"), prefix)
	id, _, _ := strings.Cut(rest, "?")
	mustID(t, id)
	return id
}

func wantNoBody(t *testing.T, r *response, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if strings.Contains(string(r.Body), p) {
			t.Fatalf("the page has %q\n%.3000s", p, r.Body)
		}
	}
}

func TestRecruiterPagesProjects(t *testing.T) {
	d := newRecruiterDesk(t)
	cyd := d.cyd

	r := cyd.get("/recruiter/projects")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, "Acting as Recruiter at", `<a href="/recruiter/projects" aria-current="page">Projects</a>`,
		`<a href="/recruiter/inmail">InMail</a>`, `<a href="/recruiter#saved-searches">Saved searches</a>`,
		"No projects yet", `action="/recruiter/projects"`)

	t.Run("EmptyNameCreatesNothing", func(t *testing.T) {
		cyd.t = t
		r := cyd.post("/recruiter/projects", url.Values{"name": {"  "}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		wantBody(t, r, `id="project_name-error"`, `aria-invalid="true"`, "Acting as Recruiter at")
		if list, err := d.site.Svc.Recruiter.Projects(d.fromSeat(t)); err != nil || len(list) != 0 {
			t.Fatalf("after a refused form the seat has projects %v (%v)", list, err)
		}
	})

	cyd.t = t
	id := idAfter(t, cyd.post("/recruiter/projects", url.Values{"name": {"Data engineers"}}), "/recruiter/projects/")
	project := "/recruiter/projects/" + id
	r = cyd.get(project + "?notice=projectcreated")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, "<h1>Data engineers</h1>", "0 candidates", "Project created.", `action="`+project+`/rename"`, `action="`+project+`/delete"`)

	// From Dana's page: the seat's projects and the stages to choose from.
	r = cyd.get("/recruiter/in/dana")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, `action="/recruiter/in/dana/project"`, `<option value="`+id+`">Data engineers (0)</option>`,
		`<option value="contacted">Contacted</option>`)
	r = cyd.post("/recruiter/in/dana/project", url.Values{"project": {"none"}, "stage": {"contacted"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, `id="project-error"`, "Choose a project.")
	r = cyd.post("/recruiter/in/dana/project", url.Values{"project": {id}, "stage": {"hired-twice"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, `id="stage-error"`)
	wantRedirect(t, cyd.post("/recruiter/in/dana/project", url.Values{"project": {id}, "stage": {"contacted"}}), "/recruiter/in/dana?notice=candidateadded")

	r = cyd.get(project)
	wantBody(t, r, "1 candidate<", `<a href="/recruiter/in/dana"><strong>Dana Example</strong></a>`, `<option value="contacted" selected>`,
		`action="`+project+`/candidates/dana/remove"`)
	wantBody(t, cyd.get("/recruiter/projects"), `<a href="`+project+`"><strong>Data engineers</strong></a>`, "1 candidate<")

	// The stage form of the project page.
	r = cyd.post(project+"/candidates/dana", url.Values{"stage": {"nowhere"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, `id="stage-dana-error"`)
	wantRedirect(t, cyd.post(project+"/candidates/dana", url.Values{"stage": {"interviewing"}}), project+"?notice=stagesaved")
	wantBody(t, cyd.get(project), `<option value="interviewing" selected>`)
	p, err := d.site.Svc.Recruiter.Project(d.fromSeat(t), mustID(t, id))
	if err != nil || len(p.Candidates) != 1 || p.Candidates[0].Member.Handle != "dana" || p.Candidates[0].Stage != "interviewing" {
		t.Fatalf("the project is %+v (%v)", p, err)
	}
	wantStatus(t, cyd.post(project+"/candidates/nobody", url.Values{"stage": {"sourced"}}), http.StatusNotFound)

	// Rename, remove, delete.
	r = cyd.post(project+"/rename", url.Values{"name": {""}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, `id="project_name-error"`, "<h1>Data engineers</h1>")
	wantRedirect(t, cyd.post(project+"/rename", url.Values{"name": {"Backend"}}), project+"?notice=projectrenamed")
	wantBody(t, cyd.get(project), "<h1>Backend</h1>", `value="Backend"`)
	wantRedirect(t, cyd.post(project+"/candidates/dana/remove", nil), project+"?notice=candidateremoved")
	wantBody(t, cyd.get(project), "0 candidates")
	wantRedirect(t, cyd.post(project+"/delete", nil), "/recruiter/projects?notice=projectdeleted")
	wantStatus(t, cyd.get(project), http.StatusNotFound)
	wantBody(t, cyd.get("/recruiter/projects"), "No projects yet")
}

func TestRecruiterPagesNotes(t *testing.T) {
	d := newRecruiterDesk(t)
	cyd := d.cyd

	r := cyd.get("/recruiter/in/dana")
	wantBody(t, r, "No notes yet.", `action="/recruiter/in/dana/notes"`)
	r = cyd.post("/recruiter/in/dana/notes", url.Values{"body": {" "}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, `id="note_body-error"`, "<h1>Dana Example</h1>")
	if notes, err := d.site.Svc.Recruiter.Notes(d.fromSeat(t), "dana"); err != nil || len(notes) != 0 {
		t.Fatalf("after a refused form the notes are %v (%v)", notes, err)
	}

	wantRedirect(t, cyd.post("/recruiter/in/dana/notes", url.Values{"body": {"Strong on SQL.\nAsk about Lyon."}}), "/recruiter/in/dana?notice=notesaved")
	notes, err := d.site.Svc.Recruiter.Notes(d.fromSeat(t), "dana")
	if err != nil || len(notes) != 1 {
		t.Fatalf("notes %v (%v)", notes, err)
	}
	note := strconvFormat(notes[0].ID)
	r = cyd.get("/recruiter/in/dana?notice=notesaved")
	wantBody(t, r, "Note saved.", "Strong on SQL.\nAsk about Lyon.", "Cyd Example, ", `action="/recruiter/notes/`+note+`/delete"`,
		`<input type="hidden" name="handle" value="dana">`)
	// The seat's notes are not the personal account's, nor Dana's to see.
	wantNoBody(t, d.dana.get("/in/dana"), "Strong on SQL")

	wantRedirect(t, cyd.post("/recruiter/notes/"+note+"/delete", url.Values{"handle": {"dana"}}), "/recruiter/in/dana?notice=notedeleted")
	wantBody(t, cyd.get("/recruiter/in/dana"), "No notes yet.")
	wantStatus(t, cyd.post("/recruiter/notes/"+note+"/delete", url.Values{"handle": {"dana"}}), http.StatusNotFound)
}

func TestRecruiterPagesSavedSearches(t *testing.T) {
	d := newRecruiterDesk(t)
	cyd := d.cyd

	r := cyd.get("/recruiter")
	wantBody(t, r, `id="saved-h"`, "None yet.")
	wantNoBody(t, r, `action="/recruiter/saved-searches"`) // nothing searched, nothing to save

	r = cyd.get("/recruiter?q=data&location=Lyon&open_to_work=true")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, `action="/recruiter/saved-searches"`, `<input type="hidden" name="q" value="data">`,
		`<input type="hidden" name="location" value="Lyon">`, `<input type="hidden" name="open_to_work" value="true">`)
	wantNoBody(t, r, `name="current_organization" value=""`)

	form := url.Values{"name": {""}, "q": {"data"}, "location": {"Lyon"}, "open_to_work": {"true"}}
	r = cyd.post("/recruiter/saved-searches", form)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, `id="saved_name-error"`, `id="results-h"`, `value="data"`)
	if list, err := d.site.Svc.Recruiter.SavedSearches(d.fromSeat(t)); err != nil || len(list) != 0 {
		t.Fatalf("after a refused form the saved searches are %v (%v)", list, err)
	}

	form.Set("name", "Data in Lyon")
	r = cyd.post("/recruiter/saved-searches", form)
	wantRedirect(t, r, "/recruiter?")
	back := r.Header.Get("Location")
	if !strings.Contains(back, "q=data") || !strings.Contains(back, "location=Lyon") || !strings.Contains(back, "notice=searchsaved") {
		t.Fatalf("after saving, the search goes back to %s", back)
	}
	r = cyd.get(back)
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, "Search saved.", `id="results-h"`, `<a href="/recruiter?location=Lyon&amp;open_to_work=true&amp;q=data"><strong>Data in Lyon</strong></a>`,
		"“data” · in Lyon · open to work")
	list, err := d.site.Svc.Recruiter.SavedSearches(d.fromSeat(t))
	if err != nil || len(list) != 1 || list[0].Query != (rapport.SavedQuery{Text: "data", Location: "Lyon", OpenToWork: true}) {
		t.Fatalf("saved %v (%v)", list, err)
	}
	// The saved search runs again.
	wantStatus(t, cyd.get("/recruiter?location=Lyon&open_to_work=true&q=data"), http.StatusOK)

	id := strconvFormat(list[0].ID)
	wantRedirect(t, cyd.post("/recruiter/saved-searches/"+id+"/delete", nil), "/recruiter?notice=searchdeleted")
	r = cyd.get("/recruiter?notice=searchdeleted")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, "Saved search deleted.", "None yet.")
	wantStatus(t, cyd.post("/recruiter/saved-searches/"+id+"/delete", nil), http.StatusNotFound)
}

var inMailLink = regexp.MustCompile(`href="/inmail/(\d+)"`)

func TestRecruiterPagesInMail(t *testing.T) {
	d := newRecruiterDesk(t)
	cyd, dana := d.cyd, d.dana

	r := cyd.get("/recruiter/in/dana")
	wantBody(t, r, `action="/recruiter/inmail"`, `<input type="hidden" name="to" value="dana">`, "50 InMail credits left this month")
	r = cyd.post("/recruiter/inmail", url.Values{"to": {"dana"}, "subject": {""}, "body": {"Would you talk?"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, `id="inmail_subject-error"`, ">Would you talk?</textarea>", "50 InMail credits left")

	// A connection is written to from the personal account: said on the form.
	connect(t, d.site, d.site.logIn("cyd"), "cyd", d.site.logIn("ada"), "ada")
	r = cyd.post("/recruiter/inmail", url.Values{"to": {"ada"}, "subject": {"Hello"}, "body": {"Hi"}})
	wantStatus(t, r, http.StatusConflict)
	wantBody(t, r, "<h1>Ada Example</h1>", "write to them from your personal account")

	id := idAfter(t, cyd.post("/recruiter/inmail", url.Values{"to": {"dana"}, "subject": {"A role at Acme"}, "body": {"Would you talk?"}}), "/recruiter/inmail/")
	thread := "/recruiter/inmail/" + id
	r = cyd.get(thread + "?notice=inmailsent")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, "InMail sent.", "<h1>A role at Acme</h1>", "Would you talk?", "Recruiter at Acme", `action="`+thread+`/messages"`)
	r = cyd.get("/recruiter/inmail")
	wantBody(t, r, `<a href="`+thread+`"><strong>A role at Acme</strong></a>`, "to Dana Example", "Open", "49 InMail credits left this month",
		`<a href="/recruiter/inmail" aria-current="page">InMail</a>`)

	// Dana finds it in her personal account, linked from the header.
	r = dana.get("/inmail")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, `<a href="/inmail">InMail</a>`, "<strong>A role at Acme</strong>", `from <a href="/org/acme">Acme</a>`, "Open")
	m := inMailLink.FindStringSubmatch(string(r.Body))
	if m == nil {
		t.Fatalf("no thread in Dana's InMail\n%s", r.Body)
	}
	inbox := "/inmail/" + m[1]
	r = dana.get(inbox)
	wantBody(t, r, "<h1>A role at Acme</h1>", "Would you talk?", "Cyd Example", `action="`+inbox+`/reply"`, `action="`+inbox+`/decline"`, `action="`+inbox+`/report"`)
	wantStatus(t, d.ada.get(inbox), http.StatusNotFound) // not hers

	r = dana.post(inbox+"/reply", url.Values{"body": {""}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, `id="reply_body-error"`)
	wantRedirect(t, dana.post(inbox+"/reply", url.Values{"body": {"Happy to talk on Friday."}}), inbox+"?notice=replied")
	wantBody(t, cyd.get(thread), "Happy to talk on Friday.", "Dana Example")
	wantRedirect(t, cyd.post(thread+"/messages", url.Values{"body": {"Friday at ten?"}}), thread+"?notice=messagesent")
	wantBody(t, dana.get(inbox), "Friday at ten?")

	r = dana.post(inbox+"/report", url.Values{"reason": {" "}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, `id="report_reason-error"`)

	// Declining closes it: the seat's follow-up is refused on its page.
	wantRedirect(t, dana.post(inbox+"/decline", nil), inbox+"?notice=inmaildeclined")
	r = dana.get(inbox)
	wantBody(t, r, "You declined this conversation")
	wantNoBody(t, r, `action="`+inbox+`/reply"`)
	r = cyd.get(thread)
	wantBody(t, r, "Closed: declined", "This conversation is closed")
	wantNoBody(t, r, `action="`+thread+`/messages"`)
	r = cyd.post(thread+"/messages", url.Values{"body": {"Are you sure?"}})
	wantStatus(t, r, http.StatusConflict)
	wantBody(t, r, `class="form-error"`, "This conversation is closed.")
	wantBody(t, cyd.get("/recruiter/inmail"), "Closed: declined")
	r = dana.post(inbox+"/reply", url.Values{"body": {"Actually, yes."}})
	wantStatus(t, r, http.StatusConflict)
	wantBody(t, r, "This conversation is closed.")
}

// TestRecruiterPagesRevoked revokes the seat after work was kept from it:
// every seat page and form then answers 403 saying so, while the InMail
// stays in the recipient's personal account.
func TestRecruiterPagesRevoked(t *testing.T) {
	d := newRecruiterDesk(t)
	cyd := d.cyd
	project := idAfter(t, cyd.post("/recruiter/projects", url.Values{"name": {"Data engineers"}}), "/recruiter/projects/")
	wantRedirect(t, cyd.post("/recruiter/in/dana/project", url.Values{"project": {project}, "stage": {"sourced"}}), "/recruiter/in/dana")
	wantRedirect(t, cyd.post("/recruiter/in/dana/notes", url.Values{"body": {"Strong on SQL"}}), "/recruiter/in/dana")
	wantRedirect(t, cyd.post("/recruiter/saved-searches", url.Values{"name": {"Lyon"}, "location": {"Lyon"}}), "/recruiter?")
	thread := idAfter(t, cyd.post("/recruiter/inmail", url.Values{"to": {"dana"}, "subject": {"A role"}, "body": {"Hello"}}), "/recruiter/inmail/")
	ctx := d.fromSeat(t)
	notes, err := d.site.Svc.Recruiter.Notes(ctx, "dana")
	if err != nil || len(notes) != 1 {
		t.Fatalf("notes %v (%v)", notes, err)
	}
	saved, err := d.site.Svc.Recruiter.SavedSearches(ctx)
	if err != nil || len(saved) != 1 {
		t.Fatalf("saved searches %v (%v)", saved, err)
	}

	if err := d.site.Svc.Seats.Revoke(as(t, d.site, "ada"), "acme", mustID(t, d.seat)); err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{"/recruiter/projects/": project, "/recruiter/notes/": strconvFormat(notes[0].ID),
		"/recruiter/saved-searches/": strconvFormat(saved[0].ID), "/recruiter/inmail/": thread}
	forms := map[string]url.Values{
		"/recruiter/projects":                          {"name": {"Backend"}},
		"/recruiter/projects/{id}/rename":              {"name": {"Backend"}},
		"/recruiter/projects/{id}/candidates/{handle}": {"stage": {"contacted"}},
		"/recruiter/in/{handle}/project":               {"project": {project}, "stage": {"contacted"}},
		"/recruiter/in/{handle}/notes":                 {"body": {"Another note"}},
		"/recruiter/saved-searches":                    {"name": {"Paris"}, "location": {"Paris"}},
		"/recruiter/inmail":                            {"to": {"dana"}, "subject": {"Again"}, "body": {"Hello again"}},
		"/recruiter/inmail/{id}/messages":              {"body": {"Hello?"}},
	}
	site, _ := url.Parse(d.site.URL)
	n := 0
	for _, rt := range d.site.Server.Routes() {
		if rt.Access != web.Seat || rt.API {
			continue
		}
		n++
		path := rt.Pattern
		for prefix, id := range ids {
			if strings.HasPrefix(path, prefix+"{id}") {
				path = strings.Replace(path, "{id}", id, 1)
			}
		}
		path = strings.Replace(path, "{handle}", "dana", 1)
		if path == "/recruiter" {
			path = "/recruiter?q=dana"
		}
		// The browser still names the seat, as one left open in a tab
		// would: each refusal clears the cookie.
		cyd.client.Jar.SetCookies(site, []*http.Cookie{{Name: "rapport_seat", Value: d.seat, Path: "/"}})
		var r *response
		if rt.Method == "GET" {
			r = cyd.get(path)
		} else {
			r = cyd.post(path, forms[rt.Pattern])
		}
		if r.Status != http.StatusForbidden || !strings.Contains(string(r.Body), "This seat was revoked by the organization") {
			t.Errorf("%s %s from the revoked seat: %d\n%.1500s", rt.Method, path, r.Status, r.Body)
		}
		if c := seatCookieOf(r); c == nil || c.MaxAge >= 0 {
			t.Errorf("%s %s from the revoked seat keeps the seat cookie: %+v", rt.Method, path, c)
		}
	}
	if n < 18 {
		t.Fatalf("only %d seat pages tried", n)
	}

	// Nor do the services give the former holder any of it.
	if list, err := d.site.Svc.Recruiter.Projects(ctx); rapport.ErrorCode(err) != rapport.EFORBIDDEN || list != nil {
		t.Fatalf("the former holder reaches the projects: %v (%v)", list, err)
	}
	// Dana still has the InMail, in her personal account.
	r := d.dana.get("/inmail")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, "<strong>A role</strong>", "Acme")
}
