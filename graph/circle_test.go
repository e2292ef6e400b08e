package graph

import (
	"math/rand/v2"
	"testing"
)

// TestCircleAgreesWithDegree checks the cached circle against the uncached
// answers on a real graph.
func TestCircleAgreesWithDegree(t *testing.T) {
	edges := loadEdges(t, "ego-facebook.edges")
	b := NewBuilder()
	for _, e := range edges {
		b.Add(e[0], e[1])
	}
	g := b.Index()
	rnd := rand.New(rand.NewPCG(7, 8))
	for i := 0; i < 20; i++ {
		viewer := int64(rnd.IntN(4039) + 1)
		c := g.Circle(viewer)
		if c.SecondDegreeSize() != g.SecondDegreeSize(viewer) {
			t.Fatalf("second-degree size of %d: circle %d, index %d", viewer, c.SecondDegreeSize(), g.SecondDegreeSize(viewer))
		}
		for j := 0; j < 500; j++ {
			other := int64(rnd.IntN(4039) + 1)
			if got, want := c.Degree(other), g.Degree(viewer, other); got != want {
				t.Fatalf("degree of %d from %d: circle %d, index %d", other, viewer, got, want)
			}
		}
	}
	if d := g.Circle(999999).Degree(1); d != OutOfNetwork {
		t.Fatalf("unknown viewer: %d", d)
	}
}
