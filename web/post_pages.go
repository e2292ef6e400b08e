package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/service"
)

// postsPage holds the posts a page shows: the feed on the home page, a
// member's activity on their profile, an organization's posts on its page,
// or one post with its comments on the post's page.
type postsPage struct {
	Posts []*postView
	Next  string // the address of the feed's next page; empty on the last
	Empty string // what the page says when there are no posts

	// Compose is where the page's composer posts to, when the caller may
	// write there; AudienceChoice says whether it offers an audience.
	Compose        string
	AudienceChoice bool

	Post     *postView // on a post's page
	Comments []*commentView
}

// postView is a post as a page shows it to the caller.
type postView struct {
	*rapport.Post
	HTML      template.HTML // the text, escaped, with its links and mentions
	Own       bool          // the caller wrote it
	Signed    bool          // the caller is signed in, so may react and comment
	Edited    bool
	Back      string // the page a reaction comes back to
	Reactions []reactionView
}

// reactionView is one of the reactions a post offers, with its count.
type reactionView struct {
	Kind, Label string
	Count       int
	Mine        bool
}

// commentView is a comment as the post's page shows it.
type commentView struct {
	*rapport.Comment
	CanDelete bool // its author and the post's author may delete it
}

// audienceLabels are the audiences as the pages name them.
var audienceLabels = map[string]string{
	rapport.AudiencePublic:      "Anyone",
	rapport.AudienceConnections: "Connections only",
}

// AudienceLabel names the post's audience as the pages do.
func (v *postView) AudienceLabel() string { return audienceLabels[v.Audience] }

// Update reports whether the post is a profile update the site wrote.
func (v *postView) Update() bool { return v.Kind == rapport.PostKindUpdate }

func (s *Server) postView(r *http.Request, p *rapport.Post, back string) *postView {
	c := rapport.CallerFromContext(r.Context())
	v := &postView{Post: p, HTML: postHTML(p), Own: !c.Anonymous() && c.MemberID == p.AuthorID, Signed: !c.Anonymous(),
		Edited: p.UpdatedAt.Sub(p.CreatedAt) > 0, Back: back}
	for _, kind := range rapport.Reactions {
		v.Reactions = append(v.Reactions, reactionView{Kind: kind, Label: strings.ToUpper(kind[:1]) + kind[1:],
			Count: p.Reactions[kind], Mine: p.MyReaction == kind})
	}
	return v
}

func (s *Server) postViews(r *http.Request, list []*rapport.Post, back string) []*postView {
	out := make([]*postView, len(list))
	for i, p := range list {
		out[i] = s.postView(r, p, back)
	}
	return out
}

// Links and mentions in a post's text. The mention pattern is the domain's
// (rapport.MentionedHandles), so that a page links what the service found.
var (
	linkPattern    = regexp.MustCompile(`(?i)https?://[^\s<>"'` + "`" + `]+`)
	mentionPattern = regexp.MustCompile(`(^|[^a-zA-Z0-9_@/])@([a-zA-Z0-9-]{3,30})\b`)
)

// postHTML renders a post's text for a page. Everything is escaped first;
// then http and https addresses become links that carry no endorsement
// (rel="nofollow ugc noopener"), and @handle becomes a link to the
// member's profile only for the members the service resolved as the
// post's mentions. Nothing else of the text can become markup: no other
// scheme is ever linked, and quotes cannot leave an attribute.
func postHTML(p *rapport.Post) template.HTML {
	mentioned := map[string]bool{}
	for _, m := range p.Mentions {
		if m != nil {
			mentioned[m.Handle] = true
		}
	}
	var b strings.Builder
	text := p.Body
	for text != "" {
		loc := linkPattern.FindStringIndex(text)
		if loc == nil {
			writeMentions(&b, text, mentioned)
			break
		}
		link := trimLink(text[loc[0]:loc[1]])
		writeMentions(&b, text[:loc[0]], mentioned)
		if u, err := url.Parse(link); err == nil && (strings.EqualFold(u.Scheme, "http") || strings.EqualFold(u.Scheme, "https")) && u.Host != "" {
			esc := template.HTMLEscapeString(link)
			b.WriteString(`<a href="` + esc + `" rel="nofollow ugc noopener">` + esc + `</a>`)
		} else {
			b.WriteString(template.HTMLEscapeString(link))
		}
		text = text[loc[0]+len(link):]
	}
	return template.HTML(b.String())
}

