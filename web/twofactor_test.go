package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

func logInWith(site *testSite, handle, code string) *response {
	return site.api("POST", "/api/v1/sessions", "", map[string]string{"email": handle + "@example.com", "password": testPassword, "code": code})
}

// TestTwoFactorSignIn sets up TOTP (RFC 6238: 30-second steps, a step of
// skew, each code once) with recovery codes, requires it at login and to
// change the email address, and turns it off with the password and a code.
func TestTwoFactorSignIn(t *testing.T) {
	site := newTestSite(t)
	ada := quickMember(t, site, "ada")
	base := time.Now().Truncate(30 * time.Second).Add(10 * time.Second)
	at := func(d time.Duration) time.Time { return base.Add(d) }
	site.Svc.SetClock(func() time.Time { return base })
	codeAt := func(secret string, d time.Duration) string {
		t.Helper()
		c, err := totp.GenerateCode(secret, at(d))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}

	if r := site.api("POST", "/api/v1/me/two-factor/setup", ada, map[string]string{"password": "wrong"}); r.Status != 401 || r.ErrorField(t) != "password" {
		t.Errorf("setup with a wrong password: %d %s", r.Status, r.Body)
	}
	var setup struct {
		Secret string
		URL    string `json:"otpauth_url"`
	}
	mustAPI(t, site, "POST", "/api/v1/me/two-factor/setup", ada, map[string]string{"password": testPassword}, 200).JSON(t, &setup)
	if setup.Secret == "" || !strings.HasPrefix(setup.URL, "otpauth://totp/") || !strings.Contains(setup.URL, "period=30") {
		t.Fatalf("setup: %+v", setup)
	}
	// Not required until enabled.
	mustAPI(t, site, "POST", "/api/v1/sessions", "", map[string]string{"email": "ada@example.com", "password": testPassword}, 201)
	if r := site.api("POST", "/api/v1/me/two-factor/enable", ada, map[string]string{"code": codeAt(setup.Secret, 90*time.Second)}); r.Status != 422 || r.ErrorField(t) != "code" {
		t.Errorf("enable with a code three steps ahead: %d %s", r.Status, r.Body)
	}
	var rec struct {
		Codes []string `json:"recovery_codes"`
	}
	mustAPI(t, site, "POST", "/api/v1/me/two-factor/enable", ada, map[string]string{"code": codeAt(setup.Secret, 0)}, 200).JSON(t, &rec)
	if len(rec.Codes) != 10 {
		t.Fatalf("recovery codes: %q", rec.Codes)
	}

	// Login now asks for a code, and takes each once.
	for _, c := range []struct {
		code   string
		status int
	}{
		{"", 401},
		{"123456", 401},
		{codeAt(setup.Secret, 0), 401}, // used to enable
		{codeAt(setup.Secret, 60*time.Second), 401},  // two steps ahead
		{codeAt(setup.Secret, 30*time.Second), 201},  // one step ahead: skew
		{codeAt(setup.Secret, 30*time.Second), 401},  // once only
		{codeAt(setup.Secret, -30*time.Second), 401}, // older than one used
	} {
		r := logInWith(site, "ada", c.code)
		if r.Status != c.status || (c.status == 401 && r.ErrorField(t) != "code") {
			t.Errorf("log in with code %q: %d %s, want %d", c.code, r.Status, r.Body, c.status)
		}
	}
	site.Svc.SetClock(func() time.Time { return at(60 * time.Second) })
	mustAPI(t, site, "POST", "/api/v1/sessions", "", map[string]string{"email": "ada@example.com", "password": testPassword, "code": codeAt(setup.Secret, 60*time.Second)}, 201)
	// A recovery code works once, whatever its case and dashes.
	rc := strings.ToUpper(strings.ReplaceAll(rec.Codes[3], "-", ""))
	if r := logInWith(site, "ada", rc); r.Status != 201 {
		t.Errorf("log in with a recovery code: %d %s", r.Status, r.Body)
	}
	if r := logInWith(site, "ada", rec.Codes[3]); r.Status != 401 {
		t.Errorf("a recovery code used twice: %d", r.Status)
	}
	var status struct {
		Enabled bool
		Left    int `json:"recovery_codes_left"`
	}
	mustAPI(t, site, "GET", "/api/v1/me/two-factor", ada, nil, 200).JSON(t, &status)
	if !status.Enabled || status.Left != 9 {
		t.Errorf("status: %+v", status)
	}

	// Changing the email address needs a code too.
	if r := site.api("PUT", "/api/v1/me/email", ada, map[string]string{"email": "ada@new.example", "password": testPassword}); r.Status != 401 || r.ErrorField(t) != "code" {
		t.Errorf("email change without a code: %d %s", r.Status, r.Body)
	}
	site.Svc.SetClock(func() time.Time { return at(90 * time.Second) })
	mustAPI(t, site, "PUT", "/api/v1/me/email", ada, map[string]string{"email": "ada@new.example", "password": testPassword, "code": codeAt(setup.Secret, 90*time.Second)}, 200)

	// Off, with the password and a code.
	if r := site.api("POST", "/api/v1/me/two-factor/disable", ada, map[string]string{"password": testPassword, "code": "000000"}); r.Status != 401 || r.ErrorField(t) != "code" {
		t.Errorf("turning off with a wrong code: %d %s", r.Status, r.Body)
	}
	mustAPI(t, site, "POST", "/api/v1/me/two-factor/disable", ada, map[string]string{"password": testPassword, "code": rec.Codes[0]}, 204)
	mustAPI(t, site, "POST", "/api/v1/sessions", "", map[string]string{"email": "ada@new.example", "password": testPassword}, 201)
}

