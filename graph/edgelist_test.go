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

func FuzzReadEdgeList(f *testing.F) {
	f.Add("1 2\n2 3\n# c\n3 3\n")
	f.Add("0\t9999999999\n")
	f.Fuzz(func(t *testing.T, in string) {
		l, err := ReadEdgeList(strings.NewReader(in))
		if err != nil {
			return
		}
		for i, e := range l.Edges {
			if e[0] >= e[1] || (i > 0 && !(l.Edges[i-1][0] < e[0] || (l.Edges[i-1][0] == e[0] && l.Edges[i-1][1] < e[1]))) {
				t.Fatalf("edges not sorted, distinct and ordered: %v", l.Edges)
			}
		}
	})
}
