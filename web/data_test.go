package web_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rapportnet/rapport"
)

// mustAPI sends a request and fails the test unless it answers status.
func mustAPI(t *testing.T, site *testSite, method, path, token string, body any, status int) *response {
	t.Helper()
	r := site.api(method, path, token, body)
	if r.Status != status {
		t.Fatalf("%s %s: %d %s, want %d", method, path, r.Status, r.Body, status)
	}
	return r
}

// exportOf builds an archive of the member's data and downloads it.
func exportOf(t *testing.T, site *testSite, token string) []byte {
	t.Helper()
	var e struct {
		ID     int64
		Status string
	}
	mustAPI(t, site, "POST", "/api/v1/me/exports", token, nil, 202).JSON(t, &e)
	for e.Status == rapport.ExportBuilding {
		time.Sleep(10 * time.Millisecond)
		var list []struct {
			ID     int64
			Status string
		}
		mustAPI(t, site, "GET", "/api/v1/me/exports", token, nil, 200).JSON(t, &list)
		e = list[0]
	}
	if e.Status != rapport.ExportReady {
		t.Fatalf("the archive: %+v", e)
	}
	path := fmt.Sprintf("/api/v1/me/exports/%d/download", e.ID)
	if r := site.api("POST", path, token, map[string]string{"password": "wrong password"}); r.Status != 401 || r.ErrorField(t) != "password" {
		t.Errorf("download with a wrong password: %d %s", r.Status, r.Body)
	}
	r := mustAPI(t, site, "POST", path, token, map[string]string{"password": testPassword}, 200)
	if r.Header.Get("Content-Type") != "application/zip" {
		t.Errorf("archive type %q", r.Header.Get("Content-Type"))
	}
	return r.Body
}

// unzip returns the files of an archive by name.
func unzip(t *testing.T, archive []byte) map[string]string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		t.Fatalf("the archive is not a ZIP: %v", err)
	}
	out := map[string]string{}
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r)
		r.Close()
		out[f.Name] = string(b)
	}
	return out
}

func readCSV(t *testing.T, name, text string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil {
		t.Fatalf("%s does not parse as CSV: %v", name, err)
	}
	return rows
}

type profileJSON struct {
	Headline, About, Location, Visibility string
	ConnectionsVisibility                 string `json:"connections_visibility"`
	Positions                             []struct {
		Title            string  `json:"title"`
		OrganizationName string  `json:"organization_name"`
		Location         string  `json:"location"`
		Start            string  `json:"start"`
		End              *string `json:"end"`
		Description      string  `json:"description"`
	} `json:"positions"`
	Education []struct {
		School    string `json:"school"`
		Degree    string `json:"degree"`
		Field     string `json:"field"`
		StartYear *int   `json:"start_year"`
		EndYear   *int   `json:"end_year"`
	} `json:"education"`
	Skills []string `json:"skills"`
}

func meOf(t *testing.T, site *testSite, token string) (profileJSON, string) {
	t.Helper()
	r := mustAPI(t, site, "GET", "/api/v1/me", token, nil, 200)
	var p struct {
		Profile profileJSON `json:"profile"`
	}
	r.JSON(t, &p)
	if p.Profile.Headline == "" {
		r.JSON(t, &p.Profile)
	}
	return p.Profile, string(r.Body)
}

// settingsOf reads the member's settings, as one line to compare.
func settingsOf(t *testing.T, site *testSite, token string) string {
	t.Helper()
	var b strings.Builder
	for _, p := range []string{"/api/v1/me/sharing", "/api/v1/me/profile-viewing", "/api/v1/me/find-by-email"} {
		b.Write(mustAPI(t, site, "GET", p, token, nil, 200).Body)
	}
	return b.String()
}

