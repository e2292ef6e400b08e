// Package timeline is the in-memory index of who posted when: for each
// member and each organization, the ids and times of their posts in time
// order. The home feed merges the timelines of a member's sources from it
// instead of sorting their posts in the database at every read.
//
// The index holds no text and no audience: who may see a post is decided
// when the feed reads the posts it points at (service.Posts.Feed). A post
// the index still names after it was deleted is skipped by that read, so
// an entry left behind is harmless; one missing would hide a post.
package timeline

import (
	"slices"
	"sync"
)

// Post is what the index keeps of a post.
type Post struct {
	ID           int64
	Author       int64
	Organization int64 // the organization it was written as, or 0
	At           int64 // when it was written, in microseconds since 1970 (time.Time.UnixMicro)
}

// Stamp is a post's place in a feed, which is newest first by At, then by
// ID for posts written in the same microsecond.
type Stamp struct {
	At int64
	ID int64
}

// Older reports whether a comes after b in a feed: written before it, or
// in the same microsecond with a smaller id.
func (a Stamp) Older(b Stamp) bool {
	return a.At < b.At || (a.At == b.At && a.ID < b.ID)
}

// Kind says which timeline of a member or organization a Source is.
type Kind uint8

const (
	// Member is the posts a member wrote as themselves.
	Member Kind = iota
	// Organization is the posts written as an organization.
	Organization
	// AsOrganization is the posts a member wrote as an organization: part
	// of their own feed, not of their connections'.
	AsOrganization
)

// Source is one timeline a feed draws on.
type Source struct {
	Kind Kind
	ID   int64 // the member's or the organization's
}

// denseIDs bounds the member ids kept in a slice indexed by id; the
// database hands them out in order from 1, so the slice is as long as the
// site has members. Any larger id goes to a map.
const denseIDs = 1 << 27

// Index holds the timelines. It is safe for use by several goroutines.
//
// A timeline is a slice of stamps, oldest first, so that a new post is
// appended; 16 bytes a post (160 MB for ten million) and a slice header
// a member.
type Index struct {
	mu      sync.RWMutex
	members [][]Stamp // by member id, below denseIDs
	sparse  map[int64][]Stamp
	asOrg   map[int64][]Stamp // by member id: few members write as an organization
	orgs    map[int64][]Stamp
	posts   int
	version int64
}

// New returns an empty index.
func New() *Index {
	return &Index{sparse: map[int64][]Stamp{}, asOrg: map[int64][]Stamp{}, orgs: map[int64][]Stamp{}}
}

// list returns the timeline of a source, and where to keep it when it
// changes.
func (ix *Index) list(s Source) []Stamp {
	switch s.Kind {
	case Organization:
		return ix.orgs[s.ID]
	case AsOrganization:
		return ix.asOrg[s.ID]
	}
	if s.ID >= 0 && s.ID < int64(len(ix.members)) {
		return ix.members[s.ID]
	}
	return ix.sparse[s.ID]
}

func (ix *Index) set(s Source, l []Stamp) {
	switch s.Kind {
	case Organization:
		setOrDelete(ix.orgs, s.ID, l)
	case AsOrganization:
		setOrDelete(ix.asOrg, s.ID, l)
	default:
		if s.ID >= 0 && s.ID < denseIDs {
			if s.ID >= int64(len(ix.members)) {
				if len(l) == 0 {
					return
				}
				// Grown by at least a quarter, so that members signing up
				// one after another do not copy the slice each time.
				n := max(s.ID+1, int64(len(ix.members))+int64(len(ix.members))/4)
				ix.members = append(ix.members, make([][]Stamp, n-int64(len(ix.members)))...)
			}
			ix.members[s.ID] = l
			return
		}
		setOrDelete(ix.sparse, s.ID, l)
	}
}

func setOrDelete(m map[int64][]Stamp, id int64, l []Stamp) {
	if len(l) == 0 {
		delete(m, id)
	} else {
		m[id] = l
	}
}

// sources returns the timelines a post belongs in.
func (p Post) sources() []Source {
	if p.Organization != 0 {
		return []Source{{Organization, p.Organization}, {AsOrganization, p.Author}}
	}
	return []Source{{Member, p.Author}}
}

// Add puts a post in its author's timeline (and its organization's). It
// reports whether the post was new to the index: adding one twice, as
// happens when this process wrote it and then reads the change log, leaves
// one entry.
func (ix *Index) Add(p Post) bool {
	st := Stamp{p.At, p.ID}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	added := false
	for _, s := range p.sources() {
		l := ix.list(s)
		i, found := search(l, st)
		if found {
			continue
		}
		added = true
		// A new post is the newest as a rule: appended at the end.
		ix.set(s, slices.Insert(l, i, st))
	}
	if added {
		ix.posts++
	}
	return added
}

