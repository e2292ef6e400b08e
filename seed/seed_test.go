package seed_test

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/seed"
)

var today = rapport.Month{Year: 2026, Month: time.March}

// mustGenerate makes n members with a generator for seed s.
func mustGenerate(tb testing.TB, s uint64, n int, taken func(string) bool) []*rapport.Member {
	tb.Helper()
	g, err := seed.New(seed.Options{Seed: s, Today: today, Taken: taken})
	if err != nil {
		tb.Fatal(err)
	}
	return g.Members(n)
}

func TestDeterministic(t *testing.T) {
	first, again, other := mustGenerate(t, 7, 500, nil), mustGenerate(t, 7, 500, nil), mustGenerate(t, 8, 500, nil)
	t.Run("SameSeedSameMembers", func(t *testing.T) {
		if !reflect.DeepEqual(first, again) {
			t.Fatal("two generators with seed 7 made different members")
		}
	})
	t.Run("OtherSeedOtherMembers", func(t *testing.T) {
		same := 0
		for i := range first {
			if first[i].Handle == other[i].Handle {
				same++
			}
		}
		if same > 25 {
			t.Fatalf("seeds 7 and 8 made %d of 500 members with the same handle", same)
		}
	})
}

func TestMembersAreValid(t *testing.T) {
	members := mustGenerate(t, 1, 5000, nil)
	handles, emails := map[string]bool{}, map[string]bool{}
	current := 0
	for _, m := range members {
		p := m.Profile
		if rapport.NormalizeHandle(m.Handle) != m.Handle || handles[m.Handle] {
			t.Fatalf("handle %q is not normalized, or made twice", m.Handle)
		}
		handles[m.Handle] = true
		if key := rapport.NormalizeEmail(m.Email); emails[key] || !strings.HasSuffix(key, "@"+seed.EmailDomain) {
			t.Fatalf("email %q is made twice, or not at %s", m.Email, seed.EmailDomain)
		} else {
			emails[key] = true
		}
		upd := rapport.ProfileUpdate{DisplayName: &m.DisplayName, Headline: &p.Headline, About: &p.About,
			Location: &p.Location, Visibility: &p.Visibility, ConnectionsVisibility: &p.ConnectionsVisibility}
		for _, err := range []error{rapport.ValidateHandle(m.Handle), rapport.ValidateEmail(m.Email), rapport.ValidateProfileUpdate(upd)} {
			if err != nil {
				t.Fatalf("member %s: %v", m.Handle, err)
			}
		}
		if m.Status != rapport.StatusActive || p.Headline == "" || p.Location == "" {
			t.Fatalf("member %s has no status, headline or location: %+v", m.Handle, m)
		}
		if n := len(p.Positions); n < 1 || n > 4 {
			t.Fatalf("member %s has %d positions, want 1 to 4", m.Handle, n)
		}
		for i := range p.Positions {
			pos := &p.Positions[i]
			if err := pos.Validate(); err != nil {
				t.Fatalf("member %s, position %+v: %v", m.Handle, pos, err)
			}
			if today.Before(pos.Start) || (pos.End != nil && today.Before(*pos.End)) {
				t.Fatalf("member %s has a position after %v: %+v", m.Handle, today, pos)
			}
			if i > 0 && (pos.Current() || !pos.End.Before(p.Positions[i-1].Start)) {
				t.Fatalf("member %s: position %d does not end before the one after it starts", m.Handle, i)
			}
		}
		if p.Positions[0].Current() {
			current++
		}
		if n := len(p.Education); n < 1 || n > 2 {
			t.Fatalf("member %s has %d schools, want 1 or 2", m.Handle, n)
		}
		for i := range p.Education {
			e := &p.Education[i]
			if err := e.Validate(); err != nil || e.StartYear == 0 || e.Degree == "" {
				t.Fatalf("member %s, education %+v: %v", m.Handle, e, err)
			}
		}
		skills, err := rapport.NormalizeSkills(p.Skills)
		if err != nil || !reflect.DeepEqual(skills, p.Skills) || len(skills) < 3 || len(skills) > 10 {
			t.Fatalf("member %s: skills %q normalize to %q (%v); want 3 to 10, normalized", m.Handle, p.Skills, skills, err)
		}
	}
	if current < len(members)*3/4 {
		t.Fatalf("%d of %d members hold their most recent position, want most", current, len(members))
	}
}

func TestNamesOfManyCountries(t *testing.T) {
	members := mustGenerate(t, 2, 5000, nil)
	countries := map[string]int{}
	accented := 0
	for _, m := range members {
		countries[m.Profile.Location[strings.LastIndex(m.Profile.Location, ", ")+2:]]++
		if utf8.RuneCountInString(m.DisplayName) != len(m.DisplayName) {
			accented++
		}
	}
	if len(countries) < 8 {
		t.Fatalf("members live in %d countries, want 8 or more: %v", len(countries), countries)
	}
	if accented < len(members)/10 {
		t.Fatalf("%d of %d display names have a letter beyond ASCII, want a tenth or more", accented, len(members))
	}
	for _, letter := range []string{"é", "ü", "ł", "ö", "á", "ç"} {
		t.Run(letter, func(t *testing.T) {
			for _, m := range members {
				if strings.Contains(m.DisplayName, letter) {
					return
				}
			}
			t.Fatalf("no display name has %q", letter)
		})
	}
}

func TestTakenHandlesAreSkipped(t *testing.T) {
	site := map[string]bool{}
	for _, m := range mustGenerate(t, 3, 300, nil) {
		site[m.Handle] = true
	}
	again := mustGenerate(t, 3, 300, func(h string) bool { return site[h] })
	for _, m := range again {
		if site[m.Handle] {
			t.Fatalf("handle %s is taken on the site, and was made again", m.Handle)
		}
		if err := rapport.ValidateHandle(m.Handle); err != nil {
			t.Fatalf("handle %s: %v", m.Handle, err)
		}
	}
}

func TestPassword(t *testing.T) {
	a, err := seed.Password()
	if err != nil {
		t.Fatal(err)
	}
	b, err := seed.Password()
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^([a-z]+-){4}[1-9][0-9]$`).MatchString(a) || a == b {
		t.Fatalf("passwords %q and %q: want four words and a number, different each time", a, b)
	}
}
