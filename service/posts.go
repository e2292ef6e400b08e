package service

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/store"
	"github.com/rapportnet/rapport/timeline"
)

// Posts runs posts, reactions, comments and the home feed. Who may see a
// post is decided in one place, visible, when it is read: its audience,
// blocks either way, and whether the author's account is open. Nothing is
// copied into anyone's feed when it is written, so that removing a
// connection or blocking someone takes effect at once.
type Posts struct {
	base
}

// FeedPageSize is how many posts a page of the feed holds.
const FeedPageSize = 20

// notFoundPost is the answer for a post that does not exist and for one the
// caller may not see, alike.
func notFoundPost() error { return rapport.Errorf(rapport.ENOTFOUND, "Post not found.") }

// visible reports whether viewer (0 for an anonymous one) may see p,
// reading from the store whether a block stands between them (mayRead
// says the rule).
func (s *base) visible(ctx context.Context, viewer int64, p *rapport.Post) (bool, error) {
	blocked := false
	if viewer != 0 && viewer != p.AuthorID && p.Author.Status == rapport.StatusActive {
		a, b, err := s.db.FindBlocks(ctx, viewer, p.AuthorID)
		if err != nil {
			return false, err
		}
		blocked = a || b
	}
	return s.mayRead(viewer, p, blocked), nil
}

// mayRead is the rule of who sees a post, for a viewer (0 for an anonymous
// one) whom blocked says whether a block either way separates from the
// author: the author's account must be open, and a member who shows their
// profile to members only shows their posts, and their name on the posts
// they write as an organization, to members only; a public post or an
// organization's is for everyone else, a connections-only post for the
// author and their connections as they are now. A post an operator hid
// after a report is for no one.
func (s *base) mayRead(viewer int64, p *rapport.Post, blocked bool) bool {
	if p.Hidden || p.Author.Status != rapport.StatusActive || (viewer == 0 && p.Author.Profile.Visibility == rapport.VisibilityMembers) || blocked {
		return false
	}
	if p.Organization != nil || p.Audience == rapport.AudiencePublic {
		return true
	}
	return viewer != 0 && (viewer == p.AuthorID || s.graph.Degree(viewer, p.AuthorID) == 1)
}

// Post returns a post the caller may see. Returns ENOTFOUND for one they
// may not, as for one that does not exist.
func (s *Posts) Post(ctx context.Context, id int64) (*rapport.Post, error) {
	c := rapport.CallerFromContext(ctx)
	p, err := s.db.FindPost(ctx, c.MemberID, id)
	if rapport.ErrorCode(err) == rapport.ENOTFOUND {
		return nil, notFoundPost()
	} else if err != nil {
		return nil, err
	}
	if ok, err := s.visible(ctx, c.MemberID, p); err != nil {
		return nil, err
	} else if !ok {
		return nil, notFoundPost()
	}
	return p, nil
}

// Write publishes a post of the caller's. Mentions name the caller's
// connections with @handle; other handles stay plain text. Returns EINVALID
// naming body or audience.
func (s *Posts) Write(ctx context.Context, body, audience string) (*rapport.Post, error) {
	c, err := member(ctx)
	if err != nil {
		return nil, err
	}
	if audience == "" {
		audience = rapport.AudiencePublic
	}
	if err := rapport.ValidatePost(body, audience); err != nil {
		return nil, err
	}
	p := &rapport.Post{AuthorID: c.MemberID, Kind: rapport.PostKindPost, Audience: audience, Body: body}
	if p.Mentions, err = s.mentions(ctx, c, body); err != nil {
		return nil, err
	}
	if err := s.db.CreatePost(ctx, p, s.now()); err != nil {
		return nil, err
	}
	s.timelines.Add(timelinePost(store.Stamp(p)))
	s.notifyMentions(ctx, c, p.ID, p.Mentions, nil)
	return s.Post(ctx, p.ID)
}

