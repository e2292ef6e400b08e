package web_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/rapportnet/rapport/web"
)

func TestReadyz(t *testing.T) {
	site := newTestSite(t)
	if r := newBrowser(t, site).get("/readyz"); r.Status != 200 {
		t.Fatalf("readyz with the store up: %d", r.Status)
	}
	site.DB.Close()
	if r := newBrowser(t, site).get("/readyz"); r.Status != http.StatusServiceUnavailable {
		t.Fatalf("readyz with the store closed: %d", r.Status)
	}
	if r := newBrowser(t, site).get("/healthz"); r.Status != 200 {
		t.Fatalf("healthz with the store closed: %d", r.Status)
	}
}

func TestThrottleByAddress(t *testing.T) {
	site := newTestSite(t)
	site.signUp("ada")
	// 30 failures from one address, each for another account, so that no
	// account reaches its own limit.
	for i := 0; i < 30; i++ {
		r := site.api("POST", "/api/v1/sessions", "", map[string]string{"email": fmt.Sprintf("guess%d@example.com", i), "password": "not-the-password-at-all"})
		if r.Status != 401 {
			t.Fatalf("attempt %d: %d", i+1, r.Status)
		}
	}
	r := site.api("POST", "/api/v1/sessions", "", map[string]string{"email": "ada@example.com", "password": testPassword})
	if r.Status != 429 || r.Header.Get("Retry-After") == "" {
		t.Fatalf("after 30 failures from this address: %d %s", r.Status, r.Body)
	}
}

// TestHTTPSCookie checks the session cookie of a site served over https:
// Secure, HttpOnly, SameSite=Lax and the __Host- prefix.
func TestHTTPSCookie(t *testing.T) {
	site := newTestSite(t)
	site.signUp("ada")
	srv, err := web.NewServer(site.Svc, site.DB, web.Config{BaseURL: "https://rapport.example"}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"email": {"ada@example.com"}, "password": {testPassword}}
	req := httptest.NewRequest("POST", "https://rapport.example/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("log in: %d %s", rec.Code, rec.Body)
	}
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 {
		t.Fatalf("cookies = %v", cookies)
	}
	c := cookies[0]
	if c.Name != "__Host-rapport_session" || !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Domain != "" {
		t.Fatalf("cookie = %+v", c)
	}
	if !strings.HasPrefix(c.Value, "rps_") {
		t.Fatalf("cookie value = %q", c.Value)
	}
	if rec.Header().Get("Strict-Transport-Security") == "" {
		t.Fatal("no Strict-Transport-Security over https")
	}
}
