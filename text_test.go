package rapport

import (
	"fmt"
	"sync"
	"testing"
)

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Zoë  Müller":          "zoe muller",
		" ACME\tCorp ":         "acme corp",
		"Université de Genève": "universite de geneve",
		"Ｆｕｌｌｗｉｄｔｈ":            "fullwidth",
		"Łódź":                 "łodz", // ł is a letter of its own, not l with a mark
		"":                     "",
		"Zoë\xffMüller":        "zoe\ufffdmuller", // not UTF-8: folded all the same
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestFoldConcurrently folds from many goroutines at once, as requests do:
// a transformer shared between them once mixed their texts up.
func TestFoldConcurrently(t *testing.T) {
	in := []string{"Zoë  Müller", "Université de Genève", "Łódź Politechnika", "José Ángel García", "Ｆｕｌｌｗｉｄｔｈ"}
	want := make([]string, len(in))
	for i, s := range in {
		want[i] = Fold(s)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := range 8 {
		wg.Go(func() {
			for i := range 2000 {
				k := (g + i) % len(in)
				if got := Fold(in[k]); got != want[k] {
					errs <- fmt.Sprintf("Fold(%q) = %q, want %q", in[k], got, want[k])
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
