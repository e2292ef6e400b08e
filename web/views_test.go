package web_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"
)

type viewsJSON struct {
	Mode  string `json:"mode"`
	Days  int    `json:"days"`
	Views []struct {
		Viewer *struct {
			Handle string `json:"handle"`
		} `json:"viewer"`
		Private  bool      `json:"private"`
		ViewedAt time.Time `json:"viewed_at"`
	} `json:"views"`
}

func viewsOf(t *testing.T, site *testSite, token string) (viewsJSON, []byte) {
	t.Helper()
	r := site.api("GET", "/api/v1/me/profile-views", token, nil)
	if r.Status != 200 {
		t.Fatalf("profile views: %d %s", r.Status, r.Body)
	}
	var v viewsJSON
	r.JSON(t, &v)
	return v, r.Body
}

// viewers lists the views as "handle", or "private" for one in private
// mode, newest first.
func (v viewsJSON) viewers() string {
	var out []string
	for _, x := range v.Views {
		switch {
		case x.Viewer != nil:
			out = append(out, x.Viewer.Handle)
		case x.Private:
			out = append(out, "private")
		default:
			out = append(out, "hidden")
		}
	}
	return strings.Join(out, ",")
}

// TestWhoViewedMyProfile records views by signed-in members, shows them by
// name or as "someone in private mode", never discloses a private viewer
// (not by a later change of mode either), hides names from a member in
// private mode, and forgets views after 90 days.
func TestWhoViewedMyProfile(t *testing.T) {
	site := newTestSite(t)
	bob, ada, cy, dee := quickMember(t, site, "bob"), quickMember(t, site, "ada"), quickMember(t, site, "cy"), quickMember(t, site, "dee")
	view := func(token string) {
		t.Helper()
		if r := site.api("GET", "/api/v1/members/bob", token, nil); r.Status != 200 {
			t.Fatalf("view bob: %d", r.Status)
		}
	}
	view("")  // anonymous: not recorded
	view(bob) // oneself: not recorded
	view(ada)
	if r := site.api("PUT", "/api/v1/me/profile-viewing", cy, map[string]string{"mode": "private"}); r.Status != 200 {
		t.Fatalf("private mode: %d %s", r.Status, r.Body)
	}
	// The profile page records a view as the API does.
	req, _ := http.NewRequest("GET", site.URL+"/in/bob", nil)
	req.AddCookie(&http.Cookie{Name: "rapport_session", Value: cy})
	if r := site.do(req, nil); r.Status != 200 {
		t.Fatalf("cy opens bob's page: %d", r.Status)
	}
	views, body := viewsOf(t, site, bob)
	if views.viewers() != "private,ada" || views.Mode != "named" || views.Days != 90 {
		t.Fatalf("bob's viewers: %q (%s)", views.viewers(), body)
	}
	if bytes.Contains(body, []byte("cy")) {
		t.Errorf("the private viewer shows in the answer: %s", body)
	}
	if at := views.Views[0].ViewedAt; !at.Equal(at.Truncate(24 * time.Hour)) {
		t.Errorf("a private view is given to the second: %s", at)
	}
	// Cy switching to named later discloses nothing of the private view.
	site.api("PUT", "/api/v1/me/profile-viewing", cy, map[string]string{"mode": "named"})
	if again, _ := viewsOf(t, site, bob); again.viewers() != "private,ada" {
		t.Errorf("after cy left private mode: %q", again.viewers())
	}
	// Bob in private mode sees no names either.
	site.api("PUT", "/api/v1/me/profile-viewing", bob, map[string]string{"mode": "private"})
	hidden, body := viewsOf(t, site, bob)
	if hidden.viewers() != "private,hidden" || bytes.Contains(body, []byte("ada")) {
		t.Errorf("bob in private mode sees: %q (%s)", hidden.viewers(), body)
	}
	site.api("PUT", "/api/v1/me/profile-viewing", bob, map[string]string{"mode": "named"})
	// A block hides the viewer, either way.
	view(dee)
	site.api("POST", "/api/v1/me/blocks", dee, map[string]string{"handle": "bob"})
	if got, _ := viewsOf(t, site, bob); strings.Contains(got.viewers(), "dee") {
		t.Errorf("a member who blocked bob shows among his viewers: %q", got.viewers())
	}
	// Bad input changes nothing.
	for _, body := range []any{map[string]string{"mode": "invisible"}, map[string]string{}, map[string]int{"mode": 1}} {
		if r := site.api("PUT", "/api/v1/me/profile-viewing", ada, body); r.Status/100 != 4 {
			t.Errorf("viewing %v: %d", body, r.Status)
		}
	}
	var mode struct{ Mode string }
	site.api("GET", "/api/v1/me/profile-viewing", ada, nil).JSON(t, &mode)
	if mode.Mode != "named" {
		t.Errorf("ada's mode after bad input: %q", mode.Mode)
	}
}

// TestProfileViewsForgottenAfter90Days: a view 91 days old is not shown.
func TestProfileViewsForgottenAfter90Days(t *testing.T) {
	site := newTestSite(t)
	bob, old, recent := quickMember(t, site, "bob"), quickMember(t, site, "old-viewer"), quickMember(t, site, "recent-viewer")
	site.Svc.SetClock(func() time.Time { return time.Now().AddDate(0, 0, -91) })
	site.api("GET", "/api/v1/members/bob", old, nil)
	site.Svc.SetClock(func() time.Time { return time.Now().AddDate(0, 0, -89) })
	site.api("GET", "/api/v1/members/bob", recent, nil)
	site.Svc.SetClock(time.Now)
	if got, _ := viewsOf(t, site, bob); got.viewers() != "recent-viewer" {
		t.Errorf("bob's viewers: %q", got.viewers())
	}
}
