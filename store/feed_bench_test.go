package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/store"
)

// BenchmarkFeed times the first page of the home feed (store.FindFeed) for
// members with about 1,000 connections, on a site given by
// RAPPORT_BENCH_SITE (a SQLite file or a postgres:// URL, such as one made
// by rapport seed), after topping its posts up to RAPPORT_BENCH_POSTS
// (10,000,000 by default) by members drawn so that a few write much:
//
//	RAPPORT_BENCH_SITE=DIR/rapport.db go test ./store -run XXX -bench Feed -benchtime 2000x -timeout 2h
func BenchmarkFeed(b *testing.B) {
	dsn := os.Getenv("RAPPORT_BENCH_SITE")
	if dsn == "" {
		b.Skip("set RAPPORT_BENCH_SITE to a seeded site")
	}
	want := 10_000_000
	if v := os.Getenv("RAPPORT_BENCH_POSTS"); v != "" {
		want, _ = strconv.Atoi(v)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, dsn, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	last, err := db.LastMemberID(ctx)
	if err != nil {
		b.Fatal(err)
	}
	have, err := db.CountPosts(ctx)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	now := time.Now()
	for have < want {
		n := min(100_000, want-have)
		posts := make([]rapport.Post, n)
		for i := range posts {
			u := rng.Float64()
			audience := rapport.AudiencePublic
			if rng.IntN(4) == 0 {
				audience = rapport.AudienceConnections
			}
			posts[i] = rapport.Post{AuthorID: 1 + int64(u*u*float64(last)), Audience: audience, Body: "A post for the benchmark.",
				CreatedAt: now.Add(-time.Duration(rng.Int64N(int64(365 * 24 * time.Hour))))}
		}
		if err := db.SeedPosts(ctx, posts); err != nil {
			b.Fatal(err)
		}
		have += n
		fmt.Fprintf(os.Stderr, "posts: %d of %d\n", have, want)
	}
	viewers, err := db.FindMembersWithConnections(ctx, last/3, 900, 1100, 200)
	if err != nil || len(viewers) == 0 {
		b.Fatalf("no member with about 1,000 connections (%v)", err)
	}
	took := make([]time.Duration, 0, b.N)
	found := 0
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		page, err := db.FindFeed(ctx, viewers[i%len(viewers)], store.FeedCursor{}, 21)
		if err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
		found += len(page)
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(found)/float64(b.N), "posts/page")
}
