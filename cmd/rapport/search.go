package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/service"
	"github.com/rapportnet/rapport/store"
)

const searchUsage = `Usage:
  rapport search reindex [--data DIR | --db URL]
      build the search index from the store, as serve does at start, with progress;
      print members, terms, index memory and time as JSON
  rapport search query [--data DIR | --db URL] [--as HANDLE] [--degree 1|2|3+]
                       [--current-organization ORG] [--past-organization ORG]
                       [--school SCHOOL] [--location PLACE] TEXT...
      run one people search as the member HANDLE (anonymous without --as) and
      print the first page as JSON
`

// runSearch runs the operator's search commands.
func runSearch(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, searchUsage)
		return fmt.Errorf("search: say reindex or query")
	}
	cmd, rest := args[0], args[1:]
	cfg, fs, err := newFlagSet("search "+cmd, stderr, getenv)
	if err != nil {
		return err
	}
	var as string
	var q service.MemberQuery
	if cmd == "query" {
		fs.StringVar(&as, "as", "", "search as this member (a handle); anonymous without it")
		fs.StringVar(&q.Degree, "degree", "", "1, 2 or 3+")
		fs.StringVar(&q.CurrentOrganization, "current-organization", "", "only members who work there now")
		fs.StringVar(&q.PastOrganization, "past-organization", "", "only members who worked there before")
		fs.StringVar(&q.School, "school", "", "only members who studied there")
		fs.StringVar(&q.Location, "location", "", "only members who live there")
	}
	db, err := openStoreWithFlags(ctx, cfg, fs, rest)
	if err != nil {
		return err
	}
	defer db.Close()
	switch cmd {
	case "reindex":
		start := time.Now()
		ix, err := service.BuildSearch(ctx, db, stderr)
		if err != nil {
			return err
		}
		took := time.Since(start)
		runtime.GC()
		var mem runtime.MemStats
		runtime.ReadMemStats(&mem)
		s := ix.Stats()
		return printJSON(stdout, map[string]any{"members": s.Members, "terms": s.Terms, "words": s.Words,
			"index_bytes": s.Bytes, "heap_bytes": mem.HeapAlloc, "seconds": took.Seconds()})
	case "query":
		q.Text = strings.Join(fs.Args(), " ")
		return searchQuery(ctx, db, as, q, stdout, stderr)
	}
	fmt.Fprint(stderr, searchUsage)
	return fmt.Errorf("search: unknown command %q", cmd)
}

// searchQuery builds both indexes, as serve does, and runs one search.
func searchQuery(ctx context.Context, db *store.DB, as string, q service.MemberQuery, stdout, stderr io.Writer) error {
	g, err := service.BuildGraph(ctx, db, stderr)
	if err != nil {
		return err
	}
	ix, err := service.BuildSearch(ctx, db, stderr)
	if err != nil {
		return err
	}
	svc := service.New(db, service.Indexes{Graph: g, Search: ix}, nil, service.DefaultConfig(), nil)
	if as != "" {
		m, err := db.FindMemberByHandle(ctx, rapport.NormalizeHandle(as))
		if err != nil {
			return fmt.Errorf("--as %s: %w", as, err)
		}
		ctx = rapport.NewContextWithCaller(ctx, rapport.Caller{MemberID: m.ID, Handle: m.Handle})
	}
	page, err := svc.Search.Members(ctx, q)
	if err != nil {
		return err
	}
	type result struct {
		Handle string `json:"handle"`
		Name   string `json:"name"`
		Degree *int   `json:"degree"`
		Mutual int    `json:"mutual"`
	}
	results := []result{}
	for _, f := range page.Results {
		r := result{Handle: f.Member.Handle, Name: f.Member.DisplayName, Mutual: f.Relation.MutualCount}
		if f.Relation.Degree != 0 {
			r.Degree = &f.Relation.Degree
		}
		results = append(results, r)
	}
	return printJSON(stdout, map[string]any{"total": page.Total, "results": results})
}
