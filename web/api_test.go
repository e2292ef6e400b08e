package web_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func countMembers(t *testing.T, site *testSite) int {
	t.Helper()
	n, err := site.DB.CountMembers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAPISignUp(t *testing.T) {
	site := newTestSite(t)
	site.signUp("ada")

	good := func() map[string]any {
		return map[string]any{"email": "bob@example.com", "handle": "bob", "display_name": "Bob", "password": testPassword}
	}
	with := func(k string, v any) map[string]any { b := good(); b[k] = v; return b }
	without := func(k string) map[string]any { b := good(); delete(b, k); return b }

	for _, tc := range []struct {
		name        string
		contentType string
		body        any
		status      int
		field       string
	}{
		{"CommonPassword", "", with("password", "password123"), 422, "password"},
		{"ShortPassword", "", with("password", "Zq8#vL1"), 422, "password"},
		{"PasswordWithHandle", "", with("password", "bob-marigold-orchestra-1977"), 422, "password"},
		{"PasswordWithSiteName", "", with("password", "my-rapport-marigold-orchestra"), 422, "password"},
		{"EmptyHandle", "", with("handle", ""), 422, "handle"},
		{"ShortHandle", "", with("handle", "bo"), 422, "handle"},
		{"LongHandle", "", with("handle", strings.Repeat("b", 31)), 422, "handle"},
		{"HandleWithUnderscore", "", with("handle", "bob_smith"), 422, "handle"},
		{"DuplicateHandleOtherCase", "", with("handle", "ADA"), 409, "handle"},
		{"DuplicateEmailOtherCase", "", with("email", "Ada@Example.com"), 409, "email"},
		{"MalformedEmail", "", with("email", "bob@"), 422, "email"},
		{"MissingEmail", "", without("email"), 422, "email"},
		{"EmptyDisplayName", "", with("display_name", "  "), 422, "display_name"},
		{"LongDisplayName", "", with("display_name", strings.Repeat("é", 101)), 422, "display_name"},
		{"WrongType", "", with("handle", 5), 400, "handle"},
		{"UnknownField", "", with("is_admin", true), 400, "is_admin"},
		{"MalformedJSON", "", `{"email": "bob@example.com",`, 400, ""},
		{"EmptyBody", "", "", 400, ""},
		{"TwoObjects", "", `{"handle":"bob"} {"handle":"bob"}`, 400, ""},
		{"WrongContentType", "text/plain", good(), 415, ""},
		{"TooLarge", "", `{"about":"` + strings.Repeat("x", 1<<20) + `"}`, 413, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := countMembers(t, site)
			var r *response
			if tc.contentType != "" {
				req, _ := http.NewRequest("POST", site.URL+"/api/v1/accounts", strings.NewReader(`{"handle":"bob"}`))
				req.Header.Set("Content-Type", tc.contentType)
				r = site.do(req, nil)
			} else {
				r = site.api("POST", "/api/v1/accounts", "", tc.body)
			}
			if r.Status != tc.status {
				t.Fatalf("status = %d, want %d: %s", r.Status, tc.status, r.Body)
			}
			if f := r.ErrorField(t); f != tc.field {
				t.Fatalf("field = %q, want %q: %s", f, tc.field, r.Body)
			}
			if after := countMembers(t, site); after != before {
				t.Fatalf("members went from %d to %d on a refused sign-up", before, after)
			}
		})
	}

	t.Run("Created", func(t *testing.T) {
		r := site.api("POST", "/api/v1/accounts", "", with("handle", "Bob"))
		if r.Status != 201 {
			t.Fatalf("status = %d: %s", r.Status, r.Body)
		}
		var m struct {
			ID     int64
			Handle string
			Email  string
		}
		r.JSON(t, &m)
		if m.ID == 0 || m.Handle != "bob" || m.Email != "bob@example.com" {
			t.Fatalf("member = %+v", m)
		}
		if strings.Contains(string(r.Body), "argon2") || strings.Contains(string(r.Body), testPassword) {
			t.Fatal("the answer holds the password or its hash")
		}
	})

	t.Run("LongPasswordNotTruncated", func(t *testing.T) {
		long := strings.Repeat("ébène-quartz-", 10) // 130 code points
		r := site.api("POST", "/api/v1/accounts", "", map[string]any{"email": "carol@example.com", "handle": "carol", "display_name": "Carol", "password": long})
		if r.Status != 201 {
			t.Fatalf("status = %d: %s", r.Status, r.Body)
		}
		short := long[:len(long)-1]
		if r := site.api("POST", "/api/v1/sessions", "", map[string]string{"email": "carol@example.com", "password": short}); r.Status != 401 {
			t.Fatalf("log in with the password shortened by one: %d", r.Status)
		}
		if r := site.api("POST", "/api/v1/sessions", "", map[string]string{"email": "carol@example.com", "password": long}); r.Status != 201 {
			t.Fatalf("log in with the whole password: %d %s", r.Status, r.Body)
		}
	})
}

