package service

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/mail"
	"github.com/rapportnet/rapport/password"
)

// Accounts signs members up and in, and keeps their credentials: passwords,
// sessions, personal access tokens and password-reset links. Only the member
// changes their account.
type Accounts struct {
	base
	mail    mail.Sender
	cfg     Config
	hashing chan struct{} // bounds the password hashes computed at once
	sealer  *sealer       // seals the TOTP secrets; nil without a key
}

// SignUp is what a new member gives.
type SignUp struct {
	Email       string
	Handle      string
	DisplayName string
	Password    string
}

// SignUp creates an account. Returns EINVALID naming the field at fault
// (a weak password among them, with the reason) and ECONFLICT when the
// handle or the email is taken.
func (s *Accounts) SignUp(ctx context.Context, in SignUp) (*rapport.Member, error) {
	m := &rapport.Member{
		Handle:      rapport.NormalizeHandle(in.Handle),
		Email:       strings.TrimSpace(in.Email),
		DisplayName: strings.TrimSpace(in.DisplayName),
	}
	if err := rapport.ValidateEmail(m.Email); err != nil {
		return nil, err
	} else if err := rapport.ValidateHandle(m.Handle); err != nil {
		return nil, err
	} else if err := rapport.ValidateDisplayName(m.DisplayName); err != nil {
		return nil, err
	} else if err := password.Check(in.Password, m.Handle, m.Email, m.DisplayName); err != nil {
		return nil, err
	}
	hash, err := s.hash(ctx, in.Password)
	if err != nil {
		return nil, err
	}
	if err := s.db.CreateMember(ctx, m, hash, s.now()); err != nil {
		return nil, err
	}
	s.profileChanged(ctx, m.ID)
	s.log.Info("member signed up", "member", m.ID)
	return m, nil
}

// LogIn is a sign-in attempt and where it comes from.
type LogIn struct {
	Email    string
	Password string
	// Code is the second factor, from the member's authenticator app or a
	// recovery code, for a member who turned two-factor sign-in on.
	Code      string
	IP        string
	UserAgent string
}

// LogIn checks an email and password and starts a new session, returning
// its token. A wrong password and an unknown email get the same
// EUNAUTHORIZED, after about the same time. After too many failures for one
// account or from one address within the window, it returns ERATELIMITED
// with the time to wait, without looking at the password.
func (s *Accounts) LogIn(ctx context.Context, in LogIn) (string, *rapport.Session, error) {
	now := s.now()
	keys := []string{"email:" + rapport.NormalizeEmail(in.Email)}
	if in.IP != "" {
		keys = append(keys, "ip:"+in.IP)
	}
	if err := s.checkThrottle(ctx, keys, now); err != nil {
		return "", nil, err
	}

	id, hash, status, err := s.db.FindCredentials(ctx, in.Email)
	if rapport.ErrorCode(err) == rapport.ENOTFOUND || (err == nil && hash == "") {
		// No such account, or one without a password yet (imported).
		s.withHashSlot(ctx, func() { password.VerifyDummy(in.Password) })
		return "", nil, s.loginFailed(ctx, keys, now)
	} else if err != nil {
		return "", nil, err
	}
	var ok, rehash bool
	if err := s.withHashSlot(ctx, func() { ok, rehash, err = password.Verify(in.Password, hash) }); err != nil {
		return "", nil, err
	} else if err != nil {
		return "", nil, fmt.Errorf("verify password of member %d: %w", id, err)
	} else if !ok {
		return "", nil, s.loginFailed(ctx, keys, now)
	}
	if err := s.checkSecondFactor(ctx, id, in.Code); err != nil {
		if rapport.ErrorCode(err) == rapport.EUNAUTHORIZED && strings.TrimSpace(in.Code) != "" {
			// A wrong code counts as a failed sign-in, like a wrong password.
			if err := s.db.RecordLoginFailure(ctx, keys, now, now.Add(-s.cfg.LoginWindow)); err != nil {
				return "", nil, err
			}
		}
		return "", nil, err
	}
	if status == rapport.StatusClosed {
		// Logging in within the window reopens the account; after it, the
		// account is as good as gone.
		if err := s.reopen(ctx, id); rapport.ErrorCode(err) == rapport.ENOTFOUND {
			return "", nil, s.loginFailed(ctx, keys, now)
		} else if err != nil {
			return "", nil, err
		}
	} else if status != rapport.StatusActive {
		return "", nil, rapport.Errorf(rapport.EFORBIDDEN, "This account is suspended.")
	}
	if err := s.db.ClearLoginFailures(ctx, keys[0]); err != nil {
		return "", nil, err
	}
	if rehash {
		// The site's parameters were raised since this hash was made.
		if newHash, err := s.hash(ctx, in.Password); err == nil {
			if err := s.db.UpdatePasswordHash(ctx, id, newHash, false, 0); err != nil {
				s.log.Warn("rehash password", "member", id, "err", err)
			}
		}
	}
	return s.startSession(ctx, id, in.IP, in.UserAgent)
}

