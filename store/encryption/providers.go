package encryption

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/nacl/secretbox"
)

// encPrefix starts every encrypted value. The identity provider refuses to
// return a value with it as it is: it is ciphertext, not an object.
const encPrefix = "k8s:enc:"

// Provider prefixes, as kube-apiserver writes them; the key's name and a
// colon follow.
const (
	prefixAESGCM    = "k8s:enc:aesgcm:v1:"
	prefixAESCBC    = "k8s:enc:aescbc:v1:"
	prefixSecretbox = "k8s:enc:secretbox:v1:"
)

// box is one key of one provider.
type box interface {
	// seal appends the ciphertext of plain to dst. aad is the store key:
	// aesgcm authenticates it (so a value copied to another key does not
	// decrypt), aescbc and secretbox ignore it, all as in Kubernetes.
	seal(dst, plain, aad []byte) []byte
	open(body, aad []byte) ([]byte, error)
	// overhead is the most bytes seal adds.
	overhead() int
}

// entry is one key of one provider in a rule's list, with the prefix its
// values carry. The identity provider is an entry without prefix and box.
type entry struct {
	prefix []byte
	desc   string // for errors: `aesgcm key "key1"`
	box    box
}

// transformer is a rule's flattened provider list: every key of every
// provider, in configuration order. entries[0] encrypts.
type transformer struct {
	entries []entry
}

// unconfigured is the transformer of resources no rule names.
var unconfigured = &transformer{entries: []entry{{desc: "identity"}}}

// ErrDecrypt is wrapped by the error of every read whose value cannot be
// decrypted. The error names the key and, when the value says so, the
// provider and key name it was written with; it never holds the value.
var ErrDecrypt = errors.New("encryption: cannot decrypt the stored value")

func (t *transformer) overhead() int {
	e := t.entries[0]
	if e.box == nil {
		return 0
	}
	return len(e.prefix) + e.box.overhead()
}

// encrypt returns the stored form of plain under key.
func (t *transformer) encrypt(key string, plain []byte) []byte {
	e := t.entries[0]
	if e.box == nil {
		return plain
	}
	out := make([]byte, len(e.prefix), len(e.prefix)+len(plain)+e.box.overhead())
	copy(out, e.prefix)
	return e.box.seal(out, plain, []byte(key))
}

// decrypt returns the plaintext of a stored value. Every entry whose
// prefix matches is tried, in order, and a failure moves on to the next:
// several keys of one provider may share a name during a rotation, and
// identity first (encryption being turned off) must fall through to the
// provider that can read values written before. An empty value is empty in
// every form: a deleted key's, or a value stored empty.
func (t *transformer) decrypt(key string, data []byte) ([]byte, error) {
	if len(data) == 0 {
		return data, nil
	}
	var failed []string
	for _, e := range t.entries {
		if e.box == nil {
			if !bytes.HasPrefix(data, []byte(encPrefix)) {
				return data, nil
			}
			continue
		}
		if !bytes.HasPrefix(data, e.prefix) {
			continue
		}
		out, err := e.box.open(data[len(e.prefix):], []byte(key))
		if err == nil {
			return out, nil
		}
		failed = append(failed, fmt.Sprintf("%s: %v", e.desc, err))
	}
	return nil, fmt.Errorf("%w of %q: %s", ErrDecrypt, key, t.why(data, failed))
}

// why explains a failed decryption from the value's prefix alone.
func (t *transformer) why(data []byte, failed []string) string {
	if len(failed) > 0 {
		return "wrong key or corrupted value (" + strings.Join(failed, "; ") + ")"
	}
	if !bytes.HasPrefix(data, []byte(encPrefix)) {
		return "the value is not encrypted, and the configuration has no identity provider for this resource to read it"
	}
	// k8s:enc:<provider>:v1:<key name>:<ciphertext>
	head := data[len(encPrefix):min(len(data), len(encPrefix)+200)]
	parts := strings.SplitN(string(head), ":", 4)
	if len(parts) < 4 {
		return "the value has a malformed encryption prefix"
	}
	how := fmt.Sprintf("%s %s key %q", parts[0], parts[1], parts[2])
	if t == unconfigured {
		return "the value is encrypted (" + how + ") but the configuration does not encrypt this resource"
	}
	return "the value was encrypted with " + how + ", which the configuration does not have"
}

// compile builds the resolver of a validated configuration.
func compile(c *Config) (*resolver, error) {
	lists := map[groupResource][]entry{}
	var order []groupResource
	for _, rc := range c.Resources {
		var entries []entry
		for _, p := range rc.Providers {
			es, err := providerEntries(p)
			if err != nil {
				return nil, err
			}
			entries = append(entries, es...)
		}
		// A resource named by several rules reads with all of their
		// providers, the earlier rule's first (as kube-apiserver does).
		for _, r := range rc.Resources {
			gr := parseGroupResource(r)
			if _, ok := lists[gr]; !ok {
				order = append(order, gr)
			}
			lists[gr] = append(lists[gr], entries...)
		}
	}
	r := &resolver{exact: map[groupResource]*transformer{}, group: map[string]*transformer{}}
	for _, gr := range order {
		t := &transformer{entries: lists[gr]}
		switch {
		case gr.group == "*" && gr.resource == "*":
			r.all = t
		case gr.resource == "*":
			r.group[gr.group] = t
		default:
			r.exact[gr] = t
		}
	}
	return r, nil
}

