package web

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rapportnet/rapport"
)

var (
	pageTag   = regexp.MustCompile(`<[^>]*>`)
	attrValue = regexp.MustCompile(`="[^"]*"`)
)

// FuzzPageText renders the inbox and a conversation through their real
// templates, with arbitrary text everywhere a member writes it: names,
// handles, messages, form values and errors. The page has the same
// elements and attributes as with plain text: the text never becomes
// markup.
func FuzzPageText(f *testing.F) {
	for _, s := range []string{
		"Ada Lovelace", "Lunch on Friday?\nBring the notes.", `<script>alert("x")</script>`,
		`"><img src=x onerror=alert(1)>`, "</textarea><b>bold</b>", "</title><a href=//evil>", "{{.Caller}}",
		"javascript:alert(1)", "' onmouseover='alert(1)", "&lt;&amp;&#34;", "a\x00b\xff", "<!-- -->", "<![CDATA[x]]>", "",
	} {
		f.Add(s)
	}
	p, err := loadPages()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		plain := "x"
		if s == "" {
			plain = ""
		}
		for _, page := range []string{"messages", "thread"} {
			got, want := renderText(t, p, page, s), renderText(t, p, page, plain)
			if !slices.Equal(tagsOf(got), tagsOf(want)) {
				t.Fatalf("page %s with %q has the tags\n%q\nwant\n%q", page, s, tagsOf(got), tagsOf(want))
			}
			if rest := pageTag.ReplaceAllString(got, ""); strings.ContainsAny(rest, "<>") {
				t.Fatalf("page %s with %q has < or > outside its tags: %q", page, s, rest)
			}
		}
	})
}

// renderText renders a page of the messages with s as every text a member
// writes.
func renderText(t *testing.T, p *pages, page, s string) string {
	t.Helper()
	other := &rapport.Member{ID: 2, Handle: s, DisplayName: s}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	thread := &rapport.Thread{ID: 1, Members: []rapport.ThreadMember{{Member: other}, {Member: other, Left: true}},
		Messages: []rapport.Message{{ID: 1, Sender: other, Body: s, CreatedAt: now}, {ID: 2, Body: s, CreatedAt: now}},
		Unread:   1, CreatedAt: now, UpdatedAt: now}
	thread.Last = &thread.Messages[0]
	data := &pageData{
		Caller: rapport.Caller{MemberID: 1, Handle: "me"}, Title: s, Error: s,
		Errors:   map[string]string{"to": s, "body": s},
		Values:   map[string]string{"to": s, "body": s},
		Messages: &messagesPage{Threads: []*rapport.Thread{thread}, Unread: 1, Thread: thread},
	}
	var b bytes.Buffer
	if err := p.byName[page].Execute(&b, data); err != nil {
		t.Fatalf("render %s with %q: %v", page, s, err)
	}
	return b.String()
}

// tagsOf returns the tags of a page with their attributes' values left out.
func tagsOf(page string) []string {
	tags := pageTag.FindAllString(page, -1)
	for i, tag := range tags {
		tags[i] = attrValue.ReplaceAllString(tag, `=""`)
	}
	return tags
}
