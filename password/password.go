// Package password holds the password policy and the password hash of
// Rapport, after NIST SP 800-63B and OWASP ASVS 5.0: a minimum length and no
// composition rules; refusal of common, breached, personal and easily
// guessed passwords, with the reason; argon2id in PHC string form.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/ccojocar/zxcvbn-go"
	"github.com/ccojocar/zxcvbn-go/frequency"
	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"

	"github.com/rapportnet/rapport"
)

// Params are argon2id parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
	SaltLen uint32
	KeyLen  uint32
}

// DefaultParams are OWASP's minimum for argon2id: 19 MiB, two passes, one
// lane, with a 16-byte salt and a 32-byte key.
var DefaultParams = Params{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// Length limits, in code points.
const (
	MinLength = 8
	MaxLength = 1024
)

// MinScore is the lowest zxcvbn score (0 to 4) accepted: 3 is "safely
// unguessable: moderate protection from offline slow-hash scenario".
const MinScore = 3

// scoredPrefix bounds the part of a password that zxcvbn scores: its cost
// grows quickly with length, and a password that long is strong for its
// length alone.
const scoredPrefix = 100

// normalize applies Unicode NFKC, so that a password typed on another
// keyboard or system still matches.
func normalize(pw string) string { return norm.NFKC.String(pw) }

// Hash returns the argon2id hash of pw in PHC string form, with a random salt.
func Hash(pw string, p Params) (string, error) {
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("salt: %w", err)
	}
	key := argon2.IDKey([]byte(normalize(pw)), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// decode parses a PHC string made by Hash.
func decode(phc string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, fmt.Errorf("not an argon2id PHC string")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, fmt.Errorf("unsupported argon2 version %q", parts[2])
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, fmt.Errorf("argon2 parameters %q: %w", parts[3], err)
	}
	if salt, err = base64.RawStdEncoding.DecodeString(parts[4]); err != nil {
		return p, nil, nil, fmt.Errorf("salt: %w", err)
	}
	if key, err = base64.RawStdEncoding.DecodeString(parts[5]); err != nil {
		return p, nil, nil, fmt.Errorf("hash: %w", err)
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}

// Verify reports whether pw matches the PHC string, and whether the hash
// should be made again because its parameters are weaker than DefaultParams.
// It returns an error for a malformed PHC string.
func Verify(pw, phc string) (ok, needsRehash bool, err error) {
	p, salt, key, err := decode(phc)
	if err != nil {
		return false, false, err
	}
	got := argon2.IDKey([]byte(normalize(pw)), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	ok = subtle.ConstantTimeCompare(got, key) == 1
	d := DefaultParams
	needsRehash = p.Memory < d.Memory || p.Time < d.Time || p.Threads < d.Threads || p.SaltLen < d.SaltLen || p.KeyLen < d.KeyLen
	return ok, needsRehash, nil
}

// dummyHash is verified against when a sign-in names an unknown email.
var dummyHash = sync.OnceValue(func() string {
	h, err := Hash("no account has this password", DefaultParams)
	if err != nil {
		panic(err) // crypto/rand does not fail
	}
	return h
})

// VerifyDummy takes about the time of a real Verify and returns false, so
// that an unknown email and a wrong password take about as long.
func VerifyDummy(pw string) bool {
	Verify(pw, dummyHash())
	return false
}

// commonList holds the most common passwords of leaked-password dumps, one
// a line; its header says where it comes from.
//
//go:embed common.txt
var commonList string

// common is the set of common and breached passwords, in lower case: the
// embedded list and the one the zxcvbn library scores with.
var common = sync.OnceValue(func() map[string]struct{} {
	zx := frequency.Lists["Passwords"].List
	set := make(map[string]struct{}, 20000+len(zx))
	for _, line := range strings.Split(commonList, "\n") {
		if line != "" && !strings.HasPrefix(line, "# ") {
			set[strings.ToLower(line)] = struct{}{}
		}
	}
	for _, p := range zx {
		set[strings.ToLower(p)] = struct{}{}
	}
	return set
})

// CommonCount returns how many common passwords are refused.
func CommonCount() int { return len(common()) }

// Check applies the policy to a new password. personal are the member's
// handle, email address, display name and the like. It returns nil or an
// EINVALID error about field "password" that tells the reason.
func Check(pw string, personal ...string) error {
	pw = normalize(pw)
	n := utf8.RuneCountInString(pw)
	lower := strings.ToLower(pw)
	refuse := func(msg string) error { return rapport.FieldError("password", "%s", msg) }
	switch {
	case n < MinLength:
		return refuse("Use at least 8 characters; 15 or more is better.")
	case n > MaxLength:
		return refuse(fmt.Sprintf("Use at most %d characters.", MaxLength))
	}
	if _, ok := common()[lower]; ok {
		return refuse("This password is among the most common ones and would be guessed quickly.")
	}
	if strings.Contains(lower, "rapport") {
		return refuse("The password contains the site's name.")
	}
	var words []string
	for _, v := range personal {
		v = strings.ToLower(strings.TrimSpace(v))
		if local, _, ok := strings.Cut(v, "@"); ok {
			words = append(words, local)
		}
		words = append(words, v)
		words = append(words, strings.Fields(v)...)
	}
	for _, w := range words {
		if utf8.RuneCountInString(w) >= 3 && strings.Contains(lower, w) {
			return refuse("The password contains your name, handle or email address.")
		}
	}
	scored := pw
	if n > scoredPrefix {
		scored = string([]rune(pw)[:scoredPrefix])
	}
	if zxcvbn.PasswordStrength(scored, words).Score < MinScore {
		return refuse("This password is too easy to guess. A few unrelated words make a strong password that is easy to remember.")
	}
	return nil
}
