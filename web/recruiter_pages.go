package web

// This file holds the pages of what a Recruiter seat keeps (projects,
// notes on candidates, saved searches and InMail), the page side of
// service/recruiter_work.go, and the recipient's InMail inbox. Every rule
// is the service's: it checks the seat at each request, so a form sent
// after the seat was revoked is refused like a page.

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/rapportnet/rapport"
)

// recruiterFormError shows the error of a form sent from a seat: the
// revoked-seat page when the service refused the seat itself, the form
// again otherwise.
func (s *Server) recruiterFormError(w http.ResponseWriter, r *http.Request, name string, data *pageData, err error) error {
	if rapport.ErrorCode(err) == rapport.EFORBIDDEN {
		return s.seatRefused(w, r, err)
	}
	return s.formError(w, r, name, data, err)
}

// enterSeat returns the seat the browser acts from, for the banner.
func (s *Server) enterSeat(r *http.Request) (*rapport.Seat, error) {
	return s.svc.Seats.Enter(r.Context(), rapport.CallerFromContext(r.Context()).SeatID)
}

// seatPage renders the page name of the seat switched into, under section
// of the banner, with the error of one of its forms. fill adds what the
// page shows; a refusal from it, like the seat's own, shows the
// revoked-seat page.
func (s *Server) seatPage(w http.ResponseWriter, r *http.Request, name, section string, data *pageData, formErr error, fill func(p *recruiterPage) error) error {
	seat, err := s.enterSeat(r)
	if err != nil {
		return s.seatRefused(w, r, err)
	}
	p := newRecruiterPage(seat, section)
	if err := fill(p); err != nil {
		return s.seatRefused(w, r, err)
	}
	return s.renderSeatPage(w, r, name, data, p, formErr)
}

// renderSeatPage renders the page name of a seat with what p holds, and the
// error of one of its forms.
func (s *Server) renderSeatPage(w http.ResponseWriter, r *http.Request, name string, data *pageData, p *recruiterPage, formErr error) error {
	data.Recruiter = p
	if formErr != nil {
		return s.recruiterFormError(w, r, name, data, formErr)
	}
	return s.render(w, http.StatusOK, name, data)
}

// seatAction runs a form of the seat about the id in the path that shows no
// page of its own: act returns where to go next, with notice, or the
// service's refusal.
func (s *Server) seatAction(w http.ResponseWriter, r *http.Request, notice string, act func(id int64) (back string, err error)) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	back, err := act(id)
	if err != nil {
		return s.seatRefused(w, r, err)
	}
	return redirect(w, r, back, notice)
}

func projectPath(id int64) string { return "/recruiter/projects/" + strconv.FormatInt(id, 10) }

func candidatePath(handle string) string {
	return "/recruiter/in/" + url.PathEscape(rapport.NormalizeHandle(handle))
}

// Projects.

// projectsPage renders the seat's projects, with the error of the form
// that creates one.
func (s *Server) projectsPage(w http.ResponseWriter, r *http.Request, data *pageData, formErr error) error {
	return s.seatPage(w, r, "recruiter_projects", "projects", data, formErr, func(p *recruiterPage) (err error) {
		data.Title = "Projects"
		p.Projects, err = s.svc.Recruiter.Projects(r.Context())
		return err
	})
}

func (s *Server) handleProjectsPage(w http.ResponseWriter, r *http.Request) error {
	return s.projectsPage(w, r, s.newPage(r, "Projects"), nil)
}

// handleProjectCreateForm starts a project and shows it.
func (s *Server) handleProjectCreateForm(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "Projects")
	data.Values = formValues(r, "name")
	p, err := s.svc.Recruiter.CreateProject(r.Context(), data.Values["name"])
	if err != nil {
		return s.projectsPage(w, r, data, err)
	}
	return redirect(w, r, projectPath(p.ID), "projectcreated")
}

// projectPage renders one of the seat's projects, with the error of one of
// its forms (data.Form: "rename", or "candidate:" and the candidate's
// handle).
func (s *Server) projectPage(w http.ResponseWriter, r *http.Request, data *pageData, formErr error) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return s.seatPage(w, r, "recruiter_project", "projects", data, formErr, func(p *recruiterPage) (err error) {
		if p.Project, err = s.svc.Recruiter.Project(r.Context(), id); err != nil {
			return err
		}
		if data.Form != "rename" {
			data.Values["name"] = p.Project.Name
		}
		data.Title = p.Project.Name
		return nil
	})
}

