package graph

// scratch is working memory for one query. stamp marks members with the
// query's epoch: a new query bumps the epoch instead of clearing the array,
// so that a query costs what it visits, not the size of the graph.
type scratch struct {
	epoch uint32
	stamp []uint32
	list  []uint32
	// tally counts paths to candidates for Suggestions, which sets back to
	// zero every entry it touched before it returns. Two bytes an entry keep
	// twice as much of it in the cache as four would: the walk is a random
	// access to it a step.
	tally []uint16
	// order and keys hold a member's connections sorted by how many
	// connections each has.
	order []uint32
	keys  []uint64
	rest  []uint32 // the lists left when a walk stops early
}

// scratchKept is how many scratches an index keeps for reuse: a sync.Pool
// would drop them at every garbage collection, and remaking arrays of one
// entry per member costs more than the queries themselves.
const scratchKept = 16

// getScratch returns scratch sized for the graph. Callers hold the read lock
// and give it back with putScratch.
func (g *Index) getScratch() *scratch {
	var sc *scratch
	select {
	case sc = <-g.scratch:
	default:
		sc = &scratch{}
	}
	if n := len(g.ext); len(sc.stamp) < n {
		grow := n + n/4
		sc.stamp = make([]uint32, grow)
		sc.tally = make([]uint16, grow)
		sc.epoch = 0
	}
	return sc
}

// next starts a new query.
func (sc *scratch) next() {
	sc.epoch++
	if sc.epoch == 0 { // wrapped around: stamps of old queries would look new
		clear(sc.stamp)
		sc.epoch = 1
	}
}

func (sc *scratch) mark(n uint32)        { sc.stamp[n] = sc.epoch }
func (sc *scratch) marked(n uint32) bool { return sc.stamp[n] == sc.epoch }

// putScratch keeps a scratch for the next query, if there is room.
func (g *Index) putScratch(sc *scratch) {
	select {
	case g.scratch <- sc:
	default:
	}
}
