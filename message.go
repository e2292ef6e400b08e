package rapport

import "time"

// Limits of direct messages.
const (
	MessageMaxLen = 8000
	// ThreadMaxMembers is how many members a thread has at most, its
	// starter included.
	ThreadMaxMembers = 50
)

// Thread is a conversation between a member and some of their
// connections, as one of its members sees it.
type Thread struct {
	ID int64
	// Members are the others in the thread, as the reader sees them:
	// those who left are marked, those blocked either way left out.
	Members   []ThreadMember
	Messages  []Message // set when one thread is read
	Last      *Message  // the newest message the reader may see, in lists
	Unread    int       // messages the reader has not read
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ThreadMember is a member of a thread.
type ThreadMember struct {
	Member *Member
	Left   bool
}

// Message is one message of a thread. Sender is nil for a member whose
// account is gone.
type Message struct {
	ID        int64
	ThreadID  int64
	Sender    *Member
	Body      string
	CreatedAt time.Time
}

// ValidateMessage checks a message's text.
func ValidateMessage(body string) error {
	return checkWritten("body", body, MessageMaxLen, "Write something first.")
}
