package service

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/graph"
	"github.com/rapportnet/rapport/store"
)

// Network keeps the promises about connections: a connection needs two
// yeses and ends with one; an ignored invitation looks pending to its
// sender; a block is silent. Nobody but the two members creates or removes
// a connection.
type Network struct {
	base
	cfg Config
}

// notFoundMember is the answer for a member who does not exist, is closed,
// or blocked the caller: the three are told apart by nothing.
func notFoundMember() error { return rapport.Errorf(rapport.ENOTFOUND, "Member not found.") }

// other finds the member at handle as the caller may reach them. Returns
// ENOTFOUND for no such member, a suspended one, and one who blocked the
// caller, alike; and whether the caller blocked them.
func (s *base) other(ctx context.Context, c rapport.Caller, handle string) (m *rapport.Member, callerBlocked bool, err error) {
	m, err = s.db.FindMemberByHandle(ctx, rapport.NormalizeHandle(handle))
	if rapport.ErrorCode(err) == rapport.ENOTFOUND {
		return nil, false, notFoundMember()
	} else if err != nil {
		return nil, false, err
	}
	if m.Status != rapport.StatusActive {
		return nil, false, notFoundMember()
	}
	callerBlocked, blockedCaller, err := s.db.FindBlocks(ctx, c.MemberID, m.ID)
	if err != nil {
		return nil, false, err
	} else if blockedCaller {
		return nil, false, notFoundMember()
	}
	return m, callerBlocked, nil
}

// reachable finds the member at handle, given in the named field, whom
// the caller may reach: not blocked either way, not closed. Returns
// EINVALID for an empty handle, and ENOTFOUND naming the field for a
// member who does not exist, is closed, or is on either side of a block
// with the caller, alike.
func (s *base) reachable(ctx context.Context, c rapport.Caller, handle, field string) (*rapport.Member, error) {
	if strings.TrimSpace(handle) == "" {
		return nil, rapport.FieldError(field, "Say whom, by their handle.")
	}
	m, callerBlocked, err := s.other(ctx, c, handle)
	if err == nil && callerBlocked {
		err = notFoundMember()
	}
	var e *rapport.Error
	if errors.As(err, &e) && e.Code == rapport.ENOTFOUND {
		return nil, &rapport.Error{Code: e.Code, Field: field, Message: e.Message}
	}
	return m, err
}

// Invite is an invitation as the sender writes it.
type Invite struct {
	To          string // the recipient's handle
	HowMet      string
	PositionID  int64
	EducationID int64
	Note        string
}

