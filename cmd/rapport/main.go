// Command rapport runs a Rapport site: a self-hosted professional network,
// with its web UI and JSON API, on SQLite or PostgreSQL.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/rapportnet/rapport/mail"
	"github.com/rapportnet/rapport/service"
	"github.com/rapportnet/rapport/store"
	"github.com/rapportnet/rapport/web"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "rapport:", err)
		os.Exit(1)
	}
}

const usage = `Rapport is a self-hosted professional network.

Usage:
  rapport serve [flags]     start the web UI and JSON API
  rapport migrate [flags]   apply database migrations and exit
  rapport graph import|stats|query [flags] ...   load and inspect the graph of connections
  rapport search reindex|query [flags] ...       build and try the search index
  rapport seed --members N [flags]               fill the site with demo members, for trials and benchmarks
  rapport admin set-email [flags] HANDLE EMAIL   give an imported member an email address
  rapport admin seats grant --org SLUG --product recruiter --count N   grant an organization seats
  rapport admin operators add|remove|list [EMAIL]  name the site's operators, who review reports
  rapport admin reports [--status S] | show ID     list members' reports, or show one
  rapport version           print the version
  rapport help              print this help

Flags (each with an environment variable as fallback):
  --addr      RAPPORT_ADDR      address to listen on (default localhost:8080)
  --data      RAPPORT_DATA      folder for the SQLite file, uploads and the mail outbox (default ./rapport-data)
  --db        RAPPORT_DB        database: empty for SQLite in --data, or a postgres:// URL
  --base-url  RAPPORT_BASE_URL  the site's public address, for links in mail; https makes cookies Secure
  --smtp-url  RAPPORT_SMTP_URL  smtp://user:password@host:port to send mail; empty writes .eml files to --data/outbox
  --mail-from RAPPORT_MAIL_FROM the From address of the site's mail
  --appeals-address RAPPORT_APPEALS_ADDRESS  where replies to moderation mail (appeals) go; --mail-from when empty
  --secret-key-file RAPPORT_SECRET_KEY_FILE  the key sealing secrets in the database (default --data/secret.key, made on first start)
  --log-level RAPPORT_LOG_LEVEL debug, info, warn or error (default info)
  --trust-proxy RAPPORT_TRUST_PROXY  take the client address from X-Forwarded-For (only behind a proxy that sets it)
`

// Config is what the flags and the environment say.
type Config struct {
	Addr     string
	Data     string
	DB       string
	BaseURL  string
	SMTPURL  string
	MailFrom string
	// AppealsAddress receives replies to moderation mail.
	AppealsAddress string
	// SecretKeyFile holds the key that seals the secrets kept in the
	// database (TOTP secrets); DATA/secret.key, made on first start, when "".
	SecretKeyFile string
	LogLevel      string
	// TrustProxy takes the client's address from X-Forwarded-For, for
	// sign-in throttling; only right behind a proxy that sets the header.
	TrustProxy bool
	// NoRateLimits turns the routes' rate limits off, for load tests.
	NoRateLimits bool
	// MaxInFlight is how many requests are served at once.
	MaxInFlight int
	// QueueWait is how long a request may wait for a place.
	QueueWait time.Duration
	// SQLGraph answers profile degrees in SQL, without the graph index, to
	// measure what the index saves.
	SQLGraph bool
}

// run is the whole program; main only calls it, and tests call it too.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return nil
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "serve":
		cfg, err := parseFlags(cmd, rest, stderr, getenv)
		if err != nil {
			return err
		}
		return serve(ctx, cfg, stdout, stderr, nil)
	case "migrate":
		cfg, err := parseFlags(cmd, rest, stderr, getenv)
		if err != nil {
			return err
		}
		return migrate(ctx, cfg, stdout)
	case "graph":
		return runGraph(ctx, rest, stdout, stderr, getenv)
	case "search":
		return runSearch(ctx, rest, stdout, stderr, getenv)
	case "seed":
		return runSeed(ctx, rest, stdout, stderr, getenv)
	case "admin":
		return runAdmin(ctx, rest, stdout, stderr, getenv)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "rapport", version())
		return nil
	case "help", "--help", "-h", "-help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
}

