package store_test

import (
	"context"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/rapportnet/rapport/graph"
	"github.com/rapportnet/rapport/internal/pgtest"
	"github.com/rapportnet/rapport/service"
	"github.com/rapportnet/rapport/store"
)

// loadRealGraph imports the GitHub developers graph into a fresh store and
// returns it with the index built from it and the member ids.
func loadRealGraph(tb testing.TB, dsn string) (*store.DB, *graph.Index, []int64) {
	tb.Helper()
	f, err := os.Open(filepath.Join("..", "..", "shared", "data", "github-developers.edges"))
	if err != nil {
		tb.Skipf("real graph not available: %v", err)
	}
	defer f.Close()
	l, err := graph.ReadEdgeList(f)
	if err != nil {
		tb.Fatal(err)
	}
	db := MustOpenStore(tb, dsn)
	ctx := context.Background()
	sum, err := service.ImportEdgeList(ctx, db, l, io.Discard)
	if err != nil {
		tb.Fatal(err)
	}
	g, err := service.BuildGraph(ctx, db, io.Discard)
	if err != nil {
		tb.Fatal(err)
	}
	if s := g.Stats(); s.Connections != sum.Connections || s.Members != sum.Members {
		tb.Fatalf("index built from the store has %d members and %d connections, the import made %d and %d",
			s.Members, s.Connections, sum.Members, sum.Connections)
	}
	var ids []int64
	db.ScanConnections(ctx, func(id int64) { ids = append(ids, id) }, func(int64, []int64) {})
	return db, g, ids
}

// TestIndexAgreesWithSQL checks the graph index against the store's own SQL
// answers on a real graph, on both databases.
func TestIndexAgreesWithSQL(t *testing.T) {
	if testing.Short() {
		t.Skip("imports a real graph")
	}
	eachStoreDSN(t, func(t *testing.T, dsn string) {
		db, g, ids := loadRealGraph(t, dsn)
		ctx := context.Background()
		rnd := rand.New(rand.NewPCG(3, 4))
		// SQL takes up to a second for a third-degree pair on PostgreSQL,
		// so the sample is small; the graph package checks many more pairs
		// against an independent implementation.
		for i := 0; i < 60; i++ {
			a, b := ids[rnd.IntN(len(ids))], ids[rnd.IntN(len(ids))]
			if a == b {
				continue
			}
			d, err := db.FindDegree(ctx, a, b)
			if err != nil {
				t.Fatal(err)
			}
			if got := int(g.Degree(a, b)); got != d {
				t.Fatalf("degree of %d and %d: index %d, SQL %d", a, b, got, d)
			}
			m, err := db.CountMutualConnections(ctx, a, b)
			if err != nil {
				t.Fatal(err)
			}
			if got := g.MutualCount(a, b); got != m {
				t.Fatalf("mutual of %d and %d: index %d, SQL %d", a, b, got, m)
			}
		}
	})
}

// BenchmarkIndexVersusSQL answers the same questions from the graph index
// and in SQL, in the same run, on the real GitHub graph.
func BenchmarkIndexVersusSQL(b *testing.B) {
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			dsn := filepath.Join(b.TempDir(), "rapport.db")
			if name == "postgres" {
				dsn = pgtest.URL(b)
			}
			db, g, ids := loadRealGraph(b, dsn)
			ctx := context.Background()
			pairs := make([][2]int64, 1000)
			rnd := rand.New(rand.NewPCG(5, 6))
			for i := range pairs {
				pairs[i] = [2]int64{ids[rnd.IntN(len(ids))], ids[rnd.IntN(len(ids))]}
			}
			b.Run("degree/index", func(b *testing.B) {
				i := 0
				for b.Loop() {
					p := pairs[i%len(pairs)]
					g.Degree(p[0], p[1])
					i++
				}
			})
			b.Run("degree/sql", func(b *testing.B) {
				i := 0
				for b.Loop() {
					p := pairs[i%len(pairs)]
					if _, err := db.FindDegree(ctx, p[0], p[1]); err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
			b.Run("mutual/index", func(b *testing.B) {
				i := 0
				for b.Loop() {
					p := pairs[i%len(pairs)]
					g.MutualCount(p[0], p[1])
					i++
				}
			})
			b.Run("mutual/sql", func(b *testing.B) {
				i := 0
				for b.Loop() {
					p := pairs[i%len(pairs)]
					if _, err := db.CountMutualConnections(ctx, p[0], p[1]); err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
		})
	}
}
