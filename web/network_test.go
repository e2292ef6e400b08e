package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/internal/pgtest"
)

type invitationJSON struct {
	ID     int64
	Status string
	From   struct{ Handle string }
	To     struct{ Handle string }
}

func invite(t *testing.T, site *testSite, token, to string) (int, invitationJSON, *response) {
	t.Helper()
	r := site.api("POST", "/api/v1/invitations", token, map[string]any{"to": to, "how_met": "colleague", "note": "We worked together at Acme."})
	var out struct {
		Invitation invitationJSON
		Connected  bool
	}
	if r.Status < 300 {
		r.JSON(t, &out)
	}
	return r.Status, out.Invitation, r
}

func connectionHandles(t *testing.T, site *testSite, token string) []string {
	t.Helper()
	r := site.api("GET", "/api/v1/me/connections", token, nil)
	if r.Status != 200 {
		t.Fatalf("connections: %d %s", r.Status, r.Body)
	}
	var list []struct{ Member struct{ Handle string } }
	r.JSON(t, &list)
	var out []string
	for _, c := range list {
		out = append(out, c.Member.Handle)
	}
	return out
}

func TestIgnoredLooksPendingToSender(t *testing.T) {
	site := newTestSite(t)
	ada, bob := site.member("ada"), site.member("bob")
	status, inv, _ := invite(t, site, ada, "bob")
	if status != 201 || inv.Status != "pending" {
		t.Fatalf("invite: %d %+v", status, inv)
	}
	sentBefore := site.api("GET", "/api/v1/invitations/sent", ada, nil)
	_, _, againBefore := invite(t, site, ada, "bob")

	if r := site.api("POST", fmt.Sprintf("/api/v1/invitations/%d/ignore", inv.ID), bob, nil); r.Status != 204 {
		t.Fatalf("ignore: %d %s", r.Status, r.Body)
	}
	sentIgnored := site.api("GET", "/api/v1/invitations/sent", ada, nil)
	_, _, againIgnored := invite(t, site, ada, "bob")

	if r := site.api("POST", fmt.Sprintf("/api/v1/invitations/%d/dont-know", inv.ID), bob, nil); r.Status != 204 {
		t.Fatalf("don't know: %d %s", r.Status, r.Body)
	}
	sentDontKnow := site.api("GET", "/api/v1/invitations/sent", ada, nil)
	_, _, againDontKnow := invite(t, site, ada, "bob")

	for name, r := range map[string]*response{"ignored": sentIgnored, "don't know": sentDontKnow} {
		if string(r.Body) != string(sentBefore.Body) || r.Status != sentBefore.Status {
			t.Errorf("the sender's list differs once %s:\nbefore: %s\nafter:  %s", name, sentBefore.Body, r.Body)
		}
	}
	for name, r := range map[string]*response{"ignored": againIgnored, "don't know": againDontKnow} {
		if string(r.Body) != string(againBefore.Body) || r.Status != againBefore.Status {
			t.Errorf("inviting again answers differently once %s:\nbefore: %d %s\nafter:  %d %s", name, againBefore.Status, againBefore.Body, r.Status, r.Body)
		}
	}
	if !strings.Contains(string(sentBefore.Body), `"status":"pending"`) {
		t.Fatalf("sent list: %s", sentBefore.Body)
	}

	// The recipient finds it under "ignored", not in the main list.
	if r := site.api("GET", "/api/v1/invitations/received", bob, nil); string(r.Body) != "[]\n" {
		t.Fatalf("received: %s", r.Body)
	}
	r := site.api("GET", "/api/v1/invitations/received?status=ignored", bob, nil)
	if !strings.Contains(string(r.Body), `"status":"ignored"`) {
		t.Fatalf("received, ignored: %s", r.Body)
	}
	// And can still accept it.
	if r := site.api("POST", fmt.Sprintf("/api/v1/invitations/%d/accept", inv.ID), bob, nil); r.Status != 204 {
		t.Fatalf("accept after ignoring: %d %s", r.Status, r.Body)
	}
	if got := connectionHandles(t, site, ada); len(got) != 1 || got[0] != "bob" {
		t.Fatalf("ada's connections = %v", got)
	}
}

