package service

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/rapportnet/rapport"
)

// FuzzArchiveReaders reads arbitrary bytes as the CSV files of an archive.
// A file refused is refused naming it; positions, education and skills
// read come back the same when exported and read again; and every former
// connection read has a name or an email address.
func FuzzArchiveReaders(f *testing.F) {
	f.Add([]byte("Company Name,Title,Description,Location,Started On,Finished On,Organization Page\r\nACME,Engineer,\"Built things, mostly\",Berlin,Mar 2019,,https://rapport.example/org/acme\r\nInitech,Intern,,,Jun 2017,Aug 2017,\r\n"),
		[]byte("School Name,Start Date,End Date,Degree Name,Field of Study\r\nUniversity of Cambridge,1990,1994,BA,Mathematics\r\nOpen University,,,,\r\n"),
		[]byte("Name\r\nGo\r\nPostgreSQL\r\n\r\n"),
		[]byte("Notes:\r\n\"When exporting your connection data, you may notice that some of the email addresses are missing.\"\r\n\r\nFirst Name,Last Name,URL,Email Address,Company,Position,Connected On\r\nAda,Lovelace,https://old.example/in/ada,ada@engines.example,Analytical Engines,Countess,10 Dec 2015\r\n,,https://old.example/in/ghost,,,,\r\n"),
		[]byte("Handle,Name,Note,Tags\r\nada,Ada Lovelace,Met at the salon,\"friends, math\"\r\n"),
		"https://old.example")
	f.Add([]byte("\ufeffTitle,Company Name,Started On\nA,B,2019-03\n"), []byte("School Name,Start Date\nX,nineteen\n"), []byte("Name\n\"broken\n"), []byte("First Name\n"), []byte(""), "")
	f.Add([]byte("Title,Started On\nA,Jan 0000\n"), []byte("School Name,End Date\nX,-5\n"), []byte("Skill\nGo\n"), []byte("Last Name\n x ,\n"), []byte("Handle\n\"a\n"), "x")
	f.Fuzz(func(t *testing.T, positions, education, skills, connections, notes []byte, site string) {
		member := &rapport.Member{}
		x := &exportData{member: member}
		ps, err := readPositions(positions)
		checkFileError(t, err, "Positions.csv")
		if err == nil {
			for _, p := range ps {
				if p.Start.Month < 1 || p.Start.Month > 12 || (p.End != nil && (p.End.Month < 1 || p.End.Month > 12)) {
					t.Fatalf("position %+v has a month out of range", p)
				}
			}
			member.Profile.Positions = ps
			var out bytes.Buffer
			if err := writePositionsCSV(context.Background(), &Exports{}, x, &out); err != nil {
				t.Fatal(err)
			}
			back, err := readPositions(out.Bytes())
			if err != nil || !reflect.DeepEqual(withoutCR(back), withoutCR(ps)) {
				t.Fatalf("read back %q as %+v, %v; want %+v", out.String(), back, err, ps)
			}
		}
		es, err := readEducation(education)
		checkFileError(t, err, "Education.csv")
		if err == nil {
			member.Profile.Education = es
			var out bytes.Buffer
			if err := writeEducationCSV(context.Background(), &Exports{}, x, &out); err != nil {
				t.Fatal(err)
			}
			back, err := readEducation(out.Bytes())
			if err != nil || !reflect.DeepEqual(withoutCR(back), withoutCR(es)) {
				t.Fatalf("read back %q as %+v, %v; want %+v", out.String(), back, err, es)
			}
		}
		ss, err := readColumn(skills, "Skills.csv", "Name")
		checkFileError(t, err, "Skills.csv")
		if err == nil {
			member.Profile.Skills = ss
			var out bytes.Buffer
			if err := writeSkillsCSV(context.Background(), &Exports{}, x, &out); err != nil {
				t.Fatal(err)
			}
			back, err := readColumn(out.Bytes(), "Skills.csv", "Name")
			if err != nil || !reflect.DeepEqual(withoutCR(back), withoutCR(ss)) {
				t.Fatalf("read back %q as %q, %v; want %q", out.String(), back, err, ss)
			}
		}
		former, err := readFormerConnections(connections, notes, site)
		if err != nil {
			var e *rapport.Error
			if !errors.As(err, &e) || e.Field != "file" || !strings.Contains(e.Message, "Connections.csv") && !strings.Contains(e.Message, "Notes.csv") {
				t.Fatalf("error %v names neither file", err)
			}
			return
		}
		for _, c := range former {
			if c.Name == "" && len(c.Emails) == 0 || c.Name != strings.TrimSpace(c.Name) {
				t.Fatalf("contact %+v read from %q", c, connections)
			}
			c.Normalize()
			c.Validate()
		}
	})
}

// withoutCR returns positions, education or skills with the carriage
// returns of their text left out. Archives are written with CRLF line
// ends, and encoding/csv writes a line break inside a value as CRLF and
// drops a carriage return of its own, which only a multi-line value (a
// description) may hold: its lines end with LF once exported.
func withoutCR[T any](list []T) []T {
	noCR := func(s string) string { return strings.ReplaceAll(s, "\r", "") }
	out := slices.Clone(list)
	for i := range out {
		switch v := any(&out[i]).(type) {
		case *rapport.Position:
			v.Title, v.OrganizationName, v.Description, v.Location = noCR(v.Title), noCR(v.OrganizationName), noCR(v.Description), noCR(v.Location)
		case *rapport.Education:
			v.School, v.Degree, v.Field = noCR(v.School), noCR(v.Degree), noCR(v.Field)
		case *string:
			*v = noCR(*v)
		}
	}
	return out
}

// checkFileError fails unless err is nil or an error about the file name.
func checkFileError(t *testing.T, err error, name string) {
	t.Helper()
	if err == nil {
		return
	}
	var e *rapport.Error
	if !errors.As(err, &e) || e.Field != "file" || !strings.Contains(e.Message, name) {
		t.Fatalf("error %v does not name %s", err, name)
	}
}
