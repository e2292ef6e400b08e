package web_test

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

type postJSON struct {
	ID         int64          `json:"id"`
	Kind       string         `json:"kind"`
	Audience   string         `json:"audience"`
	Body       string         `json:"body"`
	Reactions  map[string]int `json:"reactions"`
	MyReaction *string        `json:"my_reaction"`
	Author     struct{ Handle string }
	Mentions   []struct{ Handle string }
}

type feedJSON struct {
	Posts      []postJSON `json:"posts"`
	NextCursor *string    `json:"next_cursor"`
}

func (f feedJSON) bodies() []string {
	var out []string
	for _, p := range f.Posts {
		out = append(out, p.Body)
	}
	return out
}

func feedOf(t *testing.T, site *testSite, token, cursor string) feedJSON {
	t.Helper()
	path := "/api/v1/feed"
	if cursor != "" {
		path += "?cursor=" + cursor
	}
	r := site.api("GET", path, token, nil)
	if r.Status != 200 {
		t.Fatalf("feed: %d %s", r.Status, r.Body)
	}
	var out feedJSON
	r.JSON(t, &out)
	return out
}

func writePost(t *testing.T, site *testSite, token, body, audience string) postJSON {
	t.Helper()
	r := site.api("POST", "/api/v1/posts", token, map[string]any{"body": body, "audience": audience})
	if r.Status != 201 {
		t.Fatalf("post: %d %s", r.Status, r.Body)
	}
	var p postJSON
	r.JSON(t, &p)
	return p
}

// TestPostAudiences applies audiences, follows and blocks when posts are
// read: a connections-only post is for connections, and removing the
// connection hides it at once.
func TestPostAudiences(t *testing.T) {
	site := newTestSite(t)
	ada, bob, carol, dan, eve := quickMember(t, site, "ada"), quickMember(t, site, "bob"), quickMember(t, site, "carol"), quickMember(t, site, "dan"), quickMember(t, site, "eve")
	connect(t, site, ada, "ada", bob, "bob")
	site.api("POST", "/api/v1/me/following", dan, map[string]any{"handle": "ada"})
	site.api("POST", "/api/v1/me/blocks", ada, map[string]any{"handle": "eve"})
	public := writePost(t, site, ada, "Hello everyone", "public")
	private := writePost(t, site, ada, "Hello connections, and @bob and @carol", "connections")
	if len(private.Mentions) != 1 || private.Mentions[0].Handle != "bob" {
		t.Errorf("mentions %+v, want bob only (carol is no connection)", private.Mentions)
	}
	missing := site.api("GET", "/api/v1/posts/999999", carol, nil)
	for _, c := range []struct {
		who, token string
		feed       []string
		private    bool
	}{
		{"ada", ada, []string{private.Body, public.Body}, true},
		{"bob, a connection", bob, []string{private.Body, public.Body}, true},
		{"dan, a follower", dan, []string{public.Body}, false},
		{"carol, a stranger", carol, nil, false},
		{"eve, blocked", eve, nil, false},
		{"a visitor", "", nil, false},
	} {
		if c.token != "" {
			if got := feedOf(t, site, c.token, "").bodies(); !slices.Equal(got, c.feed) {
				t.Errorf("%s's feed: %q, want %q", c.who, got, c.feed)
			}
		}
		r := site.api("GET", fmt.Sprintf("/api/v1/posts/%d", private.ID), c.token, nil)
		if got := r.Status == 200; got != c.private {
			t.Errorf("%s reads the connections-only post: %d", c.who, r.Status)
		} else if !got && (r.Status != 404 || !bytes.Equal(r.Body, missing.Body)) {
			t.Errorf("%s is told the connections-only post exists: %d %s", c.who, r.Status, r.Body)
		}
	}
	if r := site.api("GET", fmt.Sprintf("/api/v1/posts/%d", public.ID), eve, nil); r.Status != 404 {
		t.Errorf("the blocked member reads the public post: %d", r.Status)
	}
	if r := site.api("GET", "/api/v1/members/ada/posts", carol, nil); r.Status != 200 || bytes.Contains(r.Body, []byte("Hello connections")) {
		t.Errorf("ada's activity as a stranger: %d %s", r.Status, r.Body)
	}
	// Removing the connection hides the post at once.
	if r := site.api("DELETE", "/api/v1/me/connections/ada", bob, nil); r.Status != 204 {
		t.Fatalf("remove: %d %s", r.Status, r.Body)
	}
	if r := site.api("GET", fmt.Sprintf("/api/v1/posts/%d", private.ID), bob, nil); r.Status != 404 {
		t.Errorf("a former connection reads the connections-only post: %d", r.Status)
	}
	if got := feedOf(t, site, bob, "").bodies(); len(got) != 0 {
		t.Errorf("a former connection's feed: %q", got)
	}
}

