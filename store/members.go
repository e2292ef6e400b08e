package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/rapportnet/rapport"
)

const memberColumns = `id, handle, email, display_name, status, headline, about, location, visibility, connections_visibility, created_at`

// memberFields are the destinations of memberColumns, in order.
func memberFields(m *rapport.Member, created *int64) []any {
	return []any{&m.ID, &m.Handle, &m.Email, &m.DisplayName, &m.Status,
		&m.Profile.Headline, &m.Profile.About, &m.Profile.Location, &m.Profile.Visibility, &m.Profile.ConnectionsVisibility, created}
}

func scanMember(row interface{ Scan(...any) error }) (*rapport.Member, error) {
	var m rapport.Member
	var created int64
	if err := row.Scan(memberFields(&m, &created)...); err != nil {
		return nil, err
	}
	m.CreatedAt = fromMicros(created)
	return &m, nil
}

// CreateMember inserts a member with the hash of their password and sets
// m.ID. Handle and email must be normalized already. Returns ECONFLICT, naming
// the field, when the handle or the email is taken.
func (db *DB) CreateMember(ctx context.Context, m *rapport.Member, passwordHash string, now time.Time) error {
	return db.write(ctx, "create member", func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, `
			INSERT INTO members (handle, email, email_key, display_name, password_hash, status, visibility, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
			RETURNING id`,
			m.Handle, m.Email, rapport.NormalizeEmail(m.Email), m.DisplayName, passwordHash,
			rapport.StatusActive, rapport.VisibilityPublic, micros(now),
		).Scan(&m.ID)
		if err != nil {
			return memberConflict(err)
		}
		m.Status, m.Profile.Visibility, m.CreatedAt = rapport.StatusActive, rapport.VisibilityPublic, fromMicros(micros(now))
		m.Profile.ConnectionsVisibility = rapport.ConnectionsVisibleToConnections
		return recordProfileChange(ctx, tx, m.ID, now)
	})
}

// memberConflict names the field behind a unique violation on members.
func memberConflict(err error) error {
	if ok, what := isUniqueViolation(err); ok {
		if strings.Contains(what, "handle") {
			return &rapport.Error{Code: rapport.ECONFLICT, Field: "handle", Message: "This handle is taken."}
		}
		return &rapport.Error{Code: rapport.ECONFLICT, Field: "email", Message: "An account with this email address exists already."}
	}
	return err
}

// FindMemberByID returns a member with their whole profile.
// Returns ENOTFOUND if there is no such member.
func (db *DB) FindMemberByID(ctx context.Context, id int64) (*rapport.Member, error) {
	return db.findMember(ctx, `id = $1`, id)
}

// FindMemberByHandle returns a member, by normalized handle, with their whole
// profile. Returns ENOTFOUND if there is no such member.
func (db *DB) FindMemberByHandle(ctx context.Context, handle string) (*rapport.Member, error) {
	return db.findMember(ctx, `handle = $1`, handle)
}

func (db *DB) findMember(ctx context.Context, where string, arg any) (*rapport.Member, error) {
	var m *rapport.Member
	err := db.readOne(ctx, "find member", func(q querier) error {
		var created int64
		var profile profileJSON
		m = &rapport.Member{}
		err := q.QueryRowContext(ctx, `SELECT `+memberColumns+`, `+db.profileColumns+` FROM members WHERE `+where, arg).
			Scan(append(memberFields(m, &created), profile.fields()...)...)
		if err != nil {
			return notFound(err, "Member")
		}
		m.CreatedAt = fromMicros(created)
		return profile.decode(m)
	})
	return m, err
}

// FindCredentials returns the id and password hash of the member with this
// email address. Returns ENOTFOUND if there is none.
func (db *DB) FindCredentials(ctx context.Context, email string) (id int64, hash, status string, err error) {
	err = db.read(ctx, "find credentials", func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT id, password_hash, status FROM members WHERE email_key = $1`,
			rapport.NormalizeEmail(email)).Scan(&id, &hash, &status)
		return notFound(err, "Member")
	})
	return id, hash, status, err
}

// FindPasswordHash returns the password hash of a member.
// Returns ENOTFOUND if there is no such member.
func (db *DB) FindPasswordHash(ctx context.Context, memberID int64) (string, error) {
	var hash string
	err := db.read(ctx, "find password hash", func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT password_hash FROM members WHERE id = $1`, memberID).Scan(&hash)
		return notFound(err, "Member")
	})
	return hash, err
}

