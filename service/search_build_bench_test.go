package service

import (
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/search"
	"github.com/rapportnet/rapport/seed"
)

// BenchmarkSearchLoad builds the search index in memory from generated
// members (names from several countries, positions, schools, skills,
// locations), as BuildSearch does from the store, and reports the heap the
// index holds. The number of members comes from RAPPORT_BENCH_MEMBERS
// (default 100,000):
//
//	RAPPORT_BENCH_MEMBERS=1000000 go test ./service -run XXX -bench SearchLoad -benchtime 1x
func BenchmarkSearchLoad(b *testing.B) {
	n := benchMembers(b)
	gen, err := seed.New(seed.Options{Seed: 1, Today: rapport.Month{Year: 2026, Month: 11}})
	if err != nil {
		b.Fatal(err)
	}
	docs := make([]search.Doc, n)
	for i, m := range gen.Members(n) {
		m.ID = int64(i + 1)
		docs[i] = docOf(m)
	}
	b.ResetTimer()
	var ix *search.Index
	for range b.N {
		ix = search.New()
		start := time.Now()
		err := ix.Load(func(yield func(search.Doc) bool) {
			for _, d := range docs {
				if !yield(d) {
					return
				}
			}
		})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/build")
	}
	b.StopTimer()
	docs = nil // what is left on the heap is the index
	runtime.GC()
	var mem runtime.MemStats
	runtime.ReadMemStats(&mem)
	s := ix.Stats()
	b.ReportMetric(float64(s.Bytes)/(1<<20), "index-MiB")
	b.ReportMetric(float64(mem.HeapAlloc)/(1<<20), "heap-MiB")
	b.ReportMetric(float64(s.Terms), "terms")
	runtime.KeepAlive(ix)
}

// benchMembers is RAPPORT_BENCH_MEMBERS, or 100,000.
func benchMembers(b *testing.B) int {
	v := os.Getenv("RAPPORT_BENCH_MEMBERS")
	if v == "" {
		return 100_000
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		b.Fatalf("RAPPORT_BENCH_MEMBERS=%q: want a positive number", v)
	}
	return n
}
