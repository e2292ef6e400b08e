// Command load runs a mixed workload against a Rapport site and reports, for
// each route, requests a second, p50 and p99 and how the requests were
// answered (2xx, 429 and 503 with or without Retry-After, other statuses,
// no answer). bench/mixed.sh runs it on a seeded site; by hand:
//
//	go run ./bench/load -addr http://127.0.0.1:18585 -fixtures DIR -password PW -tokens TOKENS \
//		-workers 2,4,8 -duration 20s          # closed loop: that many requests at once, one phase each
//	go run ./bench/load ... -rate 1600,400 -duration 60s,30s -window 1s
//	                                          # open loop: requests started on a schedule, one phase a rate
//
// The mix is 80% reads (profiles, the feed, people search, the member's
// connections, mutual connections) and 20% writes (posts, comments,
// reactions, messages, invitations), each request as one of the signed-in
// members drawn at random; see mix.go. DIR holds what the requests are made
// of, read from the site: members.txt (an email and the handle of one of
// their connections, tab-separated, a line each: the members the load
// signs in as), handles.txt (members to read and invite), posts.txt (ids of
// public posts) and words.txt (search words). The members are signed in
// once and their tokens written to TOKENS; a later run that finds TOKENS
// reads it instead.
//
// In the open loop each request is started when it is due, whatever the
// answers to the others, so more than the server can take is really sent;
// its latency counts from when it was due. At most -max-outstanding
// requests wait for an answer at once: past that the client drops the
// request and counts it as dropped. The last line of each phase is a
// summary for scripts:
//
//	result phase=1 mode=open rate=1600 ... rps=... p50_ms=... p99_ms=... shed=... dropped=...
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// phase is one step of a run: a number of workers each sending a request
// as soon as the last was answered (closed loop), or a rate of requests
// started on a schedule (open loop).
type phase struct {
	Workers  int
	Rate     float64
	Duration time.Duration
}

func (p phase) String() string {
	if p.Workers > 0 {
		return fmt.Sprintf("%d workers", p.Workers)
	}
	return fmt.Sprintf("%.0f/s", p.Rate)
}

func main() {
	addr := flag.String("addr", "http://127.0.0.1:18585", "the site's address")
	dir := flag.String("fixtures", "", "folder of members.txt, handles.txt, posts.txt and words.txt")
	password := flag.String("password", "", "the demo members' password (rapport seed prints it)")
	tokens := flag.String("tokens", "", "file of the signed-in members' tokens: read when it exists, written otherwise")
	workers := flag.String("workers", "", "closed loop: comma-separated numbers of workers, a phase each")
	rates := flag.String("rate", "", "open loop: comma-separated rates in requests a second, a phase each")
	durations := flag.String("duration", "20s", "comma-separated phase durations, or one for every phase")
	maxOut := flag.Int("max-outstanding", 2000, "open loop: requests waiting for an answer at most; more are dropped")
	timeout := flag.Duration("timeout", 10*time.Second, "a request with no answer in this time counts as no answer")
	window := flag.Duration("window", 0, "also report each window of this length (e.g. 1s), over the whole run")
	seed := flag.Uint64("seed", 0, "seed of the random choices; 0 takes one from the clock, so that a run does not repeat the writes of the last")
	label := flag.String("label", "", "name of the run, on its result lines")
	flag.Parse()

	if *seed == 0 {
		*seed = uint64(time.Now().UnixNano())
	}
	phases, err := parsePhases(*workers, *rates, *durations)
	if err != nil {
		fatal(err)
	}
	f, err := loadFixtures(*dir)
	if err != nil {
		fatal(err)
	}
	hc := &http.Client{Timeout: *timeout, Transport: &http.Transport{
		MaxIdleConns: 0, MaxIdleConnsPerHost: *maxOut + 100, IdleConnTimeout: 90 * time.Second, DisableCompression: true,
	}}
	base := strings.TrimRight(*addr, "/")
	if f.Actors, err = signIn(hc, base, *dir, *password, *tokens); err != nil {
		fatal(err)
	}
	if len(phases) == 0 {
		return // only sign in
	}
	fmt.Printf("%d members signed in; %d handles, %d posts, %d search words\n", len(f.Actors), len(f.Handles), len(f.Posts), len(f.Words))

	rec := &recorder{}
	r := runner{hc: hc, base: base, f: f, rec: rec, pk: newPicker(mix), maxOut: *maxOut}
	start := time.Now()
	var offset time.Duration
	elapsed := make([]time.Duration, len(phases))
	for i, p := range phases {
		t0 := time.Now()
		if p.Workers > 0 {
			r.closed(i, p, start, *seed+uint64(i))
		} else {
			r.open(i, p, start, offset, *seed+uint64(i))
		}
		elapsed[i] = time.Since(t0)
		offset += p.Duration
	}
	r.wg.Wait() // the open loop's last requests

	perPhase := make([][]result, len(phases))
	for _, res := range rec.all {
		perPhase[res.Phase] = append(perPhase[res.Phase], res)
	}
	for i, p := range phases {
		secs := p.Duration.Seconds()
		mode := "open"
		if p.Workers > 0 {
			mode, secs = "closed", elapsed[i].Seconds()
		}
		fmt.Printf("\nphase %d: %s, %s loop, %.1f s\n\n", i+1, p, mode, secs)
		sums := byRoute(perPhase[i])
		printRoutes(os.Stdout, sums, secs)
		printOther(os.Stdout, sums)
		all := sums[len(sums)-1]
		lag := r.lag[i]
		fmt.Printf("\nshed answers: p50 %s ms, p99 %s ms; client: at most %d outstanding, sends late by up to %s ms (p99 %s ms)\n",
			ms(all.ShedP50), ms(all.ShedP99), r.peak[i].Load(), ms(lagMax(lag)), ms(lagP99(lag)))
		fmt.Printf("result label=%s phase=%d mode=%s workers=%d rate=%.0f secs=%.1f sent=%d rps=%.1f served_rps=%.1f p50_ms=%s p99_ms=%s max_ms=%s ok=%d shed=%d shed_ra=%d other=%d failed=%d dropped=%d shed_p99_ms=%s peak_outstanding=%d\n",
			*label, i+1, mode, p.Workers, p.Rate, secs, all.Sent, float64(all.Sent)/secs, float64(all.Served)/secs,
			ms(all.P50), ms(all.P99), ms(all.Max), all.OK, all.TooMany+all.Unavailable, all.TooManyRA+all.UnavailableRA,
			all.Other, all.Failed, all.Dropped, ms(all.ShedP99), r.peak[i].Load())
	}
	if *window > 0 {
		fmt.Printf("\nwindows of %s (by when requests were due)\n\n", *window)
		printWindows(os.Stdout, rec.all, *window, func(i int) string { return phases[i].String() })
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "load:", err)
	os.Exit(1)
}

