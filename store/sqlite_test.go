package store

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// TestSQLiteSettingsOnEveryConnection checks that the settings that make a
// committed write durable hold on every pooled connection, not only on the
// first one, which is why they are in the DSN.
func TestSQLiteSettingsOnEveryConnection(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "r.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const n = 5
	// Hold n connections at once so the pool must open n different ones.
	var wg, acquired sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		acquired.Add(1)
		go func() {
			defer wg.Done()
			conn, err := db.db.Conn(ctx)
			acquired.Done()
			if err != nil {
				errs <- err
				return
			}
			defer conn.Close()
			<-start
			var synchronous, fk, busy int
			var journal string
			for _, q := range []struct {
				sql  string
				dest any
			}{
				{"PRAGMA synchronous", &synchronous}, {"PRAGMA foreign_keys", &fk},
				{"PRAGMA busy_timeout", &busy}, {"PRAGMA journal_mode", &journal},
			} {
				if err := conn.QueryRowContext(ctx, q.sql).Scan(q.dest); err != nil {
					errs <- err
					return
				}
			}
			if synchronous != 2 || fk != 1 || busy < 1000 || journal != "wal" {
				t.Errorf("connection settings: synchronous=%d foreign_keys=%d busy_timeout=%d journal_mode=%s", synchronous, fk, busy, journal)
			}
		}()
	}
	acquired.Wait()
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if got := db.db.Stats().OpenConnections; got < n {
		t.Fatalf("only %d connections were opened", got)
	}
}

func TestSplitStatements(t *testing.T) {
	got := splitStatements("-- c\nCREATE TABLE a (x INT);\n\nCREATE INDEX b\n  ON a (x);\n")
	if len(got) != 2 || got[0] != "CREATE TABLE a (x INT);" || got[1] != "CREATE INDEX b\n  ON a (x);" {
		t.Fatalf("statements = %q", got)
	}
}

// TestStatementsKept checks that SQLite statements are prepared once, in the
// background, and then used; that a transaction still answers before that;
// and that the cache stops growing at its bound.
func TestStatementsKept(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "r.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.statements.max = 2
	query := func(q string) int {
		var n int
		err := db.read(ctx, "test", func(tx *Tx) error { return tx.QueryRowContext(ctx, q).Scan(&n) })
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if query(`SELECT 1`) != 1 {
		t.Fatal("unprepared query answers wrongly")
	}
	deadline := time.Now().Add(10 * time.Second)
	for db.statements.get(`SELECT 1`) == nil {
		if time.Now().After(deadline) {
			t.Fatal("SELECT 1 was never prepared")
		}
		time.Sleep(time.Millisecond)
	}
	if query(`SELECT 1`) != 1 {
		t.Fatal("prepared query answers wrongly")
	}
	query(`SELECT 2`)
	query(`SELECT 3`) // one too many
	time.Sleep(50 * time.Millisecond)
	if _, ok := db.statements.byText.Load(`SELECT 3`); ok || db.statements.size.Load() != 2 {
		t.Fatalf("the cache grew past its bound: %d statements", db.statements.size.Load())
	}
	if query(`SELECT 3`) != 3 {
		t.Fatal("a query beyond the bound answers wrongly")
	}
}
