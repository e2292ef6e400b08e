package main

import (
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
	"time"
)

// result is one request's outcome. Status 0 is a request that got no answer
// (a timeout, a refused connection); dropped is one the client did not
// send because too many were outstanding already.
type result struct {
	Op         int
	Phase      int
	Start      time.Duration // when it was due, from the start of the run
	Latency    time.Duration // from when it was due to the end of the answer
	Status     int
	RetryAfter bool
	Dropped    bool
}

// shed reports whether the server refused the request to protect itself:
// 503 from the limit of requests at once, 429 from a rate limit.
func (r result) shed() bool {
	return r.Status == 429 || r.Status == 503
}

// served reports whether the server answered the request other than by
// shedding it: these are the requests whose latency counts.
func (r result) served() bool { return !r.Dropped && r.Status != 0 && !r.shed() }

// recorder collects results from many goroutines.
type recorder struct {
	mu  sync.Mutex
	all []result
}

func (rec *recorder) add(r result) {
	rec.mu.Lock()
	rec.all = append(rec.all, r)
	rec.mu.Unlock()
}

// percentile is the nearest-rank percentile p (0 < p ≤ 100) of sorted
// values, 0 when there are none.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// summary counts the results of one route (or of a group of routes) over
// some span of time.
type summary struct {
	Name          string
	Sent          int // requests sent, not counting those dropped
	Served        int // answered, other than by 429 or 503
	OK            int // 2xx
	TooMany       int // 429
	TooManyRA     int // of which with Retry-After
	Unavailable   int // 503
	UnavailableRA int // of which with Retry-After
	Other         int // answered, neither 2xx nor 429 nor 503
	OtherStatuses map[int]int
	Failed        int // no answer
	Dropped       int // not sent: too many outstanding
	P50, P99, Max time.Duration
	ShedP50       time.Duration // how fast the shed answers came
	ShedP99       time.Duration
}

func summarize(name string, rs []result) summary {
	s := summary{Name: name}
	var served, shed []time.Duration
	for _, r := range rs {
		if r.Dropped {
			s.Dropped++
			continue
		}
		s.Sent++
		switch {
		case r.Status == 0:
			s.Failed++
		case r.Status == 429:
			s.TooMany++
			if r.RetryAfter {
				s.TooManyRA++
			}
		case r.Status == 503:
			s.Unavailable++
			if r.RetryAfter {
				s.UnavailableRA++
			}
		case r.Status >= 200 && r.Status < 300:
			s.OK++
		default:
			s.Other++
			if s.OtherStatuses == nil {
				s.OtherStatuses = map[int]int{}
			}
			s.OtherStatuses[r.Status]++
		}
		if r.served() {
			served = append(served, r.Latency)
		} else if r.shed() {
			shed = append(shed, r.Latency)
		}
	}
	s.Served = len(served)
	slices.Sort(served)
	slices.Sort(shed)
	s.P50, s.P99 = percentile(served, 50), percentile(served, 99)
	if len(served) > 0 {
		s.Max = served[len(served)-1]
	}
	s.ShedP50, s.ShedP99 = percentile(shed, 50), percentile(shed, 99)
	return s
}

// byRoute summarizes results per route of the mix, then reads, writes and
// all of them.
func byRoute(rs []result) []summary {
	per := make([][]result, len(mix))
	var reads, writes []result
	for _, r := range rs {
		per[r.Op] = append(per[r.Op], r)
		if mix[r.Op].Write {
			writes = append(writes, r)
		} else {
			reads = append(reads, r)
		}
	}
	var out []summary
	for i, o := range mix {
		out = append(out, summarize(o.Route, per[i]))
	}
	return append(out, summarize("reads", reads), summarize("writes", writes), summarize("all", rs))
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond)) }

func ratio(part, whole int) string {
	if whole == 0 {
		return "0"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(part)/float64(whole))
}

// printRoutes writes the per-route table of a span of secs seconds, as
// Markdown.
func printRoutes(w io.Writer, sums []summary, secs float64) {
	fmt.Fprintln(w, "| route | sent | req/s | served/s | p50 ms | p99 ms | max ms | 2xx | 429 (Retry-After) | 503 (Retry-After) | other | no answer | dropped |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
	for _, s := range sums {
		name := "`" + s.Name + "`"
		if !strings.Contains(s.Name, " ") {
			name = "**" + s.Name + "**"
		}
		fmt.Fprintf(w, "| %s | %d | %.0f | %.0f | %s | %s | %s | %d | %d (%d) | %d (%d) | %d | %d | %d |\n",
			name, s.Sent, float64(s.Sent)/secs, float64(s.Served)/secs, ms(s.P50), ms(s.P99), ms(s.Max),
			s.OK, s.TooMany, s.TooManyRA, s.Unavailable, s.UnavailableRA, s.Other, s.Failed, s.Dropped)
	}
}

// printOther lists the statuses counted as other, by route.
func printOther(w io.Writer, sums []summary) {
	for _, s := range sums[:len(sums)-3] { // not the groups
		if s.Other == 0 {
			continue
		}
		codes := slices.Sorted(maps.Keys(s.OtherStatuses))
		var parts []string
		for _, c := range codes {
			parts = append(parts, fmt.Sprintf("%d × %d", s.OtherStatuses[c], c))
		}
		fmt.Fprintf(w, "\nother answers to %s: %s", s.Name, strings.Join(parts, ", "))
	}
	fmt.Fprintln(w)
}

// printWindows writes, for each window of the run, what was due in it and
// how it went: to see overload come and go.
func printWindows(w io.Writer, rs []result, window time.Duration, phaseName func(int) string) {
	if len(rs) == 0 {
		return
	}
	var last time.Duration
	for _, r := range rs {
		last = max(last, r.Start)
	}
	n := int(last/window) + 1
	per := make([][]result, n)
	for _, r := range rs {
		k := int(r.Start / window)
		per[k] = append(per[k], r)
	}
	secs := window.Seconds()
	fmt.Fprintln(w, "| from s | phase | due/s | served/s | shed | no answer | dropped | p50 ms | p99 ms | max ms |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
	for k, list := range per {
		if len(list) == 0 {
			continue
		}
		s := summarize("", list)
		fmt.Fprintf(w, "| %.0f | %s | %.0f | %.0f | %s | %d | %d | %s | %s | %s |\n",
			(time.Duration(k) * window).Seconds(), phaseName(list[0].Phase), float64(len(list))/secs, float64(s.Served)/secs,
			ratio(s.TooMany+s.Unavailable, s.Sent), s.Failed, s.Dropped, ms(s.P50), ms(s.P99), ms(s.Max))
	}
}
