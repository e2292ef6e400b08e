package web_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/rapportnet/rapport"
)

type threadJSON struct {
	ID      int64 `json:"id"`
	Members []struct {
		Handle string `json:"handle"`
		Left   bool   `json:"left"`
	} `json:"members"`
	Unread   int `json:"unread"`
	Messages []struct {
		ID     int64 `json:"id"`
		Sender *struct {
			Handle string `json:"handle"`
		} `json:"sender"`
		Body string `json:"body"`
	} `json:"messages"`
}

func (t threadJSON) bodies() []string {
	var out []string
	for _, m := range t.Messages {
		out = append(out, m.Body)
	}
	return out
}

type threadListJSON struct {
	Threads []threadJSON `json:"threads"`
	Unread  int          `json:"unread"`
}

func startThread(t *testing.T, site *testSite, token string, to []string, body string) threadJSON {
	t.Helper()
	r := site.api("POST", "/api/v1/messages", token, map[string]any{"to": to, "body": body})
	if r.Status != http.StatusCreated {
		t.Fatalf("write to %v: %d %s", to, r.Status, r.Body)
	}
	var th threadJSON
	r.JSON(t, &th)
	return th
}

func readThread(t *testing.T, site *testSite, token string, id int64) threadJSON {
	t.Helper()
	r := site.api("GET", fmt.Sprintf("/api/v1/messages/%d", id), token, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("read thread %d: %d %s", id, r.Status, r.Body)
	}
	var th threadJSON
	r.JSON(t, &th)
	return th
}

func inbox(t *testing.T, site *testSite, token string) threadListJSON {
	t.Helper()
	var l threadListJSON
	site.api("GET", "/api/v1/messages", token, nil).JSON(t, &l)
	return l
}

func writeIn(t *testing.T, site *testSite, token string, thread int64, body string) *response {
	t.Helper()
	return site.api("POST", fmt.Sprintf("/api/v1/messages/%d/messages", thread), token, map[string]any{"body": body})
}

