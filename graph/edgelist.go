package graph

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// EdgeList is a parsed edge list: each connection once, as (smaller id,
// larger id), sorted, with what was skipped.
type EdgeList struct {
	Edges      [][2]int64
	Lines      int // lines read, comments and blank lines included
	Duplicates int // connections listed more than once, either way round
	SelfLoops  int // lines connecting a member to themselves
}

// Members returns the distinct member ids of the list, sorted.
func (l *EdgeList) Members() []int64 {
	ids := make([]int64, 0, 2*len(l.Edges))
	for _, e := range l.Edges {
		ids = append(ids, e[0], e[1])
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// ReadEdgeList reads the SNAP text format: two non-negative integer ids per
// line separated by white space, in either order; lines starting with # are
// comments. Self-loops and duplicates are skipped and counted. A malformed
// line is an error that names it.
func ReadEdgeList(r io.Reader) (*EdgeList, error) {
	l := &EdgeList{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		l.Lines++
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == '%' {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 2 {
			return nil, fmt.Errorf("line %d: want two member ids, got %q", l.Lines, line)
		}
		a, errA := strconv.ParseInt(fields[0], 10, 64)
		b, errB := strconv.ParseInt(fields[1], 10, 64)
		if errA != nil || errB != nil || a < 0 || b < 0 {
			return nil, fmt.Errorf("line %d: want two non-negative integer ids, got %q", l.Lines, line)
		}
		if a == b {
			l.SelfLoops++
			continue
		}
		if a > b {
			a, b = b, a
		}
		l.Edges = append(l.Edges, [2]int64{a, b})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", l.Lines+1, err)
	}
	slices.SortFunc(l.Edges, func(x, y [2]int64) int {
		if c := cmp.Compare(x[0], y[0]); c != 0 {
			return c
		}
		return cmp.Compare(x[1], y[1])
	})
	n := len(l.Edges)
	l.Edges = slices.Compact(l.Edges)
	l.Duplicates = n - len(l.Edges)
	return l, nil
}
