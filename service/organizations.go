package service

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/search"
	"github.com/rapportnet/rapport/store"
)

// Organizations runs organization pages, their admins and their followers.
// An admin runs the page and its seats; nothing here reaches a member's
// account: no method takes a member's position, profile or connections.
type Organizations struct {
	base
}

// orgAction is something done to an organization that needs a role.
type orgAction string

const (
	editPage     orgAction = "edit the page"
	manageAdmins orgAction = "manage admins"
	manageSeats  orgAction = "manage seats"
	readAudit    orgAction = "read the audit log"
)

// orgPermissions says which admin roles may do what. It is the one place
// that decides what an organization admin may do.
var orgPermissions = map[orgAction][]string{
	editPage:     {rapport.RoleSuper, rapport.RoleContent},
	manageAdmins: {rapport.RoleSuper},
	manageSeats:  {rapport.RoleSuper, rapport.RoleSeats},
	readAudit:    {rapport.RoleSuper, rapport.RoleContent, rapport.RoleSeats},
}

// OrganizationView is an organization page as the caller sees it.
type OrganizationView struct {
	*rapport.Organization
	Roles     []string // the caller's admin roles
	Following bool     // whether the caller follows it
}

// May reports whether the caller's roles allow an action, for pages that
// show only the forms the caller may use.
func (v *OrganizationView) May(action string) bool { return allowed(v.Roles, orgAction(action)) }

func allowed(roles []string, action orgAction) bool {
	for _, r := range roles {
		if slices.Contains(orgPermissions[action], r) {
			return true
		}
	}
	return false
}

// admin finds the organization at slug and checks that the caller's roles
// allow the action. Returns ENOTFOUND when there is no such organization,
// and EFORBIDDEN when the caller may not.
func (s *base) admin(ctx context.Context, slug string, action orgAction) (rapport.Caller, *rapport.Organization, error) {
	c, err := member(ctx)
	if err != nil {
		return c, nil, err
	}
	o, err := s.db.FindOrganization(ctx, rapport.NormalizeSlug(slug))
	if err != nil {
		return c, nil, err
	}
	roles, err := s.db.FindRoles(ctx, o.ID, c.MemberID)
	if err != nil {
		return c, nil, err
	}
	if !allowed(roles, action) {
		return c, nil, rapport.Errorf(rapport.EFORBIDDEN, "Only this organization's admins with the right role may %s.", action)
	}
	return c, o, nil
}

// Create makes an organization page, with the caller as its first super
// admin. Returns EINVALID naming the field at fault, ECONFLICT naming slug
// when the address is taken.
func (s *Organizations) Create(ctx context.Context, o rapport.Organization) (*rapport.Organization, error) {
	c, err := member(ctx)
	if err != nil {
		return nil, err
	}
	o.ID, o.Slug = 0, rapport.NormalizeSlug(o.Slug)
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if err := s.db.CreateOrganization(ctx, &o, c.MemberID, s.now()); err != nil {
		return nil, err
	}
	s.indexOrganization(&o)
	return s.db.FindOrganizationByID(ctx, o.ID)
}

