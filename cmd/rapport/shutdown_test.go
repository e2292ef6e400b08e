package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rapportnet/rapport/internal/pgtest"
)

// TestGracefulShutdownUnderLoad sends SIGTERM while 200 posts are being
// written at once: the server stops taking connections, finishes what it
// took, and exits cleanly; after a restart every post answered 201 is
// there. The server takes all 200 at once (--max-in-flight), so that they
// are in flight when the signal comes rather than shed.
func TestGracefulShutdownUnderLoad(t *testing.T) {
	bin := buildBinary(t)
	t.Run("sqlite", func(t *testing.T) {
		shutdownUnderLoad(t, bin, []string{"--data", t.TempDir(), "--no-rate-limits", "--max-in-flight", "256"})
	})
	t.Run("postgres", func(t *testing.T) {
		shutdownUnderLoad(t, bin, []string{"--data", t.TempDir(), "--db", pgtest.URL(t), "--no-rate-limits", "--max-in-flight", "256"})
	})
}

func shutdownUnderLoad(t *testing.T, bin string, args []string) {
	cmd, base := startBinary(t, bin, args)
	signUp(t, base, "writer")
	token, _, _ := signInAndGetMe(t, base, "writer@example.com", strongPassword)
	const n = 200
	var wg sync.WaitGroup
	var mu sync.Mutex
	var ids []int64
	started := make(chan struct{}, n)
	var first sync.Once
	acked := make(chan struct{}) // closed at the first post answered 201
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n, MaxConnsPerHost: n}}
	for i := range n {
		wg.Go(func() {
			body := fmt.Sprintf(`{"body":"post %d","audience":"public"}`, i)
			req, _ := http.NewRequest("POST", base+"/api/v1/posts", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+token)
			started <- struct{}{}
			resp, err := client.Do(req)
			if err != nil {
				return // refused once the server stopped listening
			}
			defer resp.Body.Close()
			var p struct{ ID int64 }
			if resp.StatusCode == http.StatusCreated && json.NewDecoder(resp.Body).Decode(&p) == nil {
				mu.Lock()
				ids = append(ids, p.ID)
				mu.Unlock()
				first.Do(func() { close(acked) })
			}
		})
	}
	for range n {
		<-started
	}
	// The signal comes once the server is writing posts: the others are
	// in flight then, on their way or waiting for the database.
	select {
	case <-acked:
	case <-time.After(time.Minute):
		t.Fatal("no post was written within a minute")
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("the server did not exit cleanly: %v", err)
		}
	case <-time.After(2 * time.Minute): // against hanging only: the server's own deadline is 10 s
		cmd.Process.Kill()
		t.Fatal("the server did not exit after SIGTERM")
	}
	wg.Wait()
	t.Logf("%d of %d posts acknowledged before the server stopped", len(ids), n)

	cmd, base = startBinary(t, bin, args)
	defer func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }()
	for _, id := range ids {
		if status, body := get(t, fmt.Sprintf("%s/api/v1/posts/%d", base, id)); status != 200 {
			t.Errorf("post %d, acknowledged, is gone after the restart: %d %s", id, status, body)
		}
	}
}
