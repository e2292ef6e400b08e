package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rapportnet/rapport"
)

const organizationColumns = `o.id, o.slug, o.name, o.tagline, o.about, o.website, o.industry, o.size, o.location, o.created_at`

func scanOrganization(row interface{ Scan(...any) error }) (*rapport.Organization, error) {
	var o rapport.Organization
	var created int64
	if err := row.Scan(&o.ID, &o.Slug, &o.Name, &o.Tagline, &o.About, &o.Website, &o.Industry, &o.Size, &o.Location, &created); err != nil {
		return nil, err
	}
	o.CreatedAt = fromMicros(created)
	return &o, nil
}

// CreateOrganization adds an organization page and makes creatorID its
// first super admin, with an audit entry, in one transaction; it sets o.ID.
// Returns ECONFLICT naming slug when the address is taken.
func (db *DB) CreateOrganization(ctx context.Context, o *rapport.Organization, creatorID int64, now time.Time) error {
	return db.write(ctx, "create organization", func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, `
			INSERT INTO organizations (slug, name, name_key, tagline, about, website, industry, size, location, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id`,
			o.Slug, strings.TrimSpace(o.Name), rapport.Fold(o.Name), strings.TrimSpace(o.Tagline), o.About, strings.TrimSpace(o.Website),
			strings.TrimSpace(o.Industry), o.Size, strings.TrimSpace(o.Location), creatorID, micros(now)).Scan(&o.ID)
		if ok, _ := isUniqueViolation(err); ok {
			return &rapport.Error{Code: rapport.ECONFLICT, Field: "slug", Message: "This page address is taken."}
		} else if err != nil {
			return err
		}
		o.CreatedAt = now
		if err := addName(ctx, tx, o.ID, o.Name); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO organization_admins (organization_id, member_id, role, granted_by, granted_at)
			VALUES ($1, $2, $3, $2, $4)`, o.ID, creatorID, rapport.RoleSuper, micros(now)); err != nil {
			return err
		}
		return writeAudit(ctx, tx, rapport.AuditEntry{At: now, ActorID: creatorID, OrganizationID: o.ID, TargetID: creatorID,
			Action: rapport.AuditOrgCreated, Detail: o.Slug})
	})
}

// UpdateOrganization replaces the page fields of organization o.ID (not
// its slug), with an audit entry by the admin. Returns ENOTFOUND when there
// is no such organization.
func (db *DB) UpdateOrganization(ctx context.Context, o *rapport.Organization, actorID int64, now time.Time) error {
	return db.write(ctx, "update organization", func(tx *Tx) error {
		var old string
		if err := tx.QueryRowContext(ctx, `SELECT name FROM organizations WHERE id = $1`, o.ID).Scan(&old); err != nil {
			return notFound(err, "Organization")
		}
		res, err := tx.ExecContext(ctx, `
			UPDATE organizations SET name = $1, name_key = $2, tagline = $3, about = $4, website = $5, industry = $6, size = $7,
				location = $8, updated_at = $9
			WHERE id = $10`,
			strings.TrimSpace(o.Name), rapport.Fold(o.Name), strings.TrimSpace(o.Tagline), o.About, strings.TrimSpace(o.Website),
			strings.TrimSpace(o.Industry), o.Size, strings.TrimSpace(o.Location), micros(now), o.ID)
		if err != nil {
			return err
		} else if err := mustAffect(res, "Organization"); err != nil {
			return err
		}
		detail := ""
		if name := strings.TrimSpace(o.Name); name != old {
			detail = old + " → " + name
			if err := addName(ctx, tx, o.ID, name); err != nil {
				return err
			}
		}
		return writeAudit(ctx, tx, rapport.AuditEntry{At: now, ActorID: actorID, OrganizationID: o.ID, Action: rapport.AuditOrgUpdated, Detail: detail})
	})
}

// FindOrganization returns the organization at a slug, with its counts of
// followers and of members with a current position linked to it. Returns
// ENOTFOUND when there is none.
func (db *DB) FindOrganization(ctx context.Context, slug string) (*rapport.Organization, error) {
	return db.findOrganization(ctx, `o.slug = $1`, slug)
}

// FindOrganizationByID is FindOrganization by id.
func (db *DB) FindOrganizationByID(ctx context.Context, id int64) (*rapport.Organization, error) {
	return db.findOrganization(ctx, `o.id = $1`, id)
}

func (db *DB) findOrganization(ctx context.Context, where string, arg any) (*rapport.Organization, error) {
	var o *rapport.Organization
	err := db.read(ctx, "find organization", func(tx *Tx) error {
		var err error
		o, err = scanOrganization(tx.QueryRowContext(ctx, `SELECT `+organizationColumns+` FROM organizations o WHERE `+where, arg))
		if err != nil {
			return notFound(err, "Organization")
		}
		return tx.QueryRowContext(ctx, `SELECT
			(SELECT COUNT(*) FROM organization_follows f JOIN members m ON m.id = f.member_id
				WHERE f.organization_id = $1 AND m.status = 'active'),
			(SELECT COUNT(DISTINCT p.member_id) FROM positions p JOIN members m ON m.id = p.member_id
				WHERE p.organization_id = $1 AND p.end_month IS NULL AND m.status = 'active')`, o.ID).Scan(&o.Followers, &o.Employees)
	})
	return o, err
}

// FindOrganizations returns organizations by id, in no order; ids with no
// organization are left out.
func (db *DB) FindOrganizations(ctx context.Context, ids []int64) ([]*rapport.Organization, error) {
	var out []*rapport.Organization
	if len(ids) == 0 {
		return out, nil
	}
	return db.queryOrganizations(ctx, "find organizations", `SELECT `+organizationColumns+` FROM organizations o
		WHERE o.id IN (`+placeholders(len(ids))+`)`, int64Args(ids)...)
}

// queryOrganizations runs a query that selects organizationColumns.
func (db *DB) queryOrganizations(ctx context.Context, op, query string, args ...any) ([]*rapport.Organization, error) {
	var out []*rapport.Organization
	err := db.read(ctx, op, func(tx *Tx) error {
		return eachRow(ctx, tx, query, args, func(rows *sql.Rows) error {
			o, err := scanOrganization(rows)
			out = append(out, o)
			return err
		})
	})
	return out, err
}

// ScanOrganizations calls fn with every organization, in id order.
func (db *DB) ScanOrganizations(ctx context.Context, fn func(*rapport.Organization)) error {
	return db.read(ctx, "scan organizations", func(tx *Tx) error {
		return eachRow(ctx, tx, `SELECT `+organizationColumns+` FROM organizations o ORDER BY o.id`, nil, func(rows *sql.Rows) error {
			o, err := scanOrganization(rows)
			if err == nil {
				fn(o)
			}
			return err
		})
	})
}

// FindRoles returns the roles memberID holds in an organization.
func (db *DB) FindRoles(ctx context.Context, orgID, memberID int64) ([]string, error) {
	var roles []string
	err := db.readOne(ctx, "find roles", func(q querier) error {
		rows, err := q.QueryContext(ctx, `SELECT role FROM organization_admins WHERE organization_id = $1 AND member_id = $2 ORDER BY role`, orgID, memberID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r string
			if err := rows.Scan(&r); err != nil {
				return err
			}
			roles = append(roles, r)
		}
		return rows.Err()
	})
	return roles, err
}

// FindAdmins returns an organization's admins, a row a role.
func (db *DB) FindAdmins(ctx context.Context, orgID int64) ([]*rapport.OrgAdmin, error) {
	var out []*rapport.OrgAdmin
	err := db.read(ctx, "find admins", func(tx *Tx) error {
		return eachRow(ctx, tx, `SELECT a.role, a.granted_at, `+fmt.Sprintf(memberCard, "m")+`
			FROM organization_admins a JOIN members m ON m.id = a.member_id
			WHERE a.organization_id = $1 ORDER BY a.granted_at, a.member_id, a.role`, []any{orgID}, func(rows *sql.Rows) error {
			a := &rapport.OrgAdmin{OrganizationID: orgID, Member: &rapport.Member{}}
			var granted int64
			if err := rows.Scan(append([]any{&a.Role, &granted}, cardDest(a.Member)...)...); err != nil {
				return err
			}
			a.GrantedAt = fromMicros(granted)
			out = append(out, a)
			return nil
		})
	})
	return out, err
}

// FindAdminOrganizations returns the organizations memberID holds a role
// in, with the roles.
func (db *DB) FindAdminOrganizations(ctx context.Context, memberID int64) (map[int64][]string, error) {
	out := map[int64][]string{}
	err := db.read(ctx, "find admin organizations", func(tx *Tx) error {
		return eachRow(ctx, tx, `SELECT organization_id, role FROM organization_admins WHERE member_id = $1 ORDER BY organization_id, role`,
			[]any{memberID}, func(rows *sql.Rows) error {
				var id int64
				var role string
				if err := rows.Scan(&id, &role); err != nil {
					return err
				}
				out[id] = append(out[id], role)
				return nil
			})
	})
	return out, err
}

// GrantRole gives memberID a role in an organization, with an audit entry.
// Granting a role held already changes nothing and is not audited again.
func (db *DB) GrantRole(ctx context.Context, orgID, memberID int64, role string, actorID int64, now time.Time) error {
	return db.write(ctx, "grant role", func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO organization_admins (organization_id, member_id, role, granted_by, granted_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, orgID, memberID, role, actorID, micros(now))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		return writeAudit(ctx, tx, rapport.AuditEntry{At: now, ActorID: actorID, OrganizationID: orgID, TargetID: memberID,
			Action: rapport.AuditAdminGranted, Detail: role})
	})
}

// RevokeRole takes a role from memberID, with an audit entry. Returns
// ENOTFOUND when they do not hold it, and ECONFLICT when it is the last
// super admin role of the organization: an organization always has one.
func (db *DB) RevokeRole(ctx context.Context, orgID, memberID int64, role string, actorID int64, now time.Time) error {
	return db.write(ctx, "revoke role", func(tx *Tx) error {
		// Two super admins stepping down at once must see each other's
		// change: take the organization's row first.
		if _, err := tx.ExecContext(ctx, `UPDATE organizations SET updated_at = updated_at WHERE id = $1`, orgID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM organization_admins WHERE organization_id = $1 AND member_id = $2 AND role = $3`,
			orgID, memberID, role)
		if err != nil {
			return err
		} else if err := mustAffect(res, "Admin role"); err != nil {
			return err
		}
		if role == rapport.RoleSuper {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM organization_admins WHERE organization_id = $1 AND role = $2`,
				orgID, rapport.RoleSuper).Scan(&n); err != nil {
				return err
			} else if n == 0 {
				return &rapport.Error{Code: rapport.ECONFLICT, Field: "role",
					Message: "An organization keeps at least one super admin: name another before this one steps down."}
			}
		}
		return writeAudit(ctx, tx, rapport.AuditEntry{At: now, ActorID: actorID, OrganizationID: orgID, TargetID: memberID,
			Action: rapport.AuditAdminRevoked, Detail: role})
	})
}

// FollowOrganization makes memberID follow an organization; following
// twice is one follow. Returns ENOTFOUND when there is no such
// organization.
func (db *DB) FollowOrganization(ctx context.Context, memberID, orgID int64, now time.Time) error {
	return db.write(ctx, "follow organization", func(tx *Tx) error {
		if err := mustExist(ctx, tx, orgID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO organization_follows (member_id, organization_id, created_at)
			VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, memberID, orgID, micros(now))
		return err
	})
}

// UnfollowOrganization ends memberID's follow of an organization, if any.
func (db *DB) UnfollowOrganization(ctx context.Context, memberID, orgID int64) error {
	return db.write(ctx, "unfollow organization", func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM organization_follows WHERE member_id = $1 AND organization_id = $2`, memberID, orgID)
		return err
	})
}

