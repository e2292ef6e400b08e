package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/store"
)

func mustInvite(tb testing.TB, db *store.DB, from, to int64, at time.Time) *rapport.Invitation {
	tb.Helper()
	inv := &rapport.Invitation{SenderID: from, RecipientID: to, HowMet: rapport.HowMetFriend, Status: rapport.InvitationPending, CreatedAt: at}
	if err := db.CreateInvitation(context.Background(), inv); err != nil {
		tb.Fatal(err)
	}
	return inv
}

func TestInvitationsStore(t *testing.T) {
	eachStore(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ada, bob, carol := mustCreateMember(t, db, "ada"), mustCreateMember(t, db, "bob"), mustCreateMember(t, db, "carol")
		inv := mustInvite(t, db, ada.ID, bob.ID, t0)

		t.Run("OneOpenInvitationPerPair", func(t *testing.T) {
			err := db.CreateInvitation(ctx, &rapport.Invitation{SenderID: ada.ID, RecipientID: bob.ID, HowMet: "friend", Status: "pending", CreatedAt: t0})
			wantCode(t, err, rapport.ECONFLICT)
			// The other direction is another pair.
			mustInvite(t, db, bob.ID, ada.ID, t0)
		})
		t.Run("IgnoreKeepsItOpen", func(t *testing.T) {
			wantCode(t, db.UpdateInvitationStatus(ctx, inv.ID, ada.ID, false, []string{"pending"}, "ignored", false, t0), rapport.ENOTFOUND)
			if err := db.UpdateInvitationStatus(ctx, inv.ID, bob.ID, false, []string{"pending"}, "ignored", true, t0); err != nil {
				t.Fatal(err)
			}
			if err := db.UpdateInvitationStatus(ctx, inv.ID, bob.ID, false, []string{"ignored"}, "ignored", false, t0); err != nil {
				t.Fatal(err)
			}
			got, _ := db.FindInvitationByID(ctx, inv.ID)
			if got.Status != "ignored" || !got.DontKnow {
				t.Fatalf("invitation = %+v; don't know must stay once said", got)
			}
			err := db.CreateInvitation(ctx, &rapport.Invitation{SenderID: ada.ID, RecipientID: bob.ID, HowMet: "friend", Status: "pending", CreatedAt: t0})
			wantCode(t, err, rapport.ECONFLICT)
		})
		t.Run("AcceptConnectsBothAndClosesTheCrossingOne", func(t *testing.T) {
			_, err := db.AcceptInvitation(ctx, inv.ID, bob.ID, t0.Add(time.Second), t0)
			wantCode(t, err, rapport.ENOTFOUND) // made before openSince: expired
			sender, err := db.AcceptInvitation(ctx, inv.ID, bob.ID, t0.Add(-time.Hour), t0)
			if err != nil || sender != ada.ID {
				t.Fatalf("accept = %d, %v", sender, err)
			}
			for _, pair := range [][2]int64{{ada.ID, bob.ID}, {bob.ID, ada.ID}} {
				if ok, _ := db.IsConnected(ctx, pair[0], pair[1]); !ok {
					t.Fatalf("%d and %d are not connected", pair[0], pair[1])
				}
			}
			open, _ := db.FindInvitations(ctx, store.InvitationFilter{SenderID: bob.ID, RecipientID: ada.ID, Statuses: []string{"pending", "ignored"}})
			if len(open) != 0 {
				t.Fatalf("bob's crossing invitation is still open: %+v", open[0])
			}
			_, err = db.AcceptInvitation(ctx, inv.ID, bob.ID, t0.Add(-time.Hour), t0)
			wantCode(t, err, rapport.ENOTFOUND)
		})
		t.Run("ListsWithCards", func(t *testing.T) {
			mustInvite(t, db, carol.ID, ada.ID, t0.Add(time.Minute))
			list, err := db.FindInvitations(ctx, store.InvitationFilter{RecipientID: ada.ID, Statuses: []string{"pending"}})
			if err != nil || len(list) != 1 || list[0].Sender.Handle != "carol" || list[0].Recipient.Handle != "ada" {
				t.Fatalf("received = %+v, %v", list, err)
			}
			if n, _ := db.CountInvitationsSent(ctx, carol.ID, t0); n != 1 {
				t.Fatalf("carol sent %d since t0", n)
			}
		})
	})
}

