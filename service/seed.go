package service

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/graph"
	"github.com/rapportnet/rapport/password"
	"github.com/rapportnet/rapport/seed"
	"github.com/rapportnet/rapport/store"
)

// SeedOptions says what Seed makes.
type SeedOptions struct {
	Members int // demo members to make
	// Connections is how many connections to generate among them when
	// Graph is nil; some pairs come out twice and count once.
	Connections int
	// Graph, when set, connects the members as this edge list does: its
	// ids, in increasing order, become the members in the order they are
	// made. It must not have more members than Members.
	Graph    *graph.EdgeList
	Seed     uint64 // the same seed makes the same members and connections
	Password string // the one password of every demo member
	// Posts is how many demo posts to write, over the past year, by
	// members drawn so that a few write much and most little.
	Posts int
}

// SeedSummary says what Seed did.
type SeedSummary struct {
	Members     int // demo members made
	Skipped     int // demo members left out: their handle or email address was taken
	Connections int // connections made among the demo members
	// Organizations are the pages made for the organizations demo members
	// work at; LinkedPositions, the demo positions linked to them.
	Organizations, LinkedPositions int
	Posts                          int             // demo posts written
	Example                        *rapport.Member // the first member made, to sign in as
	Elapsed                        time.Duration
}

// Seed fills a site with demo members made by package seed, each with a
// whole profile, and connects them by a generated power-law graph
// (graph.Generate, at most MaxConnections a member) or by a real edge list.
// Every demo member signs in with opts.Password, hashed once. It prints
// progress to w. Like ImportEdgeList, this is an operator's command that
// bypasses invitations on purpose, to give newcomers a living site and
// benchmarks a large one; it never touches the accounts that are there.
// Returns EINVALID when the password policy refuses the password or when
// the options do not fit together.
func Seed(ctx context.Context, db *store.DB, opts SeedOptions, w io.Writer) (SeedSummary, error) {
	start := time.Now()
	var sum SeedSummary
	n := opts.Members
	if n < 1 || n >= 1<<31 {
		return sum, rapport.FieldError("members", "Seed at least one member.")
	} else if opts.Connections < 0 {
		return sum, rapport.FieldError("connections", "The number of connections cannot be negative.")
	} else if opts.Posts < 0 {
		return sum, rapport.FieldError("posts", "The number of posts cannot be negative.")
	}
	var index map[int64]uint32 // edge-list id → member number
	if opts.Graph != nil {
		ext := opts.Graph.Members()
		if len(ext) > n {
			return sum, rapport.FieldError("members", "The edge list has %d members; seed at least as many.", len(ext))
		}
		index = make(map[int64]uint32, len(ext))
		for i, id := range ext {
			index[id] = uint32(i)
		}
	}
	if err := password.Check(opts.Password); err != nil {
		return sum, err
	}
	// One hash for every demo member: a hash takes tens of milliseconds,
	// a million of them would take hours.
	hash, err := password.Hash(opts.Password, password.DefaultParams)
	if err != nil {
		return sum, fmt.Errorf("seed: %w", err)
	}

	taken := map[string]bool{}
	if count, err := db.CountMembers(ctx); err != nil {
		return sum, err
	} else if count > 0 {
		handles, err := db.FindHandles(ctx)
		if err != nil {
			return sum, err
		}
		for _, h := range handles {
			taken[h] = true
		}
	}
	gen, err := seed.New(seed.Options{Seed: opts.Seed, Today: rapport.Month{Year: start.Year(), Month: start.Month()},
		Taken: func(h string) bool { return taken[h] }})
	if err != nil {
		return sum, err
	}

	before, err := db.LastMemberID(ctx)
	if err != nil {
		return sum, err
	}
	ids, err := seedMembers(ctx, db, gen, n, hash, start, w)
	if err != nil {
		return sum, err
	}
	for _, id := range ids {
		if id == 0 {
			sum.Skipped++
		} else if sum.Example == nil {
			if sum.Example, err = db.FindMemberByID(ctx, id); err != nil {
				return sum, err
			}
		}
	}
	sum.Members = n - sum.Skipped
	if sum.Example != nil {
		// Pages for the organizations demo members work at, run by the
		// member to sign in as, with the demo positions linked to them.
		orgs, err := seed.Organizations()
		if err != nil {
			return sum, err
		}
		if sum.Organizations, sum.LinkedPositions, err = db.SeedOrganizations(ctx, orgs, sum.Example.ID, before, start); err != nil {
			return sum, err
		}
		fmt.Fprintf(w, "organizations: %d pages, %d positions linked to them\n", sum.Organizations, sum.LinkedPositions)
	}

	// The connections as pairs of member numbers, then each member's list.
	var pairs []uint32
	if opts.Graph != nil {
		pairs = make([]uint32, 0, 2*len(opts.Graph.Edges))
		for _, e := range opts.Graph.Edges {
			pairs = append(pairs, index[e[0]], index[e[1]])
		}
	} else if opts.Connections > 0 && n >= 2 {
		fmt.Fprintf(w, "generating %d connections...\n", opts.Connections)
		pairs = make([]uint32, 0, 2*opts.Connections)
		graph.Generate(n, opts.Connections, DefaultConfig().MaxConnections, opts.Seed, func(a, b int64) {
			pairs = append(pairs, uint32(a-1), uint32(b-1))
		})
	}
	if sum.Connections, err = seedConnections(ctx, db, ids, pairs, start, w); err != nil {
		return sum, err
	}
	if sum.Posts, err = seedPosts(ctx, db, gen, ids, opts.Posts, start, w); err != nil {
		return sum, err
	}
	if err := db.Analyze(ctx); err != nil {
		return sum, err
	}
	sum.Elapsed = time.Since(start)
	return sum, nil
}