// Remove takes a post out of the index. It reports whether it was there.
func (ix *Index) Remove(p Post) bool {
	st := Stamp{p.At, p.ID}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	removed := false
	for _, s := range p.sources() {
		l := ix.list(s)
		if i, found := search(l, st); found {
			removed = true
			ix.set(s, slices.Delete(l, i, i+1))
		}
	}
	if removed {
		ix.posts--
	}
	return removed
}

// Load sets the timeline of the posts a member wrote as themselves, as
// they are in the store, in any order; the slice becomes the index's. It
// is for building the index: Add puts the posts written as an
// organization.
func (ix *Index) Load(member int64, posts []Stamp) {
	slices.SortFunc(posts, compare)
	posts = slices.Compact(posts)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	s := Source{Member, member}
	ix.posts += len(posts) - len(ix.list(s))
	ix.set(s, posts)
}

func compare(a, b Stamp) int {
	if a.Older(b) {
		return -1
	} else if b.Older(a) {
		return 1
	}
	return 0
}

// search returns the position of the first stamp of l that is not older
// than st, and whether it is st.
func search(l []Stamp, st Stamp) (int, bool) {
	return slices.BinarySearchFunc(l, st, compare)
}

// Newest returns, newest first, the stamps of up to n posts of the
// sources that are older than before (from the newest when before is the
// zero Stamp). A post two sources share, such as a post a member wrote as
// an organization they follow, comes once.
func (ix *Index) Newest(sources []Source, before Stamp, n int) []Stamp {
	if n <= 0 {
		return nil
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	h := make(merge, 0, len(sources))
	for _, s := range sources {
		l := ix.list(s)
		if before != (Stamp{}) {
			l = l[:first(l, before)]
		}
		if len(l) > 0 {
			h = append(h, l)
		}
	}
	h.init()
	out := make([]Stamp, 0, min(n, 64))
	for len(h) > 0 && len(out) < n {
		st := h.pop()
		if len(out) > 0 && out[len(out)-1] == st {
			continue
		}
		out = append(out, st)
	}
	return out
}

// first returns the number of stamps of l older than before.
func first(l []Stamp, before Stamp) int {
	i, _ := search(l, before)
	return i
}

// merge is a heap of timelines, each cut to the stamps not taken yet, the
// one whose last (newest) stamp is newest at the top. A heap of our own
// rather than container/heap: the feed pops a few dozen stamps from up to
// thousands of timelines, and the interface calls would be most of it.
type merge [][]Stamp

func (h merge) newer(i, j int) bool {
	return h[j][len(h[j])-1].Older(h[i][len(h[i])-1])
}

func (h merge) init() {
	for i := len(h)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

// pop takes the newest stamp of all.
func (h *merge) pop() Stamp {
	t := *h
	top := t[0]
	st := top[len(top)-1]
	if len(top) > 1 {
		t[0] = top[:len(top)-1]
	} else {
		last := len(t) - 1
		t[0] = t[last]
		t[last] = nil
		t = t[:last]
		*h = t
	}
	if len(t) > 0 {
		t.down(0)
	}
	return st
}

func (h merge) down(i int) {
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		j := l
		if r := l + 1; r < len(h) && h.newer(r, l) {
			j = r
		}
		if !h.newer(j, i) {
			return
		}
		h[i], h[j] = h[j], h[i]
		i = j
	}
}

// Version returns the id of the last change of the store's post change log
// that the index reflects.
func (ix *Index) Version() int64 {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.version
}

// SetVersion records the last change of the store's change log applied.
func (ix *Index) SetVersion(v int64) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.version = v
}

// Stats are the size of the index.
type Stats struct {
	Posts         int // posts indexed (one written as an organization counts once)
	Members       int // members with at least one post
	Organizations int // organizations with at least one post
	Bytes         int // memory held by the index, estimated
}

// Stats returns the size of the index.
func (ix *Index) Stats() Stats {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	const stamp, header, entry = 16, 24, 48 // bytes; entry: a map's key, value and overhead
	s := Stats{Posts: ix.posts, Organizations: len(ix.orgs), Bytes: header * cap(ix.members)}
	for _, l := range ix.members {
		if len(l) > 0 {
			s.Members++
		}
		s.Bytes += stamp * cap(l)
	}
	for _, m := range []map[int64][]Stamp{ix.sparse, ix.asOrg, ix.orgs} {
		for _, l := range m {
			s.Bytes += entry + stamp*cap(l)
		}
	}
	s.Members += len(ix.sparse)
	return s
}
