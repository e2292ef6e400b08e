package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/store"
)

// mustConnectPair connects two members the way the site does: an
// invitation, accepted.
func mustConnectPair(tb testing.TB, db *store.DB, a, b *rapport.Member) {
	tb.Helper()
	inv := mustInvite(tb, db, a.ID, b.ID, t0)
	if _, err := db.AcceptInvitation(context.Background(), inv.ID, b.ID, t0.Add(-time.Hour), t0); err != nil {
		tb.Fatal(err)
	}
}

// mustWritePost stores a post of author's (as org when not nil) at the
// given time.
func mustWritePost(tb testing.TB, db *store.DB, author *rapport.Member, org *rapport.Organization, kind, audience, body string,
	at time.Time, mentions ...*rapport.Member) *rapport.Post {
	tb.Helper()
	p := &rapport.Post{AuthorID: author.ID, Organization: org, Kind: kind, Audience: audience, Body: body, Mentions: mentions}
	if err := db.CreatePost(context.Background(), p, at); err != nil {
		tb.Fatal(err)
	}
	if p.ID == 0 {
		tb.Fatalf("post %q has no id", body)
	}
	return p
}

// postBodies names a list of posts by their bodies, for messages and
// comparisons.
func postBodies(list []*rapport.Post) []string {
	out := []string{}
	for _, p := range list {
		out = append(out, p.Body)
	}
	return out
}

// newestFirst returns the posts in the order every list of posts keeps:
// created_at, then id, descending.
func newestFirst(posts ...*rapport.Post) []*rapport.Post {
	out := slices.Clone(posts)
	slices.SortFunc(out, func(a, b *rapport.Post) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return int(b.ID - a.ID)
	})
	return out
}

// wantPosts checks that a list holds exactly the wanted posts, in order,
// by id.
func wantPosts(tb testing.TB, what string, got []*rapport.Post, err error, want ...*rapport.Post) {
	tb.Helper()
	if err != nil {
		tb.Fatalf("%s: %v", what, err)
	}
	ids := func(list []*rapport.Post) (out []int64) {
		for _, p := range list {
			out = append(out, p.ID)
		}
		return out
	}
	if !slices.Equal(ids(got), ids(want)) {
		tb.Fatalf("%s = %q, want %q", what, postBodies(got), postBodies(want))
	}
}