// seedChunk is how many members go into one transaction: large enough
// that commits cost nothing, small enough to keep a few of them in memory.
const seedChunk = 10_000

// seedMembers makes n members and writes them, returning the id of each in
// order (0 for one left out). One goroutine generates the next chunk while
// the store writes this one.
func seedMembers(ctx context.Context, db *store.DB, gen *seed.Generator, n int, hash string, now time.Time, w io.Writer) ([]int64, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chunks := make(chan []*rapport.Member, 1)
	go func() {
		defer close(chunks)
		for done := 0; done < n; done += seedChunk {
			chunk := gen.Members(min(seedChunk, n-done))
			select {
			case chunks <- chunk:
			case <-ctx.Done():
				return
			}
		}
	}()
	ids := make([]int64, 0, n)
	bar := NewProgress(w, n, "members")
	for chunk := range chunks {
		made, err := db.SeedMembers(ctx, chunk, hash, now)
		if err != nil {
			return nil, err
		}
		ids = append(ids, made...)
		bar.Show(len(ids))
	}
	bar.Done()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return ids, nil
}

// seedConnections writes the connections that pairs lists (two member
// numbers each, indexes into ids) between members that were made, and
// returns how many there are, each counted once. It files the pairs by
// member, as a graph in compressed sparse rows, and writes each member's
// rows in turn: since ids grow with member numbers, the rows go in key
// order without sorting them all at once, in a quarter of the memory.
func seedConnections(ctx context.Context, db *store.DB, ids []int64, pairs []uint32, now time.Time, w io.Writer) (int, error) {
	if len(pairs) == 0 {
		return 0, nil
	}
	offset := make([]uint32, len(ids)+1)
	for _, m := range pairs {
		offset[m+1]++
	}
	for i := range len(ids) {
		offset[i+1] += offset[i]
	}
	others := make([]uint32, len(pairs))
	{
		next := slices.Clone(offset[:len(ids)])
		for i := 0; i < len(pairs); i += 2 {
			a, b := pairs[i], pairs[i+1]
			others[next[a]], others[next[b]] = b, a
			next[a]++
			next[b]++
		}
	}
	// Each list sorted, once each; count the rows to write.
	rows := 0
	for m := range ids {
		list := others[offset[m]:offset[m+1]]
		slices.Sort(list)
		prev := uint32(len(ids)) // no member
		for _, o := range list {
			if o != prev && o != uint32(m) && ids[o] != 0 && ids[m] != 0 {
				rows++
			}
			prev = o
		}
	}

	const chunk = 200_000 // rows a transaction
	bar := NewProgress(w, rows/2, "connections")
	batch := make([][2]int64, 0, chunk+DefaultConfig().MaxConnections)
	written := 0
	flush := func() error {
		if err := db.ImportConnections(ctx, batch, now); err != nil {
			return err
		}
		written += len(batch)
		batch = batch[:0]
		bar.Show(written / 2)
		return nil
	}
	for m := range ids {
		if ids[m] == 0 {
			continue
		}
		prev := uint32(len(ids))
		for _, o := range others[offset[m]:offset[m+1]] {
			if o != prev && o != uint32(m) && ids[o] != 0 {
				batch = append(batch, [2]int64{ids[m], ids[o]})
			}
			prev = o
		}
		if len(batch) >= chunk {
			if err := flush(); err != nil {
				return 0, err
			}
		}
	}
	if len(batch) > 0 {
		if err := flush(); err != nil {
			return 0, err
		}
	}
	bar.Done()
	return rows / 2, nil
}

// seedPosts writes n demo posts over the year before now, by members drawn
// so that a few write much and most little (the cube of a uniform number
// picks low member numbers more often), a quarter of them for connections
// only, in chunks with progress.
func seedPosts(ctx context.Context, db *store.DB, gen *seed.Generator, ids []int64, n int, now time.Time, w io.Writer) (int, error) {
	if n == 0 || len(ids) == 0 {
		return 0, nil
	}
	bar := NewProgress(w, n, "posts")
	const chunk = 50_000
	year := int(365 * 24 * time.Hour / time.Second)
	written := 0
	for written < n {
		posts := make([]rapport.Post, 0, min(chunk, n-written))
		for len(posts) < cap(posts) {
			u := float64(gen.Intn(1<<20)) / (1 << 20)
			author := ids[int(u*u*u*float64(len(ids)))]
			if author == 0 {
				continue // a member left out: their handle was taken
			}
			audience := rapport.AudiencePublic
			if gen.Intn(4) == 0 {
				audience = rapport.AudienceConnections
			}
			at := now.Add(-time.Duration(gen.Intn(year)) * time.Second)
			posts = append(posts, rapport.Post{AuthorID: author, Audience: audience, Body: gen.PostText(), CreatedAt: at})
		}
		if err := db.SeedPosts(ctx, posts); err != nil {
			return written, err
		}
		written += len(posts)
		bar.Show(written)
	}
	bar.Done()
	return written, ctx.Err()
}
