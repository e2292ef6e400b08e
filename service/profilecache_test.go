package service

import (
	"testing"
	"time"

	"github.com/rapportnet/rapport"
)

// TestProfileCacheRefusesReadsOlderThanADrop checks that a profile read
// from the store before a change was dropped is not kept: it may be the
// profile as it was before that change.
func TestProfileCacheRefusesReadsOlderThanADrop(t *testing.T) {
	pc := newProfileCache()
	now := time.Now()
	ada := &rapport.Member{ID: 1, Handle: "ada", DisplayName: "Ada"}

	drops := pc.drops()
	pc.drop(1) // the change lands while the read is under way
	pc.put(ada, now, drops)
	if _, ok := pc.get("ada", now); ok {
		t.Fatal("a read older than a drop was kept")
	}

	pc.put(ada, now, pc.drops())
	m, ok := pc.get("ada", now)
	if !ok || m.DisplayName != "Ada" {
		t.Fatalf("a fresh read was not kept: %v %v", m, ok)
	}
	m.DisplayName = "changed by a reader"
	if m, _ := pc.get("ada", now); m.DisplayName != "Ada" {
		t.Fatal("a reader changed the kept profile")
	}
	if _, ok := pc.get("ada", now.Add(profileTTL+time.Second)); ok {
		t.Fatal("a profile was trusted past its time")
	}
	pc.drop(1)
	if _, ok := pc.get("ada", now); ok {
		t.Fatal("a dropped profile is still kept")
	}
}
