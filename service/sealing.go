package service

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// SecretKeySize is the size of the site's secret key (AES-256).
const SecretKeySize = 32

// sealedPrefix marks a value sealed with the site's secret key.
const sealedPrefix = "v1:"

// sealer encrypts the secrets the store keeps for the site to use again,
// not only to compare (those are hashed): the members' TOTP secrets. A
// copy of the database without the key holds none of them. A nil sealer,
// on a site without a key, keeps them as they are.
type sealer struct{ aead cipher.AEAD }

// newSealer returns the sealer of a key, nil for no key.
func newSealer(key []byte) (*sealer, error) {
	if len(key) == 0 {
		return nil, nil
	} else if len(key) != SecretKeySize {
		return nil, fmt.Errorf("the secret key has %d bytes, want %d", len(key), SecretKeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &sealer{aead: aead}, nil
}

// seal encrypts a value with a fresh random nonce. The member's id is
// bound to it, so that a sealed value copied to another member's row does
// not open there.
func (s *sealer) seal(memberID int64, plain string) string {
	if s == nil || plain == "" {
		return plain
	}
	nonce := make([]byte, s.aead.NonceSize())
	rand.Read(nonce)
	out := s.aead.Seal(nonce, nonce, []byte(plain), additional(memberID))
	return sealedPrefix + base64.RawURLEncoding.EncodeToString(out)
}

// open decrypts a sealed value. A value without the prefix was stored
// before the site had a key, and is returned as it is.
func (s *sealer) open(memberID int64, stored string) (string, error) {
	rest, sealed := strings.CutPrefix(stored, sealedPrefix)
	if !sealed {
		return stored, nil
	} else if s == nil {
		return "", errors.New("a secret is sealed, and the site has no secret key to open it")
	}
	raw, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil || len(raw) < s.aead.NonceSize() {
		return "", errors.New("a sealed secret is damaged")
	}
	plain, err := s.aead.Open(nil, raw[:s.aead.NonceSize()], raw[s.aead.NonceSize():], additional(memberID))
	if err != nil {
		return "", errors.New("a sealed secret does not open with the site's secret key")
	}
	return string(plain), nil
}

func additional(memberID int64) []byte { return fmt.Appendf(nil, "member:%d", memberID) }
