package web

// This file holds the HTML pages of organizations, seats and the
// recruiter, and the open-to-work form: the page side of
// service/organizations.go, service/seats.go and service/recruiter.go. As
// on the JSON API, every rule is the service's; these handlers only show
// the forms a caller's roles allow.

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/service"
)

// orgPage holds what an organization's page, its admin page and the form
// that creates one show.
type orgPage struct {
	View      *service.OrganizationView // nil on the form that creates one
	Employees []*rapport.Member
	Followers []*rapport.Member
	// The sections of the admin page, each filled only when the caller's
	// roles show it.
	Admins []adminRow
	Seats  []*rapport.Seat
	Audit  []auditRow

	Sizes   []string
	Roles   []choice
	MyRoles []string // the caller's roles, as the admin page names them
}

// choice is an option of a select or a group of checkboxes.
type choice struct{ Value, Label string }

// roleChoices are the admin roles as the admin page names them.
var roleChoices = []choice{
	{rapport.RoleSuper, "Super admin (everything, and the admins)"},
	{rapport.RoleContent, "Content admin (the page)"},
	{rapport.RoleSeats, "Seat admin (the seats)"},
}

func roleLabel(role string) string {
	for _, c := range roleChoices {
		if c.Value == role {
			label, _, _ := strings.Cut(c.Label, " (")
			return label
		}
	}
	return role
}

// adminRow is one role of one admin on the admin page.
type adminRow struct {
	*rapport.OrgAdmin
	Label string
	// Revocable is true when the caller may take the role: super admins
	// from anyone, any admin from themselves.
	Revocable bool
}

// auditRow is an audit entry as the pages say it.
type auditRow struct {
	*rapport.AuditEntry
	What string
}

// auditWords say what each audited action was.
var auditWords = map[string]string{
	rapport.AuditOrgCreated:     "Created the page",
	rapport.AuditAdminGranted:   "Granted an admin role",
	rapport.AuditAdminRevoked:   "Revoked an admin role",
	rapport.AuditSeatsGranted:   "Granted seats",
	rapport.AuditSeatAssigned:   "Offered a seat",
	rapport.AuditSeatRevoked:    "Revoked a seat",
	rapport.AuditSeatAccepted:   "Accepted a seat",
	rapport.AuditSeatDeclined:   "Declined a seat",
	rapport.AuditSeatReturned:   "Gave a seat back",
	rapport.AuditSeatReassigned: "Reassigned a seat",
}

func auditRows(list []*rapport.AuditEntry) []auditRow {
	out := make([]auditRow, 0, len(list))
	for _, e := range list {
		what, ok := auditWords[e.Action]
		if !ok {
			what = e.Action
		}
		out = append(out, auditRow{AuditEntry: e, What: what})
	}
	return out
}

// orgFields are the inputs of the form that describes an organization.
var orgFields = []string{"slug", "name", "tagline", "about", "website", "industry", "size", "location"}

func formOrganization(r *http.Request) (map[string]string, rapport.Organization) {
	v := formValues(r, orgFields...)
	return v, rapport.Organization{Slug: v["slug"], Name: v["name"], Tagline: v["tagline"], About: v["about"],
		Website: v["website"], Industry: v["industry"], Size: v["size"], Location: v["location"]}
}

func (s *Server) handleOrganizationNewPage(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "Create an organization page")
	data.Org = &orgPage{Sizes: rapport.OrganizationSizes}
	return s.render(w, http.StatusOK, "org_new", data)
}

// handleOrganizationCreate makes a page with the caller as its super
// admin. Bad input shows the form again, with the message beside the
// field at fault.
func (s *Server) handleOrganizationCreate(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "Create an organization page")
	data.Org = &orgPage{Sizes: rapport.OrganizationSizes}
	var o rapport.Organization
	data.Values, o = formOrganization(r)
	created, err := s.svc.Organizations.Create(r.Context(), o)
	if err != nil {
		return s.formError(w, r, "org_new", data, err)
	}
	return redirect(w, r, "/org/"+created.Slug, "orgcreated")
}

func (s *Server) handleOrganizationPage(w http.ResponseWriter, r *http.Request) error {
	return s.organizationPage(w, r, s.newPage(r, ""), nil)
}

