// Package graph is the in-memory index of the connections between members:
// degrees, mutual connections, the second-degree network, people you may
// know and introduction paths. It is built from the store at start and
// updated after each committed change; the store stays the truth.
//
// Members are numbered densely inside the index, and each member's
// connections are kept as a sorted slice of those numbers: four bytes a
// connection direction, plus a small fixed cost a member.
package graph

import (
	"slices"
	"sort"
	"sync"
)

// Degree is how far one member is from another.
type Degree int

// Degrees. OutOfNetwork is further than third degree, or no path at all.
const (
	OutOfNetwork Degree = 0
	First        Degree = 1
	Second       Degree = 2
	Third        Degree = 3
)

// Index is the graph of connections. It is safe for concurrent use: many
// readers, one writer at a time.
type Index struct {
	mu      sync.RWMutex
	ids     numbers    // member id → index number
	ext     []int64    // index number → member id
	adj     [][]uint32 // sorted connections of each index number
	edges   int        // connections, each counted once
	version int64      // the last change of the store's log applied
	// changes counts the changes made to the index since it was built, and
	// changed holds, for each member, the count when their connections
	// last changed: a circle taken before then is out of date.
	changes uint64
	changed []uint64

	scratch chan *scratch // kept for reuse; see getScratch
}

// New returns an empty index.
func New() *Index {
	return &Index{ids: newNumbers(), scratch: make(chan *scratch, scratchKept)}
}

// node returns the number of a member, adding the member when asked.
// Callers hold the write lock when add is true.
func (g *Index) node(id int64, add bool) (uint32, bool) {
	if n, ok := g.ids.get(id); ok {
		return n, true
	} else if !add {
		return 0, false
	}
	n := uint32(len(g.ext))
	g.ids.set(id, n, len(g.ext)+1)
	g.ext = append(g.ext, id)
	g.adj = append(g.adj, nil)
	g.changed = append(g.changed, 0)
	return n, true
}

// insert adds v to the sorted list s if it is not there.
func insert(s []uint32, v uint32) ([]uint32, bool) {
	i, found := slices.BinarySearch(s, v)
	if found {
		return s, false
	}
	return slices.Insert(s, i, v), true
}

// remove takes v out of the sorted list s.
func remove(s []uint32, v uint32) ([]uint32, bool) {
	i, found := slices.BinarySearch(s, v)
	if !found {
		return s, false
	}
	return slices.Delete(s, i, i+1), true
}

// Add records a connection between two members. It reports whether the
// connection is new.
func (g *Index) Add(a, b int64) bool {
	if a == b {
		return false
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	na, _ := g.node(a, true)
	nb, _ := g.node(b, true)
	var added bool
	g.adj[na], added = insert(g.adj[na], nb)
	if added {
		g.adj[nb], _ = insert(g.adj[nb], na)
		g.edges++
		g.touch(na, nb)
	}
	return added
}

// Remove forgets a connection. It reports whether there was one.
func (g *Index) Remove(a, b int64) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	na, okA := g.node(a, false)
	nb, okB := g.node(b, false)
	if !okA || !okB {
		return false
	}
	var removed bool
	g.adj[na], removed = remove(g.adj[na], nb)
	if removed {
		g.adj[nb], _ = remove(g.adj[nb], na)
		g.edges--
		g.touch(na, nb)
	}
	return removed
}

// touch notes that the connections of members changed. Callers hold the
// write lock.
func (g *Index) touch(members ...uint32) {
	g.changes++
	for _, n := range members {
		g.changed[n] = g.changes
	}
}

// Version returns the id of the last change of the store's change log that
// the index reflects.
func (g *Index) Version() int64 {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return g.version
}

// SetVersion records the last change of the store's change log applied.
func (g *Index) SetVersion(v int64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.version = v
}

// Stats are the size of the index.
type Stats struct {
	Members     int
	Connections int
	Bytes       int // memory held by the index, estimated
	// DegreeHistogram counts members by their number of connections, in
	// buckets 0, 1, 2-3, 4-7, 8-15, ... (powers of two).
	DegreeHistogram []int
}

