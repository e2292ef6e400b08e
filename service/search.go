package service

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"slices"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/graph"
	"github.com/rapportnet/rapport/search"
	"github.com/rapportnet/rapport/store"
)

// Search finds members by what their profiles say, the searcher's own
// network first. The text matching is the search index's; the order, and
// who may be found by whom, are decided here.
type Search struct {
	base
	circles *circleCache
}

// circleCache keeps searchers' circles for a few seconds, so that the
// keystrokes of one typeahead and the pages of one search share one walk
// of the second degree, as the big networks keep a viewer's second degree
// at hand. A circle is dropped as soon as the searcher's own connections
// change (graph.Circle.Current); a change further out shows once it is
// older than circleTTL.
type circleCache struct {
	g       *graph.Index
	mu      sync.Mutex
	entries map[int64]cachedCircle
}

type cachedCircle struct {
	circle *graph.Circle
	at     time.Time
}

const (
	circleTTL   = 10 * time.Second
	circlesKept = 32 // about 4 MB each on a site of a million members
)

func newCircleCache(g *graph.Index) *circleCache {
	return &circleCache{g: g, entries: map[int64]cachedCircle{}}
}

// get returns the viewer's circle, with mutual counts, kept or new.
func (cc *circleCache) get(viewer int64, now time.Time) *graph.Circle {
	cc.mu.Lock()
	e, ok := cc.entries[viewer]
	cc.mu.Unlock()
	if ok && now.Sub(e.at) < circleTTL && e.circle.Current() {
		return e.circle
	}
	c := cc.g.CircleCounted(viewer)
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if _, ok := cc.entries[viewer]; !ok && len(cc.entries) >= circlesKept {
		var oldest int64
		for id, e := range cc.entries {
			if oldest == 0 || e.at.Before(cc.entries[oldest].at) {
				oldest = id
			}
		}
		delete(cc.entries, oldest)
	}
	cc.entries[viewer] = cachedCircle{c, now}
	return c
}

// Sizes of search answers.
const (
	SearchPageSize   = 10   // results a page
	TypeaheadSize    = 8    // suggestions a keystroke
	SearchMaxResults = 1000 // how deep paging goes, as on the big networks
	SearchMaxLen     = 200  // characters of search text, and of each filter
)

// Degree filters of a people search.
const (
	DegreeFirst  = "1"
	DegreeSecond = "2"
	DegreeThird  = "3+" // third degree and beyond
)

// MemberQuery is a people search as asked.
type MemberQuery struct {
	Text                string
	Degree              string // "", DegreeFirst, DegreeSecond or DegreeThird
	CurrentOrganization string
	PastOrganization    string
	School              string
	Location            string
	Cursor              string // from the page before; empty for the first
}

// Found is a member a search found, placed relative to the searcher.
type Found struct {
	Member   *rapport.Member
	Relation rapport.Relation
}

// SearchPage is one page of a people search.
type SearchPage struct {
	Results []Found
	Total   int    // members found in all, as far as paging goes
	Next    string // the cursor of the next page; empty on the last
}