// FindFollowedOrganizations returns the organizations memberID follows,
// newest follow first.
func (db *DB) FindFollowedOrganizations(ctx context.Context, memberID int64) ([]*rapport.Organization, error) {
	return db.queryOrganizations(ctx, "find followed organizations", `SELECT `+organizationColumns+`
		FROM organization_follows f JOIN organizations o ON o.id = f.organization_id
		WHERE f.member_id = $1 ORDER BY f.created_at DESC, o.id`, memberID)
}

// IsFollowing reports whether memberID follows an organization.
func (db *DB) IsFollowing(ctx context.Context, memberID, orgID int64) (bool, error) {
	var n int
	err := db.readOne(ctx, "is following", func(q querier) error {
		return q.QueryRowContext(ctx, `SELECT COUNT(*) FROM organization_follows WHERE member_id = $1 AND organization_id = $2`,
			memberID, orgID).Scan(&n)
	})
	return n > 0, err
}

// FindOrganizationMembers returns active members of an organization, at
// most limit, in id order: its followers, or (employees) the members with
// a current position linked to it; with publicOnly, only those whose
// profile is public.
func (db *DB) FindOrganizationMembers(ctx context.Context, orgID int64, employees, publicOnly bool, limit int) ([]*rapport.Member, error) {
	of := `SELECT member_id FROM organization_follows WHERE organization_id = $1`
	if employees {
		of = `SELECT member_id FROM positions WHERE organization_id = $1 AND end_month IS NULL`
	}
	visibility := ""
	if publicOnly {
		visibility = ` AND m.visibility = 'public'`
	}
	return db.queryCards(ctx, "find organization members", `SELECT `+fmt.Sprintf(memberCard, "m")+` FROM members m
		WHERE m.status = 'active'`+visibility+` AND m.id IN (`+of+`) ORDER BY m.id LIMIT $2`, orgID, limit)
}