// TestProfileUpdatesSharing shares a profile edit with the member's
// network only while sharing is on, by the setting or the edit's own
// choice; an edit made with sharing off leaves no trace a connection can
// find.
func TestProfileUpdatesSharing(t *testing.T) {
	site := newTestSite(t)
	ada, hr := quickMember(t, site, "ada"), quickMember(t, site, "hr-manager")
	connect(t, site, ada, "ada", hr, "hr-manager")
	// Where an edit could be noticed: the feed, the notifications and
	// their counts, ada's activity, and the home page.
	traces := func() string {
		var b strings.Builder
		for _, path := range []string{"/api/v1/feed", "/api/v1/notifications", "/api/v1/me/unread", "/api/v1/members/ada/posts"} {
			b.Write(site.api("GET", path, hr, nil).Body)
		}
		req, _ := http.NewRequest("GET", site.URL+"/", nil)
		req.AddCookie(&http.Cookie{Name: "rapport_session", Value: hr})
		b.Write(site.do(req, nil).Body)
		return b.String()
	}
	// With the edit's own choice off, nothing.
	before := traces()
	if r := site.api("POST", "/api/v1/me/positions", ada, map[string]any{"title": "Secret Role", "organization_name": "Rival Corp", "start": "2026-10", "share": false}); r.Status != 201 {
		t.Fatalf("position: %d %s", r.Status, r.Body)
	}
	if r := site.api("PUT", "/api/v1/me/open-to-work", ada, map[string]any{"titles": []string{"Recruiter"}}); r.Status != 200 {
		t.Fatalf("open to work: %d %s", r.Status, r.Body)
	}
	if after := traces(); after != before {
		t.Errorf("an unshared edit and open to work left a trace for a connection:\nbefore: %s\nafter:  %s", before, after)
	}
	if r := site.api("GET", "/api/v1/members/ada", hr, nil); strings.Count(string(r.Body), "Secret Role") != 1 {
		t.Errorf("the profile shows the position other than once, in its list: %s", r.Body)
	}
	if got := feedOf(t, site, hr, "").bodies(); len(got) != 0 {
		t.Errorf("the HR manager's feed after an unshared edit and open to work: %q", got)
	}
	// With the setting off and no choice, nothing either.
	if r := site.api("PUT", "/api/v1/me/sharing", ada, map[string]any{"share_updates": false}); r.Status != 200 {
		t.Fatalf("sharing: %d %s", r.Status, r.Body)
	}
	site.api("PATCH", "/api/v1/me/profile", ada, map[string]any{"headline": "Looking around"})
	site.api("PUT", "/api/v1/me/skills", ada, map[string]any{"skills": []string{"Negotiation"}})
	site.api("POST", "/api/v1/me/education", ada, map[string]any{"school": "Night School"})
	// Ada's card shows her headline wherever she appears: that is her
	// profile, not a broadcast of its change.
	if after := strings.ReplaceAll(traces(), "Looking around", ""); after != before {
		t.Errorf("edits with sharing off left a trace for a connection:\nbefore: %s\nafter:  %s", before, after)
	}
	// An edit shared by its own choice, then by the setting.
	site.api("POST", "/api/v1/me/education", ada, map[string]any{"school": "Open University", "share": true})
	site.api("PUT", "/api/v1/me/sharing", ada, map[string]any{"share_updates": true})
	site.api("PATCH", "/api/v1/me/profile", ada, map[string]any{"headline": "Data engineer"})
	want := []string{"New headline: Data engineer", "New education: Open University"}
	if got := feedOf(t, site, hr, "").bodies(); !slices.Equal(got, want) {
		t.Errorf("the HR manager's feed: %q, want %q", got, want)
	}
	for _, p := range feedOf(t, site, hr, "").Posts {
		if p.Kind != "update" || p.Audience != "connections" || p.Author.Handle != "ada" {
			t.Errorf("an update: %+v", p)
		}
	}
}

