package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/rapportnet/rapport"
)

// GrantSeats adds n seats of a product to an organization's pool, with an
// audit entry by the site operator. Returns ENOTFOUND when there is no
// such organization.
func (db *DB) GrantSeats(ctx context.Context, orgID int64, product string, n int, now time.Time) error {
	return db.write(ctx, "grant seats", func(tx *Tx) error {
		if err := mustExist(ctx, tx, orgID); err != nil {
			return err
		}
		for range n {
			if _, err := tx.ExecContext(ctx, `INSERT INTO seats (organization_id, product, created_at) VALUES ($1, $2, $3)`,
				orgID, product, micros(now)); err != nil {
				return err
			}
		}
		return writeAudit(ctx, tx, rapport.AuditEntry{At: now, OrganizationID: orgID, Action: rapport.AuditSeatsGranted,
			Detail: fmt.Sprintf("%d %s", n, product)})
	})
}

// seatQuery reads seats with their current assignment and holder.
const seatQuery = `SELECT s.id, s.product, s.organization_id, o.slug, o.name, COALESCE(a.id, 0), COALESCE(a.status, ''), COALESCE(a.assigned_at, 0),
		COALESCE(m.id, 0), COALESCE(m.handle, ''), COALESCE(m.display_name, ''), COALESCE(m.headline, ''), COALESCE(m.status, '')
	FROM seats s JOIN organizations o ON o.id = s.organization_id
	LEFT JOIN seat_assignments a ON a.seat_id = s.id AND a.status IN ('offered', 'active')
	LEFT JOIN members m ON m.id = a.member_id`

func scanSeat(rows *sql.Rows) (*rapport.Seat, error) {
	s := &rapport.Seat{Organization: &rapport.Organization{}}
	var assigned int64
	holder := &rapport.Member{}
	if err := rows.Scan(&s.ID, &s.Product, &s.Organization.ID, &s.Organization.Slug, &s.Organization.Name, &s.AssignmentID, &s.Status, &assigned,
		&holder.ID, &holder.Handle, &holder.DisplayName, &holder.Profile.Headline, &holder.Status); err != nil {
		return nil, err
	}
	if holder.ID != 0 {
		s.Holder, s.AssignedAt = holder, fromMicros(assigned)
	}
	return s, nil
}

func (db *DB) querySeats(ctx context.Context, op, where string, args ...any) ([]*rapport.Seat, error) {
	var out []*rapport.Seat
	err := db.read(ctx, op, func(tx *Tx) error {
		return eachRow(ctx, tx, seatQuery+` WHERE `+where+` ORDER BY s.id`, args, func(rows *sql.Rows) error {
			s, err := scanSeat(rows)
			out = append(out, s)
			return err
		})
	})
	return out, err
}

// FindSeats returns an organization's seats, with their holders.
func (db *DB) FindSeats(ctx context.Context, orgID int64) ([]*rapport.Seat, error) {
	return db.querySeats(ctx, "find seats", `s.organization_id = $1`, orgID)
}

// FindSeat returns one seat with its holder. Returns ENOTFOUND when there
// is no such seat.
func (db *DB) FindSeat(ctx context.Context, id int64) (*rapport.Seat, error) {
	list, err := db.querySeats(ctx, "find seat", `s.id = $1`, id)
	if err != nil {
		return nil, err
	} else if len(list) == 0 {
		return nil, rapport.Errorf(rapport.ENOTFOUND, "Seat not found.")
	}
	return list[0], nil
}

// FindMemberSeats returns the seats offered to or held by a member.
func (db *DB) FindMemberSeats(ctx context.Context, memberID int64) ([]*rapport.Seat, error) {
	return db.querySeats(ctx, "find member seats", `a.member_id = $1`, memberID)
}

// AssignSeat offers a free seat to a member, with an audit entry by the
// actor. Returns ECONFLICT when the seat is not free.
func (db *DB) AssignSeat(ctx context.Context, seatID, memberID, actorID int64, now time.Time) error {
	return db.write(ctx, "assign seat", func(tx *Tx) error {
		return assignSeat(ctx, tx, seatID, memberID, actorID, now, rapport.AuditSeatAssigned)
	})
}