// WriteAsOrganization publishes a post as an organization, always public.
// Its content and super admins only.
func (s *Posts) WriteAsOrganization(ctx context.Context, slug, body string) (*rapport.Post, error) {
	c, o, err := s.admin(ctx, slug, editPage)
	if err != nil {
		return nil, err
	}
	if err := rapport.ValidatePost(body, rapport.AudiencePublic); err != nil {
		return nil, err
	}
	p := &rapport.Post{AuthorID: c.MemberID, Organization: o, Kind: rapport.PostKindPost, Audience: rapport.AudiencePublic, Body: body}
	if err := s.db.CreatePost(ctx, p, s.now()); err != nil {
		return nil, err
	}
	s.timelines.Add(timelinePost(store.Stamp(p)))
	return s.Post(ctx, p.ID)
}

// Edit changes the text and audience of a post the caller wrote.
func (s *Posts) Edit(ctx context.Context, id int64, body, audience string) (*rapport.Post, error) {
	c, err := member(ctx)
	if err != nil {
		return nil, err
	}
	old, err := s.Post(ctx, id)
	if err != nil {
		return nil, err
	} else if old.AuthorID != c.MemberID || old.Kind != rapport.PostKindPost {
		return nil, rapport.Errorf(rapport.EFORBIDDEN, "Only its author edits a post.")
	}
	if audience == "" || old.Organization != nil {
		audience = old.Audience
	}
	if err := rapport.ValidatePost(body, audience); err != nil {
		return nil, err
	}
	p := &rapport.Post{ID: id, AuthorID: c.MemberID, Audience: audience, Body: body}
	if p.Mentions, err = s.mentions(ctx, c, body); err != nil {
		return nil, err
	}
	if err := s.db.UpdatePost(ctx, p, s.now()); err != nil {
		return nil, err
	}
	s.notifyMentions(ctx, c, id, p.Mentions, old.Mentions)
	return s.Post(ctx, id)
}

// Delete removes a post the caller wrote, with its reactions and comments.
// Returns ENOTFOUND for another's post, as for none.
func (s *Posts) Delete(ctx context.Context, id int64) error {
	c, err := member(ctx)
	if err != nil {
		return err
	}
	st, err := s.db.DeletePost(ctx, c.MemberID, id)
	if rapport.ErrorCode(err) == rapport.ENOTFOUND {
		return notFoundPost()
	} else if err != nil {
		return err
	}
	s.timelines.Remove(timelinePost(st))
	return nil
}

// mentions finds the caller's connections a text names with @handle.
func (s *base) mentions(ctx context.Context, c rapport.Caller, text string) ([]*rapport.Member, error) {
	var out []*rapport.Member
	for _, h := range rapport.MentionedHandles(text) {
		m, err := s.db.FindMemberByHandle(ctx, h)
		if rapport.ErrorCode(err) == rapport.ENOTFOUND {
			continue
		} else if err != nil {
			return nil, err
		}
		if m.Status == rapport.StatusActive && s.graph.Degree(c.MemberID, m.ID) == 1 {
			out = append(out, m)
		}
	}
	return out, nil
}

// notifyMentions tells the members a post mentions, but those it
// mentioned before.
func (s *base) notifyMentions(ctx context.Context, c rapport.Caller, postID int64, mentions, before []*rapport.Member) {
	for _, m := range mentions {
		if !slices.ContainsFunc(before, func(b *rapport.Member) bool { return b.ID == m.ID }) {
			s.notify(ctx, &rapport.Notification{MemberID: m.ID, Kind: rapport.NotifyMention, Actor: &rapport.Member{ID: c.MemberID}, PostID: postID})
		}
	}
}

// React sets the caller's reaction to a post they may see, replacing the
// one they left before. Returns EINVALID naming reaction.
func (s *Posts) React(ctx context.Context, id int64, kind string) error {
	c, err := member(ctx)
	if err != nil {
		return err
	}
	if err := rapport.ValidateReaction(kind); err != nil {
		return err
	}
	p, err := s.Post(ctx, id)
	if err != nil {
		return err
	}
	if err := s.db.PutReaction(ctx, id, c.MemberID, kind, s.now()); err != nil {
		return err
	}
	s.notify(ctx, &rapport.Notification{MemberID: p.AuthorID, Kind: rapport.NotifyReaction, Actor: &rapport.Member{ID: c.MemberID}, PostID: id, Reaction: kind})
	return nil
}

