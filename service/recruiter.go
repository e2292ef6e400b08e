package service

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/search"
)

// This file holds the open-to-work signal and who may see it, in one
// place: a member's own account, and recruiters acting from a seat.
//
// A member open to work "to recruiters only" is shown so only to holders
// of seats of organizations where the member does not currently work: in
// recruiter search (the filter, the results and the counts) and on their
// profile as seen from such a seat. Open "to everyone", a badge shows on
// their profile as well. The signal is never broadcast and reaches no one
// else by any route.

// OpenToWork returns what the caller says about looking for work, or nil.
func (s *Profiles) OpenToWork(ctx context.Context) (*rapport.OpenToWork, error) {
	c, err := member(ctx)
	if err != nil {
		return nil, err
	}
	return s.db.FindOpenToWork(ctx, c.MemberID)
}

// SetOpenToWork says the caller is open to work, or changes what they say.
// Nothing is broadcast. Returns EINVALID naming the field at fault.
func (s *Profiles) SetOpenToWork(ctx context.Context, o rapport.OpenToWork) (*rapport.OpenToWork, error) {
	c, err := member(ctx)
	if err != nil {
		return nil, err
	}
	if err := o.Normalize(); err != nil {
		return nil, err
	}
	if err := s.db.PutOpenToWork(ctx, c.MemberID, &o, s.now()); err != nil {
		return nil, err
	}
	s.profileChanged(ctx, c.MemberID)
	return s.db.FindOpenToWork(ctx, c.MemberID)
}

// StopOpenToWork switches the caller's open-to-work signal off.
func (s *Profiles) StopOpenToWork(ctx context.Context) error {
	c, err := member(ctx)
	if err != nil {
		return err
	}
	if err := s.db.DeleteOpenToWork(ctx, c.MemberID); err != nil {
		return err
	}
	s.profileChanged(ctx, c.MemberID)
	return nil
}

// OpenToWorkBadge returns what a member says about looking for work when
// they show it to everyone, for their profile; nil otherwise.
func (s *Profiles) OpenToWorkBadge(ctx context.Context, memberID int64) (*rapport.OpenToWork, error) {
	if !s.search.IsOpenToWork(rapport.OpenToEveryone, memberID) {
		return nil, nil
	}
	o, err := s.db.FindOpenToWork(ctx, memberID)
	if err != nil || o == nil || o.Visibility != rapport.OpenToEveryone {
		return nil, err
	}
	return o, nil
}

// Recruiter is what a Recruiter seat does: search members, and see who is
// open to work where the rules above allow. Every method acts from the
// caller's seat, checked at each request; nothing of the holder's personal
// account (connections, contacts, messages, notes) is used or kept.
type Recruiter struct {
	base
	people *Search
}

// RecruiterQuery is a recruiter's search.
type RecruiterQuery struct {
	Text                string // keywords: name, headline, positions, skills
	CurrentOrganization string
	Location            string
	OpenToWork          bool // only members the seat may see open to work
	Cursor              string
}

// Candidate is a member as a recruiter sees them.
type Candidate struct {
	Member *rapport.Member
	// OpenToWork is set only where the seat may see it.
	OpenToWork *rapport.OpenToWork
}

// CandidatePage is one page of a recruiter search.
type CandidatePage struct {
	Seat    *rapport.Seat
	Results []Candidate
	Total   int
	Next    string
}