func TestInvitations(t *testing.T) {
	site := newTestSite(t)
	ada, bob, carol := site.member("ada"), site.member("bob"), site.member("carol")

	t.Run("BadInput", func(t *testing.T) {
		for _, tc := range []struct {
			body   map[string]any
			status int
			field  string
		}{
			{map[string]any{"to": "bob"}, 422, "how_met"},
			{map[string]any{"to": "bob", "how_met": "enemy"}, 422, "how_met"},
			{map[string]any{"to": "bob", "how_met": "friend", "note": strings.Repeat("n", 301)}, 422, "note"},
			{map[string]any{"to": "", "how_met": "friend"}, 422, "to"},
			{map[string]any{"to": "ada", "how_met": "friend"}, 422, "to"},
			{map[string]any{"to": "bob", "how_met": "friend", "position_id": 1}, 422, "position_id"},
			{map[string]any{"to": "bob", "how_met": "colleague", "position_id": 999999}, 422, "position_id"},
			{map[string]any{"to": "bob", "how_met": 3}, 400, "how_met"},
			{map[string]any{"to": "nobody-here", "how_met": "friend"}, 404, ""},
		} {
			r := site.api("POST", "/api/v1/invitations", ada, tc.body)
			if r.Status != tc.status || r.ErrorField(t) != tc.field {
				t.Errorf("%v: %d %s", tc.body, r.Status, r.Body)
			}
		}
		if r := site.api("GET", "/api/v1/invitations/sent", ada, nil); string(r.Body) != "[]\n" {
			t.Fatalf("refused invitations were stored: %s", r.Body)
		}
	})
	t.Run("AcceptConnects", func(t *testing.T) {
		_, inv, _ := invite(t, site, ada, "bob")
		if r := site.api("POST", fmt.Sprintf("/api/v1/invitations/%d/accept", inv.ID), carol, nil); r.Status != 404 {
			t.Fatalf("carol accepts an invitation to bob: %d", r.Status)
		}
		if r := site.api("POST", fmt.Sprintf("/api/v1/invitations/%d/accept", inv.ID), ada, nil); r.Status != 404 {
			t.Fatalf("the sender accepts her own invitation: %d", r.Status)
		}
		if r := site.api("POST", fmt.Sprintf("/api/v1/invitations/%d/accept", inv.ID), bob, nil); r.Status != 204 {
			t.Fatalf("accept: %d %s", r.Status, r.Body)
		}
		if got := connectionHandles(t, site, bob); len(got) != 1 || got[0] != "ada" {
			t.Fatalf("bob's connections = %v", got)
		}
		if status, _, r := invite(t, site, ada, "bob"); status != 409 || r.ErrorField(t) != "to" {
			t.Fatalf("invite a connection: %d %s", status, r.Body)
		}
	})
	t.Run("CrossingInvitationsConnect", func(t *testing.T) {
		invite(t, site, carol, "ada")
		status, inv, r := invite(t, site, ada, "carol")
		if status != 200 || inv.Status != "accepted" || !strings.Contains(string(r.Body), `"connected":true`) {
			t.Fatalf("crossing invitation: %d %s", status, r.Body)
		}
		if got := connectionHandles(t, site, carol); len(got) != 1 || got[0] != "ada" {
			t.Fatalf("carol's connections = %v", got)
		}
	})
	t.Run("RemoveIsEitherMemberAlone", func(t *testing.T) {
		if r := site.api("DELETE", "/api/v1/me/connections/ada", site.member("dave"), nil); r.Status != 404 {
			t.Fatalf("a stranger removes bob and ada's connection: %d", r.Status)
		}
		if got := connectionHandles(t, site, bob); len(got) != 1 {
			t.Fatalf("bob's connections after a stranger's attempt = %v", got)
		}
		if r := site.api("DELETE", "/api/v1/me/connections/ADA", bob, nil); r.Status != 204 {
			t.Fatalf("bob removes ada: %d %s", r.Status, r.Body)
		}
		if got := connectionHandles(t, site, ada); len(got) != 1 || got[0] != "carol" {
			t.Fatalf("ada's connections after bob removed her = %v", got)
		}
		if r := site.api("DELETE", "/api/v1/me/connections/ada", bob, nil); r.Status != 404 {
			t.Fatalf("remove twice: %d", r.Status)
		}
	})
}

