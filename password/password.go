// Package password holds the password policy and the password hash of
// Rapport, after NIST SP 800-63B and OWASP ASVS 5.0: a minimum length and no
// composition rules; refusal of common, breached, personal and easily
// guessed passwords, with the reason; argon2id in PHC string form.
//
// Passwords are compared after Unicode NFKC normalization, so that the same
// password typed on another keyboard or system still matches. They are never
// truncated.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/ccojocar/zxcvbn-go"
	"github.com/ccojocar/zxcvbn-go/frequency"
	"github.com/ccojocar/zxcvbn-go/match"
	"github.com/ccojocar/zxcvbn-go/matching"
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

// Length limits, in code points after NFKC normalization. A longer password
// is refused, never truncated.
const (
	MinLength = 8
	MaxLength = 1024
)

// Bounds on argon2id parameters, for Hash and for a PHC string read back.
// The upper bounds keep a corrupt stored hash from making one sign-in
// allocate gigabytes or spin for minutes; they are far above any sensible
// setting.
const (
	minSaltLen = 8  // RFC 9106's minimum
	minKeyLen  = 16 // a shorter tag could be matched by chance
	maxSaltLen = 64
	maxKeyLen  = 64
	maxTime    = 64
	maxMemory  = 1 << 20 // KiB: 1 GiB
)

// minScore is the lowest zxcvbn score (0 to 4) accepted: 3 is "safely
// unguessable: moderate protection from offline slow-hash scenario".
const minScore = 3

// Bounds on what zxcvbn scores. Its cost grows much faster than the
// length, and Check runs at sign-up, for anyone who asks. On a 2-core
// server 256 code points take up to 0.7 s and 1024 up to 30 s; the l33t
// matcher, which tries every reading of the l33t characters present ("1"
// as "i" or "l", "@" as "a" ...) against every dictionary, takes over a
// second for 64 code points made of them. So zxcvbn scores the first
// scoredPrefix code points (up to about 60 ms without the l33t matcher),
// and runs the l33t matcher only on passwords of at most l33tMaxLength
// (up to about 80 ms). Substitutions decide the score of a short password
// ("P@ssw0rd!"); a password that is strong in its first 100 code points
// is no weaker for the rest.
const (
	scoredPrefix  = 100
	l33tMaxLength = 32
)

// siteName is refused inside a password: it is the first word an attacker
// of this site tries.
const siteName = "rapport"

// normalize applies Unicode NFKC, so that fullwidth, ligature and
// composed or decomposed forms of one password are the same bytes.
func normalize(pw string) string { return norm.NFKC.String(pw) }

