package password

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/rapportnet/rapport"
)

// fast keeps the tests that do not need the real cost quick.
var fast = Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func TestHashAndVerify(t *testing.T) {
	h, err := Hash("violet-harbour-quietly", DefaultParams)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("PHCForm", func(t *testing.T) {
		if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
			t.Fatalf("hash = %q", h)
		}
		salt, err := base64.RawStdEncoding.DecodeString(strings.Split(h, "$")[4])
		if err != nil || len(salt) < 16 {
			t.Fatalf("salt of %d bytes, %v", len(salt), err)
		}
	})
	t.Run("RightPassword", func(t *testing.T) {
		ok, rehash, err := Verify("violet-harbour-quietly", h)
		if !ok || rehash || err != nil {
			t.Fatalf("Verify = %v %v %v", ok, rehash, err)
		}
	})
	t.Run("WrongPassword", func(t *testing.T) {
		if ok, _, _ := Verify("violet-harbour-quietlY", h); ok {
			t.Fatal("a wrong password verified")
		}
	})
	t.Run("SaltDiffers", func(t *testing.T) {
		h2, _ := Hash("violet-harbour-quietly", DefaultParams)
		if h2 == h {
			t.Fatal("two hashes of one password are equal")
		}
	})
	t.Run("WeakerParamsNeedRehash", func(t *testing.T) {
		weak, _ := Hash("violet-harbour-quietly", fast)
		ok, rehash, err := Verify("violet-harbour-quietly", weak)
		if !ok || !rehash || err != nil {
			t.Fatalf("Verify = %v %v %v", ok, rehash, err)
		}
	})
	t.Run("Malformed", func(t *testing.T) {
		for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=x$AA$AA", "plain"} {
			if _, _, err := Verify("x", bad); err == nil {
				t.Errorf("Verify accepted %q", bad)
			}
		}
	})
	t.Run("NeverTruncated", func(t *testing.T) {
		long := strings.Repeat("ébène-", 22) // 132 code points
		h, _ := Hash(long, fast)
		if ok, _, _ := Verify(long, h); !ok {
			t.Fatal("the long password does not verify")
		}
		runes := []rune(long)
		if ok, _, _ := Verify(string(runes[:len(runes)-1]), h); ok {
			t.Fatal("the long password shortened by one character verifies")
		}
	})
	t.Run("NFKC", func(t *testing.T) {
		h, _ := Hash("ｖｉｏｌｅｔ-harbour", fast) // fullwidth letters
		if ok, _, _ := Verify("violet-harbour", h); !ok {
			t.Fatal("the fullwidth form does not match the ASCII form")
		}
	})
	t.Run("Dummy", func(t *testing.T) {
		if VerifyDummy("no account has this password") {
			t.Fatal("VerifyDummy returned true")
		}
	})
}

func TestCheck(t *testing.T) {
	personal := []string{"ada-l", "ada.lovelace@example.com", "Ada Lovelace"}
	for _, tc := range []struct {
		name, pw string
		reason   string // a word of the message; "" means accepted
	}{
		{"Strong", "violet-harbour-quietly-87-lanterns", ""},
		{"Passphrase", "correct horse battery staple", ""},
		{"StrongEightCodePoints", "Zq8#vL1!", ""},
		{"Unicode128", strings.Repeat("ébène quartz ", 10)[:128], ""},
		{"Common", "password123", "common"},
		{"CommonOtherCase", "PassWord123", "common"},
		{"CommonEight", "12345678", "common"},
		{"Short", "Zq8#vL1", "at least 8"},
		{"TooLong", strings.Repeat("a", MaxLength+1), "at most"},
		{"ContainsHandle", "my-ada-l-is-quiet-today", "your name"},
		{"ContainsEmailLocalPart", "ada.lovelace-violet-9", "your name"},
		{"ContainsName", "lovelace-harbour-quietly", "your name"},
		{"ContainsSiteName", "my-Rapport-harbour-quietly", "site"},
		{"Repetitive", "aaaaaaaaaaaa", "easy to guess"},
		{"Keyboard", "qwertyuiop12", "easy to guess"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Check(tc.pw, personal...)
			if tc.reason == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if rapport.ErrorCode(err) != rapport.EINVALID || rapport.ErrorField(err) != "password" {
				t.Fatalf("error = %v, want invalid password", err)
			}
			if msg := rapport.ErrorMessage(err); !strings.Contains(strings.ToLower(msg), tc.reason) {
				t.Fatalf("message %q does not say %q", msg, tc.reason)
			}
		})
	}
}

func TestCommonListSize(t *testing.T) {
	if n := CommonCount(); n < 10000 {
		t.Fatalf("%d common passwords, want at least 10,000", n)
	}
}

func BenchmarkHash(b *testing.B) {
	for b.Loop() {
		Hash("violet-harbour-quietly-87-lanterns", DefaultParams)
	}
}

func BenchmarkCheck(b *testing.B) {
	for b.Loop() {
		Check("violet-harbour-quietly-87-lanterns", "ada", "ada@example.com")
	}
}
