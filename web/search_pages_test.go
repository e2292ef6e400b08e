package web_test

import (
	"fmt"
	"html"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// setProfile changes a member's profile through the API.
func setProfile(t *testing.T, site *testSite, token string, fields map[string]any) {
	t.Helper()
	if r := site.api("PATCH", "/api/v1/me/profile", token, fields); r.Status != 200 {
		t.Fatalf("profile %v: %d %s", fields, r.Status, r.Body)
	}
}

// addPosition gives a member a current position through the API.
func addPosition(t *testing.T, site *testSite, token, title, organization string) {
	t.Helper()
	r := site.api("POST", "/api/v1/me/positions", token, map[string]any{"title": title, "organization_name": organization, "start": "2020-01"})
	if r.Status != 201 {
		t.Fatalf("position %s at %s: %d %s", title, organization, r.Status, r.Body)
	}
}

// logInBrowser signs a member who has an account in, in a browser of
// their own.
func logInBrowser(t *testing.T, site *testSite, handle string) *browser {
	t.Helper()
	b := newBrowser(t, site)
	wantRedirect(t, b.post("/login", url.Values{"email": {handle + "@example.com"}, "password": {testPassword}, "next": {"/me"}}), "/me")
	return b
}

var resultLink = regexp.MustCompile(`<a href="/in/([^"]+)"><strong>`)

// resultHandles lists the members of the results section, in order.
func resultHandles(t *testing.T, r *response) []string {
	t.Helper()
	body := string(r.Body)
	i := strings.Index(body, `id="results-h"`)
	if i < 0 {
		t.Fatalf("the page has no results section\n%.3000s", body)
	}
	var out []string
	for _, m := range resultLink.FindAllStringSubmatch(body[i:], -1) {
		out = append(out, m[1])
	}
	return out
}

var nextLink = regexp.MustCompile(`<a href="([^"]+)" rel="next">`)

func TestSearchPageFirstVisit(t *testing.T) {
	site := newTestSite(t)
	r := newBrowser(t, site).get("/search")
	wantStatus(t, r, 200)
	wantBody(t, r, `<form method="get" action="/search"`, `<select id="degree" name="degree"`, `<option value="3&#43;">3rd&#43;</option>`,
		`id="current_organization"`, `id="past_organization"`, `id="search_school"`, `id="location"`)
	for _, unwanted := range []string{`id="results-h"`, `class="field-error"`, `class="form-error"`, `aria-invalid`} {
		if strings.Contains(string(r.Body), unwanted) {
			t.Errorf("the first visit shows %s\n%.3000s", unwanted, r.Body)
		}
	}
}

// TestSearchBoxOnEveryPage checks that the header of each page holds the
// search box, a plain GET form to /search that works without the script,
// and loads the script that suggests members from a file the policy allows.
func TestSearchBoxOnEveryPage(t *testing.T) {
	site := newTestSite(t)
	site.signUp("ada")
	for _, c := range []struct {
		path string
		b    *browser
	}{{"/", newBrowser(t, site)}, {"/login", newBrowser(t, site)}, {"/search", newBrowser(t, site)}, {"/network", logInBrowser(t, site, "ada")}} {
		r := c.b.get(c.path)
		wantStatus(t, r, 200)
		wantBody(t, r, `<form class="site-search" role="search" method="get" action="/search">`,
			`<input id="site-search" name="q"`, `<ul id="site-search-list" role="listbox"`,
			`<div id="site-search-status" class="visually-hidden" role="status" aria-live="polite">`,
			`<script src="/static/search.js" defer></script>`)
	}
	r := newBrowser(t, site).get("/static/search.js")
	wantStatus(t, r, 200)
	if ct := r.Header.Get("Content-Type"); !strings.Contains(ct, "javascript") {
		t.Errorf("the script is served as %q", ct)
	}
	wantBody(t, r, "/api/v1/typeahead?q=", "AbortController", "aria-activedescendant")
}

// TestSearchPageResults builds a small network: ada knows grace, grace
// knows graham, and gray knows no one. Ada's search shows them in that
// order, with badges, mutual connections and links to their profiles.
func TestSearchPageResults(t *testing.T) {
	site := newTestSite(t)
	tokens := map[string]string{}
	for _, h := range []string{"gray", "graham", "grace", "ada"} { // gray first: lowest id
		tokens[h] = site.member(h)
	}
	connect(t, site, tokens["ada"], "ada", tokens["grace"], "grace")
	connect(t, site, tokens["grace"], "grace", tokens["graham"], "graham")
	setProfile(t, site, tokens["grace"], map[string]any{"display_name": "Grace Hopper", "headline": "Rear admiral"})
	setProfile(t, site, tokens["graham"], map[string]any{"display_name": "Graham Bell", "headline": "Inventor"})
	setProfile(t, site, tokens["gray"], map[string]any{"display_name": "Gray Elisha", "headline": "Engineer"})
	addPosition(t, site, tokens["graham"], "Inventor", "Volta Laboratory")
	addPosition(t, site, tokens["gray"], "Inventor", "Western Electric")

	ada := logInBrowser(t, site, "ada")
	r := ada.get("/search?q=gra")
	wantStatus(t, r, 200)
	if got, want := resultHandles(t, r), []string{"grace", "graham", "gray"}; !slices.Equal(got, want) {
		t.Fatalf("results %v, want %v", got, want)
	}
	wantBody(t, r, "3 members found", `value="gra"`,
		`<strong>Grace Hopper</strong></a> <span class="degree" title="1st-degree connection">· 1st</span> · Rear admiral`,
		`<strong>Graham Bell</strong></a> <span class="degree" title="2nd-degree connection">· 2nd</span> · Inventor`)
	body := string(r.Body)
	if graham, mutual, gray := strings.Index(body, "Graham Bell"), strings.Index(body, `<span class="dates">1 mutual connection</span>`), strings.Index(body, "Gray Elisha"); mutual < graham || mutual > gray {
		t.Errorf("Graham's mutual connection is not shown in his result")
	}
	if strings.Contains(string(r.Body), `rel="next"`) {
		t.Error("one page of results offers a next page")
	}

	// A filter keeps the member it names and drops one who matches the words only.
	r = ada.get("/search?q=inventor&current_organization=Volta+Laboratory&degree=2")
	wantStatus(t, r, 200)
	if got := resultHandles(t, r); !slices.Equal(got, []string{"graham"}) {
		t.Fatalf("filtered results %v, want [graham]", got)
	}
	wantBody(t, r, "1 member found", `value="Volta Laboratory"`, `<option value="2" selected>2nd</option>`)

	// Anonymous visitors search too, without badges.
	r = newBrowser(t, site).get("/search?q=grace")
	wantStatus(t, r, 200)
	if got := resultHandles(t, r); !slices.Equal(got, []string{"grace"}) {
		t.Fatalf("anonymous results %v, want [grace]", got)
	}
	if strings.Contains(string(r.Body), `class="degree"`) {
		t.Error("an anonymous visitor is shown a degree")
	}

	r = ada.get("/search?q=nobody")
	wantStatus(t, r, 200)
	wantBody(t, r, "No one found")
}

// TestSearchPageBadInput checks that bad searches show the form again with
// the message beside the field at fault, or above the form when no field
// has it, with a 4xx status.
func TestSearchPageBadInput(t *testing.T) {
	site := newTestSite(t)
	site.signUp("ada")
	b := logInBrowser(t, site, "ada")
	long := strings.Repeat("a", 201)
	for _, c := range []struct {
		name, params string
		status       int
		want         []string
	}{
		{"LongText", "q=" + long, 422, []string{`id="q-error">At most 200 characters.`, `aria-invalid="true" aria-describedby="q-error"`, `value="` + long + `"`}},
		{"LongFilter", "q=ada&location=" + long, 422, []string{`id="location-error">At most 200 characters.`}},
		{"LongSchool", "q=ada&school=" + long, 422, []string{`id="search_school-error">At most 200 characters.`}},
		{"Empty", "q=", 422, []string{`id="q-error">`}},
		{"BadDegree", "q=ada&degree=4", 422, []string{`id="degree-error">Degree is 1, 2 or 3&#43;.`}},
		{"BadCursor", "q=ada&cursor=%25%25", 422, []string{`<div class="form-error" role="alert">`}},
		{"UnknownParameter", "q=ada&colour=blue", 400, []string{`<div class="form-error" role="alert"><p>Unknown parameter colour.</p>`, `value="ada"`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := b.get("/search?" + c.params)
			wantStatus(t, r, c.status)
			wantBody(t, r, append([]string{`<form method="get" action="/search"`}, c.want...)...)
			if strings.Contains(string(r.Body), `id="results-h"`) {
				t.Error("a refused search shows results")
			}
		})
	}
	// Anonymous visitors get the same answers.
	r := newBrowser(t, site).get("/search?q=" + long)
	wantStatus(t, r, 422)
	wantBody(t, r, `id="q-error"`)
}

// TestSearchPageNext walks the pages of a search through the Next link: ten
// a page, every member once, the filters kept, no Next on the last page.
func TestSearchPageNext(t *testing.T) {
	site := newTestSite(t)
	var want []string
	for i := range 23 {
		h := fmt.Sprintf("page%02d", i)
		setProfile(t, site, quickMember(t, site, h), map[string]any{"display_name": "Paige Turner " + h, "location": "Lyon"})
		want = append(want, h)
	}
	site.signUp("reader")
	b := logInBrowser(t, site, "reader")
	var got []string
	path := "/search?q=paige&location=lyon&degree="
	for pages := 1; ; pages++ {
		r := b.get(path)
		wantStatus(t, r, 200)
		wantBody(t, r, "23 members found")
		handles := resultHandles(t, r)
		if len(handles) > 10 {
			t.Fatalf("page %d has %d results", pages, len(handles))
		}
		got = append(got, handles...)
		m := nextLink.FindStringSubmatch(string(r.Body))
		if m == nil {
			if pages != 3 {
				t.Fatalf("no Next link on page %d", pages)
			}
			break
		}
		if pages == 3 {
			t.Fatal("the last page has a Next link")
		}
		path = html.UnescapeString(m[1])
		if !strings.Contains(path, "location=lyon") || !strings.Contains(path, "cursor=") || strings.Contains(path, "degree=") {
			t.Fatalf("the Next link %s does not keep the filters and only them", path)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("pages = %v, want %v", got, want)
	}
}
