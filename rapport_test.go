package rapport

import "testing"

func TestValidateHandle(t *testing.T) {
	for h, ok := range map[string]bool{
		"ada": true, "grace-hopper": true, "a-b": true, "r2d2": true, "007": true,
		"ab": false, "-ada": false, "ada-": false, "Ada": false, "ada_l": false, "ad a": false, "adé": false,
		"abcdefghijklmnopqrstuvwxyz0123": true, "abcdefghijklmnopqrstuvwxyz01234": false,
	} {
		if err := ValidateHandle(h); (err == nil) != ok {
			t.Errorf("ValidateHandle(%q) = %v, want valid %v", h, err, ok)
		}
	}
}

// A valid handle at the end of a sentence is mentioned whole.
func TestMentionAtTheEndOfASentence(t *testing.T) {
	for text, want := range map[string]string{
		"Thanks @grace-hopper.": "grace-hopper",
		"Thanks @grace-hopper-": "grace-hopper",
		"(@a-b)":                "a-b",
	} {
		if got := MentionedHandles(text); len(got) != 1 || got[0] != want {
			t.Errorf("MentionedHandles(%q) = %q, want [%q]", text, got, want)
		}
	}
}
