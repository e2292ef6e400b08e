package rapport

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// foldMarks returns a transformer that takes accents off letters: é becomes
// e, ö becomes o. A chain keeps state while it runs, so each call makes its
// own: one shared between goroutines mixes their texts up.
func foldMarks() transform.Transformer {
	return transform.Chain(norm.NFKD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
}

// Fold is the form in which names are compared and looked up: accents off,
// lower case, and single spaces between words, so that "Zoë  Müller",
// "zoe muller" and "ZOE MULLER" are one key. The same in Go for both
// databases, which case-fold text each in their own way.
func Fold(s string) string {
	// The transformers stop at a byte that is not UTF-8: one in a query
	// would leave the accents of the whole text on.
	s = strings.ToValidUTF8(s, "\uFFFD")
	out, _, err := transform.String(foldMarks(), s)
	if err != nil {
		out = s
	}
	return strings.Join(strings.Fields(strings.ToLower(out)), " ")
}
