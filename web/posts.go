package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/service"
)

type postRequest struct {
	Body     string `json:"body"`
	Audience string `json:"audience"`
}

type reactionRequest struct {
	Reaction string `json:"reaction"`
}

type sharingRequest struct {
	ShareUpdates *bool `json:"share_updates"`
}

type sharingResponse struct {
	ShareUpdates bool `json:"share_updates"`
}

// postResponse is a post as the caller may see it. The body is the text as
// written: clients escape it, and may make links and the mentions listed
// clickable, as the pages do.
type postResponse struct {
	ID           int64                `json:"id"`
	Kind         string               `json:"kind"`
	Audience     string               `json:"audience"`
	Body         string               `json:"body"`
	Author       memberCardResponse   `json:"author"`
	Organization *organizationCard    `json:"organization"`
	Mentions     []memberCardResponse `json:"mentions"`
	Reactions    map[string]int       `json:"reactions"`
	MyReaction   *string              `json:"my_reaction"`
	CommentCount int                  `json:"comment_count"`
	CreatedAt    time.Time            `json:"created_at"`
	UpdatedAt    time.Time            `json:"updated_at"`
	URL          string               `json:"url"`
}

type feedResponse struct {
	Posts      []postResponse `json:"posts"`
	NextCursor *string        `json:"next_cursor"`
}

type commentResponse struct {
	ID        int64              `json:"id"`
	Author    memberCardResponse `json:"author"`
	Body      string             `json:"body"`
	CreatedAt time.Time          `json:"created_at"`
}

func (s *Server) newPostResponse(c cards, p *rapport.Post) postResponse {
	out := postResponse{ID: p.ID, Kind: p.Kind, Audience: p.Audience, Body: p.Body, Author: c.card(p.Author),
		Mentions: []memberCardResponse{}, Reactions: map[string]int{}, CommentCount: p.Comments,
		CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt, URL: s.cfg.BaseURL + "/posts/" + strconv.FormatInt(p.ID, 10)}
	if p.Organization != nil {
		out.Organization = s.orgCard(p.Organization)
	}
	for _, m := range p.Mentions {
		out.Mentions = append(out.Mentions, c.card(m))
	}
	for k, n := range p.Reactions {
		out.Reactions[k] = n
	}
	if p.MyReaction != "" {
		out.MyReaction = &p.MyReaction
	}
	return out
}

// postCards places the authors and mentions of posts relative to the
// caller at once.
func (s *Server) postCards(r *http.Request, posts ...*rapport.Post) cards {
	var members []*rapport.Member
	for _, p := range posts {
		members = append(members, p.Author)
		members = append(members, p.Mentions...)
	}
	return s.cardsFor(r, members...)
}

