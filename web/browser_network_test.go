package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// member is one person in their own browser.
type member struct {
	t      *testing.T
	b      context.Context
	site   *testSite
	handle string
}

func (m *member) do(name string, steps ...chromedp.Action[chromedp.Void]) {
	m.t.Helper()
	if err := chromedp.Do(m.b, steps...); err != nil {
		m.t.Fatalf("%s, %s: %v", m.handle, name, err)
	}
}

func (m *member) text(sel string) string {
	m.t.Helper()
	v, err := chromedp.Run(m.b, chromedp.Text(sel))
	if err != nil {
		m.t.Fatalf("%s, text of %s: %v", m.handle, sel, err)
	}
	return v
}

// browserMember signs a new member up in a browser of their own.
func browserMember(t *testing.T, ctx context.Context, site *testSite, handle, name string) *member {
	t.Helper()
	m := &member{t: t, b: newChromium(t, ctx), site: site, handle: handle}
	m.do("sign up",
		chromedp.Navigate(site.URL+"/signup"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), handle+"@example.com"),
		chromedp.SendKeys(chromedp.ID("handle"), handle),
		chromedp.SendKeys(chromedp.ID("display_name"), name),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(`//h1[text()="Edit your profile"]`))
	return m
}

// invite sends an invitation from the other member's profile.
func (m *member) invite(handle, howMet string) {
	m.t.Helper()
	m.do("invite "+handle,
		chromedp.Navigate(m.site.URL+"/in/"+handle),
		chromedp.Click(`//a[text()="Connect"]`),
		chromedp.WaitVisible(`//legend[starts-with(text(), "How do you know")]`),
		chromedp.Click(`//input[@name="how_met"][@value="`+howMet+`"]`),
		chromedp.SendKeys(chromedp.ID("note"), "Good to see you at the meetup."),
		chromedp.Click(`//button[text()="Send invitation"]`),
		chromedp.WaitVisible(`//p[@role="status"][text()="Invitation sent."]`))
}

// TestBrowserInviteAndAccept: one member invites from a profile, the other
// accepts from "My network", and both see the connection.
func TestBrowserInviteAndAccept(t *testing.T) {
	chromium(t)
	site := newTestSite(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second) // against a hung browser only
	defer cancel()
	ada := browserMember(t, ctx, site, "ada", "Ada Lovelace")
	bob := browserMember(t, ctx, site, "bob", "Bob Babbage")

	ada.invite("bob", "colleague")
	bob.do("see the invitation",
		chromedp.Navigate(site.URL+"/network"),
		chromedp.WaitVisible(`//section[@aria-labelledby="received-h"]//strong[text()="Ada Lovelace"]`))
	if got := bob.text(`//section[@aria-labelledby="received-h"]`); !strings.Contains(got, "Good to see you at the meetup.") || !strings.Contains(got, "We work or worked together") {
		t.Fatalf("bob's invitation lacks the note or how they met:\n%s", got)
	}
	bob.do("accept",
		chromedp.Click(`//section[@aria-labelledby="received-h"]//button[starts-with(normalize-space(.), "Accept")]`),
		chromedp.WaitVisible(`//p[@role="status"][text()="You are connected."]`))
	if got := bob.text(`//section[@aria-labelledby="conn-h"]`); !strings.Contains(got, "Ada Lovelace") {
		t.Fatalf("bob's connections:\n%s", got)
	}
	ada.do("see the connection",
		chromedp.Navigate(site.URL+"/in/bob"),
		chromedp.WaitVisible(`//span[@class="degree"]`))
	if got := ada.text(`//span[@class="degree"]`); !strings.Contains(got, "1st") {
		t.Fatalf("bob's profile as ada sees it says %q", got)
	}
}

// TestBrowserIgnoredStaysPendingForSender: the recipient ignores; the
// sender's page still says pending, exactly as before.
func TestBrowserIgnoredStaysPendingForSender(t *testing.T) {
	chromium(t)
	site := newTestSite(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second) // against a hung browser only
	defer cancel()
	ada := browserMember(t, ctx, site, "ada", "Ada Lovelace")
	bob := browserMember(t, ctx, site, "bob", "Bob Babbage")

	ada.invite("bob", "friend")
	sentSection := `//section[@aria-labelledby="sent-h"]`
	before := ada.text(sentSection)
	if !strings.Contains(before, "Pending") || !strings.Contains(before, "Bob Babbage") {
		t.Fatalf("ada's sent invitations:\n%s", before)
	}

	bob.do("ignore",
		chromedp.Navigate(site.URL+"/network"),
		chromedp.Click(`//section[@aria-labelledby="received-h"]//button[starts-with(normalize-space(.), "Ignore")]`),
		chromedp.WaitVisible(`//p[@role="status"][starts-with(text(), "Invitation ignored.")]`))

	ada.do("look again", chromedp.Navigate(site.URL+"/network"), chromedp.WaitVisible(sentSection))
	if after := ada.text(sentSection); after != before {
		t.Fatalf("ada's sent invitations changed when bob ignored:\nbefore: %q\nafter:  %q", before, after)
	}
}
