package service

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/rapportnet/rapport/graph"
	"github.com/rapportnet/rapport/store"
)

// BuildGraph builds the graph index from the store, printing a progress
// line to w every progressEvery connections and a summary at the end.
func BuildGraph(ctx context.Context, db *store.DB, w io.Writer) (*graph.Index, error) {
	const progressEvery = 1_000_000
	start := time.Now()
	// Changes from here on are replayed by FollowChanges: the scan may or may
	// not have seen them, and replaying one is harmless.
	from, err := db.LastGraphChange(ctx)
	if err != nil {
		return nil, fmt.Errorf("build graph index: %w", err)
	}
	// The store reads and parses on one core while the builder takes the
	// lists on the other.
	b := graph.NewBuilder()
	lists := make(chan idList, 1024)
	built := make(chan struct{})
	// Only active accounts are in the index: a closed or suspended
	// account's connections stay in the store, out of every degree.
	var active activeSet
	go func() {
		defer close(built)
		n := 0
		for l := range lists {
			if !active.has(l.member) {
				continue
			}
			l.others = slices.DeleteFunc(l.others, func(o int64) bool { return !active.has(o) })
			b.AddList(l.member, l.others)
			if n/progressEvery != (n+len(l.others))/progressEvery {
				fmt.Fprintf(w, "graph index: %d connections read (%.0f/s)\n", n+len(l.others), float64(n+len(l.others))/time.Since(start).Seconds())
			}
			n += len(l.others)
		}
	}()
	err = db.ScanConnections(ctx, func(id int64) {
		active.add(id)
		b.AddMember(id)
	}, func(a int64, others []int64) {
		lists <- idList{a, others}
	})
	close(lists)
	<-built
	if err != nil {
		return nil, fmt.Errorf("build graph index: %w", err)
	}
	g := b.Index()
	g.SetVersion(from)
	s := g.Stats()
	fmt.Fprintf(w, "graph index: %d members, %d connections, %.1f MiB, built in %s\n",
		s.Members, s.Connections, float64(s.Bytes)/(1<<20), time.Since(start).Round(time.Millisecond))
	return g, nil
}

// activeSet is a set of member ids, which are dense: one flag an id.
type activeSet []bool

func (s *activeSet) add(id int64) {
	if id >= int64(len(*s)) {
		*s = append(*s, make([]bool, id+1-int64(len(*s)))...)
	}
	(*s)[id] = true
}

func (s activeSet) has(id int64) bool { return id >= 0 && id < int64(len(s)) && s[id] }

type idList struct {
	member int64
	others []int64
}

// ImportSummary says what an edge-list import did.
type ImportSummary struct {
	Members     int // members in the list, made now or there before
	Connections int // distinct connections in the list
	Duplicates  int // connections listed more than once, skipped
	SelfLoops   int // lines from a member to themselves, skipped
	Taken       int // connections skipped because a handle u<id> belongs to a member who signed up
	Elapsed     time.Duration
}

// ImportEdgeList loads a parsed edge list into the store: each id becomes a
// member with handle u<id> who cannot sign in until an operator gives them
// an email address, and each edge a connection. It prints progress to w.
// This is an operator's command: it bypasses invitations on purpose, to
// bring in a network that exists elsewhere.
func ImportEdgeList(ctx context.Context, db *store.DB, l *graph.EdgeList, w io.Writer) (ImportSummary, error) {
	start := time.Now()
	sum := ImportSummary{Connections: len(l.Edges), Duplicates: l.Duplicates, SelfLoops: l.SelfLoops}
	ext := l.Members()
	handles := make([]string, len(ext))
	for i, id := range ext {
		handles[i] = fmt.Sprintf("u%d", id)
	}
	fmt.Fprintf(w, "importing %d members...\n", len(ext))
	// In order, the members' handle and email indexes grow at their ends.
	ids, err := db.ImportMembers(ctx, slices.Sorted(slices.Values(handles)), start)
	if err != nil {
		return sum, err
	}
	byExt := make(map[int64]int64, len(ext))
	for i, id := range ext {
		if memberID, ok := ids[handles[i]]; ok {
			byExt[id] = memberID
		}
	}
	sum.Members = len(byExt)
	// Both rows of every connection, in key order.
	// A connection needs two yeses (promise 2): the import connects only
	// the members it made, never an account whose handle happens to be u<id>.
	rows := make([][2]int64, 0, 2*len(l.Edges))
	for _, e := range l.Edges {
		a, okA := byExt[e[0]]
		b, okB := byExt[e[1]]
		if !okA || !okB {
			sum.Taken++
			continue
		}
		rows = append(rows, [2]int64{a, b}, [2]int64{b, a})
	}
	sum.Connections -= sum.Taken
	sortRows(rows)
	const chunk = 200_000 // rows a transaction
	bar := NewProgress(w, len(rows)/2, "connections")
	for i := 0; i < len(rows); i += chunk {
		end := min(i+chunk, len(rows))
		if err := db.ImportConnections(ctx, rows[i:end], start); err != nil {
			return sum, err
		}
		bar.Show(end / 2)
	}
	bar.Done()
	if err := db.Analyze(ctx); err != nil {
		return sum, err
	}
	sum.Elapsed = time.Since(start)
	return sum, nil
}

