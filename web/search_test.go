package web_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rapportnet/rapport/internal/pgtest"
)

type searchJSON struct {
	Results []struct {
		Handle      string `json:"handle"`
		DisplayName string `json:"display_name"`
		Degree      *int   `json:"degree"`
		MutualCount int    `json:"mutual_count"`
	} `json:"results"`
	Total      int     `json:"total"`
	NextCursor *string `json:"next_cursor"`
}

func (s searchJSON) handles() []string {
	var out []string
	for _, r := range s.Results {
		out = append(out, r.Handle)
	}
	return out
}

// searchAs runs a people search (params is a query string) and fails the
// test unless it answers 200.
func searchAs(t *testing.T, site *testSite, token, params string) searchJSON {
	t.Helper()
	r := site.api("GET", "/api/v1/search/members?"+params, token, nil)
	if r.Status != 200 {
		t.Fatalf("search %s: %d %s", params, r.Status, r.Body)
	}
	var out searchJSON
	r.JSON(t, &out)
	return out
}

func typeaheadAs(t *testing.T, site *testSite, token, text string) []string {
	t.Helper()
	r := site.api("GET", "/api/v1/typeahead?q="+url.QueryEscape(text), token, nil)
	if r.Status != 200 {
		t.Fatalf("typeahead %q: %d %s", text, r.Status, r.Body)
	}
	var out struct {
		Members []struct {
			Handle string `json:"handle"`
		} `json:"members"`
	}
	r.JSON(t, &out)
	var handles []string
	for _, m := range out.Members {
		handles = append(handles, m.Handle)
	}
	return handles
}

// rename sets a member's name and headline through the API.
func rename(t *testing.T, site *testSite, token, name, headline string) {
	t.Helper()
	r := site.api("PATCH", "/api/v1/me/profile", token, map[string]any{"display_name": name, "headline": headline})
	if r.Status != 200 {
		t.Fatalf("rename to %s: %d %s", name, r.Status, r.Body)
	}
}

