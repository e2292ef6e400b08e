package service

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/internal/storetest"
	"github.com/rapportnet/rapport/store"
)

// TestTimelinesFollowOtherProcesses runs two sets of services over one
// database, as two processes behind a load balancer, and checks that posts
// written and deleted through one reach the other's feed by the post change
// log, once, and not before it is read.
func TestTimelinesFollowOtherProcesses(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "rapport.db")
	open := func() *store.DB { return storetest.Open(t, path) }
	db := open()
	if _, err := Seed(ctx, db, SeedOptions{Members: 12, Connections: 40, Posts: 50, Seed: 3, Password: "violet-harbour-quietly-87-lanterns"}, io.Discard); err != nil {
		t.Fatal(err)
	}
	process := func(db *store.DB) *Services {
		g, err := BuildGraph(ctx, db, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		tl, err := BuildTimelines(ctx, db, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		return New(db, Indexes{Graph: g, Timelines: tl}, nil, DefaultConfig(), nil)
	}
	a, b := process(db), process(open())
	followB := b.followPosts()
	log := slog.New(slog.DiscardHandler)

	// A writer and a connection of theirs who reads.
	writer := int64(1)
	conns := a.Graph().Connections(writer)
	if len(conns) == 0 {
		t.Fatalf("member %d has no connection", writer)
	}
	reader := conns[0]
	as := func(id int64) context.Context {
		return rapport.NewContextWithCaller(ctx, rapport.Caller{MemberID: id})
	}
	inFeed := func(s *Services, id int64) bool {
		t.Helper()
		page, err := s.Posts.Feed(as(reader), "")
		if err != nil {
			t.Fatal(err)
		}
		return slices.ContainsFunc(page.Posts, func(p *rapport.Post) bool { return p.ID == id })
	}

	p, err := a.Posts.Write(as(writer), "Written through the first process", rapport.AudienceConnections)
	if err != nil {
		t.Fatal(err)
	}
	if !inFeed(a, p.ID) {
		t.Fatal("the new post is not in the feed of the process that wrote it")
	}
	if inFeed(b, p.ID) {
		t.Fatal("the other process shows the post before reading the change log: the test proves nothing")
	}
	before := b.Posts.timelines.Stats().Posts
	followB.poll(ctx, time.Now(), log)
	if !inFeed(b, p.ID) {
		t.Fatal("the other process does not show the post after reading the change log")
	}
	followB.poll(ctx, time.Now(), log) // read again within the window: no second entry
	if got := b.Posts.timelines.Stats().Posts; got != before+1 {
		t.Fatalf("the other process indexes %d posts, want %d", got, before+1)
	}

	if err := a.Posts.Delete(as(writer), p.ID); err != nil {
		t.Fatal(err)
	}
	if inFeed(a, p.ID) || inFeed(b, p.ID) {
		t.Fatal("a deleted post is still in a feed")
	}
	followB.poll(ctx, time.Now(), log)
	if got := b.Posts.timelines.Stats().Posts; got != before {
		t.Fatalf("after the delete the other process indexes %d posts, want %d", got, before)
	}

	// Posts written through the second process reach the first, including a
	// profile update and a post written and deleted between two reads.
	q, err := b.Posts.Write(as(writer), "Written through the second process", rapport.AudiencePublic)
	if err != nil {
		t.Fatal(err)
	}
	gone, err := b.Posts.Write(as(writer), "Gone at once", rapport.AudiencePublic)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Posts.Delete(as(writer), gone.ID); err != nil {
		t.Fatal(err)
	}
	followA := a.followPosts()
	aBefore := a.Posts.timelines.Stats().Posts
	followA.poll(ctx, time.Now(), log)
	if !inFeed(a, q.ID) {
		t.Fatal("the first process does not show the second's post after reading the change log")
	}
	if got := a.Posts.timelines.Stats().Posts; got != aBefore+1 {
		t.Fatalf("the first process indexes %d posts, want %d (one new, one written and deleted)", got, aBefore+1)
	}
}
