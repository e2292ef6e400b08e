package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/rapportnet/rapport"
)

// CreateNotification stores a notification and sets n.ID. A member has one
// notification a thread with unread messages and one a reaction of one
// member to a post: a newer one replaces the older.
func (db *DB) CreateNotification(ctx context.Context, n *rapport.Notification) error {
	return db.write(ctx, "create notification", func(tx *Tx) error {
		var err error
		switch n.Kind {
		case rapport.NotifyMessage:
			_, err = tx.ExecContext(ctx, `DELETE FROM notifications WHERE member_id = $1 AND kind = $2 AND thread_id = $3 AND read_at IS NULL`,
				n.MemberID, n.Kind, n.ThreadID)
		case rapport.NotifyReaction:
			_, err = tx.ExecContext(ctx, `DELETE FROM notifications WHERE member_id = $1 AND kind = $2 AND post_id = $3 AND actor_id = $4`,
				n.MemberID, n.Kind, n.PostID, actorID(n))
		}
		if err != nil {
			return err
		}
		var org any
		if n.Organization != nil {
			org = n.Organization.ID
		}
		return tx.QueryRowContext(ctx, `INSERT INTO notifications (member_id, kind, actor_id, post_id, comment_id, thread_id, invitation_id,
			seat_id, organization_id, reaction, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			n.MemberID, n.Kind, actorID(n), nullID(n.PostID), nullID(n.CommentID), nullID(n.ThreadID), nullID(n.InvitationID),
			nullID(n.SeatID), org, n.Reaction, micros(n.CreatedAt)).Scan(&n.ID)
	})
}

func actorID(n *rapport.Notification) any {
	if n.Actor == nil {
		return nil
	}
	return n.Actor.ID
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// NotificationFilter names notifications to delete: those of Kind about
// the object set (and by the actor, when ActorID is set).
type NotificationFilter struct {
	Kind         string
	ActorID      int64
	PostID       int64
	CommentID    int64
	InvitationID int64
}

// DeleteNotifications deletes the notifications f names.
func (db *DB) DeleteNotifications(ctx context.Context, f NotificationFilter) error {
	return db.write(ctx, "delete notifications", func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM notifications WHERE kind = $1
			AND (actor_id = $2 OR $2 = 0) AND (post_id = $3 OR $3 = 0) AND (comment_id = $4 OR $4 = 0) AND (invitation_id = $5 OR $5 = 0)`,
			f.Kind, f.ActorID, f.PostID, f.CommentID, f.InvitationID)
		return err
	})
}

// visibleNotification is the condition for a notification n to be shown
// to its member $1: its actor, if any, active and not blocked either way,
// and an invitation it is about not withdrawn.
const visibleNotification = `(n.actor_id IS NULL OR (a.status = 'active' AND NOT EXISTS (SELECT 1 FROM blocks b
		WHERE (b.blocker_id = $1 AND b.blocked_id = n.actor_id) OR (b.blocker_id = n.actor_id AND b.blocked_id = $1))))
	AND (n.invitation_id IS NULL OR EXISTS (SELECT 1 FROM invitations i WHERE i.id = n.invitation_id AND i.status <> 'withdrawn'))`

// FindNotifications returns up to limit of a member's notifications with
// ids below before (all when before is 0), newest first.
func (db *DB) FindNotifications(ctx context.Context, memberID, before int64, limit int) ([]*rapport.Notification, error) {
	var out []*rapport.Notification
	err := db.read(ctx, "find notifications", func(tx *Tx) error {
		return eachRow(ctx, tx, `SELECT n.id, n.kind, COALESCE(n.post_id, 0), COALESCE(n.comment_id, 0), COALESCE(n.thread_id, 0),
			COALESCE(n.invitation_id, 0), COALESCE(n.seat_id, 0), n.reaction, n.created_at, n.read_at IS NOT NULL,
			o.id, o.slug, o.name, a.id, a.handle, a.display_name, a.headline, a.status
			FROM notifications n LEFT JOIN members a ON a.id = n.actor_id LEFT JOIN organizations o ON o.id = n.organization_id
			WHERE n.member_id = $1 AND (n.id < $2 OR $2 = 0) AND `+visibleNotification+` ORDER BY n.id DESC LIMIT $3`,
			[]any{memberID, before, limit}, func(rows *sql.Rows) error {
				n := &rapport.Notification{MemberID: memberID}
				var created int64
				var orgID, actor sql.NullInt64
				var slug, name, handle, display, headline, status sql.NullString
				if err := rows.Scan(&n.ID, &n.Kind, &n.PostID, &n.CommentID, &n.ThreadID, &n.InvitationID, &n.SeatID, &n.Reaction,
					&created, &n.Read, &orgID, &slug, &name, &actor, &handle, &display, &headline, &status); err != nil {
					return err
				}
				n.CreatedAt = fromMicros(created)
				if orgID.Valid {
					n.Organization = &rapport.Organization{ID: orgID.Int64, Slug: slug.String, Name: name.String}
				}
				if actor.Valid {
					n.Actor = &rapport.Member{ID: actor.Int64, Handle: handle.String, DisplayName: display.String, Status: status.String}
					n.Actor.Profile.Headline = headline.String
				}
				out = append(out, n)
				return nil
			})
	})
	return out, err
}