func (s *Server) handleProjectPage(w http.ResponseWriter, r *http.Request) error {
	return s.projectPage(w, r, s.newPage(r, "Project"), nil)
}

func (s *Server) handleProjectRenameForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	data := s.newPage(r, "Project")
	data.Form, data.Values = "rename", formValues(r, "name")
	if err := s.svc.Recruiter.RenameProject(r.Context(), id, data.Values["name"]); err != nil {
		return s.projectPage(w, r, data, err)
	}
	return redirect(w, r, projectPath(id), "projectrenamed")
}

func (s *Server) handleProjectDeleteForm(w http.ResponseWriter, r *http.Request) error {
	return s.seatAction(w, r, "projectdeleted", func(id int64) (string, error) {
		return "/recruiter/projects", s.svc.Recruiter.DeleteProject(r.Context(), id)
	})
}

// handleCandidateStageForm puts a member in a project at the stage chosen,
// or moves them there.
func (s *Server) handleCandidateStageForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	handle := r.PathValue("handle")
	data := s.newPage(r, "Project")
	data.Form, data.Values = "candidate:"+rapport.NormalizeHandle(handle), formValues(r, "stage")
	if err := s.svc.Recruiter.PutCandidate(r.Context(), id, handle, data.Values["stage"]); err != nil {
		return s.projectPage(w, r, data, err)
	}
	return redirect(w, r, projectPath(id), "stagesaved")
}

func (s *Server) handleCandidateRemoveForm(w http.ResponseWriter, r *http.Request) error {
	return s.seatAction(w, r, "candidateremoved", func(id int64) (string, error) {
		return projectPath(id), s.svc.Recruiter.RemoveCandidate(r.Context(), id, r.PathValue("handle"))
	})
}

// The candidate page: the profile as the seat sees it, and what the seat
// keeps about the member.

// candidatePage renders the member at handle as seen from the seat, with
// the error of one of its forms (data.Form: "project", "note" or
// "inmail").
func (s *Server) candidatePage(w http.ResponseWriter, r *http.Request, data *pageData, handle string, formErr error) error {
	ctx := r.Context()
	cand, seat, err := s.svc.Recruiter.Candidate(ctx, handle)
	if err != nil {
		return s.seatRefused(w, r, err)
	}
	p := newRecruiterPage(seat, "search")
	p.Candidate = cand
	if p.Projects, err = s.svc.Recruiter.Projects(ctx); err != nil {
		return s.seatRefused(w, r, err)
	}
	if p.Notes, err = s.svc.Recruiter.Notes(ctx, cand.Member.Handle); err != nil {
		return s.seatRefused(w, r, err)
	}
	if p.Credits, err = s.svc.Recruiter.InMailCredits(ctx); err != nil {
		return s.seatRefused(w, r, err)
	}
	data.Title = cand.Member.DisplayName
	return s.renderSeatPage(w, r, "recruiter_candidate", data, p, formErr)
}

// handleCandidateProjectForm adds the member to the project chosen on
// their page, at the stage chosen.
func (s *Server) handleCandidateProjectForm(w http.ResponseWriter, r *http.Request) error {
	handle := r.PathValue("handle")
	data := s.newPage(r, "Recruiter")
	data.Form, data.Values = "project", formValues(r, "project", "stage")
	id, err := strconv.ParseInt(data.Values["project"], 10, 64)
	if err != nil || id <= 0 {
		return s.candidatePage(w, r, data, handle, rapport.FieldError("project", "Choose a project."))
	}
	if err := s.svc.Recruiter.PutCandidate(r.Context(), id, handle, data.Values["stage"]); err != nil {
		if rapport.ErrorCode(err) == rapport.ENOTFOUND && rapport.ErrorField(err) == "" {
			// A project deleted in another tab, say: beside the choice. A
			// member not found is the candidate page's own 404.
			err = &rapport.Error{Code: rapport.ENOTFOUND, Field: "project", Message: rapport.ErrorMessage(err)}
		}
		return s.candidatePage(w, r, data, handle, err)
	}
	return redirect(w, r, candidatePath(handle), "candidateadded")
}

