package service

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/rapportnet/rapport"
)

// Imports bring a member's data from elsewhere: an archive of another
// Rapport site, or the Connections.csv of another network. Former
// connections become contacts, and those who are members here (found by
// email, where they allow it) receive an invitation: never a connection
// made without their yes.
type Imports struct {
	base
	profiles *Profiles
	contacts *Contacts
	network  *Network
}

// ArchiveReport says what an import brought in, and who was invited.
type ArchiveReport struct {
	Profile   bool // the profile's text and settings were restored
	Positions int
	Education int
	Skills    int
	Contacts  *ImportReport // contacts, former connections among them
	Invited   []*rapport.Member
	// Connected are former connections who had invited the member here
	// already: inviting back connected them (two yeses).
	Connected []*rapport.Member
	// NotInvited are former connections found here but not invited, and
	// why (connected already, the weekly limit...).
	NotInvited []NotInvited
}

// NotInvited is a member who was not invited, and why.
type NotInvited struct {
	Member *rapport.Member
	Reason string
}

// maxArchiveFile is the largest file of an archive that is read.
const maxArchiveFile = 32 << 20

// ImportArchive restores an archive made by another Rapport site
// (Exports.Archive): profile, positions, education, skills, settings,
// contacts and notes, and invites the former connections who are members
// here. Nothing restored is broadcast. Returns EINVALID naming file for an
// archive that is not one.
func (s *Imports) ImportArchive(ctx context.Context, archive []byte) (*ArchiveReport, error) {
	c, err := personal(ctx)
	if err != nil {
		return nil, err
	}
	bad := func(format string, args ...any) error { return rapport.FieldError("file", format, args...) }
	z, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		return nil, bad("This is not a ZIP archive.")
	}
	files := map[string]*zip.File{}
	for _, f := range z.File {
		files[f.Name] = f
	}
	read := func(name string) ([]byte, error) {
		f := files[name]
		if f == nil {
			return nil, nil
		}
		if f.UncompressedSize64 > maxArchiveFile {
			return nil, bad("%s is larger than %d MiB.", name, maxArchiveFile>>20)
		}
		r, err := f.Open()
		if err != nil {
			return nil, bad("%s cannot be read: %v.", name, err)
		}
		defer r.Close()
		b, err := io.ReadAll(io.LimitReader(r, maxArchiveFile+1))
		if err != nil {
			return nil, bad("%s cannot be read: %v.", name, err)
		}
		return b, nil
	}
	raw, err := read("Profile.json")
	if err != nil {
		return nil, err
	}
	var profile ExportedProfile
	if raw == nil || json.Unmarshal(raw, &profile) != nil || profile.Format != ExportFormat {
		return nil, bad("This is not an archive of a Rapport site: its Profile.json is missing or not of format %s.", ExportFormat)
	}
	// Read every part before changing anything, so that a broken archive
	// changes nothing.
	parts := map[string][]byte{}
	for _, name := range []string{"Positions.csv", "Education.csv", "Skills.csv", "Settings.json", "Connections.csv", "Notes.csv", "Contacts.vcf"} {
		if parts[name], err = read(name); err != nil {
			return nil, err
		}
	}
	positions, err := readPositions(parts["Positions.csv"])
	if err != nil {
		return nil, err
	}
	education, err := readEducation(parts["Education.csv"])
	if err != nil {
		return nil, err
	}
	skills, err := readColumn(parts["Skills.csv"], "Skills.csv", "Name")
	if err != nil {
		return nil, err
	}
	var settings *ExportedSettings
	if raw := parts["Settings.json"]; raw != nil {
		settings = &ExportedSettings{}
		if err := json.Unmarshal(raw, settings); err != nil {
			return nil, bad("Settings.json is not valid JSON.")
		}
	}
	former, err := readFormerConnections(parts["Connections.csv"], parts["Notes.csv"], profile.Site)
	if err != nil {
		return nil, err
	}

	// Restored, never broadcast.
	quiet := WithShareChoice(ctx, false)
	report := &ArchiveReport{Contacts: &ImportReport{}}
	upd := rapport.ProfileUpdate{Headline: &profile.Headline, About: &profile.About, Location: &profile.Location}
	if settings != nil {
		if settings.Visibility != "" {
			upd.Visibility = &settings.Visibility
		}
		if settings.ConnectionsVisibility != "" {
			upd.ConnectionsVisibility = &settings.ConnectionsVisibility
		}
	}
	if _, err := s.profiles.UpdateProfile(quiet, upd); err != nil {
		return nil, err
	}
	report.Profile = true
	for _, p := range positions {
		if _, err := s.profiles.AddPosition(quiet, p); err != nil {
			return report, fmt.Errorf("position %q: %w", p.Title, err)
		}
		report.Positions++
	}
	for _, e := range education {
		if _, err := s.profiles.AddEducation(quiet, e); err != nil {
			return report, fmt.Errorf("education %q: %w", e.School, err)
		}
		report.Education++
	}
	if len(skills) > 0 {
		me, err := s.db.FindMemberByID(ctx, c.MemberID)
		if err != nil {
			return report, err
		}
		if _, err := s.profiles.SetSkills(quiet, append(me.Profile.Skills, skills...)); err != nil {
			return report, err
		}
		report.Skills = len(skills)
	}
	if settings != nil {
		if err := s.restoreSettings(ctx, c, settings); err != nil {
			return report, err
		}
	}
	if raw := parts["Contacts.vcf"]; len(bytes.TrimSpace(raw)) > 0 {
		rep, err := s.contacts.Import(ctx, bytes.NewReader(raw), FormatVCard, nil)
		if err != nil {
			return report, err
		}
		report.Contacts = rep
	}
	return report, s.bringConnections(ctx, c, former, report)
}