// Stats returns the size of the index.
func (g *Index) Stats() Stats {
	g.mu.RLock()
	defer g.mu.RUnlock()
	s := Stats{Members: len(g.ext), Connections: g.edges}
	bytes := len(g.ext)*(8+24) + g.ids.bytes() // ext, slice headers, numbering (approximate)
	for _, a := range g.adj {
		bytes += cap(a) * 4
		bucket := 0
		for d := len(a); d > 0; d >>= 1 {
			bucket++
		}
		for len(s.DegreeHistogram) <= bucket {
			s.DegreeHistogram = append(s.DegreeHistogram, 0)
		}
		s.DegreeHistogram[bucket]++
	}
	s.Bytes = bytes
	return s
}

// Connections returns the member's connections, in no particular order.
func (g *Index) Connections(a int64) []int64 {
	g.mu.RLock()
	defer g.mu.RUnlock()
	na, ok := g.node(a, false)
	if !ok {
		return nil
	}
	return g.toIDs(g.adj[na])
}

func (g *Index) toIDs(ns []uint32) []int64 {
	out := make([]int64, len(ns))
	for i, n := range ns {
		out[i] = g.ext[n]
	}
	return out
}

// Connected reports whether two members are connected.
func (g *Index) Connected(a, b int64) bool {
	return g.Degree(a, b) == First
}

// Degree returns how far b is from a: First, Second, Third or OutOfNetwork.
// A member is OutOfNetwork of themselves.
func (g *Index) Degree(a, b int64) Degree {
	g.mu.RLock()
	defer g.mu.RUnlock()
	na, okA := g.node(a, false)
	nb, okB := g.node(b, false)
	if !okA || !okB || na == nb {
		return OutOfNetwork
	}
	return g.degree(na, nb)
}

func (g *Index) degree(na, nb uint32) Degree {
	A, B := g.adj[na], g.adj[nb]
	if len(A) > len(B) {
		A, B = B, A
		na, nb = nb, na
	}
	if _, found := slices.BinarySearch(A, nb); found {
		return First
	}
	if intersects(A, B) {
		return Second
	}
	if len(A) == 0 || len(B) == 0 {
		return OutOfNetwork
	}
	// Third degree: an edge between a connection of a and one of b. Mark
	// B's side, then walk the connections of A's side.
	sc := g.getScratch()
	defer g.putScratch(sc)
	sc.next()
	for _, y := range B {
		sc.mark(y)
	}
	for _, x := range A {
		for _, z := range g.adj[x] {
			if sc.marked(z) {
				return Third
			}
		}
	}
	return OutOfNetwork
}

// intersects reports whether two sorted lists share a value.
func intersects(a, b []uint32) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(a)*16 < len(b) {
		for _, v := range a {
			if _, found := slices.BinarySearch(b, v); found {
				return true
			}
		}
		return false
	}
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			return true
		}
	}
	return false
}

// intersectCount counts the values two sorted lists share; when out is not
// nil it appends them to it.
func intersectCount(a, b []uint32, out *[]uint32) int {
	if len(a) > len(b) {
		a, b = b, a
	}
	n := 0
	if len(a)*16 < len(b) {
		// Galloping: far fewer steps when one list is much shorter.
		lo := 0
		for _, v := range a {
			k, found := slices.BinarySearch(b[lo:], v)
			lo += k
			if found {
				n++
				if out != nil {
					*out = append(*out, v)
				}
			}
		}
		return n
	}
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			if out != nil {
				*out = append(*out, a[i])
			}
			i++
			j++
		}
	}
	return n
}

// MutualCount returns how many connections a and b share.
func (g *Index) MutualCount(a, b int64) int {
	g.mu.RLock()
	defer g.mu.RUnlock()
	na, okA := g.node(a, false)
	nb, okB := g.node(b, false)
	if !okA || !okB || na == nb {
		return 0
	}
	return intersectCount(g.adj[na], g.adj[nb], nil)
}

// Mutuals returns the connections a and b share, ordered by member id.
func (g *Index) Mutuals(a, b int64) []int64 {
	g.mu.RLock()
	defer g.mu.RUnlock()
	na, okA := g.node(a, false)
	nb, okB := g.node(b, false)
	if !okA || !okB || na == nb {
		return nil
	}
	var shared []uint32
	intersectCount(g.adj[na], g.adj[nb], &shared)
	out := g.toIDs(shared)
	slices.Sort(out)
	return out
}

// SecondDegreeSize returns how many members are exactly two steps from a.
// Marking them in a bitset (see Circle) is faster than a visited list: the
// walk touches every connection of every connection, and a bit test and set
// is the cheapest thing to do at each.
func (g *Index) SecondDegreeSize(a int64) int {
	return g.Circle(a).SecondDegreeSize()
}

