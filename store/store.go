// Package store keeps Rapport's data in SQLite or PostgreSQL behind one type.
// The store stores; it does not decide who may do what (package service does).
// Each exported method is one transaction.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rapportnet/rapport"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// DB is the store: a pool of connections to one database.
type DB struct {
	db         *sql.DB
	dialect    dialect
	log        *slog.Logger
	statements *statements // nil on PostgreSQL
	// profileColumns reads a member's positions, education and skills in
	// the statement that reads the member; see profileJSON.
	profileColumns string

	// Errors, when set, is called with every error of the database itself
	// (not with not-found or conflict answers), for metrics.
	Errors func(op string, err error)
}

// Open opens the database at dsn: a postgres:// URL, or the path of a SQLite
// file (created with its folder when missing). It does not apply migrations.
func Open(ctx context.Context, dsn string, log *slog.Logger) (*DB, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	d := dialectFor(dsn)
	source := dsn
	if d.name == "sqlite" {
		if err := os.MkdirAll(filepath.Dir(dsn), 0o750); err != nil {
			return nil, fmt.Errorf("create data folder: %w", err)
		}
		source = sqliteDSN(dsn)
	}
	sqldb, err := sql.Open(d.driver, source)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", d.name, err)
	}
	if d.name == "sqlite" {
		// One writer at a time is SQLite's nature; a few connections let reads
		// go on beside it in WAL mode.
		sqldb.SetMaxOpenConns(8)
		sqldb.SetMaxIdleConns(8)
	} else {
		sqldb.SetMaxOpenConns(32)
		sqldb.SetMaxIdleConns(16)
		sqldb.SetConnMaxIdleTime(5 * time.Minute)
	}
	db := &DB{db: sqldb, dialect: d, log: log, profileColumns: profileColumns(d)}
	if d.name == "sqlite" {
		db.statements = newStatements(sqldb)
	}
	if err := db.Ping(ctx); err != nil {
		sqldb.Close()
		return nil, err
	}
	return db, nil
}

// Dialect returns "sqlite" or "postgres".
func (db *DB) Dialect() string { return db.dialect.name }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.db.PingContext(ctx); err != nil {
		return fmt.Errorf("ping %s: %w", db.dialect.name, err)
	}
	return nil
}

// Close closes the pool; it waits for queries under way.
func (db *DB) Close() error {
	db.statements.close()
	return db.db.Close()
}

// Migrate applies, in order and each in its own transaction, the embedded
// migrations that this database has not recorded yet. It returns how many
// it applied.
func (db *DB) Migrate(ctx context.Context) (int, error) {
	if _, err := db.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    BIGINT PRIMARY KEY,
		name       TEXT   NOT NULL,
		applied_at BIGINT NOT NULL)`); err != nil {
		return 0, fmt.Errorf("create schema_migrations: %w", err)
	}
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return 0, err
	}
	sort.Strings(names)
	applied := 0
	for _, name := range names {
		base := filepath.Base(name)
		version, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return applied, fmt.Errorf("migration %s: name must start with its number", base)
		}
		body, err := migrationFS.ReadFile(name)
		if err != nil {
			return applied, err
		}
		done, err := db.applyMigration(ctx, version, base, db.dialect.migration(string(body)))
		if err != nil {
			return applied, fmt.Errorf("migration %s: %w", base, err)
		}
		if done {
			db.log.Info("applied migration", "name", base)
			applied++
		}
	}
	return applied, nil
}

func (db *DB) applyMigration(ctx context.Context, version int, name, body string) (bool, error) {
	applied := false
	err := db.write(ctx, "migrate", func(tx *Tx) error {
		if db.dialect.name == "postgres" {
			// Several processes may start at once; one applies, the others wait.
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7270277)`); err != nil {
				return err
			}
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = $1`, version).Scan(&n); err != nil {
			return err
		} else if n > 0 {
			return nil
		}
		for _, stmt := range splitStatements(body) {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("%w in: %s", err, stmt)
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
			version, name, micros(time.Now()))
		applied = err == nil
		return err
	})
	return applied, err
}

// splitStatements splits a migration into statements at semicolons that end
// a line, dropping comment lines. Migrations keep to that form.
func splitStatements(body string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(body, "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(trimmed, ";") {
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}

// write runs fn in a read-write transaction and commits it.
func (db *DB) write(ctx context.Context, op string, fn func(*Tx) error) error {
	return db.inTx(ctx, op, nil, fn)
}

// read runs fn in a read-only transaction.
func (db *DB) read(ctx context.Context, op string, fn func(*Tx) error) error {
	return db.inTx(ctx, op, &sql.TxOptions{ReadOnly: true}, fn)
}

// querier is what a read of one statement needs: the pool or a transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// readOne runs fn, which reads with a single statement, on the pool. One
// statement sees one consistent state by itself; a transaction around it
// would only add a BEGIN and a COMMIT, which on the busiest reads (the
// session of every request) cost as much as the query.
func (db *DB) readOne(ctx context.Context, op string, fn func(querier) error) (err error) {
	defer db.report(op, &err)
	if err := fn(pool{db.db, db.statements}); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

// report passes an internal error to db.Errors.
func (db *DB) report(op string, err *error) {
	if *err != nil && rapport.ErrorCode(*err) == rapport.EINTERNAL && db.Errors != nil {
		db.Errors(op, *err)
	}
}

func (db *DB) inTx(ctx context.Context, op string, opts *sql.TxOptions, fn func(*Tx) error) (err error) {
	defer db.report(op, &err)
	sqltx, err := db.db.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("%s: begin: %w", op, err)
	}
	tx := &Tx{Tx: sqltx, cache: db.statements}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return fmt.Errorf("%s: %w", op, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: commit: %w", op, err)
	}
	return nil
}

// micros stores times as Unix microseconds, the same on both databases.
func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

// fromMicros reads a time stored by micros.
func fromMicros(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}

// notFound turns sql.ErrNoRows into ENOTFOUND with a message for the user.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return rapport.Errorf(rapport.ENOTFOUND, "%s not found.", what)
	}
	return err
}

// mustAffect returns ENOTFOUND when an update or delete touched no row.
func mustAffect(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	} else if n == 0 {
		return rapport.Errorf(rapport.ENOTFOUND, "%s not found.", what)
	}
	return nil
}