// organizationPage renders an organization's page, with the errors of its
// post form (formErr).
func (s *Server) organizationPage(w http.ResponseWriter, r *http.Request, data *pageData, formErr error) error {
	ctx, slug := r.Context(), r.PathValue("slug")
	v, err := s.svc.Organizations.Get(ctx, slug)
	if err != nil {
		return err
	}
	p := &orgPage{View: v}
	if p.Employees, err = s.svc.Organizations.People(ctx, v.Slug, true); err != nil {
		return err
	}
	if p.Followers, err = s.svc.Organizations.People(ctx, v.Slug, false); err != nil {
		return err
	}
	if data.Posts, err = s.organizationPosts(r, v); err != nil {
		return err
	}
	data.Title, data.Org = v.Name, p
	if formErr != nil {
		return s.formError(w, r, "org", data, formErr)
	}
	return s.render(w, http.StatusOK, "org", data)
}

func (s *Server) handleOrganizationFollowForm(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.Organizations.Follow(r.Context(), r.PathValue("slug")); err != nil {
		return err
	}
	return redirect(w, r, "/org/"+rapport.NormalizeSlug(r.PathValue("slug")), "following")
}

func (s *Server) handleOrganizationUnfollowForm(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.Organizations.Unfollow(r.Context(), r.PathValue("slug")); err != nil {
		return err
	}
	return redirect(w, r, "/org/"+rapport.NormalizeSlug(r.PathValue("slug")), "unfollowed")
}

// adminPage renders an organization's admin page, with the errors of one
// of its forms (data.Form: "edit", "admins", or "seat:" and the seat's
// id). The service answers EFORBIDDEN to a caller with no admin role.
func (s *Server) adminPage(w http.ResponseWriter, r *http.Request, data *pageData, err error) error {
	ctx := r.Context()
	v, getErr := s.svc.Organizations.Get(ctx, r.PathValue("slug"))
	if getErr != nil {
		return getErr
	}
	admins, getErr := s.svc.Organizations.Admins(ctx, v.Slug)
	if getErr != nil {
		return getErr
	}
	p := &orgPage{View: v, Sizes: rapport.OrganizationSizes, Roles: roleChoices}
	for _, role := range v.Roles {
		p.MyRoles = append(p.MyRoles, roleLabel(role))
	}
	caller := data.Caller
	for _, a := range admins {
		p.Admins = append(p.Admins, adminRow{OrgAdmin: a, Label: roleLabel(a.Role),
			Revocable: v.May("manage admins") || a.Member.ID == caller.MemberID})
	}
	if v.May("manage seats") {
		if p.Seats, getErr = s.svc.Seats.List(ctx, v.Slug); getErr != nil {
			return getErr
		}
	}
	if v.May("read the audit log") {
		list, auditErr := s.svc.Organizations.Audit(ctx, v.Slug)
		if auditErr != nil {
			return auditErr
		}
		p.Audit = auditRows(list)
	}
	// The edit form shows the page as it is, unless it is the form that
	// was refused.
	if data.Form != "edit" {
		o := v.Organization
		for k, val := range map[string]string{"name": o.Name, "tagline": o.Tagline, "about": o.About, "website": o.Website,
			"industry": o.Industry, "size": o.Size, "location": o.Location} {
			data.Values[k] = val
		}
	}
	data.Title, data.Org = "Manage "+v.Name, p
	if err != nil {
		if !p.shows(data.Form) || rapport.ErrorCode(err) == rapport.EFORBIDDEN {
			return err // said on the error page: the form is not on this one
		}
		return s.formError(w, r, "org_admin", data, err)
	}
	return s.render(w, http.StatusOK, "org_admin", data)
}

// shows reports whether the admin page shows a form, by the name adminPage
// knows it.
func (p *orgPage) shows(form string) bool {
	switch {
	case form == "edit":
		return p.View.May("edit the page")
	case form == "admins":
		return true
	case strings.HasPrefix(form, "seat:"):
		for _, seat := range p.Seats {
			if "seat:"+strconv.FormatInt(seat.ID, 10) == form {
				return true
			}
		}
	}
	return false
}

func (s *Server) handleOrganizationAdminPage(w http.ResponseWriter, r *http.Request) error {
	return s.adminPage(w, r, s.newPage(r, "Manage"), nil)
}

