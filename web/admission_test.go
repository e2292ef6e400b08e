package web

import (
	"context"
	"runtime"
	"slices"
	"testing"
	"time"
)

// waiting is how many requests wait for a place.
func (a *admission) waiting() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.waiters)
}

// queue starts n requests that wait for a place, one after the other, and
// returns the channel on which each sends its number once it has entered,
// or -1 minus its number once it has been shed.
func queue(t *testing.T, a *admission, n int) <-chan int {
	t.Helper()
	done := make(chan int, n)
	for i := range n {
		go func() {
			if a.enter(context.Background()) {
				done <- i
			} else {
				done <- -1 - i
			}
		}()
		for a.waiting() != i+1 {
			runtime.Gosched()
		}
	}
	return done
}

// order has the places given back one by one to n waiters, and returns
// the waiters in the order they entered.
func order(t *testing.T, a *admission, n int) []int {
	t.Helper()
	done := queue(t, a, n)
	var got []int
	for range n {
		a.leave()
		got = append(got, <-done)
	}
	return got
}

func TestAdmissionServesTheOldestFirstUntilOverloaded(t *testing.T) {
	a := newAdmission(1, time.Hour)
	if !a.enter(context.Background()) {
		t.Fatal("the first request found no place")
	}
	if got := order(t, a, 3); !slices.Equal(got, []int{0, 1, 2}) {
		t.Fatalf("a passing burst was served in the order %v, want the oldest first", got)
	}

	// Many requests shed: overload. The newest is served first.
	a.wait = time.Millisecond
	for range 60 {
		if a.enter(context.Background()) {
			t.Fatal("a request took a place that was not free")
		}
	}
	a.wait = time.Hour
	if got := order(t, a, 3); !slices.Equal(got, []int{2, 1, 0}) {
		t.Fatalf("under overload the waiters were served in the order %v, want the newest first", got)
	}

	// Once requests are served again, the oldest first again.
	for range 100 {
		order(t, a, 1)
	}
	if got := order(t, a, 3); !slices.Equal(got, []int{0, 1, 2}) {
		t.Fatalf("after the overload the waiters were served in the order %v, want the oldest first", got)
	}
	a.leave()
	if a.free != 1 || a.waiting() != 0 {
		t.Fatalf("after all left: %d free, %d waiting; want 1, 0", a.free, a.waiting())
	}
}

func TestAdmissionShedsWhenNoPlaceComesInTime(t *testing.T) {
	a := newAdmission(2, time.Millisecond)
	var observed []bool
	a.observe = func(_, served bool, waited time.Duration) {
		if waited < a.wait && !served {
			t.Errorf("shed after %v, before its wait of %v ran out", waited, a.wait)
		}
		observed = append(observed, served)
	}
	for range 2 {
		if !a.enter(context.Background()) {
			t.Fatal("a request found no place while one was free")
		}
	}
	if a.enter(context.Background()) {
		t.Fatal("a third request took a place of two")
	}
	if a.waiting() != 0 {
		t.Fatalf("%d still waiting after being shed", a.waiting())
	}
	a.leave()
	if !a.enter(context.Background()) {
		t.Fatal("a request found no place after one was given back")
	}
	if len(observed) != 1 || observed[0] {
		t.Fatalf("observed %v, want one request shed (those with a free place did not wait)", observed)
	}
}

func TestAdmissionLetsAGoneClientLeaveTheQueue(t *testing.T) {
	a := newAdmission(1, time.Hour)
	a.enter(context.Background())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan bool)
	go func() { done <- a.enter(ctx) }()
	for a.waiting() != 1 {
		runtime.Gosched()
	}
	cancel()
	if <-done {
		t.Fatal("a request whose client went away took a place")
	}
	if a.waiting() != 0 {
		t.Fatalf("%d still waiting", a.waiting())
	}
	a.leave()
	if a.free != 1 {
		t.Fatalf("%d places free after the last left, want 1", a.free)
	}
}
