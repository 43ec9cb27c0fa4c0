package encryption_test

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/nacl/secretbox"

	"github.com/spar-dev/spar/store"
	"github.com/spar-dev/spar/store/bolt"
	"github.com/spar-dev/spar/store/encryption"
	"github.com/spar-dev/spar/store/storetest"
)

// newKey returns a fresh random key of n bytes, base64.
func newKey(t testing.TB, n int) string {
	t.Helper()
	b := make([]byte, n)
	rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// keyed builds a provider of kind ("aesgcm", "aescbc", "secretbox") with
// the given keys (name=secret pairs).
func keyed(kind string, keys ...encryption.Key) encryption.ProviderConfig {
	switch kind {
	case "aesgcm":
		return encryption.ProviderConfig{AESGCM: &encryption.AESConfig{Keys: keys}}
	case "aescbc":
		return encryption.ProviderConfig{AESCBC: &encryption.AESConfig{Keys: keys}}
	case "secretbox":
		return encryption.ProviderConfig{Secretbox: &encryption.SecretboxConfig{Keys: keys}}
	}
	panic("unknown provider " + kind)
}

var identity = encryption.ProviderConfig{Identity: &encryption.IdentityConfig{}}

func config(rules ...encryption.ResourceConfig) *encryption.Config {
	return &encryption.Config{Kind: encryption.Kind, APIVersion: encryption.APIVersion, Resources: rules}
}

func rule(resources []string, providers ...encryption.ProviderConfig) encryption.ResourceConfig {
	return encryption.ResourceConfig{Resources: resources, Providers: providers}
}

// openBolt opens a bolt store at path with room for the overhead of cfg.
func openBolt(t testing.TB, path string, cfg *encryption.Config) *bolt.Store {
	t.Helper()
	b, err := bolt.Open(path, &bolt.Options{MaxValueSize: store.DefaultMaxValueSize + cfg.Overhead()})
	if err != nil {
		t.Fatalf("bolt.Open: %v", err)
	}
	return b
}

func wrap(t testing.TB, s store.Store, cfg *encryption.Config) store.Store {
	t.Helper()
	w, err := encryption.Wrap(s, cfg)
	if err != nil {
		t.Fatalf("Wrap: %v", err)
	}
	return w
}

// factory runs the conformance suite over Wrap(bolt) with cfg.
func factory(cfg *encryption.Config) storetest.Factory {
	return func(t testing.TB) (store.Store, func(testing.TB) store.Store) {
		path := filepath.Join(t.TempDir(), "spar.db")
		s := wrap(t, openBolt(t, path, cfg), cfg)
		t.Cleanup(func() { s.Close() })
		reopen := func(t testing.TB) store.Store {
			s.Close() // the suite may have closed it already
			s = wrap(t, openBolt(t, path, cfg), cfg)
			return s
		}
		return s, reopen
	}
}

// TestConformance runs the whole store suite over the wrapper with every
// key encrypted ("*.*"), once per provider.
func TestConformance(t *testing.T) {
	for _, kind := range []string{"aesgcm", "aescbc", "secretbox"} {
		t.Run(kind, func(t *testing.T) {
			cfg := config(rule([]string{"*.*"}, keyed(kind, encryption.Key{Name: "key1", Secret: newKey(t, 32)})))
			storetest.RunAll(t, factory(cfg))
		})
	}
}

// secretJSON is a Secret as the API server stores it; its data holds
// base64("hunter2-the-plaintext-password").
const (
	plaintext  = "hunter2-the-plaintext-password"
	secretJSON = `{"kind":"Secret","apiVersion":"v1","metadata":{"name":"db","namespace":"default","uid":"5b1e"},"type":"Opaque","data":{"password":"aHVudGVyMi10aGUtcGxhaW50ZXh0LXBhc3N3b3Jk"},"stringData":{"note":"hunter2-the-plaintext-password"}}`
)

// TestNoPlaintextOnDisk writes a secret through the wrapper and reads the
// bbolt file's raw bytes: neither the plaintext nor its base64 appears,
// the provider prefix does, and a configmap (not encrypted by this
// configuration) is found in plain, which shows the scan sees values.
func TestNoPlaintextOnDisk(t *testing.T) {
	for _, kind := range []string{"aesgcm", "aescbc", "secretbox"} {
		t.Run(kind, func(t *testing.T) {
			cfg := config(rule([]string{"secrets"}, keyed(kind, encryption.Key{Name: "key1", Secret: newKey(t, 32)}), identity))
			path := filepath.Join(t.TempDir(), "spar.db")
			s := wrap(t, openBolt(t, path, cfg), cfg)
			ctx := t.Context()
			const key = "/registry/secrets/default/db"
			w, err := s.Watch(ctx, "/registry/", 0)
			if err != nil {
				t.Fatal(err)
			}
			kv, err := s.Create(ctx, key, []byte(secretJSON))
			if err != nil {
				t.Fatal(err)
			}
			upd, err := s.Update(ctx, key, []byte(strings.Replace(secretJSON, `"uid":"5b1e"`, `"uid":"5b1f"`, 1)), kv.ModRevision)
			if err != nil {
				t.Fatal(err)
			}
			cm := `{"kind":"ConfigMap","data":{"visible":"plain-configmap-value"}}`
			if _, err := s.Create(ctx, "/registry/configmaps/default/cm", []byte(cm)); err != nil {
				t.Fatal(err)
			}
			// Reads and watch events are plaintext again.
			got, err := s.Get(ctx, key)
			if err != nil || !bytes.Contains(got.Value, []byte(plaintext)) {
				t.Errorf("Get(%q) = %q, %v; want the plaintext secret", key, got.Value, err)
			}
			evs := receive(t, w, 3)
			if !bytes.Equal(evs[0].KV.Value, []byte(secretJSON)) {
				t.Errorf("ADDED event value = %q, want the plaintext secret", evs[0].KV.Value)
			}
			if evs[1].KV.ModRevision != upd.ModRevision || !bytes.Equal(evs[1].PrevValue, []byte(secretJSON)) {
				t.Errorf("MODIFIED event = rev %d prev %q, want rev %d with the first plaintext as PrevValue", evs[1].KV.ModRevision, evs[1].PrevValue, upd.ModRevision)
			}
			w.Stop()
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}

			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, secret := range []string{plaintext, "aHVudGVyMi10aGUtcGxhaW50ZXh0LXBhc3N3b3Jk", `"password"`} {
				if i := bytes.Index(raw, []byte(secret)); i >= 0 {
					t.Errorf("the store file holds %q at offset %d", secret, i)
				}
			}
			prefix := "k8s:enc:" + kind + ":v1:key1:"
			if n := bytes.Count(raw, []byte(prefix)); n < 2 {
				t.Errorf("the store file holds %d values with prefix %q, want both versions of the secret", n, prefix)
			}
			if !bytes.Contains(raw, []byte("plain-configmap-value")) {
				t.Error("the unencrypted configmap is not found in the file: the scan proves nothing")
			}
		})
	}
}

