package web

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/service"
)

//go:embed templates
var templateFS embed.FS

// pageNames are the pages the site renders; start-up fails when one is
// missing or does not parse.
var pageNames = []string{
	"home", "signup", "login", "forgot", "reset", "profile", "profile_locked",
	"edit", "position_edit", "education_edit", "settings", "error", "network", "invite", "search",
	"org_new", "org", "org_admin", "seats", "seat_refused", "recruiter", "recruiter_candidate",
	"recruiter_projects", "recruiter_project", "recruiter_inmail", "recruiter_inmail_thread", "inmail", "inmail_thread",
	"post", "messages", "thread", "notifications", "views", "contacts", "contact_edit", "data", "close",
	"report", "operator_reports", "operator_report", "operator_audit",
}

// pages holds the parsed templates, one set per page: the layout and the page.
type pages struct {
	byName map[string]*template.Template
}

var templateFuncs = template.FuncMap{
	"month": func(m rapport.Month) string {
		return time.Month(m.Month).String()[:3] + " " + strconv.Itoa(m.Year)
	},
	"date":    func(t time.Time) string { return t.UTC().Format("2 Jan 2006, 15:04 UTC") },
	"day":     func(t time.Time) string { return t.UTC().Format("2 Jan 2006") },
	"join":    strings.Join,
	"invite":  inviteLink,
	"title":   func(s string) string { return strings.ToUpper(s[:1]) + s[1:] },
	"mutuals": mutualReason,
	"reason":  suggestionReason,
	"howmet": func(v string) string {
		for _, c := range howMetChoices {
			if c.Value == v {
				return c.Label
			}
		}
		return v
	},
	"ordinal": func(d int) string {
		return map[int]string{1: "1st", 2: "2nd", 3: "3rd"}[d]
	},
	"threadNames": threadNames,
	"excerpt": func(s string) string {
		if r := []rune(strings.Join(strings.Fields(s), " ")); len(r) > 80 {
			return string(r[:80]) + "…"
		}
		return strings.Join(strings.Fields(s), " ")
	},
	// blank is the data of an empty form.
	"blank": func() *pageData { return &pageData{Errors: map[string]string{}, Values: map[string]string{}} },
}

func loadPages() (*pages, error) {
	p := &pages{byName: map[string]*template.Template{}}
	for _, name := range pageNames {
		t, err := template.New("layout.html").Funcs(templateFuncs).ParseFS(templateFS, "templates/layout.html", "templates/fields.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("page %s: %w", name, err)
		} else if t.Lookup("content") == nil {
			return nil, fmt.Errorf("page %s: templates/%s.html defines no \"content\"", name, name)
		}
		p.byName[name] = t
	}
	return p, nil
}

// pageData is what every page template gets; each page uses the fields it needs.
type pageData struct {
	Caller rapport.Caller
	Title  string
	Notice string

	// Form is the form the errors and values are about, on pages with several.
	Form   string
	Error  string            // an error about the whole form
	Errors map[string]string // errors by field name
	Values map[string]string // what was typed, to fill the form again

	Next      string
	Member    *rapport.Member
	Sender    *rapport.Member // the caller, on the invite form
	Relation  rapport.Relation
	Network   *networkPage
	Search    *searchPage
	HowMet    []struct{ Value, Label string }
	Own       bool
	Position  *rapport.Position
	Education *rapport.Education
	Sessions  []*rapport.Session
	Tokens    []*rapport.AccessToken
	NewToken  string
	Token     string
	Status    int
	Message   string

	Org         *orgPage
	MySeats     *seatsPage
	Recruiter   *recruiterPage
	InMail      *inMailPage // InMail received, in the personal account
	OpenToWork  *openToWorkForm
	Badge       *rapport.OpenToWork // on a profile: the open-to-work badge, shown to everyone
	Switcher    *seatSwitcher       // the header's seat switcher, found when the page is rendered
	Posts       *postsPage          // the feed, a member's activity, an organization's posts, or one post
	Share       *shareChoice        // the sharing checkboxes of the edit forms, and the setting
	Messages    *messagesPage       // the inbox, a thread, notifications, who viewed the caller
	Viewing     string              // how the caller views profiles, on settings
	Unread      *service.Counts     // the header's badges, found when the page is rendered
	ContactList *contactsPage       // the contacts page, or one contact's form
	Data        *dataPage           // archives of the member's data, and imports
	Refresh     int                 // seconds after which the page reloads itself, while something is built
	TwoFactor   *twoFactorPage      // the two-factor section of the settings
	Moderation  *moderationPage     // the report form, and the operators' pages

	req *http.Request
}