// Invite sends an invitation, or connects the two members at once when the
// recipient has an open invitation to the caller (two crossing invitations
// are two yeses). It returns the invitation and whether the members are now
// connected. Returns ENOTFOUND for a member who does not exist, is closed or
// blocked the caller (alike); EINVALID for oneself or bad fields; ECONFLICT
// when connected already, invited already, recently withdrawn, or refused
// with "I don't know"; ERATELIMITED past the weekly limit.
func (s *Network) Invite(ctx context.Context, in Invite) (*rapport.Invitation, bool, error) {
	c, err := member(ctx)
	if err != nil {
		return nil, false, err
	}
	inv := &rapport.Invitation{SenderID: c.MemberID, HowMet: in.HowMet, PositionID: in.PositionID, EducationID: in.EducationID,
		Note: strings.TrimSpace(in.Note), Status: rapport.InvitationPending}
	if err := inv.Validate(); err != nil {
		return nil, false, err
	}
	if strings.TrimSpace(in.To) == "" {
		return nil, false, rapport.FieldError("to", "Say whom to invite.")
	}
	to, callerBlocked, err := s.other(ctx, c, in.To)
	if err != nil {
		return nil, false, err
	}
	if to.ID == c.MemberID {
		return nil, false, rapport.FieldError("to", "You cannot invite yourself.")
	} else if callerBlocked {
		return nil, false, &rapport.Error{Code: rapport.ECONFLICT, Field: "to", Message: "You blocked this member. Unblock them first."}
	}
	inv.RecipientID = to.ID
	if err := s.checkReference(ctx, c.MemberID, inv); err != nil {
		return nil, false, err
	}
	if connected, err := s.db.IsConnected(ctx, c.MemberID, to.ID); err != nil {
		return nil, false, err
	} else if connected {
		return nil, false, &rapport.Error{Code: rapport.ECONFLICT, Field: "to", Message: "You are connected already."}
	}
	now := s.now()

	// An open invitation the other way: inviting back is saying yes.
	back, err := s.db.FindInvitations(ctx, store.InvitationFilter{SenderID: to.ID, RecipientID: c.MemberID,
		Statuses: []string{rapport.InvitationPending, rapport.InvitationIgnored}, CreatedAfter: now.Add(-rapport.InvitationTTL)})
	if err != nil {
		return nil, false, err
	} else if len(back) > 0 {
		if err := s.checkConnectionLimit(ctx, c.MemberID, to.ID); err != nil {
			return nil, false, err
		}
		if _, err := s.db.AcceptInvitation(ctx, back[0].ID, c.MemberID, now.Add(-rapport.InvitationTTL), now); err != nil {
			return nil, false, err
		}
		s.graph.Add(c.MemberID, to.ID)
		back[0].Status = rapport.InvitationAccepted
		s.notify(ctx, &rapport.Notification{MemberID: to.ID, Kind: rapport.NotifyInvitationAccepted, Actor: &rapport.Member{ID: c.MemberID}})
		return back[0], true, nil
	}

	history, err := s.db.FindInvitations(ctx, store.InvitationFilter{SenderID: c.MemberID, RecipientID: to.ID})
	if err != nil {
		return nil, false, err
	}
	for _, h := range history {
		switch {
		case h.DontKnow, h.Open(now):
			// To the sender a refused invitation looks like a pending one,
			// so the answer is the same.
			return nil, false, &rapport.Error{Code: rapport.ECONFLICT, Field: "to", Message: "You have invited this member already."}
		case h.Status == rapport.InvitationPending || h.Status == rapport.InvitationIgnored:
			// Expired, but still stored as open: close it so the new one can be.
			if err := s.db.UpdateInvitationStatus(ctx, h.ID, c.MemberID, true, []string{h.Status}, rapport.InvitationExpired, false, now); err != nil {
				return nil, false, err
			}
		case h.Status == rapport.InvitationWithdrawn && now.Sub(h.UpdatedAt) < rapport.ReinviteDelay:
			return nil, false, &rapport.Error{Code: rapport.ECONFLICT, Field: "to",
				Message: "You withdrew an invitation to this member less than 3 weeks ago. You can invite them again from " + h.UpdatedAt.Add(rapport.ReinviteDelay).Format("2 January 2006") + "."}
		}
	}
	sent, err := s.db.CountInvitationsSent(ctx, c.MemberID, now.Add(-7*24*time.Hour))
	if err != nil {
		return nil, false, err
	} else if sent >= s.cfg.MaxInvitationsPerWeek {
		return nil, false, &rapport.Error{Code: rapport.ERATELIMITED, RetryAfter: 24 * time.Hour,
			Message: "You have sent as many invitations as a week allows. Try again in a few days."}
	}
	if err := s.checkConnectionLimit(ctx, c.MemberID, to.ID); err != nil {
		return nil, false, err
	}
	if inv.Sender, err = s.db.FindMemberSummary(ctx, c.MemberID); err != nil {
		return nil, false, err
	}
	inv.CreatedAt, inv.UpdatedAt, inv.Recipient = now, now, to
	if err := s.db.CreateInvitation(ctx, inv); err != nil {
		return nil, false, err
	}
	s.notify(ctx, &rapport.Notification{MemberID: to.ID, Kind: rapport.NotifyInvitationReceived, Actor: inv.Sender, InvitationID: inv.ID})
	return inv, false, nil
}

