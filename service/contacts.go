package service

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/store"
)

// ContactPageSize is how many contacts a page lists.
const ContactPageSize = 50

// Contacts are the business cards a member keeps. Every method acts on
// the caller's own contacts and no one else's: there is no route by which
// anyone else, an organization's admin or a seat included, reads them.
type Contacts struct {
	base
}

func notFoundContact() error { return rapport.Errorf(rapport.ENOTFOUND, "Contact not found.") }

// personal returns the caller acting for their personal account: contacts
// are never reached from a seat.
func personal(ctx context.Context) (rapport.Caller, error) {
	c, err := member(ctx)
	if err == nil && c.SeatID != 0 {
		err = rapport.Errorf(rapport.EFORBIDDEN, "Contacts belong to your personal account; switch back to it.")
	}
	return c, err
}

// List returns a page of the caller's contacts whose name, organization,
// title or an email contains q, by name, and whether there are more.
func (s *Contacts) List(ctx context.Context, q string, offset int) ([]*rapport.Contact, bool, error) {
	c, err := personal(ctx)
	if err != nil {
		return nil, false, err
	}
	if offset < 0 {
		return nil, false, rapport.FieldError("offset", "The offset is 0 or more.")
	}
	list, err := s.db.FindContacts(ctx, store.ContactFilter{OwnerID: c.MemberID, Query: q, Limit: ContactPageSize + 1, Offset: offset})
	if err != nil {
		return nil, false, err
	}
	more := len(list) > ContactPageSize
	if more {
		list = list[:ContactPageSize]
	}
	return list, more, s.onRapport(ctx, c.MemberID, list)
}

// onRapport sets the member each contact's email belongs to, where that
// member lets the caller find them by email.
func (s *base) onRapport(ctx context.Context, owner int64, list []*rapport.Contact) error {
	var keys []string
	for _, c := range list {
		for _, e := range c.Emails {
			keys = append(keys, rapport.NormalizeEmail(e))
		}
	}
	if len(keys) == 0 {
		return nil
	}
	found, err := s.db.FindMembersByEmail(ctx, owner, keys)
	if err != nil {
		return err
	}
	for _, c := range list {
		for _, e := range c.Emails {
			if m := found[rapport.NormalizeEmail(e)]; m != nil && c.Member == nil {
				c.Member = m
			}
		}
	}
	return nil
}

// Contact returns one of the caller's contacts.
func (s *Contacts) Contact(ctx context.Context, id int64) (*rapport.Contact, error) {
	c, err := personal(ctx)
	if err != nil {
		return nil, err
	}
	list, err := s.db.FindContacts(ctx, store.ContactFilter{OwnerID: c.MemberID, ID: id})
	if err != nil {
		return nil, err
	} else if len(list) == 0 {
		return nil, notFoundContact()
	}
	return list[0], s.onRapport(ctx, c.MemberID, list)
}

// Create adds a contact. Returns EINVALID naming the field at fault, and
// ECONFLICT past rapport.MaxContacts.
func (s *Contacts) Create(ctx context.Context, in rapport.Contact) (*rapport.Contact, error) {
	c, err := personal(ctx)
	if err != nil {
		return nil, err
	}
	in.ID, in.OwnerID = 0, c.MemberID
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if n, err := s.db.CountContacts(ctx, c.MemberID); err != nil {
		return nil, err
	} else if n >= rapport.MaxContacts {
		return nil, rapport.Errorf(rapport.ECONFLICT, "You keep %d contacts, the most there can be.", rapport.MaxContacts)
	}
	if err := s.db.CreateContact(ctx, &in, s.now()); err != nil {
		return nil, err
	}
	return s.Contact(ctx, in.ID)
}

// Update replaces the fields of one of the caller's contacts.
func (s *Contacts) Update(ctx context.Context, id int64, in rapport.Contact) (*rapport.Contact, error) {
	c, err := personal(ctx)
	if err != nil {
		return nil, err
	}
	in.ID, in.OwnerID = id, c.MemberID
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if err := s.db.UpdateContact(ctx, &in, s.now()); err != nil {
		return nil, err
	}
	return s.Contact(ctx, id)
}

// Delete deletes one of the caller's contacts.
func (s *Contacts) Delete(ctx context.Context, id int64) error {
	c, err := personal(ctx)
	if err != nil {
		return err
	}
	return s.db.DeleteContact(ctx, c.MemberID, id)
}

// ImportReport says what an import of contacts did.
type ImportReport struct {
	Read     int // cards in the file
	Imported int // new contacts
	Merged   int // cards that matched a contact kept already, by email or else by name
	Skipped  []SkippedCard
}

// SkippedCard is a card that was not imported, and why.
type SkippedCard struct {
	Line   int
	Reason string
}

// importBatch is how many contacts an import writes in one transaction.
const importBatch = 500