// notices are the only texts a redirect can ask a page to show: chosen by
// key, so a link cannot make the site say something else.
var notices = map[string]string{
	"welcome":    "Welcome to Rapport. Tell your network what you do.",
	"decided":    "The decision is recorded, and the member is told by mail.",
	"reinstated": "The account is active again, and the member is told by mail.",
	"saved":      "Saved.",
	"deleted":    "Deleted.",
	"password":   "Your password is changed. Your other sessions have ended.",
	"email":      "Your email address is changed.",
	"ended":      "The session has ended.",
	"everyw":     "You are logged out everywhere else.",
	"revoked":    "The token is revoked.",
	"reset":      "Your password is reset. Log in with it.",
	"sent":       resetSentMessage,
	"invited":    "Invitation sent.",
	"connected":  "You are connected.",
	"ignored":    "Invitation ignored. The sender is not told.",
	"withdrawn":  "Invitation withdrawn.",
	"removed":    "Connection removed.",
	"noted":      "Note saved. Only you see it.",
	"blocked":    "Blocked. They are not told.",
	"unblocked":  "Unblocked.",
	"bye":        "You are logged out.",

	"orgcreated":  "Your organization's page is made, and you are its super admin.",
	"following":   "You follow this organization.",
	"unfollowed":  "You no longer follow this organization.",
	"granted":     "Role granted.",
	"rolerevoked": "Role revoked.",
	"stepped":     "You stepped down from the role.",
	"assigned":    "Seat offered. It is theirs once they accept it.",
	"reassigned":  "Seat reassigned: the holder lost it at once, and it is offered to the new member.",
	"seatrevoked": "Seat revoked. It stops working at its holder's next request.",
	"accepted":    "Seat accepted. Switch into it to use it.",
	"declined":    "Seat declined.",
	"left":        "You gave the seat back.",
	"personal":    "You are acting for your personal account.",
	"opentowork":  "Saved. Nothing was broadcast, and no one was told.",
	"notopen":     "You no longer say you are open to work.",

	"projectcreated":   "Project created. Add candidates to it from their pages.",
	"projectrenamed":   "Project renamed.",
	"projectdeleted":   "Project deleted.",
	"candidateadded":   "Added to the project.",
	"stagesaved":       "Stage saved.",
	"candidateremoved": "Taken out of the project.",
	"notesaved":        "Note saved. Whoever holds this seat sees it.",
	"notedeleted":      "Note deleted.",
	"searchsaved":      "Search saved.",
	"searchdeleted":    "Saved search deleted.",
	"inmailsent":       "InMail sent.",
	"messagesent":      "Message sent.",
	"replied":          "Reply sent.",
	"inmaildeclined":   "Declined. The recruiter can write no more in this conversation.",
	"inmailreported":   "Reported. The recruiter can write no more in this conversation, and the site's operators have your reason.",

	"posted":         "Posted.",
	"postsaved":      "Post saved.",
	"postdeleted":    "Post deleted.",
	"commented":      "Comment added.",
	"commentdeleted": "Comment deleted.",
	"sharingon":      "Saved. Your profile updates are shared with your network, unless you untick the box on an edit.",
	"sharingoff":     "Saved. Your profile updates are not shared, unless you tick the box on an edit. This setting was not broadcast.",
	"threadleft":     "You left the conversation.",
	"allread":        "All marked read.",
	"viewing":        "Saved. This setting was not broadcast.",
	"contactadded":   "Contact added. Only you see it.",
	"exporting":      "Your archive is being built. This page shows its progress.",
	"closed":         "Your account is closed. Log in within 14 days to reopen it.",
	"twofactoroff":   "Two-factor sign-in is off. Your password alone signs you in.",
}

