package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/rapportnet/rapport"
)

// reportRequest is a member's report: handle names a profile, id anything
// else.
type reportRequest struct {
	Subject string `json:"subject"`
	ID      int64  `json:"id"`
	Handle  string `json:"handle"`
	Reason  string `json:"reason"`
	Details string `json:"details"`
}

// reportMemberResponse is a member as an operator sees them on a report:
// their public card and whether the account is active.
type reportMemberResponse struct {
	Handle      string `json:"handle"`
	DisplayName string `json:"display_name"`
	Headline    string `json:"headline"`
	Status      string `json:"status"`
	URL         string `json:"url"`
}

// reportResponse is a report. The reporter sees what they sent; an
// operator also sees the copy of the item, whose it is, who reported it
// and what was decided.
type reportResponse struct {
	ID        int64                 `json:"id"`
	Subject   string                `json:"subject"`
	SubjectID int64                 `json:"subject_id"`
	Reason    string                `json:"reason"`
	Details   string                `json:"details"`
	Status    string                `json:"status"`
	CreatedAt time.Time             `json:"created_at"`
	Excerpt   *string               `json:"excerpt,omitempty"`
	Member    *reportMemberResponse `json:"member,omitempty"`
	Reporter  *reportMemberResponse `json:"reporter,omitempty"`
	Decision  *string               `json:"decision,omitempty"`
	DecidedAt *time.Time            `json:"decided_at,omitempty"`
}

type reportListResponse struct {
	Reports []reportResponse `json:"reports"`
}

type decisionRequest struct {
	Status string `json:"status"`
	Reason string `json:"reason"`
}

type reinstateRequest struct {
	Reason string `json:"reason"`
}

type operatorAuditResponse struct {
	Entries []operatorAuditEntry `json:"entries"`
}

type operatorAuditEntry struct {
	ID       int64                 `json:"id"`
	At       time.Time             `json:"at"`
	Operator *reportMemberResponse `json:"operator"` // null at the command line
	Member   *reportMemberResponse `json:"member"`
	Action   string                `json:"action"`
	Detail   string                `json:"detail"`
}

func (s *Server) reportMember(m *rapport.Member) *reportMemberResponse {
	if m == nil {
		return nil
	}
	return &reportMemberResponse{Handle: m.Handle, DisplayName: m.DisplayName, Headline: m.Profile.Headline, Status: m.Status, URL: s.profileURL(m.Handle)}
}

// newReportResponse is a report as the reporter sees it, or with
// everything for an operator.
func (s *Server) newReportResponse(r *rapport.Report, operator bool) reportResponse {
	out := reportResponse{ID: r.ID, Subject: r.Subject, SubjectID: r.SubjectID, Reason: r.Reason, Details: r.Details, Status: r.Status, CreatedAt: r.CreatedAt}
	if r.Subject == rapport.SubjectProfile {
		out.SubjectID = 0 // a member's id is not shown; their handle is
	}
	if operator {
		out.Excerpt, out.Member, out.Reporter = &r.Excerpt, s.reportMember(r.Member), s.reportMember(r.Reporter)
		out.Decision = &r.Decision
		if !r.DecidedAt.IsZero() {
			out.DecidedAt = &r.DecidedAt
		}
	}
	return out
}

func (req reportRequest) input() rapport.ReportInput {
	return rapport.ReportInput{Subject: req.Subject, ID: req.ID, Handle: req.Handle, Reason: req.Reason, Details: req.Details}
}

func (s *Server) handleAPIReportCreate(w http.ResponseWriter, r *http.Request) error {
	var req reportRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	report, created, err := s.svc.Moderation.Report(r.Context(), req.input())
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, s.newReportResponse(report, false))
	return nil
}

func (s *Server) handleAPIOperatorReports(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.Moderation.Reports(r.Context(), r.URL.Query().Get("status"))
	if err != nil {
		return err
	}
	out := reportListResponse{Reports: []reportResponse{}}
	for _, report := range list {
		out.Reports = append(out.Reports, s.newReportResponse(report, true))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) handleAPIOperatorReport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	report, err := s.svc.Moderation.ReportByID(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.newReportResponse(report, true))
	return nil
}

func (s *Server) handleAPIOperatorDecide(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var req decisionRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	report, err := s.svc.Moderation.Decide(r.Context(), id, req.Status, req.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.newReportResponse(report, true))
	return nil
}

