package graph

import (
	"math"
	"math/rand/v2"
)

// Generate makes a synthetic social graph for benchmarks and tests and
// passes each connection to add. Members are numbered 1..members.
//
// The graph follows the Chung–Lu model: every member gets a weight, and
// each connection joins two members picked independently with probability
// proportional to their weights, so that a member's expected number of
// connections is their weight. The weights follow a power law: the member
// of rank r (ranks are dealt to member ids by a random shuffle) weighs
// s·r^(-2/3), which gives a degree distribution with P(degree ≥ k) ∝ k^-1.5
// (density exponent 2.5, as measured on real social networks). The scale s
// is chosen so that the weights, each capped at maxDegree, add up to twice
// connections.
//
// Generate keeps the cap exactly: a connection that would give either
// member more than maxDegree connections is skipped, as is a member paired
// with themselves, and another is drawn instead. It stops after emitting
// connections connections, or after drawing four times as many when the
// cap makes that impossible. The same pair may be emitted more than once
// (most often between the heaviest members); Builder merges such
// duplicates, so the index ends with slightly fewer than connections. The
// output depends only on the arguments: the same seed gives the same
// connections in the same order.
func Generate(members, connections, maxDegree int, seed uint64, add func(a, b int64)) {
	if members < 2 || connections <= 0 || maxDegree <= 0 {
		return
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))

	// Weights by rank, scaled and capped.
	const exponent = 2.0 / 3.0
	w := make([]float64, members)
	for r := range w {
		w[r] = math.Pow(float64(r+1), -exponent)
	}
	capped := func(s float64) float64 {
		sum := 0.0
		for _, x := range w {
			sum += min(s*x, float64(maxDegree))
		}
		return sum
	}
	target := 2 * float64(connections)
	lo, hi := 0.0, 1.0
	for capped(hi) < target && hi < 1e300 {
		hi *= 2
	}
	for range 64 {
		mid := (lo + hi) / 2
		if capped(mid) < target {
			lo = mid
		} else {
			hi = mid
		}
	}
	for r := range w {
		w[r] = min(hi*w[r], float64(maxDegree))
	}
	alias := newAlias(w)
	w = nil

	// Deal ranks to ids at random, so that the heaviest members are spread
	// over the id range rather than being the first ids.
	id := make([]uint32, members)
	for i := range id {
		id[i] = uint32(i + 1)
	}
	rng.Shuffle(len(id), func(i, j int) { id[i], id[j] = id[j], id[i] })

	deg := make([]int32, members)
	limit := int32(maxDegree)
	emitted := 0
	for draws := 0; emitted < connections && draws < 4*connections; draws++ {
		a, b := alias.pick(rng), alias.pick(rng)
		if a == b || deg[a] >= limit || deg[b] >= limit {
			continue
		}
		deg[a]++
		deg[b]++
		emitted++
		add(int64(id[a]), int64(id[b]))
	}
}

// aliasTable draws an index with probability proportional to its weight in
// constant time (Walker's alias method, in Vose's construction).
type aliasTable struct {
	prob  []float64
	alias []uint32
}

func newAlias(w []float64) *aliasTable {
	n := len(w)
	t := &aliasTable{prob: make([]float64, n), alias: make([]uint32, n)}
	sum := 0.0
	for _, x := range w {
		sum += x
	}
	small := make([]uint32, 0, n)
	large := make([]uint32, 0, n)
	for i, x := range w {
		t.prob[i] = x * float64(n) / sum
		if t.prob[i] < 1 {
			small = append(small, uint32(i))
		} else {
			large = append(large, uint32(i))
		}
	}
	for len(small) > 0 && len(large) > 0 {
		s, l := small[len(small)-1], large[len(large)-1]
		small = small[:len(small)-1]
		t.alias[s] = l
		t.prob[l] -= 1 - t.prob[s]
		if t.prob[l] < 1 {
			large = large[:len(large)-1]
			small = append(small, l)
		}
	}
	// What is left is 1 but for rounding.
	for _, i := range large {
		t.prob[i] = 1
	}
	for _, i := range small {
		t.prob[i] = 1
	}
	return t
}

func (t *aliasTable) pick(rng *rand.Rand) uint32 {
	i := rng.IntN(len(t.prob))
	if rng.Float64() >= t.prob[i] {
		return t.alias[i]
	}
	return uint32(i)
}