func (s *Server) newPage(r *http.Request, title string) *pageData {
	return &pageData{
		Caller: rapport.CallerFromContext(r.Context()), Title: title,
		Notice: notices[r.URL.Query().Get("notice")],
		Errors: map[string]string{}, Values: map[string]string{}, req: r,
	}
}

// render writes a page. It renders into a buffer first so that a template
// error becomes a clean 500 rather than half a page.
func (s *Server) render(w http.ResponseWriter, status int, name string, data *pageData) error {
	s.findSwitcher(data)
	if data.req != nil && !data.Caller.Anonymous() && data.Unread == nil {
		data.Unread = s.unreadCounts(data.req)
	}
	var buf bytes.Buffer
	if err := s.pages.byName[name].Execute(&buf, data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
	return nil
}

func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, message string) {
	data := s.newPage(r, http.StatusText(status))
	data.Status, data.Message = status, message
	if err := s.render(w, status, "error", data); err != nil {
		s.log.Error("render error page", "err", err)
		http.Error(w, message, status)
	}
}

// passwordFields are the inputs whose values are never sent back to fill a
// form again, so formError cannot find them among the values.
var passwordFields = map[string]bool{"password": true, "current_password": true, "new_password": true}

// formError shows an input error on the form it came from: beside its field
// when it names one the form has, at the top otherwise (such as a full list
// of positions). Errors that are not about the input (not found, internal)
// go to the error page instead.
func (s *Server) formError(w http.ResponseWriter, r *http.Request, name string, data *pageData, err error) error {
	code := rapport.ErrorCode(err)
	field := rapport.ErrorField(err)
	if code == rapport.EINTERNAL || (code == rapport.ENOTFOUND && field == "") {
		return err
	}
	if _, typed := data.Values[field]; field != "" && (typed || passwordFields[field]) {
		data.Errors[field] = rapport.ErrorMessage(err)
	} else {
		data.Error = rapport.ErrorMessage(err)
	}
	var e *rapport.Error
	if code == rapport.ERATELIMITED && errors.As(err, &e) {
		w.Header().Set("Retry-After", retryAfterSeconds(e.RetryAfter))
	}
	return s.render(w, statusOf[code], name, data)
}

// formValues reads the named fields of a posted form, trimmed of nothing:
// the service decides what spaces mean.
func formValues(r *http.Request, names ...string) map[string]string {
	out := map[string]string{}
	for _, n := range names {
		out[n] = r.PostFormValue(n)
	}
	return out
}

// onID runs action on the id in the path, then sends the browser to path
// with the notice: the shape of the forms that delete or leave something.
func (s *Server) onID(w http.ResponseWriter, r *http.Request, action func(context.Context, int64) error, path, notice string) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := action(r.Context(), id); err != nil {
		return err
	}
	return redirect(w, r, path, notice)
}

func redirect(w http.ResponseWriter, r *http.Request, path, notice string) error {
	if notice != "" && strings.Contains(path, "?") {
		path += "&notice=" + notice
	} else if notice != "" {
		path += "?notice=" + notice
	}
	http.Redirect(w, r, path, http.StatusSeeOther)
	return nil
}

// localPath keeps a ?next= target on this site.
func localPath(next string) string {
	if strings.HasPrefix(next, "/") && !strings.HasPrefix(next, "//") && !strings.HasPrefix(next, "/\\") {
		return next
	}
	return "/me"
}

func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "Rapport")
	if data.Caller.Anonymous() {
		return s.render(w, http.StatusOK, "home", data)
	}
	return s.homePage(w, r, data, nil)
}

func (s *Server) handleSignUpPage(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, http.StatusOK, "signup", s.newPage(r, "Sign up"))
}