// TestMessaging exchanges messages between connections: direct and group
// threads, unread counts, mark read, leaving, and bad input refused
// naming the field with nothing stored.
func TestMessaging(t *testing.T) {
	site := newTestSite(t)
	ada, bob, cy, dee := quickMember(t, site, "ada"), quickMember(t, site, "bob"), quickMember(t, site, "cy"), quickMember(t, site, "dee")
	connect(t, site, ada, "ada", bob, "bob")
	connect(t, site, ada, "ada", cy, "cy")

	direct := startThread(t, site, ada, []string{"bob"}, "Hello Bob")
	if l := inbox(t, site, bob); l.Unread != 1 || len(l.Threads) != 1 || l.Threads[0].Unread != 1 {
		t.Fatalf("bob's inbox: %+v", l)
	}
	if l := inbox(t, site, ada); l.Unread != 0 {
		t.Errorf("what one writes counts as read: %+v", l)
	}
	// Writing again to Bob alone continues the same thread.
	if again := startThread(t, site, ada, []string{"@Bob"}, "Are you there?"); again.ID != direct.ID {
		t.Errorf("a second message to bob started thread %d, not %d", again.ID, direct.ID)
	}
	if got := readThread(t, site, bob, direct.ID); got.Unread != 2 || strings.Join(got.bodies(), "|") != "Hello Bob|Are you there?" {
		t.Errorf("bob reads: %+v", got)
	}
	if r := site.api("POST", fmt.Sprintf("/api/v1/messages/%d/read", direct.ID), bob, nil); r.Status != 204 {
		t.Fatalf("mark read: %d %s", r.Status, r.Body)
	}
	if l := inbox(t, site, bob); l.Unread != 0 || l.Threads[0].Unread != 0 {
		t.Errorf("after mark read: %+v", l)
	}
	if r := writeIn(t, site, bob, direct.ID, "Yes, here"); r.Status != 201 {
		t.Fatalf("reply: %d %s", r.Status, r.Body)
	}
	if l := inbox(t, site, ada); l.Unread != 1 {
		t.Errorf("ada's unread after bob's reply: %+v", l)
	}

	// A group of ada's connections, who need not be connected themselves.
	group := startThread(t, site, ada, []string{"bob", "cy"}, "Lunch on Friday?")
	if group.ID == direct.ID || len(group.Members) != 2 {
		t.Fatalf("group thread: %+v", group)
	}
	if r := writeIn(t, site, cy, group.ID, "Count me in"); r.Status != 201 {
		t.Fatalf("cy writes in the group: %d %s", r.Status, r.Body)
	}
	if got := readThread(t, site, bob, group.ID).bodies(); strings.Join(got, "|") != "Lunch on Friday?|Count me in" {
		t.Errorf("bob reads the group: %q", got)
	}

	// Bad input, and others' threads: refused, naming the field, storing nothing.
	before := readThread(t, site, ada, group.ID)
	for _, c := range []struct {
		token  string
		method string
		path   string
		body   any
		status int
		field  string
	}{
		{bob, "POST", "/api/v1/messages", map[string]any{"to": []string{"cy"}, "body": "Hi"}, 403, "to"},
		{ada, "POST", "/api/v1/messages", map[string]any{"to": []string{"dee"}, "body": "Hi"}, 403, "to"},
		{ada, "POST", "/api/v1/messages", map[string]any{"to": []string{"nobody-here"}, "body": "Hi"}, 404, "to"},
		{ada, "POST", "/api/v1/messages", map[string]any{"to": []string{}, "body": "Hi"}, 422, "to"},
		{ada, "POST", "/api/v1/messages", map[string]any{"to": []string{"ada"}, "body": "Hi"}, 422, "to"},
		{ada, "POST", "/api/v1/messages", map[string]any{"to": []string{"bob"}, "body": "   "}, 422, "body"},
		{ada, "POST", "/api/v1/messages", map[string]any{"to": "bob", "body": "Hi"}, 400, ""},
		{ada, "POST", fmt.Sprintf("/api/v1/messages/%d/messages", group.ID), map[string]any{"body": strings.Repeat("é", rapport.MessageMaxLen+1)}, 422, "body"},
		{ada, "POST", fmt.Sprintf("/api/v1/messages/%d/messages", group.ID), map[string]any{"body": "a\x00b"}, 422, "body"},
		{dee, "POST", fmt.Sprintf("/api/v1/messages/%d/messages", group.ID), map[string]any{"body": "Let me in"}, 404, ""},
		{dee, "GET", fmt.Sprintf("/api/v1/messages/%d", group.ID), nil, 404, ""},
		{dee, "POST", fmt.Sprintf("/api/v1/messages/%d/read", group.ID), nil, 404, ""},
		{dee, "POST", fmt.Sprintf("/api/v1/messages/%d/leave", group.ID), nil, 404, ""},
		{ada, "GET", "/api/v1/messages/999999", nil, 404, ""},
	} {
		r := site.api(c.method, c.path, c.token, c.body)
		if r.Status != c.status || (c.field != "" && r.ErrorField(t) != c.field) {
			t.Errorf("%s %s %v: %d %s, want %d naming %q", c.method, c.path, c.body, r.Status, r.Body, c.status, c.field)
		}
	}
	if after := readThread(t, site, ada, group.ID); len(after.Messages) != len(before.Messages) {
		t.Errorf("refused messages were stored: %q", after.bodies())
	}
	if l := inbox(t, site, dee); len(l.Threads) != 0 {
		t.Errorf("dee has threads: %+v", l)
	}
	if r := writeIn(t, site, ada, group.ID, strings.Repeat("é", rapport.MessageMaxLen)); r.Status != 201 {
		t.Errorf("a message of exactly %d characters: %d", rapport.MessageMaxLen, r.Status)
	}

	// Cy leaves the group: it leaves cy's inbox, the others see it, and
	// cy receives nothing more.
	if r := site.api("POST", fmt.Sprintf("/api/v1/messages/%d/leave", group.ID), cy, nil); r.Status != 204 {
		t.Fatalf("leave: %d %s", r.Status, r.Body)
	}
	for _, th := range inbox(t, site, cy).Threads {
		if th.ID == group.ID {
			t.Errorf("the thread cy left is in cy's inbox")
		}
	}
	if r := site.api("GET", fmt.Sprintf("/api/v1/messages/%d", group.ID), cy, nil); r.Status != 404 {
		t.Errorf("cy reads the thread they left: %d", r.Status)
	}
	if r := writeIn(t, site, cy, group.ID, "Back again"); r.Status != 404 {
		t.Errorf("cy writes in the thread they left: %d", r.Status)
	}
	left := false
	for _, m := range readThread(t, site, ada, group.ID).Members {
		left = left || (m.Handle == "cy" && m.Left)
	}
	if !left {
		t.Errorf("ada does not see that cy left")
	}
	writeIn(t, site, ada, group.ID, "After cy left")
	if counts := unread(t, site, cy); counts.Messages != 0 {
		t.Errorf("cy's unread messages after leaving: %+v", counts)
	}

	// A removed connection ends the direct thread for writing.
	if r := site.api("DELETE", "/api/v1/me/connections/bob", ada, nil); r.Status != 204 {
		t.Fatalf("remove connection: %d", r.Status)
	}
	if r := writeIn(t, site, bob, direct.ID, "Still there?"); r.Status != 403 {
		t.Errorf("writing after the connection was removed: %d %s", r.Status, r.Body)
	}
}

