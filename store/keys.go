package store

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"strconv"
	"strings"
)

// CheckKey validates a key for a store that owns prefix: it must be non-empty
// and lie under the prefix (and not be the prefix itself).
func CheckKey(prefix, key string) error {
	if key == "" {
		return fmt.Errorf("%w: empty key", ErrInvalidKey)
	}
	if !strings.HasPrefix(key, prefix) || len(key) == len(prefix) {
		return fmt.Errorf("%w: %q is outside the store's prefix %q", ErrInvalidKey, key, prefix)
	}
	return nil
}

// CheckPrefix validates a list or watch prefix: it must lie under the store's
// prefix (or equal it).
func CheckPrefix(storePrefix, prefix string) error {
	if !strings.HasPrefix(prefix, storePrefix) {
		return fmt.Errorf("%w: prefix %q is outside the store's prefix %q", ErrInvalidKey, prefix, storePrefix)
	}
	return nil
}

// CheckValue enforces the value size limit.
func CheckValue(maxSize int, key string, value []byte) error {
	if len(value) > maxSize {
		return fmt.Errorf("%w: %d bytes for %q exceeds the limit of %d bytes", ErrValueTooLarge, len(value), key, maxSize)
	}
	return nil
}

// continueToken is the wire form of a continue token, the same shape
// Kubernetes uses: base64(JSON) with the snapshot revision and the key
// (relative to the listed prefix) to resume at. A checksum of the prefix
// follows after a dot, so a token used with another prefix is refused
// rather than silently listing the wrong range.
type continueToken struct {
	APIVersion string `json:"v"`
	Revision   int64  `json:"rv"`
	Start      string `json:"start"`
}

func prefixSum(prefix string) string {
	return strconv.FormatUint(uint64(crc32.ChecksumIEEE([]byte(prefix))), 36)
}

// EncodeContinue returns the token that resumes a list of prefix at revision,
// starting at key nextKey (inclusive).
func EncodeContinue(prefix string, revision int64, nextKey string) string {
	b, _ := json.Marshal(continueToken{APIVersion: "meta.k8s.io/v1", Revision: revision, Start: strings.TrimPrefix(nextKey, prefix)})
	return base64.RawURLEncoding.EncodeToString(b) + "." + prefixSum(prefix)
}

// DecodeContinue parses a token made by EncodeContinue for prefix and returns
// the revision and the absolute key to resume at. A token made for another
// prefix, or malformed, fails with ErrInvalidContinue.
func DecodeContinue(prefix, token string) (revision int64, nextKey string, err error) {
	body, sum, ok := strings.Cut(token, ".")
	if !ok || sum != prefixSum(prefix) {
		return 0, "", fmt.Errorf("%w: the token does not belong to this list", ErrInvalidContinue)
	}
	raw, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil {
		return 0, "", fmt.Errorf("%w: %v", ErrInvalidContinue, err)
	}
	var t continueToken
	if err := json.Unmarshal(raw, &t); err != nil {
		return 0, "", fmt.Errorf("%w: %v", ErrInvalidContinue, err)
	}
	if t.APIVersion != "meta.k8s.io/v1" || t.Revision <= 0 {
		return 0, "", fmt.Errorf("%w: bad version or revision", ErrInvalidContinue)
	}
	// A token must not escape the listed prefix ("../" tricks in Kubernetes' words).
	if strings.Contains(t.Start, "/../") || strings.HasPrefix(t.Start, "../") || strings.HasPrefix(t.Start, "/") {
		return 0, "", fmt.Errorf("%w: start key escapes the prefix", ErrInvalidContinue)
	}
	return t.Revision, prefix + t.Start, nil
}
