package web_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rapportnet/rapport"
)

// TestCloseAndPurgeAccount gives a member data in every table, closes the
// account (sessions, tokens and seats end at once, the profile goes), and
// 14 days on purges it: their id, handle and address are found nowhere in
// the database, and the messages they sent stay in the others' threads,
// from a former member.
func TestCloseAndPurgeAccount(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "rapport.db")
	o := &orgSite{testSite: newTestSiteOn(t, path, dir)}
	site := o.testSite
	o.acmeAdmin = quickMember(t, site, "acme-boss")
	gone, bob, cy := quickMember(t, site, "gone-member"), quickMember(t, site, "bob"), quickMember(t, site, "cy")
	o.acmeSeat = o.organization(t, o.acmeAdmin, "acme", "Acme", gone, "gone-member")
	goneID := mustAuth(t, site, gone).MemberID

	// Data everywhere.
	connect(t, site, gone, "gone-member", bob, "bob")
	invite(t, site, cy, "gone-member")
	mustAPI(t, site, "PATCH", "/api/v1/me/profile", gone, map[string]any{"headline": "Soon gone", "about": "About me"}, 200)
	mustAPI(t, site, "POST", "/api/v1/me/positions", gone, map[string]any{"title": "Engineer", "organization_name": "Acme", "organization_slug": "acme", "start": "2020-01"}, 201)
	mustAPI(t, site, "POST", "/api/v1/me/education", gone, map[string]any{"school": "School"}, 201)
	mustAPI(t, site, "PUT", "/api/v1/me/skills", gone, map[string]any{"skills": []string{"Go"}}, 200)
	mustAPI(t, site, "PUT", "/api/v1/me/connections/bob/note", gone, map[string]any{"note": "Good friend", "tags": []string{"close"}}, 200)
	mustAPI(t, site, "PUT", "/api/v1/me/connections/gone-member/note", bob, map[string]any{"note": "Bob's note on them", "tags": []string{}}, 200)
	mustAPI(t, site, "POST", "/api/v1/me/following", gone, map[string]string{"handle": "cy"}, 204)
	mustAPI(t, site, "PUT", "/api/v1/organizations/acme/follow", gone, nil, 204)
	mustAPI(t, site, "POST", "/api/v1/me/blocks", gone, map[string]string{"handle": "acme-boss"}, 204)
	mustAPI(t, site, "PUT", "/api/v1/me/open-to-work", gone, map[string]any{"titles": []string{"Engineer"}}, 200)
	mustAPI(t, site, "POST", "/api/v1/me/tokens", gone, map[string]string{"name": "script"}, 201)
	mustAPI(t, site, "POST", "/api/v1/me/contacts", gone, map[string]any{"name": "A card", "emails": []string{"card@example.com"}}, 201)
	p := writePost(t, site, gone, "A post by @bob's friend", rapport.AudiencePublic)
	mustAPI(t, site, "POST", fmt.Sprintf("/api/v1/posts/%d/comments", p.ID), bob, map[string]any{"body": "Bob's comment"}, 201)
	bobPost := writePost(t, site, bob, "Thanks @gone-member", rapport.AudiencePublic)
	mustAPI(t, site, "POST", fmt.Sprintf("/api/v1/posts/%d/comments", bobPost.ID), gone, map[string]any{"body": "Their comment"}, 201)
	mustAPI(t, site, "PUT", fmt.Sprintf("/api/v1/posts/%d/reaction", bobPost.ID), gone, map[string]any{"reaction": "like"}, 204)
	th := startThread(t, site, gone, []string{"bob"}, "A message they sent")
	writeIn(t, site, bob, th.ID, "Bob's reply")
	site.api("GET", "/api/v1/members/bob", gone, nil)
	site.api("GET", "/api/v1/members/gone-member", bob, nil)
	exportOf(t, site, gone)
	site.api("POST", "/api/v1/password-resets", "", map[string]string{"email": "gone-member@example.com"})
	site.api("POST", "/api/v1/sessions", "", map[string]string{"email": "gone-member@example.com", "password": "wrong"})
	seatMail := site.request("POST", "/api/v1/recruiter/inmail", gone, o.acmeSeat, map[string]any{"to": "cy", "subject": "Hi", "body": "A role"})
	if seatMail.Status != 201 {
		t.Fatalf("inmail: %d %s", seatMail.Status, seatMail.Body)
	}

	// Closing needs the password, and changes nothing without it.
	if r := site.api("POST", "/api/v1/me/close", gone, map[string]string{"password": "not it"}); r.Status != 401 || r.ErrorField(t) != "password" {
		t.Fatalf("close with a wrong password: %d %s", r.Status, r.Body)
	}
	mustAPI(t, site, "GET", "/api/v1/me", gone, nil, 200)
	stream := site.openStream(gone, false, "")
	stream.next(t, "counts")
	mustAPI(t, site, "POST", "/api/v1/me/close", gone, map[string]string{"password": testPassword}, 204)
	if !stream.endsBefore("never") {
		t.Errorf("the live stream goes on after closure")
	}
	if r := site.api("GET", "/api/v1/me", gone, nil); r.Status != 401 {
		t.Errorf("the session works after closure: %d", r.Status)
	}
	for _, who := range []string{"", bob, cy} {
		if r := site.api("GET", "/api/v1/members/gone-member", who, nil); r.Status != 404 {
			t.Errorf("the closed profile answers %d", r.Status)
		}
	}
	if got := connectionHandles(t, site, bob); len(got) != 0 {
		t.Errorf("bob's connections show the closed account: %q", got)
	}
	if r := mustAPI(t, site, "GET", "/api/v1/invitations/sent", cy, nil, 200); strings.Contains(string(r.Body), "gone-member") {
		t.Errorf("cy's invitation to the closed account is listed: %s", r.Body)
	}
	var seats []struct{ Status string }
	mustAPI(t, site, "GET", "/api/v1/organizations/acme/seats", o.acmeAdmin, nil, 200).JSON(t, &seats)
	for _, s := range seats {
		if s.Status != "free" {
			t.Errorf("a seat of the closed account is still %s", s.Status)
		}
	}

	// Fifteen days on, the purge.
	site.Svc.SetClock(func() time.Time { return time.Now().Add(rapport.ReopenWindow + 24*time.Hour) })
	if n, err := site.Svc.Accounts.PurgeClosed(context.Background(), io.Discard); err != nil || n != 1 {
		t.Fatalf("purge: %d %v", n, err)
	}
	site.Svc.SetClock(time.Now)
	// The change logs that told other processes are pruned in time.
	later := time.Now().Add(rapport.ReopenWindow + 48*time.Hour)
	if err := site.DB.DeleteGraphChanges(context.Background(), later); err != nil {
		t.Fatal(err)
	}
	if err := site.DB.DeleteProfileChanges(context.Background(), later); err != nil {
		t.Fatal(err)
	}
	// What they wrote from the seat stays with it, from a former member.
	var mail struct{ Threads []struct{ ID int64 } }
	mustAPI(t, site, "GET", "/api/v1/me/inmail", cy, nil, 200).JSON(t, &mail)
	if len(mail.Threads) != 1 {
		t.Fatalf("cy's InMail after the purge: %+v", mail)
	}
	if r := mustAPI(t, site, "GET", fmt.Sprintf("/api/v1/me/inmail/%d", mail.Threads[0].ID), cy, nil, 200); !strings.Contains(string(r.Body), "A role") || !strings.Contains(string(r.Body), "A former member") {
		t.Errorf("the InMail they sent, after the purge: %s", r.Body)
	}
	// The messages they sent stay, from a former member.
	got := readThread(t, site, bob, th.ID)
	if len(got.Messages) != 2 || got.Messages[0].Body != "A message they sent" || got.Messages[0].Sender != nil {
		t.Errorf("bob's thread after the purge: %+v", got)
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	findNowhere(t, raw, goneID, "gone-member")
	var deleted int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = ? AND actor_id = 0 AND target_id = 0`, rapport.AuditAccountDeleted).Scan(&deleted); err != nil || deleted != 1 {
		t.Errorf("audit entries of the deletion: %d %v", deleted, err)
	}
	// Logging in no longer works, as for an unknown address.
	if r := site.api("POST", "/api/v1/sessions", "", map[string]string{"email": "gone-member@example.com", "password": testPassword}); r.Status != 401 {
		t.Errorf("logging in after the purge: %d", r.Status)
	}
}

// findNowhere looks through every table for a member: their id in every
// column that refers to members (by foreign key, or in the change logs
// and the audit log), and their handle in every text.
func findNowhere(t *testing.T, db *sql.DB, id int64, handle string) {
	t.Helper()
	tables := queryStrings(t, db, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	idColumns := map[string][]string{
		"graph_changes": {"member_id", "other_id"}, "profile_changes": {"member_id"}, "audit_log": {"actor_id", "target_id"}, "members": {"id"},
		"recruiter_notes": {"author_id"}, "inmail_messages": {"sender_id"},
	}
	for _, table := range tables {
		rows, err := db.Query(`SELECT "from", "table" FROM pragma_foreign_key_list(?)`, table)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var col, ref string
			rows.Scan(&col, &ref)
			if ref == "members" {
				idColumns[table] = append(idColumns[table], col)
			}
		}
		rows.Close()
		for _, col := range idColumns[table] {
			var n int
			if err := db.QueryRow(fmt.Sprintf(`SELECT COUNT(*) FROM %q WHERE %q = ?`, table, col), id).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n > 0 {
				t.Errorf("%s.%s still holds the member's id in %d rows", table, col, n)
			}
		}
		for _, col := range queryStrings(t, db, `SELECT name FROM pragma_table_info(?) WHERE type = 'TEXT'`, table) {
			if table == "posts" && col == "body" {
				continue // others' posts may name them: those words are the others'
			}
			var n int
			if err := db.QueryRow(fmt.Sprintf(`SELECT COUNT(*) FROM %q WHERE instr(%q, ?) > 0`, table, col), handle).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n > 0 {
				t.Errorf("%s.%s still holds the member's handle in %d rows", table, col, n)
			}
		}
	}
	if len(idColumns) < 20 {
		t.Errorf("only %d tables refer to members: the search looked at too little", len(idColumns))
	}
}

func queryStrings(t *testing.T, db *sql.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		out = append(out, s)
	}
	return out
}

// TestReopenWithin14Days: logging in within the window reopens the account
// as it was, connections included.
func TestReopenWithin14Days(t *testing.T) {
	site := newTestSite(t)
	ada, bob := quickMember(t, site, "ada"), quickMember(t, site, "bob")
	connect(t, site, ada, "ada", bob, "bob")
	mustAPI(t, site, "POST", "/api/v1/me/close", ada, map[string]string{"password": testPassword}, 204)
	site.Svc.SetClock(func() time.Time { return time.Now().Add(13 * 24 * time.Hour) })
	token := site.logIn("ada")
	site.Svc.SetClock(time.Now)
	if got := connectionHandles(t, site, token); strings.Join(got, ",") != "bob" {
		t.Errorf("ada's connections after reopening: %q", got)
	}
	if d, _ := relation(t, site, bob, "ada"); d == nil || *d != 1 {
		t.Errorf("bob's degree to ada after she reopened: %v", d)
	}
	mustAPI(t, site, "GET", "/api/v1/members/ada", bob, nil, http.StatusOK)
}