// Import reads a vCard or CSV file into the caller's contacts. A card
// whose email, or else name, matches a contact already kept (or one read
// before it) is merged into it: its new emails and phones are added, and
// fields the contact lacks are filled. Cards without a name and email,
// with fields out of bounds, or past rapport.MaxContacts are skipped with
// the reason, by line. progress is called as cards are stored.
func (s *Contacts) Import(ctx context.Context, r io.Reader, format string, progress func(done, total int)) (*ImportReport, error) {
	c, err := personal(ctx)
	if err != nil {
		return nil, err
	}
	cards, err := readCards(r, format)
	if err != nil {
		return nil, err
	}
	return s.importCards(ctx, c, cards, progress)
}

// StartImport reads a contacts file at once (a file that is not of its
// format is refused now), then stores its cards in the background, as
// Import does, recording the progress and then the report, which
// ImportStatus reads.
func (s *Contacts) StartImport(ctx context.Context, r io.Reader, format string) (*store.ContactImport, error) {
	c, err := personal(ctx)
	if err != nil {
		return nil, err
	}
	cards, err := readCards(r, format)
	if err != nil {
		return nil, err
	}
	im := &store.ContactImport{MemberID: c.MemberID, Status: rapport.ExportBuilding, Total: len(cards)}
	if err := s.db.CreateContactImport(ctx, im, s.now()); err != nil {
		return nil, err
	}
	bg := context.WithoutCancel(ctx)
	go func() {
		job := *im
		report, err := s.importCards(bg, c, cards, func(done, total int) {
			job.Done, job.Total = done, total
			if err := s.db.UpdateContactImport(bg, &job, s.now()); err != nil {
				s.log.Error("contact import progress", "import", job.ID, "err", err)
			}
		})
		job.Status = rapport.ExportReady
		if err != nil {
			s.log.Error("contact import", "import", job.ID, "err", err)
			job.Status = rapport.ExportFailed
		} else if b, err := json.Marshal(report); err == nil {
			job.Report = string(b)
		}
		if err := s.db.UpdateContactImport(bg, &job, s.now()); err != nil {
			s.log.Error("finish contact import", "import", job.ID, "err", err)
		}
	}()
	return im, nil
}

// ImportStatus returns one of the caller's imports: its progress while its
// cards are stored, then its report.
func (s *Contacts) ImportStatus(ctx context.Context, id int64) (*store.ContactImport, *ImportReport, error) {
	c, err := personal(ctx)
	if err != nil {
		return nil, nil, err
	}
	im, err := s.db.FindContactImport(ctx, c.MemberID, id)
	if err != nil || im.Report == "" {
		return im, nil, err
	}
	var report ImportReport
	if err := json.Unmarshal([]byte(im.Report), &report); err != nil {
		return nil, nil, fmt.Errorf("read import report %d: %w", id, err)
	}
	return im, &report, nil
}

func (s *Contacts) importCards(ctx context.Context, c rapport.Caller, cards []parsedCard, progress func(done, total int)) (*ImportReport, error) {
	kept, err := s.db.FindContacts(ctx, store.ContactFilter{OwnerID: c.MemberID})
	if err != nil {
		return nil, err
	}
	m := newContactMerger(kept)
	report := &ImportReport{Read: len(cards)}
	var creates []*rapport.Contact
	updates := map[*rapport.Contact]bool{}
	for _, card := range cards {
		if card.Err != "" {
			report.Skipped = append(report.Skipped, SkippedCard{card.Line, card.Err})
			continue
		}
		in := card.Contact
		in.OwnerID = c.MemberID
		in.Normalize()
		if in.Name == "" && len(in.Emails) > 0 {
			in.Name = in.Emails[0]
		}
		if err := in.Validate(); err != nil {
			reason := rapport.ErrorMessage(err)
			if in.Name == "" {
				reason = "the card has no name and no email address"
			} else if f := rapport.ErrorField(err); f != "" {
				reason = f + ": " + reason
			}
			report.Skipped = append(report.Skipped, SkippedCard{card.Line, reason})
			continue
		}
		if old := m.match(in); old != nil {
			merged := *old
			merged.Emails, merged.Phones = slices.Clone(old.Emails), slices.Clone(old.Phones)
			if mergeContact(&merged, in) {
				if err := merged.Validate(); err != nil {
					report.Skipped = append(report.Skipped, SkippedCard{card.Line, "merging it would break a limit: " + rapport.ErrorMessage(err)})
					continue
				}
				*old = merged
				m.add(old)
				if old.ID != 0 {
					updates[old] = true
				}
			}
			report.Merged++
			continue
		}
		if len(kept)+len(creates) >= rapport.MaxContacts {
			report.Skipped = append(report.Skipped, SkippedCard{card.Line, fmt.Sprintf("you keep %d contacts, the most there can be", rapport.MaxContacts)})
			continue
		}
		creates = append(creates, in)
		m.add(in)
		report.Imported++
	}
	var changed []*rapport.Contact
	for u := range updates {
		changed = append(changed, u)
	}
	total, done := len(creates)+len(changed), 0
	for len(creates) > 0 || len(changed) > 0 {
		nc, nu := min(importBatch, len(creates)), min(importBatch-min(importBatch, len(creates)), len(changed))
		if err := s.db.SaveContacts(ctx, creates[:nc], changed[:nu], s.now()); err != nil {
			return nil, err
		}
		creates, changed = creates[nc:], changed[nu:]
		done += nc + nu
		if progress != nil {
			progress(done, total)
		}
	}
	return report, nil
}

