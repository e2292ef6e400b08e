package service

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/rapportnet/rapport"
)

// Profiles shows members' profiles and lets each member edit their own, and
// only their own: every change acts on the caller's profile, so there is no
// id by which one member could reach another's.
type Profiles struct {
	base
	sqlGraph bool // answer degrees in SQL instead of from the index
	views    *viewLog
}

// Me returns the caller's account with their whole profile.
// Returns EUNAUTHORIZED for an anonymous caller.
func (s *Profiles) Me(ctx context.Context) (*rapport.Member, error) {
	c, err := member(ctx)
	if err != nil {
		return nil, err
	}
	return s.db.FindMemberByID(ctx, c.MemberID)
}

// Profile returns the profile at a handle as the caller may see it, and
// where that member stands from the caller. Returns
// ENOTFOUND when there is no such member or the account is suspended, and
// EUNAUTHORIZED when the member shows their profile to signed-in members only
// and the caller is anonymous.
func (s *Profiles) Profile(ctx context.Context, handle string) (*rapport.Member, rapport.Relation, error) {
	var rel rapport.Relation
	c := rapport.CallerFromContext(ctx)
	m, err := s.findProfile(ctx, rapport.NormalizeHandle(handle))
	if err != nil {
		return nil, rel, err
	}
	blocked := false
	if !c.Anonymous() && c.MemberID != m.ID {
		callerBlocked, blockedCaller, err := s.db.FindBlocks(ctx, c.MemberID, m.ID)
		if err != nil {
			return nil, rel, err
		}
		blocked = callerBlocked || blockedCaller
	}
	// A block hides each member from the other, and answers exactly as for
	// a member that does not exist; so does a closed account.
	if m.Status != rapport.StatusActive || blocked {
		return nil, rel, rapport.Errorf(rapport.ENOTFOUND, "Member not found.")
	}
	if m.Profile.Visibility == rapport.VisibilityMembers && c.Anonymous() {
		// Not even the name: the profile, name included, is for members.
		return nil, rel, rapport.Errorf(rapport.EUNAUTHORIZED, "This member shows their profile to signed-in members only. Sign in to see it.")
	}
	if c.MemberID != m.ID {
		// An address and settings are the member's own.
		m.Email, m.Profile.ConnectionsVisibility = "", ""
	}
	if !c.Anonymous() && c.MemberID != m.ID {
		if rel, err = s.relation(ctx, c.MemberID, m.ID); err != nil {
			return nil, rel, err
		}
	}
	s.recordView(ctx, c, m.ID)
	return m, rel, nil
}

// findProfile returns the member at a handle, from the cache when it holds
// them. The member is the caller's to change; their profile's lists are not.
func (s *Profiles) findProfile(ctx context.Context, handle string) (*rapport.Member, error) {
	if m, ok := s.profiles.get(handle, s.now()); ok {
		return m, nil
	}
	read, drops := s.now(), s.profiles.drops()
	m, err := s.db.FindMemberByHandle(ctx, handle)
	if err != nil {
		return nil, err
	}
	s.profiles.put(m, read, drops)
	return m, nil
}

// UpdateProfile changes the caller's name, headline, about, location and
// visibility. Returns EINVALID naming the field at fault.
func (s *Profiles) UpdateProfile(ctx context.Context, upd rapport.ProfileUpdate) (*rapport.Member, error) {
	c, err := member(ctx)
	if err != nil {
		return nil, err
	}
	if err := rapport.ValidateProfileUpdate(upd); err != nil {
		return nil, err
	}
	before, err := s.db.FindMemberSummary(ctx, c.MemberID)
	if err != nil {
		return nil, err
	}
	if err := s.db.UpdateMember(ctx, c.MemberID, upd, s.now()); err != nil {
		return nil, err
	}
	s.profileChanged(ctx, c.MemberID)
	if h := upd.Headline; h != nil && strings.TrimSpace(*h) != "" && strings.TrimSpace(*h) != before.Profile.Headline {
		s.broadcast(ctx, c, "New headline: "+strings.TrimSpace(*h))
	}
	return s.db.FindMemberByID(ctx, c.MemberID)
}

// AddPosition adds a position to the caller's profile.
// Returns EINVALID naming the field at fault.
func (s *Profiles) AddPosition(ctx context.Context, p rapport.Position) (*rapport.Position, error) {
	c, err := member(ctx)
	if err != nil {
		return nil, err
	}
	p.ID, p.MemberID = 0, c.MemberID
	if err := s.link(ctx, &p); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := s.db.CreatePosition(ctx, &p, s.now()); err != nil {
		return nil, err
	}
	s.profileChanged(ctx, c.MemberID)
	s.broadcast(ctx, c, fmt.Sprintf("New position: %s at %s", strings.TrimSpace(p.Title), strings.TrimSpace(p.OrganizationName)))
	return &p, nil
}

// UpdatePosition replaces one of the caller's positions. Returns ENOTFOUND
// when the caller has no position with this id, someone else's included.
func (s *Profiles) UpdatePosition(ctx context.Context, id int64, p rapport.Position) (*rapport.Position, error) {
	c, err := member(ctx)
	if err != nil {
		return nil, err
	}
	p.ID, p.MemberID = id, c.MemberID
	if err := s.link(ctx, &p); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := s.db.UpdatePosition(ctx, &p); err != nil {
		return nil, err
	}
	s.profileChanged(ctx, c.MemberID)
	return &p, nil
}

