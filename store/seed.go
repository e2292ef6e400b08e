package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/rapportnet/rapport"
)

// SeedMembers inserts demo members with their whole profiles (positions,
// education, skills), all with the one password hash given, in one
// transaction, and returns the id of each member in order. A member whose
// handle or email address is taken already is left out, with id 0: seeding
// never touches an account that is there. Handles and email addresses must
// be normalized, and the profiles valid (package seed makes them so).
func (db *DB) SeedMembers(ctx context.Context, members []*rapport.Member, passwordHash string, now time.Time) ([]int64, error) {
	ids := make([]int64, len(members))
	at := micros(now)
	err := db.write(ctx, "seed members", func(tx *Tx) error {
		// Ids are assigned in increasing order, so the members this
		// transaction makes are exactly those above the largest id now.
		var before int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM members`).Scan(&before); err != nil {
			return err
		}
		err := db.insertMany(ctx, tx,
			`INSERT INTO members (handle, email, email_key, display_name, password_hash, status, headline, about, location, visibility, connections_visibility, created_at, updated_at) VALUES`,
			`(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, `ON CONFLICT DO NOTHING`, len(members),
			func(i int, args []any) []any {
				m := members[i]
				p := &m.Profile
				return append(args, m.Handle, m.Email, rapport.NormalizeEmail(m.Email), m.DisplayName, passwordHash,
					rapport.StatusActive, p.Headline, p.About, p.Location, p.Visibility, p.ConnectionsVisibility, at, at)
			})
		if err != nil {
			return err
		}
		made, err := seededIDs(ctx, tx, before, len(members))
		if err != nil {
			return err
		}
		type row struct {
			member int
			index  int
		}
		var positions, education, skills []row
		for i, m := range members {
			id := made[m.Handle]
			if id == 0 || made[rapport.NormalizeEmail(m.Email)] != id {
				continue
			}
			ids[i] = id
			for k := range m.Profile.Positions {
				positions = append(positions, row{i, k})
			}
			for k := range m.Profile.Education {
				education = append(education, row{i, k})
			}
			for k := range m.Profile.Skills {
				skills = append(skills, row{i, k})
			}
		}
		// Demo profiles name a few thousand organizations and schools, each
		// many times: fold each name once.
		folded := map[string]string{}
		fold := func(s string) string {
			f, ok := folded[s]
			if !ok {
				f = rapport.Fold(s)
				folded[s] = f
			}
			return f
		}
		err = db.insertMany(ctx, tx,
			`INSERT INTO positions (member_id, title, organization_name, organization_key, location, start_month, end_month, description, created_at) VALUES`,
			`(?, ?, ?, ?, ?, ?, ?, ?, ?)`, ``, len(positions),
			func(i int, args []any) []any {
				r := positions[i]
				p := &members[r.member].Profile.Positions[r.index]
				return append(args, ids[r.member], strings.TrimSpace(p.Title), strings.TrimSpace(p.OrganizationName), fold(p.OrganizationName),
					strings.TrimSpace(p.Location), p.Start.String(), endMonth(p), p.Description, at)
			})
		if err != nil {
			return err
		}
		err = db.insertMany(ctx, tx,
			`INSERT INTO education (member_id, school, school_key, degree, field, start_year, end_year, created_at) VALUES`,
			`(?, ?, ?, ?, ?, ?, ?, ?)`, ``, len(education),
			func(i int, args []any) []any {
				r := education[i]
				e := &members[r.member].Profile.Education[r.index]
				return append(args, ids[r.member], strings.TrimSpace(e.School), fold(e.School), strings.TrimSpace(e.Degree),
					strings.TrimSpace(e.Field), e.StartYear, e.EndYear, at)
			})
		if err != nil {
			return err
		}
		return db.insertMany(ctx, tx,
			`INSERT INTO skills (member_id, position, name) VALUES`, `(?, ?, ?)`, ``, len(skills),
			func(i int, args []any) []any {
				r := skills[i]
				return append(args, ids[r.member], r.index, members[r.member].Profile.Skills[r.index])
			})
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}

// seededIDs returns the ids of the members made after id before, by handle
// and by email key: those of this transaction, and on PostgreSQL perhaps
// others that committed meanwhile. A member of this transaction is found
// under both its handle and its email key; a sign-up that took one of them
// meanwhile is not.
func seededIDs(ctx context.Context, tx *Tx, before int64, n int) (map[string]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, handle, email_key FROM members WHERE id > $1`, before)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	// Handles and email keys never collide: a handle has no "@".
	made := make(map[string]int64, 2*n)
	for rows.Next() {
		var id int64
		var h, email string
		if err := rows.Scan(&id, &h, &email); err != nil {
			return nil, err
		}
		made[h], made[email] = id, id
	}
	return made, rows.Err()
}

// FindHandles returns the handle of every member, for a seed to steer
// clear of.
func (db *DB) FindHandles(ctx context.Context) ([]string, error) {
	var out []string
	err := db.read(ctx, "find handles", func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT handle FROM members`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var h string
			if err := rows.Scan(&h); err != nil {
				return err
			}
			out = append(out, h)
		}
		return rows.Err()
	})
	return out, err
}

