package main

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rapportnet/rapport/internal/pgtest"
)

// TestCrashKeepsEveryAcknowledgedWrite starts the server, has concurrent
// clients sign up, invite, accept, post and write messages, kills the
// server with SIGKILL at random moments (RAPPORT_CRASH_KILLS times, 5 by
// default; 20 for the full run), restarts it, and checks that every write
// answered with success is there, that the graph index serves every
// connection acknowledged, and, on SQLite, that PRAGMA integrity_check says
// ok.
func TestCrashKeepsEveryAcknowledgedWrite(t *testing.T) {
	kills := 5
	if v := os.Getenv("RAPPORT_CRASH_KILLS"); v != "" {
		kills, _ = strconv.Atoi(v)
	}
	bin := buildBinary(t)
	t.Run("sqlite", func(t *testing.T) {
		dir := t.TempDir()
		crashAndCheck(t, bin, []string{"--data", dir, "--no-rate-limits", "--max-in-flight", "256"}, kills, filepath.Join(dir, "rapport.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		crashAndCheck(t, bin, []string{"--data", t.TempDir(), "--db", pgtest.URL(t), "--no-rate-limits", "--max-in-flight", "256"}, kills, "")
	})
}

// buildBinary builds rapport for a test that starts it, signals it and
// kills it; such tests are skipped with -short.
func buildBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and signals the server; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "rapport")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// acks are the writes the server answered with success.
type acks struct {
	mu          sync.Mutex
	members     map[string]string // handle → token
	posts       map[int64]string  // post → its author's token
	connections [][2]string       // handles
	messages    map[int64]int64   // message → its thread
	threadOwner map[int64]string  // thread → a member's token
	comments    map[int64]int64   // comment → its post
	invitations map[int64]string  // invitation not accepted → its sender's token
	tried       map[[2]string]bool
}

func newAcks() *acks {
	return &acks{members: map[string]string{}, posts: map[int64]string{}, messages: map[int64]int64{}, threadOwner: map[int64]string{},
		comments: map[int64]int64{}, invitations: map[int64]string{}, tried: map[[2]string]bool{}}
}

func (a *acks) member() (string, string, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for h, tok := range a.members {
		return h, tok, true
	}
	return "", "", false
}

func (a *acks) two() (h1, t1, h2 string, ok bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.members) < 2 {
		return "", "", "", false
	}
	var hs []string
	for h := range a.members {
		hs = append(hs, h)
	}
	// A pair not tried yet, either way: an invitation between them is new.
	for range 20 {
		i, j := rand.IntN(len(hs)), rand.IntN(len(hs))
		if i != j && !a.tried[[2]string{hs[i], hs[j]}] {
			a.tried[[2]string{hs[i], hs[j]}], a.tried[[2]string{hs[j], hs[i]}] = true, true
			return hs[i], a.members[hs[i]], hs[j], true
		}
	}
	return "", "", "", false
}

// call sends a JSON request and decodes a success answer into out.
func call(method, url, token string, body, out any) (int, error) {
	status, b, err := send(method, url, token, body)
	if err != nil {
		return 0, err
	}
	if out != nil && status/100 == 2 {
		if err := json.Unmarshal(b, out); err != nil {
			return 0, err // a cut answer is not an acknowledgement
		}
	}
	return status, nil
}

// work is one client: a random write after another until the server goes.
func (a *acks) work(base string, round, client int) {
	for i := 0; ; i++ {
		var err error
		switch n := rand.IntN(10); {
		case n < 3 || len(a.members) < 4:
			h := fmt.Sprintf("c%dr%dn%d", client, round, i)
			var tok struct{ Token string }
			if _, err = call("POST", base+"/api/v1/accounts", "", map[string]string{"email": h + "@example.com", "handle": h, "display_name": h, "password": strongPassword}, nil); err == nil {
				var status int
				if status, err = call("POST", base+"/api/v1/sessions", "", map[string]string{"email": h + "@example.com", "password": strongPassword}, &tok); err == nil && status == 201 {
					a.mu.Lock()
					a.members[h] = tok.Token
					a.mu.Unlock()
				}
			}
		case n < 5:
			h1, t1, h2, ok := a.two()
			if !ok {
				continue
			}
			var sent struct{ Invitation struct{ ID int64 } }
			var status int
			status, err = call("POST", base+"/api/v1/invitations", t1, map[string]string{"to": h2, "how_met": "friend"}, &sent)
			inv := sent.Invitation
			if err == nil && status == 201 {
				a.mu.Lock()
				t2 := a.members[h2]
				a.mu.Unlock()
				if status, err = call("POST", fmt.Sprintf("%s/api/v1/invitations/%d/accept", base, inv.ID), t2, nil, nil); err == nil && status == 204 {
					a.mu.Lock()
					a.connections = append(a.connections, [2]string{h1, h2})
					a.mu.Unlock()
				}
			}
		case n < 8:
			_, tok, ok := a.member()
			if !ok {
				continue
			}
			var p struct{ ID int64 }
			var status int
			if status, err = call("POST", base+"/api/v1/posts", tok, map[string]string{"body": fmt.Sprintf("post %d.%d.%d", round, client, i)}, &p); err == nil && status == 201 {
				a.mu.Lock()
				a.posts[p.ID] = tok
				a.mu.Unlock()
			}
		default:
			a.mu.Lock()
			var pair [2]string
			if len(a.connections) > 0 {
				pair = a.connections[rand.IntN(len(a.connections))]
			}
			tok := a.members[pair[0]]
			a.mu.Unlock()
			if tok == "" {
				continue
			}
			var th struct {
				ID       int64
				Messages []struct{ ID int64 }
			}
			var status int
			if status, err = call("POST", base+"/api/v1/messages", tok, map[string]any{"to": []string{pair[1]}, "body": "hello"}, &th); err == nil && status == 201 && len(th.Messages) > 0 {
				a.mu.Lock()
				a.messages[th.Messages[len(th.Messages)-1].ID] = th.ID
				a.threadOwner[th.ID] = tok
				a.mu.Unlock()
			}
		}
		if err != nil {
			return // the server is gone
		}
	}
}