// UpdateMember changes the profile fields that upd sets.
// Returns ENOTFOUND if there is no such member.
func (db *DB) UpdateMember(ctx context.Context, id int64, upd rapport.ProfileUpdate, now time.Time) error {
	sets := []string{"updated_at = $1"}
	args := []any{micros(now)}
	add := func(col string, v *string) {
		if v != nil {
			args = append(args, strings.TrimSpace(*v))
			sets = append(sets, fmt.Sprintf("%s = $%d", col, len(args)))
		}
	}
	add("display_name", upd.DisplayName)
	add("headline", upd.Headline)
	add("location", upd.Location)
	add("visibility", upd.Visibility)
	add("connections_visibility", upd.ConnectionsVisibility)
	if upd.About != nil {
		// About keeps its line breaks and inner spacing as typed.
		args = append(args, strings.TrimRight(*upd.About, " \t\r\n"))
		sets = append(sets, fmt.Sprintf("about = $%d", len(args)))
	}
	args = append(args, id)
	query := fmt.Sprintf(`UPDATE members SET %s WHERE id = $%d`, strings.Join(sets, ", "), len(args))
	return db.writeProfile(ctx, "update member", id, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return err
		}
		return mustAffect(res, "Member")
	})
}

// UpdatePasswordHash stores a new password hash. When endSessions is true it
// also ends every session of the member except keepSessionID (0 keeps none),
// in the same transaction, so a stolen session cannot outlive the change.
func (db *DB) UpdatePasswordHash(ctx context.Context, memberID int64, hash string, endSessions bool, keepSessionID int64) error {
	return db.write(ctx, "update password", func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE members SET password_hash = $1 WHERE id = $2`, hash, memberID)
		if err != nil {
			return err
		} else if err := mustAffect(res, "Member"); err != nil {
			return err
		}
		if endSessions {
			_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE member_id = $1 AND id <> $2`, memberID, keepSessionID)
		}
		return err
	})
}

// UpdateEmail changes a member's email address. Returns ECONFLICT if another
// account has it, ENOTFOUND if there is no such member.
func (db *DB) UpdateEmail(ctx context.Context, memberID int64, email string, now time.Time) error {
	return db.writeProfile(ctx, "update email", memberID, func(tx *Tx) error {
		return updateEmail(ctx, tx, memberID, email, now)
	})
}

// SetEmailByOperator gives a member without an address one, as the site
// operator, with an audit entry in the same transaction. Returns ECONFLICT
// when the member has an address already (only they change it) or another
// account has this one.
func (db *DB) SetEmailByOperator(ctx context.Context, memberID int64, email string, now time.Time) error {
	return db.writeProfile(ctx, "set email by operator", memberID, func(tx *Tx) error {
		var current string
		if err := tx.QueryRowContext(ctx, `SELECT email FROM members WHERE id = $1`, memberID).Scan(&current); err != nil {
			return notFound(err, "Member")
		} else if current != "" {
			return rapport.Errorf(rapport.ECONFLICT, "This member has an email address already; only they can change it.")
		}
		if err := updateEmail(ctx, tx, memberID, email, now); err != nil {
			return err
		}
		return writeAudit(ctx, tx, rapport.AuditEntry{At: now, TargetID: memberID, Action: rapport.AuditEmailSet})
	})
}

func updateEmail(ctx context.Context, tx *Tx, memberID int64, email string, now time.Time) error {
	res, err := tx.ExecContext(ctx, `UPDATE members SET email = $1, email_key = $2, updated_at = $3 WHERE id = $4`,
		email, rapport.NormalizeEmail(email), micros(now), memberID)
	if err != nil {
		return memberConflict(err)
	}
	return mustAffect(res, "Member")
}

// CountMembers returns how many accounts there are.
func (db *DB) CountMembers(ctx context.Context) (int, error) {
	var n int
	err := db.read(ctx, "count members", func(tx *Tx) error {
		return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM members`).Scan(&n)
	})
	return n, err
}

// FindMemberSummary returns a member's account and profile fields, without
// positions, education and skills: the cheap lookup made on every request.
// Returns ENOTFOUND if there is no such member.
func (db *DB) FindMemberSummary(ctx context.Context, id int64) (*rapport.Member, error) {
	var m *rapport.Member
	err := db.read(ctx, "find member summary", func(tx *Tx) error {
		var err error
		m, err = scanMember(tx.QueryRowContext(ctx, `SELECT `+memberColumns+` FROM members WHERE id = $1`, id))
		return notFound(err, "Member")
	})
	return m, err
}
