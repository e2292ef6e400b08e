package web_test

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/emersion/go-vcard"
)

type contactJSON struct {
	ID           int64    `json:"id"`
	Name         string   `json:"name"`
	Emails       []string `json:"emails"`
	Phones       []string `json:"phones"`
	Organization string   `json:"organization"`
	Title        string   `json:"title"`
	Notes        string   `json:"notes"`
	Member       *struct {
		Handle string `json:"handle"`
	} `json:"member"`
}

type importJSON struct {
	Read, Imported, Merged int
	Skipped                []struct {
		Line   int
		Reason string
	}
}

func contactsOf(t *testing.T, site *testSite, token, q string) []contactJSON {
	t.Helper()
	r := site.api("GET", "/api/v1/me/contacts?q="+q, token, nil)
	if r.Status != 200 {
		t.Fatalf("contacts: %d %s", r.Status, r.Body)
	}
	var out struct{ Contacts []contactJSON }
	r.JSON(t, &out)
	return out.Contacts
}

func byName(list []contactJSON) map[string]contactJSON {
	out := map[string]contactJSON{}
	for _, c := range list {
		out[c.Name] = c
	}
	return out
}

// importFile posts a file of testdata/contacts to the import route.
func importFile(t *testing.T, site *testSite, token, name, contentType string) (int, importJSON, []byte) {
	t.Helper()
	raw, err := os.ReadFile("testdata/contacts/" + name)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", site.URL+"/api/v1/me/contacts/import", bytes.NewReader(raw))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+token)
	r := site.do(req, raw)
	var rep importJSON
	if r.Status == 200 {
		r.JSON(t, &rep)
	}
	return r.Status, rep, r.Body
}

// TestContacts adds, changes, finds and deletes contacts, refuses bad
// input naming the field, and keeps each member's contacts from everyone
// else.
func TestContacts(t *testing.T) {
	site := newTestSite(t)
	ada, bob := quickMember(t, site, "ada"), quickMember(t, site, "bob")
	r := site.api("POST", "/api/v1/me/contacts", ada, map[string]any{"name": "  Grace   Hopper ", "emails": []string{"grace@navy.example", "GRACE@navy.example", ""},
		"phones": []string{"+1 202 555 0143"}, "organization": "US Navy", "title": "Rear Admiral", "notes": "COBOL\nCompilers"})
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	var grace contactJSON
	r.JSON(t, &grace)
	if grace.Name != "Grace Hopper" || !slices.Equal(grace.Emails, []string{"grace@navy.example"}) || grace.Notes != "COBOL\nCompilers" {
		t.Errorf("created: %+v", grace)
	}
	path := fmt.Sprintf("/api/v1/me/contacts/%d", grace.ID)
	for _, c := range []struct {
		body   any
		status int
		field  string
	}{
		{map[string]any{"name": ""}, 422, "name"},
		{map[string]any{"name": strings.Repeat("x", 201)}, 422, "name"},
		{map[string]any{"name": "X", "emails": []string{"not an address"}}, 422, "emails"},
		{map[string]any{"name": "X", "emails": strings.Split("a@x.io b@x.io c@x.io d@x.io e@x.io f@x.io g@x.io h@x.io i@x.io j@x.io k@x.io", " ")}, 422, "emails"},
		{map[string]any{"name": "X", "phones": []string{strings.Repeat("1", 51)}}, 422, "phones"},
		{map[string]any{"name": "X", "notes": strings.Repeat("n", 2001)}, 422, "notes"},
		{map[string]any{"name": "X", "emails": "a@x.io"}, 400, ""},
		{map[string]any{"name": "X", "owner_id": 2}, 400, ""},
	} {
		for _, method := range []string{"POST", "PUT"} {
			p := "/api/v1/me/contacts"
			if method == "PUT" {
				p = path
			}
			if r := site.api(method, p, ada, c.body); r.Status != c.status || (c.field != "" && r.ErrorField(t) != c.field) {
				t.Errorf("%s %v: %d %s, want %d naming %q", method, c.body, r.Status, r.Body, c.status, c.field)
			}
		}
	}
	if list := contactsOf(t, site, ada, ""); len(list) != 1 || list[0].Name != "Grace Hopper" || list[0].Title != "Rear Admiral" {
		t.Errorf("after refused input: %+v", list)
	}
	// Search by name, organization and email.
	for q, want := range map[string]int{"hop": 1, "navy": 1, "grace%40navy": 1, "turing": 0, "%25": 0, "_": 0} {
		if got := contactsOf(t, site, ada, q); len(got) != want {
			t.Errorf("search %q: %d contacts, want %d", q, len(got), want)
		}
	}
	// Another member reaches none of it, by id or by list.
	for _, method := range []string{"GET", "PUT", "DELETE"} {
		if r := site.api(method, path, bob, map[string]any{"name": "Mine now"}); r.Status != 404 {
			t.Errorf("bob %s ada's contact: %d", method, r.Status)
		}
	}
	if list := contactsOf(t, site, bob, ""); len(list) != 0 {
		t.Errorf("bob lists %+v", list)
	}
	r = site.api("PUT", path, ada, map[string]any{"name": "Grace M. Hopper", "emails": []string{"grace@navy.example"}})
	if r.Status != 200 || !strings.Contains(string(r.Body), `"organization":""`) {
		t.Errorf("update replaces every field: %d %s", r.Status, r.Body)
	}
	if r := site.api("DELETE", path, ada, nil); r.Status != 204 {
		t.Errorf("delete: %d", r.Status)
	}
	if r := site.api("GET", path, ada, nil); r.Status != 404 {
		t.Errorf("after delete: %d", r.Status)
	}
}

