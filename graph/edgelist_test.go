package graph

import (
	"slices"
	"strings"
	"testing"
)

func TestReadEdgeList(t *testing.T) {
	in := "# a comment\n1 2\n2 1\n\n3\t4\n5 5\n2 3\n1 2\n"
	l, err := ReadEdgeList(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(l.Edges, [][2]int64{{1, 2}, {2, 3}, {3, 4}}) || l.Duplicates != 2 || l.SelfLoops != 1 || l.Lines != 8 {
		t.Fatalf("edge list = %+v", l)
	}
	if !slices.Equal(l.Members(), []int64{1, 2, 3, 4}) {
		t.Fatalf("members = %v", l.Members())
	}
	for _, bad := range []string{"1\n", "1 x\n", "-1 2\n", "1.5 2\n"} {
		if _, err := ReadEdgeList(strings.NewReader(bad)); err == nil || !strings.Contains(err.Error(), "line 1") {
			t.Errorf("%q: err = %v", bad, err)
		}
	}
}