func (s *Imports) restoreSettings(ctx context.Context, c rapport.Caller, st *ExportedSettings) error {
	if err := s.db.SetShareUpdates(ctx, c.MemberID, st.ShareUpdates); err != nil {
		return err
	}
	if st.ProfileViewing == rapport.ViewingNamed || st.ProfileViewing == rapport.ViewingPrivate {
		if err := s.db.SetProfileViewing(ctx, c.MemberID, st.ProfileViewing); err != nil {
			return err
		}
	}
	if st.FindByEmail != "" {
		if err := s.contacts.SetFindByEmail(ctx, st.FindByEmail); err != nil {
			return err
		}
	}
	return s.db.SetEmailToConnections(ctx, c.MemberID, st.EmailToConnections)
}

// ImportConnections reads the Connections.csv of another network (or of a
// Rapport archive) into the caller's contacts, and invites those who are
// members here.
func (s *Imports) ImportConnections(ctx context.Context, r io.Reader) (*ArchiveReport, error) {
	c, err := personal(ctx)
	if err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	former, err := readFormerConnections(raw, nil, "")
	if err != nil {
		return nil, err
	}
	if len(former) == 0 {
		return nil, rapport.FieldError("file", "This file lists no connections: it needs the columns First Name, Last Name and Email Address.")
	}
	report := &ArchiveReport{Contacts: &ImportReport{}}
	return report, s.bringConnections(ctx, c, former, report)
}

// bringConnections keeps former connections as contacts and invites those
// who are members here and let the caller find them by email.
func (s *Imports) bringConnections(ctx context.Context, c rapport.Caller, former []*rapport.Contact, report *ArchiveReport) error {
	if len(former) == 0 {
		return nil
	}
	var vcf bytes.Buffer
	if err := writeVCards(&vcf, former); err != nil {
		return err
	}
	rep, err := s.contacts.Import(ctx, &vcf, FormatVCard, nil)
	if err != nil {
		return err
	}
	report.Contacts.Read += rep.Read
	report.Contacts.Imported += rep.Imported
	report.Contacts.Merged += rep.Merged
	report.Contacts.Skipped = append(report.Contacts.Skipped, rep.Skipped...)
	var keys []string
	for _, f := range former {
		for _, e := range f.Emails {
			keys = append(keys, rapport.NormalizeEmail(e))
		}
	}
	found, err := s.db.FindMembersByEmail(ctx, c.MemberID, keys)
	if err != nil {
		return err
	}
	seen := map[int64]bool{}
	for _, k := range keys {
		m := found[k]
		if m == nil || seen[m.ID] {
			continue
		}
		seen[m.ID] = true
		_, connected, err := s.network.Invite(ctx, Invite{To: m.Handle, HowMet: rapport.HowMetOther,
			Note: "We were connected on another site; I have moved here."})
		switch {
		case err == nil && connected:
			report.Connected = append(report.Connected, m)
		case err == nil:
			report.Invited = append(report.Invited, m)
		case rapport.ErrorCode(err) == rapport.EINTERNAL:
			return err
		default:
			report.NotInvited = append(report.NotInvited, NotInvited{Member: m, Reason: rapport.ErrorMessage(err)})
		}
	}
	return nil
}

