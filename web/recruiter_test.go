package web_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/rapportnet/rapport"
)

// seatAPI sends a JSON request acting from a seat.
func seatAPI(t *testing.T, site *testSite, token string, seat int64, method, path string, body any) *response {
	t.Helper()
	return site.with(t).request(method, path, token, seat, body)
}

// TestRecruiterWorkStaysWithSeat keeps projects, notes, saved searches and
// InMail from a seat, reassigns the seat, and finds all of it with the new
// holder and none of it with the former one; the recipient keeps their
// copy of the InMail throughout, and nothing of the holder's personal
// account is in the seat's data.
func TestRecruiterWorkStaysWithSeat(t *testing.T) {
	o := newOrgSite(t)
	former, seat := o.acmeRecruiter, o.acmeSeat
	cand := quickMember(t, o.testSite, "candidate")
	addJob(t, o.testSite, cand, "Initech", "")
	pal := quickMember(t, o.testSite, "pal")
	connect(t, o.testSite, former, "acme-hunter", pal, "pal")
	// A personal note on a connection never shows in the seat's notes.
	o.api("PUT", "/api/v1/me/connections/pal/note", former, map[string]any{"note": "Personal: met at a wedding"})

	must := func(r *response, status int, what string) *response {
		t.Helper()
		if r.Status != status {
			t.Fatalf("%s: %d %s, want %d", what, r.Status, r.Body, status)
		}
		return r
	}
	var project struct{ ID int64 }
	must(seatAPI(t, o.testSite, former, seat, "POST", "/api/v1/recruiter/projects", map[string]any{"name": "Data engineers"}), 201, "create project").JSON(t, &project)
	must(seatAPI(t, o.testSite, former, seat, "PUT", fmt.Sprintf("/api/v1/recruiter/projects/%d/candidates/candidate", project.ID), map[string]any{"stage": "contacted"}), 200, "add candidate")
	must(seatAPI(t, o.testSite, former, seat, "POST", "/api/v1/recruiter/members/candidate/notes", map[string]any{"body": "Strong on SQL"}), 201, "note")
	must(seatAPI(t, o.testSite, former, seat, "POST", "/api/v1/recruiter/saved-searches", map[string]any{"name": "Lyon data", "q": "data", "location": "Lyon", "open_to_work": true}), 201, "save search")
	var thread struct{ ID int64 }
	must(seatAPI(t, o.testSite, former, seat, "POST", "/api/v1/recruiter/inmail", map[string]any{"to": "candidate", "subject": "A data role at Acme", "body": "Would you talk?"}), 201, "inmail").JSON(t, &thread)
	must(o.api("POST", fmt.Sprintf("/api/v1/me/inmail/%d/reply", thread.ID), cand, map[string]any{"body": "Happy to talk."}), 200, "reply")

	if r := seatAPI(t, o.testSite, former, seat, "GET", "/api/v1/recruiter/members/pal/notes", nil); r.Status != 200 || string(bytes.TrimSpace(r.Body)) != "[]" {
		t.Errorf("the seat's notes on a personal connection: %d %s, want none", r.Status, r.Body)
	}
	if r := seatAPI(t, o.testSite, former, seat, "POST", "/api/v1/recruiter/inmail", map[string]any{"to": "pal", "subject": "Hi", "body": "Hi"}); r.Status != 409 {
		t.Errorf("InMail to a connection: %d %s, want 409", r.Status, r.Body)
	}

	// What the seat holds, as its holder sees it.
	seatView := func(token string) map[string]string {
		out := map[string]string{}
		for _, path := range []string{"/api/v1/recruiter/projects", fmt.Sprintf("/api/v1/recruiter/projects/%d", project.ID),
			"/api/v1/recruiter/members/candidate/notes", "/api/v1/recruiter/saved-searches", fmt.Sprintf("/api/v1/recruiter/inmail/%d", thread.ID)} {
			r := seatAPI(t, o.testSite, token, seat, "GET", path, nil)
			out[path] = fmt.Sprintf("%d %s", r.Status, r.Body)
		}
		return out
	}
	before := seatView(former)
	for path, v := range before {
		if !strings.HasPrefix(v, "200 ") {
			t.Fatalf("%s: %s", path, v)
		}
	}
	inbox := string(must(o.api("GET", fmt.Sprintf("/api/v1/me/inmail/%d", thread.ID), cand, nil), 200, "inbox").Body)

	newcomer := quickMember(t, o.testSite, "newcomer")
	must(o.api("POST", fmt.Sprintf("/api/v1/organizations/acme/seats/%d/reassign", seat), o.acmeAdmin, map[string]string{"handle": "newcomer"}), 204, "reassign")
	must(o.api("POST", fmt.Sprintf("/api/v1/me/seats/%d/accept", seat), newcomer, nil), 204, "accept")
	after := seatView(newcomer)
	for path, v := range before {
		if after[path] != v {
			t.Errorf("%s: the new holder sees\n%s\nwhere the former holder saw\n%s", path, after[path], v)
		}
	}
	for path, v := range seatView(former) {
		if !strings.HasPrefix(v, "403 ") || !strings.Contains(v, "revoked by the organization") {
			t.Errorf("%s: the former holder gets %s, want 403 saying the seat was revoked", path, v)
		}
	}
	for _, path := range []string{"/api/v1/me/inmail", "/api/v1/me/audit"} {
		if r := o.api("GET", path, former, nil); bytes.Contains(r.Body, []byte("Data engineers")) || bytes.Contains(r.Body, []byte("A data role")) {
			t.Errorf("the former holder's personal %s shows seat data: %s", path, r.Body)
		}
	}
	// The recipient's copy is as it was, and stays after the seat is revoked.
	if got := string(o.api("GET", fmt.Sprintf("/api/v1/me/inmail/%d", thread.ID), cand, nil).Body); got != inbox {
		t.Errorf("the recipient's copy changed with the seat:\n%s\n%s", inbox, got)
	}
	// Another seat of Acme is another context: none of it there.
	other := o.freeSeat(t, o.acmeAdmin, "acme")
	o.assign(t, o.acmeAdmin, "acme", other, "newcomer")
	must(o.api("POST", fmt.Sprintf("/api/v1/me/seats/%d/accept", other), newcomer, nil), 204, "accept another")
	if r := seatAPI(t, o.testSite, newcomer, other, "GET", fmt.Sprintf("/api/v1/recruiter/projects/%d", project.ID), nil); r.Status != 404 {
		t.Errorf("another seat reads the project: %d", r.Status)
	}
	must(o.api("POST", fmt.Sprintf("/api/v1/organizations/acme/seats/%d/revoke", seat), o.acmeAdmin, nil), 204, "revoke")
	if got := string(o.api("GET", fmt.Sprintf("/api/v1/me/inmail/%d", thread.ID), cand, nil).Body); got != inbox {
		t.Errorf("the recipient's copy changed when the seat was revoked:\n%s\n%s", inbox, got)
	}
}

