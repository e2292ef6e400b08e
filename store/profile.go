package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/rapportnet/rapport"
)

func findPositions(ctx context.Context, tx *Tx, memberID int64) ([]rapport.Position, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT id, member_id, title, organization_name, location, start_month, end_month, description
		FROM positions WHERE member_id = $1
		ORDER BY CASE WHEN end_month IS NULL THEN 0 ELSE 1 END, start_month DESC, id DESC`, memberID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []rapport.Position
	for rows.Next() {
		var p rapport.Position
		var start string
		var end sql.NullString
		if err := rows.Scan(&p.ID, &p.MemberID, &p.Title, &p.OrganizationName, &p.Location, &start, &end, &p.Description); err != nil {
			return nil, err
		}
		if p.Start, err = rapport.ParseMonth(start); err != nil {
			return nil, err
		}
		if end.Valid {
			m, err := rapport.ParseMonth(end.String)
			if err != nil {
				return nil, err
			}
			p.End = &m
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func endMonth(p *rapport.Position) any {
	if p.End == nil {
		return nil
	}
	return p.End.String()
}

// CreatePosition adds a position to p.MemberID's profile and sets p.ID.
// Returns EINVALID when the member has the most positions a profile holds.
func (db *DB) CreatePosition(ctx context.Context, p *rapport.Position, now time.Time) error {
	return db.writeProfile(ctx, "create position", p.MemberID, func(tx *Tx) error {
		if err := checkCount(ctx, tx, `SELECT COUNT(*) FROM positions WHERE member_id = $1`, p.MemberID, rapport.MaxPositions, "positions"); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `
			INSERT INTO positions (member_id, title, organization_name, organization_key, location, start_month, end_month, description, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			p.MemberID, strings.TrimSpace(p.Title), strings.TrimSpace(p.OrganizationName), rapport.Fold(p.OrganizationName), strings.TrimSpace(p.Location),
			p.Start.String(), endMonth(p), p.Description, micros(now)).Scan(&p.ID)
	})
}

// UpdatePosition replaces position p.ID of member p.MemberID.
// Returns ENOTFOUND if that member has no such position.
func (db *DB) UpdatePosition(ctx context.Context, p *rapport.Position) error {
	return db.writeProfile(ctx, "update position", p.MemberID, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `
			UPDATE positions SET title = $1, organization_name = $2, organization_key = $3, location = $4, start_month = $5, end_month = $6, description = $7
			WHERE id = $8 AND member_id = $9`,
			strings.TrimSpace(p.Title), strings.TrimSpace(p.OrganizationName), rapport.Fold(p.OrganizationName), strings.TrimSpace(p.Location),
			p.Start.String(), endMonth(p), p.Description, p.ID, p.MemberID)
		if err != nil {
			return err
		}
		return mustAffect(res, "Position")
	})
}