// SeedOrganizations makes demo organization pages, with creatorID as their
// super admin, leaving out those whose address is taken, and links to them
// the positions of members with an id above afterMemberID (the demo
// members) whose organization has a page's name. It returns how many pages
// it made and how many positions it linked, in one transaction.
func (db *DB) SeedOrganizations(ctx context.Context, orgs []rapport.Organization, creatorID, afterMemberID int64, now time.Time) (made, linked int, err error) {
	at := micros(now)
	err = db.write(ctx, "seed organizations", func(tx *Tx) error {
		for _, o := range orgs {
			var id int64
			err := tx.QueryRowContext(ctx, `
				INSERT INTO organizations (slug, name, name_key, tagline, industry, location, created_by, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT DO NOTHING RETURNING id`,
				o.Slug, o.Name, rapport.Fold(o.Name), o.Tagline, o.Industry, o.Location, creatorID, at).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				continue // the address is taken
			} else if err != nil {
				return err
			}
			made++
			if err := addName(ctx, tx, id, o.Name); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO organization_admins (organization_id, member_id, role, granted_by, granted_at)
				VALUES ($1, $2, $3, $2, $4)`, id, creatorID, rapport.RoleSuper, at); err != nil {
				return err
			}
			if err := writeAudit(ctx, tx, rapport.AuditEntry{At: now, ActorID: creatorID, OrganizationID: id, TargetID: creatorID,
				Action: rapport.AuditOrgCreated, Detail: o.Slug}); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `
			UPDATE positions SET organization_id = (SELECT MIN(o.id) FROM organizations o WHERE o.name_key = positions.organization_key)
			WHERE member_id > $1 AND organization_id IS NULL AND organization_key IN (SELECT name_key FROM organizations)`, afterMemberID)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		linked = int(n)
		return err
	})
	return made, linked, err
}

// SeedPosts writes demo posts of the kind "post", in one transaction.
func (db *DB) SeedPosts(ctx context.Context, posts []rapport.Post) error {
	return db.write(ctx, "seed posts", func(tx *Tx) error {
		return db.insertMany(ctx, tx, `INSERT INTO posts (author_id, kind, audience, body, created_at, updated_at) VALUES`,
			`(?, ?, ?, ?, ?, ?)`, ``, len(posts), func(i int, args []any) []any {
				p := &posts[i]
				return append(args, p.AuthorID, rapport.PostKindPost, p.Audience, p.Body, micros(p.CreatedAt), micros(p.CreatedAt))
			})
	})
}

// CountPosts returns how many posts and updates there are.
func (db *DB) CountPosts(ctx context.Context) (int, error) {
	var n int
	err := db.readOne(ctx, "count posts", func(q querier) error {
		return q.QueryRowContext(ctx, `SELECT COUNT(*) FROM posts`).Scan(&n)
	})
	return n, err
}
