package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/store"
)

// together runs each fn at once and returns their errors.
func together(fns ...func() error) []error {
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, fn := range fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = fn()
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

// TestLastSuperAdminRace has the two super admins of an organization step
// down at the same moment: one must stay, on PostgreSQL as on SQLite.
func TestLastSuperAdminRace(t *testing.T) {
	eachStore(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for i := range 40 {
			a, b := mustCreateMember(t, db, fmt.Sprintf("a%d", i)), mustCreateMember(t, db, fmt.Sprintf("b%d", i))
			o := mustCreateOrg(t, db, fmt.Sprintf("org%d", i), a.ID)
			if err := db.GrantRole(ctx, o.ID, b.ID, rapport.RoleSuper, a.ID, t0); err != nil {
				t.Fatal(err)
			}
			errs := together(
				func() error { return db.RevokeRole(ctx, o.ID, a.ID, rapport.RoleSuper, a.ID, t0) },
				func() error { return db.RevokeRole(ctx, o.ID, b.ID, rapport.RoleSuper, b.ID, t0) })
			admins, err := db.FindAdmins(ctx, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(admins) != 1 || (errs[0] == nil) == (errs[1] == nil) {
				t.Fatalf("trial %d: %d super admins left, errors %v", i, len(admins), errs)
			}
		}
	})
}

// TestReassignRace reassigns one seat to two members at the same moment:
// both succeed one after the other, and the seat ends with one of them.
func TestReassignRace(t *testing.T) {
	eachStore(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		admin := mustCreateMember(t, db, "boss")
		o := mustCreateOrg(t, db, "acme", admin.ID)
		if err := db.GrantSeats(ctx, o.ID, rapport.ProductRecruiter, 1, t0); err != nil {
			t.Fatal(err)
		}
		seats, err := db.FindSeats(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		seat := seats[0].ID
		for i := range 10 {
			h, x, y := mustCreateMember(t, db, fmt.Sprintf("h%d", i)), mustCreateMember(t, db, fmt.Sprintf("x%d", i)), mustCreateMember(t, db, fmt.Sprintf("y%d", i))
			if err := db.EndSeat(ctx, seat, 0, admin.ID, rapport.SeatRevoked, t0); err != nil && rapport.ErrorCode(err) != rapport.ENOTFOUND {
				t.Fatal(err)
			}
			if err := db.AssignSeat(ctx, seat, h.ID, admin.ID, t0); err != nil {
				t.Fatal(err)
			}
			errs := together(
				func() error { return db.ReassignSeat(ctx, seat, x.ID, admin.ID, t0) },
				func() error { return db.ReassignSeat(ctx, seat, y.ID, admin.ID, t0) })
			if errs[0] != nil || errs[1] != nil {
				t.Fatalf("trial %d: %v", i, errs)
			}
			s, err := db.FindSeat(ctx, seat)
			if err != nil || s.Holder == nil || (s.Holder.ID != x.ID && s.Holder.ID != y.ID) {
				t.Fatalf("trial %d: the seat is held by %+v (%v)", i, s.Holder, err)
			}
		}
	})
}
