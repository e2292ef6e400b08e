package store

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rapportnet/rapport"
)

const invitationColumns = `i.id, i.sender_id, i.recipient_id, i.how_met, i.position_id, i.education_id, i.note, i.status, i.dont_know, i.created_at, i.updated_at`

// memberCard is what lists show of a member.
const memberCard = `%[1]s.id, %[1]s.handle, %[1]s.display_name, %[1]s.headline, %[1]s.status`

// formerCard is memberCard through a LEFT JOIN: the work a member did for
// a seat stays with the seat when their account is deleted, from "a former
// member" (id 0).
const formerCard = `COALESCE(%[1]s.id, 0), COALESCE(%[1]s.handle, ''), COALESCE(%[1]s.display_name, 'A former member'),
	COALESCE(%[1]s.headline, ''), COALESCE(%[1]s.status, 'closed')`

func scanInvitation(row interface{ Scan(...any) error }, withMembers bool) (*rapport.Invitation, error) {
	var inv rapport.Invitation
	var created, updated int64
	dest := []any{&inv.ID, &inv.SenderID, &inv.RecipientID, &inv.HowMet, &inv.PositionID, &inv.EducationID,
		&inv.Note, &inv.Status, &inv.DontKnow, &created, &updated}
	if withMembers {
		inv.Sender, inv.Recipient = &rapport.Member{}, &rapport.Member{}
		dest = append(dest, cardDest(inv.Sender)...)
		dest = append(dest, cardDest(inv.Recipient)...)
	}
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	inv.CreatedAt, inv.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &inv, nil
}

func cardDest(m *rapport.Member) []any {
	return []any{&m.ID, &m.Handle, &m.DisplayName, &m.Profile.Headline, &m.Status}
}

