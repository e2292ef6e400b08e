package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// messageWait bounds each step of the message test that waits for the
// page: generous, for a slow shared machine. It is a deadline against a
// hung page, not a measurement.
const messageWait = 30 * time.Second

// logInChromium signs a member who has an account in, from the login form
// of a browser of their own.
func logInChromium(t *testing.T, ctx context.Context, site *testSite, handle string) *member {
	t.Helper()
	m := &member{t: t, b: newChromium(t, ctx), site: site, handle: handle}
	m.wait("log in",
		chromedp.Navigate(site.URL+"/login"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), handle+"@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(`//button[text()="Log out"]`))
	return m
}

// wait runs steps that wait for the page, failing the test when they do not
// end within messageWait.
func (m *member) wait(name string, steps ...chromedp.Action[chromedp.Void]) {
	m.t.Helper()
	ctx, cancel := context.WithTimeout(m.b, messageWait)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		m.t.Fatalf("%s, %s: %v", m.handle, name, err)
	}
}

// waitTrue waits until a JavaScript expression is true in the member's
// page, checking it on a timer.
func (m *member) waitTrue(name, expr string) {
	m.t.Helper()
	poll := chromedp.Poll[bool](expr, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(messageWait))
	if _, err := chromedp.Run(m.b, poll); err != nil {
		m.t.Fatalf("%s, waiting for %s: %v", m.handle, name, err)
	}
}

// isTrue evaluates a JavaScript expression in the member's page.
func (m *member) isTrue(expr string) bool {
	m.t.Helper()
	v, err := chromedp.Run(m.b, chromedp.Evaluate[bool](expr))
	if err != nil {
		m.t.Fatalf("%s, evaluate %s: %v", m.handle, expr, err)
	}
	return v
}

// messagesBadge is the header's Messages badge: its number, shown.
func messagesBadge(n string) string {
	const badge = `document.querySelector('header [data-count="messages"]')`
	if n == "0" {
		return badge + ` !== null && ` + badge + `.hidden && ` + badge + `.firstChild.nodeValue === "0"`
	}
	return badge + ` !== null && !` + badge + `.hidden && ` + badge + `.firstChild.nodeValue === "` + n + `"`
}

// untouched is true while no markup of a message has become an element nor
// any of its script run.
const untouched = `typeof window.pwned === "undefined" && ` +
	`document.querySelector("#thread-messages b, #thread-messages i, #thread-messages script") === null`

var threadPath = regexp.MustCompile(`/messages/([0-9]+)$`)