// adminPath is where an admin form goes back to.
func adminPath(r *http.Request) string {
	return "/org/" + rapport.NormalizeSlug(r.PathValue("slug")) + "/admin"
}

func (s *Server) handleOrganizationEditForm(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "Manage")
	data.Form = "edit"
	var o rapport.Organization
	data.Values, o = formOrganization(r)
	delete(data.Values, "slug") // a page keeps its address
	if _, err := s.svc.Organizations.Update(r.Context(), r.PathValue("slug"), o); err != nil {
		return s.adminPage(w, r, data, err)
	}
	return redirect(w, r, adminPath(r), "saved")
}

// onHandle puts an error the service gives without a field, such as a
// member not found, beside the handle field of the form that was sent.
func onHandle(err error) error {
	if rapport.ErrorField(err) == "" && rapport.ErrorCode(err) == rapport.ENOTFOUND {
		return &rapport.Error{Code: rapport.ENOTFOUND, Field: "handle", Message: rapport.ErrorMessage(err)}
	}
	return err
}

func (s *Server) handleAdminGrantForm(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "Manage")
	data.Form = "admins"
	data.Values = formValues(r, "handle", "role")
	if err := s.svc.Organizations.GrantRole(r.Context(), r.PathValue("slug"), data.Values["handle"], data.Values["role"]); err != nil {
		return s.adminPage(w, r, data, onHandle(err))
	}
	return redirect(w, r, adminPath(r), "granted")
}

func (s *Server) handleAdminRevokeForm(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "Manage")
	data.Form = "admins"
	handle := r.PathValue("handle")
	if err := s.svc.Organizations.RevokeRole(r.Context(), r.PathValue("slug"), handle, r.PathValue("role")); err != nil {
		// Such as the last super admin stepping down: said above the list.
		return s.adminPage(w, r, data, err)
	}
	if rapport.NormalizeHandle(handle) == data.Caller.Handle {
		// The caller may have stepped down from their last role, and the
		// admin page would refuse them.
		return redirect(w, r, "/org/"+rapport.NormalizeSlug(r.PathValue("slug")), "stepped")
	}
	return redirect(w, r, adminPath(r), "rolerevoked")
}

// seatForm runs one of the seat forms of the admin page.
func (s *Server) seatForm(w http.ResponseWriter, r *http.Request, notice string, action func(ctx context.Context, slug string, seatID int64, handle string) error) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	data := s.newPage(r, "Manage")
	data.Form = "seat:" + strconv.FormatInt(id, 10)
	data.Values = formValues(r, "handle")
	if err := action(r.Context(), r.PathValue("slug"), id, data.Values["handle"]); err != nil {
		return s.adminPage(w, r, data, onHandle(err))
	}
	return redirect(w, r, adminPath(r), notice)
}

func (s *Server) handleSeatAssignForm(w http.ResponseWriter, r *http.Request) error {
	return s.seatForm(w, r, "assigned", s.svc.Seats.Assign)
}

func (s *Server) handleSeatReassignForm(w http.ResponseWriter, r *http.Request) error {
	return s.seatForm(w, r, "reassigned", s.svc.Seats.Reassign)
}

func (s *Server) handleSeatRevokeForm(w http.ResponseWriter, r *http.Request) error {
	return s.seatForm(w, r, "seatrevoked", func(ctx context.Context, slug string, seatID int64, _ string) error {
		return s.svc.Seats.Revoke(ctx, slug, seatID)
	})
}

// Seats as their holders see them.

// seatsPage holds what "My seats" shows.
type seatsPage struct {
	Offered []*rapport.Seat
	Held    []*rapport.Seat
	Current int64 // the seat switched into, 0 for the personal account
	Audit   []auditRow
}

func (s *Server) handleSeatsPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	seats, err := s.svc.Seats.Mine(ctx)
	if err != nil {
		return err
	}
	p := &seatsPage{Current: seatInCookie(r)}
	for _, seat := range seats {
		if seat.Status == rapport.SeatActive {
			p.Held = append(p.Held, seat)
		} else {
			p.Offered = append(p.Offered, seat)
		}
	}
	audit, err := s.svc.Organizations.MyAudit(ctx)
	if err != nil {
		return err
	}
	p.Audit = auditRows(audit)
	data := s.newPage(r, "My seats")
	data.MySeats = p
	return s.render(w, http.StatusOK, "seats", data)
}