func TestAPILogIn(t *testing.T) {
	site := newTestSite(t)
	site.signUp("ada")

	t.Run("TokenWorks", func(t *testing.T) {
		token := site.logIn("ada")
		if !strings.HasPrefix(token, "rps_") || len(token) < 40 {
			t.Fatalf("token = %q", token)
		}
		r := site.api("GET", "/api/v1/me", token, nil)
		if r.Status != 200 || !strings.Contains(string(r.Body), `"handle":"ada"`) {
			t.Fatalf("me = %d %s", r.Status, r.Body)
		}
	})
	t.Run("NewTokenEachLogIn", func(t *testing.T) {
		first, second := site.logIn("ada"), site.logIn("ada")
		if first == second {
			t.Fatal("two sign-ins gave the same token")
		}
	})
	t.Run("UnknownEmailAnswersLikeWrongPassword", func(t *testing.T) {
		wrong := site.api("POST", "/api/v1/sessions", "", map[string]string{"email": "ada@example.com", "password": "not-the-password-at-all"})
		unknown := site.api("POST", "/api/v1/sessions", "", map[string]string{"email": "zed@example.com", "password": "not-the-password-at-all"})
		if wrong.Status != 401 || unknown.Status != 401 || string(wrong.Body) != string(unknown.Body) {
			t.Fatalf("wrong password: %d %s; unknown email: %d %s", wrong.Status, wrong.Body, unknown.Status, unknown.Body)
		}
	})
	t.Run("BadBearer", func(t *testing.T) {
		for _, h := range []string{"Bearer rps_forged", "Bearer ", "Basic YWRhOnB3", "Bearer rpat_nope"} {
			req, _ := http.NewRequest("GET", site.URL+"/api/v1/me", nil)
			req.Header.Set("Authorization", h)
			if r := site.do(req, nil); r.Status != 401 {
				t.Fatalf("%q: status %d", h, r.Status)
			}
		}
	})
}

func TestAPILogInThrottle(t *testing.T) {
	dir := t.TempDir()
	dsn := filepath.Join(dir, "rapport.db")
	site := newTestSiteOn(t, dsn, dir)
	site.signUp("ada")
	wrong := map[string]string{"email": "ada@example.com", "password": "not-the-password-at-all"}
	for i := 1; i <= 10; i++ {
		if r := site.api("POST", "/api/v1/sessions", "", wrong); r.Status != 401 {
			t.Fatalf("attempt %d: status %d", i, r.Status)
		}
	}
	r := site.api("POST", "/api/v1/sessions", "", wrong)
	if r.Status != 429 || r.Header.Get("Retry-After") == "" {
		t.Fatalf("11th attempt: %d, Retry-After %q", r.Status, r.Header.Get("Retry-After"))
	}
	right := map[string]string{"email": "ada@example.com", "password": testPassword}
	if r := site.api("POST", "/api/v1/sessions", "", right); r.Status != 429 {
		t.Fatalf("right password while throttled: %d", r.Status)
	}

	t.Run("SurvivesRestart", func(t *testing.T) {
		again := newTestSiteOn(t, dsn, dir)
		if r := again.api("POST", "/api/v1/sessions", "", right); r.Status != 429 {
			t.Fatalf("after restart: %d", r.Status)
		}
	})
	t.Run("UnknownEmailThrottledAlike", func(t *testing.T) {
		ghost := map[string]string{"email": "ghost@example.com", "password": "not-the-password-at-all"}
		for i := 0; i < 10; i++ {
			site.api("POST", "/api/v1/sessions", "", ghost)
		}
		if r := site.api("POST", "/api/v1/sessions", "", ghost); r.Status != 429 {
			t.Fatalf("11th attempt for an unknown email: %d", r.Status)
		}
	})
	t.Run("WindowPasses", func(t *testing.T) {
		site.Svc.SetClock(func() time.Time { return time.Now().Add(16 * time.Minute) })
		defer site.Svc.SetClock(time.Now)
		if r := site.api("POST", "/api/v1/sessions", "", right); r.Status != 201 {
			t.Fatalf("after the window: %d %s", r.Status, r.Body)
		}
	})
}

