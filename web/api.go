package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/service"
)

// The JSON API speaks in its own types, never in domain structs or rows, so
// that a change inside cannot change the contract by accident.

type memberResponse struct {
	ID          int64  `json:"id"`
	Handle      string `json:"handle"`
	DisplayName string `json:"display_name"`
	Email       string `json:"email,omitempty"`
	Headline    string `json:"headline"`
	About       string `json:"about"`
	Location    string `json:"location"`
	Visibility  string `json:"visibility"`
	// ConnectionsVisibility is on the caller's own account only.
	ConnectionsVisibility string              `json:"connections_visibility,omitempty"`
	URL                   string              `json:"url"`
	CreatedAt             time.Time           `json:"created_at"`
	Positions             []positionResponse  `json:"positions"`
	Education             []educationResponse `json:"education"`
	Skills                []string            `json:"skills"`
}

// profileResponse is another member's profile with where they stand from
// the caller: degree 1, 2 or 3, or null (out of network, oneself, or an
// anonymous caller), and the connections the two share.
type profileResponse struct {
	memberResponse
	Degree      *int `json:"degree"`
	MutualCount int  `json:"mutual_count"`
	// OpenToWork is set only when the member shows it to everyone.
	OpenToWork *openToWorkResponse `json:"open_to_work"`
}

type positionResponse struct {
	ID               int64  `json:"id"`
	Title            string `json:"title"`
	OrganizationName string `json:"organization_name"`
	// Organization is the page the position links to, or null.
	Organization *organizationCard `json:"organization"`
	Location     string            `json:"location"`
	Start        string            `json:"start"`
	End          *string           `json:"end"`
	Current      bool              `json:"current"`
	Description  string            `json:"description"`
}

type educationResponse struct {
	ID        int64  `json:"id"`
	School    string `json:"school"`
	Degree    string `json:"degree"`
	Field     string `json:"field"`
	StartYear *int   `json:"start_year"`
	EndYear   *int   `json:"end_year"`
}

