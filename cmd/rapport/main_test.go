package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/internal/pgtest"
	"github.com/rapportnet/rapport/internal/storetest"
	"github.com/rapportnet/rapport/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

const strongPassword = "violet-harbour-quietly-87-lanterns"

// lockedBuffer is an io.Writer that a test can read while run writes to it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var urlLine = regexp.MustCompile(`Rapport is running at (http://\S+)`)

// TestServeEndToEnd starts the whole program with run() on port 0, signs up
// and in through the API, and shuts it down as SIGTERM would.
func TestServeEndToEnd(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", dir}, &stdout, &stderr, func(string) string { return "" })
	}()
	base := waitForURL(t, &stdout, done)

	for _, path := range []string{"/healthz", "/readyz", "/api/openapi.json", "/"} {
		if status, body := get(t, base+path); status != 200 {
			t.Fatalf("GET %s = %d %s", path, status, body)
		}
	}
	if status, body := postJSON(t, base+"/api/v1/accounts", map[string]string{
		"email": "ada@example.com", "handle": "ada", "display_name": "Ada", "password": "password123"}); status != 422 || !strings.Contains(body, `"field":"password"`) {
		t.Fatalf("weak password: %d %s", status, body)
	}
	signUp(t, base, "ada")
	token, status, me := signInAndGetMe(t, base, "ada@example.com", strongPassword)
	if status != 200 {
		t.Fatalf("me: %d %s", status, me)
	}
	if _, body := get(t, base+"/metrics"); !strings.Contains(body, `rapport_http_requests_total{route="POST /api/v1/accounts",status="201"} 1`) {
		t.Fatalf("metrics lack the sign-up:\n%s", body)
	}
	if _, err := os.Stat(filepath.Join(dir, "rapport.db")); err != nil {
		t.Fatalf("no SQLite file in the data folder: %v", err)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(15 * time.Second): // a deadline against hanging, not a measurement
		t.Fatal("serve did not stop after its context was cancelled")
	}
	if strings.Contains(stderr.String(), strongPassword) || strings.Contains(stderr.String(), token) {
		t.Fatal("a password or token is in the logs")
	}
}

func TestCommands(t *testing.T) {
	noEnv := func(string) string { return "" }
	t.Run("Version", func(t *testing.T) {
		var out bytes.Buffer
		if err := run(context.Background(), []string{"version"}, &out, io.Discard, noEnv); err != nil || !strings.HasPrefix(out.String(), "rapport ") {
			t.Fatalf("version: %q %v", out.String(), err)
		}
	})
	t.Run("Help", func(t *testing.T) {
		var out bytes.Buffer
		if err := run(context.Background(), []string{"help"}, &out, io.Discard, noEnv); err != nil || !strings.Contains(out.String(), "rapport serve") {
			t.Fatalf("help: %q %v", out.String(), err)
		}
	})
	t.Run("Unknown", func(t *testing.T) {
		if err := run(context.Background(), []string{"frobnicate"}, io.Discard, io.Discard, noEnv); err == nil {
			t.Fatal("unknown command accepted")
		}
	})
	t.Run("MigrateFromEnvironment", func(t *testing.T) {
		dir := t.TempDir()
		env := func(k string) string {
			if k == "RAPPORT_DATA" {
				return dir
			}
			return ""
		}
		var out bytes.Buffer
		if err := run(context.Background(), []string{"migrate"}, &out, io.Discard, env); err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`^applied [1-9][0-9]* migration\(s\) to the sqlite database\n$`).MatchString(out.String()) {
			t.Fatalf("first migrate: %q", out.String())
		}
		out.Reset()
		if err := run(context.Background(), []string{"migrate", "--data", dir}, &out, io.Discard, noEnv); err != nil || !strings.Contains(out.String(), "applied 0 migration") {
			t.Fatalf("second migrate: %q %v", out.String(), err)
		}
	})
	t.Run("FlagOverridesEnvironment", func(t *testing.T) {
		env := func(k string) string {
			if k == "RAPPORT_ADDR" {
				return "127.0.0.1:1"
			}
			return ""
		}
		cfg, err := parseFlags("serve", []string{"--addr", "127.0.0.1:2"}, io.Discard, env)
		if err != nil || cfg.Addr != "127.0.0.1:2" {
			t.Fatalf("cfg = %+v, %v", cfg, err)
		}
		cfg, _ = parseFlags("serve", nil, io.Discard, env)
		if cfg.Addr != "127.0.0.1:1" || cfg.DB != filepath.Join("rapport-data", "rapport.db") {
			t.Fatalf("cfg = %+v", cfg)
		}
		if _, err := parseFlags("serve", []string{"--db", "mysql://x"}, io.Discard, env); err == nil {
			t.Fatal("a mysql URL was accepted")
		}
	})
}