// TestDataRoundTrip exports a member's data from one site and imports it
// into a fresh one: profile, positions, education, skills, settings,
// contacts and notes come back field by field, and former connections
// who are members there are invited, never connected. The archive holds
// the exact CSV headers other tools read, and nothing of anyone else's.
func TestDataRoundTrip(t *testing.T) {
	from := newTestSite(t)
	ada, bob, cy, dee := quickMember(t, from, "ada"), quickMember(t, from, "bob"), quickMember(t, from, "cy"), quickMember(t, from, "dee")
	connect(t, from, ada, "ada", bob, "bob")
	connect(t, from, cy, "cy", ada, "ada")
	mustAPI(t, from, "PATCH", "/api/v1/me/profile", ada, map[string]any{"headline": "Engineer, Analytical Engines", "about": "Notes on the engine.\nAnd poetry.",
		"location": "London", "visibility": "members", "connections_visibility": "private", "share": false}, 200)
	mustAPI(t, from, "POST", "/api/v1/me/positions", ada, map[string]any{"title": "Analyst", "organization_name": "Engines Ltd", "location": "London",
		"start": "2019-03", "description": "Wrote the first program, \"Note G\".", "share": false}, 201)
	mustAPI(t, from, "POST", "/api/v1/me/positions", ada, map[string]any{"title": "Intern", "organization_name": "Royal Society", "start": "2015-01", "end": "2016-06", "share": false}, 201)
	mustAPI(t, from, "POST", "/api/v1/me/education", ada, map[string]any{"school": "Home tutors", "degree": "Mathematics", "field": "Calculus", "start_year": 2010, "end_year": 2014, "share": false}, 201)
	mustAPI(t, from, "PUT", "/api/v1/me/skills", ada, map[string]any{"skills": []string{"Mathematics", "Poetry", "C, the language"}, "share": false}, 200)
	mustAPI(t, from, "PUT", "/api/v1/me/sharing", ada, map[string]any{"share_updates": false}, 200)
	mustAPI(t, from, "PUT", "/api/v1/me/profile-viewing", ada, map[string]any{"mode": "private"}, 200)
	mustAPI(t, from, "PUT", "/api/v1/me/find-by-email", ada, map[string]any{"find_by_email": "connections", "email_to_connections": false}, 200)
	importFile(t, from, ada, "apple.vcf", "text/vcard")
	mustAPI(t, from, "PUT", "/api/v1/me/connections/bob/note", ada, map[string]any{"note": "Met at the exhibition", "tags": []string{"engines"}}, 200)
	// What is bob's and cy's, not ada's: cy hides her email from connections,
	// bob keeps a note on ada and a contact.
	mustAPI(t, from, "PUT", "/api/v1/me/find-by-email", cy, map[string]any{"find_by_email": "everyone", "email_to_connections": false}, 200)
	mustAPI(t, from, "PUT", "/api/v1/me/connections/ada/note", bob, map[string]any{"note": "Bob's private note on ada", "tags": []string{}}, 200)
	mustAPI(t, from, "POST", "/api/v1/me/contacts", bob, map[string]any{"name": "Bob's private contact", "emails": []string{"secret@example.com"}}, 201)
	startThread(t, from, ada, []string{"bob"}, "A message to bob")
	p := writePost(t, from, ada, "A post of ada's", rapport.AudiencePublic)
	mustAPI(t, from, "POST", fmt.Sprintf("/api/v1/posts/%d/comments", p.ID), ada, map[string]any{"body": "A comment of ada's"}, 201)
	mustAPI(t, from, "PUT", fmt.Sprintf("/api/v1/posts/%d/reaction", p.ID), ada, map[string]any{"reaction": "insightful"}, 204)
	mustAPI(t, from, "POST", "/api/v1/me/blocks", ada, map[string]string{"handle": "dee"}, 204)
	_ = dee

	archive := exportOf(t, from, ada)
	// Another member's archive id is not found, even with their own password.
	files := unzip(t, archive)
	for _, name := range []string{"README.txt", "Profile.json", "Positions.csv", "Education.csv", "Skills.csv", "Settings.json", "Connections.csv",
		"Invitations.csv", "Messages.csv", "Posts.json", "Comments.csv", "Reactions.csv", "Contacts.vcf", "Notes.csv", "Following.csv", "Blocked.csv"} {
		if _, ok := files[name]; !ok {
			t.Errorf("the archive lacks %s", name)
		}
		if name != "README.txt" && !strings.Contains(files["README.txt"], name) {
			t.Errorf("README.txt does not describe %s", name)
		}
	}
	headers := map[string]string{
		"Connections.csv": "First Name,Last Name,URL,Email Address,Company,Position,Connected On",
		"Invitations.csv": "From,To,Sent At,Message,Direction",
	}
	for name := range files {
		if !strings.HasSuffix(name, ".csv") {
			continue
		}
		rows := readCSV(t, name, files[name])
		if want, ok := headers[name]; ok && strings.Join(rows[0], ",") != want {
			t.Errorf("%s header: %q, want %q", name, rows[0], want)
		}
	}
	conns := readCSV(t, "Connections.csv", files["Connections.csv"])
	emails := map[string]string{}
	for _, r := range conns[1:] {
		emails[r[0]] = r[3]
	}
	if emails["bob"] != "bob@example.com" || emails["cy"] != "" || len(conns) != 3 {
		t.Errorf("Connections.csv: %q", conns)
	}
	all := strings.Join(slices.Collect(mapValues(files)), "\n")
	for _, secret := range []string{"cy@example.com", "Bob's private note on ada", "Bob's private contact", "secret@example.com"} {
		if strings.Contains(all, secret) {
			t.Errorf("the archive holds %q, which is not ada's", secret)
		}
	}
	for _, mine := range []string{"A message to bob", "A post of ada's", "A comment of ada's", "INSIGHTFUL", "Met at the exhibition", "Ada Lovelace", "dee"} {
		if !strings.Contains(all, mine) {
			t.Errorf("the archive lacks %q", mine)
		}
	}

	// A fresh site, where bob and cy are members with the same addresses.
	to := newTestSite(t)
	newAda, newBob, newCy := quickMember(t, to, "ada"), quickMember(t, to, "bob"), quickMember(t, to, "cy")
	req, _ := http.NewRequest("POST", to.URL+"/api/v1/me/imports", bytes.NewReader(archive))
	req.Header.Set("Content-Type", "application/zip")
	req.Header.Set("Authorization", "Bearer "+newAda)
	r := to.do(req, archive)
	if r.Status != 200 {
		t.Fatalf("import: %d %s", r.Status, r.Body)
	}
	var rep struct {
		Profile                      bool
		Positions, Education, Skills int
		Invited                      []struct{ Handle string }
		NotInvited                   []struct{ Reason string } `json:"not_invited"`
	}
	r.JSON(t, &rep)
	if !rep.Profile || rep.Positions != 2 || rep.Education != 1 || rep.Skills != 3 || len(rep.Invited) != 1 || rep.Invited[0].Handle != "bob" {
		t.Errorf("import report: %s", r.Body)
	}
	before, _ := meOf(t, from, ada)
	after, _ := meOf(t, to, newAda)
	if before.Headline != "Engineer, Analytical Engines" || before.About == "" || len(before.Positions) != 2 || len(before.Education) != 1 ||
		len(before.Skills) != 3 || before.Positions[0].Description == "" || before.Education[0].Field != "Calculus" {
		t.Fatalf("the profile exported is not the one made: %+v", before)
	}
	if b, a := mustJSON(t, before), mustJSON(t, after); b != a {
		t.Errorf("the profile came back different:\nbefore %s\nafter  %s", b, a)
	}
	if b, a := settingsOf(t, from, ada), settingsOf(t, to, newAda); b != a || !strings.Contains(b, `"private"`) || !strings.Contains(b, `"email_to_connections":false`) {
		t.Errorf("the settings came back different:\nbefore %s\nafter  %s", b, a)
	}
	got := byName(contactsOf(t, to, newAda, ""))
	kept := contactsOf(t, from, ada, "")
	if len(kept) != 2 {
		t.Fatalf("ada's contacts on the first site: %+v", kept)
	}
	for _, c := range kept {
		g, ok := got[c.Name]
		c.ID, g.ID, c.Member, g.Member = 0, 0, nil, nil
		if !ok || mustJSON(t, c) != mustJSON(t, g) {
			t.Errorf("contact %s came back as %+v, was %+v", c.Name, g, c)
		}
	}
	bobCard := got["bob"]
	if !strings.Contains(bobCard.Notes, "Met at the exhibition") || !strings.Contains(bobCard.Notes, "Tags: engines") || !slices.Equal(bobCard.Emails, []string{"bob@example.com"}) {
		t.Errorf("bob, a former connection, as a contact: %+v", bobCard)
	}
	if _, ok := got["cy"]; !ok {
		t.Errorf("cy, a former connection without an email, is not a contact")
	}
	// Invited, not connected; cy, whose address was not shared, not invited.
	if got := connectionHandles(t, to, newAda); len(got) != 0 {
		t.Errorf("the import made connections: %q", got)
	}
	var received []struct{ ID int64 }
	mustAPI(t, to, "GET", "/api/v1/invitations/received", newBob, nil, 200).JSON(t, &received)
	if len(received) != 1 {
		t.Errorf("bob's invitations on the new site: %+v", received)
	}
	mustAPI(t, to, "GET", "/api/v1/invitations/received", newCy, nil, 200).JSON(t, &received)
	if len(received) != 0 {
		t.Errorf("cy was invited though her address was not shared: %+v", received)
	}
	// Nothing of the import was broadcast to bob.
	if got := feedOf(t, to, newBob, "").bodies(); len(got) != 0 {
		t.Errorf("bob's feed on the new site: %q", got)
	}

	// A broken archive changes nothing.
	broken := append([]byte{}, archive[:len(archive)/2]...)
	req, _ = http.NewRequest("POST", to.URL+"/api/v1/me/imports", bytes.NewReader(broken))
	req.Header.Set("Content-Type", "application/zip")
	req.Header.Set("Authorization", "Bearer "+newCy)
	if r := to.do(req, nil); r.Status != 422 || r.ErrorField(t) != "file" {
		t.Errorf("a broken archive: %d %s", r.Status, r.Body)
	}
	if p, _ := meOf(t, to, newCy); p.Headline != "" || len(p.Positions) != 0 {
		t.Errorf("a broken archive changed cy's profile: %+v", p)
	}
}

