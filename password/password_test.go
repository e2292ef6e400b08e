package password

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/rapportnet/rapport"
)

// weak are small parameters, for the tests that need a hash weaker than
// DefaultParams and would otherwise be slow.
var weak = Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// mustHash returns the hash of pw or stops the test.
func mustHash(tb testing.TB, pw string, p Params) string {
	tb.Helper()
	h, err := Hash(pw, p)
	if err != nil {
		tb.Fatalf("Hash: %v", err)
	}
	return h
}

// runes returns the first n code points of s, or stops the test when s is
// shorter.
func runes(tb testing.TB, s string, n int) string {
	tb.Helper()
	r := []rune(s)
	if len(r) < n {
		tb.Fatalf("%q has %d code points, want at least %d", s, len(r), n)
	}
	return string(r[:n])
}

// randomText returns n code points drawn from letters, digits and
// punctuation with a fixed seed, so that every run checks the same text.
func randomText(n int) string { return randomTextFrom("", n) }

// randomTextFrom is randomText drawing from alphabet, or from letters,
// digits and punctuation when alphabet is "".
func randomTextFrom(alphabet string, n int) string {
	if alphabet == "" {
		alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!#%&*+=?@éüçñøßжлюдя"
	}
	letters := []rune(alphabet)
	rng := rand.New(rand.NewPCG(1, 2))
	out := make([]rune, n)
	for i := range out {
		out[i] = letters[rng.IntN(len(letters))]
	}
	return string(out)
}

// unicode128 is a passphrase of exactly 128 code points, many of them
// several bytes long in UTF-8.
var unicode128 = "Под ёлкой спят три рыжих кота; ébène, café, naïve — ça marche très bien. 鍵と鳥と月, Grüße aus Köln und Zürich, Ωμέγα λύκος, αετός!!!"