// TestSearchRanksByNetwork builds a small network around a searcher and
// checks that results come connections first, then second degree by mutual
// connections, then third degree, then the rest, each with its badge.
func TestSearchRanksByNetwork(t *testing.T) {
	site := newTestSite(t)
	tokens := map[string]string{}
	for _, h := range []string{"myself", "first", "hub1", "hub2", "second2", "second1", "third", "far", "bridge"} {
		tokens[h] = site.member(h)
	}
	// me — first, hub1, hub2; second2 knows hub1 and hub2 (2 mutual),
	// second1 knows hub1 (1 mutual); third knows second1; far knows no one
	// of these but bridge.
	for _, e := range [][2]string{{"myself", "first"}, {"myself", "hub1"}, {"myself", "hub2"}, {"second2", "hub1"}, {"second2", "hub2"},
		{"second1", "hub1"}, {"third", "second1"}, {"far", "bridge"}} {
		connect(t, site, tokens[e[0]], e[0], tokens[e[1]], e[1])
	}
	// Four more second-degree members, found by no search here, so that a
	// search with one match looks its match up instead of walking them all.
	for i := range 4 {
		h := fmt.Sprintf("extra%d", i)
		connect(t, site, quickMember(t, site, h), h, tokens["hub1"], "hub1")
	}
	// Everyone who should be found is called Zoë; the hubs are not.
	for _, h := range []string{"far", "third", "second1", "second2", "first"} {
		rename(t, site, tokens[h], "Zoë "+strings.ToUpper(h[:1])+h[1:], "Engineer")
	}
	got := searchAs(t, site, tokens["myself"], "q=zoe")
	if want := []string{"first", "second2", "second1", "third", "far"}; !slices.Equal(got.handles(), want) {
		t.Fatalf("order = %v, want %v", got.handles(), want)
	}
	for i, want := range []struct{ degree, mutual int }{{1, 0}, {2, 2}, {2, 1}, {3, 0}, {0, 0}} {
		r := got.Results[i]
		degree := 0
		if r.Degree != nil {
			degree = *r.Degree
		}
		if degree != want.degree || r.MutualCount != want.mutual {
			t.Errorf("%s: degree %d mutual %d, want %d and %d", r.Handle, degree, r.MutualCount, want.degree, want.mutual)
		}
	}
	if got.Total != 5 || got.NextCursor != nil {
		t.Errorf("total %d, next %v", got.Total, got.NextCursor)
	}
	for params, want := range map[string][]string{
		"q=zoe&degree=1":    {"first"},
		"q=zoe&degree=2":    {"second2", "second1"},
		"q=zoe&degree=3%2B": {"third", "far"},
		"q=engineer+zo":     {"first", "second2", "second1", "third", "far"},
	} {
		got := searchAs(t, site, tokens["myself"], params)
		if !slices.Equal(got.handles(), want) || got.Total != len(want) {
			t.Errorf("%s: %v (total %d), want %v", params, got.handles(), got.Total, want)
		}
	}
	// Fewer matches than second-degree members: placed by looking each up.
	if got := searchAs(t, site, tokens["myself"], "q=zoe+second1"); !slices.Equal(got.handles(), []string{"second1"}) ||
		got.Results[0].Degree == nil || *got.Results[0].Degree != 2 || got.Results[0].MutualCount != 1 {
		t.Errorf("one second-degree match: %+v", got)
	}
	if got := typeaheadAs(t, site, tokens["myself"], "ZOË s"); !slices.Equal(got, []string{"second2", "second1"}) {
		t.Errorf("typeahead = %v", got)
	}
	// A new connection of the searcher's shows in the next search at once,
	// and so does the second degree it brings, though the searcher's circle
	// is kept between searches for a few seconds.
	connect(t, site, tokens["myself"], "myself", tokens["bridge"], "bridge")
	if got := searchAs(t, site, tokens["myself"], "q=zoe&degree=2"); !slices.Equal(got.handles(), []string{"second2", "second1", "far"}) {
		t.Errorf("after connecting with bridge, second degree = %v", got.handles())
	}
	// Anonymous searchers have no network: the name order alone, no badges.
	anon := searchAs(t, site, "", "q=zoe")
	if len(anon.Results) != 5 || anon.Results[0].Degree != nil {
		t.Errorf("anonymous: %+v", anon)
	}
}

// TestSearchHidesBlocksClosedAndMembersOnly checks that a block hides each
// member from the other in results, typeahead and totals, and that profiles
// shown to members only never reach an anonymous searcher.
func TestSearchHidesBlocksClosedAndMembersOnly(t *testing.T) {
	site := newTestSite(t)
	me, foe, hater, friend := site.member("myself"), site.member("foe"), site.member("hater"), site.member("friend")
	for token, name := range map[string]string{foe: "Quentin Foe", hater: "Quentin Hater", friend: "Quentin Friend", me: "Quentin Me"} {
		rename(t, site, token, name, "")
	}
	if r := site.api("POST", "/api/v1/me/blocks", me, map[string]string{"handle": "foe"}); r.Status != 204 {
		t.Fatalf("block: %d %s", r.Status, r.Body)
	}
	if r := site.api("POST", "/api/v1/me/blocks", hater, map[string]string{"handle": "myself"}); r.Status != 204 {
		t.Fatalf("block: %d %s", r.Status, r.Body)
	}
	got := searchAs(t, site, me, "q=quentin")
	if !slices.Equal(got.handles(), []string{"friend"}) || got.Total != 1 {
		t.Errorf("me finds %v (total %d), want only friend: not the blocked, not the blocker, not myself", got.handles(), got.Total)
	}
	if got := typeaheadAs(t, site, me, "quen"); !slices.Equal(got, []string{"friend"}) {
		t.Errorf("typeahead = %v", got)
	}
	if got := searchAs(t, site, foe, "q=quentin"); slices.Contains(got.handles(), "myself") {
		t.Errorf("the blocked member finds the blocker: %v", got.handles())
	}
	if got := searchAs(t, site, hater, "q=quentin"); slices.Contains(got.handles(), "myself") {
		t.Errorf("the blocker finds whom they blocked: %v", got.handles())
	}

	if r := site.api("PATCH", "/api/v1/me/profile", friend, map[string]string{"visibility": "members"}); r.Status != 200 {
		t.Fatalf("visibility: %d %s", r.Status, r.Body)
	}
	if got := searchAs(t, site, "", "q=quentin"); slices.Contains(got.handles(), "friend") {
		t.Errorf("an anonymous searcher finds a members-only profile: %v", got.handles())
	}
	if got := typeaheadAs(t, site, "", "quentin"); slices.Contains(got, "friend") {
		t.Errorf("anonymous typeahead finds a members-only profile: %v", got)
	}
	if got := searchAs(t, site, foe, "q=quentin"); !slices.Contains(got.handles(), "friend") {
		t.Errorf("a signed-in member misses a members-only profile: %v", got.handles())
	}
}