// Get returns the organization at slug with the caller's roles and follow.
func (s *Organizations) Get(ctx context.Context, slug string) (*OrganizationView, error) {
	o, err := s.db.FindOrganization(ctx, rapport.NormalizeSlug(slug))
	if err != nil {
		return nil, err
	}
	v := &OrganizationView{Organization: o}
	if c := rapport.CallerFromContext(ctx); !c.Anonymous() {
		if v.Roles, err = s.db.FindRoles(ctx, o.ID, c.MemberID); err != nil {
			return nil, err
		}
		if v.Following, err = s.db.IsFollowing(ctx, c.MemberID, o.ID); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// Update replaces the page's fields (not its address). Super and content
// admins only.
func (s *Organizations) Update(ctx context.Context, slug string, upd rapport.Organization) (*rapport.Organization, error) {
	c, o, err := s.admin(ctx, slug, editPage)
	if err != nil {
		return nil, err
	}
	upd.ID, upd.Slug = o.ID, o.Slug
	if err := upd.Validate(); err != nil {
		return nil, err
	}
	if err := s.db.UpdateOrganization(ctx, &upd, c.MemberID, s.now()); err != nil {
		return nil, err
	}
	s.indexOrganization(&upd)
	return s.db.FindOrganizationByID(ctx, o.ID)
}

// Admins lists the organization's admins, for its admins.
func (s *Organizations) Admins(ctx context.Context, slug string) ([]*rapport.OrgAdmin, error) {
	_, o, err := s.admin(ctx, slug, readAudit)
	if err != nil {
		return nil, err
	}
	return s.db.FindAdmins(ctx, o.ID)
}

// GrantRole gives the member at handle an admin role. Super admins only.
// Returns ENOTFOUND for a member the caller cannot reach, EINVALID for an
// unknown role.
func (s *Organizations) GrantRole(ctx context.Context, slug, handle, role string) error {
	c, o, err := s.admin(ctx, slug, manageAdmins)
	if err != nil {
		return err
	}
	if !slices.Contains(rapport.Roles, role) {
		return rapport.FieldError("role", "A role is one of %s.", strings.Join(rapport.Roles, ", "))
	}
	m, err := s.reachable(ctx, c, handle, "handle")
	if err != nil {
		return err
	}
	return s.db.GrantRole(ctx, o.ID, m.ID, role, c.MemberID, s.now())
}

// RevokeRole takes an admin role from the member at handle: a super admin
// does it to anyone, and any admin steps down from their own roles. The
// last super admin cannot step down before naming another (ECONFLICT).
func (s *Organizations) RevokeRole(ctx context.Context, slug, handle, role string) error {
	c, err := member(ctx)
	if err != nil {
		return err
	}
	if rapport.NormalizeHandle(handle) == c.Handle {
		o, err := s.db.FindOrganization(ctx, rapport.NormalizeSlug(slug))
		if err != nil {
			return err
		}
		return s.db.RevokeRole(ctx, o.ID, c.MemberID, role, c.MemberID, s.now())
	}
	c, o, err := s.admin(ctx, slug, manageAdmins)
	if err != nil {
		return err
	}
	m, err := s.db.FindMemberByHandle(ctx, rapport.NormalizeHandle(handle))
	if rapport.ErrorCode(err) == rapport.ENOTFOUND {
		return rapport.Errorf(rapport.ENOTFOUND, "Admin role not found.")
	} else if err != nil {
		return err
	}
	return s.db.RevokeRole(ctx, o.ID, m.ID, role, c.MemberID, s.now())
}

// Follow makes the caller follow the organization; following twice is one
// follow.
func (s *Organizations) Follow(ctx context.Context, slug string) error {
	c, o, err := s.find(ctx, slug)
	if err != nil {
		return err
	}
	return s.db.FollowOrganization(ctx, c.MemberID, o.ID, s.now())
}

// Unfollow ends the caller's follow of the organization, if any.
func (s *Organizations) Unfollow(ctx context.Context, slug string) error {
	c, o, err := s.find(ctx, slug)
	if err != nil {
		return err
	}
	return s.db.UnfollowOrganization(ctx, c.MemberID, o.ID)
}

func (s *Organizations) find(ctx context.Context, slug string) (rapport.Caller, *rapport.Organization, error) {
	c, err := member(ctx)
	if err != nil {
		return c, nil, err
	}
	o, err := s.db.FindOrganization(ctx, rapport.NormalizeSlug(slug))
	return c, o, err
}

// Followed lists the organizations the caller follows.
func (s *Organizations) Followed(ctx context.Context) ([]*rapport.Organization, error) {
	c, err := member(ctx)
	if err != nil {
		return nil, err
	}
	return s.db.FindFollowedOrganizations(ctx, c.MemberID)
}

// OrganizationListMax is how many followers or employees a page lists.
const OrganizationListMax = 100

// People lists the organization's followers, or (employees) the members
// with a current position linked to it, leaving out members either side
// of a block with the caller and, for anonymous callers, profiles shown to
// members only.
func (s *Organizations) People(ctx context.Context, slug string, employees bool) ([]*rapport.Member, error) {
	o, err := s.db.FindOrganization(ctx, rapport.NormalizeSlug(slug))
	if err != nil {
		return nil, err
	}
	c := rapport.CallerFromContext(ctx)
	list, err := s.db.FindOrganizationMembers(ctx, o.ID, employees, c.Anonymous(), OrganizationListMax)
	if err != nil {
		return nil, err
	}
	var blocked map[int64]bool
	if !c.Anonymous() {
		if blocked, err = s.db.FindBlockIDs(ctx, c.MemberID); err != nil {
			return nil, err
		}
	}
	return slices.DeleteFunc(list, func(m *rapport.Member) bool { return blocked[m.ID] }), nil
}

// Audit returns the organization's audit log, newest first, for its admins.
func (s *Organizations) Audit(ctx context.Context, slug string) ([]*rapport.AuditEntry, error) {
	_, o, err := s.admin(ctx, slug, readAudit)
	if err != nil {
		return nil, err
	}
	return s.audit(ctx, o.ID, 0)
}

// MyAudit returns the admin actions that concerned the caller.
func (s *Organizations) MyAudit(ctx context.Context) ([]*rapport.AuditEntry, error) {
	c, err := member(ctx)
	if err != nil {
		return nil, err
	}
	return s.audit(ctx, 0, c.MemberID)
}

// AuditMax is how many audit entries a list shows.
const AuditMax = 200

// audit reads the entries of an organization or about a member, with
// their members and organizations.
func (s *Organizations) audit(ctx context.Context, orgID, targetID int64) ([]*rapport.AuditEntry, error) {
	list, err := s.db.FindAudit(ctx, orgID, targetID, AuditMax)
	if err != nil {
		return nil, err
	}
	return list, s.withAuditMembers(ctx, list)
}

// withAuditMembers reads the members and organizations of audit entries.
func (s *base) withAuditMembers(ctx context.Context, list []*rapport.AuditEntry) error {
	var members, orgs []int64
	for _, e := range list {
		members = append(members, e.ActorID, e.TargetID)
		orgs = append(orgs, e.OrganizationID)
	}
	cards, err := s.db.FindMemberCards(ctx, members)
	if err != nil {
		return err
	}
	found, err := s.db.FindOrganizations(ctx, orgs)
	if err != nil {
		return err
	}
	byID := map[int64]*rapport.Organization{}
	for _, o := range found {
		byID[o.ID] = o
	}
	for _, e := range list {
		e.Actor, e.Target, e.Organization = cards[e.ActorID], cards[e.TargetID], byID[e.OrganizationID]
	}
	return nil
}

// Mine returns the organizations the caller follows, and those where they
// hold admin roles, with the roles.
func (s *Organizations) Mine(ctx context.Context) (following []*rapport.Organization, admin []*OrganizationView, err error) {
	c, err := member(ctx)
	if err != nil {
		return nil, nil, err
	}
	if following, err = s.db.FindFollowedOrganizations(ctx, c.MemberID); err != nil {
		return nil, nil, err
	}
	roles, err := s.db.FindAdminOrganizations(ctx, c.MemberID)
	if err != nil {
		return nil, nil, err
	}
	ids := make([]int64, 0, len(roles))
	for id := range roles {
		ids = append(ids, id)
	}
	orgs, err := s.db.FindOrganizations(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	for _, o := range orgs {
		admin = append(admin, &OrganizationView{Organization: o, Roles: roles[o.ID]})
	}
	slices.SortFunc(admin, func(a, b *OrganizationView) int { return strings.Compare(a.Name, b.Name) })
	return following, admin, nil
}

// OrganizationPage is one page of an organization search.
type OrganizationPage struct {
	Results []*rapport.Organization
	Total   int
	Next    string
}

// Search finds organizations by name, tagline, industry and location, for
// everyone: those whose name has every word first, then by id; filters on
// industry and location keep exact values. Returns EINVALID as a people
// search does.
func (s *Organizations) Search(ctx context.Context, text, industry, location, cursor string) (*OrganizationPage, error) {
	q := MemberQuery{Text: text, CurrentOrganization: industry, Location: location}
	if err := q.validate(); err != nil {
		if e, ok := err.(*rapport.Error); ok && e.Field == "current_organization" {
			e.Field = "industry"
		}
		return nil, err
	}
	skip, err := decodeCursor(cursor)
	if err != nil {
		return nil, err
	}
	if search.Key(text+" "+industry+" "+location) == "" {
		return nil, &rapport.Error{Code: rapport.EINVALID, Field: "q", Message: "Type a name, an industry or a place."}
	}
	m := s.orgs.Search(text, industry, location)
	r := &ranking{all: m.All, best: m.Best}
	page := &OrganizationPage{Total: min(r.total(), SearchMaxResults)}
	found := r.page(skip, min(SearchPageSize, SearchMaxResults-skip))
	page.Results = s.organizations(found)
	if next := skip + len(found); len(found) > 0 && next < page.Total {
		page.Next = encodeCursor(next)
	}
	return page, nil
}

// Typeahead suggests organizations as a name is typed, for the search box
// and for linking a position to a page.
func (s *Organizations) Typeahead(ctx context.Context, text string) ([]*rapport.Organization, error) {
	if utf8.RuneCountInString(text) > SearchMaxLen {
		return nil, &rapport.Error{Code: rapport.EINVALID, Field: "q", Message: fmt.Sprintf("Search text has at most %d characters.", SearchMaxLen)}
	}
	all := s.orgs.Typeahead(text)
	r := &ranking{all: all, best: all}
	return s.organizations(r.page(0, TypeaheadSize)), nil
}

// organizations returns the organizations a search found, in its order,
// from the index, which keeps them: the typeahead reads no store.
func (s *Organizations) organizations(found []Found) []*rapport.Organization {
	ids := make([]int64, len(found))
	for i, f := range found {
		ids[i] = f.Member.ID
	}
	out := make([]*rapport.Organization, 0, len(ids))
	for _, c := range s.orgs.Cards(ids) {
		out = append(out, &rapport.Organization{ID: c.ID, Slug: c.Slug, Name: c.Name, Tagline: c.Tagline, Industry: c.Industry, Location: c.Location})
	}
	return out
}

// indexOrganization puts an organization, as the store has it now, into
// the search index. An error is logged; FollowChanges puts it right.
func (b *base) indexOrganization(o *rapport.Organization) {
	if err := b.orgs.Put(docOfOrganization(o)); err != nil {
		b.log.Warn("organization index", "organization", o.ID, "err", err)
	}
}

func docOfOrganization(o *rapport.Organization) search.Organization {
	return search.Organization{ID: o.ID, Slug: o.Slug, Name: o.Name, Tagline: o.Tagline, Industry: o.Industry, Location: o.Location}
}

// BuildOrganizations builds the index of organizations from the store,
// printing a summary to w.
func BuildOrganizations(ctx context.Context, db *store.DB, w io.Writer) (*search.Organizations, error) {
	start := time.Now()
	ix := search.NewOrganizations()
	var err error
	scanErr := db.ScanOrganizations(ctx, func(o *rapport.Organization) {
		if err == nil {
			err = ix.Put(docOfOrganization(o))
		}
	})
	if err == nil {
		err = scanErr
	}
	if err != nil {
		return nil, fmt.Errorf("build organization index: %w", err)
	}
	fmt.Fprintf(w, "organization index: %d organizations, built in %s\n", ix.Len(), time.Since(start).Round(time.Millisecond))
	return ix, nil
}
