package web_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// browser is a cookie-keeping HTTP client for the HTML pages; it does not
// follow redirects, so tests see each answer.
type browser struct {
	t      *testing.T
	site   *testSite
	client *http.Client
}

func newBrowser(t *testing.T, site *testSite) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, site: site, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

func (b *browser) get(path string) *response {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.site.URL+path, nil)
	return b.send(req)
}

func (b *browser) post(path string, form url.Values, header ...string) *response {
	b.t.Helper()
	req, _ := http.NewRequest("POST", b.site.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return b.send(req)
}

func (b *browser) send(req *http.Request) *response {
	b.t.Helper()
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	buf := new(strings.Builder)
	if _, err := io.Copy(buf, resp.Body); err != nil {
		b.t.Fatal(err)
	}
	return &response{Status: resp.StatusCode, Header: resp.Header, Body: []byte(buf.String())}
}

func wantStatus(t *testing.T, r *response, status int) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status = %d, want %d\n%.2000s", r.Status, status, r.Body)
	}
}

func wantRedirect(t *testing.T, r *response, prefix string) {
	t.Helper()
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), prefix) {
		t.Fatalf("answer = %d to %q, want 303 to %s\n%.1000s", r.Status, r.Header.Get("Location"), prefix, r.Body)
	}
}

func wantBody(t *testing.T, r *response, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(string(r.Body), p) {
			t.Fatalf("the page lacks %q\n%.3000s", p, r.Body)
		}
	}
}

func TestPagesSignUpToPublicProfile(t *testing.T) {
	site := newTestSite(t)
	ada := newBrowser(t, site)
	wantStatus(t, ada.get("/signup"), 200)

	form := url.Values{"email": {"ada@example.com"}, "handle": {"ada"}, "display_name": {"Ada Lovelace"}, "password": {"password123"}}
	r := ada.post("/signup", form)
	wantStatus(t, r, 422)
	// The reason is beside the password field, and what was typed is kept
	// (but the password is not).
	wantBody(t, r, `id="password-error"`, "among the most common", `aria-invalid="true"`, `value="ada@example.com"`)
	if strings.Contains(string(r.Body), "password123") {
		t.Fatal("the refused password is echoed in the page")
	}

	form.Set("password", testPassword)
	wantRedirect(t, ada.post("/signup", form), "/me/edit")
	wantBody(t, ada.get("/me/edit"), "Edit your profile")

	wantRedirect(t, ada.post("/logout", nil), "/")
	wantRedirect(t, ada.get("/me/edit"), "/login")

	r = ada.post("/login", url.Values{"email": {"ada@example.com"}, "password": {"wrong-password-here"}, "next": {"/me/edit"}})
	wantStatus(t, r, 401)
	wantBody(t, r, "Wrong email or password.")
	wantRedirect(t, ada.post("/login", url.Values{"email": {"ada@example.com"}, "password": {testPassword}, "next": {"/me/edit"}}), "/me/edit")

	// Errors come in the order of the form: the organization before the
	// missing dates, the missing end once the rest is right.
	r = ada.post("/me/positions", url.Values{"title": {"Analyst"}})
	wantStatus(t, r, 422)
	wantBody(t, r, `id="organization_name-error"`, `value="Analyst"`)
	r = ada.post("/me/positions", url.Values{"title": {"Analyst"}, "organization_name": {"Acme"}, "start": {"2021-03"}})
	wantStatus(t, r, 422)
	wantBody(t, r, `id="end-error"`)
	wantRedirect(t, ada.post("/me/positions", url.Values{"title": {"Analyst"}, "organization_name": {"Acme"}, "start": {"2021-03"}, "current": {"on"}}), "/me/edit")

	bob := newBrowser(t, site)
	wantRedirect(t, bob.post("/signup", url.Values{"email": {"bob@example.com"}, "handle": {"bob"}, "display_name": {"Bob"}, "password": {testPassword}}), "/me/edit")
	r = bob.get("/in/ada")
	wantStatus(t, r, 200)
	wantBody(t, r, "Ada Lovelace", "Analyst", "Acme", "Mar 2021 – Present")
	if strings.Contains(string(r.Body), "Edit profile</a></p>") {
		t.Fatal("bob is offered to edit ada's profile")
	}
}

func TestPagesMembersOnlyProfile(t *testing.T) {
	site := newTestSite(t)
	ada := newBrowser(t, site)
	wantRedirect(t, ada.post("/signup", url.Values{"email": {"ada@example.com"}, "handle": {"ada"}, "display_name": {"Ada"}, "password": {testPassword}}), "/me/edit")
	wantRedirect(t, ada.post("/me/profile", url.Values{"display_name": {"Ada"}, "headline": {"<script>alert(1)</script>"}, "visibility": {"members"}}), "/me/edit")

	anon := newBrowser(t, site)
	r := anon.get("/in/ada")
	wantStatus(t, r, 401)
	wantBody(t, r, "Sign in to see this profile", `href="/login?next=%2fin%2fada"`)
	if strings.Contains(string(r.Body), "alert(1)") {
		t.Fatal("the locked page shows the profile's headline")
	}

	r = ada.get("/in/ada")
	wantStatus(t, r, 200)
	wantBody(t, r, "&lt;script&gt;alert(1)&lt;/script&gt;")
	if strings.Contains(string(r.Body), "<script>alert(1)") {
		t.Fatal("user text is rendered as HTML")
	}
}

