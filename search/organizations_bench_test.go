package search_test

import (
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/rapportnet/rapport/search"
)

// benchOrganizations builds an index of n organizations with made-up names
// of two or three words, an industry and a city, as a large site would
// have: RAPPORT_BENCH_ORGS of them (100,000 by default).
func benchOrganizations(b *testing.B) (*search.Organizations, []string) {
	n := 100_000
	if v := os.Getenv("RAPPORT_BENCH_ORGS"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	syllables := []string{"nor", "th", "wind", "qua", "nta", "loop", "vel", "ora", "kin", "tek", "mar", "lin", "sol", "ar", "is", "bri", "dge", "ton", "ex", "ia"}
	word := func() string {
		w := ""
		for range 2 + rng.IntN(2) {
			w += syllables[rng.IntN(len(syllables))]
		}
		return w
	}
	industries := []string{"Software", "Financial Services", "Logistics", "Healthcare", "Energy", "Retail", "Education", "Manufacturing"}
	cities := []string{"Lyon", "Zürich", "München", "Kraków", "São Paulo", "Lagos", "Osaka", "Austin", "Leeds", "Malmö"}
	ix := search.NewOrganizations()
	var prefixes []string
	for i := 1; i <= n; i++ {
		name := word() + " " + word()
		if rng.IntN(3) == 0 {
			name += " " + industries[rng.IntN(len(industries))]
		}
		if err := ix.Put(search.Organization{ID: int64(i), Name: name, Industry: industries[rng.IntN(len(industries))],
			Location: cities[rng.IntN(len(cities))]}); err != nil {
			b.Fatal(err)
		}
		if len(prefixes) < 2000 {
			prefixes = append(prefixes, name[:1+rng.IntN(3)])
		}
	}
	return ix, prefixes
}

// BenchmarkOrganizationTypeahead times suggestions for prefixes of one to
// three letters, one by one, and reports the percentiles:
//
//	go test ./search -run XXX -bench Organization -benchtime 2000x
func BenchmarkOrganizationTypeahead(b *testing.B) {
	ix, prefixes := benchOrganizations(b)
	timeEach(b, func(i int) uint64 { return ix.Typeahead(prefixes[i%len(prefixes)]).GetCardinality() })
}

// BenchmarkOrganizationSearch times searches for a name prefix with an
// industry, and for an industry word and a city, in turn.
func BenchmarkOrganizationSearch(b *testing.B) {
	ix, prefixes := benchOrganizations(b)
	timeEach(b, func(i int) uint64 {
		if i%2 == 0 {
			return ix.Search(prefixes[i%len(prefixes)]+" ", "Software", "").All.GetCardinality()
		}
		return ix.Search("logistics", "", "Lyon").All.GetCardinality()
	})
}

// timeEach times op b.N times, one by one, and reports the percentiles and
// how many organizations op found on average.
func timeEach(b *testing.B, op func(i int) uint64) {
	took := make([]time.Duration, 0, b.N)
	var found uint64
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		found += op(i)
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds()), "p99-µs")
	b.ReportMetric(float64(found)/float64(b.N), "found/op")
}
