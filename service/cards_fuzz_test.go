package service

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/rapportnet/rapport"
)

// FuzzReadCards reads arbitrary bytes as a vCard and as a CSV file of
// contacts. Every card read has a contact or the reason it has none, at a
// line of the file; a file refused is refused naming the file; and a
// contact that is valid comes back the same from writeVCards and readCards,
// as when it is exported and imported again.
func FuzzReadCards(f *testing.F) {
	files, _ := filepath.Glob("../web/testdata/contacts/*")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, strings.HasSuffix(name, ".vcf"))
	}
	f.Add([]byte("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Grace Hopper\r\nEMAIL:grace@navy.example\r\nORG:US Navy;Research\r\nNOTE:Line one\\nline two\r\nEND:VCARD\r\n"), true)
	f.Add([]byte("BEGIN:VCARD\nVERSION:3.0\nN:Hopper;Grace;Brewster;Rear Admiral;\nEND:VCARD\nBEGIN:VCARD\nFN:Broken\n"), true)
	f.Add([]byte("\ufeffbegin:vcard\nfn:Lower\nend:vcard\n"), true)
	f.Add([]byte("BEGIN:VCARD\nFN:\xff\nEND:VCARD\n"), true)
	f.Add([]byte("Exported by a mail program\nFirst Name,Last Name,Email Address,Company,Position\nGrace,Hopper,grace@navy.example,US Navy,Rear Admiral\n\"Broken,\"quote\n,,\n"), false)
	f.Add([]byte("Name,Email\n\"Multi\nline\",a@example.com ::: b@example.com\n"), false)
	f.Add([]byte("Name\n\xff\n"), false)
	f.Fuzz(func(t *testing.T, data []byte, vcard bool) {
		format := FormatCSV
		if vcard {
			format = FormatVCard
		}
		cards, err := readCards(bytes.NewReader(data), format)
		if err != nil {
			var e *rapport.Error
			if !errors.As(err, &e) || e.Field != "file" {
				t.Fatalf("error %v does not name the file", err)
			}
			return
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, c := range cards {
			if (c.Contact == nil) == (c.Err == "") {
				t.Fatalf("card %+v has both or neither of a contact and an error", c)
			}
			if c.Line < 1 || c.Line > lines {
				t.Fatalf("card %+v is at line %d of a file of %d lines", c, c.Line, lines)
			}
			if c.Contact == nil {
				continue
			}
			contact := *c.Contact
			contact.Normalize()
			if err := contact.Validate(); err != nil {
				if rapport.ErrorField(err) == "" {
					t.Fatalf("error %v names no field", err)
				}
				continue
			}
			var out bytes.Buffer
			if err := writeVCards(&out, []*rapport.Contact{&contact}); err != nil {
				t.Fatalf("write %+v: %v", contact, err)
			}
			back, err := readCards(&out, FormatVCard)
			if err != nil || len(back) != 1 || back[0].Contact == nil {
				t.Fatalf("read back %q: %+v, %v", out.String(), back, err)
			}
			got := *back[0].Contact
			got.Normalize()
			if !reflect.DeepEqual(got, contact) {
				t.Fatalf("read back %q as\n%#v, want\n%#v", out.String(), got, contact)
			}
		}
		if !vcard {
			return
		}
		if !slices.IsSortedFunc(cards, func(a, b parsedCard) int { return a.Line - b.Line }) {
			t.Fatalf("cards out of order: %+v", cards)
		}
	})
}