func (s *Server) handleNoteCreateForm(w http.ResponseWriter, r *http.Request) error {
	handle := r.PathValue("handle")
	data := s.newPage(r, "Recruiter")
	data.Form, data.Values = "note", formValues(r, "body")
	if _, err := s.svc.Recruiter.AddNote(r.Context(), handle, data.Values["body"]); err != nil {
		return s.candidatePage(w, r, data, handle, err)
	}
	return redirect(w, r, candidatePath(handle), "notesaved")
}

// handleNoteDeleteForm removes one of the seat's notes and goes back to the
// candidate the form names (the handle field), or to the search.
func (s *Server) handleNoteDeleteForm(w http.ResponseWriter, r *http.Request) error {
	return s.seatAction(w, r, "notedeleted", func(id int64) (string, error) {
		if err := s.svc.Recruiter.DeleteNote(r.Context(), id); err != nil {
			return "", err
		}
		if h := rapport.NormalizeHandle(r.PostFormValue("handle")); rapport.ValidateHandle(h) == nil {
			return candidatePath(h), nil
		}
		return "/recruiter", nil
	})
}

// Saved searches.

// savedSearchRow is a saved search as the recruiter page lists it.
type savedSearchRow struct {
	*rapport.SavedSearch
	Link    string // the search, run again
	Summary string // its query, in words
}

func savedSearchRows(list []*rapport.SavedSearch) []savedSearchRow {
	out := make([]savedSearchRow, 0, len(list))
	for _, ss := range list {
		q := ss.Query
		values := map[string]string{"q": q.Text, "current_organization": q.CurrentOrganization, "location": q.Location}
		var words []string
		if q.Text != "" {
			words = append(words, "“"+q.Text+"”")
		}
		if q.CurrentOrganization != "" {
			words = append(words, "at "+q.CurrentOrganization)
		}
		if q.Location != "" {
			words = append(words, "in "+q.Location)
		}
		if q.OpenToWork {
			values["open_to_work"] = "true"
			words = append(words, "open to work")
		}
		out = append(out, savedSearchRow{SavedSearch: ss, Link: pageLink("/recruiter", recruiterPageFields, values, ""), Summary: strings.Join(words, " · ")})
	}
	return out
}

// handleSavedSearchCreateForm keeps the search the recruiter page shows
// under a name, and shows it again.
func (s *Server) handleSavedSearchCreateForm(w http.ResponseWriter, r *http.Request) error {
	query := url.Values{}
	for _, name := range recruiterPageFields {
		if v := r.PostFormValue(name); v != "" {
			query.Set(name, v)
		}
	}
	data := s.newPage(r, "Recruiter")
	data.Form = "save"
	name := r.PostFormValue("name")
	q, err := recruiterQuery(query)
	if err == nil {
		_, err = s.svc.Recruiter.SaveSearch(r.Context(), name, q)
	}
	if err != nil {
		data.Values["name"] = name
		return s.recruiterSearchPage(w, r, data, query, err)
	}
	back := "/recruiter"
	if len(query) > 0 {
		back += "?" + query.Encode()
	}
	return redirect(w, r, back, "searchsaved")
}

func (s *Server) handleSavedSearchDeleteForm(w http.ResponseWriter, r *http.Request) error {
	return s.seatAction(w, r, "searchdeleted", func(id int64) (string, error) {
		return "/recruiter", s.svc.Recruiter.DeleteSavedSearch(r.Context(), id)
	})
}

// InMail from the seat.

func (s *Server) handleSeatInMailPage(w http.ResponseWriter, r *http.Request) error {
	return s.seatPage(w, r, "recruiter_inmail", "inmail", s.newPage(r, "InMail"), nil, func(p *recruiterPage) (err error) {
		if p.Threads, err = s.svc.Recruiter.InMailThreads(r.Context()); err != nil {
			return err
		}
		p.Credits, err = s.svc.Recruiter.InMailCredits(r.Context())
		return err
	})
}