// CreateInvitation stores a new invitation and sets inv.ID. Returns
// ECONFLICT when the sender has an open invitation to the recipient already.
func (db *DB) CreateInvitation(ctx context.Context, inv *rapport.Invitation) error {
	return db.write(ctx, "create invitation", func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, `
			INSERT INTO invitations (sender_id, recipient_id, how_met, position_id, education_id, note, status, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
			inv.SenderID, inv.RecipientID, inv.HowMet, inv.PositionID, inv.EducationID, inv.Note, inv.Status, micros(inv.CreatedAt),
		).Scan(&inv.ID)
		if ok, _ := isUniqueViolation(err); ok {
			return &rapport.Error{Code: rapport.ECONFLICT, Field: "to", Message: "You have invited this member already."}
		}
		return err
	})
}

// FindInvitationByID returns one invitation. Returns ENOTFOUND if there is none.
func (db *DB) FindInvitationByID(ctx context.Context, id int64) (*rapport.Invitation, error) {
	var inv *rapport.Invitation
	err := db.read(ctx, "find invitation", func(tx *Tx) error {
		var err error
		inv, err = scanInvitation(tx.QueryRowContext(ctx, `SELECT `+invitationColumns+` FROM invitations i WHERE i.id = $1`, id), false)
		return notFound(err, "Invitation")
	})
	return inv, err
}

// InvitationFilter selects invitations. Zero fields do not filter.
type InvitationFilter struct {
	SenderID     int64
	RecipientID  int64
	Statuses     []string
	CreatedAfter time.Time // only invitations made after this time
	Limit        int
}

// FindInvitations lists invitations, newest first, with both members' cards.
func (db *DB) FindInvitations(ctx context.Context, f InvitationFilter) ([]*rapport.Invitation, error) {
	where, args := []string{"1 = 1"}, []any{}
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if f.SenderID != 0 {
		where = append(where, "i.sender_id = "+arg(f.SenderID))
	}
	if f.RecipientID != 0 {
		where = append(where, "i.recipient_id = "+arg(f.RecipientID))
	}
	if len(f.Statuses) > 0 {
		var ins []string
		for _, s := range f.Statuses {
			ins = append(ins, arg(s))
		}
		where = append(where, "i.status IN ("+strings.Join(ins, ", ")+")")
	}
	if !f.CreatedAfter.IsZero() {
		where = append(where, "i.created_at > "+arg(micros(f.CreatedAfter)))
	}
	limit := ""
	if f.Limit > 0 {
		limit = " LIMIT " + arg(f.Limit)
	}
	query := `SELECT ` + invitationColumns + `, ` + fmt.Sprintf(memberCard, "s") + `, ` + fmt.Sprintf(memberCard, "r") + `
		FROM invitations i JOIN members s ON s.id = i.sender_id JOIN members r ON r.id = i.recipient_id
		WHERE ` + strings.Join(where, " AND ") + ` ORDER BY i.created_at DESC, i.id DESC` + limit
	var out []*rapport.Invitation
	err := db.read(ctx, "find invitations", func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			inv, err := scanInvitation(rows, true)
			if err != nil {
				return err
			}
			out = append(out, inv)
		}
		return rows.Err()
	})
	return out, err
}

// UpdateInvitationStatus moves invitation id of the given recipient (or
// sender, when bySender) from one of the from statuses to status, setting
// dont_know when asked. Returns ENOTFOUND when no invitation matches.
func (db *DB) UpdateInvitationStatus(ctx context.Context, id, memberID int64, bySender bool, from []string, status string, dontKnow bool, now time.Time) error {
	who := "recipient_id"
	if bySender {
		who = "sender_id"
	}
	args := []any{status, dontKnow, micros(now), id, memberID}
	var ins []string
	for _, s := range from {
		args = append(args, s)
		ins = append(ins, fmt.Sprintf("$%d", len(args)))
	}
	query := `UPDATE invitations SET status = $1, dont_know = (dont_know OR $2), updated_at = $3
		WHERE id = $4 AND ` + who + ` = $5 AND status IN (` + strings.Join(ins, ", ") + `)`
	return db.write(ctx, "update invitation", func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return err
		}
		return mustAffect(res, "Invitation")
	})
}

// AcceptInvitation accepts an open invitation addressed to recipientID that
// was made after openSince, and connects the two members, in one
// transaction. An open invitation the other way is accepted with it.
// Returns the sender's id, or ENOTFOUND when no such invitation is open.
func (db *DB) AcceptInvitation(ctx context.Context, id, recipientID int64, openSince, now time.Time) (int64, error) {
	var senderID int64
	err := db.write(ctx, "accept invitation", func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, `
			UPDATE invitations SET status = 'accepted', updated_at = $1
			WHERE id = $2 AND recipient_id = $3 AND status IN ('pending', 'ignored') AND created_at > $4
			RETURNING sender_id`, micros(now), id, recipientID, micros(openSince)).Scan(&senderID)
		if err != nil {
			return notFound(err, "Invitation")
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE invitations SET status = 'accepted', updated_at = $1
			WHERE sender_id = $2 AND recipient_id = $3 AND status IN ('pending', 'ignored')`, micros(now), recipientID, senderID); err != nil {
			return err
		}
		for _, pair := range [][2]int64{{senderID, recipientID}, {recipientID, senderID}} {
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO connections (member_id, other_id, created_at) VALUES ($1, $2, $3)
				ON CONFLICT (member_id, other_id) DO NOTHING`, pair[0], pair[1], micros(now)); err != nil {
				return err
			}
			// Connections follow each other from the start.
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO follows (follower_id, followed_id, created_at) VALUES ($1, $2, $3)
				ON CONFLICT (follower_id, followed_id) DO NOTHING`, pair[0], pair[1], micros(now)); err != nil {
				return err
			}
		}
		return recordGraphChange(ctx, tx, senderID, recipientID, now)
	})
	return senderID, err
}

