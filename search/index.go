// Package search is the in-memory index of members for people search and
// the typeahead. It answers which members match some text and filters, as
// sets of member ids (compressed bitmaps); how the matches are ordered by
// who the searcher knows is the service's to decide, with the graph index.
// It is built from the store at start and updated after each committed
// change to a profile; the store stays the truth.
package search

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
)

// Doc is what the index knows of a member: the searchable parts of an
// active member's profile.
type Doc struct {
	MemberID    int64
	Name        string
	Headline    string
	Location    string
	Positions   []Position
	Schools     []string
	Skills      []string
	MembersOnly bool // the profile is shown to signed-in members only
	// OpenToWork is the visibility of the member's open-to-work signal
	// ("recruiters" or "everyone"), or "" when it is off. The index keeps
	// the members apart; who may see them is the service's to decide.
	OpenToWork string
}

// Position is a job on a profile, as search sees it.
type Position struct {
	Title        string
	Organization string
	// OrganizationID is the organization page the position links to, or 0.
	OrganizationID int64
	Current        bool
}

// field says where in a profile a term was found; it is the first byte of
// the term's key in the index.
type field byte

const (
	namePrefix field = 'p' // every prefix of every word of the name
	nameWord   field = 'n'
	titleWord  field = 't' // words of the headline and of position titles
	placeWord  field = 'o' // words of organizations, schools and the location
	skillWord  field = 's'
	// Filters match a whole value, by its Key.
	currentOrg field = 'C'
	pastOrg    field = 'P'
	school     field = 'S'
	location   field = 'L'
	// employer holds the members with a current position linked to an
	// organization page, by the page's id.
	employer field = 'E'
)

// wordFields are the fields that the words of a query are looked up in.
var wordFields = []field{nameWord, titleWord, placeWord, skillWord}

// MaxMemberID is the largest member id the index holds: ids are kept as
// 32-bit numbers in its bitmaps.
const MaxMemberID = 1<<32 - 1

// Index is the search index. It is safe for concurrent use: many readers,
// one writer at a time.
type Index struct {
	mu       sync.RWMutex
	terms    map[termKey]uint32 // field and word (or filter key) → term number
	keys     []termKey          // term number → its key
	postings []*roaring.Bitmap  // members of each term
	// vocab is every word of the word fields, sorted, for words typed in
	// part or with a typo. It is rebuilt once after a bulk load.
	vocab   []string
	inVocab map[string]bool
	bulk    bool
	// docs holds each member's terms, but for the name prefixes, which
	// come back from the name's words: to take a member out before putting
	// them back changed.
	docs        map[uint32][]uint32
	all         *roaring.Bitmap
	membersOnly *roaring.Bitmap
	// open holds the members open to work, by the visibility they chose.
	open    map[string]*roaring.Bitmap
	schools map[string]*schoolName // by Key
	version int64
	// prefixes holds the terms of the prefixes of each word of a name: the
	// same first and last names come back again and again.
	prefixes map[string][]uint32
	// words remembers how text other than names splits into words during
	// Load: titles, organizations, schools, skills and places repeat from
	// member to member, and folding is most of the cost of a load.
	words map[string][]string
}

// termKey is a term: a word or a filter's key, and where it was found.
type termKey struct {
	f    field
	word string
}

type schoolName struct {
	name    string // as most recently written
	members int
}

// New returns an empty index.
func New() *Index {
	return &Index{
		terms:       map[termKey]uint32{},
		inVocab:     map[string]bool{},
		docs:        map[uint32][]uint32{},
		all:         roaring.New(),
		membersOnly: roaring.New(),
		open:        map[string]*roaring.Bitmap{},
		schools:     map[string]*schoolName{},
		prefixes:    map[string][]uint32{},
	}
}

// Version returns the last change of the store's log applied to the index.
func (ix *Index) Version() int64 {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.version
}

// SetVersion records that the store's log has been applied up to v.
func (ix *Index) SetVersion(v int64) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.version = v
}

// Load puts many documents at once, faster than Put: the vocabulary is
// sorted once at the end instead of kept sorted at each new word.
func (ix *Index) Load(docs func(yield func(Doc) bool)) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.bulk, ix.words = true, map[string][]string{}
	defer func() {
		ix.bulk, ix.words = false, nil
		ix.vocab = ix.vocab[:0]
		for w := range ix.inVocab {
			ix.vocab = append(ix.vocab, w)
		}
		slices.Sort(ix.vocab)
		for _, p := range ix.postings {
			p.RunOptimize()
		}
	}()
	var err error
	for d := range docs {
		if err = ix.put(d); err != nil {
			break
		}
	}
	return err
}

