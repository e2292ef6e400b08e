package store_test

import (
	"context"
	"database/sql"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/internal/pgtest"
	"github.com/rapportnet/rapport/store"
)

// eachStoreWithSQL is eachStore with a second, plain connection to the same
// database, for the few changes the store has no method for (suspending a
// member).
func eachStoreWithSQL(t *testing.T, test func(t *testing.T, db *store.DB, raw *sql.DB)) {
	open := func(t *testing.T, dsn, driver, source string) {
		db := MustOpenStore(t, dsn)
		raw, err := sql.Open(driver, source)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { raw.Close() })
		test(t, db, raw)
	}
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "rapport.db")
		open(t, path, "sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)")
	})
	t.Run("postgres", func(t *testing.T) {
		url := pgtest.URL(t)
		open(t, url, "pgx", url)
	})
}

func mustCreateOrg(tb testing.TB, db *store.DB, slug string, creatorID int64) *rapport.Organization {
	tb.Helper()
	o := &rapport.Organization{Slug: slug, Name: "Org " + slug}
	if err := db.CreateOrganization(context.Background(), o, creatorID, t0); err != nil {
		tb.Fatal(err)
	}
	return o
}

func mustCreatePosition(tb testing.TB, db *store.DB, p *rapport.Position) *rapport.Position {
	tb.Helper()
	if p.Start.IsZero() {
		p.Start = rapport.Month{Year: 2020, Month: 1}
	}
	if err := db.CreatePosition(context.Background(), p, t0); err != nil {
		tb.Fatal(err)
	}
	return p
}

// auditWant is an audit entry as a test expects it.
type auditWant struct {
	action        string
	actor, target int64
	detail        string // checked when not empty
}

// auditTrail checks an organization's audit log step by step: each check
// expects exactly the entries written since the previous one, oldest first.
type auditTrail struct {
	db    *store.DB
	orgID int64
	seen  int
}

func (a *auditTrail) check(tb testing.TB, want ...auditWant) {
	tb.Helper()
	list, err := a.db.FindAudit(context.Background(), a.orgID, 0, 1000)
	if err != nil {
		tb.Fatal(err)
	}
	slices.Reverse(list) // oldest first
	if len(list) < a.seen {
		tb.Fatalf("audit log shrank from %d to %d entries", a.seen, len(list))
	}
	fresh := list[a.seen:]
	a.seen = len(list)
	var got []string
	for _, e := range fresh {
		got = append(got, e.Action)
	}
	if len(fresh) != len(want) {
		tb.Fatalf("new audit entries = %v, want %d: %+v", got, len(want), want)
	}
	for i, w := range want {
		e := fresh[i]
		if e.Action != w.action || e.ActorID != w.actor || e.TargetID != w.target || e.OrganizationID != a.orgID ||
			(w.detail != "" && e.Detail != w.detail) {
			tb.Fatalf("audit entry %d = %+v, want %+v (organization %d)", i, *e, w, a.orgID)
		}
	}
}