// Members runs a people search. Results come in this order: the caller's
// connections, then second-degree members (more mutual connections first),
// then third-degree members, then the rest; within each, members whose
// name matches every word first, then by id. Closed accounts, members
// either side of a block with the caller, the caller themselves, and (for
// anonymous callers) profiles shown to signed-in members only are never
// found and never counted. Returns EINVALID naming the field for text or a
// filter over 200 characters, an unknown degree, a bad cursor, or a search
// for nothing at all.
func (s *Search) Members(ctx context.Context, q MemberQuery) (*SearchPage, error) {
	if err := q.validate(); err != nil {
		return nil, err
	}
	skip, err := decodeCursor(q.Cursor)
	if err != nil {
		return nil, err
	}
	c := rapport.CallerFromContext(ctx)
	sq := search.Query{Text: q.Text, CurrentOrganization: q.CurrentOrganization, PastOrganization: q.PastOrganization,
		School: q.School, Location: q.Location, SignedIn: !c.Anonymous()}
	if sq.Empty() {
		return nil, &rapport.Error{Code: rapport.EINVALID, Field: "q", Message: "Type a name, a title, a company or a skill, or choose a filter."}
	}
	// Whom the caller may not find is given to the index, not taken out
	// after: a typo is widened only when nothing the caller may find
	// matches, so that what is hidden leaves no trace in the answer.
	if sq.Hidden, err = s.hidden(ctx, c); err != nil {
		return nil, err
	}
	m := s.search.Search(sq)
	r := s.newRanking(c, m.All, m.Best, q.Degree)
	page := &SearchPage{Total: min(r.total(), SearchMaxResults)}
	found := r.page(skip, min(SearchPageSize, SearchMaxResults-skip))
	if page.Results, err = s.cards(ctx, found); err != nil {
		return nil, err
	}
	if next := skip + len(found); len(found) > 0 && next < page.Total {
		page.Next = encodeCursor(next)
	}
	return page, nil
}

// Typeahead suggests members as a name is typed: every word of text begins
// a word of their name. The same order and the same exclusions as Members;
// text that holds no word suggests no one.
func (s *Search) Typeahead(ctx context.Context, text string) ([]Found, error) {
	if utf8.RuneCountInString(text) > SearchMaxLen {
		return nil, &rapport.Error{Code: rapport.EINVALID, Field: "q", Message: fmt.Sprintf("Search text has at most %d characters.", SearchMaxLen)}
	}
	c := rapport.CallerFromContext(ctx)
	all := s.search.Typeahead(text, !c.Anonymous())
	if all.IsEmpty() {
		return nil, nil
	}
	hidden, err := s.hidden(ctx, c)
	if err != nil {
		return nil, err
	}
	all.AndNot(hidden)
	r := s.newRanking(c, all, all, "")
	return s.cards(ctx, r.page(0, TypeaheadSize))
}

// Schools suggests schools that members name, for the education form,
// counting neither the caller nor members either side of a block with them.
func (s *Search) Schools(ctx context.Context, text string) ([]search.School, error) {
	if utf8.RuneCountInString(text) > SearchMaxLen {
		return nil, &rapport.Error{Code: rapport.EINVALID, Field: "q", Message: fmt.Sprintf("Search text has at most %d characters.", SearchMaxLen)}
	}
	hidden, err := s.hidden(ctx, rapport.CallerFromContext(ctx))
	if err != nil {
		return nil, err
	}
	return s.search.Schools(text, TypeaheadSize, hidden), nil
}

func (q MemberQuery) validate() error {
	for _, f := range []struct{ name, value string }{
		{"q", q.Text}, {"current_organization", q.CurrentOrganization}, {"past_organization", q.PastOrganization},
		{"school", q.School}, {"location", q.Location},
	} {
		if utf8.RuneCountInString(f.value) > SearchMaxLen {
			return &rapport.Error{Code: rapport.EINVALID, Field: f.name, Message: fmt.Sprintf("At most %d characters.", SearchMaxLen)}
		}
	}
	switch q.Degree {
	case "", DegreeFirst, DegreeSecond, DegreeThird:
		return nil
	}
	return &rapport.Error{Code: rapport.EINVALID, Field: "degree", Message: "Degree is 1, 2 or 3+."}
}

// A cursor is the number of results already shown, so that pages follow
// one another in one order; it is opaque to clients.
func encodeCursor(skip int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o" + strconv.Itoa(skip)))
}

func decodeCursor(cursor string) (int, error) {
	if cursor == "" {
		return 0, nil
	}
	bad := &rapport.Error{Code: rapport.EINVALID, Field: "cursor", Message: "This cursor is not one of ours; start again from the first page."}
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || len(b) < 2 || b[0] != 'o' {
		return 0, bad
	}
	n, err := strconv.Atoi(string(b[1:]))
	if err != nil || n < 0 || n >= SearchMaxResults {
		return 0, bad
	}
	return n, nil
}

