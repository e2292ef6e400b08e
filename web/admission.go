package web

import (
	"context"
	"slices"
	"sync"
	"time"
)

// admission decides which requests are served now, which wait for a place
// and which are shed. It keeps a fixed number of places; a request that
// finds none waits up to a set time for one, and is shed if none comes.
//
// Which waiter a freed place goes to depends on how many requests are being
// shed. While few are, a burst is passing: the oldest waiter is served
// first. Once many are, the server is overloaded and the queue never clears:
// served oldest first, every request served would have waited nearly the
// whole wait, so the place goes to the newest waiter instead, which has
// waited least, and the oldest, whose clients have waited longest, are the
// ones shed. This is the adaptive LIFO of "Fail at Scale" (Maurer, ACM Queue
// 13(8), 2015), which switches once the queue has stood without emptying
// for a while; here requests reach the queue in bursts between which it
// empties even under overload, so the share of requests shed is what
// switches it (BENCHMARKS.md, "Mixed load and overload").
type admission struct {
	wait time.Duration // the longest a request waits for a place
	// observe, when set, is told of each request that waited: whether
	// places were going to the newest waiters (overload) as it came, whether
	// it was served, and how long it waited.
	observe func(newest, served bool, waited time.Duration)

	mu      sync.Mutex
	free    int       // places not taken
	waiters []*waiter // oldest first
	shed    float64   // the share of recent requests shed, a moving average
}

// The moving average of the share of requests shed weighs each request by
// shedWeight; places go to the newest waiter first while it is above
// overloaded. A passing burst sheds a few percent of requests; twice what
// can be served sheds more than half (BENCHMARKS.md).
const (
	shedWeight = 1.0 / 128
	overloaded = 0.25
)

// A waiter is a request waiting for a place; ready is closed when it is given one.
type waiter struct {
	ready   chan struct{}
	granted bool
}

func newAdmission(places int, wait time.Duration) *admission {
	return &admission{wait: wait, free: places}
}

// enter takes a place, waiting for one if need be. It reports false when no
// place came in time or the request was given up, and the request is to be shed.
func (a *admission) enter(ctx context.Context) bool {
	a.mu.Lock()
	if a.free > 0 {
		a.free--
		a.count(false)
		a.mu.Unlock()
		return true
	}
	w := &waiter{ready: make(chan struct{})}
	a.waiters = append(a.waiters, w)
	newest := a.shed > overloaded
	a.mu.Unlock()

	start := time.Now()
	served := a.await(ctx, w)
	if a.observe != nil {
		a.observe(newest, served, time.Since(start))
	}
	return served
}

// await waits for w to be given a place, and reports whether it was.
func (a *admission) await(ctx context.Context, w *waiter) bool {
	t := time.NewTimer(a.wait)
	defer t.Stop()
	select {
	case <-w.ready:
		return true
	case <-t.C:
	case <-ctx.Done():
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if w.granted { // given a place as the wait ran out: keep it
		return true
	}
	a.waiters = slices.DeleteFunc(a.waiters, func(o *waiter) bool { return o == w })
	a.count(true)
	return false
}

// count adds a request, shed or not, to the moving share of requests shed.
// Called with mu held.
func (a *admission) count(shed bool) {
	a.shed -= shedWeight * a.shed
	if shed {
		a.shed += shedWeight
	}
}

// leave gives a place back: to a waiter if there is one (the oldest, or
// the newest when overloaded), else to the free places.
func (a *admission) leave() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.waiters) == 0 {
		a.free++
		return
	}
	i := 0
	if a.shed > overloaded {
		i = len(a.waiters) - 1
	}
	w := a.waiters[i]
	a.waiters = slices.Delete(a.waiters, i, i+1)
	w.granted = true
	close(w.ready)
	a.count(false)
}
