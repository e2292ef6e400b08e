package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/rapportnet/rapport"
)

// CreatePost writes a post with its mentions and sets p.ID.
func (db *DB) CreatePost(ctx context.Context, p *rapport.Post, now time.Time) error {
	return db.write(ctx, "create post", func(tx *Tx) error {
		var org any
		if p.Organization != nil {
			org = p.Organization.ID
		}
		p.CreatedAt, p.UpdatedAt = now, now
		if err := tx.QueryRowContext(ctx, `INSERT INTO posts (author_id, organization_id, kind, audience, body, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`, p.AuthorID, org, p.Kind, p.Audience, p.Body, micros(now)).Scan(&p.ID); err != nil {
			return err
		}
		if err := recordPostChange(ctx, tx, Stamp(p)); err != nil {
			return err
		}
		return writeMentions(ctx, tx, p)
	})
}

func writeMentions(ctx context.Context, tx *Tx, p *rapport.Post) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM post_mentions WHERE post_id = $1`, p.ID); err != nil {
		return err
	}
	for _, m := range p.Mentions {
		if _, err := tx.ExecContext(ctx, `INSERT INTO post_mentions (post_id, member_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, p.ID, m.ID); err != nil {
			return err
		}
	}
	return nil
}

// UpdatePost replaces the text, audience and mentions of a post of
// authorID. Returns ENOTFOUND when they wrote no such post.
func (db *DB) UpdatePost(ctx context.Context, p *rapport.Post, now time.Time) error {
	return db.write(ctx, "update post", func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE posts SET body = $1, audience = $2, updated_at = $3 WHERE id = $4 AND author_id = $5 AND kind = 'post'`,
			p.Body, p.Audience, micros(now), p.ID, p.AuthorID)
		if err != nil {
			return err
		} else if err := mustAffect(res, "Post"); err != nil {
			return err
		}
		return writeMentions(ctx, tx, p)
	})
}

// DeletePost removes a post of authorID, with its reactions and comments,
// and returns its stamp. Returns ENOTFOUND when they wrote no such post.
func (db *DB) DeletePost(ctx context.Context, authorID, id int64) (PostStamp, error) {
	st := PostStamp{ID: id, AuthorID: authorID}
	err := db.write(ctx, "delete post", func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, `DELETE FROM posts WHERE id = $1 AND author_id = $2 RETURNING COALESCE(organization_id, 0), created_at`,
			id, authorID).Scan(&st.OrganizationID, &st.At)
		if err != nil {
			return notFound(err, "Post")
		}
		return recordPostChange(ctx, tx, st)
	})
	return st, err
}

// Stamp returns what the timeline index keeps of a post.
func Stamp(p *rapport.Post) PostStamp {
	st := PostStamp{ID: p.ID, AuthorID: p.AuthorID, At: micros(p.CreatedAt)}
	if p.Organization != nil {
		st.OrganizationID = p.Organization.ID
	}
	return st
}

// postColumns read a post with its author's card, its organization and its
// counts, for viewer (0 for none).
const postColumns = `p.id, p.author_id, p.kind, p.audience, p.body, p.created_at, p.updated_at, COALESCE(p.organization_id, 0),
	COALESCE(o.slug, ''), COALESCE(o.name, ''), a.id, a.handle, a.display_name, a.headline, a.status, a.visibility,
	(SELECT COUNT(*) FROM comments c JOIN members cm ON cm.id = c.author_id WHERE c.post_id = p.id AND cm.status = 'active' AND c.hidden_at IS NULL),
	COALESCE((SELECT r.kind FROM reactions r WHERE r.post_id = p.id AND r.member_id = $1), ''), p.hidden_at IS NOT NULL`

const postFrom = ` FROM posts p JOIN members a ON a.id = p.author_id LEFT JOIN organizations o ON o.id = p.organization_id`

func scanPost(rows interface{ Scan(...any) error }) (*rapport.Post, error) {
	p := &rapport.Post{Author: &rapport.Member{}}
	var created, updated, orgID int64
	var slug, name string
	if err := rows.Scan(&p.ID, &p.AuthorID, &p.Kind, &p.Audience, &p.Body, &created, &updated, &orgID, &slug, &name,
		&p.Author.ID, &p.Author.Handle, &p.Author.DisplayName, &p.Author.Profile.Headline, &p.Author.Status, &p.Author.Profile.Visibility, &p.Comments, &p.MyReaction, &p.Hidden); err != nil {
		return nil, err
	}
	p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
	if orgID != 0 {
		p.Organization = &rapport.Organization{ID: orgID, Slug: slug, Name: name}
	}
	return p, nil
}

// FindPost returns a post as viewer sees its counts. Returns ENOTFOUND when
// there is none.
func (db *DB) FindPost(ctx context.Context, viewer, id int64) (*rapport.Post, error) {
	list, err := db.queryPosts(ctx, "find post", `SELECT `+postColumns+postFrom+` WHERE p.id = $2`, viewer, id)
	if err != nil {
		return nil, err
	} else if len(list) == 0 {
		return nil, rapport.Errorf(rapport.ENOTFOUND, "Post not found.")
	}
	return list[0], nil
}

// FeedCursor is where a page of a feed begins: the posts older than it.
type FeedCursor struct {
	At time.Time
	ID int64
}

// FindFeed returns up to limit posts for a member's home feed, newest
// first, older than before (zero for the newest): their own posts; their
// connections' posts of either audience; the public posts of members they
// follow and of organizations they follow; never a post of a member either
// side of a block with them, nor of a closed account. The audience is
// applied here, when the feed is read, so that removing a connection
// hides their connections-only posts at once.
//
// Each source is its own query, newest first through the index on
// (author, time), and takes at most limit posts; the newest of those are
// the page. A single query with ORDER BY over an OR of the sources lets
// the planner walk every post in time order instead: 90 s for one page
// over ten million posts, against about 10 ms (BENCHMARKS.md). The unary
// plus keeps "organization_id IS NULL" from choosing the organization
// index, which holds every member's post under NULL.
func (db *DB) FindFeed(ctx context.Context, viewer int64, before FeedCursor, limit int) ([]*rapport.Post, error) {
	at, id := int64(1<<62), int64(1<<62)
	if !before.At.IsZero() {
		at, id = micros(before.At), before.ID
	}
	older := `(p.created_at < $2 OR (p.created_at = $2 AND p.id < $3))`
	newest := ` ORDER BY p.created_at DESC, p.id DESC LIMIT $4`
	notBlocked := `NOT IN (SELECT blocked_id FROM blocks WHERE blocker_id = $1) AND %[1]s NOT IN (SELECT blocker_id FROM blocks WHERE blocked_id = $1)`
	active := `EXISTS (SELECT 1 FROM members m WHERE m.id = %s AND m.status = 'active')`
	return db.queryPosts(ctx, "find feed", `SELECT `+postColumns+postFrom+` WHERE p.id IN (
			SELECT id FROM (SELECT p.id FROM posts p WHERE p.author_id = $1 AND `+older+newest+`) AS mine
			UNION ALL
			SELECT id FROM (SELECT p.id FROM posts p WHERE p.author_id IN (SELECT c.other_id FROM connections c WHERE c.member_id = $1 AND `+fmt.Sprintf(active, "c.other_id")+`)
				AND +p.organization_id IS NULL AND `+older+newest+`) AS connected
			UNION ALL
			SELECT id FROM (SELECT p.id FROM posts p WHERE p.author_id IN (SELECT f.followed_id FROM follows f WHERE f.follower_id = $1
					AND `+fmt.Sprintf(active, "f.followed_id")+` AND f.followed_id `+fmt.Sprintf(notBlocked, "f.followed_id")+`)
				AND p.audience = 'public' AND +p.organization_id IS NULL AND `+older+newest+`) AS followed
			UNION ALL
			SELECT id FROM (SELECT p.id FROM posts p WHERE p.organization_id IN (SELECT organization_id FROM organization_follows WHERE member_id = $1)
				AND `+fmt.Sprintf(active, "p.author_id")+` AND p.author_id `+fmt.Sprintf(notBlocked, "p.author_id")+` AND `+older+newest+`) AS organizations)
		`+newest, viewer, at, id, limit)
}

// FindMemberPosts returns a member's own posts and updates (not those
// written as an organization), newest first, at most limit, with their
// counts for viewer; connectionsToo says whether connections-only ones are
// included.
func (db *DB) FindMemberPosts(ctx context.Context, viewer, authorID int64, connectionsToo bool, limit int) ([]*rapport.Post, error) {
	audience := ` AND p.audience = 'public'`
	if connectionsToo {
		audience = ``
	}
	return db.queryPosts(ctx, "find member posts", `SELECT `+postColumns+postFrom+`
		WHERE p.author_id = $2 AND p.organization_id IS NULL`+audience+` ORDER BY p.created_at DESC, p.id DESC LIMIT $3`, viewer, authorID, limit)
}

// FindOrganizationPosts returns an organization's posts, newest first.
func (db *DB) FindOrganizationPosts(ctx context.Context, viewer, orgID int64, limit int) ([]*rapport.Post, error) {
	return db.queryPosts(ctx, "find organization posts", `SELECT `+postColumns+postFrom+`
		WHERE p.organization_id = $2 AND a.status = 'active' ORDER BY p.created_at DESC, p.id DESC LIMIT $3`, viewer, orgID, limit)
}

// queryPosts runs a query of postColumns, then reads the posts' reaction
// counts and mentions, in one read transaction.
func (db *DB) queryPosts(ctx context.Context, op, query string, args ...any) ([]*rapport.Post, error) {
	var out []*rapport.Post
	err := db.read(ctx, op, func(tx *Tx) error {
		if err := eachRow(ctx, tx, query, args, func(rows *sql.Rows) error {
			p, err := scanPost(rows)
			out = append(out, p)
			return err
		}); err != nil || len(out) == 0 {
			return err
		}
		byID := make(map[int64]*rapport.Post, len(out))
		ids := make([]int64, len(out))
		for i, p := range out {
			byID[p.ID], ids[i] = p, p.ID
			p.Reactions = map[string]int{}
		}
		in := placeholders(len(ids))
		if err := eachRow(ctx, tx, `SELECT r.post_id, r.kind, COUNT(*) FROM reactions r JOIN members m ON m.id = r.member_id
			WHERE r.post_id IN (`+in+`) AND m.status = 'active' GROUP BY r.post_id, r.kind`,
			int64Args(ids), func(rows *sql.Rows) error {
				var id int64
				var kind string
				var n int
				if err := rows.Scan(&id, &kind, &n); err != nil {
					return err
				}
				byID[id].Reactions[kind] = n
				return nil
			}); err != nil {
			return err
		}
		return eachRow(ctx, tx, `SELECT pm.post_id, `+fmt.Sprintf(memberCard, "m")+` FROM post_mentions pm JOIN members m ON m.id = pm.member_id
			WHERE pm.post_id IN (`+in+`) AND m.status = 'active' ORDER BY pm.post_id, m.id`, int64Args(ids), func(rows *sql.Rows) error {
			var id int64
			m := &rapport.Member{}
			if err := rows.Scan(append([]any{&id}, cardDest(m)...)...); err != nil {
				return err
			}
			byID[id].Mentions = append(byID[id].Mentions, m)
			return nil
		})
	})
	return out, err
}

// PutReaction sets a member's reaction to a post, replacing the one they
// left before.
func (db *DB) PutReaction(ctx context.Context, postID, memberID int64, kind string, now time.Time) error {
	return db.write(ctx, "put reaction", func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO reactions (post_id, member_id, kind, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (post_id, member_id) DO UPDATE SET kind = excluded.kind, created_at = excluded.created_at`, postID, memberID, kind, micros(now))
		return err
	})
}

