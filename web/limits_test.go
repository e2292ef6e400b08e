package web_test

import (
	"net/http"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rapportnet/rapport/web"
)

// TestRateLimits: past a route's limit the caller gets 429 with a
// Retry-After, changes nothing, and others are not held back; limits are
// counted by member, and by address before sign-in.
func TestRateLimits(t *testing.T) {
	dir := t.TempDir()
	site := newTestSiteOn(t, filepath.Join(dir, "rapport.db"), dir, func(c *web.Config) { c.NoRateLimits = false })
	ada, bob := quickMember(t, site, "ada"), quickMember(t, site, "bob")
	connect(t, site, ada, "ada", bob, "bob")
	th := startThread(t, site, ada, []string{"bob"}, "Hello")
	sent := 1
	var limited *response
	for range 100 {
		r := writeIn(t, site, ada, th.ID, "again")
		if r.Status == http.StatusTooManyRequests {
			limited = r
			break
		} else if r.Status != 201 {
			t.Fatalf("message: %d %s", r.Status, r.Body)
		}
		sent++
	}
	if limited == nil {
		t.Fatalf("100 messages in a row were all accepted")
	}
	if s, err := strconv.Atoi(limited.Header.Get("Retry-After")); err != nil || s < 1 {
		t.Errorf("Retry-After %q", limited.Header.Get("Retry-After"))
	}
	if got := len(readThread(t, site, bob, th.ID).Messages); got != sent {
		t.Errorf("the thread holds %d messages, %d were accepted", got, sent)
	}
	// Bob's bucket is his own.
	if r := writeIn(t, site, bob, th.ID, "my turn"); r.Status != 201 {
		t.Errorf("bob, held back by ada's limit: %d %s", r.Status, r.Body)
	}
	// Sign-ups are counted by address.
	var last int
	for i := range 40 {
		r := site.api("POST", "/api/v1/accounts", "", map[string]any{"email": "n" + strconv.Itoa(i) + "@example.com", "handle": "newcomer-" + strconv.Itoa(i),
			"display_name": "New", "password": testPassword})
		last = r.Status
		if r.Status == http.StatusTooManyRequests {
			break
		}
	}
	if last != http.StatusTooManyRequests {
		t.Errorf("forty sign-ups from one address: the last answered %d", last)
	}
}
