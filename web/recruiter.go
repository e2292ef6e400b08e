package web

import (
	"context"
	"net/http"
	"time"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/service"
)

// The JSON API of what a seat keeps: projects, notes on candidates, saved
// searches and InMail; and the recipient's side of InMail.

type nameRequest struct {
	Name string `json:"name"`
}

type stageRequest struct {
	Stage string `json:"stage"`
}

type bodyRequest struct {
	Body string `json:"body"`
}

type reasonRequest struct {
	Reason string `json:"reason"`
}

type inMailRequest struct {
	To      string `json:"to"`
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

type savedSearchRequest struct {
	Name                string `json:"name"`
	Text                string `json:"q"`
	CurrentOrganization string `json:"current_organization"`
	Location            string `json:"location"`
	OpenToWork          bool   `json:"open_to_work"`
}

type projectResponse struct {
	ID         int64                 `json:"id"`
	Name       string                `json:"name"`
	Size       int                   `json:"size"`
	CreatedAt  time.Time             `json:"created_at"`
	UpdatedAt  time.Time             `json:"updated_at"`
	Candidates *[]candidateInProject `json:"candidates,omitempty"` // in the project's own answer
}

type candidateInProject struct {
	Member    memberCardResponse `json:"member"`
	Stage     string             `json:"stage"`
	AddedAt   time.Time          `json:"added_at"`
	UpdatedAt time.Time          `json:"updated_at"`
}

type noteResponse struct {
	ID        int64              `json:"id"`
	Body      string             `json:"body"`
	Author    memberCardResponse `json:"author"`
	CreatedAt time.Time          `json:"created_at"`
}

type savedQueryResponse struct {
	Text                string `json:"q"`
	CurrentOrganization string `json:"current_organization"`
	Location            string `json:"location"`
	OpenToWork          bool   `json:"open_to_work"`
}

type savedSearchResponse struct {
	ID        int64              `json:"id"`
	Name      string             `json:"name"`
	Query     savedQueryResponse `json:"query"`
	CreatedAt time.Time          `json:"created_at"`
}

type inMailThreadResponse struct {
	ID           int64                    `json:"id"`
	Subject      string                   `json:"subject"`
	Status       string                   `json:"status"`
	Organization *organizationCard        `json:"organization"`
	Recipient    memberCardResponse       `json:"recipient"`
	CreatedAt    time.Time                `json:"created_at"`
	UpdatedAt    time.Time                `json:"updated_at"`
	Messages     *[]inMailMessageResponse `json:"messages,omitempty"` // in the thread's own answer
}

type inMailMessageResponse struct {
	ID        int64              `json:"id"`
	FromSeat  bool               `json:"from_seat"`
	Sender    memberCardResponse `json:"sender"`
	Body      string             `json:"body"`
	CreatedAt time.Time          `json:"created_at"`
}

type inMailListResponse struct {
	CreditsLeft *int                   `json:"credits_left,omitempty"` // from a seat
	Threads     []inMailThreadResponse `json:"threads"`
}

func (s *Server) newProjectResponse(p *rapport.Project, withCandidates bool) projectResponse {
	out := projectResponse{ID: p.ID, Name: p.Name, Size: p.Size, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
	if withCandidates {
		c := cards{s: s}
		list := []candidateInProject{}
		for _, pc := range p.Candidates {
			list = append(list, candidateInProject{Member: c.card(pc.Member), Stage: pc.Stage, AddedAt: pc.AddedAt, UpdatedAt: pc.UpdatedAt})
		}
		out.Candidates = &list
	}
	return out
}

func (s *Server) newInMailResponse(t *rapport.InMailThread, withMessages bool) inMailThreadResponse {
	c := cards{s: s}
	out := inMailThreadResponse{ID: t.ID, Subject: t.Subject, Status: t.Status, Organization: s.orgCard(t.Organization),
		Recipient: c.card(t.Recipient), CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt}
	if t.Organization == nil || t.Organization.Slug == "" {
		out.Organization = nil
	}
	if withMessages {
		list := []inMailMessageResponse{}
		for _, m := range t.Messages {
			list = append(list, inMailMessageResponse{ID: m.ID, FromSeat: m.FromSeat, Sender: c.card(m.Sender), Body: m.Body, CreatedAt: m.CreatedAt})
		}
		out.Messages = &list
	}
	return out
}

func (s *Server) handleAPIProjects(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.Recruiter.Projects(r.Context())
	if err != nil {
		return err
	}
	out := []projectResponse{}
	for _, p := range list {
		out = append(out, s.newProjectResponse(p, false))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) handleAPIProjectCreate(w http.ResponseWriter, r *http.Request) error {
	var req nameRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	p, err := s.svc.Recruiter.CreateProject(r.Context(), req.Name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, s.newProjectResponse(p, true))
	return nil
}

func (s *Server) handleAPIProject(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := s.svc.Recruiter.Project(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.newProjectResponse(p, true))
	return nil
}

func (s *Server) handleAPIProjectRename(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var req nameRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if err := s.svc.Recruiter.RenameProject(r.Context(), id, req.Name); err != nil {
		return err
	}
	return s.handleAPIProject(w, r)
}

func (s *Server) handleAPIProjectDelete(w http.ResponseWriter, r *http.Request) error {
	return s.noContent(w, r, s.svc.Recruiter.DeleteProject)
}

func (s *Server) handleAPICandidatePut(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var req stageRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if err := s.svc.Recruiter.PutCandidate(r.Context(), id, r.PathValue("handle"), req.Stage); err != nil {
		return err
	}
	return s.handleAPIProject(w, r)
}

func (s *Server) handleAPICandidateDelete(w http.ResponseWriter, r *http.Request) error {
	return s.noContent(w, r, func(ctx context.Context, id int64) error {
		return s.svc.Recruiter.RemoveCandidate(ctx, id, r.PathValue("handle"))
	})
}

func (s *Server) handleAPINotes(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.Recruiter.Notes(r.Context(), r.PathValue("handle"))
	if err != nil {
		return err
	}
	c := cards{s: s}
	out := []noteResponse{}
	for _, n := range list {
		out = append(out, noteResponse{ID: n.ID, Body: n.Body, Author: c.card(n.Author), CreatedAt: n.CreatedAt})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) handleAPINoteCreate(w http.ResponseWriter, r *http.Request) error {
	var req bodyRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	n, err := s.svc.Recruiter.AddNote(r.Context(), r.PathValue("handle"), req.Body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, noteResponse{ID: n.ID, Body: n.Body, Author: cards{s: s}.card(n.Author), CreatedAt: n.CreatedAt})
	return nil
}

func (s *Server) handleAPINoteDelete(w http.ResponseWriter, r *http.Request) error {
	return s.noContent(w, r, s.svc.Recruiter.DeleteNote)
}

func (s *Server) handleAPISavedSearches(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.Recruiter.SavedSearches(r.Context())
	if err != nil {
		return err
	}
	out := []savedSearchResponse{}
	for _, ss := range list {
		out = append(out, newSavedSearchResponse(ss))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func newSavedSearchResponse(ss *rapport.SavedSearch) savedSearchResponse {
	q := ss.Query
	return savedSearchResponse{ID: ss.ID, Name: ss.Name, CreatedAt: ss.CreatedAt, Query: savedQueryResponse{Text: q.Text,
		CurrentOrganization: q.CurrentOrganization, Location: q.Location, OpenToWork: q.OpenToWork}}
}

func (s *Server) handleAPISavedSearchCreate(w http.ResponseWriter, r *http.Request) error {
	var req savedSearchRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	ss, err := s.svc.Recruiter.SaveSearch(r.Context(), req.Name, service.RecruiterQuery{Text: req.Text,
		CurrentOrganization: req.CurrentOrganization, Location: req.Location, OpenToWork: req.OpenToWork})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, newSavedSearchResponse(ss))
	return nil
}

func (s *Server) handleAPISavedSearchDelete(w http.ResponseWriter, r *http.Request) error {
	return s.noContent(w, r, s.svc.Recruiter.DeleteSavedSearch)
}

func (s *Server) writeThreads(w http.ResponseWriter, list []*rapport.InMailThread, credits *int) {
	out := inMailListResponse{CreditsLeft: credits, Threads: []inMailThreadResponse{}}
	for _, t := range list {
		out.Threads = append(out.Threads, s.newInMailResponse(t, false))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleAPISeatInMail(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.Recruiter.InMailThreads(r.Context())
	if err != nil {
		return err
	}
	credits, err := s.svc.Recruiter.InMailCredits(r.Context())
	if err != nil {
		return err
	}
	s.writeThreads(w, list, &credits)
	return nil
}

func (s *Server) handleAPIInMailSend(w http.ResponseWriter, r *http.Request) error {
	var req inMailRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	t, err := s.svc.Recruiter.SendInMail(r.Context(), req.To, req.Subject, req.Body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, s.newInMailResponse(t, true))
	return nil
}

func (s *Server) handleAPISeatInMailThread(w http.ResponseWriter, r *http.Request) error {
	return s.thread(w, r, s.svc.Recruiter.InMailThread)
}

func (s *Server) handleAPIInMailFollowUp(w http.ResponseWriter, r *http.Request) error {
	return s.threadMessage(w, r, s.svc.Recruiter.FollowUpInMail, s.svc.Recruiter.InMailThread)
}

func (s *Server) handleAPIMyInMail(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.InMail.Received(r.Context())
	if err != nil {
		return err
	}
	s.writeThreads(w, list, nil)
	return nil
}

func (s *Server) handleAPIMyInMailThread(w http.ResponseWriter, r *http.Request) error {
	return s.thread(w, r, s.svc.InMail.Thread)
}

func (s *Server) handleAPIInMailReply(w http.ResponseWriter, r *http.Request) error {
	return s.threadMessage(w, r, s.svc.InMail.Reply, s.svc.InMail.Thread)
}

func (s *Server) handleAPIInMailDecline(w http.ResponseWriter, r *http.Request) error {
	return s.noContent(w, r, s.svc.InMail.Decline)
}

func (s *Server) handleAPIInMailReport(w http.ResponseWriter, r *http.Request) error {
	var req reasonRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	return s.noContent(w, r, func(ctx context.Context, id int64) error { return s.svc.InMail.Report(ctx, id, req.Reason) })
}

func (s *Server) thread(w http.ResponseWriter, r *http.Request, find func(context.Context, int64) (*rapport.InMailThread, error)) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	t, err := find(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.newInMailResponse(t, true))
	return nil
}

// threadMessage adds a message to a thread and answers with the thread.
func (s *Server) threadMessage(w http.ResponseWriter, r *http.Request, add func(context.Context, int64, string) error,
	find func(context.Context, int64) (*rapport.InMailThread, error)) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var req bodyRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if err := add(r.Context(), id, req.Body); err != nil {
		return err
	}
	return s.thread(w, r, find)
}
