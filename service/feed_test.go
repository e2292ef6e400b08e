package service_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/internal/storetest"
	"github.com/rapportnet/rapport/service"
	"github.com/rapportnet/rapport/store"
)

// feedSite is a seeded site with follows, organization posts and
// follows, blocks, a suspended author and posts written in the same
// microsecond, served from indexes built from the store as serve builds
// them.
type feedSite struct {
	svc     *service.Services
	db      *store.DB
	raw     *sql.DB
	members []int64
	orgs    []int64
	rng     *rand.Rand
	now     time.Time
}

func newFeedSite(t *testing.T) *feedSite {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "rapport.db")
	db := storetest.Open(t, path)
	if _, err := service.Seed(ctx, db, service.SeedOptions{Members: 80, Connections: 600, Posts: 2500, Seed: 7, Password: pw}, io.Discard); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	s := &feedSite{db: db, raw: raw, rng: rand.New(rand.NewPCG(8, 9)), now: time.Now()}
	s.members = s.ids(t, `SELECT id FROM members ORDER BY id`)
	s.orgs = s.ids(t, `SELECT id FROM organizations ORDER BY id`)
	if len(s.orgs) == 0 {
		t.Fatal("the seed made no organization")
	}
	pick := func(l []int64) int64 { return l[s.rng.IntN(len(l))] }
	for range 150 {
		if err := db.CreateFollow(ctx, pick(s.members), pick(s.members), s.now); err != nil {
			t.Fatal(err)
		}
		if err := db.FollowOrganization(ctx, pick(s.members), pick(s.orgs), s.now); err != nil {
			t.Fatal(err)
		}
	}
	// Posts as organizations, and posts written in the same microsecond,
	// before the index is built and (later) after.
	same := s.now.Add(-time.Hour).Truncate(time.Microsecond)
	for i := range 60 {
		p := &rapport.Post{AuthorID: pick(s.members), Kind: rapport.PostKindPost, Audience: rapport.AudiencePublic, Body: fmt.Sprintf("as an organization %d", i)}
		if i%2 == 0 {
			p.Organization = &rapport.Organization{ID: pick(s.orgs)}
		}
		if i%3 == 0 {
			p.Audience = rapport.AudienceConnections
		}
		at := same
		if i%4 == 0 {
			at = s.now.Add(-time.Duration(s.rng.Int64N(int64(24 * time.Hour))))
		}
		if err := db.CreatePost(ctx, p, at); err != nil {
			t.Fatal(err)
		}
	}
	for range 8 {
		a, b := pick(s.members), pick(s.members)
		if a != b {
			if err := db.CreateBlock(ctx, a, b, s.now); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := raw.ExecContext(ctx, `UPDATE members SET status = $1 WHERE id = $2`, rapport.StatusSuspended, s.members[3]); err != nil {
		t.Fatal(err)
	}
	g, err := service.BuildGraph(ctx, db, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	timelines, err := service.BuildTimelines(ctx, db, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	s.svc = service.New(db, service.Indexes{Graph: g, Timelines: timelines}, nil, service.DefaultConfig(), nil)
	return s
}

func (s *feedSite) ids(t *testing.T, query string) []int64 {
	t.Helper()
	rows, err := s.raw.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	return out
}

func (s *feedSite) as(t *testing.T, id int64) context.Context {
	t.Helper()
	m, err := s.db.FindMemberByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return rapport.NewContextWithCaller(context.Background(), rapport.Caller{MemberID: id, Handle: m.Handle})
}

// feed reads every page of a member's feed, following the cursors.
func (s *feedSite) feed(t *testing.T, viewer int64) []int64 {
	t.Helper()
	var out []int64
	cursor := ""
	for pages := 0; ; pages++ {
		page, err := s.svc.Posts.Feed(s.as(t, viewer), cursor)
		if err != nil {
			t.Fatal(err)
		}
		if page.Next != "" && len(page.Posts) != service.FeedPageSize {
			t.Fatalf("page %d of member %d's feed has %d posts and a next page", pages, viewer, len(page.Posts))
		}
		for _, p := range page.Posts {
			out = append(out, p.ID)
		}
		if page.Next == "" {
			return out
		}
		cursor = page.Next
	}
}

// want is the feed as the store's query of every source (store.FindFeed,
// which the feed was served from before the index) gives it.
func (s *feedSite) want(t *testing.T, viewer int64) []int64 {
	t.Helper()
	list, err := s.db.FindFeed(context.Background(), viewer, store.FeedCursor{}, 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]int64, len(list))
	for i, p := range list {
		out[i] = p.ID
	}
	return out
}

func (s *feedSite) check(t *testing.T, viewers []int64) {
	t.Helper()
	seen := 0
	for _, v := range viewers {
		got, want := s.feed(t, v), s.want(t, v)
		if !slices.Equal(got, want) {
			i := 0
			for i < min(len(got), len(want)) && got[i] == want[i] {
				i++
			}
			t.Fatalf("member %d's feed has %d posts, want %d; from the %dth on: %v, want %v",
				v, len(got), len(want), i, got[i:min(i+5, len(got))], want[i:min(i+5, len(want))])
		}
		seen += len(got)
	}
	if seen == 0 {
		t.Fatal("every feed is empty")
	}
}

func TestFeedAgreesWithTheStore(t *testing.T) {
	s := newFeedSite(t)
	ctx := context.Background()
	// Not the suspended member, who cannot sign in.
	viewers := slices.Delete(slices.Clone(s.members[:31]), 3, 4)
	t.Run("AsBuilt", func(t *testing.T) { s.check(t, viewers) })

	t.Run("AfterWritesAndDeletes", func(t *testing.T) {
		for i, v := range viewers {
			c := s.as(t, v)
			audience := rapport.AudiencePublic
			if i%2 == 0 {
				audience = rapport.AudienceConnections
			}
			p, err := s.svc.Posts.Write(c, fmt.Sprintf("new post %d", i), audience)
			if err != nil {
				if rapport.ErrorCode(err) == rapport.EUNAUTHORIZED || v == s.members[3] {
					continue
				}
				t.Fatal(err)
			}
			if i%3 == 0 {
				if err := s.svc.Posts.Delete(c, p.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		// Older posts deleted too, from the middle of timelines.
		for _, id := range s.ids(t, `SELECT id FROM posts WHERE author_id IN (SELECT other_id FROM connections WHERE member_id = 1)
			AND organization_id IS NULL ORDER BY id LIMIT 20`) {
			var author int64
			if err := s.raw.QueryRow(`SELECT author_id FROM posts WHERE id = $1`, id).Scan(&author); err != nil {
				t.Fatal(err)
			}
			if err := s.svc.Posts.Delete(s.as(t, author), id); err != nil {
				t.Fatal(err)
			}
		}
		s.check(t, viewers)
	})

	t.Run("RemovedConnectionHidesConnectionsOnlyPostsAtOnce", func(t *testing.T) {
		viewer := s.members[0]
		var other int64
		if err := s.raw.QueryRow(`SELECT c.other_id FROM connections c WHERE c.member_id = $1 AND EXISTS (
			SELECT 1 FROM posts p WHERE p.author_id = c.other_id AND p.audience = 'connections' AND p.organization_id IS NULL)
			AND c.other_id <> $2 LIMIT 1`, viewer, s.members[3]).Scan(&other); err != nil {
			t.Fatalf("member %d has no connection with connections-only posts: %v", viewer, err)
		}
		theirs := s.ids(t, fmt.Sprintf(`SELECT id FROM posts WHERE author_id = %d AND audience = 'connections' AND organization_id IS NULL`, other))
		if got := s.feed(t, viewer); !containsAny(got, theirs) {
			t.Fatalf("member %d's feed lacks connection %d's connections-only posts before the removal", viewer, other)
		}
		m, err := s.db.FindMemberByID(ctx, other)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.svc.Network.RemoveConnection(s.as(t, viewer), m.Handle); err != nil {
			t.Fatal(err)
		}
		if got := s.feed(t, viewer); containsAny(got, theirs) {
			t.Fatalf("member %d's feed still shows %d's connections-only posts after the removal", viewer, other)
		}
		s.check(t, viewers)
	})

	t.Run("BlocksHideBothWays", func(t *testing.T) {
		viewer := s.members[1]
		conns := s.svc.Graph().Connections(viewer)
		if len(conns) == 0 {
			t.Fatalf("member %d has no connection", viewer)
		}
		other := conns[0]
		// The other follows the viewer too, so that the block hides a
		// followed member's posts and a connection's alike.
		if err := s.db.CreateFollow(ctx, other, viewer, s.now); err != nil {
			t.Fatal(err)
		}
		m, err := s.db.FindMemberByID(ctx, viewer)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.svc.Network.Block(s.as(t, other), m.Handle); err != nil {
			t.Fatal(err)
		}
		theirs := s.ids(t, fmt.Sprintf(`SELECT id FROM posts WHERE author_id = %d`, other))
		mine := s.ids(t, fmt.Sprintf(`SELECT id FROM posts WHERE author_id = %d`, viewer))
		if containsAny(s.feed(t, viewer), theirs) || containsAny(s.feed(t, other), mine) {
			t.Fatalf("a block between %d and %d leaves one's posts in the other's feed", viewer, other)
		}
		s.check(t, append(viewers, other))
	})

	t.Run("BadCursor", func(t *testing.T) {
		_, err := s.svc.Posts.Feed(s.as(t, viewers[0]), "bm90LW91cnM")
		if rapport.ErrorCode(err) != rapport.EINVALID {
			t.Fatalf("a cursor not ours gives %v, want EINVALID", err)
		}
	})
}

func containsAny(list, any []int64) bool {
	return slices.ContainsFunc(list, func(id int64) bool { return slices.Contains(any, id) })
}

func TestRelationsOneByOneAgreeWithTheCircle(t *testing.T) {
	s := newFeedSite(t)
	viewer := s.members[0]
	many := slices.Clone(s.members) // more than Relations places one by one
	if len(many) <= 64 {
		t.Fatalf("only %d members", len(many))
	}
	all := s.svc.Network.Relations(s.as(t, viewer), many)
	for start := 0; start < len(many); start += 10 {
		few := many[start:min(start+10, len(many))]
		for id, rel := range s.svc.Network.Relations(s.as(t, viewer), append(few, few[0])) {
			if rel != all[id] {
				t.Fatalf("member %d: one by one %+v, through the circle %+v", id, rel, all[id])
			}
		}
	}
	degrees := map[int]int{}
	for _, rel := range all {
		degrees[rel.Degree]++
	}
	if len(degrees) < 3 {
		t.Fatalf("the members are at only %d distinct degrees (%v): the test proves little", len(degrees), degrees)
	}
}