func (s *Server) handleSignUp(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "Sign up")
	data.Values = formValues(r, "email", "handle", "display_name")
	_, err := s.svc.Accounts.SignUp(r.Context(), service.SignUp{
		Email: data.Values["email"], Handle: data.Values["handle"], DisplayName: data.Values["display_name"], Password: r.PostFormValue("password"),
	})
	if err != nil {
		return s.formError(w, r, "signup", data, err)
	}
	token, _, err := s.svc.Accounts.LogIn(r.Context(), service.LogIn{Email: data.Values["email"], Password: r.PostFormValue("password"), IP: s.clientIP(r), UserAgent: r.UserAgent()})
	if err != nil {
		return err
	}
	s.setSessionCookie(w, token)
	return redirect(w, r, "/me/edit", "welcome")
}

func (s *Server) handleLogInPage(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "Log in")
	data.Next = localPath(r.URL.Query().Get("next"))
	return s.render(w, http.StatusOK, "login", data)
}

func (s *Server) handleLogIn(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "Log in")
	data.Values = formValues(r, "email", "code")
	data.Next = localPath(r.PostFormValue("next"))
	token, _, err := s.svc.Accounts.LogIn(r.Context(), service.LogIn{Email: data.Values["email"], Password: r.PostFormValue("password"),
		Code: data.Values["code"], IP: s.clientIP(r), UserAgent: r.UserAgent()})
	if err != nil {
		return s.formError(w, r, "login", data, err)
	}
	s.setSessionCookie(w, token)
	return redirect(w, r, data.Next, "")
}

func (s *Server) handleLogOut(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.Accounts.LogOut(r.Context()); err != nil && rapport.ErrorCode(err) != rapport.ENOTFOUND {
		return err
	}
	s.clearSessionCookie(w)
	return redirect(w, r, "/", "bye")
}

func (s *Server) handleForgotPage(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, http.StatusOK, "forgot", s.newPage(r, "Forgotten password"))
}

func (s *Server) handleForgot(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "Forgotten password")
	data.Values = formValues(r, "email")
	if err := s.svc.Accounts.RequestPasswordReset(r.Context(), data.Values["email"]); err != nil {
		return s.formError(w, r, "forgot", data, err)
	}
	return redirect(w, r, "/password/forgot", "sent")
}

func (s *Server) handleResetPage(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "Choose a new password")
	data.Token = r.PathValue("token")
	return s.render(w, http.StatusOK, "reset", data)
}

func (s *Server) handleReset(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "Choose a new password")
	data.Token = r.PathValue("token")
	if err := s.svc.Accounts.ResetPassword(r.Context(), data.Token, r.PostFormValue("password")); err != nil {
		if rapport.ErrorField(err) == "token" {
			return err // the link is spent: the error page says to ask for a new one
		}
		return s.formError(w, r, "reset", data, err)
	}
	return redirect(w, r, "/login", "reset")
}

func (s *Server) handleProfilePage(w http.ResponseWriter, r *http.Request) error {
	m, rel, err := s.svc.Profiles.Profile(r.Context(), r.PathValue("handle"))
	if rapport.ErrorCode(err) == rapport.EUNAUTHORIZED {
		data := s.newPage(r, "Sign in to see this profile")
		data.Message, data.Next = rapport.ErrorMessage(err), r.URL.Path
		return s.render(w, http.StatusUnauthorized, "profile_locked", data)
	} else if err != nil {
		return err
	}
	data := s.newPage(r, m.DisplayName)
	data.Member, data.Own, data.Relation = m, data.Caller.MemberID == m.ID, rel
	if data.Badge, err = s.svc.Profiles.OpenToWorkBadge(r.Context(), m.ID); err != nil {
		return err
	}
	if data.Posts, err = s.memberActivity(r, m); err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "profile", data)
}

func (s *Server) handleMyProfile(w http.ResponseWriter, r *http.Request) error {
	notice := r.URL.Query().Get("notice")
	if _, ok := notices[notice]; !ok {
		notice = ""
	}
	return redirect(w, r, "/in/"+rapport.CallerFromContext(r.Context()).Handle, notice)
}

