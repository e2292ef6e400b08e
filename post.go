package rapport

import (
	"regexp"
	"slices"
	"strings"
	"time"
)

// Limits of posts and comments, in code points.
const (
	PostMaxLen    = 3000
	CommentMaxLen = 1250
)

// Audiences of a post: everyone, or the author's connections only.
const (
	AudiencePublic      = "public"
	AudienceConnections = "connections"
)

// Kinds of post: one a member wrote, or an update the site wrote for a
// member who changed their profile while sharing updates with their
// network.
const (
	PostKindPost   = "post"
	PostKindUpdate = "update"
)

// Reactions a member may leave on a post, one a post.
var Reactions = []string{"like", "celebrate", "support", "insightful", "funny"}

// Post is a post or a profile update.
type Post struct {
	ID           int64
	AuthorID     int64
	Author       *Member
	Organization *Organization // set for a post written as an organization
	Kind         string
	Audience     string
	Body         string
	Mentions     []*Member // connections the post names with @handle
	CreatedAt    time.Time
	UpdatedAt    time.Time
	// Counted when the post is read, for the caller.
	Reactions  map[string]int
	MyReaction string
	Comments   int
	// Hidden is set when a site operator hid the post after a report: no
	// one sees it any more.
	Hidden bool
}

// Comment is a comment on a post.
type Comment struct {
	ID        int64
	PostID    int64
	Author    *Member
	Body      string
	CreatedAt time.Time
}

// ValidatePost checks a post's text and audience.
func ValidatePost(body, audience string) error {
	if err := checkWritten("body", body, PostMaxLen, "Write something first."); err != nil {
		return err
	}
	if audience != AudiencePublic && audience != AudienceConnections {
		return FieldError("audience", "The audience is %q or %q.", AudiencePublic, AudienceConnections)
	}
	return nil
}

// ValidateComment checks a comment's text.
func ValidateComment(body string) error {
	return checkWritten("body", body, CommentMaxLen, "Write something first.")
}

// ValidateReaction checks a reaction's kind.
func ValidateReaction(kind string) error {
	if !slices.Contains(Reactions, kind) {
		return FieldError("reaction", "A reaction is one of %s.", strings.Join(Reactions, ", "))
	}
	return nil
}

var mentionPattern = regexp.MustCompile(`(^|[^a-zA-Z0-9_@/])@([a-zA-Z0-9-]{3,30})\b`)

// MentionedHandles returns the handles a text names with @handle, each
// once, normalized, in order.
func MentionedHandles(text string) []string {
	var out []string
	for _, m := range mentionPattern.FindAllStringSubmatch(text, -1) {
		h := NormalizeHandle(m[2])
		if !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	return out
}
