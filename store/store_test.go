package store_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/internal/pgtest"
	"github.com/rapportnet/rapport/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// eachStore runs the test against a fresh SQLite file and a fresh
// PostgreSQL database: one suite, both databases.
func eachStore(t *testing.T, test func(t *testing.T, db *store.DB)) {
	t.Run("sqlite", func(t *testing.T) {
		test(t, MustOpenStore(t, filepath.Join(t.TempDir(), "rapport.db")))
	})
	t.Run("postgres", func(t *testing.T) {
		test(t, MustOpenStore(t, pgtest.URL(t)))
	})
}

// eachStoreDSN runs the test with the address of a fresh SQLite file and of
// a fresh PostgreSQL database.
func eachStoreDSN(t *testing.T, test func(t *testing.T, dsn string)) {
	t.Run("sqlite", func(t *testing.T) { test(t, filepath.Join(t.TempDir(), "rapport.db")) })
	t.Run("postgres", func(t *testing.T) { test(t, pgtest.URL(t)) })
}

// MustOpenStore opens and migrates a store, closed when the test ends.
func MustOpenStore(tb testing.TB, dsn string) *store.DB {
	tb.Helper()
	db, err := store.Open(context.Background(), dsn, nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return db
}

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func mustCreateMember(tb testing.TB, db *store.DB, handle string) *rapport.Member {
	tb.Helper()
	m := &rapport.Member{Handle: handle, Email: handle + "@example.com", DisplayName: "Member " + handle}
	if err := db.CreateMember(context.Background(), m, "$argon2id$stub", t0); err != nil {
		tb.Fatal(err)
	}
	return m
}

func wantCode(tb testing.TB, err error, code string) {
	tb.Helper()
	if got := rapport.ErrorCode(err); got != code {
		tb.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

func TestMigrate(t *testing.T) {
	eachStore(t, func(t *testing.T, db *store.DB) {
		n, err := db.Migrate(context.Background())
		if err != nil {
			t.Fatal(err)
		} else if n != 0 {
			t.Fatalf("second Migrate applied %d migrations, want 0", n)
		}
	})
}

func TestMembers(t *testing.T) {
	eachStore(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ada := mustCreateMember(t, db, "ada")
		if ada.ID == 0 || !ada.CreatedAt.Equal(t0) {
			t.Fatalf("created member = %+v", ada)
		}

		t.Run("FindByHandleAndID", func(t *testing.T) {
			byHandle, err := db.FindMemberByHandle(ctx, "ada")
			if err != nil {
				t.Fatal(err)
			}
			byID, err := db.FindMemberByID(ctx, ada.ID)
			if err != nil {
				t.Fatal(err)
			}
			if byHandle.ID != ada.ID || byID.Handle != "ada" || byID.Email != "ada@example.com" ||
				byID.Profile.Visibility != rapport.VisibilityPublic || byID.Status != rapport.StatusActive {
				t.Fatalf("found %+v and %+v", byHandle, byID)
			}
		})
		t.Run("NotFound", func(t *testing.T) {
			_, err := db.FindMemberByHandle(ctx, "nobody")
			wantCode(t, err, rapport.ENOTFOUND)
			_, err = db.FindMemberByID(ctx, 999999)
			wantCode(t, err, rapport.ENOTFOUND)
		})
		t.Run("DuplicateHandle", func(t *testing.T) {
			m := &rapport.Member{Handle: "ada", Email: "other@example.com", DisplayName: "Other"}
			err := db.CreateMember(ctx, m, "h", t0)
			wantCode(t, err, rapport.ECONFLICT)
			if f := rapport.ErrorField(err); f != "handle" {
				t.Fatalf("field = %q, want handle", f)
			}
		})
		t.Run("DuplicateEmailCaseInsensitive", func(t *testing.T) {
			m := &rapport.Member{Handle: "ada2", Email: "ADA@Example.COM", DisplayName: "Other"}
			err := db.CreateMember(ctx, m, "h", t0)
			wantCode(t, err, rapport.ECONFLICT)
			if f := rapport.ErrorField(err); f != "email" {
				t.Fatalf("field = %q, want email", f)
			}
			if n, _ := db.CountMembers(ctx); n != 1 {
				t.Fatalf("members = %d after refused sign-ups, want 1", n)
			}
		})
		t.Run("Credentials", func(t *testing.T) {
			id, hash, status, err := db.FindCredentials(ctx, "Ada@example.com")
			if err != nil || id != ada.ID || hash != "$argon2id$stub" || status != rapport.StatusActive {
				t.Fatalf("credentials = %d %q %q %v", id, hash, status, err)
			}
			_, _, _, err = db.FindCredentials(ctx, "nobody@example.com")
			wantCode(t, err, rapport.ENOTFOUND)
		})
		t.Run("UpdateOnlyGivenFields", func(t *testing.T) {
			headline, vis := "Engineer", rapport.VisibilityMembers
			if err := db.UpdateMember(ctx, ada.ID, rapport.ProfileUpdate{Headline: &headline, Visibility: &vis}, t0); err != nil {
				t.Fatal(err)
			}
			m, _ := db.FindMemberByID(ctx, ada.ID)
			if m.Profile.Headline != "Engineer" || m.Profile.Visibility != vis || m.DisplayName != "Member ada" {
				t.Fatalf("after update: %+v", m)
			}
			wantCode(t, db.UpdateMember(ctx, 999999, rapport.ProfileUpdate{Headline: &headline}, t0), rapport.ENOTFOUND)
		})
		t.Run("UpdateEmail", func(t *testing.T) {
			mustCreateMember(t, db, "bob")
			wantCode(t, db.UpdateEmail(ctx, ada.ID, "BOB@example.com", t0), rapport.ECONFLICT)
			if err := db.UpdateEmail(ctx, ada.ID, "ada@new.example", t0); err != nil {
				t.Fatal(err)
			}
			if id, _, _, err := db.FindCredentials(ctx, "ada@new.example"); err != nil || id != ada.ID {
				t.Fatalf("new email: %d %v", id, err)
			}
		})
	})
}

func TestProfileEntries(t *testing.T) {
	eachStore(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ada, bob := mustCreateMember(t, db, "ada"), mustCreateMember(t, db, "bob")

		t.Run("PositionsCurrentFirst", func(t *testing.T) {
			old := &rapport.Position{MemberID: ada.ID, Title: "Analyst", OrganizationName: "Acme",
				Start: rapport.Month{Year: 2015, Month: 1}, End: &rapport.Month{Year: 2018, Month: 6}}
			cur := &rapport.Position{MemberID: ada.ID, Title: "Engineer", OrganizationName: "Globex", Start: rapport.Month{Year: 2018, Month: 7}}
			for _, p := range []*rapport.Position{old, cur} {
				if err := db.CreatePosition(ctx, p, t0); err != nil {
					t.Fatal(err)
				}
			}
			m, _ := db.FindMemberByID(ctx, ada.ID)
			if len(m.Profile.Positions) != 2 || m.Profile.Positions[0].ID != cur.ID || !m.Profile.Positions[0].Current() ||
				m.Profile.Positions[1].End.String() != "2018-06" {
				t.Fatalf("positions = %+v", m.Profile.Positions)
			}
		})
		t.Run("SomeoneElsesPosition", func(t *testing.T) {
			p := &rapport.Position{MemberID: ada.ID, Title: "Lead", OrganizationName: "Initech", Start: rapport.Month{Year: 2020, Month: 1}}
			if err := db.CreatePosition(ctx, p, t0); err != nil {
				t.Fatal(err)
			}
			stolen := *p
			stolen.MemberID, stolen.Title = bob.ID, "Changed by bob"
			wantCode(t, db.UpdatePosition(ctx, &stolen), rapport.ENOTFOUND)
			wantCode(t, db.DeletePosition(ctx, bob.ID, p.ID), rapport.ENOTFOUND)
			m, _ := db.FindMemberByID(ctx, ada.ID)
			for _, q := range m.Profile.Positions {
				if q.Title == "Changed by bob" {
					t.Fatal("bob changed ada's position")
				}
			}
			if err := db.DeletePosition(ctx, ada.ID, p.ID); err != nil {
				t.Fatal(err)
			}
		})
		t.Run("Education", func(t *testing.T) {
			e := &rapport.Education{MemberID: ada.ID, School: "Sorbonne", Degree: "MSc", StartYear: 2010, EndYear: 2012}
			if err := db.CreateEducation(ctx, e, t0); err != nil {
				t.Fatal(err)
			}
			e.Field = "Mathematics"
			if err := db.UpdateEducation(ctx, e); err != nil {
				t.Fatal(err)
			}
			other := *e
			other.MemberID = bob.ID
			wantCode(t, db.UpdateEducation(ctx, &other), rapport.ENOTFOUND)
			wantCode(t, db.DeleteEducation(ctx, bob.ID, e.ID), rapport.ENOTFOUND)
			m, _ := db.FindMemberByID(ctx, ada.ID)
			if len(m.Profile.Education) != 1 || m.Profile.Education[0].Field != "Mathematics" || m.Profile.Education[0].EndYear != 2012 {
				t.Fatalf("education = %+v", m.Profile.Education)
			}
		})
		t.Run("SharedPlaces", func(t *testing.T) {
			// ada: Acme (ended) and Globex, Sorbonne. Names are compared folded.
			cat := mustCreateMember(t, db, "cat")
			for _, p := range []*rapport.Position{
				{MemberID: bob.ID, Title: "Clerk", OrganizationName: "  GLOBEX ", Start: rapport.Month{Year: 2019, Month: 1}},
				{MemberID: cat.ID, Title: "Clerk", OrganizationName: "Initech", Start: rapport.Month{Year: 2019, Month: 1}},
			} {
				if err := db.CreatePosition(ctx, p, t0); err != nil {
					t.Fatal(err)
				}
			}
			e := &rapport.Education{MemberID: cat.ID, School: "sorbonne"}
			if err := db.CreateEducation(ctx, e, t0); err != nil {
				t.Fatal(err)
			}
			got, err := db.FindSharedPlaces(ctx, ada.ID, 10)
			want := []store.SharedPlace{{MemberID: bob.ID, Name: "Globex"}, {MemberID: cat.ID, Name: "Sorbonne", School: true}}
			if err != nil || !slices.Equal(got, want) {
				t.Fatalf("shared places = %+v, %v; want %+v", got, err, want)
			}
			e.School = "Collège de France"
			if err := db.UpdateEducation(ctx, e); err != nil {
				t.Fatal(err)
			}
			if got, _ := db.FindSharedPlaces(ctx, ada.ID, 10); len(got) != 1 {
				t.Fatalf("shared places after cat's school changed = %+v", got)
			}
		})
		t.Run("SkillsKeepOrder", func(t *testing.T) {
			if err := db.ReplaceSkills(ctx, ada.ID, []string{"Go", "SQL", "Écriture"}); err != nil {
				t.Fatal(err)
			}
			if err := db.ReplaceSkills(ctx, ada.ID, []string{"Rust", "Go"}); err != nil {
				t.Fatal(err)
			}
			m, _ := db.FindMemberByID(ctx, ada.ID)
			if got := m.Profile.Skills; len(got) != 2 || got[0] != "Rust" || got[1] != "Go" {
				t.Fatalf("skills = %q", got)
			}
		})
		t.Run("PositionLimit", func(t *testing.T) {
			carol := mustCreateMember(t, db, "carol")
			for i := 0; i < rapport.MaxPositions; i++ {
				p := &rapport.Position{MemberID: carol.ID, Title: "T", OrganizationName: "O", Start: rapport.Month{Year: 2000, Month: 1}}
				if err := db.CreatePosition(ctx, p, t0); err != nil {
					t.Fatal(err)
				}
			}
			p := &rapport.Position{MemberID: carol.ID, Title: "T", OrganizationName: "O", Start: rapport.Month{Year: 2000, Month: 1}}
			wantCode(t, db.CreatePosition(ctx, p, t0), rapport.EINVALID)
		})
	})
}

func TestSessionsAndTokens(t *testing.T) {
	eachStore(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ada, bob := mustCreateMember(t, db, "ada"), mustCreateMember(t, db, "bob")
		s1 := &rapport.Session{MemberID: ada.ID, CreatedAt: t0, LastSeenAt: t0, UserAgent: "Firefox", IP: "127.0.0.1"}
		s2 := &rapport.Session{MemberID: ada.ID, CreatedAt: t0, LastSeenAt: t0}
		if err := db.CreateSession(ctx, s1, "hash1"); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateSession(ctx, s2, "hash2"); err != nil {
			t.Fatal(err)
		}
		t.Run("FindByHash", func(t *testing.T) {
			got, err := db.FindSessionByTokenHash(ctx, "hash1")
			if err != nil || got.ID != s1.ID || got.UserAgent != "Firefox" || !got.CreatedAt.Equal(t0) {
				t.Fatalf("session = %+v, %v", got, err)
			}
			_, err = db.FindSessionByTokenHash(ctx, "nope")
			wantCode(t, err, rapport.ENOTFOUND)
		})
		t.Run("Touch", func(t *testing.T) {
			later := t0.Add(time.Hour)
			if err := db.TouchSession(ctx, s1.ID, later); err != nil {
				t.Fatal(err)
			}
			got, _ := db.FindSessionByTokenHash(ctx, "hash1")
			if !got.LastSeenAt.Equal(later) {
				t.Fatalf("last seen = %v", got.LastSeenAt)
			}
		})
		t.Run("OthersCannotEnd", func(t *testing.T) {
			wantCode(t, db.DeleteSession(ctx, bob.ID, s1.ID), rapport.ENOTFOUND)
		})
		t.Run("EndAllButOne", func(t *testing.T) {
			n, err := db.DeleteSessions(ctx, ada.ID, s1.ID)
			if err != nil || n != 1 {
				t.Fatalf("ended %d, %v", n, err)
			}
			list, _ := db.FindSessions(ctx, ada.ID)
			if len(list) != 1 || list[0].ID != s1.ID {
				t.Fatalf("sessions left = %+v", list)
			}
		})
		t.Run("PasswordChangeEndsOtherSessions", func(t *testing.T) {
			s3 := &rapport.Session{MemberID: ada.ID, CreatedAt: t0, LastSeenAt: t0}
			if err := db.CreateSession(ctx, s3, "hash3"); err != nil {
				t.Fatal(err)
			}
			if err := db.UpdatePasswordHash(ctx, ada.ID, "newhash", true, s3.ID); err != nil {
				t.Fatal(err)
			}
			list, _ := db.FindSessions(ctx, ada.ID)
			if len(list) != 1 || list[0].ID != s3.ID {
				t.Fatalf("sessions left = %+v", list)
			}
			if h, _ := db.FindPasswordHash(ctx, ada.ID); h != "newhash" {
				t.Fatalf("hash = %q", h)
			}
		})
		t.Run("AccessTokens", func(t *testing.T) {
			tok := &rapport.AccessToken{MemberID: ada.ID, Name: "ci", CreatedAt: t0}
			if err := db.CreateAccessToken(ctx, tok, "thash"); err != nil {
				t.Fatal(err)
			}
			got, err := db.FindAccessTokenByHash(ctx, "thash")
			if err != nil || got.Name != "ci" || !got.LastUsedAt.IsZero() {
				t.Fatalf("token = %+v, %v", got, err)
			}
			if err := db.TouchAccessToken(ctx, tok.ID, t0.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
			list, _ := db.FindAccessTokens(ctx, ada.ID)
			if len(list) != 1 || !list[0].LastUsedAt.Equal(t0.Add(time.Minute)) {
				t.Fatalf("tokens = %+v", list)
			}
			wantCode(t, db.DeleteAccessToken(ctx, bob.ID, tok.ID), rapport.ENOTFOUND)
			if err := db.DeleteAccessToken(ctx, ada.ID, tok.ID); err != nil {
				t.Fatal(err)
			}
			_, err = db.FindAccessTokenByHash(ctx, "thash")
			wantCode(t, err, rapport.ENOTFOUND)
		})
	})
}

func TestPasswordResets(t *testing.T) {
	eachStore(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ada := mustCreateMember(t, db, "ada")
		sess := &rapport.Session{MemberID: ada.ID, CreatedAt: t0, LastSeenAt: t0}
		if err := db.CreateSession(ctx, sess, "s"); err != nil {
			t.Fatal(err)
		}
		if err := db.CreatePasswordReset(ctx, "r1", ada.ID, t0, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := db.CreatePasswordReset(ctx, "r2", ada.ID, t0, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		t.Run("Expired", func(t *testing.T) {
			_, err := db.ResetPassword(ctx, "r1", "new", t0.Add(time.Hour))
			wantCode(t, err, rapport.ENOTFOUND)
		})
		t.Run("UsedOnceEndsSessionsAndOtherLinks", func(t *testing.T) {
			id, err := db.ResetPassword(ctx, "r1", "new", t0.Add(time.Minute))
			if err != nil || id != ada.ID {
				t.Fatalf("reset = %d, %v", id, err)
			}
			_, err = db.ResetPassword(ctx, "r1", "again", t0.Add(2*time.Minute))
			wantCode(t, err, rapport.ENOTFOUND)
			_, err = db.ResetPassword(ctx, "r2", "again", t0.Add(2*time.Minute))
			wantCode(t, err, rapport.ENOTFOUND)
			if list, _ := db.FindSessions(ctx, ada.ID); len(list) != 0 {
				t.Fatalf("sessions after reset = %d", len(list))
			}
			if h, _ := db.FindPasswordHash(ctx, ada.ID); h != "new" {
				t.Fatalf("hash = %q", h)
			}
		})
	})
}

func TestLoginFailures(t *testing.T) {
	eachStore(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for i := 0; i < 3; i++ {
			at := t0.Add(time.Duration(i) * time.Minute)
			if err := db.RecordLoginFailure(ctx, []string{"email:a", "ip:1"}, at, at.Add(-15*time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		n, oldest, err := db.CountLoginFailures(ctx, "email:a", t0.Add(time.Second))
		if err != nil || n != 2 || !oldest.Equal(t0.Add(time.Minute)) {
			t.Fatalf("count = %d oldest %v, %v", n, oldest, err)
		}
		if err := db.ClearLoginFailures(ctx, "email:a"); err != nil {
			t.Fatal(err)
		}
		if n, _, _ := db.CountLoginFailures(ctx, "email:a", t0); n != 0 {
			t.Fatalf("after clear = %d", n)
		}
		if n, _, _ := db.CountLoginFailures(ctx, "ip:1", t0); n != 3 {
			t.Fatalf("other key after clear = %d, want 3", n)
		}
	})
}

// BenchmarkFindMemberByHandle reads a whole profile (member, positions,
// education, skills) on each database.
func BenchmarkFindMemberByHandle(b *testing.B) {
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			dsn := filepath.Join(b.TempDir(), "rapport.db")
			if name == "postgres" {
				dsn = pgtest.URL(b)
			}
			db := MustOpenStore(b, dsn)
			ctx := context.Background()
			m := mustCreateMember(b, db, "ada")
			for i := 0; i < 5; i++ {
				p := &rapport.Position{MemberID: m.ID, Title: "Engineer", OrganizationName: "Acme", Start: rapport.Month{Year: 2010 + i, Month: 1}}
				if err := db.CreatePosition(ctx, p, t0); err != nil {
					b.Fatal(err)
				}
			}
			if err := db.ReplaceSkills(ctx, m.ID, []string{"Go", "SQL", "Distributed systems"}); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := db.FindMemberByHandle(ctx, "ada"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