// checkReference checks that a position or school named in an invitation
// is one of the sender's own.
func (s *Network) checkReference(ctx context.Context, senderID int64, inv *rapport.Invitation) error {
	if inv.PositionID == 0 && inv.EducationID == 0 {
		return nil
	}
	me, err := s.db.FindMemberByID(ctx, senderID)
	if err != nil {
		return err
	}
	for _, p := range me.Profile.Positions {
		if p.ID == inv.PositionID {
			return nil
		}
	}
	for _, e := range me.Profile.Education {
		if e.ID == inv.EducationID {
			return nil
		}
	}
	if inv.PositionID != 0 {
		return rapport.FieldError("position_id", "This is not one of your positions.")
	}
	return rapport.FieldError("education_id", "This is not one of your schools.")
}

func (s *Network) checkConnectionLimit(ctx context.Context, ids ...int64) error {
	for _, id := range ids {
		n, err := s.db.CountConnections(ctx, id)
		if err != nil {
			return err
		} else if n >= s.cfg.MaxConnections {
			return &rapport.Error{Code: rapport.ECONFLICT, Field: "to", Message: "A member has at most 30,000 connections; one of you has reached it."}
		}
	}
	return nil
}

// Accept accepts an open invitation addressed to the caller, pending or
// ignored, and connects the two members. Returns ENOTFOUND when the caller
// has no such open invitation.
func (s *Network) Accept(ctx context.Context, id int64) error {
	c, err := member(ctx)
	if err != nil {
		return err
	}
	inv, err := s.db.FindInvitationByID(ctx, id)
	if err != nil {
		return err
	} else if inv.RecipientID != c.MemberID {
		return rapport.Errorf(rapport.ENOTFOUND, "Invitation not found.")
	}
	if err := s.checkConnectionLimit(ctx, inv.SenderID, inv.RecipientID); err != nil {
		return err
	}
	now := s.now()
	if _, err := s.db.AcceptInvitation(ctx, id, c.MemberID, now.Add(-rapport.InvitationTTL), now); err != nil {
		return err
	}
	s.graph.Add(inv.SenderID, c.MemberID)
	// Accepting is told; ignoring never is.
	s.notify(ctx, &rapport.Notification{MemberID: inv.SenderID, Kind: rapport.NotifyInvitationAccepted, Actor: &rapport.Member{ID: c.MemberID}})
	return nil
}

// Ignore moves a pending invitation addressed to the caller to the ignored
// list. Its sender is told nothing and keeps seeing it as pending.
// Returns ENOTFOUND when the caller has no such pending invitation.
func (s *Network) Ignore(ctx context.Context, id int64) error {
	return s.moveOpenInvitation(ctx, id, false, rapport.InvitationIgnored, false)
}

// DontKnow ignores an invitation addressed to the caller and records that
// the caller does not know its sender, who can then not invite them again.
// Returns ENOTFOUND when the caller has no such open invitation.
func (s *Network) DontKnow(ctx context.Context, id int64) error {
	return s.moveOpenInvitation(ctx, id, false, rapport.InvitationIgnored, true)
}

// Withdraw withdraws an open invitation the caller sent; the recipient is
// not told. Returns ENOTFOUND when the caller sent no such open invitation
// (an ignored one counts as open: to its sender it is pending).
func (s *Network) Withdraw(ctx context.Context, id int64) error {
	return s.moveOpenInvitation(ctx, id, true, rapport.InvitationWithdrawn, false)
}

// moveOpenInvitation moves an open invitation of the caller's (as sender
// or recipient) to status. Returns ENOTFOUND when there is none.
func (s *Network) moveOpenInvitation(ctx context.Context, id int64, bySender bool, status string, dontKnow bool) error {
	c, err := member(ctx)
	if err != nil {
		return err
	}
	return s.db.UpdateInvitationStatus(ctx, id, c.MemberID, bySender, []string{rapport.InvitationPending, rapport.InvitationIgnored},
		status, dontKnow, s.now())
}