// CountInvitationsSent returns how many invitations a member sent after since.
func (db *DB) CountInvitationsSent(ctx context.Context, senderID int64, since time.Time) (int, error) {
	var n int
	err := db.read(ctx, "count invitations", func(tx *Tx) error {
		return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM invitations WHERE sender_id = $1 AND created_at > $2`,
			senderID, micros(since)).Scan(&n)
	})
	return n, err
}

// ConnectionFilter selects a member's connections.
type ConnectionFilter struct {
	MemberID int64
	Query    string // part of the name or handle, any case
	ByName   bool   // sort by name instead of newest first
	Limit    int
	Offset   int
}

// FindConnections lists a member's connections with the other members' cards.
func (db *DB) FindConnections(ctx context.Context, f ConnectionFilter) ([]*rapport.Connection, error) {
	args := []any{f.MemberID}
	where := "c.member_id = $1 AND m.status = 'active'"
	if q := strings.TrimSpace(f.Query); q != "" {
		args = append(args, "%"+strings.ToLower(escapeLike(q))+"%")
		where += fmt.Sprintf(` AND (LOWER(m.display_name) LIKE $%[1]d ESCAPE '\' OR m.handle LIKE $%[1]d ESCAPE '\')`, len(args))
	}
	order := "c.created_at DESC, m.id DESC"
	if f.ByName {
		order = "LOWER(m.display_name), m.id"
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 1000
	}
	args = append(args, limit, f.Offset)
	query := fmt.Sprintf(`SELECT c.created_at, COALESCE(n.note, ''), COALESCE(n.tags, ''), `+fmt.Sprintf(memberCard, "m")+`
		FROM connections c JOIN members m ON m.id = c.other_id
		LEFT JOIN connection_notes n ON n.member_id = c.member_id AND n.other_id = c.other_id
		WHERE %s ORDER BY %s LIMIT $%d OFFSET $%d`, where, order, len(args)-1, len(args))
	var out []*rapport.Connection
	err := db.read(ctx, "find connections", func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c := &rapport.Connection{MemberID: f.MemberID, Other: &rapport.Member{}, Tags: []string{}}
			var created int64
			var tags string
			if err := rows.Scan(append([]any{&created, &c.Note, &tags}, cardDest(c.Other)...)...); err != nil {
				return err
			}
			c.CreatedAt = fromMicros(created)
			if tags != "" {
				c.Tags = strings.Split(tags, ",")
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	return out, err
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// CountConnections returns how many connections a member has.
func (db *DB) CountConnections(ctx context.Context, memberID int64) (int, error) {
	var n int
	err := db.read(ctx, "count connections", func(tx *Tx) error {
		return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM connections WHERE member_id = $1`, memberID).Scan(&n)
	})
	return n, err
}

// IsConnected reports whether two members are connected.
func (db *DB) IsConnected(ctx context.Context, a, b int64) (bool, error) {
	var n int
	err := db.read(ctx, "is connected", func(tx *Tx) error {
		return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM connections WHERE member_id = $1 AND other_id = $2`, a, b).Scan(&n)
	})
	return n > 0, err
}

// DeleteConnection removes the connection between two members, both sides.
// Returns ENOTFOUND when they are not connected.
func (db *DB) DeleteConnection(ctx context.Context, a, b int64) error {
	return db.write(ctx, "delete connection", func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM connections WHERE (member_id = $1 AND other_id = $2) OR (member_id = $2 AND other_id = $1)`, a, b)
		if err != nil {
			return err
		} else if err := mustAffect(res, "Connection"); err != nil {
			return err
		}
		// The follows that came with the connection go with it.
		if _, err := tx.ExecContext(ctx, `DELETE FROM follows WHERE (follower_id = $1 AND followed_id = $2) OR (follower_id = $2 AND followed_id = $1)`, a, b); err != nil {
			return err
		}
		return recordGraphChange(ctx, tx, a, b, time.Now())
	})
}

// CreateBlock records that blocker blocks blocked, and in the same
// transaction removes their connection and withdraws the open invitations
// between them, both ways.
func (db *DB) CreateBlock(ctx context.Context, blocker, blocked int64, now time.Time) error {
	return db.write(ctx, "create block", func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES ($1, $2, $3)
			ON CONFLICT (blocker_id, blocked_id) DO NOTHING`, blocker, blocked, micros(now)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM connections WHERE (member_id = $1 AND other_id = $2) OR (member_id = $2 AND other_id = $1)`, blocker, blocked); err != nil {
			return err
		}
		if err := recordGraphChange(ctx, tx, blocker, blocked, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM follows WHERE (follower_id = $1 AND followed_id = $2) OR (follower_id = $2 AND followed_id = $1)`, blocker, blocked); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE invitations SET status = 'withdrawn', updated_at = $3
			WHERE status IN ('pending', 'ignored') AND ((sender_id = $1 AND recipient_id = $2) OR (sender_id = $2 AND recipient_id = $1))`,
			blocker, blocked, micros(now))
		return err
	})
}

// DeleteBlock lifts a block. Returns ENOTFOUND when there is none.
func (db *DB) DeleteBlock(ctx context.Context, blocker, blocked int64) error {
	return db.write(ctx, "delete block", func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM blocks WHERE blocker_id = $1 AND blocked_id = $2`, blocker, blocked)
		if err != nil {
			return err
		}
		return mustAffect(res, "Block")
	})
}

// FindBlocked lists the members a member blocked, newest first.
func (db *DB) FindBlocked(ctx context.Context, blocker int64) ([]*rapport.Member, error) {
	return db.queryCards(ctx, "find blocked", `SELECT `+fmt.Sprintf(memberCard, "m")+`
		FROM blocks b JOIN members m ON m.id = b.blocked_id WHERE b.blocker_id = $1 ORDER BY b.created_at DESC`, blocker)
}

// FindBlocks reports whether a blocked b and whether b blocked a.
func (db *DB) FindBlocks(ctx context.Context, a, b int64) (aBlockedB, bBlockedA bool, err error) {
	err = db.readOne(ctx, "find blocks", func(q querier) error {
		rows, err := q.QueryContext(ctx, `SELECT blocker_id FROM blocks WHERE (blocker_id = $1 AND blocked_id = $2) OR (blocker_id = $2 AND blocked_id = $1)`, a, b)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var blocker int64
			if err := rows.Scan(&blocker); err != nil {
				return err
			}
			aBlockedB = aBlockedB || blocker == a
			bBlockedA = bBlockedA || blocker == b
		}
		return rows.Err()
	})
	return aBlockedB, bBlockedA, err
}

