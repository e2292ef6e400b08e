package store_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/store"
)

func TestPostChangesAndScan(t *testing.T) {
	eachStore(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ada, bob := mustCreateMember(t, db, "ada"), mustCreateMember(t, db, "bob")
		acme := mustCreateOrg(t, db, "acme", ada.ID)
		pub, kp := rapport.AudiencePublic, rapport.PostKindPost
		kept := mustWritePost(t, db, ada, nil, kp, pub, "kept", t0)
		asOrg := mustWritePost(t, db, ada, acme, kp, pub, "as acme", t0.Add(time.Second))
		byBob := mustWritePost(t, db, bob, nil, kp, pub, "bob's", t0.Add(2*time.Second))
		gone := mustWritePost(t, db, bob, nil, kp, pub, "gone", t0.Add(3*time.Second))
		if _, err := db.DeletePost(ctx, bob.ID, gone.ID); err != nil {
			t.Fatal(err)
		}

		t.Run("Changes", func(t *testing.T) {
			changes, err := db.FindPostChanges(ctx, 0, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			var got []store.PostChange
			for _, c := range changes {
				got = append(got, store.PostChange{Post: c.Post, Exists: c.Exists})
			}
			change := func(p *rapport.Post, exists bool) store.PostChange {
				return store.PostChange{Post: store.Stamp(p), Exists: exists}
			}
			want := []store.PostChange{change(kept, true), change(asOrg, true), change(byBob, true), change(gone, false), change(gone, false)}
			if !slices.Equal(got, want) {
				t.Fatalf("changes = %+v\nwant %+v", got, want)
			}
			last, err := db.LastPostChange(ctx)
			if err != nil || last != changes[len(changes)-1].ID {
				t.Fatalf("last change = %d (%v), want %d", last, err, changes[len(changes)-1].ID)
			}
			// Past the last one, only the window is read again.
			if again, err := db.FindPostChanges(ctx, last, time.Now().Add(-time.Hour)); err != nil || len(again) != len(changes) {
				t.Fatalf("within the window: %d changes (%v), want %d", len(again), err, len(changes))
			}
			if none, err := db.FindPostChanges(ctx, last, time.Now().Add(time.Hour)); err != nil || len(none) != 0 {
				t.Fatalf("past the window: %+v (%v), want none", none, err)
			}
		})

		t.Run("PurgedAuthor", func(t *testing.T) {
			carol := mustCreateMember(t, db, "carol")
			hers := mustWritePost(t, db, carol, nil, kp, pub, "carol's", t0.Add(4*time.Second))
			last, err := db.LastPostChange(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := db.CloseMember(ctx, carol.ID, t0); err != nil {
				t.Fatal(err)
			}
			if _, err := db.PurgeMember(ctx, carol.ID, t0); err != nil {
				t.Fatal(err)
			}
			changes, err := db.FindPostChanges(ctx, last, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			want := []store.PostChange{{ID: last + 1, Post: store.Stamp(hers), Exists: false}}
			if !slices.Equal(changes, want) {
				t.Fatalf("changes after the purge = %+v, want %+v", changes, want)
			}
		})

		t.Run("Scan", func(t *testing.T) {
			var orgs []store.PostStamp
			var mu sync.Mutex
			byAuthor := map[int64][]store.PostStamp{}
			err := db.ScanPosts(ctx, func(l []store.PostStamp) { orgs = l }, func(author int64, l []store.PostStamp) {
				mu.Lock()
				defer mu.Unlock()
				if _, ok := byAuthor[author]; ok {
					t.Errorf("author %d handed over twice", author)
				}
				byAuthor[author] = l
			})
			if err != nil {
				t.Fatal(err)
			}
			if want := []store.PostStamp{store.Stamp(asOrg)}; !slices.Equal(orgs, want) {
				t.Fatalf("posts written as an organization = %+v, want %+v", orgs, want)
			}
			// The author lists have every post, without their organization.
			plain := func(p *rapport.Post) store.PostStamp {
				st := store.Stamp(p)
				st.OrganizationID = 0
				return st
			}
			sortStamps := func(l []store.PostStamp) []store.PostStamp {
				slices.SortFunc(l, func(a, b store.PostStamp) int { return int(a.ID - b.ID) })
				return l
			}
			if got, want := sortStamps(byAuthor[ada.ID]), []store.PostStamp{plain(kept), plain(asOrg)}; !slices.Equal(got, want) {
				t.Fatalf("ada's posts = %+v, want %+v", got, want)
			}
			if got, want := byAuthor[bob.ID], []store.PostStamp{plain(byBob)}; !slices.Equal(got, want) {
				t.Fatalf("bob's posts = %+v, want %+v", got, want)
			}
		})
	})
}