// writeAudit adds an audit entry in the transaction of the action.
func writeAudit(ctx context.Context, tx *Tx, e rapport.AuditEntry) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at, actor_id, organization_id, target_id, action, detail)
		VALUES ($1, $2, $3, $4, $5, $6)`, micros(e.At), e.ActorID, e.OrganizationID, e.TargetID, e.Action, e.Detail)
	return err
}

// FindAudit returns audit entries, newest first, at most limit: those of an
// organization (orgID > 0), or those whose target is a member (targetID > 0).
func (db *DB) FindAudit(ctx context.Context, orgID, targetID int64, limit int) ([]*rapport.AuditEntry, error) {
	if orgID == 0 {
		// A dismissed report is not the member's business: they are not
		// told they were reported.
		return db.findAudit(ctx, `target_id = $1 AND action <> $2`, limit, targetID, rapport.AuditReportDismissed)
	}
	return db.findAudit(ctx, `organization_id = $1`, limit, orgID)
}

// findAudit returns the audit entries a condition selects, newest first,
// at most limit.
func (db *DB) findAudit(ctx context.Context, where string, limit int, args ...any) ([]*rapport.AuditEntry, error) {
	var out []*rapport.AuditEntry
	err := db.read(ctx, "find audit", func(tx *Tx) error {
		return eachRow(ctx, tx, `SELECT id, at, actor_id, organization_id, target_id, action, detail FROM audit_log
			WHERE `+where+` ORDER BY id DESC LIMIT `+strconv.Itoa(limit), args, func(rows *sql.Rows) error {
			var e rapport.AuditEntry
			var at int64
			if err := rows.Scan(&e.ID, &at, &e.ActorID, &e.OrganizationID, &e.TargetID, &e.Action, &e.Detail); err != nil {
				return err
			}
			e.At = fromMicros(at)
			out = append(out, &e)
			return nil
		})
	})
	return out, err
}

// placeholders returns "$1, $2, ..., $n".
func placeholders(n int) string { return placeholdersFrom(1, n) }

// placeholdersFrom is placeholders numbered from $first.
func placeholdersFrom(first, n int) string {
	var b strings.Builder
	for i := first; i < first+n; i++ {
		if i > first {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", i)
	}
	return b.String()
}

func int64Args(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// FindOrganizationsChangedSince returns the organizations created or
// changed after since, for the indexes of other processes.
func (db *DB) FindOrganizationsChangedSince(ctx context.Context, since time.Time) ([]*rapport.Organization, error) {
	return db.queryOrganizations(ctx, "find organizations changed", `SELECT `+organizationColumns+` FROM organizations o
		WHERE o.updated_at > $1 ORDER BY o.id`, micros(since))
}

// mustExist returns ENOTFOUND when there is no organization orgID.
func mustExist(ctx context.Context, tx *Tx, orgID int64) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM organizations WHERE id = $1`, orgID).Scan(&n); err != nil {
		return err
	} else if n == 0 {
		return rapport.Errorf(rapport.ENOTFOUND, "Organization not found.")
	}
	return nil
}

// addName records a name an organization's page has.
func addName(ctx context.Context, tx *Tx, orgID int64, name string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO organization_names (organization_id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
		orgID, strings.TrimSpace(name))
	return err
}

// FindOrganizationNames returns every name an organization's page has had,
// its current one included.
func (db *DB) FindOrganizationNames(ctx context.Context, orgID int64) ([]string, error) {
	var out []string
	err := db.read(ctx, "find organization names", func(tx *Tx) error {
		return eachRow(ctx, tx, `SELECT name FROM organization_names WHERE organization_id = $1 ORDER BY name`, []any{orgID},
			func(rows *sql.Rows) error {
				var n string
				out = append(out, n)
				return rows.Scan(&out[len(out)-1])
			})
	})
	return out, err
}
