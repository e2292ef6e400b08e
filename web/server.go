// Package web serves Rapport over HTTP: the HTML pages, the JSON API and its
// OpenAPI document, behind one route table that says who may call each route.
package web

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/service"
)

// Config holds the settings of the web layer.
type Config struct {
	BaseURL      string        // the site's public address; https makes cookies Secure
	MaxBodyBytes int64         // larger request bodies are answered 413
	SessionMax   time.Duration // how long the session cookie is kept by the browser
	TrustProxy   bool          // take the client address from X-Forwarded-For
	// StreamHeartbeat is how often a live stream sends a heartbeat and
	// checks that its session still stands (25 s when 0).
	StreamHeartbeat time.Duration
	// NoRateLimits turns the routes' rate limits (web/limits.go) off: for
	// load tests that play many members from one address, and for tests.
	NoRateLimits bool
	// MaxInFlight is how many requests are served at once (GOMAXPROCS, one
	// a core, when 0). One more waits up to QueueWait (10 ms when 0) for a
	// place (see admission for which waiter gets it), then is answered 503
	// with Retry-After: shedding what is too much at once keeps the time of
	// what is served, instead of queueing without bound. One a core kept
	// the p99 of what was served under twice the sustainable load nearest
	// the unloaded p99 (BENCHMARKS.md, "Mixed load and overload"); more at
	// once only wait for each other.
	MaxInFlight int
	QueueWait   time.Duration
}

// Pinger is the part of the store that /readyz asks.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Server is the HTTP handler of a Rapport site.
type Server struct {
	svc       *service.Services
	store     Pinger
	cfg       Config
	log       *slog.Logger
	pages     *pages
	metrics   *metrics
	limits    *limiters
	admission *admission // which requests are served now, wait or are shed
	routes    []route
	handler   http.Handler
}

// Access says who may call a route. It is declared once per route, in the
// route table, and checked before the handler runs.
type Access int

const (
	// Anyone may call the route, signed in or not.
	Anyone Access = iota
	// Member routes need a signed-in member, acting for their personal
	// account.
	Member
	// Seat routes need a signed-in member acting from a seat they hold:
	// the Rapport-Seat header on the API, the seat switched into (a
	// cookie) on pages. The service checks the seat at every request.
	Seat
	// Either routes need a signed-in member, acting for their personal
	// account or from a seat, as the request says (the header, or else the
	// cookie): the live stream of a page, which ends when its seat does.
	Either
	// Operator routes need a signed-in site operator, acting for their
	// personal account; to anyone else they do not exist (404).
	Operator
)

// route is one row of the route table.
type route struct {
	Method  string
	Pattern string
	Access  Access
	API     bool   // errors are JSON; otherwise an HTML page
	MaxBody int64  // the largest request body, when larger than the site's
	Limit   *limit // the route's rate limit, for costly or abusable routes
	// Always routes are served when the server is full: health checks and
	// metrics, the static files a page needs (from memory, costing next to
	// nothing), and the live streams, which last as long as their page.
	Always bool
	handle func(w http.ResponseWriter, r *http.Request) error
}

