package rapport

import "testing"

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Zoë  Müller":          "zoe muller",
		" ACME\tCorp ":         "acme corp",
		"Université de Genève": "universite de geneve",
		"Ｆｕｌｌｗｉｄｔｈ":            "fullwidth",
		"Łódź":                 "łodz", // ł is a letter of its own, not l with a mark
		"":                     "",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}