// DeletePosition removes a member's position.
// Returns ENOTFOUND if that member has no such position.
func (db *DB) DeletePosition(ctx context.Context, memberID, id int64) error {
	return db.writeProfile(ctx, "delete position", memberID, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM positions WHERE id = $1 AND member_id = $2`, id, memberID)
		if err != nil {
			return err
		}
		return mustAffect(res, "Position")
	})
}

func findEducation(ctx context.Context, tx *Tx, memberID int64) ([]rapport.Education, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT id, member_id, school, degree, field, start_year, end_year
		FROM education WHERE member_id = $1
		ORDER BY CASE WHEN end_year = 0 THEN 0 ELSE 1 END, end_year DESC, start_year DESC, id DESC`, memberID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []rapport.Education
	for rows.Next() {
		var e rapport.Education
		if err := rows.Scan(&e.ID, &e.MemberID, &e.School, &e.Degree, &e.Field, &e.StartYear, &e.EndYear); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// CreateEducation adds a school to e.MemberID's profile and sets e.ID.
// Returns EINVALID when the member has the most entries a profile holds.
func (db *DB) CreateEducation(ctx context.Context, e *rapport.Education, now time.Time) error {
	return db.writeProfile(ctx, "create education", e.MemberID, func(tx *Tx) error {
		if err := checkCount(ctx, tx, `SELECT COUNT(*) FROM education WHERE member_id = $1`, e.MemberID, rapport.MaxEducation, "education"); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `
			INSERT INTO education (member_id, school, school_key, degree, field, start_year, end_year, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			e.MemberID, strings.TrimSpace(e.School), rapport.Fold(e.School), strings.TrimSpace(e.Degree), strings.TrimSpace(e.Field),
			e.StartYear, e.EndYear, micros(now)).Scan(&e.ID)
	})
}

// UpdateEducation replaces education entry e.ID of member e.MemberID.
// Returns ENOTFOUND if that member has no such entry.
func (db *DB) UpdateEducation(ctx context.Context, e *rapport.Education) error {
	return db.writeProfile(ctx, "update education", e.MemberID, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `
			UPDATE education SET school = $1, school_key = $2, degree = $3, field = $4, start_year = $5, end_year = $6
			WHERE id = $7 AND member_id = $8`,
			strings.TrimSpace(e.School), rapport.Fold(e.School), strings.TrimSpace(e.Degree), strings.TrimSpace(e.Field),
			e.StartYear, e.EndYear, e.ID, e.MemberID)
		if err != nil {
			return err
		}
		return mustAffect(res, "Education entry")
	})
}

// DeleteEducation removes a member's education entry.
// Returns ENOTFOUND if that member has no such entry.
func (db *DB) DeleteEducation(ctx context.Context, memberID, id int64) error {
	return db.writeProfile(ctx, "delete education", memberID, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM education WHERE id = $1 AND member_id = $2`, id, memberID)
		if err != nil {
			return err
		}
		return mustAffect(res, "Education entry")
	})
}

func findSkills(ctx context.Context, tx *Tx, memberID int64) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT name FROM skills WHERE member_id = $1 ORDER BY position`, memberID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// ReplaceSkills sets a member's skills, in order. The list must be
// normalized already (rapport.NormalizeSkills).
func (db *DB) ReplaceSkills(ctx context.Context, memberID int64, skills []string) error {
	return db.writeProfile(ctx, "replace skills", memberID, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM skills WHERE member_id = $1`, memberID); err != nil {
			return err
		}
		for i, s := range skills {
			if _, err := tx.ExecContext(ctx, `INSERT INTO skills (member_id, position, name) VALUES ($1, $2, $3)`, memberID, i, s); err != nil {
				return err
			}
		}
		return nil
	})
}

// checkCount refuses to add one more row when a member has max already.
func checkCount(ctx context.Context, tx *Tx, query string, memberID int64, max int, field string) error {
	var n int
	if err := tx.QueryRowContext(ctx, query, memberID).Scan(&n); err != nil {
		return err
	} else if n >= max {
		return rapport.FieldError(field, "A profile holds at most %d of these.", max)
	}
	return nil
}

// SharedPlace is an organization or a school that another member named too.
type SharedPlace struct {
	MemberID int64
	Name     string // as the member asking named it
	School   bool   // a school, not an organization
}

// FindSharedPlaces returns the members who named one of the organizations
// of memberID's positions or one of their schools, at most limit rows.
func (db *DB) FindSharedPlaces(ctx context.Context, memberID int64, limit int) ([]SharedPlace, error) {
	var out []SharedPlace
	err := db.read(ctx, "find shared places", func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `
			SELECT DISTINCT o.member_id, p.organization_name, 0
			FROM positions p JOIN positions o ON o.organization_key = p.organization_key AND o.member_id <> p.member_id
			WHERE p.member_id = $1 AND p.organization_key <> ''
			UNION
			SELECT DISTINCT o.member_id, e.school, 1
			FROM education e JOIN education o ON o.school_key = e.school_key AND o.member_id <> e.member_id
			WHERE e.member_id = $1 AND e.school_key <> ''
			ORDER BY 1, 2
			LIMIT $2`, memberID, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var sp SharedPlace
			var school int
			if err := rows.Scan(&sp.MemberID, &sp.Name, &school); err != nil {
				return err
			}
			sp.School = school == 1
			out = append(out, sp)
		}
		return rows.Err()
	})
	return out, err
}