func TestWithdrawAndReinvite(t *testing.T) {
	site := newTestSite(t)
	ada, bob := site.member("ada"), site.member("bob")
	_, inv, _ := invite(t, site, ada, "bob")
	if r := site.api("DELETE", fmt.Sprintf("/api/v1/invitations/%d", inv.ID), bob, nil); r.Status != 404 {
		t.Fatalf("the recipient withdraws: %d", r.Status)
	}
	if r := site.api("DELETE", fmt.Sprintf("/api/v1/invitations/%d", inv.ID), ada, nil); r.Status != 204 {
		t.Fatalf("withdraw: %d %s", r.Status, r.Body)
	}
	if r := site.api("GET", "/api/v1/invitations/received", bob, nil); string(r.Body) != "[]\n" {
		t.Fatalf("bob still sees a withdrawn invitation: %s", r.Body)
	}
	if r := site.api("POST", fmt.Sprintf("/api/v1/invitations/%d/accept", inv.ID), bob, nil); r.Status != 404 {
		t.Fatalf("accept a withdrawn invitation: %d", r.Status)
	}
	if status, _, r := invite(t, site, ada, "bob"); status != 409 || !strings.Contains(string(r.Body), "3 weeks") {
		t.Fatalf("invite again at once: %d %s", status, r.Body)
	}
	site.Svc.SetClock(func() time.Time { return time.Now().Add(22 * 24 * time.Hour) })
	defer site.Svc.SetClock(time.Now)
	if status, _, r := invite(t, site, ada, "bob"); status != 201 {
		t.Fatalf("invite again after 3 weeks: %d %s", status, r.Body)
	}
}

func TestInvitationsExpire(t *testing.T) {
	site := newTestSite(t)
	ada := site.member("ada")
	site.signUp("bob")
	_, inv, _ := invite(t, site, ada, "bob")
	site.Svc.SetClock(func() time.Time { return time.Now().Add(184 * 24 * time.Hour) })
	defer site.Svc.SetClock(time.Now)
	ada, bob := site.logIn("ada"), site.logIn("bob") // six months on, the old sessions have ended
	if r := site.api("GET", "/api/v1/invitations/received", bob, nil); string(r.Body) != "[]\n" {
		t.Fatalf("an expired invitation is listed: %s", r.Body)
	}
	if r := site.api("POST", fmt.Sprintf("/api/v1/invitations/%d/accept", inv.ID), bob, nil); r.Status != 404 {
		t.Fatalf("accept an expired invitation: %d", r.Status)
	}
	if status, _, r := invite(t, site, ada, "bob"); status != 201 {
		t.Fatalf("invite again after expiry: %d %s", status, r.Body)
	}
}

func TestInvitationWeeklyLimit(t *testing.T) {
	site := newTestSite(t)
	ada := site.member("ada")
	ctx := context.Background()
	for i := 0; i < 100; i++ {
		m := &rapport.Member{Handle: fmt.Sprintf("someone-%d", i), Email: fmt.Sprintf("someone-%d@example.com", i), DisplayName: "Someone"}
		if err := site.DB.CreateMember(ctx, m, "no password", time.Now()); err != nil {
			t.Fatal(err)
		}
		if status, _, r := invite(t, site, ada, m.Handle); status != 201 {
			t.Fatalf("invitation %d: %d %s", i+1, status, r.Body)
		}
	}
	site.signUp("last-one")
	if status, _, r := invite(t, site, ada, "last-one"); status != 429 || r.Header.Get("Retry-After") == "" {
		t.Fatalf("invitation 101 in a week: %d %s", status, r.Body)
	}
}