func TestAPISessions(t *testing.T) {
	site := newTestSite(t)
	site.signUp("ada")
	phone, laptop := site.logIn("ada"), site.logIn("ada")

	t.Run("List", func(t *testing.T) {
		var list []struct {
			ID      int64
			Current bool
		}
		r := site.api("GET", "/api/v1/me/sessions", phone, nil)
		r.JSON(t, &list)
		if len(list) != 2 || (list[0].Current == list[1].Current) {
			t.Fatalf("sessions = %+v", list)
		}
	})
	t.Run("LogOutCurrent", func(t *testing.T) {
		if r := site.api("DELETE", "/api/v1/sessions/current", phone, nil); r.Status != 204 {
			t.Fatalf("log out: %d %s", r.Status, r.Body)
		}
		if r := site.api("GET", "/api/v1/me", phone, nil); r.Status != 401 {
			t.Fatalf("ended token: %d", r.Status)
		}
		if r := site.api("GET", "/api/v1/me", laptop, nil); r.Status != 200 {
			t.Fatalf("other session: %d", r.Status)
		}
	})
	t.Run("LogOutEverywhere", func(t *testing.T) {
		other := site.logIn("ada")
		r := site.api("DELETE", "/api/v1/sessions", laptop, nil)
		if r.Status != 200 || !strings.Contains(string(r.Body), `"ended":2`) {
			t.Fatalf("log out everywhere: %d %s", r.Status, r.Body)
		}
		for _, tok := range []string{laptop, other} {
			if r := site.api("GET", "/api/v1/me", tok, nil); r.Status != 401 {
				t.Fatalf("session after log out everywhere: %d", r.Status)
			}
		}
	})
	t.Run("IdleExpiry", func(t *testing.T) {
		tok := site.logIn("ada")
		site.Svc.SetClock(func() time.Time { return time.Now().Add(31 * 24 * time.Hour) })
		defer site.Svc.SetClock(time.Now)
		if r := site.api("GET", "/api/v1/me", tok, nil); r.Status != 401 {
			t.Fatalf("idle session: %d", r.Status)
		}
	})
	t.Run("SomeoneElsesSession", func(t *testing.T) {
		ada := site.logIn("ada")
		bob := site.member("bob")
		var list []struct{ ID int64 }
		site.api("GET", "/api/v1/me/sessions", ada, nil).JSON(t, &list)
		if r := site.api("DELETE", "/api/v1/me/sessions/"+itoa(list[0].ID), bob, nil); r.Status != 404 {
			t.Fatalf("bob ends ada's session: %d", r.Status)
		}
		if r := site.api("GET", "/api/v1/me", ada, nil); r.Status != 200 {
			t.Fatalf("ada after bob's attempt: %d", r.Status)
		}
	})
}

