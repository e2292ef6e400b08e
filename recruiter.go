package rapport

import (
	"slices"
	"strings"
	"time"
)

// Limits of what is made from a seat.
const (
	ProjectNameMaxLen = 100
	NoteMaxLen        = 2000
	InMailSubjectMax  = 200
	InMailBodyMax     = 8000
	ReportReasonMax   = 500
	// InMailCredits is how many InMail threads a seat starts a month.
	InMailCredits = 50
)

// Stages of a candidate in a project, in order.
var Stages = []string{"sourced", "contacted", "replied", "interviewing", "offered", "hired", "archived"}

// Project is a named list of candidates kept from a seat. It belongs to the
// organization and stays with the seat.
type Project struct {
	ID         int64
	SeatID     int64
	Name       string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Size       int // candidates in it
	Candidates []ProjectCandidate
}

// ProjectCandidate is a member in a project, at a stage.
type ProjectCandidate struct {
	Member    *Member
	Stage     string
	AddedAt   time.Time
	UpdatedAt time.Time
}

// ValidateProjectName checks the name of a project.
func ValidateProjectName(s string) error { return checkText("name", s, 1, ProjectNameMaxLen) }

// ValidateStage checks a candidate's stage.
func ValidateStage(s string) error {
	if !slices.Contains(Stages, s) {
		return FieldError("stage", "A stage is one of %s.", strings.Join(Stages, ", "))
	}
	return nil
}

// CandidateNote is a note on a candidate kept from a seat, seen by whoever
// holds the seat.
type CandidateNote struct {
	ID        int64
	SeatID    int64
	MemberID  int64
	Author    *Member // the holder who wrote it
	Body      string
	CreatedAt time.Time
}

// ValidateNote checks the text of a note on a candidate.
func ValidateNote(s string) error {
	return checkWritten("body", s, NoteMaxLen, "This field is required.")
}

// SavedQuery is a recruiter search as saved.
type SavedQuery struct {
	Text                string `json:"q,omitempty"`
	CurrentOrganization string `json:"current_organization,omitempty"`
	Location            string `json:"location,omitempty"`
	OpenToWork          bool   `json:"open_to_work,omitempty"`
}

// SavedSearch is a recruiter search kept from a seat.
type SavedSearch struct {
	ID        int64
	SeatID    int64
	Name      string
	Query     SavedQuery
	CreatedAt time.Time
}

// InMail thread statuses, as the recipient left it.
const (
	InMailOpen     = "open"
	InMailDeclined = "declined"
	InMailReported = "reported"
)

// InMailThread is InMail sent from a seat to a member who is not the
// holder's connection: the seat's, and the recipient's copy of it.
type InMailThread struct {
	ID           int64
	SeatID       int64
	Organization *Organization
	Recipient    *Member
	Subject      string
	Status       string
	Report       string // the recipient's reason, when they reported it
	CreatedAt    time.Time
	UpdatedAt    time.Time
	Messages     []InMailMessage
}

// InMailMessage is one message of a thread: from the seat (written by
// whoever held it) or from the recipient.
type InMailMessage struct {
	ID        int64
	Sender    *Member
	FromSeat  bool
	Body      string
	CreatedAt time.Time
}

// ValidateInMail checks a message of a thread, and its subject when it
// starts one.
func ValidateInMail(subject, body string, first bool) error {
	if first {
		if err := checkText("subject", subject, 1, InMailSubjectMax); err != nil {
			return err
		}
	}
	return checkWritten("body", body, InMailBodyMax, "This field is required.")
}

// ValidateReportReason checks why a member reports something.
func ValidateReportReason(s string) error {
	return checkWritten("reason", s, ReportReasonMax, "Say why you report it.")
}