func parseFlags(name string, args []string, stderr io.Writer, getenv func(string) string) (Config, error) {
	cfg, fs, err := newFlagSet(name, stderr, getenv)
	if err != nil {
		return Config{}, err
	}
	if err := fs.Parse(args); err != nil {
		return *cfg, err
	} else if fs.NArg() > 0 {
		return *cfg, fmt.Errorf("%s: unexpected argument %q", name, fs.Arg(0))
	}
	return *cfg, cfg.finish()
}

// newFlagSet declares the flags every command shares, each with its
// environment variable as the default.
func newFlagSet(name string, stderr io.Writer, getenv func(string) string) (*Config, *flag.FlagSet, error) {
	env := func(key, def string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return def
	}
	cfg := &Config{}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Addr, "addr", env("RAPPORT_ADDR", "localhost:8080"), "address to listen on")
	fs.StringVar(&cfg.Data, "data", env("RAPPORT_DATA", "rapport-data"), "folder for the SQLite file, uploads and the mail outbox")
	fs.StringVar(&cfg.DB, "db", env("RAPPORT_DB", ""), "database: empty for SQLite in --data, or a postgres:// URL")
	fs.StringVar(&cfg.BaseURL, "base-url", env("RAPPORT_BASE_URL", ""), "the site's public address")
	fs.StringVar(&cfg.SMTPURL, "smtp-url", env("RAPPORT_SMTP_URL", ""), "smtp://user:password@host:port")
	fs.StringVar(&cfg.MailFrom, "mail-from", env("RAPPORT_MAIL_FROM", "Rapport <no-reply@localhost>"), "From address of the site's mail")
	fs.StringVar(&cfg.AppealsAddress, "appeals-address", env("RAPPORT_APPEALS_ADDRESS", ""), "where replies to moderation mail go (appeals); the From address when empty")
	fs.StringVar(&cfg.SecretKeyFile, "secret-key-file", env("RAPPORT_SECRET_KEY_FILE", ""), "file of the key that seals secrets in the database (64 hex digits); --data/secret.key, made on first start, when empty")
	fs.StringVar(&cfg.LogLevel, "log-level", env("RAPPORT_LOG_LEVEL", "info"), "debug, info, warn or error")
	fs.BoolVar(&cfg.SQLGraph, "sql-graph", false, "answer profile degrees in SQL instead of from the graph index (for benchmarks only)")
	fs.BoolVar(&cfg.NoRateLimits, "no-rate-limits", false, "turn the routes' rate limits off (for load tests from one address only)")
	fs.IntVar(&cfg.MaxInFlight, "max-in-flight", 0, "requests served at once, 0 for one a core (GOMAXPROCS); one more waits for a place, then is answered 503 with Retry-After")
	fs.DurationVar(&cfg.QueueWait, "queue-wait", 0, "how long a request waits for a place before it is shed, 0 for 10ms; under overload the newest waiter gets a freed place first")
	trust := env("RAPPORT_TRUST_PROXY", "")
	fs.BoolVar(&cfg.TrustProxy, "trust-proxy", trust == "true" || trust == "1", "take the client address from X-Forwarded-For")
	return cfg, fs, nil
}

// finish checks the flags together and fills in what follows from them.
func (cfg *Config) finish() error {
	if cfg.DB == "" {
		cfg.DB = filepath.Join(cfg.Data, "rapport.db")
	} else if !strings.HasPrefix(cfg.DB, "postgres://") && !strings.HasPrefix(cfg.DB, "postgresql://") {
		return fmt.Errorf("--db: want a postgres:// URL, or nothing for SQLite in --data")
	}
	return nil
}

func newLogger(w io.Writer, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l})), nil
}

// openStoreWithFlags parses an operator command's flags and opens the store
// they name, migrated.
func openStoreWithFlags(ctx context.Context, cfg *Config, fs *flag.FlagSet, args []string) (*store.DB, error) {
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if err := cfg.finish(); err != nil {
		return nil, err
	}
	return openStore(ctx, *cfg, nil)
}

func openStore(ctx context.Context, cfg Config, log *slog.Logger) (*store.DB, error) {
	db, err := store.Open(ctx, cfg.DB, log)
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func migrate(ctx context.Context, cfg Config, stdout io.Writer) error {
	log, err := newLogger(io.Discard, cfg.LogLevel)
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, cfg.DB, log)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "applied %d migration(s) to the %s database\n", n, db.Dialect())
	return nil
}