// ReceivedInvitations lists the open invitations addressed to the caller:
// pending ones, or ignored ones when ignored is true. Invitations from
// members the caller blocked are left out.
func (s *Network) ReceivedInvitations(ctx context.Context, ignored bool) ([]*rapport.Invitation, error) {
	c, err := member(ctx)
	if err != nil {
		return nil, err
	}
	status := rapport.InvitationPending
	if ignored {
		status = rapport.InvitationIgnored
	}
	list, err := s.db.FindInvitations(ctx, store.InvitationFilter{RecipientID: c.MemberID, Statuses: []string{status},
		CreatedAfter: s.now().Add(-rapport.InvitationTTL)})
	return s.asSeenBy(c, list), err
}

// asSeenBy sets each invitation's status to what the caller may see: to
// its sender an ignored invitation is pending. This is the one place that
// rule is kept.
func (s *Network) asSeenBy(c rapport.Caller, list []*rapport.Invitation) []*rapport.Invitation {
	now := s.now()
	// A closed or suspended account is shown nowhere, its invitations
	// included.
	list = slices.DeleteFunc(list, func(inv *rapport.Invitation) bool {
		other := inv.Sender
		if inv.SenderID == c.MemberID {
			other = inv.Recipient
		}
		return other != nil && other.Status != rapport.StatusActive
	})
	for _, inv := range list {
		inv.Status = inv.StatusFor(c.MemberID, now)
		if c.MemberID != inv.RecipientID {
			inv.DontKnow = false
		}
	}
	return list
}

// SentInvitations lists the open invitations the caller sent, each with the
// status its sender may see: ignored ones are pending.
func (s *Network) SentInvitations(ctx context.Context) ([]*rapport.Invitation, error) {
	c, err := member(ctx)
	if err != nil {
		return nil, err
	}
	list, err := s.db.FindInvitations(ctx, store.InvitationFilter{SenderID: c.MemberID,
		Statuses: []string{rapport.InvitationPending, rapport.InvitationIgnored}, CreatedAfter: s.now().Add(-rapport.InvitationTTL)})
	return s.asSeenBy(c, list), err
}

// Connections lists the caller's connections.
func (s *Network) Connections(ctx context.Context, query string, byName bool, limit, offset int) ([]*rapport.Connection, error) {
	c, err := member(ctx)
	if err != nil {
		return nil, err
	}
	return s.db.FindConnections(ctx, store.ConnectionFilter{MemberID: c.MemberID, Query: query, ByName: byName, Limit: limit, Offset: offset})
}

// RemoveConnection ends the caller's connection with the member at handle,
// silently. Returns ENOTFOUND when they are not connected.
func (s *Network) RemoveConnection(ctx context.Context, handle string) error {
	c, err := member(ctx)
	if err != nil {
		return err
	}
	other, err := s.undo(ctx, handle, "Connection", s.db.DeleteConnection)
	if err != nil {
		return err
	}
	s.graph.Remove(c.MemberID, other)
	return nil
}

// undo removes, with drop, something between the caller and the member at
// handle (a connection, a block, a follow), and returns that member's id.
// Returns ENOTFOUND, saying what, when there is nothing to remove, whether
// or not the member exists.
func (s *Network) undo(ctx context.Context, handle, what string, drop func(ctx context.Context, a, b int64) error) (int64, error) {
	c, err := member(ctx)
	if err != nil {
		return 0, err
	}
	notFound := rapport.Errorf(rapport.ENOTFOUND, "%s not found.", what)
	other, err := s.db.FindMemberByHandle(ctx, rapport.NormalizeHandle(handle))
	if rapport.ErrorCode(err) == rapport.ENOTFOUND {
		return 0, notFound
	} else if err != nil {
		return 0, err
	}
	if err := drop(ctx, c.MemberID, other.ID); rapport.ErrorCode(err) == rapport.ENOTFOUND {
		return 0, notFound
	} else if err != nil {
		return 0, err
	}
	return other.ID, nil
}

