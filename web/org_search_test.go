package web_test

import (
	"testing"
)

type orgsFoundJSON struct {
	Results []struct {
		Slug string `json:"slug"`
	} `json:"results"`
	Organizations []struct {
		Slug string `json:"slug"`
	} `json:"organizations"`
	Total int `json:"total"`
}

func (o orgsFoundJSON) slugs() []string {
	var out []string
	for _, r := range o.Results {
		out = append(out, r.Slug)
	}
	for _, r := range o.Organizations {
		out = append(out, r.Slug)
	}
	return out
}

// TestOrganizationSearch finds organizations by name, industry and
// location, as anyone, in the search and the typeahead, and follows a
// renamed page.
func TestOrganizationSearch(t *testing.T) {
	site := newTestSite(t)
	token := quickMember(t, site, "founder")
	for _, o := range []map[string]any{
		{"slug": "acme-robotics", "name": "Acme Robotics", "industry": "Robotics", "location": "Lyon"},
		{"slug": "acme-foods", "name": "Acme Foods", "industry": "Food Production", "location": "Zürich"},
		{"slug": "globex", "name": "Globex", "industry": "Robotics", "tagline": "Machines that help"},
	} {
		if r := site.api("POST", "/api/v1/organizations", token, o); r.Status != 201 {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
	}
	find := func(path string) orgsFoundJSON {
		t.Helper()
		r := site.api("GET", path, "", nil)
		if r.Status != 200 {
			t.Fatalf("%s: %d %s", path, r.Status, r.Body)
		}
		var out orgsFoundJSON
		r.JSON(t, &out)
		return out
	}
	for _, c := range []struct {
		path string
		want []string
	}{
		{"/api/v1/search/organizations?q=acme", []string{"acme-robotics", "acme-foods"}},
		{"/api/v1/search/organizations?q=robotics", []string{"acme-robotics", "globex"}},
		{"/api/v1/search/organizations?industry=robotics&location=lyon", []string{"acme-robotics"}},
		{"/api/v1/search/organizations?q=zurich", []string{"acme-foods"}},
		{"/api/v1/search/organizations?q=machines", []string{"globex"}},
		{"/api/v1/search/organizations?q=acme+fods", []string{"acme-foods"}}, // a typo
		{"/api/v1/typeahead/organizations?q=ac", []string{"acme-robotics", "acme-foods"}},
		{"/api/v1/typeahead/organizations?q=glo", []string{"globex"}},
		{"/api/v1/typeahead?q=glob", []string{"globex"}},
		{"/api/v1/typeahead/organizations?q=robotics", []string{"acme-robotics"}}, // by name: not Globex, of the industry
	} {
		got := find(c.path).slugs()
		if len(got) != len(c.want) {
			t.Errorf("%s: %v, want %v", c.path, got, c.want)
			continue
		}
		for _, w := range c.want {
			found := false
			for _, g := range got {
				found = found || g == w
			}
			if !found {
				t.Errorf("%s: %v, want %v", c.path, got, c.want)
			}
		}
	}
	if r := site.api("PATCH", "/api/v1/organizations/globex", token, map[string]any{"name": "Initech", "industry": "Software"}); r.Status != 200 {
		t.Fatalf("rename: %d %s", r.Status, r.Body)
	}
	var audit []struct{ Action string }
	site.api("GET", "/api/v1/organizations/globex/audit", token, nil).JSON(t, &audit)
	if len(audit) == 0 || audit[0].Action != "organization.updated" {
		t.Errorf("the audit log after the edit: %+v", audit)
	}
	if got := find("/api/v1/typeahead/organizations?q=glo").slugs(); len(got) != 0 {
		t.Errorf("the old name still suggests %v", got)
	}
	if got := find("/api/v1/search/organizations?q=initech").slugs(); len(got) != 1 || got[0] != "globex" {
		t.Errorf("the new name finds %v", got)
	}
	for _, bad := range []struct {
		path   string
		status int
	}{{"/api/v1/search/organizations", 422}, {"/api/v1/search/organizations?q=%2C%2C", 422}, {"/api/v1/search/organizations?q=a&sector=x", 400},
		{"/api/v1/search/organizations?q=a&cursor=zz", 422}} {
		if r := site.api("GET", bad.path, "", nil); r.Status != bad.status {
			t.Errorf("%s: %d, want %d", bad.path, r.Status, bad.status)
		}
	}
}

// TestOrganizationPatchKeepsOtherFields changes only the fields a PATCH
// names.
func TestOrganizationPatchKeepsOtherFields(t *testing.T) {
	site := newTestSite(t)
	token := quickMember(t, site, "founder")
	site.api("POST", "/api/v1/organizations", token, map[string]any{"slug": "acme", "name": "Acme", "tagline": "We make things", "industry": "Manufacturing", "location": "Lyon"})
	if r := site.api("PATCH", "/api/v1/organizations/acme", token, map[string]any{"location": "Grenoble"}); r.Status != 200 {
		t.Fatalf("patch: %d %s", r.Status, r.Body)
	}
	var o struct{ Name, Tagline, Industry, Location string }
	site.api("GET", "/api/v1/organizations/acme", "", nil).JSON(t, &o)
	if o.Name != "Acme" || o.Tagline != "We make things" || o.Industry != "Manufacturing" || o.Location != "Grenoble" {
		t.Errorf("after a PATCH of the location: %+v", o)
	}
	if r := site.api("PATCH", "/api/v1/organizations/acme", token, map[string]any{"name": ""}); r.Status != 422 {
		t.Errorf("emptying the name: %d %s", r.Status, r.Body)
	}
	if r := site.api("PATCH", "/api/v1/organizations/acme", token, map[string]any{"slug": "other"}); r.Status != 400 {
		t.Errorf("changing the address: %d %s", r.Status, r.Body)
	}
}
