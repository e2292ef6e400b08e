package web_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromium returns the path of the browser, or skips the test (fails it in
// CI, where RAPPORT_REQUIRE_BROWSER=1).
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("RAPPORT_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("RAPPORT_REQUIRE_BROWSER") == "1" {
		t.Fatal("RAPPORT_REQUIRE_BROWSER=1 but no Chromium was found: install Debian's chromium package or set RAPPORT_CHROMIUM")
	}
	t.Skip("no Chromium: install Debian's chromium package or set RAPPORT_CHROMIUM to run the browser test")
	return ""
}

// newChromium starts a headless browser with a profile of its own.
//
// Starting is tried a few times: in some containers Chromium's zygote now
// and then fails to fork its first helper process, and the browser exits
// before it answers. That says nothing about the site, so it is not a
// failure of the test; any later error is.
func newChromium(t *testing.T, ctx context.Context) context.Context {
	t.Helper()
	path := chromium(t)
	var err error
	for attempt := 1; attempt <= 3; attempt++ {
		opts := []chromedp.ExecAllocatorOption{
			chromedp.ExecPath(path),
			chromedp.Headless,
			chromedp.NoSandbox, // CI runs as root
			chromedp.DisableGPU,
			chromedp.NoFirstRun,
			chromedp.NoDefaultBrowserCheck,
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.UserDataDir(t.TempDir()),
			chromedp.WindowSize(1100, 900),
		}
		allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
		bctx, cancel := chromedp.NewContext(allocCtx)
		if err = chromedp.Do(bctx); err == nil {
			t.Cleanup(func() { cancel(); cancelAlloc() })
			return bctx
		}
		cancel()
		cancelAlloc()
		if ctx.Err() != nil || !strings.Contains(err.Error(), "failed to start") {
			break
		}
		t.Logf("Chromium did not start (attempt %d), trying again: %v", attempt, err)
	}
	t.Fatalf("start Chromium: %v", err)
	return nil
}

// TestBrowserSignUpToPublicProfile drives real Chromium through the site: a
// weak password refused with its reason, sign-up, log out and in, a new
// position, and that position on the public profile as a second member sees it.
func TestBrowserSignUpToPublicProfile(t *testing.T) {
	chromium(t)
	site := newTestSite(t)
	// A deadline against a hung browser, not a measurement.
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	ada := newChromium(t, ctx)

	do := func(b context.Context, name string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(b, steps...); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	read := func(b context.Context, name string, a chromedp.Action[string]) string {
		t.Helper()
		v, err := chromedp.Run(b, a)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return v
	}
	signUp := func(b context.Context, email, handle, name, password string) {
		t.Helper()
		do(b, "sign-up form",
			chromedp.Navigate(site.URL+"/signup"),
			chromedp.WaitVisible(chromedp.ID("email")),
			chromedp.SendKeys(chromedp.ID("email"), email),
			chromedp.SendKeys(chromedp.ID("handle"), handle),
			chromedp.SendKeys(chromedp.ID("display_name"), name),
			chromedp.SendKeys(chromedp.ID("password"), password),
			chromedp.Submit(chromedp.ID("password")))
	}

	signUp(ada, "ada@example.com", "ada", "Ada Lovelace", "password123")
	do(ada, "weak password refused", chromedp.WaitVisible(chromedp.ID("password-error")))
	if reason := read(ada, "reason", chromedp.Text(chromedp.ID("password-error"))); !strings.Contains(reason, "most common") {
		t.Fatalf("the reason beside the password field is %q", reason)
	}

	signUp(ada, "ada@example.com", "ada", "Ada Lovelace", testPassword)
	do(ada, "signed up", chromedp.WaitVisible(`//h1[text()="Edit your profile"]`))
	if url := read(ada, "location", chromedp.Location()); !strings.HasSuffix(url, "/me/edit?notice=welcome") {
		t.Fatalf("after sign-up the browser is at %s", url)
	}

	do(ada, "log out",
		chromedp.Click(`//button[text()="Log out"]`),
		chromedp.WaitVisible(`//a[text()="Log in"]`))

	do(ada, "log in",
		chromedp.Navigate(site.URL+"/login"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "ada@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(`//button[text()="Log out"]`))

	do(ada, "add a position",
		chromedp.Navigate(site.URL+"/me/edit"),
		chromedp.WaitVisible(chromedp.ID("title")),
		chromedp.SendKeys(chromedp.ID("title"), "Analyst"),
		chromedp.SendKeys(chromedp.ID("organization_name"), "Analytical Engines Ltd"),
		// Typing into a month input depends on the browser's locale; set its value.
		chromedp.SetValue(chromedp.ID("start"), "2021-03"),
		chromedp.Click(chromedp.ID("current")),
		chromedp.Click(`//button[text()="Add position"]`),
		chromedp.WaitVisible(`//p[@role="status"][text()="Saved."]`))
	if page := read(ada, "edit page", chromedp.Text(chromedp.ID("main"))); !strings.Contains(page, "Analytical Engines Ltd") {
		t.Fatalf("the edit page does not list the new position:\n%s", page)
	}

	// A second member, in a browser of their own.
	bob := newChromium(t, ctx)
	signUp(bob, "bob@example.com", "bob", "Bob", testPassword)
	do(bob, "bob signed up", chromedp.WaitVisible(`//h1[text()="Edit your profile"]`))
	do(bob, "ada's profile",
		chromedp.Navigate(site.URL+"/in/ada"),
		chromedp.WaitVisible(`//h1[text()="Ada Lovelace"]`))
	profile := read(bob, "profile text", chromedp.Text(chromedp.ID("main")))
	for _, want := range []string{"Analyst", "Analytical Engines Ltd", "Mar 2021 – Present"} {
		if !strings.Contains(profile, want) {
			t.Fatalf("ada's public profile, as bob sees it, lacks %q:\n%s", want, profile)
		}
	}
	if strings.Contains(profile, "Edit profile\n") {
		t.Fatalf("bob is offered to edit ada's profile:\n%s", profile)
	}
	shot, err := chromedp.Run(bob, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(t.TempDir(), "profile.png"), shot, 0o644); err != nil {
		t.Fatal(err)
	}
	// RAPPORT_SCREENSHOTS=/tmp keeps a copy to look at after the run.
	if dir := os.Getenv("RAPPORT_SCREENSHOTS"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, "rapport-profile.png"), shot, 0o644); err != nil {
			t.Error(err)
		}
	}
}