func (s *Server) handleSeatAcceptForm(w http.ResponseWriter, r *http.Request) error {
	return s.mySeatForm(w, r, "accepted", func(ctx context.Context, id int64) error { return s.svc.Seats.Answer(ctx, id, true) })
}

func (s *Server) handleSeatDeclineForm(w http.ResponseWriter, r *http.Request) error {
	return s.mySeatForm(w, r, "declined", func(ctx context.Context, id int64) error { return s.svc.Seats.Answer(ctx, id, false) })
}

// handleSeatLeaveForm gives a seat back; a browser acting from it goes back
// to the personal account.
func (s *Server) handleSeatLeaveForm(w http.ResponseWriter, r *http.Request) error {
	return s.mySeatForm(w, r, "left", func(ctx context.Context, id int64) error {
		if err := s.svc.Seats.Leave(ctx, id); err != nil {
			return err
		}
		if seatInCookie(r) == id {
			s.clearSeatCookie(w)
		}
		return nil
	})
}

func (s *Server) mySeatForm(w http.ResponseWriter, r *http.Request, notice string, action func(ctx context.Context, id int64) error) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := action(r.Context(), id); err != nil {
		return err
	}
	return redirect(w, r, "/seats", notice)
}

// handleSeatSwitch switches the browser into a seat the caller holds. The
// check here is for a clear answer now; the seat is checked again at every
// request made from it.
func (s *Server) handleSeatSwitch(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := s.svc.Seats.Enter(r.Context(), id); err != nil {
		return s.seatRefused(w, r, err)
	}
	http.SetCookie(w, &http.Cookie{Name: seatCookie, Value: strconv.FormatInt(id, 10), Path: "/",
		HttpOnly: true, Secure: s.secure(), SameSite: http.SameSiteLaxMode})
	return redirect(w, r, "/recruiter", "")
}

// handleSeatPersonal switches the browser back to the personal account.
func (s *Server) handleSeatPersonal(w http.ResponseWriter, r *http.Request) error {
	s.clearSeatCookie(w)
	return redirect(w, r, "/", "personal")
}

func (s *Server) clearSeatCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: seatCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secure(), SameSite: http.SameSiteLaxMode})
}

