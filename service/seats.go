package service

import (
	"context"
	"slices"
	"strings"

	"github.com/rapportnet/rapport"
)

// Seats runs the seats of premium products that organizations are granted:
// the site operator grants a pool, a seat admin assigns a seat to a
// member, who accepts or declines it, and the organization revokes or
// reassigns it at any time. A seat is a context of its own: what is made
// from it belongs to the organization and stays with the seat. Nothing
// here touches the holder's personal account.
type Seats struct {
	base
}

// MaxSeatsGranted is the most seats one grant adds.
const MaxSeatsGranted = 10_000

// Grant adds count seats of a product to an organization's pool. It is the
// site operator's, run from the command line (rapport admin seats grant),
// and audited; there is no route to it.
func (s *Seats) Grant(ctx context.Context, slug, product string, count int) error {
	if !slices.Contains(rapport.Products, product) {
		return rapport.FieldError("product", "A product is one of %s.", strings.Join(rapport.Products, ", "))
	} else if count < 1 || count > MaxSeatsGranted {
		return rapport.FieldError("count", "Grant 1 to %d seats at a time.", MaxSeatsGranted)
	}
	o, err := s.db.FindOrganization(ctx, rapport.NormalizeSlug(slug))
	if err != nil {
		return err
	}
	return s.db.GrantSeats(ctx, o.ID, product, count, s.now())
}

// List returns the organization's seats and their holders, for its super
// and seat admins.
func (s *Seats) List(ctx context.Context, slug string) ([]*rapport.Seat, error) {
	_, o, err := s.admin(ctx, slug, manageSeats)
	if err != nil {
		return nil, err
	}
	return s.db.FindSeats(ctx, o.ID)
}

// orgSeat finds one of the organization's seats for its seat admins.
// Another organization's seat answers ENOTFOUND, like one that does not
// exist.
func (s *Seats) orgSeat(ctx context.Context, slug string, seatID int64) (rapport.Caller, *rapport.Seat, error) {
	c, o, err := s.admin(ctx, slug, manageSeats)
	if err != nil {
		return c, nil, err
	}
	seat, err := s.db.FindSeat(ctx, seatID)
	if err != nil {
		return c, nil, err
	} else if seat.Organization.ID != o.ID {
		return c, nil, rapport.Errorf(rapport.ENOTFOUND, "Seat not found.")
	}
	seat.Organization = o
	return c, seat, nil
}

// Assign offers a free seat to the member at handle, who accepts or
// declines it. Returns ECONFLICT when the seat is taken.
func (s *Seats) Assign(ctx context.Context, slug string, seatID int64, handle string) error {
	c, seat, m, err := s.seatAndMember(ctx, slug, seatID, handle)
	if err != nil {
		return err
	}
	if err := s.db.AssignSeat(ctx, seat.ID, m.ID, c.MemberID, s.now()); err != nil {
		return err
	}
	s.notifySeat(ctx, seat, m.ID, rapport.NotifySeatAssigned)
	return nil
}

// Reassign takes a seat from its holder and offers it to the member at
// handle, at once. The seat's data stays with the seat.
func (s *Seats) Reassign(ctx context.Context, slug string, seatID int64, handle string) error {
	c, seat, m, err := s.seatAndMember(ctx, slug, seatID, handle)
	if err != nil {
		return err
	}
	if seat.Holder != nil && seat.Holder.ID == m.ID {
		return rapport.FieldError("handle", "This member holds the seat already.")
	}
	if err := s.db.ReassignSeat(ctx, seat.ID, m.ID, c.MemberID, s.now()); err != nil {
		return err
	}
	s.seatEnded(ctx, seat)
	s.notifySeat(ctx, seat, m.ID, rapport.NotifySeatAssigned)
	return nil
}

// notifySeat tells a member that an organization gave them a seat or
// took it back.
func (s *Seats) notifySeat(ctx context.Context, seat *rapport.Seat, memberID int64, kind string) {
	s.notify(ctx, &rapport.Notification{MemberID: memberID, Kind: kind, SeatID: seat.ID, Organization: seat.Organization})
}

// seatEnded ends the live streams opened from a seat its holder lost, and
// tells them when they held it.
func (s *Seats) seatEnded(ctx context.Context, seat *rapport.Seat) {
	if seat.Holder == nil {
		return
	}
	s.streams.end(seat.Holder.ID, func(c rapport.Caller) bool { return c.SeatID == seat.ID })
	if seat.Status == rapport.SeatActive {
		s.notifySeat(ctx, seat, seat.Holder.ID, rapport.NotifySeatRevoked)
	}
}