// Block blocks the member at handle: it removes the connection and the open
// invitations between the two, and hides each from the other. The blocked
// member is told nothing. Returns ENOTFOUND for a member the caller cannot
// reach, EINVALID for oneself.
func (s *Network) Block(ctx context.Context, handle string) error {
	c, err := member(ctx)
	if err != nil {
		return err
	}
	other, _, err := s.other(ctx, c, handle)
	if err != nil {
		return err
	} else if other.ID == c.MemberID {
		return rapport.FieldError("handle", "You cannot block yourself.")
	}
	if err := s.db.CreateBlock(ctx, c.MemberID, other.ID, s.now()); err != nil {
		return err
	}
	s.graph.Remove(c.MemberID, other.ID)
	return nil
}

// Unblock lifts the caller's block of the member at handle. Returns
// ENOTFOUND when the caller did not block them.
func (s *Network) Unblock(ctx context.Context, handle string) error {
	_, err := s.undo(ctx, handle, "Block", s.db.DeleteBlock)
	return err
}

// Blocked lists the members the caller blocked.
func (s *Network) Blocked(ctx context.Context) ([]*rapport.Member, error) {
	c, err := member(ctx)
	if err != nil {
		return nil, err
	}
	return s.db.FindBlocked(ctx, c.MemberID)
}

// Suggestion is a member the caller may know, and why.
type Suggestion struct {
	Member      *rapport.Member
	MutualCount int
	// Organizations and Schools the caller named too, in the caller's words.
	Organizations, Schools []string
}

// placeWeight is how many mutual connections a shared organization or
// school counts as, in ranking suggestions: having worked or studied in the
// same place is a good sign of knowing someone, but a few connections in
// common are a better one.
const placeWeight = 3

// Suggestions returns up to n members the caller may know: those with the
// most mutual connections and shared organizations and schools first (see
// placeWeight). It leaves out members connected already, invited either
// way, withdrawn from in the last 3 weeks, refused with "I don't know"
// either way, blocked either way, and accounts that are not active.
func (s *Network) Suggestions(ctx context.Context, n int) ([]Suggestion, error) {
	c, err := member(ctx)
	if err != nil {
		return nil, err
	}
	excluded, err := s.db.FindSuggestionExclusions(ctx, c.MemberID, s.now().Add(-rapport.ReinviteDelay))
	if err != nil {
		return nil, err
	}
	places, err := s.db.FindSharedPlaces(ctx, c.MemberID, 1000)
	if err != nil {
		return nil, err
	}
	// Ask the index for more than needed: some may turn out closed, and
	// shared places may lift others above them.
	found := s.graph.Suggestions(c.MemberID, 2*n+5, func(id int64) bool { return excluded[id] })
	byID := make(map[int64]*Suggestion, len(found)+len(places))
	var order []*Suggestion
	add := func(id int64) *Suggestion {
		sg := byID[id]
		if sg == nil {
			sg = &Suggestion{}
			byID[id] = sg
			order = append(order, sg)
			sg.Member = &rapport.Member{ID: id}
		}
		return sg
	}
	for _, f := range found {
		add(f.MemberID).MutualCount = f.Mutual
	}
	for _, p := range places {
		if excluded[p.MemberID] || p.MemberID == c.MemberID || s.graph.Connected(c.MemberID, p.MemberID) {
			continue
		}
		sg := byID[p.MemberID]
		if sg == nil {
			sg = add(p.MemberID)
			sg.MutualCount = s.graph.MutualCount(c.MemberID, p.MemberID)
		}
		if p.School {
			sg.Schools = append(sg.Schools, p.Name)
		} else {
			sg.Organizations = append(sg.Organizations, p.Name)
		}
	}
	score := func(sg *Suggestion) int {
		return sg.MutualCount + placeWeight*(len(sg.Organizations)+len(sg.Schools))
	}
	slices.SortStableFunc(order, func(a, b *Suggestion) int {
		if c := cmp.Compare(score(b), score(a)); c != 0 {
			return c
		}
		return cmp.Compare(a.Member.ID, b.Member.ID)
	})
	order = order[:min(len(order), 2*n+5)]
	ids := make([]int64, len(order))
	for i, sg := range order {
		ids[i] = sg.Member.ID
	}
	cards, err := s.db.FindMemberCards(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Suggestion, 0, n)
	for _, sg := range order {
		if m := cards[sg.Member.ID]; m != nil && len(out) < n {
			sg.Member = m
			out = append(out, *sg)
		}
	}
	return out, nil
}

