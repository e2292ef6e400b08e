package search

import (
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/RoaringBitmap/roaring/v2"
)

// FuzzQuery splits arbitrary text into words as queries and profiles are,
// and searches an index with it. Words are letters and digits only; Key is
// the same when taken twice; ASCII text splits the same on its fast path as
// on the general one; and a member is found by their own name, in search
// and in the typeahead, and by their own location as a filter, whatever the
// text of these.
func FuzzQuery(f *testing.F) {
	for _, s := range [][2]string{
		{"Ada Lovelace", "ada lov"},
		{"Zoë Martin-Müller", "zoe m"},
		{"Łódź", "lodz "},
		{"Søren Kierkegaard", "soren kirkegaard"},
		{"ACME  Corp.", "acme corp"},
		{"Straße", "strasse"},
		{"İstanbul", "istanbul"},
		{"Ǆemal ǅ ǆ", "dz"},
		{"ﬁnance ﬀ", "finance"},
		{"Ⅻ ½ ²", "xii"},
		{"Þór Æsir œuvre", "thor aesir oeuvre"},
		{"Ｆｕｌｌ　Ｗｉｄｔｈ", "full"},
		{"a\u0301\u0302 e\u200d\u0308", "a e"},
		{"\xff\xfe bad", "bad"},
		{"", ""},
		{"jonh", "jonh"},
		{"@ada", "#!"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, name, query string) {
		for _, s := range []string{name, query} {
			for _, w := range Words(s) {
				if w == "" || strings.IndexFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) }) >= 0 {
					t.Fatalf("Words(%q) has %q", s, w)
				}
			}
			if k := Key(s); Key(k) != k {
				t.Fatalf("Key(%q) = %q, whose key is %q", s, k, Key(k))
			}
			if isASCII(s) {
				// "¡" is not a letter: the text goes the general way.
				if fast, general := Words(s), Words(s+"¡"); !slices.Equal(fast, general) {
					t.Fatalf("Words(%q) = %q, and %q the general way", s, fast, general)
				}
			}
		}

		ix := New()
		doc := Doc{MemberID: 7, Name: name, Headline: query, Location: name, Skills: []string{query}}
		if err := ix.Put(doc); err != nil {
			t.Fatal(err)
		}
		if err := ix.Put(Doc{MemberID: 8, Name: query, Location: query, Schools: []string{name}}); err != nil {
			t.Fatal(err)
		}
		m := ix.Search(Query{Text: query, SignedIn: true})
		if !roaring.AndNot(m.Best, m.All).IsEmpty() {
			t.Fatalf("Search(%q): best %v not among all %v", query, ids(m.Best), ids(m.All))
		}
		if len(Words(query)) > 0 && !m.Best.Contains(8) {
			t.Fatalf("Search(%q) does not find the member of that name: %v", query, ids(m.All))
		}
		if len(Words(name)) > 0 {
			for _, text := range []string{name, name + " "} {
				if m := ix.Search(Query{Text: text, SignedIn: true}); !m.Best.Contains(7) {
					t.Fatalf("Search(%q) does not find the member of that name: %v", text, ids(m.All))
				}
			}
			if !ix.Typeahead(name, true).Contains(7) {
				t.Fatalf("Typeahead(%q) does not find the member of that name", name)
			}
		}
		if Key(name) != "" {
			if m := ix.Search(Query{Location: name, SignedIn: true}); !m.All.Contains(7) {
				t.Fatalf("Search(location %q) does not find the member there: %v", name, ids(m.All))
			}
			if m := ix.Search(Query{School: name, SignedIn: true}); !m.All.Contains(8) {
				t.Fatalf("Search(school %q) does not find the member who went there: %v", name, ids(m.All))
			}
		}
		ix.Typeahead(query, false)
		ix.Schools(query, 5, nil)
		ix.Delete(7)
		if m := ix.Search(Query{Text: name, SignedIn: true}); m.All.Contains(7) {
			t.Fatalf("Search(%q) finds a member deleted", name)
		}
	})
}
