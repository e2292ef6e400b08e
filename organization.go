package rapport

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Limits on what organization admins type.
const (
	SlugMinLen     = 2
	SlugMaxLen     = 60
	TaglineMaxLen  = 120
	OrgAboutMaxLen = 2000
	WebsiteMaxLen  = 200
	IndustryMaxLen = 100
)

// Organization sizes, as the big networks name them.
var OrganizationSizes = []string{"", "1-10", "11-50", "51-200", "201-500", "501-1000", "1001-5000", "5001-10000", "10001+"}

// Organization is a company, an association or a school with a page of its
// own. Its admins run the page and its seats; they never reach a member's
// account.
type Organization struct {
	ID        int64
	Slug      string
	Name      string
	Tagline   string
	About     string
	Website   string
	Industry  string
	Size      string
	Location  string
	CreatedAt time.Time
	// Followers and Employees are counted when the page is read: members
	// who follow the organization, and members with a current position
	// linked to it.
	Followers, Employees int
}

var slugPattern = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$`)

// NormalizeSlug folds a slug as typed to the form it is stored in.
func NormalizeSlug(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Validate returns an EINVALID error naming the first field at fault. The
// slug must be normalized already.
func (o *Organization) Validate() error {
	if n := len(o.Slug); n < SlugMinLen || n > SlugMaxLen {
		return FieldError("slug", "A page address has %d to %d characters.", SlugMinLen, SlugMaxLen)
	} else if !slugPattern.MatchString(o.Slug) {
		return FieldError("slug", "A page address uses only the letters a to z, digits and hyphens, and does not begin or end with a hyphen.")
	} else if err := checkText("name", o.Name, 1, OrgNameMaxLen); err != nil {
		return err
	} else if err := checkText("tagline", o.Tagline, 0, TaglineMaxLen); err != nil {
		return err
	} else if err := checkMultiline("about", o.About, OrgAboutMaxLen); err != nil {
		return err
	} else if err := checkText("website", o.Website, 0, WebsiteMaxLen); err != nil {
		return err
	} else if err := checkText("industry", o.Industry, 0, IndustryMaxLen); err != nil {
		return err
	} else if err := checkText("location", o.Location, 0, LocationMaxLen); err != nil {
		return err
	} else if !slices.Contains(OrganizationSizes, o.Size) {
		return FieldError("size", "Size is one of %s.", strings.Join(OrganizationSizes[1:], ", "))
	}
	if w := strings.TrimSpace(o.Website); w != "" {
		u, err := url.Parse(w)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return FieldError("website", "A website is an address beginning with https:// or http://.")
		}
	}
	return nil
}

// Admin roles of an organization. A super admin may do everything, and is
// the only one who manages admins; a content admin runs the page (and,
// later, its posts); a seat admin assigns and revokes seats.
const (
	RoleSuper   = "super"
	RoleContent = "content"
	RoleSeats   = "seats"
)

// Roles lists the admin roles.
var Roles = []string{RoleSuper, RoleContent, RoleSeats}

// OrgAdmin is one role a member holds in an organization.
type OrgAdmin struct {
	OrganizationID int64
	Member         *Member
	Role           string
	GrantedAt      time.Time
}

// Products of which an organization may be granted seats.
const (
	ProductRecruiter = "recruiter"
)

// Products lists the products there are seats of.
var Products = []string{ProductRecruiter}

// Seat assignment statuses. A seat is offered to a member, who accepts or
// declines it; an accepted seat is active until it is revoked or
// reassigned, or its holder gives it up.
const (
	SeatOffered  = "offered"
	SeatActive   = "active"
	SeatDeclined = "declined"
	SeatRevoked  = "revoked" // by the organization, revoked or reassigned
	SeatReturned = "returned"
)

// Seat is one seat of a product in an organization's pool, with the
// member it is offered to or held by, if any.
type Seat struct {
	ID           int64
	Organization *Organization
	Product      string
	// Holder is the member the seat is offered to or held by; nil when the
	// seat is free.
	Holder *Member
	Status string // SeatOffered or SeatActive when Holder is set
	// AssignmentID is the current assignment, 0 when the seat is free.
	AssignmentID int64
	AssignedAt   time.Time
}

// Free reports whether the seat may be assigned.
func (s *Seat) Free() bool { return s.Holder == nil }

// Open-to-work visibilities.
const (
	// OpenToRecruiters shows the signal only to seat holders of
	// organizations where the member does not currently work.
	OpenToRecruiters = "recruiters"
	// OpenToEveryone shows a badge on the profile as well.
	OpenToEveryone = "everyone"
)

// Workplaces and job types a member may be open to.
var (
	Workplaces = []string{"on-site", "hybrid", "remote"}
	JobTypes   = []string{"full-time", "part-time", "contract", "temporary", "internship", "volunteer"}
)

// Limits of an open-to-work preference.
const (
	OpenToWorkMaxItems = 10
)

// OpenToWork is what a member says about looking for work. A nil
// *OpenToWork means they say nothing.
type OpenToWork struct {
	Titles     []string
	Locations  []string
	Workplaces []string
	JobTypes   []string
	Visibility string
	UpdatedAt  time.Time
}

// Normalize trims the lists and drops empty entries and duplicates, and
// checks every field. Returns EINVALID naming the field at fault.
func (o *OpenToWork) Normalize() error {
	if o.Visibility == "" {
		o.Visibility = OpenToRecruiters
	}
	if o.Visibility != OpenToRecruiters && o.Visibility != OpenToEveryone {
		return FieldError("visibility", "Visibility is %q or %q.", OpenToRecruiters, OpenToEveryone)
	}
	lists := []struct {
		field   string
		list    *[]string
		max     int
		allowed []string
	}{
		{"titles", &o.Titles, TitleMaxLen, nil},
		{"locations", &o.Locations, LocationMaxLen, nil},
		{"workplaces", &o.Workplaces, 0, Workplaces},
		{"job_types", &o.JobTypes, 0, JobTypes},
	}
	for _, l := range lists {
		out := []string{}
		for _, v := range *l.list {
			v = strings.TrimSpace(v)
			if l.allowed != nil {
				v = strings.ToLower(v)
			}
			if v == "" || slices.ContainsFunc(out, func(s string) bool { return strings.EqualFold(s, v) }) {
				continue
			}
			if l.allowed != nil && !slices.Contains(l.allowed, v) {
				return FieldError(l.field, "%q is not one of %s.", v, strings.Join(l.allowed, ", "))
			} else if l.allowed == nil {
				if err := checkText(l.field, v, 1, l.max); err != nil {
					return err
				}
			}
			out = append(out, v)
		}
		if len(out) > OpenToWorkMaxItems {
			return FieldError(l.field, "At most %d.", OpenToWorkMaxItems)
		}
		*l.list = out
	}
	if len(o.Titles) == 0 {
		return FieldError("titles", "Name at least one job title you are open to.")
	}
	return nil
}

// AuditEntry is one admin action: by an organization's admin, or by the
// site operator (ActorID 0).
type AuditEntry struct {
	ID             int64
	At             time.Time
	ActorID        int64
	Actor          *Member // nil for the site operator
	OrganizationID int64
	Organization   *Organization
	TargetID       int64
	Target         *Member
	Action         string
	Detail         string
}

// Audited actions.
const (
	AuditOrgCreated     = "organization.created"
	AuditOrgUpdated     = "organization.updated"
	AuditAdminGranted   = "admin.granted"
	AuditAdminRevoked   = "admin.revoked"
	AuditSeatsGranted   = "seats.granted"
	AuditSeatAssigned   = "seat.assigned"
	AuditSeatRevoked    = "seat.revoked"
	AuditSeatAccepted   = "seat.accepted"
	AuditSeatDeclined   = "seat.declined"
	AuditSeatReturned   = "seat.returned"
	AuditSeatReassigned = "seat.reassigned"
	AuditEmailSet       = "member.email_set" // by the site operator, for a member who had none
	AuditAccountDeleted = "member.deleted"   // a closed account purged, without who it was
)
