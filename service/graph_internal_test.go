package service

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSortRows(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 1))
	for _, limit := range []int64{1000, 1 << 40} { // packed keys, and ids too large for them
		rows := make([][2]int64, 5000)
		for i := range rows {
			rows[i] = [2]int64{1 + rnd.Int64N(limit), 1 + rnd.Int64N(limit)}
		}
		want := slices.Clone(rows)
		slices.SortFunc(want, func(x, y [2]int64) int {
			if c := cmp.Compare(x[0], y[0]); c != 0 {
				return c
			}
			return cmp.Compare(x[1], y[1])
		})
		sortRows(rows)
		if !slices.Equal(rows, want) {
			t.Fatalf("ids below %d: rows out of order", limit)
		}
	}
}