// TestSearchFollowsProfileEdits checks that an edit is findable at once, and
// that what a profile no longer says finds it no more.
func TestSearchFollowsProfileEdits(t *testing.T) {
	site := newTestSite(t)
	me, ada := site.member("myself"), site.member("ada")
	rename(t, site, ada, "Ada Lovelace", "Analyst")
	if got := searchAs(t, site, me, "q=analyst").handles(); !slices.Equal(got, []string{"ada"}) {
		t.Fatalf("before the edit: %v", got)
	}
	rename(t, site, ada, "Ada Byron", "Mathematician")
	r := site.api("POST", "/api/v1/me/positions", ada, map[string]any{"title": "Programmer", "organization_name": "Analytical Engines Ltd", "start": "2020-01"})
	if r.Status != 201 {
		t.Fatalf("position: %d %s", r.Status, r.Body)
	}
	if r := site.api("PUT", "/api/v1/me/skills", ada, map[string]any{"skills": []string{"Difference engines"}}); r.Status != 200 {
		t.Fatalf("skills: %d %s", r.Status, r.Body)
	}
	if r := site.api("POST", "/api/v1/me/education", ada, map[string]any{"school": "Université de Genève"}); r.Status != 201 {
		t.Fatalf("education: %d %s", r.Status, r.Body)
	}
	for params, want := range map[string][]string{
		"q=analyst+":            nil, // no longer the headline; the organization starts "Analytical"
		"q=lovelace":            nil,
		"q=byron+mathematician": {"ada"},
		"q=difference":          {"ada"},
		"q=programmer&current_organization=analytical+engines+ltd": {"ada"},
		"q=ada&school=universite+de+geneve":                        {"ada"},
		"q=ada&past_organization=analytical+engines+ltd":           nil,
	} {
		if got := searchAs(t, site, me, params).handles(); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", params, got, want)
		}
	}
	r = site.api("GET", "/api/v1/typeahead/schools?q=univ+gen", me, nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), "Université de Genève") {
		t.Errorf("school suggestions: %d %s", r.Status, r.Body)
	}
}

// TestSearchPaging walks the pages of a search with the cursor: ten a page,
// every member once, in one order.
func TestSearchPaging(t *testing.T) {
	site := newTestSite(t)
	me := site.member("myself")
	var want []string
	for i := range 23 {
		h := fmt.Sprintf("page%02d", i)
		token := quickMember(t, site, h)
		rename(t, site, token, "Paige Turner "+h, "")
		want = append(want, h)
	}
	for _, token := range []string{me, ""} { // signed in, and anonymous
		got := walkPages(t, site, token, "q=paige", 23)
		if !slices.Equal(got, want) {
			t.Errorf("pages as %q = %v, want %v", token, got, want)
		}
	}
}

