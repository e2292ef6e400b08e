package graph

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
)

// The generated graph's size comes from the environment so that the same
// benchmarks run at the default size in minutes and at full scale on demand:
//
//	RAPPORT_BENCH_MEMBERS=1000000 RAPPORT_BENCH_CONNECTIONS=50000000 \
//		go test ./graph -run XXX -bench 'Degree|Mutual|Second|Suggestions' -benchtime 2000x
const (
	benchMembers     = 100_000
	benchConnections = 5_000_000
	benchMaxDegree   = 30_000
	benchSeed        = 1
	benchSample      = 10_000 // operations timed one by one for percentiles
)

// benchGraph is a graph to run benchmarks on, with its edges kept for
// BenchmarkBuild and its members for picking at random.
type benchGraph struct {
	edges    [][2]int64
	members  []int64
	index    *Index
	generate time.Duration
	build    time.Duration
}

func newBenchGraph(edges [][2]int64) *benchGraph {
	start := time.Now()
	b := NewBuilder()
	for _, e := range edges {
		b.Add(e[0], e[1])
	}
	g := b.Index()
	took := time.Since(start)
	// Sorted, so that the members drawn at random do not depend on how the
	// index numbers them.
	members := slices.Clone(g.ext)
	slices.Sort(members)
	return &benchGraph{edges: edges, members: members, index: g, build: took}
}

func envInt(name string, def int) (int, error) {
	v := os.Getenv(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%s=%q: want a positive number", name, v)
	}
	return n, nil
}

// generated is built once per process: at full scale it takes most of a
// minute and gigabytes, far too much to repeat for each benchmark.
var generated = sync.OnceValues(func() (*benchGraph, error) {
	members, err := envInt("RAPPORT_BENCH_MEMBERS", benchMembers)
	if err != nil {
		return nil, err
	}
	connections, err := envInt("RAPPORT_BENCH_CONNECTIONS", benchConnections)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	edges := make([][2]int64, 0, connections)
	Generate(members, connections, benchMaxDegree, benchSeed, func(a, b int64) {
		edges = append(edges, [2]int64{a, b})
	})
	took := time.Since(start)
	bg := newBenchGraph(edges)
	bg.generate = took
	return bg, nil
})

// benchGraphs returns the graphs to run a benchmark on, by name; real graphs
// whose data is missing are left out by skipping their sub-benchmark.
func benchGraphs(b *testing.B, run func(b *testing.B, g *benchGraph)) {
	b.Helper()
	for _, name := range []string{"facebook", "github", "generated"} {
		b.Run(name, func(b *testing.B) {
			run(b, loadBenchGraph(b, name))
		})
	}
}

var realGraphs sync.Map // name → *benchGraph

func loadBenchGraph(b *testing.B, name string) *benchGraph {
	b.Helper()
	if name == "generated" {
		g, err := generated()
		if err != nil {
			b.Fatal(err)
		}
		return g
	}
	if g, ok := realGraphs.Load(name); ok {
		return g.(*benchGraph)
	}
	file := map[string]string{"facebook": "ego-facebook.edges", "github": "github-developers.edges"}[name]
	g := newBenchGraph(loadEdges(b, file))
	realGraphs.Store(name, g)
	return g
}

// pairs returns n random pairs of distinct members, always the same ones.
func (g *benchGraph) pairs(n int) [][2]int64 {
	rnd := rand.New(rand.NewPCG(benchSeed, 2))
	out := make([][2]int64, n)
	for i := range out {
		a := g.members[rnd.IntN(len(g.members))]
		c := g.members[rnd.IntN(len(g.members))]
		for c == a {
			c = g.members[rnd.IntN(len(g.members))]
		}
		out[i] = [2]int64{a, c}
	}
	return out
}