// Hash returns the argon2id hash of pw, after NFKC normalization, in PHC
// string form:
//
//	$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>
//
// with salt and hash in unpadded standard base64 and a random salt from
// crypto/rand. It returns an internal error when p is out of bounds (no
// salt or key, zero passes or lanes, or costs far beyond any sensible
// setting) or when the system has no randomness.
func Hash(pw string, p Params) (string, error) {
	if err := p.check(); err != nil {
		return "", err
	}
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	key := argon2.IDKey([]byte(normalize(pw)), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether pw matches the PHC string made by Hash, comparing
// in constant time, and whether the hash should be made again, at this
// sign-in, because its parameters are weaker than DefaultParams. needsRehash
// is false when ok is false. It returns an internal error for a malformed
// PHC string or one whose parameters are out of bounds.
func Verify(pw, phc string) (ok, needsRehash bool, err error) {
	p, salt, key, err := decode(phc)
	if err != nil {
		return false, false, err
	}
	got := argon2.IDKey([]byte(normalize(pw)), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	if subtle.ConstantTimeCompare(got, key) != 1 {
		return false, false, nil
	}
	return true, p.weakerThan(DefaultParams), nil
}

// VerifyDummy spends about the time of a Verify against a hash made with
// DefaultParams and returns false. A sign-in that names an unknown email
// calls it, so that an unknown email and a wrong password take about as long
// and the time does not tell which addresses have accounts.
func VerifyDummy(pw string) bool {
	p := DefaultParams
	// The salt's value does not matter: the key is thrown away.
	key := argon2.IDKey([]byte(normalize(pw)), make([]byte, p.SaltLen), p.Time, p.Memory, p.Threads, p.KeyLen)
	subtle.ConstantTimeCompare(key, make([]byte, len(key)))
	return false
}

// b64 is the PHC string format's base64: standard alphabet, no padding.
// Strict decoding refuses unused trailing bits, so that one hash has one
// spelling.
var b64 = base64.RawStdEncoding.Strict()

// decode parses and checks a PHC string made by Hash.
func decode(phc string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errors.New("password hash: not an argon2id PHC string")
	} else if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, fmt.Errorf("password hash: unsupported argon2 version %q", parts[2])
	}
	m, t, pl, err := parseCosts(parts[3])
	if err != nil {
		return p, nil, nil, fmt.Errorf("password hash: parameters %q: %w", parts[3], err)
	}
	if salt, err = b64.DecodeString(parts[4]); err != nil {
		return p, nil, nil, fmt.Errorf("password hash: salt: %w", err)
	}
	if key, err = b64.DecodeString(parts[5]); err != nil {
		return p, nil, nil, fmt.Errorf("password hash: key: %w", err)
	}
	p = Params{Memory: m, Time: t, Threads: pl, SaltLen: uint32(len(salt)), KeyLen: uint32(len(key))}
	if err := p.check(); err != nil {
		return p, nil, nil, err
	}
	return p, salt, key, nil
}

// parseCosts parses "m=<memory>,t=<time>,p=<threads>", in that order.
func parseCosts(s string) (memory, time uint32, threads uint8, err error) {
	fields := strings.Split(s, ",")
	if len(fields) != 3 {
		return 0, 0, 0, errors.New("want m=,t=,p=")
	}
	var v [3]uint64
	for i, name := range []string{"m", "t", "p"} {
		num, ok := strings.CutPrefix(fields[i], name+"=")
		if !ok {
			return 0, 0, 0, errors.New("want m=,t=,p=")
		}
		bits := 32
		if name == "p" {
			bits = 8
		}
		if v[i], err = strconv.ParseUint(num, 10, bits); err != nil {
			return 0, 0, 0, err
		}
	}
	return uint32(v[0]), uint32(v[1]), uint8(v[2]), nil
}

// check returns an error when argon2id cannot run with p, or when p is
// outside the bounds this package accepts.
func (p Params) check() error {
	switch {
	case p.Time < 1 || p.Time > maxTime:
		return fmt.Errorf("password hash: time %d not in 1..%d", p.Time, maxTime)
	case p.Threads < 1:
		return errors.New("password hash: no lanes")
	case p.Memory < 8*uint32(p.Threads) || p.Memory > maxMemory:
		// Argon2 needs 8 KiB a lane.
		return fmt.Errorf("password hash: memory %d KiB not in %d..%d", p.Memory, 8*uint32(p.Threads), maxMemory)
	case p.SaltLen < minSaltLen || p.SaltLen > maxSaltLen:
		return fmt.Errorf("password hash: salt of %d bytes not in %d..%d", p.SaltLen, minSaltLen, maxSaltLen)
	case p.KeyLen < minKeyLen || p.KeyLen > maxKeyLen:
		return fmt.Errorf("password hash: key of %d bytes not in %d..%d", p.KeyLen, minKeyLen, maxKeyLen)
	}
	return nil
}

// weakerThan reports whether a hash made with p costs an attacker less than
// one made with d. The number of lanes is left out: it changes how the
// work is split, not how much there is.
func (p Params) weakerThan(d Params) bool {
	return p.Memory < d.Memory || p.Time < d.Time || p.SaltLen < d.SaltLen || p.KeyLen < d.KeyLen
}

// commonList holds common passwords from leaked-password corpora, one a
// line; its header says where they come from.
//
//go:embed common.txt
var commonList string

// common is the set of common and breached passwords, in lower case: the
// embedded list and the one zxcvbn scores with. It is built on first use,
// not at start-up, since only sign-up and password changes need it.
var common = sync.OnceValue(func() map[string]struct{} {
	zx := frequency.Lists["Passwords"].List
	set := make(map[string]struct{}, 32*1024+len(zx))
	for line := range strings.Lines(commonList) {
		line = strings.TrimSuffix(line, "\n")
		if line != "" && !strings.HasPrefix(line, "#") {
			set[strings.ToLower(line)] = struct{}{}
		}
	}
	for _, pw := range zx {
		set[strings.ToLower(pw)] = struct{}{}
	}
	return set
})

// Check applies the policy to a new password. personal are what the site
// knows of the member: handle, email address, display name and the like.
// It returns nil, or an EINVALID error about field "password" whose message
// tells the member, in plain words, why the password is refused: it is not
// valid UTF-8, shorter than MinLength or longer than MaxLength code points
// after NFKC normalization, among the
// common or breached passwords, contains a personal value or the site's
// name, or zxcvbn rates it too easy to guess. There are no composition
// rules.
func Check(pw string, personal ...string) error {
	refuse := func(msg string) error { return rapport.FieldError("password", "%s", msg) }
	if !utf8.ValidString(pw) {
		return refuse("The password has characters that are not valid text.")
	}
	pw = normalize(pw)
	n := utf8.RuneCountInString(pw)
	if n < MinLength {
		return refuse(fmt.Sprintf("Use at least %d characters; 15 or more is better.", MinLength))
	} else if n > MaxLength {
		return refuse(fmt.Sprintf("Use at most %d characters.", MaxLength))
	}
	lower := strings.ToLower(pw)
	if _, ok := common()[lower]; ok {
		return refuse("This password is among the most common ones and would be guessed quickly.")
	}
	words := personalWords(personal)
	for _, w := range words {
		if strings.Contains(lower, w) {
			return refuse("The password contains your name, handle or email address.")
		}
	}
	if strings.Contains(lower, siteName) {
		return refuse("The password contains the site's name.")
	}
	scored := pw
	if n > scoredPrefix {
		scored = string([]rune(pw)[:scoredPrefix])
	}
	var skip []func(match.Matcher) bool
	if n > l33tMaxLength {
		skip = append(skip, matching.FilterL33tMatcher)
	}
	if zxcvbn.PasswordStrength(scored, append(words, siteName), skip...).Score < minScore {
		return refuse("This password is too easy to guess. A few unrelated words make a strong password that is easy to remember.")
	}
	return nil
}

// personalWords returns, in lower case, the personal values a password may
// not contain: each value of 3 or more code points, the local part of an
// email address, and the parts of a name, handle or local part split at
// anything but letters and digits ("Ada Lovelace", "ada.lovelace"). Parts
// must have 4 or more code points: shorter ones turn up inside too many
// unrelated words.
func personalWords(personal []string) []string {
	var words []string
	add := func(w string, least int) {
		if utf8.RuneCountInString(w) >= least {
			words = append(words, w)
		}
	}
	for _, v := range personal {
		v = strings.ToLower(normalize(strings.TrimSpace(v)))
		add(v, 3)
		if i := strings.LastIndexByte(v, '@'); i >= 0 {
			// The domain is left out: a shared provider's name is not
			// personal.
			v = v[:i]
			add(v, 3)
		}
		notAlnum := func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }
		for _, part := range strings.FieldsFunc(v, notAlnum) {
			if part != v {
				add(part, 4)
			}
		}
	}
	return words
}