// checkThrottle returns ERATELIMITED, with the time to wait, when a key has
// reached its limit of failed attempts within the window: 10 for an account
// ("email:" keys), 30 for a network address ("ip:" keys).
func (s *Accounts) checkThrottle(ctx context.Context, keys []string, now time.Time) error {
	for _, key := range keys {
		limit := s.cfg.MaxAccountFailures
		if strings.HasPrefix(key, "ip:") {
			limit = s.cfg.MaxAddressFailures
		}
		n, oldest, err := s.db.CountLoginFailures(ctx, key, now.Add(-s.cfg.LoginWindow))
		if err != nil {
			return err
		} else if n >= limit {
			wait := oldest.Add(s.cfg.LoginWindow).Sub(now)
			return &rapport.Error{Code: rapport.ERATELIMITED, RetryAfter: max(wait, time.Second),
				Message: "Too many failed attempts. Wait a few minutes, or reset your password."}
		}
	}
	return nil
}

func (s *Accounts) loginFailed(ctx context.Context, keys []string, now time.Time) error {
	if err := s.db.RecordLoginFailure(ctx, keys, now, now.Add(-s.cfg.LoginWindow)); err != nil {
		return err
	}
	return rapport.Errorf(rapport.EUNAUTHORIZED, "Wrong email or password.")
}

// startSession makes a new session with a fresh token: a new one at every
// sign-in, so a token planted before sign-in is worth nothing after it.
func (s *Accounts) startSession(ctx context.Context, memberID int64, ip, userAgent string) (string, *rapport.Session, error) {
	token, hash := newSecret(sessionPrefix)
	now := s.now()
	sess := &rapport.Session{MemberID: memberID, CreatedAt: now, LastSeenAt: now, IP: ip, UserAgent: truncate(userAgent, 300)}
	if err := s.db.CreateSession(ctx, sess, hash); err != nil {
		return "", nil, err
	}
	return token, sess, nil
}

// touchEvery is how stale a last-use time may be before a request refreshes
// it: often enough for idle expiry and the sessions page, seldom enough not
// to turn every read into a write. A refresh that cannot be written (the
// disk is full) is logged and the request served all the same: the time is
// a hint, not worth refusing every signed-in read for.
const touchEvery = time.Minute

