package ledger

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"strings"
)

// SecretPrefix starts every key secret, so a leaked one is recognisable.
const SecretPrefix = "bk_"

// displayLen is how much of a secret is kept for display: the prefix and
// eight random characters, too few to guess the rest from.
const displayLen = len(SecretPrefix) + 8

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewSecret returns a fresh key secret (shown to its owner once), the part
// kept for display, and the hash stored in its place.
func NewSecret() (secret, display, hash string, err error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", "", "", fmt.Errorf("store: generating a key secret: %w", err)
	}
	secret = SecretPrefix + strings.ToLower(b32.EncodeToString(b[:]))
	return secret, secret[:displayLen], HashSecret(secret), nil
}

// HashSecret returns the stored form of a secret: hex SHA-256. The secret
// has 256 random bits, so a fast unsalted hash is enough to make the stored
// form useless to whoever reads the database.
func HashSecret(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// PlausibleSecret reports whether s could be a secret at all, so obvious
// garbage is refused without a database round trip.
func PlausibleSecret(s string) bool {
	return strings.HasPrefix(s, SecretPrefix) && len(s) > displayLen && len(s) <= 256
}

// NewID returns prefix followed by 24 random hex digits.
func NewID(prefix string) (string, error) {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("store: generating an id: %w", err)
	}
	return prefix + hex.EncodeToString(b[:]), nil
}
