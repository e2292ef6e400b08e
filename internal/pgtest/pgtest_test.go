package pgtest_test

import (
	"database/sql"
	"testing"

	"github.com/rapportnet/rapport/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func open(t *testing.T, url string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var one int
	if err := db.QueryRow("SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("SELECT 1 = %d, %v", one, err)
	}
	return db
}

func TestURLGivesSeparateDatabases(t *testing.T) {
	url1, url2 := pgtest.URL(t), pgtest.URL(t)
	if url1 == url2 {
		t.Fatalf("URL returned %q twice", url1)
	}
	db1, db2 := open(t, url1), open(t, url2)

	var name1, name2 string
	if err := db1.QueryRow("SELECT current_database()").Scan(&name1); err != nil {
		t.Fatal(err)
	}
	if err := db2.QueryRow("SELECT current_database()").Scan(&name2); err != nil {
		t.Fatal(err)
	}
	if name1 == name2 {
		t.Fatalf("both URLs lead to database %q", name1)
	}

	if _, err := db1.Exec("CREATE TABLE only_in_one (id int)"); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db1.QueryRow("SELECT count(*) FROM information_schema.tables WHERE table_name = 'only_in_one'").Scan(&n); err != nil || n != 1 {
		t.Fatalf("table in first database: count %d, %v", n, err)
	}
	if err := db2.QueryRow("SELECT count(*) FROM information_schema.tables WHERE table_name = 'only_in_one'").Scan(&n); err != nil || n != 0 {
		t.Fatalf("table in second database: count %d, %v", n, err)
	}
}

func TestURLParallel(t *testing.T) {
	for _, name := range []string{"a", "b", "c", "d"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			db := open(t, pgtest.URL(t))
			if _, err := db.Exec("CREATE TABLE t (s text)"); err != nil {
				t.Fatal(err)
			}
		})
	}
}