func TestAPIChangePasswordAndEmail(t *testing.T) {
	site := newTestSite(t)
	site.signUp("ada")
	this, other := site.logIn("ada"), site.logIn("ada")
	newPassword := "amber-lighthouse-whistles-at-dawn"

	t.Run("WrongCurrent", func(t *testing.T) {
		r := site.api("PUT", "/api/v1/me/password", this, map[string]string{"current_password": "nope-nope-nope-nope", "new_password": newPassword})
		if r.Status != 401 || r.ErrorField(t) != "current_password" {
			t.Fatalf("wrong current: %d %s", r.Status, r.Body)
		}
	})
	t.Run("WeakNew", func(t *testing.T) {
		r := site.api("PUT", "/api/v1/me/password", this, map[string]string{"current_password": testPassword, "new_password": "password1"})
		if r.Status != 422 || r.ErrorField(t) != "new_password" {
			t.Fatalf("weak new: %d %s", r.Status, r.Body)
		}
	})
	t.Run("EndsOtherSessions", func(t *testing.T) {
		r := site.api("PUT", "/api/v1/me/password", this, map[string]string{"current_password": testPassword, "new_password": newPassword})
		if r.Status != 204 {
			t.Fatalf("change: %d %s", r.Status, r.Body)
		}
		if r := site.api("GET", "/api/v1/me", this, nil); r.Status != 200 {
			t.Fatalf("this session: %d", r.Status)
		}
		if r := site.api("GET", "/api/v1/me", other, nil); r.Status != 401 {
			t.Fatalf("other session: %d", r.Status)
		}
		if r := site.api("POST", "/api/v1/sessions", "", map[string]string{"email": "ada@example.com", "password": newPassword}); r.Status != 201 {
			t.Fatalf("log in with the new password: %d", r.Status)
		}
	})
	t.Run("EmailNeedsPassword", func(t *testing.T) {
		site.signUp("bob")
		r := site.api("PUT", "/api/v1/me/email", this, map[string]string{"email": "ada@new.example", "password": "wrong-wrong-wrong"})
		if r.Status != 401 || r.ErrorField(t) != "password" {
			t.Fatalf("wrong password: %d %s", r.Status, r.Body)
		}
		r = site.api("PUT", "/api/v1/me/email", this, map[string]string{"email": "BOB@example.com", "password": newPassword})
		if r.Status != 409 || r.ErrorField(t) != "email" {
			t.Fatalf("taken: %d %s", r.Status, r.Body)
		}
		r = site.api("PUT", "/api/v1/me/email", this, map[string]string{"email": "ada@new.example", "password": newPassword})
		if r.Status != 200 || !strings.Contains(string(r.Body), "ada@new.example") {
			t.Fatalf("change: %d %s", r.Status, r.Body)
		}
	})
}

var resetLink = regexp.MustCompile(`/password/reset/(rpr_[A-Za-z0-9_-]+)`)