// TestInMailRecipientChoices lets the recipient decline or report, after
// which the seat writes no more; and counts the credits.
func TestInMailRecipientChoices(t *testing.T) {
	o := newOrgSite(t)
	cand := quickMember(t, o.testSite, "candidate")
	send := func(subject string) (int64, *response) {
		r := seatAPI(t, o.testSite, o.acmeRecruiter, o.acmeSeat, "POST", "/api/v1/recruiter/inmail", map[string]any{"to": "candidate", "subject": subject, "body": "Hello"})
		var th struct{ ID int64 }
		if r.Status == 201 {
			r.JSON(t, &th)
		}
		return th.ID, r
	}
	declined, _ := send("First")
	reported, _ := send("Second")
	if r := o.api("POST", fmt.Sprintf("/api/v1/me/inmail/%d/decline", declined), cand, nil); r.Status != 204 {
		t.Fatalf("decline: %d %s", r.Status, r.Body)
	}
	if r := o.api("POST", fmt.Sprintf("/api/v1/me/inmail/%d/report", reported), cand, map[string]any{"reason": ""}); r.Status != 422 {
		t.Errorf("a report without a reason: %d", r.Status)
	}
	if r := o.api("POST", fmt.Sprintf("/api/v1/me/inmail/%d/report", reported), cand, map[string]any{"reason": "Spam"}); r.Status != 204 {
		t.Fatalf("report: %d %s", r.Status, r.Body)
	}
	// The site's operators have it among the reports, from the seat's
	// holder, with what the seat wrote.
	if list, err := o.DB.FindReports(context.Background(), rapport.ReportOpen, 10); err != nil || len(list) != 1 ||
		list[0].Subject != rapport.SubjectInMail || list[0].SubjectID != reported || list[0].Details != "Spam" ||
		list[0].Member.ID != mustAuth(t, o.testSite, o.acmeRecruiter).MemberID || !strings.Contains(list[0].Excerpt, "Second") {
		t.Errorf("the operators' reports: %+v %v", list, err)
	}
	if r := seatAPI(t, o.testSite, o.acmeRecruiter, o.acmeSeat, "GET", fmt.Sprintf("/api/v1/recruiter/inmail/%d", reported), nil); !bytes.Contains(r.Body, []byte(`"status":"declined"`)) {
		t.Errorf("the seat learns the thread was reported: %s", r.Body)
	}
	for _, id := range []int64{declined, reported} {
		if r := seatAPI(t, o.testSite, o.acmeRecruiter, o.acmeSeat, "POST", fmt.Sprintf("/api/v1/recruiter/inmail/%d/messages", id), map[string]any{"body": "Again"}); r.Status != 409 {
			t.Errorf("a follow-up to a closed thread: %d %s", r.Status, r.Body)
		}
		var th struct {
			Status   string
			Messages []struct{ Body string }
		}
		o.api("GET", fmt.Sprintf("/api/v1/me/inmail/%d", id), cand, nil).JSON(t, &th)
		if len(th.Messages) != 1 {
			t.Errorf("thread %d has %d messages, want 1", id, len(th.Messages))
		}
	}
	// Someone else's thread answers as if there were none.
	stranger := quickMember(t, o.testSite, "stranger")
	if r := o.api("GET", fmt.Sprintf("/api/v1/me/inmail/%d", declined), stranger, nil); r.Status != 404 {
		t.Errorf("another member reads the thread: %d", r.Status)
	}
	// A member who blocked the holder cannot be reached, and is told apart
	// from no one.
	blocker := quickMember(t, o.testSite, "blocker")
	o.api("POST", "/api/v1/me/blocks", blocker, map[string]any{"handle": "acme-hunter"})
	r := seatAPI(t, o.testSite, o.acmeRecruiter, o.acmeSeat, "POST", "/api/v1/recruiter/inmail", map[string]any{"to": "blocker", "subject": "Hi", "body": "Hi"})
	missing := seatAPI(t, o.testSite, o.acmeRecruiter, o.acmeSeat, "POST", "/api/v1/recruiter/inmail", map[string]any{"to": "nobody-here", "subject": "Hi", "body": "Hi"})
	if r.Status != 404 || !bytes.Equal(r.Body, missing.Body) {
		t.Errorf("InMail to a member who blocked the holder: %d %s; to no one: %d %s", r.Status, r.Body, missing.Status, missing.Body)
	}
	// Bad input names the field and spends nothing.
	for _, c := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"to": "candidate", "subject": "", "body": "Hi"}, "subject"},
		{map[string]any{"to": "candidate", "subject": strings.Repeat("s", 201), "body": "Hi"}, "subject"},
		{map[string]any{"to": "candidate", "subject": "Hi", "body": "  "}, "body"},
		{map[string]any{"to": "candidate", "subject": "Hi", "body": strings.Repeat("b", 8001)}, "body"},
	} {
		r := seatAPI(t, o.testSite, o.acmeRecruiter, o.acmeSeat, "POST", "/api/v1/recruiter/inmail", c.body)
		if r.Status != 422 || !bytes.Contains(r.Body, []byte(`"field":"`+c.field+`"`)) {
			t.Errorf("%v: %d %s, want 422 naming %s", c.body, r.Status, r.Body, c.field)
		}
	}
	var list struct {
		CreditsLeft int `json:"credits_left"`
	}
	seatAPI(t, o.testSite, o.acmeRecruiter, o.acmeSeat, "GET", "/api/v1/recruiter/inmail", nil).JSON(t, &list)
	if list.CreditsLeft != 48 {
		t.Fatalf("credits left %d, want 48", list.CreditsLeft)
	}
	for i := range 48 {
		if _, r := send(fmt.Sprint("Role ", i)); r.Status != 201 {
			t.Fatalf("InMail %d: %d %s", i+3, r.Status, r.Body)
		}
	}
	_, r = send("One too many")
	if r.Status != 429 || r.Header.Get("Retry-After") == "" {
		t.Errorf("the 51st InMail of the month: %d (Retry-After %q) %s", r.Status, r.Header.Get("Retry-After"), r.Body)
	}
	for _, c := range []struct {
		method, path string
		body         map[string]any
		field        string
	}{
		{"POST", "/api/v1/recruiter/projects", map[string]any{"name": " "}, "name"},
		{"POST", "/api/v1/recruiter/members/candidate/notes", map[string]any{"body": ""}, "body"},
		{"POST", "/api/v1/recruiter/saved-searches", map[string]any{"name": "Nothing"}, "q"},
	} {
		r := seatAPI(t, o.testSite, o.acmeRecruiter, o.acmeSeat, c.method, c.path, c.body)
		if r.Status != 422 || !bytes.Contains(r.Body, []byte(`"field":"`+c.field+`"`)) {
			t.Errorf("%s %s %v: %d %s, want 422 naming %s", c.method, c.path, c.body, r.Status, r.Body, c.field)
		}
	}
	var p struct{ ID int64 }
	seatAPI(t, o.testSite, o.acmeRecruiter, o.acmeSeat, "POST", "/api/v1/recruiter/projects", map[string]any{"name": "P"}).JSON(t, &p)
	if r := seatAPI(t, o.testSite, o.acmeRecruiter, o.acmeSeat, "PUT", fmt.Sprintf("/api/v1/recruiter/projects/%d/candidates/candidate", p.ID), map[string]any{"stage": "bogus"}); r.Status != 422 {
		t.Errorf("an unknown stage: %d %s", r.Status, r.Body)
	}
}