// csvRows reads a CSV file with a header row into maps by column name.
// Lines before the header (some exports begin with notes) are passed
// over: the header is the first row holding want[0].
func csvRows(raw []byte, name string, want ...string) ([]map[string]string, error) {
	if raw == nil {
		return nil, nil
	}
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\ufeff"))))
	cr.FieldsPerRecord = -1
	var header []string
	var out []map[string]string
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, rapport.FieldError("file", "%s is not valid CSV: %v.", name, err)
		}
		if header == nil {
			for _, h := range rec {
				if strings.EqualFold(strings.TrimSpace(h), want[0]) {
					header = rec
				}
			}
			continue
		}
		row := map[string]string{}
		for i, h := range header {
			if i < len(rec) {
				row[strings.ToLower(strings.TrimSpace(h))] = strings.TrimSpace(rec[i])
			}
		}
		out = append(out, row)
	}
	if header == nil {
		return nil, rapport.FieldError("file", "%s has no header row with %s.", name, strings.Join(want, ", "))
	}
	return out, nil
}

func readColumn(raw []byte, name, column string) ([]string, error) {
	rows, err := csvRows(raw, name, column)
	var out []string
	for _, r := range rows {
		if v := r[strings.ToLower(column)]; v != "" {
			out = append(out, v)
		}
	}
	return out, err
}

func parseExportMonth(v string) (*rapport.Month, error) {
	if v == "" {
		return nil, nil
	}
	t, err := time.Parse(exportMonth, v)
	if err != nil {
		return nil, err
	}
	return &rapport.Month{Year: t.Year(), Month: t.Month()}, nil
}

func readPositions(raw []byte) ([]rapport.Position, error) {
	rows, err := csvRows(raw, "Positions.csv", "Title", "Company Name", "Started On")
	if err != nil {
		return nil, err
	}
	var out []rapport.Position
	for i, r := range rows {
		start, err1 := parseExportMonth(r["started on"])
		end, err2 := parseExportMonth(r["finished on"])
		if err1 != nil || err2 != nil || start == nil {
			return nil, rapport.FieldError("file", "Positions.csv, row %d: dates are written like %q.", i+1, exportMonth)
		}
		out = append(out, rapport.Position{Title: r["title"], OrganizationName: r["company name"], Description: r["description"],
			Location: r["location"], Start: *start, End: end})
	}
	return out, nil
}

func readEducation(raw []byte) ([]rapport.Education, error) {
	rows, err := csvRows(raw, "Education.csv", "School Name")
	if err != nil {
		return nil, err
	}
	var out []rapport.Education
	for i, r := range rows {
		e := rapport.Education{School: r["school name"], Degree: r["degree name"], Field: r["field of study"]}
		for _, y := range []struct {
			v   string
			dst *int
		}{{r["start date"], &e.StartYear}, {r["end date"], &e.EndYear}} {
			if y.v == "" {
				continue
			}
			n, err := strconv.Atoi(y.v)
			if err != nil {
				return nil, rapport.FieldError("file", "Education.csv, row %d: years are written as numbers.", i+1)
			}
			*y.dst = n
		}
		out = append(out, e)
	}
	return out, nil
}

// readFormerConnections reads Connections.csv (with the notes and tags of
// Notes.csv, by profile address) as contacts.
func readFormerConnections(connections, notes []byte, site string) ([]*rapport.Contact, error) {
	rows, err := csvRows(connections, "Connections.csv", "First Name", "Last Name")
	if err != nil {
		return nil, err
	}
	noteRows, err := csvRows(notes, "Notes.csv", "Handle")
	if err != nil {
		return nil, err
	}
	byURL := map[string]map[string]string{}
	for _, n := range noteRows {
		byURL[site+"/in/"+n["handle"]] = n
	}
	var out []*rapport.Contact
	for _, r := range rows {
		name := strings.TrimSpace(r["first name"] + " " + r["last name"])
		c := &rapport.Contact{Name: name, Organization: r["company"], Title: r["position"]}
		if e := r["email address"]; e != "" {
			c.Emails = []string{e}
		}
		var notes []string
		if on := r["connected on"]; on != "" {
			notes = append(notes, "Connected on "+on+".")
		}
		if n := byURL[r["url"]]; n != nil {
			if n["note"] != "" {
				notes = append(notes, n["note"])
			}
			if n["tags"] != "" {
				notes = append(notes, "Tags: "+n["tags"])
			}
		}
		c.Notes = strings.Join(notes, "\n")
		if name != "" || len(c.Emails) > 0 {
			out = append(out, c)
		}
	}
	return out, nil
}