func (s *Server) writePosts(w http.ResponseWriter, r *http.Request, list []*rapport.Post, next string) {
	c := s.postCards(r, list...)
	out := feedResponse{Posts: []postResponse{}}
	for _, p := range list {
		out.Posts = append(out.Posts, s.newPostResponse(c, p))
	}
	if next != "" {
		out.NextCursor = &next
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) writePost(w http.ResponseWriter, r *http.Request, status int, p *rapport.Post) {
	writeJSON(w, status, s.newPostResponse(s.postCards(r, p), p))
}

func (s *Server) handleAPIFeed(w http.ResponseWriter, r *http.Request) error {
	if err := checkParams(r.URL.Query(), "cursor"); err != nil {
		return err
	}
	page, err := s.svc.Posts.Feed(r.Context(), r.URL.Query().Get("cursor"))
	if err != nil {
		return err
	}
	s.writePosts(w, r, page.Posts, page.Next)
	return nil
}

func (s *Server) handleAPIPostCreate(w http.ResponseWriter, r *http.Request) error {
	var req postRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	p, err := s.svc.Posts.Write(r.Context(), req.Body, req.Audience)
	if err != nil {
		return err
	}
	s.writePost(w, r, http.StatusCreated, p)
	return nil
}

func (s *Server) handleAPIOrganizationPostCreate(w http.ResponseWriter, r *http.Request) error {
	var req postRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if req.Audience != "" && req.Audience != rapport.AudiencePublic {
		return rapport.FieldError("audience", "An organization's posts are public.")
	}
	p, err := s.svc.Posts.WriteAsOrganization(r.Context(), r.PathValue("slug"), req.Body)
	if err != nil {
		return err
	}
	s.writePost(w, r, http.StatusCreated, p)
	return nil
}

func (s *Server) handleAPIOrganizationPosts(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.Posts.OrganizationPosts(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	s.writePosts(w, r, list, "")
	return nil
}

func (s *Server) handleAPIMemberPosts(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.Posts.MemberPosts(r.Context(), r.PathValue("handle"))
	if err != nil {
		return err
	}
	s.writePosts(w, r, list, "")
	return nil
}

func (s *Server) handleAPIPost(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := s.svc.Posts.Post(r.Context(), id)
	if err != nil {
		return err
	}
	s.writePost(w, r, http.StatusOK, p)
	return nil
}

func (s *Server) handleAPIPostEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var req postRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	p, err := s.svc.Posts.Edit(r.Context(), id, req.Body, req.Audience)
	if err != nil {
		return err
	}
	s.writePost(w, r, http.StatusOK, p)
	return nil
}

func (s *Server) handleAPIPostDelete(w http.ResponseWriter, r *http.Request) error {
	return s.noContent(w, r, s.svc.Posts.Delete)
}

func (s *Server) handleAPIReactionPut(w http.ResponseWriter, r *http.Request) error {
	var req reactionRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	return s.noContent(w, r, func(ctx context.Context, id int64) error { return s.svc.Posts.React(ctx, id, req.Reaction) })
}

func (s *Server) handleAPIReactionDelete(w http.ResponseWriter, r *http.Request) error {
	return s.noContent(w, r, s.svc.Posts.Unreact)
}

func (s *Server) handleAPIComments(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	list, err := s.svc.Posts.Comments(r.Context(), id)
	if err != nil {
		return err
	}
	var authors []*rapport.Member
	for _, cm := range list {
		authors = append(authors, cm.Author)
	}
	c := s.cardsFor(r, authors...)
	out := []commentResponse{}
	for _, cm := range list {
		out = append(out, commentResponse{ID: cm.ID, Author: c.card(cm.Author), Body: cm.Body, CreatedAt: cm.CreatedAt})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) handleAPICommentCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var req bodyRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	cm, err := s.svc.Posts.Comment(r.Context(), id, req.Body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, commentResponse{ID: cm.ID, Author: cards{s: s}.card(cm.Author), Body: cm.Body, CreatedAt: cm.CreatedAt})
	return nil
}

func (s *Server) handleAPICommentDelete(w http.ResponseWriter, r *http.Request) error {
	comment, err := strconv.ParseInt(r.PathValue("comment"), 10, 64)
	if err != nil || comment <= 0 {
		return rapport.Errorf(rapport.ENOTFOUND, "Comment not found.")
	}
	return s.noContent(w, r, func(ctx context.Context, id int64) error { return s.svc.Posts.DeleteComment(ctx, id, comment) })
}

func (s *Server) handleAPISharing(w http.ResponseWriter, r *http.Request) error {
	share, err := s.svc.Profiles.ShareUpdates(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sharingResponse{ShareUpdates: share})
	return nil
}

func (s *Server) handleAPISharingPut(w http.ResponseWriter, r *http.Request) error {
	var req sharingRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if req.ShareUpdates == nil {
		return rapport.FieldError("share_updates", "Say true or false.")
	}
	if err := s.svc.Profiles.SetShareUpdates(r.Context(), *req.ShareUpdates); err != nil {
		return err
	}
	return s.handleAPISharing(w, r)
}

// withShareChoice carries an edit's own choice of sharing, when the
// request makes one, to the service.
func withShareChoice(r *http.Request, share *bool) context.Context {
	if share == nil {
		return r.Context()
	}
	return service.WithShareChoice(r.Context(), *share)
}
