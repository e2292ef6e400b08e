package service_test

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/graph"
	"github.com/rapportnet/rapport/internal/storetest"
	"github.com/rapportnet/rapport/mail"
	"github.com/rapportnet/rapport/password"
	"github.com/rapportnet/rapport/service"
	"github.com/rapportnet/rapport/store"
)

const pw = "violet-harbour-quietly-87-lanterns"

// MustOpenServices wires the services over a real SQLite file.
func MustOpenServices(tb testing.TB) (*service.Services, *store.DB) {
	tb.Helper()
	dir := tb.TempDir()
	db := storetest.Open(tb, filepath.Join(dir, "rapport.db"))
	sender, _ := mail.New("", "Rapport <no-reply@localhost>", filepath.Join(dir, "outbox"))
	return service.New(db, service.Indexes{}, sender, service.DefaultConfig(), nil), db
}

func signedIn(t *testing.T, svc *service.Services, handle string) context.Context {
	t.Helper()
	ctx := context.Background()
	if _, err := svc.Accounts.SignUp(ctx, service.SignUp{Email: handle + "@example.com", Handle: handle, DisplayName: handle, Password: pw}); err != nil {
		t.Fatal(err)
	}
	token, _, err := svc.Accounts.LogIn(ctx, service.LogIn{Email: handle + "@example.com", Password: pw})
	if err != nil {
		t.Fatal(err)
	}
	c, err := svc.Accounts.Authenticate(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	return rapport.NewContextWithCaller(ctx, c)
}

func TestRehashAtLogIn(t *testing.T) {
	svc, db := MustOpenServices(t)
	ctx := signedIn(t, svc, "ada")
	id := rapport.CallerFromContext(ctx).MemberID
	weak, err := password.Hash(pw, password.Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.UpdatePasswordHash(ctx, id, weak, false, 0); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.Accounts.LogIn(context.Background(), service.LogIn{Email: "ada@example.com", Password: pw}); err != nil {
		t.Fatal(err)
	}
	hash, _ := db.FindPasswordHash(ctx, id)
	if hash == weak || !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash after log-in = %q, want one with the default parameters", hash)
	}
}

func TestSessionAbsoluteExpiry(t *testing.T) {
	svc, _ := MustOpenServices(t)
	signedIn(t, svc, "ada")
	start := time.Now()
	clock := start
	svc.SetClock(func() time.Time { return clock })
	token, _, err := svc.Accounts.LogIn(context.Background(), service.LogIn{Email: "ada@example.com", Password: pw})
	if err != nil {
		t.Fatal(err)
	}
	// Used every 20 days, the session never goes idle, but ends after a year.
	for clock = start; clock.Before(start.Add(360 * 24 * time.Hour)); clock = clock.Add(20 * 24 * time.Hour) {
		if _, err := svc.Accounts.Authenticate(context.Background(), token); err != nil {
			t.Fatalf("day %d: %v", int(clock.Sub(start).Hours()/24), err)
		}
	}
	clock = start.Add(366 * 24 * time.Hour)
	if _, err := svc.Accounts.Authenticate(context.Background(), token); rapport.ErrorCode(err) != rapport.EUNAUTHORIZED {
		t.Fatalf("after a year: %v", err)
	}
}

func TestProfilesActOnTheCallerOnly(t *testing.T) {
	svc, _ := MustOpenServices(t)
	ada, bob := signedIn(t, svc, "ada"), signedIn(t, svc, "bob")
	p, err := svc.Profiles.AddPosition(ada, rapport.Position{Title: "Engineer", OrganizationName: "Acme", Start: rapport.Month{Year: 2020, Month: 1}})
	if err != nil {
		t.Fatal(err)
	}
	// Even a position struct naming ada as its member is bob's when bob adds it.
	q, err := svc.Profiles.AddPosition(bob, rapport.Position{MemberID: rapport.CallerFromContext(ada).MemberID, Title: "X", OrganizationName: "Y", Start: rapport.Month{Year: 2020, Month: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if q.MemberID != rapport.CallerFromContext(bob).MemberID {
		t.Fatalf("bob added a position to member %d", q.MemberID)
	}
	if _, err := svc.Profiles.UpdatePosition(bob, p.ID, rapport.Position{Title: "Hacked", OrganizationName: "Evil", Start: rapport.Month{Year: 2020, Month: 1}}); rapport.ErrorCode(err) != rapport.ENOTFOUND {
		t.Fatalf("bob updates ada's position: %v", err)
	}
	m, _, err := svc.Profiles.Profile(bob, "ada")
	if err != nil {
		t.Fatal(err)
	}
	if m.Email != "" {
		t.Fatal("bob sees ada's email address")
	}
	if len(m.Profile.Positions) != 1 || m.Profile.Positions[0].Title != "Engineer" {
		t.Fatalf("ada's positions = %+v", m.Profile.Positions)
	}
	if _, err := svc.Profiles.Me(context.Background()); rapport.ErrorCode(err) != rapport.EUNAUTHORIZED {
		t.Fatalf("anonymous Me: %v", err)
	}
}

// TestImportNeverConnectsARealAccount: a member who signed up with a handle
// of the form u<id> gets no connection from an edge-list import; a
// connection needs two yeses.
func TestImportNeverConnectsARealAccount(t *testing.T) {
	svc, db := MustOpenServices(t)
	ctx := signedIn(t, svc, "u10")
	l, err := graph.ReadEdgeList(strings.NewReader("10 11\n11 12\n12 10\n"))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := service.ImportEdgeList(context.Background(), db, l, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Taken != 2 || sum.Connections != 1 || sum.Members != 2 {
		t.Fatalf("summary = %+v", sum)
	}
	if n, _ := db.CountConnections(ctx, rapport.CallerFromContext(ctx).MemberID); n != 0 {
		t.Fatalf("the real u10 has %d connections after the import", n)
	}
}

// TestSQLGraphAnswersAlike: a site that answers profile degrees in SQL (to
// measure the index) gives the same answers as one that asks the index.
func TestSQLGraphAnswersAlike(t *testing.T) {
	db := storetest.Open(t, filepath.Join(t.TempDir(), "rapport.db"))
	l, _ := graph.ReadEdgeList(strings.NewReader("1 2\n2 3\n3 4\n2 5\n5 3\n"))
	if _, err := service.ImportEdgeList(context.Background(), db, l, io.Discard); err != nil {
		t.Fatal(err)
	}
	g, err := service.BuildGraph(context.Background(), db, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	cfg := service.DefaultConfig()
	withIndex := service.New(db, service.Indexes{Graph: g}, nil, cfg, nil)
	cfg.SQLGraph = true
	withSQL := service.New(db, service.Indexes{Graph: g}, nil, cfg, nil)
	u1, err := db.FindMemberByHandle(context.Background(), "u1")
	if err != nil {
		t.Fatal(err)
	}
	ctx := rapport.NewContextWithCaller(context.Background(), rapport.Caller{MemberID: u1.ID, Handle: "u1"})
	for _, h := range []string{"u2", "u3", "u4", "u5"} {
		_, a, err := withIndex.Profiles.Profile(ctx, h)
		if err != nil {
			t.Fatal(err)
		}
		_, b, err := withSQL.Profiles.Profile(ctx, h)
		if err != nil {
			t.Fatal(err)
		}
		if a != b || a.Degree == 0 {
			t.Fatalf("%s: index %+v, SQL %+v", h, a, b)
		}
	}
}
