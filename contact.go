package rapport

import (
	"strings"
	"time"
)

// Limits of contacts.
const (
	ContactNameMaxLen  = 200
	ContactFieldMaxLen = 200
	ContactNotesMaxLen = 2000
	ContactMaxEmails   = 10
	ContactMaxPhones   = 10
	PhoneMaxLen        = 50
	// MaxContacts is how many contacts one member keeps at most.
	MaxContacts = 30000
)

// Contact is a business card a member keeps: visible to its owner alone.
type Contact struct {
	ID           int64
	OwnerID      int64
	Name         string
	Emails       []string
	Phones       []string
	Organization string
	Title        string
	Notes        string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	// Member is the member one of the emails belongs to, when that member
	// lets the owner find them by email; set when contacts are read.
	Member *Member
}

// Who may find a member by their email address, from contacts and imports.
const (
	FindByEmailEveryone    = "everyone"
	FindByEmailConnections = "connections"
	FindByEmailNoOne       = "no_one"
)

// Normalize trims the contact's fields and drops empty and repeated emails
// and phones.
func (c *Contact) Normalize() {
	c.Name, c.Organization, c.Title = strings.Join(strings.Fields(c.Name), " "), strings.TrimSpace(c.Organization), strings.TrimSpace(c.Title)
	c.Notes = strings.TrimSpace(c.Notes)
	c.Emails = distinct(c.Emails, NormalizeEmail)
	c.Phones = distinct(c.Phones, func(s string) string { return strings.Join(strings.Fields(s), "") })
}

func distinct(list []string, key func(string) string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, v := range list {
		v = strings.TrimSpace(v)
		if k := key(v); v != "" && !seen[k] {
			seen[k] = true
			out = append(out, v)
		}
	}
	return out
}

// Validate checks a normalized contact: a name, and fields within their
// limits, each error naming its field.
func (c *Contact) Validate() error {
	if err := checkText("name", c.Name, 1, ContactNameMaxLen); err != nil {
		return err
	}
	if len(c.Emails) > ContactMaxEmails {
		return FieldError("emails", "A contact has at most %d email addresses.", ContactMaxEmails)
	}
	for _, e := range c.Emails {
		if err := ValidateEmail(e); err != nil {
			return FieldError("emails", "%q is not an email address.", e)
		}
	}
	if len(c.Phones) > ContactMaxPhones {
		return FieldError("phones", "A contact has at most %d phone numbers.", ContactMaxPhones)
	}
	for _, p := range c.Phones {
		if err := checkText("phones", p, 1, PhoneMaxLen); err != nil {
			return err
		}
	}
	if err := checkText("organization", c.Organization, 0, ContactFieldMaxLen); err != nil {
		return err
	}
	if err := checkText("title", c.Title, 0, ContactFieldMaxLen); err != nil {
		return err
	}
	return checkMultiline("notes", c.Notes, ContactNotesMaxLen)
}
