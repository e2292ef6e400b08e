package service

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/rapportnet/rapport"
)

// What a Recruiter seat keeps: projects, notes on candidates, saved
// searches and InMail. Every method acts from the caller's seat, checked at
// each request, and keys what it makes by the seat, never by the holder:
// it belongs to the organization and stays with the seat, so that the next
// holder finds it and the former one does not. Nothing of the holder's
// personal account is read into it.

// Projects lists the seat's projects.
func (s *Recruiter) Projects(ctx context.Context) ([]*rapport.Project, error) {
	_, seat, err := s.seat(ctx)
	if err != nil {
		return nil, err
	}
	return s.db.FindProjects(ctx, seat.ID)
}

// CreateProject starts a project. Returns EINVALID naming name.
func (s *Recruiter) CreateProject(ctx context.Context, name string) (*rapport.Project, error) {
	_, seat, err := s.seat(ctx)
	if err != nil {
		return nil, err
	}
	if err := rapport.ValidateProjectName(name); err != nil {
		return nil, err
	}
	p := &rapport.Project{SeatID: seat.ID, Name: strings.TrimSpace(name)}
	return p, s.db.CreateProject(ctx, p, s.now())
}

// Project returns one of the seat's projects with its candidates, but for
// members either side of a block with the holder now.
func (s *Recruiter) Project(ctx context.Context, id int64) (*rapport.Project, error) {
	c, seat, err := s.seat(ctx)
	if err != nil {
		return nil, err
	}
	p, err := s.db.FindProject(ctx, seat.ID, id)
	if err != nil {
		return nil, err
	}
	blocked, err := s.db.FindBlockIDs(ctx, c.MemberID)
	if err != nil {
		return nil, err
	}
	p.Candidates = slices.DeleteFunc(p.Candidates, func(pc rapport.ProjectCandidate) bool { return blocked[pc.Member.ID] })
	p.Size = len(p.Candidates)
	return p, nil
}

// RenameProject renames one of the seat's projects.
func (s *Recruiter) RenameProject(ctx context.Context, id int64, name string) error {
	_, seat, err := s.seat(ctx)
	if err != nil {
		return err
	}
	if err := rapport.ValidateProjectName(name); err != nil {
		return err
	}
	return s.db.RenameProject(ctx, seat.ID, id, name, s.now())
}

// DeleteProject removes one of the seat's projects.
func (s *Recruiter) DeleteProject(ctx context.Context, id int64) error {
	_, seat, err := s.seat(ctx)
	if err != nil {
		return err
	}
	return s.db.DeleteProject(ctx, seat.ID, id)
}

// PutCandidate adds the member at handle to a project at a stage ("" for
// the first), or moves them. Returns ENOTFOUND for a member the holder
// cannot reach, EINVALID naming stage.
func (s *Recruiter) PutCandidate(ctx context.Context, projectID int64, handle, stage string) error {
	c, seat, err := s.seat(ctx)
	if err != nil {
		return err
	}
	if stage == "" {
		stage = rapport.Stages[0]
	}
	if err := rapport.ValidateStage(stage); err != nil {
		return err
	}
	m, err := s.reachable(ctx, c, handle, "handle")
	if err != nil {
		return err
	}
	return s.db.PutCandidate(ctx, seat.ID, projectID, m.ID, stage, s.now())
}

// RemoveCandidate takes the member at handle out of a project.
func (s *Recruiter) RemoveCandidate(ctx context.Context, projectID int64, handle string) error {
	_, seat, err := s.seat(ctx)
	if err != nil {
		return err
	}
	m, err := s.db.FindMemberByHandle(ctx, rapport.NormalizeHandle(handle))
	if err != nil {
		return err
	}
	return s.db.DeleteCandidate(ctx, seat.ID, projectID, m.ID)
}