// hidden returns the members the caller never finds: themselves, and every
// member either side of a block with them (a block hides each from the
// other, and nothing counts them).
func (s *Search) hidden(ctx context.Context, c rapport.Caller) (*roaring.Bitmap, error) {
	out := roaring.New()
	if c.Anonymous() {
		return out, nil
	}
	blocked, err := s.db.FindBlockIDs(ctx, c.MemberID)
	if err != nil {
		return nil, err
	}
	blocked[c.MemberID] = true
	for id := range blocked {
		if id >= 0 && id <= search.MaxMemberID {
			out.Add(uint32(id))
		}
	}
	return out, nil
}

// ranking orders the matches of one search by the searcher's network.
type ranking struct {
	viewer    int64 // 0 for an anonymous searcher
	all, best *roaring.Bitmap
	circle    *graph.Circle // taken when first needed: see network
	circleOf  func() *graph.Circle
	first     *roaring.Bitmap // the viewer's connections
	degree    string
}

func (s *Search) newRanking(c rapport.Caller, all, best *roaring.Bitmap, degree string) *ranking {
	r := &ranking{all: all, best: best, degree: degree}
	if c.Anonymous() {
		return r
	}
	r.viewer = c.MemberID
	r.circleOf = func() *graph.Circle { return s.circles.get(c.MemberID, s.now()) }
	r.first = roaring.New()
	for _, id := range s.graph.Connections(c.MemberID) {
		if id >= 0 && id <= search.MaxMemberID {
			r.first.Add(uint32(id))
		}
	}
	return r
}

// network returns the searcher's circle with the mutual counts of their
// second degree, taken (or found in the cache) the first time a page or a
// total needs more than the searcher's connections.
func (r *ranking) network() *graph.Circle {
	if r.circle == nil {
		r.circle = r.circleOf()
	}
	return r.circle
}

// wants reports whether the degree filter lets band d through (3 stands
// for third degree and beyond).
func (r *ranking) wants(d int) bool {
	switch r.degree {
	case DegreeFirst:
		return d == 1
	case DegreeSecond:
		return d == 2
	case DegreeThird:
		return d == 3
	}
	return true
}

// total counts the matches the degree filter lets through.
func (r *ranking) total() int {
	all := int(r.all.GetCardinality())
	if r.degree == "" {
		return all
	}
	if r.viewer == 0 {
		return 0 // an anonymous searcher has no network to filter by
	}
	first := int(r.all.AndCardinality(r.first))
	if r.degree == DegreeFirst {
		return first
	}
	second := 0
	r.network().SecondByMutual(func(_ int, members []int64) bool {
		for _, id := range members {
			if id >= 0 && id <= search.MaxMemberID && r.all.Contains(uint32(id)) {
				second++
			}
		}
		return true
	})
	if r.degree == DegreeSecond {
		return second
	}
	return all - first - second
}

