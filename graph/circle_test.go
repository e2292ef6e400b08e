package graph

import (
	"math/rand/v2"
	"testing"
)

// TestCircleAgreesWithDegree checks the cached circle against the uncached
// answers on a real graph.
func TestCircleAgreesWithDegree(t *testing.T) {
	g, _ := egoFacebook(t)
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

// TestSecondByMutualAgreesWithNaive checks the ranked second degree against
// the naive count of mutual connections, on a real graph.
func TestSecondByMutualAgreesWithNaive(t *testing.T) {
	g, n := egoFacebook(t)
	rnd := rand.New(rand.NewPCG(9, 10))
	for i := 0; i < 20; i++ {
		viewer := int64(rnd.IntN(4039) + 1)
		want := n.second(viewer)
		got := map[int64]int{}
		last := int(^uint(0) >> 1)
		g.Circle(viewer).SecondByMutual(func(mutual int, members []int64) bool {
			if mutual >= last || len(members) == 0 {
				t.Fatalf("viewer %d: group of %d after group of %d (%d members)", viewer, mutual, last, len(members))
			}
			last = mutual
			for _, m := range members {
				got[m] = mutual
			}
			return true
		})
		if len(got) != len(want) {
			t.Fatalf("viewer %d: %d second-degree members, want %d", viewer, len(got), len(want))
		}
		for m, c := range want {
			if got[m] != c {
				t.Fatalf("viewer %d: member %d has %d mutual, want %d", viewer, m, got[m], c)
			}
		}
	}
	calls := 0
	g.Circle(999999).SecondByMutual(func(int, []int64) bool { calls++; return true })
	if calls != 0 {
		t.Fatalf("unknown viewer has %d groups", calls)
	}
}

// TestCircleMutualAgreesWithNaive checks the mutual counts a circle looks
// up against the naive count, for second-degree members and others.
func TestCircleMutualAgreesWithNaive(t *testing.T) {
	g, n := egoFacebook(t)
	rnd := rand.New(rand.NewPCG(11, 12))
	for i := 0; i < 20; i++ {
		viewer := int64(rnd.IntN(4039) + 1)
		second := n.second(viewer)
		c := g.Circle(viewer)
		for j := 0; j < 300; j++ {
			other := int64(rnd.IntN(4039) + 1)
			if got, want := c.Mutual(other), second[other]; got != want {
				t.Fatalf("mutual of %d from %d: %d, want %d", other, viewer, got, want)
			}
		}
	}
	if m := g.Circle(999999).Mutual(1); m != 0 {
		t.Fatalf("unknown viewer: %d", m)
	}
}

// TestCircleCountedAgreesWithCircle checks that the circle counted in one
// walk places members as the plain one does, and counts as Mutual does.
func TestCircleCountedAgreesWithCircle(t *testing.T) {
	g, _ := egoFacebook(t)
	rnd := rand.New(rand.NewPCG(13, 14))
	for i := 0; i < 20; i++ {
		viewer := int64(rnd.IntN(4039) + 1)
		plain, counted := g.Circle(viewer), g.CircleCounted(viewer)
		if plain.SecondDegreeSize() != counted.SecondDegreeSize() {
			t.Fatalf("second-degree size of %d: %d, counted %d", viewer, plain.SecondDegreeSize(), counted.SecondDegreeSize())
		}
		for j := 0; j < 300; j++ {
			other := int64(rnd.IntN(4039) + 1)
			if plain.Degree(other) != counted.Degree(other) || plain.Mutual(other) != counted.Mutual(other) {
				t.Fatalf("%d from %d: degree %d/%d, mutual %d/%d", other, viewer,
					plain.Degree(other), counted.Degree(other), plain.Mutual(other), counted.Mutual(other))
			}
		}
	}
	if d := g.CircleCounted(999999).Degree(1); d != OutOfNetwork {
		t.Fatalf("unknown viewer: %d", d)
	}
}

// TestCircleCurrent checks that a circle goes out of date when the viewer's
// own connections change, and not when others' do.
func TestCircleCurrent(t *testing.T) {
	g := New()
	g.Add(1, 2)
	g.Add(2, 3)
	for name, circle := range map[string]func(int64) *Circle{"plain": g.Circle, "counted": g.CircleCounted} {
		t.Run(name, func(t *testing.T) {
			c := circle(1)
			g.Add(3, 4) // further out: still current
			if !c.Current() {
				t.Fatal("a change further out made the circle out of date")
			}
			g.Add(1, 5)
			if c.Current() {
				t.Fatal("the viewer's new connection left the circle current")
			}
			c = circle(1)
			g.Remove(5, 1)
			if c.Current() {
				t.Fatal("the viewer's removed connection left the circle current")
			}
			unknown := circle(int64(90 + len(name)))
			if !unknown.Current() {
				t.Fatal("a circle of an unknown member is out of date at once")
			}
			g.Add(int64(90+len(name)), 2)
			if unknown.Current() {
				t.Fatal("a member who joined the graph left their empty circle current")
			}
		})
	}
}

// egoFacebook is the real ego-Facebook graph as an index, and as the naive
// implementation to check it against.
func egoFacebook(t *testing.T) (*Index, naive) {
	t.Helper()
	b := NewBuilder()
	n := naive{}
	for _, e := range loadEdges(t, "ego-facebook.edges") {
		b.Add(e[0], e[1])
		n.add(e[0], e[1])
	}
	return b.Index(), n
}