// TestContactsOnRapport shows a contact as on Rapport only when the
// member its email belongs to lets the owner find them by email.
func TestContactsOnRapport(t *testing.T) {
	site := newTestSite(t)
	ada, bob := quickMember(t, site, "ada"), quickMember(t, site, "bob")
	site.api("POST", "/api/v1/me/contacts", ada, map[string]any{"name": "Bob", "emails": []string{"old@example.com", "BOB@example.com"}})
	member := func() string {
		t.Helper()
		list := contactsOf(t, site, ada, "")
		if list[0].Member == nil {
			return ""
		}
		return list[0].Member.Handle
	}
	if got := member(); got != "bob" {
		t.Errorf("with everyone allowed: %q", got)
	}
	for _, c := range []struct{ setting, want string }{{"no_one", ""}, {"connections", ""}} {
		if r := site.api("PUT", "/api/v1/me/find-by-email", bob, map[string]string{"find_by_email": c.setting}); r.Status != 200 {
			t.Fatalf("setting: %d %s", r.Status, r.Body)
		}
		if got := member(); got != c.want {
			t.Errorf("with %s: %q", c.setting, got)
		}
	}
	connect(t, site, ada, "ada", bob, "bob")
	if got := member(); got != "bob" {
		t.Errorf("with connections allowed, once connected: %q", got)
	}
	site.api("POST", "/api/v1/me/blocks", bob, map[string]string{"handle": "ada"})
	if got := member(); got != "" {
		t.Errorf("after bob blocked ada: %q", got)
	}
	if r := site.api("PUT", "/api/v1/me/find-by-email", bob, map[string]string{"find_by_email": "friends"}); r.Status != 422 || r.ErrorField(t) != "find_by_email" {
		t.Errorf("a setting that does not exist: %d %s", r.Status, r.Body)
	}
}

