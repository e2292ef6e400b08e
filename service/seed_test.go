package service_test

import (
	"context"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/graph"
	"github.com/rapportnet/rapport/service"
)

func TestSeed(t *testing.T) {
	ctx := context.Background()
	t.Run("EdgeListIdsBecomeMembersInOrder", func(t *testing.T) {
		svc, db := MustOpenServices(t)
		signedIn(t, svc, "ada") // an account there before
		l, err := graph.ReadEdgeList(strings.NewReader("30 10\n10 20\n20 30\n20 10\n"))
		if err != nil {
			t.Fatal(err)
		}
		sum, err := service.Seed(ctx, db, service.SeedOptions{Members: 5, Graph: l, Seed: 1, Password: pw}, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Members != 5 || sum.Skipped != 0 || sum.Connections != 3 || sum.Example == nil {
			t.Fatalf("summary = %+v, want 5 members and 3 connections", sum)
		}
		g, err := service.BuildGraph(ctx, db, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		// Ids 10, 20 and 30 are the first three members made, in order;
		// the last two have no connection, and neither has ada.
		first := sum.Example.ID
		for k, want := range map[int64][]int64{
			first: {first + 1, first + 2}, first + 1: {first, first + 2}, first + 2: {first, first + 1},
			first + 3: nil, first + 4: nil, 1: nil,
		} {
			if got := g.Connections(k); !slices.Equal(got, want) {
				t.Errorf("connections of member %d = %v, want %v", k, got, want)
			}
		}
	})
	t.Run("GeneratedGraph", func(t *testing.T) {
		_, db := MustOpenServices(t)
		sum, err := service.Seed(ctx, db, service.SeedOptions{Members: 200, Connections: 1000, Seed: 2, Password: pw, Posts: 300}, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		g, err := service.BuildGraph(ctx, db, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if s := g.Stats(); sum.Members != 200 || s.Members != 200 || s.Connections != sum.Connections || sum.Connections < 800 {
			t.Fatalf("summary %+v and index %d members, %d connections; want 200 members and about 1,000 connections", sum, s.Members, s.Connections)
		}
		if n, err := db.CountPosts(ctx); err != nil || n != 300 || sum.Posts != 300 {
			t.Fatalf("%d posts (%v), summary %d; want 300", n, err, sum.Posts)
		}
		// Pages for the organizations the demo members work at, run by the
		// member to sign in as, with their positions linked.
		if sum.Organizations < 100 || sum.LinkedPositions == 0 {
			t.Fatalf("summary %+v: want the catalog's organizations and positions linked to them", sum)
		}
		m, err := db.FindMemberByID(ctx, sum.Example.ID)
		if err != nil {
			t.Fatal(err)
		}
		linked := 0
		for _, p := range m.Profile.Positions {
			if p.OrganizationSlug == "" {
				continue
			}
			linked++
			o, err := db.FindOrganization(ctx, p.OrganizationSlug)
			if err != nil || o.Name != p.OrganizationName {
				t.Fatalf("the page of %q: %+v (%v)", p.OrganizationName, o, err)
			}
			if roles, _ := db.FindRoles(ctx, o.ID, m.ID); !slices.Equal(roles, []string{rapport.RoleSuper}) {
				t.Errorf("the demo member's roles at %s: %v", o.Slug, roles)
			}
		}
		t.Logf("the demo member has %d of %d positions linked to pages", linked, len(m.Profile.Positions))
		// Seeding again makes no page twice.
		again, err := service.Seed(ctx, db, service.SeedOptions{Members: 10, Seed: 3, Password: pw}, io.Discard)
		if err != nil || again.Organizations != 0 {
			t.Fatalf("a second seed: %+v (%v), want no new page", again, err)
		}
	})
	for _, tc := range []struct {
		name  string
		opts  service.SeedOptions
		field string
	}{
		{"WeakPassword", service.SeedOptions{Members: 3, Password: "password"}, "password"},
		{"NoMembers", service.SeedOptions{Members: 0, Password: pw}, "members"},
		{"NegativePosts", service.SeedOptions{Members: 3, Password: pw, Posts: -1}, "posts"},
		{"FewerMembersThanTheEdgeList", service.SeedOptions{Members: 1, Password: pw, Graph: &graph.EdgeList{Edges: [][2]int64{{1, 2}}}}, "members"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, db := MustOpenServices(t)
			_, err := service.Seed(ctx, db, tc.opts, io.Discard)
			if rapport.ErrorCode(err) != rapport.EINVALID || rapport.ErrorField(err) != tc.field {
				t.Fatalf("error %v, want EINVALID on %s", err, tc.field)
			}
			if n, _ := db.CountMembers(ctx); n != 0 {
				t.Fatalf("%d members made by a refused seed", n)
			}
		})
	}
}