func assignSeat(ctx context.Context, tx *Tx, seatID, memberID, actorID int64, now time.Time, action string) error {
	if err := lockSeat(ctx, tx, seatID); err != nil {
		return err
	}
	var orgID int64
	if err := tx.QueryRowContext(ctx, `SELECT organization_id FROM seats WHERE id = $1`, seatID).Scan(&orgID); err != nil {
		return notFound(err, "Seat")
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO seat_assignments (seat_id, member_id, status, assigned_by, assigned_at)
		VALUES ($1, $2, $3, $4, $5)`, seatID, memberID, rapport.SeatOffered, actorID, micros(now))
	if ok, _ := isUniqueViolation(err); ok {
		return rapport.Errorf(rapport.ECONFLICT, "This seat is taken; revoke it or reassign it instead.")
	} else if err != nil {
		return err
	}
	return writeAudit(ctx, tx, rapport.AuditEntry{At: now, ActorID: actorID, OrganizationID: orgID, TargetID: memberID,
		Action: action, Detail: fmt.Sprintf("seat %d", seatID)})
}

// AnswerSeat records a member's answer to a seat offered to them: accepted
// (the seat becomes theirs) or declined (it is free again), with an audit
// entry. Returns ENOTFOUND when the seat is not offered to them.
func (db *DB) AnswerSeat(ctx context.Context, seatID, memberID int64, accept bool, now time.Time) error {
	status, action := rapport.SeatDeclined, rapport.AuditSeatDeclined
	if accept {
		status, action = rapport.SeatActive, rapport.AuditSeatAccepted
	}
	return db.write(ctx, "answer seat", func(tx *Tx) error {
		if err := lockSeat(ctx, tx, seatID); err != nil {
			return err
		}
		var orgID int64
		err := tx.QueryRowContext(ctx, `
			UPDATE seat_assignments SET status = $1, answered_at = $2
			WHERE seat_id = $3 AND member_id = $4 AND status = 'offered'
			RETURNING (SELECT organization_id FROM seats WHERE id = $3)`, status, micros(now), seatID, memberID).Scan(&orgID)
		if err != nil {
			return notFound(err, "Seat offer")
		}
		return writeAudit(ctx, tx, rapport.AuditEntry{At: now, ActorID: memberID, OrganizationID: orgID, TargetID: memberID,
			Action: action, Detail: fmt.Sprintf("seat %d", seatID)})
	})
}

// EndSeat ends the current assignment of a seat, offered or active, with
// an audit entry: revoked by the organization's actor, or returned by the
// holder. With memberID other than 0, only that member's assignment ends.
// Returns ENOTFOUND when there is none.
func (db *DB) EndSeat(ctx context.Context, seatID, memberID, actorID int64, status string, now time.Time) error {
	return db.write(ctx, "end seat", func(tx *Tx) error {
		_, err := endSeat(ctx, tx, seatID, memberID, actorID, status, now)
		return err
	})
}

func endSeat(ctx context.Context, tx *Tx, seatID, memberID, actorID int64, status string, now time.Time) (int64, error) {
	if err := lockSeat(ctx, tx, seatID); err != nil {
		return 0, err
	}
	var holder, orgID int64
	err := tx.QueryRowContext(ctx, `
		UPDATE seat_assignments SET status = $1, ended_at = $2
		WHERE seat_id = $3 AND status IN ('offered', 'active') AND (CAST($4 AS BIGINT) = 0 OR member_id = $4)
		RETURNING member_id, (SELECT organization_id FROM seats WHERE id = $3)`, status, micros(now), seatID, memberID).Scan(&holder, &orgID)
	if err != nil {
		return 0, notFound(err, "Seat holder")
	}
	action := rapport.AuditSeatRevoked
	if status == rapport.SeatReturned {
		action = rapport.AuditSeatReturned
	}
	return holder, writeAudit(ctx, tx, rapport.AuditEntry{At: now, ActorID: actorID, OrganizationID: orgID, TargetID: holder,
		Action: action, Detail: fmt.Sprintf("seat %d", seatID)})
}

// ReassignSeat revokes a seat from its holder and offers it to memberID,
// in one transaction, with audit entries for both. Returns ENOTFOUND when
// the seat has no holder.
func (db *DB) ReassignSeat(ctx context.Context, seatID, memberID, actorID int64, now time.Time) error {
	return db.write(ctx, "reassign seat", func(tx *Tx) error {
		if _, err := endSeat(ctx, tx, seatID, 0, actorID, rapport.SeatRevoked, now); err != nil {
			return err
		}
		return assignSeat(ctx, tx, seatID, memberID, actorID, now, rapport.AuditSeatReassigned)
	})
}

// FindSeatStanding returns the seat and the status of memberID's latest
// assignment to it ("" when they never had one): what every request made
// from a seat is checked against.
func (db *DB) FindSeatStanding(ctx context.Context, seatID, memberID int64) (orgID int64, product, status string, err error) {
	err = db.readOne(ctx, "find seat standing", func(q querier) error {
		err := q.QueryRowContext(ctx, `SELECT s.organization_id, s.product,
			COALESCE((SELECT status FROM seat_assignments WHERE seat_id = s.id AND member_id = $2 ORDER BY id DESC LIMIT 1), '')
			FROM seats s WHERE s.id = $1`, seatID, memberID).Scan(&orgID, &product, &status)
		return notFound(err, "Seat")
	})
	return orgID, product, status, err
}

// lockSeat takes the seat's row for the rest of the transaction, so that
// two changes of one seat at once (two reassignments, a revocation and an
// answer) run one after the other on PostgreSQL as they do on SQLite.
func lockSeat(ctx context.Context, tx *Tx, seatID int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE seats SET created_at = created_at WHERE id = $1`, seatID)
	return err
}