// startBinary starts the built binary on a free port and returns its URL.
func startBinary(t *testing.T, bin string, args []string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), "RAPPORT_LOG_LEVEL=warn")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := urlLine.FindStringSubmatch(sc.Text()); m != nil {
				urls <- m[1]
			}
		}
	}()
	select {
	case u := <-urls:
		return cmd, u
	case <-time.After(30 * time.Second): // a deadline against hanging, not a measurement
		cmd.Process.Kill()
		t.Fatal("the server did not say where it listens")
		return nil, ""
	}
}

func waitForURL(t *testing.T, stdout *lockedBuffer, done <-chan error) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second) // against hanging only
	for time.Now().Before(deadline) {
		if m := urlLine.FindStringSubmatch(stdout.String()); m != nil {
			return m[1]
		}
		select {
		case err := <-done:
			t.Fatalf("run ended before serving: %v", err)
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatal("run did not print its URL")
	return ""
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func tryPostJSON(url string, body any) (int, string, error) {
	b, _ := json.Marshal(body)
	resp, err := http.Post(url, "application/json", bytes.NewReader(b))
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out), err
}

// signInAndGetMe signs in through the API, failing the test when that does
// not answer 201, and returns the token and the answer to GET /api/v1/me
// with it.
func signInAndGetMe(t *testing.T, base, email, password string) (token string, status int, me string) {
	t.Helper()
	status, body := postJSON(t, base+"/api/v1/sessions", map[string]string{"email": email, "password": password})
	if status != 201 {
		t.Fatalf("sign in as %s: %d %s", email, status, body)
	}
	var tok struct{ Token string }
	json.Unmarshal([]byte(body), &tok)
	req, _ := http.NewRequest("GET", base+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+tok.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	read, _ := io.ReadAll(resp.Body)
	return tok.Token, resp.StatusCode, string(read)
}

func postJSON(t *testing.T, url string, body any) (int, string) {
	t.Helper()
	status, out, err := tryPostJSON(url, body)
	if err != nil {
		t.Fatal(err)
	}
	return status, out
}

func signUp(t *testing.T, base, handle string) {
	t.Helper()
	if status, body := postJSON(t, base+"/api/v1/accounts", map[string]string{
		"email": handle + "@example.com", "handle": handle, "display_name": handle, "password": strongPassword}); status != 201 {
		t.Fatalf("sign up %s: %d %s", handle, status, body)
	}
}

// TestGraphCommands imports a small edge list and asks the index about it,
// on SQLite and on PostgreSQL alike.
func TestGraphCommands(t *testing.T) {
	edges := "# a small graph\n1 2\n2 3\n3 4\n4 5\n2 1\n6 6\n1 3\n7 3\n7 2\n8\t9\n"
	file := filepath.Join(t.TempDir(), "g.edges")
	if err := os.WriteFile(file, []byte(edges), 0o644); err != nil {
		t.Fatal(err)
	}
	noEnv := func(string) string { return "" }
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			where := []string{"--data", t.TempDir()}
			if db == "postgres" {
				where = []string{"--db", pgtest.URL(t)}
			}
			cmd := func(args ...string) string {
				t.Helper()
				var out bytes.Buffer
				group := "graph"
				if args[0] == "search" {
					group, args = "search", args[1:]
				}
				args = append(append([]string{group, args[0]}, where...), args[1:]...)
				if err := run(context.Background(), args, &out, io.Discard, noEnv); err != nil {
					t.Fatalf("%v: %v", args, err)
				}
				return strings.TrimSpace(out.String())
			}
			if out := cmd("import", file); !strings.Contains(out, "imported 8 members and 8 connections") || !strings.Contains(out, "skipped 1 duplicates and 1 self-loops") {
				t.Fatalf("import: %s", out)
			}
			for _, tc := range []struct {
				args []string
				want string
			}{
				{[]string{"query", "degree", "u1", "u2"}, `{"degree":1}`},
				{[]string{"query", "degree", "u1", "u4"}, `{"degree":2}`},
				{[]string{"query", "degree", "u1", "u5"}, `{"degree":3}`},
				{[]string{"query", "degree", "u5", "u8"}, `{"degree":null}`},
				{[]string{"query", "mutual", "u1", "u7"}, `{"mutual":2}`},
				{[]string{"query", "second", "u1"}, `{"second_degree":2}`},
				{[]string{"query", "pymk", "u1"}, `{"suggestions":[{"handle":"u7","mutual":2},{"handle":"u4","mutual":1}]}`},
				{[]string{"query", "path", "u1", "u5"}, `{"path":["u1","u3","u4","u5"]}`},
			} {
				if got := cmd(tc.args...); got != tc.want {
					t.Errorf("graph %v = %s, want %s", tc.args, got, tc.want)
				}
			}
			if out := cmd("stats"); !strings.Contains(out, `"connections":8`) || !strings.Contains(out, `"members":8`) {
				t.Fatalf("stats: %s", out)
			}
			// The search index sees the same members, and orders a search
			// by the same graph: connections, second degree by mutual
			// connections, third degree, the rest.
			if out := cmd("search", "reindex"); !strings.Contains(out, `"members":8`) {
				t.Fatalf("search reindex: %s", out)
			}
			want := `{"results":[{"handle":"u2","name":"u2","degree":1,"mutual":1},{"handle":"u3","name":"u3","degree":1,"mutual":1},` +
				`{"handle":"u7","name":"u7","degree":2,"mutual":2},{"handle":"u4","name":"u4","degree":2,"mutual":1},` +
				`{"handle":"u5","name":"u5","degree":3,"mutual":0},{"handle":"u8","name":"u8","degree":null,"mutual":0},` +
				`{"handle":"u9","name":"u9","degree":null,"mutual":0}],"total":7}`
			if out := cmd("search", "query", "--as", "u1", "u"); out != want {
				t.Errorf("search query as u1:\n got %s\nwant %s", out, want)
			}
			if out := cmd("search", "query", "--as", "u1", "--degree", "2", "u"); !strings.Contains(out, `"total":2`) {
				t.Errorf("search query --degree 2: %s", out)
			}
			// An operator gives an imported member an address, once.
			admin := func(args ...string) error {
				return run(context.Background(), append(append([]string{"admin", "set-email"}, where...), args...), io.Discard, io.Discard, noEnv)
			}
			if err := admin("u1", "one@example.com"); err != nil {
				t.Fatalf("set-email: %v", err)
			}
			if err := admin("u1", "other@example.com"); err == nil || !strings.Contains(err.Error(), "only they can change it") {
				t.Fatalf("set-email on a member with an address: %v", err)
			}
			if err := admin("u2", "one@example.com"); err == nil {
				t.Fatal("set-email gave one address to two members")
			}
			if err := admin("nobody", "x@example.com"); err == nil {
				t.Fatal("set-email on a missing member")
			}
			// Importing again changes nothing.
			cmd("import", file)
			if out := cmd("stats"); !strings.Contains(out, `"connections":8`) {
				t.Fatalf("stats after a second import: %s", out)
			}
		})
	}
}