// TestBrowserMessageExchange: ada writes to bob, a connection, from her
// inbox; bob's header counts the message as it arrives, he reads it and
// answers, and the answer appears on ada's open conversation without a
// reload. Message text that looks like HTML stays text, both as the page
// renders it and as live.js does. Carol, a stranger to ada, is refused
// beside the "to" field, and nothing reaches ada.
func TestBrowserMessageExchange(t *testing.T) {
	chromium(t)
	site := newTestSite(t)
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second) // against a hung browser only
	defer cancel()
	for _, h := range []string{"ada", "bob", "carol"} {
		site.signUp(h)
	}
	adaToken := site.logIn("ada")
	connect(t, site, adaToken, "ada", site.logIn("bob"), "bob")

	ada := logInChromium(t, ctx, site, "ada")
	bob := logInChromium(t, ctx, site, "bob")
	carol := logInChromium(t, ctx, site, "carol")

	// Bob waits on his home page, nothing unread; the mark is lost if the
	// page is loaded again.
	bob.wait("home", chromedp.Navigate(site.URL+"/"), chromedp.WaitVisible(`#feed-h`))
	bob.waitTrue("no unread message", messagesBadge("0"))
	bob.isTrue(`window.stayed = true`)

	const first = `<b>Hi</b> Bob <script>window.pwned=1</script> & welcome`
	ada.wait("write to bob",
		chromedp.Navigate(site.URL+"/messages"),
		chromedp.WaitVisible(`#to`),
		chromedp.SendKeys(`#to`, "bob"),
		chromedp.SetValue(`#body`, first),
		chromedp.Click(`//form[@action="/messages"]//button[text()="Send"]`),
		chromedp.WaitVisible(`#thread-messages li.message p.text`))
	loc, err := chromedp.Run(ada.b, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	m := threadPath.FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("after sending, ada is at %s", loc)
	}
	id := m[1]
	ada.wantAttr(`#thread-messages`, "data-thread", id)
	if got := ada.text(`#thread-messages li.message p.text`); got != first {
		t.Fatalf("ada's thread shows %q, want the text as written, %q", got, first)
	}
	if got := ada.text(`h1`); got != "Bob Example" {
		t.Fatalf("ada's thread is named %q", got)
	}
	if !ada.isTrue(untouched) {
		t.Fatal("ada's message became markup on her thread page")
	}
	ada.isTrue(`window.stayed = true`)

	// Bob's badge counts the conversation, without a reload.
	bob.waitTrue("the Messages badge at 1", messagesBadge("1"))
	if !bob.isTrue(`window.stayed === true`) {
		t.Fatal("bob's page was loaded again")
	}

	bob.wait("inbox", chromedp.Navigate(site.URL+"/messages"), chromedp.WaitVisible(`#threads-h`))
	entry := `//section[@aria-labelledby="threads-h"]//li[contains(@class, "unread")][.//a[@href="/messages/` + id + `"]]`
	bob.wait("the unread conversation with ada", chromedp.WaitVisible(entry))
	if got := bob.text(entry); !strings.Contains(got, "Ada Example") || !strings.Contains(got, "1 new") {
		t.Fatalf("bob's inbox entry for the conversation:\n%s", got)
	}
	bob.wait("open the conversation",
		chromedp.Click(entry+`//a`),
		chromedp.WaitVisible(`#thread-messages li.message p.text`))
	if got := bob.text(`#thread-messages li.message p.text`); got != first {
		t.Fatalf("bob reads %q, want the text as written, %q", got, first)
	}
	if !bob.isTrue(untouched) {
		t.Fatal("ada's message became markup on bob's thread page")
	}
	// Read: the badge is gone.
	bob.waitTrue("the Messages badge hidden after reading", messagesBadge("0"))

	const reply = `Got it, <i>loud</i> & clear`
	bob.wait("reply",
		chromedp.SetValue(`#body`, reply),
		chromedp.Click(`//form[@action="/messages/`+id+`"]//button[text()="Send"]`),
		chromedp.WaitVisible(`//ol[@id="thread-messages"]/li[2]/p[@class="text"]`))
	if got := bob.text(`//ol[@id="thread-messages"]/li[2]/p[@class="text"]`); got != reply {
		t.Fatalf("bob's reply shows as %q", got)
	}
	bob.waitTrue("the Messages badge still hidden", messagesBadge("0"))

	// Ada, still on the conversation, sees the reply come, as text.
	ada.wait("the reply, live", chromedp.WaitVisible(`//ol[@id="thread-messages"]/li[2]/p[@class="text"]`))
	if !ada.isTrue(`window.stayed === true`) {
		t.Fatal("ada's page was loaded again")
	}
	if got := ada.text(`//ol[@id="thread-messages"]/li[1]/p[@class="text"]`); got != first {
		t.Fatalf("after the live update ada's first message is %q", got)
	}
	if got := ada.text(`//ol[@id="thread-messages"]/li[2]/p[@class="text"]`); got != reply {
		t.Fatalf("the reply appears on ada's page as %q, want %q", got, reply)
	}
	if got := ada.text(`//ol[@id="thread-messages"]/li[2]/p[@class="meta"]/strong`); got != "Bob Example" {
		t.Fatalf("the reply on ada's page is from %q", got)
	}
	if !ada.isTrue(untouched) || !ada.isTrue(`document.querySelector("#thread-messages li.message.mine") !== null`) {
		t.Fatal("the live update made markup of a message, or lost which one is ada's")
	}
	ada.screenshot("rapport-messages.png")
	// She has it before her eyes: the page marks it read.
	waitUntil(t, "ada's conversation marked read", func() bool {
		var list struct{ Unread int }
		r := site.api("GET", "/api/v1/messages", adaToken, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("ada's threads: %d %s", r.Status, r.Body)
		}
		r.JSON(t, &list)
		return list.Unread == 0
	})
	ada.waitTrue("ada's Messages badge hidden", messagesBadge("0"))

	// A stranger cannot write to ada.
	carol.wait("write to ada",
		chromedp.Navigate(site.URL+"/messages"),
		chromedp.WaitVisible(`#to`),
		chromedp.SendKeys(`#to`, "ada"),
		chromedp.SetValue(`#body`, "Hello from a stranger"),
		chromedp.Click(`//form[@action="/messages"]//button[text()="Send"]`),
		chromedp.WaitVisible(`#to-error`))
	if got := carol.text(`#to-error`); strings.TrimSpace(got) == "" {
		t.Fatal("carol's refusal beside the to field is empty")
	}
	carol.wantAttr(`#to`, "aria-invalid", "true")
	if got := carol.text(`#main`); !strings.Contains(got, "No conversations yet.") {
		t.Fatalf("carol's inbox after the refusal:\n%s", got)
	}
	var threads struct {
		Threads []struct {
			ID   int64
			Last struct{ Body string }
		}
	}
	r := site.api("GET", "/api/v1/messages", adaToken, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("ada's threads: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &threads)
	if len(threads.Threads) != 1 || threads.Threads[0].Last.Body != reply {
		t.Fatalf("ada's threads after carol's attempt: %s", r.Body)
	}
}

// waitUntil polls a condition outside the browser until it holds.
func waitUntil(t *testing.T, name string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(messageWait)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: still not so after %s", name, messageWait)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