func TestBlocksAreSilentAndTotal(t *testing.T) {
	site := newTestSite(t)
	ada, bob, carol := site.member("ada"), site.member("bob"), site.member("carol")
	_, inv, _ := invite(t, site, ada, "bob")
	site.api("POST", fmt.Sprintf("/api/v1/invitations/%d/accept", inv.ID), bob, nil)
	_, pending, _ := invite(t, site, bob, "carol")
	invite(t, site, carol, "ada")

	if r := site.api("POST", "/api/v1/me/blocks", ada, map[string]string{"handle": "bob"}); r.Status != 204 {
		t.Fatalf("block: %d %s", r.Status, r.Body)
	}
	if got := connectionHandles(t, site, bob); len(got) != 0 {
		t.Fatalf("bob is still connected after ada blocked him: %v", got)
	}
	nobody := site.api("GET", "/api/v1/members/nobody-at-all", bob, nil)
	for _, tc := range []struct {
		name  string
		token string
		path  string
	}{
		{"BlockedSeesNoProfile", bob, "/api/v1/members/ada"},
		{"BlockerSeesNoProfile", ada, "/api/v1/members/bob"},
	} {
		r := site.api("GET", tc.path, tc.token, nil)
		if r.Status != nobody.Status || string(r.Body) != string(nobody.Body) {
			t.Errorf("%s: %d %s, want what a missing member gets: %d %s", tc.name, r.Status, r.Body, nobody.Status, nobody.Body)
		}
	}
	// Bob can no more invite ada than a member who does not exist.
	_, _, byBob := invite(t, site, bob, "ada")
	_, _, toNobody := invite(t, site, bob, "nobody-at-all")
	if byBob.Status != 404 || string(byBob.Body) != string(toNobody.Body) {
		t.Fatalf("the blocked member invites: %d %s; a missing member: %s", byBob.Status, byBob.Body, toNobody.Body)
	}
	if status, _, r := invite(t, site, ada, "bob"); status != 409 {
		t.Fatalf("the blocker invites: %d %s", status, r.Body)
	}
	// Others are untouched: bob's invitation to carol stands.
	if r := site.api("GET", "/api/v1/invitations/received", carol, nil); !strings.Contains(string(r.Body), fmt.Sprintf(`"id":%d`, pending.ID)) {
		t.Fatalf("carol's invitations: %s", r.Body)
	}
	if r := site.api("GET", "/api/v1/me/blocks", ada, nil); !strings.Contains(string(r.Body), `"handle":"bob"`) {
		t.Fatalf("ada's blocks: %s", r.Body)
	}
	if r := site.api("GET", "/api/v1/me/blocks", bob, nil); string(r.Body) != "[]\n" {
		t.Fatalf("bob's blocks tell him something: %s", r.Body)
	}

	t.Run("BlockWithdrawsInvitationsBothWays", func(t *testing.T) {
		_, inv, _ := invite(t, site, carol, "bob")
		site.api("POST", "/api/v1/me/blocks", bob, map[string]string{"handle": "carol"})
		if r := site.api("GET", "/api/v1/invitations/sent", carol, nil); strings.Contains(string(r.Body), fmt.Sprintf(`"id":%d`, inv.ID)) {
			t.Fatalf("carol's invitation to bob survives his block: %s", r.Body)
		}
		if r := site.api("GET", "/api/v1/invitations/received", carol, nil); strings.Contains(string(r.Body), fmt.Sprintf(`"id":%d`, pending.ID)) {
			t.Fatalf("bob's invitation to carol survives his block: %s", r.Body)
		}
	})
	t.Run("Unblock", func(t *testing.T) {
		if r := site.api("DELETE", "/api/v1/me/blocks/bob", ada, nil); r.Status != 204 {
			t.Fatalf("unblock: %d", r.Status)
		}
		if r := site.api("GET", "/api/v1/members/ada", bob, nil); r.Status != 200 {
			t.Fatalf("profile after unblock: %d", r.Status)
		}
		if got := connectionHandles(t, site, ada); len(got) != 0 {
			t.Fatalf("unblocking restored a connection: %v", got)
		}
		if r := site.api("DELETE", "/api/v1/me/blocks/bob", ada, nil); r.Status != http.StatusNotFound {
			t.Fatalf("unblock twice: %d", r.Status)
		}
	})
}

func relation(t *testing.T, site *testSite, token, handle string) (degree *int, mutual int) {
	t.Helper()
	r := site.api("GET", "/api/v1/members/"+handle, token, nil)
	if r.Status != 200 {
		t.Fatalf("profile of %s: %d %s", handle, r.Status, r.Body)
	}
	var out struct {
		Degree      *int `json:"degree"`
		MutualCount int  `json:"mutual_count"`
	}
	r.JSON(t, &out)
	return out.Degree, out.MutualCount
}

func connect(t *testing.T, site *testSite, from, fromHandle, to, toHandle string) {
	t.Helper()
	_, inv, _ := invite(t, site, from, toHandle)
	if r := site.api("POST", fmt.Sprintf("/api/v1/invitations/%d/accept", inv.ID), to, nil); r.Status != 204 {
		t.Fatalf("%s accepts %s: %d %s", toHandle, fromHandle, r.Status, r.Body)
	}
}