// Search runs a recruiter search from the caller's seat. Results come by
// relevance (every word in the name first), then by id: the holder's own
// network plays no part. Returns EFORBIDDEN when the request is not made
// from an active seat the caller holds, EINVALID as Search.Members does.
func (s *Recruiter) Search(ctx context.Context, q RecruiterQuery) (*CandidatePage, error) {
	c, seat, err := s.seat(ctx)
	if err != nil {
		return nil, err
	}
	if err := q.validate(); err != nil {
		return nil, err
	}
	skip, err := decodeCursor(q.Cursor)
	if err != nil {
		return nil, err
	}
	names, err := s.db.FindOrganizationNames(ctx, seat.Organization.ID)
	if err != nil {
		return nil, err
	}
	open := s.visibleOpen(seat.Organization, names)
	sq := search.Query{Text: q.Text, CurrentOrganization: q.CurrentOrganization, Location: q.Location, SignedIn: true}
	if q.OpenToWork {
		sq.Within = open
	}
	if sq.Empty() {
		return nil, &rapport.Error{Code: rapport.EINVALID, Field: "q", Message: "Type keywords, or choose a filter."}
	}
	if sq.Hidden, err = s.people.hidden(ctx, c); err != nil {
		return nil, err
	}
	m := s.search.Search(sq)
	// An anonymous ranking: by name and id, never by whom the holder knows.
	r := &ranking{all: m.All, best: m.Best}
	page := &CandidatePage{Seat: seat, Total: min(r.total(), SearchMaxResults)}
	found, err := s.people.cards(ctx, r.page(skip, min(SearchPageSize, SearchMaxResults-skip)))
	if err != nil {
		return nil, err
	}
	for _, f := range found {
		cand := Candidate{Member: f.Member}
		if f.Member.ID >= 0 && f.Member.ID <= search.MaxMemberID && open.Contains(uint32(f.Member.ID)) {
			if cand.OpenToWork, err = s.db.FindOpenToWork(ctx, f.Member.ID); err != nil {
				return nil, err
			}
		}
		page.Results = append(page.Results, cand)
	}
	if next := skip + len(found); len(found) > 0 && next < page.Total {
		page.Next = encodeCursor(next)
	}
	return page, nil
}

// Candidate returns a member's profile as seen from the caller's seat,
// with their open-to-work signal where the seat may see it. Returns
// ENOTFOUND as Profiles.Profile does.
func (s *Recruiter) Candidate(ctx context.Context, handle string) (*Candidate, *rapport.Seat, error) {
	c, seat, err := s.seat(ctx)
	if err != nil {
		return nil, nil, err
	}
	m, err := s.reachable(ctx, c, handle, "handle")
	if err != nil {
		return nil, nil, err
	}
	m.Email, m.Profile.ConnectionsVisibility = "", ""
	cand := &Candidate{Member: m}
	o, err := s.db.FindOpenToWork(ctx, m.ID)
	if err != nil {
		return nil, nil, err
	}
	names, err := s.db.FindOrganizationNames(ctx, seat.Organization.ID)
	if err != nil {
		return nil, nil, err
	}
	if o != nil && (o.Visibility == rapport.OpenToEveryone || !worksAt(m, seat.Organization, names)) {
		cand.OpenToWork = o
	}
	return cand, seat, nil
}

// visibleOpen returns the members a seat of org may see open to work:
// those open to everyone, and those open to recruiters who do not work at
// org now. Names are every name org's page has had: renaming the page
// lifts no one's protection.
func (s *base) visibleOpen(org *rapport.Organization, names []string) *roaring.Bitmap {
	open := s.search.OpenToWork(rapport.OpenToRecruiters)
	open.AndNot(s.search.Employees(org.ID, names...))
	open.Or(s.search.OpenToWork(rapport.OpenToEveryone))
	return open
}

// worksAt reports whether a member works at org now: a current position
// linked to its page, or one whose organization, typed as free text, has
// one of the names its page has had (as search.Index.Employees decides for
// many members at once).
func worksAt(m *rapport.Member, org *rapport.Organization, names []string) bool {
	for _, p := range m.Profile.Positions {
		if !p.Current() {
			continue
		}
		if p.OrganizationID == org.ID || slices.ContainsFunc(names, func(n string) bool { return search.Key(n) == search.Key(p.OrganizationName) }) {
			return true
		}
	}
	return false
}

func (q RecruiterQuery) validate() error {
	for _, f := range []struct{ name, value string }{
		{"q", q.Text}, {"current_organization", q.CurrentOrganization}, {"location", q.Location},
	} {
		if utf8.RuneCountInString(f.value) > SearchMaxLen {
			return &rapport.Error{Code: rapport.EINVALID, Field: f.name, Message: fmt.Sprintf("At most %d characters.", SearchMaxLen)}
		}
	}
	if strings.TrimSpace(q.Text+q.CurrentOrganization+q.Location) == "" && !q.OpenToWork {
		return &rapport.Error{Code: rapport.EINVALID, Field: "q", Message: "Type keywords, or choose a filter."}
	}
	return nil
}
