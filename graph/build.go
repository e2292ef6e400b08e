package graph

import (
	"cmp"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// Builder loads many connections at once, faster and in less memory than
// Add: it keeps the pairs, then lays every member's list out once.
type Builder struct {
	ids numbers
	ext []int64
	// pairs holds a, b, a, b, ... in blocks of a fixed size: one growing
	// slice would copy hundreds of megabytes again at each doubling.
	pairs   [][]uint32
	entries int // in all blocks
}

const pairBlock = 1 << 20 // entries a block of pairs

func (b *Builder) push(x, y uint32) {
	if len(b.pairs) == 0 || len(b.pairs[len(b.pairs)-1]) == pairBlock {
		b.pairs = append(b.pairs, make([]uint32, 0, pairBlock))
	}
	last := &b.pairs[len(b.pairs)-1]
	*last = append(*last, x, y)
	b.entries += 2
}

// NewBuilder returns an empty builder.
func NewBuilder() *Builder { return &Builder{ids: newNumbers()} }

func (b *Builder) node(id int64) uint32 {
	if n, ok := b.ids.get(id); ok {
		return n
	}
	n := uint32(len(b.ext))
	b.ext = append(b.ext, id)
	b.ids.set(id, n, len(b.ext))
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
	b.push(b.node(x), b.node(y))
}

// AddList records the connections of x to each of ys.
func (b *Builder) AddList(x int64, ys []int64) {
	nx := b.node(x)
	for _, y := range ys {
		if y != x {
			b.push(nx, b.node(y))
		}
	}
}

// Index makes the index. The builder must not be used afterwards.
func (b *Builder) Index() *Index {
	n := len(b.ext)
	deg := make([]int, n)
	for _, block := range b.pairs {
		for _, v := range block {
			deg[v]++
		}
	}
	b.renumber(deg)
	// One array holds every list, each with room for exactly its members,
	// so nothing is wasted on growth.
	arena := make([]uint32, b.entries)
	adj := make([][]uint32, n)
	off := 0
	for i, d := range deg {
		adj[i] = arena[off : off : off+d]
		off += d
	}
	for _, block := range b.pairs {
		for i := 0; i < len(block); i += 2 {
			x, y := block[i], block[i+1]
			adj[x] = append(adj[x], y)
			adj[y] = append(adj[y], x)
		}
	}
	b.pairs = nil
	// renumber gave every member a new number: set them all again.
	ids := newNumbers()
	for i, id := range b.ext {
		ids.set(id, uint32(i), n)
	}
	b.ids = numbers{}
	return &Index{ids: ids, ext: b.ext, adj: adj, edges: sortLists(adj) / 2, changed: make([]uint64, n),
		scratch: make(chan *scratch, scratchKept)}
}

// sortLists sorts every list and drops its duplicates, on every core, and
// returns how many entries are left in all.
func sortLists(adj [][]uint32) int {
	const chunk = 1024 // lists a goroutine takes at a time
	var next, total atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			entries := 0
			for {
				from := int(next.Add(chunk)) - chunk
				if from >= len(adj) {
					break
				}
				for i := from; i < min(from+chunk, len(adj)); i++ {
					slices.Sort(adj[i])
					adj[i] = slices.Compact(adj[i])
					adj[i] = adj[i][:len(adj[i]):len(adj[i])]
					entries += len(adj[i])
				}
			}
			total.Add(int64(entries))
		})
	}
	wg.Wait()
	return int(total.Load())
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
	for _, block := range b.pairs {
		for i, v := range block {
			block[i] = newOf[v]
		}
	}
	b.ext = ext
	copy(deg, sorted)
}
