package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// post writes a post from the composer of the member's home page and
// returns the address of its page.
func (m *member) post(body, audience string) string {
	m.t.Helper()
	m.within("write a post",
		chromedp.Navigate(m.site.URL+"/"),
		chromedp.WaitVisible(`#post_body`),
		chromedp.SendKeys(`#post_body`, body),
		chromedp.Click(`//input[@name="audience"][@value="`+audience+`"]`),
		chromedp.Click(`//button[text()="Post"]`),
		chromedp.WaitVisible(`//p[@role="status"][text()="Posted."]`))
	href := m.attr(`//section[@aria-labelledby="feed-h"]//article[1]//p[@class="dates"]/a`, "href")
	if !href.Exists || !strings.HasPrefix(href.Value, "/posts/") {
		m.t.Fatalf("%s's new post has no link to its page: %+v", m.handle, href)
	}
	return href.Value
}

// feed returns the text of the member's home feed.
func (m *member) feed() string {
	m.t.Helper()
	m.within("home", chromedp.Navigate(m.site.URL+"/"), chromedp.WaitVisible(`#feed-h`))
	return m.text(`//section[@aria-labelledby="feed-h"]`)
}

// postsSite is ada and bob, connected, and carol, a stranger to both, each
// in a browser of their own.
func postsSite(t *testing.T) (site *testSite, ada, bob, carol *member) {
	t.Helper()
	chromium(t)
	site = newTestSite(t)
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second) // against a hung browser only
	t.Cleanup(cancel)
	ada = browserMember(t, ctx, site, "ada", "Ada Lovelace")
	bob = browserMember(t, ctx, site, "bob", "Bob Babbage")
	carol = browserMember(t, ctx, site, "carol", "Carol Herschel")
	connect(t, site, site.logIn("ada"), "ada", site.logIn("bob"), "bob")
	return site, ada, bob, carol
}

// TestBrowserPostConnectionsOnly: a post for connections only is in a
// connection's feed, and a stranger finds neither it nor its page.
func TestBrowserPostConnectionsOnly(t *testing.T) {
	site, ada, bob, carol := postsSite(t)
	page := ada.post("Between us: the engine works.", "connections")
	if got := ada.text(`//section[@aria-labelledby="feed-h"]//article[1]`); !strings.Contains(got, "Connections only") {
		t.Fatalf("ada's post does not say who sees it:\n%s", got)
	}
	ada.screenshot("rapport-feed.png")

	if feed := bob.feed(); !strings.Contains(feed, "Between us: the engine works.") || !strings.Contains(feed, "Ada Lovelace") {
		t.Fatalf("bob's feed lacks ada's post:\n%s", feed)
	}
	bob.within("the post's page", chromedp.Navigate(site.URL+page), chromedp.WaitVisible(`#comments-h`))

	if feed := carol.feed(); strings.Contains(feed, "the engine works") {
		t.Fatalf("carol's feed shows ada's post:\n%s", feed)
	}
	carol.within("the post's page", chromedp.Navigate(site.URL+page), chromedp.WaitVisible(`//h1[text()="Not Found"]`))
	if got := carol.text(`#main`); strings.Contains(got, "the engine works") || !strings.Contains(got, "Post not found.") {
		t.Fatalf("carol's answer for the post's page:\n%s", got)
	}
	carol.within("ada's profile", chromedp.Navigate(site.URL+"/in/ada"), chromedp.WaitVisible(`#activity-h`))
	if got := carol.text(`//section[@aria-labelledby="activity-h"]`); strings.Contains(got, "the engine works") {
		t.Fatalf("ada's activity, as carol sees it:\n%s", got)
	}
}

// TestBrowserSharingSwitch: a position added with the box unticked leaves
// nothing in a connection's feed, nor in the member's activity.
func TestBrowserSharingSwitch(t *testing.T) {
	site, ada, bob, _ := postsSite(t)
	ada.within("add a position without sharing it",
		chromedp.Navigate(site.URL+"/me/edit"),
		chromedp.WaitVisible(`#title`),
		chromedp.SendKeys(`#title`, "Head of Engines"),
		chromedp.SendKeys(`#organization_name`, "Analytical Engines Ltd"),
		chromedp.SetValue(`#start`, "2024-05"),
		chromedp.Click(`#current`),
		chromedp.Click(`#share_position`))
	if checked, err := chromedp.Run(ada.b, chromedp.Evaluate[bool](`document.querySelector("#share_position").checked`)); err != nil || checked {
		t.Fatalf("the sharing box is still ticked (%v)", err)
	}
	ada.screenshot("rapport-share-switch.png")
	ada.within("save", chromedp.Click(`//button[text()="Add position"]`), chromedp.WaitVisible(`//p[@role="status"][text()="Saved."]`))
	if got := ada.text(`#main`); !strings.Contains(got, "Head of Engines") {
		t.Fatalf("the position is not saved:\n%s", got)
	}
	// Sharing is still on for the next edit.
	if checked, err := chromedp.Run(ada.b, chromedp.Evaluate[bool](`document.querySelector("#share_position").checked`)); err != nil || !checked {
		t.Fatalf("after the edit the box is not ticked again (%v)", err)
	}

	feed := bob.feed()
	for _, trace := range []string{"Head of Engines", "Analytical Engines", "updated their profile"} {
		if strings.Contains(feed, trace) {
			t.Fatalf("bob's feed shows %q:\n%s", trace, feed)
		}
	}
	bob.within("ada's profile", chromedp.Navigate(site.URL+"/in/ada"), chromedp.WaitVisible(`#activity-h`))
	if got := bob.text(`//section[@aria-labelledby="activity-h"]`); strings.Contains(got, "Head of Engines") {
		t.Fatalf("ada's activity shows the position:\n%s", got)
	}
}

// TestBrowserPostCommentExchange: two connections answer each other under
// a post, and each sees the whole exchange.
func TestBrowserPostCommentExchange(t *testing.T) {
	site, ada, bob, _ := postsSite(t)
	page := ada.post("Who is coming to the meetup on Thursday?", "connections")

	comment := func(m *member, text string) {
		m.t.Helper()
		m.within("comment",
			chromedp.Navigate(site.URL+page),
			chromedp.WaitVisible(`#comment_body`),
			chromedp.SendKeys(`#comment_body`, text),
			chromedp.Click(`//button[text()="Comment"]`),
			chromedp.WaitVisible(`//p[@role="status"][text()="Comment added."]`))
	}
	bob.within("the post from the feed",
		chromedp.Navigate(site.URL+"/"),
		chromedp.Click(`//a[@class="comment-count"][@href="`+page+`#comments-h"]`),
		chromedp.WaitVisible(`#comment_body`))
	comment(bob, "I am, and I <b>bring</b> the punch cards.")
	comment(ada, "Perfect, see you there @bob.")
	bob.within("the exchange", chromedp.Navigate(site.URL+page), chromedp.WaitVisible(`#comments-h`))
	bob.screenshot("rapport-comments.png")
	got := bob.text(`//section[@aria-labelledby="comments-h"]//ol`)
	first, second := strings.Index(got, "I am, and I <b>bring</b> the punch cards."), strings.Index(got, "Perfect, see you there @bob.")
	if first < 0 || second < first || !strings.Contains(got, "Bob Babbage") || !strings.Contains(got, "Ada Lovelace") {
		t.Fatalf("the comments, as bob sees them:\n%s", got)
	}
	if feed := ada.feed(); !strings.Contains(feed, "2 comments") {
		t.Fatalf("ada's feed does not count the comments:\n%s", feed)
	}
}
