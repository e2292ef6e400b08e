// Package pgtest provides throwaway PostgreSQL databases for tests.
//
// A test binary that uses it must call Main from its TestMain:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
// Each call to URL returns the URL of a new, empty database. The databases
// live on a private server that is started the first time URL is called and
// stopped (and its files removed) by Main when the tests are done. The server
// listens only on a unix socket in its own temporary folder, so several test
// binaries can run side by side.
//
// Environment:
//
//   - RAPPORT_TEST_POSTGRES_URL: use this existing server instead of starting
//     one, e.g. postgres://postgres:secret@localhost:5432/postgres. The user
//     must be allowed to create databases; the databases are dropped again
//     when each test ends.
//   - RAPPORT_REQUIRE_POSTGRES=1: fail, rather than skip, tests that need
//     PostgreSQL when no server can be found or started (CI sets this).
//
// Without RAPPORT_TEST_POSTGRES_URL the initdb and pg_ctl programs are looked
// up in PATH and then in /usr/lib/postgresql/*/bin (Debian's layout). Since
// initdb and pg_ctl refuse to run as root, when the tests run as root the
// server is run as the "postgres" user instead.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

const (
	envURL     = "RAPPORT_TEST_POSTGRES_URL"
	envRequire = "RAPPORT_REQUIRE_POSTGRES"

	// dirPrefix names the temporary folders of local servers; stale ones
	// left behind by killed test binaries are cleaned up by later runs.
	dirPrefix = "rapport-pgtest-"
	ownerFile = "owner.pid"
	port      = 5432
)

var (
	mainCalled atomic.Bool

	once   sync.Once
	srv    *server
	srvErr error
)

// Main runs the tests and then stops the server started by URL, if any, and
// removes its files. Call it from TestMain; it does not return.
func Main(m *testing.M) {
	mainCalled.Store(true)
	code := m.Run()
	if srv != nil {
		if err := srv.close(); err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
		}
	}
	os.Exit(code)
}

// URL returns a postgres:// URL of a new, empty database, for use with
// sql.Open("pgx", url). Every call creates a different database.
//
// When no PostgreSQL server is available the test is skipped, or fails if
// RAPPORT_REQUIRE_POSTGRES=1.
func URL(tb testing.TB) string {
	tb.Helper()
	if !mainCalled.Load() {
		tb.Fatalf("pgtest: the package's TestMain must call pgtest.Main")
	}
	once.Do(func() { srv, srvErr = start() })
	if srvErr != nil {
		if os.Getenv(envRequire) == "1" {
			tb.Fatalf("pgtest: PostgreSQL is required (%s=1) but not available: %v", envRequire, srvErr)
		}
		tb.Skipf("pgtest: skipping, PostgreSQL not available: %v\n"+
			"To run this test, install PostgreSQL (on Debian: apt-get install postgresql) "+
			"or set %s to the URL of a server where the user may create databases.", srvErr, envURL)
	}

	name := dbName(tb.Name())
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := srv.admin.ExecContext(ctx, "CREATE DATABASE "+quoteIdent(name)); err != nil {
		tb.Fatalf("pgtest: create database %s: %v%s", name, err, srv.logTail())
	}
	if srv.external {
		// A shared server should not fill up with test databases. A local
		// server is thrown away as a whole, so there is no need there.
		tb.Cleanup(func() { srv.drop(tb, name) })
	}

	u := *srv.baseURL
	u.Path = "/" + name
	u.RawPath = ""
	return u.String()
}

type server struct {
	admin    *sql.DB  // connection to the server's maintenance database
	baseURL  *url.URL // URL of that database; per-test URLs change the path
	external bool     // from RAPPORT_TEST_POSTGRES_URL

	// For a local server only.
	dir     string // temporary folder: socket, log and data folder
	dataDir string
	logPath string
	pgCtl   string
	cred    *syscall.Credential // user to run as, nil for the current one
}

func start() (*server, error) {
	if raw := os.Getenv(envURL); raw != "" {
		return connectExternal(raw)
	}
	return startLocal()
}

func connectExternal(raw string) (*server, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return nil, fmt.Errorf("%s must be a postgres:// URL", envURL)
	}
	s := &server{baseURL: u, external: true}
	if err := s.connect(10 * time.Second); err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", envURL, err)
	}
	return s, nil
}

