package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// ImportMembers makes members with the given handles who cannot sign in
// (no email address, no password) until an operator gives them one, and
// returns the id of every handle that is such an imported member, made now
// or by an earlier import. A handle that belongs to a member who signed up
// is left out: an import never touches a real account.
func (db *DB) ImportMembers(ctx context.Context, handles []string, now time.Time) (map[string]int64, error) {
	ids := make(map[string]int64, len(handles))
	at := micros(now)
	err := db.write(ctx, "import members", func(tx *Tx) error {
		// The email key of an imported member is no address anyone can
		// type, so nobody signs in as them by accident.
		return db.insertMany(ctx, tx,
			`INSERT INTO members (handle, email, email_key, display_name, password_hash, created_at, updated_at) VALUES`,
			`(?, '', ?, ?, '', ?, ?)`, `ON CONFLICT DO NOTHING`, len(handles),
			func(i int, args []any) []any {
				h := handles[i]
				return append(args, h, "import:"+h, h, at, at)
			})
	})
	if err != nil {
		return nil, err
	}
	err = db.read(ctx, "import members", func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, handle FROM members WHERE email_key LIKE 'import:%'`)
		if err != nil {
			return err
		}
		defer rows.Close()
		want := make(map[string]bool, len(handles))
		for _, h := range handles {
			want[h] = true
		}
		for rows.Next() {
			var id int64
			var h string
			if err := rows.Scan(&id, &h); err != nil {
				return err
			}
			if want[h] {
				ids[h] = id
			}
		}
		return rows.Err()
	})
	return ids, err
}

// ImportConnections stores connection rows (member, other) between members
// that exist (on SQLite this is not checked again: see below) in one
// transaction; rows there already are kept. Each connection
// needs its two rows, (a, b) and (b, a); given in key order, they go into
// the table's key in order, which is much faster.
func (db *DB) ImportConnections(ctx context.Context, rows [][2]int64, now time.Time) error {
	at := micros(now)
	insert := func(tx *Tx) error {
		return db.insertMany(ctx, tx,
			`INSERT INTO connections (member_id, other_id, created_at) VALUES`,
			`(?, ?, ?)`, `ON CONFLICT (member_id, other_id) DO NOTHING`, len(rows),
			func(i int, args []any) []any { return append(args, rows[i][0], rows[i][1], at) })
	}
	if db.dialect.name == "postgres" {
		return db.write(ctx, "import connections", insert)
	}
	// Both members of every row were made by this import a moment before,
	// so checking each row's two foreign keys again only costs time (a fifth
	// of the import). The check is a setting of the connection, and cannot
	// change inside a transaction: take a connection of our own.
	conn, err := db.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("import connections: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		return fmt.Errorf("import connections: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA foreign_keys = ON`)
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("import connections: %w", err)
	}
	defer tx.Rollback()
	if err := insert(&Tx{Tx: tx}); err != nil {
		return fmt.Errorf("import connections: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("import connections: %w", err)
	}
	return nil
}

// insertMany runs "insert row, row, ... conflict" for n rows, many rows a
// statement; fill appends the values of row i to args. The row is written
// with ? placeholders. SQLite binds those by position (a $N it would look up
// by name, which makes statements with many of them slow), and does best
// with a few hundred rows a statement, prepared once; PostgreSQL knows only
// $N, and since each statement is a round trip, takes thousands of rows.
func (db *DB) insertMany(ctx context.Context, tx *Tx, insert, row, conflict string, n int, fill func(i int, args []any) []any) error {
	batch := 200
	if db.dialect.name == "postgres" {
		batch = 5000
	}
	params := strings.Count(row, "?")
	statement := func(rows int) string {
		var sb strings.Builder
		sb.WriteString(insert)
		k := 0
		for r := range rows {
			if r > 0 {
				sb.WriteString(",")
			}
			for _, c := range row {
				switch {
				case c != '?':
					sb.WriteRune(c)
				case db.dialect.name == "postgres":
					k++
					fmt.Fprintf(&sb, "$%d", k)
				default:
					sb.WriteRune(c)
				}
			}
		}
		sb.WriteString(" " + conflict)
		return sb.String()
	}
	var full *sql.Stmt
	args := make([]any, 0, params*batch)
	for start := 0; start < n; start += batch {
		rows := min(batch, n-start)
		args = args[:0]
		for i := start; i < start+rows; i++ {
			args = fill(i, args)
		}
		if rows < batch { // the last, short statement
			if _, err := tx.ExecContext(ctx, statement(rows), args...); err != nil {
				return err
			}
			continue
		}
		if full == nil {
			var err error
			if full, err = tx.PrepareContext(ctx, statement(batch)); err != nil {
				return err
			}
			defer full.Close()
		}
		if _, err := full.ExecContext(ctx, args...); err != nil {
			return err
		}
	}
	return nil
}

// Analyze refreshes the planner's statistics, as a bulk import should: a
// fresh PostgreSQL table without them gets plans a thousand times slower.
func (db *DB) Analyze(ctx context.Context) error {
	analyze := `ANALYZE`
	if db.dialect.name == "sqlite" {
		// Statistics from a sample of each index, as SQLite advises: a full
		// ANALYZE reads every row again.
		analyze = `PRAGMA analysis_limit = 1000; ANALYZE`
	}
	if _, err := db.db.ExecContext(ctx, analyze); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	return nil
}
