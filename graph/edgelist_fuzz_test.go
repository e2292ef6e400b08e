package graph

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// FuzzReadEdgeList reads arbitrary text as an edge list. A list read has
// its edges sorted, distinct and each written smaller id first; every line
// that is not blank or a comment is counted once as an edge, a duplicate or
// a self-loop; and the edges written out again read back the same.
func FuzzReadEdgeList(f *testing.F) {
	f.Add("1 2\n2 3\n# c\n3 3\n")
	f.Add("0\t9999999999\n")
	f.Add("# Directed graph (each unordered pair of nodes is saved once): CA-GrQc.txt\n# Nodes: 5242 Edges: 28980\n# FromNodeId\tToNodeId\n3466\t937\n3466\t5233\n937\t3466\n")
	f.Add("% matrix market\r\n1 2\r\n2 1\r\n\r\n")
	f.Add("1 2 extra fields\n  4   3  \n")
	f.Add("9223372036854775807 0\n")
	f.Add("9223372036854775808 0\n")
	f.Add("-1 2\n")
	f.Add("+1 2\n")
	f.Add("1\n")
	f.Add("1 x\n")
	f.Fuzz(func(t *testing.T, in string) {
		l, err := ReadEdgeList(strings.NewReader(in))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "line ") {
				t.Fatalf("error %q does not name its line", err)
			}
			return
		}
		for i, e := range l.Edges {
			if e[0] < 0 || e[0] >= e[1] || (i > 0 && !(l.Edges[i-1][0] < e[0] || (l.Edges[i-1][0] == e[0] && l.Edges[i-1][1] < e[1]))) {
				t.Fatalf("edges not sorted, distinct and ordered: %v", l.Edges)
			}
		}
		lines, data := 0, 0
		for line := range strings.Lines(in) {
			lines++
			if s := strings.TrimSpace(line); s != "" && s[0] != '#' && s[0] != '%' {
				data++
			}
		}
		if l.Lines != lines {
			t.Fatalf("Lines = %d, want %d", l.Lines, lines)
		}
		if got := len(l.Edges) + l.Duplicates + l.SelfLoops; got != data {
			t.Fatalf("%d edges, %d duplicates and %d self-loops for %d lines of data", len(l.Edges), l.Duplicates, l.SelfLoops, data)
		}
		members := l.Members()
		if !slices.IsSorted(members) || len(slices.Compact(slices.Clone(members))) != len(members) {
			t.Fatalf("members not sorted and distinct: %v", members)
		}
		var out strings.Builder
		for _, e := range l.Edges {
			fmt.Fprintf(&out, "%d %d\n", e[1], e[0])
		}
		again, err := ReadEdgeList(strings.NewReader(out.String()))
		if err != nil {
			t.Fatalf("read back: %v", err)
		}
		if !slices.Equal(again.Edges, l.Edges) || again.Duplicates != 0 || again.SelfLoops != 0 {
			t.Fatalf("read back %+v, want the edges %v", again, l.Edges)
		}
	})
}
