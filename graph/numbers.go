package graph

// numbers maps member ids to the index's dense member numbers. Member ids
// come from the store's keys, so they are mostly small and dense: dense
// finds them by position (number+1, 0 for none), several times faster
// than a map on the lookups every question starts with. Ids too large for
// it go to sparse.
type numbers struct {
	dense  []uint32
	sparse map[int64]uint32
}

func newNumbers() numbers { return numbers{sparse: map[int64]uint32{}} }

// get returns the number of id.
func (ns *numbers) get(id int64) (uint32, bool) {
	if uint64(id) < uint64(len(ns.dense)) {
		if n := ns.dense[id]; n != 0 {
			return n - 1, true
		}
	}
	n, ok := ns.sparse[id]
	return n, ok
}

// set gives id, which has no number yet, the number n; members is how many
// the index holds with it.
// dense grows to at most eight entries a member, so that a few huge ids
// cannot make it take more memory than the index itself.
func (ns *numbers) set(id int64, n uint32, members int) {
	if limit := int64(8*members + 1<<16); id >= 0 && id < limit {
		if id >= int64(len(ns.dense)) {
			size := min(max(id+1, int64(2*len(ns.dense))), limit)
			ns.dense = append(ns.dense, make([]uint32, int(size)-len(ns.dense))...)
		}
		ns.dense[id] = n + 1
		return
	}
	ns.sparse[id] = n
}

// bytes is the memory the numbering takes, roughly.
func (ns *numbers) bytes() int { return 4*cap(ns.dense) + 24*len(ns.sparse) }
