package main

import (
	"context"
	"fmt"
	"io"
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
`

// runAdmin runs the site operator's commands.
func runAdmin(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	switch {
	case len(args) > 0 && args[0] == "set-email":
		return runSetEmail(ctx, args[1:], stdout, stderr, getenv)
	case len(args) > 1 && args[0] == "seats" && args[1] == "grant":
		return runGrantSeats(ctx, args[2:], stdout, stderr, getenv)
	}
	fmt.Fprint(stderr, adminUsage)
	return fmt.Errorf("admin: say set-email or seats grant")
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