// TestGraphGenerate writes a generated graph and imports it: the file is an
// edge list the import reads back whole, the same for the same seed.
func TestGraphGenerate(t *testing.T) {
	dir := t.TempDir()
	noEnv := func(string) string { return "" }
	gen := func(name string, seed string) []byte {
		t.Helper()
		file := filepath.Join(dir, name)
		var out bytes.Buffer
		if err := run(context.Background(), []string{"graph", "generate", "--members", "300", "--connections", "2000", "--seed", seed, file}, &out, io.Discard, noEnv); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "wrote 2000 connections among 300 members") {
			t.Fatalf("generate: %s", out.String())
		}
		body, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		return body
	}
	first, again, other := gen("a.edges", "1"), gen("b.edges", "1"), gen("c.edges", "2")
	if !bytes.Equal(first, again) || bytes.Equal(first, other) {
		t.Fatal("the same seed must give the same file, and another seed another")
	}
	var out bytes.Buffer
	err := run(context.Background(), []string{"graph", "import", "--data", dir, filepath.Join(dir, "a.edges")}, &out, io.Discard, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	// The generator may draw a pair twice; the import counts it once.
	var members, connections, duplicates int
	m := regexp.MustCompile(`imported (\d+) members and (\d+) connections .* skipped (\d+) duplicates`).FindStringSubmatch(out.String())
	if m != nil {
		members, _ = strconv.Atoi(m[1])
		connections, _ = strconv.Atoi(m[2])
		duplicates, _ = strconv.Atoi(m[3])
	}
	if members != 300 || connections+duplicates != 2000 || connections < 1500 {
		t.Fatalf("import of a generated graph: %v %s", err, out.String())
	}
	if err := run(context.Background(), []string{"graph", "generate", "--members", "1", filepath.Join(dir, "d.edges")}, io.Discard, io.Discard, noEnv); err == nil {
		t.Fatal("a graph of one member was generated")
	}
}

