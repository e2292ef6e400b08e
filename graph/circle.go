package graph

import (
	"math/bits"
	"sync"
)

// Circle is one viewer's first- and second-degree networks, worked out once
// so that many members can then be placed relative to that viewer quickly:
// the decoration of a page of search results, say. It is a snapshot: a
// connection made after it was taken does not show in it.
type Circle struct {
	g        *Index
	viewer   uint32
	known    bool
	first    []uint64 // bit n: member number n is a first-degree connection
	second   []uint64 // bit n: member number n is second degree
	size     int      // members in second
	taken    uint64   // the index's count of changes when the circle was taken
	viewerID int64

	walkOnce sync.Once
	mutual   []uint16 // by member number: paths from the viewer, for second degree
	reached  []uint32 // the second degree, by member number
	rankOnce sync.Once
	ranked   []int64       // second degree, most mutual connections first
	groups   []mutualGroup // runs of ranked with the same count
}

// Circle works out the viewer's circle: as costly as SecondDegreeSize.
func (g *Index) Circle(viewer int64) *Circle { return g.circle(viewer, false) }

// CircleCounted is Circle with the mutual connections of every second-degree
// member counted in the same walk, for a caller that will ask Mutual or
// SecondByMutual: one walk instead of two.
func (g *Index) CircleCounted(viewer int64) *Circle { return g.circle(viewer, true) }

func (g *Index) circle(viewer int64, counted bool) *Circle {
	g.mu.RLock()
	defer g.mu.RUnlock()
	c := &Circle{g: g, taken: g.changes, viewerID: viewer}
	nv, ok := g.node(viewer, false)
	if !ok {
		return c
	}
	words := (len(g.ext) + 63) / 64
	c.viewer, c.known = nv, true
	c.first, c.second = make([]uint64, words), make([]uint64, words)
	for _, x := range g.adj[nv] {
		c.first[x/64] |= 1 << (x % 64)
	}
	if counted {
		c.walkOnce.Do(c.count)
		for _, y := range c.reached {
			c.second[y/64] |= 1 << (y % 64)
		}
		c.size = len(c.reached)
		return c
	}
	for _, x := range g.adj[nv] {
		for _, y := range g.adj[x] {
			c.second[y/64] |= 1 << (y % 64)
		}
	}
	// Second degree is what the connections reach, less the viewer and the
	// first degree itself.
	c.second[nv/64] &^= 1 << (nv % 64)
	for i := range c.second {
		c.second[i] &^= c.first[i]
		c.size += bits.OnesCount64(c.second[i])
	}
	return c
}

// Current reports whether the viewer's own connections are as they were
// when the circle was taken. (Changes further out, between the viewer's
// connections and theirs, do not make a circle out of date by this test:
// a caller that keeps circles keeps them for seconds only.)
func (c *Circle) Current() bool {
	c.g.mu.RLock()
	defer c.g.mu.RUnlock()
	if !c.known {
		_, ok := c.g.node(c.viewerID, false)
		return !ok
	}
	return c.g.changed[c.viewer] <= c.taken
}

// SecondDegreeSize returns how many members are second degree.
func (c *Circle) SecondDegreeSize() int { return c.size }

func has(set []uint64, n uint32) bool {
	return int(n/64) < len(set) && set[n/64]&(1<<(n%64)) != 0
}

// Degree places member b relative to the viewer. First and second degree
// cost one bit test; third degree looks through b's connections for one in
// the second degree.
func (c *Circle) Degree(b int64) Degree {
	if !c.known {
		return OutOfNetwork
	}
	c.g.mu.RLock()
	defer c.g.mu.RUnlock()
	nb, ok := c.g.node(b, false)
	switch {
	case !ok || nb == c.viewer:
		return OutOfNetwork
	case has(c.first, nb):
		return First
	case has(c.second, nb):
		return Second
	}
	for _, y := range c.g.adj[nb] {
		if has(c.second, y) {
			return Third
		}
	}
	return OutOfNetwork
}

// SecondByMutual calls yield with the viewer's second-degree members in
// groups that share as many connections with the viewer, the most first,
// until yield returns false; the members of a group come in no set order.
// The first call walks the viewer's second degree (as costly as
// Suggestions counted in full); the groups are kept for the next calls.
func (c *Circle) SecondByMutual(yield func(mutual int, members []int64) bool) {
	c.rankOnce.Do(c.rank)
	for i, g := range c.groups {
		if !yield(g.mutual, c.ranked[g.from:c.groupEnd(i)]) {
			return
		}
	}
}

// Mutual returns how many connections member b shares with the viewer when
// b is second degree, and 0 otherwise. The first call of Mutual or
// SecondByMutual walks the viewer's second degree; later calls cost a
// lookup.
func (c *Circle) Mutual(b int64) int {
	c.walkOnce.Do(c.walk)
	if c.mutual == nil {
		return 0
	}
	c.g.mu.RLock()
	nb, ok := c.g.node(b, false)
	c.g.mu.RUnlock()
	if !ok || int(nb) >= len(c.mutual) {
		return 0
	}
	return int(c.mutual[nb])
}

// mutualGroup is a run of c.ranked that shares mutual connections.
type mutualGroup struct {
	mutual int
	from   int
}

func (c *Circle) groupEnd(i int) int {
	if i+1 < len(c.groups) {
		return c.groups[i+1].from
	}
	return len(c.ranked)
}

// walk counts the paths to every second-degree member, keeping the counts
// by member number and the members reached.
func (c *Circle) walk() {
	if !c.known {
		return
	}
	c.g.mu.RLock()
	defer c.g.mu.RUnlock()
	c.count()
}

// count is walk for a caller that holds the read lock.
func (c *Circle) count() {
	g := c.g
	sc := g.getScratch()
	defer g.putScratch(sc)
	tally := sc.tally
	g.markViewer(tally, c.viewer, known)
	var reached []uint32
	for _, x := range g.adj[c.viewer] {
		reached = countPaths(tally, g.adj[x], reached)
	}
	c.mutual = make([]uint16, len(g.ext))
	for _, y := range reached {
		c.mutual[y] = tally[y]
		tally[y] = 0
	}
	g.markViewer(tally, c.viewer, 0)
	c.reached = reached
}

// rank sorts the second degree by mutual connections, most first, in time
// linear in the members (a counting sort).
func (c *Circle) rank() {
	c.walkOnce.Do(c.walk)
	if len(c.reached) == 0 {
		return
	}
	most := uint16(0)
	for _, y := range c.reached {
		most = max(most, c.mutual[y])
	}
	// start[k] is where the members with most-k paths begin.
	start := make([]int, int(most)+2)
	for _, y := range c.reached {
		start[int(most-c.mutual[y])+1]++
	}
	for k := 1; k < len(start); k++ {
		start[k] += start[k-1]
	}
	c.ranked = make([]int64, len(c.reached))
	for k := 0; k < len(start)-1; k++ {
		if start[k] < start[k+1] {
			c.groups = append(c.groups, mutualGroup{mutual: int(most) - k, from: start[k]})
		}
	}
	c.g.mu.RLock()
	defer c.g.mu.RUnlock()
	for _, y := range c.reached {
		k := int(most - c.mutual[y])
		c.ranked[start[k]] = c.g.ext[y]
		start[k]++
	}
}
