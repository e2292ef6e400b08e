package service

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/store"
)

// ExportFormat names the layout of an archive, for the sites that import
// it.
const ExportFormat = "rapport-export-1"

// Exports build archives of a member's data: everything that is theirs,
// in open formats, and nothing that is anyone else's.
type Exports struct {
	base
	accounts *Accounts
	baseURL  string
	// building is how many archives this process is building, at most
	// maxBuilds at once.
	builds chan struct{}
}

const maxBuilds = 2

// staleBuild is how long a build may go without progress before it is
// taken for dead (its process stopped).
const staleBuild = 10 * time.Minute

// Request starts building an archive of the caller's data in the
// background. Returns ECONFLICT while one is being built.
func (s *Exports) Request(ctx context.Context) (*rapport.DataExport, error) {
	c, err := personal(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if _, err := s.db.DeleteExpiredExports(ctx, now, now.Add(-staleBuild)); err != nil {
		return nil, err
	}
	list, err := s.db.FindExports(ctx, c.MemberID)
	if err != nil {
		return nil, err
	}
	for _, e := range list {
		if e.Status == rapport.ExportBuilding {
			return nil, rapport.Errorf(rapport.ECONFLICT, "Your archive is being built; it will be ready in a moment.")
		}
	}
	e := &rapport.DataExport{MemberID: c.MemberID, Status: rapport.ExportBuilding, Total: len(exportSteps), CreatedAt: now, UpdatedAt: now}
	if err := s.db.CreateExport(ctx, e); err != nil {
		return nil, err
	}
	// The build outlives the request that asked for it.
	go s.build(context.WithoutCancel(ctx), e)
	return e, nil
}

func (s *Exports) build(ctx context.Context, e *rapport.DataExport) {
	s.builds <- struct{}{}
	defer func() { <-s.builds }()
	archive, err := s.Archive(ctx, e.MemberID, func(done, total int) {
		if err := s.db.UpdateExportProgress(ctx, e.ID, done, total, s.now()); err != nil {
			s.log.Error("export progress", "export", e.ID, "err", err)
		}
	})
	if err != nil {
		s.log.Error("build export", "export", e.ID, "err", err)
		archive = nil
	}
	now := s.now()
	if err := s.db.FinishExport(ctx, e.ID, archive, now, now.Add(rapport.ExportTTL)); err != nil {
		s.log.Error("finish export", "export", e.ID, "err", err)
	}
}

// List returns the caller's archives, newest first.
func (s *Exports) List(ctx context.Context) ([]*rapport.DataExport, error) {
	c, err := personal(ctx)
	if err != nil {
		return nil, err
	}
	return s.db.FindExports(ctx, c.MemberID)
}

// Download returns one of the caller's ready archives, after checking
// their password. Returns EUNAUTHORIZED naming password when it is wrong,
// ENOTFOUND for an archive that is not theirs, not ready or expired.
func (s *Exports) Download(ctx context.Context, id int64, password string) ([]byte, error) {
	c, err := personal(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := s.accounts.confirmPassword(ctx, c, password, "password"); err != nil {
		return nil, err
	}
	return s.db.FindExportArchive(ctx, c.MemberID, id, s.now())
}

// archiveFile is one file of an archive: its name, what README.txt says of
// it, and how it is written.
type archiveFile struct {
	Name, About string
	write       func(ctx context.Context, s *Exports, x *exportData, w io.Writer) error
}

// exportData is what the files of one archive are written from.
type exportData struct {
	member      *rapport.Member
	connections []rapport.ExportConnection // read once, for Connections.csv and Notes.csv
}

// exportSteps are the files of an archive, in order; README.txt comes
// first and describes the others.
var exportSteps = []archiveFile{
	{"Profile.json", "Your profile: handle, name, email address, headline, about, location, and the open-to-work signal if you set one.", writeProfileJSON},
	{"Positions.csv", "Your positions: Company Name, Title, Description, Location, Started On, Finished On (empty while current), Organization Page.", writePositionsCSV},
	{"Education.csv", "Your education: School Name, Start Date, End Date, Degree Name, Field of Study.", writeEducationCSV},
	{"Skills.csv", "Your skills: Name.", writeSkillsCSV},
	{"Settings.json", "Your settings: who sees your profile and connections, profile-update sharing, how you view profiles, who finds you by email.", writeSettingsJSON},
	{"Connections.csv", "Your connections, with the columns other networks use: First Name, Last Name, URL, Email Address (only where that connection lets connections see it), Company, Position (their current one), Connected On.", writeConnectionsCSV},
	{"Invitations.csv", "Invitations you sent and received: From, To, Sent At, Message, Direction (OUTGOING or INCOMING). Invitations you ignored are listed; others' are not.", writeInvitationsCSV},
	{"Messages.csv", "Your direct messages (as you see them) and the InMail you received: Conversation ID, Conversation Title, From, To, Date, Subject, Content, Folder (MESSAGES or INMAIL).", writeMessagesCSV},
	{"Posts.json", "Your posts and shared profile updates, with their audience.", writePostsJSON},
	{"Comments.csv", "Comments you wrote: Date, Link (the post), Message.", writeCommentsCSV},
	{"Reactions.csv", "Reactions you left: Date, Type, Link (the post).", writeReactionsCSV},
	{"Contacts.vcf", "Your contacts (business cards), as vCard 4.0.", writeContactsVCF},
	{"Notes.csv", "Your notes and tags on connections: Handle, Name, Note, Tags.", writeNotesCSV},
	{"Following.csv", "Organizations and members you follow: Type, Name, URL.", writeFollowingCSV},
	{"Blocked.csv", "Members you blocked: Handle, Name.", writeBlockedCSV},
}

// Archive builds the ZIP of a member's data, calling progress after each
// file.
func (s *Exports) Archive(ctx context.Context, memberID int64, progress func(done, total int)) ([]byte, error) {
	m, err := s.db.FindMemberByID(ctx, memberID)
	if err != nil {
		return nil, err
	}
	x := &exportData{member: m}
	if x.connections, err = s.db.FindExportConnections(ctx, memberID); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	readme, err := z.Create("README.txt")
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(readme, "Your data from Rapport (%s), as @%s, made %s.\r\n\r\n", s.baseURL, m.Handle, s.now().UTC().Format(time.RFC3339))
	fmt.Fprintf(readme, "Everything in it is yours; nothing in it is anyone else's. CSV files are UTF-8 with a header row; dates are UTC.\r\n")
	fmt.Fprintf(readme, "Another Rapport site imports this archive whole (format %s).\r\n\r\n", ExportFormat)
	for _, f := range exportSteps {
		fmt.Fprintf(readme, "%s\r\n    %s\r\n", f.Name, f.About)
	}
	for i, f := range exportSteps {
		w, err := z.Create(f.Name)
		if err != nil {
			return nil, err
		}
		if err := f.write(ctx, s, x, w); err != nil {
			return nil, fmt.Errorf("write %s: %w", f.Name, err)
		}
		if progress != nil {
			progress(i+1, len(exportSteps))
		}
	}
	if err := z.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func writeCSV(w io.Writer, header []string, rows [][]string) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(header); err != nil {
		return err
	}
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return cw.Error()
}

// ExportedProfile is Profile.json.
type ExportedProfile struct {
	Format      string              `json:"format"`
	Site        string              `json:"site"`
	Handle      string              `json:"handle"`
	DisplayName string              `json:"display_name"`
	Email       string              `json:"email"`
	Headline    string              `json:"headline"`
	About       string              `json:"about"`
	Location    string              `json:"location"`
	MemberSince time.Time           `json:"member_since"`
	OpenToWork  *rapport.OpenToWork `json:"open_to_work"`
}

// ExportedSettings is Settings.json.
type ExportedSettings struct {
	Visibility            string `json:"visibility"`
	ConnectionsVisibility string `json:"connections_visibility"`
	ShareUpdates          bool   `json:"share_updates"`
	ProfileViewing        string `json:"profile_viewing"`
	FindByEmail           string `json:"find_by_email"`
	EmailToConnections    bool   `json:"email_to_connections"`
}

func writeProfileJSON(ctx context.Context, s *Exports, x *exportData, w io.Writer) error {
	m := x.member
	otw, err := s.db.FindOpenToWork(ctx, m.ID)
	if rapport.ErrorCode(err) == rapport.ENOTFOUND {
		otw, err = nil, nil
	}
	if err != nil {
		return err
	}
	return writeJSON(w, ExportedProfile{Format: ExportFormat, Site: s.baseURL, Handle: m.Handle, DisplayName: m.DisplayName, Email: m.Email,
		Headline: m.Profile.Headline, About: m.Profile.About, Location: m.Profile.Location, MemberSince: m.CreatedAt.UTC(), OpenToWork: otw})
}

// exportMonth is how positions' months are written, as other networks do.
const exportMonth = "Jan 2006"

func monthText(m *rapport.Month) string {
	if m == nil {
		return ""
	}
	return time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, time.UTC).Format(exportMonth)
}

func writePositionsCSV(_ context.Context, s *Exports, x *exportData, w io.Writer) error {
	var rows [][]string
	for _, p := range x.member.Profile.Positions {
		page := ""
		if p.OrganizationSlug != "" {
			page = s.baseURL + "/org/" + p.OrganizationSlug
		}
		rows = append(rows, []string{p.OrganizationName, p.Title, p.Description, p.Location, monthText(&p.Start), monthText(p.End), page})
	}
	return writeCSV(w, []string{"Company Name", "Title", "Description", "Location", "Started On", "Finished On", "Organization Page"}, rows)
}

func yearText(y int) string {
	if y == 0 {
		return ""
	}
	return strconv.Itoa(y)
}

func writeEducationCSV(_ context.Context, _ *Exports, x *exportData, w io.Writer) error {
	var rows [][]string
	for _, e := range x.member.Profile.Education {
		rows = append(rows, []string{e.School, yearText(e.StartYear), yearText(e.EndYear), e.Degree, e.Field})
	}
	return writeCSV(w, []string{"School Name", "Start Date", "End Date", "Degree Name", "Field of Study"}, rows)
}

func writeSkillsCSV(_ context.Context, _ *Exports, x *exportData, w io.Writer) error {
	var rows [][]string
	for _, sk := range x.member.Profile.Skills {
		rows = append(rows, []string{sk})
	}
	return writeCSV(w, []string{"Name"}, rows)
}

func writeSettingsJSON(ctx context.Context, s *Exports, x *exportData, w io.Writer) error {
	m := x.member
	out := ExportedSettings{Visibility: m.Profile.Visibility, ConnectionsVisibility: m.Profile.ConnectionsVisibility}
	var err error
	if out.ShareUpdates, err = s.db.FindShareUpdates(ctx, m.ID); err != nil {
		return err
	}
	if out.ProfileViewing, err = s.db.FindProfileViewing(ctx, m.ID); err != nil {
		return err
	}
	if out.FindByEmail, err = s.db.FindFindByEmail(ctx, m.ID); err != nil {
		return err
	}
	if out.EmailToConnections, err = s.db.FindEmailToConnections(ctx, m.ID); err != nil {
		return err
	}
	return writeJSON(w, out)
}

// connectionsHeader is the header of Connections.csv, exactly as other
// networks write it, so that the tools that read theirs read ours.
var connectionsHeader = []string{"First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"}

// exportDay is how days are written in Connections.csv, as other networks do.
const exportDay = "02 Jan 2006"

func writeConnectionsCSV(ctx context.Context, s *Exports, x *exportData, w io.Writer) error {
	var rows [][]string
	for _, c := range x.connections {
		rows = append(rows, []string{c.FirstName, c.LastName, s.baseURL + "/in/" + c.Handle, c.Email, c.Company, c.Position, c.ConnectedOn.UTC().Format(exportDay)})
	}
	return writeCSV(w, connectionsHeader, rows)
}

func memberName(m *rapport.Member) string {
	if m == nil {
		return "a former member"
	}
	return m.DisplayName
}

func writeInvitationsCSV(ctx context.Context, s *Exports, x *exportData, w io.Writer) error {
	var rows [][]string
	for _, dir := range []struct {
		f    store.InvitationFilter
		name string
	}{{store.InvitationFilter{SenderID: x.member.ID}, "OUTGOING"}, {store.InvitationFilter{RecipientID: x.member.ID}, "INCOMING"}} {
		list, err := s.db.FindInvitations(ctx, dir.f)
		if err != nil {
			return err
		}
		for _, inv := range list {
			rows = append(rows, []string{memberName(inv.Sender), memberName(inv.Recipient), inv.CreatedAt.UTC().Format(time.RFC3339), inv.Note, dir.name})
		}
	}
	return writeCSV(w, []string{"From", "To", "Sent At", "Message", "Direction"}, rows)
}

func writeMessagesCSV(ctx context.Context, s *Exports, x *exportData, w io.Writer) error {
	me := x.member.ID
	var rows [][]string
	threads, err := s.db.FindThreads(ctx, me, 1<<30)
	if err != nil {
		return err
	}
	blocked, err := s.db.FindBlockIDs(ctx, me)
	if err != nil {
		return err
	}
	for _, t := range threads {
		full, err := s.db.FindThread(ctx, me, t.ID)
		if err != nil {
			return err
		}
		var names []string
		for _, tm := range others(full.Members, me, blocked) {
			names = append(names, tm.Member.DisplayName)
		}
		title := strings.Join(names, ", ")
		for _, msg := range full.Messages {
			to := title
			if msg.Sender == nil || msg.Sender.ID != me {
				to = x.member.DisplayName
			}
			rows = append(rows, []string{"m" + strconv.FormatInt(t.ID, 10), title, memberName(msg.Sender), to,
				msg.CreatedAt.UTC().Format(time.RFC3339), "", msg.Body, "MESSAGES"})
		}
	}
	mails, err := s.db.FindInMailThreads(ctx, 0, me)
	if err != nil {
		return err
	}
	for _, t := range mails {
		full, err := s.db.FindInMailThread(ctx, 0, me, t.ID)
		if err != nil {
			return err
		}
		for _, msg := range full.Messages {
			from, to := "A recruiter", x.member.DisplayName
			if !msg.FromSeat {
				from, to = x.member.DisplayName, "A recruiter"
			}
			rows = append(rows, []string{"i" + strconv.FormatInt(t.ID, 10), full.Subject, from, to, msg.CreatedAt.UTC().Format(time.RFC3339),
				full.Subject, msg.Body, "INMAIL"})
		}
	}
	return writeCSV(w, []string{"Conversation ID", "Conversation Title", "From", "To", "Date", "Subject", "Content", "Folder"}, rows)
}

// ExportedPost is one post of Posts.json.
type ExportedPost struct {
	ID        int64     `json:"id"`
	Kind      string    `json:"kind"`
	Audience  string    `json:"audience"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	URL       string    `json:"url"`
}

func (s *Exports) postURL(id int64) string { return s.baseURL + "/posts/" + strconv.FormatInt(id, 10) }

func writePostsJSON(ctx context.Context, s *Exports, x *exportData, w io.Writer) error {
	list, err := s.db.FindMemberPosts(ctx, x.member.ID, x.member.ID, true, 1<<30)
	if err != nil {
		return err
	}
	out := []ExportedPost{}
	for _, p := range list {
		if p.Organization != nil {
			continue // the organization's, not the member's
		}
		out = append(out, ExportedPost{ID: p.ID, Kind: p.Kind, Audience: p.Audience, Body: p.Body, CreatedAt: p.CreatedAt.UTC(), UpdatedAt: p.UpdatedAt.UTC(), URL: s.postURL(p.ID)})
	}
	return writeJSON(w, out)
}

func writeCommentsCSV(ctx context.Context, s *Exports, x *exportData, w io.Writer) error {
	list, err := s.db.FindCommentsBy(ctx, x.member.ID)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, c := range list {
		rows = append(rows, []string{c.CreatedAt.UTC().Format(time.RFC3339), s.postURL(c.PostID), c.Body})
	}
	return writeCSV(w, []string{"Date", "Link", "Message"}, rows)
}

func writeReactionsCSV(ctx context.Context, s *Exports, x *exportData, w io.Writer) error {
	list, err := s.db.FindReactionsBy(ctx, x.member.ID)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, r := range list {
		rows = append(rows, []string{r.CreatedAt.UTC().Format(time.RFC3339), strings.ToUpper(r.Kind), s.postURL(r.PostID)})
	}
	return writeCSV(w, []string{"Date", "Type", "Link"}, rows)
}

func writeContactsVCF(ctx context.Context, s *Exports, x *exportData, w io.Writer) error {
	list, err := s.db.FindContacts(ctx, store.ContactFilter{OwnerID: x.member.ID})
	if err != nil {
		return err
	}
	return writeVCards(w, list)
}

func writeNotesCSV(ctx context.Context, s *Exports, x *exportData, w io.Writer) error {
	var rows [][]string
	for _, c := range x.connections {
		if c.Note != "" || len(c.Tags) > 0 {
			rows = append(rows, []string{c.Handle, strings.TrimSpace(c.FirstName + " " + c.LastName), c.Note, strings.Join(c.Tags, ",")})
		}
	}
	return writeCSV(w, []string{"Handle", "Name", "Note", "Tags"}, rows)
}

func writeFollowingCSV(ctx context.Context, s *Exports, x *exportData, w io.Writer) error {
	orgs, err := s.db.FindFollowedOrganizations(ctx, x.member.ID)
	if err != nil {
		return err
	}
	members, err := s.db.FindFollowing(ctx, x.member.ID, true)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, o := range orgs {
		rows = append(rows, []string{"ORGANIZATION", o.Name, s.baseURL + "/org/" + o.Slug})
	}
	for _, m := range members {
		rows = append(rows, []string{"MEMBER", m.DisplayName, s.baseURL + "/in/" + m.Handle})
	}
	return writeCSV(w, []string{"Type", "Name", "URL"}, rows)
}

func writeBlockedCSV(ctx context.Context, s *Exports, x *exportData, w io.Writer) error {
	list, err := s.db.FindBlocked(ctx, x.member.ID)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, m := range list {
		rows = append(rows, []string{m.Handle, m.DisplayName})
	}
	return writeCSV(w, []string{"Handle", "Name"}, rows)
}
