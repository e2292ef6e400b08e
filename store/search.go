package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/rapportnet/rapport"
)

// writeProfile runs fn in a read-write transaction, like write, and notes
// in the same transaction that memberID's profile or account changed, for
// the search indexes and profile caches that follow the log.
func (db *DB) writeProfile(ctx context.Context, op string, memberID int64, fn func(*Tx) error) error {
	return db.write(ctx, op, func(tx *Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		// The log is read by wall-clock windows, whatever clock the
		// caller's rules run on.
		return recordProfileChange(ctx, tx, memberID, time.Now())
	})
}

// recordProfileChange notes, in the transaction that changes it, that a
// member's profile changed.
func recordProfileChange(ctx context.Context, tx *Tx, memberID int64, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO profile_changes (member_id, at) VALUES ($1, $2)`, memberID, micros(now))
	return err
}

// ProfileChange says that a member's profile changed; what it says now is
// in the members' tables.
type ProfileChange struct {
	ID       int64
	MemberID int64
}

// FindProfileChanges returns the changes with an id above afterID (10,000
// at most) and those made after since, in id order. The time window
// catches a change whose id was taken before afterID's but that committed
// after it was read.
func (db *DB) FindProfileChanges(ctx context.Context, afterID int64, since time.Time) ([]ProfileChange, error) {
	var changes []ProfileChange
	err := db.read(ctx, "find profile changes", func(tx *Tx) error {
		// The new changes, a batch at a time, and apart from them those of
		// the window: a busy window must not fill the batch with changes
		// applied already and hold the new ones back.
		rows, err := tx.QueryContext(ctx, `
			SELECT id, member_id FROM (
				SELECT id, member_id FROM profile_changes WHERE id > $1 ORDER BY id LIMIT 10000
			) AS fresh
			UNION ALL
			SELECT id, member_id FROM profile_changes WHERE id <= $1 AND at > $2
			ORDER BY id`, afterID, micros(since))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c ProfileChange
			if err := rows.Scan(&c.ID, &c.MemberID); err != nil {
				return err
			}
			changes = append(changes, c)
		}
		return rows.Err()
	})
	return changes, err
}

// The change logs that indexes follow. Their names are constants of the
// code, never input.
const (
	graphLog   = "graph_changes"
	profileLog = "profile_changes"
)

// LastProfileChange returns the id of the newest profile change, or 0.
func (db *DB) LastProfileChange(ctx context.Context) (int64, error) {
	return db.lastChange(ctx, profileLog)
}

// DeleteProfileChanges forgets profile changes older than before.
func (db *DB) DeleteProfileChanges(ctx context.Context, before time.Time) error {
	return db.deleteChanges(ctx, profileLog, before)
}

// lastChange returns the id of the newest change of a log, or 0.
func (db *DB) lastChange(ctx context.Context, log string) (int64, error) {
	var id sql.NullInt64
	err := db.read(ctx, "last change of "+log, func(tx *Tx) error {
		return tx.QueryRowContext(ctx, `SELECT MAX(id) FROM `+log).Scan(&id)
	})
	return id.Int64, err
}

// deleteChanges forgets the changes of a log older than before.
func (db *DB) deleteChanges(ctx context.Context, log string, before time.Time) error {
	return db.write(ctx, "delete "+log, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM `+log+` WHERE at < $1`, micros(before))
		return err
	})
}

