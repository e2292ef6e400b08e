package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/graph"
	"github.com/rapportnet/rapport/seed"
	"github.com/rapportnet/rapport/service"
)

const seedUsage = `Usage:
  rapport seed --members N [--connections M] [--graph FILE] [--posts P] [--seed S] [--data DIR | --db URL]
      fill a site with realistic demo members (names, headlines, positions, schools, skills,
      locations) connected by a generated power-law graph of M connections (default 20 a
      member), or by the edge list FILE, whose ids become the first members in order
      (--members then defaults to its member count); every demo member signs in with one
      password, printed once at the end; --posts P writes P demo posts over the past year
`

// runSeed fills a site with demo members: for newcomers and benchmarks.
func runSeed(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	cfg, fs, err := newFlagSet("seed", stderr, getenv)
	if err != nil {
		return err
	}
	fs.Usage = func() { fmt.Fprint(stderr, seedUsage) }
	members := fs.Int("members", 0, "demo members to make")
	connections := fs.Int("connections", -1, "connections to generate among them (default 20 a member)")
	file := fs.String("graph", "", "an edge list to connect the members by, instead of a generated graph")
	seedValue := fs.Uint64("seed", 1, "the same seed makes the same members and connections")
	posts := fs.Int("posts", 0, "demo posts to write over the past year")
	if err := fs.Parse(args); err != nil {
		return err
	} else if fs.NArg() > 0 {
		fmt.Fprint(stderr, seedUsage)
		return fmt.Errorf("seed: unexpected argument %q", fs.Arg(0))
	} else if err := cfg.finish(); err != nil {
		return err
	}
	opts := service.SeedOptions{Members: *members, Seed: *seedValue, Posts: *posts}
	if *file != "" {
		if *connections >= 0 {
			return fmt.Errorf("seed: say --graph or --connections, not both")
		}
		if opts.Graph, err = readEdgeList(*file, stderr); err != nil {
			return err
		}
		if opts.Members == 0 {
			opts.Members = len(opts.Graph.Members())
		}
	} else if *connections < 0 {
		opts.Connections = defaultConnections(opts.Members)
	} else {
		opts.Connections = *connections
	}
	if opts.Members < 1 {
		fmt.Fprint(stderr, seedUsage)
		return fmt.Errorf("seed: say how many members to make with --members")
	}
	if opts.Password, err = seed.Password(); err != nil {
		return err
	}
	db, err := openStore(ctx, *cfg, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	sum, err := service.Seed(ctx, db, opts, stderr)
	if err != nil {
		if rapport.ErrorCode(err) == rapport.EINVALID {
			return fmt.Errorf("seed --%s: %s", rapport.ErrorField(err), rapport.ErrorMessage(err))
		}
		return err
	}
	fmt.Fprintf(stdout, "seeded %d members and %d connections in %s (%.0f members/s)\n",
		sum.Members, sum.Connections, sum.Elapsed.Round(1e6), float64(sum.Members)/sum.Elapsed.Seconds())
	if sum.Skipped > 0 {
		fmt.Fprintf(stdout, "left out %d demo members whose handle or email address was taken\n", sum.Skipped)
	}
	if sum.Example != nil {
		// The password is shown this once and stored only as its hash.
		fmt.Fprintf(stdout, "every demo member signs in with the password %s\n", opts.Password)
		fmt.Fprintf(stdout, "for example %s (%s, /in/%s)\n", sum.Example.Email, sum.Example.DisplayName, sum.Example.Handle)
	}
	return nil
}

// defaultConnections is about 20 connections a member, as on a site that
// has been lived in for a while, and never more than half the pairs there
// are, which the generator could not find without drawing most pairs twice.
func defaultConnections(members int) int {
	return min(20*members, members*(members-1)/4)
}

func readEdgeList(path string, stderr io.Writer) (*graph.EdgeList, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fmt.Fprintf(stderr, "reading %s...\n", path)
	l, err := graph.ReadEdgeList(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return l, nil
}