// Notes returns the seat's notes on the member at handle.
func (s *Recruiter) Notes(ctx context.Context, handle string) ([]*rapport.CandidateNote, error) {
	c, seat, err := s.seat(ctx)
	if err != nil {
		return nil, err
	}
	m, err := s.reachable(ctx, c, handle, "handle")
	if err != nil {
		return nil, err
	}
	return s.db.FindNotes(ctx, seat.ID, m.ID)
}

// AddNote keeps a note on the member at handle. Returns EINVALID naming
// body.
func (s *Recruiter) AddNote(ctx context.Context, handle, body string) (*rapport.CandidateNote, error) {
	c, seat, err := s.seat(ctx)
	if err != nil {
		return nil, err
	}
	if err := rapport.ValidateNote(body); err != nil {
		return nil, err
	}
	m, err := s.reachable(ctx, c, handle, "handle")
	if err != nil {
		return nil, err
	}
	n := &rapport.CandidateNote{SeatID: seat.ID, MemberID: m.ID, Body: body}
	if err := s.db.CreateNote(ctx, n, c.MemberID, s.now()); err != nil {
		return nil, err
	}
	cards, err := s.db.FindMemberCards(ctx, []int64{c.MemberID})
	if err != nil {
		return nil, err
	}
	n.Author = cards[c.MemberID]
	return n, nil
}

// DeleteNote removes one of the seat's notes.
func (s *Recruiter) DeleteNote(ctx context.Context, id int64) error {
	_, seat, err := s.seat(ctx)
	if err != nil {
		return err
	}
	return s.db.DeleteNote(ctx, seat.ID, id)
}

// SavedSearches lists the seat's saved searches.
func (s *Recruiter) SavedSearches(ctx context.Context) ([]*rapport.SavedSearch, error) {
	_, seat, err := s.seat(ctx)
	if err != nil {
		return nil, err
	}
	return s.db.FindSavedSearches(ctx, seat.ID)
}

// SaveSearch keeps a search under a name. Returns EINVALID naming the
// field at fault.
func (s *Recruiter) SaveSearch(ctx context.Context, name string, q RecruiterQuery) (*rapport.SavedSearch, error) {
	_, seat, err := s.seat(ctx)
	if err != nil {
		return nil, err
	}
	if err := rapport.ValidateProjectName(name); err != nil {
		return nil, err
	}
	q.Cursor = ""
	if err := q.validate(); err != nil {
		return nil, err
	}
	saved := &rapport.SavedSearch{SeatID: seat.ID, Name: strings.TrimSpace(name), Query: rapport.SavedQuery{Text: q.Text,
		CurrentOrganization: q.CurrentOrganization, Location: q.Location, OpenToWork: q.OpenToWork}}
	return saved, s.db.CreateSavedSearch(ctx, saved, s.now())
}

// DeleteSavedSearch removes one of the seat's saved searches.
func (s *Recruiter) DeleteSavedSearch(ctx context.Context, id int64) error {
	_, seat, err := s.seat(ctx)
	if err != nil {
		return err
	}
	return s.db.DeleteSavedSearch(ctx, seat.ID, id)
}

// InMailCredits returns the seat's InMail credits left this month.
func (s *Recruiter) InMailCredits(ctx context.Context) (int, error) {
	_, seat, err := s.seat(ctx)
	if err != nil {
		return 0, err
	}
	n, err := s.db.CountInMail(ctx, seat.ID, monthStart(s.now()))
	return max(0, rapport.InMailCredits-n), err
}

