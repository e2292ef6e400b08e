package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/store"
)

// mustGrantRecruiterSeats grants n Recruiter seats to an organization and
// returns their ids, oldest first.
func mustGrantRecruiterSeats(tb testing.TB, db *store.DB, orgID int64, n int) []int64 {
	tb.Helper()
	ctx := context.Background()
	if err := db.GrantSeats(ctx, orgID, rapport.ProductRecruiter, n, t0); err != nil {
		tb.Fatal(err)
	}
	seats, err := db.FindSeats(ctx, orgID)
	if err != nil || len(seats) != n {
		tb.Fatalf("seats = %+v, %v; want %d", seats, err, n)
	}
	ids := make([]int64, n)
	for i, s := range seats {
		ids[i] = s.ID
	}
	return ids
}

// mustHoldSeat offers a seat to a member and has them accept it.
func mustHoldSeat(tb testing.TB, db *store.DB, seatID, memberID, actorID int64, at time.Time) {
	tb.Helper()
	ctx := context.Background()
	if err := db.AssignSeat(ctx, seatID, memberID, actorID, at); err != nil {
		tb.Fatal(err)
	}
	if err := db.AnswerSeat(ctx, seatID, memberID, true, at); err != nil {
		tb.Fatal(err)
	}
}

// wantCard checks the member card fields a list reads.
func wantCard(tb testing.TB, what string, got, want *rapport.Member) {
	tb.Helper()
	if got == nil || got.ID != want.ID || got.Handle != want.Handle || got.DisplayName != want.DisplayName ||
		got.Status != rapport.StatusActive {
		tb.Fatalf("%s = %+v, want the card of %s", what, got, want.Handle)
	}
}