func TestPagesSecurityHeaders(t *testing.T) {
	site := newTestSite(t)
	for _, path := range []string{"/", "/login", "/api/v1/me", "/nowhere"} {
		r := newBrowser(t, site).get(path)
		csp := r.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: Content-Security-Policy = %q", path, csp)
		}
		if r.Header.Get("X-Content-Type-Options") != "nosniff" || r.Header.Get("Referrer-Policy") == "" {
			t.Errorf("%s: headers = %v", path, r.Header)
		}
	}
	if r := newBrowser(t, site).get("/"); strings.Contains(string(r.Body), "<script>") || strings.Contains(string(r.Body), "http://") && strings.Contains(string(r.Body), "src=\"http") {
		t.Error("the home page loads a script or something from another site")
	}
}

func TestPagesCrossOriginPostRefused(t *testing.T) {
	site := newTestSite(t)
	ada := newBrowser(t, site)
	wantRedirect(t, ada.post("/signup", url.Values{"email": {"ada@example.com"}, "handle": {"ada"}, "display_name": {"Ada"}, "password": {testPassword}}), "/me/edit")
	newPassword := "amber-lighthouse-whistles-at-dawn"
	form := url.Values{"current_password": {testPassword}, "new_password": {newPassword}}
	for _, header := range [][]string{
		{"Sec-Fetch-Site", "cross-site"},
		{"Origin", "https://evil.example"},
	} {
		if r := ada.post("/settings/password", form, header...); r.Status != http.StatusForbidden {
			t.Fatalf("cross-origin POST with %s: %d", header, r.Status)
		}
	}
	// The password is unchanged: the old one still signs in.
	if r := site.api("POST", "/api/v1/sessions", "", map[string]string{"email": "ada@example.com", "password": testPassword}); r.Status != 201 {
		t.Fatalf("old password after refused cross-origin change: %d", r.Status)
	}
	// The same request from the site itself goes through.
	wantRedirect(t, ada.post("/settings/password", form, "Sec-Fetch-Site", "same-origin"), "/settings")
}

func TestPagesNoStateChangeOnGet(t *testing.T) {
	site := newTestSite(t)
	ada := newBrowser(t, site)
	wantRedirect(t, ada.post("/signup", url.Values{"email": {"ada@example.com"}, "handle": {"ada"}, "display_name": {"Ada"}, "password": {testPassword}}), "/me/edit")
	for _, path := range []string{"/logout", "/settings/sessions/logout-all", "/me/profile", "/me/skills"} {
		if r := ada.get(path); r.Status != http.StatusNotFound && r.Status != http.StatusMethodNotAllowed {
			t.Errorf("GET %s = %d, want 404 or 405", path, r.Status)
		}
	}
	// Still signed in: GET /logout did not log out.
	wantStatus(t, ada.get("/settings"), 200)
}

func TestPagesSettings(t *testing.T) {
	site := newTestSite(t)
	ada := newBrowser(t, site)
	wantRedirect(t, ada.post("/signup", url.Values{"email": {"ada@example.com"}, "handle": {"ada"}, "display_name": {"Ada"}, "password": {testPassword}}), "/me/edit")

	r := ada.post("/settings/password", url.Values{"current_password": {"not-my-password"}, "new_password": {"amber-lighthouse-whistles-at-dawn"}})
	wantStatus(t, r, 401)
	wantBody(t, r, `id="current_password-error"`)

	r = ada.post("/settings/tokens", url.Values{"name": {"backup"}})
	wantStatus(t, r, 200)
	wantBody(t, r, "it will not be shown again", "rpat_")
	r = ada.get("/settings")
	wantBody(t, r, "backup", "never used", "This device")
	if strings.Contains(string(r.Body), "rpat_") {
		t.Fatal("the token is shown a second time")
	}
}

func TestPagesInviteWithPosition(t *testing.T) {
	site := newTestSite(t)
	ada := newBrowser(t, site)
	wantRedirect(t, ada.post("/signup", url.Values{"email": {"ada@example.com"}, "handle": {"ada"}, "display_name": {"Ada"}, "password": {testPassword}}), "/me/edit")
	wantRedirect(t, ada.post("/me/positions", url.Values{"title": {"Analyst"}, "organization_name": {"Acme"}, "start": {"2021-03"}, "current": {"on"}}), "/me/edit")
	site.signUp("bob")
	r := ada.get("/network/invite/bob")
	wantStatus(t, r, 200)
	wantBody(t, r, "where you worked together", "Analyst, Acme")
	m := regexp.MustCompile(`<option value="(\d+)">Analyst, Acme`).FindStringSubmatch(string(r.Body))
	if m == nil {
		t.Fatalf("no position to choose:\n%s", r.Body)
	}
	// A position goes with colleagues only: the refusal is shown on the form.
	r = ada.post("/network/invitations", url.Values{"to": {"bob"}, "how_met": {"friend"}, "position_id": {m[1]}})
	wantStatus(t, r, 422)
	wantBody(t, r, `id="position_id-error"`)
	wantRedirect(t, ada.post("/network/invitations", url.Values{"to": {"bob"}, "how_met": {"colleague"}, "position_id": {m[1]}}), "/network")
	if r := site.api("GET", "/api/v1/invitations/received", site.logIn("bob"), nil); !strings.Contains(string(r.Body), `"position_id":`+m[1]) {
		t.Fatalf("bob's invitation: %s", r.Body)
	}
}