// TestContactsImport reads files written by other programs: vCard 3.0
// from a phone's address book (photo and all), vCard 4.0, and the CSV
// exports of a webmail, a desktop mail program and another network
// (with its notes above the header); merges duplicates and tells each
// skipped line.
func TestContactsImport(t *testing.T) {
	site := newTestSite(t)
	ada := quickMember(t, site, "ada")
	status, rep, body := importFile(t, site, ada, "apple.vcf", "text/vcard")
	if status != 200 || rep.Read != 4 || rep.Imported != 2 || rep.Merged != 1 || len(rep.Skipped) != 1 || rep.Skipped[0].Line != 23 {
		t.Fatalf("apple.vcf: %d %s", status, body)
	}
	got := byName(contactsOf(t, site, ada, ""))
	lovelace := got["Ada Lovelace"]
	if lovelace.Organization != "Analytical Engines Ltd" || lovelace.Title != "Mathematician" || lovelace.Notes != "Met at the Royal Society, 1843" ||
		!slices.Equal(lovelace.Emails, []string{"ada@engines.example"}) || !slices.Equal(lovelace.Phones, []string{"+44 20 7946 0018", "+44 20 7946 0099"}) {
		t.Errorf("Ada Lovelace, merged: %+v", lovelace)
	}
	if b := got["Charles Babbage"]; len(b.Emails) != 2 {
		t.Errorf("Charles Babbage: %+v", b)
	}
	// The same file again: every card a duplicate.
	if _, again, body := importFile(t, site, ada, "apple.vcf", "text/vcard"); again.Imported != 0 || again.Merged != 3 {
		t.Errorf("apple.vcf again: %s", body)
	}
	for _, f := range []struct {
		file, contentType string
		imported          int
	}{
		{"thunderbird.vcf", "text/vcard", 2},
		{"google.csv", "text/csv", 2},
		{"outlook.csv", "text/csv; charset=utf-8", 1},
		{"linkedin.csv", "text/csv", 2},
	} {
		if status, rep, body := importFile(t, site, ada, f.file, f.contentType); status != 200 || rep.Imported != f.imported {
			t.Errorf("%s: %d %s, want %d imported", f.file, status, body, f.imported)
		}
	}
	got = byName(contactsOf(t, site, ada, ""))
	for name, want := range map[string]string{
		"Grace Hopper":      "grace@navy.example|tel:+1-202-555-0143|US Navy|Computer scientist",
		"Alan Turing":       "alan@bletchley.example,turing@home.example|+44 1908 640404|Bletchley Park|Cryptanalyst",
		"Joan Clarke":       "joan@bletchley.example|||",
		"Tim Berners-Lee":   "tim@w3.example|+41 22 767 6111|CERN|Engineer",
		"Margaret Hamilton": "margaret@mit.example||MIT|Director",
		"Linus Torvalds":    "||Linux Foundation|Fellow",
	} {
		c, ok := got[name]
		if s := strings.Join([]string{strings.Join(c.Emails, ","), strings.Join(c.Phones, ","), c.Organization, c.Title}, "|"); !ok || s != want {
			t.Errorf("%s: %q, want %q", name, s, want)
		}
	}
	_, google, _ := importFile(t, site, ada, "google.csv", "text/csv")
	if len(google.Skipped) != 1 || google.Skipped[0].Line != 4 {
		t.Errorf("google.csv's empty line: %+v", google.Skipped)
	}

	// Files that are not of their format, or of no format we read, change nothing.
	before := len(contactsOf(t, site, ada, ""))
	for _, c := range []struct {
		file, contentType string
		status            int
	}{
		{"google.csv", "text/vcard", 422},
		{"apple.vcf", "application/json", 415},
		{"apple.vcf", "text/plain", 415},
	} {
		if status, _, body := importFile(t, site, ada, c.file, c.contentType); status != c.status {
			t.Errorf("%s as %s: %d %s", c.file, c.contentType, status, body)
		}
	}
	if after := len(contactsOf(t, site, ada, "")); after != before {
		t.Errorf("refused imports changed the contacts: %d, then %d", before, after)
	}
}

// TestContactsExport writes every contact as vCard that a vCard reader
// takes back whole.
func TestContactsExport(t *testing.T) {
	site := newTestSite(t)
	ada := quickMember(t, site, "ada")
	importFile(t, site, ada, "apple.vcf", "text/vcard")
	importFile(t, site, ada, "google.csv", "text/csv")
	want := contactsOf(t, site, ada, "")
	r := site.api("GET", "/api/v1/me/contacts/export", ada, nil)
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/vcard") {
		t.Fatalf("export: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	dec := vcard.NewDecoder(bytes.NewReader(r.Body))
	var got []string
	for {
		card, err := dec.Decode()
		if err != nil {
			break
		}
		if card.Value(vcard.FieldVersion) != "4.0" {
			t.Errorf("a card of version %q", card.Value(vcard.FieldVersion))
		}
		got = append(got, card.PreferredValue(vcard.FieldFormattedName)+"|"+strings.Join(card.Values(vcard.FieldEmail), ",")+"|"+
			strings.Join(card.Values(vcard.FieldTelephone), ",")+"|"+card.Value(vcard.FieldOrganization)+"|"+card.Value(vcard.FieldTitle)+"|"+card.Value(vcard.FieldNote))
	}
	var wantLines []string
	for _, c := range want {
		wantLines = append(wantLines, c.Name+"|"+strings.Join(c.Emails, ",")+"|"+strings.Join(c.Phones, ",")+"|"+c.Organization+"|"+c.Title+"|"+c.Notes)
	}
	if !slices.Equal(got, wantLines) {
		t.Errorf("exported:\n%q\nwant:\n%q", got, wantLines)
	}
}
