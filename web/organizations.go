package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/service"
)

type organizationRequest struct {
	Slug     string `json:"slug"`
	Name     string `json:"name"`
	Tagline  string `json:"tagline"`
	About    string `json:"about"`
	Website  string `json:"website"`
	Industry string `json:"industry"`
	Size     string `json:"size"`
	Location string `json:"location"`
}

func (o organizationRequest) organization() rapport.Organization {
	return rapport.Organization{Slug: o.Slug, Name: o.Name, Tagline: o.Tagline, About: o.About, Website: o.Website,
		Industry: o.Industry, Size: o.Size, Location: o.Location}
}

// organizationResponse is an organization page; roles and following are
// the caller's.
type organizationResponse struct {
	ID        int64     `json:"id"`
	Slug      string    `json:"slug"`
	Name      string    `json:"name"`
	Tagline   string    `json:"tagline"`
	About     string    `json:"about"`
	Website   string    `json:"website"`
	Industry  string    `json:"industry"`
	Size      string    `json:"size"`
	Location  string    `json:"location"`
	URL       string    `json:"url"`
	Followers int       `json:"followers"`
	Employees int       `json:"employees"`
	CreatedAt time.Time `json:"created_at"`
	Roles     []string  `json:"roles"`
	Following bool      `json:"following"`
}

// organizationCard is an organization in a list or on a seat.
type organizationCard struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
	URL  string `json:"url"`
}

func (s *Server) orgURL(slug string) string { return s.cfg.BaseURL + "/org/" + slug }

func (s *Server) newOrganizationResponse(o *rapport.Organization, roles []string, following bool) organizationResponse {
	if roles == nil {
		roles = []string{}
	}
	return organizationResponse{ID: o.ID, Slug: o.Slug, Name: o.Name, Tagline: o.Tagline, About: o.About, Website: o.Website,
		Industry: o.Industry, Size: o.Size, Location: o.Location, URL: s.orgURL(o.Slug), Followers: o.Followers,
		Employees: o.Employees, CreatedAt: o.CreatedAt, Roles: roles, Following: following}
}

func (s *Server) orgCard(o *rapport.Organization) *organizationCard {
	if o == nil {
		return nil
	}
	return &organizationCard{Slug: o.Slug, Name: o.Name, URL: s.orgURL(o.Slug)}
}

type adminResponse struct {
	Member    memberCardResponse `json:"member"`
	Role      string             `json:"role"`
	GrantedAt time.Time          `json:"granted_at"`
}

type seatResponse struct {
	ID           int64               `json:"id"`
	Product      string              `json:"product"`
	Organization *organizationCard   `json:"organization"`
	Status       string              `json:"status"` // free, offered or active
	Holder       *memberCardResponse `json:"holder"`
	AssignedAt   *time.Time          `json:"assigned_at"`
}

func (s *Server) newSeatResponse(c cards, seat *rapport.Seat) seatResponse {
	out := seatResponse{ID: seat.ID, Product: seat.Product, Organization: s.orgCard(seat.Organization), Status: "free"}
	if seat.Status != "" {
		out.Status = seat.Status // the seat a request acts from: the caller's
	}
	if seat.Organization != nil && seat.Organization.Slug == "" {
		out.Organization = nil
	}
	if seat.Holder != nil {
		out.Holder, out.Status, out.AssignedAt = c.cardOf(seat.Holder), seat.Status, &seat.AssignedAt
	}
	return out
}

// auditResponse is an audit entry; actor is null for the site operator.
type auditResponse struct {
	ID           int64               `json:"id"`
	At           time.Time           `json:"at"`
	Action       string              `json:"action"`
	Detail       string              `json:"detail"`
	Actor        *memberCardResponse `json:"actor"`
	Organization *organizationCard   `json:"organization"`
	Target       *memberCardResponse `json:"target"`
}

type roleRequest struct {
	Handle string `json:"handle"`
	Role   string `json:"role"`
}

type myOrganizationsResponse struct {
	Following []organizationCard `json:"following"`
	Admin     []adminOfResponse  `json:"admin"`
}

type adminOfResponse struct {
	Organization organizationCard `json:"organization"`
	Roles        []string         `json:"roles"`
}

func (s *Server) handleAPIOrganizationCreate(w http.ResponseWriter, r *http.Request) error {
	var req organizationRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	o, err := s.svc.Organizations.Create(r.Context(), req.organization())
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/organizations/"+o.Slug)
	writeJSON(w, http.StatusCreated, s.newOrganizationResponse(o, []string{rapport.RoleSuper}, false))
	return nil
}