// sortRows puts connection rows in key order. Ids below 2^32, as they are
// in practice, sort as one number each row, three times as fast.
func sortRows(rows [][2]int64) {
	small := true
	for _, r := range rows {
		if uint64(r[0]) >= 1<<32 || uint64(r[1]) >= 1<<32 {
			small = false
			break
		}
	}
	if !small {
		slices.SortFunc(rows, func(x, y [2]int64) int {
			if c := cmp.Compare(x[0], y[0]); c != 0 {
				return c
			}
			return cmp.Compare(x[1], y[1])
		})
		return
	}
	keys := make([]uint64, len(rows))
	for i, r := range rows {
		keys[i] = uint64(r[0])<<32 | uint64(r[1])
	}
	slices.Sort(keys)
	for i, k := range keys {
		rows[i] = [2]int64{int64(k >> 32), int64(k & (1<<32 - 1))}
	}
}

// Progress prints a one-line progress bar, redrawn in place, for the long
// commands of operators.
type Progress struct {
	w     io.Writer
	total int
	start time.Time
	what  string
}

// NewProgress starts a bar that counts to total things named what.
func NewProgress(w io.Writer, total int, what string) *Progress {
	return &Progress{w: w, total: total, start: time.Now(), what: what}
}

// Show redraws the bar with done things done.
func (p *Progress) Show(done int) {
	const width = 30
	filled := width
	if p.total > 0 {
		filled = min(width, width*done/p.total)
	}
	rate := float64(done) / max(time.Since(p.start).Seconds(), 1e-9)
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d %s (%.0f/s)", strings.Repeat("#", filled), strings.Repeat(".", width-filled), done, p.total, p.what, rate)
}

// Done ends the bar's line.
func (p *Progress) Done() { fmt.Fprintln(p.w) }

// changeWindow is how far back each poll looks again, by time, for changes
// that committed out of id order.
const changeWindow = 5 * time.Second

// FollowChanges keeps the graph, search and timeline indexes in step with
// changes made by other processes sharing the database, until ctx is done.
// It reads the store's change logs every interval; each change is applied
// as the store says things are now (the connections table for a pair, the
// profile for a member, whether a post is there), so reading one twice, or
// out of order, leaves the index right. A change made through another process shows here within
// about one interval.
func (s *Services) FollowChanges(ctx context.Context, every time.Duration) {
	db, g, ix, log := s.Network.db, s.Network.graph, s.Network.search, s.Network.log
	type graphChange struct {
		store.GraphChange
		connected bool
	}
	graphFeed := &feed[graphChange]{
		name: "graph",
		find: func(ctx context.Context, after int64, since time.Time) ([]graphChange, error) {
			changes, connected, err := db.FindGraphChanges(ctx, after, since)
			out := make([]graphChange, len(changes))
			for i := range changes {
				out[i] = graphChange{changes[i], connected[i]}
			}
			return out, err
		},
		id: func(c graphChange) int64 { return c.ID },
		apply: func(_ context.Context, c graphChange) error {
			if c.connected {
				g.Add(c.A, c.B)
			} else {
				g.Remove(c.A, c.B)
			}
			return nil
		},
		version: g.Version, setVersion: g.SetVersion, prune: db.DeleteGraphChanges,
	}
	searchFeed := &feed[store.ProfileChange]{
		name: "search",
		find: db.FindProfileChanges,
		id:   func(c store.ProfileChange) int64 { return c.ID },
		apply: func(ctx context.Context, c store.ProfileChange) error {
			s.Profiles.profiles.drop(c.MemberID)
			return s.Network.indexMember(ctx, c.MemberID)
		},
		version: ix.Version, setVersion: ix.SetVersion, prune: db.DeleteProfileChanges,
	}
	// Organizations are few and change seldom: those changed since the
	// last poll (and a moment before, for a commit that took its time)
	// are put again.
	orgsSince := time.Now()
	pollOrganizations := func(now time.Time) {
		list, err := db.FindOrganizationsChangedSince(ctx, orgsSince.Add(-changeWindow))
		if err != nil {
			log.Warn("follow organizations", "err", err)
			return
		}
		for _, o := range list {
			s.Organizations.indexOrganization(o)
		}
		orgsSince = now
	}
	postFeed := s.followPosts()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := time.Now()
		graphFeed.poll(ctx, now, log)
		searchFeed.poll(ctx, now, log)
		postFeed.poll(ctx, now, log)
		pollOrganizations(now)
	}
}

// feed is one change log of the store that an index follows.
type feed[C any] struct {
	name       string
	find       func(ctx context.Context, afterID int64, since time.Time) ([]C, error)
	id         func(C) int64
	apply      func(context.Context, C) error
	version    func() int64
	setVersion func(int64)
	prune      func(ctx context.Context, before time.Time) error

	applied   map[int64]time.Time // change ids applied within the window
	lastPrune time.Time
}

// poll applies the changes not applied yet, and forgets old ones now and
// then.
func (f *feed[C]) poll(ctx context.Context, now time.Time, log *slog.Logger) {
	if f.applied == nil {
		f.applied, f.lastPrune = map[int64]time.Time{}, now
	}
	changes, err := f.find(ctx, f.version(), now.Add(-changeWindow))
	if err != nil {
		if ctx.Err() == nil {
			log.Warn("follow changes", "log", f.name, "err", err)
		}
		return
	}
	for _, c := range changes {
		id := f.id(c)
		if _, ok := f.applied[id]; ok {
			continue
		}
		if err := f.apply(ctx, c); err != nil {
			log.Warn("apply change", "log", f.name, "change", id, "err", err)
			return // tried again at the next poll
		}
		f.applied[id] = now
		if id > f.version() {
			f.setVersion(id)
		}
	}
	for id, at := range f.applied {
		if now.Sub(at) > 2*changeWindow {
			delete(f.applied, id)
		}
	}
	if now.Sub(f.lastPrune) > time.Hour {
		f.lastPrune = now
		if err := f.prune(ctx, now.Add(-24*time.Hour)); err != nil {
			log.Warn("prune changes", "log", f.name, "err", err)
		}
	}
}
