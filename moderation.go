package rapport

import (
	"slices"
	"strings"
	"time"
)

// What a member can report: a profile, a post, a comment, a direct message
// or an InMail thread they received.
const (
	SubjectProfile = "profile"
	SubjectPost    = "post"
	SubjectComment = "comment"
	SubjectMessage = "message"
	SubjectInMail  = "inmail"
)

// Subjects lists what can be reported.
var Subjects = []string{SubjectProfile, SubjectPost, SubjectComment, SubjectMessage, SubjectInMail}

// Why a member reports something.
var ReportReasons = []string{"spam", "harassment", "hate", "violence", "scam", "fake", "sexual", "misinformation", "other"}

// Where a report stands.
const (
	ReportOpen      = "open"      // waiting for an operator
	ReportDismissed = "dismissed" // an operator found nothing to do
	ReportHidden    = "hidden"    // the item is hidden from everyone
	ReportSuspended = "suspended" // the member's account is suspended
)

// ReportStatuses lists where a report can stand.
var ReportStatuses = []string{ReportOpen, ReportDismissed, ReportHidden, ReportSuspended}

// Limits of moderation texts.
const (
	ReportDetailsMax  = 2000 // what the reporter adds
	DecisionMax       = 2000 // the operator's reason, mailed to the member
	ReportExcerptMax  = 8000 // bytes of the copy of the text reported
	ReportsPageMax    = 200  // how many reports a list shows
	SuspensionSubject = "Your Rapport account is suspended"
)

// Report is what a member reported, with the copy of the text they saw,
// and what an operator decided.
type Report struct {
	ID         int64
	ReporterID int64   // 0 once the reporter's account is gone
	Reporter   *Member // nil then
	MemberID   int64   // whose item it is
	Member     *Member
	Subject    string
	SubjectID  int64 // the item's id: the member's for a profile
	Reason     string
	Details    string
	Excerpt    string // the text reported, as the reporter saw it; "" for a profile
	Status     string
	DecidedBy  int64
	DecidedAt  time.Time
	Decision   string // the operator's reason
	CreatedAt  time.Time
}

// ReportInput is what a member sends to report something: Handle names a
// profile, ID anything else.
type ReportInput struct {
	Subject string
	ID      int64
	Handle  string
	Reason  string
	Details string
}

// Validate checks a report's fields.
func (in ReportInput) Validate() error {
	if !slices.Contains(Subjects, in.Subject) {
		return FieldError("subject", "Say what you report: one of %s.", strings.Join(Subjects, ", "))
	}
	if in.Subject == SubjectProfile {
		if strings.TrimSpace(in.Handle) == "" {
			return FieldError("handle", "Name the member whose profile you report.")
		}
	} else if in.ID <= 0 {
		return FieldError("id", "Give the id of the %s you report.", in.Subject)
	}
	if !slices.Contains(ReportReasons, in.Reason) {
		return FieldError("reason", "Say why you report it: one of %s.", strings.Join(ReportReasons, ", "))
	}
	return checkMultiline("details", in.Details, ReportDetailsMax)
}

// ValidateDecision checks an operator's reason for hiding an item or
// suspending an account, which the member receives by mail.
func ValidateDecision(s string) error {
	return checkWritten("reason", s, DecisionMax, "Say why: the member receives it by mail.")
}

// Audited operator actions; the actor is the operator, the target the
// member concerned.
const (
	AuditOperatorAdded   = "operator.added"
	AuditOperatorRemoved = "operator.removed"
	AuditReportDismissed = "report.dismissed"
	AuditItemHidden      = "report.hidden"
	AuditMemberSuspended = "member.suspended"
	AuditMemberRestored  = "member.reinstated"
)
