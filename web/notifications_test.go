package web_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/service"
)

type notificationJSON struct {
	ID    int64  `json:"id"`
	Kind  string `json:"kind"`
	Actor *struct {
		Handle string `json:"handle"`
	} `json:"actor"`
	Organization *struct {
		Slug string `json:"slug"`
	} `json:"organization"`
	Text     string `json:"text"`
	URL      string `json:"url"`
	ThreadID *int64 `json:"thread_id"`
	Read     bool   `json:"read"`
}

type notificationsJSON struct {
	Notifications []notificationJSON `json:"notifications"`
	Unread        int                `json:"unread"`
	NextBefore    *int64             `json:"next_before"`
}

func notificationsOf(t *testing.T, site *testSite, token string) notificationsJSON {
	t.Helper()
	r := site.api("GET", "/api/v1/notifications", token, nil)
	if r.Status != 200 {
		t.Fatalf("notifications: %d %s", r.Status, r.Body)
	}
	var n notificationsJSON
	r.JSON(t, &n)
	return n
}

// kinds lists the kinds of a member's notifications, newest first, with
// their actors.
func (n notificationsJSON) kinds() []string {
	var out []string
	for _, x := range n.Notifications {
		who := ""
		if x.Actor != nil {
			who = x.Actor.Handle
		} else if x.Organization != nil {
			who = x.Organization.Slug
		}
		out = append(out, x.Kind+":"+who)
	}
	return out
}

