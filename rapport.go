// Package rapport holds the domain of a self-hosted professional network:
// members and their profiles, the rules that decide whether a value is valid,
// the closed set of error kinds and the caller carried in a context.
//
// It imports only the standard library. The rules about who may do what live
// in package service; storage lives in package store.
package rapport

import (
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits on what members type. Lengths are counted in code points.
const (
	HandleMinLen      = 3
	HandleMaxLen      = 30
	EmailMaxLen       = 254
	DisplayNameMaxLen = 100
	HeadlineMaxLen    = 220
	AboutMaxLen       = 2600
	LocationMaxLen    = 100
	TitleMaxLen       = 100
	OrgNameMaxLen     = 100
	SchoolMaxLen      = 100
	DegreeMaxLen      = 100
	DescriptionMaxLen = 2000
	MaxSkills         = 100
	SkillMaxLen       = 80
	MaxPositions      = 100
	MaxEducation      = 50
	TokenNameMaxLen   = 100
)

// Member statuses.
const (
	StatusActive    = "active"
	StatusSuspended = "suspended"
	// StatusClosed is an account its member closed: hidden everywhere,
	// reopened by logging in within ReopenWindow, deleted after.
	StatusClosed = "closed"
)

// ReopenWindow is how long a closed account can be reopened by logging in;
// after it, its personal data is deleted.
const ReopenWindow = 14 * 24 * time.Hour

// Profile visibilities: who can read /in/{handle}.
const (
	VisibilityPublic  = "public"  // everyone, signed in or not
	VisibilityMembers = "members" // signed-in members only
)

// Member is a person with an account. The account belongs to the member:
// only they change it.
type Member struct {
	ID          int64
	Handle      string
	Email       string
	DisplayName string
	Status      string
	CreatedAt   time.Time
	Profile     Profile
}

// Profile is what a member says about themselves.
type Profile struct {
	// ConnectionsVisibility says who sees the member's connections.
	ConnectionsVisibility string
	Headline              string
	About                 string
	Location              string
	Visibility            string
	Positions             []Position
	Education             []Education
	Skills                []string
	// OpenToWork is the visibility of the member's open-to-work signal,
	// "" when it is off. Only the search index reads it; who may see the
	// signal is decided in service/recruiter.go.
	OpenToWork string
}

// ProfileUpdate holds the profile fields to change; nil fields stay as they are.
type ProfileUpdate struct {
	DisplayName *string
	Headline    *string
	About       *string
	Location    *string
	Visibility  *string
	// ConnectionsVisibility is "connections" or "private".
	ConnectionsVisibility *string
}

// Month is a month of a year, as positions are dated.
type Month struct {
	Year  int
	Month time.Month
}

// ParseMonth parses "YYYY-MM".
func ParseMonth(s string) (Month, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return Month{}, fmt.Errorf("want YYYY-MM")
	}
	return Month{Year: t.Year(), Month: t.Month()}, nil
}

// String formats m as "YYYY-MM".
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)) }

// IsZero reports whether m is unset.
func (m Month) IsZero() bool { return m.Year == 0 }

// Before reports whether m comes before o.
func (m Month) Before(o Month) bool {
	return m.Year < o.Year || (m.Year == o.Year && m.Month < o.Month)
}

// Position is a job. End is nil while it is current.
type Position struct {
	ID               int64
	MemberID         int64
	Title            string
	OrganizationName string
	// OrganizationID links the position to an organization's page; 0 leaves
	// it as free text. OrganizationSlug is the page's address, when linked.
	OrganizationID   int64
	OrganizationSlug string
	Location         string
	Start            Month
	End              *Month
	Description      string
}

// Current reports whether the member still holds the position.
func (p *Position) Current() bool { return p.End == nil }

// Validate returns an EINVALID error naming the first field at fault.
func (p *Position) Validate() error {
	if err := checkText("title", p.Title, 1, TitleMaxLen); err != nil {
		return err
	} else if err := checkText("organization_name", p.OrganizationName, 1, OrgNameMaxLen); err != nil {
		return err
	} else if err := checkText("location", p.Location, 0, LocationMaxLen); err != nil {
		return err
	} else if err := checkMultiline("description", p.Description, DescriptionMaxLen); err != nil {
		return err
	} else if err := checkMonth("start", p.Start); err != nil {
		return err
	}
	if p.End != nil {
		if err := checkMonth("end", *p.End); err != nil {
			return err
		} else if p.End.Before(p.Start) {
			return FieldError("end", "The end cannot come before the start.")
		}
	}
	return nil
}

// Education is a school a member went to. Years are 0 when not given.
type Education struct {
	ID        int64
	MemberID  int64
	School    string
	Degree    string
	Field     string
	StartYear int
	EndYear   int
}

// Validate returns an EINVALID error naming the first field at fault.
func (e *Education) Validate() error {
	if err := checkText("school", e.School, 1, SchoolMaxLen); err != nil {
		return err
	} else if err := checkText("degree", e.Degree, 0, DegreeMaxLen); err != nil {
		return err
	} else if err := checkText("field", e.Field, 0, DegreeMaxLen); err != nil {
		return err
	} else if err := checkYear("start_year", e.StartYear); err != nil {
		return err
	} else if err := checkYear("end_year", e.EndYear); err != nil {
		return err
	} else if e.StartYear != 0 && e.EndYear != 0 && e.EndYear < e.StartYear {
		return FieldError("end_year", "The end year cannot come before the start year.")
	}
	return nil
}

// Session is a signed-in browser or API client. Only the SHA-256 of its
// token is stored.
type Session struct {
	ID         int64
	MemberID   int64
	Member     *Member // handle and status, when found by token
	CreatedAt  time.Time
	LastSeenAt time.Time
	UserAgent  string
	IP         string
}