// shutdownTimeout is how long in-flight requests get to finish at SIGTERM.
const shutdownTimeout = 10 * time.Second

// serve runs the site until ctx is done, then shuts down gracefully: stop
// accepting, let in-flight requests finish within shutdownTimeout, close the
// store. Logs go to stderr as JSON. When ready is not nil, the listening address is sent on it.
func serve(ctx context.Context, cfg Config, stdout, stderr io.Writer, ready chan<- string) error {
	log, err := newLogger(stderr, cfg.LogLevel)
	if err != nil {
		return err
	}
	db, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	baseURL := cfg.BaseURL
	if baseURL == "" {
		baseURL = "http://" + addr
	}
	sender, err := mail.New(cfg.SMTPURL, cfg.MailFrom, filepath.Join(cfg.Data, "outbox"))
	if err != nil {
		ln.Close()
		return err
	}
	svcCfg := service.DefaultConfig()
	svcCfg.BaseURL = strings.TrimRight(baseURL, "/")
	svcCfg.SQLGraph = cfg.SQLGraph
	svcCfg.AppealsAddress = cfg.AppealsAddress
	if svcCfg.SecretKey, err = readSecretKey(cfg.SecretKeyFile, filepath.Join(cfg.Data, "secret.key")); err != nil {
		ln.Close()
		return err
	}
	g, err := service.BuildGraph(ctx, db, stdout)
	if err != nil {
		ln.Close()
		return err
	}
	ix, err := service.BuildSearch(ctx, db, stdout)
	if err != nil {
		ln.Close()
		return err
	}
	orgs, err := service.BuildOrganizations(ctx, db, stdout)
	if err != nil {
		return err
	}
	timelines, err := service.BuildTimelines(ctx, db, stdout)
	if err != nil {
		ln.Close()
		return err
	}
	svc := service.New(db, service.Indexes{Graph: g, Search: ix, Organizations: orgs, Timelines: timelines}, sender, svcCfg, log)
	srv, err := web.NewServer(svc, db, web.Config{BaseURL: svcCfg.BaseURL, SessionMax: svcCfg.SessionMax, TrustProxy: cfg.TrustProxy,
		NoRateLimits: cfg.NoRateLimits, MaxInFlight: cfg.MaxInFlight,
		QueueWait: cfg.QueueWait}, log)
	if err != nil {
		ln.Close()
		return err
	}
	db.Errors = srv.StoreError
	// Other processes sharing the database change connections, profiles and posts too.
	go svc.FollowChanges(ctx, 250*time.Millisecond)
	// Closed accounts past their 14 days, and archives past their 72 hours.
	go svc.PurgeEvery(ctx, time.Hour)

	httpServer := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	// Live streams never finish by themselves: end them so that shutdown
	// waits only for the requests that do.
	httpServer.RegisterOnShutdown(svc.Notifications.EndStreams)
	log.Info("rapport is serving", "url", baseURL, "db", db.Dialect(), "version", version())
	fmt.Fprintf(stdout, "Rapport is running at %s (press Ctrl+C to stop)\n", baseURL)
	if ready != nil {
		ready <- addr
	}

	errc := make(chan error, 1)
	go func() { errc <- httpServer.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down", "timeout", shutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := httpServer.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// version is the module version the binary was built from, or "devel".
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	v := info.Main.Version
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " " + s.Value[:12]
		}
	}
	if v == "" || v == "(devel)" {
		return "devel"
	}
	return v
}

// readSecretKey reads the site's secret key: 64 hex digits in a file. With
// no file named, the default one is made with a new random key the first
// time (readable by its owner only); every process of a site must use the
// same key.
func readSecretKey(named, def string) ([]byte, error) {
	path := named
	if path == "" {
		path = def
		key := make([]byte, service.SecretKeySize)
		rand.Read(key)
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, fmt.Errorf("secret key: %w", err)
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			_, err = fmt.Fprintf(f, "%x\n", key)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				os.Remove(path)
				return nil, fmt.Errorf("secret key: %w", err)
			}
		} else if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("secret key: %w", err)
		}
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(raw)))
	if err != nil || len(key) != service.SecretKeySize {
		return nil, fmt.Errorf("secret key: %s does not hold %d hex digits", path, 2*service.SecretKeySize)
	}
	return key, nil
}
