package service_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/rapportnet/rapport/graph"
	"github.com/rapportnet/rapport/service"
	"github.com/rapportnet/rapport/store"
)

// BenchmarkImportEdgeList imports the GitHub graph into a fresh SQLite file,
// as rapport graph import does, and reports connections a second.
func BenchmarkImportEdgeList(b *testing.B) {
	f, err := os.Open(filepath.Join("..", "..", "shared", "data", "github-developers.edges"))
	if err != nil {
		b.Skipf("real graph not available: %v", err)
	}
	l, err := graph.ReadEdgeList(f)
	f.Close()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	connections := 0
	for range b.N {
		b.StopTimer()
		db, err := store.Open(ctx, filepath.Join(b.TempDir(), "r.db"), nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		sum, err := service.ImportEdgeList(ctx, db, l, io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		connections += sum.Connections
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(connections)/b.Elapsed().Seconds(), "connections/s")
}