// page returns up to limit results after the first skip, in order, with
// where each stands from the searcher (the mutual count is filled in by
// cards).
func (r *ranking) page(skip, limit int) []Found {
	var out []Found
	// take passes members in order; it reports whether the page is full.
	take := func(ids []int64, rel rapport.Relation) bool {
		for _, id := range ids {
			if len(out) == limit {
				return true
			}
			if skip > 0 {
				skip--
				continue
			}
			out = append(out, Found{Member: &rapport.Member{ID: id}, Relation: rel})
		}
		return len(out) == limit
	}
	if limit <= 0 {
		return nil
	}
	if r.viewer == 0 {
		if r.degree == "" {
			r.eachByName(r.all, func(id int64) bool { return !take([]int64{id}, rapport.Relation{}) })
		}
		return out
	}
	full := false
	if r.wants(1) {
		r.eachByName(roaring.And(r.all, r.first), func(id int64) bool {
			full = take([]int64{id}, rapport.Relation{Degree: 1})
			return !full
		})
	}
	if full {
		return out
	}
	if r.wants(2) && 4*r.all.GetCardinality() < uint64(r.network().SecondDegreeSize()) {
		// Few matches next to the second degree: look each match up rather
		// than sort the whole second degree by mutual connections. (With
		// many, the walk in order finds a page of them in the first groups
		// and stops; a lookup costs about four times a step of the sort.)
		// Each match is a key that sorts as the page orders them: more
		// mutual connections first, then a match by name, then by id.
		var keys []uint64
		r.all.Iterate(func(x uint32) bool {
			if m := r.network().Mutual(int64(x)); m > 0 {
				k := uint64(mostMutual-m)<<33 | uint64(x)
				if !r.best.Contains(x) {
					k |= 1 << 32
				}
				keys = append(keys, k)
			}
			return true
		})
		slices.Sort(keys)
		for _, k := range keys {
			id, mutual := int64(uint32(k)), mostMutual-int(k>>33)
			if take([]int64{id}, rapport.Relation{Degree: 2, MutualCount: mutual}) {
				return out
			}
		}
	} else if r.wants(2) {
		r.network().SecondByMutual(func(mutual int, members []int64) bool {
			var group []int64
			for _, id := range members {
				if id >= 0 && id <= search.MaxMemberID && r.all.Contains(uint32(id)) {
					group = append(group, id)
				}
			}
			if len(group) > 0 && skip >= len(group) {
				skip -= len(group) // a whole group before the page: no need to order it
				return true
			}
			full = take(r.orderByName(group), rapport.Relation{Degree: 2, MutualCount: mutual})
			return !full
		})
		if full {
			return out
		}
	}
	if !r.wants(3) {
		return out
	}
	// Third degree, then out of network: each member is placed through the
	// circle, and the walk stops as soon as the page is full of third-degree
	// members. Those out of network are kept, in order, for when it is not.
	var outside []int64
	need := skip + limit - len(out)
	r.eachByName(roaring.AndNot(r.all, r.first), func(id int64) bool {
		switch r.network().Degree(id) {
		case graph.Third:
			full = take([]int64{id}, rapport.Relation{Degree: 3})
		case graph.OutOfNetwork:
			if len(outside) < need {
				outside = append(outside, id)
			}
		}
		return !full
	})
	if !full {
		take(outside, rapport.Relation{})
	}
	return out
}

// mostMutual is more than any count of mutual connections (they are kept
// in 16 bits by the graph index).
const mostMutual = 1 << 16

// eachByName passes the members of a set to yield, those whose name
// matches first, each part by id, until yield returns false.
func (r *ranking) eachByName(set *roaring.Bitmap, yield func(id int64) bool) {
	for _, part := range []*roaring.Bitmap{roaring.And(set, r.best), roaring.AndNot(set, r.best)} {
		more := true
		part.Iterate(func(x uint32) bool { more = yield(int64(x)); return more })
		if !more {
			return
		}
	}
}

// orderByName orders members as byName does.
func (r *ranking) orderByName(ids []int64) []int64 {
	keys := make([]uint64, len(ids))
	for i, id := range ids {
		keys[i] = uint64(uint32(id))
		if !r.best.Contains(uint32(id)) {
			keys[i] |= 1 << 32
		}
	}
	slices.Sort(keys)
	for i, k := range keys {
		ids[i] = int64(uint32(k))
	}
	return ids
}

// cards fills in the members found with what lists show of them and, for
// the searcher's connections, the mutual count. A member closed since the
// index last heard of them is left out.
func (s *Search) cards(ctx context.Context, found []Found) ([]Found, error) {
	if len(found) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(found))
	for i, f := range found {
		ids[i] = f.Member.ID
	}
	byID, err := s.db.FindMemberCards(ctx, ids)
	if err != nil {
		return nil, err
	}
	viewer := rapport.CallerFromContext(ctx).MemberID
	out := found[:0]
	for _, f := range found {
		m := byID[f.Member.ID]
		if m == nil {
			continue
		}
		f.Member = m
		if f.Relation.Degree == 1 {
			f.Relation.MutualCount = s.graph.MutualCount(viewer, m.ID)
		}
		out = append(out, f)
	}
	return out, nil
}