// DeleteReaction takes a member's reaction off a post. Returns ENOTFOUND
// when they left none.
func (db *DB) DeleteReaction(ctx context.Context, postID, memberID int64) error {
	return db.write(ctx, "delete reaction", func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM reactions WHERE post_id = $1 AND member_id = $2`, postID, memberID)
		if err != nil {
			return err
		}
		return mustAffect(res, "Reaction")
	})
}

// CreateComment adds a comment to a post and sets c.ID.
func (db *DB) CreateComment(ctx context.Context, c *rapport.Comment, now time.Time) error {
	return db.write(ctx, "create comment", func(tx *Tx) error {
		c.CreatedAt = now
		return tx.QueryRowContext(ctx, `INSERT INTO comments (post_id, author_id, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			c.PostID, c.Author.ID, c.Body, micros(now)).Scan(&c.ID)
	})
}

// FindComments returns a post's comments by active members, oldest first.
func (db *DB) FindComments(ctx context.Context, postID int64) ([]*rapport.Comment, error) {
	var out []*rapport.Comment
	err := db.read(ctx, "find comments", func(tx *Tx) error {
		return eachRow(ctx, tx, `SELECT c.id, c.body, c.created_at, `+fmt.Sprintf(memberCard, "m")+`
			FROM comments c JOIN members m ON m.id = c.author_id WHERE c.post_id = $1 AND m.status = 'active' AND c.hidden_at IS NULL ORDER BY c.id`,
			[]any{postID}, func(rows *sql.Rows) error {
				c := &rapport.Comment{PostID: postID, Author: &rapport.Member{}}
				var created int64
				if err := rows.Scan(append([]any{&c.ID, &c.Body, &created}, cardDest(c.Author)...)...); err != nil {
					return err
				}
				c.CreatedAt = fromMicros(created)
				out = append(out, c)
				return nil
			})
	})
	return out, err
}