// receive reads n non-progress events from w.
func receive(t *testing.T, w store.Watcher, n int) []store.Event {
	t.Helper()
	var got []store.Event
	deadline := time.After(20 * time.Second)
	for len(got) < n {
		select {
		case ev, ok := <-w.Events():
			if !ok {
				t.Fatalf("watch ended after %d of %d events: %v", len(got), n, w.Err())
			}
			if ev.Type != store.Progress {
				got = append(got, ev)
			}
		case <-deadline:
			t.Fatalf("no event after 20s (%d of %d)", len(got), n)
		}
	}
	return got
}

// raw reads a key's stored bytes, under the wrapper.
func raw(t *testing.T, s store.Store, key string) []byte {
	t.Helper()
	kv, err := s.Get(t.Context(), key)
	if err != nil {
		t.Fatalf("raw Get(%q): %v", key, err)
	}
	return kv.Value
}

// TestKeyRotation follows Kubernetes' rotation procedure: add the new key
// second (every server can read it), move it first (new writes use it,
// old values still read), rewrite everything, drop the old key.
func TestKeyRotation(t *testing.T) {
	old := encryption.Key{Name: "old", Secret: newKey(t, 32)}
	next := encryption.Key{Name: "new", Secret: newKey(t, 32)}
	secrets := []string{"secrets"}
	inner := openBolt(t, filepath.Join(t.TempDir(), "spar.db"), config(rule(secrets, keyed("aesgcm", next))))
	t.Cleanup(func() { inner.Close() })
	ctx := t.Context()
	const a, b = "/registry/secrets/ns/a", "/registry/secrets/ns/b"

	s1 := wrap(t, inner, config(rule(secrets, keyed("aesgcm", old))))
	if _, err := s1.Create(ctx, a, []byte("value-a")); err != nil {
		t.Fatal(err)
	}
	s2 := wrap(t, inner, config(rule(secrets, keyed("aesgcm", old, next))))
	if _, err := s2.Create(ctx, b, []byte("value-b")); err != nil {
		t.Fatal(err)
	}
	if got := raw(t, inner, b); !bytes.HasPrefix(got, []byte("k8s:enc:aesgcm:v1:old:")) {
		t.Errorf("with the new key second, writes use %q, want the old key", got[:min(len(got), 24)])
	}

	s3 := wrap(t, inner, config(rule(secrets, keyed("aesgcm", next, old))))
	for key, want := range map[string]string{a: "value-a", b: "value-b"} {
		if kv, err := s3.Get(ctx, key); err != nil || string(kv.Value) != want {
			t.Errorf("after rotation Get(%q) = %q, %v; want %q (the old key still decrypts)", key, kv.Value, err, want)
		}
	}
	if _, err := s3.Update(ctx, a, []byte("value-a2"), 0); err != nil {
		t.Fatal(err)
	}
	if got := raw(t, inner, a); !bytes.HasPrefix(got, []byte("k8s:enc:aesgcm:v1:new:")) {
		t.Errorf("after rotation a write stores %q..., want the new key's prefix", got[:min(len(got), 24)])
	}
	if got := raw(t, inner, b); !bytes.HasPrefix(got, []byte("k8s:enc:aesgcm:v1:old:")) {
		t.Errorf("a value not rewritten changed: %q...", got[:min(len(got), 24)])
	}

	// Dropping the old key before b is rewritten makes b unreadable, with
	// an error that says which key it needs.
	s4 := wrap(t, inner, config(rule(secrets, keyed("aesgcm", next))))
	if kv, err := s4.Get(ctx, a); err != nil || string(kv.Value) != "value-a2" {
		t.Errorf("Get(%q) with only the new key = %q, %v", a, kv.Value, err)
	}
	_, err := s4.Get(ctx, b)
	if !errors.Is(err, encryption.ErrDecrypt) || !strings.Contains(err.Error(), b) || !strings.Contains(err.Error(), `aesgcm v1 key "old"`) {
		t.Errorf("Get of a value under a dropped key: err = %v; want ErrDecrypt naming %q and the key \"old\"", err, b)
	}

	// A rotation across providers works the same way.
	s5 := wrap(t, inner, config(rule(secrets, keyed("secretbox", encryption.Key{Name: "sb", Secret: newKey(t, 32)}), keyed("aesgcm", next, old))))
	for key, want := range map[string]string{a: "value-a2", b: "value-b"} {
		if kv, err := s5.Get(ctx, key); err != nil || string(kv.Value) != want {
			t.Errorf("secretbox first: Get(%q) = %q, %v; want %q", key, kv.Value, err, want)
		}
	}
	if _, err := s5.Update(ctx, b, []byte("value-b2"), 0); err != nil {
		t.Fatal(err)
	}
	if got := raw(t, inner, b); !bytes.HasPrefix(got, []byte("k8s:enc:secretbox:v1:sb:")) {
		t.Errorf("secretbox first: a write stores %q...", got[:min(len(got), 24)])
	}
}

