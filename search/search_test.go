package search

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
)

func ids(b *roaring.Bitmap) []int64 {
	var out []int64
	b.Iterate(func(x uint32) bool { out = append(out, int64(x)); return true })
	return out
}

func mustPut(t *testing.T, ix *Index, docs ...Doc) {
	t.Helper()
	for _, d := range docs {
		if err := ix.Put(d); err != nil {
			t.Fatal(err)
		}
	}
}

func TestWords(t *testing.T) {
	for in, want := range map[string]string{
		"Zoë Müller":             "zoe muller",
		"Łukasz Wiśniewski":      "lukasz wisniewski",
		"Søren  O'Brien-Hansen":  "soren o brien hansen",
		"Straße, ACME Corp.":     "strasse acme corp",
		"!!! ...":                "",
		"Engineer (C++ & Go) 42": "engineer c go 42",
	} {
		if got := strings.Join(Words(in), " "); got != want {
			t.Errorf("Words(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWithinOneEdit(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"john", "john", true},
		{"jonh", "john", true},  // swapped
		{"jhn", "john", true},   // one left out
		{"johnn", "john", true}, // one too many
		{"jahn", "john", true},  // one replaced
		{"jnoh", "john", false},
		{"jo", "john", false},
		{"zoë", "zoe", true},
	} {
		if got := withinOneEdit(c.a, c.b); got != c.want {
			t.Errorf("withinOneEdit(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

func sample() []Doc {
	return []Doc{
		{MemberID: 1, Name: "Zoë Martin", Headline: "Data Engineer at Nordlicht", Location: "Berlin, Germany",
			Positions: []Position{{Title: "Data Engineer", Organization: "Nordlicht Logistics", Current: true}, {Title: "Analyst", Organization: "ACME Corp"}},
			Schools:   []string{"TU München"}, Skills: []string{"Go", "PostgreSQL"}},
		{MemberID: 2, Name: "John Smith", Headline: "Recruiter", Location: "London, United Kingdom",
			Positions: []Position{{Title: "Recruiter", Organization: "ACME Corp", Current: true}},
			Schools:   []string{"University of Leeds"}, Skills: []string{"Hiring"}},
		{MemberID: 3, Name: "Anna Zoe Müller", Headline: "Engineering manager", Location: "Berlin, Germany",
			Positions: []Position{{Title: "Engineering Manager", Organization: "Nordlicht Logistics"}},
			Schools:   []string{"TU München", "tu  MÜNCHEN"}, Skills: []string{"Leadership"}, MembersOnly: true},
		{MemberID: 4, Name: "Łukasz Wiśniewski", Headline: "Engineer", Location: "Łódź, Poland",
			Schools: []string{"Politechnika Łódzka"}},
	}
}

func TestSearch(t *testing.T) {
	ix := New()
	mustPut(t, ix, sample()...)
	for _, c := range []struct {
		name      string
		q         Query
		all, best []int64
	}{
		{"AccentsFolded", Query{Text: "zoe", SignedIn: true}, []int64{1, 3}, []int64{1, 3}},
		{"NameAndElsewhere", Query{Text: "engineer", SignedIn: true}, []int64{1, 3, 4}, nil},
		{"LastWordInPart", Query{Text: "zoe mar", SignedIn: true}, []int64{1}, []int64{1}},
		{"WholeWordsWithTrailingSpace", Query{Text: "zoe mar ", SignedIn: true}, nil, nil},
		{"EveryWordMustMatch", Query{Text: "john berlin", SignedIn: true}, nil, nil},
		{"Typo", Query{Text: "jonh", SignedIn: true}, []int64{2}, []int64{2}},
		{"PlainLetters", Query{Text: "lukasz lodz", SignedIn: true}, []int64{4}, nil},
		{"SkillsAndSchools", Query{Text: "postgresql munchen", SignedIn: true}, []int64{1}, nil},
		{"CurrentOrganization", Query{CurrentOrganization: "acme corp.", SignedIn: true}, []int64{2}, nil},
		{"PastOrganization", Query{PastOrganization: "ACME  Corp", SignedIn: true}, []int64{1}, nil},
		{"School", Query{Text: "zoe", School: "tu munchen", SignedIn: true}, []int64{1, 3}, []int64{1, 3}},
		{"Location", Query{Text: "engineer", Location: "berlin germany", SignedIn: true}, []int64{1, 3}, nil},
		{"UnknownFilterValue", Query{Text: "zoe", School: "nowhere", SignedIn: true}, nil, nil},
		{"AnonymousMissesMembersOnly", Query{Text: "zoe"}, []int64{1}, []int64{1}},
		{"Nothing", Query{Text: " ?! ", SignedIn: true}, nil, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := ix.Search(c.q)
			if got := ids(m.All); !slices.Equal(got, c.all) {
				t.Errorf("all = %v, want %v", got, c.all)
			}
			if got := ids(m.Best); !slices.Equal(got, c.best) {
				t.Errorf("best = %v, want %v", got, c.best)
			}
		})
	}
}

func TestTypeahead(t *testing.T) {
	ix := New()
	mustPut(t, ix, sample()...)
	for text, want := range map[string][]int64{
		"z":       {1, 3},
		"zoe":     {1, 3},
		"ZOË M":   {1, 3},
		"zoe ma":  {1},
		"łuk":     {4},
		"luk wis": {4},
		"eng":     nil, // not a name
		"":        nil,
	} {
		if got := ids(ix.Typeahead(text, true)); !slices.Equal(got, want) {
			t.Errorf("Typeahead(%q) = %v, want %v", text, got, want)
		}
	}
	if got := ids(ix.Typeahead("zoe", false)); !slices.Equal(got, []int64{1}) {
		t.Errorf("anonymous Typeahead(zoe) = %v, want [1]", got)
	}
}

// TestPutReplacesAndDeleteRemoves checks that an edited profile is found by
// what it says now and never by what it said before.
func TestPutReplacesAndDeleteRemoves(t *testing.T) {
	ix := New()
	mustPut(t, ix, sample()...)
	mustPut(t, ix, Doc{MemberID: 1, Name: "Zoë Durand", Headline: "Chef", Schools: []string{"Leeds Beckett"}})
	if got := ids(ix.Typeahead("mar", true)); got != nil {
		t.Errorf("old name still found: %v", got)
	}
	if got := ids(ix.Typeahead("dur", true)); !slices.Equal(got, []int64{1}) {
		t.Errorf("new name = %v", got)
	}
	if got := ids(ix.Search(Query{Text: "engineer", SignedIn: true}).All); !slices.Equal(got, []int64{3, 4}) {
		t.Errorf("old headline still found: %v", got)
	}
	if got := ix.Schools("tu m", 10, nil); !slices.Equal(got, []School{{Name: "TU München", Members: 1}}) {
		t.Errorf("schools after the edit = %v", got)
	}
	ix.Delete(3)
	if got := ids(ix.Typeahead("zoe", true)); !slices.Equal(got, []int64{1}) {
		t.Errorf("after delete: %v", got)
	}
	if got := ix.Schools("tu", 10, nil); got != nil {
		t.Errorf("a school nobody names is still suggested: %v", got)
	}
	if s := ix.Stats(); s.Members != 3 {
		t.Errorf("members = %d, want 3", s.Members)
	}
}

func TestSchools(t *testing.T) {
	ix := New()
	mustPut(t, ix, sample()...)
	got := ix.Schools("univ le", 5, nil)
	if !slices.Equal(got, []School{{Name: "University of Leeds", Members: 1}}) {
		t.Errorf("Schools(univ le) = %v", got)
	}
	got = ix.Schools("m", 5, nil) // München is named by two members (once each)
	if !slices.Equal(got, []School{{Name: "TU München", Members: 2}}) {
		t.Errorf("Schools(m) = %v", got)
	}
	// Hidden members are not counted, and a school only they name is not
	// suggested.
	if got := ix.Schools("m", 5, roaring.BitmapOf(3)); !slices.Equal(got, []School{{Name: "TU München", Members: 1}}) {
		t.Errorf("Schools(m) without member 3 = %v", got)
	}
	if got := ix.Schools("univ", 5, roaring.BitmapOf(2)); got != nil {
		t.Errorf("a school only a hidden member names is suggested: %v", got)
	}
}

// TestAgainstNaive checks Search and Typeahead on random profiles, edited
// and deleted at random, against a scan of the documents.
func TestAgainstNaive(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	first := []string{"Zoë", "Zoe", "Anna", "Annabel", "José", "Jose", "Łukasz", "Søren", "John", "Joan"}
	last := []string{"Müller", "Muller", "Smith", "Smyth", "García", "Nowak", "Hansen", "O'Brien"}
	titles := []string{"Engineer", "Data Engineer", "Recruiter", "Nurse", "Teacher"}
	orgs := []string{"ACME Corp", "Nordlicht Logistics", "Zoe Foods", "Smith & Sons"}
	docs := map[int64]Doc{}
	ix := New()
	pick := func(l []string) string { return l[rnd.IntN(len(l))] }
	for range 3000 {
		id := int64(rnd.IntN(400))
		if rnd.IntN(10) == 0 {
			ix.Delete(id)
			delete(docs, id)
			continue
		}
		d := Doc{MemberID: id, Name: pick(first) + " " + pick(last), Headline: pick(titles),
			Positions:   []Position{{Title: pick(titles), Organization: pick(orgs), Current: rnd.IntN(2) == 0}},
			MembersOnly: rnd.IntN(5) == 0}
		mustPut(t, ix, d)
		docs[id] = d
	}
	naiveTypeahead := func(text string, signedIn bool) []int64 {
		var out []int64
		for id, d := range docs {
			if (signedIn || !d.MembersOnly) && len(Words(text)) > 0 && matchesAllPrefixes(Words(d.Name), Words(text)) {
				out = append(out, id)
			}
		}
		slices.Sort(out)
		return out
	}
	naiveCurrent := func(text, org string) []int64 {
		var out []int64
		for id, d := range docs {
			hasOrg := slices.ContainsFunc(d.Positions, func(p Position) bool { return p.Current && Key(p.Organization) == Key(org) })
			var profile []string
			profile = append(profile, Words(d.Name)...)
			profile = append(profile, Words(d.Headline)...)
			for _, p := range d.Positions {
				profile = append(profile, Words(p.Title+" "+p.Organization)...)
			}
			if hasOrg && matchesAllWords(profile, Words(text)) {
				out = append(out, id)
			}
		}
		slices.Sort(out)
		return out
	}
	for _, text := range []string{"zo", "zoe", "ann", "jos", "lukasz", "so", "jo sm", "o bri", "x"} {
		for _, signedIn := range []bool{true, false} {
			if got, want := ids(ix.Typeahead(text, signedIn)), naiveTypeahead(text, signedIn); !slices.Equal(got, want) {
				t.Errorf("Typeahead(%q, %v) = %v, want %v", text, signedIn, got, want)
			}
		}
	}
	for _, text := range []string{"zoe ", "engineer ", "smith ", "data engineer "} {
		for _, org := range orgs {
			got := ids(ix.Search(Query{Text: text, CurrentOrganization: org, SignedIn: true}).All)
			if want := naiveCurrent(text, org); !slices.Equal(got, want) {
				t.Errorf("Search(%q at %q) = %v, want %v", text, org, got, want)
			}
		}
	}
	if s := ix.Stats(); s.Members != len(docs) {
		t.Errorf("members = %d, want %d", s.Members, len(docs))
	}
}

// matchesAllWords reports whether every one of want is one of words.
func matchesAllWords(words, want []string) bool {
	for _, w := range want {
		if !slices.Contains(words, w) {
			return false
		}
	}
	return true
}

// TestConcurrentPutAndSearch edits profiles while others search, as a
// site does; run with -race it also checks the locking.
func TestConcurrentPutAndSearch(t *testing.T) {
	ix := New()
	mustPut(t, ix, sample()...)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 300 {
				id := int64(100 + g*1000 + i%50)
				if err := ix.Put(Doc{MemberID: id, Name: fmt.Sprintf("Zoë Writer%d", i), Headline: "Engineer", Schools: []string{"TU München"}}); err != nil {
					t.Error(err)
					return
				}
				if i%7 == 0 {
					ix.Delete(id)
				}
			}
		})
		wg.Go(func() {
			for range 300 {
				m := ix.Search(Query{Text: "zoe engineer", SignedIn: true})
				if !m.All.Contains(1) {
					t.Error("a member who never changed went missing")
					return
				}
				ix.Typeahead("zo wri", true)
				ix.Schools("tu", 3, nil)
			}
		})
	}
	wg.Wait()
}

// TestHiddenMembersLeaveNoTrace checks that a member the searcher may not
// find changes nothing in the answer, typo widening included: otherwise an
// anonymous searcher could tell that a members-only profile holds a word,
// or a member that someone blocked them.
func TestHiddenMembersLeaveNoTrace(t *testing.T) {
	without := New()
	mustPut(t, without, sample()...)
	with := New()
	mustPut(t, with, sample()...)
	mustPut(t, with, Doc{MemberID: 9, Name: "Jonh Private", MembersOnly: true}, Doc{MemberID: 10, Name: "Jonh Blocker"})
	for _, c := range []struct {
		name string
		q    Query
	}{
		{"MembersOnlyToAnonymous", Query{Text: "jonh private"}},
		{"BlockedEitherWay", Query{Text: "jonh", SignedIn: true, Hidden: roaring.BitmapOf(9, 10)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, want := ids(with.Search(c.q).All), ids(without.Search(c.q).All)
			if !slices.Equal(got, want) {
				t.Errorf("%v, want %v as if the hidden members did not exist", got, want)
			}
		})
	}
	t.Run("TypoOfAHiddenWord", func(t *testing.T) {
		// Only the members-only Jonh has the word as typed: an anonymous
		// searcher finds John, one typo away, as if Jonh did not exist.
		only := New()
		mustPut(t, only, sample()...)
		mustPut(t, only, Doc{MemberID: 9, Name: "Jonh Private", MembersOnly: true})
		if got := ids(only.Search(Query{Text: "jonh"}).All); !slices.Equal(got, []int64{2}) {
			t.Errorf("anonymous jonh = %v, want [2]", got)
		}
		// A word nobody has any more widens again.
		mustPut(t, only, Doc{MemberID: 9, Name: "Someone Else"})
		if got := ids(only.Search(Query{Text: "jonh", SignedIn: true}).All); !slices.Equal(got, []int64{2}) {
			t.Errorf("after the only Jonh renamed: %v, want [2]", got)
		}
	})
}
