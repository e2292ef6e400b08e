package web

import (
	"bytes"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/service"
	"github.com/rapportnet/rapport/store"
)

// maxImportBytes is the largest contacts file an import takes.
const maxImportBytes = 20 << 20

type contactRequest struct {
	Name         string   `json:"name"`
	Emails       []string `json:"emails"`
	Phones       []string `json:"phones"`
	Organization string   `json:"organization"`
	Title        string   `json:"title"`
	Notes        string   `json:"notes"`
}

func (r contactRequest) contact() rapport.Contact {
	return rapport.Contact{Name: r.Name, Emails: r.Emails, Phones: r.Phones, Organization: r.Organization, Title: r.Title, Notes: r.Notes}
}

// contactResponse is a contact; member is the member its email belongs
// to, where that member lets the owner find them by email.
type contactResponse struct {
	ID           int64               `json:"id"`
	Name         string              `json:"name"`
	Emails       []string            `json:"emails"`
	Phones       []string            `json:"phones"`
	Organization string              `json:"organization"`
	Title        string              `json:"title"`
	Notes        string              `json:"notes"`
	Member       *memberCardResponse `json:"member"`
	CreatedAt    time.Time           `json:"created_at"`
	UpdatedAt    time.Time           `json:"updated_at"`
}

type contactListResponse struct {
	Contacts   []contactResponse `json:"contacts"`
	NextOffset *int              `json:"next_offset"`
}

type importReportResponse struct {
	Read     int                   `json:"read"`
	Imported int                   `json:"imported"`
	Merged   int                   `json:"merged"`
	Skipped  []skippedCardResponse `json:"skipped"`
}

type skippedCardResponse struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

type findByEmailRequest struct {
	FindByEmail        string `json:"find_by_email"`
	EmailToConnections *bool  `json:"email_to_connections,omitempty"`
}

func (s *Server) contactCards(r *http.Request, list ...*rapport.Contact) cards {
	var members []*rapport.Member
	for _, c := range list {
		members = append(members, c.Member)
	}
	return s.cardsFor(r, members...)
}

func newContactResponse(cs cards, c *rapport.Contact) contactResponse {
	return contactResponse{ID: c.ID, Name: c.Name, Emails: nonNil(c.Emails), Phones: nonNil(c.Phones), Organization: c.Organization,
		Title: c.Title, Notes: c.Notes, Member: cs.cardOf(c.Member), CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
}

func nonNil(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}

func (s *Server) handleAPIContacts(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := checkParams(q, "q", "offset"); err != nil {
		return err
	}
	offset, err := queryInt(q.Get("offset"), "offset", 0, 0, rapport.MaxContacts)
	if err != nil {
		return err
	}
	list, more, err := s.svc.Contacts.List(r.Context(), q.Get("q"), offset)
	if err != nil {
		return err
	}
	cs := s.contactCards(r, list...)
	out := contactListResponse{Contacts: []contactResponse{}}
	for _, c := range list {
		out.Contacts = append(out.Contacts, newContactResponse(cs, c))
	}
	if more {
		next := offset + len(list)
		out.NextOffset = &next
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) writeContact(w http.ResponseWriter, r *http.Request, status int, c *rapport.Contact) {
	writeJSON(w, status, newContactResponse(s.contactCards(r, c), c))
}

func (s *Server) handleAPIContactCreate(w http.ResponseWriter, r *http.Request) error {
	var req contactRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	c, err := s.svc.Contacts.Create(r.Context(), req.contact())
	if err != nil {
		return err
	}
	s.writeContact(w, r, http.StatusCreated, c)
	return nil
}

func (s *Server) handleAPIContact(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := s.svc.Contacts.Contact(r.Context(), id)
	if err != nil {
		return err
	}
	s.writeContact(w, r, http.StatusOK, c)
	return nil
}

func (s *Server) handleAPIContactUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var req contactRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	c, err := s.svc.Contacts.Update(r.Context(), id, req.contact())
	if err != nil {
		return err
	}
	s.writeContact(w, r, http.StatusOK, c)
	return nil
}

func (s *Server) handleAPIContactDelete(w http.ResponseWriter, r *http.Request) error {
	return s.noContent(w, r, s.svc.Contacts.Delete)
}

// importFormat is the format of a contacts file by its media type.
func importFormat(contentType string) (string, error) {
	mt, _, _ := mime.ParseMediaType(contentType)
	switch mt {
	case "text/vcard", "text/x-vcard", "text/directory":
		return service.FormatVCard, nil
	case "text/csv", "application/csv":
		return service.FormatCSV, nil
	}
	return "", rapport.Errorf(rapport.EUNSUPPORTED, "Send a vCard file as text/vcard or a CSV file as text/csv.")
}

func (s *Server) handleAPIContactsImport(w http.ResponseWriter, r *http.Request) error {
	format, err := importFormat(r.Header.Get("Content-Type"))
	if err != nil {
		return err
	}
	report, err := s.svc.Contacts.Import(r.Context(), r.Body, format, nil)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newImportReportResponse(report))
	return nil
}