// Unreact takes the caller's reaction off a post.
func (s *Posts) Unreact(ctx context.Context, id int64) error {
	c, err := member(ctx)
	if err != nil {
		return err
	}
	if _, err := s.Post(ctx, id); err != nil {
		return err
	}
	if err := s.db.DeleteReaction(ctx, id, c.MemberID); err != nil {
		return err
	}
	return s.db.DeleteNotifications(ctx, store.NotificationFilter{Kind: rapport.NotifyReaction, ActorID: c.MemberID, PostID: id})
}

// Comment adds the caller's comment to a post they may see. Returns
// EINVALID naming body.
func (s *Posts) Comment(ctx context.Context, id int64, body string) (*rapport.Comment, error) {
	c, err := member(ctx)
	if err != nil {
		return nil, err
	}
	if err := rapport.ValidateComment(body); err != nil {
		return nil, err
	}
	p, err := s.Post(ctx, id)
	if err != nil {
		return nil, err
	}
	cm := &rapport.Comment{PostID: id, Author: &rapport.Member{ID: c.MemberID}, Body: body}
	if err := s.db.CreateComment(ctx, cm, s.now()); err != nil {
		return nil, err
	}
	s.notify(ctx, &rapport.Notification{MemberID: p.AuthorID, Kind: rapport.NotifyComment, Actor: &rapport.Member{ID: c.MemberID}, PostID: id, CommentID: cm.ID})
	cards, err := s.db.FindMemberCards(ctx, []int64{c.MemberID})
	if err != nil {
		return nil, err
	} else if a := cards[c.MemberID]; a != nil {
		cm.Author = a
	}
	return cm, nil
}

// Comments returns the comments on a post the caller may see, leaving out
// those of members either side of a block with them.
func (s *Posts) Comments(ctx context.Context, id int64) ([]*rapport.Comment, error) {
	c := rapport.CallerFromContext(ctx)
	if _, err := s.Post(ctx, id); err != nil {
		return nil, err
	}
	list, err := s.db.FindComments(ctx, id)
	if err != nil || c.Anonymous() {
		return list, err
	}
	blocked, err := s.db.FindBlockIDs(ctx, c.MemberID)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(list, func(cm *rapport.Comment) bool { return blocked[cm.Author.ID] }), nil
}

// DeleteComment removes a comment: its author or the post's author may.
func (s *Posts) DeleteComment(ctx context.Context, postID, commentID int64) error {
	c, err := member(ctx)
	if err != nil {
		return err
	}
	if _, err := s.Post(ctx, postID); err != nil {
		return err
	}
	return s.db.DeleteComment(ctx, postID, commentID, c.MemberID)
}

// FeedPage is one page of the home feed.
type FeedPage struct {
	Posts []*rapport.Post
	Next  string // the cursor of the next page; empty on the last
}