// ScanConnections calls member with every active member, then connections
// with each member and their connections of larger id (so every connection
// comes once), for building the graph index. Each list is the callee's to
// keep. connections is called from several goroutines at once, but only
// after every call of member has returned.
//
// The lists come whole, one row a member, as text: the database walks its
// key and joins the ids far faster than fifty million rows could cross the
// driver one by one. Ranges of member ids are read at once, one
// transaction each, so the ranges may see the store a moment apart: the
// caller replays the changes logged since before the scan (graph_changes),
// as service.BuildGraph does.
func (db *DB) ScanConnections(ctx context.Context, member func(id int64), connections func(a int64, others []int64)) error {
	var last int64
	err := db.read(ctx, "scan members", func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM members WHERE status = 'active'`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			member(id)
			last = max(last, id)
		}
		return rows.Err()
	})
	if err != nil {
		return err
	}
	// More ranges than readers, so that a reader that drew a sparse range
	// takes another instead of waiting.
	return inRanges(last, last/16+1, func(from, to int64) error {
		return db.scanConnectionRange(ctx, from, to, connections)
	})
}

// inRanges calls read for the ranges of member ids [0, width), [width,
// 2×width), ... up to last, as many at once as there are cores, and
// returns the first error.
func inRanges(last, width int64, read func(from, to int64) error) error {
	var next atomic.Int64
	errs := make(chan error, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for {
				from := (next.Add(1) - 1) * width
				if from > last {
					return
				}
				if err := read(from, from+width); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	return <-errs // nil when there was none
}

// scanConnectionRange is ScanConnections for the members from id from up to
// id to, excluded.
func (db *DB) scanConnectionRange(ctx context.Context, from, to int64, connections func(a int64, others []int64)) error {
	return db.read(ctx, "scan connections", func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT member_id, `+db.dialect.joinIDs("other_id")+`
			FROM connections WHERE member_id >= $1 AND member_id < $2 AND other_id > member_id
			GROUP BY member_id`, from, to)
		if err != nil {
			return err
		}
		defer rows.Close()
		var list []byte
		for rows.Next() {
			var a int64
			if err := rows.Scan(&a, &list); err != nil {
				return err
			}
			others := make([]int64, 0, bytes.Count(list, []byte{','})+1)
			for f := range bytes.SplitSeq(list, []byte{','}) {
				id, err := strconv.ParseInt(string(f), 10, 64)
				if err != nil {
					return fmt.Errorf("connections of member %d: %w", a, err)
				}
				others = append(others, id)
			}
			connections(a, others)
		}
		return rows.Err()
	})
}

// FindSuggestionExclusions returns the members who must not be suggested to
// memberID: those with an open invitation either way, those memberID
// withdrew an invitation to after withdrawnSince, those who said they do not
// know memberID or whom memberID said that of, and blocks either way.
func (db *DB) FindSuggestionExclusions(ctx context.Context, memberID int64, withdrawnSince time.Time) (map[int64]bool, error) {
	return db.queryIDSet(ctx, "find suggestion exclusions", `
		SELECT CASE WHEN sender_id = $1 THEN recipient_id ELSE sender_id END FROM invitations
		WHERE (sender_id = $1 OR recipient_id = $1)
		  AND (status IN ('pending', 'ignored') OR dont_know OR (status = 'withdrawn' AND updated_at > $2))
		UNION
		SELECT CASE WHEN blocker_id = $1 THEN blocked_id ELSE blocker_id END FROM blocks
		WHERE blocker_id = $1 OR blocked_id = $1`, memberID, micros(withdrawnSince))
}

