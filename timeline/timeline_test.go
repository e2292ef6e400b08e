package timeline_test

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/rapportnet/rapport/timeline"
)

// model is the index written the slow, obvious way: every post in a list.
type model map[int64]timeline.Post

func (m model) newest(sources []timeline.Source, before timeline.Stamp, n int) []timeline.Stamp {
	var out []timeline.Stamp
	for _, p := range m {
		if !slices.ContainsFunc(sources, func(s timeline.Source) bool {
			switch s.Kind {
			case timeline.Organization:
				return p.Organization == s.ID
			case timeline.AsOrganization:
				return p.Organization != 0 && p.Author == s.ID
			}
			return p.Organization == 0 && p.Author == s.ID
		}) {
			continue
		}
		st := timeline.Stamp{At: p.At, ID: p.ID}
		if before == (timeline.Stamp{}) || st.Older(before) {
			out = append(out, st)
		}
	}
	slices.SortFunc(out, func(a, b timeline.Stamp) int {
		return cmp.Or(cmp.Compare(b.At, a.At), cmp.Compare(b.ID, a.ID))
	})
	return out[:min(n, len(out))]
}

// randomPost is a post by one of a few members, some written as one of a
// few organizations, at one of few times so that many share one. One
// member's id is far beyond the others, where ids are kept in a map.
func randomPost(rng *rand.Rand, id int64) timeline.Post {
	p := timeline.Post{ID: id, Author: 1 + rng.Int64N(12), At: 1_700_000_000_000_000 + rng.Int64N(40)}
	if p.Author == 12 {
		p.Author = 1 << 40
	}
	if rng.IntN(5) == 0 {
		p.Organization = 1 + rng.Int64N(3)
	}
	return p
}

func randomSources(rng *rand.Rand) []timeline.Source {
	var out []timeline.Source
	for range 1 + rng.IntN(8) {
		s := timeline.Source{Kind: timeline.Kind(rng.IntN(3)), ID: 1 + rng.Int64N(12)}
		if s.ID == 12 {
			s.ID = 1 << 40
		}
		out = append(out, s)
	}
	return out
}

func TestNewestMatchesModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	ix, m := timeline.New(), model{}
	for id := int64(1); id <= 600; id++ {
		p := randomPost(rng, id)
		if !ix.Add(p) {
			t.Fatalf("adding post %d reported it there already", id)
		}
		m[id] = p
		if rng.IntN(4) == 0 { // again, as when the change log brings back a post this process wrote
			if ix.Add(p) {
				t.Fatalf("adding post %d twice reported it new twice", id)
			}
		}
		if rng.IntN(6) == 0 { // and some go
			victim := m[1+rng.Int64N(id)]
			if _, ok := m[victim.ID]; ok && victim.ID != 0 {
				if !ix.Remove(victim) {
					t.Fatalf("removing post %d reported it missing", victim.ID)
				}
				delete(m, victim.ID)
			}
		}
	}
	if ix.Remove(timeline.Post{ID: 10_000, Author: 1, At: 5}) {
		t.Fatal("removing a post never added reported it there")
	}
	if got := ix.Stats().Posts; got != len(m) {
		t.Fatalf("index counts %d posts, want %d", got, len(m))
	}
	all := make([]timeline.Post, 0, len(m))
	for _, p := range m {
		all = append(all, p)
	}
	for range 500 {
		sources := randomSources(rng)
		var before timeline.Stamp
		if rng.IntN(3) > 0 {
			p := all[rng.IntN(len(all))]
			before = timeline.Stamp{At: p.At, ID: p.ID}
			if rng.IntN(2) == 0 { // a cursor between posts, as one of a deleted post is
				before.ID += 1_000_000
			}
		}
		n := 1 + rng.IntN(50)
		got, want := ix.Newest(sources, before, n), m.newest(sources, before, n)
		if !slices.Equal(got, want) {
			t.Fatalf("Newest(%v, %v, %d) =\n%v\nwant\n%v", sources, before, n, got, want)
		}
	}
}