func TestCreateOrganizationStore(t *testing.T) {
	eachStore(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ada, bob := mustCreateMember(t, db, "ada"), mustCreateMember(t, db, "bob")

		acme := &rapport.Organization{Slug: "acme", Name: "  Acme Corp ", Tagline: "We make everything", About: "Since 1949.",
			Website: "https://acme.example", Industry: "Manufacturing", Size: "51-200", Location: "Paris"}
		if err := db.CreateOrganization(ctx, acme, ada.ID, t0); err != nil {
			t.Fatal(err)
		}
		if acme.ID == 0 || !acme.CreatedAt.Equal(t0) {
			t.Fatalf("created organization = %+v", acme)
		}

		t.Run("Found", func(t *testing.T) {
			bySlug, err := db.FindOrganization(ctx, "acme")
			if err != nil {
				t.Fatal(err)
			}
			byID, err := db.FindOrganizationByID(ctx, acme.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range []*rapport.Organization{bySlug, byID} {
				if o.ID != acme.ID || o.Slug != "acme" || o.Name != "Acme Corp" || o.Tagline != "We make everything" ||
					o.About != "Since 1949." || o.Website != "https://acme.example" || o.Industry != "Manufacturing" ||
					o.Size != "51-200" || o.Location != "Paris" || !o.CreatedAt.Equal(t0) || o.Followers != 0 || o.Employees != 0 {
					t.Fatalf("found %+v", o)
				}
			}
			_, err = db.FindOrganization(ctx, "nothing")
			wantCode(t, err, rapport.ENOTFOUND)
			_, err = db.FindOrganizationByID(ctx, 999999)
			wantCode(t, err, rapport.ENOTFOUND)
		})
		t.Run("CreatorIsSuperAdmin", func(t *testing.T) {
			roles, err := db.FindRoles(ctx, acme.ID, ada.ID)
			if err != nil || !slices.Equal(roles, []string{rapport.RoleSuper}) {
				t.Fatalf("creator's roles = %v, %v", roles, err)
			}
			if roles, _ := db.FindRoles(ctx, acme.ID, bob.ID); len(roles) != 0 {
				t.Fatalf("bob's roles = %v", roles)
			}
			admins, err := db.FindAdmins(ctx, acme.ID)
			if err != nil || len(admins) != 1 || admins[0].Member.ID != ada.ID || admins[0].Member.Handle != "ada" ||
				admins[0].Role != rapport.RoleSuper || !admins[0].GrantedAt.Equal(t0) || admins[0].OrganizationID != acme.ID {
				t.Fatalf("admins = %+v, %v", admins, err)
			}
		})
		t.Run("Audited", func(t *testing.T) {
			byOrg, err := db.FindAudit(ctx, acme.ID, 0, 10)
			if err != nil || len(byOrg) != 1 {
				t.Fatalf("audit of the organization = %+v, %v", byOrg, err)
			}
			e := byOrg[0]
			if e.Action != rapport.AuditOrgCreated || e.ActorID != ada.ID || e.TargetID != ada.ID || e.OrganizationID != acme.ID ||
				e.Detail != "acme" || !e.At.Equal(t0) || e.ID == 0 {
				t.Fatalf("audit entry = %+v", *e)
			}
			byTarget, err := db.FindAudit(ctx, 0, ada.ID, 10)
			if err != nil || len(byTarget) != 1 || byTarget[0].ID != e.ID {
				t.Fatalf("audit of ada = %+v, %v", byTarget, err)
			}
		})
		t.Run("SlugTaken", func(t *testing.T) {
			other := &rapport.Organization{Slug: "acme", Name: "Another Acme"}
			err := db.CreateOrganization(ctx, other, bob.ID, t0.Add(time.Minute))
			wantCode(t, err, rapport.ECONFLICT)
			if f := rapport.ErrorField(err); f != "slug" {
				t.Fatalf("field = %q, want slug", f)
			}
			// Nothing of it was written: no organization, no role, no audit entry.
			var n int
			if err := db.ScanOrganizations(ctx, func(o *rapport.Organization) {
				n++
				if o.Name != "Acme Corp" {
					t.Errorf("scanned %+v", o)
				}
			}); err != nil || n != 1 {
				t.Fatalf("organizations = %d, %v; want 1", n, err)
			}
			if orgs, _ := db.FindAdminOrganizations(ctx, bob.ID); len(orgs) != 0 {
				t.Fatalf("bob holds roles in %v after a refused creation", orgs)
			}
			if list, _ := db.FindAudit(ctx, 0, bob.ID, 10); len(list) != 0 {
				t.Fatalf("audit entries about bob = %+v", list)
			}
			if list, _ := db.FindAudit(ctx, acme.ID, 0, 10); len(list) != 1 {
				t.Fatalf("acme has %d audit entries, want 1", len(list))
			}
			if other.ID != 0 {
				if list, _ := db.FindAudit(ctx, other.ID, 0, 10); len(list) != 0 {
					t.Fatalf("the refused organization has audit entries: %+v", list)
				}
			}
			// Another slug is fine, and gets another id.
			globex := mustCreateOrg(t, db, "globex", bob.ID)
			if globex.ID == acme.ID {
				t.Fatal("two organizations share an id")
			}
			if orgs, _ := db.FindAdminOrganizations(ctx, bob.ID); !slices.Equal(orgs[globex.ID], []string{rapport.RoleSuper}) || len(orgs) != 1 {
				t.Fatalf("bob's organizations = %v", orgs)
			}
		})
	})
}

