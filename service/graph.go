package service

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/rapportnet/rapport/graph"
	"github.com/rapportnet/rapport/store"
)

// BuildGraph builds the graph index from the store, printing a progress
// line to w every progressEvery connections and a summary at the end.
func BuildGraph(ctx context.Context, db *store.DB, w io.Writer) (*graph.Index, error) {
	const progressEvery = 1_000_000
	start := time.Now()
	b := graph.NewBuilder()
	n := 0
	err := db.ScanConnections(ctx, b.AddMember, func(x, y int64) {
		b.Add(x, y)
		if n++; n%progressEvery == 0 {
			fmt.Fprintf(w, "graph index: %d connections read (%.0f/s)\n", n, float64(n)/time.Since(start).Seconds())
		}
	})
	if err != nil {
		return nil, fmt.Errorf("build graph index: %w", err)
	}
	g := b.Index()
	s := g.Stats()
	fmt.Fprintf(w, "graph index: %d members, %d connections, %.1f MiB, built in %s\n",
		s.Members, s.Connections, float64(s.Bytes)/(1<<20), time.Since(start).Round(time.Millisecond))
	return g, nil
}
