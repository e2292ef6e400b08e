package service

import (
	"context"
	"slices"
	"sync"

	"github.com/rapportnet/rapport"
)

// NotificationPageSize is how many notifications a page lists.
const NotificationPageSize = 30

// Notifications tells members what happened that concerns them: a list
// with an unread count, and live updates to the pages they have open.
type Notifications struct {
	base
}

// notify stores a notification for its member and wakes their open
// streams, unless the actor is the member, either blocked the other, or
// the member's account is not active. A notification that cannot be
// stored is logged: the act it tells of has happened all the same.
func (s *base) notify(ctx context.Context, n *rapport.Notification) {
	if n.Actor != nil {
		if n.Actor.ID == n.MemberID {
			return
		}
		a, b, err := s.db.FindBlocks(ctx, n.MemberID, n.Actor.ID)
		if err != nil || a || b {
			s.logNotify(err, n)
			return
		}
	}
	m, err := s.db.FindMemberSummary(ctx, n.MemberID)
	if err != nil || m.Status != rapport.StatusActive {
		s.logNotify(err, n)
		return
	}
	n.CreatedAt = s.now()
	if err := s.db.CreateNotification(ctx, n); err != nil {
		s.logNotify(err, n)
		return
	}
	s.streams.wake(n.MemberID)
}

func (s *base) logNotify(err error, n *rapport.Notification) {
	if err != nil {
		s.log.Error("notify", "kind", n.Kind, "member", n.MemberID, "err", err)
	}
}

// NotificationPage is a page of notifications.
type NotificationPage struct {
	Notifications []*rapport.Notification
	Unread        int   // unread notifications in all
	Next          int64 // the before of the next page; 0 on the last
}

// List returns a page of the caller's notifications, newest first, those
// with ids below before (all when before is 0).
func (s *Notifications) List(ctx context.Context, before int64) (*NotificationPage, error) {
	c, err := member(ctx)
	if err != nil {
		return nil, err
	}
	if before < 0 {
		return nil, rapport.FieldError("before", "Give a notification id, or nothing for the newest.")
	}
	list, err := s.db.FindNotifications(ctx, c.MemberID, before, NotificationPageSize+1)
	if err != nil {
		return nil, err
	}
	page := &NotificationPage{Notifications: list}
	if len(list) > NotificationPageSize {
		page.Notifications = list[:NotificationPageSize]
		page.Next = page.Notifications[NotificationPageSize-1].ID
	}
	page.Unread, err = s.db.CountUnreadNotifications(ctx, c.MemberID)
	return page, err
}

// Counts are what a member has not read yet.
type Counts struct {
	Notifications int `json:"notifications"`
	Messages      int `json:"messages"` // threads with unread messages
}

// Unread returns the caller's unread counts.
func (s *Notifications) Unread(ctx context.Context) (Counts, error) {
	c, err := member(ctx)
	if err != nil {
		return Counts{}, err
	}
	return s.unread(ctx, c.MemberID)
}

func (s *base) unread(ctx context.Context, memberID int64) (Counts, error) {
	var counts Counts
	var err error
	if counts.Notifications, err = s.db.CountUnreadNotifications(ctx, memberID); err != nil {
		return counts, err
	}
	counts.Messages, err = s.db.CountUnreadThreads(ctx, memberID)
	return counts, err
}

// MarkRead marks one of the caller's notifications read, or all of them
// when id is 0. Returns ENOTFOUND when the caller has no notification id.
func (s *Notifications) MarkRead(ctx context.Context, id int64) error {
	c, err := member(ctx)
	if err != nil {
		return err
	}
	if err := s.db.MarkNotificationsRead(ctx, c.MemberID, id, s.now()); err != nil {
		return err
	}
	s.streams.wake(c.MemberID)
	return nil
}

// MaxStreams is how many live streams one member has open at once: one a
// page, for a member with a few tabs and devices.
const MaxStreams = 8

