package service

import (
	"context"
	"slices"
	"strings"

	"github.com/rapportnet/rapport"
)

// ThreadListSize is how many threads the inbox lists.
const ThreadListSize = 50

// Messages are direct messages between connections. A member writes to
// their connections only (others, by InMail from a seat); a block stops
// messages both ways without telling the sender: what one of them writes
// is kept from the other, now and after the block is lifted.
type Messages struct {
	base
}

func notFoundThread() error { return rapport.Errorf(rapport.ENOTFOUND, "Conversation not found.") }

// Start writes to connections by handle: in the thread the caller already
// has with that one member alone, or in a new thread of them all. Returns
// EINVALID naming to or body, ENOTFOUND naming to for a member who does
// not exist or is on either side of a block with the caller (alike), and
// EFORBIDDEN naming to for one who is not a connection.
func (s *Messages) Start(ctx context.Context, to []string, body string) (*rapport.Thread, error) {
	c, err := member(ctx)
	if err != nil {
		return nil, err
	}
	handles := make([]string, 0, len(to))
	for _, h := range to {
		if h = rapport.NormalizeHandle(strings.TrimPrefix(strings.TrimSpace(h), "@")); h != "" && !slices.Contains(handles, h) {
			handles = append(handles, h)
		}
	}
	switch {
	case len(handles) == 0:
		return nil, rapport.FieldError("to", "Say whom to write to, by their handles.")
	case len(handles) >= rapport.ThreadMaxMembers:
		return nil, rapport.FieldError("to", "A conversation has at most %d members, you included.", rapport.ThreadMaxMembers)
	}
	if err := rapport.ValidateMessage(body); err != nil {
		return nil, err
	}
	members := make([]int64, 0, len(handles))
	for _, h := range handles {
		m, err := s.reachable(ctx, c, h, "to")
		if err != nil {
			return nil, err
		} else if m.ID == c.MemberID {
			return nil, rapport.FieldError("to", "You cannot write to yourself.")
		} else if s.graph.Degree(c.MemberID, m.ID) != 1 {
			return nil, &rapport.Error{Code: rapport.EFORBIDDEN, Field: "to",
				Message: "You can write only to your connections. Invite " + m.DisplayName + " to connect first."}
		}
		members = append(members, m.ID)
	}
	msg := &rapport.Message{Body: body, CreatedAt: s.now()}
	var id int64
	if len(members) == 1 {
		id, err = s.db.FindDirectThread(ctx, c.MemberID, members[0])
		if err == nil {
			err = s.db.AddMessage(ctx, id, c.MemberID, msg, nil)
		}
	}
	if len(members) > 1 || rapport.ErrorCode(err) == rapport.ENOTFOUND {
		id, err = s.db.CreateThread(ctx, c.MemberID, members, msg, nil)
	}
	if err != nil {
		return nil, err
	}
	s.notifyMessage(ctx, c, id, members)
	return s.Thread(ctx, id)
}

// Send writes in a thread the caller is in. In a thread of two, the other
// must still be a connection (EFORBIDDEN otherwise, alike whether the
// connection was removed or a block removed it); in a larger one, members
// on either side of a block with the caller never see what they write.
// Returns ENOTFOUND when the caller is not in the thread.
func (s *Messages) Send(ctx context.Context, id int64, body string) (*rapport.Message, error) {
	c, err := member(ctx)
	if err != nil {
		return nil, err
	}
	if err := rapport.ValidateMessage(body); err != nil {
		return nil, err
	}
	all, err := s.db.FindThreadMembers(ctx, id)
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(all, func(tm rapport.ThreadMember) bool { return tm.Member.ID == c.MemberID && !tm.Left }) {
		return nil, notFoundThread()
	}
	blocked, err := s.db.FindBlockIDs(ctx, c.MemberID)
	if err != nil {
		return nil, err
	}
	var to, hidden []int64
	for _, tm := range all {
		switch {
		case tm.Member.ID == c.MemberID, tm.Left:
		case blocked[tm.Member.ID]:
			hidden = append(hidden, tm.Member.ID)
		default:
			to = append(to, tm.Member.ID)
		}
	}
	if len(all) == 2 {
		other := all[0]
		if other.Member.ID == c.MemberID {
			other = all[1]
		}
		if other.Left {
			return nil, rapport.Errorf(rapport.ECONFLICT, "%s left this conversation; start a new one.", other.Member.DisplayName)
		} else if blocked[other.Member.ID] || s.graph.Degree(c.MemberID, other.Member.ID) != 1 {
			return nil, rapport.Errorf(rapport.EFORBIDDEN, "You are not connected any more: reconnect to write again.")
		}
	}
	msg := &rapport.Message{Body: body, CreatedAt: s.now()}
	if err := s.db.AddMessage(ctx, id, c.MemberID, msg, hidden); err != nil {
		return nil, err
	}
	s.notifyMessage(ctx, c, id, to)
	if msg.Sender, err = s.db.FindMemberSummary(ctx, c.MemberID); err != nil {
		return nil, err
	}
	return msg, nil
}

