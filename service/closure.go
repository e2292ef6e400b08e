package service

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/store"
)

// Close closes the caller's account, after checking their password: only
// the member can. Every session, token and live stream ends at once, the
// seats they hold go back to their organizations, and the profile
// disappears for everyone. Logging in within rapport.ReopenWindow reopens
// it; after that, PurgeClosed deletes its personal data for good.
// Returns EUNAUTHORIZED naming password when it is wrong.
func (s *Accounts) Close(ctx context.Context, password string) error {
	c, err := personal(ctx)
	if err != nil {
		return err
	}
	if _, err := s.confirmPassword(ctx, c, password, "password"); err != nil {
		return err
	}
	now := s.now()
	seats, err := s.db.FindMemberSeats(ctx, c.MemberID)
	if err != nil {
		return err
	}
	for _, seat := range seats {
		if err := s.db.EndSeat(ctx, seat.ID, c.MemberID, c.MemberID, rapport.SeatReturned, now); err != nil && rapport.ErrorCode(err) != rapport.ENOTFOUND {
			return err
		}
	}
	if err := s.db.CloseMember(ctx, c.MemberID, now); err != nil {
		return err
	}
	// The connections stay in the store until the purge, for a reopening.
	s.withdraw(ctx, c.MemberID)
	return nil
}

// withdraw takes an account that closed or was suspended out of this
// process's indexes at once, so that no degree, mutual count or search
// goes through it, and ends its live streams (other processes follow the
// change logs the store wrote).
func (s *base) withdraw(ctx context.Context, id int64) {
	for _, o := range s.graph.Connections(id) {
		s.graph.Remove(id, o)
	}
	s.streams.end(id, func(rapport.Caller) bool { return true })
	s.profileChanged(ctx, id)
}

// restore puts an account that was reopened or reinstated back into this
// process's indexes, with its connections as the store keeps them.
func (s *base) restore(ctx context.Context, id int64, maxConnections int) error {
	conns, err := s.db.FindConnections(ctx, store.ConnectionFilter{MemberID: id, Limit: maxConnections})
	if err != nil {
		return err
	}
	for _, c := range conns {
		s.graph.Add(id, c.Other.ID)
	}
	s.profileChanged(ctx, id)
	return nil
}

// reopen reopens an account closed within the window, and puts its
// connections back in the graph index. Returns ENOTFOUND when it was
// closed before the window.
func (s *Accounts) reopen(ctx context.Context, id int64) error {
	now := s.now()
	if err := s.db.ReopenMember(ctx, id, now.Add(-rapport.ReopenWindow), now); err != nil {
		return err
	}
	return s.restore(ctx, id, s.cfg.MaxConnections)
}

// PurgeClosed deletes for good the personal data of accounts closed more
// than rapport.ReopenWindow ago (store.PurgeMember says what goes and what
// stays), printing a line to w for each and returning how many.
func (s *Accounts) PurgeClosed(ctx context.Context, w io.Writer) (int, error) {
	ids, err := s.db.FindClosedBefore(ctx, s.now().Add(-rapport.ReopenWindow))
	if err != nil {
		return 0, err
	}
	for i, id := range ids {
		others, err := s.db.PurgeMember(ctx, id, s.now())
		if err != nil {
			return i, fmt.Errorf("purge account %d: %w", id, err)
		}
		for _, o := range others {
			s.graph.Remove(id, o)
		}
		s.profileChanged(ctx, id)
		fmt.Fprintf(w, "purge: %d of %d closed accounts deleted\n", i+1, len(ids))
	}
	return len(ids), nil
}

// PurgeEvery deletes, every so often until ctx ends, the accounts closed
// past their window and the archives past their 72 hours.
func (s *Services) PurgeEvery(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if n, err := s.Accounts.PurgeClosed(ctx, io.Discard); err != nil {
			s.Accounts.log.Error("purge closed accounts", "err", err)
		} else if n > 0 {
			s.Accounts.log.Info("purged closed accounts", "count", n)
		}
		now := s.Accounts.now()
		if _, err := s.Accounts.db.DeleteExpiredExports(ctx, now, now.Add(-staleBuild)); err != nil {
			s.Accounts.log.Error("delete expired archives", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