// Put adds a member's document, or replaces the one the index has.
func (ix *Index) Put(d Doc) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.put(d)
}

// Delete takes a member out of the index (a closed account, say).
func (ix *Index) Delete(memberID int64) {
	if memberID < 0 || memberID > MaxMemberID {
		return
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.remove(uint32(memberID))
}

func (ix *Index) put(d Doc) error {
	if d.MemberID < 0 || d.MemberID > MaxMemberID {
		return fmt.Errorf("search: member id %d out of range", d.MemberID)
	}
	m := uint32(d.MemberID)
	ix.remove(m)
	var kept []uint32
	add := func(f field, word string) {
		t := ix.term(f, word)
		if ix.postings[t].CheckedAdd(m) && f != namePrefix {
			kept = append(kept, t)
		}
	}
	for _, w := range Words(d.Name) {
		add(nameWord, w)
		for _, t := range ix.prefixTerms(w) {
			ix.postings[t].Add(m)
		}
	}
	// addWords adds the words of text, and returns its key.
	addWords := func(f field, text string) string {
		words := ix.wordsOf(text)
		for _, w := range words {
			add(f, w)
		}
		return strings.Join(words, " ")
	}
	addWords(titleWord, d.Headline)
	if k := addWords(placeWord, d.Location); k != "" {
		add(location, k)
	}
	for _, p := range d.Positions {
		addWords(titleWord, p.Title)
		if p.Current && p.OrganizationID != 0 {
			add(employer, strconv.FormatInt(p.OrganizationID, 10))
		}
		if k := addWords(placeWord, p.Organization); k != "" {
			if p.Current {
				add(currentOrg, k)
			} else {
				add(pastOrg, k)
			}
		}
	}
	for _, s := range d.Schools {
		if k := addWords(placeWord, s); k != "" {
			if ix.postings[ix.term(school, k)].Contains(m) {
				continue // the same school twice on one profile counts once
			}
			add(school, k)
			n := ix.schools[k]
			if n == nil {
				n = &schoolName{}
				ix.schools[k] = n
			}
			n.name = strings.TrimSpace(s)
			n.members++
		}
	}
	for _, s := range d.Skills {
		addWords(skillWord, s)
	}
	ix.docs[m] = kept
	ix.all.Add(m)
	if d.MembersOnly {
		ix.membersOnly.Add(m)
	}
	if d.OpenToWork != "" {
		if ix.open[d.OpenToWork] == nil {
			ix.open[d.OpenToWork] = roaring.New()
		}
		ix.open[d.OpenToWork].Add(m)
	}
	return nil
}

// remove takes member m's terms out of their postings.
func (ix *Index) remove(m uint32) {
	kept, ok := ix.docs[m]
	if !ok {
		return
	}
	for _, t := range kept {
		ix.postings[t].Remove(m)
		key := ix.keys[t]
		switch key.f {
		case nameWord:
			for _, t := range ix.prefixTerms(key.word) {
				ix.postings[t].Remove(m)
			}
		case school:
			if n := ix.schools[key.word]; n != nil {
				if n.members--; n.members <= 0 {
					delete(ix.schools, key.word)
				}
			}
		}
	}
	delete(ix.docs, m)
	ix.all.Remove(m)
	ix.membersOnly.Remove(m)
	for _, b := range ix.open {
		b.Remove(m)
	}
}

// OpenToWork returns the members open to work who chose a visibility: a
// new bitmap, the caller's.
func (ix *Index) OpenToWork(visibility string) *roaring.Bitmap {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if b := ix.open[visibility]; b != nil {
		return b.Clone()
	}
	return roaring.New()
}

// IsOpenToWork reports whether a member is open to work with a visibility.
func (ix *Index) IsOpenToWork(visibility string, memberID int64) bool {
	if memberID < 0 || memberID > MaxMemberID {
		return false
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	b := ix.open[visibility]
	return b != nil && b.Contains(uint32(memberID))
}

// Employees returns the members who currently work at an organization: a
// current position linked to its page, or a current position whose
// organization, typed as free text, has one of the names given (every name
// the page has had). A new bitmap, the caller's.
func (ix *Index) Employees(orgID int64, names ...string) *roaring.Bitmap {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	out := roaring.New()
	if p := ix.posting(employer, strconv.FormatInt(orgID, 10)); p != nil {
		out.Or(p)
	}
	for _, name := range names {
		if k := Key(name); k != "" {
			if p := ix.posting(currentOrg, k); p != nil {
				out.Or(p)
			}
		}
	}
	return out
}

// term returns the number of a term, making it when new.
func (ix *Index) term(f field, word string) uint32 {
	key := termKey{f, word}
	if t, ok := ix.terms[key]; ok {
		return t
	}
	t := uint32(len(ix.postings))
	ix.terms[key] = t
	ix.keys = append(ix.keys, key)
	ix.postings = append(ix.postings, roaring.New())
	if f == nameWord || f == titleWord || f == placeWord || f == skillWord {
		if !ix.inVocab[word] {
			ix.inVocab[word] = true
			if !ix.bulk {
				i, _ := slices.BinarySearch(ix.vocab, word)
				ix.vocab = slices.Insert(ix.vocab, i, word)
			}
		}
	}
	return t
}

// wordsOf is Words, remembered during a load.
func (ix *Index) wordsOf(text string) []string {
	if ix.words == nil {
		return Words(text)
	}
	if w, ok := ix.words[text]; ok {
		return w
	}
	w := Words(text)
	ix.words[text] = w
	return w
}

// prefixTerms returns the terms of the prefixes of a word of a name, making
// them when new.
func (ix *Index) prefixTerms(w string) []uint32 {
	if ts, ok := ix.prefixes[w]; ok {
		return ts
	}
	var ts []uint32
	for _, p := range prefixes(w) {
		ts = append(ts, ix.term(namePrefix, p))
	}
	ix.prefixes[w] = ts
	return ts
}

// prefixes returns the prefixes of a word, itself included, by letters.
func prefixes(w string) []string {
	var out []string
	for i := range w {
		if i > 0 {
			out = append(out, w[:i])
		}
	}
	return append(out, w)
}

// posting returns the members of a term, or nil when there are none. The
// bitmap is the index's own: callers hold the read lock and do not change it.
func (ix *Index) posting(f field, word string) *roaring.Bitmap {
	if t, ok := ix.terms[termKey{f, word}]; ok {
		return ix.postings[t]
	}
	return nil
}

// Stats says how big the index is.
type Stats struct {
	Members int
	Terms   int
	Words   int    // distinct words that text is matched against
	Bytes   uint64 // the bitmaps, the term table and the members' term lists, estimated
}

// Stats returns the size of the index.
func (ix *Index) Stats() Stats {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	s := Stats{Members: len(ix.docs), Terms: len(ix.postings), Words: len(ix.vocab)}
	for k, t := range ix.terms {
		s.Bytes += ix.postings[t].GetSizeInBytes() + uint64(len(k.word)) + 64 // the map entry, key and bitmap header
	}
	for _, kept := range ix.docs {
		s.Bytes += uint64(4*cap(kept)) + 48
	}
	s.Bytes += ix.all.GetSizeInBytes() + ix.membersOnly.GetSizeInBytes()
	return s
}

// School is a school that members name, for the education form.
type School struct {
	Name    string
	Members int
}

// Schools returns up to n schools one of whose words starts with each word
// of text, most named first, counting only the members not in hidden (nil
// for none): a school that only hidden members name is not suggested.
func (ix *Index) Schools(text string, n int, hidden *roaring.Bitmap) []School {
	words := Words(text)
	if len(words) == 0 || n <= 0 {
		return nil
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var out []School
	for key, s := range ix.schools {
		if !matchesAllPrefixes(strings.Fields(key), words) {
			continue
		}
		members := s.members
		if hidden != nil {
			if p := ix.posting(school, key); p != nil {
				members = int(p.GetCardinality() - p.AndCardinality(hidden))
			}
		}
		if members > 0 {
			out = append(out, School{Name: s.name, Members: members})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Members != out[j].Members {
			return out[i].Members > out[j].Members
		}
		return out[i].Name < out[j].Name
	})
	return out[:min(n, len(out))]
}

// matchesAllPrefixes reports whether every one of prefixes starts one of
// words.
func matchesAllPrefixes(words, prefixes []string) bool {
	for _, p := range prefixes {
		if !slices.ContainsFunc(words, func(w string) bool { return strings.HasPrefix(w, p) }) {
			return false
		}
	}
	return true
}
