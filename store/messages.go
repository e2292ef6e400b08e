package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/rapportnet/rapport"
)

// visibleMessage is the condition for a message m to be shown to member $1:
// not hidden from them when it was sent, and not from a member blocked
// either way now. A message whose sender's account is gone stays.
const visibleMessage = `NOT EXISTS (SELECT 1 FROM message_hidden h WHERE h.member_id = $1 AND h.message_id = m.id)
	AND (m.sender_id IS NULL OR NOT EXISTS (SELECT 1 FROM blocks b
		WHERE (b.blocker_id = $1 AND b.blocked_id = m.sender_id) OR (b.blocker_id = m.sender_id AND b.blocked_id = $1)))`

// CreateThread starts a thread between the sender and members with its
// first message, hidden from the members in hiddenFor; sets the ids of
// msg and returns the thread's.
func (db *DB) CreateThread(ctx context.Context, senderID int64, members []int64, msg *rapport.Message, hiddenFor []int64) (int64, error) {
	var id int64
	err := db.write(ctx, "create thread", func(tx *Tx) error {
		at := micros(msg.CreatedAt)
		if err := tx.QueryRowContext(ctx, `INSERT INTO threads (created_at, updated_at) VALUES ($1, $1) RETURNING id`, at).Scan(&id); err != nil {
			return err
		}
		for _, m := range append([]int64{senderID}, members...) {
			if _, err := tx.ExecContext(ctx, `INSERT INTO thread_members (thread_id, member_id) VALUES ($1, $2)`, id, m); err != nil {
				return err
			}
		}
		return addMessage(ctx, tx, id, senderID, msg, hiddenFor)
	})
	return id, err
}

func addMessage(ctx context.Context, tx *Tx, threadID, senderID int64, msg *rapport.Message, hiddenFor []int64) error {
	at := micros(msg.CreatedAt)
	if err := tx.QueryRowContext(ctx, `INSERT INTO messages (thread_id, sender_id, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		threadID, senderID, msg.Body, at).Scan(&msg.ID); err != nil {
		return err
	}
	msg.ThreadID = threadID
	for _, m := range hiddenFor {
		if _, err := tx.ExecContext(ctx, `INSERT INTO message_hidden (message_id, member_id) VALUES ($1, $2)`, msg.ID, m); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE threads SET updated_at = $1 WHERE id = $2`, at, threadID); err != nil {
		return err
	}
	// What one writes, one has read.
	_, err := tx.ExecContext(ctx, `UPDATE thread_members SET last_read = $1 WHERE thread_id = $2 AND member_id = $3`, msg.ID, threadID, senderID)
	return err
}

// AddMessage adds a message from a member of a thread who has not left it,
// hidden from the members in hiddenFor, and sets msg.ID. Returns
// ENOTFOUND when the sender is not in the thread.
func (db *DB) AddMessage(ctx context.Context, threadID, senderID int64, msg *rapport.Message, hiddenFor []int64) error {
	return db.write(ctx, "add message", func(tx *Tx) error {
		if err := inThread(ctx, tx, threadID, senderID); err != nil {
			return err
		}
		return addMessage(ctx, tx, threadID, senderID, msg, hiddenFor)
	})
}