func TestProfileDegreeAndMutuals(t *testing.T) {
	dir := t.TempDir()
	dsn := dir + "/rapport.db"
	site := newTestSiteOn(t, dsn, dir)
	ada, bob, carol, dave := site.member("ada"), site.member("bob"), site.member("carol"), site.member("dave")
	connect(t, site, ada, "ada", bob, "bob")
	connect(t, site, bob, "bob", carol, "carol")
	connect(t, site, carol, "carol", dave, "dave")

	want := func(token, handle string, degree, mutual int) {
		t.Helper()
		d, m := relation(t, site, token, handle)
		got := 0
		if d != nil {
			got = *d
		}
		if got != degree || m != mutual {
			t.Fatalf("%s as seen: degree %v mutual %d, want %d and %d", handle, got, m, degree, mutual)
		}
	}
	want(ada, "bob", 1, 0)
	want(ada, "carol", 2, 1)
	want(ada, "dave", 3, 0)
	want(ada, "ada", 0, 0)
	if r := site.api("GET", "/api/v1/members/carol", "", nil); !strings.Contains(string(r.Body), `"degree":null,"mutual_count":0`) {
		t.Fatalf("anonymous: %s", r.Body)
	}

	t.Run("RestartRebuildsTheIndex", func(t *testing.T) {
		again := newTestSiteOn(t, dsn, dir)
		d, m := relation(t, again, again.logIn("ada"), "carol")
		if d == nil || *d != 2 || m != 1 {
			t.Fatalf("after a restart: degree %v mutual %d", d, m)
		}
	})
	t.Run("RemovingAConnectionShowsAtOnce", func(t *testing.T) {
		site.api("DELETE", "/api/v1/me/connections/ada", bob, nil)
		want(ada, "carol", 0, 0)
		want(ada, "bob", 0, 0)
	})
	t.Run("BlockingShowsAtOnce", func(t *testing.T) {
		site.api("POST", "/api/v1/me/blocks", dave, map[string]string{"handle": "carol"})
		want(bob, "dave", 0, 0)
	})
}

func TestSuggestionsMutualsAndPath(t *testing.T) {
	site := newTestSite(t)
	ada, bob, carol, dave, erin := site.member("ada"), site.member("bob"), site.member("carol"), site.member("dave"), site.member("erin")
	connect(t, site, ada, "ada", bob, "bob")
	connect(t, site, ada, "ada", carol, "carol")
	connect(t, site, bob, "bob", dave, "dave")
	connect(t, site, carol, "carol", dave, "dave")
	connect(t, site, carol, "carol", erin, "erin")
	connect(t, site, dave, "dave", site.member("fred"), "fred")

	suggested := func() string {
		r := site.api("GET", "/api/v1/me/suggestions", ada, nil)
		if r.Status != 200 {
			t.Fatalf("suggestions: %d %s", r.Status, r.Body)
		}
		var list []struct {
			Member struct{ Handle string }
			Reason string
		}
		r.JSON(t, &list)
		var out []string
		for _, s := range list {
			out = append(out, s.Member.Handle+" ("+s.Reason+")")
		}
		return strings.Join(out, ", ")
	}
	if got := suggested(); got != "dave (2 mutual connections), erin (1 mutual connection)" {
		t.Fatalf("suggestions = %s", got)
	}
	// Every list places its members relative to the caller.
	if r := site.api("GET", "/api/v1/me/suggestions", ada, nil); !strings.Contains(string(r.Body), `"handle":"dave","display_name":"Dave Example","headline":"","url":"`+site.URL+`/in/dave","degree":2,"mutual_count":2`) {
		t.Fatalf("suggestion cards: %s", r.Body)
	}
	if r := site.api("GET", "/api/v1/me/connections", ada, nil); !strings.Contains(string(r.Body), `"handle":"bob","display_name":"Bob Example","headline":"","url":"`+site.URL+`/in/bob","degree":1,"mutual_count":0`) {
		t.Fatalf("connection cards: %s", r.Body)
	}
	// So does the page, with the degree badge beside each name.
	page := newBrowser(t, site)
	wantRedirect(t, page.post("/login", url.Values{"email": {"ada@example.com"}, "password": {testPassword}}), "/")
	r := page.get("/network")
	wantStatus(t, r, 200)
	wantBody(t, r, `Dave Example</strong></a> <span class="degree" title="2nd-degree connection">· 2nd</span>`,
		`Bob Example</strong></a> <span class="degree" title="1st-degree connection">· 1st</span>`)
	// Invited: no longer suggested; withdrawn: not for 3 weeks.
	_, inv, _ := invite(t, site, ada, "dave")
	if got := suggested(); got != "erin (1 mutual connection)" {
		t.Fatalf("suggestions after inviting dave = %s", got)
	}
	site.api("DELETE", fmt.Sprintf("/api/v1/invitations/%d", inv.ID), ada, nil)
	if got := suggested(); got != "erin (1 mutual connection)" {
		t.Fatalf("suggestions after withdrawing = %s", got)
	}
	// Blocked by erin: gone too.
	site.api("POST", "/api/v1/me/blocks", erin, map[string]string{"handle": "ada"})
	if got := suggested(); got != "" {
		t.Fatalf("suggestions after erin's block = %s", got)
	}

	r = site.api("GET", "/api/v1/members/dave/mutuals", ada, nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), `"total":2`) || !strings.Contains(string(r.Body), `"handle":"bob"`) || !strings.Contains(string(r.Body), `"handle":"carol"`) {
		t.Fatalf("mutuals: %d %s", r.Status, r.Body)
	}
	r = site.api("GET", "/api/v1/members/fred/path", ada, nil)
	var path struct{ Path []struct{ Handle string } }
	r.JSON(t, &path)
	if len(path.Path) != 4 || path.Path[0].Handle != "ada" || path.Path[3].Handle != "fred" || path.Path[2].Handle != "dave" {
		t.Fatalf("path to fred: %s", r.Body)
	}
	if r := site.api("GET", "/api/v1/members/erin/mutuals", ada, nil); r.Status != 404 {
		t.Fatalf("mutuals with a member who blocked the caller: %d %s", r.Status, r.Body)
	}
}