// Feed returns a page of the caller's home feed: their own posts and
// updates, their connections', and the public ones of the members and
// organizations they follow, newest first. Returns EINVALID naming cursor
// for a cursor that is not one of ours.
//
// The timeline index gives the newest posts of those sources, merged;
// they are read from the store by id and shown if the caller may see them
// now (mayRead), and more are taken until the page is full. Who may see a
// post is thus decided when the feed is read, as for a post on its own:
// the index only orders.
func (s *Posts) Feed(ctx context.Context, cursor string) (*FeedPage, error) {
	c, err := member(ctx)
	if err != nil {
		return nil, err
	}
	before, err := decodeFeedCursor(cursor)
	if err != nil {
		return nil, err
	}
	src, err := s.db.FindFeedSources(ctx, c.MemberID)
	if err != nil {
		return nil, err
	}
	sources := feedSources(c.MemberID, s.graph.Connections(c.MemberID), src)
	from := timeline.Stamp{}
	if !before.At.IsZero() {
		from = timeline.Stamp{At: before.At.UnixMicro(), ID: before.ID}
	}
	want := FeedPageSize + 1 // one more tells whether there is a next page
	var list []*rapport.Post
	// A few more than the page at first, for the posts the caller may not
	// see (a followed member's connections-only posts, a closed account's);
	// then twice as many each time, up to maxFeedBatch.
	for n := want + want/4; ; n = min(2*n, maxFeedBatch) {
		stamps := s.timelines.Newest(sources, from, n)
		ids := make([]int64, len(stamps))
		for i, st := range stamps {
			ids[i] = st.ID
		}
		posts, err := s.db.FindPostsByID(ctx, c.MemberID, ids)
		if err != nil {
			return nil, err
		}
		byID := make(map[int64]*rapport.Post, len(posts))
		for _, p := range posts {
			byID[p.ID] = p
		}
		for _, st := range stamps {
			// A post deleted since the index was read is not found, and
			// skipped; so is another post that took its id (SQLite hands
			// out the id of the newest post again once it is deleted).
			if p := byID[st.ID]; p != nil && p.CreatedAt.UnixMicro() == st.At && s.mayRead(c.MemberID, p, src.Blocked[p.AuthorID]) {
				list = append(list, p)
				if len(list) == want {
					break
				}
			}
		}
		if len(list) == want || len(stamps) < n {
			break
		}
		from = stamps[len(stamps)-1]
	}
	page := &FeedPage{Posts: list}
	if len(list) > FeedPageSize {
		page.Posts = list[:FeedPageSize]
		last := page.Posts[FeedPageSize-1]
		page.Next = encodeFeedCursor(store.FeedCursor{At: last.CreatedAt, ID: last.ID})
	}
	return page, nil
}

// maxFeedBatch bounds the posts the feed reads from the store at once.
const maxFeedBatch = 400

// feedSources returns the timelines of a member's feed: their own posts
// (those written as an organization too), their connections' and the
// members' they follow, but no one's either side of a block with them,
// and the organizations' they follow. A member both followed and
// connected is listed twice; the merge shows their posts once.
func feedSources(viewer int64, connections []int64, src store.FeedSources) []timeline.Source {
	out := make([]timeline.Source, 0, 2+len(connections)+len(src.Members)+len(src.Organizations))
	out = append(out, timeline.Source{Kind: timeline.Member, ID: viewer}, timeline.Source{Kind: timeline.AsOrganization, ID: viewer})
	for _, list := range [][]int64{connections, src.Members} {
		for _, id := range list {
			if !src.Blocked[id] {
				out = append(out, timeline.Source{Kind: timeline.Member, ID: id})
			}
		}
	}
	for _, id := range src.Organizations {
		out = append(out, timeline.Source{Kind: timeline.Organization, ID: id})
	}
	return out
}

// MemberPosts returns the latest posts and updates of the member at handle
// that the caller may see, for their profile.
func (s *Posts) MemberPosts(ctx context.Context, handle string) ([]*rapport.Post, error) {
	c := rapport.CallerFromContext(ctx)
	m, err := s.db.FindMemberByHandle(ctx, rapport.NormalizeHandle(handle))
	if err != nil {
		return nil, err
	}
	if m.Status != rapport.StatusActive {
		return nil, notFoundMember()
	}
	if c.Anonymous() && m.Profile.Visibility == rapport.VisibilityMembers {
		return nil, rapport.Errorf(rapport.EUNAUTHORIZED, "This member shows their profile to signed-in members only. Sign in to see it.")
	}
	if !c.Anonymous() && c.MemberID != m.ID {
		a, b, err := s.db.FindBlocks(ctx, c.MemberID, m.ID)
		if err != nil {
			return nil, err
		} else if a || b {
			return nil, notFoundMember()
		}
	}
	connected := !c.Anonymous() && (c.MemberID == m.ID || s.graph.Degree(c.MemberID, m.ID) == 1)
	return s.db.FindMemberPosts(ctx, c.MemberID, m.ID, connected, FeedPageSize)
}