func inThread(ctx context.Context, tx *Tx, threadID, memberID int64) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM thread_members WHERE thread_id = $1 AND member_id = $2 AND left_at IS NULL`,
		threadID, memberID).Scan(&one)
	return notFound(err, "Conversation")
}

// FindDirectThread returns the thread of two members alone, both still in
// it. Returns ENOTFOUND when there is none.
func (db *DB) FindDirectThread(ctx context.Context, a, b int64) (int64, error) {
	var id int64
	err := db.readOne(ctx, "find direct thread", func(q querier) error {
		return notFound(q.QueryRowContext(ctx, `SELECT x.thread_id FROM thread_members x
			JOIN thread_members y ON y.thread_id = x.thread_id AND y.member_id = $2 AND y.left_at IS NULL
			WHERE x.member_id = $1 AND x.left_at IS NULL
			AND (SELECT COUNT(*) FROM thread_members z WHERE z.thread_id = x.thread_id) = 2
			ORDER BY x.thread_id DESC LIMIT 1`, a, b).Scan(&id), "Conversation")
	})
	return id, err
}

// FindThreadMembers returns everyone of a thread with whether they left.
func (db *DB) FindThreadMembers(ctx context.Context, threadID int64) ([]rapport.ThreadMember, error) {
	var out []rapport.ThreadMember
	err := db.read(ctx, "find thread members", func(tx *Tx) error {
		return threadMembers(ctx, tx, threadID, func(tm rapport.ThreadMember) { out = append(out, tm) })
	})
	return out, err
}

func threadMembers(ctx context.Context, tx *Tx, threadID int64, each func(rapport.ThreadMember)) error {
	return eachRow(ctx, tx, `SELECT tm.left_at IS NOT NULL, `+fmt.Sprintf(memberCard, "m")+`
		FROM thread_members tm JOIN members m ON m.id = tm.member_id WHERE tm.thread_id = $1 ORDER BY m.display_name, m.id`,
		[]any{threadID}, func(rows *sql.Rows) error {
			tm := rapport.ThreadMember{Member: &rapport.Member{}}
			if err := rows.Scan(append([]any{&tm.Left}, cardDest(tm.Member)...)...); err != nil {
				return err
			}
			each(tm)
			return nil
		})
}

// FindThreads returns the threads a member is in and has not left, most
// recently written first, each with its members, its newest message the
// member may see and how many of those they have not read.
func (db *DB) FindThreads(ctx context.Context, memberID int64, limit int) ([]*rapport.Thread, error) {
	var out []*rapport.Thread
	err := db.read(ctx, "find threads", func(tx *Tx) error {
		err := eachRow(ctx, tx, `SELECT t.id, t.created_at, t.updated_at,
			(SELECT COUNT(*) FROM messages m WHERE m.thread_id = t.id AND m.id > tm.last_read
				AND (m.sender_id IS NULL OR m.sender_id <> $1) AND `+visibleMessage+`),
			(SELECT MAX(m.id) FROM messages m WHERE m.thread_id = t.id AND `+visibleMessage+`)
			FROM thread_members tm JOIN threads t ON t.id = tm.thread_id
			WHERE tm.member_id = $1 AND tm.left_at IS NULL ORDER BY t.updated_at DESC, t.id DESC LIMIT $2`,
			[]any{memberID, limit}, func(rows *sql.Rows) error {
				t := &rapport.Thread{}
				var created, updated int64
				var last sql.NullInt64
				if err := rows.Scan(&t.ID, &created, &updated, &t.Unread, &last); err != nil {
					return err
				}
				t.CreatedAt, t.UpdatedAt = fromMicros(created), fromMicros(updated)
				if last.Valid {
					t.Last = &rapport.Message{ID: last.Int64}
				}
				out = append(out, t)
				return nil
			})
		if err != nil {
			return err
		}
		for _, t := range out {
			if err := threadMembers(ctx, tx, t.ID, func(tm rapport.ThreadMember) { t.Members = append(t.Members, tm) }); err != nil {
				return err
			}
			if t.Last != nil {
				if t.Last, err = scanMessage(tx.QueryRowContext(ctx, `SELECT `+messageColumns+` FROM messages m
					LEFT JOIN members s ON s.id = m.sender_id WHERE m.id = $1`, t.Last.ID)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return out, err
}

const messageColumns = `m.id, m.thread_id, m.body, m.created_at, s.id, s.handle, s.display_name, s.headline, s.status`

func scanMessage(row interface{ Scan(...any) error }) (*rapport.Message, error) {
	msg := &rapport.Message{}
	var created int64
	var id sql.NullInt64
	var handle, name, headline, status sql.NullString
	if err := row.Scan(&msg.ID, &msg.ThreadID, &msg.Body, &created, &id, &handle, &name, &headline, &status); err != nil {
		return nil, err
	}
	msg.CreatedAt = fromMicros(created)
	if id.Valid {
		msg.Sender = &rapport.Member{ID: id.Int64, Handle: handle.String, DisplayName: name.String, Status: status.String}
		msg.Sender.Profile.Headline = headline.String
	}
	return msg, nil
}

// FindThread returns a thread of a member who has not left it, with its
// members and the messages the member may see, oldest first. Returns
// ENOTFOUND otherwise.
func (db *DB) FindThread(ctx context.Context, memberID, threadID int64) (*rapport.Thread, error) {
	t := &rapport.Thread{ID: threadID}
	err := db.read(ctx, "find thread", func(tx *Tx) error {
		var created, updated, lastRead int64
		err := tx.QueryRowContext(ctx, `SELECT t.created_at, t.updated_at, tm.last_read FROM threads t
			JOIN thread_members tm ON tm.thread_id = t.id AND tm.member_id = $1 AND tm.left_at IS NULL WHERE t.id = $2`,
			memberID, threadID).Scan(&created, &updated, &lastRead)
		if err != nil {
			return notFound(err, "Conversation")
		}
		t.CreatedAt, t.UpdatedAt = fromMicros(created), fromMicros(updated)
		if err := threadMembers(ctx, tx, threadID, func(tm rapport.ThreadMember) { t.Members = append(t.Members, tm) }); err != nil {
			return err
		}
		return eachRow(ctx, tx, `SELECT `+messageColumns+` FROM messages m LEFT JOIN members s ON s.id = m.sender_id
			WHERE m.thread_id = $2 AND `+visibleMessage+` ORDER BY m.id`, []any{memberID, threadID}, func(rows *sql.Rows) error {
			msg, err := scanMessage(rows)
			if err != nil {
				return err
			}
			if msg.ID > lastRead && (msg.Sender == nil || msg.Sender.ID != memberID) {
				t.Unread++
			}
			t.Messages = append(t.Messages, *msg)
			return nil
		})
	})
	return t, err
}

// MarkThreadRead records that a member read every message of a thread.
// Returns ENOTFOUND when they are not in it.
// The notifications of its messages are read with it.
func (db *DB) MarkThreadRead(ctx context.Context, memberID, threadID int64, now time.Time) error {
	return db.write(ctx, "mark thread read", func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE thread_members SET last_read = COALESCE((SELECT MAX(id) FROM messages WHERE thread_id = $1), 0)
			WHERE thread_id = $1 AND member_id = $2 AND left_at IS NULL`, threadID, memberID)
		if err != nil {
			return err
		}
		if err := mustAffect(res, "Conversation"); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE notifications SET read_at = $1 WHERE member_id = $2 AND thread_id = $3 AND read_at IS NULL`,
			micros(now), memberID, threadID)
		return err
	})
}

// LeaveThread takes a member out of a thread: they see it no more and
// receive nothing more in it. Returns ENOTFOUND when they are not in it.
func (db *DB) LeaveThread(ctx context.Context, memberID, threadID int64, now time.Time) error {
	return db.write(ctx, "leave thread", func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE thread_members SET left_at = $1 WHERE thread_id = $2 AND member_id = $3 AND left_at IS NULL`,
			micros(now), threadID, memberID)
		if err != nil {
			return err
		}
		if err := mustAffect(res, "Conversation"); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM notifications WHERE member_id = $1 AND thread_id = $2`, memberID, threadID)
		return err
	})
}

// CountUnreadThreads returns how many of a member's threads have messages
// they may see and have not read.
func (db *DB) CountUnreadThreads(ctx context.Context, memberID int64) (int, error) {
	var n int
	err := db.readOne(ctx, "count unread threads", func(q querier) error {
		return q.QueryRowContext(ctx, `SELECT COUNT(*) FROM thread_members tm WHERE tm.member_id = $1 AND tm.left_at IS NULL
			AND EXISTS (SELECT 1 FROM messages m WHERE m.thread_id = tm.thread_id AND m.id > tm.last_read
				AND (m.sender_id IS NULL OR m.sender_id <> $1) AND `+visibleMessage+`)`, memberID).Scan(&n)
	})
	return n, err
}
