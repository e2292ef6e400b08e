package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/rapportnet/rapport"
)

// PostStamp is what the timeline index keeps of a post: who wrote it, as
// which organization if any, and when.
type PostStamp struct {
	ID             int64
	AuthorID       int64
	OrganizationID int64 // 0 for a post written as the author
	At             int64 // created_at, in microseconds since 1970
}

// recordPostChange notes, in the transaction that writes or deletes it,
// that a post changed.
func recordPostChange(ctx context.Context, tx *Tx, p PostStamp) error {
	var org any
	if p.OrganizationID != 0 {
		org = p.OrganizationID
	}
	// The log is read by wall-clock windows, whatever clock the caller's
	// rules run on.
	_, err := tx.ExecContext(ctx, `INSERT INTO post_changes (post_id, author_id, organization_id, posted_at, at) VALUES ($1, $2, $3, $4, $5)`,
		p.ID, p.AuthorID, org, p.At, micros(time.Now()))
	return err
}

// recordPostChangesOf notes, in the transaction that deletes them with
// their author, that every post of a member changed.
func recordPostChangesOf(ctx context.Context, tx *Tx, authorID int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO post_changes (post_id, author_id, organization_id, posted_at, at)
		SELECT id, author_id, organization_id, created_at, $2 FROM posts WHERE author_id = $1`, authorID, micros(time.Now()))
	return err
}

// ScanPosts hands over every post, for building the timeline index: first
// those written as an organization, all at once to organizations; then
// every author's posts of either kind, in no particular order, one call of
// authors a member, from several goroutines at once. Each list is the
// callee's to keep.
//
// Ranges of author ids are read at once, one transaction each, through the
// author index alone, so the ranges may see the store a moment apart: the
// caller replays the changes logged since before the scan (post_changes),
// as service.BuildTimelines does.
func (db *DB) ScanPosts(ctx context.Context, organizations func([]PostStamp), authors func(author int64, posts []PostStamp)) error {
	var last int64
	var asOrg []PostStamp
	err := db.read(ctx, "scan organization posts", func(tx *Tx) error {
		// "> 0" rather than "IS NOT NULL", which SQLite answers by reading
		// every post instead of the organization index.
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(author_id), 0) FROM posts`).Scan(&last); err != nil {
			return err
		}
		return eachRow(ctx, tx, `SELECT id, author_id, organization_id, created_at FROM posts WHERE organization_id > 0`, nil,
			func(rows *sql.Rows) error {
				var p PostStamp
				err := rows.Scan(&p.ID, &p.AuthorID, &p.OrganizationID, &p.At)
				asOrg = append(asOrg, p)
				return err
			})
	})
	if err != nil {
		return err
	}
	organizations(asOrg)
	return inRanges(last, last/64+1, func(from, to int64) error {
		return db.read(ctx, "scan posts", func(tx *Tx) error {
			var author int64
			var list []PostStamp
			err := eachRow(ctx, tx, `SELECT author_id, id, created_at FROM posts WHERE author_id >= $1 AND author_id < $2
				ORDER BY author_id`, []any{from, to}, func(rows *sql.Rows) error {
				var p PostStamp
				if err := rows.Scan(&p.AuthorID, &p.ID, &p.At); err != nil {
					return err
				}
				if p.AuthorID != author && len(list) > 0 {
					authors(author, list)
					list = nil
				}
				author = p.AuthorID
				list = append(list, p)
				return nil
			})
			if err == nil && len(list) > 0 {
				authors(author, list)
			}
			return err
		})
	})
}

// PostChange says that a post was written or deleted; Exists says which
// the store holds now. SQLite hands the id of the newest post out again
// once that post is deleted, so a post is the same only with the same
// author and time.
type PostChange struct {
	ID     int64
	Post   PostStamp
	Exists bool
}

// FindPostChanges returns the changes with an id above afterID (10,000 at
// most), and those at or below it logged after since: on PostgreSQL a
// transaction that drew a smaller id may commit after one that drew a
// larger, so a follower looks back over a window of time as well.
func (db *DB) FindPostChanges(ctx context.Context, afterID int64, since time.Time) ([]PostChange, error) {
	var changes []PostChange
	err := db.read(ctx, "find post changes", func(tx *Tx) error {
		return eachRow(ctx, tx, `
			SELECT c.id, c.post_id, c.author_id, COALESCE(c.organization_id, 0), c.posted_at,
				EXISTS (SELECT 1 FROM posts p WHERE p.id = c.post_id AND p.author_id = c.author_id AND p.created_at = c.posted_at)
			FROM (
				SELECT * FROM (SELECT * FROM post_changes WHERE id > $1 ORDER BY id LIMIT 10000) AS fresh
				UNION ALL
				SELECT * FROM post_changes WHERE id <= $1 AND at > $2
			) AS c ORDER BY c.id`, []any{afterID, micros(since)}, func(rows *sql.Rows) error {
			var c PostChange
			if err := rows.Scan(&c.ID, &c.Post.ID, &c.Post.AuthorID, &c.Post.OrganizationID, &c.Post.At, &c.Exists); err != nil {
				return err
			}
			changes = append(changes, c)
			return nil
		})
	})
	return changes, err
}

// postLog is the change log of posts.
const postLog = "post_changes"

// LastPostChange returns the id of the newest post change, or 0.
func (db *DB) LastPostChange(ctx context.Context) (int64, error) {
	return db.lastChange(ctx, postLog)
}

// DeletePostChanges forgets post changes older than before.
func (db *DB) DeletePostChanges(ctx context.Context, before time.Time) error {
	return db.deleteChanges(ctx, postLog, before)
}

// FeedSources is whom a member's home feed draws on besides themselves and
// their connections (which the graph index knows).
type FeedSources struct {
	Members       []int64        // the members they follow
	Organizations []int64        // the organizations they follow
	Blocked       map[int64]bool // the members either side of a block with them
}

// FindFeedSources returns the members and organizations a member follows
// and the members either side of a block with them, in one statement.
func (db *DB) FindFeedSources(ctx context.Context, memberID int64) (FeedSources, error) {
	src := FeedSources{Blocked: map[int64]bool{}}
	err := db.readOne(ctx, "find feed sources", func(q querier) error {
		rows, err := q.QueryContext(ctx, `
			SELECT 1, followed_id FROM follows WHERE follower_id = $1
			UNION ALL
			SELECT 2, organization_id FROM organization_follows WHERE member_id = $1
			UNION ALL
			SELECT 3, CASE WHEN blocker_id = $1 THEN blocked_id ELSE blocker_id END FROM blocks WHERE blocker_id = $1 OR blocked_id = $1`, memberID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var kind int
			var id int64
			if err := rows.Scan(&kind, &id); err != nil {
				return err
			}
			switch kind {
			case 1:
				src.Members = append(src.Members, id)
			case 2:
				src.Organizations = append(src.Organizations, id)
			default:
				src.Blocked[id] = true
			}
		}
		return rows.Err()
	})
	return src, err
}

// FindPostsByID returns the posts of ids that exist, in no particular
// order, with their counts for viewer, as FindPost does one.
func (db *DB) FindPostsByID(ctx context.Context, viewer int64, ids []int64) ([]*rapport.Post, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := append([]any{viewer}, int64Args(ids)...)
	return db.queryPosts(ctx, "find posts", `SELECT `+postColumns+postFrom+` WHERE p.id IN (`+placeholdersFrom(2, len(ids))+`)`, args...)
}