func TestHash(t *testing.T) {
	const pw = "violet-harbour-quietly-87"
	h := mustHash(t, pw, DefaultParams)

	t.Run("RoundTrip", func(t *testing.T) {
		ok, rehash, err := Verify(pw, h)
		if !ok || rehash || err != nil {
			t.Fatalf("Verify = %v, %v, %v; want true, false, nil", ok, rehash, err)
		}
	})
	t.Run("WrongPassword", func(t *testing.T) {
		for _, wrong := range []string{"", "violet-harbour-quietly-88", "Violet-harbour-quietly-87", pw + " ", pw[:len(pw)-1]} {
			ok, rehash, err := Verify(wrong, h)
			if ok || rehash || err != nil {
				t.Errorf("Verify(%q) = %v, %v, %v; want false, false, nil", wrong, ok, rehash, err)
			}
		}
	})
	t.Run("PHCForm", func(t *testing.T) {
		form := regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$`)
		if !form.MatchString(h) {
			t.Fatalf("hash %q is not in PHC form with the default parameters", h)
		}
		p, salt, key, err := decode(h)
		if err != nil {
			t.Fatal(err)
		}
		if p.Memory != 19456 || p.Time != 2 || p.Threads != 1 {
			t.Errorf("parameters m=%d,t=%d,p=%d; want m=19456,t=2,p=1", p.Memory, p.Time, p.Threads)
		}
		if len(salt) < 16 {
			t.Errorf("salt of %d bytes, want at least 16", len(salt))
		}
		if len(key) != 32 {
			t.Errorf("key of %d bytes, want 32", len(key))
		}
		if p != DefaultParams {
			t.Errorf("parsed %+v, want %+v", p, DefaultParams)
		}
	})
	t.Run("SaltDiffers", func(t *testing.T) {
		h2 := mustHash(t, pw, DefaultParams)
		if h2 == h {
			t.Fatal("two hashes of one password are equal")
		} else if strings.Split(h2, "$")[4] == strings.Split(h, "$")[4] {
			t.Fatal("two hashes share a salt")
		}
	})
}

func TestVerifyNeedsRehash(t *testing.T) {
	const pw = "violet-harbour-quietly-87"
	for _, tc := range []struct {
		name   string
		p      Params
		rehash bool
	}{
		{"LessMemoryAndTime", weak, true},
		{"LessMemory", Params{Memory: 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}, true},
		{"ShorterSalt", Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 8, KeyLen: 32}, true},
		{"Default", DefaultParams, false},
		{"MoreTimeAndLanes", Params{Memory: 19456, Time: 3, Threads: 2, SaltLen: 16, KeyLen: 32}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := mustHash(t, pw, tc.p)
			ok, rehash, err := Verify(pw, h)
			if !ok || rehash != tc.rehash || err != nil {
				t.Fatalf("Verify = %v, %v, %v; want true, %v, nil", ok, rehash, err, tc.rehash)
			}
			// A wrong password must never lead to a new hash.
			if ok, rehash, _ := Verify("wrong-"+pw, h); ok || rehash {
				t.Fatalf("Verify(wrong) = %v, %v; want false, false", ok, rehash)
			}
		})
	}
}

func TestNeverTruncated(t *testing.T) {
	if n := utf8.RuneCountInString(unicode128); n != 128 || len(unicode128) <= 128 {
		t.Fatalf("the passphrase has %d code points in %d bytes; want 128 code points in more bytes", n, len(unicode128))
	}
	if err := Check(unicode128); err != nil {
		t.Fatalf("Check refused the 128-code-point passphrase: %v", err)
	}
	h := mustHash(t, unicode128, DefaultParams)
	if ok, _, err := Verify(unicode128, h); !ok || err != nil {
		t.Fatalf("the passphrase does not verify: %v", err)
	}
	for _, tc := range []struct{ name, pw string }{
		{"LastCharacterDropped", runes(t, unicode128, 127)},
		{"First72Bytes", unicode128[:72]}, // where bcrypt would cut
	} {
		t.Run(tc.name, func(t *testing.T) {
			if ok, _, _ := Verify(tc.pw, h); ok {
				t.Fatal("a shortened passphrase verifies")
			}
		})
	}
}

func TestNFKC(t *testing.T) {
	for _, tc := range []struct{ name, hashed, typed string }{
		{"FullwidthHashedASCIITyped", "ｖｉｏｌｅｔ－ｈａｒｂｏｕｒ－４２", "violet-harbour-42"},
		{"ASCIIHashedFullwidthTyped", "violet-harbour-42", "ｖｉｏｌｅｔ－ｈａｒｂｏｕｒ－４２"},
		{"ComposedHashedDecomposedTyped", "caf\u00e9-harbour-42", "cafe\u0301-harbour-42"},
		{"LigatureHashedLettersTyped", "\ufb03ce-harbour-42", "ffice-harbour-42"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := mustHash(t, tc.hashed, DefaultParams)
			if ok, _, err := Verify(tc.typed, h); !ok || err != nil {
				t.Fatalf("Verify = %v, %v; want a match", ok, err)
			}
		})
	}
}

func TestVerifyMalformed(t *testing.T) {
	good := mustHash(t, "violet-harbour-quietly-87", weak)
	parts := strings.Split(good, "$")
	with := func(i int, v string) string {
		p := append([]string(nil), parts...)
		p[i] = v
		return strings.Join(p, "$")
	}
	for _, tc := range []struct{ name, phc string }{
		{"Empty", ""},
		{"Plain", "violet-harbour-quietly-87"},
		{"Argon2i", with(1, "argon2i")},
		{"Bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
		{"NoVersion", strings.Replace(good, "$v=19", "", 1)},
		{"OldVersion", with(2, "v=16")},
		{"CostsMissing", with(3, "m=1024,t=1")},
		{"CostsExtra", with(3, "m=1024,t=1,p=1,x=1")},
		{"CostsOutOfOrder", with(3, "t=1,m=1024,p=1")},
		{"CostNotANumber", with(3, "m=lots,t=1,p=1")},
		{"CostNegative", with(3, "m=1024,t=-1,p=1")},
		{"NoPasses", with(3, "m=1024,t=0,p=1")},
		{"NoLanes", with(3, "m=1024,t=1,p=0")},
		{"LanesOverflow", with(3, "m=1024,t=1,p=256")},
		{"HugeMemory", with(3, "m=4000000000,t=1,p=1")},
		{"ManyPasses", with(3, "m=1024,t=100000,p=1")},
		{"EmptySalt", with(4, "")},
		{"ShortSalt", with(4, "AAAA")},
		{"SaltPadded", with(4, parts[4]+"==")},
		{"SaltNotBase64", with(4, "!!!!!!!!!!!!!!!!!!!!!!")},
		{"EmptyKey", with(5, "")},
		{"ShortKey", with(5, "AAAAAAAA")},
		{"ExtraField", good + "$AAAA"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ok, rehash, err := Verify("violet-harbour-quietly-87", tc.phc)
			if err == nil || ok || rehash {
				t.Fatalf("Verify(%q) = %v, %v, %v; want an error", tc.phc, ok, rehash, err)
			}
		})
	}
}

func TestHashBadParams(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    Params
	}{
		{"Zero", Params{}},
		{"NoPasses", Params{Memory: 1024, Time: 0, Threads: 1, SaltLen: 16, KeyLen: 32}},
		{"NoLanes", Params{Memory: 1024, Time: 1, Threads: 0, SaltLen: 16, KeyLen: 32}},
		{"NoSalt", Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 0, KeyLen: 32}},
		{"NoKey", Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 0}},
		{"TooLittleMemory", Params{Memory: 8, Time: 1, Threads: 4, SaltLen: 16, KeyLen: 32}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if h, err := Hash("violet-harbour-quietly-87", tc.p); err == nil {
				t.Fatalf("Hash = %q, want an error", h)
			}
		})
	}
}

func TestVerifyDummy(t *testing.T) {
	for _, tc := range []struct{ name, pw string }{
		{"Empty", ""},
		{"Typical", "violet-harbour-quietly-87"},
		{"Long", randomText(MaxLength)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if VerifyDummy(tc.pw) {
				t.Fatal("VerifyDummy returned true")
			}
		})
	}
}

func TestCheck(t *testing.T) {
	personal := []string{"adalove", "ada.lovelace@example.com", "Ada Lovelace"}
	const (
		short   = "Use at least 8 characters; 15 or more is better."
		long    = "Use at most 1024 characters."
		listed  = "This password is among the most common ones and would be guessed quickly."
		mine    = "The password contains your name, handle or email address."
		site    = "The password contains the site's name."
		easy    = "This password is too easy to guess. A few unrelated words make a strong password that is easy to remember."
		invalid = "The password has characters that are not valid text."
	)
	for _, tc := range []struct {
		name, pw string
		want     string // the message; "" means accepted
	}{
		{"Passphrase", "correct-horse-battery-staple-42", ""},
		{"PassphraseWithSpaces", "violet harbour quietly lanterns", ""},
		{"RandomEight", "Zq8#vL1!", ""},
		{"MultibyteEight", "Жёлудь9ü", ""},
		{"Multibyte128", unicode128, ""},
		{"Fullwidth", "ｖｉｏｌｅｔ－ｈａｒｂｏｕｒ－ｑｕｉｅｔｌｙ", ""},
		{"MaxLength", randomText(MaxLength), ""},
		{"DomainOfEmail", "example-harbour-quietly-87", ""},

		{"Short", "Zq8#vL1", short},
		{"ShortMultibyte", "Жёлудь9", short},
		{"Empty", "", short},
		{"TooLong", randomText(MaxLength + 1), long},
		{"InvalidUTF8", "violet-harbour-\xff\xfe-87", invalid},

		{"Common", "password123", listed},
		{"CommonOtherCase", "PassWord123", listed},
		{"CommonFullwidth", "ｐａｓｓｗｏｒｄ１２３", listed},
		{"CommonEightDigits", "12345678", listed},
		{"CommonEightLetters", "iloveyou", listed},
		{"CommonEightSunshine", "sunshine", listed},
		{"CommonEightFootball", "Football", listed},

		{"ContainsHandle", "my-adalove-harbour-quietly", mine},
		{"ContainsHandleOtherCase", "my-ADALOVE-harbour-quietly", mine},
		{"ContainsEmail", "ada.lovelace@example.com-violet", mine},
		{"ContainsEmailLocalPart", "ada.lovelace-violet-9", mine},
		{"ContainsNamePart", "lovelace-harbour-quietly", mine},
		{"ContainsSiteName", "my-Rapport-harbour-quietly", site},
		{"ContainsSiteNameLower", "violet-rapport-harbour-87", site},

		{"Repeated", "aaaaaaaaaaaa", easy},
		{"Sequence", "abcdefghijklmn", easy},
		{"Keyboard", "qwertzuiopasdf", easy},
		{"WordAndYear", "Sunflower2019", easy},
		{"L33tWord", "P@ssw0rd!2024", easy},
		{"WeakStartOfLongPassword", strings.Repeat("a", 120) + randomText(200), easy},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.want == easy {
				// These must be refused by the strength estimate, not
				// because the list has them.
				if _, ok := common()[strings.ToLower(normalize(tc.pw))]; ok {
					t.Fatalf("%q is on the common list", tc.pw)
				}
			}
			err := Check(tc.pw, personal...)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("accepted")
			}
			if code, field := rapport.ErrorCode(err), rapport.ErrorField(err); code != rapport.EINVALID || field != "password" {
				t.Fatalf("error %v has code %q and field %q; want %q and \"password\"", err, code, field, rapport.EINVALID)
			}
			if msg := rapport.ErrorMessage(err); msg != tc.want {
				t.Fatalf("message %q, want %q", msg, tc.want)
			}
		})
	}
}

func TestCheckPersonalValues(t *testing.T) {
	const pw = "violet-harbour-quietly-87"
	for _, tc := range []struct {
		name     string
		personal []string
		refused  bool
	}{
		{"None", nil, false},
		{"EmptyAndShortIgnored", []string{"", " ", "al", "x@y.z"}, false},
		{"ThreeCodePoints", []string{"vio"}, true},
		{"ShortNamePartIgnored", []string{"Bo Ray"}, false},
		{"NamePart", []string{"Quietly Smith"}, true},
		{"EmailLocalPart", []string{"harbour@example.com"}, true},
		{"EmailDomainIgnored", []string{"ada@violet.example"}, false},
		{"OtherCase", []string{"HARBOUR"}, true},
		{"Fullwidth", []string{"ｈａｒｂｏｕｒ"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Check(pw, tc.personal...)
			if refused := err != nil; refused != tc.refused {
				t.Fatalf("Check(%q, %q) = %v; want refused %v", pw, tc.personal, err, tc.refused)
			}
		})
	}
}

func TestCheckIsQuick(t *testing.T) {
	// Unbounded, zxcvbn takes seconds on some of these, and tens of seconds
	// on the longest.
	for _, tc := range []struct{ name, alphabet string }{
		{"Mixed", ""},
		{"L33t", "4@8({[<3&6!|1|7+0$5%2aeiostlbg"},
		{"Digits", "0123456789"},
		{"DateSeparators", "0123456789/-._ "},
	} {
		for _, n := range []int{l33tMaxLength, 64, MaxLength} {
			t.Run(fmt.Sprintf("%s%d", tc.name, n), func(t *testing.T) {
				pw := randomTextFrom(tc.alphabet, n)
				start := time.Now()
				Check(pw)
				if d := time.Since(start); d > 2*time.Second {
					t.Fatalf("Check of %d code points took %v", n, d)
				}
			})
		}
	}
}

func TestCommonList(t *testing.T) {
	set := common()
	if len(set) < 10000 {
		t.Fatalf("%d common passwords, want at least 10,000", len(set))
	}
	t.Logf("%d common passwords", len(set))
	for pw := range set {
		if pw != strings.ToLower(pw) || pw == "" || strings.HasPrefix(pw, "#") {
			t.Fatalf("entry %q is not a lower-case password", pw)
		}
	}
	for _, pw := range []string{"123456", "password", "qwerty123", "trustno1", "geekboy"} {
		if _, ok := set[pw]; !ok {
			t.Errorf("%q is not on the list", pw)
		}
	}
}

func BenchmarkHash(b *testing.B) {
	for b.Loop() {
		if _, err := Hash("violet-harbour-quietly-87", DefaultParams); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	h := mustHash(b, "violet-harbour-quietly-87", DefaultParams)
	for b.Loop() {
		Verify("violet-harbour-quietly-87", h)
	}
}

func BenchmarkVerifyDummy(b *testing.B) {
	for b.Loop() {
		VerifyDummy("violet-harbour-quietly-87")
	}
}

func BenchmarkCheck(b *testing.B) {
	common() // built once, on first use
	for b.Loop() {
		Check("violet-harbour-quietly-87", "adalove", "ada.lovelace@example.com", "Ada Lovelace")
	}
}

func BenchmarkCheckMaxLength(b *testing.B) {
	pw := randomText(MaxLength)
	for b.Loop() {
		Check(pw)
	}
}