// Stream is a live stream of one page: Wake receives when something the
// member is told of may have changed, and Done is closed when the stream
// must end (logout, account closure, seat revocation).
type Stream struct {
	Wake <-chan struct{}
	Done <-chan struct{}

	caller rapport.Caller
	wake   chan struct{}
	done   chan struct{}
	once   sync.Once
}

func (st *Stream) end() { st.once.Do(func() { close(st.done) }) }

// streams are the live streams open in this process, by member.
type streams struct {
	mu     sync.Mutex
	member map[int64][]*Stream
}

func newStreams() *streams { return &streams{member: map[int64][]*Stream{}} }

func (h *streams) add(c rapport.Caller) (*Stream, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.member[c.MemberID]) >= MaxStreams {
		return nil, rapport.Errorf(rapport.ERATELIMITED, "You have %d live pages open already; close one first.", MaxStreams)
	}
	st := &Stream{caller: c, wake: make(chan struct{}, 1), done: make(chan struct{})}
	st.Wake, st.Done = st.wake, st.done
	h.member[c.MemberID] = append(h.member[c.MemberID], st)
	return st, nil
}

func (h *streams) remove(st *Stream) {
	h.mu.Lock()
	defer h.mu.Unlock()
	list := slices.DeleteFunc(h.member[st.caller.MemberID], func(o *Stream) bool { return o == st })
	if len(list) == 0 {
		delete(h.member, st.caller.MemberID)
	} else {
		h.member[st.caller.MemberID] = list
	}
	st.end()
}

// wake tells a member's streams to look again.
func (h *streams) wake(memberID int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, st := range h.member[memberID] {
		select {
		case st.wake <- struct{}{}:
		default: // one wake-up pending is enough
		}
	}
}

// end ends a member's streams that match.
func (h *streams) end(memberID int64, match func(rapport.Caller) bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, st := range h.member[memberID] {
		if match(st.caller) {
			st.end()
		}
	}
}

// OpenStream opens a live stream for the caller's page, from their
// personal account or from a seat (checked as every seat request is).
// Returns ERATELIMITED past MaxStreams. The caller closes it with
// CloseStream.
func (s *Notifications) OpenStream(ctx context.Context) (*Stream, error) {
	c, err := member(ctx)
	if err != nil {
		return nil, err
	}
	if c.SeatID != 0 {
		if _, _, err := s.seat(ctx); err != nil {
			return nil, err
		}
	}
	return s.streams.add(c)
}

// CloseStream closes a stream OpenStream opened.
func (s *Notifications) CloseStream(st *Stream) { s.streams.remove(st) }

// CheckStream checks that what the stream was opened with still stands:
// the session or token, the account, and the seat. Changes made by other
// processes end the stream here, at the next heartbeat; those made by
// this one end it at once.
func (s *Notifications) CheckStream(ctx context.Context, st *Stream) error {
	c := st.caller
	ended := rapport.Errorf(rapport.EUNAUTHORIZED, "Your session has ended. Sign in again.")
	m, err := s.db.FindMemberSummary(ctx, c.MemberID)
	if err != nil {
		return err
	} else if m.Status != rapport.StatusActive {
		return ended
	}
	alive, err := s.db.CredentialAlive(ctx, c.MemberID, c.SessionID, c.TokenID)
	if err != nil {
		return err
	} else if !alive {
		return ended
	}
	if c.SeatID != 0 {
		_, _, err := s.seat(rapport.NewContextWithCaller(ctx, c))
		return err
	}
	return nil
}

// EndStreams ends every live stream, when the server shuts down.
func (s *Notifications) EndStreams() {
	s.streams.mu.Lock()
	defer s.streams.mu.Unlock()
	for _, list := range s.streams.member {
		for _, st := range list {
			st.end()
		}
	}
}

// endSessionStreams ends the streams of a session, or all a member's
// sessions' when sessionID is 0.
func (s *base) endSessionStreams(memberID, sessionID int64) {
	s.streams.end(memberID, func(c rapport.Caller) bool {
		return c.SessionID != 0 && (sessionID == 0 || c.SessionID == sessionID)
	})
}