// monthStart is the first instant of t's month, in UTC: credits are
// counted by calendar month.
func monthStart(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// SendInMail starts a thread with a member who is not the holder's
// connection, spending a credit. Returns ENOTFOUND for a member the holder
// cannot reach (blocked either way, closed, missing) alike, ECONFLICT for a
// connection (a personal message is the way), EINVALID for a bad subject
// or body, and ERATELIMITED once the month's credits are spent.
func (s *Recruiter) SendInMail(ctx context.Context, to, subject, body string) (*rapport.InMailThread, error) {
	c, seat, err := s.seat(ctx)
	if err != nil {
		return nil, err
	}
	if err := rapport.ValidateInMail(subject, body, true); err != nil {
		return nil, err
	}
	m, err := s.reachable(ctx, c, to, "to")
	if err != nil {
		return nil, err
	} else if m.ID == c.MemberID {
		return nil, rapport.FieldError("to", "You cannot send InMail to yourself.")
	} else if s.graph.Degree(c.MemberID, m.ID) == 1 {
		return nil, &rapport.Error{Code: rapport.ECONFLICT, Field: "to", Message: "You are connected: write to them from your personal account."}
	}
	t := &rapport.InMailThread{SeatID: seat.ID, Organization: seat.Organization, Recipient: m, Subject: subject}
	now := s.now()
	if err := s.db.CreateInMail(ctx, t, c.MemberID, body, monthStart(now), now); err != nil {
		return nil, err
	}
	return s.db.FindInMailThread(ctx, seat.ID, 0, t.ID)
}

// InMailThreads lists the seat's threads, but for those with members
// either side of a block with the holder now.
func (s *Recruiter) InMailThreads(ctx context.Context) ([]*rapport.InMailThread, error) {
	c, seat, err := s.seat(ctx)
	if err != nil {
		return nil, err
	}
	list, err := s.threads(ctx, seat.ID, 0)
	if err != nil {
		return nil, err
	}
	blocked, err := s.db.FindBlockIDs(ctx, c.MemberID)
	if err != nil {
		return nil, err
	}
	list = slices.DeleteFunc(list, func(t *rapport.InMailThread) bool { return blocked[t.Recipient.ID] })
	for _, t := range list {
		hideReport(t)
	}
	return list, nil
}

// hideReport shows the seat a thread its recipient reported as one they
// declined: whether and why they reported it is for the site's operators.
func hideReport(t *rapport.InMailThread) {
	if t.Status == rapport.InMailReported {
		t.Status, t.Report = rapport.InMailDeclined, ""
	}
}

// InMailThread returns one of the seat's threads with its messages.
// Returns ENOTFOUND for a thread with a member either side of a block with
// the holder, as for none: a block stops messages both ways, silently.
func (s *Recruiter) InMailThread(ctx context.Context, id int64) (*rapport.InMailThread, error) {
	c, seat, err := s.seat(ctx)
	if err != nil {
		return nil, err
	}
	t, err := s.db.FindInMailThread(ctx, seat.ID, 0, id)
	if err != nil {
		return nil, err
	}
	if a, b, err := s.db.FindBlocks(ctx, c.MemberID, t.Recipient.ID); err != nil {
		return nil, err
	} else if a || b {
		return nil, rapport.Errorf(rapport.ENOTFOUND, "Conversation not found.")
	}
	t.Organization = seat.Organization
	hideReport(t)
	return t, nil
}

// FollowUpInMail adds a message from the seat to an open thread it may
// read (InMailThread).
func (s *Recruiter) FollowUpInMail(ctx context.Context, id int64, body string) error {
	c, seat, err := s.seat(ctx)
	if err != nil {
		return err
	}
	if err := rapport.ValidateInMail("", body, false); err != nil {
		return err
	}
	if _, err := s.InMailThread(ctx, id); err != nil {
		return err
	}
	return s.db.AddInMail(ctx, seat.ID, 0, id, c.MemberID, body, s.now())
}

// threads lists a seat's threads or a recipient's, with their
// organizations.
func (s *base) threads(ctx context.Context, seatID, recipientID int64) ([]*rapport.InMailThread, error) {
	list, err := s.db.FindInMailThreads(ctx, seatID, recipientID)
	if err != nil {
		return nil, err
	}
	return list, s.withOrganizations(ctx, list)
}

// withOrganizations fills in the organizations of threads.
func (s *base) withOrganizations(ctx context.Context, list []*rapport.InMailThread) error {
	var ids []int64
	for _, t := range list {
		ids = append(ids, t.Organization.ID)
	}
	orgs, err := s.db.FindOrganizations(ctx, ids)
	if err != nil {
		return err
	}
	byID := map[int64]*rapport.Organization{}
	for _, o := range orgs {
		byID[o.ID] = o
	}
	for _, t := range list {
		if o := byID[t.Organization.ID]; o != nil {
			t.Organization = o
		}
	}
	return nil
}

// InMail is the recipient's side of InMail: their copy of each thread,
// kept in their personal inbox for as long as they keep their account,
// whatever becomes of the seat it came from.
type InMail struct {
	base
}

// Received lists the InMail threads sent to the caller.
func (s *InMail) Received(ctx context.Context) ([]*rapport.InMailThread, error) {
	c, err := member(ctx)
	if err != nil {
		return nil, err
	}
	return s.threads(ctx, 0, c.MemberID)
}

// Thread returns one thread sent to the caller, with its messages.
func (s *InMail) Thread(ctx context.Context, id int64) (*rapport.InMailThread, error) {
	c, err := member(ctx)
	if err != nil {
		return nil, err
	}
	t, err := s.db.FindInMailThread(ctx, 0, c.MemberID, id)
	if err != nil {
		return nil, err
	}
	return t, s.withOrganizations(ctx, []*rapport.InMailThread{t})
}

// Reply answers a thread sent to the caller. Returns ECONFLICT once they
// declined or reported it.
func (s *InMail) Reply(ctx context.Context, id int64, body string) error {
	c, err := member(ctx)
	if err != nil {
		return err
	}
	if err := rapport.ValidateInMail("", body, false); err != nil {
		return err
	}
	return s.db.AddInMail(ctx, 0, c.MemberID, id, c.MemberID, body, s.now())
}

// Decline closes a thread: the seat can write no more in it.
func (s *InMail) Decline(ctx context.Context, id int64) error {
	c, err := member(ctx)
	if err != nil {
		return err
	}
	return s.db.CloseInMail(ctx, c.MemberID, id, rapport.InMailDeclined, "", s.now())
}

// Report closes a thread and records why, for the site's operators.
// Returns EINVALID naming reason.
func (s *InMail) Report(ctx context.Context, id int64, reason string) error {
	c, err := member(ctx)
	if err != nil {
		return err
	}
	if err := rapport.ValidateReportReason(reason); err != nil {
		return err
	}
	memberID, excerpt, err := s.reportable(ctx, id)
	if err != nil {
		return err
	}
	if err := s.db.CloseInMail(ctx, c.MemberID, id, rapport.InMailReported, strings.TrimSpace(reason), s.now()); err != nil {
		return err
	}
	if memberID == 0 {
		return nil // its writer's account is gone: there is no one to act on
	}
	// The site's operators see it among the reports (Moderation).
	_, err = s.db.CreateReport(ctx, &rapport.Report{ReporterID: c.MemberID, MemberID: memberID, Subject: rapport.SubjectInMail, SubjectID: id,
		Reason: "other", Details: strings.TrimSpace(reason), Excerpt: excerpt}, s.now())
	return err
}

// reportable returns, for an InMail thread the caller received, the member
// who wrote it from the seat (the last who did) and the text the seat
// sent, as a report keeps them. Returns ENOTFOUND for a thread the caller
// did not receive.
func (s *InMail) reportable(ctx context.Context, id int64) (memberID int64, excerpt string, err error) {
	t, err := s.Thread(ctx, id)
	if err != nil {
		return 0, "", err
	}
	var b strings.Builder
	b.WriteString(t.Subject + "\n")
	for _, m := range t.Messages {
		if m.FromSeat {
			if m.Sender != nil && m.Sender.ID != 0 {
				memberID = m.Sender.ID
			}
			b.WriteString("\n" + m.Body + "\n")
		}
	}
	return memberID, truncate(b.String(), rapport.ReportExcerptMax), nil
}