type sessionResponse struct {
	ID         int64     `json:"id"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	UserAgent  string    `json:"user_agent"`
	IP         string    `json:"ip"`
	Current    bool      `json:"current"`
}

type accessTokenResponse struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	Token      string     `json:"token,omitempty"` // only when just created
}

func (s *Server) newMemberResponse(m *rapport.Member) memberResponse {
	out := memberResponse{
		ID: m.ID, Handle: m.Handle, DisplayName: m.DisplayName, Email: m.Email,
		Headline: m.Profile.Headline, About: m.Profile.About, Location: m.Profile.Location,
		Visibility: m.Profile.Visibility, ConnectionsVisibility: m.Profile.ConnectionsVisibility,
		URL: s.profileURL(m.Handle), CreatedAt: m.CreatedAt,
		Positions: []positionResponse{}, Education: []educationResponse{}, Skills: m.Profile.Skills,
	}
	if out.Skills == nil {
		out.Skills = []string{}
	}
	for i := range m.Profile.Positions {
		out.Positions = append(out.Positions, newPositionResponse(s.cfg.BaseURL, &m.Profile.Positions[i]))
	}
	for i := range m.Profile.Education {
		out.Education = append(out.Education, newEducationResponse(&m.Profile.Education[i]))
	}
	return out
}

func (s *Server) profileURL(handle string) string { return s.cfg.BaseURL + "/in/" + handle }

func newPositionResponse(baseURL string, p *rapport.Position) positionResponse {
	out := positionResponse{ID: p.ID, Title: p.Title, OrganizationName: p.OrganizationName, Location: p.Location,
		Start: p.Start.String(), Current: p.Current(), Description: p.Description}
	if p.OrganizationSlug != "" {
		out.Organization = &organizationCard{Slug: p.OrganizationSlug, Name: p.OrganizationName, URL: baseURL + "/org/" + p.OrganizationSlug}
	}
	if p.End != nil {
		end := p.End.String()
		out.End = &end
	}
	return out
}

func newEducationResponse(e *rapport.Education) educationResponse {
	out := educationResponse{ID: e.ID, School: e.School, Degree: e.Degree, Field: e.Field}
	if e.StartYear != 0 {
		out.StartYear = &e.StartYear
	}
	if e.EndYear != 0 {
		out.EndYear = &e.EndYear
	}
	return out
}

func newSessionResponse(sess *rapport.Session, current int64) sessionResponse {
	return sessionResponse{ID: sess.ID, CreatedAt: sess.CreatedAt, LastSeenAt: sess.LastSeenAt,
		UserAgent: sess.UserAgent, IP: sess.IP, Current: sess.ID == current}
}

func newAccessTokenResponse(t *rapport.AccessToken, secret string) accessTokenResponse {
	out := accessTokenResponse{ID: t.ID, Name: t.Name, CreatedAt: t.CreatedAt, Token: secret}
	if !t.LastUsedAt.IsZero() {
		out.LastUsedAt = &t.LastUsedAt
	}
	return out
}

// Requests.

type signUpRequest struct {
	Email       string `json:"email"`
	Handle      string `json:"handle"`
	DisplayName string `json:"display_name"`
	Password    string `json:"password"`
}

type logInRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Code     string `json:"code"` // the second factor, when it is on
}

type profileRequest struct {
	DisplayName           *string `json:"display_name"`
	Headline              *string `json:"headline"`
	About                 *string `json:"about"`
	Location              *string `json:"location"`
	Visibility            *string `json:"visibility"`
	ConnectionsVisibility *string `json:"connections_visibility"`
	// Share is this edit's choice of sharing a new headline with the
	// member's network; null keeps to their setting.
	Share *bool `json:"share"`
}

type positionRequest struct {
	Title            string `json:"title"`
	OrganizationName string `json:"organization_name"`
	// OrganizationSlug links the position to an organization's page.
	OrganizationSlug string  `json:"organization_slug"`
	Location         string  `json:"location"`
	Start            string  `json:"start"`
	End              *string `json:"end"`
	Description      string  `json:"description"`
	Share            *bool   `json:"share"` // this edit's choice of sharing a new position
}

// position reads the request into a domain position; an end of null or ""
// means the position is current.
func (p positionRequest) position() (rapport.Position, error) {
	out := rapport.Position{Title: p.Title, OrganizationName: p.OrganizationName, OrganizationSlug: p.OrganizationSlug,
		Location: p.Location, Description: p.Description}
	if p.Start == "" {
		return out, rapport.FieldError("start", "A month and year are required.")
	}
	var err error
	if out.Start, err = rapport.ParseMonth(p.Start); err != nil {
		return out, rapport.FieldError("start", "Give the start as YYYY-MM.")
	}
	if p.End != nil && *p.End != "" {
		end, err := rapport.ParseMonth(*p.End)
		if err != nil {
			return out, rapport.FieldError("end", "Give the end as YYYY-MM, or null for a current position.")
		}
		out.End = &end
	}
	return out, nil
}

type educationRequest struct {
	School    string `json:"school"`
	Degree    string `json:"degree"`
	Field     string `json:"field"`
	StartYear *int   `json:"start_year"`
	EndYear   *int   `json:"end_year"`
	Share     *bool  `json:"share"` // this edit's choice of sharing a new entry
}

func (e educationRequest) education() rapport.Education {
	out := rapport.Education{School: e.School, Degree: e.Degree, Field: e.Field}
	if e.StartYear != nil {
		out.StartYear = *e.StartYear
	}
	if e.EndYear != nil {
		out.EndYear = *e.EndYear
	}
	return out
}

type skillsRequest struct {
	Skills []string `json:"skills"`
	Share  *bool    `json:"share"` // this edit's choice of sharing new skills
}

type skillsResponse struct {
	Skills []string `json:"skills"`
}

type passwordChangeRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

type emailChangeRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Code     string `json:"code"` // the second factor, when it is on
}

type passwordResetRequest struct {
	Email string `json:"email"`
}

type passwordResetConfirmRequest struct {
	Token    string `json:"token"`
	Password string `json:"password"`
}

type accessTokenRequest struct {
	Name string `json:"name"`
}

type tokenResponse struct {
	Token string `json:"token"`
}

type countResponse struct {
	Ended int `json:"ended"`
}

type messageResponse struct {
	Message string `json:"message"`
}

// Handlers: parse, call one service method, render.

func (s *Server) handleAPIAccountCreate(w http.ResponseWriter, r *http.Request) error {
	var req signUpRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	m, err := s.svc.Accounts.SignUp(r.Context(), service.SignUp{Email: req.Email, Handle: req.Handle, DisplayName: req.DisplayName, Password: req.Password})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, s.newMemberResponse(m))
	return nil
}

func (s *Server) handleAPISessionCreate(w http.ResponseWriter, r *http.Request) error {
	var req logInRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	token, _, err := s.svc.Accounts.LogIn(r.Context(), service.LogIn{Email: req.Email, Password: req.Password, Code: req.Code, IP: s.clientIP(r), UserAgent: r.UserAgent()})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, tokenResponse{Token: token})
	return nil
}

func (s *Server) handleAPISessionDeleteCurrent(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.Accounts.LogOut(r.Context()); err != nil {
		return err
	}
	s.clearSessionCookie(w)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) handleAPISessionDeleteAll(w http.ResponseWriter, r *http.Request) error {
	n, err := s.svc.Accounts.LogOutEverywhere(r.Context())
	if err != nil {
		return err
	}
	s.clearSessionCookie(w)
	writeJSON(w, http.StatusOK, countResponse{Ended: n})
	return nil
}

func (s *Server) handleAPISessionList(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.Accounts.Sessions(r.Context())
	if err != nil {
		return err
	}
	current := rapport.CallerFromContext(r.Context()).SessionID
	out := []sessionResponse{}
	for _, sess := range list {
		out = append(out, newSessionResponse(sess, current))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) handleAPISessionDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.svc.Accounts.EndSession(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) handleAPIMe(w http.ResponseWriter, r *http.Request) error {
	m, err := s.svc.Profiles.Me(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.newMemberResponse(m))
	return nil
}

func (s *Server) handleAPIProfileUpdate(w http.ResponseWriter, r *http.Request) error {
	var req profileRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	m, err := s.svc.Profiles.UpdateProfile(withShareChoice(r, req.Share), rapport.ProfileUpdate{DisplayName: req.DisplayName,
		Headline: req.Headline, About: req.About, Location: req.Location, Visibility: req.Visibility, ConnectionsVisibility: req.ConnectionsVisibility})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.newMemberResponse(m))
	return nil
}

func (s *Server) handleAPIPositionList(w http.ResponseWriter, r *http.Request) error {
	m, err := s.svc.Profiles.Me(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.newMemberResponse(m).Positions)
	return nil
}

func (s *Server) handleAPIPositionCreate(w http.ResponseWriter, r *http.Request) error {
	var req positionRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	p, err := req.position()
	if err != nil {
		return err
	}
	created, err := s.svc.Profiles.AddPosition(withShareChoice(r, req.Share), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, newPositionResponse(s.cfg.BaseURL, created))
	return nil
}

func (s *Server) handleAPIPositionUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var req positionRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	p, err := req.position()
	if err != nil {
		return err
	}
	updated, err := s.svc.Profiles.UpdatePosition(r.Context(), id, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newPositionResponse(s.cfg.BaseURL, updated))
	return nil
}

func (s *Server) handleAPIPositionDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.svc.Profiles.DeletePosition(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) handleAPIEducationList(w http.ResponseWriter, r *http.Request) error {
	m, err := s.svc.Profiles.Me(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.newMemberResponse(m).Education)
	return nil
}

func (s *Server) handleAPIEducationCreate(w http.ResponseWriter, r *http.Request) error {
	var req educationRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	created, err := s.svc.Profiles.AddEducation(withShareChoice(r, req.Share), req.education())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, newEducationResponse(created))
	return nil
}

func (s *Server) handleAPIEducationUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var req educationRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	updated, err := s.svc.Profiles.UpdateEducation(r.Context(), id, req.education())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newEducationResponse(updated))
	return nil
}

func (s *Server) handleAPIEducationDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.svc.Profiles.DeleteEducation(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) handleAPISkillsGet(w http.ResponseWriter, r *http.Request) error {
	m, err := s.svc.Profiles.Me(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, skillsResponse{Skills: s.newMemberResponse(m).Skills})
	return nil
}

func (s *Server) handleAPISkillsPut(w http.ResponseWriter, r *http.Request) error {
	var req skillsRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if req.Skills == nil {
		return rapport.FieldError("skills", "Send the list of skills, [] for none.")
	}
	skills, err := s.svc.Profiles.SetSkills(withShareChoice(r, req.Share), req.Skills)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, skillsResponse{Skills: skills})
	return nil
}

func (s *Server) handleAPIPasswordChange(w http.ResponseWriter, r *http.Request) error {
	var req passwordChangeRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if err := s.svc.Accounts.ChangePassword(r.Context(), req.CurrentPassword, req.NewPassword); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) handleAPIEmailChange(w http.ResponseWriter, r *http.Request) error {
	var req emailChangeRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if err := s.svc.Accounts.ChangeEmail(r.Context(), req.Password, req.Code, req.Email); err != nil {
		return err
	}
	return s.handleAPIMe(w, r)
}

func (s *Server) handleAPIPasswordResetCreate(w http.ResponseWriter, r *http.Request) error {
	var req passwordResetRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if err := s.svc.Accounts.RequestPasswordReset(r.Context(), req.Email); err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, messageResponse{Message: resetSentMessage})
	return nil
}

const resetSentMessage = "If an account uses this address, a link to reset its password is on its way. It works once, within one hour."

func (s *Server) handleAPIPasswordResetConfirm(w http.ResponseWriter, r *http.Request) error {
	var req passwordResetConfirmRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if err := s.svc.Accounts.ResetPassword(r.Context(), req.Token, req.Password); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) handleAPITokenList(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.Accounts.AccessTokens(r.Context())
	if err != nil {
		return err
	}
	out := []accessTokenResponse{}
	for _, t := range list {
		out = append(out, newAccessTokenResponse(t, ""))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) handleAPITokenCreate(w http.ResponseWriter, r *http.Request) error {
	var req accessTokenRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	secret, t, err := s.svc.Accounts.CreateAccessToken(r.Context(), req.Name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, newAccessTokenResponse(t, secret))
	return nil
}

func (s *Server) handleAPITokenDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.svc.Accounts.RevokeAccessToken(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) handleAPIMember(w http.ResponseWriter, r *http.Request) error {
	m, rel, err := s.svc.Profiles.Profile(r.Context(), r.PathValue("handle"))
	if err != nil {
		return err
	}
	badge, err := s.svc.Profiles.OpenToWorkBadge(r.Context(), m.ID)
	if err != nil {
		return err
	}
	out := profileResponse{memberResponse: s.newMemberResponse(m), MutualCount: rel.MutualCount, OpenToWork: newOpenToWorkResponse(badge)}
	if rel.Degree != 0 {
		out.Degree = &rel.Degree
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// pathID reads the {id} of the route. A malformed id answers like an id
// that does not exist.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, rapport.Errorf(rapport.ENOTFOUND, "Not found.")
	}
	return id, nil
}
