package web_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rapportnet/rapport/web"
)

// TestShedsWhatIsTooMuchAtOnce: with every place taken (here, one, held
// by a request whose body is slow to come), a request is answered 503 with
// Retry-After at once instead of waiting; health checks are still served;
// and once the place is free, requests are served again.
func TestShedsWhatIsTooMuchAtOnce(t *testing.T) {
	dir := t.TempDir()
	site := newTestSiteOn(t, filepath.Join(dir, "rapport.db"), dir, func(c *web.Config) { c.MaxInFlight = 1 })
	ada := quickMember(t, site, "ada")
	// A request that takes the one place and waits for the rest of its body.
	conn, err := net.Dial("tcp", strings.TrimPrefix(site.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"body":"Hello","audience":"public"}`
	fmt.Fprintf(conn, "POST /api/v1/posts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		ada, len(body), body[:5])
	// Until it holds the place, other requests may still get in; once it
	// does, they are shed.
	var shed *response
	for shed == nil {
		if r := site.api("GET", "/api/v1/me", ada, nil); r.Status == http.StatusServiceUnavailable {
			shed = r
		}
	}
	if shed.Header.Get("Retry-After") != "1" || !strings.Contains(string(shed.Body), `"unavailable"`) {
		t.Errorf("shed: %s %s", shed.Header, shed.Body)
	}
	if r := site.api("GET", "/healthz", "", nil); r.Status != 200 {
		t.Errorf("health check while full: %d", r.Status)
	}
	fmt.Fprint(conn, body[5:])
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("the slow request: %v %v", resp, err)
	}
	resp.Body.Close()
	if r := site.api("GET", "/api/v1/me", ada, nil); r.Status != 200 {
		t.Errorf("after the place was freed: %d", r.Status)
	}
	// The metrics count the request shed after its wait.
	m := site.api("GET", "/metrics", "", nil)
	if !regexp.MustCompile(`rapport_http_queue_wait_seconds_count\{order="oldest",outcome="shed"\} [1-9]`).Match(m.Body) {
		t.Errorf("no shed waiter in the metrics:\n%s", m.Body)
	}
}
