package graph

// scratch is working memory for one query. stamp marks members with the
// query's epoch: a new query bumps the epoch instead of clearing the array,
// so that a query costs what it visits, not the size of the graph.
type scratch struct {
	epoch uint32
	stamp []uint32
	list  []uint32
	// tally counts paths to candidates for Suggestions, which sets back to
	// zero every entry it touched before it returns.
	tally []uint32
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
		sc.tally = make([]uint32, grow)
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
