package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/service"
)

const adminUsage = `Usage:
  rapport admin set-email [--data DIR | --db URL] HANDLE EMAIL
      give a member without an address (such as one made by graph import) an email address;
      they then set a password through "Forgotten password"
  rapport admin seats grant --org SLUG --product recruiter --count N [--data DIR | --db URL]
      add N seats of a product to an organization's pool (recorded in its audit log)
  rapport admin operators add|remove EMAIL [--data DIR | --db URL]
      make the member with this address a site operator, who reviews reports on /operator/reports,
      or end that role (recorded in the audit log)
  rapport admin operators list [--data DIR | --db URL]
  rapport admin reports [--status open|dismissed|hidden|suspended|all] [--data DIR | --db URL]
      list members' reports, newest first (open ones by default)
  rapport admin reports show ID [--data DIR | --db URL]
      show a report with the copy of what was reported
`

// runAdmin runs the site operator's commands.
func runAdmin(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	switch {
	case len(args) > 0 && args[0] == "set-email":
		return runSetEmail(ctx, args[1:], stdout, stderr, getenv)
	case len(args) > 1 && args[0] == "seats" && args[1] == "grant":
		return runGrantSeats(ctx, args[2:], stdout, stderr, getenv)
	case len(args) > 1 && args[0] == "operators":
		return runOperators(ctx, args[1], args[2:], stdout, stderr, getenv)
	case len(args) > 0 && args[0] == "reports":
		return runReports(ctx, args[1:], stdout, stderr, getenv)
	}
	fmt.Fprint(stderr, adminUsage)
	return fmt.Errorf("admin: say set-email, seats grant, operators or reports")
}

// runGrantSeats adds seats to an organization's pool, as the site
// operator; the grant is in the organization's audit log.
func runGrantSeats(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	cfg, fs, err := newFlagSet("admin seats grant", stderr, getenv)
	if err != nil {
		return err
	}
	org := fs.String("org", "", "the organization's page address (slug)")
	product := fs.String("product", rapport.ProductRecruiter, "the product: "+strings.Join(rapport.Products, ", "))
	count := fs.Int("count", 0, "how many seats to add")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.finish(); err != nil {
		return err
	}
	if *org == "" || fs.NArg() != 0 {
		fmt.Fprint(stderr, adminUsage)
		return fmt.Errorf("admin seats grant: want --org, --product and --count")
	}
	db, err := openStore(ctx, *cfg, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := service.New(db, service.Indexes{}, nil, service.DefaultConfig(), nil)
	if err := svc.Seats.Grant(ctx, *org, *product, *count); err != nil {
		return fmt.Errorf("%s: %s", *org, rapport.ErrorMessage(err))
	}
	fmt.Fprintf(stdout, "granted %d %s seats to %s\n", *count, *product, *org)
	return nil
}

// runSetEmail gives a member without an address one.
func runSetEmail(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	cfg, fs, err := newFlagSet("admin set-email", stderr, getenv)
	if err != nil {
		return err
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.finish(); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		fmt.Fprint(stderr, adminUsage)
		return fmt.Errorf("admin set-email: want a handle and an email address")
	}
	handle, email := rapport.NormalizeHandle(fs.Arg(0)), strings.TrimSpace(fs.Arg(1))
	if err := rapport.ValidateEmail(email); err != nil {
		return fmt.Errorf("%s: %s", email, rapport.ErrorMessage(err))
	}
	db, err := openStore(ctx, *cfg, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	m, err := db.FindMemberByHandle(ctx, handle)
	if err != nil {
		return fmt.Errorf("%s: %s", handle, rapport.ErrorMessage(err))
	}
	// An operator never takes over an account that has an address: only
	// its member changes it (the store checks, in the transaction).
	if err := db.SetEmailByOperator(ctx, m.ID, email, time.Now()); err != nil {
		return fmt.Errorf("%s: %s", handle, rapport.ErrorMessage(err))
	}
	fmt.Fprintf(stdout, "%s can now set a password through \"Forgotten password\" with %s\n", handle, email)
	return nil
}

// moderation opens the store and returns the moderation service acting as
// the site operator at the command line, and the flags' arguments.
func moderation(ctx context.Context, name string, args []string, stderr io.Writer, getenv func(string) string, status *string) (*service.Moderation, []string, func(), error) {
	cfg, fs, err := newFlagSet(name, stderr, getenv)
	if err != nil {
		return nil, nil, nil, err
	}
	if status != nil {
		fs.StringVar(status, "status", rapport.ReportOpen, "the reports' status: "+strings.Join(rapport.ReportStatuses, ", ")+" or all")
	}
	// Flags may come before or after the arguments.
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, nil, nil, err
		}
		if fs.NArg() == 0 {
			break
		}
		rest, args = append(rest, fs.Arg(0)), fs.Args()[1:]
	}
	if err := cfg.finish(); err != nil {
		return nil, nil, nil, err
	}
	db, err := openStore(ctx, *cfg, nil)
	if err != nil {
		return nil, nil, nil, err
	}
	svc := service.New(db, service.Indexes{}, nil, service.DefaultConfig(), nil)
	return svc.Moderation, rest, func() { db.Close() }, nil
}