func TestConnectionsAndBlocksStore(t *testing.T) {
	eachStore(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ada := mustCreateMember(t, db, "ada")
		names := []string{"zoe", "bob", "eve_"}
		var others []*rapport.Member
		for i, h := range []string{"zoe", "bob", "eve"} {
			m := mustCreateMember(t, db, h)
			if err := db.UpdateMember(ctx, m.ID, rapport.ProfileUpdate{DisplayName: &names[i]}, t0); err != nil {
				t.Fatal(err)
			}
			inv := mustInvite(t, db, m.ID, ada.ID, t0)
			if _, err := db.AcceptInvitation(ctx, inv.ID, ada.ID, t0.Add(-time.Hour), t0.Add(time.Duration(i)*time.Minute)); err != nil {
				t.Fatal(err)
			}
			others = append(others, m)
		}
		handles := func(list []*rapport.Connection) (out []string) {
			for _, c := range list {
				out = append(out, c.Other.Handle)
			}
			return out
		}
		t.Run("NewestFirst", func(t *testing.T) {
			list, _ := db.FindConnections(ctx, store.ConnectionFilter{MemberID: ada.ID})
			if got := handles(list); len(got) != 3 || got[0] != "eve" || got[2] != "zoe" {
				t.Fatalf("connections = %v", got)
			}
		})
		t.Run("ByName", func(t *testing.T) {
			list, _ := db.FindConnections(ctx, store.ConnectionFilter{MemberID: ada.ID, ByName: true})
			if got := handles(list); got[0] != "bob" || got[2] != "zoe" {
				t.Fatalf("connections by name = %v", got)
			}
		})
		t.Run("SearchEscapesWildcards", func(t *testing.T) {
			list, _ := db.FindConnections(ctx, store.ConnectionFilter{MemberID: ada.ID, Query: "_"})
			if got := handles(list); len(got) != 1 || got[0] != "eve" {
				t.Fatalf("search for _ = %v", got)
			}
			list, _ = db.FindConnections(ctx, store.ConnectionFilter{MemberID: ada.ID, Query: "ZO"})
			if got := handles(list); len(got) != 1 || got[0] != "zoe" {
				t.Fatalf("search for ZO = %v", got)
			}
		})
		t.Run("BlockRemovesConnectionAndInvitations", func(t *testing.T) {
			zoe, bob := others[0], others[1]
			mustInvite(t, db, ada.ID, mustCreateMember(t, db, "fay").ID, t0)
			inv := mustInvite(t, db, zoe.ID, bob.ID, t0)
			if err := db.CreateBlock(ctx, bob.ID, zoe.ID, t0); err != nil {
				t.Fatal(err)
			}
			if err := db.CreateBlock(ctx, bob.ID, zoe.ID, t0); err != nil {
				t.Fatalf("blocking twice: %v", err)
			}
			got, _ := db.FindInvitationByID(ctx, inv.ID)
			if got.Status != "withdrawn" {
				t.Fatalf("zoe's invitation to bob after the block: %s", got.Status)
			}
			if err := db.CreateBlock(ctx, ada.ID, zoe.ID, t0); err != nil {
				t.Fatal(err)
			}
			if n, _ := db.CountConnections(ctx, zoe.ID); n != 0 {
				t.Fatalf("zoe keeps %d connections", n)
			}
			a, b, _ := db.FindBlocks(ctx, zoe.ID, ada.ID)
			if a || !b {
				t.Fatalf("blocks between zoe and ada = %v %v", a, b)
			}
			// Either side of a block finds it, from either end; others find none.
			for _, pair := range []struct {
				a, b   int64
				aB, bA bool
			}{{ada.ID, zoe.ID, true, false}, {zoe.ID, ada.ID, false, true}, {ada.ID, bob.ID, false, false}} {
				if aB, bA, err := db.FindBlocks(ctx, pair.a, pair.b); err != nil || aB != pair.aB || bA != pair.bA {
					t.Fatalf("FindBlocks(%d, %d) = %v, %v, %v; want %v, %v", pair.a, pair.b, aB, bA, err, pair.aB, pair.bA)
				}
			}
			blocked, _ := db.FindBlocked(ctx, ada.ID)
			if len(blocked) != 1 || blocked[0].Handle != "zoe" {
				t.Fatalf("ada blocked %+v", blocked)
			}
			if err := db.DeleteBlock(ctx, ada.ID, zoe.ID); err != nil {
				t.Fatal(err)
			}
			wantCode(t, db.DeleteBlock(ctx, ada.ID, zoe.ID), rapport.ENOTFOUND)
		})
		t.Run("DeleteConnection", func(t *testing.T) {
			wantCode(t, db.DeleteConnection(ctx, ada.ID, others[0].ID), rapport.ENOTFOUND)
			if err := db.DeleteConnection(ctx, others[1].ID, ada.ID); err != nil {
				t.Fatal(err)
			}
			if ok, _ := db.IsConnected(ctx, ada.ID, others[1].ID); ok {
				t.Fatal("still connected")
			}
		})
	})
}

// TestImportKeepsForeignKeysOn: the import switches foreign-key checks off
// on its own connection; afterwards every connection checks them again.
func TestImportKeepsForeignKeysOn(t *testing.T) {
	eachStore(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ids, err := db.ImportMembers(ctx, []string{"u1", "u2"}, t0)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.ImportConnections(ctx, [][2]int64{{ids["u1"], ids["u2"]}, {ids["u2"], ids["u1"]}}, t0); err != nil {
			t.Fatal(err)
		}
		if n, _ := db.CountConnections(ctx, ids["u1"]); n != 1 {
			t.Fatalf("u1 has %d connections", n)
		}
		for i := 0; i < 10; i++ { // over several pooled connections
			inv := &rapport.Invitation{SenderID: ids["u1"], RecipientID: 999999, HowMet: "friend", Status: "pending", CreatedAt: t0}
			if err := db.CreateInvitation(ctx, inv); err == nil {
				t.Fatal("an invitation to a member that does not exist was stored: foreign keys are off")
			}
		}
	})
}