// AccessToken is a named personal access token for the API.
type AccessToken struct {
	ID         int64
	MemberID   int64
	Member     *Member // handle and status, when found by token
	Name       string
	CreatedAt  time.Time
	LastUsedAt time.Time // zero when never used
}

// handlePattern is a handle's form: a hyphen is only between letters or
// digits, so that a mention (@handle) ends where the handle does.
var handlePattern = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$`)

// NormalizeHandle folds a handle as typed to the form it is stored and
// compared in: handles are unique case-insensitively.
func NormalizeHandle(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// NormalizeEmail folds an email address to the key it is unique under.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidateHandle checks a normalized handle.
func ValidateHandle(h string) error {
	n := utf8.RuneCountInString(h)
	if n < HandleMinLen || n > HandleMaxLen {
		return FieldError("handle", "A handle has %d to %d characters.", HandleMinLen, HandleMaxLen)
	} else if !handlePattern.MatchString(h) {
		return FieldError("handle", "A handle uses only the letters a to z, digits and hyphens, and starts and ends with a letter or digit.")
	}
	return nil
}

// ValidateEmail checks an email address as typed.
func ValidateEmail(s string) error {
	s = strings.TrimSpace(s)
	if s == "" {
		return FieldError("email", "An email address is required.")
	} else if len(s) > EmailMaxLen {
		return FieldError("email", "An email address has at most %d characters.", EmailMaxLen)
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" || !strings.Contains(s[strings.LastIndexByte(s, '@'):], ".") {
		return FieldError("email", "This is not an email address.")
	}
	return nil
}

// ValidateDisplayName checks a display name.
func ValidateDisplayName(s string) error {
	return checkText("display_name", s, 1, DisplayNameMaxLen)
}

// ValidateProfileUpdate checks the fields an update sets.
func ValidateProfileUpdate(u ProfileUpdate) error {
	if u.DisplayName != nil {
		if err := ValidateDisplayName(*u.DisplayName); err != nil {
			return err
		}
	}
	if u.Headline != nil {
		if err := checkText("headline", *u.Headline, 0, HeadlineMaxLen); err != nil {
			return err
		}
	}
	if u.About != nil {
		if err := checkMultiline("about", *u.About, AboutMaxLen); err != nil {
			return err
		}
	}
	if u.Location != nil {
		if err := checkText("location", *u.Location, 0, LocationMaxLen); err != nil {
			return err
		}
	}
	if u.Visibility != nil && *u.Visibility != VisibilityPublic && *u.Visibility != VisibilityMembers {
		return FieldError("visibility", "Visibility is %q or %q.", VisibilityPublic, VisibilityMembers)
	}
	if v := u.ConnectionsVisibility; v != nil && *v != ConnectionsVisibleToConnections && *v != ConnectionsVisibleToNobody {
		return FieldError("connections_visibility", "Connections are visible to %q or %q.", ConnectionsVisibleToConnections, ConnectionsVisibleToNobody)
	}
	return nil
}

// NormalizeSkills trims the skills, drops empty ones and duplicates that
// differ only in case (the first spelling wins), and checks the limits.
func NormalizeSkills(in []string) ([]string, error) {
	seen := make(map[string]bool, len(in))
	out := make([]string, 0, len(in))
	for _, s := range in {
		s = strings.TrimSpace(s)
		key := strings.ToLower(s)
		if s == "" || seen[key] {
			continue
		}
		if err := checkText("skills", s, 1, SkillMaxLen); err != nil {
			return nil, err
		}
		seen[key] = true
		out = append(out, s)
	}
	if len(out) > MaxSkills {
		return nil, FieldError("skills", "A profile lists at most %d skills.", MaxSkills)
	}
	return out, nil
}

// ValidateTokenName checks the name of a personal access token.
func ValidateTokenName(s string) error { return checkText("name", s, 1, TokenNameMaxLen) }

// checkText checks a one-line text: its length in code points, and no
// control characters. Leading and trailing spaces count as nothing.
func checkText(field, s string, min, max int) error {
	s = strings.TrimSpace(s)
	n := utf8.RuneCountInString(s)
	if !utf8.ValidString(s) {
		return FieldError(field, "The text is not valid UTF-8.")
	} else if n < min && min == 1 {
		return FieldError(field, "This field is required.")
	} else if n < min {
		return FieldError(field, "At least %d characters.", min)
	} else if n > max {
		return FieldError(field, "At most %d characters (this has %d).", max, n)
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return FieldError(field, "Control characters and line breaks are not allowed here.")
		}
	}
	return nil
}

// checkWritten checks a text that may have line breaks and must say
// something; a blank one answers with the message blank.
func checkWritten(field, s string, max int, blank string) error {
	if strings.TrimSpace(s) == "" {
		return FieldError(field, "%s", blank)
	}
	return checkMultiline(field, s, max)
}

// checkMultiline checks a text that may have line breaks.
func checkMultiline(field, s string, max int) error {
	n := utf8.RuneCountInString(s)
	if !utf8.ValidString(s) {
		return FieldError(field, "The text is not valid UTF-8.")
	} else if n > max {
		return FieldError(field, "At most %d characters (this has %d).", max, n)
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' {
			return FieldError(field, "Control characters are not allowed.")
		}
	}
	return nil
}

func checkMonth(field string, m Month) error {
	if m.IsZero() {
		return FieldError(field, "A month and year are required.")
	} else if m.Year < 1900 || m.Year > 2100 || m.Month < 1 || m.Month > 12 {
		return FieldError(field, "Not a month between 1900 and 2100.")
	}
	return nil
}

func checkYear(field string, y int) error {
	if y != 0 && (y < 1900 || y > 2100) {
		return FieldError(field, "A year between 1900 and 2100.")
	}
	return nil
}