// NewServer builds the handler. It fails when a page template is missing or
// broken, so that a bad build does not start.
func NewServer(svc *service.Services, store Pinger, cfg Config, log *slog.Logger) (*Server, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if cfg.MaxInFlight == 0 {
		cfg.MaxInFlight = runtime.GOMAXPROCS(0)
	}
	if cfg.QueueWait == 0 {
		cfg.QueueWait = 10 * time.Millisecond
	}
	if cfg.StreamHeartbeat == 0 {
		cfg.StreamHeartbeat = 25 * time.Second
	}
	if cfg.SessionMax == 0 {
		cfg.SessionMax = 365 * 24 * time.Hour
	}
	s := &Server{svc: svc, store: store, cfg: cfg, log: log, metrics: newMetrics(), limits: newLimiters(),
		admission: newAdmission(cfg.MaxInFlight, cfg.QueueWait)}
	s.admission.observe = s.metrics.observeWait
	var err error
	if s.pages, err = loadPages(); err != nil {
		return nil, err
	}
	s.routes = s.routeTable()
	mux := http.NewServeMux()
	for _, rt := range s.routes {
		mux.Handle(rt.Method+" "+rt.Pattern, s.wrap(rt))
	}
	mux.Handle("/", s.wrap(route{Pattern: "unmatched", handle: s.handleNotFound}))
	s.handler = s.recoverer(s.securityHeaders(http.NewCrossOriginProtection().Handler(mux)))
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Metrics returns the handler of /metrics, for serving on another address.
func (s *Server) Metrics() http.Handler { return s.metrics.handler() }

// wrap applies what every route needs, in order: metrics, the body limit,
// finding the caller, the route's access rule, and the handler.
func (s *Server) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		api := rt.API || strings.HasPrefix(r.URL.Path, "/api/")
		name := strings.TrimSpace(rt.Method + " " + rt.Pattern)
		defer func() {
			d := time.Since(start)
			s.metrics.observe(name, rec.status, d)
			// The route, not the path: a path can hold a secret, such as a
			// password-reset token.
			s.log.Info("request", "route", name, "status", rec.status, "duration_ms", float64(d.Microseconds())/1000)
		}()

		if !rt.Always {
			if !s.admission.enter(r.Context()) {
				rec.Header().Set("Retry-After", "1")
				s.fail(rec, r, api, rapport.Errorf(rapport.EUNAVAILABLE, "The site is busy; try again in a moment."))
				return
			}
			defer s.admission.leave()
		}
		r.Body = http.MaxBytesReader(rec, r.Body, max(s.cfg.MaxBodyBytes, rt.MaxBody))
		caller, err := s.authenticate(rec, r, api)
		if err != nil {
			s.fail(rec, r, api, err)
			return
		}
		if caller.SeatID, err = s.seatOf(r, rt, api); err != nil {
			s.fail(rec, r, api, err)
			return
		}
		if err := s.checkLimit(r, rt, caller); err != nil {
			s.fail(rec, r, api, err)
			return
		}
		r = r.WithContext(rapport.NewContextWithCaller(r.Context(), caller))
		if rt.Access != Anyone && caller.Anonymous() {
			if api {
				s.fail(rec, r, api, rapport.Errorf(rapport.EUNAUTHORIZED, "Sign in first."))
			} else {
				http.Redirect(rec, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			}
			return
		}
		if rt.Access == Operator {
			if ok, err := s.svc.Moderation.IsOperator(r.Context()); err != nil || !ok {
				s.fail(rec, r, api, cmp.Or(err, error(rapport.Errorf(rapport.ENOTFOUND, "Not found."))))
				return
			}
		}
		if err := rt.handle(rec, r); err != nil {
			s.fail(rec, r, api, err)
		}
	})
}

// authenticate finds the caller from a bearer token (API only) or the session
// cookie. A bearer token that does not work is an error; a stale cookie is
// dropped and the request goes on as anonymous.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, api bool) (rapport.Caller, error) {
	if h := r.Header.Get("Authorization"); h != "" && api {
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return rapport.Caller{}, rapport.Errorf(rapport.EUNAUTHORIZED, "Use an Authorization header of the form: Bearer <token>.")
		}
		return s.svc.Accounts.Authenticate(r.Context(), strings.TrimSpace(token))
	}
	cookie, err := r.Cookie(s.cookieName())
	if err != nil || cookie.Value == "" {
		return rapport.Caller{}, nil
	}
	c, err := s.svc.Accounts.Authenticate(r.Context(), cookie.Value)
	if rapport.ErrorCode(err) == rapport.EUNAUTHORIZED {
		s.clearSessionCookie(w)
		return rapport.Caller{}, nil
	}
	return c, err
}

// seatOf returns the seat a request to a seat route acts from. A request
// to any other route acts for the personal account, and one that names a
// seat is refused rather than served in the wrong context.
func (s *Server) seatOf(r *http.Request, rt route, api bool) (int64, error) {
	v := ""
	if api {
		v = r.Header.Get(seatHeader)
	}
	if v == "" && (rt.Access == Either || (rt.Access == Seat && !api)) {
		if c, err := r.Cookie(seatCookie); err == nil {
			v = c.Value
		}
	}
	if v == "" {
		return 0, nil
	} else if rt.Access != Seat && rt.Access != Either {
		return 0, &rapport.Error{Code: rapport.EBADREQUEST, Field: seatHeader,
			Message: "This route acts for your personal account: send it without the " + seatHeader + " header."}
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, &rapport.Error{Code: rapport.EBADREQUEST, Field: seatHeader, Message: "Give the seat's id as a number."}
	}
	return id, nil
}

