// Package storetest opens stores for tests: real databases, migrated, and
// closed when the test ends.
package storetest

import (
	"context"
	"testing"

	"github.com/rapportnet/rapport/store"
)

// Open opens the store at dsn (a SQLite file path or a postgres:// URL),
// applies the migrations, and closes it when the test ends.
func Open(tb testing.TB, dsn string) *store.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn, nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	return db
}
