package seed

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/rapportnet/rapport"
)

func mustCatalog(tb testing.TB) *catalog {
	tb.Helper()
	c, err := loadCatalog()
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func TestCatalog(t *testing.T) {
	c := mustCatalog(t)
	if n := c.countries.len(); n < 8 {
		t.Fatalf("%d countries, want 8 or more", n)
	}
	for _, k := range c.countries.items {
		t.Run(k.code, func(t *testing.T) {
			if k.first.len() < 100 || k.last.len() < 100 {
				t.Fatalf("%d first and %d last names, want 100 or more of each", k.first.len(), k.last.len())
			}
			check := func(name string) {
				t.Helper()
				// Every letter must fold to a to z, or the handle would
				// lose part of the name.
				for _, r := range strings.ToLower(name) {
					if _, ok := asciiFold[r]; unicode.IsLetter(r) && !ok && (r < 'a' || r > 'z') {
						t.Errorf("name %q: letter %q has no ASCII spelling", name, r)
					}
				}
				if h := handleBase(name, name); strings.Trim(h, "-") != h || strings.Contains(h, "--") || len(h) < 3 {
					t.Errorf("name %q makes handle base %q", name, h)
				}
			}
			for _, f := range k.first.items {
				check(f.name)
			}
			for _, l := range k.last.items {
				check(l)
			}
		})
	}
}

func TestFold(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Łukasz", "lukasz"},
		{"Søren", "soren"},
		{"Zoë", "zoe"},
		{"François", "francois"},
		{"Ángel", "angel"},
		{"Weiß", "weiss"},
		{"Jean-Pierre", "jean-pierre"},
		{"D'Angelo", "dangelo"},
		{"van der Meer", "van-der-meer"},
		{"Ōta", "ota"},
		{"Yılmaz", "yilmaz"},
		{"  Li  ", "li"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := fold(tc.in); got != tc.want {
				t.Fatalf("fold(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestFeminine(t *testing.T) {
	for in, want := range map[string]string{"Kowalski": "Kowalska", "Wysocki": "Wysocka", "Zawadzki": "Zawadzka", "Nowak": "Nowak"} {
		if got := feminine(in); got != want {
			t.Errorf("feminine(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWeightedDrawsByWeight(t *testing.T) {
	var w weighted[string]
	weights := map[string]uint64{"rare": 1, "some": 9, "most": 90}
	for _, k := range []string{"rare", "some", "most"} {
		w.add(k, weights[k])
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 200_000
	got := map[string]int{}
	for range n {
		got[w.pick(rng)]++
	}
	for k, wt := range weights {
		share := float64(got[k]) / n
		if want := float64(wt) / 100; math.Abs(share-want) > 0.01 {
			t.Errorf("%s drawn %.3f of the time, want %.3f", k, share, want)
		}
	}
}

// TestMostlyOneCountry checks that a member's first name and first school
// come, for most members, from the country they live in.
func TestMostlyOneCountry(t *testing.T) {
	c := mustCatalog(t)
	byName := map[string]*country{}
	for _, k := range c.countries.items {
		byName[k.name] = k
	}
	g, err := New(Options{Seed: 4, Today: rapport.Month{Year: 2026, Month: time.March}})
	if err != nil {
		t.Fatal(err)
	}
	const n = 3000
	names, schools := 0, 0
	for range n {
		m := g.Member()
		k := byName[m.Profile.Location[strings.LastIndex(m.Profile.Location, ", ")+2:]]
		if k == nil {
			t.Fatalf("location %q names no country of the lists", m.Profile.Location)
		}
		first := strings.SplitN(m.DisplayName, " ", 2)[0]
		for _, f := range k.first.items {
			if strings.HasPrefix(f.name, first) {
				names++
				break
			}
		}
		if slices.Contains(k.schools.items, m.Profile.Education[len(m.Profile.Education)-1].School) {
			schools++
		}
	}
	if names < n*8/10 || schools < n*7/10 {
		t.Fatalf("of %d members, %d have a first name and %d a first school of the country they live in; want most", n, names, schools)
	}
}

// TestOrganizations gives each named organization a valid page of its
// own address.
func TestOrganizations(t *testing.T) {
	orgs, err := Organizations()
	if err != nil {
		t.Fatal(err)
	}
	if len(orgs) < 100 {
		t.Fatalf("%d organizations, want the catalog's hundred and more", len(orgs))
	}
	slugs := map[string]bool{}
	for _, o := range orgs {
		if err := o.Validate(); err != nil {
			t.Errorf("%q (%s): %v", o.Name, o.Slug, err)
		}
		if slugs[o.Slug] {
			t.Errorf("slug %s twice", o.Slug)
		}
		slugs[o.Slug] = true
	}
	if got := slugOf("Nordlicht Logistik GmbH"); got != "nordlicht-logistik-gmbh" {
		t.Errorf("slugOf = %q", got)
	}
	if got := slugOf("  Société Générale & Co. "); got != "societe-generale-co" {
		t.Errorf("slugOf = %q", got)
	}
}