func TestRecruiterProjectsStore(t *testing.T) {
	eachStoreWithSQL(t, func(t *testing.T, db *store.DB, raw *sql.DB) {
		ctx := context.Background()
		ada, bob, carol, dave := mustCreateMember(t, db, "ada"), mustCreateMember(t, db, "bob"),
			mustCreateMember(t, db, "carol"), mustCreateMember(t, db, "dave")
		acme := mustCreateOrg(t, db, "acme", ada.ID)
		seats := mustGrantRecruiterSeats(t, db, acme.ID, 2)
		s1, s2 := seats[0], seats[1]
		at := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }

		create := func(t *testing.T, seat int64, name string, now time.Time) *rapport.Project {
			t.Helper()
			p := &rapport.Project{SeatID: seat, Name: name}
			if err := db.CreateProject(ctx, p, now); err != nil {
				t.Fatal(err)
			}
			if p.ID == 0 || !p.CreatedAt.Equal(now) || !p.UpdatedAt.Equal(now) {
				t.Fatalf("created project = %+v", p)
			}
			return p
		}
		// list checks a seat's projects as "name:size", in order, and returns them.
		list := func(t *testing.T, seat int64, want ...string) []*rapport.Project {
			t.Helper()
			got, err := db.FindProjects(ctx, seat)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, p := range got {
				if p.SeatID != seat {
					t.Fatalf("seat %d lists %+v", seat, p)
				}
				names = append(names, fmt.Sprintf("%s:%d", p.Name, p.Size))
			}
			if len(names) != len(want) {
				t.Fatalf("seat %d's projects = %v, want %v", seat, names, want)
			}
			for i := range want {
				if names[i] != want[i] {
					t.Fatalf("seat %d's projects = %v, want %v", seat, names, want)
				}
			}
			return got
		}
		find := func(t *testing.T, seat, id int64) *rapport.Project {
			t.Helper()
			p, err := db.FindProject(ctx, seat, id)
			if err != nil {
				t.Fatal(err)
			}
			if p.ID != id || p.SeatID != seat || p.Size != len(p.Candidates) {
				t.Fatalf("project = %+v", p)
			}
			return p
		}
		candidateRows := func(t *testing.T, projectID int64) int {
			t.Helper()
			var n int
			if err := raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM recruiter_candidates WHERE project_id = $1`, projectID).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}

		backend := create(t, s1, "  Backend ", at(0))
		design := create(t, s1, "Design", at(1))
		other := create(t, s2, "Sales", at(2))
		if backend.ID == design.ID || design.ID == other.ID {
			t.Fatal("two projects share an id")
		}

		t.Run("ListedBySeatNewestChangeFirst", func(t *testing.T) {
			got := list(t, s1, "Design:0", "Backend:0")
			if !got[1].CreatedAt.Equal(at(0)) || !got[1].UpdatedAt.Equal(at(0)) || got[1].ID != backend.ID {
				t.Fatalf("listed %+v", got[1])
			}
			list(t, s2, "Sales:0")
			list(t, 999999)
		})
		t.Run("PutCandidateAddsThenMoves", func(t *testing.T) {
			if err := db.PutCandidate(ctx, s1, backend.ID, bob.ID, "sourced", at(3)); err != nil {
				t.Fatal(err)
			}
			// Adding bumps the project to the top.
			got := list(t, s1, "Backend:1", "Design:0")
			if !got[0].UpdatedAt.Equal(at(3)) || !got[0].CreatedAt.Equal(at(0)) {
				t.Fatalf("backend after adding = %+v", got[0])
			}
			if err := db.PutCandidate(ctx, s1, backend.ID, carol.ID, "interviewing", at(4)); err != nil {
				t.Fatal(err)
			}
			if err := db.PutCandidate(ctx, s1, design.ID, carol.ID, "sourced", at(5)); err != nil {
				t.Fatal(err)
			}
			list(t, s1, "Design:1", "Backend:2")
			// Moving bob: one row, a new stage, the same added time.
			if err := db.PutCandidate(ctx, s1, backend.ID, bob.ID, "replied", at(6)); err != nil {
				t.Fatal(err)
			}
			if n := candidateRows(t, backend.ID); n != 2 {
				t.Fatalf("backend has %d candidate rows, want 2", n)
			}
			got = list(t, s1, "Backend:2", "Design:1")
			if !got[0].UpdatedAt.Equal(at(6)) {
				t.Fatalf("backend after moving = %+v", got[0])
			}
			p := find(t, s1, backend.ID)
			if p.Name != "Backend" || !p.CreatedAt.Equal(at(0)) || !p.UpdatedAt.Equal(at(6)) || len(p.Candidates) != 2 {
				t.Fatalf("backend = %+v", p)
			}
			// Bob is both at the earlier stage and the most recently moved.
			b, c := p.Candidates[0], p.Candidates[1]
			wantCard(t, "first candidate", b.Member, bob)
			wantCard(t, "second candidate", c.Member, carol)
			if b.Stage != "replied" || !b.AddedAt.Equal(at(3)) || !b.UpdatedAt.Equal(at(6)) {
				t.Fatalf("bob in backend = %+v", b)
			}
			if c.Stage != "interviewing" || !c.AddedAt.Equal(at(4)) || !c.UpdatedAt.Equal(at(4)) {
				t.Fatalf("carol in backend = %+v", c)
			}
		})
		t.Run("SizeCountsActiveMembers", func(t *testing.T) {
			if err := db.PutCandidate(ctx, s1, backend.ID, dave.ID, "sourced", at(7)); err != nil {
				t.Fatal(err)
			}
			list(t, s1, "Backend:3", "Design:1")
			if _, err := raw.ExecContext(ctx, `UPDATE members SET status = $1 WHERE id = $2`, rapport.StatusSuspended, dave.ID); err != nil {
				t.Fatal(err)
			}
			list(t, s1, "Backend:2", "Design:1")
			p := find(t, s1, backend.ID)
			for _, c := range p.Candidates {
				if c.Member.ID == dave.ID {
					t.Fatalf("a suspended member is a candidate: %+v", p.Candidates)
				}
			}
			if len(p.Candidates) != 2 {
				t.Fatalf("backend's candidates = %+v", p.Candidates)
			}
		})
		t.Run("OtherSeatChangesNothing", func(t *testing.T) {
			wantCode(t, db.PutCandidate(ctx, s2, backend.ID, carol.ID, "hired", at(8)), rapport.ENOTFOUND)
			wantCode(t, db.PutCandidate(ctx, s2, backend.ID, ada.ID, "sourced", at(8)), rapport.ENOTFOUND)
			wantCode(t, db.PutCandidate(ctx, s1, 999999, ada.ID, "sourced", at(8)), rapport.ENOTFOUND)
			wantCode(t, db.RenameProject(ctx, s2, backend.ID, "Hijacked", at(8)), rapport.ENOTFOUND)
			wantCode(t, db.DeleteCandidate(ctx, s2, backend.ID, bob.ID), rapport.ENOTFOUND)
			wantCode(t, db.DeleteProject(ctx, s2, backend.ID), rapport.ENOTFOUND)
			_, err := db.FindProject(ctx, s2, backend.ID)
			wantCode(t, err, rapport.ENOTFOUND)
			_, err = db.FindProject(ctx, s1, 999999)
			wantCode(t, err, rapport.ENOTFOUND)

			p := find(t, s1, backend.ID)
			if p.Name != "Backend" || !p.UpdatedAt.Equal(at(7)) || len(p.Candidates) != 2 ||
				p.Candidates[0].Member.ID != bob.ID || p.Candidates[0].Stage != "replied" ||
				p.Candidates[1].Member.ID != carol.ID || p.Candidates[1].Stage != "interviewing" {
				t.Fatalf("backend after another seat's changes = %+v", p)
			}
			if n := candidateRows(t, backend.ID); n != 3 {
				t.Fatalf("backend has %d candidate rows, want 3", n)
			}
			list(t, s1, "Backend:2", "Design:1")
			list(t, s2, "Sales:0")
		})
		t.Run("Rename", func(t *testing.T) {
			if err := db.RenameProject(ctx, s1, design.ID, "  Product design ", at(9)); err != nil {
				t.Fatal(err)
			}
			got := list(t, s1, "Product design:1", "Backend:2")
			if !got[0].UpdatedAt.Equal(at(9)) || !got[0].CreatedAt.Equal(at(1)) {
				t.Fatalf("renamed project = %+v", got[0])
			}
			wantCode(t, db.RenameProject(ctx, s1, 999999, "Nothing", at(9)), rapport.ENOTFOUND)
		})
		t.Run("DeleteCandidate", func(t *testing.T) {
			wantCode(t, db.DeleteCandidate(ctx, s1, backend.ID, ada.ID), rapport.ENOTFOUND)
			wantCode(t, db.DeleteCandidate(ctx, s1, design.ID, bob.ID), rapport.ENOTFOUND)
			if err := db.DeleteCandidate(ctx, s1, backend.ID, carol.ID); err != nil {
				t.Fatal(err)
			}
			wantCode(t, db.DeleteCandidate(ctx, s1, backend.ID, carol.ID), rapport.ENOTFOUND)
			p := find(t, s1, backend.ID)
			if len(p.Candidates) != 1 || p.Candidates[0].Member.ID != bob.ID {
				t.Fatalf("backend's candidates = %+v", p.Candidates)
			}
			// Carol stays in the other project.
			if d := find(t, s1, design.ID); len(d.Candidates) != 1 || d.Candidates[0].Member.ID != carol.ID {
				t.Fatalf("design's candidates = %+v", d.Candidates)
			}
		})
		t.Run("DeleteProjectDeletesCandidates", func(t *testing.T) {
			if n := candidateRows(t, backend.ID); n != 2 { // bob, and suspended dave
				t.Fatalf("backend has %d candidate rows before deletion, want 2", n)
			}
			if err := db.DeleteProject(ctx, s1, backend.ID); err != nil {
				t.Fatal(err)
			}
			_, err := db.FindProject(ctx, s1, backend.ID)
			wantCode(t, err, rapport.ENOTFOUND)
			if n := candidateRows(t, backend.ID); n != 0 {
				t.Fatalf("a deleted project keeps %d candidate rows", n)
			}
			wantCode(t, db.DeleteProject(ctx, s1, backend.ID), rapport.ENOTFOUND)
			wantCode(t, db.PutCandidate(ctx, s1, backend.ID, bob.ID, "sourced", at(10)), rapport.ENOTFOUND)
			list(t, s1, "Product design:1")
			list(t, s2, "Sales:0")
			if n := candidateRows(t, design.ID); n != 1 {
				t.Fatalf("design has %d candidate rows, want 1", n)
			}
		})
	})
}

func TestRecruiterNotesStore(t *testing.T) {
	eachStore(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ada, bob, carol := mustCreateMember(t, db, "ada"), mustCreateMember(t, db, "bob"), mustCreateMember(t, db, "carol")
		acme := mustCreateOrg(t, db, "acme", ada.ID)
		seats := mustGrantRecruiterSeats(t, db, acme.ID, 2)
		s1, s2 := seats[0], seats[1]

		note := func(t *testing.T, seat, about, author int64, body string, now time.Time) *rapport.CandidateNote {
			t.Helper()
			n := &rapport.CandidateNote{SeatID: seat, MemberID: about, Body: body}
			if err := db.CreateNote(ctx, n, author, now); err != nil {
				t.Fatal(err)
			}
			if n.ID == 0 || !n.CreatedAt.Equal(now) {
				t.Fatalf("created note = %+v", n)
			}
			return n
		}
		notes := func(t *testing.T, seat, about int64, want ...*rapport.CandidateNote) []*rapport.CandidateNote {
			t.Helper()
			got, err := db.FindNotes(ctx, seat, about)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("seat %d's notes on %d = %+v, want %d", seat, about, got, len(want))
			}
			for i, w := range want {
				if g := got[i]; g.ID != w.ID || g.Body != w.Body || g.SeatID != seat || g.MemberID != about || !g.CreatedAt.Equal(w.CreatedAt) {
					t.Fatalf("note %d = %+v, want %+v", i, g, w)
				}
			}
			return got
		}

		first := note(t, s1, bob.ID, ada.ID, "Strong on Go.\nAsk about Rust.", t0)
		second := note(t, s1, bob.ID, carol.ID, "Called; call back in May.", t0.Add(time.Minute))
		onCarol := note(t, s1, carol.ID, ada.ID, "Not looking.", t0.Add(2*time.Minute))

		t.Run("NewestFirstWithAuthors", func(t *testing.T) {
			got := notes(t, s1, bob.ID, second, first)
			wantCard(t, "author of the newest note", got[0].Author, carol)
			wantCard(t, "author of the oldest note", got[1].Author, ada)
			got = notes(t, s1, carol.ID, onCarol)
			wantCard(t, "author of the note on carol", got[0].Author, ada)
			notes(t, s1, ada.ID)
		})
		t.Run("OtherSeatSeesNone", func(t *testing.T) {
			notes(t, s2, bob.ID)
			notes(t, s2, carol.ID)
			theirs := note(t, s2, bob.ID, ada.ID, "From the other seat.", t0.Add(3*time.Minute))
			notes(t, s2, bob.ID, theirs)
			notes(t, s1, bob.ID, second, first)
		})
		t.Run("Delete", func(t *testing.T) {
			wantCode(t, db.DeleteNote(ctx, s2, first.ID), rapport.ENOTFOUND)
			notes(t, s1, bob.ID, second, first)
			if err := db.DeleteNote(ctx, s1, first.ID); err != nil {
				t.Fatal(err)
			}
			notes(t, s1, bob.ID, second)
			wantCode(t, db.DeleteNote(ctx, s1, first.ID), rapport.ENOTFOUND)
			wantCode(t, db.DeleteNote(ctx, s1, 999999), rapport.ENOTFOUND)
			notes(t, s1, carol.ID, onCarol)
		})
	})
}

func TestRecruiterSavedSearchesStore(t *testing.T) {
	eachStore(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ada := mustCreateMember(t, db, "ada")
		acme := mustCreateOrg(t, db, "acme", ada.ID)
		seats := mustGrantRecruiterSeats(t, db, acme.ID, 2)
		s1, s2 := seats[0], seats[1]

		save := func(t *testing.T, seat int64, name string, q rapport.SavedQuery, now time.Time) *rapport.SavedSearch {
			t.Helper()
			s := &rapport.SavedSearch{SeatID: seat, Name: name, Query: q}
			if err := db.CreateSavedSearch(ctx, s, now); err != nil {
				t.Fatal(err)
			}
			if s.ID == 0 || !s.CreatedAt.Equal(now) {
				t.Fatalf("saved search = %+v", s)
			}
			return s
		}
		type want struct {
			id   int64
			name string
			q    rapport.SavedQuery
			at   time.Time
		}
		saved := func(t *testing.T, seat int64, wants ...want) {
			t.Helper()
			got, err := db.FindSavedSearches(ctx, seat)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(wants) {
				t.Fatalf("seat %d's saved searches = %+v, want %d", seat, got, len(wants))
			}
			for i, w := range wants {
				if g := got[i]; g.ID != w.id || g.SeatID != seat || g.Name != w.name || g.Query != w.q || !g.CreatedAt.Equal(w.at) {
					t.Fatalf("saved search %d = %+v, want %+v", i, g, w)
				}
			}
		}

		full := rapport.SavedQuery{Text: "go engineer", CurrentOrganization: "globex", Location: "Paris", OpenToWork: true}
		short := rapport.SavedQuery{Text: "designer"}
		a := save(t, s1, "  Paris engineers ", full, t0)
		b := save(t, s1, "Designers", short, t0.Add(time.Minute))
		c := save(t, s2, "Everyone open", rapport.SavedQuery{OpenToWork: true}, t0.Add(2*time.Minute))

		t.Run("RoundTripPerSeat", func(t *testing.T) {
			saved(t, s1, want{b.ID, "Designers", short, t0.Add(time.Minute)}, want{a.ID, "Paris engineers", full, t0})
			saved(t, s2, want{c.ID, "Everyone open", rapport.SavedQuery{OpenToWork: true}, t0.Add(2 * time.Minute)})
			saved(t, 999999)
		})
		t.Run("Delete", func(t *testing.T) {
			wantCode(t, db.DeleteSavedSearch(ctx, s2, a.ID), rapport.ENOTFOUND)
			saved(t, s1, want{b.ID, "Designers", short, t0.Add(time.Minute)}, want{a.ID, "Paris engineers", full, t0})
			if err := db.DeleteSavedSearch(ctx, s1, a.ID); err != nil {
				t.Fatal(err)
			}
			saved(t, s1, want{b.ID, "Designers", short, t0.Add(time.Minute)})
			wantCode(t, db.DeleteSavedSearch(ctx, s1, a.ID), rapport.ENOTFOUND)
			saved(t, s2, want{c.ID, "Everyone open", rapport.SavedQuery{OpenToWork: true}, t0.Add(2 * time.Minute)})
		})
	})
}

// inMailEnv is an organization with two Recruiter seats: s1 held by ada,
// s2 by erin.
type inMailEnv struct {
	db                    *store.DB
	ada, bob, carol, erin *rapport.Member
	acme                  *rapport.Organization
	s1, s2                int64
	monthStart            time.Time
}

func newInMailEnv(t *testing.T, db *store.DB) *inMailEnv {
	t.Helper()
	e := &inMailEnv{db: db, ada: mustCreateMember(t, db, "ada"), bob: mustCreateMember(t, db, "bob"),
		carol: mustCreateMember(t, db, "carol"), erin: mustCreateMember(t, db, "erin"),
		monthStart: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	e.acme = mustCreateOrg(t, db, "acme", e.ada.ID)
	seats := mustGrantRecruiterSeats(t, db, e.acme.ID, 2)
	e.s1, e.s2 = seats[0], seats[1]
	mustHoldSeat(t, db, e.s1, e.ada.ID, e.ada.ID, t0)
	mustHoldSeat(t, db, e.s2, e.erin.ID, e.ada.ID, t0)
	return e
}

// send starts a thread from a seat, and returns it and the error.
func (e *inMailEnv) send(seat int64, to, sender *rapport.Member, subject, body string, monthStart, now time.Time) (*rapport.InMailThread, error) {
	th := &rapport.InMailThread{SeatID: seat, Recipient: to, Subject: subject}
	err := e.db.CreateInMail(context.Background(), th, sender.ID, body, monthStart, now)
	return th, err
}

func (e *inMailEnv) mustSend(t *testing.T, seat int64, to, sender *rapport.Member, subject, body string, now time.Time) *rapport.InMailThread {
	t.Helper()
	th, err := e.send(seat, to, sender, subject, body, e.monthStart, now)
	if err != nil {
		t.Fatal(err)
	}
	if th.ID == 0 || th.Status != rapport.InMailOpen || !th.CreatedAt.Equal(now) || !th.UpdatedAt.Equal(now) {
		t.Fatalf("created thread = %+v", th)
	}
	return th
}

func (e *inMailEnv) count(t *testing.T, seat int64, since time.Time) int {
	t.Helper()
	n, err := e.db.CountInMail(context.Background(), seat, since)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// thread reads a thread as its seat (seat set) or its recipient.
func (e *inMailEnv) thread(t *testing.T, seat, recipient, id int64) *rapport.InMailThread {
	t.Helper()
	th, err := e.db.FindInMailThread(context.Background(), seat, recipient, id)
	if err != nil {
		t.Fatalf("thread %d for seat %d / member %d: %v", id, seat, recipient, err)
	}
	return th
}

// msgWant is a message as a test expects it.
type msgWant struct {
	sender   *rapport.Member
	fromSeat bool
	body     string
	at       time.Time
}

func wantMessages(t *testing.T, th *rapport.InMailThread, want ...msgWant) {
	t.Helper()
	if len(th.Messages) != len(want) {
		t.Fatalf("thread %d has %d messages %+v, want %d", th.ID, len(th.Messages), th.Messages, len(want))
	}
	for i, w := range want {
		m := th.Messages[i]
		wantCard(t, "sender", m.Sender, w.sender)
		if m.ID == 0 || m.FromSeat != w.fromSeat || m.Body != w.body || !m.CreatedAt.Equal(w.at) {
			t.Fatalf("message %d = %+v, want %+v", i, m, w)
		}
	}
}

func TestInMailThreadsStore(t *testing.T) {
	eachStore(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newInMailEnv(t, db)
		ada, bob, carol, erin := e.ada, e.bob, e.carol, e.erin
		at := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }

		toBob := e.mustSend(t, e.s1, bob, ada, "  A role at Acme ", "Hello Bob,\nare you open to a chat?", at(1))
		first := msgWant{ada, true, "Hello Bob,\nare you open to a chat?", at(1)}

		wantThread := func(t *testing.T, th *rapport.InMailThread, id int64, to *rapport.Member, subject, status, report string, created, updated time.Time) {
			t.Helper()
			wantCard(t, "recipient", th.Recipient, to)
			if th.ID != id || th.SeatID != e.s1 || th.Organization == nil || th.Organization.ID != e.acme.ID || th.Subject != subject ||
				th.Status != status || th.Report != report || !th.CreatedAt.Equal(created) || !th.UpdatedAt.Equal(updated) {
				t.Fatalf("thread = %+v, want %d %q %s %q", th, id, subject, status, report)
			}
		}
		threads := func(t *testing.T, seat, recipient int64, want ...int64) []*rapport.InMailThread {
			t.Helper()
			got, err := db.FindInMailThreads(ctx, seat, recipient)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, th := range got {
				ids = append(ids, th.ID)
				if len(th.Messages) != 0 {
					t.Fatalf("a listed thread has its messages: %+v", th)
				}
			}
			if len(ids) != len(want) {
				t.Fatalf("threads of seat %d / member %d = %v, want %v", seat, recipient, ids, want)
			}
			for i := range want {
				if ids[i] != want[i] {
					t.Fatalf("threads of seat %d / member %d = %v, want %v", seat, recipient, ids, want)
				}
			}
			return got
		}

		t.Run("Created", func(t *testing.T) {
			bySeat := threads(t, e.s1, 0, toBob.ID)
			wantThread(t, bySeat[0], toBob.ID, bob, "A role at Acme", rapport.InMailOpen, "", at(1), at(1))
			byRecipient := threads(t, 0, bob.ID, toBob.ID)
			wantThread(t, byRecipient[0], toBob.ID, bob, "A role at Acme", rapport.InMailOpen, "", at(1), at(1))
			threads(t, e.s2, 0)
			threads(t, 0, carol.ID)
			threads(t, 0, ada.ID) // the sender is not a recipient

			for _, th := range []*rapport.InMailThread{e.thread(t, e.s1, 0, toBob.ID), e.thread(t, 0, bob.ID, toBob.ID)} {
				wantThread(t, th, toBob.ID, bob, "A role at Acme", rapport.InMailOpen, "", at(1), at(1))
				wantMessages(t, th, first)
			}
			if n := e.count(t, e.s1, e.monthStart); n != 1 {
				t.Fatalf("seat 1 started %d threads, want 1", n)
			}
		})
		t.Run("OthersDoNotSeeIt", func(t *testing.T) {
			for _, who := range []struct{ seat, member int64 }{
				{e.s2, 0}, {0, carol.ID}, {0, ada.ID}, {0, erin.ID}, {e.s2, carol.ID},
			} {
				_, err := db.FindInMailThread(ctx, who.seat, who.member, toBob.ID)
				wantCode(t, err, rapport.ENOTFOUND)
			}
			_, err := db.FindInMailThread(ctx, e.s1, 0, 999999)
			wantCode(t, err, rapport.ENOTFOUND)
		})
		t.Run("Replies", func(t *testing.T) {
			if err := db.AddInMail(ctx, 0, bob.ID, toBob.ID, bob.ID, "Sure, when?", at(2)); err != nil {
				t.Fatal(err)
			}
			if err := db.AddInMail(ctx, e.s1, 0, toBob.ID, ada.ID, "Tomorrow at ten.", at(3)); err != nil {
				t.Fatal(err)
			}
			// Neither another seat nor another member writes in it.
			wantCode(t, db.AddInMail(ctx, e.s2, 0, toBob.ID, erin.ID, "Me too", at(4)), rapport.ENOTFOUND)
			wantCode(t, db.AddInMail(ctx, 0, carol.ID, toBob.ID, carol.ID, "Me too", at(4)), rapport.ENOTFOUND)
			wantCode(t, db.AddInMail(ctx, 0, ada.ID, toBob.ID, ada.ID, "As a member", at(4)), rapport.ENOTFOUND)
			for _, th := range []*rapport.InMailThread{e.thread(t, e.s1, 0, toBob.ID), e.thread(t, 0, bob.ID, toBob.ID)} {
				wantThread(t, th, toBob.ID, bob, "A role at Acme", rapport.InMailOpen, "", at(1), at(3))
				wantMessages(t, th, first, msgWant{bob, false, "Sure, when?", at(2)}, msgWant{ada, true, "Tomorrow at ten.", at(3)})
			}
		})

		toCarol := e.mustSend(t, e.s1, carol, ada, "Another role", "Hi Carol", at(5))
		t.Run("MostRecentFirst", func(t *testing.T) {
			threads(t, e.s1, 0, toCarol.ID, toBob.ID)
			threads(t, 0, carol.ID, toCarol.ID)
			threads(t, 0, bob.ID, toBob.ID)
			if err := db.AddInMail(ctx, 0, bob.ID, toBob.ID, bob.ID, "See you.", at(6)); err != nil {
				t.Fatal(err)
			}
			threads(t, e.s1, 0, toBob.ID, toCarol.ID)
		})
		t.Run("CloseOnlyByRecipient", func(t *testing.T) {
			wantCode(t, db.CloseInMail(ctx, carol.ID, toBob.ID, rapport.InMailDeclined, "", at(7)), rapport.ENOTFOUND)
			wantCode(t, db.CloseInMail(ctx, ada.ID, toBob.ID, rapport.InMailDeclined, "", at(7)), rapport.ENOTFOUND)
			wantCode(t, db.CloseInMail(ctx, bob.ID, 999999, rapport.InMailDeclined, "", at(7)), rapport.ENOTFOUND)
			th := e.thread(t, 0, bob.ID, toBob.ID)
			wantThread(t, th, toBob.ID, bob, "A role at Acme", rapport.InMailOpen, "", at(1), at(6))
		})
		t.Run("Declined", func(t *testing.T) {
			if err := db.CloseInMail(ctx, bob.ID, toBob.ID, rapport.InMailDeclined, "", at(8)); err != nil {
				t.Fatal(err)
			}
			wantCode(t, db.AddInMail(ctx, 0, bob.ID, toBob.ID, bob.ID, "Actually…", at(9)), rapport.ECONFLICT)
			wantCode(t, db.AddInMail(ctx, e.s1, 0, toBob.ID, ada.ID, "Please reconsider", at(9)), rapport.ECONFLICT)
			for _, th := range []*rapport.InMailThread{e.thread(t, e.s1, 0, toBob.ID), e.thread(t, 0, bob.ID, toBob.ID)} {
				wantThread(t, th, toBob.ID, bob, "A role at Acme", rapport.InMailDeclined, "", at(1), at(8))
				if len(th.Messages) != 4 {
					t.Fatalf("a declined thread has %d messages, want 4", len(th.Messages))
				}
			}
			// Carol's thread is still open.
			if err := db.AddInMail(ctx, 0, carol.ID, toCarol.ID, carol.ID, "Tell me more", at(10)); err != nil {
				t.Fatal(err)
			}
		})
		t.Run("Reported", func(t *testing.T) {
			if err := db.CloseInMail(ctx, carol.ID, toCarol.ID, rapport.InMailReported, "Spam, again.", at(11)); err != nil {
				t.Fatal(err)
			}
			wantCode(t, db.AddInMail(ctx, 0, carol.ID, toCarol.ID, carol.ID, "Hm", at(12)), rapport.ECONFLICT)
			wantCode(t, db.AddInMail(ctx, e.s1, 0, toCarol.ID, ada.ID, "Sorry", at(12)), rapport.ECONFLICT)
			for _, th := range []*rapport.InMailThread{e.thread(t, e.s1, 0, toCarol.ID), e.thread(t, 0, carol.ID, toCarol.ID)} {
				wantThread(t, th, toCarol.ID, carol, "Another role", rapport.InMailReported, "Spam, again.", at(5), at(11))
				wantMessages(t, th, msgWant{ada, true, "Hi Carol", at(5)}, msgWant{carol, false, "Tell me more", at(10)})
			}
			listed := threads(t, 0, carol.ID, toCarol.ID)
			if listed[0].Status != rapport.InMailReported || listed[0].Report != "Spam, again." {
				t.Fatalf("listed reported thread = %+v", listed[0])
			}
		})
	})
}

func TestInMailCreditsStore(t *testing.T) {
	eachStore(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newInMailEnv(t, db)
		lastMonth := e.monthStart.AddDate(0, -1, 0)
		// Three threads last month do not count against this one.
		for i := range 3 {
			if _, err := e.send(e.s1, e.bob, e.ada, "Old", "Last month", lastMonth, e.monthStart.Add(-time.Duration(i+1)*time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		if n := e.count(t, e.s1, lastMonth); n != 3 {
			t.Fatalf("threads since last month = %d, want 3", n)
		}
		if n := e.count(t, e.s1, e.monthStart); n != 0 {
			t.Fatalf("threads this month = %d, want 0", n)
		}
		now := e.monthStart.Add(10 * 24 * time.Hour)
		for i := range rapport.InMailCredits {
			if _, err := e.send(e.s1, e.bob, e.ada, "Role", "Hello", e.monthStart, now.Add(time.Duration(i)*time.Second)); err != nil {
				t.Fatalf("thread %d: %v", i+1, err)
			}
		}
		if n := e.count(t, e.s1, e.monthStart); n != rapport.InMailCredits {
			t.Fatalf("threads this month = %d, want %d", n, rapport.InMailCredits)
		}

		late := now.Add(time.Hour)
		th, err := e.send(e.s1, e.carol, e.ada, "One too many", "Hello", e.monthStart, late)
		wantCode(t, err, rapport.ERATELIMITED)
		var re *rapport.Error
		if !errors.As(err, &re) || re.RetryAfter <= 0 || re.RetryAfter != e.monthStart.AddDate(0, 1, 0).Sub(late) {
			t.Fatalf("refused send = %#v, want RetryAfter until April", err)
		}
		if th.ID != 0 {
			t.Fatalf("a refused thread got id %d", th.ID)
		}
		if n := e.count(t, e.s1, e.monthStart); n != rapport.InMailCredits {
			t.Fatalf("threads this month after a refusal = %d", n)
		}
		if list, _ := db.FindInMailThreads(ctx, 0, e.carol.ID); len(list) != 0 {
			t.Fatalf("carol received %+v after a refused send", list)
		}
		if list, _ := db.FindInMailThreads(ctx, e.s1, 0); len(list) != rapport.InMailCredits+3 {
			t.Fatalf("seat 1 has %d threads, want %d", len(list), rapport.InMailCredits+3)
		}
		// Credits are the seat's: the other seat still sends.
		e.mustSend(t, e.s2, e.carol, e.erin, "Role", "Hello", late)
		if n := e.count(t, e.s2, e.monthStart); n != 1 {
			t.Fatalf("seat 2 started %d threads, want 1", n)
		}
		// Next month the credits are back.
		nextMonth := e.monthStart.AddDate(0, 1, 0)
		if _, err := e.send(e.s1, e.carol, e.ada, "Role", "Hello", nextMonth, nextMonth.Add(time.Hour)); err != nil {
			t.Fatalf("first thread of next month: %v", err)
		}
	})
}

func TestInMailCreditsConcurrentStore(t *testing.T) {
	eachStore(t, func(t *testing.T, db *store.DB) {
		e := newInMailEnv(t, db)
		now := e.monthStart.Add(24 * time.Hour)
		for i := range 45 {
			e.mustSend(t, e.s1, e.bob, e.ada, "Role", "Hello", now.Add(time.Duration(i)*time.Second))
		}
		const workers, sends = 8, 60
		jobs := make(chan int, sends)
		for i := range sends {
			jobs <- i
		}
		close(jobs)
		var (
			mu          sync.Mutex
			ok, limited int
			others      []error
			wg          sync.WaitGroup
			start       = make(chan struct{})
		)
		// Each worker first reads in a loop beside the others, so that the pool
		// holds open connections for all of them and the first sends, which
		// race for the last credits, really run at once.
		var warm sync.WaitGroup
		for range workers {
			wg.Add(1)
			warm.Add(1)
			go func() {
				defer wg.Done()
				for range 20 {
					if _, err := db.FindInMailThreads(context.Background(), e.s1, 0); err != nil {
						t.Error(err)
					}
				}
				warm.Done()
				<-start
				for i := range jobs {
					_, err := e.send(e.s1, e.carol, e.ada, "Role", "Hello", e.monthStart, now.Add(time.Hour+time.Duration(i)*time.Millisecond))
					mu.Lock()
					switch {
					case err == nil:
						ok++
					case rapport.ErrorCode(err) == rapport.ERATELIMITED:
						limited++
					default:
						others = append(others, err)
					}
					mu.Unlock()
				}
			}()
		}
		warm.Wait()
		close(start)
		wg.Wait()
		if len(others) != 0 {
			t.Fatalf("unexpected errors: %v", others)
		}
		if ok != 5 || limited != sends-5 {
			t.Fatalf("%d sends succeeded and %d were refused, want 5 and %d", ok, limited, sends-5)
		}
		if n := e.count(t, e.s1, e.monthStart); n != rapport.InMailCredits {
			t.Fatalf("threads this month = %d, want %d", n, rapport.InMailCredits)
		}
		if list, _ := db.FindInMailThreads(context.Background(), 0, e.carol.ID); len(list) != 5 {
			t.Fatalf("carol received %d threads, want 5", len(list))
		}
	})
}

func TestInMailOutlivesReassignmentStore(t *testing.T) {
	eachStore(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newInMailEnv(t, db)
		ada, bob, carol := e.ada, e.bob, e.carol
		at := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }

		th := e.mustSend(t, e.s1, bob, ada, "A role", "Hello from Ada", at(1))
		if err := db.AddInMail(ctx, 0, bob.ID, th.ID, bob.ID, "Hi Ada", at(2)); err != nil {
			t.Fatal(err)
		}
		p := &rapport.Project{SeatID: e.s1, Name: "Backend"}
		if err := db.CreateProject(ctx, p, at(2)); err != nil {
			t.Fatal(err)
		}
		if err := db.PutCandidate(ctx, e.s1, p.ID, bob.ID, "replied", at(2)); err != nil {
			t.Fatal(err)
		}
		n := &rapport.CandidateNote{SeatID: e.s1, MemberID: bob.ID, Body: "Replied fast."}
		if err := db.CreateNote(ctx, n, ada.ID, at(2)); err != nil {
			t.Fatal(err)
		}

		if err := db.ReassignSeat(ctx, e.s1, carol.ID, ada.ID, at(3)); err != nil {
			t.Fatal(err)
		}
		if err := db.AnswerSeat(ctx, e.s1, carol.ID, true, at(4)); err != nil {
			t.Fatal(err)
		}

		before := []msgWant{{ada, true, "Hello from Ada", at(1)}, {bob, false, "Hi Ada", at(2)}}
		for _, got := range []*rapport.InMailThread{e.thread(t, 0, bob.ID, th.ID), e.thread(t, e.s1, 0, th.ID)} {
			if got.ID != th.ID || got.SeatID != e.s1 || got.Status != rapport.InMailOpen || got.Organization.ID != e.acme.ID {
				t.Fatalf("thread after reassignment = %+v", got)
			}
			wantMessages(t, got, before...)
		}
		if list, err := db.FindInMailThreads(ctx, e.s1, 0); err != nil || len(list) != 1 || list[0].ID != th.ID {
			t.Fatalf("seat's threads after reassignment = %+v, %v", list, err)
		}
		if list, err := db.FindInMailThreads(ctx, 0, bob.ID); err != nil || len(list) != 1 || list[0].ID != th.ID {
			t.Fatalf("bob's threads after reassignment = %+v, %v", list, err)
		}
		// The new holder writes from the seat; the old messages keep their sender.
		if err := db.AddInMail(ctx, e.s1, 0, th.ID, carol.ID, "Carol here, taking over.", at(5)); err != nil {
			t.Fatal(err)
		}
		wantMessages(t, e.thread(t, 0, bob.ID, th.ID), append(before, msgWant{carol, true, "Carol here, taking over.", at(5)})...)
		// The seat's credits count the thread started under the former holder.
		if c := e.count(t, e.s1, e.monthStart); c != 1 {
			t.Fatalf("seat's threads this month = %d, want 1", c)
		}
		// Projects and notes stay with the seat too.
		if got, err := db.FindProject(ctx, e.s1, p.ID); err != nil || len(got.Candidates) != 1 || got.Candidates[0].Member.ID != bob.ID {
			t.Fatalf("project after reassignment = %+v, %v", got, err)
		}
		if notes, err := db.FindNotes(ctx, e.s1, bob.ID); err != nil || len(notes) != 1 || notes[0].ID != n.ID || notes[0].Author.ID != ada.ID {
			t.Fatalf("notes after reassignment = %+v, %v", notes, err)
		}
	})
}