func mapValues(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for _, v := range m {
			if !yield(v) {
				return
			}
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestImportConnectionsFromAnotherNetwork brings another network's
// Connections.csv: every row becomes a contact, and the members here whose
// address it gives (where they allow it) are invited, not connected.
func TestImportConnectionsFromAnotherNetwork(t *testing.T) {
	site := newTestSite(t)
	ada := quickMember(t, site, "ada")
	m := &rapport.Member{Handle: "margaret", Email: "margaret@mit.example", DisplayName: "Margaret Hamilton"}
	if err := site.DB.CreateMember(t.Context(), m, testPasswordHash(), time.Now()); err != nil {
		t.Fatal(err)
	}
	margaret := quickSession(t, site, m.ID)
	raw := []byte(strings.ReplaceAll(strings.ReplaceAll(string(must(t, "testdata/contacts/linkedin.csv")), "\r\n", "\n"), "\n", "\r\n"))
	req, _ := http.NewRequest("POST", site.URL+"/api/v1/me/imports", bytes.NewReader(raw))
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Authorization", "Bearer "+ada)
	r := site.do(req, raw)
	var rep struct {
		Contacts struct{ Imported int }
		Invited  []struct{ Handle string }
	}
	if r.Status != 200 {
		t.Fatalf("import: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &rep)
	if rep.Contacts.Imported != 2 || len(rep.Invited) != 1 || rep.Invited[0].Handle != "margaret" {
		t.Errorf("report: %s", r.Body)
	}
	got := byName(contactsOf(t, site, ada, ""))
	if c := got["Margaret Hamilton"]; c.Organization != "MIT" || c.Title != "Director" || !strings.Contains(c.Notes, "Connected on 12 Mar 2021") {
		t.Errorf("Margaret as a contact: %+v", c)
	}
	var received []struct{ ID int64 }
	mustAPI(t, site, "GET", "/api/v1/invitations/received", margaret, nil, 200).JSON(t, &received)
	if len(received) != 1 || len(connectionHandles(t, site, ada)) != 0 {
		t.Errorf("margaret's invitations %+v; ada's connections %q", received, connectionHandles(t, site, ada))
	}
	// A CSV without the columns of one is refused, and changes nothing.
	req, _ = http.NewRequest("POST", site.URL+"/api/v1/me/imports", strings.NewReader("a,b\r\n1,2\r\n"))
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Authorization", "Bearer "+ada)
	if r := site.do(req, nil); r.Status != 422 || r.ErrorField(t) != "file" {
		t.Errorf("a CSV that is not a list of connections: %d %s", r.Status, r.Body)
	}
}

func must(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestClosePages closes an account from the settings: the password is
// asked, and the browser is logged out.
func TestClosePages(t *testing.T) {
	_, ada, bob, _ := connectedPair(t)
	wantBody(t, ada.get("/settings/close"), "After 14 days your personal data is deleted for good")
	r := ada.post("/settings/close", url.Values{"password": {"wrong"}})
	wantStatus(t, r, http.StatusUnauthorized)
	wantBody(t, r, `id="password-error"`)
	wantStatus(t, bob.get("/in/ada"), 200)
	wantRedirect(t, ada.post("/settings/close", url.Values{"password": {testPassword}}), "/?notice=closed")
	wantRedirect(t, ada.get("/settings"), "/login")
	wantStatus(t, bob.get("/in/ada"), http.StatusNotFound)
}
