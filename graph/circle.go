package graph

import "math/bits"

// Circle is one viewer's first- and second-degree networks, worked out once
// so that many members can then be placed relative to that viewer quickly:
// the decoration of a page of search results, say. It is a snapshot: a
// connection made after it was taken does not show in it.
type Circle struct {
	g      *Index
	viewer uint32
	known  bool
	first  []uint64 // bit n: member number n is a first-degree connection
	second []uint64 // bit n: member number n is second degree
	size   int      // members in second
}

// Circle works out the viewer's circle: as costly as SecondDegreeSize.
func (g *Index) Circle(viewer int64) *Circle {
	g.mu.RLock()
	defer g.mu.RUnlock()
	c := &Circle{g: g}
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