// waitForMail returns the outbox's messages once there are n of them.
func waitForMail(t *testing.T, dir string, n int) []string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second) // mail is sent in the background
	for {
		entries, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
		if len(entries) >= n || time.Now().After(deadline) {
			var out []string
			for _, e := range entries {
				b, err := os.ReadFile(e)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, string(b))
			}
			return out
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestAPIPasswordReset(t *testing.T) {
	site := newTestSite(t)
	site.signUp("ada")
	session := site.logIn("ada")

	known := site.api("POST", "/api/v1/password-resets", "", map[string]string{"email": "ada@example.com"})
	unknown := site.api("POST", "/api/v1/password-resets", "", map[string]string{"email": "zed@example.com"})
	if known.Status != 202 || unknown.Status != 202 || string(known.Body) != string(unknown.Body) {
		t.Fatalf("known: %d %s; unknown: %d %s", known.Status, known.Body, unknown.Status, unknown.Body)
	}
	waitForMail(t, site.Outbox, 1)
	// Give a wrongly sent second message time to arrive before counting.
	time.Sleep(100 * time.Millisecond)
	if mails := waitForMail(t, site.Outbox, 1); len(mails) != 1 || !strings.Contains(mails[0], "To: ada@example.com") {
		t.Fatalf("outbox = %q", mails)
	}
	mails := waitForMail(t, site.Outbox, 1)
	m := resetLink.FindStringSubmatch(mails[0])
	if m == nil {
		t.Fatalf("no link in %s", mails[0])
	}
	token := m[1]
	newPassword := "granite-meadow-sings-softly-42"

	t.Run("WeakPasswordKeepsToken", func(t *testing.T) {
		r := site.api("POST", "/api/v1/password-resets/confirm", "", map[string]string{"token": token, "password": "password123"})
		if r.Status != 422 || r.ErrorField(t) != "password" {
			t.Fatalf("weak: %d %s", r.Status, r.Body)
		}
	})
	t.Run("Expired", func(t *testing.T) {
		site.Svc.SetClock(func() time.Time { return time.Now().Add(61 * time.Minute) })
		defer site.Svc.SetClock(time.Now)
		r := site.api("POST", "/api/v1/password-resets/confirm", "", map[string]string{"token": token, "password": newPassword})
		if r.Status != 404 || r.ErrorField(t) != "token" {
			t.Fatalf("expired: %d %s", r.Status, r.Body)
		}
	})
	t.Run("SingleUse", func(t *testing.T) {
		r := site.api("POST", "/api/v1/password-resets/confirm", "", map[string]string{"token": token, "password": newPassword})
		if r.Status != 204 {
			t.Fatalf("reset: %d %s", r.Status, r.Body)
		}
		r = site.api("POST", "/api/v1/password-resets/confirm", "", map[string]string{"token": token, "password": "another-granite-meadow-sings-7"})
		if r.Status != 404 {
			t.Fatalf("second use: %d %s", r.Status, r.Body)
		}
		if r := site.api("GET", "/api/v1/me", session, nil); r.Status != 401 {
			t.Fatalf("old session after reset: %d", r.Status)
		}
		if r := site.api("POST", "/api/v1/sessions", "", map[string]string{"email": "ada@example.com", "password": newPassword}); r.Status != 201 {
			t.Fatalf("log in with the new password: %d", r.Status)
		}
	})
}

func TestAPIProfile(t *testing.T) {
	site := newTestSite(t)
	ada, bob := site.member("ada"), site.member("bob")

	t.Run("Update", func(t *testing.T) {
		r := site.api("PATCH", "/api/v1/me/profile", ada, map[string]any{"headline": "Engineer at Acme", "location": "Lyon"})
		if r.Status != 200 || !strings.Contains(string(r.Body), `"headline":"Engineer at Acme"`) || !strings.Contains(string(r.Body), `"display_name":"Ada Example"`) {
			t.Fatalf("update: %d %s", r.Status, r.Body)
		}
	})
	t.Run("BadInputChangesNothing", func(t *testing.T) {
		for _, tc := range []struct {
			body   any
			status int
			field  string
		}{
			{map[string]any{"headline": strings.Repeat("h", 221)}, 422, "headline"},
			{map[string]any{"about": strings.Repeat("a", 2601)}, 422, "about"},
			{map[string]any{"display_name": ""}, 422, "display_name"},
			{map[string]any{"visibility": "friends"}, 422, "visibility"},
			{map[string]any{"headline": "ok", "location": strings.Repeat("l", 101)}, 422, "location"},
			{map[string]any{"headline": 3}, 400, "headline"},
			{map[string]any{"handle": "hacker"}, 400, "handle"},
		} {
			r := site.api("PATCH", "/api/v1/me/profile", ada, tc.body)
			if r.Status != tc.status || r.ErrorField(t) != tc.field {
				t.Fatalf("%v: %d %s", tc.body, r.Status, r.Body)
			}
		}
		r := site.api("GET", "/api/v1/me", ada, nil)
		if !strings.Contains(string(r.Body), `"headline":"Engineer at Acme"`) || !strings.Contains(string(r.Body), `"location":"Lyon"`) {
			t.Fatalf("profile changed by refused updates: %s", r.Body)
		}
	})
	var posID int64
	t.Run("Positions", func(t *testing.T) {
		r := site.api("POST", "/api/v1/me/positions", ada, map[string]any{"title": "Engineer", "organization_name": "Acme", "start": "2021-03", "end": nil})
		if r.Status != 201 {
			t.Fatalf("add: %d %s", r.Status, r.Body)
		}
		var p struct {
			ID      int64
			Current bool
		}
		r.JSON(t, &p)
		posID = p.ID
		if !p.Current {
			t.Fatalf("position without end is not current: %s", r.Body)
		}
		r = site.api("PUT", "/api/v1/me/positions/"+itoa(posID), ada, map[string]any{"title": "Lead Engineer", "organization_name": "Acme", "start": "2021-03", "end": "2024-01"})
		if r.Status != 200 || !strings.Contains(string(r.Body), `"end":"2024-01"`) {
			t.Fatalf("update: %d %s", r.Status, r.Body)
		}
		for _, tc := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"title": "", "organization_name": "Acme", "start": "2021-03"}, "title"},
			{map[string]any{"title": "T", "organization_name": "", "start": "2021-03"}, "organization_name"},
			{map[string]any{"title": "T", "organization_name": "Acme", "start": "March"}, "start"},
			{map[string]any{"title": "T", "organization_name": "Acme", "start": "2021-03", "end": "2020-01"}, "end"},
			{map[string]any{"title": "T", "organization_name": "Acme", "start": "2021-13"}, "start"},
		} {
			if r := site.api("POST", "/api/v1/me/positions", ada, tc.body); r.Status != 422 || r.ErrorField(t) != tc.field {
				t.Fatalf("%v: %d %s", tc.body, r.Status, r.Body)
			}
		}
	})
	t.Run("SomeoneElsesPosition", func(t *testing.T) {
		body := map[string]any{"title": "Hacked", "organization_name": "Evil", "start": "2021-03"}
		if r := site.api("PUT", "/api/v1/me/positions/"+itoa(posID), bob, body); r.Status != 404 {
			t.Fatalf("bob edits ada's position: %d", r.Status)
		}
		if r := site.api("DELETE", "/api/v1/me/positions/"+itoa(posID), bob, nil); r.Status != 404 {
			t.Fatalf("bob deletes ada's position: %d", r.Status)
		}
		if r := site.api("DELETE", "/api/v1/me/positions/abc", bob, nil); r.Status != 404 {
			t.Fatalf("malformed id: %d", r.Status)
		}
		r := site.api("GET", "/api/v1/me/positions", ada, nil)
		if !strings.Contains(string(r.Body), "Lead Engineer") || strings.Contains(string(r.Body), "Hacked") {
			t.Fatalf("ada's positions: %s", r.Body)
		}
	})
	t.Run("Education", func(t *testing.T) {
		r := site.api("POST", "/api/v1/me/education", ada, map[string]any{"school": "INSA Lyon", "degree": "MSc", "field": "CS", "start_year": 2012, "end_year": 2017})
		if r.Status != 201 {
			t.Fatalf("add: %d %s", r.Status, r.Body)
		}
		var e struct{ ID int64 }
		r.JSON(t, &e)
		if r := site.api("DELETE", "/api/v1/me/education/"+itoa(e.ID), bob, nil); r.Status != 404 {
			t.Fatalf("bob deletes ada's education: %d", r.Status)
		}
		if r := site.api("POST", "/api/v1/me/education", ada, map[string]any{"school": "X", "start_year": 2017, "end_year": 2012}); r.Status != 422 || r.ErrorField(t) != "end_year" {
			t.Fatalf("years backwards: %d %s", r.Status, r.Body)
		}
		if r := site.api("PUT", "/api/v1/me/education/"+itoa(e.ID), ada, map[string]any{"school": "INSA Lyon", "start_year": nil, "end_year": 2017}); r.Status != 200 || !strings.Contains(string(r.Body), `"start_year":null`) {
			t.Fatalf("update: %d %s", r.Status, r.Body)
		}
	})
	t.Run("Skills", func(t *testing.T) {
		r := site.api("PUT", "/api/v1/me/skills", ada, map[string]any{"skills": []string{"Go", " go ", "SQL", "", "Écriture"}})
		if r.Status != 200 || !strings.Contains(string(r.Body), `{"skills":["Go","SQL","Écriture"]}`) {
			t.Fatalf("skills: %d %s", r.Status, r.Body)
		}
		many := make([]string, 101)
		for i := range many {
			many[i] = "skill " + itoa(int64(i))
		}
		if r := site.api("PUT", "/api/v1/me/skills", ada, map[string]any{"skills": many}); r.Status != 422 || r.ErrorField(t) != "skills" {
			t.Fatalf("101 skills: %d %s", r.Status, r.Body)
		}
		if r := site.api("PUT", "/api/v1/me/skills", ada, map[string]any{"skills": []string{strings.Repeat("s", 81)}}); r.Status != 422 {
			t.Fatalf("long skill: %d %s", r.Status, r.Body)
		}
		if r := site.api("GET", "/api/v1/me/skills", ada, nil); !strings.Contains(string(r.Body), `["Go","SQL","Écriture"]`) {
			t.Fatalf("skills changed by refused updates: %s", r.Body)
		}
	})
	t.Run("PublicProfile", func(t *testing.T) {
		r := site.api("GET", "/api/v1/members/ADA", "", nil)
		if r.Status != 200 || !strings.Contains(string(r.Body), "Lead Engineer") || strings.Contains(string(r.Body), "ada@example.com") {
			t.Fatalf("anonymous: %d %s", r.Status, r.Body)
		}
		if r := site.api("GET", "/api/v1/members/nobody", "", nil); r.Status != 404 {
			t.Fatalf("unknown handle: %d", r.Status)
		}
	})
	t.Run("MembersOnlyProfile", func(t *testing.T) {
		site.api("PATCH", "/api/v1/me/profile", ada, map[string]any{"visibility": "members"})
		if r := site.api("GET", "/api/v1/members/ada", "", nil); r.Status != 401 {
			t.Fatalf("anonymous: %d %s", r.Status, r.Body)
		}
		if r := site.api("GET", "/api/v1/members/ada", bob, nil); r.Status != 200 || strings.Contains(string(r.Body), "ada@example.com") {
			t.Fatalf("member: %d %s", r.Status, r.Body)
		}
	})
}