// TestPostsAndComments edits, reacts, comments and pages, and refuses bad
// input naming the field.
func TestPostsAndComments(t *testing.T) {
	site := newTestSite(t)
	ada, bob, carol := quickMember(t, site, "ada"), quickMember(t, site, "bob"), quickMember(t, site, "carol")
	connect(t, site, ada, "ada", bob, "bob")
	p := writePost(t, site, ada, "First post", "")
	if p.Audience != "public" {
		t.Errorf("the default audience is %q", p.Audience)
	}
	for _, c := range []struct {
		method, path string
		body         map[string]any
		status       int
		field        string
	}{
		{"POST", "/api/v1/posts", map[string]any{"body": "  "}, 422, "body"},
		{"POST", "/api/v1/posts", map[string]any{"body": strings.Repeat("x", 3001)}, 422, "body"},
		{"POST", "/api/v1/posts", map[string]any{"body": "Hi", "audience": "friends"}, 422, "audience"},
		{"POST", "/api/v1/posts", map[string]any{"body": 5}, 400, "body"},
		{"PATCH", fmt.Sprintf("/api/v1/posts/%d", p.ID), map[string]any{"body": ""}, 422, "body"},
		{"PUT", fmt.Sprintf("/api/v1/posts/%d/reaction", p.ID), map[string]any{"reaction": "angry"}, 422, "reaction"},
		{"POST", fmt.Sprintf("/api/v1/posts/%d/comments", p.ID), map[string]any{"body": strings.Repeat("c", 1251)}, 422, "body"},
		{"GET", "/api/v1/feed?cursor=nope", nil, 422, "cursor"},
	} {
		r := site.api(c.method, c.path, ada, c.body)
		if r.Status != c.status || !bytes.Contains(r.Body, []byte(`"field":"`+c.field+`"`)) {
			t.Errorf("%s %s %v: %d %s, want %d naming %s", c.method, c.path, c.body, r.Status, r.Body, c.status, c.field)
		}
	}
	if r := site.api("PATCH", fmt.Sprintf("/api/v1/posts/%d", p.ID), bob, map[string]any{"body": "Hijacked"}); r.Status != 403 {
		t.Errorf("bob edits ada's post: %d", r.Status)
	}
	if r := site.api("DELETE", fmt.Sprintf("/api/v1/posts/%d", p.ID), bob, nil); r.Status != 404 {
		t.Errorf("bob deletes ada's post: %d", r.Status)
	}
	if r := site.api("PATCH", fmt.Sprintf("/api/v1/posts/%d", p.ID), ada, map[string]any{"body": "First post, edited", "audience": "connections"}); r.Status != 200 {
		t.Fatalf("edit: %d %s", r.Status, r.Body)
	}
	if r := site.api("GET", fmt.Sprintf("/api/v1/posts/%d", p.ID), carol, nil); r.Status != 404 {
		t.Errorf("after narrowing the audience a stranger reads the post: %d", r.Status)
	}
	// One reaction a member, changeable.
	site.api("PUT", fmt.Sprintf("/api/v1/posts/%d/reaction", p.ID), bob, map[string]any{"reaction": "like"})
	site.api("PUT", fmt.Sprintf("/api/v1/posts/%d/reaction", p.ID), bob, map[string]any{"reaction": "celebrate"})
	var got postJSON
	site.api("GET", fmt.Sprintf("/api/v1/posts/%d", p.ID), bob, nil).JSON(t, &got)
	if got.Reactions["celebrate"] != 1 || got.Reactions["like"] != 0 || got.MyReaction == nil || *got.MyReaction != "celebrate" {
		t.Errorf("reactions %v, mine %v", got.Reactions, got.MyReaction)
	}
	if r := site.api("PUT", fmt.Sprintf("/api/v1/posts/%d/reaction", p.ID), carol, map[string]any{"reaction": "like"}); r.Status != 404 {
		t.Errorf("a stranger reacts to a connections-only post: %d", r.Status)
	}
	// Comments: the post's author deletes bob's; bob cannot delete ada's.
	var cm struct{ ID int64 }
	if r := site.api("POST", fmt.Sprintf("/api/v1/posts/%d/comments", p.ID), bob, map[string]any{"body": "<b>Congrats</b>"}); r.Status != 201 {
		t.Fatalf("comment: %d %s", r.Status, r.Body)
	} else {
		r.JSON(t, &cm)
	}
	var own struct{ ID int64 }
	site.api("POST", fmt.Sprintf("/api/v1/posts/%d/comments", p.ID), ada, map[string]any{"body": "Thanks"}).JSON(t, &own)
	if r := site.api("DELETE", fmt.Sprintf("/api/v1/posts/%d/comments/%d", p.ID, own.ID), bob, nil); r.Status != 404 {
		t.Errorf("bob deletes ada's comment: %d", r.Status)
	}
	if r := site.api("DELETE", fmt.Sprintf("/api/v1/posts/%d/comments/%d", p.ID, cm.ID), ada, nil); r.Status != 204 {
		t.Errorf("the post's author deletes a comment: %d %s", r.Status, r.Body)
	}
	var comments []struct{ Body string }
	site.api("GET", fmt.Sprintf("/api/v1/posts/%d/comments", p.ID), bob, nil).JSON(t, &comments)
	if len(comments) != 1 || comments[0].Body != "Thanks" {
		t.Errorf("comments %+v", comments)
	}
	// Paging: 20 a page, newest first, nothing twice.
	for i := range 24 {
		writePost(t, site, bob, fmt.Sprintf("Note %02d", i), "public")
	}
	first := feedOf(t, site, ada, "")
	if len(first.Posts) != 20 || first.NextCursor == nil || first.Posts[0].Body != "Note 23" {
		t.Fatalf("first page: %d posts, next %v, first %q", len(first.Posts), first.NextCursor, first.Posts[0].Body)
	}
	second := feedOf(t, site, ada, *first.NextCursor)
	all := append(first.bodies(), second.bodies()...)
	if len(all) != 25 || second.NextCursor != nil || all[24] != "First post, edited" {
		t.Errorf("pages: %q (next %v)", all, second.NextCursor)
	}
	if r := site.api("DELETE", fmt.Sprintf("/api/v1/posts/%d", p.ID), ada, nil); r.Status != 204 {
		t.Errorf("delete: %d", r.Status)
	}
	if r := site.api("GET", fmt.Sprintf("/api/v1/posts/%d/comments", p.ID), ada, nil); r.Status != 404 {
		t.Errorf("the comments of a deleted post: %d", r.Status)
	}
}

// TestMembersOnlyAuthorsPosts keeps the posts of a member who shows their
// profile to members only from visitors, as their profile is.
func TestMembersOnlyAuthorsPosts(t *testing.T) {
	site := newTestSite(t)
	shy, other := quickMember(t, site, "shy"), quickMember(t, site, "other")
	site.api("PATCH", "/api/v1/me/profile", shy, map[string]any{"visibility": "members"})
	p := writePost(t, site, shy, "Public, but I am members only", "public")
	missing := site.api("GET", "/api/v1/posts/999999", "", nil)
	if r := site.api("GET", fmt.Sprintf("/api/v1/posts/%d", p.ID), "", nil); r.Status != 404 || !bytes.Equal(r.Body, missing.Body) {
		t.Errorf("a visitor reads the post: %d %s", r.Status, r.Body)
	}
	if r := site.api("GET", "/api/v1/members/shy/posts", "", nil); r.Status != 401 {
		t.Errorf("a visitor reads the activity: %d %s", r.Status, r.Body)
	}
	if r := site.api("GET", fmt.Sprintf("/api/v1/posts/%d", p.ID), other, nil); r.Status != 200 {
		t.Errorf("a member reads the post: %d", r.Status)
	}
}
