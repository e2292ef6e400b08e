package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"
)

// liveStream is an open stream of server-sent events.
type liveStream struct {
	resp   *http.Response
	cancel context.CancelFunc
	events chan sseEvent
}

type sseEvent struct {
	Name string
	Data string
}

// openStream opens /api/v1/notifications/stream with a bearer token, or the
// session cookie when cookie is set, and reads its events in the
// background until it ends.
func (s *testSite) openStream(token string, cookie bool, seatCookie string) *liveStream {
	s.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "GET", s.URL+"/api/v1/notifications/stream", nil)
	if err != nil {
		s.t.Fatal(err)
	}
	switch {
	case token != "" && cookie:
		req.AddCookie(&http.Cookie{Name: "rapport_session", Value: token})
	case token != "":
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if seatCookie != "" {
		req.AddCookie(&http.Cookie{Name: "rapport_seat", Value: seatCookie})
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		cancel()
		s.t.Fatal(err)
	}
	st := &liveStream{resp: resp, cancel: cancel, events: make(chan sseEvent, 100)}
	s.t.Cleanup(st.close)
	if resp.StatusCode != http.StatusOK {
		close(st.events)
		return st
	}
	go func() {
		defer close(st.events)
		sc := bufio.NewScanner(resp.Body)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "" && ev.Name != "":
				st.events <- ev
				ev = sseEvent{}
			case line == "" || strings.HasPrefix(line, ":"):
				if strings.HasPrefix(line, ": heartbeat") {
					st.events <- sseEvent{Name: "heartbeat"}
				}
			case strings.HasPrefix(line, "event: "):
				ev.Name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ev.Data = strings.TrimPrefix(line, "data: ")
			}
		}
	}()
	return st
}

func (st *liveStream) close() {
	st.cancel()
	st.resp.Body.Close()
}

// next returns the next event of the given name, skipping others, or
// fails once the stream ends. A stream that goes quiet fails the test
// when the test's own deadline comes.
func (st *liveStream) next(t *testing.T, name string) sseEvent {
	t.Helper()
	for ev := range st.events {
		if ev.Name == name {
			return ev
		}
	}
	t.Fatalf("the stream ended before an event %q", name)
	return sseEvent{}
}

// ended reports whether the stream ends (after an "end" event or not)
// before an event named other arrives.
func (st *liveStream) endsBefore(other string) bool {
	for ev := range st.events {
		if ev.Name == other {
			return false
		}
	}
	return true
}

// decode reads an event's data.
func (ev sseEvent) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(ev.Data), v); err != nil {
		t.Fatalf("event %s: %v (%s)", ev.Name, err, ev.Data)
	}
}

var _ = time.Second

// testVCard is a small vCard file for imports.
const testVCard = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Mary Jackson\r\nEMAIL:mary@example.com\r\nEND:VCARD\r\n"

// testConnectionsCSV is a Connections.csv as other networks write it.
const testConnectionsCSV = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\nMary,Jackson,https://example.com/in/mj,mary@example.com,NASA,Engineer,01 Jan 2020\r\n"

// multipartFile is a form with one file field.
func multipartFile(field, name, content string) (body, contentType string) {
	var b strings.Builder
	w := multipart.NewWriter(&b)
	fw, _ := w.CreateFormFile(field, name)
	fw.Write([]byte(content))
	w.Close()
	return b.String(), w.FormDataContentType()
}
