package graph

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// naive is an independent, obviously correct implementation to check the
// index against: sets and breadth-first search.
type naive map[int64]map[int64]bool

func (n naive) add(a, b int64) {
	if a == b {
		return
	}
	for _, p := range [][2]int64{{a, b}, {b, a}} {
		if n[p[0]] == nil {
			n[p[0]] = map[int64]bool{}
		}
		n[p[0]][p[1]] = true
	}
}

func (n naive) distance(a, b int64) Degree {
	if a == b {
		return OutOfNetwork
	}
	seen := map[int64]bool{a: true}
	frontier := []int64{a}
	for d := 1; d <= 3; d++ {
		var next []int64
		for _, x := range frontier {
			for y := range n[x] {
				if y == b {
					return Degree(d)
				}
				if !seen[y] {
					seen[y] = true
					next = append(next, y)
				}
			}
		}
		frontier = next
	}
	return OutOfNetwork
}

func (n naive) mutual(a, b int64) int {
	c := 0
	for x := range n[a] {
		if n[b][x] {
			c++
		}
	}
	return c
}

func (n naive) second(a int64) map[int64]int {
	out := map[int64]int{}
	for x := range n[a] {
		for y := range n[x] {
			if y != a && !n[a][y] {
				out[y]++
			}
		}
	}
	return out
}

// suggestions ranks every second-degree member of a, leaving out those
// exclude says, and keeps the first n.
func (n naive) suggestions(a int64, limit int, exclude func(int64) bool) []Suggestion {
	want := []Suggestion{}
	for id, m := range n.second(a) {
		if exclude == nil || !exclude(id) {
			want = append(want, Suggestion{MemberID: id, Mutual: m})
		}
	}
	slices.SortFunc(want, func(x, y Suggestion) int {
		if better(x, y) {
			return -1
		} else if better(y, x) {
			return 1
		}
		return 0
	})
	return want[:min(limit, len(want))]
}

// loadEdges reads a SNAP edge list from the shared data folder.
func loadEdges(tb testing.TB, name string) [][2]int64 {
	tb.Helper()
	f, err := os.Open(filepath.Join("..", "..", "shared", "data", name))
	if err != nil {
		tb.Skipf("real graph %s not available: %v", name, err)
	}
	defer f.Close()
	var edges [][2]int64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		var a, b int64
		if _, err := fmt.Sscan(line, &a, &b); err != nil {
			tb.Fatalf("%s: %q: %v", name, line, err)
		}
		edges = append(edges, [2]int64{a + 1, b + 1}) // ids start at 1, as in the store
	}
	return edges
}