// TestAdminSeatsGrant grants an organization seats from the command line,
// refuses bad grants without writing anything, and finds each operator
// action in the audit log.
func TestAdminSeatsGrant(t *testing.T) {
	dir := t.TempDir()
	noEnv := func(string) string { return "" }
	ctx := context.Background()
	db := openSiteStore(t, dir)
	founder := &rapport.Member{Handle: "founder", Email: "founder@example.com", DisplayName: "Founder"}
	imported := &rapport.Member{Handle: "imported", DisplayName: "Imported"}
	for _, m := range []*rapport.Member{founder, imported} {
		if err := db.CreateMember(ctx, m, "no password", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	org := &rapport.Organization{Slug: "acme", Name: "Acme"}
	if err := db.CreateOrganization(ctx, org, founder.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	admin := func(args ...string) error {
		return run(ctx, append(append([]string{"admin"}, args...), "--data", dir), io.Discard, io.Discard, noEnv)
	}
	for _, bad := range [][]string{
		{"seats", "grant", "--org", "acme", "--product", "sales", "--count", "3"},
		{"seats", "grant", "--org", "acme", "--product", "recruiter", "--count", "0"},
		{"seats", "grant", "--org", "nowhere", "--product", "recruiter", "--count", "3"},
		{"seats", "grant", "--product", "recruiter", "--count", "3"},
	} {
		if err := admin(bad...); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
	if err := admin("seats", "grant", "--org", "acme", "--product", "recruiter", "--count", "3"); err != nil {
		t.Fatal(err)
	}
	seats, err := db.FindSeats(ctx, org.ID)
	if err != nil || len(seats) != 3 {
		t.Fatalf("%d seats (%v), want 3", len(seats), err)
	}
	audit, err := db.FindAudit(ctx, org.ID, 0, 10)
	if err != nil || len(audit) != 2 || audit[0].Action != rapport.AuditSeatsGranted || audit[0].ActorID != 0 || audit[0].Detail != "3 recruiter" {
		t.Fatalf("the organization's audit log after the grant: %+v (%v)", audit, err)
	}

	setEmail := func(args ...string) error {
		return run(ctx, append([]string{"admin", "set-email", "--data", dir}, args...), io.Discard, io.Discard, noEnv)
	}
	if err := setEmail("founder", "taken@example.com"); err == nil {
		t.Error("set-email on a member with an address")
	}
	if err := setEmail("imported", "imported@example.com"); err != nil {
		t.Fatal(err)
	}
	audit, err = db.FindAudit(ctx, 0, imported.ID, 10)
	if err != nil || len(audit) != 1 || audit[0].Action != rapport.AuditEmailSet || audit[0].ActorID != 0 {
		t.Fatalf("the imported member's audit entries: %+v (%v)", audit, err)
	}
	if a, _ := db.FindAudit(ctx, 0, founder.ID, 10); len(a) != 1 || a[0].Action != rapport.AuditOrgCreated {
		t.Errorf("the refused set-email left an entry: %+v", a)
	}
}

// TestAdminOperatorsAndReports names an operator and lists and shows
// reports at the command line.
func TestAdminOperatorsAndReports(t *testing.T) {
	dir := t.TempDir()
	noEnv := func(string) string { return "" }
	ctx := context.Background()
	db := openSiteStore(t, dir)
	ada := &rapport.Member{Handle: "ada", Email: "ada@example.com", DisplayName: "Ada"}
	bob := &rapport.Member{Handle: "bob", Email: "bob@example.com", DisplayName: "Bob"}
	for _, m := range []*rapport.Member{ada, bob} {
		if err := db.CreateMember(ctx, m, "no password", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	admin := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(ctx, append([]string{"admin"}, args...), &out, io.Discard, noEnv)
		return out.String(), err
	}
	for _, bad := range [][]string{
		{"operators", "add", "--data", dir},
		{"operators", "add", "nobody@example.com", "--data", dir},
		{"operators", "promote", "ada@example.com", "--data", dir},
		{"reports", "--status", "maybe", "--data", dir},
		{"reports", "show", "seven", "--data", dir},
		{"reports", "show", "7", "--data", dir},
	} {
		if out, err := admin(bad...); err == nil {
			t.Errorf("%v: no error (%s)", bad, out)
		}
	}
	if out, err := admin("operators", "add", "ada@example.com", "--data", dir); err != nil || !strings.Contains(out, "@ada") {
		t.Fatalf("add: %q %v", out, err)
	}
	if _, err := admin("operators", "add", "--data", dir, "ada@example.com"); err == nil {
		t.Error("naming an operator twice")
	}
	if ok, err := db.IsOperator(ctx, ada.ID); err != nil || !ok {
		t.Fatalf("ada is not an operator: %v", err)
	}
	if out, err := admin("operators", "list", "--data", dir); err != nil || !strings.Contains(out, "@ada") || !strings.Contains(out, "1 operators") {
		t.Errorf("list: %q %v", out, err)
	}
	post := &rapport.Post{AuthorID: bob.ID, Kind: rapport.PostKindPost, Audience: rapport.AudiencePublic, Body: "Cheap watches"}
	if err := db.CreatePost(ctx, post, time.Now()); err != nil {
		t.Fatal(err)
	}
	r := &rapport.Report{ReporterID: ada.ID, MemberID: bob.ID, Subject: rapport.SubjectPost, SubjectID: post.ID, Reason: "spam", Excerpt: post.Body}
	if _, err := db.CreateReport(ctx, r, time.Now()); err != nil {
		t.Fatal(err)
	}
	out, err := admin("reports", "--data", dir)
	if err != nil || !strings.Contains(out, "@bob") || !strings.Contains(out, "spam") || !strings.Contains(out, "1 reports") {
		t.Errorf("reports: %q %v", out, err)
	}
	if out, err := admin("reports", "--status", "hidden", "--data", dir); err != nil || !strings.Contains(out, "0 reports") {
		t.Errorf("hidden reports: %q %v", out, err)
	}
	out, err = admin("reports", "show", strconv.FormatInt(r.ID, 10), "--data", dir)
	if err != nil || !strings.Contains(out, "Cheap watches") || !strings.Contains(out, "reported by @ada") {
		t.Errorf("show: %q %v", out, err)
	}
	if out, err := admin("operators", "remove", "ada@example.com", "--data", dir); err != nil || !strings.Contains(out, "no longer") {
		t.Errorf("remove: %q %v", out, err)
	}
	audit, err := db.FindOperatorAudit(ctx, 10)
	if err != nil || len(audit) != 2 || audit[0].Action != rapport.AuditOperatorRemoved || audit[1].Action != rapport.AuditOperatorAdded || audit[1].ActorID != 0 {
		t.Errorf("audit: %+v %v", audit, err)
	}
}

// TestReadSecretKey makes the default key once, readable by its owner
// only, reads it again the same, and refuses a named file that is missing
// or does not hold a key.
func TestReadSecretKey(t *testing.T) {
	dir := t.TempDir()
	def := filepath.Join(dir, "data", "secret.key")
	first, err := readSecretKey("", def)
	if err != nil || len(first) != 32 {
		t.Fatalf("first: %x %v", first, err)
	}
	if info, err := os.Stat(def); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("the key file: %v %v", info, err)
	}
	again, err := readSecretKey("", def)
	if err != nil || !bytes.Equal(first, again) {
		t.Fatalf("again: %x %v, first %x", again, err, first)
	}
	if named, err := readSecretKey(def, filepath.Join(dir, "other.key")); err != nil || !bytes.Equal(named, first) {
		t.Fatalf("named: %x %v", named, err)
	}
	bad := filepath.Join(dir, "bad.key")
	os.WriteFile(bad, []byte("not a key\n"), 0o600)
	for _, named := range []string{bad, filepath.Join(dir, "missing.key")} {
		if _, err := readSecretKey(named, def); err == nil {
			t.Errorf("%s: no error", named)
		}
	}
}

// openSiteStore opens and migrates the SQLite store of a site in dir, as
// the commands find it; it is closed when the test ends.
func openSiteStore(t *testing.T, dir string) *store.DB {
	return storetest.Open(t, filepath.Join(dir, "rapport.db"))
}