func TestOrganizationCountsStore(t *testing.T) {
	eachStoreWithSQL(t, func(t *testing.T, db *store.DB, raw *sql.DB) {
		ctx := context.Background()
		ada, bob, carol, dave, erin := mustCreateMember(t, db, "ada"), mustCreateMember(t, db, "bob"),
			mustCreateMember(t, db, "carol"), mustCreateMember(t, db, "dave"), mustCreateMember(t, db, "erin")
		acme, globex := mustCreateOrg(t, db, "acme", ada.ID), mustCreateOrg(t, db, "globex", ada.ID)
		counts := func(t *testing.T, followers, employees int) {
			t.Helper()
			o, err := db.FindOrganization(ctx, "acme")
			if err != nil {
				t.Fatal(err)
			}
			if o.Followers != followers || o.Employees != employees {
				t.Fatalf("acme has %d followers and %d employees, want %d and %d", o.Followers, o.Employees, followers, employees)
			}
		}

		t.Run("Followers", func(t *testing.T) {
			for range 2 {
				if err := db.FollowOrganization(ctx, bob.ID, acme.ID, t0); err != nil {
					t.Fatal(err)
				}
			}
			counts(t, 1, 0)
			if err := db.FollowOrganization(ctx, carol.ID, acme.ID, t0.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
			if err := db.FollowOrganization(ctx, carol.ID, globex.ID, t0.Add(2*time.Minute)); err != nil {
				t.Fatal(err)
			}
			counts(t, 2, 0)
			if ok, err := db.IsFollowing(ctx, bob.ID, acme.ID); err != nil || !ok {
				t.Fatalf("bob follows acme: %v, %v", ok, err)
			}
			if ok, _ := db.IsFollowing(ctx, bob.ID, globex.ID); ok {
				t.Fatal("bob follows globex")
			}
			followed, err := db.FindFollowedOrganizations(ctx, carol.ID)
			if err != nil || len(followed) != 2 || followed[0].ID != globex.ID || followed[1].ID != acme.ID {
				t.Fatalf("carol follows %+v, %v; want globex then acme", followed, err)
			}
			if err := db.UnfollowOrganization(ctx, bob.ID, acme.ID); err != nil {
				t.Fatal(err)
			}
			counts(t, 1, 0)
			if ok, _ := db.IsFollowing(ctx, bob.ID, acme.ID); ok {
				t.Fatal("bob still follows acme")
			}
			// Unfollowing again changes nothing.
			if err := db.UnfollowOrganization(ctx, bob.ID, acme.ID); err != nil {
				t.Fatal(err)
			}
			counts(t, 1, 0)
			// Following an organization that does not exist records nothing.
			db.FollowOrganization(ctx, bob.ID, 999999, t0)
			if followed, _ := db.FindFollowedOrganizations(ctx, bob.ID); len(followed) != 0 {
				t.Fatalf("bob follows %+v", followed)
			}
			if err := db.UnfollowOrganization(ctx, carol.ID, acme.ID); err != nil {
				t.Fatal(err)
			}
			counts(t, 0, 0)
		})
		t.Run("Employees", func(t *testing.T) {
			// Ada: a current position at acme.
			mustCreatePosition(t, db, &rapport.Position{MemberID: ada.ID, Title: "CEO", OrganizationName: "Acme", OrganizationID: acme.ID})
			counts(t, 0, 1)
			// Bob: two current positions at acme are one employee.
			mustCreatePosition(t, db, &rapport.Position{MemberID: bob.ID, Title: "Engineer", OrganizationName: "Acme", OrganizationID: acme.ID})
			mustCreatePosition(t, db, &rapport.Position{MemberID: bob.ID, Title: "Mentor", OrganizationName: "Acme", OrganizationID: acme.ID})
			counts(t, 0, 2)
			// Carol: an ended position at acme is not employment.
			mustCreatePosition(t, db, &rapport.Position{MemberID: carol.ID, Title: "Intern", OrganizationName: "Acme", OrganizationID: acme.ID,
				Start: rapport.Month{Year: 2015, Month: 1}, End: &rapport.Month{Year: 2016, Month: 1}})
			// Dave: a current position named Acme but not linked to the page.
			mustCreatePosition(t, db, &rapport.Position{MemberID: dave.ID, Title: "Clerk", OrganizationName: "Acme"})
			// Erin: a current position at another organization.
			mustCreatePosition(t, db, &rapport.Position{MemberID: erin.ID, Title: "Clerk", OrganizationName: "Globex", OrganizationID: globex.ID})
			counts(t, 0, 2)
			if g, _ := db.FindOrganization(ctx, "globex"); g.Employees != 1 {
				t.Fatalf("globex has %d employees, want 1", g.Employees)
			}
			list, err := db.FindOrganizationMembers(ctx, acme.ID, true, false, 10)
			if err != nil || len(list) != 2 || list[0].ID != ada.ID || list[1].ID != bob.ID {
				t.Fatalf("acme's employees = %+v, %v", list, err)
			}
		})
		t.Run("SuspendedMembersAreNotCounted", func(t *testing.T) {
			if _, err := raw.ExecContext(ctx, `UPDATE members SET status = $1 WHERE id = $2`, rapport.StatusSuspended, bob.ID); err != nil {
				t.Fatal(err)
			}
			counts(t, 0, 1)
			list, err := db.FindOrganizationMembers(ctx, acme.ID, true, false, 10)
			if err != nil || len(list) != 1 || list[0].ID != ada.ID {
				t.Fatalf("acme's employees = %+v, %v", list, err)
			}
		})
	})
}

func TestOrganizationRolesStore(t *testing.T) {
	eachStore(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ada, bob, carol := mustCreateMember(t, db, "ada"), mustCreateMember(t, db, "bob"), mustCreateMember(t, db, "carol")
		acme := mustCreateOrg(t, db, "acme", ada.ID)
		audit := &auditTrail{db: db, orgID: acme.ID}
		audit.check(t, auditWant{action: rapport.AuditOrgCreated, actor: ada.ID, target: ada.ID, detail: "acme"})
		roles := func(t *testing.T, m *rapport.Member, want ...string) {
			t.Helper()
			got, err := db.FindRoles(ctx, acme.ID, m.ID)
			if err != nil || !slices.Equal(got, want) {
				t.Fatalf("%s's roles = %v, %v; want %v", m.Handle, got, err, want)
			}
		}

		t.Run("GrantIsIdempotent", func(t *testing.T) {
			for range 2 {
				if err := db.GrantRole(ctx, acme.ID, bob.ID, rapport.RoleSeats, ada.ID, t0.Add(time.Minute)); err != nil {
					t.Fatal(err)
				}
			}
			roles(t, bob, rapport.RoleSeats)
			audit.check(t, auditWant{action: rapport.AuditAdminGranted, actor: ada.ID, target: bob.ID, detail: rapport.RoleSeats})
			if list, _ := db.FindAudit(ctx, 0, bob.ID, 10); len(list) != 1 {
				t.Fatalf("%d audit entries about bob, want 1", len(list))
			}
			if err := db.GrantRole(ctx, acme.ID, bob.ID, rapport.RoleContent, ada.ID, t0.Add(2*time.Minute)); err != nil {
				t.Fatal(err)
			}
			roles(t, bob, rapport.RoleContent, rapport.RoleSeats)
			audit.check(t, auditWant{action: rapport.AuditAdminGranted, actor: ada.ID, target: bob.ID, detail: rapport.RoleContent})
			orgs, err := db.FindAdminOrganizations(ctx, bob.ID)
			if err != nil || len(orgs) != 1 || !slices.Equal(orgs[acme.ID], []string{rapport.RoleContent, rapport.RoleSeats}) {
				t.Fatalf("bob's organizations = %v, %v", orgs, err)
			}
			admins, err := db.FindAdmins(ctx, acme.ID)
			if err != nil || len(admins) != 3 {
				t.Fatalf("admins = %+v, %v", admins, err)
			}
		})
		t.Run("LastSuperAdminStays", func(t *testing.T) {
			err := db.RevokeRole(ctx, acme.ID, ada.ID, rapport.RoleSuper, ada.ID, t0)
			wantCode(t, err, rapport.ECONFLICT)
			roles(t, ada, rapport.RoleSuper)
			audit.check(t)
		})
		t.Run("NotHeld", func(t *testing.T) {
			wantCode(t, db.RevokeRole(ctx, acme.ID, carol.ID, rapport.RoleContent, ada.ID, t0), rapport.ENOTFOUND)
			wantCode(t, db.RevokeRole(ctx, acme.ID, bob.ID, rapport.RoleSuper, ada.ID, t0), rapport.ENOTFOUND)
			wantCode(t, db.RevokeRole(ctx, 999999, ada.ID, rapport.RoleSuper, ada.ID, t0), rapport.ENOTFOUND)
			roles(t, bob, rapport.RoleContent, rapport.RoleSeats)
			audit.check(t)
		})
		t.Run("RevokeOtherRole", func(t *testing.T) {
			if err := db.RevokeRole(ctx, acme.ID, bob.ID, rapport.RoleContent, ada.ID, t0.Add(3*time.Minute)); err != nil {
				t.Fatal(err)
			}
			roles(t, bob, rapport.RoleSeats)
			audit.check(t, auditWant{action: rapport.AuditAdminRevoked, actor: ada.ID, target: bob.ID, detail: rapport.RoleContent})
		})
		t.Run("OneOfTwoSupersStepsDown", func(t *testing.T) {
			if err := db.GrantRole(ctx, acme.ID, bob.ID, rapport.RoleSuper, ada.ID, t0.Add(4*time.Minute)); err != nil {
				t.Fatal(err)
			}
			audit.check(t, auditWant{action: rapport.AuditAdminGranted, actor: ada.ID, target: bob.ID, detail: rapport.RoleSuper})
			if err := db.RevokeRole(ctx, acme.ID, ada.ID, rapport.RoleSuper, ada.ID, t0.Add(5*time.Minute)); err != nil {
				t.Fatal(err)
			}
			roles(t, ada)
			roles(t, bob, rapport.RoleSeats, rapport.RoleSuper)
			audit.check(t, auditWant{action: rapport.AuditAdminRevoked, actor: ada.ID, target: ada.ID, detail: rapport.RoleSuper})
			// Bob is the last one now.
			wantCode(t, db.RevokeRole(ctx, acme.ID, bob.ID, rapport.RoleSuper, bob.ID, t0), rapport.ECONFLICT)
			roles(t, bob, rapport.RoleSeats, rapport.RoleSuper)
			audit.check(t)
		})
		t.Run("OtherOrganizationsAreApart", func(t *testing.T) {
			globex := mustCreateOrg(t, db, "globex", carol.ID)
			// Carol's super role at globex does not keep acme's last super.
			wantCode(t, db.RevokeRole(ctx, acme.ID, bob.ID, rapport.RoleSuper, bob.ID, t0), rapport.ECONFLICT)
			if r, _ := db.FindRoles(ctx, globex.ID, bob.ID); len(r) != 0 {
				t.Fatalf("bob's roles at globex = %v", r)
			}
			audit.check(t)
		})
	})
}