// TestTwoProcessesShareOnePostgreSQL runs two sites on one PostgreSQL
// database: a connection made through one shows in the other's answers.
func TestTwoProcessesShareOnePostgreSQL(t *testing.T) {
	dsn := pgtest.URL(t)
	one := newTestSiteOn(t, dsn, t.TempDir())
	two := newTestSiteOn(t, dsn, t.TempDir())
	ada, bob := one.member("ada"), one.member("bob")
	adaOnTwo := two.logIn("ada")
	if d, _ := relation(t, two, adaOnTwo, "bob"); d != nil {
		t.Fatalf("degree before connecting = %d", *d)
	}
	connect(t, one, ada, "ada", bob, "bob")
	connected := time.Now()
	deadline := connected.Add(10 * time.Second) // against hanging only; the poll interval is 20 ms here
	for {
		if d, _ := relation(t, two, adaOnTwo, "bob"); d != nil && *d == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the connection made through one process never showed in the other")
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Logf("the other process saw the connection after %s", time.Since(connected).Round(time.Millisecond))

	one.api("DELETE", "/api/v1/me/connections/bob", ada, nil)
	for {
		if d, _ := relation(t, two, adaOnTwo, "bob"); d == nil {
			break
		}
		if time.Now().After(deadline.Add(10 * time.Second)) {
			t.Fatal("the removal made through one process never showed in the other")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestConnectionNotesAndListVisibility(t *testing.T) {
	site := newTestSite(t)
	ada, bob, carol, dave := site.member("ada"), site.member("bob"), site.member("carol"), site.member("dave")
	connect(t, site, ada, "ada", bob, "bob")
	connect(t, site, bob, "bob", carol, "carol")

	t.Run("NotesAreTheAuthorsAlone", func(t *testing.T) {
		r := site.api("PUT", "/api/v1/me/connections/bob/note", ada, map[string]any{"note": "Owes me a coffee", "tags": []string{"Trusted", "trusted", " Go "}})
		if r.Status != 200 || string(r.Body) != `{"note":"Owes me a coffee","tags":["trusted","go"]}`+"\n" {
			t.Fatalf("note: %d %s", r.Status, r.Body)
		}
		if r := site.api("GET", "/api/v1/me/connections", ada, nil); !strings.Contains(string(r.Body), `"note":"Owes me a coffee","tags":["trusted","go"]`) {
			t.Fatalf("ada's list: %s", r.Body)
		}
		for _, tc := range []struct{ token, path string }{
			{bob, "/api/v1/me/connections"},
			{bob, "/api/v1/members/ada/connections"},
			{carol, "/api/v1/members/bob/connections"},
		} {
			if r := site.api("GET", tc.path, tc.token, nil); strings.Contains(string(r.Body), "coffee") || strings.Contains(string(r.Body), "trusted") {
				t.Fatalf("%s shows ada's note: %s", tc.path, r.Body)
			}
		}
		if r := site.api("PUT", "/api/v1/me/connections/carol/note", ada, map[string]any{"note": "x"}); r.Status != 404 {
			t.Fatalf("note on a non-connection: %d", r.Status)
		}
		if r := site.api("PUT", "/api/v1/me/connections/bob/note", ada, map[string]any{"note": strings.Repeat("n", 1001)}); r.Status != 422 || r.ErrorField(t) != "note" {
			t.Fatalf("long note: %d %s", r.Status, r.Body)
		}
		if r := site.api("PUT", "/api/v1/me/connections/bob/note", ada, map[string]any{"tags": []string{"a,b"}}); r.Status != 422 || r.ErrorField(t) != "tags" {
			t.Fatalf("tag with a comma: %d %s", r.Status, r.Body)
		}
	})
	t.Run("ConnectionsSeeTheList", func(t *testing.T) {
		if r := site.api("GET", "/api/v1/members/bob/connections", ada, nil); r.Status != 200 || !strings.Contains(string(r.Body), `"handle":"carol"`) {
			t.Fatalf("ada sees bob's connections: %d %s", r.Status, r.Body)
		}
		if r := site.api("GET", "/api/v1/members/bob/connections", dave, nil); r.Status != 403 {
			t.Fatalf("a stranger sees bob's connections: %d %s", r.Status, r.Body)
		}
	})
	t.Run("PrivateListKeepsMutuals", func(t *testing.T) {
		if r := site.api("PATCH", "/api/v1/me/profile", bob, map[string]any{"connections_visibility": "private"}); r.Status != 200 || !strings.Contains(string(r.Body), `"connections_visibility":"private"`) {
			t.Fatalf("set private: %d %s", r.Status, r.Body)
		}
		if r := site.api("GET", "/api/v1/members/bob/connections", ada, nil); r.Status != 403 {
			t.Fatalf("ada sees bob's private list: %d %s", r.Status, r.Body)
		}
		if r := site.api("GET", "/api/v1/members/bob/connections", bob, nil); r.Status != 200 {
			t.Fatalf("bob's own private list: %d", r.Status)
		}
		connect(t, site, ada, "ada", carol, "carol")
		if r := site.api("GET", "/api/v1/members/bob/mutuals", ada, nil); !strings.Contains(string(r.Body), `"handle":"carol"`) {
			t.Fatalf("mutuals with a private list: %s", r.Body)
		}
		if r := site.api("GET", "/api/v1/members/bob", ada, nil); strings.Contains(string(r.Body), "connections_visibility") {
			t.Fatalf("bob's setting shows to ada: %s", r.Body)
		}
	})
}

func TestIntroductionPathPrefersTrusted(t *testing.T) {
	site := newTestSite(t)
	ada, bob, carol, dave := site.member("ada"), site.member("bob"), site.member("carol"), site.member("dave")
	connect(t, site, ada, "ada", bob, "bob")
	connect(t, site, ada, "ada", carol, "carol")
	connect(t, site, bob, "bob", dave, "dave")
	connect(t, site, carol, "carol", dave, "dave")
	via := func() string {
		var out struct{ Path []struct{ Handle string } }
		site.api("GET", "/api/v1/members/dave/path", ada, nil).JSON(t, &out)
		if len(out.Path) != 3 {
			t.Fatalf("path = %+v", out.Path)
		}
		return out.Path[1].Handle
	}
	first := via()
	other := map[string]string{"bob": "carol", "carol": "bob"}[first]
	site.api("PUT", "/api/v1/me/connections/"+other+"/note", ada, map[string]any{"tags": []string{"trusted"}})
	if got := via(); got != other {
		t.Fatalf("path goes through %s, not the trusted %s", got, other)
	}
}

func TestFollows(t *testing.T) {
	site := newTestSite(t)
	ada, bob, carol := site.member("ada"), site.member("bob"), site.member("carol")
	handles := func(token, path string) string {
		t.Helper()
		var list []struct{ Handle string }
		site.api("GET", path, token, nil).JSON(t, &list)
		var out []string
		for _, m := range list {
			out = append(out, m.Handle)
		}
		return strings.Join(out, ",")
	}
	connect(t, site, ada, "ada", bob, "bob")
	if got := handles(ada, "/api/v1/me/following"); got != "bob" {
		t.Fatalf("ada follows %q after connecting", got)
	}
	if got := handles(ada, "/api/v1/me/followers"); got != "bob" {
		t.Fatalf("ada's followers %q after connecting", got)
	}
	if r := site.api("DELETE", "/api/v1/me/following/bob", ada, nil); r.Status != 204 {
		t.Fatalf("unfollow: %d", r.Status)
	}
	if d, _ := relation(t, site, ada, "bob"); d == nil || *d != 1 {
		t.Fatal("unfollowing disconnected them")
	}
	if r := site.api("POST", "/api/v1/me/following", carol, map[string]string{"handle": "ada"}); r.Status != 204 {
		t.Fatalf("follow: %d %s", r.Status, r.Body)
	}
	if got := handles(ada, "/api/v1/me/followers"); got != "carol,bob" {
		t.Fatalf("ada's followers = %q", got)
	}
	if r := site.api("POST", "/api/v1/me/following", carol, map[string]string{"handle": "carol"}); r.Status != 422 {
		t.Fatalf("follow oneself: %d", r.Status)
	}
	site.api("POST", "/api/v1/me/blocks", ada, map[string]string{"handle": "carol"})
	if got := handles(ada, "/api/v1/me/followers"); got != "bob" {
		t.Fatalf("ada's followers after blocking carol = %q", got)
	}
	if r := site.api("POST", "/api/v1/me/following", carol, map[string]string{"handle": "ada"}); r.Status != 404 {
		t.Fatalf("the blocked member follows: %d", r.Status)
	}
	site.api("DELETE", "/api/v1/me/connections/ada", bob, nil)
	if got := handles(bob, "/api/v1/me/following"); got != "" {
		t.Fatalf("bob still follows %q after removing the connection", got)
	}
}

// TestSuggestionsFromSharedPlaces: members who named the same organization
// or school are suggested too, with the reason, and rank with the mutual
// connections (a shared place counts as three); the exclusions still hold.
func TestSuggestionsFromSharedPlaces(t *testing.T) {
	site := newTestSite(t)
	tokens := map[string]string{}
	for _, h := range []string{"ada", "bob", "carol", "dave", "erin", "fay", "gus", "hal"} {
		tokens[h] = site.member(h)
	}
	position := func(h, org string) {
		t.Helper()
		r := site.api("POST", "/api/v1/me/positions", tokens[h], map[string]any{"title": "Engineer", "organization_name": org, "start": "2020-01"})
		wantStatus(t, r, 201)
	}
	school := func(h, name string) {
		t.Helper()
		wantStatus(t, site.api("POST", "/api/v1/me/education", tokens[h], map[string]any{"school": name}), 201)
	}
	position("ada", "Acme Corp")
	school("ada", "Université de Genève")
	position("bob", "ACME  corp")          // a connection already: never suggested
	position("carol", "acme corp")         // one mutual connection and Acme: 1 + 3
	school("dave", "Universite de Geneve") // no mutual connection: 3
	position("erin", "Acme Corp")          // blocked by ada: never suggested
	position("gus", "Initech")             // nothing shared
	connect(t, site, tokens["ada"], "ada", tokens["bob"], "bob")
	connect(t, site, tokens["bob"], "bob", tokens["carol"], "carol")
	for _, h := range []string{"fay", "hal"} { // two mutual connections: 2
		connect(t, site, tokens["bob"], "bob", tokens[h], h)
	}
	connect(t, site, tokens["ada"], "ada", tokens["gus"], "gus")
	connect(t, site, tokens["gus"], "gus", tokens["hal"], "hal")
	wantStatus(t, site.api("POST", "/api/v1/me/blocks", tokens["ada"], map[string]string{"handle": "erin"}), 204)

	r := site.api("GET", "/api/v1/me/suggestions", tokens["ada"], nil)
	var list []struct {
		Member struct{ Handle string }
		Reason string
	}
	r.JSON(t, &list)
	var got []string
	for _, s := range list {
		got = append(got, s.Member.Handle+": "+s.Reason)
	}
	want := []string{
		"carol: 1 mutual connection · also at Acme Corp",
		"dave: Also studied at Université de Genève",
		"hal: 2 mutual connections",
		"fay: 1 mutual connection",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("suggestions =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