// walkPages follows the cursor of a search to its last page and returns the
// handles found, checking the total on every page.
func walkPages(t *testing.T, site *testSite, token, query string, total int) []string {
	t.Helper()
	var got []string
	params := query
	for pages := 0; ; pages++ {
		page := searchAs(t, site, token, params)
		if page.Total != total || len(page.Results) > 10 {
			t.Fatalf("page %d: total %d, %d results", pages, page.Total, len(page.Results))
		}
		got = append(got, page.handles()...)
		if page.NextCursor == nil {
			return got
		}
		params = query + "&cursor=" + url.QueryEscape(*page.NextCursor)
	}
}

// TestSearchBadInput checks that bad searches answer a 4xx naming the
// field, and never a 500.
func TestSearchBadInput(t *testing.T) {
	site := newTestSite(t)
	me := site.member("myself")
	for _, c := range []struct {
		params string
		status int
		field  string
	}{
		{"q=", 422, "q"},
		{"q=+%21%3F+", 422, "q"}, // only punctuation
		{"q=" + strings.Repeat("a", 201), 422, "q"},
		{"q=ada&school=" + strings.Repeat("b", 201), 422, "school"},
		{"q=ada&degree=4", 422, "degree"},
		{"q=ada&cursor=bm90LW91cnM", 422, "cursor"},
		{"q=ada&cursor=%25%25", 422, "cursor"},
		{"q=ada&colour=blue", 400, "colour"},
		{"q=%27%3B+DROP+TABLE+members%3B+--", 200, ""},
	} {
		r := site.api("GET", "/api/v1/search/members?"+c.params, me, nil)
		if r.Status != c.status || (c.field != "" && r.ErrorField(t) != c.field) {
			t.Errorf("%s: %d %s, want %d naming %q", c.params, r.Status, r.Body, c.status, c.field)
		}
	}
	if r := site.api("GET", "/api/v1/typeahead?q="+strings.Repeat("z", 201), me, nil); r.Status != 422 || r.ErrorField(t) != "q" {
		t.Errorf("long typeahead: %d %s", r.Status, r.Body)
	}
	if got := typeaheadAs(t, site, me, "  "); len(got) != 0 {
		t.Errorf("empty typeahead suggests %v", got)
	}
	if r := site.api("GET", "/api/v1/typeahead?q=a&limit=3", me, nil); r.Status != 400 || r.ErrorField(t) != "limit" {
		t.Errorf("unknown typeahead parameter: %d %s", r.Status, r.Body)
	}
}

