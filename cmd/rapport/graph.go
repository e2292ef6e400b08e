package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/graph"
	"github.com/rapportnet/rapport/service"
	"github.com/rapportnet/rapport/store"
)

const graphUsage = `Usage:
  rapport graph import [--data DIR | --db URL] FILE   load a SNAP edge list as members u<id> and their connections
  rapport graph stats  [--data DIR | --db URL]        members, connections, degree distribution, index memory
  rapport graph query  [--data DIR | --db URL] degree|mutual|second|pymk|path A [B]
                                                      answer one question as JSON; A and B are handles
  rapport graph generate --members N --connections M [--seed S] FILE
                                                      write a power-law graph as an edge list, for trials
`

// runGraph runs the operator's graph commands.
func runGraph(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, graphUsage)
		return fmt.Errorf("graph: say import, stats or query")
	}
	cmd, rest := args[0], args[1:]
	if cmd == "generate" {
		return graphGenerate(rest, stdout, stderr)
	}
	cfg, fs, err := newFlagSet("graph "+cmd, stderr, getenv)
	if err != nil {
		return err
	}
	db, err := openStoreWithFlags(ctx, cfg, fs, rest)
	if err != nil {
		return err
	}
	defer db.Close()
	switch cmd {
	case "import":
		if fs.NArg() != 1 {
			fmt.Fprint(stderr, graphUsage)
			return fmt.Errorf("graph import: name one edge-list file")
		}
		return graphImport(ctx, db, fs.Arg(0), stdout, stderr)
	case "stats":
		g, err := service.BuildGraph(ctx, db, stderr)
		if err != nil {
			return err
		}
		s := g.Stats()
		return printJSON(stdout, map[string]any{"members": s.Members, "connections": s.Connections,
			"index_bytes": s.Bytes, "degree_histogram": histogram(s.DegreeHistogram)})
	case "query":
		return graphQuery(ctx, db, fs.Args(), stdout, stderr)
	}
	fmt.Fprint(stderr, graphUsage)
	return fmt.Errorf("graph: unknown command %q", cmd)
}

func graphImport(ctx context.Context, db *store.DB, path string, stdout, stderr io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fmt.Fprintf(stderr, "reading %s...\n", path)
	l, err := graph.ReadEdgeList(f)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	sum, err := service.ImportEdgeList(ctx, db, l, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported %d members and %d connections in %s (%.0f connections/s); skipped %d duplicates and %d self-loops\n",
		sum.Members, sum.Connections, sum.Elapsed.Round(1e6), float64(sum.Connections)/sum.Elapsed.Seconds(), sum.Duplicates, sum.SelfLoops)
	if sum.Taken > 0 {
		fmt.Fprintf(stdout, "skipped %d connections of handles u<id> that belong to members who signed up: an import never connects them\n", sum.Taken)
	}
	return nil
}

// graphGenerate writes a generated power-law graph (graph.Generate) as a
// SNAP edge list, with at most 30,000 connections a member as on a site.
func graphGenerate(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("graph generate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	members := fs.Int("members", 100_000, "members")
	connections := fs.Int("connections", 5_000_000, "connections")
	seed := fs.Uint64("seed", 1, "seed of the random generator: the same seed gives the same graph")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fmt.Fprint(stderr, graphUsage)
		return fmt.Errorf("graph generate: name the file to write")
	}
	if *members < 2 || *connections < 1 {
		return fmt.Errorf("graph generate: want at least 2 members and 1 connection")
	}
	f, err := os.Create(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintf(w, "# power-law graph: %d members, %d connections, seed %d\n", *members, *connections, *seed)
	bar := service.NewProgress(stderr, *connections, "connections")
	n := 0
	graph.Generate(*members, *connections, service.DefaultConfig().MaxConnections, *seed, func(a, b int64) {
		w.WriteString(strconv.FormatInt(a, 10))
		w.WriteByte('\t')
		w.WriteString(strconv.FormatInt(b, 10))
		w.WriteByte('\n')
		if n++; n%1_000_000 == 0 {
			bar.Show(n)
		}
	})
	bar.Show(n)
	bar.Done()
	if err := w.Flush(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d connections among %d members to %s\n", n, *members, fs.Arg(0))
	return nil
}

// histogram labels the power-of-two buckets of a degree histogram.
func histogram(buckets []int) []map[string]any {
	out := []map[string]any{}
	for i, n := range buckets {
		lo, hi := 0, 0
		if i > 0 {
			lo, hi = 1<<(i-1), 1<<i-1
		}
		out = append(out, map[string]any{"connections": fmt.Sprintf("%d-%d", lo, hi), "members": n})
	}
	return out
}

func graphQuery(ctx context.Context, db *store.DB, args []string, stdout, stderr io.Writer) error {
	if len(args) < 2 {
		fmt.Fprint(stderr, graphUsage)
		return fmt.Errorf("graph query: say what to ask and of whom")
	}
	what := args[0]
	need := 3
	if what == "second" || what == "pymk" {
		need = 2
	}
	if len(args) != need {
		return fmt.Errorf("graph query %s: want %d handle(s)", what, need-1)
	}
	ids := make([]int64, 0, 2)
	handles := map[int64]string{}
	for _, h := range args[1:] {
		m, err := findByHandle(ctx, db, h)
		if err != nil {
			return fmt.Errorf("%s: %s", h, rapport.ErrorMessage(err))
		}
		ids = append(ids, m.ID)
		handles[m.ID] = m.Handle
	}
	g, err := service.BuildGraph(ctx, db, stderr)
	if err != nil {
		return err
	}
	handleOf := func(id int64) string {
		if h, ok := handles[id]; ok {
			return h
		}
		m, err := db.FindMemberSummary(ctx, id)
		if err != nil {
			return fmt.Sprint(id)
		}
		handles[id] = m.Handle
		return m.Handle
	}
	switch what {
	case "degree":
		var d any
		if deg := g.Degree(ids[0], ids[1]); deg != graph.OutOfNetwork {
			d = int(deg)
		}
		return printJSON(stdout, map[string]any{"degree": d})
	case "mutual":
		return printJSON(stdout, map[string]any{"mutual": g.MutualCount(ids[0], ids[1])})
	case "second":
		return printJSON(stdout, map[string]any{"second_degree": g.SecondDegreeSize(ids[0])})
	case "pymk":
		out := []map[string]any{}
		for _, s := range g.Suggestions(ids[0], 20, nil) {
			out = append(out, map[string]any{"handle": handleOf(s.MemberID), "mutual": s.Mutual})
		}
		return printJSON(stdout, map[string]any{"suggestions": out})
	case "path":
		var path []string
		for _, id := range g.Path(ids[0], ids[1], nil) {
			path = append(path, handleOf(id))
		}
		if path == nil {
			return printJSON(stdout, map[string]any{"path": nil})
		}
		return printJSON(stdout, map[string]any{"path": path})
	}
	return fmt.Errorf("graph query: unknown question %q (degree, mutual, second, pymk or path)", what)
}

func findByHandle(ctx context.Context, db *store.DB, h string) (*rapport.Member, error) {
	return db.FindMemberByHandle(ctx, rapport.NormalizeHandle(h))
}

func printJSON(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}