func TestAgainstNaiveOnRealGraph(t *testing.T) {
	edges := loadEdges(t, "ego-facebook.edges")
	ref := naive{}
	b := NewBuilder()
	incr := New()
	for _, e := range edges {
		ref.add(e[0], e[1])
		b.Add(e[0], e[1])
		incr.Add(e[0], e[1])
	}
	built := b.Index()
	var members []int64
	for id := range ref {
		members = append(members, id)
	}
	slices.Sort(members)
	rnd := rand.New(rand.NewPCG(1, 2))
	for name, g := range map[string]*Index{"built": built, "added one by one": incr} {
		t.Run(name, func(t *testing.T) {
			if s := g.Stats(); s.Connections != 88234 || s.Members != 4039 {
				t.Fatalf("stats = %+v", s)
			}
			counts := map[Degree]int{}
			for i := 0; i < 3000; i++ {
				a, c := members[rnd.IntN(len(members))], members[rnd.IntN(len(members))]
				want := ref.distance(a, c)
				counts[want]++
				if got := g.Degree(a, c); got != want {
					t.Fatalf("Degree(%d, %d) = %d, want %d", a, c, got, want)
				}
				if got, want := g.MutualCount(a, c), ref.mutual(a, c); a != c && got != want {
					t.Fatalf("MutualCount(%d, %d) = %d, want %d", a, c, got, want)
				}
				path := g.Path(a, c, nil)
				if want == OutOfNetwork {
					if path != nil {
						t.Fatalf("Path(%d, %d) = %v for members out of network", a, c, path)
					}
				} else {
					if len(path) != int(want)+1 || path[0] != a || path[len(path)-1] != c {
						t.Fatalf("Path(%d, %d) = %v at degree %d", a, c, path, want)
					}
					for k := 0; k+1 < len(path); k++ {
						if !ref[path[k]][path[k+1]] {
							t.Fatalf("Path(%d, %d) = %v steps over a missing connection", a, c, path)
						}
					}
				}
			}
			// The sample must reach every degree for the test to mean something.
			for _, d := range []Degree{First, Second, Third, OutOfNetwork} {
				if counts[d] == 0 && d != OutOfNetwork {
					t.Fatalf("no pair at degree %d in the sample: %v", d, counts)
				}
			}
			for i := 0; i < 50; i++ {
				a := members[rnd.IntN(len(members))]
				second := ref.second(a)
				if got := g.SecondDegreeSize(a); got != len(second) {
					t.Fatalf("SecondDegreeSize(%d) = %d, want %d", a, got, len(second))
				}
				top := g.Suggestions(a, 20, nil)
				want := ref.suggestions(a, 20, nil)
				if !slices.Equal(top, want) {
					t.Fatalf("Suggestions(%d) = %v, want %v", a, top, want)
				}
			}
		})
	}
}

func TestAddRemove(t *testing.T) {
	g := New()
	if !g.Add(1, 2) || g.Add(2, 1) || g.Add(3, 3) {
		t.Fatal("Add reports wrongly")
	}
	g.Add(2, 3)
	if g.Degree(1, 3) != Second || g.MutualCount(1, 3) != 1 || !slices.Equal(g.Mutuals(1, 3), []int64{2}) {
		t.Fatalf("1 and 3 through 2: degree %d, mutual %d", g.Degree(1, 3), g.MutualCount(1, 3))
	}
	g.Add(3, 4)
	if g.Degree(1, 4) != Third || g.Degree(4, 1) != Third {
		t.Fatal("1 and 4 are not third degree")
	}
	g.Add(4, 5)
	if g.Degree(1, 5) != OutOfNetwork || g.Path(1, 5, nil) != nil {
		t.Fatal("1 and 5 are within three steps")
	}
	if !g.Remove(2, 1) || g.Remove(1, 2) || g.Degree(1, 2) != OutOfNetwork {
		t.Fatal("Remove")
	}
	if g.Degree(1, 1) != OutOfNetwork || g.Degree(1, 99) != OutOfNetwork {
		t.Fatal("self or unknown member")
	}
	if s := g.Stats(); s.Connections != 3 || s.Members != 5 {
		t.Fatalf("stats = %+v", s)
	}
}

func TestSuggestionsExcludeAndPrefer(t *testing.T) {
	g := New()
	// 1 knows 2, 3, 4; 5 is reachable through 2, 3 and 4; 6 through 2.
	for _, e := range [][2]int64{{1, 2}, {1, 3}, {1, 4}, {2, 5}, {3, 5}, {4, 5}, {2, 6}} {
		g.Add(e[0], e[1])
	}
	got := g.Suggestions(1, 10, nil)
	if !slices.Equal(got, []Suggestion{{5, 3}, {6, 1}}) {
		t.Fatalf("suggestions = %v", got)
	}
	got = g.Suggestions(1, 10, func(id int64) bool { return id == 5 })
	if !slices.Equal(got, []Suggestion{{6, 1}}) {
		t.Fatalf("suggestions without 5 = %v", got)
	}
	if p := g.Path(1, 5, func(via int64) bool { return via == 4 }); !slices.Equal(p, []int64{1, 4, 5}) {
		t.Fatalf("path preferring 4 = %v", p)
	}
}

