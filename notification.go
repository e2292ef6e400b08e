package rapport

import "time"

// Kinds of notification.
const (
	NotifyInvitationReceived = "invitation_received"
	NotifyInvitationAccepted = "invitation_accepted"
	NotifyComment            = "comment"
	NotifyReaction           = "reaction"
	NotifyMention            = "mention"
	NotifyMessage            = "message"
	NotifySeatAssigned       = "seat_assigned"
	NotifySeatRevoked        = "seat_revoked"
)

// Notification tells a member that something happened that concerns
// them. Which of the object fields is set depends on Kind.
type Notification struct {
	ID           int64
	MemberID     int64   // who is told
	Kind         string  // one of the Notify constants
	Actor        *Member // who did it; nil for an organization's act
	PostID       int64
	CommentID    int64
	ThreadID     int64
	InvitationID int64
	SeatID       int64
	Organization *Organization // for seat notifications
	Reaction     string        // for a reaction
	CreatedAt    time.Time
	Read         bool
}

// Modes of viewing profiles: shown to the member viewed by name and
// headline, or as "someone in private mode".
const (
	ViewingNamed   = "named"
	ViewingPrivate = "private"
)

// ProfileViewDays is how far back a member sees who viewed their profile.
const ProfileViewDays = 90

// ProfileView is a view of the reader's profile. Viewer is nil for a
// viewer in private mode, and for every viewer when the reader is in
// private mode themselves.
type ProfileView struct {
	Viewer   *Member
	Private  bool
	ViewedAt time.Time // to the day for a private view
}
