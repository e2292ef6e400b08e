package service_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/search"
	"github.com/rapportnet/rapport/service"
	"github.com/rapportnet/rapport/store"
)

// The search benchmarks run on a seeded site named by RAPPORT_BENCH_SITE (a
// SQLite file or a postgres:// URL), for example one made by
//
//	rapport graph generate --members 1000000 --connections 50000000 g1m.edges
//	rapport seed --members 1000000 --graph g1m.edges --data /tmp/seed1m
//	RAPPORT_BENCH_SITE=/tmp/seed1m/rapport.db go test ./service -run XXX -bench Search -benchtime 2000x -timeout 30m
//
// They skip without it: a site worth measuring takes minutes to make.

// benchSite is a seeded site with its indexes, and members to search as
// and for.
type benchSite struct {
	db      *store.DB
	svc     *service.Services
	index   *search.Index
	members []*rapport.Member // a sample, with their profiles
	viewers []int64           // members with connections
	build   time.Duration     // of the search index
	bytes   uint64
}

var loadBenchSite = sync.OnceValues(func() (*benchSite, error) {
	dsn := os.Getenv("RAPPORT_BENCH_SITE")
	if dsn == "" {
		return nil, nil
	}
	ctx := context.Background()
	db, err := store.Open(ctx, dsn, nil)
	if err != nil {
		return nil, err
	}
	g, err := service.BuildGraph(ctx, db, io.Discard)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	ix, err := service.BuildSearch(ctx, db, io.Discard)
	if err != nil {
		return nil, err
	}
	site := &benchSite{db: db, index: ix, build: time.Since(start), bytes: ix.Stats().Bytes}
	site.svc = service.New(db, service.Indexes{Graph: g, Search: ix}, nil, service.DefaultConfig(), nil)
	last, err := db.LastMemberID(ctx)
	if err != nil {
		return nil, err
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	for len(site.members) < 2000 {
		from := rnd.Int64N(last) + 1
		err := db.ScanProfiles(ctx, from, from+1, func(m *rapport.Member) {
			site.members = append(site.members, m)
			if len(g.Connections(m.ID)) > 0 {
				site.viewers = append(site.viewers, m.ID)
			}
		})
		if err != nil {
			return nil, err
		}
	}
	return site, nil
})

func benchSiteOrSkip(b *testing.B) *benchSite {
	b.Helper()
	site, err := loadBenchSite()
	if err != nil {
		b.Fatal(err)
	}
	if site == nil {
		b.Skip("set RAPPORT_BENCH_SITE to a seeded site to run the search benchmarks")
	}
	return site
}

// asMember returns a context whose caller is the member.
func asMember(id int64) context.Context {
	return rapport.NewContextWithCaller(context.Background(), rapport.Caller{MemberID: id})
}

// percentiles times op over a fixed sample, one call at a time, and reports
// the median and 99th percentile.
func percentiles(b *testing.B, n int, op func(i int)) {
	b.Helper()
	b.StopTimer()
	took := make([]time.Duration, n)
	for i := range took {
		start := time.Now()
		op(i)
		took[i] = time.Since(start)
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[n/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[n*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(took[n-1].Microseconds())/1000, "max-ms")
}

// BenchmarkSearchTypeahead suggests members for the first one, two and
// three letters of a real first name, as a random member with connections,
// through the service (blocks from the store, cards from the store, order
// from the graph index). It also reports the search index's build time and
// size.
func BenchmarkSearchTypeahead(b *testing.B) {
	site := benchSiteOrSkip(b)
	b.ReportMetric(site.build.Seconds(), "build-s")
	b.ReportMetric(float64(site.bytes)/(1<<20), "index-MiB")
	for letters := 1; letters <= 3; letters++ {
		b.Run(fmt.Sprintf("letters=%d", letters), func(b *testing.B) {
			rnd := rand.New(rand.NewPCG(3, uint64(letters)))
			type op struct {
				viewer int64
				prefix string
			}
			ops := make([]op, 2000)
			for i := range ops {
				name := search.Words(site.members[rnd.IntN(len(site.members))].DisplayName)[0]
				ops[i] = op{site.viewers[rnd.IntN(len(site.viewers))], string([]rune(name)[:min(letters, len([]rune(name)))])}
			}
			run := func(i int) {
				o := ops[i%len(ops)]
				found, err := site.svc.Search.Typeahead(asMember(o.viewer), o.prefix)
				if err != nil || len(found) == 0 {
					b.Fatalf("typeahead %q: %d found, %v", o.prefix, len(found), err)
				}
			}
			b.ResetTimer()
			for i := range b.N {
				run(i)
			}
			percentiles(b, len(ops), run)
		})
	}
}

// BenchmarkSearchKeystrokes types the first three letters of a real first
// name one keystroke at a time, each a typeahead request, as a random
// member with connections: what a member does in the search box. The
// keystrokes of one member share the circle the service keeps for a few
// seconds; each op is one keystroke.
func BenchmarkSearchKeystrokes(b *testing.B) {
	site := benchSiteOrSkip(b)
	rnd := rand.New(rand.NewPCG(8, 9))
	type op struct {
		viewer int64
		text   string
	}
	var ops []op
	for len(ops) < 3000 {
		name := []rune(search.Words(site.members[rnd.IntN(len(site.members))].DisplayName)[0])
		viewer := site.viewers[rnd.IntN(len(site.viewers))]
		for letters := 1; letters <= min(3, len(name)); letters++ {
			ops = append(ops, op{viewer, string(name[:letters])})
		}
	}
	run := func(i int) {
		o := ops[i%len(ops)]
		if _, err := site.svc.Search.Typeahead(asMember(o.viewer), o.text); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := range b.N {
		run(i)
	}
	percentiles(b, len(ops), run)
}

// BenchmarkSearchMembers runs full people searches with a filter: a word of
// a member's position title, at their current organization or in their
// location, as a random member with connections.
func BenchmarkSearchMembers(b *testing.B) {
	site := benchSiteOrSkip(b)
	for _, filter := range []string{"current_organization", "location"} {
		b.Run("filter="+filter, func(b *testing.B) {
			rnd := rand.New(rand.NewPCG(4, 5))
			type op struct {
				viewer int64
				q      service.MemberQuery
			}
			var ops []op
			for len(ops) < 2000 {
				m := site.members[rnd.IntN(len(site.members))]
				if len(m.Profile.Positions) == 0 || m.Profile.Positions[0].End != nil {
					continue
				}
				p := m.Profile.Positions[0]
				words := search.Words(p.Title)
				q := service.MemberQuery{Text: words[rnd.IntN(len(words))] + " "}
				if filter == "location" {
					q.Location = m.Profile.Location
				} else {
					q.CurrentOrganization = p.OrganizationName
				}
				viewer := site.viewers[rnd.IntN(len(site.viewers))]
				if viewer == m.ID {
					continue // a searcher never finds themselves
				}
				ops = append(ops, op{viewer, q})
			}
			total := 0
			run := func(i int) {
				o := ops[i%len(ops)]
				page, err := site.svc.Search.Members(asMember(o.viewer), o.q)
				if err != nil || page.Total == 0 {
					b.Fatalf("search %+v as %d: %v", o.q, o.viewer, err)
				}
				total += page.Total
			}
			b.ResetTimer()
			for i := range b.N {
				run(i)
			}
			b.ReportMetric(float64(total)/float64(b.N), "found/op")
			percentiles(b, len(ops), run)
		})
	}
}

// BenchmarkSearchEngines compares, for the same 1–3 letter prefixes of first
// names, what the typeahead needs before it can order anything by the
// searcher's network: every member whose name has a word with that prefix.
// The in-memory index answers with a bitmap; SQLite's FTS5, over the same
// names in a table of its own, answers with rows.
func BenchmarkSearchEngines(b *testing.B) {
	site := benchSiteOrSkip(b)
	fts := buildFTS5(b, site)
	rnd := rand.New(rand.NewPCG(6, 7))
	prefixes := make([]string, 200)
	for i := range prefixes {
		name := search.Words(site.members[rnd.IntN(len(site.members))].DisplayName)[0]
		prefixes[i] = string([]rune(name)[:min(1+i%3, len([]rune(name)))])
	}
	b.Run("engine=index", func(b *testing.B) {
		found := 0
		for i := range b.N {
			found += int(site.index.Typeahead(prefixes[i%len(prefixes)], true).GetCardinality())
		}
		b.ReportMetric(float64(found)/float64(b.N), "found/op")
	})
	b.Run("engine=fts5", func(b *testing.B) {
		found := 0
		for i := range b.N {
			rows, err := fts.Query(`SELECT rowid FROM names WHERE names MATCH $1`, `"`+prefixes[i%len(prefixes)]+`"*`)
			if err != nil {
				b.Fatal(err)
			}
			for rows.Next() {
				found++
			}
			rows.Close()
		}
		b.ReportMetric(float64(found)/float64(b.N), "found/op")
	})
}

// buildFTS5 copies the site's names into an FTS5 table in a scratch SQLite
// file, folded the same way as the index folds them.
func buildFTS5(b *testing.B, site *benchSite) *sql.DB {
	b.Helper()
	path := filepath.Join(b.TempDir(), "fts.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Exec(`CREATE VIRTUAL TABLE names USING fts5(name, tokenize = 'unicode61 remove_diacritics 2')`); err != nil {
		b.Skipf("no FTS5 in this SQLite: %v", err)
	}
	ctx := context.Background()
	last, err := site.db.LastMemberID(ctx)
	if err != nil {
		b.Fatal(err)
	}
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	insert, err := tx.Prepare(`INSERT INTO names (rowid, name) VALUES ($1, $2)`)
	if err != nil {
		b.Fatal(err)
	}
	for from := int64(0); from <= last; from += 10_000 {
		err := site.db.ScanProfiles(ctx, from, from+10_000, func(m *rapport.Member) {
			if _, err := insert.Exec(m.ID, strings.Join(search.Words(m.DisplayName), " ")); err != nil {
				b.Fatal(err)
			}
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return db
}
