package store

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
)

// statements keeps prepared statements by their text, on SQLite. SQLite,
// compiled from C to Go here, spends more parsing a short statement than
// running it, and its driver keeps nothing between calls. (PostgreSQL's
// driver keeps the statements of each connection itself.)
//
// A statement missing from the cache runs unprepared, and is prepared in the
// background for next time: preparing it at once could wait for a connection
// while every connection waits in a transaction for the same thing. The
// store's texts are few (those that vary, such as IN lists, vary within
// small bounds), but the cache stops growing at max all the same.
type statements struct {
	db     *sql.DB
	max    int64
	size   atomic.Int64
	byText sync.Map // text → *sql.Stmt, or nil while it is being prepared
}

func newStatements(db *sql.DB) *statements { return &statements{db: db, max: 1000} }

// get returns the prepared statement for query, or nil when it has none yet.
func (c *statements) get(query string) *sql.Stmt {
	if c == nil {
		return nil
	}
	if v, ok := c.byText.Load(query); ok {
		s, _ := v.(*sql.Stmt)
		return s
	}
	if c.size.Load() >= c.max {
		return nil
	}
	if _, loaded := c.byText.LoadOrStore(query, nil); !loaded {
		c.size.Add(1)
		go c.prepare(query)
	}
	return nil
}

func (c *statements) prepare(query string) {
	s, err := c.db.PrepareContext(context.Background(), query)
	if err != nil { // a closed database, say; try again another time
		c.byText.Delete(query)
		c.size.Add(-1)
		return
	}
	c.byText.Store(query, s)
}

// close closes every statement kept.
func (c *statements) close() {
	if c == nil {
		return
	}
	c.byText.Range(func(k, v any) bool {
		if s, ok := v.(*sql.Stmt); ok {
			s.Close()
		}
		return true
	})
}

// Tx is a transaction of the store: a *sql.Tx whose queries use the
// prepared statements kept by the store.
type Tx struct {
	*sql.Tx
	cache *statements
}

// QueryContext runs a query within the transaction.
func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := tx.cache.get(query); s != nil {
		return tx.StmtContext(ctx, s).QueryContext(ctx, args...)
	}
	return tx.Tx.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a query expected to return at most one row.
func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := tx.cache.get(query); s != nil {
		return tx.StmtContext(ctx, s).QueryRowContext(ctx, args...)
	}
	return tx.Tx.QueryRowContext(ctx, query, args...)
}

// ExecContext runs a statement that returns no rows.
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s := tx.cache.get(query); s != nil {
		return tx.StmtContext(ctx, s).ExecContext(ctx, args...)
	}
	return tx.Tx.ExecContext(ctx, query, args...)
}

// pool runs single-statement reads outside a transaction, with the same
// prepared statements.
type pool struct {
	db    *sql.DB
	cache *statements
}

func (p pool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := p.cache.get(query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return p.db.QueryContext(ctx, query, args...)
}

func (p pool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := p.cache.get(query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return p.db.QueryRowContext(ctx, query, args...)
}