func TestAPIAccessTokens(t *testing.T) {
	site := newTestSite(t)
	ada, bob := site.member("ada"), site.member("bob")
	r := site.api("POST", "/api/v1/me/tokens", ada, map[string]string{"name": "backup script"})
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	var tok struct {
		ID    int64
		Token string
	}
	r.JSON(t, &tok)
	if !strings.HasPrefix(tok.Token, "rpat_") {
		t.Fatalf("token = %q", tok.Token)
	}
	if r := site.api("GET", "/api/v1/me", tok.Token, nil); r.Status != 200 || !strings.Contains(string(r.Body), `"handle":"ada"`) {
		t.Fatalf("use: %d %s", r.Status, r.Body)
	}
	r = site.api("GET", "/api/v1/me/tokens", ada, nil)
	if !strings.Contains(string(r.Body), `"name":"backup script"`) || strings.Contains(string(r.Body), `"last_used_at":null`) || strings.Contains(string(r.Body), tok.Token) {
		t.Fatalf("list: %s", r.Body)
	}
	if r := site.api("POST", "/api/v1/me/tokens", ada, map[string]string{"name": ""}); r.Status != 422 || r.ErrorField(t) != "name" {
		t.Fatalf("empty name: %d %s", r.Status, r.Body)
	}
	if r := site.api("DELETE", "/api/v1/me/tokens/"+itoa(tok.ID), bob, nil); r.Status != 404 {
		t.Fatalf("bob revokes ada's token: %d", r.Status)
	}
	if r := site.api("DELETE", "/api/v1/sessions/current", tok.Token, nil); r.Status != 400 {
		t.Fatalf("log out with a token: %d %s", r.Status, r.Body)
	}
	if r := site.api("DELETE", "/api/v1/me/tokens/"+itoa(tok.ID), ada, nil); r.Status != 204 {
		t.Fatalf("revoke: %d", r.Status)
	}
	if r := site.api("GET", "/api/v1/me", tok.Token, nil); r.Status != 401 {
		t.Fatalf("revoked token: %d", r.Status)
	}
}

