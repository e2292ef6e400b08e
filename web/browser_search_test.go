package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// attr reads an attribute of the first element sel finds.
func (m *member) attr(sel, name string) chromedp.AttributeResult {
	m.t.Helper()
	v, err := chromedp.Run(m.b, chromedp.AttributeValue(sel, name))
	if err != nil {
		m.t.Fatalf("%s, attribute %s of %s: %v", m.handle, name, sel, err)
	}
	return v
}

// wantAttr fails the test unless the attribute has the value; "" stands for
// an attribute that is not there.
func (m *member) wantAttr(sel, name, want string) {
	m.t.Helper()
	got := m.attr(sel, name)
	if want == "" && got.Exists {
		m.t.Fatalf("%s has %s=%q, want none", sel, name, got.Value)
	}
	if want != "" && (!got.Exists || got.Value != want) {
		m.t.Fatalf("%s has %s=%q (present: %v), want %q", sel, name, got.Value, got.Exists, want)
	}
}

// within runs steps that wait for the page, failing the test when they do
// not end within a few seconds rather than at the test's deadline.
func (m *member) within(name string, steps ...chromedp.Action[chromedp.Void]) {
	m.t.Helper()
	ctx, cancel := context.WithTimeout(m.b, 10*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		m.t.Fatalf("%s, %s: %v", m.handle, name, err)
	}
}

// screenshot keeps a picture of the page in RAPPORT_SCREENSHOTS, when set,
// to look at after the run.
func (m *member) screenshot(name string) {
	m.t.Helper()
	dir := os.Getenv("RAPPORT_SCREENSHOTS")
	if dir == "" {
		return
	}
	shot, err := chromedp.Run(m.b, chromedp.FullScreenshot(100))
	if err != nil {
		m.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), shot, 0o644); err != nil {
		m.t.Error(err)
	}
}

// poll waits until a JavaScript expression is true in the member's page.
func (m *member) poll(name, expr string) {
	m.t.Helper()
	if _, err := chromedp.Run(m.b, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		m.t.Fatalf("%s, waiting for %s: %v", m.handle, name, err)
	}
}

const (
	searchBox     = `#site-search`
	searchBoxList = `#site-search-list`
)

// typeInSearchBox types into the header's search box and waits until the
// suggestions answer what was typed: the list is no longer busy.
func (m *member) typeInSearchBox(text string) {
	m.t.Helper()
	m.do("type "+text, chromedp.SendKeys(searchBox, text))
	m.poll("the suggestions for "+text, `document.querySelector("`+searchBox+`").value === "`+text+`" && `+
		`document.querySelector("`+searchBoxList+`").getAttribute("aria-busy") === "false"`)
}