// Mutuals returns the connections the caller shares with the member at
// handle, by member id. Returns ENOTFOUND for a member the caller cannot
// reach.
func (s *Network) Mutuals(ctx context.Context, handle string, offset, limit int) ([]*rapport.Member, int, error) {
	c, err := member(ctx)
	if err != nil {
		return nil, 0, err
	}
	// Hidden both ways: the caller's own block too.
	other, err := s.reachable(ctx, c, handle, "")
	if err != nil {
		return nil, 0, err
	}
	ids := s.graph.Mutuals(c.MemberID, other.ID)
	total := len(ids)
	ids = ids[min(offset, len(ids)):min(offset+limit, len(ids))]
	cards, err := s.db.FindMemberCards(ctx, ids)
	if err != nil {
		return nil, 0, err
	}
	out := make([]*rapport.Member, 0, len(ids))
	for _, id := range ids {
		if m := cards[id]; m != nil {
			out = append(out, m)
		}
	}
	return out, total, nil
}

// IntroductionPath returns whom to ask for an introduction to the member at
// handle: the members along a shortest path of at most three steps, the
// caller first. It is empty when the member is further or a connection
// already. Returns ENOTFOUND for a member the caller cannot reach.
func (s *Network) IntroductionPath(ctx context.Context, handle string) ([]*rapport.Member, error) {
	c, err := member(ctx)
	if err != nil {
		return nil, err
	}
	// Hidden both ways: the caller's own block too.
	other, err := s.reachable(ctx, c, handle, "")
	if err != nil {
		return nil, err
	}
	trusted, err := s.db.FindTaggedConnections(ctx, c.MemberID, rapport.TagTrusted)
	if err != nil {
		return nil, err
	}
	ids := s.graph.Path(c.MemberID, other.ID, func(via int64) bool { return trusted[via] })
	if len(ids) < 3 {
		return nil, nil
	}
	cards, err := s.db.FindMemberCards(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*rapport.Member, 0, len(ids))
	for _, id := range ids {
		m := cards[id]
		if m == nil {
			return nil, nil // someone along the way is gone
		}
		out = append(out, m)
	}
	return out, nil
}

// UpdateConnectionNote sets the caller's private note and tags on their
// connection with the member at handle; nobody else ever sees them.
// Returns ENOTFOUND when the two are not connected, EINVALID naming note or
// tags.
func (s *Network) UpdateConnectionNote(ctx context.Context, handle, note string, tags []string) (string, []string, error) {
	c, err := member(ctx)
	if err != nil {
		return "", nil, err
	}
	note = strings.TrimSpace(note)
	if err := rapport.ValidateConnectionNote(note); err != nil {
		return "", nil, err
	}
	if tags, err = rapport.NormalizeTags(tags); err != nil {
		return "", nil, err
	}
	other, err := s.db.FindMemberByHandle(ctx, rapport.NormalizeHandle(handle))
	if err != nil {
		return "", nil, rapport.Errorf(rapport.ENOTFOUND, "Connection not found.")
	}
	if err := s.db.UpdateConnectionNote(ctx, c.MemberID, other.ID, note, tags, s.now()); err != nil {
		return "", nil, err
	}
	return note, tags, nil
}

