package search

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/RoaringBitmap/roaring/v2"
)

// Query is a people search: words, and filters that each keep the members
// whose profile has that value (compared by Key).
type Query struct {
	Text                string
	CurrentOrganization string
	PastOrganization    string
	School              string
	Location            string
	// SignedIn is false for an anonymous searcher, who never finds the
	// profiles shown to signed-in members only.
	SignedIn bool
	// Hidden are members the searcher must never find (nil for none). They
	// are left out before anything else is decided, so that they change
	// nothing in the answer: a word is widened to its typos only when no
	// one the searcher may find matches it as typed.
	Hidden *roaring.Bitmap
	// Within, when set, keeps only these members: a filter decided by the
	// caller, such as the members a recruiter may see open to work.
	Within *roaring.Bitmap
}

// Empty reports whether the query asks for nothing: no word and no filter.
func (q Query) Empty() bool {
	return len(Words(q.Text)) == 0 && Key(q.CurrentOrganization) == "" && Key(q.PastOrganization) == "" &&
		Key(q.School) == "" && Key(q.Location) == "" && q.Within == nil
}

// Matches are the members a query found. Best holds those found by their
// name alone (every word in the name), the first in relevance; All holds
// every match, Best included. Both are the caller's.
type Matches struct {
	All, Best *roaring.Bitmap
}

// Limits of how far a word typed in part or with a typo is widened.
const (
	// prefixWords is how many words of the vocabulary a word typed in part
	// stands for at most, outside names (whose prefixes are indexed).
	prefixWords = 64
	// typoMinLetters is the shortest word that may carry a typo: shorter
	// ones are too close to too many others.
	typoMinLetters = 4
	// typosPerQuery is how many words of one query may be widened to their
	// typos: each costs a walk through part of the vocabulary.
	typosPerQuery = 3
)

// Search returns the members matching q. Every word must match: a word of
// the name, headline, a position's title or organization, a school, a
// skill or the location. The last word may be typed in part ("eng" finds
// "engineer"), unless the text ends with a space. A word of four letters or
// more that matches nothing as typed matches the words one typo away from
// it ("jonh" finds "john"). With no words, the filters alone decide; with
// neither, nothing matches.
func (ix *Index) Search(q Query) Matches {
	words := Words(q.Text)
	partial := len(words) > 0 && !strings.HasSuffix(q.Text, " ")
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	hidden := roaring.New()
	if q.Hidden != nil {
		hidden.Or(q.Hidden)
	}
	if !q.SignedIn {
		hidden.Or(ix.membersOnly)
	}
	var all, best *roaring.Bitmap
	typos := 0
	for i, w := range words {
		name, other := ix.word(w, partial && i == len(words)-1, hidden, &typos)
		either := roaring.Or(name, other)
		if i == 0 {
			all, best = either, name
			continue
		}
		all.And(either)
		best.And(name)
	}
	filters := []struct {
		f     field
		value string
	}{{currentOrg, q.CurrentOrganization}, {pastOrg, q.PastOrganization}, {school, q.School}, {location, q.Location}}
	for _, flt := range filters {
		k := Key(flt.value)
		if k == "" {
			continue
		}
		p := ix.posting(flt.f, k)
		if p == nil {
			p = roaring.New()
		}
		if all == nil {
			all, best = p.Clone(), roaring.New()
			continue
		}
		all.And(p)
		best.And(p)
	}
	if q.Within != nil {
		if all == nil {
			all, best = q.Within.Clone(), roaring.New()
		} else {
			all.And(q.Within)
			best.And(q.Within)
		}
	}
	if all == nil {
		return Matches{All: roaring.New(), Best: roaring.New()}
	}
	all.AndNot(hidden)
	best.AndNot(hidden)
	return Matches{All: all, Best: best}
}

// word returns the members one word of a query finds by their name, and
// those it finds elsewhere in their profile. The bitmaps are new. A word
// that finds no one outside hidden is widened to the words one typo away,
// for at most typosPerQuery words of a query (typos counts them).
func (ix *Index) word(w string, partial bool, hidden *roaring.Bitmap, typos *int) (name, other *roaring.Bitmap) {
	var names, others []*roaring.Bitmap
	collect := func(word string) {
		for _, f := range wordFields {
			if p := ix.posting(f, word); p != nil {
				if f == nameWord {
					names = append(names, p)
				} else {
					others = append(others, p)
				}
			}
		}
	}
	collect(w)
	if partial {
		if p := ix.posting(namePrefix, w); p != nil {
			names = append(names, p)
		}
		for _, v := range ix.wordsStartingWith(w, prefixWords) {
			if v != w {
				collect(v)
			}
		}
	}
	name, other = roaring.FastOr(names...), roaring.FastOr(others...)
	if *typos >= typosPerQuery || utf8.RuneCountInString(w) < typoMinLetters {
		return name, other
	}
	if found := roaring.Or(name, other); found.GetCardinality() > found.AndCardinality(hidden) {
		return name, other // someone the searcher may find has it as typed
	}
	*typos++
	for _, v := range ix.wordsOneTypoFrom(w) {
		collect(v)
	}
	return roaring.FastOr(names...), roaring.FastOr(others...)
}

// wordsStartingWith returns up to n words of the vocabulary that begin with
// prefix, the most common first.
func (ix *Index) wordsStartingWith(prefix string, n int) []string {
	from, _ := slices.BinarySearch(ix.vocab, prefix)
	var found []string
	for _, v := range ix.vocab[from:] {
		if !strings.HasPrefix(v, prefix) {
			break
		}
		found = append(found, v)
	}
	if len(found) <= n {
		return found
	}
	count := func(v string) uint64 {
		var c uint64
		for _, f := range wordFields {
			if p := ix.posting(f, v); p != nil {
				c += p.GetCardinality()
			}
		}
		return c
	}
	counts := make(map[string]uint64, len(found))
	for _, v := range found {
		counts[v] = count(v)
	}
	slices.SortStableFunc(found, func(a, b string) int {
		switch {
		case counts[a] > counts[b]:
			return -1
		case counts[a] < counts[b]:
			return 1
		}
		return 0
	})
	return found[:n]
}

// wordsOneTypoFrom returns the words of the vocabulary one typo away from
// w that begin with the same letter: people rarely mistype the first.
func (ix *Index) wordsOneTypoFrom(w string) []string {
	r, size := utf8.DecodeRuneInString(w)
	first := string(r)
	from, _ := slices.BinarySearch(ix.vocab, first)
	n := utf8.RuneCountInString(w)
	var out []string
	for _, v := range ix.vocab[from:] {
		if !strings.HasPrefix(v, first) {
			break
		}
		if d := utf8.RuneCountInString(v) - n; d < -1 || d > 1 || v == w {
			continue
		}
		if withinOneEdit(w[size:], v[size:]) {
			out = append(out, v)
		}
	}
	return out
}

// Typeahead returns the members whose name has, for every word of text, a
// word that begins with it: "zoe m" finds "Zoë Martin" and "Anna Zoe
// Müller". Anonymous searchers (signedIn false) never find the profiles
// shown to signed-in members only.
func (ix *Index) Typeahead(text string, signedIn bool) *roaring.Bitmap {
	words := Words(text)
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var out *roaring.Bitmap
	for _, w := range words {
		p := ix.posting(namePrefix, w)
		if p == nil {
			return roaring.New()
		}
		if out == nil {
			out = p.Clone()
		} else {
			out.And(p)
		}
	}
	if out == nil {
		return roaring.New()
	}
	if !signedIn {
		out.AndNot(ix.membersOnly)
	}
	return out
}
