package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/rapportnet/rapport"
)

// CreateSession stores a new session under the hash of its token and sets s.ID.
func (db *DB) CreateSession(ctx context.Context, s *rapport.Session, tokenHash string) error {
	return db.write(ctx, "create session", func(tx *Tx) error {
		return tx.QueryRowContext(ctx, `
			INSERT INTO sessions (member_id, token_hash, created_at, last_seen_at, user_agent, ip)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			s.MemberID, tokenHash, micros(s.CreatedAt), micros(s.LastSeenAt), s.UserAgent, s.IP).Scan(&s.ID)
	})
}

const sessionColumns = `id, member_id, created_at, last_seen_at, user_agent, ip`

func scanSession(row interface{ Scan(...any) error }) (*rapport.Session, error) {
	var s rapport.Session
	var created, seen int64
	if err := row.Scan(&s.ID, &s.MemberID, &created, &seen, &s.UserAgent, &s.IP); err != nil {
		return nil, err
	}
	s.CreatedAt, s.LastSeenAt = fromMicros(created), fromMicros(seen)
	return &s, nil
}

// FindSessionByTokenHash returns the session with this token hash.
// Returns ENOTFOUND if there is none.
func (db *DB) FindSessionByTokenHash(ctx context.Context, tokenHash string) (*rapport.Session, error) {
	var s *rapport.Session
	err := db.readOne(ctx, "find session", func(tx querier) error {
		// The member comes in the same query: every request asks for both.
		var sess rapport.Session
		var created, seen int64
		m := &rapport.Member{}
		err := tx.QueryRowContext(ctx, `SELECT s.id, s.member_id, s.created_at, s.last_seen_at, s.user_agent, s.ip, m.handle, m.status
			FROM sessions s JOIN members m ON m.id = s.member_id WHERE s.token_hash = $1`, tokenHash).
			Scan(&sess.ID, &sess.MemberID, &created, &seen, &sess.UserAgent, &sess.IP, &m.Handle, &m.Status)
		if err != nil {
			return notFound(err, "Session")
		}
		m.ID = sess.MemberID
		sess.CreatedAt, sess.LastSeenAt, sess.Member = fromMicros(created), fromMicros(seen), m
		s = &sess
		return nil
	})
	return s, err
}

// FindSessions lists a member's sessions, most recently used first.
func (db *DB) FindSessions(ctx context.Context, memberID int64) ([]*rapport.Session, error) {
	var out []*rapport.Session
	err := db.read(ctx, "find sessions", func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE member_id = $1 ORDER BY last_seen_at DESC, id DESC`, memberID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			s, err := scanSession(rows)
			if err != nil {
				return err
			}
			out = append(out, s)
		}
		return rows.Err()
	})
	return out, err
}

// TouchSession records that a session was used at t.
func (db *DB) TouchSession(ctx context.Context, id int64, t time.Time) error {
	return db.write(ctx, "touch session", func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE id = $2`, micros(t), id)
		return err
	})
}

// DeleteSession ends one session of a member.
// Returns ENOTFOUND if the member has no such session.
func (db *DB) DeleteSession(ctx context.Context, memberID, id int64) error {
	return db.write(ctx, "delete session", func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id = $1 AND member_id = $2`, id, memberID)
		if err != nil {
			return err
		}
		return mustAffect(res, "Session")
	})
}

// DeleteSessions ends every session of a member but keepID (0 keeps none),
// and returns how many it ended.
func (db *DB) DeleteSessions(ctx context.Context, memberID, keepID int64) (int, error) {
	var n int64
	err := db.write(ctx, "delete sessions", func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE member_id = $1 AND id <> $2`, memberID, keepID)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// CreateAccessToken stores a personal access token under the hash of its
// secret and sets t.ID.
func (db *DB) CreateAccessToken(ctx context.Context, t *rapport.AccessToken, tokenHash string) error {
	return db.write(ctx, "create access token", func(tx *Tx) error {
		return tx.QueryRowContext(ctx, `
			INSERT INTO access_tokens (member_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			t.MemberID, t.Name, tokenHash, micros(t.CreatedAt)).Scan(&t.ID)
	})
}

const accessTokenColumns = `id, member_id, name, created_at, last_used_at`

func scanAccessToken(row interface{ Scan(...any) error }) (*rapport.AccessToken, error) {
	var t rapport.AccessToken
	var created, used int64
	if err := row.Scan(&t.ID, &t.MemberID, &t.Name, &created, &used); err != nil {
		return nil, err
	}
	t.CreatedAt, t.LastUsedAt = fromMicros(created), fromMicros(used)
	return &t, nil
}

// FindAccessTokenByHash returns the token with this hash.
// Returns ENOTFOUND if there is none.
func (db *DB) FindAccessTokenByHash(ctx context.Context, tokenHash string) (*rapport.AccessToken, error) {
	var t *rapport.AccessToken
	err := db.readOne(ctx, "find access token", func(tx querier) error {
		var tok rapport.AccessToken
		var created, used int64
		m := &rapport.Member{}
		err := tx.QueryRowContext(ctx, `SELECT t.id, t.member_id, t.name, t.created_at, t.last_used_at, m.handle, m.status
			FROM access_tokens t JOIN members m ON m.id = t.member_id WHERE t.token_hash = $1`, tokenHash).
			Scan(&tok.ID, &tok.MemberID, &tok.Name, &created, &used, &m.Handle, &m.Status)
		if err != nil {
			return notFound(err, "Token")
		}
		m.ID = tok.MemberID
		tok.CreatedAt, tok.LastUsedAt, tok.Member = fromMicros(created), fromMicros(used), m
		t = &tok
		return nil
	})
	return t, err
}

