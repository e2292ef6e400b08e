package main

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	var hundred []time.Duration
	for i := 1; i <= 100; i++ {
		hundred = append(hundred, time.Duration(i)*time.Millisecond)
	}
	cases := []struct {
		values []time.Duration
		p      float64
		want   time.Duration
	}{
		{nil, 99, 0},
		{[]time.Duration{7}, 50, 7},
		{[]time.Duration{7}, 99, 7},
		{hundred, 50, 50 * time.Millisecond},
		{hundred, 99, 99 * time.Millisecond},
		{hundred, 100, 100 * time.Millisecond},
		{hundred, 0.1, 1 * time.Millisecond},
		{hundred[:10], 99, 10 * time.Millisecond}, // nearest rank: the 10th of 10
		{hundred[:10], 50, 5 * time.Millisecond},
	}
	for _, c := range cases {
		if got := percentile(c.values, c.p); got != c.want {
			t.Errorf("p%v of %d values: %v, want %v", c.p, len(c.values), got, c.want)
		}
	}
}

func TestMixIsEightyPercentReads(t *testing.T) {
	reads, total := 0, 0
	for _, o := range mix {
		total += o.Weight
		if !o.Write {
			reads += o.Weight
		}
		if o.Write == (method(o.Route) == "GET") {
			t.Errorf("%s: write is %v", o.Route, o.Write)
		}
	}
	if total != 1000 || reads != 800 {
		t.Errorf("weights: %d in all, %d reads; want 1000 and 800", total, reads)
	}
}

// TestPickerFollowsTheWeights draws many requests and compares each
// route's share with its weight.
func TestPickerFollowsTheWeights(t *testing.T) {
	p := newPicker(mix)
	rnd := rand.New(rand.NewPCG(1, 2))
	const n = 200000
	counts := make([]int, len(mix))
	for range n {
		counts[p.pick(rnd)]++
	}
	for i, o := range mix {
		got, want := float64(counts[i])/n, float64(o.Weight)/1000
		if d := got - want; d > 0.005 || d < -0.005 {
			t.Errorf("%s: %.4f of the requests, want %.3f", o.Route, got, want)
		}
	}
}

// TestRequestsMatchTheirRoutes builds requests of every kind and checks
// each against its route's pattern, and that bodies are JSON objects.
func TestRequestsMatchTheirRoutes(t *testing.T) {
	f := &fixtures{Actors: []actor{{Token: "t", Contact: "grace"}}, Handles: []string{"ada", "zoë-2"},
		Posts: []int64{42}, Words: []string{"Łukasz", "data engineer"}}
	p := newPicker(mix)
	rnd := rand.New(rand.NewPCG(3, 4))
	seen := make([]bool, len(mix))
	for range 2000 {
		c := p.next(f, rnd)
		seen[c.Op] = true
		o := mix[c.Op]
		path, _, _ := strings.Cut(c.Path, "?")
		if c.Method != method(o.Route) || !matches(strings.TrimPrefix(o.Route, c.Method+" "), path) {
			t.Fatalf("%s %s for route %s", c.Method, c.Path, o.Route)
		}
		if (c.Body != nil) != o.Write {
			t.Errorf("%s: body %q", o.Route, c.Body)
		}
		if c.Body != nil {
			var m map[string]any
			if err := json.Unmarshal(c.Body, &m); err != nil || len(m) == 0 {
				t.Errorf("%s: body %q: %v", o.Route, c.Body, err)
			}
		}
		if c.Token != "t" {
			t.Errorf("%s: token %q", o.Route, c.Token)
		}
	}
	for i, ok := range seen {
		if !ok {
			t.Errorf("%s never drawn", mix[i].Route)
		}
	}
}

// matches reports whether path fits pattern, where {x} is any one segment.
func matches(pattern, path string) bool {
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(xs) {
		return false
	}
	for i := range ps {
		if strings.HasPrefix(ps[i], "{") {
			if xs[i] == "" {
				return false
			}
		} else if ps[i] != xs[i] {
			return false
		}
	}
	return true
}

func TestSummarizeCountsEachOutcome(t *testing.T) {
	rs := []result{
		{Status: 200, Latency: 2 * time.Millisecond},
		{Status: 201, Latency: 4 * time.Millisecond},
		{Status: 409, Latency: 6 * time.Millisecond},
		{Status: 503, RetryAfter: true, Latency: 10 * time.Microsecond},
		{Status: 503, Latency: 20 * time.Microsecond},
		{Status: 429, RetryAfter: true, Latency: 30 * time.Microsecond},
		{Status: 0, Latency: 10 * time.Second},
		{Dropped: true},
	}
	s := summarize("x", rs)
	want := summary{Name: "x", Sent: 7, Served: 3, OK: 2, TooMany: 1, TooManyRA: 1, Unavailable: 2, UnavailableRA: 1,
		Other: 1, OtherStatuses: map[int]int{409: 1}, Failed: 1, Dropped: 1, P50: 4 * time.Millisecond, P99: 6 * time.Millisecond, Max: 6 * time.Millisecond,
		ShedP50: 20 * time.Microsecond, ShedP99: 30 * time.Microsecond}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("got  %+v\nwant %+v", s, want)
	}
}

func TestParsePhases(t *testing.T) {
	ps, err := parsePhases("", "1600, 400", "60s,30s")
	if err != nil || len(ps) != 2 || ps[0] != (phase{Rate: 1600, Duration: time.Minute}) || ps[1] != (phase{Rate: 400, Duration: 30 * time.Second}) {
		t.Errorf("open: %+v %v", ps, err)
	}
	ps, err = parsePhases("2,4,8", "", "20s")
	if err != nil || len(ps) != 3 || ps[2] != (phase{Workers: 8, Duration: 20 * time.Second}) {
		t.Errorf("closed: %+v %v", ps, err)
	}
	for _, bad := range [][3]string{{"2", "100", "1s"}, {"", "100,200", "1s,2s,3s"}, {"0", "", "1s"}, {"", "fast", "1s"}, {"", "100", "soon"}} {
		if _, err := parsePhases(bad[0], bad[1], bad[2]); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
