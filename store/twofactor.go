package store

import (
	"context"
	"time"

	"github.com/rapportnet/rapport"
)

// TwoFactor is a member's second factor as the store keeps it.
type TwoFactor struct {
	Secret   string // the TOTP secret, set up or enabled; "" when none
	Enabled  bool
	LastStep int64 // the time step of the last code used
}

// FindTwoFactor returns a member's second factor.
func (db *DB) FindTwoFactor(ctx context.Context, memberID int64) (TwoFactor, error) {
	var tf TwoFactor
	err := db.readOne(ctx, "find two-factor", func(q querier) error {
		return notFound(q.QueryRowContext(ctx, `SELECT totp_secret, totp_enabled, totp_last_step FROM members WHERE id = $1`, memberID).
			Scan(&tf.Secret, &tf.Enabled, &tf.LastStep), "Member")
	})
	return tf, err
}

// SetTwoFactorSecret keeps a new secret, not enabled yet, for a member
// whose second factor is off.
func (db *DB) SetTwoFactorSecret(ctx context.Context, memberID int64, secret string) error {
	return db.write(ctx, "set two-factor secret", func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE members SET totp_secret = $1, totp_last_step = 0 WHERE id = $2 AND NOT totp_enabled`, secret, memberID)
		if err != nil {
			return err
		}
		return mustAffect(res, "Member")
	})
}

// EnableTwoFactor turns a member's second factor on, with the step of the
// code that proved it and the hashes of new recovery codes.
func (db *DB) EnableTwoFactor(ctx context.Context, memberID, step int64, codeHashes []string) error {
	return db.write(ctx, "enable two-factor", func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE members SET totp_enabled = TRUE, totp_last_step = $1 WHERE id = $2 AND totp_secret <> ''`, step, memberID)
		if err != nil {
			return err
		} else if err := mustAffect(res, "Member"); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE member_id = $1`, memberID); err != nil {
			return err
		}
		for _, h := range codeHashes {
			if _, err := tx.ExecContext(ctx, `INSERT INTO recovery_codes (member_id, code_hash) VALUES ($1, $2)`, memberID, h); err != nil {
				return err
			}
		}
		return nil
	})
}

// DisableTwoFactor turns a member's second factor off and forgets its
// secret and recovery codes.
func (db *DB) DisableTwoFactor(ctx context.Context, memberID int64) error {
	return db.write(ctx, "disable two-factor", func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE members SET totp_secret = '', totp_enabled = FALSE, totp_last_step = 0 WHERE id = $1`, memberID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE member_id = $1`, memberID)
		return err
	})
}

// UseTwoFactorStep records that the code of a time step was used, unless
// a code of that step or a later one was used already: then it returns
// ECONFLICT, so that each code works once, even when two requests race.
func (db *DB) UseTwoFactorStep(ctx context.Context, memberID, step int64) error {
	return db.write(ctx, "use two-factor step", func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE members SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1`, step, memberID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return rapport.Errorf(rapport.ECONFLICT, "This code was used already; wait for the next one.")
		}
		return nil
	})
}

// UseRecoveryCode marks a recovery code used. Returns ENOTFOUND when the
// member has no such unused code.
func (db *DB) UseRecoveryCode(ctx context.Context, memberID int64, codeHash string, now time.Time) error {
	return db.write(ctx, "use recovery code", func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE recovery_codes SET used_at = $1 WHERE member_id = $2 AND code_hash = $3 AND used_at IS NULL`,
			micros(now), memberID, codeHash)
		if err != nil {
			return err
		}
		return mustAffect(res, "Recovery code")
	})
}

// CountRecoveryCodes returns how many unused recovery codes a member has.
func (db *DB) CountRecoveryCodes(ctx context.Context, memberID int64) (int, error) {
	var n int
	err := db.readOne(ctx, "count recovery codes", func(q querier) error {
		return q.QueryRowContext(ctx, `SELECT COUNT(*) FROM recovery_codes WHERE member_id = $1 AND used_at IS NULL`, memberID).Scan(&n)
	})
	return n, err
}