// TestIdentityFirst turns encryption off the Kubernetes way: identity
// first, the old provider after it. Encrypted values still read, new
// writes are plain.
func TestIdentityFirst(t *testing.T) {
	key1 := encryption.Key{Name: "key1", Secret: newKey(t, 16)}
	enc := config(rule([]string{"secrets"}, keyed("aescbc", key1)))
	inner := openBolt(t, filepath.Join(t.TempDir(), "spar.db"), enc)
	t.Cleanup(func() { inner.Close() })
	ctx := t.Context()
	if _, err := wrap(t, inner, enc).Create(ctx, "/registry/secrets/ns/old", []byte(secretJSON)); err != nil {
		t.Fatal(err)
	}

	off := wrap(t, inner, config(rule([]string{"secrets"}, identity, keyed("aescbc", key1))))
	if _, err := off.Create(ctx, "/registry/secrets/ns/new", []byte(secretJSON)); err != nil {
		t.Fatal(err)
	}
	if got := raw(t, inner, "/registry/secrets/ns/new"); string(got) != secretJSON {
		t.Errorf("identity first stores %q, want the plain value", got)
	}
	if got := raw(t, inner, "/registry/secrets/ns/old"); !bytes.HasPrefix(got, []byte("k8s:enc:aescbc:v1:key1:")) {
		t.Errorf("the old value is not encrypted: %q", got)
	}
	res, err := off.List(ctx, "/registry/secrets/", store.ListOptions{})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(res.Items) != 2 {
		t.Fatalf("List = %d items, want 2", len(res.Items))
	}
	for _, kv := range res.Items {
		if string(kv.Value) != secretJSON {
			t.Errorf("List item %s = %q, want the plaintext", kv.Key, kv.Value)
		}
	}
}

