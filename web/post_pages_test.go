package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/service"
	"github.com/rapportnet/rapport/web"
)

// TestPostHTML: a post's text is escaped whole; only http and https
// addresses become links, and @handle only for the mentions the service
// resolved.
func TestPostHTML(t *testing.T) {
	bob := &rapport.Member{ID: 2, Handle: "bob"}
	for _, c := range []struct {
		name     string
		body     string
		mentions []*rapport.Member
		want     string
	}{
		{"Plain", "Hello, network", nil, "Hello, network"},
		{"Script", `<script>alert(1)</script>`, nil, `&lt;script&gt;alert(1)&lt;/script&gt;`},
		{"AttributeBreakout", `" onmouseover="alert(1)`, nil, `&#34; onmouseover=&#34;alert(1)`},
		{"QuoteEndsLink", `https://a.example/"onmouseover="alert(1)`, nil,
			`<a href="https://a.example/" rel="nofollow ugc noopener">https://a.example/</a>&#34;onmouseover=&#34;alert(1)`},
		{"JavaScriptLink", `javascript:alert(1) and [x](javascript:alert(document.cookie))`, nil,
			`javascript:alert(1) and [x](javascript:alert(document.cookie))`},
		{"JavaScriptBeforeHTTP", `javascript:http://a.example`, nil,
			`javascript:<a href="http://a.example" rel="nofollow ugc noopener">http://a.example</a>`},
		{"DataLink", `data:text/html;base64,PHNjcmlwdD4=`, nil, `data:text/html;base64,PHNjcmlwdD4=`},
		{"Entities", `&lt;b&gt; &amp; &#60;i&#62; &quot;`, nil, `&amp;lt;b&amp;gt; &amp;amp; &amp;#60;i&amp;#62; &amp;quot;`},
		{"LinkWithQueryAndAngle", `See https://a.example/p?x=1&y=<b>2 now`, nil,
			`See <a href="https://a.example/p?x=1&amp;y=" rel="nofollow ugc noopener">https://a.example/p?x=1&amp;y=</a>&lt;b&gt;2 now`},
		{"LinkEndsSentence", `Read https://a.example/post. Or (https://a.example/x_(y)).`, nil,
			`Read <a href="https://a.example/post" rel="nofollow ugc noopener">https://a.example/post</a>. Or (<a href="https://a.example/x_(y)" rel="nofollow ugc noopener">https://a.example/x_(y)</a>).`},
		{"NoHost", `http:// and https://`, nil, `http:// and https://`},
		{"MentionResolved", "Thanks @Bob and @carol!", []*rapport.Member{bob},
			`Thanks <a class="mention" href="/in/bob">@Bob</a> and @carol!`},
		{"MentionNotAnEmail", "Write to ada@bob.example", []*rapport.Member{bob}, "Write to ada@bob.example"},
		{"MentionInLinkStaysLink", "https://a.example/@bob", []*rapport.Member{bob},
			`<a href="https://a.example/@bob" rel="nofollow ugc noopener">https://a.example/@bob</a>`},
		{"MentionWithMarkup", "<b>@bob</b>", []*rapport.Member{bob}, `&lt;b&gt;<a class="mention" href="/in/bob">@bob</a>&lt;/b&gt;`},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := string(web.PostHTML(&rapport.Post{Body: c.body, Mentions: c.mentions}))
			if got != c.want {
				t.Fatalf("postHTML(%q)\n got %s\nwant %s", c.body, got, c.want)
			}
		})
	}
	// Whatever the text, the only markup is the links made, to http(s) or /in/.
	body := `<img src=x onerror=alert(1)> <a href="javascript:alert(1)">x</a> 'onfocus='x' https://a.example/'x' @bob <svg/onload=alert(1)>`
	got := string(web.PostHTML(&rapport.Post{Body: body, Mentions: []*rapport.Member{bob}}))
	for _, tag := range regexp.MustCompile(`<[^>]*>`).FindAllString(got, -1) {
		if tag != "</a>" && !regexp.MustCompile(`^<a (class="mention" href="/in/[a-z0-9-]+"|href="https?://[^"<>]+" rel="nofollow ugc noopener")>$`).MatchString(tag) {
			t.Errorf("markup %s in %s", tag, got)
		}
	}
}