// TestSearchSharedAcrossProcesses checks that a profile edited through one
// process is found through another sharing the same PostgreSQL.
func TestSearchSharedAcrossProcesses(t *testing.T) {
	dsn := pgtest.URL(t)
	one := newTestSiteOn(t, dsn, t.TempDir())
	two := newTestSiteOn(t, dsn, t.TempDir())
	ada := one.member("ada")
	one.signUp("bob")
	bobOnTwo := two.logIn("bob")
	rename(t, one, ada, "Augusta Ada King", "Countess")
	edited := time.Now()
	deadline := edited.Add(10 * time.Second) // against hanging only; the poll interval is 20 ms here
	for !slices.Equal(searchAs(t, two, bobOnTwo, "q=augusta+countess").handles(), []string{"ada"}) {
		if time.Now().After(deadline) {
			t.Fatal("the edit made through one process was never found through the other")
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Logf("the other process found the edit after %s", time.Since(edited).Round(time.Millisecond))
	// The other process shows the new profile too, though it kept the old
	// one for showing.
	name := func() string {
		r := two.api("GET", "/api/v1/members/ada", bobOnTwo, nil)
		var out struct {
			DisplayName string `json:"display_name"`
		}
		r.JSON(t, &out)
		return out.DisplayName
	}
	if got := name(); got != "Augusta Ada King" {
		t.Fatalf("profile on the other process = %q", got)
	}
	rename(t, one, ada, "Ada Lovelace", "Countess")
	for name() != "Ada Lovelace" {
		if time.Now().After(deadline.Add(10 * time.Second)) {
			t.Fatal("the other process kept showing the old profile")
		}
		time.Sleep(5 * time.Millisecond)
	}
	// An organization made, then renamed, through one process is suggested
	// by the other.
	suggested := func(text string) string {
		r := two.api("GET", "/api/v1/typeahead/organizations?q="+text, "", nil)
		var out struct{ Organizations []struct{ Slug, Name string } }
		r.JSON(t, &out)
		if len(out.Organizations) == 0 {
			return ""
		}
		return out.Organizations[0].Name
	}
	if r := one.api("POST", "/api/v1/organizations", ada, map[string]any{"slug": "analytical", "name": "Analytical Engines"}); r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	for suggested("analyt") != "Analytical Engines" {
		if time.Now().After(deadline.Add(20 * time.Second)) {
			t.Fatal("the other process never suggested the new organization")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if r := one.api("PATCH", "/api/v1/organizations/analytical", ada, map[string]any{"name": "Difference Engines"}); r.Status != 200 {
		t.Fatalf("rename: %d %s", r.Status, r.Body)
	}
	for suggested("differ") != "Difference Engines" || suggested("analyt") != "" {
		if time.Now().After(deadline.Add(30 * time.Second)) {
			t.Fatal("the other process kept the organization's old name")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestSearchSameOnBothDatabases builds one small network on SQLite and on
// PostgreSQL through the same requests, and checks that searches answer
// the same members in the same order, with the same badges and totals.
func TestSearchSameOnBothDatabases(t *testing.T) {
	build := func(site *testSite) string {
		tokens := map[string]string{}
		for _, h := range []string{"viewer", "amelie", "bruno", "chloe", "dara", "emile", "farah"} {
			tokens[h] = quickMember(t, site, h)
		}
		for _, e := range [][2]string{{"viewer", "amelie"}, {"amelie", "bruno"}, {"amelie", "chloe"}, {"viewer", "dara"}, {"dara", "chloe"}, {"chloe", "emile"}} {
			connect(t, site, tokens[e[0]], e[0], tokens[e[1]], e[1])
		}
		for h, p := range map[string][2]string{
			"amelie": {"Amélie Durand", "Data Engineer"}, "bruno": {"Bruno Durand", "Nurse"}, "chloe": {"Chloé Dupont", "Engineer"},
			"dara": {"Dara O'Neill", "Engineering Manager"}, "emile": {"Émile Durand", "Data engineer"}, "farah": {"Farah Durant", "Engineer"},
		} {
			rename(t, site, tokens[h], p[0], p[1])
		}
		var out strings.Builder
		for _, params := range []string{"q=durand", "q=engineer", "q=eng", "q=durant", "q=engineer&degree=2", "q=d&degree=3%2B"} {
			page := searchAs(t, site, tokens["viewer"], params)
			fmt.Fprintf(&out, "%s: total %d:", params, page.Total)
			for _, r := range page.Results {
				degree := 0
				if r.Degree != nil {
					degree = *r.Degree
				}
				fmt.Fprintf(&out, " %s/%d/%d", r.Handle, degree, r.MutualCount)
			}
			out.WriteString("\n")
		}
		fmt.Fprintf(&out, "typeahead: %v\n", typeaheadAs(t, site, tokens["viewer"], "d"))
		return out.String()
	}
	onSQLite := build(newTestSite(t))
	onPostgres := build(newTestSiteOn(t, pgtest.URL(t), t.TempDir()))
	if onSQLite != onPostgres {
		t.Errorf("SQLite and PostgreSQL answer differently:\nSQLite:\n%s\nPostgreSQL:\n%s", onSQLite, onPostgres)
	}
	if !strings.Contains(onSQLite, "q=durand: total 3: amelie/1/0 bruno/2/1 emile/3/0") {
		t.Errorf("unexpected answers:\n%s", onSQLite)
	}
}
