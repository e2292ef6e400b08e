package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestMessagePages writes, reads and leaves through the pages: text stays
// text, refusals show on the form with nothing sent, the header counts
// unread messages and notifications.
func TestMessagePages(t *testing.T) {
	site, ada, bob, carol := connectedPair(t)
	// A connection's profile offers to write to them, a stranger's does not.
	wantBody(t, ada.get("/in/bob"), `href="/messages?to=bob">Message</a>`)
	if strings.Contains(string(carol.get("/in/ada").Body), ">Message</a>") {
		t.Errorf("a stranger's profile offers to write to them")
	}
	wantBody(t, ada.get("/messages?to=bob"), `id="to" name="to" type="text" maxlength="2000" value="bob"`)
	r := ada.post("/messages", url.Values{"to": {"bob"}, "body": {`<b>Hi</b> <script>alert(1)</script>`}})
	wantRedirect(t, r, "/messages/")
	thread := r.Header.Get("Location")
	page := ada.get(thread)
	wantStatus(t, page, 200)
	wantBody(t, page, "&lt;b&gt;Hi&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;")
	if strings.Contains(string(page.Body), "<b>Hi</b>") {
		t.Errorf("message text rendered as HTML")
	}

	// Bob's header counts the message and its notification (beside ada's
	// invitation).
	home := bob.get("/")
	wantBody(t, home, `data-count="messages">1<`, `data-count="notifications">2<`)
	wantBody(t, bob.get("/messages"), "Ada Example", `1 new`)
	wantBody(t, bob.get("/notifications"), "Ada Example sent you a message.")
	// Opening the thread reads it, and its notification.
	wantStatus(t, bob.get(thread), 200)
	wantBody(t, bob.get("/"), `data-count="messages" hidden>0<`, `data-count="notifications">1<`)
	wantRedirect(t, bob.post(thread, url.Values{"body": {"Hello Ada"}}), thread)
	wantBody(t, ada.get(thread), "Hello Ada")

	// Refusals: a stranger, an empty message, someone else's thread.
	r = carol.post("/messages", url.Values{"to": {"ada"}, "body": {"Hi"}})
	wantStatus(t, r, http.StatusForbidden)
	wantBody(t, r, `id="to-error"`, "You can write only to your connections.")
	r = ada.post(thread, url.Values{"body": {"  "}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, `id="body-error"`)
	wantStatus(t, carol.get(thread), http.StatusNotFound)
	wantStatus(t, carol.post(thread, url.Values{"body": {"Let me in"}}), http.StatusNotFound)
	if got := readThread(t, site, site.logIn("ada"), threadID(t, thread)).bodies(); len(got) != 2 {
		t.Errorf("refused messages were stored: %q", got)
	}

	// Leaving.
	wantRedirect(t, bob.post(thread+"/leave", nil), "/messages")
	wantStatus(t, bob.get(thread), http.StatusNotFound)
	wantBody(t, ada.get(thread), "Bob Example</a> (left)")

	// Notifications: mark all read.
	wantRedirect(t, ada.post("/notifications/read", nil), "/notifications")
	if strings.Contains(string(ada.get("/notifications").Body), `class="entry-row unread"`) {
		t.Errorf("unread notifications after marking all read")
	}
}

func threadID(t *testing.T, path string) int64 {
	t.Helper()
	var id int64
	for _, c := range strings.TrimPrefix(path, "/messages/") {
		if c < '0' || c > '9' {
			t.Fatalf("not a thread path: %s", path)
		}
		id = id*10 + int64(c-'0')
	}
	return id
}

// TestProfileViewPages: the settings choose the mode, and the page of who
// viewed me shows private viewers without a name.
func TestProfileViewPages(t *testing.T) {
	_, ada, bob, carol := connectedPair(t)
	wantBody(t, carol.get("/settings"), `id="viewing-named" name="mode" type="radio" value="named" checked`)
	wantStatus(t, carol.post("/settings/viewing", url.Values{"mode": {"ghost"}}), http.StatusUnprocessableEntity)
	wantRedirect(t, carol.post("/settings/viewing", url.Values{"mode": {"private"}}), "/settings")
	wantBody(t, carol.get("/settings"), `value="private" checked`)
	wantStatus(t, carol.get("/in/bob"), 200)
	wantStatus(t, ada.get("/in/bob"), 200)
	page := bob.get("/me/views")
	wantBody(t, page, "2 members viewed your profile", "Someone in private mode", `href="/in/ada"`)
	if strings.Contains(string(page.Body), "carol") {
		t.Errorf("the private viewer is named on the page")
	}
	// In private mode, carol sees no names of her own viewers.
	wantStatus(t, bob.get("/in/carol"), 200)
	page = carol.get("/me/views")
	wantBody(t, page, "1 member viewed your profile", "A member", "private mode, so you do not see who viewed yours")
	if strings.Contains(string(page.Body), `href="/in/bob"`) {
		t.Errorf("a member in private mode sees who viewed them")
	}
}
