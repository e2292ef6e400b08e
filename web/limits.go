package web

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/rapportnet/rapport"
)

// limit is a rate limit a route declares in the route table: so many
// requests a caller (the member, or the network address of an anonymous
// visitor) in a period, with a burst. The limits are kept in each
// process's memory: a site of several processes allows each caller that
// many in each.
type limit struct {
	name   string
	every  time.Duration // one request more is allowed each every
	burst  int
	byAddr bool // count by network address even for a signed-in caller
}

// The limits of the costly or abusable routes. Sign-in failures have
// their own throttle in the store (service/accounts.go), invitations a
// weekly limit and InMail monthly credits in the service; these bound the
// rate of everything else a script could hammer.
var (
	// Sign-ups and logins are counted by address: generously, since a
	// whole office or a members' event may share one.
	limitSignUp   = &limit{name: "sign-up", every: time.Minute, burst: 20, byAddr: true}   // 60 an hour
	limitLogIn    = &limit{name: "login", every: time.Second, burst: 60, byAddr: true}     // 60 a minute
	limitReset    = &limit{name: "reset", every: 12 * time.Minute, burst: 3, byAddr: true} // 5 an hour
	limitInvite   = &limit{name: "invitations", every: 3 * time.Second, burst: 20}         // 20 a minute
	limitMessage  = &limit{name: "messages", every: time.Second, burst: 30}                // 60 a minute
	limitSearch   = &limit{name: "search", every: 50 * time.Millisecond, burst: 100}       // 20 a second
	limitExport   = &limit{name: "exports", every: time.Hour, burst: 3}                    // 3, then 1 an hour
	limitImport   = &limit{name: "imports", every: 5 * time.Minute, burst: 5}              // 12 an hour
	limitWrite    = &limit{name: "writes", every: 500 * time.Millisecond, burst: 60}       // posts, comments, contacts
	limitPassword = &limit{name: "password checks", every: 10 * time.Second, burst: 10}    // re-authentication
)

// limiters keeps a token bucket per limit and caller, forgetting those
// idle long enough to be full again.
type limiters struct {
	mu      sync.Mutex
	buckets map[limiterKey]*bucket
	swept   time.Time
}

type limiterKey struct {
	limit  *limit
	caller string
}

type bucket struct {
	*rate.Limiter
	last time.Time
}

func newLimiters() *limiters { return &limiters{buckets: map[limiterKey]*bucket{}} }

// allow takes a request from the caller's bucket, or says how long to
// wait for one.
func (ls *limiters) allow(l *limit, caller string, now time.Time) (bool, time.Duration) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if now.Sub(ls.swept) > time.Minute {
		for k, b := range ls.buckets {
			// A bucket idle long enough to have refilled is as good as new.
			if now.Sub(b.last) > k.limit.every*time.Duration(k.limit.burst) {
				delete(ls.buckets, k)
			}
		}
		ls.swept = now
	}
	k := limiterKey{l, caller}
	b := ls.buckets[k]
	if b == nil {
		b = &bucket{Limiter: rate.NewLimiter(rate.Every(l.every), l.burst)}
		ls.buckets[k] = b
	}
	b.last = now
	r := b.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// checkLimit answers ERATELIMITED, with the time to wait, when the caller
// has used the route's limit up.
func (s *Server) checkLimit(r *http.Request, rt route, c rapport.Caller) error {
	if rt.Limit == nil || s.cfg.NoRateLimits {
		return nil
	}
	caller := "addr:" + s.clientIP(r)
	if !c.Anonymous() && !rt.Limit.byAddr {
		caller = "member:" + strconv.FormatInt(c.MemberID, 10)
	}
	ok, wait := s.limits.allow(rt.Limit, caller, time.Now())
	if ok {
		return nil
	}
	return &rapport.Error{Code: rapport.ERATELIMITED, RetryAfter: wait,
		Message: "Too many requests of this kind (" + rt.Limit.name + "); try again in a moment."}
}