func itoa(n int64) string { return strconvFormat(n) }

// TestAPIPasswordGuessesFromASessionAreThrottled: a stolen session cannot
// be used to guess the password without limit through the change forms.
func TestAPIPasswordGuessesFromASessionAreThrottled(t *testing.T) {
	site := newTestSite(t)
	ada := site.member("ada")
	guess := map[string]string{"current_password": "a-wrong-guess-here", "new_password": "amber-lighthouse-whistles-at-dawn"}
	for i := 1; i <= 10; i++ {
		if r := site.api("PUT", "/api/v1/me/password", ada, guess); r.Status != 401 {
			t.Fatalf("guess %d: %d", i, r.Status)
		}
	}
	if r := site.api("PUT", "/api/v1/me/email", ada, map[string]string{"email": "x@example.com", "password": testPassword}); r.Status != 429 {
		t.Fatalf("11th attempt, with the right password: %d %s", r.Status, r.Body)
	}
	if r := site.api("POST", "/api/v1/sessions", "", map[string]string{"email": "ada@example.com", "password": testPassword}); r.Status != 429 {
		t.Fatalf("sign-in after 10 guesses: %d", r.Status)
	}
}

// TestAPIImportedMembersCannotSignIn: members brought in by an edge-list
// import have no address and no password until an operator gives them one.
func TestAPIImportedMembersCannotSignIn(t *testing.T) {
	site := newTestSite(t)
	if _, err := site.DB.ImportMembers(context.Background(), []string{"u1"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{"import:u1", "u1", ""} {
		if r := site.api("POST", "/api/v1/sessions", "", map[string]string{"email": email, "password": ""}); r.Status != 401 {
			t.Fatalf("sign in as %q: %d %s", email, r.Status, r.Body)
		}
	}
	if r := site.api("GET", "/api/v1/members/u1", "", nil); r.Status != 200 {
		t.Fatalf("the imported member's profile: %d", r.Status)
	}
}