// FindMemberCards returns the cards of the given members that are active,
// keyed by id.
func (db *DB) FindMemberCards(ctx context.Context, ids []int64) (map[int64]*rapport.Member, error) {
	out := make(map[int64]*rapport.Member, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	list, err := db.queryCards(ctx, "find member cards", `SELECT `+fmt.Sprintf(memberCard, "m")+` FROM members m
		WHERE m.status = 'active' AND m.id IN (`+placeholders(len(ids))+`)`, int64Args(ids)...)
	for _, m := range list {
		out[m.ID] = m
	}
	return out, err
}

// CountMutualConnections answers in SQL what the graph index answers in
// memory: how many connections two members share. The site asks the index;
// this stays as the reference the index is measured and checked against.
func (db *DB) CountMutualConnections(ctx context.Context, a, b int64) (int, error) {
	var n int
	err := db.read(ctx, "count mutual connections", func(tx *Tx) error {
		return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM connections x JOIN connections y ON y.member_id = $2 AND y.other_id = x.other_id
			WHERE x.member_id = $1`, a, b).Scan(&n)
	})
	return n, err
}

// FindDegree answers in SQL how far b is from a: 1, 2, 3, or 0 for further
// (see CountMutualConnections for why it is kept).
func (db *DB) FindDegree(ctx context.Context, a, b int64) (int, error) {
	var d int
	err := db.read(ctx, "find degree", func(tx *Tx) error {
		return tx.QueryRowContext(ctx, `SELECT CASE
			WHEN EXISTS (SELECT 1 FROM connections WHERE member_id = $1 AND other_id = $2) THEN 1
			WHEN EXISTS (SELECT 1 FROM connections x JOIN connections y ON y.member_id = x.other_id AND y.other_id = $2
				WHERE x.member_id = $1) THEN 2
			WHEN EXISTS (SELECT 1 FROM connections x JOIN connections y ON y.member_id = x.other_id
				JOIN connections z ON z.member_id = y.other_id AND z.other_id = $2 WHERE x.member_id = $1) THEN 3
			ELSE 0 END`, a, b).Scan(&d)
	})
	return d, err
}

// recordGraphChange notes, in the transaction that changes it, that the
// connection between a and b changed.
func recordGraphChange(ctx context.Context, tx *Tx, a, b int64, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO graph_changes (member_id, other_id, at) VALUES ($1, $2, $3)`, a, b, micros(now))
	return err
}

// GraphChange says that the connection between two members changed; what
// it is now is in the connections table.
type GraphChange struct {
	ID   int64
	A, B int64
}

// FindGraphChanges returns the changes with an id above afterID (10,000 at
// most) and those made after since, in id order, with whether each pair is
// connected now, both accounts active (the graph index leaves out closed
// and suspended accounts). The time window catches a change whose id was taken
// before afterID's but that committed after it was read.
func (db *DB) FindGraphChanges(ctx context.Context, afterID int64, since time.Time) ([]GraphChange, []bool, error) {
	var changes []GraphChange
	var connected []bool
	err := db.read(ctx, "find graph changes", func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `
			SELECT g.id, g.member_id, g.other_id,
				EXISTS (SELECT 1 FROM connections c JOIN members a ON a.id = c.member_id JOIN members b ON b.id = c.other_id
					WHERE c.member_id = g.member_id AND c.other_id = g.other_id AND a.status = 'active' AND b.status = 'active')
			FROM (
				SELECT id, member_id, other_id FROM (
					SELECT id, member_id, other_id FROM graph_changes WHERE id > $1 ORDER BY id LIMIT 10000
				) AS fresh
				UNION ALL
				SELECT id, member_id, other_id FROM graph_changes WHERE id <= $1 AND at > $2
			) AS g ORDER BY g.id`, afterID, micros(since))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c GraphChange
			var now bool
			if err := rows.Scan(&c.ID, &c.A, &c.B, &now); err != nil {
				return err
			}
			changes = append(changes, c)
			connected = append(connected, now)
		}
		return rows.Err()
	})
	return changes, connected, err
}

// LastGraphChange returns the id of the newest change, or 0.
func (db *DB) LastGraphChange(ctx context.Context) (int64, error) {
	return db.lastChange(ctx, graphLog)
}

