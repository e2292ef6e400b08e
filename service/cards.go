package service

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-vcard"

	"github.com/rapportnet/rapport"
)

// Formats of contact files.
const (
	FormatVCard = "vcard"
	FormatCSV   = "csv"
)

// parsedCard is one card read from a file: a contact, or why it was not
// read, at the line where it starts.
type parsedCard struct {
	Line    int
	Contact *rapport.Contact
	Err     string
}

// readCards reads the cards of a vCard (3.0 or 4.0, one card or many) or
// CSV file. Photos and other fields a contact does not keep are dropped.
// A card that cannot be read is returned with its reason; only a file
// that is not of the format at all is an error.
func readCards(r io.Reader, format string) ([]parsedCard, error) {
	switch format {
	case FormatVCard:
		return readVCards(r)
	case FormatCSV:
		return readCSVCards(r)
	}
	return nil, rapport.FieldError("format", "The format is %q or %q.", FormatVCard, FormatCSV)
}

// readVCards splits the file at BEGIN:VCARD lines, so that each card is
// decoded alone and a broken one is told by its line.
func readVCards(r io.Reader) ([]parsedCard, error) {
	var out []parsedCard
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 8<<20)
	var card bytes.Buffer
	start, line := 0, 0
	flush := func() {
		if card.Len() == 0 {
			return
		}
		out = append(out, decodeVCard(start, card.Bytes()))
		card.Reset()
	}
	for sc.Scan() {
		line++
		text := sc.Text()
		if line == 1 {
			text = strings.TrimPrefix(text, "\ufeff")
		}
		if strings.EqualFold(strings.TrimSpace(text), "BEGIN:VCARD") {
			flush()
			start = line
		}
		if start == 0 {
			if strings.TrimSpace(text) != "" {
				return nil, rapport.FieldError("file", "This is not a vCard file: line %d comes before any BEGIN:VCARD.", line)
			}
			continue
		}
		card.WriteString(text)
		card.WriteString("\r\n")
	}
	if err := sc.Err(); err != nil {
		return nil, rapport.FieldError("file", "The file could not be read: %v.", err)
	}
	flush()
	if len(out) == 0 {
		return nil, rapport.FieldError("file", "The file holds no vCard.")
	}
	return out, nil
}

func decodeVCard(line int, raw []byte) parsedCard {
	if !utf8.Valid(raw) {
		return parsedCard{Line: line, Err: "the card is not valid UTF-8"}
	}
	card, err := vcard.NewDecoder(bytes.NewReader(raw)).Decode()
	if err != nil {
		return parsedCard{Line: line, Err: "the card is malformed: " + err.Error()}
	}
	c := &rapport.Contact{Name: card.PreferredValue(vcard.FieldFormattedName)}
	if c.Name == "" {
		if n := card.Name(); n != nil {
			c.Name = strings.Join(strings.Fields(strings.Join([]string{n.HonorificPrefix, n.GivenName, n.AdditionalName, n.FamilyName, n.HonorificSuffix}, " ")), " ")
		}
	}
	c.Emails = card.Values(vcard.FieldEmail)
	c.Phones = card.Values(vcard.FieldTelephone)
	// ORG is "Organization;Unit;…".
	org, _, _ := strings.Cut(card.PreferredValue(vcard.FieldOrganization), ";")
	c.Organization, c.Title = org, card.PreferredValue(vcard.FieldTitle)
	c.Notes = strings.Join(card.Values(vcard.FieldNote), "\n")
	return parsedCard{Line: line, Contact: c}
}

// csvColumn is what a column of a contacts CSV file holds.
type csvColumn int

const (
	colIgnored csvColumn = iota
	colName
	colFirst
	colMiddle
	colLast
	colEmail
	colPhone
	colOrganization
	colTitle
	colNotes
)

// csvHeaders are the column names of the common exports, lower-cased:
// mail programs (Outlook, Google Contacts, Apple, Thunderbird) and other
// networks (whose Connections.csv has First Name, Last Name, Email
// Address, Company and Position).
var csvHeaders = map[string]csvColumn{
	"name": colName, "full name": colName, "display name": colName, "formatted name": colName, "contact name": colName,
	"first name": colFirst, "given name": colFirst, "firstname": colFirst, "first": colFirst,
	"middle name": colMiddle, "additional name": colMiddle,
	"last name": colLast, "family name": colLast, "surname": colLast, "lastname": colLast, "last": colLast,
	"company": colOrganization, "organization": colOrganization, "organisation": colOrganization, "employer": colOrganization,
	"organization 1 - name": colOrganization, "company name": colOrganization, "organization name": colOrganization,
	"title": colTitle, "job title": colTitle, "position": colTitle, "role": colTitle, "organization 1 - title": colTitle, "jobtitle": colTitle,
	"notes": colNotes, "note": colNotes,
}