// TestNotifications tells members of invitations, acceptances, comments,
// reactions, mentions, messages and seats; never of an ignored invitation,
// of their own acts, or of anything from a member blocked either way.
func TestNotifications(t *testing.T) {
	o := newOrgSite(t)
	site := o.testSite
	ada, bob, cy, eve := quickMember(t, site, "ada"), quickMember(t, site, "bob"), quickMember(t, site, "cy"), quickMember(t, site, "eve")

	// An invitation: its recipient is told; ignoring it tells its sender
	// nothing, byte for byte; accepting one is told.
	_, inv, _ := invite(t, site, bob, "cy")
	if got := notificationsOf(t, site, cy).kinds(); strings.Join(got, ",") != "invitation_received:bob" {
		t.Errorf("cy's notifications: %q", got)
	}
	bobBefore := site.api("GET", "/api/v1/notifications", bob, nil).Body
	if r := site.api("POST", fmt.Sprintf("/api/v1/invitations/%d/ignore", inv.ID), cy, nil); r.Status != 204 {
		t.Fatalf("ignore: %d", r.Status)
	}
	if after := site.api("GET", "/api/v1/notifications", bob, nil).Body; !bytes.Equal(bobBefore, after) {
		t.Errorf("the sender's notifications changed when the invitation was ignored:\n%s\n%s", bobBefore, after)
	}
	// A withdrawn invitation is no longer told of.
	_, toEve, _ := invite(t, site, bob, "eve")
	site.api("DELETE", fmt.Sprintf("/api/v1/invitations/%d", toEve.ID), bob, nil)
	if got := notificationsOf(t, site, eve); len(got.Notifications) != 0 || got.Unread != 0 {
		t.Errorf("eve is told of a withdrawn invitation: %+v", got)
	}
	connect(t, site, ada, "ada", bob, "bob")
	if got := notificationsOf(t, site, ada).kinds(); strings.Join(got, ",") != "invitation_accepted:bob" {
		t.Errorf("ada's notifications after bob accepted: %q", got)
	}

	// A post mentioning bob; bob comments and reacts; changing the
	// reaction keeps one notification of it; taking it off removes it.
	p := writePost(t, site, ada, "Thanks @bob for the help", rapport.AudienceConnections)
	if got := notificationsOf(t, site, bob).kinds(); len(got) == 0 || got[0] != "mention:ada" {
		t.Errorf("bob's notifications after the mention: %q", got)
	}
	site.api("POST", fmt.Sprintf("/api/v1/posts/%d/comments", p.ID), bob, map[string]any{"body": "Any time"})
	site.api("PUT", fmt.Sprintf("/api/v1/posts/%d/reaction", p.ID), bob, map[string]any{"reaction": "like"})
	site.api("PUT", fmt.Sprintf("/api/v1/posts/%d/reaction", p.ID), bob, map[string]any{"reaction": "celebrate"})
	// One's own acts are not told.
	site.api("PUT", fmt.Sprintf("/api/v1/posts/%d/reaction", p.ID), ada, map[string]any{"reaction": "like"})
	got := notificationsOf(t, site, ada)
	if strings.Join(got.kinds(), ",") != "reaction:bob,comment:bob,invitation_accepted:bob" || got.Unread != 3 {
		t.Errorf("ada's notifications: %q, %d unread", got.kinds(), got.Unread)
	}
	if !strings.Contains(got.Notifications[0].Text, "celebrate") || !strings.HasSuffix(got.Notifications[0].URL, fmt.Sprintf("/posts/%d", p.ID)) {
		t.Errorf("the reaction's notification: %+v", got.Notifications[0])
	}
	site.api("DELETE", fmt.Sprintf("/api/v1/posts/%d/reaction", p.ID), bob, nil)
	if got := notificationsOf(t, site, ada).kinds(); strings.Join(got, ",") != "comment:bob,invitation_accepted:bob" {
		t.Errorf("after bob took his reaction off: %q", got)
	}

	// A message, and reading its thread reads its notification.
	th := startThread(t, site, ada, []string{"bob"}, "Hello")
	n := notificationsOf(t, site, bob)
	if n.Notifications[0].Kind != "message" || n.Notifications[0].ThreadID == nil || *n.Notifications[0].ThreadID != th.ID || n.Notifications[0].Read {
		t.Fatalf("bob's message notification: %+v", n.Notifications[0])
	}
	startThread(t, site, ada, []string{"bob"}, "Hello again")
	if again := notificationsOf(t, site, bob); len(again.Notifications) != len(n.Notifications) {
		t.Errorf("a second message of the thread added a notification: %q", again.kinds())
	}
	site.api("POST", fmt.Sprintf("/api/v1/messages/%d/read", th.ID), bob, nil)
	if n := notificationsOf(t, site, bob); !n.Notifications[0].Read {
		t.Errorf("reading the thread left its notification unread: %+v", n.Notifications[0])
	}

	// Mark one read, then all; someone else's id is not found.
	first := notificationsOf(t, site, ada).Notifications[0]
	if r := site.api("POST", fmt.Sprintf("/api/v1/notifications/%d/read", first.ID), bob, nil); r.Status != 404 {
		t.Errorf("bob marks ada's notification read: %d", r.Status)
	}
	if r := site.api("POST", fmt.Sprintf("/api/v1/notifications/%d/read", first.ID), ada, nil); r.Status != 204 {
		t.Errorf("mark read: %d %s", r.Status, r.Body)
	}
	if c := unread(t, site, ada); c.Notifications != 1 {
		t.Errorf("ada's unread after marking one: %+v", c)
	}
	site.api("POST", "/api/v1/notifications/read", ada, nil)
	if c := unread(t, site, ada); c.Notifications != 0 {
		t.Errorf("ada's unread after marking all: %+v", c)
	}
	for _, q := range []string{"?before=0", "?before=x", "?page=2"} {
		if r := site.api("GET", "/api/v1/notifications"+q, ada, nil); r.Status/100 != 4 {
			t.Errorf("notifications%s: %d", q, r.Status)
		}
	}

	// A block hides what the other did, both ways, and stops new ones.
	site.api("POST", "/api/v1/me/blocks", ada, map[string]string{"handle": "bob"})
	if got := notificationsOf(t, site, ada).kinds(); len(got) != 0 {
		t.Errorf("ada still sees bob's notifications after blocking him: %q", got)
	}
	if got := notificationsOf(t, site, bob).kinds(); strings.Contains(strings.Join(got, ","), "ada") {
		t.Errorf("bob still sees ada's notifications after she blocked him: %q", got)
	}

	// Seats: offered, and taken back.
	seat := o.freeSeat(t, o.acmeAdmin, "acme")
	o.assign(t, o.acmeAdmin, "acme", seat, "cy")
	site.api("POST", fmt.Sprintf("/api/v1/me/seats/%d/accept", seat), cy, nil)
	if r := site.api("POST", fmt.Sprintf("/api/v1/organizations/acme/seats/%d/revoke", seat), o.acmeAdmin, nil); r.Status != 204 {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}
	if got := notificationsOf(t, site, cy).kinds(); strings.Join(got[:2], ",") != "seat_revoked:acme,seat_assigned:acme" {
		t.Errorf("cy's seat notifications: %q", got)
	}
}