// MemberConnections lists the connections of the member at handle as the
// caller may see them: all of their own; another member's only when that
// member shows them to their connections and the caller is one. Notes and
// tags are never shown but to their author, and members blocked either way
// by the caller are left out. Returns ENOTFOUND for a member the caller
// cannot reach, EFORBIDDEN when the list is not for the caller to see.
func (s *Network) MemberConnections(ctx context.Context, handle string, limit, offset int) ([]*rapport.Connection, error) {
	c, err := member(ctx)
	if err != nil {
		return nil, err
	}
	// Hidden both ways: the caller's own block too.
	other, err := s.reachable(ctx, c, handle, "")
	if err != nil {
		return nil, err
	}
	if other.ID != c.MemberID {
		if other.Profile.ConnectionsVisibility == rapport.ConnectionsVisibleToNobody {
			return nil, rapport.Errorf(rapport.EFORBIDDEN, "%s keeps their connections private. Your mutual connections are still shown.", other.DisplayName)
		} else if !s.graph.Connected(c.MemberID, other.ID) {
			return nil, rapport.Errorf(rapport.EFORBIDDEN, "%s shows their connections to their connections only.", other.DisplayName)
		}
	}
	list, err := s.db.FindConnections(ctx, store.ConnectionFilter{MemberID: other.ID, ByName: true, Limit: limit, Offset: offset})
	if err != nil {
		return nil, err
	}
	hidden, err := s.db.FindBlockedEitherWay(ctx, c.MemberID)
	if err != nil {
		return nil, err
	}
	out := list[:0]
	for _, conn := range list {
		if hidden[conn.Other.ID] {
			continue
		}
		if other.ID != c.MemberID {
			conn.Note, conn.Tags = "", nil // the owner's, not the viewer's
		}
		out = append(out, conn)
	}
	return out, nil
}

// Follow makes the caller follow the member at handle, one way; connections
// follow each other already. Returns ENOTFOUND for a member the caller
// cannot reach (blocked either way, closed, missing), EINVALID for oneself.
func (s *Network) Follow(ctx context.Context, handle string) error {
	c, err := member(ctx)
	if err != nil {
		return err
	}
	other, callerBlocked, err := s.other(ctx, c, handle)
	if err != nil {
		return err
	} else if other.ID == c.MemberID {
		return rapport.FieldError("handle", "You cannot follow yourself.")
	} else if callerBlocked {
		return &rapport.Error{Code: rapport.ECONFLICT, Field: "handle", Message: "You blocked this member. Unblock them first."}
	}
	return s.db.CreateFollow(ctx, c.MemberID, other.ID, s.now())
}

// Unfollow stops the caller following the member at handle, without
// touching a connection between them. Returns ENOTFOUND when the caller
// does not follow them.
func (s *Network) Unfollow(ctx context.Context, handle string) error {
	_, err := s.undo(ctx, handle, "Follow", s.db.DeleteFollow)
	return err
}

// Following lists whom the caller follows (following true) or who follows
// the caller.
func (s *Network) Following(ctx context.Context, following bool) ([]*rapport.Member, error) {
	c, err := member(ctx)
	if err != nil {
		return nil, err
	}
	return s.db.FindFollowing(ctx, c.MemberID, following)
}

// Relations places members relative to the caller: the degree and the
// mutual count of each, for every list that shows members. Anonymous
// callers, and the caller themselves, get the zero Relation.
func (s *Network) Relations(ctx context.Context, ids []int64) map[int64]rapport.Relation {
	out := make(map[int64]rapport.Relation, len(ids))
	c := rapport.CallerFromContext(ctx)
	if c.Anonymous() || len(ids) == 0 {
		return out
	}
	// A circle walks the caller's whole second degree: milliseconds for a
	// member with a thousand connections among hubs. A page of a feed
	// names a few dozen members, most of them connections; each one's
	// degree on its own costs microseconds.
	degree := func(id int64) graph.Degree { return s.graph.Degree(c.MemberID, id) }
	if len(ids) > fewRelations {
		degree = s.graph.Circle(c.MemberID).Degree
	}
	for _, id := range ids {
		if _, done := out[id]; !done && id != c.MemberID {
			out[id] = rapport.Relation{Degree: int(degree(id)), MutualCount: s.graph.MutualCount(c.MemberID, id)}
		}
	}
	return out
}

// fewRelations is how many members Relations places one by one rather
// than through the caller's circle.
const fewRelations = 64