// trimLink leaves out of a link the punctuation that ends the sentence it
// is in, and a closing parenthesis that has no opening one in the link.
func trimLink(link string) string {
	for link != "" {
		last := link[len(link)-1]
		if strings.IndexByte(".,;:!?*", last) >= 0 ||
			(last == ')' && strings.Count(link, "(") < strings.Count(link, ")")) ||
			(last == ']' && strings.Count(link, "[") < strings.Count(link, "]")) {
			link = link[:len(link)-1]
			continue
		}
		break
	}
	return link
}

// writeMentions writes text escaped, linking the @handles of mentioned.
func writeMentions(b *strings.Builder, text string, mentioned map[string]bool) {
	at := 0
	for _, m := range mentionPattern.FindAllStringSubmatchIndex(text, -1) {
		start, end := m[4]-1, m[5] // from the @ to the end of the handle
		handle := rapport.NormalizeHandle(text[m[4]:m[5]])
		if !mentioned[handle] {
			continue
		}
		b.WriteString(template.HTMLEscapeString(text[at:start]))
		b.WriteString(`<a class="mention" href="/in/` + template.HTMLEscapeString(handle) + `">` + template.HTMLEscapeString(text[start:end]) + `</a>`)
		at = end
	}
	b.WriteString(template.HTMLEscapeString(text[at:]))
}

// backTo returns the page a form came from (its next field), kept on this
// site; fallback when it names none.
func backTo(r *http.Request, fallback string) string {
	if next := r.PostFormValue("next"); next != "" {
		return localPath(next)
	}
	return fallback
}

// postPath is the address of a post's page.
func postPath(id int64) string { return "/posts/" + strconv.FormatInt(id, 10) }

// homePage renders a signed-in member's home page: the composer, with the
// errors of a post that was refused, and a page of their feed.
func (s *Server) homePage(w http.ResponseWriter, r *http.Request, data *pageData, err error) error {
	page, feedErr := s.svc.Posts.Feed(r.Context(), r.URL.Query().Get("cursor"))
	if feedErr != nil {
		return feedErr
	}
	// A reaction comes back to this page of the feed, without its notice.
	back := "/"
	if c := r.URL.Query().Get("cursor"); c != "" && r.Method == http.MethodGet {
		back += "?cursor=" + url.QueryEscape(c)
	}
	data.Posts = &postsPage{Posts: s.postViews(r, page.Posts, back), Compose: "/posts", AudienceChoice: true,
		Empty: "Nothing here yet. Write a post, or connect with people you know to see theirs."}
	if page.Next != "" {
		data.Posts.Next = "/?cursor=" + url.QueryEscape(page.Next)
	}
	if data.Values["audience"] == "" {
		data.Values["audience"] = rapport.AudiencePublic
	}
	if err != nil {
		return s.formError(w, r, "home", data, err)
	}
	return s.render(w, http.StatusOK, "home", data)
}

func (s *Server) handlePostCreateForm(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "Rapport")
	data.Form = "post"
	data.Values = formValues(r, "body", "audience")
	if _, err := s.svc.Posts.Write(r.Context(), data.Values["body"], data.Values["audience"]); err != nil {
		return s.homePage(w, r, data, err)
	}
	return redirect(w, r, "/", "posted")
}