// contactMerger finds the contact a card is a duplicate of: one with an
// email in common, or else, for a card without email, one of the same
// name.
type contactMerger struct {
	byEmail map[string]*rapport.Contact
	byName  map[string]*rapport.Contact
}

func newContactMerger(list []*rapport.Contact) *contactMerger {
	m := &contactMerger{byEmail: map[string]*rapport.Contact{}, byName: map[string]*rapport.Contact{}}
	for _, c := range list {
		m.add(c)
	}
	return m
}

func (m *contactMerger) add(c *rapport.Contact) {
	for _, e := range c.Emails {
		if k := rapport.NormalizeEmail(e); m.byEmail[k] == nil {
			m.byEmail[k] = c
		}
	}
	if k := strings.ToLower(c.Name); m.byName[k] == nil {
		m.byName[k] = c
	}
}

func (m *contactMerger) match(c *rapport.Contact) *rapport.Contact {
	for _, e := range c.Emails {
		if old := m.byEmail[rapport.NormalizeEmail(e)]; old != nil {
			return old
		}
	}
	if len(c.Emails) == 0 {
		return m.byName[strings.ToLower(c.Name)]
	}
	return nil
}

// mergeContact adds what in has and old lacks to old, and reports whether
// old changed.
func mergeContact(old, in *rapport.Contact) bool {
	before := fmt.Sprint(*old)
	old.Emails = append(old.Emails, in.Emails...)
	old.Phones = append(old.Phones, in.Phones...)
	for _, f := range []struct{ dst, src *string }{{&old.Organization, &in.Organization}, {&old.Title, &in.Title}, {&old.Notes, &in.Notes}} {
		if *f.dst == "" {
			*f.dst = *f.src
		}
	}
	old.Normalize()
	return fmt.Sprint(*old) != before
}

// Export writes the caller's contacts as vCard 4.0.
func (s *Contacts) Export(ctx context.Context, w io.Writer) error {
	c, err := personal(ctx)
	if err != nil {
		return err
	}
	list, err := s.db.FindContacts(ctx, store.ContactFilter{OwnerID: c.MemberID})
	if err != nil {
		return err
	}
	return writeVCards(w, list)
}

// FindByEmail returns who may find the caller by their email address.
func (s *Contacts) FindByEmail(ctx context.Context) (string, error) {
	c, err := member(ctx)
	if err != nil {
		return "", err
	}
	return s.db.FindFindByEmail(ctx, c.MemberID)
}

// SetFindByEmail sets who may find the caller by their email address, in
// other members' contacts and imports. Returns EINVALID naming
// find_by_email.
func (s *Contacts) SetFindByEmail(ctx context.Context, v string) error {
	return s.SetEmailPrivacy(ctx, v, nil)
}

// SetEmailPrivacy sets who may find the caller by their email address,
// and, when showToConnections is not nil, whether their connections see
// the address (in their exports of their connections). Returns EINVALID
// naming find_by_email, and changes nothing then.
func (s *Contacts) SetEmailPrivacy(ctx context.Context, findBy string, showToConnections *bool) error {
	c, err := member(ctx)
	if err != nil {
		return err
	}
	switch findBy {
	case rapport.FindByEmailEveryone, rapport.FindByEmailConnections, rapport.FindByEmailNoOne:
	default:
		return rapport.FieldError("find_by_email", "Choose %q, %q or %q.", rapport.FindByEmailEveryone, rapport.FindByEmailConnections, rapport.FindByEmailNoOne)
	}
	if err := s.db.SetFindByEmail(ctx, c.MemberID, findBy); err != nil {
		return err
	}
	if showToConnections == nil {
		return nil
	}
	return s.db.SetEmailToConnections(ctx, c.MemberID, *showToConnections)
}

// EmailToConnections reports whether the caller's connections may see
// their email address.
func (s *Contacts) EmailToConnections(ctx context.Context) (bool, error) {
	c, err := member(ctx)
	if err != nil {
		return false, err
	}
	return s.db.FindEmailToConnections(ctx, c.MemberID)
}