// withDegree returns the member whose number of connections is closest to
// d, leaving out those in skip.
func (g *benchGraph) withDegree(d int, skip ...int64) (int64, int) {
	best, bestDeg := int64(0), -1
	for n, list := range g.index.adj {
		id := g.index.ext[n]
		if slices.Contains(skip, id) {
			continue
		}
		if bestDeg < 0 || abs(len(list)-d) < abs(bestDeg-d) {
			best, bestDeg = id, len(list)
		}
	}
	return best, bestDeg
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// reportPercentiles times op on a fixed sample of operations, one by one,
// and reports the median and 99th percentile. It runs with the timer
// stopped so that ns/op stays the cost of op alone.
func reportPercentiles(b *testing.B, op func(i int)) {
	b.Helper()
	b.StopTimer()
	took := make([]time.Duration, benchSample)
	for i := range took {
		start := time.Now()
		op(i)
		took[i] = time.Since(start)
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(took[len(took)*99/100].Nanoseconds()), "p99-ns")
	b.ReportMetric(float64(took[len(took)-1].Nanoseconds()), "max-ns")
}

var sinkDegree Degree
var sinkInt int

func BenchmarkDegree(b *testing.B) {
	benchGraphs(b, func(b *testing.B, g *benchGraph) {
		pairs := g.pairs(benchSample)
		b.ResetTimer()
		for i := range b.N {
			p := pairs[i%len(pairs)]
			sinkDegree = g.index.Degree(p[0], p[1])
		}
		reportPercentiles(b, func(i int) {
			p := pairs[i]
			sinkDegree = g.index.Degree(p[0], p[1])
		})
		// How the sample spreads over the degrees: the cost depends on it.
		var count [4]int
		for _, p := range pairs {
			count[g.index.Degree(p[0], p[1])]++
		}
		b.ReportMetric(100*float64(count[Third])/float64(len(pairs)), "%third")
		b.ReportMetric(100*float64(count[OutOfNetwork])/float64(len(pairs)), "%out")
	})
}

func BenchmarkMutualCount(b *testing.B) {
	run := func(b *testing.B, g *benchGraph, pairs [][2]int64) {
		b.ResetTimer()
		for i := range b.N {
			p := pairs[i%len(pairs)]
			sinkInt = g.index.MutualCount(p[0], p[1])
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pairs/s")
	}
	benchGraphs(b, func(b *testing.B, g *benchGraph) {
		run(b, g, g.pairs(benchSample))
	})
	b.Run("generated-1000x1000", func(b *testing.B) {
		g := loadBenchGraph(b, "generated")
		x, dx := g.withDegree(1000)
		y, dy := g.withDegree(1000, x)
		b.Logf("members %d and %d: %d and %d connections, %d mutual",
			x, y, dx, dy, g.index.MutualCount(x, y))
		run(b, g, [][2]int64{{x, y}})
	})
}

func BenchmarkSecondDegreeSize(b *testing.B) {
	g := loadBenchGraph(b, "generated")
	a, d := g.withDegree(500)
	n := 0
	b.ResetTimer()
	for range b.N {
		n = g.index.SecondDegreeSize(a)
	}
	b.ReportMetric(float64(d), "connections")
	b.ReportMetric(float64(n), "second-degree")
}

// BenchmarkSuggestions times people you may know as served (walks stop
// early where they can) and, for the ratio, with every walk counted in full.
func BenchmarkSuggestions(b *testing.B) {
	benchGraphs(b, func(b *testing.B, g *benchGraph) {
		pairs := g.pairs(benchSample)
		for _, walk := range []string{"stop-early", "full"} {
			b.Run("walk="+walk, func(b *testing.B) {
				if walk == "full" {
					defer func(w int) { pruneMinWork = w }(pruneMinWork)
					pruneMinWork = math.MaxInt
				}
				var top []Suggestion
				b.ResetTimer()
				for i := range b.N {
					top = g.index.Suggestions(pairs[i%len(pairs)][0], 20, nil)
				}
				sinkInt = len(top)
				reportPercentiles(b, func(i int) {
					top = g.index.Suggestions(pairs[i][0], 20, nil)
				})
			})
		}
	})
}

func BenchmarkBuild(b *testing.B) {
	g := loadBenchGraph(b, "generated")
	b.Logf("generated %d connections among %d members in %v; first build took %v",
		len(g.edges), len(g.members), g.generate.Round(time.Millisecond), g.build.Round(time.Millisecond))
	b.ReportAllocs()
	var s Stats
	b.ResetTimer()
	for range b.N {
		bl := NewBuilder()
		for _, e := range g.edges {
			bl.Add(e[0], e[1])
		}
		s = bl.Index().Stats()
	}
	b.StopTimer()
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(s.Bytes)/float64(2*s.Connections), "bytes-per-direction")
	b.ReportMetric(float64(s.Bytes)/(1<<20), "index-MiB")
	b.ReportMetric(float64(s.Connections), "connections")
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MiB")
}

// BenchmarkCircle decorates 50 members (a page of search results) with
// their degree from a viewer whose circle is already worked out, and
// reports the cost a member; it also reports what working out the circle
// of a member with about 500 connections costs.
func BenchmarkCircle(b *testing.B) {
	benchGraphs(b, func(b *testing.B, g *benchGraph) {
		pairs := g.pairs(benchSample)
		viewer, _ := g.withDegree(500)
		c := g.index.Circle(viewer)
		b.ResetTimer()
		for i := range b.N {
			for j := 0; j < 50; j++ {
				sinkDegree = c.Degree(pairs[(i*50+j)%len(pairs)][1])
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(50*b.N), "ns/member")
		b.StopTimer()
		start := time.Now()
		const builds = 20
		for range builds {
			c = g.index.Circle(viewer)
		}
		b.ReportMetric(float64(time.Since(start).Microseconds())/builds, "circle-µs")
		sinkInt = c.SecondDegreeSize()
	})
}
