package store_test

import (
	"context"
	"database/sql"
	"slices"
	"testing"
	"time"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/store"
)

func mustMessage(tb testing.TB, db *store.DB, thread int64, from *rapport.Member, body string, at time.Time, hiddenFor ...int64) int64 {
	tb.Helper()
	m := &rapport.Message{Body: body, CreatedAt: at}
	if err := db.AddMessage(context.Background(), thread, from.ID, m, hiddenFor); err != nil {
		tb.Fatal(err)
	}
	return m.ID
}

func threadBodies(t *rapport.Thread) []string {
	var out []string
	for _, m := range t.Messages {
		out = append(out, m.Body)
	}
	return out
}

// TestThreadsStore keeps threads, their members, messages hidden from
// some, unread counts, reading, leaving and the direct thread of two.
func TestThreadsStore(t *testing.T) {
	eachStoreWithSQL(t, func(t *testing.T, db *store.DB, raw *sql.DB) {
		ctx := context.Background()
		ada, bob, cy := mustCreateMember(t, db, "ada"), mustCreateMember(t, db, "bob"), mustCreateMember(t, db, "cy")
		first := &rapport.Message{Body: "Hello", CreatedAt: t0}
		direct, err := db.CreateThread(ctx, ada.ID, []int64{bob.ID}, first, nil)
		if err != nil || first.ID == 0 || first.ThreadID != direct {
			t.Fatalf("create thread: %d %+v %v", direct, first, err)
		}
		group, err := db.CreateThread(ctx, ada.ID, []int64{bob.ID, cy.ID}, &rapport.Message{Body: "Team", CreatedAt: t0.Add(time.Minute)}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := db.FindDirectThread(ctx, bob.ID, ada.ID); err != nil || got != direct {
			t.Errorf("direct thread of bob and ada: %d %v, want %d", got, err, direct)
		}
		if _, err := db.FindDirectThread(ctx, bob.ID, cy.ID); rapport.ErrorCode(err) != rapport.ENOTFOUND {
			t.Errorf("direct thread of bob and cy: %v", err)
		}
		// A message hidden from cy, and one by a sender cy blocks now.
		mustMessage(t, db, group, bob, "Not for cy", t0.Add(2*time.Minute), cy.ID)
		mustMessage(t, db, group, bob, "From bob", t0.Add(3*time.Minute))
		mustMessage(t, db, group, ada, "From ada", t0.Add(4*time.Minute))
		read := func(who *rapport.Member) *rapport.Thread {
			t.Helper()
			th, err := db.FindThread(ctx, who.ID, group)
			if err != nil {
				t.Fatal(err)
			}
			return th
		}
		if got := threadBodies(read(cy)); !slices.Equal(got, []string{"Team", "From bob", "From ada"}) {
			t.Errorf("cy reads %q", got)
		}
		if err := db.CreateBlock(ctx, cy.ID, bob.ID, t0); err != nil {
			t.Fatal(err)
		}
		if th := read(cy); !slices.Equal(threadBodies(th), []string{"Team", "From ada"}) || th.Unread != 2 {
			t.Errorf("cy, blocking bob, reads %q with %d unread", threadBodies(th), th.Unread)
		}
		if th := read(bob); !slices.Equal(threadBodies(th), []string{"Team", "Not for cy", "From bob", "From ada"}) || th.Unread != 1 || len(th.Members) != 3 {
			t.Errorf("bob reads %q, %d unread, %d members", threadBodies(th), th.Unread, len(th.Members))
		}
		list, err := db.FindThreads(ctx, cy.ID, 10)
		if err != nil || len(list) != 1 || list[0].ID != group || list[0].Unread != 2 || list[0].Last == nil || list[0].Last.Body != "From ada" {
			t.Fatalf("cy's threads: %+v %v", list, err)
		}
		if n, err := db.CountUnreadThreads(ctx, bob.ID); err != nil || n != 2 {
			t.Errorf("bob's unread threads: %d %v", n, err)
		}
		// Reading reads the thread's notifications too.
		note := &rapport.Notification{MemberID: bob.ID, Kind: rapport.NotifyMessage, Actor: ada, ThreadID: group, CreatedAt: t0}
		if err := db.CreateNotification(ctx, note); err != nil {
			t.Fatal(err)
		}
		if err := db.MarkThreadRead(ctx, bob.ID, group, t0); err != nil {
			t.Fatal(err)
		}
		if n, _ := db.CountUnreadThreads(ctx, bob.ID); n != 1 {
			t.Errorf("bob's unread threads after reading one: %d", n)
		}
		if n, _ := db.CountUnreadNotifications(ctx, bob.ID); n != 0 {
			t.Errorf("bob's unread notifications after reading the thread: %d", n)
		}
		// Leaving: out of the list, not readable, no writing, no reading.
		if err := db.LeaveThread(ctx, cy.ID, group, t0); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindThread(ctx, cy.ID, group); rapport.ErrorCode(err) != rapport.ENOTFOUND {
			t.Errorf("cy reads the thread left: %v", err)
		}
		if err := db.AddMessage(ctx, group, cy.ID, &rapport.Message{Body: "x", CreatedAt: t0}, nil); rapport.ErrorCode(err) != rapport.ENOTFOUND {
			t.Errorf("cy writes in the thread left: %v", err)
		}
		if err := db.LeaveThread(ctx, cy.ID, group, t0); rapport.ErrorCode(err) != rapport.ENOTFOUND {
			t.Errorf("leaving twice: %v", err)
		}
		members, err := db.FindThreadMembers(ctx, group)
		if err != nil || len(members) != 3 {
			t.Fatalf("members: %+v %v", members, err)
		}
		for _, m := range members {
			if m.Left != (m.Member.ID == cy.ID) {
				t.Errorf("member %s left = %v", m.Member.Handle, m.Left)
			}
		}
		if list, _ := db.FindThreads(ctx, cy.ID, 10); len(list) != 0 {
			t.Errorf("cy's threads after leaving: %+v", list)
		}
	})
}

// TestNotificationsStore keeps notifications, one a thread while unread
// and one a reaction of a member to a post, leaving out those of
// members blocked either way and withdrawn invitations.
func TestNotificationsStore(t *testing.T) {
	eachStoreWithSQL(t, func(t *testing.T, db *store.DB, raw *sql.DB) {
		ctx := context.Background()
		ada, bob, cy := mustCreateMember(t, db, "ada"), mustCreateMember(t, db, "bob"), mustCreateMember(t, db, "cy")
		create := func(n *rapport.Notification) {
			t.Helper()
			n.CreatedAt = t0
			if err := db.CreateNotification(ctx, n); err != nil || n.ID == 0 {
				t.Fatalf("create %+v: %v", n, err)
			}
		}
		kinds := func(who *rapport.Member) []string {
			t.Helper()
			list, err := db.FindNotifications(ctx, who.ID, 0, 50)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, n := range list {
				out = append(out, n.Kind)
			}
			return out
		}
		p := mustWritePost(t, db, ada, nil, rapport.PostKindPost, rapport.AudiencePublic, "Post", t0)
		create(&rapport.Notification{MemberID: ada.ID, Kind: rapport.NotifyReaction, Actor: bob, PostID: p.ID, Reaction: "like"})
		create(&rapport.Notification{MemberID: ada.ID, Kind: rapport.NotifyReaction, Actor: bob, PostID: p.ID, Reaction: "funny"})
		create(&rapport.Notification{MemberID: ada.ID, Kind: rapport.NotifyReaction, Actor: cy, PostID: p.ID, Reaction: "like"})
		inv := mustInvite(t, db, cy.ID, ada.ID, t0)
		create(&rapport.Notification{MemberID: ada.ID, Kind: rapport.NotifyInvitationReceived, Actor: cy, InvitationID: inv.ID})
		if got := kinds(ada); !slices.Equal(got, []string{"invitation_received", "reaction", "reaction"}) {
			t.Errorf("ada's notifications: %q", got)
		}
		list, _ := db.FindNotifications(ctx, ada.ID, 0, 50)
		if list[2].Reaction != "funny" || list[2].Actor.Handle != "bob" {
			t.Errorf("bob's reaction, replaced: %+v", list[2])
		}
		if page, _ := db.FindNotifications(ctx, ada.ID, list[0].ID, 1); len(page) != 1 || page[0].ID != list[1].ID {
			t.Errorf("the page before %d: %+v", list[0].ID, page)
		}
		// A withdrawn invitation is not told of.
		if err := db.UpdateInvitationStatus(ctx, inv.ID, cy.ID, true, []string{rapport.InvitationPending}, rapport.InvitationWithdrawn, false, t0); err != nil {
			t.Fatal(err)
		}
		if got := kinds(ada); !slices.Equal(got, []string{"reaction", "reaction"}) {
			t.Errorf("after the withdrawal: %q", got)
		}
		// A block either way hides the actor's notifications.
		if err := db.CreateBlock(ctx, bob.ID, ada.ID, t0); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.CountUnreadNotifications(ctx, ada.ID); got != 1 {
			t.Errorf("ada's unread with bob blocking her: %d", got)
		}
		// Deleting by filter, and marking read.
		if err := db.DeleteNotifications(ctx, store.NotificationFilter{Kind: rapport.NotifyReaction, ActorID: cy.ID, PostID: p.ID}); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.CountUnreadNotifications(ctx, ada.ID); got != 0 {
			t.Errorf("after deleting cy's reaction: %d", got)
		}
		if err := db.MarkNotificationsRead(ctx, bob.ID, list[2].ID, t0); rapport.ErrorCode(err) != rapport.ENOTFOUND {
			t.Errorf("bob marks ada's notification read: %v", err)
		}
		if err := db.MarkNotificationsRead(ctx, ada.ID, 0, t0); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteBlock(ctx, bob.ID, ada.ID); err != nil {
			t.Fatal(err)
		}
		if list, _ := db.FindNotifications(ctx, ada.ID, 0, 50); len(list) != 1 || !list[0].Read {
			t.Errorf("after marking all read: %+v", list)
		}
	})
}

// TestProfileViewsStore keeps the latest view of each viewer with its mode.
func TestProfileViewsStore(t *testing.T) {
	eachStoreWithSQL(t, func(t *testing.T, db *store.DB, raw *sql.DB) {
		ctx := context.Background()
		ada, bob, cy := mustCreateMember(t, db, "ada"), mustCreateMember(t, db, "bob"), mustCreateMember(t, db, "cy")
		if mode, err := db.FindProfileViewing(ctx, bob.ID); err != nil || mode != rapport.ViewingNamed {
			t.Errorf("default mode: %q %v", mode, err)
		}
		if err := db.SetProfileViewing(ctx, bob.ID, rapport.ViewingPrivate); err != nil {
			t.Fatal(err)
		}
		if mode, _ := db.FindProfileViewing(ctx, bob.ID); mode != rapport.ViewingPrivate {
			t.Errorf("mode: %q", mode)
		}
		since := t0.AddDate(0, 0, -90)
		for _, v := range []struct {
			viewer  *rapport.Member
			private bool
			at      time.Time
		}{{bob, false, t0}, {cy, false, t0.Add(time.Minute)}, {bob, true, t0.Add(2 * time.Minute)}} {
			if err := db.RecordProfileView(ctx, ada.ID, v.viewer.ID, v.private, v.at, since); err != nil {
				t.Fatal(err)
			}
		}
		views, err := db.FindProfileViews(ctx, ada.ID, since)
		if err != nil || len(views) != 2 {
			t.Fatalf("views: %+v %v", views, err)
		}
		if views[0].Viewer.ID != bob.ID || !views[0].Private || !views[0].ViewedAt.Equal(t0.Add(2*time.Minute)) || views[1].Viewer.ID != cy.ID || views[1].Private {
			t.Errorf("views: %+v %+v", views[0], views[1])
		}
		// A view recorded later forgets those older than its window.
		if err := db.RecordProfileView(ctx, ada.ID, bob.ID, false, t0.AddDate(0, 0, 100), t0.AddDate(0, 0, 10)); err != nil {
			t.Fatal(err)
		}
		if views, _ := db.FindProfileViews(ctx, ada.ID, t0.AddDate(-1, 0, 0)); len(views) != 1 || views[0].Viewer.ID != bob.ID {
			t.Errorf("after the window moved: %+v", views)
		}
	})
}
