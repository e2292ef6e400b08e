package graph

// scratch is working memory for one query: a stamp and a counter for each
// member number. A new query bumps the epoch instead of clearing the arrays,
// so that a query costs what it visits, not the size of the graph.
type scratch struct {
	epoch  uint32
	stamp  []uint32
	counts []uint32
	list   []uint32
}

// getScratch returns scratch sized for the graph. Callers hold the read lock.
func (g *Index) getScratch() *scratch {
	sc, _ := g.scratch.Get().(*scratch)
	if sc == nil {
		sc = &scratch{}
	}
	if n := len(g.ext); len(sc.stamp) < n {
		grow := n + n/4
		sc.stamp = make([]uint32, grow)
		sc.counts = make([]uint32, grow)
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

func (sc *scratch) mark(n uint32)        { sc.stamp[n] = sc.epoch; sc.counts[n] = 0 }
func (sc *scratch) marked(n uint32) bool { return sc.stamp[n] == sc.epoch && sc.counts[n] == 0 }
func (sc *scratch) count(n uint32) uint32 {
	if sc.stamp[n] != sc.epoch {
		return 0
	}
	return sc.counts[n]
}

// add counts one more path to n. A counted member is not marked.
func (sc *scratch) add(n uint32) {
	if sc.stamp[n] != sc.epoch {
		sc.stamp[n], sc.counts[n] = sc.epoch, 0
	}
	sc.counts[n]++
}