// DeleteComment removes a comment of a post, when memberID wrote the
// comment or the post. Returns ENOTFOUND otherwise.
func (db *DB) DeleteComment(ctx context.Context, postID, commentID, memberID int64) error {
	return db.write(ctx, "delete comment", func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM comments WHERE id = $1 AND post_id = $2
			AND (author_id = $3 OR post_id IN (SELECT id FROM posts WHERE author_id = $3))`, commentID, postID, memberID)
		if err != nil {
			return err
		}
		return mustAffect(res, "Comment")
	})
}

// SetShareUpdates records whether a member shares profile updates with
// their network.
func (db *DB) SetShareUpdates(ctx context.Context, memberID int64, share bool) error {
	return db.write(ctx, "set share updates", func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE members SET share_updates = $1 WHERE id = $2`, share, memberID)
		if err != nil {
			return err
		}
		return mustAffect(res, "Member")
	})
}

// FindShareUpdates reports whether a member shares profile updates.
func (db *DB) FindShareUpdates(ctx context.Context, memberID int64) (bool, error) {
	var share bool
	err := db.readOne(ctx, "find share updates", func(q querier) error {
		return notFound(q.QueryRowContext(ctx, `SELECT share_updates FROM members WHERE id = $1`, memberID).Scan(&share), "Member")
	})
	return share, err
}

// FindMembersWithConnections returns up to limit members with between
// least and most connections, for benchmarks, looking among the members
// with ids from from to from+100,000 only, so as not to read every
// connection of a large site.
func (db *DB) FindMembersWithConnections(ctx context.Context, from int64, least, most, limit int) ([]int64, error) {
	var out []int64
	err := db.read(ctx, "find members with connections", func(tx *Tx) error {
		return eachRow(ctx, tx, `SELECT member_id FROM connections WHERE member_id >= $4 AND member_id < $4 + 100000
			GROUP BY member_id HAVING COUNT(*) BETWEEN $1 AND $2 LIMIT $3`,
			[]any{least, most, limit, from}, func(rows *sql.Rows) error {
				var id int64
				out = append(out, id)
				return rows.Scan(&out[len(out)-1])
			})
	})
	return out, err
}
