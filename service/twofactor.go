package service

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"net/url"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/store"
)

// Two-factor sign-in is TOTP (RFC 6238): six digits, 30-second steps, a
// step of clock skew either way, each code usable once; with ten
// single-use recovery codes.
const (
	totpPeriod        = 30
	totpSkew          = 1
	recoveryCodeCount = 10
)

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Skew: totpSkew, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// TwoFactorStatus says whether the caller's second factor is on, and how
// many recovery codes they have left.
func (s *Accounts) TwoFactorStatus(ctx context.Context) (enabled bool, recoveryLeft int, err error) {
	c, err := member(ctx)
	if err != nil {
		return false, 0, err
	}
	tf, err := s.twoFactor(ctx, c.MemberID)
	if err != nil || !tf.Enabled {
		return false, 0, err
	}
	n, err := s.db.CountRecoveryCodes(ctx, c.MemberID)
	return true, n, err
}

// twoFactor reads a member's second factor, its secret opened.
func (s *Accounts) twoFactor(ctx context.Context, memberID int64) (store.TwoFactor, error) {
	tf, err := s.db.FindTwoFactor(ctx, memberID)
	if err != nil {
		return tf, err
	}
	tf.Secret, err = s.sealer.open(memberID, tf.Secret)
	return tf, err
}

// SetUpTwoFactor makes a new secret for the caller's authenticator app,
// after checking their password, and returns it as a key (its URL is what
// the QR code holds). It is not required at login until EnableTwoFactor
// proves the app has it. Returns ECONFLICT when two-factor sign-in is on.
func (s *Accounts) SetUpTwoFactor(ctx context.Context, password string) (*otp.Key, error) {
	c, err := personal(ctx)
	if err != nil {
		return nil, err
	}
	m, err := s.confirmPassword(ctx, c, password, "password")
	if err != nil {
		return nil, err
	}
	if tf, err := s.twoFactor(ctx, c.MemberID); err != nil {
		return nil, err
	} else if tf.Enabled {
		return nil, rapport.Errorf(rapport.ECONFLICT, "Two-factor sign-in is on already; turn it off first to set up a new app.")
	}
	key, err := s.totpKey(m.Email, nil)
	if err != nil {
		return nil, err
	}
	return key, s.db.SetTwoFactorSecret(ctx, c.MemberID, s.sealer.seal(c.MemberID, key.Secret()))
}

// TwoFactorKey returns the key set up and not yet enabled, to show its QR
// code again. Returns ENOTFOUND when there is none.
func (s *Accounts) TwoFactorKey(ctx context.Context) (*otp.Key, error) {
	c, err := personal(ctx)
	if err != nil {
		return nil, err
	}
	tf, err := s.twoFactor(ctx, c.MemberID)
	if err != nil {
		return nil, err
	} else if tf.Secret == "" || tf.Enabled {
		return nil, rapport.Errorf(rapport.ENOTFOUND, "No two-factor set-up is waiting.")
	}
	m, err := s.db.FindMemberByID(ctx, c.MemberID)
	if err != nil {
		return nil, err
	}
	secret, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(tf.Secret)
	if err != nil {
		return nil, err
	}
	return s.totpKey(m.Email, secret)
}

func (s *Accounts) totpKey(account string, secret []byte) (*otp.Key, error) {
	issuer := "Rapport"
	if u, err := url.Parse(s.cfg.BaseURL); err == nil && u.Hostname() != "" {
		issuer = "Rapport (" + u.Hostname() + ")"
	}
	return totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: account, Period: totpPeriod, Digits: otp.DigitsSix,
		Algorithm: otp.AlgorithmSHA1, Secret: secret, Rand: rand.Reader})
}