// handleInMailSendForm starts a thread from the candidate page. A refusal
// (a connection, no credits left, a bad subject) shows that page again.
func (s *Server) handleInMailSendForm(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "Recruiter")
	data.Form, data.Values = "inmail", formValues(r, "to", "subject", "body")
	t, err := s.svc.Recruiter.SendInMail(r.Context(), data.Values["to"], data.Values["subject"], data.Values["body"])
	if err != nil {
		return s.candidatePage(w, r, data, data.Values["to"], err)
	}
	return redirect(w, r, "/recruiter/inmail/"+strconv.FormatInt(t.ID, 10), "inmailsent")
}

// seatThreadPage renders one of the seat's threads, with the error of the
// follow-up form.
func (s *Server) seatThreadPage(w http.ResponseWriter, r *http.Request, data *pageData, formErr error) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return s.seatPage(w, r, "recruiter_inmail_thread", "inmail", data, formErr, func(p *recruiterPage) (err error) {
		if p.Thread, err = s.svc.Recruiter.InMailThread(r.Context(), id); err != nil {
			return err
		}
		data.Title = p.Thread.Subject
		return nil
	})
}

func (s *Server) handleSeatInMailThreadPage(w http.ResponseWriter, r *http.Request) error {
	return s.seatThreadPage(w, r, s.newPage(r, "InMail"), nil)
}

func (s *Server) handleInMailFollowUpForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	data := s.newPage(r, "InMail")
	data.Values = formValues(r, "body")
	if err := s.svc.Recruiter.FollowUpInMail(r.Context(), id, data.Values["body"]); err != nil {
		return s.seatThreadPage(w, r, data, err)
	}
	return redirect(w, r, "/recruiter/inmail/"+strconv.FormatInt(id, 10), "messagesent")
}

// InMail received, in the personal account.

// inMailPage holds what the inbox of InMail and a thread of it show.
type inMailPage struct {
	Threads []*rapport.InMailThread
	Thread  *rapport.InMailThread
}

func (s *Server) handleInboxPage(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.InMail.Received(r.Context())
	if err != nil {
		return err
	}
	data := s.newPage(r, "InMail")
	data.InMail = &inMailPage{Threads: list}
	return s.render(w, http.StatusOK, "inmail", data)
}

// inboxThreadPage renders a thread sent to the caller, with the error of
// one of its forms (data.Form: "reply" or "report").
func (s *Server) inboxThreadPage(w http.ResponseWriter, r *http.Request, data *pageData, formErr error) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	t, err := s.svc.InMail.Thread(r.Context(), id)
	if err != nil {
		return err
	}
	data.Title, data.InMail = t.Subject, &inMailPage{Thread: t}
	if formErr != nil {
		return s.formError(w, r, "inmail_thread", data, formErr)
	}
	return s.render(w, http.StatusOK, "inmail_thread", data)
}

func (s *Server) handleInboxThreadPage(w http.ResponseWriter, r *http.Request) error {
	return s.inboxThreadPage(w, r, s.newPage(r, "InMail"), nil)
}

// inboxForm runs one of the forms of a thread received.
func (s *Server) inboxForm(w http.ResponseWriter, r *http.Request, form, field, notice string, action func(id int64, value string) error) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	data := s.newPage(r, "InMail")
	data.Form = form
	if field != "" {
		data.Values = formValues(r, field)
	}
	if err := action(id, data.Values[field]); err != nil {
		return s.inboxThreadPage(w, r, data, err)
	}
	return redirect(w, r, "/inmail/"+strconv.FormatInt(id, 10), notice)
}

func (s *Server) handleInboxReplyForm(w http.ResponseWriter, r *http.Request) error {
	return s.inboxForm(w, r, "reply", "body", "replied", func(id int64, body string) error {
		return s.svc.InMail.Reply(r.Context(), id, body)
	})
}

func (s *Server) handleInboxDeclineForm(w http.ResponseWriter, r *http.Request) error {
	return s.inboxForm(w, r, "decline", "", "inmaildeclined", func(id int64, _ string) error {
		return s.svc.InMail.Decline(r.Context(), id)
	})
}

func (s *Server) handleInboxReportForm(w http.ResponseWriter, r *http.Request) error {
	return s.inboxForm(w, r, "report", "reason", "inmailreported", func(id int64, reason string) error {
		return s.svc.InMail.Report(r.Context(), id, reason)
	})
}