// postIDs lists the posts a page shows, in order.
func postIDs(r *response) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<article class="post" id="post-(\d+)">`).FindAllStringSubmatch(string(r.Body), -1) {
		out = append(out, m[1])
	}
	return out
}

// postForm writes a post through the home page's composer and returns its id.
func postForm(t *testing.T, b *browser, body, audience string) string {
	t.Helper()
	r := b.post("/posts", url.Values{"body": {body}, "audience": {audience}})
	wantRedirect(t, r, "/?notice=posted")
	home := b.get(r.Header.Get("Location"))
	wantStatus(t, home, http.StatusOK)
	wantBody(t, home, "Posted.")
	ids := postIDs(home)
	if len(ids) == 0 {
		t.Fatalf("the new post is not on its author's home page\n%.3000s", home.Body)
	}
	return ids[0]
}

// connectedPair makes ada and bob, connected, and carol, a stranger to
// both, each signed in in a browser of their own.
func connectedPair(t *testing.T) (site *testSite, ada, bob, carol *browser) {
	t.Helper()
	site = newTestSite(t)
	a, b := site.member("ada"), site.member("bob")
	site.signUp("carol")
	connect(t, site, a, "ada", b, "bob")
	return site, logInBrowser(t, site, "ada"), logInBrowser(t, site, "bob"), logInBrowser(t, site, "carol")
}

func TestPostPagesAudience(t *testing.T) {
	site, ada, bob, carol := connectedPair(t)

	home := ada.get("/")
	wantStatus(t, home, http.StatusOK)
	wantBody(t, home, `action="/posts"`, `<label for="post_body">`, `<legend>Who can see it</legend>`,
		`name="audience" value="public" checked`, "Connections only")

	private := postForm(t, ada, "Only for my connections", "connections")
	public := postForm(t, ada, "For everyone", "public")

	t.Run("ConnectionSeesBoth", func(t *testing.T) {
		bob.t = t
		r := bob.get("/")
		if got := postIDs(r); len(got) != 2 || got[0] != public || got[1] != private {
			t.Fatalf("bob's feed shows %v, want [%s %s]", got, public, private)
		}
		wantBody(t, r, `<a href="/in/ada"><strong>Ada Example</strong></a>`, "Only for my connections", `<span class="audience">Connections only</span>`,
			`<span class="audience">Anyone</span>`)
		wantStatus(t, bob.get("/posts/"+private), http.StatusOK)
		wantBody(t, bob.get("/in/ada"), `id="activity-h"`, "Only for my connections", "For everyone")
	})

	t.Run("StrangerFindsNothing", func(t *testing.T) {
		carol.t = t
		r := carol.get("/posts/" + private)
		wantStatus(t, r, http.StatusNotFound)
		wantBody(t, r, "Post not found.")
		wantNoBody(t, r, "Only for my connections")
		wantNoBody(t, carol.get("/"), "Only for my connections", "For everyone")
		profile := carol.get("/in/ada")
		wantBody(t, profile, "For everyone")
		wantNoBody(t, profile, "Only for my connections")
		// Nor may she react to it or comment on it.
		wantStatus(t, carol.post("/posts/"+private+"/react", url.Values{"reaction": {"like"}}), http.StatusNotFound)
		wantStatus(t, carol.post("/posts/"+private+"/comments", url.Values{"body": {"Hi"}}), http.StatusNotFound)
		// The public one is anyone's, signed in or not.
		wantBody(t, carol.get("/posts/"+public), "For everyone")
		anon := newBrowser(t, site).get("/posts/" + public)
		wantStatus(t, anon, http.StatusOK)
		wantBody(t, anon, "For everyone", "to react and comment")
		wantNoBody(t, anon, `action="/posts/`+public+`/react"`, `action="/posts/`+public+`/comments"`)
		wantStatus(t, newBrowser(t, site).get("/posts/"+private), http.StatusNotFound)
	})

	t.Run("FormerConnectionFindsNothing", func(t *testing.T) {
		bob.t = t
		wantRedirect(t, bob.post("/network/connections/ada/remove", nil), "/network")
		r := bob.get("/posts/" + private)
		wantStatus(t, r, http.StatusNotFound)
		wantNoBody(t, r, "Only for my connections")
		wantNoBody(t, bob.get("/in/ada"), "Only for my connections")
		if got := postIDs(bob.get("/")); len(got) != 0 {
			t.Fatalf("after removing the connection bob's feed shows %v", got)
		}
	})
}

func TestPostPagesEmptyPostRefused(t *testing.T) {
	site, ada, _, _ := connectedPair(t)
	before, err := site.Svc.Posts.Feed(as(t, site, "ada"), "")
	if err != nil {
		t.Fatal(err)
	}

	r := ada.post("/posts", url.Values{"body": {"  \n "}, "audience": {"connections"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, `id="post_body-error"`, "Write something first.", `aria-invalid="true"`,
		`name="audience" value="connections" checked`)

	r = ada.post("/posts", url.Values{"body": {"Kept <as typed>"}, "audience": {"friends"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, `id="post_audience-error"`, "Kept &lt;as typed&gt;</textarea>")

	r = ada.post("/posts", url.Values{"body": {strings.Repeat("x", rapport.PostMaxLen+1)}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, `id="post_body-error"`)

	after, err := site.Svc.Posts.Feed(as(t, site, "ada"), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(after.Posts) != len(before.Posts) {
		t.Fatalf("refused posts made %d posts", len(after.Posts)-len(before.Posts))
	}
	wantRedirect(t, newBrowser(t, site).post("/posts", url.Values{"body": {"Hi"}}), "/login")
}

func TestPostPagesCommentsAndReactions(t *testing.T) {
	_, ada, bob, carol := connectedPair(t)
	id := postForm(t, ada, "What do you think, @bob? See https://example.com/x", "public")
	page := "/posts/" + id

	r := ada.get(page)
	wantBody(t, r, `<a class="mention" href="/in/bob">@bob</a>`, `<a href="https://example.com/x" rel="nofollow ugc noopener">`,
		"No comments yet.", `action="/posts/`+id+`/edit"`, `action="/posts/`+id+`/delete"`)
	wantNoBody(t, bob.get(page), `action="/posts/`+id+`/edit"`, `action="/posts/`+id+`/delete"`)
	// A reaction from the feed comes back to it, without the notice.
	wantBody(t, ada.get("/?notice=posted"), "Posted.", `<input type="hidden" name="next" value="/">`)

	t.Run("EmptyCommentRefused", func(t *testing.T) {
		bob.t = t
		r := bob.post(page+"/comments", url.Values{"body": {" "}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		wantBody(t, r, `id="comment_body-error"`, "Write something first.")
		wantBody(t, bob.get(page), "No comments yet.")
	})

	var comment string
	t.Run("CommentRoundTrip", func(t *testing.T) {
		bob.t = t
		wantRedirect(t, bob.post(page+"/comments", url.Values{"body": {"I <b>agree</b> & more"}}), page+"?notice=commented")
		r := bob.get(page + "?notice=commented")
		wantBody(t, r, "Comment added.", `<a href="/in/bob"><strong>Bob Example</strong></a>`, "I &lt;b&gt;agree&lt;/b&gt; &amp; more")
		m := regexp.MustCompile(`action="/posts/` + id + `/comments/(\d+)/delete"`).FindStringSubmatch(string(r.Body))
		if m == nil {
			t.Fatal("bob is not offered to delete his own comment")
		}
		comment = m[1]
		wantBody(t, ada.get("/"), `1 comment</a>`)
		// The post's author may delete it too; a third member may not.
		wantBody(t, ada.get(page), `action="/posts/`+id+`/comments/`+comment+`/delete"`)
		wantNoBody(t, carol.get(page), `/comments/`+comment+`/delete"`)
		wantBody(t, carol.get(page), "I &lt;b&gt;agree&lt;/b&gt;")
		wantStatus(t, carol.post(page+"/comments/"+comment+"/delete", nil), http.StatusNotFound)
	})

	t.Run("PostAuthorDeletesComment", func(t *testing.T) {
		ada.t = t
		wantRedirect(t, ada.post(page+"/comments/"+comment+"/delete", nil), page+"?notice=commentdeleted")
		r := ada.get(page + "?notice=commentdeleted")
		wantBody(t, r, "Comment deleted.", "No comments yet.")
		wantNoBody(t, r, "I &lt;b&gt;agree")
		wantStatus(t, ada.post(page+"/comments/"+comment+"/delete", nil), http.StatusNotFound)
	})

	t.Run("Reactions", func(t *testing.T) {
		bob.t = t
		wantRedirect(t, bob.post(page+"/react", url.Values{"reaction": {"celebrate"}, "next": {"/"}}), "/")
		r := bob.get("/")
		wantBody(t, r, `value="celebrate" aria-pressed="true" formaction="/posts/`+id+`/unreact">Celebrate <span class="count">1</span>`,
			`value="like" aria-pressed="false">Like</button>`)
		wantStatus(t, bob.post(page+"/react", url.Values{"reaction": {"boo"}}), http.StatusUnprocessableEntity)
		// Another site is no place to come back to.
		wantRedirect(t, bob.post(page+"/unreact", url.Values{"next": {"https://evil.example/"}}), "/me")
		wantBody(t, bob.get(page), `value="celebrate" aria-pressed="false">Celebrate</button>`)
	})

	t.Run("EditAndDelete", func(t *testing.T) {
		ada.t = t
		r := ada.post(page+"/edit", url.Values{"body": {""}, "audience": {"public"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		wantBody(t, r, `id="edit_body-error"`)
		wantStatus(t, bob.post(page+"/edit", url.Values{"body": {"Bob's now"}}), http.StatusForbidden)
		wantRedirect(t, ada.post(page+"/edit", url.Values{"body": {"Changed my mind"}, "audience": {"connections"}}), page+"?notice=postsaved")
		wantBody(t, ada.get(page), "Changed my mind", " · edited", "Connections only")
		wantStatus(t, carol.get(page), http.StatusNotFound)

		wantStatus(t, bob.post(page+"/delete", nil), http.StatusNotFound)
		wantRedirect(t, ada.post(page+"/delete", nil), "/?notice=postdeleted")
		wantStatus(t, ada.get(page), http.StatusNotFound)
	})
}

func TestFeedPagesNext(t *testing.T) {
	site, ada, bob, _ := connectedPair(t)
	ctx := as(t, site, "ada")
	for i := range service.FeedPageSize + 2 {
		if _, err := site.Svc.Posts.Write(ctx, "Post number "+strconvFormat(int64(i)), rapport.AudienceConnections); err != nil {
			t.Fatal(err)
		}
	}
	first := bob.get("/")
	if n := len(postIDs(first)); n != service.FeedPageSize {
		t.Fatalf("the first page shows %d posts", n)
	}
	m := nextLink.FindStringSubmatch(string(first.Body))
	if m == nil {
		t.Fatal("the feed has no Next link")
	}
	second := bob.get(strings.ReplaceAll(m[1], "&amp;", "&"))
	wantStatus(t, second, http.StatusOK)
	wantBody(t, second, "Post number 1<", "Post number 0<", `name="next" value="/?cursor=`)
	if n := len(postIDs(second)); n != 2 || nextLink.Match(second.Body) {
		t.Fatalf("the second page shows %d posts, and a Next link: %v", n, nextLink.Match(second.Body))
	}
	wantStatus(t, ada.get("/?cursor=not-ours"), http.StatusUnprocessableEntity)
}

func TestPostPagesOrganization(t *testing.T) {
	site, ada, bob := acmeSite(t)
	r := ada.get("/org/acme")
	wantBody(t, r, `id="posts-h"`, `action="/org/acme/posts"`, "Post as Acme", "No posts yet.")
	wantNoBody(t, bob.get("/org/acme"), `action="/org/acme/posts"`)

	r = ada.post("/org/acme/posts", url.Values{"body": {""}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, "<h1>Acme</h1>", `id="post_body-error"`)
	wantStatus(t, bob.post("/org/acme/posts", url.Values{"body": {"Bob speaks for Acme"}}), http.StatusForbidden)
	wantStatus(t, ada.post("/org/nowhere/posts", url.Values{"body": {"Hello"}}), http.StatusNotFound)

	wantRedirect(t, ada.post("/org/acme/posts", url.Values{"body": {"We are hiring"}, "audience": {"connections"}}), "/org/acme?notice=posted")
	anon := newBrowser(t, site).get("/org/acme")
	wantBody(t, anon, "We are hiring", `<a href="/org/acme"><strong>Acme</strong></a>`, `<span class="audience">Anyone</span>`)
	// Its followers have it in their feed.
	wantRedirect(t, bob.post("/org/acme/follow", nil), "/org/acme")
	wantBody(t, bob.get("/"), "We are hiring")
}

// checkedBox reports whether the page's checkbox with the id is ticked.
func checkedBox(t *testing.T, r *response, id string) bool {
	t.Helper()
	m := regexp.MustCompile(`<input id="` + id + `"[^>]*>`).Find(r.Body)
	if m == nil {
		t.Fatalf("the page has no #%s\n%.3000s", id, r.Body)
	}
	return strings.Contains(string(m), " checked")
}

func TestSharingSwitchPages(t *testing.T) {
	site, ada, bob, _ := connectedPair(t)

	edit := ada.get("/me/edit")
	for _, id := range []string{"share_profile", "share_position", "share_education", "share_skills"} {
		if !checkedBox(t, edit, id) {
			t.Errorf("#%s is not ticked, while sharing is on", id)
		}
	}
	wantBody(t, edit, `<label for="share_position">Share this change with my network</label>`, `name="share_choice" value="1"`)

	position := func(title string, share bool) url.Values {
		v := url.Values{"title": {title}, "organization_name": {"Initech"}, "start": {"2024-02"}, "current": {"on"}, "share_choice": {"1"}}
		if share {
			v.Set("share", "on")
		}
		return v
	}

	t.Run("UncheckedLeavesNoTrace", func(t *testing.T) {
		ada.t, bob.t = t, t
		wantRedirect(t, ada.post("/me/positions", position("Quiet Analyst", false)), "/me/edit")
		wantBody(t, ada.get("/me/edit"), "Quiet Analyst")
		for name, r := range map[string]*response{"bob's feed": bob.get("/"), "ada's activity, to bob": bob.get("/in/ada"),
			"ada's own activity": ada.get("/in/ada"), "ada's feed": ada.get("/")} {
			if strings.Contains(string(r.Body), "updated their profile") || len(postIDs(r)) != 0 {
				t.Errorf("%s shows an update\n%.3000s", name, r.Body)
			}
		}
		// A refused form, shown again, keeps the box as it was left.
		r := ada.post("/me/positions", position("", false))
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if checkedBox(t, r, "share_position") {
			t.Error("the refused form ticks the box that was left empty")
		}
	})

	t.Run("CheckedShares", func(t *testing.T) {
		ada.t, bob.t = t, t
		wantRedirect(t, ada.post("/me/positions", position("Loud Analyst", true)), "/me/edit")
		want := "updated their profile: New position: Loud Analyst at Initech"
		wantBody(t, bob.get("/"), want)
		wantBody(t, bob.get("/in/ada"), want)
		wantNoBody(t, bob.get("/"), "Quiet Analyst")
	})

	t.Run("SettingIsTheDefault", func(t *testing.T) {
		ada.t, bob.t = t, t
		s := ada.get("/settings")
		wantBody(t, s, `action="/settings/sharing"`, "Open to work, your settings and your privacy choices are never shared.")
		if !checkedBox(t, s, "share_updates") {
			t.Fatal("the setting shows off, while it is on")
		}
		wantRedirect(t, ada.post("/settings/sharing", url.Values{}), "/settings?notice=sharingoff")
		if checkedBox(t, ada.get("/settings"), "share_updates") {
			t.Fatal("the setting still shows on")
		}
		if on, err := site.Svc.Profiles.ShareUpdates(as(t, site, "ada")); err != nil || on {
			t.Fatalf("share updates = %v, %v", on, err)
		}
		edit := ada.get("/me/edit")
		if checkedBox(t, edit, "share_skills") {
			t.Fatal("the skills form ticks the box, while sharing is off")
		}
		// Ticked on one edit, it shares that edit.
		wantRedirect(t, ada.post("/me/skills", url.Values{"skills": {"Go, SQL"}, "share_choice": {"1"}, "share": {"on"}}), "/me/edit")
		wantBody(t, bob.get("/"), "New skills: Go, SQL")
		wantRedirect(t, ada.post("/me/profile", url.Values{"display_name": {"Ada Example"}, "headline": {"Quiet headline"},
			"visibility": {"public"}, "share_choice": {"1"}}), "/me/edit")
		wantNoBody(t, bob.get("/"), "Quiet headline")
		wantRedirect(t, ada.post("/settings/sharing", url.Values{"share_updates": {"on"}}), "/settings?notice=sharingon")
		wantStatus(t, ada.post("/settings/sharing", url.Values{"share_updates": {"maybe"}}), http.StatusUnprocessableEntity)
	})
}