// parsePhases reads the phases of the run from the flags.
func parsePhases(workers, rates, durations string) ([]phase, error) {
	if workers != "" && rates != "" {
		return nil, errors.New("give -workers or -rate, not both")
	}
	var ps []phase
	for _, w := range splitList(workers) {
		n, err := strconv.Atoi(w)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-workers: %q is not a number of workers", w)
		}
		ps = append(ps, phase{Workers: n})
	}
	for _, r := range splitList(rates) {
		x, err := strconv.ParseFloat(r, 64)
		if err != nil || x <= 0 {
			return nil, fmt.Errorf("-rate: %q is not a rate", r)
		}
		ps = append(ps, phase{Rate: x})
	}
	if len(ps) > 64 {
		return nil, errors.New("at most 64 phases")
	}
	ds := splitList(durations)
	if len(ps) > 0 && len(ds) != 1 && len(ds) != len(ps) {
		return nil, fmt.Errorf("-duration: give one duration or one a phase (%d)", len(ps))
	}
	for i := range ps {
		d, err := time.ParseDuration(ds[min(i, len(ds)-1)])
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("-duration: %q", ds[min(i, len(ds)-1)])
		}
		ps[i].Duration = d
	}
	return ps, nil
}

func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// runner sends the requests of the phases and records their results.
type runner struct {
	hc     *http.Client
	base   string
	f      *fixtures
	rec    *recorder
	pk     picker
	maxOut int
	wg     sync.WaitGroup
	peak   [64]atomic.Int64 // most requests outstanding, a phase
	lag    [64][]time.Duration
}

// send makes one request and records it, its latency counted from due.
func (r *runner) send(c call, phaseIdx int, start, due time.Time) {
	res := result{Op: c.Op, Phase: phaseIdx, Start: due.Sub(start)}
	var body io.Reader
	if c.Body != nil {
		body = bytes.NewReader(c.Body)
	}
	req, err := http.NewRequestWithContext(context.Background(), c.Method, r.base+c.Path, body)
	if err != nil {
		panic(err)
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	if c.Body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := r.hc.Do(req)
	if err == nil {
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		res.Status = resp.StatusCode
		res.RetryAfter = resp.Header.Get("Retry-After") != ""
		if err != nil {
			res.Status = 0
		}
	}
	res.Latency = time.Since(due)
	r.rec.add(res)
}

// closed runs a phase of p.Workers workers, each sending its next request
// as soon as the last is answered.
func (r *runner) closed(idx int, p phase, start time.Time, seed uint64) {
	end := time.Now().Add(p.Duration)
	r.peak[idx].Store(int64(p.Workers))
	var wg sync.WaitGroup
	for w := range p.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rnd := rand.New(rand.NewPCG(seed, uint64(w)))
			for time.Now().Before(end) {
				r.send(r.pk.next(r.f, rnd), idx, start, time.Now())
			}
		}()
	}
	wg.Wait()
}