// editPage renders the edit page, with the errors of one of its forms.
func (s *Server) editPage(w http.ResponseWriter, r *http.Request, data *pageData, err error) error {
	m, meErr := s.svc.Profiles.Me(r.Context())
	if meErr != nil {
		return meErr
	}
	data.Member = m
	if meErr = s.loadShareChoice(r.Context(), data); meErr != nil {
		return meErr
	}
	if data.OpenToWork == nil {
		if data.OpenToWork, meErr = s.openToWorkForm(r.Context()); meErr != nil {
			return meErr
		}
	}
	if err != nil {
		return s.formError(w, r, "edit", data, err)
	}
	return s.render(w, http.StatusOK, "edit", data)
}

func (s *Server) handleEditPage(w http.ResponseWriter, r *http.Request) error {
	return s.editPage(w, r, s.newPage(r, "Edit profile"), nil)
}

func (s *Server) handleProfileSave(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "Edit profile")
	data.Form = "profile"
	data.Values = formValues(r, "display_name", "headline", "about", "location", "visibility", "connections_visibility")
	v := data.Values
	upd := rapport.ProfileUpdate{DisplayName: ptr(v["display_name"]), Headline: ptr(v["headline"]), About: ptr(v["about"]),
		Location: ptr(v["location"]), Visibility: ptr(v["visibility"])}
	if v["connections_visibility"] != "" {
		upd.ConnectionsVisibility = ptr(v["connections_visibility"])
	}
	if _, err := s.svc.Profiles.UpdateProfile(shareContext(r, data), upd); err != nil {
		return s.editPage(w, r, data, err)
	}
	return redirect(w, r, "/me/edit", "saved")
}

func ptr(s string) *string { return &s }

// formPosition reads a position form; "current" checked means no end.
func formPosition(r *http.Request) (map[string]string, rapport.Position, error) {
	v := formValues(r, "title", "organization_name", "organization_slug", "location", "start", "end", "description", "current")
	req := positionRequest{Title: v["title"], OrganizationName: v["organization_name"], OrganizationSlug: v["organization_slug"],
		Location: v["location"], Start: v["start"], Description: v["description"]}
	if v["current"] == "" {
		req.End = ptr(v["end"])
	}
	p, err := req.position()
	if err == nil && (v["current"] != "" || v["end"] != "") {
		return v, p, nil
	}
	if err == nil {
		err = rapport.FieldError("end", "Give the end month, or tick \"I currently work here\".")
	}
	// The dates cannot be read. The fields above them are checked first, so
	// that a member sees the errors in the order of the form.
	probe := p
	if probe.Start.IsZero() {
		probe.Start = rapport.Month{Year: 2000, Month: time.January}
	}
	if textErr := probe.Validate(); textErr != nil {
		err = textErr
	}
	return v, rapport.Position{}, err
}

func (s *Server) handlePositionAdd(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "Edit profile")
	data.Form = "position"
	var p rapport.Position
	var err error
	if data.Values, p, err = formPosition(r); err == nil {
		_, err = s.svc.Profiles.AddPosition(shareContext(r, data), p)
	}
	if err != nil {
		return s.editPage(w, r, data, err)
	}
	return redirect(w, r, "/me/edit", "saved")
}

// findOwn returns the caller's position or education entry with the path's id.
func (s *Server) findOwn(r *http.Request) (*rapport.Member, int64, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, 0, err
	}
	m, err := s.svc.Profiles.Me(r.Context())
	return m, id, err
}

func (s *Server) positionPage(w http.ResponseWriter, r *http.Request, data *pageData, err error) error {
	m, id, findErr := s.findOwn(r)
	if findErr != nil {
		return findErr
	}
	for i := range m.Profile.Positions {
		if p := &m.Profile.Positions[i]; p.ID == id {
			data.Position = p
			if err != nil {
				return s.formError(w, r, "position_edit", data, err)
			}
			data.Values = map[string]string{"title": p.Title, "organization_name": p.OrganizationName,
				"organization_slug": p.OrganizationSlug, "location": p.Location, "start": p.Start.String(), "description": p.Description}
			if p.End != nil {
				data.Values["end"] = p.End.String()
			} else {
				data.Values["current"] = "on"
			}
			return s.render(w, http.StatusOK, "position_edit", data)
		}
	}
	return rapport.Errorf(rapport.ENOTFOUND, "Position not found.")
}