// Authenticate returns the caller a session or personal access token stands
// for. Returns EUNAUTHORIZED for a token that is unknown, expired or revoked,
// or whose member is suspended.
func (s *Accounts) Authenticate(ctx context.Context, token string) (rapport.Caller, error) {
	unauthorized := rapport.Errorf(rapport.EUNAUTHORIZED, "Your session has ended. Sign in again.")
	now := s.now()
	var c rapport.Caller
	var m *rapport.Member
	switch {
	case strings.HasPrefix(token, sessionPrefix):
		sess, err := s.db.FindSessionByTokenHash(ctx, hashSecret(token))
		if rapport.ErrorCode(err) == rapport.ENOTFOUND {
			return c, unauthorized
		} else if err != nil {
			return c, err
		}
		if now.Sub(sess.LastSeenAt) > s.cfg.SessionIdle || now.Sub(sess.CreatedAt) > s.cfg.SessionMax {
			if err := s.db.DeleteSession(ctx, sess.MemberID, sess.ID); err != nil && rapport.ErrorCode(err) != rapport.ENOTFOUND {
				return c, err
			}
			return c, unauthorized
		}
		if now.Sub(sess.LastSeenAt) > touchEvery {
			if err := s.db.TouchSession(ctx, sess.ID, now); err != nil {
				s.log.Error("touch session", "err", err)
			}
		}
		c.MemberID, c.SessionID, m = sess.MemberID, sess.ID, sess.Member
	case strings.HasPrefix(token, accessTokenPrefix):
		t, err := s.db.FindAccessTokenByHash(ctx, hashSecret(token))
		if rapport.ErrorCode(err) == rapport.ENOTFOUND {
			return c, unauthorized
		} else if err != nil {
			return c, err
		}
		if now.Sub(t.LastUsedAt) > touchEvery {
			if err := s.db.TouchAccessToken(ctx, t.ID, now); err != nil {
				s.log.Error("touch access token", "err", err)
			}
		}
		c.MemberID, c.TokenID, m = t.MemberID, t.ID, t.Member
	default:
		return c, unauthorized
	}
	if m.Status != rapport.StatusActive {
		return rapport.Caller{}, unauthorized
	}
	c.Handle = m.Handle
	return c, nil
}

// LogOut ends the caller's current session. A request made with a personal
// access token has no session to end: revoke the token instead.
// Returns EUNAUTHORIZED for an anonymous caller.
func (s *Accounts) LogOut(ctx context.Context) error {
	c, err := member(ctx)
	if err != nil {
		return err
	} else if c.SessionID == 0 {
		return rapport.Errorf(rapport.EBADREQUEST, "This request was not made with a session; revoke the access token instead.")
	}
	if err := s.db.DeleteSession(ctx, c.MemberID, c.SessionID); err != nil {
		return err
	}
	s.endSessionStreams(c.MemberID, c.SessionID)
	return nil
}

// LogOutEverywhere ends every session of the caller, this one included, and
// returns how many it ended. Personal access tokens stay until revoked.
func (s *Accounts) LogOutEverywhere(ctx context.Context) (int, error) {
	c, err := member(ctx)
	if err != nil {
		return 0, err
	}
	n, err := s.db.DeleteSessions(ctx, c.MemberID, 0)
	if err == nil {
		s.endSessionStreams(c.MemberID, 0)
	}
	return n, err
}

// Sessions lists the caller's sessions.
func (s *Accounts) Sessions(ctx context.Context) ([]*rapport.Session, error) {
	c, err := member(ctx)
	if err != nil {
		return nil, err
	}
	return s.db.FindSessions(ctx, c.MemberID)
}

// EndSession ends one of the caller's sessions. Returns ENOTFOUND when the
// caller has no session with this id, someone else's included.
func (s *Accounts) EndSession(ctx context.Context, id int64) error {
	c, err := member(ctx)
	if err != nil {
		return err
	}
	if err := s.db.DeleteSession(ctx, c.MemberID, id); err != nil {
		return err
	}
	s.endSessionStreams(c.MemberID, id)
	return nil
}

// ChangePassword sets a new password after checking the current one, and
// ends the caller's other sessions. Returns EUNAUTHORIZED naming
// current_password when it is wrong, EINVALID naming new_password when the
// new one breaks the policy.
func (s *Accounts) ChangePassword(ctx context.Context, current, next string) error {
	c, err := member(ctx)
	if err != nil {
		return err
	}
	m, err := s.confirmPassword(ctx, c, current, "current_password")
	if err != nil {
		return err
	}
	if err := password.Check(next, m.Handle, m.Email, m.DisplayName); err != nil {
		return renameField(err, "new_password")
	}
	hash, err := s.hash(ctx, next)
	if err != nil {
		return err
	}
	if err := s.db.UpdatePasswordHash(ctx, c.MemberID, hash, true, c.SessionID); err != nil {
		return err
	}
	s.streams.end(c.MemberID, func(o rapport.Caller) bool { return o.SessionID != 0 && o.SessionID != c.SessionID })
	return nil
}