// postPage renders a post's page, with the errors of its edit form
// (data.Form "edit") or its comment form ("comment"). A post the caller may
// not see is not found, as one that does not exist.
func (s *Server) postPage(w http.ResponseWriter, r *http.Request, data *pageData, err error) error {
	id, getErr := pathID(r)
	if getErr != nil {
		return getErr
	}
	p, getErr := s.svc.Posts.Post(r.Context(), id)
	if getErr != nil {
		return getErr
	}
	comments, getErr := s.svc.Posts.Comments(r.Context(), id)
	if getErr != nil {
		return getErr
	}
	v := s.postView(r, p, postPath(id))
	data.Posts = &postsPage{Post: v}
	for _, cm := range comments {
		mine := v.Signed && (cm.Author.ID == data.Caller.MemberID || v.Own)
		data.Posts.Comments = append(data.Posts.Comments, &commentView{Comment: cm, CanDelete: mine})
	}
	if p.Organization != nil {
		data.Title = "Post by " + p.Organization.Name
	} else {
		data.Title = "Post by " + p.Author.DisplayName
	}
	if data.Form != "edit" {
		data.Values["edit_body"], data.Values["edit_audience"] = p.Body, p.Audience
	}
	if err != nil {
		return s.formError(w, r, "post", data, err)
	}
	return s.render(w, http.StatusOK, "post", data)
}

func (s *Server) handlePostPage(w http.ResponseWriter, r *http.Request) error {
	return s.postPage(w, r, s.newPage(r, "Post"), nil)
}

func (s *Server) handlePostEditForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	data := s.newPage(r, "Post")
	data.Form = "edit"
	v := formValues(r, "body", "audience")
	data.Values = map[string]string{"edit_body": v["body"], "edit_audience": v["audience"]}
	if _, err := s.svc.Posts.Edit(r.Context(), id, v["body"], v["audience"]); err != nil {
		// The form's fields are edit_body and edit_audience on the page,
		// which also has a comment form with a body.
		if f := rapport.ErrorField(err); f == "body" || f == "audience" {
			err = &rapport.Error{Code: rapport.ErrorCode(err), Field: "edit_" + f, Message: rapport.ErrorMessage(err)}
		}
		return s.postPage(w, r, data, err)
	}
	return redirect(w, r, postPath(id), "postsaved")
}

func (s *Server) handlePostDeleteForm(w http.ResponseWriter, r *http.Request) error {
	return s.onID(w, r, s.svc.Posts.Delete, "/", "postdeleted")
}

func (s *Server) handleReactForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.svc.Posts.React(r.Context(), id, r.PostFormValue("reaction")); err != nil {
		return err
	}
	return redirect(w, r, backTo(r, postPath(id)), "")
}

func (s *Server) handleUnreactForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.svc.Posts.Unreact(r.Context(), id); err != nil {
		return err
	}
	return redirect(w, r, backTo(r, postPath(id)), "")
}

func (s *Server) handleCommentCreateForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	data := s.newPage(r, "Post")
	data.Form = "comment"
	data.Values = formValues(r, "body")
	if _, err := s.svc.Posts.Comment(r.Context(), id, data.Values["body"]); err != nil {
		return s.postPage(w, r, data, err)
	}
	return redirect(w, r, postPath(id), "commented")
}

func (s *Server) handleCommentDeleteForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	comment, err := strconv.ParseInt(r.PathValue("comment"), 10, 64)
	if err != nil || comment <= 0 {
		return rapport.Errorf(rapport.ENOTFOUND, "Comment not found.")
	}
	if err := s.svc.Posts.DeleteComment(r.Context(), id, comment); err != nil {
		return err
	}
	return redirect(w, r, postPath(id), "commentdeleted")
}

// memberActivity returns what a profile's Activity section shows: the
// member's latest posts and updates that the caller may see.
func (s *Server) memberActivity(r *http.Request, m *rapport.Member) (*postsPage, error) {
	list, err := s.svc.Posts.MemberPosts(r.Context(), m.Handle)
	if err != nil {
		return nil, err
	}
	return &postsPage{Posts: s.postViews(r, list, "/in/"+m.Handle), Empty: "No posts yet."}, nil
}