// seatInCookie returns the seat the browser switched into, 0 for none.
func seatInCookie(r *http.Request) int64 {
	c, err := r.Cookie(seatCookie)
	if err != nil {
		return 0
	}
	id, err := strconv.ParseInt(c.Value, 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}

// seatRefused answers a request the service refused to serve from a seat,
// such as one from a seat the organization revoked: a page with the
// service's reason, and the browser back in the personal account.
func (s *Server) seatRefused(w http.ResponseWriter, r *http.Request, err error) error {
	if rapport.ErrorCode(err) != rapport.EFORBIDDEN {
		return err
	}
	s.clearSeatCookie(w)
	data := s.newPage(r, "Recruiter")
	data.Status, data.Message = http.StatusForbidden, rapport.ErrorMessage(err)
	return s.render(w, http.StatusForbidden, "seat_refused", data)
}

// seatSwitcher is the header's choice between the personal account and
// the seats a member holds.
type seatSwitcher struct {
	Personal bool // the browser acts for the personal account
	Seats    []switcherSeat
	Offered  int // seats offered to the member, waiting for an answer
}

type switcherSeat struct {
	ID      int64
	Label   string
	Current bool
}

// productLabels name the products of seats.
var productLabels = map[string]string{rapport.ProductRecruiter: "Recruiter"}

func productLabel(product string) string {
	if l, ok := productLabels[product]; ok {
		return l
	}
	return product
}

// findSwitcher fills the header's seat switcher of a page about to be
// rendered, for a signed-in member who holds or is offered seats: one call for
// the seats, made only when a page is shown. The header is not worth
// failing a page for, so an error is logged and the switcher left out.
func (s *Server) findSwitcher(data *pageData) {
	if data.req == nil || data.Switcher != nil || data.Caller.Anonymous() {
		return
	}
	seats, err := s.svc.Seats.Mine(data.req.Context())
	if err != nil {
		s.log.Error("seat switcher", "err", err)
		return
	}
	current := seatInCookie(data.req)
	sw := &seatSwitcher{Personal: true}
	for _, seat := range seats {
		if seat.Status != rapport.SeatActive {
			sw.Offered++
			continue
		}
		item := switcherSeat{ID: seat.ID, Label: productLabel(seat.Product), Current: seat.ID == current}
		if seat.Organization != nil {
			item.Label += " · " + seat.Organization.Name
		}
		if item.Current {
			sw.Personal = false
		}
		sw.Seats = append(sw.Seats, item)
	}
	if len(sw.Seats) > 0 || sw.Offered > 0 {
		data.Switcher = sw
	}
}

// The recruiter: pages acting from a seat.

// recruiterPage holds what the recruiter's pages show.
type recruiterPage struct {
	Seat    *rapport.Seat
	Product string
	// Section is the part of the recruiter the page belongs to, for the
	// banner's navigation: search, projects or inmail.
	Section  string
	Searched bool
	Results  []service.Candidate
	Total    int
	Capped   bool // Total is as far as paging goes; more members match
	Next     string
	First    string
	Saved    []savedSearchRow
	// Candidate is the member on the candidate page, with the seat's notes
	// on them.
	Candidate *service.Candidate
	Notes     []*rapport.CandidateNote
	// Projects are the seat's projects; Project is the one on its page.
	Projects []*rapport.Project
	Project  *rapport.Project
	Stages   []string
	// Threads are the seat's InMail threads; Thread is the one on its page.
	Threads []*rapport.InMailThread
	Thread  *rapport.InMailThread
	Credits int // InMail credits left this month
}

// newRecruiterPage starts what a recruiter page shows from seat.
func newRecruiterPage(seat *rapport.Seat, section string) *recruiterPage {
	return &recruiterPage{Seat: seat, Product: productLabel(seat.Product), Section: section, Stages: rapport.Stages}
}

// recruiterPageFields are the parameters the recruiter's search form shows.
var recruiterPageFields = []string{"q", "current_organization", "location", "open_to_work"}

// handleRecruiterPage shows the recruiter's search from the seat switched
// into: the form alone on a first visit, then one page of results; and the
// seat's saved searches.
func (s *Server) handleRecruiterPage(w http.ResponseWriter, r *http.Request) error {
	query := r.URL.Query()
	query.Del("notice") // said by the page, not part of the search
	return s.recruiterSearchPage(w, r, s.newPage(r, "Recruiter"), query, nil)
}

// recruiterSearchPage renders the recruiter's search for query, with the
// error of the "Save this search" form when it was refused.
func (s *Server) recruiterSearchPage(w http.ResponseWriter, r *http.Request, data *pageData, query url.Values, saveErr error) error {
	ctx := r.Context()
	for _, name := range recruiterPageFields {
		data.Values[name] = query.Get(name)
	}
	var p *recruiterPage
	var searchErr error
	if len(query) > 0 {
		var q service.RecruiterQuery
		var page *service.CandidatePage
		q, searchErr = recruiterQuery(query)
		if searchErr == nil {
			page, searchErr = s.svc.Recruiter.Search(ctx, q)
		}
		if searchErr == nil {
			p = newRecruiterPage(page.Seat, "search")
			p.Searched, p.Results, p.Total = true, page.Results, page.Total
			p.Capped = page.Total >= service.SearchMaxResults
			if page.Next != "" {
				p.Next = pageLink("/recruiter", recruiterPageFields, data.Values, page.Next)
			}
			if q.Cursor != "" {
				p.First = pageLink("/recruiter", recruiterPageFields, data.Values, "")
			}
		} else if rapport.ErrorCode(searchErr) == rapport.EFORBIDDEN {
			return s.seatRefused(w, r, searchErr)
		}
	}
	if p == nil {
		// The banner needs the seat, which a first visit or a refused query
		// did not reach.
		seat, err := s.svc.Seats.Enter(ctx, data.Caller.SeatID)
		if err != nil {
			return s.seatRefused(w, r, err)
		}
		p = newRecruiterPage(seat, "search")
	}
	saved, err := s.svc.Recruiter.SavedSearches(ctx)
	if err != nil {
		return s.seatRefused(w, r, err)
	}
	p.Saved = savedSearchRows(saved)
	data.Recruiter = p
	if searchErr != nil {
		return s.formError(w, r, "recruiter", data, searchErr)
	} else if saveErr != nil {
		return s.recruiterFormError(w, r, "recruiter", data, saveErr)
	}
	return s.render(w, http.StatusOK, "recruiter", data)
}

// handleRecruiterCandidatePage shows a member's profile as seen from the
// seat, with what they say about looking for work where the seat may see it,
// and what the seat keeps about them.
func (s *Server) handleRecruiterCandidatePage(w http.ResponseWriter, r *http.Request) error {
	return s.candidatePage(w, r, s.newPage(r, "Recruiter"), r.PathValue("handle"), nil)
}

// Open to work, on the profile's edit page.

// openToWorkForm is the open-to-work form of the edit page: what the
// member says now, or what they typed into a form that was refused.
type openToWorkForm struct {
	On         bool // the member says they are open to work
	Titles     string
	Locations  string
	Workplaces map[string]bool
	JobTypes   map[string]bool
	Visibility string
	UpdatedAt  time.Time

	WorkplaceChoices []string
	JobTypeChoices   []string
}

func newOpenToWorkForm(o *rapport.OpenToWork) *openToWorkForm {
	f := &openToWorkForm{Workplaces: map[string]bool{}, JobTypes: map[string]bool{}, Visibility: rapport.OpenToRecruiters,
		WorkplaceChoices: rapport.Workplaces, JobTypeChoices: rapport.JobTypes}
	if o == nil {
		return f
	}
	f.On, f.Titles, f.Locations = true, strings.Join(o.Titles, ", "), strings.Join(o.Locations, ", ")
	for _, v := range o.Workplaces {
		f.Workplaces[v] = true
	}
	for _, v := range o.JobTypes {
		f.JobTypes[v] = true
	}
	if o.Visibility != "" {
		f.Visibility = o.Visibility
	}
	f.UpdatedAt = o.UpdatedAt
	return f
}

// openToWorkForm returns the caller's open-to-work form as it stands.
func (s *Server) openToWorkForm(ctx context.Context) (*openToWorkForm, error) {
	o, err := s.svc.Profiles.OpenToWork(ctx)
	if err != nil {
		return nil, err
	}
	return newOpenToWorkForm(o), nil
}

func (s *Server) handleOpenToWorkSave(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		if tooLarge := (*http.MaxBytesError)(nil); errors.As(err, &tooLarge) {
			return err // answered 413 by fail
		}
		return rapport.Errorf(rapport.EBADREQUEST, "The form could not be read.")
	}
	o := rapport.OpenToWork{Titles: service.SplitList(r.PostFormValue("titles")), Locations: service.SplitList(r.PostFormValue("locations")),
		Workplaces: r.PostForm["workplaces"], JobTypes: r.PostForm["job_types"], Visibility: r.PostFormValue("visibility")}
	if _, err := s.svc.Profiles.SetOpenToWork(r.Context(), o); err != nil {
		data := s.newPage(r, "Edit profile")
		data.Form = "open_to_work"
		data.Values = map[string]string{"titles": r.PostFormValue("titles"), "locations": r.PostFormValue("locations"),
			"workplaces": strings.Join(o.Workplaces, ","), "job_types": strings.Join(o.JobTypes, ","), "visibility": o.Visibility}
		current, findErr := s.svc.Profiles.OpenToWork(r.Context())
		if findErr != nil {
			return findErr
		}
		typed := newOpenToWorkForm(&o)
		typed.On, typed.Titles, typed.Locations, typed.UpdatedAt = current != nil, data.Values["titles"], data.Values["locations"], time.Time{}
		data.OpenToWork = typed
		return s.editPage(w, r, data, err)
	}
	return redirect(w, r, "/me/edit", "opentowork")
}

func (s *Server) handleOpenToWorkDelete(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.Profiles.StopOpenToWork(r.Context()); err != nil {
		return err
	}
	return redirect(w, r, "/me/edit", "notopen")
}
