package service_test

import (
	"context"
	"io"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/rapportnet/rapport/service"
	"github.com/rapportnet/rapport/store"
)

// feedBenchSite is a site with posts (such as the one store.BenchmarkFeed
// tops up to ten million posts), its graph and timeline indexes, and
// members with about 1,000 connections to read the feed as.
type feedBenchSite struct {
	db      *store.DB
	svc     *service.Services
	viewers []int64
	build   time.Duration // of the timeline index
	bytes   int           // held by the timeline index, estimated
	heap    uint64        // the Go heap growth while it was built
}

var loadFeedBenchSite = sync.OnceValues(func() (*feedBenchSite, error) {
	dsn := os.Getenv("RAPPORT_BENCH_SITE")
	if dsn == "" {
		return nil, nil
	}
	ctx := context.Background()
	db, err := store.Open(ctx, dsn, nil)
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		return nil, err
	}
	g, err := service.BuildGraph(ctx, db, io.Discard)
	if err != nil {
		return nil, err
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	tl, err := service.BuildTimelines(ctx, db, os.Stderr)
	if err != nil {
		return nil, err
	}
	site := &feedBenchSite{db: db, build: time.Since(start), bytes: tl.Stats().Bytes}
	runtime.GC()
	runtime.ReadMemStats(&after)
	site.heap = after.HeapAlloc - before.HeapAlloc
	site.svc = service.New(db, service.Indexes{Graph: g, Timelines: tl}, nil, service.DefaultConfig(), nil)
	last, err := db.LastMemberID(ctx)
	if err != nil {
		return nil, err
	}
	if site.viewers, err = db.FindMembersWithConnections(ctx, last/3, 900, 1100, 200); err != nil {
		return nil, err
	}
	return site, nil
})

// BenchmarkFeedPage times a page of the home feed through the service
// (sources, the timeline index, the posts read by id, the rule of who sees
// what) for members with about 1,000 connections, beside the store's query
// of every source (store.FindFeed, which served the feed before the index),
// on the site named by RAPPORT_BENCH_SITE:
//
//	RAPPORT_BENCH_SITE=DIR/rapport.db go test ./service -run XXX -bench FeedPage -benchtime 1000x -timeout 1h
func BenchmarkFeedPage(b *testing.B) {
	site, err := loadFeedBenchSite()
	if err != nil {
		b.Fatal(err)
	} else if site == nil {
		b.Skip("set RAPPORT_BENCH_SITE to a site with posts")
	} else if len(site.viewers) == 0 {
		b.Fatal("no member with about 1,000 connections")
	}
	ctx := context.Background()
	b.Run("index/first", func(b *testing.B) {
		found := 0
		percentiles(b, b.N, func(i int) {
			page, err := site.svc.Posts.Feed(asMember(site.viewers[i%len(site.viewers)]), "")
			if err != nil {
				b.Fatal(err)
			}
			found += len(page.Posts)
		})
		b.ReportMetric(float64(found)/float64(b.N), "posts/page")
		b.ReportMetric(site.build.Seconds(), "build-s")
		b.ReportMetric(float64(site.bytes)/(1<<20), "index-MiB")
		b.ReportMetric(float64(site.heap)/(1<<20), "heap-MiB")
	})
	b.Run("index/fifth", func(b *testing.B) {
		// The cursors of each viewer's fifth page, found beforehand.
		cursors := make([]string, len(site.viewers))
		for i, v := range site.viewers {
			for range 4 {
				page, err := site.svc.Posts.Feed(asMember(v), cursors[i])
				if err != nil {
					b.Fatal(err)
				}
				cursors[i] = page.Next
			}
		}
		percentiles(b, b.N, func(i int) {
			if _, err := site.svc.Posts.Feed(asMember(site.viewers[i%len(site.viewers)]), cursors[i%len(site.viewers)]); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("store/first", func(b *testing.B) {
		found := 0
		percentiles(b, b.N, func(i int) {
			list, err := site.db.FindFeed(ctx, site.viewers[i%len(site.viewers)], store.FeedCursor{}, service.FeedPageSize+1)
			if err != nil {
				b.Fatal(err)
			}
			found += min(len(list), service.FeedPageSize)
		})
		b.ReportMetric(float64(found)/float64(b.N), "posts/page")
	})
}