func (s *Server) handleAPIOrganization(w http.ResponseWriter, r *http.Request) error {
	v, err := s.svc.Organizations.Get(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.newOrganizationResponse(v.Organization, v.Roles, v.Following))
	return nil
}

// organizationUpdateRequest changes the fields it names and leaves the
// others as they are; the address (slug) never changes.
type organizationUpdateRequest struct {
	Name     *string `json:"name"`
	Tagline  *string `json:"tagline"`
	About    *string `json:"about"`
	Website  *string `json:"website"`
	Industry *string `json:"industry"`
	Size     *string `json:"size"`
	Location *string `json:"location"`
}

func (s *Server) handleAPIOrganizationUpdate(w http.ResponseWriter, r *http.Request) error {
	var req organizationUpdateRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	v, err := s.svc.Organizations.Get(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	o := *v.Organization
	for _, f := range []struct {
		from *string
		to   *string
	}{{req.Name, &o.Name}, {req.Tagline, &o.Tagline}, {req.About, &o.About}, {req.Website, &o.Website},
		{req.Industry, &o.Industry}, {req.Size, &o.Size}, {req.Location, &o.Location}} {
		if f.from != nil {
			*f.to = *f.from
		}
	}
	if _, err := s.svc.Organizations.Update(r.Context(), r.PathValue("slug"), o); err != nil {
		return err
	}
	return s.handleAPIOrganization(w, r)
}

func (s *Server) handleAPIOrganizationFollowers(w http.ResponseWriter, r *http.Request) error {
	return s.orgPeople(w, r, false)
}

func (s *Server) handleAPIOrganizationEmployees(w http.ResponseWriter, r *http.Request) error {
	return s.orgPeople(w, r, true)
}

func (s *Server) orgPeople(w http.ResponseWriter, r *http.Request, employees bool) error {
	list, err := s.svc.Organizations.People(r.Context(), r.PathValue("slug"), employees)
	return s.writeCards(w, r, list, err)
}

func (s *Server) handleAPIOrganizationFollow(w http.ResponseWriter, r *http.Request) error {
	return s.noContentSlug(w, r, s.svc.Organizations.Follow)
}

func (s *Server) handleAPIOrganizationUnfollow(w http.ResponseWriter, r *http.Request) error {
	return s.noContentSlug(w, r, s.svc.Organizations.Unfollow)
}

func (s *Server) noContentSlug(w http.ResponseWriter, r *http.Request, action func(ctx context.Context, slug string) error) error {
	if err := action(r.Context(), r.PathValue("slug")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) handleAPIOrganizationAdmins(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.Organizations.Admins(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	members := make([]*rapport.Member, len(list))
	for i, a := range list {
		members[i] = a.Member
	}
	c := s.cardsFor(r, members...)
	out := []adminResponse{}
	for _, a := range list {
		out = append(out, adminResponse{Member: c.card(a.Member), Role: a.Role, GrantedAt: a.GrantedAt})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) handleAPIAdminGrant(w http.ResponseWriter, r *http.Request) error {
	var req roleRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if err := s.svc.Organizations.GrantRole(r.Context(), r.PathValue("slug"), req.Handle, req.Role); err != nil {
		return err
	}
	return s.handleAPIOrganizationAdmins(w, r)
}

func (s *Server) handleAPIAdminRevoke(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.Organizations.RevokeRole(r.Context(), r.PathValue("slug"), r.PathValue("handle"), r.PathValue("role")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) handleAPIOrganizationAudit(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.Organizations.Audit(r.Context(), r.PathValue("slug"))
	return s.writeAudit(w, r, list, err)
}

func (s *Server) handleAPIMyAudit(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.Organizations.MyAudit(r.Context())
	return s.writeAudit(w, r, list, err)
}

func (s *Server) writeAudit(w http.ResponseWriter, r *http.Request, list []*rapport.AuditEntry, err error) error {
	if err != nil {
		return err
	}
	var members []*rapport.Member
	for _, e := range list {
		members = append(members, e.Actor, e.Target)
	}
	c := s.cardsFor(r, members...)
	out := []auditResponse{}
	for _, e := range list {
		out = append(out, auditResponse{ID: e.ID, At: e.At, Action: e.Action, Detail: e.Detail, Organization: s.orgCard(e.Organization),
			Actor: c.cardOf(e.Actor), Target: c.cardOf(e.Target)})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) handleAPIMyOrganizations(w http.ResponseWriter, r *http.Request) error {
	following, admin, err := s.svc.Organizations.Mine(r.Context())
	if err != nil {
		return err
	}
	out := myOrganizationsResponse{Following: []organizationCard{}, Admin: []adminOfResponse{}}
	for _, o := range following {
		out.Following = append(out.Following, *s.orgCard(o))
	}
	for _, v := range admin {
		out.Admin = append(out.Admin, adminOfResponse{Organization: *s.orgCard(v.Organization), Roles: v.Roles})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// Seats.

func (s *Server) handleAPISeats(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.Seats.List(r.Context(), r.PathValue("slug"))
	return s.writeSeats(w, r, list, err)
}

func (s *Server) handleAPIMySeats(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.Seats.Mine(r.Context())
	return s.writeSeats(w, r, list, err)
}

func (s *Server) writeSeats(w http.ResponseWriter, r *http.Request, list []*rapport.Seat, err error) error {
	if err != nil {
		return err
	}
	var holders []*rapport.Member
	for _, seat := range list {
		holders = append(holders, seat.Holder)
	}
	c := s.cardsFor(r, holders...)
	out := []seatResponse{}
	for _, seat := range list {
		out = append(out, s.newSeatResponse(c, seat))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) handleAPISeatAssign(w http.ResponseWriter, r *http.Request) error {
	return s.seatToMember(w, r, s.svc.Seats.Assign)
}

func (s *Server) handleAPISeatReassign(w http.ResponseWriter, r *http.Request) error {
	return s.seatToMember(w, r, s.svc.Seats.Reassign)
}

func (s *Server) seatToMember(w http.ResponseWriter, r *http.Request, action func(ctx context.Context, slug string, seatID int64, handle string) error) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var req handleRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if err := action(r.Context(), r.PathValue("slug"), id, req.Handle); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) handleAPISeatRevoke(w http.ResponseWriter, r *http.Request) error {
	return s.noContent(w, r, func(ctx context.Context, id int64) error { return s.svc.Seats.Revoke(ctx, r.PathValue("slug"), id) })
}

func (s *Server) handleAPISeatAccept(w http.ResponseWriter, r *http.Request) error {
	return s.noContent(w, r, func(ctx context.Context, id int64) error { return s.svc.Seats.Answer(ctx, id, true) })
}

func (s *Server) handleAPISeatDecline(w http.ResponseWriter, r *http.Request) error {
	return s.noContent(w, r, func(ctx context.Context, id int64) error { return s.svc.Seats.Answer(ctx, id, false) })
}

func (s *Server) handleAPISeatLeave(w http.ResponseWriter, r *http.Request) error {
	return s.noContent(w, r, s.svc.Seats.Leave)
}

// Open to work.

type openToWorkRequest struct {
	Titles     []string `json:"titles"`
	Locations  []string `json:"locations"`
	Workplaces []string `json:"workplaces"`
	JobTypes   []string `json:"job_types"`
	Visibility string   `json:"visibility"`
}

type openToWorkResponse struct {
	Titles     []string  `json:"titles"`
	Locations  []string  `json:"locations"`
	Workplaces []string  `json:"workplaces"`
	JobTypes   []string  `json:"job_types"`
	Visibility string    `json:"visibility"`
	UpdatedAt  time.Time `json:"updated_at"`
}

func newOpenToWorkResponse(o *rapport.OpenToWork) *openToWorkResponse {
	if o == nil {
		return nil
	}
	return &openToWorkResponse{Titles: o.Titles, Locations: o.Locations, Workplaces: o.Workplaces, JobTypes: o.JobTypes,
		Visibility: o.Visibility, UpdatedAt: o.UpdatedAt}
}

type myOpenToWorkResponse struct {
	OpenToWork *openToWorkResponse `json:"open_to_work"`
}

func (s *Server) handleAPIOpenToWork(w http.ResponseWriter, r *http.Request) error {
	o, err := s.svc.Profiles.OpenToWork(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, myOpenToWorkResponse{OpenToWork: newOpenToWorkResponse(o)})
	return nil
}

func (s *Server) handleAPIOpenToWorkPut(w http.ResponseWriter, r *http.Request) error {
	var req openToWorkRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	o, err := s.svc.Profiles.SetOpenToWork(r.Context(), rapport.OpenToWork{Titles: req.Titles, Locations: req.Locations,
		Workplaces: req.Workplaces, JobTypes: req.JobTypes, Visibility: req.Visibility})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, myOpenToWorkResponse{OpenToWork: newOpenToWorkResponse(o)})
	return nil
}

func (s *Server) handleAPIOpenToWorkDelete(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.Profiles.StopOpenToWork(r.Context()); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// The recruiter: requests made from a seat.

// seatHeader names the seat an API request acts from; seatCookie holds
// the seat a browser switched into.
const (
	seatHeader = "Rapport-Seat"
	seatCookie = "rapport_seat"
)

type candidateResponse struct {
	memberCardResponse
	Location   string              `json:"location"`
	OpenToWork *openToWorkResponse `json:"open_to_work"`
}

type recruiterSearchResponse struct {
	Seat       seatResponse        `json:"seat"`
	Results    []candidateResponse `json:"results"`
	Total      int                 `json:"total"`
	NextCursor *string             `json:"next_cursor"`
}

type candidateProfileResponse struct {
	memberResponse
	OpenToWork *openToWorkResponse `json:"open_to_work"`
}

// recruiterQueryParams are the parameters of a recruiter search.
var recruiterQueryParams = []string{"q", "current_organization", "location", "open_to_work", "cursor"}

func recruiterQuery(q map[string][]string) (service.RecruiterQuery, error) {
	if err := checkParams(q, recruiterQueryParams...); err != nil {
		return service.RecruiterQuery{}, err
	}
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	out := service.RecruiterQuery{Text: get("q"), CurrentOrganization: get("current_organization"), Location: get("location"), Cursor: get("cursor")}
	if v := get("open_to_work"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return out, &rapport.Error{Code: rapport.EINVALID, Field: "open_to_work", Message: "open_to_work is true or false."}
		}
		out.OpenToWork = b
	}
	return out, nil
}

func (s *Server) handleAPIRecruiterSearch(w http.ResponseWriter, r *http.Request) error {
	q, err := recruiterQuery(r.URL.Query())
	if err != nil {
		return err
	}
	page, err := s.svc.Recruiter.Search(r.Context(), q)
	if err != nil {
		return err
	}
	out := recruiterSearchResponse{Seat: s.newSeatResponse(cards{}, page.Seat), Results: []candidateResponse{}, Total: page.Total}
	c := cards{s: s}
	for _, cand := range page.Results {
		out.Results = append(out.Results, candidateResponse{memberCardResponse: c.card(cand.Member), Location: cand.Member.Profile.Location,
			OpenToWork: newOpenToWorkResponse(cand.OpenToWork)})
	}
	if page.Next != "" {
		out.NextCursor = &page.Next
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) handleAPIRecruiterMember(w http.ResponseWriter, r *http.Request) error {
	cand, _, err := s.svc.Recruiter.Candidate(r.Context(), r.PathValue("handle"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, candidateProfileResponse{memberResponse: s.newMemberResponse(cand.Member),
		OpenToWork: newOpenToWorkResponse(cand.OpenToWork)})
	return nil
}

// Organization search.

// organizationFoundResponse is an organization a search found.
type organizationFoundResponse struct {
	organizationCard
	Tagline  string `json:"tagline"`
	Industry string `json:"industry"`
	Location string `json:"location"`
}

type organizationSearchResponse struct {
	Results    []organizationFoundResponse `json:"results"`
	Total      int                         `json:"total"`
	NextCursor *string                     `json:"next_cursor"`
}

type organizationTypeaheadResponse struct {
	Organizations []organizationFoundResponse `json:"organizations"`
}

func (s *Server) foundOrganizations(list []*rapport.Organization) []organizationFoundResponse {
	out := make([]organizationFoundResponse, 0, len(list))
	for _, o := range list {
		out = append(out, organizationFoundResponse{organizationCard: *s.orgCard(o), Tagline: o.Tagline, Industry: o.Industry, Location: o.Location})
	}
	return out
}

func (s *Server) handleAPISearchOrganizations(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := checkParams(q, "q", "industry", "location", "cursor"); err != nil {
		return err
	}
	page, err := s.svc.Organizations.Search(r.Context(), q.Get("q"), q.Get("industry"), q.Get("location"), q.Get("cursor"))
	if err != nil {
		return err
	}
	out := organizationSearchResponse{Results: s.foundOrganizations(page.Results), Total: page.Total}
	if page.Next != "" {
		out.NextCursor = &page.Next
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) handleAPITypeaheadOrganizations(w http.ResponseWriter, r *http.Request) error {
	if err := checkParams(r.URL.Query(), "q"); err != nil {
		return err
	}
	list, err := s.svc.Organizations.Typeahead(r.Context(), r.URL.Query().Get("q"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, organizationTypeaheadResponse{Organizations: s.foundOrganizations(list)})
	return nil
}