func startLocal() (_ *server, err error) {
	initdb, pgCtl, err := findBinaries()
	if err != nil {
		return nil, err
	}
	s := &server{pgCtl: pgCtl}
	if os.Geteuid() == 0 {
		if s.cred, err = postgresUser(); err != nil {
			return nil, err
		}
	}
	base, err := tempBase(s.cred)
	if err != nil {
		return nil, err
	}
	reapStale(base, pgCtl, s.cred)

	if s.dir, err = os.MkdirTemp(base, dirPrefix); err != nil {
		return nil, err
	}
	started := false
	defer func() {
		if err == nil {
			return
		}
		if started {
			s.stop()
		}
		os.RemoveAll(s.dir)
	}()
	s.dataDir = filepath.Join(s.dir, "data")
	s.logPath = filepath.Join(s.dir, "postgres.log")
	if err := os.WriteFile(filepath.Join(s.dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		return nil, err
	}
	if s.cred != nil {
		if err := os.Chown(s.dir, int(s.cred.Uid), int(s.cred.Gid)); err != nil {
			return nil, err
		}
	}

	// C.UTF-8 gives proper upper/lower for non-ASCII text; fall back to
	// plain C where that locale does not exist.
	initArgs := []string{"-D", s.dataDir, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"}
	out, err := s.run(initdb, append(initArgs, "--locale=C.UTF-8")...)
	if err != nil {
		os.RemoveAll(s.dataDir)
		var out2 []byte
		if out2, err = s.run(initdb, append(initArgs, "--locale=C")...); err != nil {
			return nil, fmt.Errorf("initdb failed: %v\n%s%s", err, out, out2)
		}
	}

	// pg_ctl passes -o through a shell, hence the quoting.
	opts := strings.Join([]string{
		"-p", strconv.Itoa(port),
		"-c", "listen_addresses=''",
		"-c", "unix_socket_directories=" + shellQuote(s.dir),
		"-c", "fsync=off",
		"-c", "full_page_writes=off",
		"-c", "synchronous_commit=off",
	}, " ")
	started = true
	if out, err := s.run(pgCtl, "start", "-D", s.dataDir, "-l", s.logPath, "-w", "-t", "60", "-o", opts); err != nil {
		return nil, fmt.Errorf("pg_ctl start failed: %v\n%s%s", err, out, s.logTail())
	}

	s.baseURL = &url.URL{
		Scheme:   "postgres",
		User:     url.User("postgres"),
		Path:     "/postgres",
		RawQuery: url.Values{"host": {s.dir}, "port": {strconv.Itoa(port)}, "sslmode": {"disable"}}.Encode(),
	}
	if err := s.connect(30 * time.Second); err != nil {
		return nil, fmt.Errorf("connecting to the server: %w%s", err, s.logTail())
	}
	return s, nil
}

// connect opens s.admin and waits until the server accepts connections.
func (s *server) connect(timeout time.Duration) error {
	db, err := sql.Open("pgx", s.baseURL.String())
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for {
		err = db.PingContext(ctx)
		if err == nil {
			s.admin = db
			return nil
		}
		select {
		case <-ctx.Done():
			db.Close()
			return err
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (s *server) drop(tb testing.TB, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// WITH (FORCE) needs PostgreSQL 13; it ends connections the test left open.
	_, err := s.admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+quoteIdent(name)+" WITH (FORCE)")
	if err != nil {
		_, err = s.admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+quoteIdent(name))
	}
	if err != nil {
		tb.Logf("pgtest: drop database %s: %v", name, err)
	}
}

func (s *server) close() error {
	if s.admin != nil {
		s.admin.Close()
	}
	if s.external {
		return nil
	}
	err := s.stop()
	if rmErr := os.RemoveAll(s.dir); err == nil {
		err = rmErr
	}
	return err
}

func (s *server) stop() error {
	if out, err := s.run(s.pgCtl, "stop", "-D", s.dataDir, "-m", "immediate", "-w"); err != nil {
		return fmt.Errorf("pg_ctl stop failed: %v\n%s", err, out)
	}
	return nil
}

// run runs a PostgreSQL program as the server's user, in the server's folder.
func (s *server) run(name string, args ...string) ([]byte, error) {
	return runAs(s.cred, s.dir, name, args...)
}

func runAs(cred *syscall.Credential, dir, name string, args ...string) ([]byte, error) {
	cmd := exec.Command(name, args...)
	// Run in a folder the server's user can enter, and keep the caller's
	// PG* variables (PGDATA, PGPORT, ...) away from the programs.
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PG") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	if cred != nil {
		cmd.Env = append(cmd.Env, "HOME="+dir)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	return cmd.CombinedOutput()
}

// logTail returns the end of the server log, formatted to be appended to an
// error message, or "" if there is no log.
func (s *server) logTail() string {
	if s.logPath == "" {
		return ""
	}
	data, err := os.ReadFile(s.logPath)
	if err != nil || len(data) == 0 {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > 30 {
		lines = lines[len(lines)-30:]
	}
	return "\nserver log (" + s.logPath + "), last lines:\n" + strings.Join(lines, "\n")
}

// findBinaries looks for initdb and pg_ctl in PATH, then in the newest
// /usr/lib/postgresql/*/bin.
func findBinaries() (initdb, pgCtl string, err error) {
	if initdb, err = exec.LookPath("initdb"); err == nil {
		// Prefer the pg_ctl that sits next to this initdb.
		if p := filepath.Join(filepath.Dir(initdb), "pg_ctl"); isExecutable(p) {
			return initdb, p, nil
		}
		if pgCtl, err = exec.LookPath("pg_ctl"); err == nil {
			return initdb, pgCtl, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int {
		return compareVersions(filepath.Base(filepath.Dir(a)), filepath.Base(filepath.Dir(b)))
	})
	for _, dir := range slices.Backward(dirs) {
		initdb, pgCtl = filepath.Join(dir, "initdb"), filepath.Join(dir, "pg_ctl")
		if isExecutable(initdb) && isExecutable(pgCtl) {
			return initdb, pgCtl, nil
		}
	}
	return "", "", errors.New("initdb and pg_ctl not found in PATH or /usr/lib/postgresql/*/bin")
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// compareVersions compares dotted version numbers such as "9.6" and "15".
func compareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) || i < len(bs); i++ {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			return x - y
		}
	}
	return strings.Compare(a, b)
}

// postgresUser returns the credentials of the "postgres" user, which runs the
// server when the tests run as root.
func postgresUser() (*syscall.Credential, error) {
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root, and initdb refuses to run as root; "+
			"the server would run as user \"postgres\", but looking it up failed: %w", err)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("user postgres has non-numeric uid/gid %q/%q", u.Uid, u.Gid)
	}
	if uid == 0 {
		return nil, errors.New("running as root, and user \"postgres\" has uid 0 too")
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// tempBase picks the folder to create the server's temporary folder in. The
// socket path must stay short (unix sockets allow about 100 bytes), must
// survive pg_ctl's shell and PostgreSQL's list syntax unquoted, and when the
// server runs as another user that user must be able to reach it.
func tempBase(cred *syscall.Credential) (string, error) {
	var reasons []string
	for _, base := range []string{os.TempDir(), "/tmp"} {
		sock := filepath.Join(base, dirPrefix+"0123456789", ".s.PGSQL."+strconv.Itoa(port))
		switch {
		case len(sock) > 100:
			reasons = append(reasons, base+": path too long for a unix socket")
		case strings.ContainsFunc(base, func(r rune) bool {
			return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("/._-", r))
		}):
			reasons = append(reasons, base+": unusual characters in path")
		default:
			if err := reachable(base, cred); err != nil {
				reasons = append(reasons, err.Error())
				continue
			}
			return base, nil
		}
	}
	return "", fmt.Errorf("no usable temporary folder: %s", strings.Join(reasons, "; "))
}

// reachable reports whether dir exists and, if cred is not nil, whether that
// user may search every folder on the way to it.
func reachable(dir string, cred *syscall.Credential) error {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	for p := dir; ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil {
			return err
		}
		if !fi.IsDir() {
			return fmt.Errorf("%s: not a folder", p)
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && cred != nil {
			perm := fi.Mode().Perm()
			var x os.FileMode = 0o001
			if st.Uid == cred.Uid {
				x = 0o100
			} else if st.Gid == cred.Gid {
				x = 0o010
			}
			if perm&x == 0 {
				return fmt.Errorf("%s: not searchable by uid %d (mode %v)", p, cred.Uid, perm)
			}
		}
		if p == filepath.Dir(p) {
			return nil
		}
	}
}

// reapStale stops servers and removes folders left behind by test binaries
// that died before Main could clean up (a test timeout, or an interrupt:
// pg_ctl detaches the server, so it outlives the test binary).
func reapStale(base, pgCtl string, cred *syscall.Credential) {
	dirs, _ := filepath.Glob(filepath.Join(base, dirPrefix+"*"))
	for _, dir := range dirs {
		data, err := os.ReadFile(filepath.Join(dir, ownerFile))
		if err != nil {
			continue // not ours, or still being set up
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
		if err != nil || pid <= 0 || !errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) {
			continue // owner still running (or unknown)
		}
		dataDir := filepath.Join(dir, "data")
		if _, err := os.Stat(filepath.Join(dataDir, "postmaster.pid")); err == nil {
			if _, err := runAs(cred, dir, pgCtl, "stop", "-D", dataDir, "-m", "immediate", "-w"); err != nil {
				continue
			}
		}
		os.RemoveAll(dir)
	}
}

// dbName returns a new database name, based on the test name for easier
// debugging and made unique with random digits.
func dbName(testName string) string {
	var b strings.Builder
	b.WriteString("t_")
	for _, r := range strings.ToLower(testName) {
		if b.Len() >= 40 {
			break
		}
		if 'a' <= r && r <= 'z' || '0' <= r && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	var rnd [6]byte
	rand.Read(rnd[:])
	fmt.Fprintf(&b, "_%x", rnd)
	return b.String()
}

func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