func TestPagesFollowOneAnother(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	ix, m := timeline.New(), model{}
	for id := int64(1); id <= 400; id++ {
		p := randomPost(rng, id)
		ix.Add(p)
		m[id] = p
	}
	for range 50 {
		sources := randomSources(rng)
		want := m.newest(sources, timeline.Stamp{}, len(m))
		var got []timeline.Stamp
		size := 1 + rng.IntN(7)
		for before := (timeline.Stamp{}); ; {
			page := ix.Newest(sources, before, size)
			got = append(got, page...)
			if len(page) < size {
				break
			}
			before = page[len(page)-1]
		}
		if !slices.Equal(got, want) {
			t.Fatalf("pages of %d of %v =\n%v\nwant\n%v", size, sources, got, want)
		}
	}
}

func TestSharedPostComesOnce(t *testing.T) {
	ix := timeline.New()
	own := timeline.Post{ID: 1, Author: 7, At: 100}
	asOrg := timeline.Post{ID: 2, Author: 7, Organization: 3, At: 200}
	ix.Add(own)
	ix.Add(asOrg)
	sources := []timeline.Source{{Kind: timeline.Member, ID: 7}, {Kind: timeline.AsOrganization, ID: 7},
		{Kind: timeline.Organization, ID: 3}, {Kind: timeline.Member, ID: 7}}
	want := []timeline.Stamp{{At: 200, ID: 2}, {At: 100, ID: 1}}
	if got := ix.Newest(sources, timeline.Stamp{}, 10); !slices.Equal(got, want) {
		t.Fatalf("Newest = %v, want %v", got, want)
	}
	// A connection sees the member's own posts, not those written as the
	// organization.
	want = []timeline.Stamp{{At: 100, ID: 1}}
	if got := ix.Newest(sources[:1], timeline.Stamp{}, 10); !slices.Equal(got, want) {
		t.Fatalf("the member's own timeline = %v, want %v", got, want)
	}
	if s := ix.Stats(); s.Posts != 2 || s.Members != 1 || s.Organizations != 1 {
		t.Fatalf("stats = %+v, want 2 posts, 1 member, 1 organization", s)
	}
}

func TestLoad(t *testing.T) {
	ix := timeline.New()
	ix.Load(5, []timeline.Stamp{{At: 30, ID: 3}, {At: 10, ID: 1}, {At: 30, ID: 4}, {At: 10, ID: 1}, {At: 20, ID: 2}})
	ix.Add(timeline.Post{ID: 9, Author: 5, At: 15})
	want := []timeline.Stamp{{At: 30, ID: 4}, {At: 30, ID: 3}, {At: 20, ID: 2}, {At: 15, ID: 9}, {At: 10, ID: 1}}
	if got := ix.Newest([]timeline.Source{{Kind: timeline.Member, ID: 5}}, timeline.Stamp{}, 10); !slices.Equal(got, want) {
		t.Fatalf("Newest = %v, want %v", got, want)
	}
	if got := ix.Stats().Posts; got != len(want) {
		t.Fatalf("index counts %d posts, want %d", got, len(want))
	}
	if got := ix.Newest([]timeline.Source{{Kind: timeline.Member, ID: 5}}, timeline.Stamp{At: 30, ID: 3}, 2); !slices.Equal(got, want[2:4]) {
		t.Fatalf("after a cursor tied on time: %v, want %v", got, want[2:4])
	}
}

// TestConcurrentUse reads feeds while posts come and go, for the race
// detector (go test -race), and checks that every page read is in order.
func TestConcurrentUse(t *testing.T) {
	ix := timeline.New()
	sources := []timeline.Source{{Kind: timeline.Member, ID: 1}, {Kind: timeline.Member, ID: 2}, {Kind: timeline.Organization, ID: 1}}
	done := make(chan struct{})
	go func() {
		defer close(done)
		rng := rand.New(rand.NewPCG(5, 6))
		for id := int64(1); id <= 3000; id++ {
			p := randomPost(rng, id)
			p.Author = 1 + id%2
			ix.Add(p)
			if id%3 == 0 {
				ix.Remove(p)
			}
		}
	}()
	for reading := true; reading; {
		select {
		case <-done:
			reading = false
		default:
		}
		page := ix.Newest(sources, timeline.Stamp{}, 30)
		for i := 1; i < len(page); i++ {
			if !page[i].Older(page[i-1]) {
				t.Fatalf("page out of order at %d: %v", i, page)
			}
		}
	}
	if got := ix.Stats().Posts; got != 2000 {
		t.Fatalf("index counts %d posts, want 2,000", got)
	}
}