// link links a position to the organization page its OrganizationSlug
// names, taking the page's name; without a slug the position stays free
// text. Returns EINVALID naming organization_slug for a page that does
// not exist.
func (s *Profiles) link(ctx context.Context, p *rapport.Position) error {
	p.OrganizationID = 0
	if strings.TrimSpace(p.OrganizationSlug) == "" {
		p.OrganizationSlug = ""
		return nil
	}
	o, err := s.db.FindOrganization(ctx, rapport.NormalizeSlug(p.OrganizationSlug))
	if rapport.ErrorCode(err) == rapport.ENOTFOUND {
		return rapport.FieldError("organization_slug", "There is no organization page at this address.")
	} else if err != nil {
		return err
	}
	p.OrganizationID, p.OrganizationSlug, p.OrganizationName = o.ID, o.Slug, o.Name
	return nil
}

// DeletePosition removes one of the caller's positions. Returns ENOTFOUND
// when the caller has no position with this id.
func (s *Profiles) DeletePosition(ctx context.Context, id int64) error {
	c, err := member(ctx)
	if err != nil {
		return err
	}
	if err := s.db.DeletePosition(ctx, c.MemberID, id); err != nil {
		return err
	}
	s.profileChanged(ctx, c.MemberID)
	return nil
}

// AddEducation adds a school to the caller's profile.
// Returns EINVALID naming the field at fault.
func (s *Profiles) AddEducation(ctx context.Context, e rapport.Education) (*rapport.Education, error) {
	c, err := member(ctx)
	if err != nil {
		return nil, err
	}
	e.ID, e.MemberID = 0, c.MemberID
	if err := e.Validate(); err != nil {
		return nil, err
	}
	if err := s.db.CreateEducation(ctx, &e, s.now()); err != nil {
		return nil, err
	}
	s.profileChanged(ctx, c.MemberID)
	s.broadcast(ctx, c, "New education: "+strings.TrimSpace(e.School))
	return &e, nil
}

// UpdateEducation replaces one of the caller's education entries. Returns
// ENOTFOUND when the caller has no entry with this id.
func (s *Profiles) UpdateEducation(ctx context.Context, id int64, e rapport.Education) (*rapport.Education, error) {
	c, err := member(ctx)
	if err != nil {
		return nil, err
	}
	e.ID, e.MemberID = id, c.MemberID
	if err := e.Validate(); err != nil {
		return nil, err
	}
	if err := s.db.UpdateEducation(ctx, &e); err != nil {
		return nil, err
	}
	s.profileChanged(ctx, c.MemberID)
	return &e, nil
}

// DeleteEducation removes one of the caller's education entries. Returns
// ENOTFOUND when the caller has no entry with this id.
func (s *Profiles) DeleteEducation(ctx context.Context, id int64) error {
	c, err := member(ctx)
	if err != nil {
		return err
	}
	if err := s.db.DeleteEducation(ctx, c.MemberID, id); err != nil {
		return err
	}
	s.profileChanged(ctx, c.MemberID)
	return nil
}

// SetSkills replaces the caller's skills, deduplicated case-insensitively.
// Returns EINVALID naming skills when there are too many or one is too long.
func (s *Profiles) SetSkills(ctx context.Context, skills []string) ([]string, error) {
	c, err := member(ctx)
	if err != nil {
		return nil, err
	}
	skills, err = rapport.NormalizeSkills(skills)
	if err != nil {
		return nil, err
	}
	before, err := s.db.FindMemberByID(ctx, c.MemberID)
	if err != nil {
		return nil, err
	}
	if err := s.db.ReplaceSkills(ctx, c.MemberID, skills); err != nil {
		return nil, err
	}
	s.profileChanged(ctx, c.MemberID)
	var added []string
	for _, sk := range skills {
		if !slices.ContainsFunc(before.Profile.Skills, func(o string) bool { return strings.EqualFold(o, sk) }) {
			added = append(added, sk)
		}
	}
	if len(added) > 0 {
		s.broadcast(ctx, c, "New skills: "+strings.Join(added, ", "))
	}
	return skills, nil
}

// SplitList reads a list typed as one comma- or line-separated text, such
// as skills or tags.
func SplitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == ';' })
}

// relation places b relative to a: from the graph index, or, on a site that
// runs without it (Config.SQLGraph, for measuring what the index saves),
// from the store in SQL.
func (s *Profiles) relation(ctx context.Context, a, b int64) (rapport.Relation, error) {
	if !s.sqlGraph {
		return rapport.Relation{Degree: int(s.graph.Degree(a, b)), MutualCount: s.graph.MutualCount(a, b)}, nil
	}
	d, err := s.db.FindDegree(ctx, a, b)
	if err != nil {
		return rapport.Relation{}, err
	}
	n, err := s.db.CountMutualConnections(ctx, a, b)
	return rapport.Relation{Degree: d, MutualCount: n}, err
}