// runOperators names or lists the site's operators.
func runOperators(ctx context.Context, verb string, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	mod, rest, done, err := moderation(ctx, "admin operators "+verb, args, stderr, getenv, nil)
	if err != nil {
		return err
	}
	defer done()
	ctx = service.AsCommandLine(ctx)
	switch {
	case (verb == "add" || verb == "remove") && len(rest) == 1:
		change, did := mod.AddOperator, "is now a site operator"
		if verb == "remove" {
			change, did = mod.RemoveOperator, "is no longer a site operator"
		}
		m, err := change(ctx, rest[0])
		if err != nil {
			return fmt.Errorf("%s: %s", rest[0], rapport.ErrorMessage(err))
		}
		fmt.Fprintf(stdout, "%s (@%s) %s\n", m.DisplayName, m.Handle, did)
		return nil
	case verb == "list" && len(rest) == 0:
		list, err := mod.Operators(ctx)
		if err != nil {
			return err
		}
		for _, m := range list {
			fmt.Fprintf(stdout, "@%s\t%s\n", m.Handle, m.DisplayName)
		}
		fmt.Fprintf(stdout, "%d operators\n", len(list))
		return nil
	}
	fmt.Fprint(stderr, adminUsage)
	return fmt.Errorf("admin operators: say add EMAIL, remove EMAIL or list")
}

// runReports lists members' reports, or shows one.
func runReports(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	show := len(args) > 0 && args[0] == "show"
	if show {
		args = args[1:]
	}
	var status string
	mod, rest, done, err := moderation(ctx, "admin reports", args, stderr, getenv, &status)
	if err != nil {
		return err
	}
	defer done()
	ctx = service.AsCommandLine(ctx)
	if show {
		if len(rest) != 1 {
			fmt.Fprint(stderr, adminUsage)
			return fmt.Errorf("admin reports show: want a report's id")
		}
		id, err := strconv.ParseInt(rest[0], 10, 64)
		if err != nil {
			return fmt.Errorf("admin reports show: %q is not a report's id", rest[0])
		}
		r, err := mod.ReportByID(ctx, id)
		if err != nil {
			return fmt.Errorf("report %d: %s", id, rapport.ErrorMessage(err))
		}
		reporter := "a former member"
		if r.Reporter != nil {
			reporter = "@" + r.Reporter.Handle
		}
		fmt.Fprintf(stdout, "report %d: a %s of @%s (account %s)\nreason: %s\nreported by %s on %s\nstatus: %s\n",
			r.ID, r.Subject, r.Member.Handle, r.Member.Status, r.Reason, reporter, r.CreatedAt.UTC().Format(time.RFC3339), r.Status)
		if r.Decision != "" {
			fmt.Fprintf(stdout, "decision: %s\n", r.Decision)
		}
		if r.Details != "" {
			fmt.Fprintf(stdout, "\nthe reporter adds:\n%s\n", r.Details)
		}
		if r.Excerpt != "" {
			fmt.Fprintf(stdout, "\nthe %s as the reporter saw it:\n%s\n", r.Subject, r.Excerpt)
		}
		return nil
	}
	if len(rest) != 0 {
		fmt.Fprint(stderr, adminUsage)
		return fmt.Errorf("admin reports: unexpected %q", rest[0])
	}
	if status == "all" {
		status = ""
	}
	list, err := mod.Reports(ctx, status)
	if err != nil {
		return fmt.Errorf("admin reports: %s", rapport.ErrorMessage(err))
	}
	fmt.Fprintf(stdout, "%-6s  %-20s  %-8s  %-24s  %-14s  %s\n", "ID", "REPORTED", "SUBJECT", "MEMBER", "REASON", "STATUS")
	for _, r := range list {
		fmt.Fprintf(stdout, "%-6d  %-20s  %-8s  %-24s  %-14s  %s\n", r.ID, r.CreatedAt.UTC().Format("2006-01-02 15:04"), r.Subject, "@"+r.Member.Handle, r.Reason, r.Status)
	}
	fmt.Fprintf(stdout, "%d reports\n", len(list))
	return nil
}