// docOf is what the search index keeps of a member.
func docOf(m *rapport.Member) search.Doc {
	d := search.Doc{MemberID: m.ID, Name: m.DisplayName, Headline: m.Profile.Headline, Location: m.Profile.Location,
		Skills: m.Profile.Skills, MembersOnly: m.Profile.Visibility == rapport.VisibilityMembers, OpenToWork: m.Profile.OpenToWork}
	for _, p := range m.Profile.Positions {
		d.Positions = append(d.Positions, search.Position{Title: p.Title, Organization: p.OrganizationName,
			OrganizationID: p.OrganizationID, Current: p.End == nil})
	}
	for _, e := range m.Profile.Education {
		d.Schools = append(d.Schools, e.School)
	}
	return d
}

// profileChanged runs after each committed change of a member's profile or
// account: it drops the member from the profile cache, and puts their
// profile, as the store has it now, into the search index (or takes them
// out when the account is no longer active). An error is logged, and the
// change log puts it right within a poll (FollowChanges).
func (b *base) profileChanged(ctx context.Context, memberID int64) {
	b.profiles.drop(memberID)
	if err := b.indexMember(ctx, memberID); err != nil {
		b.log.Warn("search index", "member", memberID, "err", err)
	}
}

// indexMember puts a member's profile, as the store has it now, into the
// search index, or takes them out. Reads and puts run one at a time: two at
// once could put an older read over a newer one.
func (b *base) indexMember(ctx context.Context, memberID int64) error {
	b.reindexing.Lock()
	defer b.reindexing.Unlock()
	found := false
	var err error
	scanErr := b.db.ScanProfiles(ctx, memberID, memberID+1, func(m *rapport.Member) {
		found = true
		err = b.search.Put(docOf(m))
	})
	if scanErr != nil {
		return scanErr
	}
	if !found {
		b.search.Delete(memberID)
	}
	return err
}

// BuildSearch builds the search index from the store, printing a progress
// line to w every 100,000 members and a summary at the end. The store reads
// ranges of members on every core while the index takes them in.
func BuildSearch(ctx context.Context, db *store.DB, w io.Writer) (*search.Index, error) {
	start := time.Now()
	// Changes from here on are replayed by FollowChanges: the scan may or
	// may not have seen them, and replaying one is harmless.
	from, err := db.LastProfileChange(ctx)
	if err != nil {
		return nil, fmt.Errorf("build search index: %w", err)
	}
	ix := search.New()
	batches := make(chan []*rapport.Member, 4)
	scanned := make(chan error, 1)
	go func() {
		scanned <- db.ScanAllProfiles(ctx, func(b []*rapport.Member) { batches <- b })
		close(batches)
	}()
	n := 0
	err = ix.Load(func(yield func(search.Doc) bool) {
		for b := range batches {
			for _, m := range b {
				if !yield(docOf(m)) {
					return
				}
				if n++; n%100_000 == 0 {
					fmt.Fprintf(w, "search index: %d members read (%.0f/s)\n", n, float64(n)/time.Since(start).Seconds())
				}
			}
		}
	})
	for range batches { // when the load stopped early, let the readers finish
	}
	if scanErr := <-scanned; err == nil {
		err = scanErr
	}
	if err != nil {
		return nil, fmt.Errorf("build search index: %w", err)
	}
	ix.SetVersion(from)
	st := ix.Stats()
	fmt.Fprintf(w, "search index: %d members, %d terms, %.1f MiB, built in %s\n",
		st.Members, st.Terms, float64(st.Bytes)/(1<<20), time.Since(start).Round(time.Millisecond))
	return ix, nil
}
