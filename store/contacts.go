package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/rapportnet/rapport"
)

// Phones are kept one a line.
func joinPhones(p []string) string { return strings.Join(p, "\n") }

func splitPhones(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, "\n")
}

func insertContact(ctx context.Context, tx *Tx, c *rapport.Contact, now time.Time) error {
	c.CreatedAt, c.UpdatedAt = now, now
	if err := tx.QueryRowContext(ctx, `INSERT INTO contacts (owner_id, name, phones, organization, title, notes, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`, c.OwnerID, c.Name, joinPhones(c.Phones), c.Organization, c.Title, c.Notes,
		micros(now)).Scan(&c.ID); err != nil {
		return err
	}
	return putContactEmails(ctx, tx, c)
}

func putContactEmails(ctx context.Context, tx *Tx, c *rapport.Contact) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM contact_emails WHERE contact_id = $1`, c.ID); err != nil {
		return err
	}
	for i, e := range c.Emails {
		if _, err := tx.ExecContext(ctx, `INSERT INTO contact_emails (contact_id, position, email, email_key) VALUES ($1, $2, $3, $4)`,
			c.ID, i, e, rapport.NormalizeEmail(e)); err != nil {
			return err
		}
	}
	return nil
}

func updateContact(ctx context.Context, tx *Tx, c *rapport.Contact, now time.Time) error {
	res, err := tx.ExecContext(ctx, `UPDATE contacts SET name = $1, phones = $2, organization = $3, title = $4, notes = $5, updated_at = $6
		WHERE id = $7 AND owner_id = $8`, c.Name, joinPhones(c.Phones), c.Organization, c.Title, c.Notes, micros(now), c.ID, c.OwnerID)
	if err != nil {
		return err
	}
	if err := mustAffect(res, "Contact"); err != nil {
		return err
	}
	c.UpdatedAt = now
	return putContactEmails(ctx, tx, c)
}

// CreateContact stores a new contact of c.OwnerID and sets its id.
func (db *DB) CreateContact(ctx context.Context, c *rapport.Contact, now time.Time) error {
	return db.write(ctx, "create contact", func(tx *Tx) error { return insertContact(ctx, tx, c, now) })
}

// UpdateContact replaces a contact's fields. Returns ENOTFOUND when it is
// not c.OwnerID's.
func (db *DB) UpdateContact(ctx context.Context, c *rapport.Contact, now time.Time) error {
	return db.write(ctx, "update contact", func(tx *Tx) error { return updateContact(ctx, tx, c, now) })
}

// SaveContacts stores new contacts and updates others, all of one owner,
// at once.
func (db *DB) SaveContacts(ctx context.Context, creates, updates []*rapport.Contact, now time.Time) error {
	return db.write(ctx, "save contacts", func(tx *Tx) error {
		for _, c := range creates {
			if err := insertContact(ctx, tx, c, now); err != nil {
				return err
			}
		}
		for _, c := range updates {
			if err := updateContact(ctx, tx, c, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// DeleteContact deletes one of a member's contacts. Returns ENOTFOUND when
// it is not theirs.
func (db *DB) DeleteContact(ctx context.Context, ownerID, id int64) error {
	return db.write(ctx, "delete contact", func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM contacts WHERE id = $1 AND owner_id = $2`, id, ownerID)
		if err != nil {
			return err
		}
		return mustAffect(res, "Contact")
	})
}

// CountContacts returns how many contacts a member keeps.
func (db *DB) CountContacts(ctx context.Context, ownerID int64) (int, error) {
	var n int
	err := db.readOne(ctx, "count contacts", func(q querier) error {
		return q.QueryRowContext(ctx, `SELECT COUNT(*) FROM contacts WHERE owner_id = $1`, ownerID).Scan(&n)
	})
	return n, err
}

// ContactFilter selects a member's contacts: those whose name,
// organization, title or an email contains Query (all when empty), by name.
type ContactFilter struct {
	OwnerID int64
	ID      int64 // one contact
	Query   string
	Limit   int // 0: all
	Offset  int
}

// contactEmailBatch is how many contacts' emails are read by id.
const contactEmailBatch = 500

// FindContacts returns a member's contacts that f selects, by name, with
// their emails.
func (db *DB) FindContacts(ctx context.Context, f ContactFilter) ([]*rapport.Contact, error) {
	where := []string{"c.owner_id = $1"}
	args := []any{f.OwnerID}
	if f.ID != 0 {
		args = append(args, f.ID)
		where = append(where, fmt.Sprintf("c.id = $%d", len(args)))
	}
	if q := strings.ToLower(strings.TrimSpace(f.Query)); q != "" {
		args = append(args, "%"+escapeLike(q)+"%")
		n := len(args)
		where = append(where, fmt.Sprintf(`(LOWER(c.name) LIKE $%[1]d ESCAPE '\' OR LOWER(c.organization) LIKE $%[1]d ESCAPE '\'
			OR LOWER(c.title) LIKE $%[1]d ESCAPE '\' OR EXISTS (SELECT 1 FROM contact_emails e WHERE e.contact_id = c.id AND e.email_key LIKE $%[1]d ESCAPE '\'))`, n))
	}
	query := `SELECT c.id, c.owner_id, c.name, c.phones, c.organization, c.title, c.notes, c.created_at, c.updated_at
		FROM contacts c WHERE ` + strings.Join(where, " AND ") + ` ORDER BY LOWER(c.name), c.id`
	if f.Limit > 0 {
		query += fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, f.Offset)
	}
	var out []*rapport.Contact
	byID := map[int64]*rapport.Contact{}
	err := db.read(ctx, "find contacts", func(tx *Tx) error {
		err := eachRow(ctx, tx, query, args, func(rows *sql.Rows) error {
			c := &rapport.Contact{Emails: []string{}}
			var phones string
			var created, updated int64
			if err := rows.Scan(&c.ID, &c.OwnerID, &c.Name, &phones, &c.Organization, &c.Title, &c.Notes, &created, &updated); err != nil {
				return err
			}
			c.Phones, c.CreatedAt, c.UpdatedAt = splitPhones(phones), fromMicros(created), fromMicros(updated)
			out = append(out, c)
			byID[c.ID] = c
			return nil
		})
		if err != nil || len(out) == 0 {
			return err
		}
		// A page's contacts by id; all of the owner's at once for a whole
		// list (an export, an import), which may be too many to name.
		query, args := `SELECT e.contact_id, e.email FROM contact_emails e JOIN contacts c ON c.id = e.contact_id
			WHERE c.owner_id = $1 ORDER BY e.contact_id, e.position`, []any{f.OwnerID}
		if len(out) <= contactEmailBatch {
			ids := make([]int64, len(out))
			for i, c := range out {
				ids[i] = c.ID
			}
			query, args = `SELECT contact_id, email FROM contact_emails WHERE contact_id IN (`+placeholders(len(ids))+`)
				ORDER BY contact_id, position`, int64Args(ids)
		}
		return eachRow(ctx, tx, query, args, func(rows *sql.Rows) error {
			var id int64
			var email string
			if err := rows.Scan(&id, &email); err != nil {
				return err
			}
			if c := byID[id]; c != nil {
				c.Emails = append(c.Emails, email)
			}
			return nil
		})
	})
	return out, err
}