func (s *Server) handlePositionEditPage(w http.ResponseWriter, r *http.Request) error {
	return s.positionPage(w, r, s.newPage(r, "Edit position"), nil)
}

func (s *Server) handlePositionSave(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	data := s.newPage(r, "Edit position")
	var p rapport.Position
	if data.Values, p, err = formPosition(r); err == nil {
		_, err = s.svc.Profiles.UpdatePosition(r.Context(), id, p)
	}
	if err != nil {
		return s.positionPage(w, r, data, err)
	}
	return redirect(w, r, "/me/edit", "saved")
}

func (s *Server) handlePositionDelete(w http.ResponseWriter, r *http.Request) error {
	return s.onID(w, r, s.svc.Profiles.DeletePosition, "/me/edit", "deleted")
}

// formEducation reads an education form; empty years mean none.
func formEducation(r *http.Request) (map[string]string, rapport.Education, error) {
	v := formValues(r, "school", "degree", "field", "start_year", "end_year")
	e := rapport.Education{School: v["school"], Degree: v["degree"], Field: v["field"]}
	for _, y := range []struct {
		field string
		dest  *int
	}{{"start_year", &e.StartYear}, {"end_year", &e.EndYear}} {
		if s := strings.TrimSpace(v[y.field]); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				return v, e, rapport.FieldError(y.field, "A year, such as 2015.")
			}
			*y.dest = n
		}
	}
	return v, e, nil
}

func (s *Server) handleEducationAdd(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "Edit profile")
	data.Form = "education"
	var e rapport.Education
	var err error
	if data.Values, e, err = formEducation(r); err == nil {
		_, err = s.svc.Profiles.AddEducation(shareContext(r, data), e)
	}
	if err != nil {
		return s.editPage(w, r, data, err)
	}
	return redirect(w, r, "/me/edit", "saved")
}

func (s *Server) educationPage(w http.ResponseWriter, r *http.Request, data *pageData, err error) error {
	m, id, findErr := s.findOwn(r)
	if findErr != nil {
		return findErr
	}
	for i := range m.Profile.Education {
		if e := &m.Profile.Education[i]; e.ID == id {
			data.Education = e
			if err != nil {
				return s.formError(w, r, "education_edit", data, err)
			}
			data.Values = map[string]string{"school": e.School, "degree": e.Degree, "field": e.Field}
			if e.StartYear != 0 {
				data.Values["start_year"] = strconv.Itoa(e.StartYear)
			}
			if e.EndYear != 0 {
				data.Values["end_year"] = strconv.Itoa(e.EndYear)
			}
			return s.render(w, http.StatusOK, "education_edit", data)
		}
	}
	return rapport.Errorf(rapport.ENOTFOUND, "Education entry not found.")
}

func (s *Server) handleEducationEditPage(w http.ResponseWriter, r *http.Request) error {
	return s.educationPage(w, r, s.newPage(r, "Edit education"), nil)
}

func (s *Server) handleEducationSave(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	data := s.newPage(r, "Edit education")
	var e rapport.Education
	if data.Values, e, err = formEducation(r); err == nil {
		_, err = s.svc.Profiles.UpdateEducation(r.Context(), id, e)
	}
	if err != nil {
		return s.educationPage(w, r, data, err)
	}
	return redirect(w, r, "/me/edit", "saved")
}

func (s *Server) handleEducationDelete(w http.ResponseWriter, r *http.Request) error {
	return s.onID(w, r, s.svc.Profiles.DeleteEducation, "/me/edit", "deleted")
}