// Suggestion is a member one may know, and how many connections they share.
type Suggestion struct {
	MemberID int64
	Mutual   int
}

// Suggestions returns up to n second-degree members of a, most mutual
// connections first (ties by member id), leaving out those exclude says.
func (g *Index) Suggestions(a int64, n int, exclude func(id int64) bool) []Suggestion {
	top, _ := g.suggestions(a, n, exclude)
	return top
}

// known marks, in a tally, the viewer and their connections: never
// candidates, never counted.
const known = ^uint16(0)

// markViewer sets the viewer's entry in a tally, and their connections', to
// v: known before a walk, 0 after it.
func (g *Index) markViewer(tally []uint16, nv uint32, v uint16) {
	tally[nv] = v
	for _, x := range g.adj[nv] {
		tally[x] = v
	}
}

// countPaths is one list of a walk: one more path to each of its members,
// a member reached for the first time appended to reached. It is the inner
// loop of people you may know and of the counted circle.
func countPaths(tally []uint16, list, reached []uint32) []uint32 {
	for _, y := range list {
		switch t := tally[y]; t {
		case known, mostPaths:
		case 0:
			reached = append(reached, y)
			tally[y] = 1
		default:
			tally[y] = t + 1
		}
	}
	return reached
}

// mostPaths is where the count of mutual connections of a suggestion stops
// growing: far above the most connections a member may have (30,000 by
// default), so counts are exact on any site that keeps that limit.
const mostPaths = 1<<16 - 2

// pruneMinWork is the walk, in steps, below which suggestions are counted
// in full without trying to stop early: checking costs more than it saves.
var pruneMinWork = 200_000

// suggestions counts, for every member two steps from a, the paths that lead
// there: one step for each connection of each of a's connections, which on
// a large graph is most of the cost. It also reports whether it stopped the
// walk early.
//
// It walks a's connections from the one with the fewest connections to the
// one with the most, because the last few (the hubs) hold most of the steps
// and add at most one path each to any member. When two thirds, a half, a
// third and a quarter of the steps are left, it checks whether it can stop:
// with r connections left, a member counted at c so far ends at c+r at most.
// If the n best counts so far (leaving out those exclude says) are all above
// r, a member not yet reached cannot make the top n, nor can one counted
// below that n-th best count less r. The few that remain are counted
// exactly, by looking for the r connections left in their own lists, and the
// answer is the same as the full walk's (TestSuggestionsStopEarly).
func (g *Index) suggestions(a int64, n int, exclude func(id int64) bool) ([]Suggestion, bool) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	na, ok := g.node(a, false)
	if !ok || n <= 0 {
		return nil, false
	}
	sc := g.getScratch()
	defer g.putScratch(sc)
	// tally is all zeros between queries; one load and one store a step is
	// the whole cost of the walk.
	tally := sc.tally
	g.markViewer(tally, na, known)
	defer g.markViewer(tally, na, 0)
	lists, work := g.byDegree(sc, g.adj[na])
	checkAt := []int{work * 2 / 3, work / 2, work / 3, work / 4} // steps left at each check
	if work < pruneMinWork {
		checkAt = nil
	}
	candidates := sc.list[:0]
	defer func() { sc.list = candidates[:0] }()
	left := work
	for i, x := range lists {
		candidates = countPaths(tally, g.adj[x], candidates)
		left -= len(g.adj[x])
		if len(checkAt) == 0 || left > checkAt[0] {
			continue
		}
		for len(checkAt) > 0 && left <= checkAt[0] {
			checkAt = checkAt[1:]
		}
		if top, done := g.finishEarly(sc, candidates, lists[i+1:], left, n, exclude); done {
			return top, true
		}
	}
	return g.rank(tally, candidates, n, exclude, true), false
}

// byDegree returns the lists to walk, fewest connections first, and the
// steps the walk takes. Small walks keep their order: sorting would cost
// more than it helps.
func (g *Index) byDegree(sc *scratch, lists []uint32) ([]uint32, int) {
	work := 0
	for _, x := range lists {
		work += len(g.adj[x])
	}
	if work < pruneMinWork {
		return lists, work
	}
	keys := sc.keys[:0]
	for _, x := range lists {
		keys = append(keys, uint64(len(g.adj[x]))<<32|uint64(x))
	}
	slices.Sort(keys)
	ordered := sc.order[:0]
	for _, k := range keys {
		ordered = append(ordered, uint32(k))
	}
	sc.keys, sc.order = keys, ordered
	return ordered, work
}

