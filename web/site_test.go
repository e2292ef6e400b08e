package web_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rapportnet/rapport/internal/pgtest"
	"github.com/rapportnet/rapport/internal/storetest"
	"github.com/rapportnet/rapport/mail"
	"github.com/rapportnet/rapport/service"
	"github.com/rapportnet/rapport/store"
	"github.com/rapportnet/rapport/web"
)

// testSite is a whole site on a real SQLite file, served by httptest on
// loopback. Every API request made through it, and its answer, is checked
// against the OpenAPI document.
type testSite struct {
	t        testing.TB
	URL      string
	DB       *store.DB
	Svc      *service.Services
	Server   *web.Server
	Outbox   string // the folder mail is written to
	http     *httptest.Server
	checkAPI bool
}

// newTestSite starts a site. It is closed when the test ends.
func newTestSite(t testing.TB) *testSite {
	t.Helper()
	dir := t.TempDir()
	return newTestSiteOn(t, filepath.Join(dir, "rapport.db"), dir)
}

// newTestSiteOn starts a site on the given database address. The site
// runs without rate limits unless configure turns them back on.
func newTestSiteOn(t testing.TB, dsn, dir string, configure ...func(*web.Config)) *testSite {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t, dsn) // closed last, after the server
	outbox := filepath.Join(dir, "outbox")
	sender, err := mail.New("", "Rapport <no-reply@localhost>", outbox)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(nil)
	base := "http://" + ts.Listener.Addr().String()
	cfg := service.DefaultConfig()
	cfg.BaseURL = base
	cfg.SecretKey = make([]byte, service.SecretKeySize)
	rand.Read(cfg.SecretKey)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	g, err := service.BuildGraph(ctx, db, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := service.BuildSearch(ctx, db, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	orgs, err := service.BuildOrganizations(ctx, db, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	timelines, err := service.BuildTimelines(ctx, db, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	svc := service.New(db, service.Indexes{Graph: g, Search: ix, Organizations: orgs, Timelines: timelines}, sender, cfg, log)
	// Tests send many requests at once (parallel subtests): they are not
	// shed unless a test asks for it (shed_test.go), whatever the cores.
	webCfg := web.Config{BaseURL: base, StreamHeartbeat: 50 * time.Millisecond, NoRateLimits: true, MaxInFlight: 256}
	for _, f := range configure {
		f(&webCfg)
	}
	srv, err := web.NewServer(svc, db, webCfg, log)
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = srv
	ts.Start()
	site := &testSite{t: t, URL: base, DB: db, Svc: svc, Server: srv, Outbox: outbox, http: ts, checkAPI: true}
	t.Cleanup(ts.Close)
	// Cleanups run last first: the follower stops before the store closes.
	follow, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { svc.FollowChanges(follow, 20*time.Millisecond); close(done) }()
	t.Cleanup(func() { stop(); <-done })
	return site
}

// response is an answer read whole.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test when it is not JSON.
func (r *response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// ErrorField returns the field named by an error answer.
func (r *response) ErrorField(t testing.TB) string {
	t.Helper()
	var e struct {
		Error struct{ Code, Message, Field string } `json:"error"`
	}
	r.JSON(t, &e)
	if e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("not an error answer: %s", r.Body)
	}
	return e.Error.Field
}

// api sends a JSON request with an optional bearer token. A body that is a
// string or []byte is sent as it is; anything else is encoded as JSON.
func (s *testSite) api(method, path, token string, body any) *response {
	s.t.Helper()
	return s.request(method, path, token, 0, body)
}

// request is api acting from a seat (the Rapport-Seat header) when seat is
// not 0.
func (s *testSite) request(method, path, token string, seat int64, body any) *response {
	s.t.Helper()
	var raw []byte
	switch b := body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	case []byte:
		raw = b
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			s.t.Fatal(err)
		}
	}
	req, err := http.NewRequest(method, s.URL+path, bytes.NewReader(raw))
	if err != nil {
		s.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if seat != 0 {
		req.Header.Set("Rapport-Seat", strconv.FormatInt(seat, 10))
	}
	return s.do(req, raw)
}

// do sends a request and reads the answer whole, checking API requests and
// answers against the OpenAPI document.
func (s *testSite) do(req *http.Request, reqBody []byte) *response {
	s.t.Helper()
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	if s.checkAPI && strings.HasPrefix(req.URL.Path, "/api/v1/") {
		checkOpenAPI(s.t, req, reqBody, resp, body)
	}
	return &response{Status: resp.StatusCode, Header: resp.Header, Body: body}
}

// signUp makes an account through the API and returns its handle.
func (s *testSite) signUp(handle string) string {
	s.t.Helper()
	r := s.api("POST", "/api/v1/accounts", "", map[string]string{
		"email": handle + "@example.com", "handle": handle, "display_name": strings.ToUpper(handle[:1]) + handle[1:] + " Example",
		"password": testPassword,
	})
	if r.Status != http.StatusCreated {
		s.t.Fatalf("sign up %s: %d %s", handle, r.Status, r.Body)
	}
	return handle
}

// logIn signs in through the API and returns the session token.
func (s *testSite) logIn(handle string) string {
	s.t.Helper()
	r := s.api("POST", "/api/v1/sessions", "", map[string]string{"email": handle + "@example.com", "password": testPassword})
	if r.Status != http.StatusCreated {
		s.t.Fatalf("log in %s: %d %s", handle, r.Status, r.Body)
	}
	var out struct{ Token string }
	r.JSON(s.t, &out)
	return out.Token
}

// member signs up and in, returning the session token.
func (s *testSite) member(handle string) string {
	s.t.Helper()
	return s.logIn(s.signUp(handle))
}

// testPassword passes the password policy for every test handle.
const testPassword = "violet-harbour-quietly-87-lanterns"

func strconvFormat(n int64) string { return strconv.FormatInt(n, 10) }

// with returns the site as seen from another test, such as a parallel
// subtest, so that its failures are reported there.
func (s *testSite) with(t testing.TB) *testSite {
	c := *s
	c.t = t
	return &c
}

func TestMain(m *testing.M) { pgtest.Main(m) }
