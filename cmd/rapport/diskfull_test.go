//go:build linux

package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/internal/pgtest"
)

// TestDiskFull fills the disk under a running server and gives room back:
// while full, every write is answered with success and kept, or refused
// with a 5xx and a JSON error; reads go on; the server keeps running, and
// takes writes again once there is room, without a restart. Every write
// answered with success before, during and after is there at the end, in
// the running server and after a restart, and on SQLite PRAGMA
// integrity_check says ok.
//
// On SQLite the disk is made full in two ways: with a limit on the size of
// the server's files (RLIMIT_FSIZE set with prlimit(2) on the running
// server: the kernel refuses to write past it with EFBIG, as a full disk
// refuses with ENOSPC), which needs no privileges, and, where the test may
// mount (as root), with the data folder on a small tmpfs filled up with a
// ballast file. On PostgreSQL, where the test may mount, the site's tables
// are in a tablespace on a small tmpfs filled up the same way; the server's
// own files, its write-ahead log among them, stay where they are.
func TestDiskFull(t *testing.T) {
	bin := buildBinary(t)
	t.Run("sqlite", func(t *testing.T) {
		t.Run("file-size-limit", func(t *testing.T) {
			dir := t.TempDir()
			diskFull(t, bin, dir, "", &fileSizeLimit{dir: dir})
		})
		t.Run("small-filesystem", func(t *testing.T) {
			dir := smallFilesystem(t, -1, -1)
			diskFull(t, bin, dir, "", &ballast{dir: dir})
		})
	})
	t.Run("postgres", func(t *testing.T) {
		if os.Getenv("RAPPORT_TEST_POSTGRES_URL") != "" {
			t.Skip("the database server is not one this test starts: its tablespace cannot be put on a small filesystem here")
		}
		dbURL := pgtest.URL(t)
		space := tablespaceOnSmallFilesystem(t, dbURL)
		diskFull(t, bin, t.TempDir(), dbURL, &ballast{dir: space})
	})
}

// A disk is where a running server writes, and can be made full.
type disk interface {
	fill(t *testing.T, pid int)
	free(t *testing.T, pid int)
}

// fileSizeLimit makes the disk full for one process: no file may grow past
// the largest of the data folder's files.
type fileSizeLimit struct {
	dir string
	old unix.Rlimit
}

