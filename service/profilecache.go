package service

import (
	"sync"
	"time"

	"github.com/rapportnet/rapport"
)

// profileCache keeps members' profiles as the store last gave them, for the
// busiest read of a site: showing a profile. An entry is dropped by every
// change that makes it stale (base.profileChanged): in this process at once,
// and in the others sharing the database when they read the change log
// (FollowChanges), within a poll. Blocks are never cached: they are read
// with every request, so that a block hides a profile at once everywhere.
// A change to a member's account made outside the services must be
// written to the profile change log too (store.writeProfile does it).
type profileCache struct {
	mu       sync.Mutex
	byHandle map[string]cachedProfile
	handles  map[int64]string // member id → handle, to drop by id
	// dropped counts the drops: a read that began before one may have read
	// what it dropped, and must not be kept (see put).
	dropped uint64
}

type cachedProfile struct {
	m  *rapport.Member // never changed once cached: readers copy it
	at time.Time
}

const (
	// profileTTL bounds how long an entry is trusted even without a change
	// in the log: a safety net, not the means of invalidation.
	profileTTL   = time.Minute
	profilesKept = 100_000 // about 2 KB each
)

func newProfileCache() *profileCache {
	return &profileCache{byHandle: map[string]cachedProfile{}, handles: map[int64]string{}}
}

// get returns a copy of the member at handle, when kept and fresh; the
// profile's lists are shared and must not be changed.
func (pc *profileCache) get(handle string, now time.Time) (*rapport.Member, bool) {
	pc.mu.Lock()
	e, ok := pc.byHandle[handle]
	pc.mu.Unlock()
	if !ok || now.Sub(e.at) > profileTTL {
		return nil, false
	}
	m := *e.m
	return &m, true
}

// drops returns the count of drops so far, to give put.
func (pc *profileCache) drops() uint64 {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	return pc.dropped
}

// put keeps a copy of m, read from the store at now by a read that began
// when the count of drops was drops. If any profile was dropped since, the
// read may be older than the change behind the drop, and m is not kept.
func (pc *profileCache) put(m *rapport.Member, now time.Time, drops uint64) {
	kept := *m
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.dropped != drops {
		return
	}
	if len(pc.byHandle) >= profilesKept {
		for h, e := range pc.byHandle { // any one: map order is random
			delete(pc.byHandle, h)
			delete(pc.handles, e.m.ID)
			break
		}
	}
	pc.byHandle[m.Handle] = cachedProfile{&kept, now}
	pc.handles[m.ID] = m.Handle
}

// drop forgets a member's profile.
func (pc *profileCache) drop(memberID int64) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	pc.dropped++
	if h, ok := pc.handles[memberID]; ok {
		delete(pc.byHandle, h)
		delete(pc.handles, memberID)
	}
}
