package service

import (
	"context"
	"sync"
	"time"

	"github.com/rapportnet/rapport"
)

// viewLog remembers the profile views recorded lately in this process, so
// that a member reading a profile again and again costs one write an
// hour, not one a page.
type viewLog struct {
	mu   sync.Mutex
	seen map[viewKey]time.Time
}

type viewKey struct{ viewer, viewed int64 }

const (
	viewLogEvery = time.Hour
	viewLogMax   = 100_000
)

func newViewLog() *viewLog { return &viewLog{seen: map[viewKey]time.Time{}} }

// due reports whether a view is to be written, and notes that it is.
func (l *viewLog) due(k viewKey, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if at, ok := l.seen[k]; ok && now.Sub(at) < viewLogEvery {
		return false
	}
	if len(l.seen) >= viewLogMax {
		clear(l.seen)
	}
	l.seen[k] = now
	return true
}

// recordView records that the caller viewed a member's profile, named or
// in private mode as the caller chose. Anonymous visitors, seats and
// members viewing their own profile are not recorded. A view that cannot
// be recorded is logged: the profile is shown all the same.
func (s *Profiles) recordView(ctx context.Context, c rapport.Caller, viewed int64) {
	if c.Anonymous() || c.SeatID != 0 || c.MemberID == viewed {
		return
	}
	// A view again within the hour is not written, whatever the mode now:
	// the view written stays true, and no view is told in a mode it was
	// not made in.
	now := s.now()
	if !s.views.due(viewKey{c.MemberID, viewed}, now) {
		return
	}
	mode, err := s.db.FindProfileViewing(ctx, c.MemberID)
	if err != nil {
		s.log.Error("record profile view", "err", err)
		return
	}
	private := mode == rapport.ViewingPrivate
	if err := s.db.RecordProfileView(ctx, viewed, c.MemberID, private, now, now.AddDate(0, 0, -rapport.ProfileViewDays)); err != nil {
		s.log.Error("record profile view", "err", err)
	}
}

// ProfileViews returns who viewed the caller's profile in the last
// rapport.ProfileViewDays days, newest first, and how the caller views
// profiles. A viewer in private mode is "someone in private mode", with the
// day of the view only; a caller in private mode sees no names either.
func (s *Profiles) ProfileViews(ctx context.Context) ([]rapport.ProfileView, string, error) {
	c, err := member(ctx)
	if err != nil {
		return nil, "", err
	}
	mode, err := s.db.FindProfileViewing(ctx, c.MemberID)
	if err != nil {
		return nil, "", err
	}
	list, err := s.db.FindProfileViews(ctx, c.MemberID, s.now().AddDate(0, 0, -rapport.ProfileViewDays))
	if err != nil {
		return nil, "", err
	}
	for i := range list {
		if v := &list[i]; v.Private || mode == rapport.ViewingPrivate {
			y, m, d := v.ViewedAt.UTC().Date()
			v.Viewer, v.ViewedAt = nil, time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		}
	}
	return list, mode, nil
}

// ProfileViewing returns how the caller views profiles.
func (s *Profiles) ProfileViewing(ctx context.Context) (string, error) {
	c, err := member(ctx)
	if err != nil {
		return "", err
	}
	return s.db.FindProfileViewing(ctx, c.MemberID)
}

// SetProfileViewing sets how the caller views profiles: by name and
// headline, or in private mode. Returns EINVALID naming mode.
func (s *Profiles) SetProfileViewing(ctx context.Context, mode string) error {
	c, err := member(ctx)
	if err != nil {
		return err
	}
	if mode != rapport.ViewingNamed && mode != rapport.ViewingPrivate {
		return rapport.FieldError("mode", "The mode is %q or %q.", rapport.ViewingNamed, rapport.ViewingPrivate)
	}
	return s.db.SetProfileViewing(ctx, c.MemberID, mode)
}
