package rapport

import (
	"strings"
	"time"
	"unicode/utf8"
)

// How the sender of an invitation knows its recipient.
const (
	HowMetColleague = "colleague"
	HowMetClassmate = "classmate"
	HowMetBusiness  = "business"
	HowMetFriend    = "friend"
	HowMetOther     = "other"
)

// Invitation statuses. An open invitation older than InvitationTTL reads as
// expired; it is stored as expired only when a new invitation replaces it.
const (
	InvitationPending   = "pending"
	InvitationAccepted  = "accepted"
	InvitationIgnored   = "ignored"
	InvitationWithdrawn = "withdrawn"
	InvitationExpired   = "expired"
)

// Limits and delays of invitations.
const (
	InvitationNoteMaxLen = 300
	InvitationTTL        = 183 * 24 * time.Hour // six months
	ReinviteDelay        = 21 * 24 * time.Hour  // after a withdrawal
)

// Invitation asks a member to connect. A connection exists only once the
// recipient accepts (or invites back).
type Invitation struct {
	ID          int64
	SenderID    int64
	RecipientID int64
	HowMet      string
	PositionID  int64 // for colleagues: one of the sender's positions, or 0
	EducationID int64 // for classmates: one of the sender's schools, or 0
	Note        string
	Status      string
	DontKnow    bool // the recipient said they do not know the sender
	CreatedAt   time.Time
	UpdatedAt   time.Time

	Sender, Recipient *Member // filled by the lists, for display
}

// Open reports whether the invitation can still be accepted at now.
func (inv *Invitation) Open(now time.Time) bool {
	return (inv.Status == InvitationPending || inv.Status == InvitationIgnored) && now.Sub(inv.CreatedAt) < InvitationTTL
}

// ExpiresAt is when an open invitation expires.
func (inv *Invitation) ExpiresAt() time.Time { return inv.CreatedAt.Add(InvitationTTL) }

// StatusFor is the status as the viewer may see it at now. To its sender an
// ignored invitation is exactly a pending one: ignoring is silent.
func (inv *Invitation) StatusFor(viewerID int64, now time.Time) string {
	switch {
	case (inv.Status == InvitationPending || inv.Status == InvitationIgnored) && !inv.Open(now):
		return InvitationExpired
	case inv.Status == InvitationIgnored && viewerID != inv.RecipientID:
		return InvitationPending
	}
	return inv.Status
}

// Validate checks what the sender typed.
func (inv *Invitation) Validate() error {
	switch inv.HowMet {
	case HowMetColleague, HowMetClassmate, HowMetBusiness, HowMetFriend, HowMetOther:
	case "":
		return FieldError("how_met", "Say how you know this member.")
	default:
		return FieldError("how_met", "How you know them is one of colleague, classmate, business, friend or other.")
	}
	if inv.PositionID != 0 && inv.HowMet != HowMetColleague {
		return FieldError("position_id", "A position goes with colleagues only.")
	}
	if inv.EducationID != 0 && inv.HowMet != HowMetClassmate {
		return FieldError("education_id", "A school goes with classmates only.")
	}
	if n := utf8.RuneCountInString(inv.Note); n > InvitationNoteMaxLen {
		return FieldError("note", "A note has at most %d characters (this has %d).", InvitationNoteMaxLen, n)
	}
	return checkMultiline("note", inv.Note, InvitationNoteMaxLen)
}

// Connection is one member's side of a connection: stored once for each of
// the two members, so that each member's connections are keyed by them.
// Note and Tags are that member's own, seen by nobody else.
type Connection struct {
	MemberID  int64
	Other     *Member
	CreatedAt time.Time
	Note      string
	Tags      []string
}

// Limits of notes and tags on connections.
const (
	ConnectionNoteMaxLen = 1000
	MaxConnectionTags    = 20
	TagMaxLen            = 30
	TagTrusted           = "trusted" // introduction paths go through trusted connections first
)

// Who may see a member's list of connections. Mutual connections are always
// visible to a connection.
const (
	ConnectionsVisibleToConnections = "connections"
	ConnectionsVisibleToNobody      = "private"
)

// NormalizeTags lower-cases, trims and deduplicates tags and checks them.
func NormalizeTags(in []string) ([]string, error) {
	seen := map[string]bool{}
	out := []string{}
	for _, t := range in {
		t = strings.ToLower(strings.TrimSpace(t))
		if t == "" || seen[t] {
			continue
		}
		if err := checkText("tags", t, 1, TagMaxLen); err != nil {
			return nil, err
		} else if strings.Contains(t, ",") {
			return nil, FieldError("tags", "A tag has no commas.")
		}
		seen[t] = true
		out = append(out, t)
	}
	if len(out) > MaxConnectionTags {
		return nil, FieldError("tags", "At most %d tags.", MaxConnectionTags)
	}
	return out, nil
}

// ValidateConnectionNote checks a note on a connection.
func ValidateConnectionNote(s string) error { return checkMultiline("note", s, ConnectionNoteMaxLen) }

// Relation is where a member stands from the viewer: the degree (1, 2, 3,
// or 0 for out of network and for oneself) and how many connections the two
// share.
type Relation struct {
	Degree      int
	MutualCount int
}
