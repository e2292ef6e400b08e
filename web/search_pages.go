package web

import (
	"net/http"
	"net/url"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/service"
)

// searchPage holds what the search results page shows below its form.
type searchPage struct {
	Degrees []struct{ Value, Label string }
	// Searched is false on a first visit with no parameters: there is a form
	// and nothing else.
	Searched bool
	Results  []service.Found
	Total    int
	Capped   bool   // Total is as far as paging goes; more members match
	Next     string // the address of the next page; empty on the last
	First    string // the address of the first page, when this is a later one
	// Organizations are the first organizations the words find, beside
	// the members, on the first page.
	Organizations []*rapport.Organization
}

// degreeChoices are the options of the degree filter, "any" first.
var degreeChoices = []struct{ Value, Label string }{
	{"", "Any"},
	{service.DegreeFirst, "1st"},
	{service.DegreeSecond, "2nd"},
	{service.DegreeThird, "3rd+"},
}

// searchPageFields are the parameters of a people search that the page's
// form shows; the cursor travels only in the links between pages.
var searchPageFields = []string{"q", "degree", "current_organization", "past_organization", "school", "location"}

// handleSearchPage shows a people search: the filters as a form, then one
// page of results with a link to the next. A visit with no parameters shows
// the form alone. Bad input shows the form again with the message beside the
// field at fault (an unknown parameter, or a bad cursor, above the form).
func (s *Server) handleSearchPage(w http.ResponseWriter, r *http.Request) error {
	query := r.URL.Query()
	data := s.newPage(r, "Search people")
	data.Search = &searchPage{Degrees: degreeChoices}
	for _, name := range searchPageFields {
		data.Values[name] = query.Get(name)
	}
	if len(query) == 0 {
		return s.render(w, http.StatusOK, "search", data)
	}
	q, err := memberQuery(query)
	var page *service.SearchPage
	if err == nil {
		page, err = s.svc.Search.Members(r.Context(), q)
	}
	if err != nil {
		return s.formError(w, r, "search", data, err)
	}
	sp := data.Search
	sp.Searched, sp.Results, sp.Total = true, page.Results, page.Total
	if q.Text != "" && q.Cursor == "" {
		// Text that finds members but is no search for organizations (a
		// filter alone, say) shows none: the members are the answer.
		if orgs, err := s.svc.Organizations.Search(r.Context(), q.Text, "", "", ""); err == nil {
			sp.Organizations = orgs.Results[:min(len(orgs.Results), organizationsBesideMembers)]
		}
	}
	sp.Capped = page.Total >= service.SearchMaxResults
	if page.Next != "" {
		sp.Next = pageLink("/search", searchPageFields, data.Values, page.Next)
	}
	if q.Cursor != "" {
		sp.First = pageLink("/search", searchPageFields, data.Values, "")
	}
	return s.render(w, http.StatusOK, "search", data)
}

// organizationsBesideMembers is how many organizations the people search
// page shows above the members.
const organizationsBesideMembers = 3

// pageLink is the address of a page, at path, of the search that values
// describe in fields, leaving out empty filters.
func pageLink(path string, fields []string, values map[string]string, cursor string) string {
	q := url.Values{}
	for _, name := range fields {
		if v := values[name]; v != "" {
			q.Set(name, v)
		}
	}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	return path + "?" + q.Encode()
}
