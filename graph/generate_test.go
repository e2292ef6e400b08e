package graph

import (
	"slices"
	"testing"
)

func TestGenerate(t *testing.T) {
	const members, connections, maxDegree = 20000, 200000, 500
	gen := func(seed uint64) [][2]int64 {
		var edges [][2]int64
		Generate(members, connections, maxDegree, seed, func(a, b int64) {
			edges = append(edges, [2]int64{a, b})
		})
		return edges
	}
	edges := gen(7)

	t.Run("Deterministic", func(t *testing.T) {
		if again := gen(7); !slices.Equal(edges, again) {
			t.Fatal("two runs with the same seed differ")
		}
		if other := gen(8); slices.Equal(edges, other) {
			t.Fatal("two seeds give the same graph")
		}
	})

	t.Run("Connections", func(t *testing.T) {
		if len(edges) != connections {
			t.Fatalf("emitted %d connections, want %d", len(edges), connections)
		}
		for _, e := range edges {
			if e[0] == e[1] {
				t.Fatalf("self-connection %v", e)
			}
			if e[0] < 1 || e[0] > members || e[1] < 1 || e[1] > members {
				t.Fatalf("connection %v outside 1..%d", e, members)
			}
		}
	})

	b := NewBuilder()
	for _, e := range edges {
		b.Add(e[0], e[1])
	}
	g := b.Index()
	s := g.Stats()
	// Duplicates are merged, but they must stay rare.
	if s.Connections < connections*95/100 {
		t.Fatalf("only %d distinct connections of %d", s.Connections, connections)
	}

	t.Run("MaxDegree", func(t *testing.T) {
		// Bucket b of the histogram holds degrees 2^(b-1) .. 2^b-1.
		if top := len(s.DegreeHistogram) - 1; 1<<(top-1) > maxDegree {
			t.Fatalf("histogram reaches bucket %d: %v", top, s.DegreeHistogram)
		}
		for id := int64(1); id <= members; id++ {
			if d := len(g.Connections(id)); d > maxDegree {
				t.Fatalf("member %d has %d connections, cap %d", id, d, maxDegree)
			}
		}
	})

	t.Run("HeavyTail", func(t *testing.T) {
		top := 0
		for id := int64(1); id <= members; id++ {
			top = max(top, len(g.Connections(id)))
		}
		avg := 2 * float64(s.Connections) / float64(s.Members)
		if float64(top) < 10*avg {
			t.Fatalf("top member has %d connections, average %.1f: no heavy tail", top, avg)
		}
		t.Logf("members %d, connections %d, average degree %.1f, top %d, histogram %v",
			s.Members, s.Connections, avg, top, s.DegreeHistogram)
	})
}