func TestSeatsStore(t *testing.T) {
	eachStore(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ada, bob, carol, dave := mustCreateMember(t, db, "ada"), mustCreateMember(t, db, "bob"),
			mustCreateMember(t, db, "carol"), mustCreateMember(t, db, "dave")
		acme := mustCreateOrg(t, db, "acme", ada.ID)
		audit := &auditTrail{db: db, orgID: acme.ID}
		audit.check(t, auditWant{action: rapport.AuditOrgCreated, actor: ada.ID, target: ada.ID})
		at := func(minutes int) time.Time { return t0.Add(time.Duration(minutes) * time.Minute) }

		standing := func(t *testing.T, seatID int64, m *rapport.Member, want string) {
			t.Helper()
			orgID, product, status, err := db.FindSeatStanding(ctx, seatID, m.ID)
			if err != nil || orgID != acme.ID || product != rapport.ProductRecruiter || status != want {
				t.Fatalf("%s's standing on seat %d = %d %q %q, %v; want %q", m.Handle, seatID, orgID, product, status, err, want)
			}
		}
		seat := func(t *testing.T, id int64) *rapport.Seat {
			t.Helper()
			s, err := db.FindSeat(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		wantFree := func(t *testing.T, id int64) {
			t.Helper()
			if s := seat(t, id); !s.Free() || s.Holder != nil || s.Status != "" || s.AssignmentID != 0 {
				t.Fatalf("seat %d = %+v, holder %+v; want free", id, s, s.Holder)
			}
		}
		wantHeld := func(t *testing.T, id int64, m *rapport.Member, status string, assigned time.Time) {
			t.Helper()
			s := seat(t, id)
			if s.Free() || s.Holder.ID != m.ID || s.Holder.Handle != m.Handle || s.Holder.DisplayName != m.DisplayName ||
				s.Status != status || s.AssignmentID == 0 || !s.AssignedAt.Equal(assigned) || s.Organization.ID != acme.ID {
				t.Fatalf("seat %d = %+v, holder %+v; want %s %s", id, s, s.Holder, status, m.Handle)
			}
		}
		memberSeats := func(t *testing.T, m *rapport.Member, want ...string) {
			t.Helper()
			list, err := db.FindMemberSeats(ctx, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range list {
				if s.Holder == nil || s.Holder.ID != m.ID {
					t.Fatalf("%s's seat %d is held by %+v", m.Handle, s.ID, s.Holder)
				}
				got = append(got, strings.Join([]string{s.Product, s.Status}, ":"))
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%s's seats = %v, want %v", m.Handle, got, want)
			}
		}

		t.Run("GrantToMissingOrganization", func(t *testing.T) {
			wantCode(t, db.GrantSeats(ctx, 999999, rapport.ProductRecruiter, 3, t0), rapport.ENOTFOUND)
			if list, _ := db.FindSeats(ctx, 999999); len(list) != 0 {
				t.Fatalf("seats of no organization = %+v", list)
			}
			if list, _ := db.FindAudit(ctx, 999999, 0, 10); len(list) != 0 {
				t.Fatalf("audit of no organization = %+v", list)
			}
		})

		if err := db.GrantSeats(ctx, acme.ID, rapport.ProductRecruiter, 3, at(1)); err != nil {
			t.Fatal(err)
		}
		audit.check(t, auditWant{action: rapport.AuditSeatsGranted, actor: 0, target: 0, detail: "3 recruiter"})
		seats, err := db.FindSeats(ctx, acme.ID)
		if err != nil || len(seats) != 3 {
			t.Fatalf("seats = %+v, %v", seats, err)
		}
		for _, s := range seats {
			if !s.Free() || s.Product != rapport.ProductRecruiter || s.Organization.ID != acme.ID || s.AssignmentID != 0 || s.Status != "" {
				t.Fatalf("granted seat = %+v", s)
			}
		}
		s1, s2, s3 := seats[0].ID, seats[1].ID, seats[2].ID
		if s1 == s2 || s2 == s3 || s1 == s3 {
			t.Fatalf("seat ids %d %d %d", s1, s2, s3)
		}
		standing(t, s1, bob, "")

		t.Run("AssignAcceptRevoke", func(t *testing.T) {
			if err := db.AssignSeat(ctx, s1, bob.ID, ada.ID, at(2)); err != nil {
				t.Fatal(err)
			}
			wantHeld(t, s1, bob, rapport.SeatOffered, at(2))
			standing(t, s1, bob, rapport.SeatOffered)
			audit.check(t, auditWant{action: rapport.AuditSeatAssigned, actor: ada.ID, target: bob.ID})

			// A taken seat is not assigned again, to another or to the same member.
			wantCode(t, db.AssignSeat(ctx, s1, carol.ID, ada.ID, at(3)), rapport.ECONFLICT)
			wantCode(t, db.AssignSeat(ctx, s1, bob.ID, ada.ID, at(3)), rapport.ECONFLICT)
			wantHeld(t, s1, bob, rapport.SeatOffered, at(2))
			standing(t, s1, carol, "")
			audit.check(t)

			// Only the member it is offered to answers.
			wantCode(t, db.AnswerSeat(ctx, s1, carol.ID, true, at(3)), rapport.ENOTFOUND)
			if err := db.AnswerSeat(ctx, s1, bob.ID, true, at(4)); err != nil {
				t.Fatal(err)
			}
			wantHeld(t, s1, bob, rapport.SeatActive, at(2))
			standing(t, s1, bob, rapport.SeatActive)
			memberSeats(t, bob, "recruiter:active")
			audit.check(t, auditWant{action: rapport.AuditSeatAccepted, actor: bob.ID, target: bob.ID})
			// An accepted seat is not answered again.
			wantCode(t, db.AnswerSeat(ctx, s1, bob.ID, false, at(5)), rapport.ENOTFOUND)
			wantCode(t, db.AssignSeat(ctx, s1, carol.ID, ada.ID, at(5)), rapport.ECONFLICT)
			audit.check(t)

			if err := db.EndSeat(ctx, s1, 0, ada.ID, rapport.SeatRevoked, at(6)); err != nil {
				t.Fatal(err)
			}
			wantFree(t, s1)
			standing(t, s1, bob, rapport.SeatRevoked)
			memberSeats(t, bob)
			audit.check(t, auditWant{action: rapport.AuditSeatRevoked, actor: ada.ID, target: bob.ID})
			// A free seat has nothing to end.
			wantCode(t, db.EndSeat(ctx, s1, 0, ada.ID, rapport.SeatRevoked, at(7)), rapport.ENOTFOUND)
			audit.check(t)
		})
		t.Run("Reassign", func(t *testing.T) {
			if err := db.AssignSeat(ctx, s2, bob.ID, ada.ID, at(10)); err != nil {
				t.Fatal(err)
			}
			if err := db.AnswerSeat(ctx, s2, bob.ID, true, at(11)); err != nil {
				t.Fatal(err)
			}
			audit.check(t, auditWant{action: rapport.AuditSeatAssigned, actor: ada.ID, target: bob.ID},
				auditWant{action: rapport.AuditSeatAccepted, actor: bob.ID, target: bob.ID})

			if err := db.ReassignSeat(ctx, s2, carol.ID, ada.ID, at(12)); err != nil {
				t.Fatal(err)
			}
			wantHeld(t, s2, carol, rapport.SeatOffered, at(12))
			standing(t, s2, bob, rapport.SeatRevoked)
			standing(t, s2, carol, rapport.SeatOffered)
			memberSeats(t, bob)
			memberSeats(t, carol, "recruiter:offered")
			audit.check(t, auditWant{action: rapport.AuditSeatRevoked, actor: ada.ID, target: bob.ID},
				auditWant{action: rapport.AuditSeatReassigned, actor: ada.ID, target: carol.ID})

			// A free seat is assigned, not reassigned; nothing is written.
			wantCode(t, db.ReassignSeat(ctx, s3, carol.ID, ada.ID, at(13)), rapport.ENOTFOUND)
			wantFree(t, s3)
			standing(t, s3, carol, "")
			audit.check(t)
		})
		t.Run("ReturnOnlyOwnSeat", func(t *testing.T) {
			// Ending bob's assignment of a seat carol holds ends nothing.
			wantCode(t, db.EndSeat(ctx, s2, bob.ID, bob.ID, rapport.SeatReturned, at(14)), rapport.ENOTFOUND)
			wantHeld(t, s2, carol, rapport.SeatOffered, at(12))
			audit.check(t)
			if err := db.EndSeat(ctx, s2, carol.ID, carol.ID, rapport.SeatReturned, at(15)); err != nil {
				t.Fatal(err)
			}
			wantFree(t, s2)
			standing(t, s2, carol, rapport.SeatReturned)
			memberSeats(t, carol)
			audit.check(t, auditWant{action: rapport.AuditSeatReturned, actor: carol.ID, target: carol.ID})
		})
		t.Run("Decline", func(t *testing.T) {
			if err := db.AssignSeat(ctx, s3, dave.ID, ada.ID, at(20)); err != nil {
				t.Fatal(err)
			}
			memberSeats(t, dave, "recruiter:offered")
			if err := db.AnswerSeat(ctx, s3, dave.ID, false, at(21)); err != nil {
				t.Fatal(err)
			}
			wantFree(t, s3)
			standing(t, s3, dave, rapport.SeatDeclined)
			memberSeats(t, dave)
			audit.check(t, auditWant{action: rapport.AuditSeatAssigned, actor: ada.ID, target: dave.ID},
				auditWant{action: rapport.AuditSeatDeclined, actor: dave.ID, target: dave.ID})
			// The seat is free to offer again, even to the member who declined.
			if err := db.AssignSeat(ctx, s3, dave.ID, ada.ID, at(22)); err != nil {
				t.Fatal(err)
			}
			standing(t, s3, dave, rapport.SeatOffered)
			audit.check(t, auditWant{action: rapport.AuditSeatAssigned, actor: ada.ID, target: dave.ID})
		})
		t.Run("MemberSeatsAreOfferedOrActive", func(t *testing.T) {
			// Bob has a revoked past on s1 and s2; now one active seat and one offered.
			if err := db.AssignSeat(ctx, s1, bob.ID, ada.ID, at(30)); err != nil {
				t.Fatal(err)
			}
			if err := db.AnswerSeat(ctx, s1, bob.ID, true, at(31)); err != nil {
				t.Fatal(err)
			}
			if err := db.AssignSeat(ctx, s2, bob.ID, ada.ID, at(32)); err != nil {
				t.Fatal(err)
			}
			list, err := db.FindMemberSeats(ctx, bob.ID)
			if err != nil || len(list) != 2 || list[0].ID != s1 || list[0].Status != rapport.SeatActive ||
				list[1].ID != s2 || list[1].Status != rapport.SeatOffered {
				t.Fatalf("bob's seats = %+v, %v", list, err)
			}
			memberSeats(t, carol)
			memberSeats(t, dave, "recruiter:offered")
			all, _ := db.FindSeats(ctx, acme.ID)
			var holders []string
			for _, s := range all {
				holders = append(holders, s.Holder.Handle+":"+s.Status)
			}
			if !slices.Equal(holders, []string{"bob:active", "bob:offered", "dave:offered"}) {
				t.Fatalf("seat holders = %v", holders)
			}
			audit.check(t, auditWant{action: rapport.AuditSeatAssigned, actor: ada.ID, target: bob.ID},
				auditWant{action: rapport.AuditSeatAccepted, actor: bob.ID, target: bob.ID},
				auditWant{action: rapport.AuditSeatAssigned, actor: ada.ID, target: bob.ID})
		})
		t.Run("OtherOrganizationsSeatsAreApart", func(t *testing.T) {
			globex := mustCreateOrg(t, db, "globex", carol.ID)
			if err := db.GrantSeats(ctx, globex.ID, rapport.ProductRecruiter, 1, at(40)); err != nil {
				t.Fatal(err)
			}
			if list, _ := db.FindSeats(ctx, acme.ID); len(list) != 3 {
				t.Fatalf("acme has %d seats, want 3", len(list))
			}
			g, err := db.FindSeats(ctx, globex.ID)
			if err != nil || len(g) != 1 || g[0].Organization.ID != globex.ID {
				t.Fatalf("globex's seats = %+v, %v", g, err)
			}
			orgID, _, status, err := db.FindSeatStanding(ctx, g[0].ID, bob.ID)
			if err != nil || orgID != globex.ID || status != "" {
				t.Fatalf("standing on globex's seat = %d %q %v", orgID, status, err)
			}
			audit.check(t)
		})
		t.Run("MissingSeat", func(t *testing.T) {
			_, err := db.FindSeat(ctx, 999999)
			wantCode(t, err, rapport.ENOTFOUND)
			_, _, _, err = db.FindSeatStanding(ctx, 999999, bob.ID)
			wantCode(t, err, rapport.ENOTFOUND)
			wantCode(t, db.AssignSeat(ctx, 999999, bob.ID, ada.ID, t0), rapport.ENOTFOUND)
			wantCode(t, db.AnswerSeat(ctx, 999999, bob.ID, true, t0), rapport.ENOTFOUND)
			wantCode(t, db.EndSeat(ctx, 999999, 0, ada.ID, rapport.SeatRevoked, t0), rapport.ENOTFOUND)
			audit.check(t)
		})
	})
}

func TestOpenToWorkStore(t *testing.T) {
	eachStore(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ada, bob := mustCreateMember(t, db, "ada"), mustCreateMember(t, db, "bob")
		acme := mustCreateOrg(t, db, "acme", bob.ID)
		mustCreatePosition(t, db, &rapport.Position{MemberID: ada.ID, Title: "Engineer", OrganizationName: "Acme", OrganizationID: acme.ID})
		mustCreatePosition(t, db, &rapport.Position{MemberID: ada.ID, Title: "Analyst", OrganizationName: "Globex",
			Start: rapport.Month{Year: 2015, Month: 1}, End: &rapport.Month{Year: 2019, Month: 12}})

		find := func(t *testing.T, m *rapport.Member) *rapport.OpenToWork {
			t.Helper()
			o, err := db.FindOpenToWork(ctx, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			return o
		}
		scan := func(t *testing.T) map[string]*rapport.Member {
			t.Helper()
			out := map[string]*rapport.Member{}
			if err := db.ScanProfiles(ctx, 0, math.MaxInt64, func(m *rapport.Member) { out[m.Handle] = m }); err != nil {
				t.Fatal(err)
			}
			return out
		}
		lastChange := func(t *testing.T) int64 {
			t.Helper()
			changes, err := db.FindProfileChanges(ctx, 0, t0.AddDate(100, 0, 0))
			if err != nil {
				t.Fatal(err)
			}
			if len(changes) == 0 {
				return 0
			}
			return changes[len(changes)-1].ID
		}
		wantChange := func(t *testing.T, after int64, m *rapport.Member) {
			t.Helper()
			changes, err := db.FindProfileChanges(ctx, after, t0.AddDate(100, 0, 0))
			if err != nil || len(changes) != 1 || changes[0].MemberID != m.ID {
				t.Fatalf("profile changes after %d = %+v, %v; want one of %s", after, changes, err, m.Handle)
			}
		}

		t.Run("NothingSaid", func(t *testing.T) {
			if o := find(t, ada); o != nil {
				t.Fatalf("open to work = %+v, want nil", o)
			}
			if p := scan(t)["ada"]; p.Profile.OpenToWork != "" {
				t.Fatalf("scanned open to work = %q", p.Profile.OpenToWork)
			}
		})
		t.Run("RoundTrip", func(t *testing.T) {
			before := lastChange(t)
			in := &rapport.OpenToWork{Titles: []string{"Engineer", "Tech lead"}, Locations: []string{"Paris", "Lyon"},
				Workplaces: []string{"remote", "hybrid"}, JobTypes: []string{"full-time"}, Visibility: rapport.OpenToRecruiters}
			if err := db.PutOpenToWork(ctx, ada.ID, in, t0); err != nil {
				t.Fatal(err)
			}
			o := find(t, ada)
			if o == nil || !slices.Equal(o.Titles, in.Titles) || !slices.Equal(o.Locations, in.Locations) ||
				!slices.Equal(o.Workplaces, in.Workplaces) || !slices.Equal(o.JobTypes, in.JobTypes) ||
				o.Visibility != rapport.OpenToRecruiters || !o.UpdatedAt.Equal(t0) {
				t.Fatalf("open to work = %+v", o)
			}
			wantChange(t, before, ada)
			if o := find(t, bob); o != nil {
				t.Fatalf("bob's open to work = %+v", o)
			}
			p := scan(t)
			if p["ada"].Profile.OpenToWork != rapport.OpenToRecruiters || p["bob"].Profile.OpenToWork != "" {
				t.Fatalf("scanned open to work = %q and %q", p["ada"].Profile.OpenToWork, p["bob"].Profile.OpenToWork)
			}
		})
		t.Run("UpdateReplaces", func(t *testing.T) {
			before := lastChange(t)
			in := &rapport.OpenToWork{Titles: []string{"Manager"}, Locations: []string{}, Workplaces: []string{},
				JobTypes: []string{"contract", "part-time"}, Visibility: rapport.OpenToEveryone}
			if err := db.PutOpenToWork(ctx, ada.ID, in, t0.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			o := find(t, ada)
			if o == nil || !slices.Equal(o.Titles, []string{"Manager"}) || len(o.Locations) != 0 || len(o.Workplaces) != 0 ||
				!slices.Equal(o.JobTypes, []string{"contract", "part-time"}) || o.Visibility != rapport.OpenToEveryone ||
				!o.UpdatedAt.Equal(t0.Add(time.Hour)) {
				t.Fatalf("open to work after update = %+v", o)
			}
			wantChange(t, before, ada)
			if v := scan(t)["ada"].Profile.OpenToWork; v != rapport.OpenToEveryone {
				t.Fatalf("scanned open to work = %q", v)
			}
		})
		t.Run("ScanReportsLinkedPositions", func(t *testing.T) {
			p := scan(t)["ada"]
			byTitle := map[string]rapport.Position{}
			for _, pos := range p.Profile.Positions {
				byTitle[pos.Title] = pos
			}
			if len(p.Profile.Positions) != 2 || byTitle["Engineer"].OrganizationID != acme.ID || !(byTitle["Engineer"].End == nil) ||
				byTitle["Analyst"].OrganizationID != 0 || (byTitle["Analyst"].End == nil) || byTitle["Analyst"].OrganizationName != "Globex" {
				t.Fatalf("scanned positions = %+v", p.Profile.Positions)
			}
		})
		t.Run("Delete", func(t *testing.T) {
			if err := db.PutOpenToWork(ctx, bob.ID, &rapport.OpenToWork{Titles: []string{"Founder"}, Visibility: rapport.OpenToRecruiters}, t0); err != nil {
				t.Fatal(err)
			}
			before := lastChange(t)
			if err := db.DeleteOpenToWork(ctx, ada.ID); err != nil {
				t.Fatal(err)
			}
			o, err := db.FindOpenToWork(ctx, ada.ID)
			if o != nil || err != nil {
				t.Fatalf("open to work after delete = %+v, %v; want nil, nil", o, err)
			}
			wantChange(t, before, ada)
			p := scan(t)
			if p["ada"].Profile.OpenToWork != "" || p["bob"].Profile.OpenToWork != rapport.OpenToRecruiters {
				t.Fatalf("scanned open to work = %q and %q", p["ada"].Profile.OpenToWork, p["bob"].Profile.OpenToWork)
			}
			if o := find(t, bob); o == nil || !slices.Equal(o.Titles, []string{"Founder"}) {
				t.Fatalf("bob's open to work = %+v", o)
			}
			// Deleting again is no error.
			if err := db.DeleteOpenToWork(ctx, ada.ID); err != nil {
				t.Fatal(err)
			}
		})
	})
}

func TestPositionsLinkedToOrganizationsStore(t *testing.T) {
	eachStore(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ada := mustCreateMember(t, db, "ada")
		acme, globex := mustCreateOrg(t, db, "acme", ada.ID), mustCreateOrg(t, db, "globex", ada.ID)
		linked := mustCreatePosition(t, db, &rapport.Position{MemberID: ada.ID, Title: "Engineer", OrganizationName: "Acme",
			OrganizationID: acme.ID, Start: rapport.Month{Year: 2021, Month: 3}})
		free := mustCreatePosition(t, db, &rapport.Position{MemberID: ada.ID, Title: "Analyst", OrganizationName: "Initech",
			Start: rapport.Month{Year: 2015, Month: 1}, End: &rapport.Month{Year: 2019, Month: 12}})

		positions := func(t *testing.T) map[int64]rapport.Position {
			t.Helper()
			byHandle, err := db.FindMemberByHandle(ctx, "ada")
			if err != nil {
				t.Fatal(err)
			}
			byID, err := db.FindMemberByID(ctx, ada.ID)
			if err != nil {
				t.Fatal(err)
			}
			out := map[int64]rapport.Position{}
			for _, m := range []*rapport.Member{byHandle, byID} {
				if len(m.Profile.Positions) != 2 {
					t.Fatalf("positions = %+v", m.Profile.Positions)
				}
				for _, p := range m.Profile.Positions {
					if q, ok := out[p.ID]; ok && (q.OrganizationID != p.OrganizationID || q.OrganizationSlug != p.OrganizationSlug) {
						t.Fatalf("by handle and by id disagree: %+v and %+v", q, p)
					}
					out[p.ID] = p
				}
			}
			return out
		}

		t.Run("LinkedAndFreeText", func(t *testing.T) {
			got := positions(t)
			if p := got[linked.ID]; p.OrganizationID != acme.ID || p.OrganizationSlug != "acme" || p.OrganizationName != "Acme" {
				t.Fatalf("linked position = %+v", p)
			}
			if p := got[free.ID]; p.OrganizationID != 0 || p.OrganizationSlug != "" || p.OrganizationName != "Initech" {
				t.Fatalf("free-text position = %+v", p)
			}
		})
		t.Run("UpdateRelinks", func(t *testing.T) {
			moved := *linked
			moved.OrganizationID, moved.OrganizationName = globex.ID, "Globex"
			if err := db.UpdatePosition(ctx, &moved); err != nil {
				t.Fatal(err)
			}
			unlinked := *free
			unlinked.OrganizationID = acme.ID
			if err := db.UpdatePosition(ctx, &unlinked); err != nil {
				t.Fatal(err)
			}
			got := positions(t)
			if p := got[linked.ID]; p.OrganizationID != globex.ID || p.OrganizationSlug != "globex" {
				t.Fatalf("relinked position = %+v", p)
			}
			if p := got[free.ID]; p.OrganizationID != acme.ID || p.OrganizationSlug != "acme" {
				t.Fatalf("newly linked position = %+v", p)
			}
			// Linking to 0 makes it free text again.
			unlinked.OrganizationID = 0
			if err := db.UpdatePosition(ctx, &unlinked); err != nil {
				t.Fatal(err)
			}
			if p := positions(t)[free.ID]; p.OrganizationID != 0 || p.OrganizationSlug != "" {
				t.Fatalf("unlinked position = %+v", p)
			}
		})
	})
}
