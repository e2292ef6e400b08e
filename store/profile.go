package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/rapportnet/rapport"
)

// orgID is the organization a position links to, or NULL for free text.
func orgID(p *rapport.Position) any {
	if p.OrganizationID == 0 {
		return nil
	}
	return p.OrganizationID
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
			INSERT INTO positions (member_id, title, organization_name, organization_key, organization_id, location, start_month, end_month, description, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			p.MemberID, strings.TrimSpace(p.Title), strings.TrimSpace(p.OrganizationName), rapport.Fold(p.OrganizationName), orgID(p),
			strings.TrimSpace(p.Location), p.Start.String(), endMonth(p), p.Description, micros(now)).Scan(&p.ID)
	})
}

// UpdatePosition replaces position p.ID of member p.MemberID.
// Returns ENOTFOUND if that member has no such position.
func (db *DB) UpdatePosition(ctx context.Context, p *rapport.Position) error {
	return db.writeProfile(ctx, "update position", p.MemberID, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `
			UPDATE positions SET title = $1, organization_name = $2, organization_key = $3, organization_id = $4, location = $5,
				start_month = $6, end_month = $7, description = $8
			WHERE id = $9 AND member_id = $10`,
			strings.TrimSpace(p.Title), strings.TrimSpace(p.OrganizationName), rapport.Fold(p.OrganizationName), orgID(p),
			strings.TrimSpace(p.Location), p.Start.String(), endMonth(p), p.Description, p.ID, p.MemberID)
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

// profileJSON holds a member's positions, education and skills as the
// database gathers them, in order, into JSON arrays in the statement that
// reads the member (see DB.profileColumns): one statement, where one a
// table would each pay for a statement, and a transaction around them two
// more.
type profileJSON struct {
	positions, education, skills []byte
}

// fields are the destinations of profileColumns, in order.
func (p *profileJSON) fields() []any { return []any{&p.positions, &p.education, &p.skills} }

// profileColumns builds the columns that profileJSON reads, for a query
// whose members table is named members.
func profileColumns(d dialect) string {
	return `(SELECT ` + d.jsonList(`CASE WHEN p.end_month IS NULL THEN 0 ELSE 1 END, p.start_month DESC, p.id DESC`,
		"id", "p.id", "title", "p.title", "organization_name", "p.organization_name", "location", "p.location",
		"start_month", "p.start_month", "end_month", "p.end_month", "description", "p.description",
		"organization_id", "COALESCE(p.organization_id, 0)", "organization_slug", "COALESCE(o.slug, '')") + `
			FROM positions p LEFT JOIN organizations o ON o.id = p.organization_id WHERE p.member_id = members.id),
		(SELECT ` + d.jsonList(`CASE WHEN e.end_year = 0 THEN 0 ELSE 1 END, e.end_year DESC, e.start_year DESC, e.id DESC`,
		"id", "e.id", "school", "e.school", "degree", "e.degree", "field", "e.field",
		"start_year", "e.start_year", "end_year", "e.end_year") + `
			FROM education e WHERE e.member_id = members.id),
		(SELECT ` + d.jsonList(`s.position`, "name", "s.name") + `
			FROM skills s WHERE s.member_id = members.id)`
}

// decode fills in m's positions, education and skills.
func (p *profileJSON) decode(m *rapport.Member) error {
	var positions []struct {
		ID               int64   `json:"id"`
		Title            string  `json:"title"`
		OrganizationName string  `json:"organization_name"`
		Location         string  `json:"location"`
		Start            string  `json:"start_month"`
		End              *string `json:"end_month"`
		Description      string  `json:"description"`
		OrganizationID   int64   `json:"organization_id"`
		OrganizationSlug string  `json:"organization_slug"`
	}
	var education []struct {
		ID        int64  `json:"id"`
		School    string `json:"school"`
		Degree    string `json:"degree"`
		Field     string `json:"field"`
		StartYear int    `json:"start_year"`
		EndYear   int    `json:"end_year"`
	}
	var skills []struct {
		Name string `json:"name"`
	}
	for _, part := range []struct {
		raw []byte
		v   any
	}{{p.positions, &positions}, {p.education, &education}, {p.skills, &skills}} {
		if err := json.Unmarshal(part.raw, part.v); err != nil {
			return fmt.Errorf("profile of member %d: %w", m.ID, err)
		}
	}
	for _, r := range positions {
		pos := rapport.Position{ID: r.ID, MemberID: m.ID, Title: r.Title, OrganizationName: r.OrganizationName,
			OrganizationID: r.OrganizationID, OrganizationSlug: r.OrganizationSlug, Location: r.Location, Description: r.Description}
		var err error
		if pos.Start, err = rapport.ParseMonth(r.Start); err != nil {
			return err
		}
		if r.End != nil {
			end, err := rapport.ParseMonth(*r.End)
			if err != nil {
				return err
			}
			pos.End = &end
		}
		m.Profile.Positions = append(m.Profile.Positions, pos)
	}
	for _, r := range education {
		m.Profile.Education = append(m.Profile.Education, rapport.Education{ID: r.ID, MemberID: m.ID, School: r.School,
			Degree: r.Degree, Field: r.Field, StartYear: r.StartYear, EndYear: r.EndYear})
	}
	m.Profile.Skills = make([]string, 0, len(skills))
	for _, r := range skills {
		m.Profile.Skills = append(m.Profile.Skills, r.Name)
	}
	return nil
}