func (s *Server) handleAPIOperatorReinstate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var req reinstateRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if err := s.svc.Moderation.Reinstate(r.Context(), id, req.Reason); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) handleAPIOperatorAudit(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.Moderation.Audit(r.Context())
	if err != nil {
		return err
	}
	out := operatorAuditResponse{Entries: []operatorAuditEntry{}}
	for _, e := range list {
		out.Entries = append(out.Entries, operatorAuditEntry{ID: e.ID, At: e.At, Operator: s.reportMember(e.Actor), Member: s.reportMember(e.Target),
			Action: e.Action, Detail: e.Detail})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// moderationPage is what the report form and the operator pages show.
type moderationPage struct {
	Reasons  []string
	Statuses []string
	Status   string // the list's filter
	Reports  []*rapport.Report
	Report   *rapport.Report
	Audit    []*rapport.AuditEntry
	Sent     *rapport.Report // the report just filed
}

func (s *Server) newModerationPage() *moderationPage {
	return &moderationPage{Reasons: rapport.ReportReasons, Statuses: rapport.ReportStatuses}
}

// handleReportPage shows the form to report what the query names.
func (s *Server) handleReportPage(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "Report")
	data.Moderation = s.newModerationPage()
	q := r.URL.Query()
	data.Values = map[string]string{"subject": q.Get("subject"), "id": q.Get("id"), "handle": q.Get("handle"), "reason": "", "details": ""}
	return s.render(w, http.StatusOK, "report", data)
}

func (s *Server) handleReportForm(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "Report")
	data.Moderation = s.newModerationPage()
	data.Values = formValues(r, "subject", "id", "handle", "reason", "details")
	in := rapport.ReportInput{Subject: data.Values["subject"], Handle: data.Values["handle"], Reason: data.Values["reason"], Details: data.Values["details"]}
	if v := data.Values["id"]; v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return s.formError(w, r, "report", data, rapport.FieldError("id", "Give the id as a number."))
		}
		in.ID = id
	}
	report, _, err := s.svc.Moderation.Report(r.Context(), in)
	if err != nil {
		return s.formError(w, r, "report", data, err)
	}
	data.Moderation.Sent = report
	return s.render(w, http.StatusOK, "report", data)
}

func (s *Server) handleOperatorReportsPage(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "Reports")
	data.Moderation = s.newModerationPage()
	data.Moderation.Status = r.URL.Query().Get("status")
	if _, ok := r.URL.Query()["status"]; !ok {
		data.Moderation.Status = rapport.ReportOpen
	}
	list, err := s.svc.Moderation.Reports(r.Context(), data.Moderation.Status)
	if err != nil {
		return err
	}
	data.Moderation.Reports = list
	return s.render(w, http.StatusOK, "operator_reports", data)
}

func (s *Server) operatorReportPage(w http.ResponseWriter, r *http.Request, data *pageData, formErr error) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	report, err := s.svc.Moderation.ReportByID(r.Context(), id)
	if err != nil {
		return err
	}
	data.Moderation = s.newModerationPage()
	data.Moderation.Report = report
	if formErr != nil {
		return s.formError(w, r, "operator_report", data, formErr)
	}
	return s.render(w, http.StatusOK, "operator_report", data)
}

func (s *Server) handleOperatorReportPage(w http.ResponseWriter, r *http.Request) error {
	return s.operatorReportPage(w, r, s.newPage(r, "Report"), nil)
}

func (s *Server) handleOperatorDecideForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	data := s.newPage(r, "Report")
	data.Form = "decide"
	data.Values = formValues(r, "status", "reason")
	if _, err := s.svc.Moderation.Decide(r.Context(), id, data.Values["status"], data.Values["reason"]); err != nil {
		return s.operatorReportPage(w, r, data, err)
	}
	return redirect(w, r, "/operator/reports/"+strconv.FormatInt(id, 10), "decided")
}

func (s *Server) handleOperatorReinstateForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	data := s.newPage(r, "Report")
	data.Form = "reinstate"
	data.Values = formValues(r, "reason")
	if err := s.svc.Moderation.Reinstate(r.Context(), id, data.Values["reason"]); err != nil {
		return s.operatorReportPage(w, r, data, err)
	}
	return redirect(w, r, "/operator/reports/"+strconv.FormatInt(id, 10), "reinstated")
}

func (s *Server) handleOperatorAuditPage(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "Operator actions")
	list, err := s.svc.Moderation.Audit(r.Context())
	if err != nil {
		return err
	}
	data.Moderation = s.newModerationPage()
	data.Moderation.Audit = list
	return s.render(w, http.StatusOK, "operator_audit", data)
}