func countRows(tb testing.TB, raw *sql.DB, table string, postID int64) int {
	tb.Helper()
	var n int
	if err := raw.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM `+table+` WHERE post_id = $1`, postID).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

func suspend(tb testing.TB, raw *sql.DB, m *rapport.Member) {
	tb.Helper()
	if _, err := raw.ExecContext(context.Background(), `UPDATE members SET status = $1 WHERE id = $2`, rapport.StatusSuspended, m.ID); err != nil {
		tb.Fatal(err)
	}
}

func TestPostRoundTripStore(t *testing.T) {
	eachStoreWithSQL(t, func(t *testing.T, db *store.DB, raw *sql.DB) {
		ctx := context.Background()
		ada, bob, carol, dave := mustCreateMember(t, db, "ada"), mustCreateMember(t, db, "bob"),
			mustCreateMember(t, db, "carol"), mustCreateMember(t, db, "dave")
		headline := "Engineer at Acme"
		if err := db.UpdateMember(ctx, ada.ID, rapport.ProfileUpdate{Headline: &headline}, t0); err != nil {
			t.Fatal(err)
		}
		at := t0.Add(time.Hour)
		// Mentions given out of id order come back in id order; dave, who
		// is suspended below, is left out.
		p := mustWritePost(t, db, ada, nil, rapport.PostKindPost, rapport.AudienceConnections, "Hello @carol @bob @dave", at, carol, dave, bob)
		if !p.CreatedAt.Equal(at) || !p.UpdatedAt.Equal(at) {
			t.Fatalf("created post = %+v", p)
		}
		acme := mustCreateOrg(t, db, "acme", ada.ID)
		op := mustWritePost(t, db, ada, acme, rapport.PostKindPost, rapport.AudiencePublic, "Acme news", at.Add(time.Minute))
		if op.ID == p.ID {
			t.Fatal("two posts share an id")
		}
		suspend(t, raw, dave)

		t.Run("Fields", func(t *testing.T) {
			got, err := db.FindPost(ctx, bob.ID, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != p.ID || got.AuthorID != ada.ID || got.Kind != rapport.PostKindPost || got.Audience != rapport.AudienceConnections ||
				got.Body != "Hello @carol @bob @dave" || got.Organization != nil || !got.CreatedAt.Equal(at) || !got.UpdatedAt.Equal(at) ||
				got.Comments != 0 || got.MyReaction != "" || len(got.Reactions) != 0 {
				t.Fatalf("found %+v", got)
			}
			wantCard(t, "author", got.Author, ada)
			if got.Author.Profile.Headline != headline {
				t.Fatalf("author's headline = %q", got.Author.Profile.Headline)
			}
			if len(got.Mentions) != 2 {
				t.Fatalf("mentions = %+v, want bob and carol (dave is suspended)", got.Mentions)
			}
			wantCard(t, "first mention", got.Mentions[0], bob)
			wantCard(t, "second mention", got.Mentions[1], carol)
		})
		t.Run("OrganizationPost", func(t *testing.T) {
			got, err := db.FindPost(ctx, 0, op.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Organization == nil || got.Organization.ID != acme.ID || got.Organization.Slug != "acme" || got.Organization.Name != "Org acme" ||
				got.AuthorID != ada.ID || got.Audience != rapport.AudiencePublic || got.Body != "Acme news" || len(got.Mentions) != 0 {
				t.Fatalf("organization post = %+v, organization %+v", got, got.Organization)
			}
			wantCard(t, "organization post's author", got.Author, ada)
		})
		t.Run("Counts", func(t *testing.T) {
			for _, r := range []struct {
				m    *rapport.Member
				kind string
			}{{bob, "like"}, {carol, "like"}, {ada, "celebrate"}} {
				if err := db.PutReaction(ctx, p.ID, r.m.ID, r.kind, at); err != nil {
					t.Fatal(err)
				}
			}
			// A reaction and a comment on the other post count there only.
			if err := db.PutReaction(ctx, op.ID, bob.ID, "funny", at); err != nil {
				t.Fatal(err)
			}
			for i, m := range []*rapport.Member{bob, carol, bob} {
				if err := db.CreateComment(ctx, &rapport.Comment{PostID: p.ID, Author: m, Body: fmt.Sprint("comment ", i)}, at); err != nil {
					t.Fatal(err)
				}
			}
			if err := db.CreateComment(ctx, &rapport.Comment{PostID: op.ID, Author: carol, Body: "elsewhere"}, at); err != nil {
				t.Fatal(err)
			}
			for _, v := range []struct {
				viewer int64
				mine   string
			}{{bob.ID, "like"}, {ada.ID, "celebrate"}, {dave.ID, ""}, {0, ""}} {
				got, err := db.FindPost(ctx, v.viewer, p.ID)
				if err != nil {
					t.Fatal(err)
				}
				if want := map[string]int{"like": 2, "celebrate": 1}; !maps.Equal(got.Reactions, want) || got.Comments != 3 || got.MyReaction != v.mine {
					t.Fatalf("for viewer %d: reactions %v, comments %d, mine %q; want %v, 3, %q", v.viewer, got.Reactions, got.Comments, got.MyReaction, want, v.mine)
				}
			}
			got, _ := db.FindPost(ctx, bob.ID, op.ID)
			if !maps.Equal(got.Reactions, map[string]int{"funny": 1}) || got.Comments != 1 || got.MyReaction != "funny" {
				t.Fatalf("organization post: reactions %v, comments %d, mine %q", got.Reactions, got.Comments, got.MyReaction)
			}
		})
		t.Run("NotFound", func(t *testing.T) {
			_, err := db.FindPost(ctx, ada.ID, 999999)
			wantCode(t, err, rapport.ENOTFOUND)
		})
	})
}

func TestFeedStore(t *testing.T) {
	eachStoreWithSQL(t, func(t *testing.T, db *store.DB, raw *sql.DB) {
		ctx := context.Background()
		members := map[string]*rapport.Member{}
		for _, h := range []string{"ada", "bob", "carol", "dave", "erin", "frank", "gina", "hank"} {
			members[h] = mustCreateMember(t, db, h)
		}
		ada, bob, carol, dave, erin, frank, gina, hank := members["ada"], members["bob"], members["carol"], members["dave"],
			members["erin"], members["frank"], members["gina"], members["hank"]
		// ada, the viewer, is connected to bob, frank and hank, follows
		// carol and gina without a connection, and follows acme but not
		// globex. dave is a stranger; erin is a stranger who runs acme.
		for _, m := range []*rapport.Member{bob, frank, hank} {
			mustConnectPair(t, db, ada, m)
		}
		for _, m := range []*rapport.Member{carol, gina} {
			if err := db.CreateFollow(ctx, ada.ID, m.ID, t0); err != nil {
				t.Fatal(err)
			}
		}
		acme, globex := mustCreateOrg(t, db, "acme", erin.ID), mustCreateOrg(t, db, "globex", bob.ID)
		if err := db.FollowOrganization(ctx, ada.ID, acme.ID, t0); err != nil {
			t.Fatal(err)
		}

		n := 0
		post := func(author *rapport.Member, org *rapport.Organization, kind, audience, body string) *rapport.Post {
			n++
			return mustWritePost(t, db, author, org, kind, audience, body, t0.Add(time.Duration(n)*time.Minute))
		}
		pub, conn := rapport.AudiencePublic, rapport.AudienceConnections
		kp, ku := rapport.PostKindPost, rapport.PostKindUpdate
		seen := []*rapport.Post{
			post(ada, nil, kp, pub, "ada public"),
			post(ada, nil, kp, conn, "ada connections"),
			post(ada, nil, ku, conn, "ada update"),
			post(ada, acme, kp, pub, "ada as acme"),
			post(bob, nil, kp, pub, "bob public"),
			post(bob, nil, kp, conn, "bob connections"),
			post(bob, nil, ku, conn, "bob update"),
			post(carol, nil, kp, pub, "carol public"),
			post(erin, acme, kp, pub, "erin as acme"),
		}
		unseen := []*rapport.Post{
			post(bob, globex, kp, pub, "bob as globex"), // a connection's, but ada does not follow globex
			post(carol, nil, kp, conn, "carol connections"),
			post(carol, nil, ku, conn, "carol update"),
			post(carol, globex, kp, pub, "carol as globex"), // a followed member's, as an organization ada does not follow
			post(dave, nil, kp, pub, "dave public"),
			post(erin, nil, kp, pub, "erin public"), // acme's admin, but not acme's post
		}
		// These are in the feed until blocks and a suspension take them out.
		doomed := []*rapport.Post{
			post(frank, nil, kp, pub, "frank public"),
			post(frank, nil, kp, conn, "frank connections"),
			post(frank, acme, kp, pub, "frank as acme"),
			post(gina, nil, kp, pub, "gina public"),
			post(gina, acme, kp, pub, "gina as acme"),
			post(hank, nil, kp, pub, "hank public"),
			post(hank, nil, kp, conn, "hank connections"),
			post(hank, acme, kp, pub, "hank as acme"),
		}
		// Posts written in the same microsecond, in the feed, to page through.
		same := t0.Add(time.Hour)
		for _, w := range []struct {
			m   *rapport.Member
			org *rapport.Organization
		}{{bob, nil}, {ada, nil}, {erin, acme}, {bob, nil}, {carol, nil}} {
			seen = append(seen, mustWritePost(t, db, w.m, w.org, kp, pub, fmt.Sprintf("%s at the same time %d", w.m.Handle, len(seen)), same))
		}

		feed := func(t *testing.T, viewer *rapport.Member) []*rapport.Post {
			t.Helper()
			list, err := db.FindFeed(ctx, viewer.ID, store.FeedCursor{}, 1000)
			if err != nil {
				t.Fatal(err)
			}
			return list
		}

		t.Run("Audiences", func(t *testing.T) {
			got := feed(t, ada)
			wantPosts(t, "ada's feed", got, nil, newestFirst(append(slices.Clone(seen), doomed...)...)...)
			for _, p := range got {
				if slices.ContainsFunc(unseen, func(u *rapport.Post) bool { return u.ID == p.ID }) {
					t.Fatalf("%q is in ada's feed", p.Body)
				}
			}
		})
		t.Run("Counts", func(t *testing.T) {
			if err := db.PutReaction(ctx, seen[4].ID, ada.ID, "insightful", t0); err != nil {
				t.Fatal(err)
			}
			if err := db.CreateComment(ctx, &rapport.Comment{PostID: seen[4].ID, Author: carol, Body: "Yes"}, t0); err != nil {
				t.Fatal(err)
			}
			for _, p := range feed(t, ada) {
				if p.ID == seen[4].ID {
					if p.MyReaction != "insightful" || p.Comments != 1 || !maps.Equal(p.Reactions, map[string]int{"insightful": 1}) {
						t.Fatalf("bob's post in ada's feed = %+v", p)
					}
					wantCard(t, "bob's post's author", p.Author, bob)
				} else if p.MyReaction != "" || p.Comments != 0 || len(p.Reactions) != 0 {
					t.Fatalf("post %q in ada's feed has counts %+v", p.Body, p)
				}
			}
		})
		t.Run("BlocksAndSuspensions", func(t *testing.T) {
			// ada blocks frank; gina blocks ada. The blocks end the
			// connection and the follows; following them again, which the
			// store allows, must not bring their posts back.
			if err := db.CreateBlock(ctx, ada.ID, frank.ID, t0); err != nil {
				t.Fatal(err)
			}
			if err := db.CreateBlock(ctx, gina.ID, ada.ID, t0); err != nil {
				t.Fatal(err)
			}
			for _, m := range []*rapport.Member{frank, gina} {
				if err := db.CreateFollow(ctx, ada.ID, m.ID, t0); err != nil {
					t.Fatal(err)
				}
			}
			suspend(t, raw, hank)
			wantPosts(t, "ada's feed after the blocks and hank's suspension", feed(t, ada), nil, newestFirst(seen...)...)
			// Each of them still sees their own posts.
			for _, m := range []*rapport.Member{frank, gina} {
				var own []*rapport.Post
				for _, p := range doomed {
					if p.AuthorID == m.ID {
						own = append(own, p)
					}
				}
				wantPosts(t, m.Handle+"'s feed", feed(t, m), nil, newestFirst(own...)...)
			}
		})
		t.Run("Paging", func(t *testing.T) {
			all := feed(t, ada)
			wantPosts(t, "ada's feed", all, nil, newestFirst(seen...)...)
			for size := 1; size <= 4; size++ {
				var got []*rapport.Post
				var cursor store.FeedCursor
				for pages := 0; ; pages++ {
					if pages > len(all) {
						t.Fatalf("pages of %d never end: %q", size, postBodies(got))
					}
					page, err := db.FindFeed(ctx, ada.ID, cursor, size)
					if err != nil {
						t.Fatal(err)
					}
					if len(page) > size {
						t.Fatalf("a page of %d holds %d posts", size, len(page))
					}
					got = append(got, page...)
					if len(page) < size {
						break
					}
					last := page[len(page)-1]
					cursor = store.FeedCursor{At: last.CreatedAt, ID: last.ID}
				}
				wantPosts(t, fmt.Sprintf("ada's feed in pages of %d", size), got, nil, all...)
			}
			// A cursor in the middle of the posts of the same microsecond.
			tied := newestFirst(seen...)[:5]
			for i, p := range tied {
				if !p.CreatedAt.Equal(same) {
					t.Fatalf("post %d of the feed, %q, is not one of the same microsecond", i, p.Body)
				}
			}
			rest, err := db.FindFeed(ctx, ada.ID, store.FeedCursor{At: same, ID: tied[1].ID}, 3)
			wantPosts(t, "the page after the second tied post", rest, err, tied[2:5]...)
		})
		t.Run("RemovingTheConnection", func(t *testing.T) {
			if err := db.DeleteConnection(ctx, ada.ID, bob.ID); err != nil {
				t.Fatal(err)
			}
			var want []*rapport.Post
			for _, p := range seen {
				if p.AuthorID != bob.ID || p.Organization != nil {
					want = append(want, p)
				}
			}
			wantPosts(t, "ada's feed after the connection with bob ended", feed(t, ada), nil, newestFirst(want...)...)
			// Following bob again brings back his public posts only.
			if err := db.CreateFollow(ctx, ada.ID, bob.ID, t0); err != nil {
				t.Fatal(err)
			}
			for _, p := range seen {
				if p.AuthorID == bob.ID && p.Organization == nil && p.Audience == pub {
					want = append(want, p)
				}
			}
			wantPosts(t, "ada's feed when she only follows bob", feed(t, ada), nil, newestFirst(want...)...)
		})
	})
}

func TestMemberAndOrganizationPostsStore(t *testing.T) {
	eachStore(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ada, bob := mustCreateMember(t, db, "ada"), mustCreateMember(t, db, "bob")
		acme, globex := mustCreateOrg(t, db, "acme", ada.ID), mustCreateOrg(t, db, "globex", ada.ID)
		pub, conn := rapport.AudiencePublic, rapport.AudienceConnections
		at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
		public := mustWritePost(t, db, ada, nil, rapport.PostKindPost, pub, "public", at(1))
		acme1 := mustWritePost(t, db, ada, acme, rapport.PostKindPost, pub, "acme 1", at(2))
		private := mustWritePost(t, db, ada, nil, rapport.PostKindPost, conn, "connections", at(3))
		update := mustWritePost(t, db, ada, nil, rapport.PostKindUpdate, conn, "update", at(4))
		acme2 := mustWritePost(t, db, bob, acme, rapport.PostKindPost, pub, "acme 2 by bob", at(5))
		globex1 := mustWritePost(t, db, ada, globex, rapport.PostKindPost, pub, "globex 1", at(6))
		later := mustWritePost(t, db, ada, nil, rapport.PostKindPost, pub, "later", at(7))
		mustWritePost(t, db, bob, nil, rapport.PostKindPost, pub, "bob's own", at(8))
		sameA := mustWritePost(t, db, ada, nil, rapport.PostKindPost, pub, "same a", at(9))
		sameB := mustWritePost(t, db, ada, nil, rapport.PostKindPost, pub, "same b", at(9))
		if err := db.PutReaction(ctx, later.ID, bob.ID, "support", at(10)); err != nil {
			t.Fatal(err)
		}

		t.Run("Member", func(t *testing.T) {
			list, err := db.FindMemberPosts(ctx, bob.ID, ada.ID, false, 100)
			wantPosts(t, "ada's public posts", list, err, sameB, sameA, later, public)
			list, err = db.FindMemberPosts(ctx, bob.ID, ada.ID, true, 100)
			wantPosts(t, "ada's posts for a connection", list, err, sameB, sameA, later, update, private, public)
			list, err = db.FindMemberPosts(ctx, bob.ID, ada.ID, true, 3)
			wantPosts(t, "ada's latest 3 posts", list, err, sameB, sameA, later)
			if list[2].MyReaction != "support" || !maps.Equal(list[2].Reactions, map[string]int{"support": 1}) {
				t.Fatalf("bob's reaction to ada's post: mine %q, reactions %v", list[2].MyReaction, list[2].Reactions)
			}
			list, err = db.FindMemberPosts(ctx, 0, 999999, true, 100)
			wantPosts(t, "posts of nobody", list, err)
		})
		t.Run("Organization", func(t *testing.T) {
			list, err := db.FindOrganizationPosts(ctx, 0, acme.ID, 100)
			wantPosts(t, "acme's posts", list, err, acme2, acme1)
			for _, p := range list {
				if p.Organization == nil || p.Organization.ID != acme.ID || p.Organization.Slug != "acme" {
					t.Fatalf("acme's post %q has organization %+v", p.Body, p.Organization)
				}
			}
			list, err = db.FindOrganizationPosts(ctx, 0, acme.ID, 1)
			wantPosts(t, "acme's latest post", list, err, acme2)
			list, err = db.FindOrganizationPosts(ctx, ada.ID, globex.ID, 100)
			wantPosts(t, "globex's posts", list, err, globex1)
		})
	})
}

func TestEditAndDeletePostStore(t *testing.T) {
	eachStoreWithSQL(t, func(t *testing.T, db *store.DB, raw *sql.DB) {
		ctx := context.Background()
		ada, bob, carol, dave := mustCreateMember(t, db, "ada"), mustCreateMember(t, db, "bob"),
			mustCreateMember(t, db, "carol"), mustCreateMember(t, db, "dave")
		pub, conn := rapport.AudiencePublic, rapport.AudienceConnections
		p := mustWritePost(t, db, ada, nil, rapport.PostKindPost, pub, "first @bob", t0, bob)
		mentions := func(t *testing.T, id int64) []string {
			t.Helper()
			got, err := db.FindPost(ctx, 0, id)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, m := range got.Mentions {
				out = append(out, m.Handle)
			}
			return out
		}

		t.Run("ByAnotherAuthor", func(t *testing.T) {
			stolen := &rapport.Post{ID: p.ID, AuthorID: bob.ID, Audience: conn, Body: "changed by bob", Mentions: []*rapport.Member{carol}}
			wantCode(t, db.UpdatePost(ctx, stolen, t0.Add(time.Minute)), rapport.ENOTFOUND)
			got, _ := db.FindPost(ctx, 0, p.ID)
			if got.Body != "first @bob" || got.Audience != pub || !got.UpdatedAt.Equal(t0) {
				t.Fatalf("after bob's edit: %+v", got)
			}
			if m := mentions(t, p.ID); !slices.Equal(m, []string{"bob"}) {
				t.Fatalf("mentions after bob's edit = %v", m)
			}
		})
		t.Run("AnUpdateIsNotEdited", func(t *testing.T) {
			u := mustWritePost(t, db, ada, nil, rapport.PostKindUpdate, conn, "ada has a new position", t0)
			edit := &rapport.Post{ID: u.ID, AuthorID: ada.ID, Audience: pub, Body: "edited"}
			wantCode(t, db.UpdatePost(ctx, edit, t0.Add(time.Minute)), rapport.ENOTFOUND)
			got, _ := db.FindPost(ctx, 0, u.ID)
			if got.Body != "ada has a new position" || got.Audience != conn || got.Kind != rapport.PostKindUpdate {
				t.Fatalf("update after an edit = %+v", got)
			}
		})
		t.Run("ByTheAuthorReplacesMentions", func(t *testing.T) {
			edit := &rapport.Post{ID: p.ID, AuthorID: ada.ID, Audience: conn, Body: "second @carol @dave", Mentions: []*rapport.Member{dave, carol}}
			if err := db.UpdatePost(ctx, edit, t0.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
			got, _ := db.FindPost(ctx, 0, p.ID)
			if got.Body != "second @carol @dave" || got.Audience != conn || !got.CreatedAt.Equal(t0) || !got.UpdatedAt.Equal(t0.Add(time.Minute)) {
				t.Fatalf("after the edit: %+v", got)
			}
			if m := mentions(t, p.ID); !slices.Equal(m, []string{"carol", "dave"}) {
				t.Fatalf("mentions after the edit = %v", m)
			}
			if n := countRows(t, raw, "post_mentions", p.ID); n != 2 {
				t.Fatalf("%d mention rows, want 2", n)
			}
			edit.Mentions = nil
			if err := db.UpdatePost(ctx, edit, t0.Add(2*time.Minute)); err != nil {
				t.Fatal(err)
			}
			if n := countRows(t, raw, "post_mentions", p.ID); n != 0 {
				t.Fatalf("%d mention rows after an edit without mentions", n)
			}
		})
		t.Run("Delete", func(t *testing.T) {
			victim := mustWritePost(t, db, ada, nil, rapport.PostKindPost, pub, "to delete @bob @carol", t0, bob, carol)
			other := mustWritePost(t, db, ada, nil, rapport.PostKindPost, pub, "to keep @bob", t0, bob)
			for _, q := range []*rapport.Post{victim, other} {
				if err := db.PutReaction(ctx, q.ID, bob.ID, "like", t0); err != nil {
					t.Fatal(err)
				}
				if err := db.PutReaction(ctx, q.ID, carol.ID, "funny", t0); err != nil {
					t.Fatal(err)
				}
				if err := db.CreateComment(ctx, &rapport.Comment{PostID: q.ID, Author: bob, Body: "nice"}, t0); err != nil {
					t.Fatal(err)
				}
			}
			_, err := db.DeletePost(ctx, bob.ID, victim.ID)
			wantCode(t, err, rapport.ENOTFOUND)
			if _, err := db.FindPost(ctx, 0, victim.ID); err != nil {
				t.Fatalf("after bob's delete: %v", err)
			}
			if n := countRows(t, raw, "reactions", victim.ID); n != 2 {
				t.Fatalf("%d reactions after bob's delete", n)
			}
			if st, err := db.DeletePost(ctx, ada.ID, victim.ID); err != nil {
				t.Fatal(err)
			} else if want := store.Stamp(victim); st != want {
				t.Fatalf("deleted post's stamp = %+v, want %+v", st, want)
			}
			_, err = db.FindPost(ctx, 0, victim.ID)
			wantCode(t, err, rapport.ENOTFOUND)
			_, err = db.DeletePost(ctx, ada.ID, victim.ID)
			wantCode(t, err, rapport.ENOTFOUND)
			for table, want := range map[string][2]int{"reactions": {0, 2}, "comments": {0, 1}, "post_mentions": {0, 1}} {
				if got := [2]int{countRows(t, raw, table, victim.ID), countRows(t, raw, table, other.ID)}; got != want {
					t.Fatalf("%s rows of the deleted and the kept post = %v, want %v", table, got, want)
				}
			}
		})
	})
}

func TestReactionsStore(t *testing.T) {
	eachStoreWithSQL(t, func(t *testing.T, db *store.DB, raw *sql.DB) {
		ctx := context.Background()
		ada, bob := mustCreateMember(t, db, "ada"), mustCreateMember(t, db, "bob")
		p := mustWritePost(t, db, ada, nil, rapport.PostKindPost, rapport.AudiencePublic, "react", t0)

		if err := db.PutReaction(ctx, p.ID, bob.ID, "like", t0); err != nil {
			t.Fatal(err)
		}
		if err := db.PutReaction(ctx, p.ID, bob.ID, "insightful", t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		var n int
		var kind string
		var at int64
		if err := raw.QueryRowContext(ctx, `SELECT COUNT(*), MAX(kind), MAX(created_at) FROM reactions WHERE post_id = $1 AND member_id = $2`,
			p.ID, bob.ID).Scan(&n, &kind, &at); err != nil {
			t.Fatal(err)
		}
		if n != 1 || kind != "insightful" || at != t0.Add(time.Minute).UnixMicro() {
			t.Fatalf("reaction rows = %d, kind %q, at %d", n, kind, at)
		}
		got, _ := db.FindPost(ctx, bob.ID, p.ID)
		if got.MyReaction != "insightful" || !maps.Equal(got.Reactions, map[string]int{"insightful": 1}) {
			t.Fatalf("after reacting twice: mine %q, reactions %v", got.MyReaction, got.Reactions)
		}

		wantCode(t, db.DeleteReaction(ctx, p.ID, ada.ID), rapport.ENOTFOUND)
		if err := db.DeleteReaction(ctx, p.ID, bob.ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, db.DeleteReaction(ctx, p.ID, bob.ID), rapport.ENOTFOUND)
		got, _ = db.FindPost(ctx, bob.ID, p.ID)
		if got.MyReaction != "" || len(got.Reactions) != 0 {
			t.Fatalf("after taking it off: mine %q, reactions %v", got.MyReaction, got.Reactions)
		}
	})
}

func TestCommentsStore(t *testing.T) {
	eachStoreWithSQL(t, func(t *testing.T, db *store.DB, raw *sql.DB) {
		ctx := context.Background()
		ada, bob, carol, dave := mustCreateMember(t, db, "ada"), mustCreateMember(t, db, "bob"),
			mustCreateMember(t, db, "carol"), mustCreateMember(t, db, "dave")
		p := mustWritePost(t, db, ada, nil, rapport.PostKindPost, rapport.AudiencePublic, "comment on this", t0)
		q := mustWritePost(t, db, carol, nil, rapport.PostKindPost, rapport.AudiencePublic, "carol's", t0)
		comment := func(post *rapport.Post, m *rapport.Member, body string, at time.Time) *rapport.Comment {
			c := &rapport.Comment{PostID: post.ID, Author: m, Body: body}
			if err := db.CreateComment(ctx, c, at); err != nil {
				t.Fatal(err)
			}
			if c.ID == 0 || !c.CreatedAt.Equal(at) {
				t.Fatalf("created comment = %+v", c)
			}
			return c
		}
		byBob := comment(p, bob, "by bob", t0.Add(time.Minute))
		byCarol := comment(p, carol, "by carol", t0.Add(2*time.Minute))
		comment(p, dave, "by dave", t0.Add(3*time.Minute))
		comment(p, ada, "by ada", t0.Add(4*time.Minute))
		comment(q, bob, "on carol's post", t0)
		bodies := func(t *testing.T) []string {
			t.Helper()
			list, err := db.FindComments(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			out := []string{}
			for _, c := range list {
				if c.PostID != p.ID || c.Author == nil || c.Author.Handle == "" || c.CreatedAt.IsZero() {
					t.Fatalf("comment = %+v", c)
				}
				out = append(out, c.Author.Handle+": "+c.Body)
			}
			return out
		}

		t.Run("Listed", func(t *testing.T) {
			list, err := db.FindComments(ctx, p.ID)
			if err != nil || len(list) != 4 {
				t.Fatalf("comments = %+v, %v", list, err)
			}
			c := list[0]
			if c.ID != byBob.ID || c.Body != "by bob" || !c.CreatedAt.Equal(t0.Add(time.Minute)) {
				t.Fatalf("first comment = %+v", c)
			}
			wantCard(t, "first comment's author", c.Author, bob)
			if got := bodies(t); !slices.Equal(got, []string{"bob: by bob", "carol: by carol", "dave: by dave", "ada: by ada"}) {
				t.Fatalf("comments = %q", got)
			}
		})
		t.Run("DeletedByWhomItMay", func(t *testing.T) {
			// Nor by the author of another post, nor through another post.
			wantCode(t, db.DeleteComment(ctx, p.ID, byBob.ID, carol.ID), rapport.ENOTFOUND)
			wantCode(t, db.DeleteComment(ctx, q.ID, byBob.ID, carol.ID), rapport.ENOTFOUND)
			wantCode(t, db.DeleteComment(ctx, q.ID, byBob.ID, bob.ID), rapport.ENOTFOUND)
			wantCode(t, db.DeleteComment(ctx, p.ID, 999999, ada.ID), rapport.ENOTFOUND)
			if got := bodies(t); len(got) != 4 {
				t.Fatalf("comments after refused deletes = %q", got)
			}
			if err := db.DeleteComment(ctx, p.ID, byBob.ID, bob.ID); err != nil {
				t.Fatalf("bob deleting his comment: %v", err)
			}
			if err := db.DeleteComment(ctx, p.ID, byCarol.ID, ada.ID); err != nil {
				t.Fatalf("ada deleting a comment on her post: %v", err)
			}
			wantCode(t, db.DeleteComment(ctx, p.ID, byCarol.ID, ada.ID), rapport.ENOTFOUND)
			if got := bodies(t); !slices.Equal(got, []string{"dave: by dave", "ada: by ada"}) {
				t.Fatalf("comments after the deletes = %q", got)
			}
			if got, _ := db.FindPost(ctx, 0, p.ID); got.Comments != 2 {
				t.Fatalf("comment count = %d, want 2", got.Comments)
			}
			if list, _ := db.FindComments(ctx, q.ID); len(list) != 1 {
				t.Fatalf("carol's post has %d comments, want 1", len(list))
			}
		})
		t.Run("SuspendedAuthorsLeftOut", func(t *testing.T) {
			suspend(t, raw, dave)
			if got := bodies(t); !slices.Equal(got, []string{"ada: by ada"}) {
				t.Fatalf("comments with dave suspended = %q", got)
			}
		})
	})
}

func TestShareUpdatesStore(t *testing.T) {
	eachStore(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ada, bob := mustCreateMember(t, db, "ada"), mustCreateMember(t, db, "bob")
		want := func(m *rapport.Member, share bool) {
			t.Helper()
			if got, err := db.FindShareUpdates(ctx, m.ID); err != nil || got != share {
				t.Fatalf("%s shares updates = %v, %v; want %v", m.Handle, got, err, share)
			}
		}
		want(ada, true)
		want(bob, true)
		if err := db.SetShareUpdates(ctx, ada.ID, false); err != nil {
			t.Fatal(err)
		}
		want(ada, false)
		want(bob, true)
		if err := db.SetShareUpdates(ctx, ada.ID, true); err != nil {
			t.Fatal(err)
		}
		want(ada, true)
		wantCode(t, db.SetShareUpdates(ctx, 999999, false), rapport.ENOTFOUND)
		_, err := db.FindShareUpdates(ctx, 999999)
		wantCode(t, err, rapport.ENOTFOUND)
	})
}