// seatAndMember finds one of the organization's seats for its seat admins,
// and the member at handle as the admin may reach them.
func (s *Seats) seatAndMember(ctx context.Context, slug string, seatID int64, handle string) (rapport.Caller, *rapport.Seat, *rapport.Member, error) {
	c, seat, err := s.orgSeat(ctx, slug, seatID)
	if err != nil {
		return c, nil, nil, err
	}
	m, err := s.reachable(ctx, c, handle, "handle")
	return c, seat, m, err
}

// Revoke takes a seat from its holder (or withdraws the offer). From the
// next request on, the holder's requests from the seat are refused.
func (s *Seats) Revoke(ctx context.Context, slug string, seatID int64) error {
	c, seat, err := s.orgSeat(ctx, slug, seatID)
	if err != nil {
		return err
	}
	if err := s.db.EndSeat(ctx, seat.ID, 0, c.MemberID, rapport.SeatRevoked, s.now()); err != nil {
		return err
	}
	s.seatEnded(ctx, seat)
	return nil
}

// Mine returns the seats offered to or held by the caller.
func (s *Seats) Mine(ctx context.Context) ([]*rapport.Seat, error) {
	c, err := member(ctx)
	if err != nil {
		return nil, err
	}
	return s.db.FindMemberSeats(ctx, c.MemberID)
}

// Answer accepts or declines a seat offered to the caller. Returns
// ENOTFOUND when no such seat is offered to them.
func (s *Seats) Answer(ctx context.Context, seatID int64, accept bool) error {
	c, err := member(ctx)
	if err != nil {
		return err
	}
	return s.db.AnswerSeat(ctx, seatID, c.MemberID, accept, s.now())
}

// Leave gives up a seat the caller holds; it goes back to the pool.
func (s *Seats) Leave(ctx context.Context, seatID int64) error {
	c, err := member(ctx)
	if err != nil {
		return err
	}
	return s.db.EndSeat(ctx, seatID, c.MemberID, c.MemberID, rapport.SeatReturned, s.now())
}

// ErrSeatRevoked is the message of a request from a seat the organization
// took back.
const ErrSeatRevoked = "This seat was revoked by the organization. Your personal account is as it was."

// Enter checks that the caller holds the seat and it is active, and
// returns it: for switching into a seat.
func (s *Seats) Enter(ctx context.Context, seatID int64) (*rapport.Seat, error) {
	c := rapport.CallerFromContext(ctx)
	c.SeatID = seatID
	_, seat, err := s.seat(rapport.NewContextWithCaller(ctx, c))
	return seat, err
}

// seat checks, for one request, that the caller holds the seat they act
// from (Caller.SeatID) and it is active, and returns it with its
// organization. Every request from a seat is checked again, so that a
// revocation holds from the next request on. Returns EFORBIDDEN, saying
// so, for a seat revoked from the caller, and EFORBIDDEN for a request
// not made from a seat or from one they do not hold.
func (s *base) seat(ctx context.Context) (rapport.Caller, *rapport.Seat, error) {
	c, err := member(ctx)
	if err != nil {
		return c, nil, err
	} else if c.SeatID == 0 {
		return c, nil, rapport.Errorf(rapport.EFORBIDDEN, "Act from a seat for this: switch into it first.")
	}
	orgID, product, status, err := s.db.FindSeatStanding(ctx, c.SeatID, c.MemberID)
	if err != nil && rapport.ErrorCode(err) != rapport.ENOTFOUND {
		return c, nil, err
	}
	switch status {
	case rapport.SeatActive:
	case rapport.SeatRevoked:
		return c, nil, rapport.Errorf(rapport.EFORBIDDEN, ErrSeatRevoked)
	default:
		return c, nil, rapport.Errorf(rapport.EFORBIDDEN, "You do not hold this seat.")
	}
	// The organization's card, not its page: every request from a seat
	// comes here, and the page's counts are not free.
	orgs, err := s.db.FindOrganizations(ctx, []int64{orgID})
	if err != nil {
		return c, nil, err
	} else if len(orgs) == 0 {
		return c, nil, rapport.Errorf(rapport.EFORBIDDEN, "You do not hold this seat.")
	}
	return c, &rapport.Seat{ID: c.SeatID, Organization: orgs[0], Product: product, Status: status}, nil
}
