package service

import (
	"context"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/rapportnet/rapport/store"
	"github.com/rapportnet/rapport/timeline"
)

// BuildTimelines builds the timeline index of the home feed from the
// store, printing a progress line to w every progressEvery posts and a
// summary at the end.
func BuildTimelines(ctx context.Context, db *store.DB, w io.Writer) (*timeline.Index, error) {
	const progressEvery = 1_000_000
	start := time.Now()
	// Changes from here on are replayed by FollowChanges: the scan may or
	// may not have seen them, and replaying one is harmless.
	from, err := db.LastPostChange(ctx)
	if err != nil {
		return nil, fmt.Errorf("build timeline index: %w", err)
	}
	ix := timeline.New()
	var asOrg map[int64]bool // the posts written as an organization
	var read atomic.Int64
	err = db.ScanPosts(ctx, func(posts []store.PostStamp) {
		asOrg = make(map[int64]bool, len(posts))
		for _, p := range posts {
			asOrg[p.ID] = true
			ix.Add(timelinePost(p))
		}
	}, func(author int64, posts []store.PostStamp) {
		own := make([]timeline.Stamp, 0, len(posts))
		for _, p := range posts {
			if !asOrg[p.ID] {
				own = append(own, timeline.Stamp{At: p.At, ID: p.ID})
			}
		}
		ix.Load(author, own)
		if n := read.Add(int64(len(posts))); n/progressEvery != (n-int64(len(posts)))/progressEvery {
			fmt.Fprintf(w, "timeline index: %d posts read (%.0f/s)\n", n, float64(n)/time.Since(start).Seconds())
		}
	})
	if err != nil {
		return nil, fmt.Errorf("build timeline index: %w", err)
	}
	ix.SetVersion(from)
	s := ix.Stats()
	fmt.Fprintf(w, "timeline index: %d posts of %d members and %d organizations, %.1f MiB, built in %s\n",
		s.Posts, s.Members, s.Organizations, float64(s.Bytes)/(1<<20), time.Since(start).Round(time.Millisecond))
	return ix, nil
}

func timelinePost(p store.PostStamp) timeline.Post {
	return timeline.Post{ID: p.ID, Author: p.AuthorID, Organization: p.OrganizationID, At: p.At}
}

// followPosts is the post change log, for FollowChanges: each change is
// applied as the store says things are now, so a post written and deleted
// at once elsewhere is never added.
func (s *Services) followPosts() *feed[store.PostChange] {
	db, ix := s.Posts.db, s.Posts.timelines
	return &feed[store.PostChange]{
		name: "posts",
		find: db.FindPostChanges,
		id:   func(c store.PostChange) int64 { return c.ID },
		apply: func(_ context.Context, c store.PostChange) error {
			if c.Exists {
				ix.Add(timelinePost(c.Post))
			} else {
				ix.Remove(timelinePost(c.Post))
			}
			return nil
		},
		version: ix.Version, setVersion: ix.SetVersion, prune: db.DeletePostChanges,
	}
}