// statusOf is the one table from error kinds to HTTP statuses.
var statusOf = map[string]int{
	rapport.EINVALID:      http.StatusUnprocessableEntity,
	rapport.EBADREQUEST:   http.StatusBadRequest,
	rapport.ENOTFOUND:     http.StatusNotFound,
	rapport.ECONFLICT:     http.StatusConflict,
	rapport.EUNAUTHORIZED: http.StatusUnauthorized,
	rapport.EFORBIDDEN:    http.StatusForbidden,
	rapport.ERATELIMITED:  http.StatusTooManyRequests,
	rapport.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	rapport.EUNSUPPORTED:  http.StatusUnsupportedMediaType,
	rapport.EINTERNAL:     http.StatusInternalServerError,
	rapport.EUNAVAILABLE:  http.StatusServiceUnavailable,
}

// fail answers with an error: JSON for the API, a page otherwise. Internal
// errors are logged and shown only as "internal error".
func (s *Server) fail(w http.ResponseWriter, r *http.Request, api bool, err error) {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		err = rapport.Errorf(rapport.ETOOLARGE, "The request body is larger than %d bytes.", tooLarge.Limit)
	}
	code := rapport.ErrorCode(err)
	if code == rapport.EINTERNAL {
		if errors.Is(err, context.Canceled) {
			return // the client went away; there is no one to answer
		}
		s.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	status := statusOf[code]
	var e *rapport.Error
	if errors.As(err, &e) && e.RetryAfter > 0 {
		w.Header().Set("Retry-After", retryAfterSeconds(e.RetryAfter))
	}
	if api {
		writeJSON(w, status, errorResponse{Error: errorBody{Code: code, Message: rapport.ErrorMessage(err), Field: rapport.ErrorField(err)}})
		return
	}
	s.renderError(w, r, status, rapport.ErrorMessage(err))
}

func retryAfterSeconds(d time.Duration) string {
	secs := int64((d + time.Second - 1) / time.Second)
	return strconv.FormatInt(secs, 10)
}

// clientIP is the address failed sign-ins are counted against.
func (s *Server) clientIP(r *http.Request) string {
	if s.cfg.TrustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			first, _, _ := strings.Cut(xff, ",")
			return strings.TrimSpace(first)
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// secure reports whether the site is served over https.
func (s *Server) secure() bool { return strings.HasPrefix(s.cfg.BaseURL, "https://") }

// cookieName is the session cookie's name: with the __Host- prefix over
// https, which binds it to this host and path / and requires Secure.
func (s *Server) cookieName() string {
	if s.secure() {
		return "__Host-rapport_session"
	}
	return "rapport_session"
}

func (s *Server) setSessionCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{
		Name: s.cookieName(), Value: token, Path: "/", MaxAge: int(s.cfg.SessionMax / time.Second),
		HttpOnly: true, Secure: s.secure(), SameSite: http.SameSiteLaxMode,
	})
}

// clearSessionCookie signs the browser out, and out of any seat it had
// switched into.
func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{
		Name: s.cookieName(), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secure(), SameSite: http.SameSiteLaxMode,
	})
	s.clearSeatCookie(w)
}

// securityHeaders sets the headers every answer carries. The policy allows
// no inline script and nothing from other sites.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if s.secure() {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// recoverer turns a panic in a handler into a logged 500.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// statusRecorder remembers the status a handler wrote, for metrics.
type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusRecorder) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) error {
	return rapport.Errorf(rapport.ENOTFOUND, "There is nothing at this address.")
}

// RouteInfo describes one route of the table, for tests and documentation.
type RouteInfo struct {
	Method  string
	Pattern string
	Access  Access
	API     bool
}

// Routes lists the route table.
func (s *Server) Routes() []RouteInfo {
	out := make([]RouteInfo, len(s.routes))
	for i, rt := range s.routes {
		out[i] = RouteInfo{Method: rt.Method, Pattern: rt.Pattern, Access: rt.Access, API: rt.API}
	}
	return out
}