// TestMessagesStopAtBlocks: a block stops messages both ways, and the one
// blocked cannot tell: in a group their messages are accepted and kept
// from the member who blocked them, for good; in a direct thread the
// answer is the one for a removed connection, byte for byte.
func TestMessagesStopAtBlocks(t *testing.T) {
	site := newTestSite(t)
	ada, bob, cy, dee := quickMember(t, site, "ada"), quickMember(t, site, "bob"), quickMember(t, site, "cy"), quickMember(t, site, "dee")
	connect(t, site, ada, "ada", bob, "bob")
	connect(t, site, ada, "ada", cy, "cy")
	connect(t, site, ada, "ada", dee, "dee")
	group := startThread(t, site, ada, []string{"bob", "cy"}, "Team thread")
	directBob := startThread(t, site, ada, []string{"bob"}, "Just us")
	directDee := startThread(t, site, ada, []string{"dee"}, "Just us two")

	if r := site.api("POST", "/api/v1/me/blocks", cy, map[string]string{"handle": "bob"}); r.Status != 204 {
		t.Fatalf("block: %d %s", r.Status, r.Body)
	}
	cyCountsBefore := unread(t, site, cy)
	if r := writeIn(t, site, bob, group.ID, "Message from bob"); r.Status != 201 {
		t.Fatalf("bob writes in the group after the block: %d %s", r.Status, r.Body)
	}
	if got := readThread(t, site, ada, group.ID).bodies(); !contains(got, "Message from bob") {
		t.Errorf("ada does not see bob's message: %q", got)
	}
	if got := readThread(t, site, cy, group.ID); contains(got.bodies(), "Message from bob") || hasMember(got, "bob") {
		t.Errorf("cy sees bob in the group: %+v", got)
	}
	if got := unread(t, site, cy); got != cyCountsBefore {
		t.Errorf("cy was told of bob's message: %+v, before %+v", got, cyCountsBefore)
	}
	// Cy's messages are kept from bob too.
	writeIn(t, site, cy, group.ID, "Message from cy")
	if got := readThread(t, site, bob, group.ID); contains(got.bodies(), "Message from cy") {
		t.Errorf("bob sees cy's message: %q", got.bodies())
	}
	// Lifting the block does not reveal what was written during it.
	if r := site.api("DELETE", "/api/v1/me/blocks/bob", cy, nil); r.Status != 204 {
		t.Fatalf("unblock: %d", r.Status)
	}
	if got := readThread(t, site, cy, group.ID).bodies(); contains(got, "Message from bob") {
		t.Errorf("after the block was lifted cy sees what bob wrote during it: %q", got)
	}
	if got := readThread(t, site, bob, group.ID).bodies(); contains(got, "Message from cy") {
		t.Errorf("after the block was lifted bob sees what cy wrote during it: %q", got)
	}

	// Direct threads: a block answers as a removed connection does.
	site.api("POST", "/api/v1/me/blocks", bob, map[string]string{"handle": "ada"})
	site.api("DELETE", "/api/v1/me/connections/dee", ada, nil)
	blocked := writeIn(t, site, ada, directBob.ID, "Hello?")
	removed := writeIn(t, site, ada, directDee.ID, "Hello?")
	if blocked.Status != 403 || !bytes.Equal(blocked.Body, removed.Body) {
		t.Errorf("writing to who blocked you: %d %s; to a removed connection: %d %s", blocked.Status, blocked.Body, removed.Status, removed.Body)
	}
	// Bob does not see ada's thread any more, nor may ada start one.
	for _, th := range inbox(t, site, bob).Threads {
		if th.ID == directBob.ID {
			t.Errorf("bob still lists his thread with ada, whom he blocked")
		}
	}
	if r := site.api("POST", "/api/v1/messages", ada, map[string]any{"to": []string{"bob"}, "body": "Hi"}); r.Status != 404 || r.ErrorField(t) != "to" {
		t.Errorf("ada writes to bob, who blocked her: %d %s", r.Status, r.Body)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func hasMember(th threadJSON, handle string) bool {
	for _, m := range th.Members {
		if m.Handle == handle {
			return true
		}
	}
	return false
}

type countsJSON struct {
	Notifications int `json:"notifications"`
	Messages      int `json:"messages"`
}

func unread(t *testing.T, site *testSite, token string) countsJSON {
	t.Helper()
	var c countsJSON
	r := site.api("GET", "/api/v1/me/unread", token, nil)
	if r.Status != 200 {
		t.Fatalf("unread: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &c)
	return c
}

var _ = context.Background
