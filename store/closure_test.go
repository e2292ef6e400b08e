package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/store"
)

// TestCloseReopenPurgeStore closes an account, reopens it within the
// window only, and purges it: the member and their connections go, the
// messages they sent stay from no one, and one audit entry tells of it.
func TestCloseReopenPurgeStore(t *testing.T) {
	eachStore(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ada, bob := mustCreateMember(t, db, "ada"), mustCreateMember(t, db, "bob")
		mustConnectPair(t, db, ada, bob)
		thread, err := db.CreateThread(ctx, ada.ID, []int64{bob.ID}, &rapport.Message{Body: "Hello", CreatedAt: t0}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.CloseMember(ctx, ada.ID, t0); err != nil {
			t.Fatal(err)
		}
		wantCode(t, db.CloseMember(ctx, ada.ID, t0), rapport.ENOTFOUND)
		if m, err := db.FindMemberByID(ctx, ada.ID); err != nil || m.Status != rapport.StatusClosed {
			t.Fatalf("closed: %+v %v", m, err)
		}
		// The change log counts no connection with a closed account.
		changes, connected, err := db.FindGraphChanges(ctx, 0, time.Time{})
		if err != nil || len(changes) == 0 || connected[len(connected)-1] {
			t.Errorf("graph changes after closing: %+v %v %v", changes, connected, err)
		}
		wantCode(t, db.ReopenMember(ctx, ada.ID, t0.Add(time.Hour), t0), rapport.ENOTFOUND)
		if err := db.ReopenMember(ctx, ada.ID, t0.Add(-time.Hour), t0); err != nil {
			t.Fatal(err)
		}
		if err := db.CloseMember(ctx, ada.ID, t0); err != nil {
			t.Fatal(err)
		}
		if ids, err := db.FindClosedBefore(ctx, t0.Add(time.Second)); err != nil || len(ids) != 1 || ids[0] != ada.ID {
			t.Fatalf("closed before: %v %v", ids, err)
		}
		_, err = db.PurgeMember(ctx, bob.ID, t0)
		wantCode(t, err, rapport.ECONFLICT)
		others, err := db.PurgeMember(ctx, ada.ID, t0)
		if err != nil || len(others) != 1 || others[0] != bob.ID {
			t.Fatalf("purge: %v %v", others, err)
		}
		_, err = db.FindMemberByID(ctx, ada.ID)
		wantCode(t, err, rapport.ENOTFOUND)
		if n, _ := db.CountConnections(ctx, bob.ID); n != 0 {
			t.Errorf("bob's connections after the purge: %d", n)
		}
		th, err := db.FindThread(ctx, bob.ID, thread)
		if err != nil || len(th.Messages) != 1 || th.Messages[0].Sender != nil {
			t.Errorf("bob's thread after the purge: %+v %v", th, err)
		}
		audit, err := db.FindAudit(ctx, 0, 0, 10)
		found := false
		for _, e := range audit {
			found = found || (e.Action == rapport.AuditAccountDeleted && e.ActorID == 0 && e.TargetID == 0)
		}
		if err != nil || !found {
			t.Errorf("no audit entry of the deletion: %+v %v", audit, err)
		}
	})
}
