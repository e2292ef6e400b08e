package web

import (
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/rapportnet/rapport"
)

// postTag is a tag postHTML writes: a link to an address, a mention, or
// the end of either.
var postTag = regexp.MustCompile(`^(?:<a href="([^"<>]*)" rel="nofollow ugc noopener">|<a class="mention" href="/in/([a-z0-9-]+)">|</a>)`)

// FuzzPostHTML renders arbitrary post text, with some of the handles it
// names as the post's mentions. The only markup of the page is the links it
// wrote: to http and https addresses, and to the profiles of the members
// mentioned, never nested; and the text of the page is the post's text.
func FuzzPostHTML(f *testing.F) {
	for _, s := range []string{
		"Hello @ada, see https://example.com/a?b=1&c=2.",
		"Thanks @Grace-Hopper and @ada! (https://en.wikipedia.org/wiki/Grace_(ship)) and [https://example.org/x]",
		`<script>alert("x")</script> javascript:alert(1) http://"onmouseover=alert(1)`,
		"HTTPS://EXAMPLE.COM/@ada https://@ada http://:80 https://example.com/<b>",
		"mail ada@example.com, path /@ada, @@ada, @ad, @abcdefghijklmnopqrstuvwxyz012345",
		"a\x00b \xff\xfe &amp; &lt; ' \" `",
		"http://. https://example.com... http://x.y/:;!?*",
		"",
	} {
		f.Add(s, uint16(0xffff))
		f.Add(s, uint16(1))
	}
	f.Fuzz(func(t *testing.T, body string, pick uint16) {
		p := &rapport.Post{Body: body}
		mentioned := map[string]bool{}
		for i, h := range rapport.MentionedHandles(body) {
			if pick&(1<<(i%16)) != 0 {
				p.Mentions = append(p.Mentions, &rapport.Member{Handle: h})
				mentioned[h] = true
			}
		}
		p.Mentions = append(p.Mentions, nil, &rapport.Member{Handle: "someone-else"})
		mentioned["someone-else"] = true
		out := string(postHTML(p))

		var text strings.Builder
		open := false
		for rest := out; rest != ""; {
			i := strings.IndexByte(rest, '<')
			if i < 0 {
				i = len(rest)
			}
			if seg := rest[:i]; strings.ContainsAny(seg, `>"'`) {
				t.Fatalf("postHTML(%q) = %q: %q is not escaped", body, out, seg)
			} else {
				text.WriteString(html.UnescapeString(seg))
			}
			rest = rest[i:]
			if rest == "" {
				break
			}
			m := postTag.FindStringSubmatch(rest)
			if m == nil {
				t.Fatalf("postHTML(%q) = %q: markup not written by postHTML at %q", body, out, rest)
			}
			closing := m[0] == "</a>"
			if closing != open {
				t.Fatalf("postHTML(%q) = %q: links nested or not closed", body, out)
			}
			open = !closing
			if href := html.UnescapeString(m[1]); m[1] != "" && !strings.HasPrefix(strings.ToLower(href), "http://") && !strings.HasPrefix(strings.ToLower(href), "https://") {
				t.Fatalf("postHTML(%q) = %q: links to %q", body, out, href)
			}
			if m[2] != "" && !mentioned[m[2]] {
				t.Fatalf("postHTML(%q) = %q: links to %q, not mentioned", body, out, m[2])
			}
			rest = rest[len(m[0]):]
		}
		if open {
			t.Fatalf("postHTML(%q) = %q: a link is not closed", body, out)
		}
		// The escaping writes NUL as U+FFFD, as a browser would show it.
		if want := strings.ReplaceAll(body, "\x00", "\uFFFD"); text.String() != want {
			t.Fatalf("postHTML(%q) = %q, whose text is %q", body, out, text.String())
		}
	})
}
