package web_test

import (
	"archive/zip"
	"bufio"
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// navigationStatus is the HTTP status of the page the browser shows, as the
// browser received it.
const navigationStatus = `performance.getEntriesByType("navigation")[0].responseStatus`

// TestBrowserContactsImportAndArchive: ada, signed in from the login form,
// imports an Apple Contacts file on /contacts and reads the report (one card
// merged, one skipped with its line); then she builds an archive of her data
// on /settings/data, waits while the page refreshes itself until it is ready,
// is refused with a wrong password, and downloads it with the right one
// through Chromium's own download. The ZIP holds her profile, her
// connection and the imported cards.
func TestBrowserContactsImportAndArchive(t *testing.T) {
	chromium(t)
	site := newTestSite(t)
	ctx, cancel := context.WithTimeout(context.Background(), 180*time.Second) // against a hung browser only
	defer cancel()
	connect(t, site, quickMember(t, site, "ada"), "ada", quickMember(t, site, "bob"), "bob")
	ada := logInChromium(t, ctx, site, "ada")

	// Import.
	apple, err := filepath.Abs(filepath.Join("testdata", "contacts", "apple.vcf"))
	if err != nil {
		t.Fatal(err)
	}
	ada.wait("the import form",
		chromedp.Navigate(site.URL+"/contacts"),
		chromedp.WaitVisible(`//h2[text()="Import"]`),
		chromedp.WaitVisible(`//li[@class="empty"][starts-with(text(), "No contacts yet.")]`),
		chromedp.SetUploadFiles(`#file`, []string{apple}),
		chromedp.Click(`//form[@action="/contacts/import"]//button[text()="Import"]`),
		chromedp.WaitVisible(`//section[@aria-labelledby="report-h"]//h2[text()="Import done"]`))
	// The import is stored in the background: the page shows its progress,
	// reloading itself, then its report.
	if loc := ada.location(); !strings.HasPrefix(loc, site.URL+"/contact-imports/") {
		t.Fatalf("after the import the browser is at %s", loc)
	}
	if !ada.isTrue(navigationStatus + ` === 200`) {
		t.Fatalf("the import answered %s, want 200", ada.eval(navigationStatus))
	}
	report := ada.text(`//section[@aria-labelledby="report-h"]`)
	for _, want := range []string{
		"4 read: 2 imported, 1 merged into contacts you had, 1 skipped.",
		"Line 23: the card has no name and no email address",
	} {
		if !strings.Contains(report, want) {
			t.Fatalf("the import report lacks %q:\n%s", want, report)
		}
	}
	if got := ada.eval(`String(document.querySelectorAll("section[aria-labelledby=report-h] ul.skipped li").length)`); got != "1" {
		t.Fatalf("the report lists %s skipped lines, want 1:\n%s", got, report)
	}
	const cards = `//section[@aria-labelledby="list-h"]//ul[contains(@class, "contacts")]/li`
	if got := ada.eval(`String(document.querySelectorAll("section[aria-labelledby=list-h] ul.contacts li.entry-row").length)`); got != "2" {
		t.Fatalf("the list shows %s contacts, want 2:\n%s", got, ada.text(`#main`))
	}
	adaCard := ada.text(cards + `[.//strong[text()="Ada Lovelace"]]`)
	for _, want := range []string{"Mathematician, Analytical Engines Ltd", "ada@engines.example", "+44 20 7946 0018", "+44 20 7946 0099"} {
		if !strings.Contains(adaCard, want) {
			t.Fatalf("Ada Lovelace's card, merged, lacks %q:\n%s", want, adaCard)
		}
	}
	charlesCard := ada.text(cards + `[.//strong[text()="Charles Babbage"]]`)
	for _, want := range []string{"charles@engines.example", "cb@home.example"} {
		if !strings.Contains(charlesCard, want) {
			t.Fatalf("Charles Babbage's card lacks %q:\n%s", want, charlesCard)
		}
	}
	if list := ada.text(`//section[@aria-labelledby="list-h"]`); strings.Contains(list, "No Name Inc") || strings.Contains(list, "Ada L.") {
		t.Fatalf("the skipped or merged card has an entry of its own:\n%s", list)
	}
	ada.screenshot("rapport-contacts-import.png")

	// Build an archive; the page refreshes itself until it is ready.
	ada.wait("build an archive",
		chromedp.Navigate(site.URL+"/settings/data"),
		chromedp.WaitVisible(`//h2[text()="Download your data"]`),
		chromedp.Click(`//form[@action="/settings/data/exports"]//button[text()="Build an archive"]`),
		chromedp.WaitVisible(`//ul[contains(@class, "exports")]/li`))
	if loc := ada.location(); !strings.HasPrefix(loc, site.URL+"/settings/data") || strings.Contains(loc, "/exports") {
		t.Fatalf("after asking for an archive the browser is at %s", loc)
	}
	// While it is being built, the page says how far and asks to be loaded
	// again; the build may well be over before the first look. One
	// expression, so that a reload cannot come between its parts.
	if !ada.isTrue(`(() => {
		const p = document.querySelector("ul.exports progress");
		if (p === null) return true;
		const s = p.parentElement.querySelector("[role=status]");
		return p.max > 0 && p.value <= p.max && s !== null &&
			s.textContent === "Being built: " + p.value + " of " + p.max + " files" &&
			document.querySelector('meta[http-equiv="refresh"]') !== null;
	})()`) {
		t.Fatalf("the archive being built:\n%s", ada.text(`ul.exports`))
	}
	const download = `//form[contains(@action, "/download")]//button[text()="Download"]`
	ada.wait("the archive ready, without a click", chromedp.WaitVisible(download))
	if !ada.isTrue(`document.querySelector('meta[http-equiv="refresh"]') === null`) {
		t.Fatal("the page still refreshes itself once the archive is ready")
	}
	if row := ada.text(`ul.exports li`); !strings.Contains(row, "Ready, ") || !strings.Contains(row, " bytes. Offered until ") {
		t.Fatalf("the ready archive's row:\n%s", row)
	}
	input := ada.attr(`ul.exports input[type="password"]`, "id").Value
	id, ok := strings.CutPrefix(input, "password-")
	if _, err := strconv.ParseInt(id, 10, 64); !ok || err != nil {
		t.Fatalf("the password field of the archive is named %q", input)
	}
	action := "/settings/data/exports/" + id + "/download"
	ada.wantAttr(`ul.exports form`, "action", action)
	if ada.isTrue(`document.querySelectorAll("form[action='/settings/data/exports'] button").length === 0`) {
		t.Fatal(`"Build an archive" is not offered again once the archive is ready`)
	}

	// A wrong password: the page again, with the reason, and no file.
	dir := t.TempDir()
	if _, err := chromedp.CallBrowser(ada.b, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior:     cdpbrowser.SetDownloadBehaviorBehaviorAllow,
		DownloadPath: dir,
	}); err != nil {
		t.Fatalf("allow downloads: %v", err)
	}
	ada.isTrue(`window.stayed = true`)
	ada.wait("a wrong password",
		chromedp.SendKeys(`#`+input, "not-my-password-at-all"),
		chromedp.Click(download),
		chromedp.WaitVisible(`//form[@action="`+action+`"]//*[contains(@class, "error")][contains(., "The password is wrong.")]`))
	if ada.isTrue(`window.stayed === true`) {
		t.Fatal("the wrong password did not load a page")
	}
	if loc := ada.location(); loc != site.URL+action {
		t.Fatalf("after the wrong password the browser is at %s", loc)
	}
	if !ada.isTrue(navigationStatus + ` === 401`) {
		t.Fatalf("the wrong password answered %s, want 401", ada.eval(navigationStatus))
	}
	if v := ada.eval(`document.getElementById("` + input + `").value`); v != "" {
		t.Fatalf("the password field is filled again with %q", v)
	}
	if files := downloads(t, dir); len(files) != 0 {
		t.Fatalf("the wrong password downloaded %v", files)
	}
	ada.screenshot("rapport-data-wrong-password.png")

	// The right one: Chromium saves the ZIP under the name the site gives.
	ada.isTrue(`window.stayed = true`)
	ada.wait("download",
		chromedp.SendKeys(`#`+input, testPassword),
		chromedp.Click(download))
	name := "rapport-data-" + id + ".zip"
	waitUntil(t, "the download of "+name, func() bool {
		files := downloads(t, dir)
		return len(files) == 1 && files[0] == name
	})
	if !ada.isTrue(`window.stayed === true`) {
		t.Fatal("the download replaced the page")
	}

	zr, err := zip.OpenReader(filepath.Join(dir, name))
	if err != nil {
		t.Fatalf("the downloaded archive: %v", err)
	}
	defer zr.Close()
	files := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatalf("open %s: %v", f.Name, err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("read %s: %v", f.Name, err)
		}
		files[f.Name] = string(b)
	}
	for _, want := range []string{"README.txt", "Profile.json", "Connections.csv", "Contacts.vcf"} {
		if _, ok := files[want]; !ok {
			t.Fatalf("the archive lacks %s; it holds %v", want, keys(files))
		}
	}
	if !strings.Contains(files["README.txt"], "Contacts.vcf") {
		t.Fatalf("README.txt does not describe Contacts.vcf:\n%s", files["README.txt"])
	}
	if !strings.Contains(files["Profile.json"], `"ada@example.com"`) {
		t.Fatalf("Profile.json is not ada's:\n%s", files["Profile.json"])
	}
	sc := bufio.NewScanner(strings.NewReader(files["Connections.csv"]))
	var lines []string
	for sc.Scan() {
		lines = append(lines, strings.TrimSuffix(sc.Text(), "\r"))
	}
	if len(lines) != 2 || lines[0] != "First Name,Last Name,URL,Email Address,Company,Position,Connected On" {
		t.Fatalf("Connections.csv, want its header and bob:\n%s", files["Connections.csv"])
	}
	if !strings.Contains(lines[1], site.URL+"/in/bob,") {
		t.Fatalf("the connection in Connections.csv is not bob: %s", lines[1])
	}
	for _, want := range []string{"BEGIN:VCARD", "Ada Lovelace", "Charles Babbage", "+44 20 7946 0099"} {
		if !strings.Contains(files["Contacts.vcf"], want) {
			t.Fatalf("Contacts.vcf lacks %q:\n%s", want, files["Contacts.vcf"])
		}
	}
	if n := strings.Count(files["Contacts.vcf"], "BEGIN:VCARD"); n != 2 {
		t.Fatalf("Contacts.vcf holds %d cards, want 2:\n%s", n, files["Contacts.vcf"])
	}
}

// location is the address of the member's page.
func (m *member) location() string {
	m.t.Helper()
	v, err := chromedp.Run(m.b, chromedp.Location())
	if err != nil {
		m.t.Fatalf("%s, location: %v", m.handle, err)
	}
	return v
}

// eval evaluates a JavaScript expression that gives a string in the
// member's page.
func (m *member) eval(expr string) string {
	m.t.Helper()
	v, err := chromedp.Run(m.b, chromedp.Evaluate[string](expr))
	if err != nil {
		m.t.Fatalf("%s, evaluate %s: %v", m.handle, expr, err)
	}
	return v
}

// downloads lists the files in a download folder, leaving out those
// Chromium is still writing.
func downloads(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".crdownload") {
			names = append(names, e.Name())
		}
	}
	return names
}

// keys lists the names of the files read from an archive.
func keys(files map[string]string) []string {
	var out []string
	for name := range files {
		out = append(out, name)
	}
	return out
}