// TestUndecryptable checks that a value the configuration cannot read is
// an error naming the key from every read path, never the raw bytes.
func TestUndecryptable(t *testing.T) {
	key1 := encryption.Key{Name: "key1", Secret: newKey(t, 32)}
	enc := config(rule([]string{"secrets"}, keyed("aesgcm", key1)))
	inner := openBolt(t, filepath.Join(t.TempDir(), "spar.db"), enc)
	t.Cleanup(func() { inner.Close() })
	ctx := t.Context()
	const key = "/registry/secrets/ns/s"
	kv, err := wrap(t, inner, enc).Create(ctx, key, []byte(secretJSON))
	if err != nil {
		t.Fatal(err)
	}
	// A plain value under a resource that must be encrypted, and a value
	// copied from another key (aesgcm authenticates the key).
	if _, err := inner.Create(ctx, "/registry/secrets/ns/plain", []byte(secretJSON)); err != nil {
		t.Fatal(err)
	}
	if _, err := inner.Create(ctx, "/registry/secrets/ns/copied", raw(t, inner, key)); err != nil {
		t.Fatal(err)
	}
	tampered := raw(t, inner, key)
	tampered[len(tampered)-1] ^= 1
	if _, err := inner.Create(ctx, "/registry/secrets/ns/tampered", tampered); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name, key string
		cfg       *encryption.Config
		want      string
	}{
		{"resource not configured", key, config(rule([]string{"configmaps"}, keyed("aesgcm", key1))), "does not encrypt this resource"},
		{"key not configured", key, config(rule([]string{"secrets"}, keyed("aesgcm", encryption.Key{Name: "other", Secret: newKey(t, 32)}))), `aesgcm v1 key "key1", which the configuration does not have`},
		{"other provider", key, config(rule([]string{"secrets"}, keyed("aescbc", key1))), `aesgcm v1 key "key1", which the configuration does not have`},
		{"wrong secret under the right name", key, config(rule([]string{"secrets"}, keyed("aesgcm", encryption.Key{Name: "key1", Secret: newKey(t, 32)}))), "wrong key or corrupted value"},
		{"plain value without identity", "/registry/secrets/ns/plain", enc, "not encrypted"},
		{"copied to another key", "/registry/secrets/ns/copied", enc, "message authentication failed"},
		{"tampered", "/registry/secrets/ns/tampered", enc, "message authentication failed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := wrap(t, inner, tc.cfg)
			check := func(op string, err error) {
				t.Helper()
				if !errors.Is(err, encryption.ErrDecrypt) || !strings.Contains(err.Error(), tc.key) || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("%s: err = %v; want ErrDecrypt naming %q and saying %q", op, err, tc.key, tc.want)
				}
				if err != nil && strings.Contains(err.Error(), "hunter2") {
					t.Errorf("%s: the error holds the plaintext: %v", op, err)
				}
			}
			got, err := s.Get(ctx, tc.key)
			check("Get", err)
			if got.Value != nil {
				t.Errorf("Get returned a value with the error: %q", got.Value)
			}
			_, err = s.List(ctx, tc.key, store.ListOptions{})
			check("List", err)
			// A conflict carries the current value: decrypted or refused.
			_, err = s.Update(ctx, tc.key, []byte("x"), 1)
			check("Update's ConflictError", err)
			if !errors.Is(err, store.ErrConflict) {
				t.Errorf("Update with a stale revision: err = %v, want ErrConflict too", err)
			}
		})
	}

	t.Run("watch", func(t *testing.T) {
		s := wrap(t, inner, config(rule([]string{"configmaps"}, keyed("aesgcm", key1))))
		w, err := s.Watch(ctx, "/registry/secrets/", kv.ModRevision-1)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Stop()
		deadline := time.After(20 * time.Second)
		for {
			select {
			case ev, ok := <-w.Events():
				if ok {
					t.Fatalf("watch delivered %s %s despite an undecryptable value", ev.Type, ev.KV.Key)
				}
				if err := w.Err(); !errors.Is(err, encryption.ErrDecrypt) || !strings.Contains(err.Error(), key) {
					t.Errorf("watch Err() = %v, want ErrDecrypt naming %q", err, key)
				}
				return
			case <-deadline:
				t.Fatal("watch neither delivered nor ended")
			}
		}
	})
}