// FindMembersByEmail returns the active members whose email is one of the
// keys (normalized addresses) and who let the viewer find them by email:
// everyone, or their connections when the viewer is one. Keys name them.
func (db *DB) FindMembersByEmail(ctx context.Context, viewer int64, keys []string) (map[string]*rapport.Member, error) {
	out := map[string]*rapport.Member{}
	const batch = 500
	err := db.read(ctx, "find members by email", func(tx *Tx) error {
		for start := 0; start < len(keys); start += batch {
			part := keys[start:min(start+batch, len(keys))]
			args := []any{viewer}
			for _, k := range part {
				args = append(args, k)
			}
			in := make([]string, len(part))
			for i := range part {
				in[i] = fmt.Sprintf("$%d", i+2)
			}
			err := eachRow(ctx, tx, `SELECT m.email_key, `+fmt.Sprintf(memberCard, "m")+` FROM members m
				WHERE m.email_key IN (`+strings.Join(in, ", ")+`) AND m.status = 'active' AND m.id <> $1
				AND (m.find_by_email = 'everyone' OR (m.find_by_email = 'connections'
					AND EXISTS (SELECT 1 FROM connections c WHERE c.member_id = m.id AND c.other_id = $1)))
				AND NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.blocker_id = $1 AND b.blocked_id = m.id) OR (b.blocker_id = m.id AND b.blocked_id = $1))`,
				args, func(rows *sql.Rows) error {
					m := &rapport.Member{}
					var key string
					if err := rows.Scan(append([]any{&key}, cardDest(m)...)...); err != nil {
						return err
					}
					out[key] = m
					return nil
				})
			if err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// FindFindByEmail returns who may find a member by their email address.
func (db *DB) FindFindByEmail(ctx context.Context, memberID int64) (string, error) {
	var v string
	err := db.readOne(ctx, "find find-by-email", func(q querier) error {
		return notFound(q.QueryRowContext(ctx, `SELECT find_by_email FROM members WHERE id = $1`, memberID).Scan(&v), "Member")
	})
	return v, err
}

// SetFindByEmail sets who may find a member by their email address.
func (db *DB) SetFindByEmail(ctx context.Context, memberID int64, v string) error {
	return db.write(ctx, "set find-by-email", func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE members SET find_by_email = $1 WHERE id = $2`, v, memberID)
		if err != nil {
			return err
		}
		return mustAffect(res, "Member")
	})
}

// ContactImport is an import of a contacts file stored in the background.
type ContactImport struct {
	ID       int64
	MemberID int64
	Status   string // rapport.ExportBuilding, then rapport.ExportReady or rapport.ExportFailed
	Done     int    // cards stored of Total
	Total    int
	Report   string // the report as JSON, once done
}

// CreateContactImport records an import about to be stored; sets im.ID.
func (db *DB) CreateContactImport(ctx context.Context, im *ContactImport, now time.Time) error {
	return db.write(ctx, "create contact import", func(tx *Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO contact_imports (member_id, status, total, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id`,
			im.MemberID, im.Status, im.Total, micros(now)).Scan(&im.ID)
	})
}

// UpdateContactImport records an import's progress, or its end (status
// and report).
func (db *DB) UpdateContactImport(ctx context.Context, im *ContactImport, now time.Time) error {
	return db.write(ctx, "update contact import", func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE contact_imports SET status = $1, done = $2, total = $3, report = $4, updated_at = $5 WHERE id = $6`,
			im.Status, im.Done, im.Total, im.Report, micros(now), im.ID)
		return err
	})
}

// FindContactImport returns one of a member's imports. Returns ENOTFOUND
// when it is not theirs.
func (db *DB) FindContactImport(ctx context.Context, memberID, id int64) (*ContactImport, error) {
	im := &ContactImport{ID: id, MemberID: memberID}
	err := db.readOne(ctx, "find contact import", func(q querier) error {
		return notFound(q.QueryRowContext(ctx, `SELECT status, done, total, report FROM contact_imports WHERE id = $1 AND member_id = $2`, id, memberID).
			Scan(&im.Status, &im.Done, &im.Total, &im.Report), "Import")
	})
	return im, err
}
