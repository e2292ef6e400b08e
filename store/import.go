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
//
// One prepared single-row statement beats multi-row INSERTs here: SQLite
// looks up each $N by name, so a statement with thousands of them costs
// more than it saves.
func (db *DB) ImportMembers(ctx context.Context, handles []string, now time.Time) (map[string]int64, error) {
	ids := make(map[string]int64, len(handles))
	err := db.write(ctx, "import members", func(tx *sql.Tx) error {
		// The email key of an imported member is no address anyone can
		// type, so nobody signs in as them by accident.
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO members (handle, email, email_key, display_name, password_hash, created_at, updated_at)
			VALUES ($1, '', $2, $1, '', $3, $3) ON CONFLICT DO NOTHING`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, h := range handles {
			if _, err := stmt.ExecContext(ctx, h, "import:"+h, micros(now)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = db.read(ctx, "import members", func(tx *sql.Tx) error {
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
	if db.dialect.name == "postgres" {
		return db.write(ctx, "import connections", func(tx *sql.Tx) error {
			return insertConnectionBatches(ctx, tx, rows, micros(now))
		})
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
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO connections (member_id, other_id, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (member_id, other_id) DO NOTHING`)
	if err != nil {
		return fmt.Errorf("import connections: %w", err)
	}
	defer stmt.Close()
	at := micros(now)
	for _, r := range rows {
		if _, err := stmt.ExecContext(ctx, r[0], r[1], at); err != nil {
			return fmt.Errorf("import connections: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("import connections: %w", err)
	}
	return nil
}

// insertConnectionBatches inserts many rows a statement: on PostgreSQL each
// statement is a round trip, and binding thousands of $N costs nothing.
func insertConnectionBatches(ctx context.Context, tx *sql.Tx, rows [][2]int64, at int64) error {
	const batch = 5000
	for start := 0; start < len(rows); start += batch {
		part := rows[start:min(start+batch, len(rows))]
		var sb strings.Builder
		args := make([]any, 0, 2*len(part)+1)
		args = append(args, at)
		sb.WriteString(`INSERT INTO connections (member_id, other_id, created_at) VALUES `)
		for i, r := range part {
			if i > 0 {
				sb.WriteString(", ")
			}
			args = append(args, r[0], r[1])
			fmt.Fprintf(&sb, "($%d, $%d, $1)", len(args)-1, len(args))
		}
		sb.WriteString(` ON CONFLICT (member_id, other_id) DO NOTHING`)
		if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// Analyze refreshes the planner's statistics, as a bulk import should: a
// fresh PostgreSQL table without them gets plans a thousand times slower.
func (db *DB) Analyze(ctx context.Context) error {
	if _, err := db.db.ExecContext(ctx, `ANALYZE`); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	return nil
}