func encodeFeedCursor(c store.FeedCursor) string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("f%d.%d", c.At.UnixMicro(), c.ID)))
}

func decodeFeedCursor(cursor string) (store.FeedCursor, error) {
	if cursor == "" {
		return store.FeedCursor{}, nil
	}
	bad := &rapport.Error{Code: rapport.EINVALID, Field: "cursor", Message: "This cursor is not one of ours; start again from the first page."}
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || len(b) < 4 || b[0] != 'f' {
		return store.FeedCursor{}, bad
	}
	at, id, ok := strings.Cut(string(b[1:]), ".")
	us, err1 := strconv.ParseInt(at, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if !ok || err1 != nil || err2 != nil || us <= 0 || n <= 0 {
		return store.FeedCursor{}, bad
	}
	return store.FeedCursor{At: time.UnixMicro(us), ID: n}, nil
}

// Profile-update broadcasts.

type shareChoiceKey struct{}

// WithShareChoice returns a copy of ctx that carries the member's choice,
// for the one edit made with it, of sharing the edit with their network;
// without it, their setting decides (SetShareUpdates).
func WithShareChoice(ctx context.Context, share bool) context.Context {
	return context.WithValue(ctx, shareChoiceKey{}, share)
}

// broadcast writes a profile update for the caller's network, when the
// edit is shared: by the choice made for it, or else by their setting. An
// edit made with sharing off leaves no trace anywhere. An error is logged:
// the edit itself is done.
func (s *base) broadcast(ctx context.Context, c rapport.Caller, text string) {
	share, chosen := ctx.Value(shareChoiceKey{}).(bool)
	if !chosen {
		var err error
		if share, err = s.db.FindShareUpdates(ctx, c.MemberID); err != nil {
			s.log.Warn("profile update", "member", c.MemberID, "err", err)
			return
		}
	}
	if !share {
		return
	}
	p := &rapport.Post{AuthorID: c.MemberID, Kind: rapport.PostKindUpdate, Audience: rapport.AudienceConnections, Body: text}
	if err := s.db.CreatePost(ctx, p, s.now()); err != nil {
		s.log.Warn("profile update", "member", c.MemberID, "err", err)
		return
	}
	s.timelines.Add(timelinePost(store.Stamp(p)))
}

// ShareUpdates reports whether the caller shares profile updates with
// their network.
func (s *Profiles) ShareUpdates(ctx context.Context) (bool, error) {
	c, err := member(ctx)
	if err != nil {
		return false, err
	}
	return s.db.FindShareUpdates(ctx, c.MemberID)
}

// SetShareUpdates sets whether the caller's profile edits are shared with
// their network, unless they choose otherwise for an edit. Never
// broadcast itself.
func (s *Profiles) SetShareUpdates(ctx context.Context, share bool) error {
	c, err := member(ctx)
	if err != nil {
		return err
	}
	return s.db.SetShareUpdates(ctx, c.MemberID, share)
}

// OrganizationPosts returns an organization's latest posts, for its page.
func (s *Posts) OrganizationPosts(ctx context.Context, slug string) ([]*rapport.Post, error) {
	o, err := s.db.FindOrganization(ctx, rapport.NormalizeSlug(slug))
	if err != nil {
		return nil, err
	}
	c := rapport.CallerFromContext(ctx)
	list, err := s.db.FindOrganizationPosts(ctx, c.MemberID, o.ID, FeedPageSize)
	if err != nil {
		return nil, err
	} else if c.Anonymous() {
		return slices.DeleteFunc(list, func(p *rapport.Post) bool { return p.Author.Profile.Visibility == rapport.VisibilityMembers }), nil
	}
	// As in the feed: not a post of a member either side of a block.
	blocked, err := s.db.FindBlockIDs(ctx, c.MemberID)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(list, func(p *rapport.Post) bool { return blocked[p.AuthorID] }), nil
}