// TestResourceOf pins the mapping from spar's key layout to resources.
func TestResourceOf(t *testing.T) {
	cases := []struct {
		key, group, resource string
		ok                   bool
	}{
		{"/registry/secrets/default/db", "", "secrets", true},
		{"/registry/namespaces/default", "", "namespaces", true},
		{"/registry/serviceipallocations/10.96.0.1", "", "serviceipallocations", true},
		{"/registry/apps/deployments/default/web", "apps", "deployments", true},
		{"/registry/batch/jobs/default/j", "batch", "jobs", true},
		{"/registry/policy/poddisruptionbudgets/ns/p", "policy", "poddisruptionbudgets", true},
		{"/registry/autoscaling/horizontalpodautoscalers/ns/h", "autoscaling", "horizontalpodautoscalers", true},
		{"/registry/rbac.authorization.k8s.io/clusterroles/admin", "rbac.authorization.k8s.io", "clusterroles", true},
		{"/registry/stable.example.com/crontabs/ns/c", "stable.example.com", "crontabs", true},
		{"/registry/apps", "apps", "", true},
		{"/other/secrets/x", "", "", false},
	}
	for _, tc := range cases {
		g, r, ok := encryption.ResourceOf(tc.key)
		if g != tc.group || r != tc.resource || ok != tc.ok {
			t.Errorf("ResourceOf(%q) = %q, %q, %v; want %q, %q, %v", tc.key, g, r, ok, tc.group, tc.resource, tc.ok)
		}
	}
}

