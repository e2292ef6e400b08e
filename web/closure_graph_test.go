package web_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/rapportnet/rapport/graph"
)

// TestClosedAccountLeavesEveryGraphIndex: two processes share one
// database; an account closed in one leaves the other's graph index too,
// comes back when reopened, and is left out of an index built afresh.
func TestClosedAccountLeavesEveryGraphIndex(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "rapport.db")
	one := newTestSiteOn(t, path, dir)
	ada, bob := quickMember(t, one, "ada"), quickMember(t, one, "bob")
	connect(t, one, ada, "ada", bob, "bob")
	two := newTestSiteOn(t, path, dir)
	adaID, bobID := mustAuth(t, one, ada).MemberID, mustAuth(t, one, bob).MemberID
	waitDegree := func(site *testSite, want graph.Degree) {
		t.Helper()
		for site.Svc.Graph().Degree(bobID, adaID) != want {
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitDegree(two, 1)
	mustAPI(t, one, "POST", "/api/v1/me/close", ada, map[string]string{"password": testPassword}, 204)
	if got := one.Svc.Graph().Degree(bobID, adaID); got == 1 {
		t.Errorf("the closing process still connects bob and ada")
	}
	waitDegree(two, graph.Degree(0))
	if fresh := newTestSiteOn(t, path, dir); fresh.Svc.Graph().Degree(bobID, adaID) == 1 {
		t.Errorf("an index built afresh connects bob to the closed account")
	}
	one.logIn("ada")
	waitDegree(two, 1)
}
