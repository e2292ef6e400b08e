package web

import (
	"net/http"
	"net/url"
	"slices"
	"sort"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/service"
)

type searchResponse struct {
	Results    []memberCardResponse `json:"results"`
	Total      int                  `json:"total"`
	NextCursor *string              `json:"next_cursor"`
}

type typeaheadResponse struct {
	Members       []memberCardResponse        `json:"members"`
	Organizations []organizationFoundResponse `json:"organizations"`
}

type schoolResponse struct {
	Name    string `json:"name"`
	Members int    `json:"members"`
}

type schoolsResponse struct {
	Schools []schoolResponse `json:"schools"`
}

// memberQueryParams are the parameters of a people search.
var memberQueryParams = []string{"q", "degree", "current_organization", "past_organization", "school", "location", "cursor"}

// checkParams answers 400 naming the first parameter a route does not take,
// so that a misspelt filter is not silently ignored.
func checkParams(q url.Values, known ...string) error {
	var names []string
	for name := range q {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !slices.Contains(known, name) {
			return &rapport.Error{Code: rapport.EBADREQUEST, Field: name, Message: "Unknown parameter " + name + "."}
		}
	}
	return nil
}

// memberQuery reads a people search from a query string.
func memberQuery(q url.Values) (service.MemberQuery, error) {
	if err := checkParams(q, memberQueryParams...); err != nil {
		return service.MemberQuery{}, err
	}
	return service.MemberQuery{Text: q.Get("q"), Degree: q.Get("degree"), CurrentOrganization: q.Get("current_organization"),
		PastOrganization: q.Get("past_organization"), School: q.Get("school"), Location: q.Get("location"),
		Cursor: q.Get("cursor")}, nil
}

// foundCards makes the cards of members a search found, placed as the
// search placed them.
func (s *Server) foundCards(found []service.Found) []memberCardResponse {
	c := cards{s: s, rel: make(map[int64]rapport.Relation, len(found))}
	out := make([]memberCardResponse, 0, len(found))
	for _, f := range found {
		c.rel[f.Member.ID] = f.Relation
		out = append(out, c.card(f.Member))
	}
	return out
}

func (s *Server) handleAPISearchMembers(w http.ResponseWriter, r *http.Request) error {
	q, err := memberQuery(r.URL.Query())
	if err != nil {
		return err
	}
	page, err := s.svc.Search.Members(r.Context(), q)
	if err != nil {
		return err
	}
	out := searchResponse{Results: s.foundCards(page.Results), Total: page.Total}
	if page.Next != "" {
		out.NextCursor = &page.Next
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) handleAPITypeahead(w http.ResponseWriter, r *http.Request) error {
	if err := checkParams(r.URL.Query(), "q"); err != nil {
		return err
	}
	found, err := s.svc.Search.Typeahead(r.Context(), r.URL.Query().Get("q"))
	if err != nil {
		return err
	}
	orgs, err := s.svc.Organizations.Typeahead(r.Context(), r.URL.Query().Get("q"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, typeaheadResponse{Members: s.foundCards(found), Organizations: s.foundOrganizations(orgs)})
	return nil
}

func (s *Server) handleAPISchools(w http.ResponseWriter, r *http.Request) error {
	if err := checkParams(r.URL.Query(), "q"); err != nil {
		return err
	}
	list, err := s.svc.Search.Schools(r.Context(), r.URL.Query().Get("q"))
	if err != nil {
		return err
	}
	out := schoolsResponse{Schools: []schoolResponse{}}
	for _, sc := range list {
		out.Schools = append(out.Schools, schoolResponse{Name: sc.Name, Members: sc.Members})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