// TestRuleResolution checks which rule encrypts which key: the exact
// resource, else its group's wildcard, else "*.*".
func TestRuleResolution(t *testing.T) {
	k := func(name string) encryption.Key { return encryption.Key{Name: name, Secret: newKey(t, 32)} }
	cfg := config(
		rule([]string{"secrets", "deployments.apps"}, keyed("aesgcm", k("exact"))),
		rule([]string{"*.apps"}, keyed("aescbc", k("apps"))),
		rule([]string{"*."}, keyed("secretbox", k("core"))),
		rule([]string{"*.*"}, keyed("aesgcm", k("all"))),
	)
	inner := openBolt(t, filepath.Join(t.TempDir(), "spar.db"), cfg)
	t.Cleanup(func() { inner.Close() })
	s := wrap(t, inner, cfg)
	cases := []struct{ key, prefix string }{
		{"/registry/secrets/ns/a", "k8s:enc:aesgcm:v1:exact:"},
		{"/registry/apps/deployments/ns/d", "k8s:enc:aesgcm:v1:exact:"},
		{"/registry/apps/statefulsets/ns/s", "k8s:enc:aescbc:v1:apps:"},
		{"/registry/configmaps/ns/c", "k8s:enc:secretbox:v1:core:"},
		{"/registry/serviceipallocations/10.96.0.10", "k8s:enc:secretbox:v1:core:"},
		{"/registry/batch/jobs/ns/j", "k8s:enc:aesgcm:v1:all:"},
		{"/registry/stable.example.com/crontabs/ns/c", "k8s:enc:aesgcm:v1:all:"},
	}
	ctx := t.Context()
	for _, tc := range cases {
		if _, err := s.Create(ctx, tc.key, []byte("v")); err != nil {
			t.Fatal(err)
		}
		if got := raw(t, inner, tc.key); !bytes.HasPrefix(got, []byte(tc.prefix)) {
			t.Errorf("%s is stored as %q..., want prefix %q", tc.key, got[:min(len(got), 30)], tc.prefix)
		}
		if kv, err := s.Get(ctx, tc.key); err != nil || string(kv.Value) != "v" {
			t.Errorf("Get(%q) = %q, %v", tc.key, kv.Value, err)
		}
	}
}

