package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/store"
)

// TestContactsStore keeps contacts for their owner alone, finds them by
// text, and finds the members their emails belong to as those members
// allow.
func TestContactsStore(t *testing.T) {
	eachStore(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ada, bob, cy := mustCreateMember(t, db, "ada"), mustCreateMember(t, db, "bob"), mustCreateMember(t, db, "cy")
		grace := &rapport.Contact{OwnerID: ada.ID, Name: "Grace Hopper", Emails: []string{"Grace@Navy.example", "bob@example.com"}, Phones: []string{"+1 555", "+1 556"},
			Organization: "Navy", Title: "Admiral", Notes: "50% COBOL"}
		if err := db.CreateContact(ctx, grace, t0); err != nil || grace.ID == 0 {
			t.Fatalf("create: %v", err)
		}
		alan := &rapport.Contact{OwnerID: ada.ID, Name: "alan turing", Emails: []string{}}
		kept := &rapport.Contact{OwnerID: bob.ID, Name: "Bob's own", Emails: []string{"x@example.com"}}
		if err := db.SaveContacts(ctx, []*rapport.Contact{alan, kept}, nil, t0); err != nil {
			t.Fatal(err)
		}
		names := func(f store.ContactFilter) []string {
			t.Helper()
			list, err := db.FindContacts(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, c := range list {
				out = append(out, c.Name)
			}
			return out
		}
		if got := names(store.ContactFilter{OwnerID: ada.ID}); !slices.Equal(got, []string{"alan turing", "Grace Hopper"}) {
			t.Errorf("ada's contacts by name: %q", got)
		}
		for q, want := range map[string][]string{"NAVY": {"Grace Hopper"}, "grace@navy": {"Grace Hopper"}, "%": nil, "_": nil, "50": nil, "turing": {"alan turing"}, "own": nil} {
			if got := names(store.ContactFilter{OwnerID: ada.ID, Query: q}); !slices.Equal(got, want) {
				t.Errorf("search %q: %q, want %q", q, got, want)
			}
		}
		list, _ := db.FindContacts(ctx, store.ContactFilter{OwnerID: ada.ID, ID: grace.ID})
		if len(list) != 1 || !slices.Equal(list[0].Emails, grace.Emails) || !slices.Equal(list[0].Phones, grace.Phones) || list[0].Notes != "50% COBOL" {
			t.Errorf("grace read back: %+v", list)
		}
		// Another owner's id is not found, for reading, changing or deleting.
		if got := names(store.ContactFilter{OwnerID: bob.ID, ID: grace.ID}); len(got) != 0 {
			t.Errorf("bob reads ada's contact: %q", got)
		}
		stolen := *grace
		stolen.OwnerID = bob.ID
		wantCode(t, db.UpdateContact(ctx, &stolen, t0), rapport.ENOTFOUND)
		wantCode(t, db.DeleteContact(ctx, bob.ID, grace.ID), rapport.ENOTFOUND)
		if n, err := db.CountContacts(ctx, ada.ID); err != nil || n != 2 {
			t.Errorf("count: %d %v", n, err)
		}

		// Members by email, as they allow.
		keys := []string{"bob@example.com", "cy@example.com", "nobody@example.com"}
		found := func() []string {
			t.Helper()
			m, err := db.FindMembersByEmail(ctx, ada.ID, keys)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for k, v := range m {
				out = append(out, k+"="+v.Handle)
			}
			slices.Sort(out)
			return out
		}
		if got := found(); !slices.Equal(got, []string{"bob@example.com=bob", "cy@example.com=cy"}) {
			t.Errorf("found: %q", got)
		}
		if err := db.SetFindByEmail(ctx, bob.ID, rapport.FindByEmailConnections); err != nil {
			t.Fatal(err)
		}
		if err := db.SetFindByEmail(ctx, cy.ID, rapport.FindByEmailNoOne); err != nil {
			t.Fatal(err)
		}
		if got := found(); len(got) != 0 {
			t.Errorf("found with connections only and no one: %q", got)
		}
		mustConnectPair(t, db, ada, bob)
		if got := found(); !slices.Equal(got, []string{"bob@example.com=bob"}) {
			t.Errorf("found once connected: %q", got)
		}
	})
}
