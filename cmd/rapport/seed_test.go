package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/internal/pgtest"
	"github.com/rapportnet/rapport/service"
)

var (
	seededLine   = regexp.MustCompile(`seeded (\d+) members and (\d+) connections`)
	passwordLine = regexp.MustCompile(`signs in with the password (\S+)`)
	exampleLine  = regexp.MustCompile(`for example (\S+@example\.com)`)
	indexLine    = regexp.MustCompile(`graph index: (\d+) members, (\d+) connections`)
)

// seedResult is what rapport seed printed.
type seedResult struct {
	members, connections int
	password, email      string
}

// mustSeed runs rapport seed with args and reads what it printed.
func mustSeed(t *testing.T, args ...string) seedResult {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), append([]string{"seed"}, args...), &stdout, &stderr, func(string) string { return "" }); err != nil {
		t.Fatalf("seed %v: %v\n%s", args, err, stderr.String())
	}
	out := stdout.String()
	seeded, pw, example := seededLine.FindStringSubmatch(out), passwordLine.FindStringSubmatch(out), exampleLine.FindStringSubmatch(out)
	if seeded == nil || pw == nil || example == nil {
		t.Fatalf("seed %v printed no summary, password or example member:\n%s", args, out)
	}
	if n := strings.Count(out, pw[1]); n != 1 {
		t.Fatalf("the password is printed %d times, want once:\n%s", n, out)
	}
	if strings.Contains(stderr.String(), pw[1]) {
		t.Fatal("the password is in the progress output")
	}
	r := seedResult{password: pw[1], email: example[1]}
	r.members, _ = strconv.Atoi(seeded[1])
	r.connections, _ = strconv.Atoi(seeded[2])
	return r
}

// TestSeedThenSignIn seeds a small site with a generated graph, serves it,
// and signs in as a demo member with the printed password, on SQLite and
// on PostgreSQL alike.
func TestSeedThenSignIn(t *testing.T) {
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			where := []string{"--data", t.TempDir()}
			if db == "postgres" {
				where = append(where, "--db", pgtest.URL(t))
			}
			seeded := mustSeed(t, append([]string{"--members", "300", "--seed", "5"}, where...)...)
			if seeded.members != 300 || seeded.connections < 2000 || seeded.connections > 6000 {
				t.Fatalf("seeded %d members and %d connections, want 300 and about 6,000 less the pairs drawn twice", seeded.members, seeded.connections)
			}

			ctx, cancel := context.WithCancel(context.Background())
			var stdout lockedBuffer
			done := make(chan error, 1)
			go func() {
				done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--log-level", "warn"}, where...), &stdout, io.Discard, func(string) string { return "" })
			}()
			defer func() {
				cancel()
				if err := <-done; err != nil {
					t.Errorf("serve: %v", err)
				}
			}()
			base := waitForURL(t, &stdout, done)
			if m := indexLine.FindStringSubmatch(stdout.String()); m == nil || m[1] != "300" || m[2] != strconv.Itoa(seeded.connections) {
				t.Fatalf("the graph index does not hold the %d connections seeded: %q", seeded.connections, stdout.String())
			}

			t.Run("WrongPassword", func(t *testing.T) {
				if status, body := postJSON(t, base+"/api/v1/sessions", map[string]string{"email": seeded.email, "password": seeded.password + "x"}); status != 401 {
					t.Fatalf("sign in with a wrong password: %d %s", status, body)
				}
			})
			t.Run("DemoPassword", func(t *testing.T) {
				_, status, me := signInAndGetMe(t, base, seeded.email, seeded.password)
				if status != 200 || !strings.Contains(me, seeded.email) || !strings.Contains(me, `"positions":[{`) {
					t.Fatalf("me: %d %s", status, me)
				}
			})
		})
	}
}

// TestSeedTwice seeds a site that has members already: the second seed adds
// as many again, with handles of their own, and a password of its own.
func TestSeedTwice(t *testing.T) {
	dir := t.TempDir()
	first := mustSeed(t, "--members", "200", "--data", dir)
	second := mustSeed(t, "--members", "200", "--data", dir)
	if second.members != 200 || second.email == first.email || second.password == first.password {
		t.Fatalf("seeding again made %d members, example %s (first %s); want 200 others with another password",
			second.members, second.email, first.email)
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"graph", "stats", "--data", dir}, &out, io.Discard, func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	if want := `"members":400`; !strings.Contains(out.String(), want) {
		t.Fatalf("stats after two seeds: %s, want %s", out.String(), want)
	}
}

// TestSeedEdgeList seeds a site connected as the SNAP ego-Facebook graph,
// and signs in as a demo member through the service.
func TestSeedEdgeList(t *testing.T) {
	file := filepath.Join("..", "..", "..", "shared", "data", "ego-facebook.edges")
	if _, err := os.Stat(file); err != nil {
		t.Skipf("real graph not available: %v", err)
	}
	dir := t.TempDir()
	seeded := mustSeed(t, "--graph", file, "--data", dir)
	if seeded.members != 4039 || seeded.connections != 88234 {
		t.Fatalf("seeded %d members and %d connections, want the graph's 4,039 and 88,234", seeded.members, seeded.connections)
	}
	ctx := context.Background()
	db := openSiteStore(t, dir)
	svc := service.New(db, service.Indexes{}, nil, service.DefaultConfig(), nil)
	token, sess, err := svc.Accounts.LogIn(ctx, service.LogIn{Email: seeded.email, Password: seeded.password})
	if err != nil {
		t.Fatalf("sign in as %s: %v", seeded.email, err)
	}
	caller, err := svc.Accounts.Authenticate(ctx, token)
	if err != nil || caller.MemberID != sess.MemberID {
		t.Fatalf("the new session stands for %+v (%v), want member %d", caller, err, sess.MemberID)
	}
	me, err := svc.Profiles.Me(rapport.NewContextWithCaller(ctx, caller))
	if err != nil || me.Email != seeded.email || len(me.Profile.Positions) == 0 || len(me.Profile.Skills) < 3 {
		t.Fatalf("me = %+v, %v", me, err)
	}
}

func TestSeedFlags(t *testing.T) {
	dir := t.TempDir()
	edges := filepath.Join(dir, "g.edges")
	if err := os.WriteFile(edges, []byte("1 2\n2 3\n3 4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"NoMembers", []string{}, "--members"},
		{"GraphAndConnections", []string{"--graph", edges, "--connections", "10"}, "not both"},
		{"FewerMembersThanTheGraph", []string{"--graph", edges, "--members", "3"}, "edge list has 4 members"},
		{"MissingGraph", []string{"--graph", filepath.Join(dir, "none.edges")}, "no such file"},
		{"Argument", []string{"--members", "3", "extra"}, "unexpected argument"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := run(context.Background(), append([]string{"seed", "--data", dir}, tc.args...), io.Discard, io.Discard, func(string) string { return "" })
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("seed %v: %v, want an error saying %q", tc.args, err, tc.want)
			}
		})
	}
}