// TestNotificationStream: a page's live stream gets the counts at once and
// each new notification as it comes, and ends at logout, when another
// process ends the session, at account suspension and at seat revocation.
func TestNotificationStream(t *testing.T) {
	o := newOrgSite(t)
	site := o.testSite
	ada, bob := quickMember(t, site, "ada"), quickMember(t, site, "bob")
	connect(t, site, ada, "ada", bob, "bob")
	site.api("POST", "/api/v1/notifications/read", ada, nil)

	st := site.openStream(ada, false, "")
	var counts countsJSON
	st.next(t, "counts").decode(t, &counts)
	if counts.Notifications != 0 || counts.Messages != 0 {
		t.Errorf("first counts: %+v", counts)
	}
	startThread(t, site, bob, []string{"ada"}, "Ping")
	var n notificationJSON
	st.next(t, "notification").decode(t, &n)
	if n.Kind != "message" || n.Actor == nil || n.Actor.Handle != "bob" {
		t.Errorf("live notification: %+v", n)
	}
	st.next(t, "counts").decode(t, &counts)
	if counts.Messages != 1 || counts.Notifications != 1 {
		t.Errorf("counts after the message: %+v", counts)
	}
	st.next(t, "heartbeat")

	// Logging out ends the streams of that session.
	token := site.logIn("ada")
	byCookie := site.openStream(token, true, "")
	byCookie.next(t, "counts")
	if r := site.api("DELETE", "/api/v1/sessions/current", token, nil); r.Status != 204 {
		t.Fatalf("log out: %d", r.Status)
	}
	if !byCookie.endsBefore("notification") {
		t.Errorf("the stream of a session logged out goes on")
	}
	// A session ended by another process ends at the next heartbeat.
	token = site.logIn("ada")
	other := site.openStream(token, false, "")
	other.next(t, "counts")
	c, err := site.Svc.Accounts.Authenticate(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	if err := site.DB.DeleteSession(context.Background(), c.MemberID, c.SessionID); err != nil {
		t.Fatal(err)
	}
	if !other.endsBefore("never") {
		t.Errorf("the stream of a session ended elsewhere goes on")
	}
	// A seat's stream ends when the seat is revoked; the holder's personal
	// stream goes on and is told.
	seatStream := site.openStream(o.acmeRecruiter, true, fmt.Sprint(o.acmeSeat))
	if seatStream.resp.StatusCode != 200 {
		t.Fatalf("seat stream: %d", seatStream.resp.StatusCode)
	}
	personal := site.openStream(o.acmeRecruiter, false, "")
	personal.next(t, "counts")
	seatStream.next(t, "counts")
	site.api("POST", fmt.Sprintf("/api/v1/organizations/acme/seats/%d/revoke", o.acmeSeat), o.acmeAdmin, nil)
	if !seatStream.endsBefore("never") {
		t.Errorf("the stream of a revoked seat goes on")
	}
	personal.next(t, "notification").decode(t, &n)
	if n.Kind != "seat_revoked" {
		t.Errorf("the holder's personal stream was told: %+v", n)
	}
	if again := site.openStream(o.acmeRecruiter, true, fmt.Sprint(o.acmeSeat)); again.resp.StatusCode != http.StatusForbidden {
		t.Errorf("a stream from a revoked seat opens: %d", again.resp.StatusCode)
	}
	// At most MaxStreams at once.
	cy := quickMember(t, site, "cy")
	for range service.MaxStreams {
		if s := site.openStream(cy, false, ""); s.resp.StatusCode != 200 {
			t.Fatalf("stream: %d", s.resp.StatusCode)
		}
	}
	if s := site.openStream(cy, false, ""); s.resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("a stream past the limit: %d", s.resp.StatusCode)
	}
}