func newImportReportResponse(rep *service.ImportReport) importReportResponse {
	out := importReportResponse{Read: rep.Read, Imported: rep.Imported, Merged: rep.Merged, Skipped: []skippedCardResponse{}}
	for _, sk := range rep.Skipped {
		out.Skipped = append(out.Skipped, skippedCardResponse{Line: sk.Line, Reason: sk.Reason})
	}
	return out
}

// handleAPIContactsExport sends the caller's contacts as one vCard file.
func (s *Server) handleAPIContactsExport(w http.ResponseWriter, r *http.Request) error {
	var buf bytes.Buffer
	if err := s.svc.Contacts.Export(r.Context(), &buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/vcard; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="Contacts.vcf"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
	return nil
}

func (s *Server) writeFindByEmail(w http.ResponseWriter, r *http.Request) error {
	v, err := s.svc.Contacts.FindByEmail(r.Context())
	if err != nil {
		return err
	}
	show, err := s.svc.Contacts.EmailToConnections(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, findByEmailRequest{FindByEmail: v, EmailToConnections: &show})
	return nil
}

func (s *Server) handleAPIFindByEmail(w http.ResponseWriter, r *http.Request) error {
	return s.writeFindByEmail(w, r)
}

func (s *Server) handleAPIFindByEmailPut(w http.ResponseWriter, r *http.Request) error {
	var req findByEmailRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if err := s.svc.Contacts.SetEmailPrivacy(r.Context(), req.FindByEmail, req.EmailToConnections); err != nil {
		return err
	}
	return s.writeFindByEmail(w, r)
}

// contactsPage is the contacts page: the list, a search, and the summary
// of an import.
type contactsPage struct {
	Contacts    []*rapport.Contact
	Query       string
	NextOffset  int // 0 when there is no next page
	Contact     *rapport.Contact
	Report      *service.ImportReport
	Importing   *store.ContactImport // an import being stored, or done
	FindByEmail string
	// EmailToConnections: the caller's connections may see their email.
	EmailToConnections bool
	Connected          map[int64]bool // members the caller is connected to, among those found
}

// splitList reads a list typed one a line or separated by commas.
func splitList(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' })
}

func contactForm(r *http.Request) (rapport.Contact, map[string]string) {
	v := formValues(r, "name", "emails", "phones", "organization", "title", "notes")
	return rapport.Contact{Name: v["name"], Emails: splitList(v["emails"]), Phones: splitList(v["phones"]),
		Organization: v["organization"], Title: v["title"], Notes: v["notes"]}, v
}

func (s *Server) contactsPage(w http.ResponseWriter, r *http.Request, data *pageData, err error) error {
	q := r.URL.Query()
	offset, _ := strconv.Atoi(q.Get("offset"))
	list, more, listErr := s.svc.Contacts.List(r.Context(), q.Get("q"), max(0, offset))
	if listErr != nil {
		return listErr
	}
	page := data.ContactList
	if page == nil {
		page = &contactsPage{}
		data.ContactList = page
	}
	page.Contacts, page.Query = list, q.Get("q")
	if more {
		page.NextOffset = max(0, offset) + len(list)
	}
	if page.FindByEmail, listErr = s.svc.Contacts.FindByEmail(r.Context()); listErr != nil {
		return listErr
	}
	if page.EmailToConnections, listErr = s.svc.Contacts.EmailToConnections(r.Context()); listErr != nil {
		return listErr
	}
	page.Connected = map[int64]bool{}
	var found []int64
	for _, c := range list {
		if c.Member != nil {
			found = append(found, c.Member.ID)
		}
	}
	for id, rel := range s.svc.Network.Relations(r.Context(), found) {
		page.Connected[id] = rel.Degree == 1
	}
	if err != nil {
		return s.formError(w, r, "contacts", data, err)
	}
	return s.render(w, http.StatusOK, "contacts", data)
}

func (s *Server) handleContactsPage(w http.ResponseWriter, r *http.Request) error {
	return s.contactsPage(w, r, s.newPage(r, "Contacts"), nil)
}

func (s *Server) handleContactCreateForm(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "Contacts")
	data.Form = "add"
	in, values := contactForm(r)
	data.Values = values
	if _, err := s.svc.Contacts.Create(r.Context(), in); err != nil {
		return s.contactsPage(w, r, data, err)
	}
	return redirect(w, r, "/contacts", "contactadded")
}

