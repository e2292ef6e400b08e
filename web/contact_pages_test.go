package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
)

// upload posts a file of testdata/contacts to the import form.
func (b *browser) upload(path, field, name string) *response {
	b.t.Helper()
	raw, err := os.ReadFile("testdata/contacts/" + name)
	if err != nil {
		b.t.Fatal(err)
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	fw, _ := w.CreateFormFile(field, name)
	fw.Write(raw)
	w.Close()
	req, _ := http.NewRequest("POST", b.site.URL+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.send(req)
}

// importDone follows an import to its page, reloading it while its cards
// are stored, and returns the page with its report. A test that never
// sees the report fails at its own deadline.
func (b *browser) importDone(r *response) *response {
	b.t.Helper()
	wantRedirect(b.t, r, "/contact-imports/")
	path := r.Header.Get("Location")
	for {
		page := b.get(path)
		wantStatus(b.t, page, 200)
		if !strings.Contains(string(page.Body), `id="progress-h"`) {
			return page
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestContactPages adds, imports, edits, exports and deletes contacts
// through the pages, with errors shown on the form.
func TestContactPages(t *testing.T) {
	site, ada, _, carol := connectedPair(t)
	wantBody(t, ada.get("/contacts"), "No contacts yet.", `value="everyone" checked`)
	r := ada.post("/contacts", url.Values{"name": {""}, "emails": {"x"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, `id="name-error"`)
	wantRedirect(t, ada.post("/contacts", url.Values{"name": {"Bob from work"}, "emails": {"bob@example.com"}, "organization": {"Acme"}}), "/contacts")
	wantRedirect(t, ada.post("/contacts", url.Values{"name": {"Carol"}, "emails": {"carol@example.com, c@example.org"}}), "/contacts")
	page := ada.get("/contacts")
	// Bob is a connection already; Carol is on Rapport but not connected.
	wantBody(t, page, "Bob from work", "On Rapport</span> <a href=\"/in/bob\">", "Invite to connect")
	if strings.Count(string(page.Body), "Invite to connect") != 1 {
		t.Errorf("the page offers to invite other than Carol alone")
	}

	r = ada.importDone(ada.upload("/contacts/import", "file", "apple.vcf"))
	wantBody(t, r, "4 read: 2 imported, 1 merged into contacts you had, 1 skipped.", "Line 23: the card has no name and no email address", "Ada Lovelace")
	r = ada.importDone(ada.upload("/contacts/import", "file", "google.csv"))
	wantBody(t, r, "2 imported", "Alan Turing")
	wantStatus(t, ada.post("/contacts/import", url.Values{}), http.StatusUnprocessableEntity)
	r = ada.upload("/contacts/import", "file", "not-a-card.txt")
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, `id="file-error"`)

	// Edit one, then find it by search.
	id := ""
	for _, c := range contactsOf(t, site, site.logIn("ada"), "turing") {
		id = itoa(c.ID)
	}
	wantBody(t, ada.get("/contacts/"+id+"/edit"), `value="Alan Turing"`)
	r = ada.post("/contacts/"+id, url.Values{"name": {"Alan Turing"}, "emails": {"not-an-address"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, `id="emails-error"`)
	wantRedirect(t, ada.post("/contacts/"+id, url.Values{"name": {"Alan M. Turing"}, "title": {"Mathematician"}}), "/contacts")
	wantBody(t, ada.get("/contacts?q=mathematician"), "Alan M. Turing")
	// Carol reaches none of it.
	wantStatus(t, carol.get("/contacts/"+id+"/edit"), http.StatusNotFound)
	wantStatus(t, carol.post("/contacts/"+id+"/delete", nil), http.StatusNotFound)
	if strings.Contains(string(carol.get("/contacts").Body), "Turing") {
		t.Errorf("carol sees ada's contacts")
	}
	export := ada.get("/contacts/export")
	wantStatus(t, export, 200)
	wantBody(t, export, "BEGIN:VCARD", "FN:Alan M. Turing")
	wantRedirect(t, ada.post("/contacts/"+id+"/delete", nil), "/contacts")
	if strings.Contains(string(ada.get("/contacts").Body), "Turing") {
		t.Errorf("a deleted contact is listed")
	}
	wantRedirect(t, carol.post("/contacts/find-by-email", url.Values{"find_by_email": {"no_one"}}), "/contacts")
	if strings.Contains(string(ada.get("/contacts").Body), "Invite to connect") {
		t.Errorf("carol, found by no one, is shown as on Rapport")
	}
}
