package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/rapportnet/rapport"
)

// CreateExport starts an archive of a member's data; sets e.ID.
func (db *DB) CreateExport(ctx context.Context, e *rapport.DataExport) error {
	return db.write(ctx, "create export", func(tx *Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO data_exports (member_id, status, total, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id`,
			e.MemberID, e.Status, e.Total, micros(e.CreatedAt)).Scan(&e.ID)
	})
}

// UpdateExportProgress records the steps done of an archive being built.
func (db *DB) UpdateExportProgress(ctx context.Context, id int64, done, total int, now time.Time) error {
	return db.write(ctx, "update export", func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE data_exports SET done = $1, total = $2, updated_at = $3 WHERE id = $4 AND status = 'building'`,
			done, total, micros(now), id)
		return err
	})
}

// FinishExport stores a built archive (status ready) or records that it
// failed (archive nil).
func (db *DB) FinishExport(ctx context.Context, id int64, archive []byte, now, expires time.Time) error {
	return db.write(ctx, "finish export", func(tx *Tx) error {
		var err error
		if archive == nil {
			_, err = tx.ExecContext(ctx, `UPDATE data_exports SET status = 'failed', updated_at = $1 WHERE id = $2`, micros(now), id)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE data_exports SET status = 'ready', archive = $1, size = $2, done = total, updated_at = $3, expires_at = $4
				WHERE id = $5`, archive, len(archive), micros(now), micros(expires), id)
		}
		return err
	})
}

// FindExports returns a member's archives, newest first, without their
// bytes.
func (db *DB) FindExports(ctx context.Context, memberID int64) ([]*rapport.DataExport, error) {
	var out []*rapport.DataExport
	err := db.read(ctx, "find exports", func(tx *Tx) error {
		return eachRow(ctx, tx, `SELECT id, status, done, total, size, created_at, updated_at, COALESCE(expires_at, 0)
			FROM data_exports WHERE member_id = $1 ORDER BY id DESC`, []any{memberID}, func(rows *sql.Rows) error {
			e := &rapport.DataExport{MemberID: memberID}
			var created, updated, expires int64
			if err := rows.Scan(&e.ID, &e.Status, &e.Done, &e.Total, &e.Size, &created, &updated, &expires); err != nil {
				return err
			}
			e.CreatedAt, e.UpdatedAt = fromMicros(created), fromMicros(updated)
			if expires != 0 {
				e.ExpiresAt = fromMicros(expires)
			}
			out = append(out, e)
			return nil
		})
	})
	return out, err
}

// FindExportArchive returns the bytes of a member's ready archive that
// has not expired. Returns ENOTFOUND otherwise.
func (db *DB) FindExportArchive(ctx context.Context, memberID, id int64, now time.Time) ([]byte, error) {
	var b []byte
	err := db.readOne(ctx, "find export archive", func(q querier) error {
		return notFound(q.QueryRowContext(ctx, `SELECT archive FROM data_exports WHERE id = $1 AND member_id = $2 AND status = 'ready' AND expires_at > $3`,
			id, memberID, micros(now)).Scan(&b), "Archive")
	})
	return b, err
}

// DeleteExpiredExports deletes archives that expired before now, and
// builds that stopped moving before stale (their process died).
func (db *DB) DeleteExpiredExports(ctx context.Context, now, stale time.Time) (int, error) {
	var n int64
	err := db.write(ctx, "delete expired exports", func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM data_exports WHERE (status = 'ready' AND expires_at <= $1) OR (status = 'building' AND updated_at < $2)`,
			micros(now), micros(stale))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// FindExportConnections returns a member's connections as their archive
// lists them: names, the current position, notes and tags, and the email
// address only of those who let their connections see it.
func (db *DB) FindExportConnections(ctx context.Context, memberID int64) ([]rapport.ExportConnection, error) {
	var out []rapport.ExportConnection
	err := db.read(ctx, "find export connections", func(tx *Tx) error {
		return eachRow(ctx, tx, `SELECT m.display_name, m.handle, CASE WHEN m.email_to_connections THEN m.email ELSE '' END,
			COALESCE((SELECT p.organization_name FROM positions p WHERE p.member_id = m.id AND p.end_month IS NULL ORDER BY p.start_month DESC, p.id DESC LIMIT 1), ''),
			COALESCE((SELECT p.title FROM positions p WHERE p.member_id = m.id AND p.end_month IS NULL ORDER BY p.start_month DESC, p.id DESC LIMIT 1), ''),
			c.created_at, COALESCE(n.note, ''), COALESCE(n.tags, '')
			FROM connections c JOIN members m ON m.id = c.other_id
			LEFT JOIN connection_notes n ON n.member_id = c.member_id AND n.other_id = c.other_id
			WHERE c.member_id = $1 AND m.status = 'active' ORDER BY c.created_at, m.id`, []any{memberID}, func(rows *sql.Rows) error {
			var c rapport.ExportConnection
			var name, tags string
			var at int64
			if err := rows.Scan(&name, &c.Handle, &c.Email, &c.Company, &c.Position, &at, &c.Note, &tags); err != nil {
				return err
			}
			c.FirstName, c.LastName = splitName(name)
			c.ConnectedOn = fromMicros(at)
			if tags != "" {
				c.Tags = strings.Split(tags, ",")
			}
			out = append(out, c)
			return nil
		})
	})
	return out, err
}

// splitName splits a display name into a first name and the rest.
func splitName(name string) (first, last string) {
	f := strings.Fields(name)
	if len(f) < 2 {
		return name, ""
	}
	return strings.Join(f[:len(f)-1], " "), f[len(f)-1]
}

// ExportComment is a comment a member wrote, with its post.
type ExportComment struct {
	PostID    int64
	Body      string
	CreatedAt time.Time
}

// FindCommentsBy returns the comments a member wrote, oldest first.
func (db *DB) FindCommentsBy(ctx context.Context, memberID int64) ([]ExportComment, error) {
	var out []ExportComment
	err := db.read(ctx, "find comments by", func(tx *Tx) error {
		return eachRow(ctx, tx, `SELECT post_id, body, created_at FROM comments WHERE author_id = $1 ORDER BY id`, []any{memberID}, func(rows *sql.Rows) error {
			var c ExportComment
			var at int64
			if err := rows.Scan(&c.PostID, &c.Body, &at); err != nil {
				return err
			}
			c.CreatedAt = fromMicros(at)
			out = append(out, c)
			return nil
		})
	})
	return out, err
}

// ExportReaction is a reaction a member left.
type ExportReaction struct {
	PostID    int64
	Kind      string
	CreatedAt time.Time
}

// FindReactionsBy returns the reactions a member left, oldest first.
func (db *DB) FindReactionsBy(ctx context.Context, memberID int64) ([]ExportReaction, error) {
	var out []ExportReaction
	err := db.read(ctx, "find reactions by", func(tx *Tx) error {
		return eachRow(ctx, tx, `SELECT post_id, kind, created_at FROM reactions WHERE member_id = $1 ORDER BY created_at, post_id`, []any{memberID}, func(rows *sql.Rows) error {
			var r ExportReaction
			var at int64
			if err := rows.Scan(&r.PostID, &r.Kind, &at); err != nil {
				return err
			}
			r.CreatedAt = fromMicros(at)
			out = append(out, r)
			return nil
		})
	})
	return out, err
}

// FindEmailToConnections reports whether a member's connections may see
// their email address.
func (db *DB) FindEmailToConnections(ctx context.Context, memberID int64) (bool, error) {
	var v bool
	err := db.readOne(ctx, "find email to connections", func(q querier) error {
		return notFound(q.QueryRowContext(ctx, `SELECT email_to_connections FROM members WHERE id = $1`, memberID).Scan(&v), "Member")
	})
	return v, err
}

// SetEmailToConnections sets whether a member's connections may see their
// email address.
func (db *DB) SetEmailToConnections(ctx context.Context, memberID int64, v bool) error {
	return db.write(ctx, "set email to connections", func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE members SET email_to_connections = $1 WHERE id = $2`, v, memberID)
		if err != nil {
			return err
		}
		return mustAffect(res, "Member")
	})
}
