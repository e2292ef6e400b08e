package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/rapportnet/rapport"
)

const adminUsage = `Usage:
  rapport admin set-email [--data DIR | --db URL] HANDLE EMAIL
      give a member without an address (such as one made by graph import) an email address;
      they then set a password through "Forgotten password"
`

// runAdmin runs the site operator's commands.
func runAdmin(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 || args[0] != "set-email" {
		fmt.Fprint(stderr, adminUsage)
		return fmt.Errorf("admin: say set-email")
	}
	cfg, fs, err := newFlagSet("admin set-email", stderr, getenv)
	if err != nil {
		return err
	}
	if err := fs.Parse(args[1:]); err != nil {
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
	if m.Email != "" {
		// An operator never takes over an account that has an address:
		// only its member changes it.
		return fmt.Errorf("%s has an email address already; only they can change it", handle)
	}
	if err := db.UpdateEmail(ctx, m.ID, email, time.Now()); err != nil {
		return fmt.Errorf("%s: %s", handle, rapport.ErrorMessage(err))
	}
	fmt.Fprintf(stdout, "%s can now set a password through \"Forgotten password\" with %s\n", handle, email)
	return nil
}