func (s *Server) handleSkillsSave(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "Edit profile")
	data.Form = "skills"
	data.Values = formValues(r, "skills")
	if _, err := s.svc.Profiles.SetSkills(shareContext(r, data), service.SplitList(data.Values["skills"])); err != nil {
		return s.editPage(w, r, data, err)
	}
	return redirect(w, r, "/me/edit", "saved")
}

// settingsPage renders the settings, with the errors of one of its forms.
func (s *Server) settingsPage(w http.ResponseWriter, r *http.Request, status int, data *pageData, err error) error {
	var listErr error
	if data.Member, listErr = s.svc.Profiles.Me(r.Context()); listErr != nil {
		return listErr
	}
	if data.Sessions, listErr = s.svc.Accounts.Sessions(r.Context()); listErr != nil {
		return listErr
	}
	if data.Tokens, listErr = s.svc.Accounts.AccessTokens(r.Context()); listErr != nil {
		return listErr
	}
	if listErr = s.loadShareChoice(r.Context(), data); listErr != nil {
		return listErr
	}
	if data.Viewing, listErr = s.svc.Profiles.ProfileViewing(r.Context()); listErr != nil {
		return listErr
	}
	if data.TwoFactor == nil {
		data.TwoFactor = &twoFactorPage{}
		if data.TwoFactor.Enabled, data.TwoFactor.RecoveryLeft, listErr = s.svc.Accounts.TwoFactorStatus(r.Context()); listErr != nil {
			return listErr
		}
	}
	if data.Form == "viewing" && data.Values["mode"] != "" {
		data.Viewing = data.Values["mode"]
	}
	if err != nil {
		return s.formError(w, r, "settings", data, err)
	}
	return s.render(w, status, "settings", data)
}

func (s *Server) handleSettingsPage(w http.ResponseWriter, r *http.Request) error {
	return s.settingsPage(w, r, http.StatusOK, s.newPage(r, "Settings"), nil)
}

func (s *Server) handlePasswordSave(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "Settings")
	data.Form = "password"
	if err := s.svc.Accounts.ChangePassword(r.Context(), r.PostFormValue("current_password"), r.PostFormValue("new_password")); err != nil {
		return s.settingsPage(w, r, 0, data, err)
	}
	return redirect(w, r, "/settings", "password")
}

func (s *Server) handleEmailSave(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "Settings")
	data.Form = "email"
	data.Values = formValues(r, "email")
	if err := s.svc.Accounts.ChangeEmail(r.Context(), r.PostFormValue("password"), r.PostFormValue("code"), data.Values["email"]); err != nil {
		return s.settingsPage(w, r, 0, data, err)
	}
	return redirect(w, r, "/settings", "email")
}

func (s *Server) handleSessionEnd(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.svc.Accounts.EndSession(r.Context(), id); err != nil {
		return err
	}
	if id == rapport.CallerFromContext(r.Context()).SessionID {
		s.clearSessionCookie(w)
		return redirect(w, r, "/", "bye")
	}
	return redirect(w, r, "/settings", "ended")
}

func (s *Server) handleLogOutEverywhere(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.svc.Accounts.LogOutEverywhere(r.Context()); err != nil {
		return err
	}
	s.clearSessionCookie(w)
	return redirect(w, r, "/", "bye")
}

// handleTokenCreate shows the new token on the page it answers with, once:
// it is stored only as a hash, so no later page can show it again.
func (s *Server) handleTokenCreate(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "Settings")
	data.Form = "token"
	data.Values = formValues(r, "name")
	secret, _, err := s.svc.Accounts.CreateAccessToken(r.Context(), data.Values["name"])
	if err != nil {
		return s.settingsPage(w, r, 0, data, err)
	}
	data.NewToken, data.Values = secret, map[string]string{}
	return s.settingsPage(w, r, http.StatusOK, data, nil)
}

func (s *Server) handleTokenRevoke(w http.ResponseWriter, r *http.Request) error {
	return s.onID(w, r, s.svc.Accounts.RevokeAccessToken, "/settings", "revoked")
}
