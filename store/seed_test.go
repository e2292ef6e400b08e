package store_test

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/seed"
	"github.com/rapportnet/rapport/store"
)

// mustGenerate makes n demo members.
func mustGenerate(tb testing.TB, n int) []*rapport.Member {
	tb.Helper()
	g, err := seed.New(seed.Options{Seed: 1, Today: rapport.Month{Year: 2026, Month: time.February}})
	if err != nil {
		tb.Fatal(err)
	}
	return g.Members(n)
}

func TestSeedMembers(t *testing.T) {
	eachStore(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		members := mustGenerate(t, 400)
		// Two accounts there already: one has the handle of a demo member,
		// the other the email address of another.
		mustCreateMember(t, db, members[5].Handle)
		taken := &rapport.Member{Handle: "taken-email", Email: members[7].Email, DisplayName: "Someone"}
		if err := db.CreateMember(ctx, taken, "$argon2id$theirs", t0); err != nil {
			t.Fatal(err)
		}
		const hash = "$argon2id$demo"
		ids, err := db.SeedMembers(ctx, members, hash, t0)
		if err != nil {
			t.Fatal(err)
		}
		t.Run("TakenAreLeftOut", func(t *testing.T) {
			if len(ids) != len(members) || ids[5] != 0 || ids[7] != 0 {
				t.Fatalf("ids of the members whose handle or email is taken: %d and %d, want 0", ids[5], ids[7])
			}
			if _, hash, _, err := db.FindCredentials(ctx, members[7].Email); err != nil || hash != "$argon2id$theirs" {
				t.Fatalf("the account with a demo member's address has hash %q (%v), want its own", hash, err)
			}
			if n, err := db.CountMembers(ctx); err != nil || n != 400 {
				t.Fatalf("members = %d (%v), want 398 made and 2 there before", n, err)
			}
		})
		t.Run("IDsInOrder", func(t *testing.T) {
			made := slices.DeleteFunc(slices.Clone(ids), func(id int64) bool { return id == 0 })
			if len(made) != 398 || !slices.IsSorted(made) || len(slices.Compact(made)) != 398 {
				t.Fatalf("%d ids made, want 398 distinct ones in increasing order", len(made))
			}
		})
		t.Run("ProfileReadBack", func(t *testing.T) {
			for _, i := range []int{0, 1, 399} {
				want := members[i]
				got, err := db.FindMemberByID(ctx, ids[i])
				if err != nil {
					t.Fatal(err)
				}
				if got.Handle != want.Handle || got.Email != want.Email || got.DisplayName != want.DisplayName ||
					got.Status != rapport.StatusActive || !got.CreatedAt.Equal(t0) {
					t.Fatalf("member %d read back as %+v, want %+v", i, got, want)
				}
				if got.Profile.Headline != want.Profile.Headline || got.Profile.Location != want.Profile.Location ||
					got.Profile.About != want.Profile.About || got.Profile.Visibility != rapport.VisibilityPublic {
					t.Fatalf("member %d profile read back as %+v, want %+v", i, got.Profile, want.Profile)
				}
				if !reflect.DeepEqual(got.Profile.Skills, want.Profile.Skills) {
					t.Fatalf("member %d skills = %q, want %q", i, got.Profile.Skills, want.Profile.Skills)
				}
				if len(got.Profile.Positions) != len(want.Profile.Positions) {
					t.Fatalf("member %d has %d positions, want %d", i, len(got.Profile.Positions), len(want.Profile.Positions))
				}
				for k, p := range got.Profile.Positions {
					w := want.Profile.Positions[k]
					p.ID, p.MemberID = 0, 0
					if !reflect.DeepEqual(p, w) {
						t.Fatalf("member %d position %d = %+v, want %+v", i, k, p, w)
					}
				}
				if len(got.Profile.Education) != len(want.Profile.Education) {
					t.Fatalf("member %d has %d schools, want %d", i, len(got.Profile.Education), len(want.Profile.Education))
				}
				for k, e := range got.Profile.Education {
					w := want.Profile.Education[k]
					e.ID, e.MemberID = 0, 0
					if e != w {
						t.Fatalf("member %d education %d = %+v, want %+v", i, k, e, w)
					}
				}
				if _, h, _, err := db.FindCredentials(ctx, want.Email); err != nil || h != hash {
					t.Fatalf("member %d signs in with hash %q (%v), want the demo hash", i, h, err)
				}
			}
		})
		t.Run("SharedPlaces", func(t *testing.T) {
			// Organizations and schools are keyed as when a member adds them.
			seen := map[string]int{}
			pair := [2]int{-1, -1}
			for i, m := range members {
				if ids[i] == 0 {
					continue
				}
				key := rapport.Fold(m.Profile.Education[0].School)
				if j, ok := seen[key]; ok {
					pair = [2]int{j, i}
					break
				}
				seen[key] = i
			}
			if pair[0] < 0 {
				t.Fatal("no two demo members went to the same school")
			}
			places, err := db.FindSharedPlaces(ctx, ids[pair[0]], 1000)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(places, func(p store.SharedPlace) bool { return p.MemberID == ids[pair[1]] && p.School }) {
				t.Fatalf("members %d and %d went to %s, and share no school: %+v", pair[0], pair[1], members[pair[0]].Profile.Education[0].School, places)
			}
		})
		t.Run("SeedAgainChangesNothing", func(t *testing.T) {
			again, err := db.SeedMembers(ctx, members[:50], hash, t0)
			if err != nil {
				t.Fatal(err)
			}
			if slices.ContainsFunc(again, func(id int64) bool { return id != 0 }) {
				t.Fatalf("seeding the same members again made some: %v", again)
			}
			handles, err := db.FindHandles(ctx)
			if err != nil || len(handles) != 400 || !slices.Contains(handles, members[399].Handle) {
				t.Fatalf("%d handles (%v), want 400 with the demo members'", len(handles), err)
			}
		})
	})
}
