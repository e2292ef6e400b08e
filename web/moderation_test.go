package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/service"
	"github.com/rapportnet/rapport/web"
)

// makeOperator names a member a site operator, as `rapport admin operators
// add` does.
func makeOperator(t *testing.T, site *testSite, handle string) {
	t.Helper()
	if _, err := site.Svc.Moderation.AddOperator(service.AsCommandLine(context.Background()), handle+"@example.com"); err != nil {
		t.Fatal(err)
	}
}

type reportOut struct {
	ID       int64
	Subject  string
	Status   string
	Excerpt  *string
	Member   *struct{ Handle, Status string }
	Reporter *struct{ Handle string }
}

func fileReport(t *testing.T, site *testSite, token string, body map[string]any, want int) reportOut {
	t.Helper()
	r := site.api("POST", "/api/v1/reports", token, body)
	if r.Status != want {
		t.Fatalf("report %v: %d %s, want %d", body, r.Status, r.Body, want)
	}
	var out reportOut
	r.JSON(t, &out)
	return out
}

func countReports(t *testing.T, site *testSite) int {
	t.Helper()
	list, err := site.DB.FindReports(context.Background(), "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

// TestReportsAndModeration follows reports from the member who files them
// to the operator's decisions: bad reports change nothing, an item the
// reporter cannot see answers as one that does not exist, a hidden post
// is gone for everyone, a suspension ends the member's sessions and live
// streams and hides their profile, the member is told why by mail with
// replies going to the operators, a reinstatement brings everything back,
// and each action is in the operators' audit log.
func TestReportsAndModeration(t *testing.T) {
	site := newTestSite(t)
	ada, bob, cy, op := site.member("ada"), site.member("bob"), site.member("cyd"), site.member("opal")
	connect(t, site, ada, "ada", bob, "bob")
	makeOperator(t, site, "opal")

	var post struct{ ID int64 }
	site.api("POST", "/api/v1/posts", ada, map[string]string{"body": "Send me your bank details", "audience": "connections"}).JSON(t, &post)
	var thread struct {
		ID       int64
		Messages []struct{ ID int64 }
	}
	site.api("POST", "/api/v1/messages", ada, map[string]any{"to": []string{"bob"}, "body": "A rude message"}).JSON(t, &thread)
	var comment struct{ ID int64 }
	site.api("POST", fmt.Sprintf("/api/v1/posts/%d/comments", post.ID), ada, map[string]string{"body": "A spam comment"}).JSON(t, &comment)

	t.Run("BadReportsChangeNothing", func(t *testing.T) {
		for _, c := range []struct {
			body   any
			status int
			field  string
		}{
			{map[string]any{"subject": "", "id": post.ID, "reason": "spam"}, 422, "subject"},
			{map[string]any{"subject": "photo", "id": post.ID, "reason": "spam"}, 422, "subject"},
			{map[string]any{"subject": "post", "reason": "spam"}, 422, "id"},
			{map[string]any{"subject": "profile", "reason": "spam"}, 422, "handle"},
			{map[string]any{"subject": "post", "id": post.ID, "reason": "boring"}, 422, "reason"},
			{map[string]any{"subject": "post", "id": post.ID, "reason": "spam", "details": strings.Repeat("x", 2001)}, 422, "details"},
			{map[string]any{"subject": "post", "id": "seven", "reason": "spam"}, 400, "id"},
			{`{"subject": "post", "id": 1, "reason": "spam", "extra": 1}`, 400, "extra"},
		} {
			r := site.api("POST", "/api/v1/reports", bob, c.body)
			if r.Status != c.status || r.ErrorField(t) != c.field {
				t.Errorf("%v: %d %s, want %d naming %s", c.body, r.Status, r.Body, c.status, c.field)
			}
		}
		// One's own post.
		if r := site.api("POST", "/api/v1/reports", ada, map[string]any{"subject": "post", "id": post.ID, "reason": "spam"}); r.Status != 422 || r.ErrorField(t) != "id" {
			t.Errorf("reporting one's own post: %d %s", r.Status, r.Body)
		}
		if r := site.api("POST", "/api/v1/reports", "", map[string]any{"subject": "post", "id": post.ID, "reason": "spam"}); r.Status != 401 {
			t.Errorf("anonymous report: %d", r.Status)
		}
		if n := countReports(t, site); n != 0 {
			t.Errorf("%d reports stored after bad ones", n)
		}
	})

	t.Run("WhatTheReporterCannotSeeDoesNotExist", func(t *testing.T) {
		// cy is no connection of ada's: her connections-only post, the
		// comment on it and the message to bob are not cy's to see.
		for _, c := range []struct {
			subject string
			id      int64
		}{{"post", post.ID}, {"comment", comment.ID}, {"message", thread.Messages[0].ID}, {"inmail", 1}} {
			seen := site.api("POST", "/api/v1/reports", cy, map[string]any{"subject": c.subject, "id": c.id, "reason": "spam"})
			none := site.api("POST", "/api/v1/reports", cy, map[string]any{"subject": c.subject, "id": 999999, "reason": "spam"})
			if seen.Status != 404 || string(seen.Body) != string(none.Body) {
				t.Errorf("%s cy cannot see: %d %s; one that does not exist: %s", c.subject, seen.Status, seen.Body, none.Body)
			}
		}
		// A block: cy blocked by ada reports her profile as one that does
		// not exist.
		if r := site.api("POST", "/api/v1/me/blocks", ada, map[string]string{"handle": "cyd"}); r.Status != 204 && r.Status != 201 && r.Status != 200 {
			t.Fatalf("block: %d %s", r.Status, r.Body)
		}
		blocked := site.api("POST", "/api/v1/reports", cy, map[string]any{"subject": "profile", "handle": "ada", "reason": "fake"})
		none := site.api("POST", "/api/v1/reports", cy, map[string]any{"subject": "profile", "handle": "nobody-here", "reason": "fake"})
		if blocked.Status != 404 || string(blocked.Body) != string(none.Body) {
			t.Errorf("a blocked member's report of the profile: %d %s; of no one: %s", blocked.Status, blocked.Body, none.Body)
		}
		if n := countReports(t, site); n != 0 {
			t.Errorf("%d reports stored", n)
		}
	})

	postReport := fileReport(t, site, bob, map[string]any{"subject": "post", "id": post.ID, "reason": "scam", "details": "Asks for money"}, 201)
	if again := fileReport(t, site, bob, map[string]any{"subject": "post", "id": post.ID, "reason": "spam"}, 200); again.ID != postReport.ID {
		t.Errorf("the same report again: %d, first %d", again.ID, postReport.ID)
	}
	if postReport.Excerpt != nil || postReport.Member != nil || postReport.Reporter != nil {
		t.Errorf("the reporter sees more than what they sent: %+v", postReport)
	}
	messageReport := fileReport(t, site, bob, map[string]any{"subject": "message", "id": thread.Messages[0].ID, "reason": "harassment"}, 201)
	profileReport := fileReport(t, site, bob, map[string]any{"subject": "profile", "handle": "ada", "reason": "fake"}, 201)

	t.Run("OperatorsOnly", func(t *testing.T) {
		for _, token := range []string{ada, bob} {
			for _, path := range []string{"/api/v1/operator/reports", fmt.Sprintf("/api/v1/operator/reports/%d", postReport.ID), "/api/v1/operator/audit"} {
				if r := site.api("GET", path, token, nil); r.Status != 404 {
					t.Errorf("%s by a member: %d", path, r.Status)
				}
			}
			r := site.api("POST", fmt.Sprintf("/api/v1/operator/reports/%d/decision", postReport.ID), token, map[string]string{"status": "hidden", "reason": "x"})
			if r.Status != 404 {
				t.Errorf("a member decides: %d", r.Status)
			}
		}
		if r := site.api("GET", "/api/v1/operator/reports", "", nil); r.Status != 401 {
			t.Errorf("anonymous: %d", r.Status)
		}
		var list struct{ Reports []reportOut }
		site.api("GET", "/api/v1/operator/reports", op, nil).JSON(t, &list)
		if len(list.Reports) != 3 || list.Reports[2].ID != postReport.ID || *list.Reports[2].Excerpt != "Send me your bank details" ||
			list.Reports[2].Member.Handle != "ada" || list.Reports[2].Reporter.Handle != "bob" {
			t.Errorf("the operator's list: %+v", list.Reports)
		}
		if r := site.api("GET", "/api/v1/operator/reports?status=maybe", op, nil); r.Status != 422 || r.ErrorField(t) != "status" {
			t.Errorf("a bad status: %d %s", r.Status, r.Body)
		}
	})

	decide := func(id int64, status, reason string) *response {
		return site.api("POST", fmt.Sprintf("/api/v1/operator/reports/%d/decision", id), op, map[string]string{"status": status, "reason": reason})
	}

	t.Run("HideAPost", func(t *testing.T) {
		if r := decide(postReport.ID, "hidden", ""); r.Status != 422 || r.ErrorField(t) != "reason" {
			t.Errorf("hiding without a reason: %d %s", r.Status, r.Body)
		}
		if r := decide(postReport.ID, "deleted", "x"); r.Status != 422 || r.ErrorField(t) != "status" {
			t.Errorf("an unknown decision: %d %s", r.Status, r.Body)
		}
		if r := decide(profileReport.ID, "hidden", "x"); r.Status != 409 {
			t.Errorf("hiding a profile: %d %s", r.Status, r.Body)
		}
		if r := decide(postReport.ID, "hidden", "Scams are not allowed."); r.Status != 200 {
			t.Fatalf("hide: %d %s", r.Status, r.Body)
		}
		if r := decide(postReport.ID, "dismissed", ""); r.Status != 409 {
			t.Errorf("deciding twice: %d %s", r.Status, r.Body)
		}
		for _, token := range []string{ada, bob} {
			if r := site.api("GET", fmt.Sprintf("/api/v1/posts/%d", post.ID), token, nil); r.Status != 404 {
				t.Errorf("the hidden post: %d", r.Status)
			}
		}
		mails := waitForMail(t, site.Outbox, 1)
		if len(mails) != 1 || !strings.Contains(mails[0], "To: ada@example.com") || !strings.Contains(mails[0], "Scams are not allowed.") {
			t.Errorf("the mail about the hidden post: %q", mails)
		}
	})

	t.Run("HideAMessage", func(t *testing.T) {
		if r := decide(messageReport.ID, "hidden", "Harassment."); r.Status != 200 {
			t.Fatalf("hide: %d %s", r.Status, r.Body)
		}
		for _, token := range []string{ada, bob} {
			var th struct{ Messages []struct{ Body string } }
			site.api("GET", fmt.Sprintf("/api/v1/messages/%d", thread.ID), token, nil).JSON(t, &th)
			if len(th.Messages) != 0 {
				t.Errorf("the thread after hiding its message: %+v", th.Messages)
			}
		}
	})

	t.Run("SuspendAndReinstate", func(t *testing.T) {
		stream := site.openStream(ada, false, "")
		defer stream.close()
		stream.next(t, "counts")
		if r := decide(profileReport.ID, "suspended", "A fake profile."); r.Status != 200 {
			t.Fatalf("suspend: %d %s", r.Status, r.Body)
		}
		if !stream.endsBefore("notification") {
			t.Error("the suspended member's live stream goes on")
		}
		if r := site.api("GET", "/api/v1/me", ada, nil); r.Status != 401 {
			t.Errorf("the suspended member's session: %d", r.Status)
		}
		if r := site.api("POST", "/api/v1/sessions", "", map[string]string{"email": "ada@example.com", "password": testPassword}); r.Status != 403 {
			t.Errorf("the suspended member signs in: %d %s", r.Status, r.Body)
		}
		if r := site.api("GET", "/api/v1/members/ada", bob, nil); r.Status != 404 {
			t.Errorf("the suspended member's profile: %d", r.Status)
		}
		if got := connectionHandles(t, site, bob); slices.Contains(got, "ada") {
			t.Errorf("bob's connections still list ada: %v", got)
		}
		found := func() bool {
			var res struct{ Results []struct{ Handle string } }
			site.api("GET", "/api/v1/search/members?q=Ada+Example", bob, nil).JSON(t, &res)
			return slices.ContainsFunc(res.Results, func(r struct{ Handle string }) bool { return r.Handle == "ada" })
		}
		if found() {
			t.Error("people search finds the suspended member")
		}
		mails := waitForMail(t, site.Outbox, 3)
		var suspension string
		for _, m := range mails {
			if strings.Contains(m, rapport.SuspensionSubject) {
				suspension = m
			}
		}
		if !strings.Contains(suspension, "A fake profile.") || !strings.Contains(suspension, "reply to this message") {
			t.Errorf("the suspension mail: %q", suspension)
		}
		if r := decide(profileReport.ID, "suspended", "again"); r.Status != 409 {
			t.Errorf("suspending twice: %d", r.Status)
		}

		reinstate := func(reason string) *response {
			return site.api("POST", fmt.Sprintf("/api/v1/operator/reports/%d/reinstate", profileReport.ID), op, map[string]string{"reason": reason})
		}
		if r := reinstate(""); r.Status != 422 || r.ErrorField(t) != "reason" {
			t.Errorf("reinstating without a reason: %d %s", r.Status, r.Body)
		}
		if r := reinstate("The appeal showed the profile is real."); r.Status != 204 {
			t.Fatalf("reinstate: %d %s", r.Status, r.Body)
		}
		if r := reinstate("twice"); r.Status != 404 {
			t.Errorf("reinstating an active account: %d", r.Status)
		}
		again := site.logIn("ada")
		if r := site.api("GET", "/api/v1/members/ada", bob, nil); r.Status != 200 {
			t.Errorf("the reinstated profile: %d", r.Status)
		}
		if got := connectionHandles(t, site, again); !slices.Contains(got, "bob") {
			t.Errorf("ada's connections after reinstating: %v", got)
		}
		if !found() {
			t.Error("people search does not find the reinstated member")
		}
	})

	t.Run("Audit", func(t *testing.T) {
		var audit struct {
			Entries []struct {
				Action   string
				Operator *struct{ Handle string }
				Member   *struct{ Handle string }
			}
		}
		site.api("GET", "/api/v1/operator/audit", op, nil).JSON(t, &audit)
		var got []string
		for _, e := range audit.Entries {
			who := "command line"
			if e.Operator != nil {
				who = e.Operator.Handle
			}
			got = append(got, e.Action+" by "+who+" of "+e.Member.Handle)
		}
		want := []string{"member.reinstated by opal of ada", "member.suspended by opal of ada", "report.hidden by opal of ada", "report.hidden by opal of ada", "operator.added by command line of opal"}
		if !slices.Equal(got, want) {
			t.Errorf("audit:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

// TestReportAndOperatorPages files a report through the form, and decides
// it on the operator's pages.
func TestReportAndOperatorPages(t *testing.T) {
	site := newTestSite(t)
	ada, bob := site.member("ada"), site.member("bob")
	connect(t, site, ada, "ada", bob, "bob")
	site.signUp("opal")
	makeOperator(t, site, "opal")
	var post struct{ ID int64 }
	site.api("POST", "/api/v1/posts", ada, map[string]string{"body": "Cheap watches", "audience": "public"}).JSON(t, &post)
	bobPage, opPage := logInBrowser(t, site, "bob"), logInBrowser(t, site, "opal")

	page := bobPage.get(fmt.Sprintf("/posts/%d", post.ID))
	wantBody(t, page, fmt.Sprintf(`href="/report?subject=post&amp;id=%d"`, post.ID))
	form := bobPage.get(fmt.Sprintf("/report?subject=post&id=%d", post.ID))
	wantStatus(t, form, 200)
	wantBody(t, form, `name="reason" value="spam"`)
	bad := bobPage.post("/report", url.Values{"subject": {"post"}, "id": {fmt.Sprint(post.ID)}})
	wantStatus(t, bad, 422)
	wantBody(t, bad, "Say why you report it")
	if n := countReports(t, site); n != 0 {
		t.Fatalf("%d reports after a bad form", n)
	}
	sent := bobPage.post("/report", url.Values{"subject": {"post"}, "id": {fmt.Sprint(post.ID)}, "reason": {"spam"}, "details": {"Spam"}})
	wantStatus(t, sent, 200)
	wantBody(t, sent, "Your report is sent")

	wantStatus(t, bobPage.get("/operator/reports"), 404)
	list := opPage.get("/operator/reports")
	wantStatus(t, list, 200)
	reports, _ := site.DB.FindReports(context.Background(), "", 10)
	if len(reports) != 1 {
		t.Fatalf("%d reports", len(reports))
	}
	path := fmt.Sprintf("/operator/reports/%d", reports[0].ID)
	wantBody(t, list, `href="`+path+`"`)
	one := opPage.get(path)
	wantBody(t, one, "Cheap watches", "Hide the post from everyone", "Suspend the account")
	missing := opPage.post(path+"/decision", url.Values{"status": {"hidden"}})
	wantStatus(t, missing, 422)
	wantBody(t, missing, "the member receives it by mail")
	wantRedirect(t, opPage.post(path+"/decision", url.Values{"status": {"hidden"}, "reason": {"Spam is not allowed."}}), path)
	wantBody(t, opPage.get(path), "hidden", "Spam is not allowed.")
	wantStatus(t, bobPage.get(fmt.Sprintf("/posts/%d", post.ID)), 404)
	wantBody(t, opPage.get("/operator/audit"), "report.hidden")
}

// TestOperatorSeesOnlyWhatWasReported calls every operator route, API and
// pages, about every report there is, and looks in each answer for the
// private data of the members concerned that no one reported: a message
// of the same thread, a contact, a connection note, a note a seat holder
// wrote. None may appear; the reported message must (so the search can
// fail).
func TestOperatorSeesOnlyWhatWasReported(t *testing.T) {
	site := newTestSite(t)
	ada, bob, op := site.member("ada"), site.member("bob"), site.member("opal")
	connect(t, site, ada, "ada", bob, "bob")
	makeOperator(t, site, "opal")
	secrets := []string{"UNREPORTED-MESSAGE", "UNREPORTED-CONTACT", "UNREPORTED-NOTE", "UNREPORTED-REPLY", "UNREPORTED-EMAIL@example.org"}
	var thread struct {
		ID       int64
		Messages []struct{ ID int64 }
	}
	site.api("POST", "/api/v1/messages", ada, map[string]any{"to": []string{"bob"}, "body": "UNREPORTED-MESSAGE before"}).JSON(t, &thread)
	var reported struct{ ID int64 }
	site.api("POST", fmt.Sprintf("/api/v1/messages/%d/messages", thread.ID), ada, map[string]string{"body": "REPORTED-MESSAGE"}).JSON(t, &reported)
	site.api("POST", fmt.Sprintf("/api/v1/messages/%d/messages", thread.ID), bob, map[string]string{"body": "UNREPORTED-REPLY"})
	for _, token := range []string{ada, bob} {
		if r := site.api("POST", "/api/v1/me/contacts", token, map[string]any{"name": "UNREPORTED-CONTACT", "emails": []string{"UNREPORTED-EMAIL@example.org"}}); r.Status != 201 {
			t.Fatalf("contact: %d %s", r.Status, r.Body)
		}
	}
	site.api("PUT", "/api/v1/me/connections/bob/note", ada, map[string]string{"note": "UNREPORTED-NOTE"})
	site.api("PUT", "/api/v1/me/connections/ada/note", bob, map[string]string{"note": "UNREPORTED-NOTE"})
	report := fileReport(t, site, bob, map[string]any{"subject": "message", "id": reported.ID, "reason": "harassment"}, 201)
	fileReport(t, site, ada, map[string]any{"subject": "profile", "handle": "bob", "reason": "fake"}, 201)
	reports, err := site.DB.FindReports(context.Background(), "", 10)
	if err != nil || len(reports) != 2 {
		t.Fatalf("reports: %d %v", len(reports), err)
	}

	opPage := logInBrowser(t, site, "opal")
	var all strings.Builder
	seen := 0
	for _, rt := range site.Server.Routes() {
		if rt.Access != web.Operator || rt.Method != "GET" {
			continue
		}
		for _, rep := range reports {
			path := strings.ReplaceAll(rt.Pattern, "{id}", fmt.Sprint(rep.ID))
			var r *response
			if rt.API {
				r = site.api("GET", path, op, nil)
			} else {
				r = opPage.get(path)
			}
			if r.Status != 200 {
				t.Errorf("%s: %d", path, r.Status)
			}
			all.Write(r.Body)
			seen++
			for _, s := range secrets {
				if strings.Contains(string(r.Body), s) {
					t.Errorf("%s shows %s, which no one reported", path, s)
				}
			}
		}
	}
	if seen < 8 || !strings.Contains(all.String(), "REPORTED-MESSAGE") {
		t.Errorf("the operator routes (%d answers) never showed the reported message", seen)
	}
	// Deciding shows no more; and a dismissed report does not tell its
	// member that anyone reported them.
	r := site.api("POST", fmt.Sprintf("/api/v1/operator/reports/%d/decision", report.ID), op, map[string]string{"status": "dismissed"})
	if mine := site.api("GET", "/api/v1/me/audit", ada, nil); mine.Status != 200 || strings.Contains(string(mine.Body), "report") {
		t.Errorf("ada's own audit entries tell of the dismissed report: %d %s", mine.Status, mine.Body)
	}
	for _, s := range secrets {
		if strings.Contains(string(r.Body), s) {
			t.Errorf("the decision shows %s", s)
		}
	}
	if r.Status != http.StatusOK {
		t.Errorf("dismiss: %d %s", r.Status, r.Body)
	}
}
