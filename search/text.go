package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rapportnet/rapport"
)

// letters maps the letters that carry no separate accent mark, and so
// survive rapport.Fold, to what people type for them on a plain keyboard:
// "lodz" finds "Łódź" and "soren" finds "Søren".
var letters = strings.NewReplacer(
	"ł", "l", "ø", "o", "đ", "d", "ð", "d", "ß", "ss",
	"æ", "ae", "œ", "oe", "ı", "i", "þ", "th",
)

// Words splits text into the words the index keeps and queries look for:
// folded (accents off, lower case, see rapport.Fold), with the letters
// above spelled plainly, split at anything that is not a letter or a digit.
func Words(text string) []string {
	if isASCII(text) {
		// Nothing to fold but case: most text, and many times faster.
		return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
			return !('a' <= r && r <= 'z' || '0' <= r && r <= '9')
		})
	}
	return strings.FieldsFunc(letters.Replace(rapport.Fold(text)), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r)
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Key is the form in which a filter value (an organization, a school, a
// location) is compared: its words joined by single spaces, so that
// "ACME  Corp." and "acme corp" are one key.
func Key(text string) string {
	return strings.Join(Words(text), " ")
}

// withinOneEdit reports whether a and b differ by at most one inserted,
// deleted or replaced letter, or two neighbours swapped: how far a typo is
// allowed to go.
func withinOneEdit(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > len(rb) {
		ra, rb = rb, ra
	}
	if len(rb)-len(ra) > 1 {
		return false
	}
	i := 0
	for i < len(ra) && ra[i] == rb[i] {
		i++
	}
	if i == len(ra) {
		return true // equal, or b has one more letter at the end
	}
	if len(ra) == len(rb) {
		if string(ra[i+1:]) == string(rb[i+1:]) {
			return true // one replaced
		}
		return i+1 < len(ra) && ra[i] == rb[i+1] && ra[i+1] == rb[i] &&
			string(ra[i+2:]) == string(rb[i+2:]) // two swapped
	}
	return string(ra[i:]) == string(rb[i+1:]) // one inserted in b
}