// FindAccessTokens lists a member's personal access tokens, newest first.
func (db *DB) FindAccessTokens(ctx context.Context, memberID int64) ([]*rapport.AccessToken, error) {
	var out []*rapport.AccessToken
	err := db.read(ctx, "find access tokens", func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+accessTokenColumns+` FROM access_tokens WHERE member_id = $1 ORDER BY id DESC`, memberID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			t, err := scanAccessToken(rows)
			if err != nil {
				return err
			}
			out = append(out, t)
		}
		return rows.Err()
	})
	return out, err
}

// TouchAccessToken records that a token was used at t.
func (db *DB) TouchAccessToken(ctx context.Context, id int64, t time.Time) error {
	return db.write(ctx, "touch access token", func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE access_tokens SET last_used_at = $1 WHERE id = $2`, micros(t), id)
		return err
	})
}

// DeleteAccessToken revokes one of a member's tokens.
// Returns ENOTFOUND if the member has no such token.
func (db *DB) DeleteAccessToken(ctx context.Context, memberID, id int64) error {
	return db.write(ctx, "delete access token", func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM access_tokens WHERE id = $1 AND member_id = $2`, id, memberID)
		if err != nil {
			return err
		}
		return mustAffect(res, "Token")
	})
}

// CreatePasswordReset stores the hash of a password-reset token.
func (db *DB) CreatePasswordReset(ctx context.Context, tokenHash string, memberID int64, now, expires time.Time) error {
	return db.write(ctx, "create password reset", func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO password_resets (token_hash, member_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
			tokenHash, memberID, micros(now), micros(expires))
		return err
	})
}

// ResetPassword uses a password-reset token, once: if it is unused and not
// expired at now, it marks it used, stores the new hash and ends every session
// of the member, all in one transaction, and returns the member's id.
// Returns ENOTFOUND for a token that is unknown, used or expired.
func (db *DB) ResetPassword(ctx context.Context, tokenHash, newHash string, now time.Time) (int64, error) {
	var memberID int64
	err := db.write(ctx, "reset password", func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, `
			UPDATE password_resets SET used_at = $1
			WHERE token_hash = $2 AND used_at = 0 AND expires_at > $1
			RETURNING member_id`, micros(now), tokenHash).Scan(&memberID)
		if err != nil {
			return notFound(err, "Reset link")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE members SET password_hash = $1 WHERE id = $2`, newHash, memberID); err != nil {
			return err
		}
		// Any other link sent before this one is spent too.
		if _, err := tx.ExecContext(ctx, `UPDATE password_resets SET used_at = $1 WHERE member_id = $2 AND used_at = 0`, micros(now), memberID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE member_id = $1`, memberID)
		return err
	})
	return memberID, err
}

// RecordLoginFailure notes one failed sign-in under each key at t, and drops
// failures older than before.
func (db *DB) RecordLoginFailure(ctx context.Context, keys []string, t, before time.Time) error {
	return db.write(ctx, "record login failure", func(tx *Tx) error {
		for _, k := range keys {
			if _, err := tx.ExecContext(ctx, `INSERT INTO login_failures (key, at) VALUES ($1, $2)`, k, micros(t)); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE key = $1 AND at < $2`, k, micros(before)); err != nil {
				return err
			}
		}
		return nil
	})
}

// CountLoginFailures returns how many failures are recorded under key since
// the given time, and when the oldest of them happened.
func (db *DB) CountLoginFailures(ctx context.Context, key string, since time.Time) (n int, oldest time.Time, err error) {
	err = db.read(ctx, "count login failures", func(tx *Tx) error {
		var first sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), MIN(at) FROM login_failures WHERE key = $1 AND at >= $2`,
			key, micros(since)).Scan(&n, &first); err != nil {
			return err
		}
		oldest = fromMicros(first.Int64)
		return nil
	})
	return n, oldest, err
}

// ClearLoginFailures forgets the failures recorded under key.
func (db *DB) ClearLoginFailures(ctx context.Context, key string) error {
	return db.write(ctx, "clear login failures", func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE key = $1`, key)
		return err
	})
}

// FindPasswordResetMember returns the member a reset token was made for, if
// the token is unused and not expired at now. Returns ENOTFOUND otherwise.
func (db *DB) FindPasswordResetMember(ctx context.Context, tokenHash string, now time.Time) (int64, error) {
	var id int64
	err := db.read(ctx, "find password reset", func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT member_id FROM password_resets WHERE token_hash = $1 AND used_at = 0 AND expires_at > $2`,
			tokenHash, micros(now)).Scan(&id)
		return notFound(err, "Reset link")
	})
	return id, err
}

// CredentialAlive reports whether a member's session (sessionID set) or
// personal access token (tokenID set) still exists.
func (db *DB) CredentialAlive(ctx context.Context, memberID, sessionID, tokenID int64) (bool, error) {
	var n int
	err := db.readOne(ctx, "find credential", func(q querier) error {
		return q.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM sessions WHERE id = $1 AND member_id = $3)
			+ (SELECT COUNT(*) FROM access_tokens WHERE id = $2 AND member_id = $3)`, sessionID, tokenID, memberID).Scan(&n)
	})
	return n > 0, err
}