func (s *Server) contactEditPage(w http.ResponseWriter, r *http.Request, data *pageData, err error) error {
	id, getErr := pathID(r)
	if getErr != nil {
		return getErr
	}
	c, getErr := s.svc.Contacts.Contact(r.Context(), id)
	if getErr != nil {
		return getErr
	}
	data.ContactList = &contactsPage{Contact: c}
	if err != nil {
		return s.formError(w, r, "contact_edit", data, err)
	}
	data.Values = map[string]string{"name": c.Name, "emails": strings.Join(c.Emails, "\n"), "phones": strings.Join(c.Phones, "\n"),
		"organization": c.Organization, "title": c.Title, "notes": c.Notes}
	return s.render(w, http.StatusOK, "contact_edit", data)
}

func (s *Server) handleContactEditPage(w http.ResponseWriter, r *http.Request) error {
	return s.contactEditPage(w, r, s.newPage(r, "Edit contact"), nil)
}

func (s *Server) handleContactSaveForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	data := s.newPage(r, "Edit contact")
	in, values := contactForm(r)
	data.Values = values
	if _, err := s.svc.Contacts.Update(r.Context(), id, in); err != nil {
		return s.contactEditPage(w, r, data, err)
	}
	return redirect(w, r, "/contacts", "saved")
}

func (s *Server) handleContactDeleteForm(w http.ResponseWriter, r *http.Request) error {
	return s.onID(w, r, s.svc.Contacts.Delete, "/contacts", "deleted")
}

// handleContactsImportForm imports an uploaded file (its format told by
// its name or type) and shows the summary on the contacts page.
func (s *Server) handleContactsImportForm(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "Contacts")
	data.Form = "import"
	data.Values = map[string]string{"file": ""}
	file, header, err := r.FormFile("file")
	if err != nil {
		return s.contactsPage(w, r, data, rapport.FieldError("file", "Choose a vCard (.vcf) or CSV (.csv) file."))
	}
	defer file.Close()
	format := service.FormatCSV
	name := strings.ToLower(header.Filename)
	if strings.HasSuffix(name, ".vcf") || strings.HasSuffix(name, ".vcard") {
		format = service.FormatVCard
	} else if !strings.HasSuffix(name, ".csv") {
		if format, err = importFormat(header.Header.Get("Content-Type")); err != nil {
			return s.contactsPage(w, r, data, rapport.FieldError("file", "Choose a vCard (.vcf) or CSV (.csv) file."))
		}
	}
	im, err := s.svc.Contacts.StartImport(r.Context(), file, format)
	if err != nil {
		return s.contactsPage(w, r, data, err)
	}
	return redirect(w, r, "/contact-imports/"+strconv.FormatInt(im.ID, 10), "")
}

// handleContactImportPage shows an import's progress, reloading itself
// until its report is ready, then the report above the contacts.
func (s *Server) handleContactImportPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	im, report, err := s.svc.Contacts.ImportStatus(r.Context(), id)
	if err != nil {
		return err
	}
	data := s.newPage(r, "Contacts")
	data.ContactList = &contactsPage{Report: report, Importing: im}
	if im.Status == rapport.ExportBuilding {
		data.Refresh = 1
	}
	return s.contactsPage(w, r, data, nil)
}

func (s *Server) handleFindByEmailSave(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "Contacts")
	data.Form = "findbyemail"
	data.Values = formValues(r, "find_by_email")
	show := r.PostFormValue("email_to_connections") == "on"
	if err := s.svc.Contacts.SetEmailPrivacy(r.Context(), data.Values["find_by_email"], &show); err != nil {
		return s.contactsPage(w, r, data, err)
	}
	return redirect(w, r, "/contacts", "saved")
}