func providerEntries(p ProviderConfig) ([]entry, error) {
	var (
		keys   []Key
		prefix string
		name   string
		mk     func([]byte) (box, error)
	)
	switch {
	case p.Identity != nil:
		return []entry{{desc: "identity"}}, nil
	case p.AESGCM != nil:
		keys, prefix, name, mk = p.AESGCM.Keys, prefixAESGCM, "aesgcm", newGCM
	case p.AESCBC != nil:
		keys, prefix, name, mk = p.AESCBC.Keys, prefixAESCBC, "aescbc", newCBC
	case p.Secretbox != nil:
		keys, prefix, name, mk = p.Secretbox.Keys, prefixSecretbox, "secretbox", newSecretbox
	case p.KMS != nil:
		return nil, fmt.Errorf("encryption: kms provider %q: %w", p.KMS.Name, ErrKMSUnsupported)
	default:
		return nil, errors.New("encryption: empty provider")
	}
	entries := make([]entry, 0, len(keys))
	for _, k := range keys {
		raw, err := base64.StdEncoding.DecodeString(k.Secret)
		if err != nil {
			return nil, fmt.Errorf("encryption: %s key %q: the secret is not base64", name, k.Name)
		}
		b, err := mk(raw)
		if err != nil {
			return nil, fmt.Errorf("encryption: %s key %q: %w", name, k.Name, err)
		}
		entries = append(entries, entry{prefix: []byte(prefix + k.Name + ":"), desc: fmt.Sprintf("%s key %q", name, k.Name), box: b})
	}
	return entries, nil
}

// gcmBox is aesgcm: a random 12-byte nonce, then the AES-GCM ciphertext
// and tag, with the store key as additional authenticated data — the
// layout of Kubernetes' aesgcm provider. Random nonces bound a key to about
// 2^32 writes; Kubernetes advises rotating aesgcm keys every 200,000.
type gcmBox struct{ aead cipher.AEAD }

func newGCM(key []byte) (box, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	// This AEAD draws the nonce itself and puts it first: exactly the
	// stored layout.
	aead, err := cipher.NewGCMWithRandomNonce(block)
	if err != nil {
		return nil, err
	}
	return gcmBox{aead}, nil
}

func (g gcmBox) overhead() int { return g.aead.Overhead() }

func (g gcmBox) seal(dst, plain, aad []byte) []byte {
	return g.aead.Seal(dst, nil, plain, aad)
}

func (g gcmBox) open(body, aad []byte) ([]byte, error) {
	if len(body) < g.aead.Overhead() {
		return nil, errors.New("the stored data was shorter than the required size")
	}
	return g.aead.Open(nil, nil, body, aad)
}

// cbcBox is aescbc: a random 16-byte IV, then AES-CBC of the value with
// PKCS#7 padding — Kubernetes' layout. Not authenticated.
type cbcBox struct{ block cipher.Block }

func newCBC(key []byte) (box, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cbcBox{block}, nil
}

func (cbcBox) overhead() int { return 2 * aes.BlockSize } // IV, and at most a block of padding

func (c cbcBox) seal(dst, plain, _ []byte) []byte {
	pad := aes.BlockSize - len(plain)%aes.BlockSize
	start := len(dst)
	dst = append(dst, make([]byte, aes.BlockSize+len(plain)+pad)...)
	iv, body := dst[start:start+aes.BlockSize], dst[start+aes.BlockSize:]
	rand.Read(iv)
	copy(body, plain)
	for i := len(plain); i < len(body); i++ {
		body[i] = byte(pad)
	}
	cipher.NewCBCEncrypter(c.block, iv).CryptBlocks(body, body)
	return dst
}

func (c cbcBox) open(data, _ []byte) ([]byte, error) {
	if len(data) < aes.BlockSize {
		return nil, errors.New("the stored data was shorter than the required size")
	}
	iv, body := data[:aes.BlockSize], data[aes.BlockSize:]
	if len(body)%aes.BlockSize != 0 || len(body) == 0 {
		return nil, errors.New("the stored data is not a multiple of the block size")
	}
	out := make([]byte, len(body))
	cipher.NewCBCDecrypter(c.block, iv).CryptBlocks(out, body)
	pad := int(out[len(out)-1])
	if pad == 0 || pad > aes.BlockSize {
		return nil, errors.New("invalid PKCS7 data (empty or not padded)")
	}
	for _, b := range out[len(out)-pad:] {
		if int(b) != pad {
			return nil, errors.New("invalid padding on input")
		}
	}
	return out[:len(out)-pad], nil
}

// secretboxBox is secretbox: a random 24-byte nonce, then NaCl secretbox
// (XSalsa20 and Poly1305) — Kubernetes' layout.
type secretboxBox struct{ key [32]byte }

const secretboxNonceSize = 24

func newSecretbox(key []byte) (box, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("expected key size 32 for secretbox provider, got %d", len(key))
	}
	var b secretboxBox
	copy(b.key[:], key)
	return &b, nil
}

func (*secretboxBox) overhead() int { return secretboxNonceSize + secretbox.Overhead }

func (s *secretboxBox) seal(dst, plain, _ []byte) []byte {
	var nonce [secretboxNonceSize]byte
	rand.Read(nonce[:])
	return secretbox.Seal(append(dst, nonce[:]...), plain, &nonce, &s.key)
}

func (s *secretboxBox) open(data, _ []byte) ([]byte, error) {
	if len(data) < secretboxNonceSize+secretbox.Overhead {
		return nil, errors.New("the stored data was shorter than the required size")
	}
	var nonce [secretboxNonceSize]byte
	copy(nonce[:], data)
	out, ok := secretbox.Open(nil, data[secretboxNonceSize:], &nonce, &s.key)
	if !ok {
		return nil, errors.New("message authentication failed")
	}
	return out, nil
}