// CountUnreadNotifications returns how many of a member's notifications
// that FindNotifications shows are unread.
func (db *DB) CountUnreadNotifications(ctx context.Context, memberID int64) (int, error) {
	var n int
	err := db.readOne(ctx, "count unread notifications", func(q querier) error {
		return q.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications n LEFT JOIN members a ON a.id = n.actor_id
			WHERE n.member_id = $1 AND n.read_at IS NULL AND `+visibleNotification, memberID).Scan(&n)
	})
	return n, err
}

// MarkNotificationsRead marks a member's notifications read: the one with
// id, or all of them when id is 0. Returns ENOTFOUND when id is not theirs.
func (db *DB) MarkNotificationsRead(ctx context.Context, memberID, id int64, now time.Time) error {
	return db.write(ctx, "mark notifications read", func(tx *Tx) error {
		if id == 0 {
			_, err := tx.ExecContext(ctx, `UPDATE notifications SET read_at = $1 WHERE member_id = $2 AND read_at IS NULL`, micros(now), memberID)
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE notifications SET read_at = COALESCE(read_at, $1) WHERE member_id = $2 AND id = $3`,
			micros(now), memberID, id)
		if err != nil {
			return err
		}
		return mustAffect(res, "Notification")
	})
}

// RecordProfileView records that viewer viewed the profile of viewed,
// named or in private mode, keeping the latest view of each viewer, and
// forgets the member's views older than since.
func (db *DB) RecordProfileView(ctx context.Context, viewed, viewer int64, private bool, now, since time.Time) error {
	return db.write(ctx, "record profile view", func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO profile_views (viewed_id, viewer_id, private, viewed_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (viewed_id, viewer_id) DO UPDATE SET private = excluded.private, viewed_at = excluded.viewed_at`,
			viewed, viewer, private, micros(now)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM profile_views WHERE viewed_id = $1 AND viewed_at < $2`, viewed, micros(since))
		return err
	})
}

// FindProfileViews returns the views of a member's profile since then,
// newest first, by viewers who are active and not blocked either way.
func (db *DB) FindProfileViews(ctx context.Context, viewed int64, since time.Time) ([]rapport.ProfileView, error) {
	var out []rapport.ProfileView
	err := db.read(ctx, "find profile views", func(tx *Tx) error {
		return eachRow(ctx, tx, `SELECT v.private, v.viewed_at, `+fmt.Sprintf(memberCard, "m")+`
			FROM profile_views v JOIN members m ON m.id = v.viewer_id
			WHERE v.viewed_id = $1 AND v.viewed_at >= $2 AND m.status = 'active'
			AND NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.blocker_id = $1 AND b.blocked_id = m.id) OR (b.blocker_id = m.id AND b.blocked_id = $1))
			ORDER BY v.viewed_at DESC, m.id`, []any{viewed, micros(since)}, func(rows *sql.Rows) error {
			v := rapport.ProfileView{Viewer: &rapport.Member{}}
			var at int64
			if err := rows.Scan(append([]any{&v.Private, &at}, cardDest(v.Viewer)...)...); err != nil {
				return err
			}
			v.ViewedAt = fromMicros(at)
			out = append(out, v)
			return nil
		})
	})
	return out, err
}

// FindProfileViewing returns how a member views profiles: rapport.ViewingNamed
// or rapport.ViewingPrivate.
func (db *DB) FindProfileViewing(ctx context.Context, memberID int64) (string, error) {
	var mode string
	err := db.readOne(ctx, "find profile viewing", func(q querier) error {
		return notFound(q.QueryRowContext(ctx, `SELECT profile_viewing FROM members WHERE id = $1`, memberID).Scan(&mode), "Member")
	})
	return mode, err
}

// SetProfileViewing sets how a member views profiles.
func (db *DB) SetProfileViewing(ctx context.Context, memberID int64, mode string) error {
	return db.write(ctx, "set profile viewing", func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE members SET profile_viewing = $1 WHERE id = $2`, mode, memberID)
		if err != nil {
			return err
		}
		return mustAffect(res, "Member")
	})
}