// ScanProfiles calls fn with the searchable part of the profile of every
// active member with an id from from up to to, excluded, in id order: name,
// headline, location, visibility, positions (title, organization, and
// whether current, and the organization linked), schools, skills and
// whether the member is open to work (the visibility, for the index to
// keep apart). It reads in one transaction.
func (db *DB) ScanProfiles(ctx context.Context, from, to int64, fn func(*rapport.Member)) error {
	return db.read(ctx, "scan profiles", func(tx *Tx) error {
		byID := map[int64]*rapport.Member{}
		var order []*rapport.Member
		err := eachRow(ctx, tx, `SELECT m.id, m.handle, m.display_name, m.headline, m.location, m.visibility, COALESCE(w.visibility, '')
			FROM members m LEFT JOIN open_to_work w ON w.member_id = m.id
			WHERE m.status = 'active' AND m.id >= $1 AND m.id < $2 ORDER BY m.id`, []any{from, to}, func(rows *sql.Rows) error {
			m := &rapport.Member{Status: rapport.StatusActive}
			if err := rows.Scan(&m.ID, &m.Handle, &m.DisplayName, &m.Profile.Headline, &m.Profile.Location, &m.Profile.Visibility, &m.Profile.OpenToWork); err != nil {
				return err
			}
			byID[m.ID] = m
			order = append(order, m)
			return nil
		})
		if err != nil || len(order) == 0 {
			return err
		}
		err = eachRow(ctx, tx, `SELECT member_id, title, organization_name, COALESCE(organization_id, 0), end_month IS NULL FROM positions
			WHERE member_id >= $1 AND member_id < $2 ORDER BY member_id, id`, []any{from, to}, func(rows *sql.Rows) error {
			var id int64
			var p rapport.Position
			var current bool
			if err := rows.Scan(&id, &p.Title, &p.OrganizationName, &p.OrganizationID, &current); err != nil {
				return err
			}
			if m := byID[id]; m != nil {
				if current {
					p.End = nil
				} else {
					p.End = &rapport.Month{}
				}
				m.Profile.Positions = append(m.Profile.Positions, p)
			}
			return nil
		})
		if err != nil {
			return err
		}
		err = eachRow(ctx, tx, `SELECT member_id, school FROM education
			WHERE member_id >= $1 AND member_id < $2 ORDER BY member_id, id`, []any{from, to}, func(rows *sql.Rows) error {
			var id int64
			var e rapport.Education
			if err := rows.Scan(&id, &e.School); err != nil {
				return err
			}
			if m := byID[id]; m != nil {
				m.Profile.Education = append(m.Profile.Education, e)
			}
			return nil
		})
		if err != nil {
			return err
		}
		err = eachRow(ctx, tx, `SELECT member_id, name FROM skills
			WHERE member_id >= $1 AND member_id < $2 ORDER BY member_id, position`, []any{from, to}, func(rows *sql.Rows) error {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				return err
			}
			if m := byID[id]; m != nil {
				m.Profile.Skills = append(m.Profile.Skills, name)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, m := range order {
			fn(m)
		}
		return nil
	})
}

// ScanAllProfiles calls batch with the searchable profiles (as ScanProfiles
// reads them) of every active member, some thousands at a time, reading
// ranges of members at once, one read transaction each; batch is called
// from several goroutines at once, and the batch is the callee's to keep.
// The ranges may see the store a moment apart: the caller replays the
// changes logged since before the scan (profile_changes), as
// service.BuildSearch does.
func (db *DB) ScanAllProfiles(ctx context.Context, batch func([]*rapport.Member)) error {
	last, err := db.LastMemberID(ctx)
	if err != nil {
		return err
	}
	return inRanges(last, 10_000, func(from, to int64) error {
		var members []*rapport.Member
		if err := db.ScanProfiles(ctx, from, to, func(m *rapport.Member) { members = append(members, m) }); err != nil {
			return err
		}
		batch(members)
		return nil
	})
}

// LastMemberID returns the largest member id there is, or 0.
func (db *DB) LastMemberID(ctx context.Context) (int64, error) {
	var id sql.NullInt64
	err := db.readOne(ctx, "last member id", func(q querier) error {
		return q.QueryRowContext(ctx, `SELECT MAX(id) FROM members`).Scan(&id)
	})
	return id.Int64, err
}

// FindBlockIDs returns the members memberID blocked and those who blocked
// memberID, as a set.
func (db *DB) FindBlockIDs(ctx context.Context, memberID int64) (map[int64]bool, error) {
	return db.queryIDSet(ctx, "find blocks", `
		SELECT CASE WHEN blocker_id = $1 THEN blocked_id ELSE blocker_id END FROM blocks
		WHERE blocker_id = $1 OR blocked_id = $1`, memberID)
}

// eachRow runs a query and calls fn for each row.
func eachRow(ctx context.Context, tx *Tx, query string, args []any, fn func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