// TestSuggestionsStopEarly checks that a walk stopped early ranks exactly as
// the full count does, on a graph with hubs, where stopping is possible.
func TestSuggestionsStopEarly(t *testing.T) {
	defer func(w int) { pruneMinWork = w }(pruneMinWork)
	pruneMinWork = 0 // try to stop early on every query
	ref := naive{}
	b := NewBuilder()
	Generate(5000, 100_000, 2000, 3, func(x, y int64) {
		ref.add(x, y)
		b.Add(x, y)
	})
	g := b.Index()
	rnd := rand.New(rand.NewPCG(3, 4))
	stopped := 0
	const queries = 300
	for i := range queries {
		a := int64(1 + rnd.IntN(5000))
		limit := []int{1, 5, 20}[i%3]
		var exclude func(int64) bool
		if i%2 == 1 { // leave out some of the best candidates too
			exclude = func(id int64) bool { return id%5 == 0 }
		}
		top, early := g.suggestions(a, limit, exclude)
		if want := ref.suggestions(a, limit, exclude); !slices.Equal(top, want) {
			t.Fatalf("suggestions(%d, %d), stopped early %v = %v, want %v", a, limit, early, top, want)
		}
		if early {
			stopped++
		}
	}
	// Without walks stopped early the test proves nothing.
	if stopped < queries/10 {
		t.Fatalf("only %d of %d walks stopped early", stopped, queries)
	}
	t.Logf("%d of %d walks stopped early", stopped, queries)
}

// TestSuggestionsCountSaturates checks that a count of mutual connections
// beyond what the tally holds stops at its largest value instead of
// wrapping around to a small one (or to the mark of a connection).
func TestSuggestionsCountSaturates(t *testing.T) {
	const shared = mostPaths + 10
	b := NewBuilder()
	for x := int64(10); x < 10+shared; x++ {
		b.Add(1, x) // a's connections
		b.Add(2, x) // and each of them knows 2
	}
	b.Add(3, 10) // 3 shares one connection with 1
	g := b.Index()
	got := g.Suggestions(1, 2, nil)
	want := []Suggestion{{MemberID: 2, Mutual: mostPaths}, {MemberID: 3, Mutual: 1}}
	if !slices.Equal(got, want) {
		t.Fatalf("Suggestions(1) = %v, want %v", got, want)
	}
}

// TestBuilderMatchesAdd builds the same graph with the Builder, from pairs
// and from lists, and with Index.Add one connection at a time, over ids
// that the builder numbers in different ways: small and dense, negative,
// and far too large for its dense table, some seen first as small ones
// would be.
func TestBuilderMatchesAdd(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 7))
	ids := []int64{0, 1, 2, 3, -1, -1 << 40, 1 << 40, 1<<62 + 5, 70_000, 500_000}
	for i := range 300 {
		ids = append(ids, int64(10+i))
	}
	var edges [][2]int64
	for range 3000 {
		edges = append(edges, [2]int64{ids[rnd.IntN(len(ids))], ids[rnd.IntN(len(ids))]})
	}
	want := New()
	byPairs, byLists := NewBuilder(), NewBuilder()
	lists := map[int64][]int64{}
	for _, e := range edges {
		want.Add(e[0], e[1])
		byPairs.Add(e[0], e[1])
		lists[e[0]] = append(lists[e[0]], e[1])
	}
	for x, ys := range lists {
		byLists.AddList(x, ys)
	}
	for name, b := range map[string]*Builder{"pairs": byPairs, "lists": byLists} {
		t.Run(name, func(t *testing.T) {
			got := b.Index()
			if gs, ws := got.Stats(), want.Stats(); gs.Connections != ws.Connections || gs.Members != ws.Members {
				t.Fatalf("stats %+v, want %+v", gs, ws)
			}
			for _, id := range ids {
				g, w := got.Connections(id), want.Connections(id)
				slices.Sort(g)
				slices.Sort(w)
				if !slices.Equal(g, w) {
					t.Fatalf("connections of %d = %v, want %v", id, g, w)
				}
			}
		})
	}
}