// csvColumnOf names the column a header is: by the table above, else any
// header about mail or phone that is not a label of one.
func csvColumnOf(header string) csvColumn {
	h := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(header, "\ufeff")))
	if c, ok := csvHeaders[h]; ok {
		return c
	}
	// A header is a few words; a longer cell is text (some exports begin
	// with notes).
	if len(h) > 30 || strings.Contains(h, "type") || strings.Contains(h, "label") || strings.Contains(h, "display") {
		return colIgnored
	}
	switch {
	case strings.Contains(h, "mail"):
		return colEmail
	case strings.Contains(h, "phone") || strings.Contains(h, "mobile") || strings.HasPrefix(h, "tel"):
		return colPhone
	}
	return colIgnored
}

// readCSVCards reads a CSV file whose header row names its columns. Lines
// before the header (some exports begin with notes) are passed over.
func readCSVCards(r io.Reader) ([]parsedCard, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	var cols []csvColumn
	var out []parsedCard
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var perr *csv.ParseError
			if errors.As(err, &perr) {
				out = append(out, parsedCard{Line: perr.StartLine, Err: "the line is not valid CSV"})
				continue
			}
			return nil, rapport.FieldError("file", "The file could not be read: %v.", err)
		}
		if cols == nil {
			cols = csvHeader(rec)
			continue
		}
		out = append(out, csvCard(line, rec, cols))
	}
	if cols == nil {
		return nil, rapport.FieldError("file", "No header row names the columns (such as Name, First Name, Last Name, Email Address).")
	}
	return out, nil
}

// csvHeader returns the columns of a header row, or nil when the row is
// not one: it must name a name or an email column.
func csvHeader(rec []string) []csvColumn {
	cols := make([]csvColumn, len(rec))
	found := false
	for i, h := range rec {
		cols[i] = csvColumnOf(h)
		found = found || cols[i] == colName || cols[i] == colFirst || cols[i] == colLast || cols[i] == colEmail
	}
	if !found {
		return nil
	}
	return cols
}

func csvCard(line int, rec []string, cols []csvColumn) parsedCard {
	for _, v := range rec {
		if !utf8.ValidString(v) {
			return parsedCard{Line: line, Err: "the line is not valid UTF-8"}
		}
	}
	c := &rapport.Contact{}
	var first, middle, last string
	for i, v := range rec {
		if i >= len(cols) {
			break
		}
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		switch cols[i] {
		case colName:
			c.Name = v
		case colFirst:
			first = v
		case colMiddle:
			middle = v
		case colLast:
			last = v
		case colEmail:
			// Google joins several addresses of one kind with " ::: ".
			for _, e := range strings.Split(v, ":::") {
				c.Emails = append(c.Emails, strings.TrimSpace(e))
			}
		case colPhone:
			for _, p := range strings.Split(v, ":::") {
				c.Phones = append(c.Phones, strings.TrimSpace(p))
			}
		case colOrganization:
			c.Organization = v
		case colTitle:
			c.Title = v
		case colNotes:
			c.Notes = v
		}
	}
	if c.Name == "" {
		c.Name = strings.Join(strings.Fields(first+" "+middle+" "+last), " ")
	}
	if c.Name == "" && len(rec) > 0 && strings.Join(rec, "") == "" {
		return parsedCard{Line: line, Err: "the line is empty"}
	}
	return parsedCard{Line: line, Contact: c}
}

// writeVCards writes contacts as vCard 4.0, one card each.
func writeVCards(w io.Writer, list []*rapport.Contact) error {
	enc := vcard.NewEncoder(w)
	for _, c := range list {
		card := vcard.Card{}
		card.SetValue(vcard.FieldFormattedName, c.Name)
		card.SetName(&vcard.Name{GivenName: c.Name})
		for _, e := range c.Emails {
			card.Add(vcard.FieldEmail, &vcard.Field{Value: e})
		}
		for _, p := range c.Phones {
			card.Add(vcard.FieldTelephone, &vcard.Field{Value: p})
		}
		if c.Organization != "" {
			card.SetValue(vcard.FieldOrganization, c.Organization)
		}
		if c.Title != "" {
			card.SetValue(vcard.FieldTitle, c.Title)
		}
		if c.Notes != "" {
			card.SetValue(vcard.FieldNote, c.Notes)
		}
		vcard.ToV4(card)
		if err := enc.Encode(card); err != nil {
			return fmt.Errorf("write vcard: %w", err)
		}
	}
	return nil
}