// TestTwoFactorCodesAreThrottled: wrong codes count as failed sign-ins.
func TestTwoFactorCodesAreThrottled(t *testing.T) {
	site := newTestSite(t)
	ada := quickMember(t, site, "ada")
	var setup struct{ Secret string }
	mustAPI(t, site, "POST", "/api/v1/me/two-factor/setup", ada, map[string]string{"password": testPassword}, 200).JSON(t, &setup)
	code, _ := totp.GenerateCode(setup.Secret, time.Now())
	mustAPI(t, site, "POST", "/api/v1/me/two-factor/enable", ada, map[string]string{"code": code}, 200)
	for range 10 {
		logInWith(site, "ada", "999999")
	}
	if r := logInWith(site, "ada", "999999"); r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
		t.Errorf("the eleventh wrong code: %d %s", r.Status, r.Body)
	}
}

// TestTwoFactorPages sets it up from the settings, with the QR code, and
// logs in with a code on the login form.
func TestTwoFactorPages(t *testing.T) {
	site := newTestSite(t)
	site.signUp("ada")
	ada := logInBrowser(t, site, "ada")
	r := ada.post("/settings/two-factor/setup", url.Values{"password": {testPassword}})
	wantStatus(t, r, 200)
	wantBody(t, r, `<img src="data:image/png;base64,`, `id="twofactor-secret"`)
	body := string(r.Body)
	i := strings.Index(body, `id="twofactor-secret">`) + len(`id="twofactor-secret">`)
	secret := body[i : i+strings.Index(body[i:], "<")]
	r = ada.post("/settings/two-factor/enable", url.Values{"code": {"000000"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, `id="twofactor_code-error"`, `<img src="data:image/png;base64,`)
	code, _ := totp.GenerateCode(secret, time.Now())
	r = ada.post("/settings/two-factor/enable", url.Values{"code": {code}})
	wantStatus(t, r, 200)
	wantBody(t, r, "They are shown only now.", `<ul class="recovery-codes">`)

	other := newBrowser(t, site)
	r = other.post("/login", url.Values{"email": {"ada@example.com"}, "password": {testPassword}})
	wantStatus(t, r, http.StatusUnauthorized)
	wantBody(t, r, `id="code-error"`)
	next, _ := totp.GenerateCode(secret, time.Now().Add(30*time.Second))
	wantRedirect(t, other.post("/login", url.Values{"email": {"ada@example.com"}, "password": {testPassword}, "code": {next}}), "/")
}

// TestTwoFactorSecretIsSealed: the database holds the TOTP secret sealed
// with the site's key, bound to its member; a secret stored before the
// site had a key still works.
func TestTwoFactorSecretIsSealed(t *testing.T) {
	site := newTestSite(t)
	ada, bob := quickMember(t, site, "ada"), quickMember(t, site, "bob")
	var setup struct{ Secret string }
	mustAPI(t, site, "POST", "/api/v1/me/two-factor/setup", ada, map[string]string{"password": testPassword}, 200).JSON(t, &setup)
	ctx := context.Background()
	adaID, bobID := mustAuth(t, site, ada).MemberID, mustAuth(t, site, bob).MemberID
	stored, err := site.DB.FindTwoFactor(ctx, adaID)
	if err != nil || !strings.HasPrefix(stored.Secret, "v1:") || strings.Contains(stored.Secret, setup.Secret) {
		t.Fatalf("the stored secret %q (the app's is %q): %v", stored.Secret, setup.Secret, err)
	}
	code, _ := totp.GenerateCode(setup.Secret, time.Now())
	mustAPI(t, site, "POST", "/api/v1/me/two-factor/enable", ada, map[string]string{"code": code}, 200)

	// Ada's sealed secret copied into Bob's row does not open there.
	if err := site.DB.SetTwoFactorSecret(ctx, bobID, stored.Secret); err != nil {
		t.Fatal(err)
	}
	if r := site.api("POST", "/api/v1/me/two-factor/enable", bob, map[string]string{"code": code}); r.Status != 500 {
		t.Errorf("a secret moved to another member: %d %s", r.Status, r.Body)
	}
	// A secret stored in the clear, before the site had a key.
	const clear = "JBSWY3DPEHPK3PXP"
	if err := site.DB.SetTwoFactorSecret(ctx, bobID, clear); err != nil {
		t.Fatal(err)
	}
	clearCode, _ := totp.GenerateCode(clear, time.Now())
	mustAPI(t, site, "POST", "/api/v1/me/two-factor/enable", bob, map[string]string{"code": clearCode}, 200)
}