// EnableTwoFactor turns two-factor sign-in on once a code proves that the
// caller's app has the secret set up, and returns ten recovery codes,
// shown once and kept hashed. Returns EINVALID naming code for a wrong
// code, ECONFLICT when nothing was set up or it is on already.
func (s *Accounts) EnableTwoFactor(ctx context.Context, code string) ([]string, error) {
	c, err := personal(ctx)
	if err != nil {
		return nil, err
	}
	tf, err := s.twoFactor(ctx, c.MemberID)
	if err != nil {
		return nil, err
	} else if tf.Enabled {
		return nil, rapport.Errorf(rapport.ECONFLICT, "Two-factor sign-in is on already.")
	} else if tf.Secret == "" {
		return nil, rapport.Errorf(rapport.ECONFLICT, "Set up your authenticator app first.")
	}
	step, ok := totpStep(tf.Secret, code, s.now())
	if !ok {
		return nil, rapport.FieldError("code", "This is not the code your app shows now. Check that its clock is right.")
	}
	codes := make([]string, recoveryCodeCount)
	hashes := make([]string, recoveryCodeCount)
	for i := range codes {
		raw := make([]byte, 10)
		rand.Read(raw)
		text := base32.StdEncoding.EncodeToString(raw)[:12]
		codes[i] = strings.ToLower(text[:4] + "-" + text[4:8] + "-" + text[8:])
		hashes[i] = hashSecret(normalizeRecoveryCode(codes[i]))
	}
	return codes, s.db.EnableTwoFactor(ctx, c.MemberID, step, hashes)
}

// DisableTwoFactor turns two-factor sign-in off, with the password and a
// code (from the app or a recovery code).
func (s *Accounts) DisableTwoFactor(ctx context.Context, password, code string) error {
	c, err := personal(ctx)
	if err != nil {
		return err
	}
	if _, err := s.confirmPassword(ctx, c, password, "password"); err != nil {
		return err
	}
	if tf, err := s.twoFactor(ctx, c.MemberID); err != nil {
		return err
	} else if !tf.Enabled {
		return rapport.Errorf(rapport.ECONFLICT, "Two-factor sign-in is off already.")
	}
	if err := s.checkSecondFactor(ctx, c.MemberID, code); err != nil {
		return err
	}
	return s.db.DisableTwoFactor(ctx, c.MemberID)
}

// checkSecondFactor checks a code from the member's app, or one of their
// recovery codes, when two-factor sign-in is on; each works once. Returns
// EUNAUTHORIZED naming code when it is missing, wrong or used.
func (s *Accounts) checkSecondFactor(ctx context.Context, memberID int64, code string) error {
	tf, err := s.twoFactor(ctx, memberID)
	if err != nil || !tf.Enabled {
		return err
	}
	code = strings.TrimSpace(code)
	wrong := &rapport.Error{Code: rapport.EUNAUTHORIZED, Field: "code", Message: "This code is wrong or was used already."}
	if code == "" {
		return &rapport.Error{Code: rapport.EUNAUTHORIZED, Field: "code", Message: "Enter the 6-digit code from your authenticator app, or one of your recovery codes."}
	}
	if step, ok := totpStep(tf.Secret, code, s.now()); ok {
		if step <= tf.LastStep {
			return wrong
		}
		if err := s.db.UseTwoFactorStep(ctx, memberID, step); rapport.ErrorCode(err) == rapport.ECONFLICT {
			return wrong
		} else if err != nil {
			return err
		}
		return nil
	}
	if err := s.db.UseRecoveryCode(ctx, memberID, hashSecret(normalizeRecoveryCode(code)), s.now()); rapport.ErrorCode(err) == rapport.ENOTFOUND {
		return wrong
	} else if err != nil {
		return err
	}
	return nil
}

// totpStep returns the time step, within the skew, whose code is code.
func totpStep(secret, code string, now time.Time) (int64, bool) {
	if len(code) != 6 {
		return 0, false
	}
	base := now.Unix() / totpPeriod
	for k := int64(-totpSkew); k <= totpSkew; k++ {
		step := base + k
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*totpPeriod, 0), totpOpts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true
		}
	}
	return 0, false
}

func normalizeRecoveryCode(code string) string {
	return strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(code)))
}