// notifyMessage tells the members a message was written to.
func (s *base) notifyMessage(ctx context.Context, c rapport.Caller, threadID int64, to []int64) {
	for _, m := range to {
		s.notify(ctx, &rapport.Notification{MemberID: m, Kind: rapport.NotifyMessage, Actor: &rapport.Member{ID: c.MemberID}, ThreadID: threadID})
	}
}

// Threads lists the caller's threads, most recently written first, and how
// many have messages they have not read.
func (s *Messages) Threads(ctx context.Context) ([]*rapport.Thread, int, error) {
	c, err := member(ctx)
	if err != nil {
		return nil, 0, err
	}
	list, err := s.db.FindThreads(ctx, c.MemberID, ThreadListSize)
	if err != nil {
		return nil, 0, err
	}
	blocked, err := s.db.FindBlockIDs(ctx, c.MemberID)
	if err != nil {
		return nil, 0, err
	}
	// A thread with no one left on the caller's side of every block is
	// not listed.
	list = slices.DeleteFunc(list, func(t *rapport.Thread) bool {
		t.Members = others(t.Members, c.MemberID, blocked)
		return len(t.Members) == 0
	})
	unread, err := s.db.CountUnreadThreads(ctx, c.MemberID)
	return list, unread, err
}

// others are the members of a thread the caller sees: not the caller, not
// those on either side of a block with them.
func others(all []rapport.ThreadMember, caller int64, blocked map[int64]bool) []rapport.ThreadMember {
	return slices.DeleteFunc(all, func(tm rapport.ThreadMember) bool { return tm.Member.ID == caller || blocked[tm.Member.ID] })
}

// Thread returns a thread the caller is in, with the messages they may
// see. Reading it does not mark it read (MarkRead does). Returns ENOTFOUND
// when the caller is not in it.
func (s *Messages) Thread(ctx context.Context, id int64) (*rapport.Thread, error) {
	c, err := member(ctx)
	if err != nil {
		return nil, err
	}
	t, err := s.db.FindThread(ctx, c.MemberID, id)
	if err != nil {
		return nil, err
	}
	blocked, err := s.db.FindBlockIDs(ctx, c.MemberID)
	if err != nil {
		return nil, err
	}
	t.Members = others(t.Members, c.MemberID, blocked)
	return t, nil
}

// MarkRead records that the caller read every message of a thread.
func (s *Messages) MarkRead(ctx context.Context, id int64) error {
	c, err := member(ctx)
	if err != nil {
		return err
	}
	if err := s.db.MarkThreadRead(ctx, c.MemberID, id, s.now()); err != nil {
		return err
	}
	s.streams.wake(c.MemberID)
	return nil
}

// Leave takes the caller out of a thread: it leaves their inbox and they
// receive nothing more in it. The others see that they left.
func (s *Messages) Leave(ctx context.Context, id int64) error {
	c, err := member(ctx)
	if err != nil {
		return err
	}
	if err := s.db.LeaveThread(ctx, c.MemberID, id, s.now()); err != nil {
		return err
	}
	s.streams.wake(c.MemberID)
	return nil
}