// TestUpstreamFormat builds values by hand in Kubernetes' stored layout
// and checks both directions: the wrapper reads what kube-apiserver
// writes, and what it writes decrypts by the same recipe.
func TestUpstreamFormat(t *testing.T) {
	secret := make([]byte, 32)
	rand.Read(secret)
	key1 := encryption.Key{Name: "key1", Secret: base64.StdEncoding.EncodeToString(secret)}
	const key = "/registry/secrets/default/db"
	block, err := aes.NewCipher(secret)
	if err != nil {
		t.Fatal(err)
	}
	var sbKey [32]byte
	copy(sbKey[:], secret)

	recipes := []struct {
		kind    string
		encrypt func(plain []byte) []byte // the body after the prefix
		decrypt func(body []byte) ([]byte, error)
	}{
		{
			kind: "aesgcm",
			encrypt: func(plain []byte) []byte {
				gcm, _ := cipher.NewGCM(block)
				nonce := make([]byte, 12)
				rand.Read(nonce)
				return gcm.Seal(nonce, nonce, plain, []byte(key)) // the etcd key is the additional data
			},
			decrypt: func(body []byte) ([]byte, error) {
				gcm, _ := cipher.NewGCM(block)
				return gcm.Open(nil, body[:12], body[12:], []byte(key))
			},
		},
		{
			kind: "aescbc",
			encrypt: func(plain []byte) []byte {
				pad := 16 - len(plain)%16
				out := make([]byte, 16+len(plain)+pad)
				rand.Read(out[:16])
				copy(out[16:], plain)
				copy(out[16+len(plain):], bytes.Repeat([]byte{byte(pad)}, pad))
				cipher.NewCBCEncrypter(block, out[:16]).CryptBlocks(out[16:], out[16:])
				return out
			},
			decrypt: func(body []byte) ([]byte, error) {
				out := make([]byte, len(body)-16)
				cipher.NewCBCDecrypter(block, body[:16]).CryptBlocks(out, body[16:])
				pad := int(out[len(out)-1])
				return out[:len(out)-pad], nil
			},
		},
		{
			kind: "secretbox",
			encrypt: func(plain []byte) []byte {
				var nonce [24]byte
				rand.Read(nonce[:])
				return secretbox.Seal(nonce[:], plain, &nonce, &sbKey)
			},
			decrypt: func(body []byte) ([]byte, error) {
				var nonce [24]byte
				copy(nonce[:], body)
				out, ok := secretbox.Open(nil, body[24:], &nonce, &sbKey)
				if !ok {
					return nil, errors.New("secretbox.Open failed")
				}
				return out, nil
			},
		},
	}
	for _, r := range recipes {
		t.Run(r.kind, func(t *testing.T) {
			cfg := config(rule([]string{"secrets"}, keyed(r.kind, key1)))
			inner := openBolt(t, filepath.Join(t.TempDir(), "spar.db"), cfg)
			t.Cleanup(func() { inner.Close() })
			s := wrap(t, inner, cfg)
			prefix := "k8s:enc:" + r.kind + ":v1:key1:"
			ctx := t.Context()

			if _, err := inner.Create(ctx, key, append([]byte(prefix), r.encrypt([]byte(secretJSON))...)); err != nil {
				t.Fatal(err)
			}
			kv, err := s.Get(ctx, key)
			if err != nil || string(kv.Value) != secretJSON {
				t.Fatalf("Get of a value written in Kubernetes' layout = %q, %v", kv.Value, err)
			}

			if _, err := s.Update(ctx, key, []byte("written by spar"), 0); err != nil {
				t.Fatal(err)
			}
			stored := raw(t, inner, key)
			body, ok := bytes.CutPrefix(stored, []byte(prefix))
			if !ok {
				t.Fatalf("stored value %q... lacks the prefix %q", stored[:min(len(stored), 30)], prefix)
			}
			plain, err := r.decrypt(body)
			if err != nil || string(plain) != "written by spar" {
				t.Errorf("decrypting spar's value by Kubernetes' recipe = %q, %v", plain, err)
			}
		})
	}
}

// TestValueLimit checks the plaintext limit: exactly MaxValueSize is
// stored (the inner store has room for the overhead), one byte more is
// refused before anything is written.
func TestValueLimit(t *testing.T) {
	for _, kind := range []string{"aesgcm", "aescbc", "secretbox"} {
		t.Run(kind, func(t *testing.T) {
			cfg := config(rule([]string{"*.*"}, keyed(kind, encryption.Key{Name: "a-long-key-name", Secret: newKey(t, 32)})))
			cfg.MaxValueSize = 4096
			inner, err := bolt.Open(filepath.Join(t.TempDir(), "spar.db"), &bolt.Options{NoSync: true, MaxValueSize: 4096 + cfg.Overhead()})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { inner.Close() })
			s := wrap(t, inner, cfg)
			ctx := t.Context()
			for _, n := range []int{4096, 4096 - 15, 4096 - 16, 0} {
				v := bytes.Repeat([]byte("x"), n)
				if _, err := s.Create(ctx, fmt.Sprintf("/registry/x/%d", n), v); err != nil {
					t.Errorf("Create of %d bytes (limit 4096, inner limit %d): %v", n, 4096+cfg.Overhead(), err)
				}
			}
			_, err = s.Create(ctx, "/registry/x/big", make([]byte, 4097))
			if !errors.Is(err, store.ErrValueTooLarge) {
				t.Errorf("Create of 4097 bytes: err = %v, want ErrValueTooLarge", err)
			}
		})
	}
}