func (a *acks) count() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.members) + len(a.posts) + len(a.connections) + len(a.messages)
}

func crashAndCheck(t *testing.T, bin string, args []string, kills int, sqlitePath string) {
	a := newAcks()
	for round := range kills {
		cmd, base := startBinary(t, bin, args)
		var wg sync.WaitGroup
		for c := range 4 {
			wg.Go(func() { a.work(base, round, c) })
		}
		// Kill once this round has had a few writes acknowledged, a random
		// moment later, so that the kill lands while writes are in flight.
		want := a.count() + 20
		for deadline := time.Now().Add(60 * time.Second); a.count() < want && time.Now().Before(deadline); { // against hanging only
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(time.Duration(rand.IntN(200)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		wg.Wait()
	}
	cmd, base := startBinary(t, bin, args)
	defer func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }()
	missing := a.missing(t, base)
	if len(missing) > 0 {
		t.Errorf("acknowledged writes gone after kill -9: %v", missing)
	}
	t.Logf("%d kills: %d members, %d posts, %d connections, %d messages acknowledged; %d missing",
		kills, len(a.members), len(a.posts), len(a.connections), len(a.messages), len(missing))
	if sqlitePath != "" {
		checkIntegrity(t, sqlitePath)
	}
}

// missing reads every acknowledged write back through the API and returns
// those that are not there.
func (a *acks) missing(t *testing.T, base string) []string {
	t.Helper()
	var missing []string
	for h := range a.members {
		if status, _ := get(t, base+"/api/v1/members/"+h); status != 200 {
			missing = append(missing, "member "+h)
		}
	}
	for id, tok := range a.posts {
		if status, _ := call("GET", fmt.Sprintf("%s/api/v1/posts/%d", base, id), tok, nil, nil); status != 200 {
			missing = append(missing, fmt.Sprintf("post %d", id))
		}
	}
	for _, p := range a.connections {
		var m struct{ Degree *int }
		if _, err := call("GET", base+"/api/v1/members/"+p[1], a.members[p[0]], nil, &m); err != nil || m.Degree == nil || *m.Degree != 1 {
			missing = append(missing, "connection "+p[0]+"–"+p[1])
		}
	}
	for id, thread := range a.messages {
		var th struct{ Messages []struct{ ID int64 } }
		call("GET", fmt.Sprintf("%s/api/v1/messages/%d", base, thread), a.threadOwner[thread], nil, &th)
		found := false
		for _, m := range th.Messages {
			found = found || m.ID == id
		}
		if !found {
			missing = append(missing, fmt.Sprintf("message %d", id))
		}
	}
	for id, post := range a.comments {
		var list []struct{ ID int64 }
		call("GET", fmt.Sprintf("%s/api/v1/posts/%d/comments", base, post), "", nil, &list)
		if !slices.ContainsFunc(list, func(c struct{ ID int64 }) bool { return c.ID == id }) {
			missing = append(missing, fmt.Sprintf("comment %d", id))
		}
	}
	for id, tok := range a.invitations {
		var list []struct{ ID int64 }
		call("GET", base+"/api/v1/invitations/sent", tok, nil, &list)
		if !slices.ContainsFunc(list, func(inv struct{ ID int64 }) bool { return inv.ID == id }) {
			missing = append(missing, fmt.Sprintf("invitation %d", id))
		}
	}
	return missing
}

// checkIntegrity runs SQLite's PRAGMA integrity_check on the file at path,
// which no process may have open for writing.
func checkIntegrity(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite", path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var result string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&result); err != nil || result != "ok" {
		t.Errorf("integrity check: %q %v", result, err)
	}
}