// TestSeatWorkHonoursBlocks hides, from a seat, a member either side of a
// block with its holder: their profile, notes, projects and InMail threads
// answer as if they were not there, even when the block came after.
func TestSeatWorkHonoursBlocks(t *testing.T) {
	o := newOrgSite(t)
	hunter, seat := o.acmeRecruiter, o.acmeSeat
	cand := quickMember(t, o.testSite, "candidate")
	quickMember(t, o.testSite, "avoided")
	var project, thread struct{ ID int64 }
	seatAPI(t, o.testSite, hunter, seat, "POST", "/api/v1/recruiter/projects", map[string]any{"name": "P"}).JSON(t, &project)
	seatAPI(t, o.testSite, hunter, seat, "PUT", fmt.Sprintf("/api/v1/recruiter/projects/%d/candidates/candidate", project.ID), map[string]any{"stage": "sourced"})
	seatAPI(t, o.testSite, hunter, seat, "POST", "/api/v1/recruiter/inmail", map[string]any{"to": "candidate", "subject": "Hi", "body": "Hello"}).JSON(t, &thread)
	if thread.ID == 0 {
		t.Fatal("no thread")
	}
	// The candidate blocks the holder after the first InMail.
	if r := o.api("POST", "/api/v1/me/blocks", cand, map[string]any{"handle": "acme-hunter"}); r.Status != 204 {
		t.Fatalf("block: %d %s", r.Status, r.Body)
	}
	missing := seatAPI(t, o.testSite, hunter, seat, "GET", "/api/v1/recruiter/inmail/999999", nil)
	for _, c := range []struct {
		method, path string
		body         any
	}{
		{"POST", fmt.Sprintf("/api/v1/recruiter/inmail/%d/messages", thread.ID), map[string]any{"body": "Still there?"}},
		{"GET", fmt.Sprintf("/api/v1/recruiter/inmail/%d", thread.ID), nil},
	} {
		if r := seatAPI(t, o.testSite, hunter, seat, c.method, c.path, c.body); r.Status != 404 || !bytes.Equal(r.Body, missing.Body) {
			t.Errorf("%s %s after the block: %d %s", c.method, c.path, r.Status, r.Body)
		}
	}
	if r := seatAPI(t, o.testSite, hunter, seat, "GET", "/api/v1/recruiter/inmail", nil); bytes.Contains(r.Body, []byte(`"candidate"`)) {
		t.Errorf("the thread list shows the blocker: %s", r.Body)
	}
	if r := seatAPI(t, o.testSite, hunter, seat, "GET", fmt.Sprintf("/api/v1/recruiter/projects/%d", project.ID), nil); bytes.Contains(r.Body, []byte(`"candidate"`)) {
		t.Errorf("the project shows the blocker: %s", r.Body)
	}
	var inbox struct{ Messages []struct{ Body string } }
	o.api("GET", fmt.Sprintf("/api/v1/me/inmail/%d", thread.ID), cand, nil).JSON(t, &inbox)
	if len(inbox.Messages) != 1 {
		t.Errorf("the blocker's copy has %d messages, want 1", len(inbox.Messages))
	}
	// A member the holder blocked is out of the seat's reach as well.
	if r := o.api("POST", "/api/v1/me/blocks", hunter, map[string]any{"handle": "avoided"}); r.Status != 204 {
		t.Fatalf("block: %d %s", r.Status, r.Body)
	}
	for _, c := range []struct {
		method, path string
		body         any
	}{
		{"GET", "/api/v1/recruiter/members/avoided", nil},
		{"POST", "/api/v1/recruiter/members/avoided/notes", map[string]any{"body": "Note"}},
		{"PUT", fmt.Sprintf("/api/v1/recruiter/projects/%d/candidates/avoided", project.ID), map[string]any{"stage": "sourced"}},
		{"POST", "/api/v1/recruiter/inmail", map[string]any{"to": "avoided", "subject": "Hi", "body": "Hi"}},
	} {
		if r := seatAPI(t, o.testSite, hunter, seat, c.method, c.path, c.body); r.Status != 404 {
			t.Errorf("%s %s for a member the holder blocked: %d %s", c.method, c.path, r.Status, r.Body)
		}
	}
	// An empty handle names the field.
	if r := seatAPI(t, o.testSite, hunter, seat, "POST", "/api/v1/recruiter/inmail", map[string]any{"to": " ", "subject": "Hi", "body": "Hi"}); r.Status != 422 || !bytes.Contains(r.Body, []byte(`"field":"to"`)) {
		t.Errorf("InMail to no one: %d %s", r.Status, r.Body)
	}
}