// ChangeEmail sets a new email address after checking the password.
// Returns EUNAUTHORIZED naming password when it is wrong, EINVALID or
// ECONFLICT naming email.
func (s *Accounts) ChangeEmail(ctx context.Context, pw, code, email string) error {
	c, err := member(ctx)
	if err != nil {
		return err
	}
	email = strings.TrimSpace(email)
	if err := rapport.ValidateEmail(email); err != nil {
		return err
	}
	if _, err := s.confirmPassword(ctx, c, pw, "password"); err != nil {
		return err
	}
	// With two-factor sign-in on, the password alone does not move the
	// account to another address.
	if err := s.checkSecondFactor(ctx, c.MemberID, code); err != nil {
		return err
	}
	if err := s.db.UpdateEmail(ctx, c.MemberID, email, s.now()); err != nil {
		return err
	}
	s.profileChanged(ctx, c.MemberID)
	return nil
}

// confirmPassword checks the caller's password before a sensitive change.
// Wrong guesses count against the account like failed sign-ins, so that a
// stolen session cannot be used to guess the password without limit.
func (s *Accounts) confirmPassword(ctx context.Context, c rapport.Caller, pw, field string) (*rapport.Member, error) {
	m, err := s.db.FindMemberByID(ctx, c.MemberID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	keys := []string{"email:" + rapport.NormalizeEmail(m.Email)}
	if err := s.checkThrottle(ctx, keys, now); err != nil {
		return nil, err
	}
	hash, err := s.db.FindPasswordHash(ctx, c.MemberID)
	if err != nil {
		return nil, err
	}
	var ok bool
	if err := s.withHashSlot(ctx, func() { ok, _, err = password.Verify(pw, hash) }); err != nil {
		return nil, err
	} else if err != nil {
		return nil, err
	} else if !ok {
		if err := s.db.RecordLoginFailure(ctx, keys, now, now.Add(-s.cfg.LoginWindow)); err != nil {
			return nil, err
		}
		return nil, &rapport.Error{Code: rapport.EUNAUTHORIZED, Field: field, Message: "The password is wrong."}
	}
	return m, nil
}

// RequestPasswordReset mails a single-use reset link to the address if it
// belongs to an account. It answers the same whether or not it does, and
// sends in the background so that the time taken does not tell either.
// Returns EINVALID only for something that is not an email address.
func (s *Accounts) RequestPasswordReset(ctx context.Context, email string) error {
	email = strings.TrimSpace(email)
	if err := rapport.ValidateEmail(email); err != nil {
		return err
	}
	id, _, status, err := s.db.FindCredentials(ctx, email)
	if rapport.ErrorCode(err) == rapport.ENOTFOUND || (err == nil && status != rapport.StatusActive) {
		return nil
	} else if err != nil {
		return err
	}
	token, hash := newSecret(resetPrefix)
	now := s.now()
	if err := s.db.CreatePasswordReset(ctx, hash, id, now, now.Add(s.cfg.ResetTTL)); err != nil {
		return err
	}
	msg := mail.Message{
		To:      email,
		Subject: "Reset your Rapport password",
		Body: fmt.Sprintf("Someone asked to reset the password of the Rapport account for this address.\n\n"+
			"To choose a new password, open this link within %s:\n\n%s/password/reset/%s\n\n"+
			"If it was not you, ignore this message: your password stays as it is.\n",
			humanDuration(s.cfg.ResetTTL), strings.TrimRight(s.cfg.BaseURL, "/"), token),
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		if err := s.mail.Send(ctx, msg); err != nil {
			s.log.Error("send password reset", "member", id, "err", err)
		}
	}()
	return nil
}

// ResetPassword sets a new password with a reset token, which works once
// and within its time, and ends every session of the member. Returns
// ENOTFOUND naming token for a token that is unknown, used or expired, and
// EINVALID naming password when the new one breaks the policy.
func (s *Accounts) ResetPassword(ctx context.Context, token, pw string) error {
	badToken := &rapport.Error{Code: rapport.ENOTFOUND, Field: "token", Message: "This reset link is not valid any more. Ask for a new one."}
	if !strings.HasPrefix(token, resetPrefix) {
		return badToken
	}
	// The policy needs to know whose password this is; a failed lookup
	// answers exactly like a used link.
	memberID, err := s.db.FindPasswordResetMember(ctx, hashSecret(token), s.now())
	if rapport.ErrorCode(err) == rapport.ENOTFOUND {
		return badToken
	} else if err != nil {
		return err
	}
	m, err := s.db.FindMemberByID(ctx, memberID)
	if err != nil {
		return err
	}
	if err := password.Check(pw, m.Handle, m.Email, m.DisplayName); err != nil {
		return err
	}
	hash, err := s.hash(ctx, pw)
	if err != nil {
		return err
	}
	if _, err := s.db.ResetPassword(ctx, hashSecret(token), hash, s.now()); rapport.ErrorCode(err) == rapport.ENOTFOUND {
		return badToken
	} else if err != nil {
		return err
	}
	s.endSessionStreams(m.ID, 0)
	return s.db.ClearLoginFailures(ctx, "email:"+rapport.NormalizeEmail(m.Email))
}

// CreateAccessToken makes a named personal access token for the API and
// returns its secret, which is shown once and never stored.
func (s *Accounts) CreateAccessToken(ctx context.Context, name string) (string, *rapport.AccessToken, error) {
	c, err := member(ctx)
	if err != nil {
		return "", nil, err
	}
	name = strings.TrimSpace(name)
	if err := rapport.ValidateTokenName(name); err != nil {
		return "", nil, err
	}
	secret, hash := newSecret(accessTokenPrefix)
	t := &rapport.AccessToken{MemberID: c.MemberID, Name: name, CreatedAt: s.now()}
	if err := s.db.CreateAccessToken(ctx, t, hash); err != nil {
		return "", nil, err
	}
	return secret, t, nil
}

// AccessTokens lists the caller's personal access tokens with their last use.
func (s *Accounts) AccessTokens(ctx context.Context) ([]*rapport.AccessToken, error) {
	c, err := member(ctx)
	if err != nil {
		return nil, err
	}
	return s.db.FindAccessTokens(ctx, c.MemberID)
}

// RevokeAccessToken revokes one of the caller's tokens. Returns ENOTFOUND
// when the caller has no token with this id, someone else's included.
func (s *Accounts) RevokeAccessToken(ctx context.Context, id int64) error {
	c, err := member(ctx)
	if err != nil {
		return err
	}
	if err := s.db.DeleteAccessToken(ctx, c.MemberID, id); err != nil {
		return err
	}
	s.streams.end(c.MemberID, func(o rapport.Caller) bool { return o.TokenID == id })
	return nil
}

// hash computes a password hash within the bound on concurrent hashes.
func (s *Accounts) hash(ctx context.Context, pw string) (string, error) {
	var hash string
	var err error
	if slotErr := s.withHashSlot(ctx, func() { hash, err = password.Hash(pw, password.DefaultParams) }); slotErr != nil {
		return "", slotErr
	}
	return hash, err
}

// withHashSlot runs fn once one of the hashing slots is free. Each argon2id
// hash holds 19 MiB for tens of milliseconds, so a burst of sign-ins must
// queue rather than exhaust memory.
func (s *Accounts) withHashSlot(ctx context.Context, fn func()) error {
	select {
	case s.hashing <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.hashing }()
	fn()
	return nil
}

// renameField points a policy error at the form field it came from.
func renameField(err error, field string) error {
	if e, ok := err.(*rapport.Error); ok {
		copy := *e
		copy.Field = field
		return &copy
	}
	return err
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}

func humanDuration(d time.Duration) string {
	if d%time.Hour == 0 {
		if d == time.Hour {
			return "one hour"
		}
		return fmt.Sprintf("%d hours", d/time.Hour)
	}
	return fmt.Sprintf("%d minutes", d/time.Minute)
}
