package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/rapportnet/rapport"
)

// CloseMember closes an active account: it is no longer shown anywhere,
// and every session and token of it ends. Returns ENOTFOUND when the
// account is not active.
func (db *DB) CloseMember(ctx context.Context, id int64, now time.Time) error {
	return db.write(ctx, "close member", func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE members SET status = $1, closed_at = $2 WHERE id = $3 AND status = 'active'`,
			rapport.StatusClosed, micros(now), id)
		if err != nil {
			return err
		} else if err := mustAffect(res, "Member"); err != nil {
			return err
		}
		return endAccess(ctx, tx, id, now)
	})
}

// endAccess ends every session and token of an account that closes or is
// suspended, and logs its connections and profile as changed, so that
// every process's graph and search indexes drop them.
func endAccess(ctx context.Context, tx *Tx, id int64, now time.Time) error {
	for _, q := range []string{`DELETE FROM sessions WHERE member_id = $1`, `DELETE FROM access_tokens WHERE member_id = $1`} {
		if _, err := tx.ExecContext(ctx, q, id); err != nil {
			return err
		}
	}
	return recordAccountChanged(ctx, tx, id, now)
}

// ReopenMember reopens an account closed since then. Returns ENOTFOUND
// otherwise.
func (db *DB) ReopenMember(ctx context.Context, id int64, since, now time.Time) error {
	return db.write(ctx, "reopen member", func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE members SET status = 'active', closed_at = NULL WHERE id = $1 AND status = $2 AND closed_at >= $3`,
			id, rapport.StatusClosed, micros(since))
		if err != nil {
			return err
		} else if err := mustAffect(res, "Member"); err != nil {
			return err
		}
		return recordAccountChanged(ctx, tx, id, now)
	})
}

// recordAccountChanged logs every connection and the profile of an
// account that closes, is suspended, reopens or is reinstated as changed,
// so that every process's graph and search indexes drop or take them back.
func recordAccountChanged(ctx context.Context, tx *Tx, id int64, now time.Time) error {
	if err := recordConnectionsChanged(ctx, tx, id, now); err != nil {
		return err
	}
	return recordProfileChange(ctx, tx, id, now)
}

// recordConnectionsChanged notes that every connection of a member
// changed, when the account closes or reopens: the connections stay in the
// store, and the graph index holds only those between active members
// (FindGraphChanges).
func recordConnectionsChanged(ctx context.Context, tx *Tx, id int64, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO graph_changes (member_id, other_id, at) SELECT member_id, other_id, $2 FROM connections WHERE member_id = $1`,
		id, micros(now))
	return err
}

// FindClosedBefore returns the accounts closed before then.
func (db *DB) FindClosedBefore(ctx context.Context, before time.Time) ([]int64, error) {
	var out []int64
	err := db.read(ctx, "find closed members", func(tx *Tx) error {
		return eachRow(ctx, tx, `SELECT id FROM members WHERE status = $1 AND closed_at < $2 ORDER BY id`, []any{rapport.StatusClosed, micros(before)},
			func(rows *sql.Rows) error {
				out = append(out, 0)
				return rows.Scan(&out[len(out)-1])
			})
	})
	return out, err
}

// PurgeMember deletes a closed account and its personal data for good:
// its row and, with it, everything that refers to it (profile, positions,
// contacts, notes, settings, connections and invitations from both sides,
// posts (logged in post_changes), comments, reactions, notifications,
// seats held). Messages it sent
// stay in the others' threads, from no one. Its connections are removed
// through the change log, so that other processes drop them from their
// graph index, and its audit entries keep what was done but no longer who
// it was. One audit entry records the deletion, without personal data.
// Returns the members it was connected to.
func (db *DB) PurgeMember(ctx context.Context, id int64, now time.Time) ([]int64, error) {
	var others []int64
	err := db.write(ctx, "purge member", func(tx *Tx) error {
		var status string
		if err := tx.QueryRowContext(ctx, `SELECT status FROM members WHERE id = $1`, id).Scan(&status); err != nil {
			return notFound(err, "Member")
		} else if status != rapport.StatusClosed {
			return rapport.Errorf(rapport.ECONFLICT, "Only a closed account is deleted.")
		}
		err := eachRow(ctx, tx, `SELECT other_id FROM connections WHERE member_id = $1`, []any{id}, func(rows *sql.Rows) error {
			var o int64
			err := rows.Scan(&o)
			others = append(others, o)
			return err
		})
		if err != nil {
			return err
		}
		for _, o := range others {
			if _, err := tx.ExecContext(ctx, `DELETE FROM connections WHERE (member_id = $1 AND other_id = $2) OR (member_id = $2 AND other_id = $1)`, id, o); err != nil {
				return err
			}
			if err := recordGraphChange(ctx, tx, id, o, now); err != nil {
				return err
			}
		}
		// Failed sign-ins are counted by address.
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE key = 'email:' || (SELECT email_key FROM members WHERE id = $1)`, id); err != nil {
			return err
		}
		// Its posts go with the row: logged, so that every process drops
		// them from its timeline index.
		if err := recordPostChangesOf(ctx, tx, id); err != nil {
			return err
		}
		for _, q := range []string{
			// What they did for a seat is the organization's, and stays,
			// from no one.
			`UPDATE recruiter_notes SET author_id = 0 WHERE author_id = $1`,
			`UPDATE inmail_messages SET sender_id = 0 WHERE sender_id = $1`,
			`UPDATE audit_log SET actor_id = 0, detail = '' WHERE actor_id = $1`,
			`UPDATE audit_log SET target_id = 0, detail = '' WHERE target_id = $1`,
			`DELETE FROM members WHERE id = $1`,
		} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return err
			}
		}
		if err := recordProfileChange(ctx, tx, id, now); err != nil {
			return err
		}
		return writeAudit(ctx, tx, rapport.AuditEntry{At: now, Action: rapport.AuditAccountDeleted,
			Detail: "a closed account's personal data was deleted, 14 days after its closure"})
	})
	return others, err
}