// TestBrowserSearch drives the search box of the header by keyboard alone,
// the results page with a filter, and the school suggestions of the
// education form. Grace is ada's connection, Graham is Grace's (ada's second
// degree); both are named Gra..., and Graham has the lower id, so only the
// network puts Grace first.
func TestBrowserSearch(t *testing.T) {
	chromium(t)
	site := newTestSite(t)
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second) // against a hung browser only
	defer cancel()
	graham, grace := site.member("graham"), site.member("grace")
	setProfile(t, site, graham, map[string]any{"display_name": "Graham Bell", "headline": "Inventor"})
	setProfile(t, site, grace, map[string]any{"display_name": "Grace Hopper", "headline": "Rear admiral"})
	addPosition(t, site, graham, "Engineer", "Bell Telephone")
	addPosition(t, site, grace, "Engineer", "United States Navy")
	if r := site.api("POST", "/api/v1/me/education", grace, map[string]any{"school": "Yale University"}); r.Status != 201 {
		t.Fatalf("education: %d %s", r.Status, r.Body)
	}
	ada := browserMember(t, ctx, site, "ada", "Ada Lovelace")
	connect(t, site, site.logIn("ada"), "ada", grace, "grace")
	connect(t, site, grace, "grace", graham, "graham")

	t.Run("KeyboardToProfile", func(t *testing.T) {
		ada.t = t
		ada.do("home", chromedp.Navigate(site.URL+"/"), chromedp.WaitVisible(searchBox))
		ada.wantAttr(searchBox, "role", "combobox")
		ada.wantAttr(searchBox, "aria-autocomplete", "list")
		ada.wantAttr(searchBox, "aria-controls", "site-search-list")
		ada.wantAttr(searchBox, "aria-expanded", "false")
		ada.wantAttr(searchBox, "aria-activedescendant", "")

		ada.typeInSearchBox("gra")
		if n, err := chromedp.Run(ada.b, chromedp.Evaluate[int](`document.querySelectorAll("#site-search-list [role=option]").length`)); err != nil || n != 2 {
			t.Fatalf("%d suggestions (%v), want 2", n, err)
		}
		ada.wantAttr(searchBox, "aria-expanded", "true")
		ada.wantAttr(searchBox, "aria-activedescendant", "")
		first, second := ada.text(`#site-search-list-0`), ada.text(`#site-search-list-1`)
		for _, want := range []string{"Grace Hopper", "1st", "Rear admiral"} {
			if !strings.Contains(first, want) {
				t.Errorf("the first suggestion %q lacks %q", first, want)
			}
		}
		for _, want := range []string{"Graham Bell", "2nd", "Inventor", "1 mutual connection"} {
			if !strings.Contains(second, want) {
				t.Errorf("the second suggestion %q lacks %q", second, want)
			}
		}
		if got := ada.text(`#site-search-status`); !strings.HasPrefix(got, "2 suggestions.") {
			t.Errorf("the live region says %q", got)
		}

		// Escape closes the list and keeps the text; a second one clears it.
		ada.do("escape", chromedp.KeyEvent(kb.Escape))
		ada.wantAttr(searchBox, "aria-expanded", "false")
		if !ada.attr(searchBoxList, "hidden").Exists {
			t.Error("after Escape the list is not hidden")
		}
		if v, _ := chromedp.Run(ada.b, chromedp.Value(searchBox)); v != "gra" {
			t.Fatalf("after one Escape the box holds %q", v)
		}
		ada.do("escape again", chromedp.KeyEvent(kb.Escape))
		if v, _ := chromedp.Run(ada.b, chromedp.Value(searchBox)); v != "" {
			t.Fatalf("after a second Escape the box holds %q", v)
		}

		ada.typeInSearchBox("gra")
		ada.wantAttr(searchBox, "aria-expanded", "true")
		ada.do("arrow down", chromedp.KeyEvent(kb.ArrowDown))
		ada.wantAttr(searchBox, "aria-activedescendant", "site-search-list-0")
		ada.wantAttr(`#site-search-list-0`, "aria-selected", "true")
		ada.screenshot("rapport-search-suggestions.png")
		ada.do("arrow down", chromedp.KeyEvent(kb.ArrowDown))
		ada.wantAttr(searchBox, "aria-activedescendant", "site-search-list-1")
		ada.wantAttr(`#site-search-list-0`, "aria-selected", "false")
		ada.do("arrow up", chromedp.KeyEvent(kb.ArrowUp))
		ada.wantAttr(searchBox, "aria-activedescendant", "site-search-list-0")

		ada.within("enter", chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(`//h1[starts-with(normalize-space(.), "Grace Hopper")]`))
		if loc, err := chromedp.Run(ada.b, chromedp.Location()); err != nil || !strings.HasSuffix(loc, "/in/grace") {
			t.Fatalf("after Enter the browser is at %s (%v)", loc, err)
		}
		if h1 := ada.text(`//main//h1`); !strings.Contains(h1, "Grace Hopper") {
			t.Fatalf("the profile's heading is %q", h1)
		}
	})

	t.Run("EnterWithoutChoiceSearches", func(t *testing.T) {
		ada.t = t
		ada.do("home", chromedp.Navigate(site.URL+"/"), chromedp.WaitVisible(searchBox))
		ada.typeInSearchBox("gra")
		ada.within("enter", chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(`#results-h`))
		if loc, err := chromedp.Run(ada.b, chromedp.Location()); err != nil || !strings.HasSuffix(loc, "/search?q=gra") {
			t.Fatalf("after Enter the browser is at %s (%v)", loc, err)
		}
		results := ada.text(`//section[@aria-labelledby="results-h"]`)
		ada.screenshot("rapport-search-results.png")
		if !strings.Contains(results, "2 members found") || !strings.Contains(results, "Grace Hopper") || !strings.Contains(results, "Graham Bell") {
			t.Fatalf("the results page:\n%s", results)
		}
	})

	t.Run("FilterOnResultsPage", func(t *testing.T) {
		ada.t = t
		results := `//section[@aria-labelledby="results-h"]`
		ada.within("search engineers",
			chromedp.Navigate(site.URL+"/search"),
			chromedp.WaitVisible(`#q`),
			chromedp.SendKeys(`#q`, "engineer"),
			chromedp.Submit(`#q`),
			chromedp.WaitVisible(`#results-h`))
		if got := ada.text(results); !strings.Contains(got, "Grace Hopper") || !strings.Contains(got, "Graham Bell") {
			t.Fatalf("without a filter both engineers are not found:\n%s", got)
		}
		ada.within("filter by current organization",
			chromedp.SendKeys(`#current_organization`, "United States Navy"),
			chromedp.Submit(`#current_organization`),
			chromedp.WaitVisible(`//input[@id="current_organization"][@value="United States Navy"]`),
			chromedp.WaitVisible(`#results-h`))
		got := ada.text(results)
		if !strings.Contains(got, "1 member found") || !strings.Contains(got, "Grace Hopper") || strings.Contains(got, "Graham Bell") {
			t.Fatalf("filtered by the United States Navy:\n%s", got)
		}
		if v, _ := chromedp.Run(ada.b, chromedp.Value(`#current_organization`)); v != "United States Navy" {
			t.Errorf("the filter is not kept in the form: %q", v)
		}
	})

	t.Run("SchoolSuggestions", func(t *testing.T) {
		ada.t = t
		ada.within("education form",
			chromedp.Navigate(site.URL+"/me/edit"),
			chromedp.WaitVisible(`#school`),
			chromedp.SendKeys(`#school`, "Yal"))
		ada.poll("Yale among the suggested schools", `document.querySelector('#school-suggestions option[value="Yale University"]') !== null`)
		ada.wantAttr(`#school`, "list", "school-suggestions")
	})

	t.Run("OrganizationSuggestion", func(t *testing.T) {
		ada.t = t
		if r := site.api("POST", "/api/v1/organizations", graham, map[string]any{"slug": "gramophone-guild", "name": "Gramophone Guild",
			"industry": "Music", "location": "Boston"}); r.Status != 201 {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		ada.do("home", chromedp.Navigate(site.URL+"/"), chromedp.WaitVisible(searchBox))
		ada.typeInSearchBox("gramo")
		if got := ada.text(`#site-search-list-0`); !strings.Contains(got, "Gramophone Guild") || !strings.Contains(got, "Organization") {
			t.Fatalf("the suggestion is %q", got)
		}
		ada.do("arrow down", chromedp.KeyEvent(kb.ArrowDown))
		ada.within("enter", chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(`//h1[contains(., "Gramophone Guild")]`))
		if loc, err := chromedp.Run(ada.b, chromedp.Location()); err != nil || !strings.HasSuffix(loc, "/org/gramophone-guild") {
			t.Fatalf("after Enter the browser is at %s (%v)", loc, err)
		}
		ada.within("search", chromedp.Navigate(site.URL+"/search?q=gramophone"), chromedp.WaitVisible(`#orgs-h`))
		if got := ada.text(`//section[@aria-labelledby="orgs-h"]`); !strings.Contains(got, "Gramophone Guild") || !strings.Contains(got, "Music") {
			t.Fatalf("the organizations on the results page:\n%s", got)
		}
	})
}