// open runs a phase of p.Rate requests a second, each started when it is
// due (evenly spaced), whatever the answers to the others. The phase starts
// at offset from the start of the run, so phases follow each other without
// a gap; the requests still outstanding at its end are waited for at the
// end of the run.
func (r *runner) open(idx int, p phase, start time.Time, offset time.Duration, seed uint64) {
	rnd := rand.New(rand.NewPCG(seed, 0))
	n := int(p.Rate * p.Duration.Seconds())
	var outstanding atomic.Int64
	for i := range n {
		due := start.Add(offset + time.Duration(float64(i)*float64(time.Second)/p.Rate))
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		}
		c := r.pk.next(r.f, rnd)
		r.lag[idx] = append(r.lag[idx], time.Since(due))
		if outstanding.Load() >= int64(r.maxOut) {
			r.rec.add(result{Op: c.Op, Phase: idx, Start: due.Sub(start), Dropped: true})
			continue
		}
		if o := outstanding.Add(1); o > r.peak[idx].Load() {
			r.peak[idx].Store(o)
		}
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			defer outstanding.Add(-1)
			r.send(c, idx, start, due)
		}()
	}
}

func lagMax(l []time.Duration) time.Duration {
	var m time.Duration
	for _, d := range l {
		m = max(m, d)
	}
	return m
}

func lagP99(l []time.Duration) time.Duration {
	s := slices.Clone(l)
	slices.Sort(s)
	return percentile(s, 99)
}

// loadFixtures reads the files of dir.
func loadFixtures(dir string) (*fixtures, error) {
	if dir == "" {
		return nil, errors.New("-fixtures is required")
	}
	f := &fixtures{}
	var err error
	if f.Handles, err = readLines(filepath.Join(dir, "handles.txt")); err != nil {
		return nil, err
	}
	if f.Words, err = readLines(filepath.Join(dir, "words.txt")); err != nil {
		return nil, err
	}
	posts, err := readLines(filepath.Join(dir, "posts.txt"))
	if err != nil {
		return nil, err
	}
	for _, p := range posts {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("posts.txt: %q is not a post id", p)
		}
		f.Posts = append(f.Posts, id)
	}
	if len(f.Handles) == 0 || len(f.Words) == 0 || len(f.Posts) == 0 {
		return nil, fmt.Errorf("%s: handles.txt, words.txt and posts.txt must not be empty", dir)
	}
	return f, nil
}

func readLines(name string) ([]string, error) {
	file, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	var out []string
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			out = append(out, line)
		}
	}
	return out, sc.Err()
}

// signIn returns the actors: from the tokens file when it exists, or else
// by signing in the members of members.txt (four at a time: the server
// hashes four passwords at once) and writing the file.
func signIn(hc *http.Client, base, dir, password, tokens string) ([]actor, error) {
	if tokens != "" {
		if lines, err := readLines(tokens); err == nil && len(lines) > 0 {
			var out []actor
			for _, l := range lines {
				tok, contact, _ := strings.Cut(l, "\t")
				out = append(out, actor{Token: tok, Contact: contact})
			}
			return out, nil
		}
	}
	lines, err := readLines(filepath.Join(dir, "members.txt"))
	if err != nil {
		return nil, err
	}
	if password == "" {
		return nil, errors.New("-password is required to sign in")
	}
	out := make([]actor, len(lines))
	var failed atomic.Int64
	var wg sync.WaitGroup
	next := make(chan int)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				email, contact, _ := strings.Cut(lines[i], "\t")
				tok, err := logIn(hc, base, email, password)
				// A sign-in shed by a busy server is tried again, after a
				// pause shorter than its Retry-After: this is setting up, not
				// the measurement.
				for try := 0; errors.Is(err, errBusy) && try < 50; try++ {
					time.Sleep(time.Duration(20+rand.IntN(80)) * time.Millisecond)
					tok, err = logIn(hc, base, email, password)
				}
				if err != nil {
					if failed.Add(1) <= 3 {
						fmt.Fprintf(os.Stderr, "sign-in of %s: %v\n", email, err)
					}
					continue
				}
				out[i] = actor{Token: tok, Contact: contact}
			}
		}()
	}
	for i := range lines {
		next <- i
	}
	close(next)
	wg.Wait()
	var actors []actor
	var buf bytes.Buffer
	for _, a := range out {
		if a.Token != "" {
			actors = append(actors, a)
			fmt.Fprintf(&buf, "%s\t%s\n", a.Token, a.Contact)
		}
	}
	if len(actors) == 0 {
		return nil, errors.New("no member could sign in")
	}
	if n := failed.Load(); n > 0 {
		fmt.Fprintf(os.Stderr, "%d of %d sign-ins failed\n", n, len(lines))
	}
	if tokens != "" {
		if err := os.WriteFile(tokens, buf.Bytes(), 0o600); err != nil {
			return nil, err
		}
	}
	return actors, nil
}

// errBusy is a sign-in answered 503: the server shed it.
var errBusy = errors.New("503: the server is busy")

func logIn(hc *http.Client, base, email, password string) (string, error) {
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	resp, err := hc.Post(base+"/api/v1/sessions", "application/json", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct {
		Token string `json:"token"`
	}
	if resp.StatusCode == http.StatusServiceUnavailable {
		return "", errBusy
	}
	if resp.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
		return "", fmt.Errorf("%s: %s", resp.Status, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Token == "" {
		return "", fmt.Errorf("no token in the answer: %v", err)
	}
	return out.Token, nil
}
