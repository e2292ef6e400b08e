package rapport

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

var handleChars = regexp.MustCompile(`^[a-z0-9-]{3,30}$`)

// FuzzMentionedHandles reads the @handles of arbitrary text. Each handle
// found is normalized, found once, and written @handle in the text; and a
// valid handle written as a mention is read back.
func FuzzMentionedHandles(f *testing.F) {
	f.Add("Thanks @ada and @Grace-Hopper, see https://example.com/@nope and mail me at me@example.com", "ada")
	f.Add("@ada @ADA @ada_ @abcdefghijklmnopqrstuvwxyz01234 /@path @@double (@paren)", "grace-hopper")
	f.Add("@ab- @x @ok-", "ab-")
	f.Add("", "0000")
	f.Fuzz(func(t *testing.T, text, handle string) {
		got := MentionedHandles(text)
		lower := strings.ToLower(text)
		for i, h := range got {
			if !handleChars.MatchString(h) || NormalizeHandle(h) != h {
				t.Fatalf("MentionedHandles(%q) has %q", text, h)
			}
			if slices.Contains(got[:i], h) {
				t.Fatalf("MentionedHandles(%q) has %q twice", text, h)
			}
			if !strings.Contains(lower, "@"+h) {
				t.Fatalf("MentionedHandles(%q) has %q, which the text does not mention", text, h)
			}
		}
		h := NormalizeHandle(handle)
		if ValidateHandle(h) != nil {
			return
		}
		for _, s := range []string{"@" + h, "Hi @" + strings.ToUpper(h) + ", welcome.", "(@" + h + ")", text + " @" + h} {
			if got := MentionedHandles(s); !slices.Contains(got, h) {
				t.Fatalf("MentionedHandles(%q) = %q, without %q", s, got, h)
			}
		}
	})
}