// organizationPosts returns what an organization's page shows of its
// posts, with a composer for its content and super admins.
func (s *Server) organizationPosts(r *http.Request, o *service.OrganizationView) (*postsPage, error) {
	list, err := s.svc.Posts.OrganizationPosts(r.Context(), o.Slug)
	if err != nil {
		return nil, err
	}
	p := &postsPage{Posts: s.postViews(r, list, "/org/"+o.Slug), Empty: "No posts yet."}
	// Posting as the organization is editing its page, in the service's role table.
	if o.May("edit the page") {
		p.Compose = "/org/" + o.Slug + "/posts"
	}
	return p, nil
}

// handleOrganizationPostForm publishes a post as the organization: always
// public. The service refuses members who are not its content or super
// admins.
func (s *Server) handleOrganizationPostForm(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "")
	data.Form = "post"
	data.Values = formValues(r, "body")
	if _, err := s.svc.Posts.WriteAsOrganization(r.Context(), r.PathValue("slug"), data.Values["body"]); err != nil {
		if rapport.ErrorCode(err) != rapport.EINVALID {
			return err
		}
		return s.organizationPage(w, r, data, err)
	}
	return redirect(w, r, "/org/"+rapport.NormalizeSlug(r.PathValue("slug")), "posted")
}

// shareChoice is what the sharing checkbox of the edit forms shows: the
// member's setting, or, on a form shown again, what was chosen on it.
type shareChoice struct {
	Default bool   // the member's setting (Profiles.ShareUpdates)
	Form    string // the form shown again, if it carried a choice
	Chosen  bool
}

// shareField is one form's sharing checkbox.
type shareField struct {
	ID, Hint string
	Checked  bool
}

// shareHints say, on each form, what would be shared.
var shareHints = map[string]string{
	"profile":   "Only a new headline is shared, with your connections. Nothing else on this form ever is.",
	"position":  "Your connections see the new position in their feed.",
	"education": "Your connections see the new school in their feed.",
	"skills":    "Your connections see the skills you add in their feed.",
}

// For returns the sharing checkbox of a form of the edit page.
func (c *shareChoice) For(form string) shareField {
	f := shareField{ID: "share_" + form, Hint: shareHints[form]}
	if c == nil {
		return f
	}
	f.Checked = c.Default
	if c.Form == form {
		f.Checked = c.Chosen
	}
	return f
}

// shareContext returns the context an edit form's change is made in: with
// the choice the form made about sharing it, when the form carries one
// (the hidden share_choice field, so that an unticked box means "don't
// share"), and otherwise as the member's setting says. The choice is kept
// in data to show the form again.
func shareContext(r *http.Request, data *pageData) context.Context {
	if r.PostFormValue("share_choice") == "" {
		return r.Context()
	}
	share := r.PostFormValue("share") != ""
	data.Share = &shareChoice{Form: data.Form, Chosen: share}
	return service.WithShareChoice(r.Context(), share)
}

// loadShareChoice finds the member's setting for the sharing checkboxes.
func (s *Server) loadShareChoice(ctx context.Context, data *pageData) error {
	share, err := s.svc.Profiles.ShareUpdates(ctx)
	if err != nil {
		return err
	}
	if data.Share == nil {
		data.Share = &shareChoice{}
	}
	data.Share.Default = share
	return nil
}

// handleSharingSave sets whether the member's profile edits are shared by
// default. The setting itself is never broadcast.
func (s *Server) handleSharingSave(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "Settings")
	data.Form = "sharing"
	var share bool
	switch v := r.PostFormValue("share_updates"); v {
	case "on", "true", "1":
		share = true
	case "", "off", "false", "0":
	default:
		return s.settingsPage(w, r, 0, data, rapport.FieldError("share_updates", "Tick the box to share, or leave it empty not to."))
	}
	if err := s.svc.Profiles.SetShareUpdates(r.Context(), share); err != nil {
		return s.settingsPage(w, r, 0, data, err)
	}
	if share {
		return redirect(w, r, "/settings", "sharingon")
	}
	return redirect(w, r, "/settings", "sharingoff")
}