// finishEarly tries to end a walk with the lists rest still to go (left
// steps): see suggestions. It clears the tally when it succeeds.
func (g *Index) finishEarly(sc *scratch, candidates, rest []uint32, left, n int, exclude func(id int64) bool) ([]Suggestion, bool) {
	r, tally := len(rest), sc.tally
	// One pass finds the n-th best count so far and keeps whatever could
	// still be within r of it.
	top := g.rank(tally, candidates, n, exclude, false)
	if len(top) < n || top[n-1].Mutual <= r {
		return nil, false
	}
	floor := uint16(top[n-1].Mutual - r)
	var contenders []uint32
	for _, y := range candidates {
		if tally[y] >= floor {
			contenders = append(contenders, y)
		}
	}
	// Counting them exactly costs a search in each of their lists for each
	// list left; stop only when that is well under the steps it saves.
	if len(contenders)*r*16 > left {
		return nil, false
	}
	// Connections are mutual: h lists y exactly when y lists h. Searching
	// y's one list for each of the rest, in order, stays in the cache.
	rest = append(sc.rest[:0], rest...)
	slices.Sort(rest)
	for _, y := range contenders {
		tally[y] = uint16(min(int(tally[y])+intersectCount(rest, g.adj[y], nil), mostPaths))
	}
	sc.rest = rest
	top = g.rank(tally, contenders, n, exclude, false)
	for _, y := range candidates {
		tally[y] = 0
	}
	return top, true
}

// rank returns the n best of candidates by their tally, leaving out those
// exclude says; with clear, it sets their tally back to zero on the way.
func (g *Index) rank(tally []uint16, candidates []uint32, n int, exclude func(id int64) bool, clear bool) []Suggestion {
	top := make([]Suggestion, 0, n+1)
	least := uint16(0) // the count to reach to enter top, once it is full
	for _, y := range candidates {
		t := tally[y]
		if clear {
			tally[y] = 0
		}
		if t < least { // most candidates: no need to look up who they are
			continue
		}
		s := Suggestion{MemberID: g.ext[y], Mutual: int(t)}
		if len(top) == n && !better(s, top[n-1]) {
			continue
		}
		if exclude != nil && exclude(s.MemberID) {
			continue
		}
		i := sort.Search(len(top), func(i int) bool { return better(s, top[i]) })
		top = slices.Insert(top, i, s)
		if len(top) > n {
			top = top[:n]
		}
		if len(top) == n {
			least = uint16(top[n-1].Mutual)
		}
	}
	return top
}

func better(a, b Suggestion) bool {
	return a.Mutual > b.Mutual || (a.Mutual == b.Mutual && a.MemberID < b.MemberID)
}

// Path returns a shortest path from a to b of at most three steps, as the
// members along it (a first, b last), or nil when b is further or a == b.
// Among the intermediaries of a second-degree path, it picks one that
// prefer accepts when there is one (a connection tagged trusted, say).
func (g *Index) Path(a, b int64, prefer func(via int64) bool) []int64 {
	g.mu.RLock()
	defer g.mu.RUnlock()
	na, okA := g.node(a, false)
	nb, okB := g.node(b, false)
	if !okA || !okB || na == nb {
		return nil
	}
	A, B := g.adj[na], g.adj[nb]
	if _, found := slices.BinarySearch(A, nb); found {
		return []int64{a, b}
	}
	var shared []uint32
	if intersectCount(A, B, &shared) > 0 {
		via := shared[0]
		for _, x := range shared {
			if prefer != nil && prefer(g.ext[x]) {
				via = x
				break
			}
		}
		return []int64{a, g.ext[via], b}
	}
	// Three steps: a → x → y → b with x among A and y among B.
	sc := g.getScratch()
	defer g.putScratch(sc)
	sc.next()
	for _, y := range B {
		sc.mark(y)
	}
	var best []int64
	for _, x := range A {
		for _, y := range g.adj[x] {
			if sc.marked(y) {
				path := []int64{a, g.ext[x], g.ext[y], b}
				if prefer == nil || prefer(g.ext[x]) {
					return path
				}
				if best == nil {
					best = path
				}
				break
			}
		}
	}
	return best
}
