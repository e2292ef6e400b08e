package graph

import (
	"cmp"
	"slices"
)

// Builder loads many connections at once, faster and in less memory than
// Add: it keeps the pairs, then lays every member's list out once.
type Builder struct {
	ids   map[int64]uint32
	ext   []int64
	pairs []uint32 // a, b, a, b, ...
}

// NewBuilder returns an empty builder.
func NewBuilder() *Builder { return &Builder{ids: map[int64]uint32{}} }

func (b *Builder) node(id int64) uint32 {
	if n, ok := b.ids[id]; ok {
		return n
	}
	n := uint32(len(b.ext))
	b.ids[id] = n
	b.ext = append(b.ext, id)
	return n
}

// AddMember makes a member known to the index, connected or not.
func (b *Builder) AddMember(id int64) { b.node(id) }

// Add records a connection. Self-connections are dropped; duplicates are
// merged when the index is made.
func (b *Builder) Add(x, y int64) {
	if x == y {
		return
	}
	b.pairs = append(b.pairs, b.node(x), b.node(y))
}

// Index makes the index. The builder must not be used afterwards.
func (b *Builder) Index() *Index {
	n := len(b.ext)
	deg := make([]int, n)
	for _, v := range b.pairs {
		deg[v]++
	}
	b.renumber(deg)
	// One array holds every list, each with room for exactly its members,
	// so nothing is wasted on growth.
	arena := make([]uint32, len(b.pairs))
	adj := make([][]uint32, n)
	off := 0
	for i, d := range deg {
		adj[i] = arena[off : off : off+d]
		off += d
	}
	for i := 0; i < len(b.pairs); i += 2 {
		x, y := b.pairs[i], b.pairs[i+1]
		adj[x] = append(adj[x], y)
		adj[y] = append(adj[y], x)
	}
	b.pairs = nil
	edges := 0
	for i := range adj {
		slices.Sort(adj[i])
		adj[i] = slices.Compact(adj[i])
		adj[i] = adj[i][:len(adj[i]):len(adj[i])]
		edges += len(adj[i])
	}
	return &Index{ids: b.ids, ext: b.ext, adj: adj, edges: edges / 2, scratch: make(chan *scratch, scratchKept)}
}

// renumber gives the members with the most connections the lowest numbers.
// The walks of people you may know and the second-degree network reach the
// well-connected members again and again; numbered together, their entries
// in the per-query arrays share cache lines instead of being spread across
// megabytes.
func (b *Builder) renumber(deg []int) {
	order := make([]uint32, len(deg)) // new number → old number
	for i := range order {
		order[i] = uint32(i)
	}
	slices.SortStableFunc(order, func(x, y uint32) int { return cmp.Compare(deg[y], deg[x]) })
	newOf := make([]uint32, len(deg)) // old number → new number
	ext := make([]int64, len(b.ext))
	sorted := make([]int, len(deg))
	for n, old := range order {
		newOf[old] = uint32(n)
		ext[n] = b.ext[old]
		sorted[n] = deg[old]
	}
	for i, v := range b.pairs {
		b.pairs[i] = newOf[v]
	}
	for n, id := range ext {
		b.ids[id] = uint32(n)
	}
	b.ext = ext
	copy(deg, sorted)
}