func (d *fileSizeLimit) fill(t *testing.T, pid int) {
	t.Helper()
	var largest int64
	err := filepath.WalkDir(d.dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		info, err := e.Info()
		if err == nil {
			largest = max(largest, info.Size())
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Prlimit(pid, unix.RLIMIT_FSIZE, nil, &d.old); err != nil {
		t.Fatalf("read the server's file size limit: %v", err)
	}
	// Only the soft limit: a process may raise it again up to the hard one.
	limit := unix.Rlimit{Cur: uint64(largest), Max: d.old.Max}
	if err := unix.Prlimit(pid, unix.RLIMIT_FSIZE, &limit, nil); err != nil {
		t.Fatalf("limit the server's file size: %v", err)
	}
	t.Logf("files of the server limited to %d bytes", largest)
}

func (d *fileSizeLimit) free(t *testing.T, pid int) {
	t.Helper()
	if err := unix.Prlimit(pid, unix.RLIMIT_FSIZE, &d.old, nil); err != nil {
		t.Fatalf("lift the server's file size limit: %v", err)
	}
}

// ballast makes a filesystem full with a file that takes all its room.
type ballast struct{ dir string }

func (d *ballast) fill(t *testing.T, _ int) {
	t.Helper()
	f, err := os.Create(filepath.Join(d.dir, "ballast"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := int64(0)
	for _, size := range []int{1 << 20, 4096, 1} { // big pieces, then what is left
		buf := make([]byte, size)
		for {
			w, err := f.Write(buf)
			n += int64(w)
			if errors.Is(err, syscall.ENOSPC) {
				break
			} else if err != nil {
				t.Fatal(err)
			}
		}
	}
	var st unix.Statfs_t
	unix.Statfs(d.dir, &st)
	t.Logf("ballast of %d bytes; %d bytes left", n, st.Bavail*uint64(st.Bsize))
}

func (d *ballast) free(t *testing.T, _ int) {
	t.Helper()
	if err := os.Remove(filepath.Join(d.dir, "ballast")); err != nil {
		t.Fatal(err)
	}
}

// smallFilesystem mounts a tmpfs of 32 MiB, owned by uid and gid (-1: the
// test's own), on a new folder, and unmounts it when the test ends. It
// skips the test where mounting is not allowed.
func smallFilesystem(t *testing.T, uid, gid int) string {
	t.Helper()
	if uid < 0 {
		uid, gid = os.Getuid(), os.Getgid()
	}
	// Not t.TempDir: another user (the PostgreSQL server's) must be able to
	// reach it.
	dir, err := os.MkdirTemp("", "rapport-diskfull-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	t.Cleanup(func() { os.Remove(dir) })
	if err := unix.Mount("tmpfs", dir, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV,
		fmt.Sprintf("size=32m,mode=0700,uid=%d,gid=%d", uid, gid)); err != nil {
		t.Skipf("cannot mount a small filesystem here: %v", err)
	}
	t.Cleanup(func() {
		if err := unix.Unmount(dir, 0); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

// tablespaceOnSmallFilesystem makes the tables that the site will create in
// the database at dbURL go to a tablespace on a small filesystem, and
// returns the folder of that filesystem.
func tablespaceOnSmallFilesystem(t *testing.T, dbURL string) string {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	u.Path = "/postgres"
	admin, err := sql.Open("pgx", u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	// The filesystem belongs to the database server's user.
	var dataDir string
	if err := admin.QueryRow(`SHOW data_directory`).Scan(&dataDir); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(dataDir)
	if err != nil {
		t.Fatalf("the database server's folder: %v", err)
	}
	st := info.Sys().(*syscall.Stat_t)
	dir := smallFilesystem(t, int(st.Uid), int(st.Gid))
	space := "diskfull_" + name
	for _, q := range []string{
		`CREATE TABLESPACE ` + space + ` LOCATION '` + dir + `'`,
		`ALTER DATABASE "` + name + `" SET default_tablespace = ` + space,
	} {
		if _, err := admin.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	// Before the filesystem is unmounted (cleanups run last first).
	t.Cleanup(func() {
		for _, q := range []string{`DROP DATABASE "` + name + `" WITH (FORCE)`, `DROP TABLESPACE ` + space} {
			if _, err := admin.Exec(q); err != nil {
				t.Errorf("%s: %v", q, err)
			}
		}
	})
	return dir
}

// The kinds of writes sent while the disk is full.
var writeKinds = []string{"sign-up", "post", "comment", "invitation", "accept", "message"}

// fullSite is a site and what its clients know of it.
type fullSite struct {
	t    *testing.T
	base string
	a    *acks

	mu        sync.Mutex
	tokens    map[string]string // handle → token, of the members signed in
	pending   []pendingInvitation
	answers   map[string]map[int]int // kind → status → how many
	bad       []string               // answers that are neither a success nor a 5xx with a JSON error
	next      int                    // for new handles
	signUps   []string               // handles of refused sign-ups
	refused   int
	succeeded int
}

type pendingInvitation struct {
	id       int64
	to, from string // handles
}

// answer records the answer to a write of a kind and says whether it was a
// success. A refusal must be a 5xx with a JSON error of an internal or
// unavailable kind.
func (s *fullSite) answer(kind string, status int, body []byte, err error) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.bad = append(s.bad, fmt.Sprintf("%s: %v", kind, err))
		return false
	}
	if s.answers[kind] == nil {
		s.answers[kind] = map[int]int{}
	}
	s.answers[kind][status]++
	if status/100 == 2 {
		s.succeeded++
		return true
	}
	var e struct{ Error struct{ Code string } }
	if status/100 != 5 || json.Unmarshal(body, &e) != nil || (e.Error.Code != "internal" && e.Error.Code != "unavailable") {
		s.bad = append(s.bad, fmt.Sprintf("%s: %d %s", kind, status, body))
	}
	s.refused++
	return false
}

// send sends a JSON request and returns the answer whatever its status.
func send(method, url, token string, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// words is text of at most n characters that does not compress much: long
// writes fill pages fast.
func words(n int) string {
	var b strings.Builder
	for b.Len() < n-10 {
		for range 1 + rand.IntN(9) {
			b.WriteByte(byte('a' + rand.IntN(26)))
		}
		b.WriteByte(' ')
	}
	return b.String()
}

// write sends one write of the kind and records its answer; a kind with
// nothing to act on yet sends nothing.
func (s *fullSite) write(kind string) {
	s.mu.Lock()
	var handles []string
	for h := range s.tokens {
		handles = append(handles, h)
	}
	s.mu.Unlock()
	anyToken := func() string {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.tokens[handles[rand.IntN(len(handles))]]
	}
	switch kind {
	case "sign-up":
		s.mu.Lock()
		h := fmt.Sprintf("full%d", s.next)
		s.next++
		s.mu.Unlock()
		status, body, err := send("POST", s.base+"/api/v1/accounts", "", map[string]string{
			"email": h + "@example.com", "handle": h, "display_name": h, "password": strongPassword})
		if !s.answer(kind, status, body, err) {
			s.mu.Lock()
			s.signUps = append(s.signUps, h)
			s.mu.Unlock()
			return
		}
		s.a.mu.Lock()
		s.a.members[h] = ""
		s.a.mu.Unlock()
		status, body, err = send("POST", s.base+"/api/v1/sessions", "", map[string]string{"email": h + "@example.com", "password": strongPassword})
		var tok struct{ Token string }
		if s.answer("sign-in", status, body, err) && json.Unmarshal(body, &tok) == nil {
			s.mu.Lock()
			s.tokens[h] = tok.Token
			s.mu.Unlock()
			s.a.mu.Lock()
			s.a.members[h] = tok.Token
			s.a.mu.Unlock()
		}
	case "post":
		tok := anyToken()
		status, body, err := send("POST", s.base+"/api/v1/posts", tok, map[string]string{"body": words(rapport.PostMaxLen), "audience": "public"})
		var p struct{ ID int64 }
		if s.answer(kind, status, body, err) && json.Unmarshal(body, &p) == nil {
			s.a.mu.Lock()
			s.a.posts[p.ID] = tok
			s.a.mu.Unlock()
		}
	case "comment":
		s.a.mu.Lock()
		var posts []int64
		for id := range s.a.posts {
			posts = append(posts, id)
		}
		s.a.mu.Unlock()
		if len(posts) == 0 {
			return
		}
		post := posts[rand.IntN(len(posts))]
		tok := anyToken()
		status, body, err := send("POST", fmt.Sprintf("%s/api/v1/posts/%d/comments", s.base, post), tok, map[string]string{"body": words(rapport.CommentMaxLen)})
		var c struct{ ID int64 }
		if s.answer(kind, status, body, err) && json.Unmarshal(body, &c) == nil {
			s.a.mu.Lock()
			s.a.comments[c.ID] = post
			s.a.mu.Unlock()
		}
	case "invitation":
		// A pair never tried, either way: an invitation between them is new
		// whatever became of the ones refused.
		var from, to string
		s.a.mu.Lock()
		for range 50 {
			i, j := handles[rand.IntN(len(handles))], handles[rand.IntN(len(handles))]
			if i != j && !s.a.tried[[2]string{i, j}] {
				s.a.tried[[2]string{i, j}], s.a.tried[[2]string{j, i}] = true, true
				from, to = i, j
				break
			}
		}
		s.a.mu.Unlock()
		if from == "" {
			return
		}
		s.mu.Lock()
		tok := s.tokens[from]
		s.mu.Unlock()
		status, body, err := send("POST", s.base+"/api/v1/invitations", tok, map[string]string{"to": to, "how_met": "friend", "note": words(rapport.InvitationNoteMaxLen)})
		var sent struct{ Invitation struct{ ID int64 } }
		if s.answer(kind, status, body, err) && json.Unmarshal(body, &sent) == nil {
			s.a.mu.Lock()
			s.a.invitations[sent.Invitation.ID] = tok
			s.a.mu.Unlock()
			s.mu.Lock()
			s.pending = append(s.pending, pendingInvitation{id: sent.Invitation.ID, to: to, from: from})
			s.mu.Unlock()
		}
	case "accept":
		s.mu.Lock()
		if len(s.pending) == 0 {
			s.mu.Unlock()
			return
		}
		i := rand.IntN(len(s.pending))
		inv := s.pending[i]
		s.pending = slices.Delete(s.pending, i, i+1) // not accepted twice at once
		tok := s.tokens[inv.to]
		s.mu.Unlock()
		status, body, err := send("POST", fmt.Sprintf("%s/api/v1/invitations/%d/accept", s.base, inv.id), tok, nil)
		if s.answer(kind, status, body, err) {
			s.a.mu.Lock()
			delete(s.a.invitations, inv.id)
			s.a.connections = append(s.a.connections, [2]string{inv.from, inv.to})
			s.a.mu.Unlock()
		} else {
			s.mu.Lock()
			s.pending = append(s.pending, inv)
			s.mu.Unlock()
		}
	case "message":
		s.a.mu.Lock()
		if len(s.a.connections) == 0 {
			s.a.mu.Unlock()
			return
		}
		pair := s.a.connections[rand.IntN(len(s.a.connections))]
		s.a.mu.Unlock()
		s.mu.Lock()
		tok := s.tokens[pair[0]]
		s.mu.Unlock()
		status, body, err := send("POST", s.base+"/api/v1/messages", tok, map[string]any{"to": []string{pair[1]}, "body": words(4000)})
		var th struct {
			ID       int64
			Messages []struct{ ID int64 }
		}
		if s.answer(kind, status, body, err) && json.Unmarshal(body, &th) == nil && len(th.Messages) > 0 {
			s.a.mu.Lock()
			s.a.messages[th.Messages[len(th.Messages)-1].ID] = th.ID
			s.a.threadOwner[th.ID] = tok
			s.a.mu.Unlock()
		}
	}
}

// round sends every kind of write from four clients at once.
func (s *fullSite) round() {
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for _, kind := range writeKinds {
				s.write(kind)
			}
		})
	}
	wg.Wait()
}

// reads checks that reading answers 200: the health checks, the caller's
// own account, another member's profile (whose view cannot be recorded
// while the disk is full) and its page, a post, its comments and the home
// feed.
func (s *fullSite) reads(when string) {
	t := s.t
	t.Helper()
	s.mu.Lock()
	var handles []string
	for h := range s.tokens {
		handles = append(handles, h)
	}
	me, other := handles[rand.IntN(len(handles))], handles[rand.IntN(len(handles))]
	tok := s.tokens[me]
	s.mu.Unlock()
	s.a.mu.Lock()
	var post int64
	for post = range s.a.posts {
		break
	}
	s.a.mu.Unlock()
	for _, p := range []struct{ path, token string }{
		{"/healthz", ""}, {"/readyz", ""}, {"/api/v1/me", tok}, {"/api/v1/feed", tok},
		{"/api/v1/members/" + other, tok}, {"/in/" + other, ""},
		{fmt.Sprintf("/api/v1/posts/%d", post), tok}, {fmt.Sprintf("/api/v1/posts/%d/comments", post), tok},
	} {
		if status, body, err := send("GET", s.base+p.path, p.token, nil); err != nil || status != 200 {
			t.Errorf("GET %s %s: %d %.200s %v", p.path, when, status, body, err)
		}
	}
}

// ageSessions makes every session look last used two minutes ago, so that
// the next request of each refreshes its last use: a write on every read,
// as on a site whose members come back now and then.
func ageSessions(t *testing.T, dataDir, dbURL string) {
	t.Helper()
	db := openSite(t, dataDir, dbURL)
	defer db.Close()
	if _, err := db.Exec(`UPDATE sessions SET last_seen_at = last_seen_at - $1`, (2 * time.Minute).Microseconds()); err != nil {
		t.Fatal(err)
	}
}

// openSite opens the site's database beside the running server.
func openSite(t *testing.T, dataDir, dbURL string) *sql.DB {
	t.Helper()
	driver, dsn := "pgx", dbURL
	if dbURL == "" {
		driver, dsn = "sqlite", "file:"+filepath.Join(dataDir, "rapport.db")+"?_pragma=busy_timeout(10000)"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// checkpoint moves SQLite's write-ahead log into the database file and
// empties it, so that the disk made full next leaves the log no room of its
// own: the next writes must grow a file.
func checkpoint(t *testing.T, dataDir string) {
	t.Helper()
	db := openSite(t, dataDir, "")
	defer db.Close()
	for deadline := time.Now().Add(time.Minute); ; { // against hanging only
		var busy, log, done int
		if err := db.QueryRow(`PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &log, &done); err != nil {
			t.Fatal(err)
		} else if busy == 0 {
			return
		} else if time.Now().After(deadline) {
			t.Fatal("the write-ahead log stays busy")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func diskFull(t *testing.T, bin, dataDir, dbURL string, d disk) {
	// Concurrent clients are served, not shed: a refusal here is the full
	// disk's.
	args := []string{"--data", dataDir, "--no-rate-limits", "--max-in-flight", "256"}
	if dbURL != "" {
		args = append(args, "--db", dbURL)
	}
	cmd, base := startBinary(t, bin, args)
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	running := true
	stop := func() {
		t.Helper()
		if !running {
			return
		}
		running = false
		cmd.Process.Signal(syscall.SIGTERM)
		if err := <-exited; err != nil {
			t.Errorf("the server did not exit cleanly: %v", err)
		}
	}
	defer stop()

	s := &fullSite{t: t, base: base, a: newAcks(), tokens: map[string]string{}, answers: map[string]map[int]int{}}
	for i := range 12 {
		h := fmt.Sprintf("member%d", i)
		signUp(t, base, h)
		tok, status, me := signInAndGetMe(t, base, h+"@example.com", strongPassword)
		if status != 200 {
			t.Fatalf("me: %d %s", status, me)
		}
		s.tokens[h] = tok
		s.a.members[h] = tok
	}
	// Room: every write succeeds; invitations are left to accept while full.
	for range 3 {
		s.round()
	}
	for i := 0; len(s.pending) < 8 && i < 50; i++ {
		s.write("invitation")
	}
	if s.refused > 0 || len(s.bad) > 0 {
		t.Fatalf("writes refused before the disk is full: %v %v", s.answers, s.bad)
	}
	before := s.succeeded

	// Full.
	ageSessions(t, dataDir, dbURL)
	if dbURL == "" {
		checkpoint(t, dataDir)
	}
	d.fill(t, cmd.Process.Pid)
	s.answers = map[string]map[int]int{}
	s.succeeded = 0
	for rounds := 0; s.refused < 100 && rounds < 100; rounds++ {
		s.round()
		s.reads("while the disk is full")
		select {
		case err := <-exited:
			t.Fatalf("the server stopped while the disk was full: %v", err)
		default:
		}
	}
	t.Logf("while full: %d writes answered with success, %d refused; by kind and status: %v", s.succeeded, s.refused, s.answers)
	if s.refused == 0 {
		t.Fatal("no write was refused: the disk was not full")
	}
	if len(s.bad) > 0 {
		t.Errorf("%d answers while full were neither a success nor a 5xx with a JSON error, such as %q", len(s.bad), s.bad[:min(len(s.bad), 5)])
	}
	during := s.succeeded

	// Room again: without a restart, every write succeeds.
	d.free(t, cmd.Process.Pid)
	s.answers, s.succeeded, s.refused, s.bad = map[string]map[int]int{}, 0, 0, nil
	for range 3 {
		s.round()
	}
	// A refused write left nothing behind: trying it again succeeds.
	for _, h := range s.signUps[:min(len(s.signUps), 10)] {
		status, body, err := send("POST", s.base+"/api/v1/accounts", "", map[string]string{
			"email": h + "@example.com", "handle": h, "display_name": h, "password": strongPassword})
		if s.answer("sign-up", status, body, err) {
			s.a.members[h] = ""
		}
	}
	if s.refused > 0 || len(s.bad) > 0 {
		t.Errorf("writes refused once there is room again: %v %v", s.answers, s.bad)
	}
	s.reads("once there is room again")
	t.Logf("writes answered with success: %d before, %d while full, %d after", before, during, s.succeeded)

	if missing := s.a.missing(t, base); len(missing) > 0 {
		t.Errorf("writes answered with success are not there: %v", missing)
	}
	stop()
	if dbURL == "" {
		checkIntegrity(t, filepath.Join(dataDir, "rapport.db"))
	}
	cmd, base = startBinary(t, bin, args)
	defer func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }()
	if missing := s.a.missing(t, base); len(missing) > 0 {
		t.Errorf("writes answered with success are gone after a restart: %v", missing)
	}
}