// DeleteGraphChanges forgets changes older than before.
func (db *DB) DeleteGraphChanges(ctx context.Context, before time.Time) error {
	return db.deleteChanges(ctx, graphLog, before)
}

// UpdateConnectionNote sets memberID's private note and tags on their
// connection with otherID. Tags must be normalized (no commas). Returns
// ENOTFOUND when the two are not connected.
func (db *DB) UpdateConnectionNote(ctx context.Context, memberID, otherID int64, note string, tags []string, now time.Time) error {
	return db.write(ctx, "update connection note", func(tx *Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM connections WHERE member_id = $1 AND other_id = $2`, memberID, otherID).Scan(&n); err != nil {
			return err
		} else if n == 0 {
			return rapport.Errorf(rapport.ENOTFOUND, "Connection not found.")
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO connection_notes (member_id, other_id, note, tags, updated_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (member_id, other_id) DO UPDATE SET note = excluded.note, tags = excluded.tags, updated_at = excluded.updated_at`,
			memberID, otherID, note, strings.Join(tags, ","), micros(now))
		return err
	})
}

// FindTaggedConnections returns memberID's connections that they tagged tag.
func (db *DB) FindTaggedConnections(ctx context.Context, memberID int64, tag string) (map[int64]bool, error) {
	return db.queryIDSet(ctx, "find tagged connections", `SELECT n.other_id FROM connection_notes n
		JOIN connections c ON c.member_id = n.member_id AND c.other_id = n.other_id
		WHERE n.member_id = $1 AND ',' || n.tags || ',' LIKE $2 ESCAPE '\'`, memberID, "%,"+escapeLike(tag)+",%")
}

// FindBlockedEitherWay returns the members memberID blocked or was blocked by.
func (db *DB) FindBlockedEitherWay(ctx context.Context, memberID int64) (map[int64]bool, error) {
	return db.queryIDSet(ctx, "find blocked either way", `SELECT blocked_id FROM blocks WHERE blocker_id = $1
		UNION SELECT blocker_id FROM blocks WHERE blocked_id = $1`, memberID)
}

// CreateFollow makes follower follow followed; following twice is fine.
func (db *DB) CreateFollow(ctx context.Context, follower, followed int64, now time.Time) error {
	return db.write(ctx, "create follow", func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO follows (follower_id, followed_id, created_at) VALUES ($1, $2, $3)
			ON CONFLICT (follower_id, followed_id) DO NOTHING`, follower, followed, micros(now))
		return err
	})
}

// DeleteFollow stops follower following followed. Returns ENOTFOUND when
// there was no such follow.
func (db *DB) DeleteFollow(ctx context.Context, follower, followed int64) error {
	return db.write(ctx, "delete follow", func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM follows WHERE follower_id = $1 AND followed_id = $2`, follower, followed)
		if err != nil {
			return err
		}
		return mustAffect(res, "Follow")
	})
}

// FindFollowing lists the members memberID follows (following true) or
// who follow memberID, newest first.
func (db *DB) FindFollowing(ctx context.Context, memberID int64, following bool) ([]*rapport.Member, error) {
	query := `SELECT ` + fmt.Sprintf(memberCard, "m") + ` FROM follows f JOIN members m ON m.id = f.followed_id
		WHERE f.follower_id = $1 AND m.status = 'active' ORDER BY f.created_at DESC, m.id DESC`
	if !following {
		query = `SELECT ` + fmt.Sprintf(memberCard, "m") + ` FROM follows f JOIN members m ON m.id = f.follower_id
			WHERE f.followed_id = $1 AND m.status = 'active' ORDER BY f.created_at DESC, m.id DESC`
	}
	return db.queryCards(ctx, "find following", query, memberID)
}

// queryCards runs a query that selects memberCard columns and returns the
// members in order.
func (db *DB) queryCards(ctx context.Context, op, query string, args ...any) ([]*rapport.Member, error) {
	var out []*rapport.Member
	err := db.read(ctx, op, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			m := &rapport.Member{}
			if err := rows.Scan(cardDest(m)...); err != nil {
				return err
			}
			out = append(out, m)
		}
		return rows.Err()
	})
	return out, err
}

// queryIDSet runs a query that selects one member id column and returns the
// ids as a set.
func (db *DB) queryIDSet(ctx context.Context, op, query string, args ...any) (map[int64]bool, error) {
	out := map[int64]bool{}
	err := db.read(ctx, op, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			out[id] = true
		}
		return rows.Err()
	})
	return out, err
}
