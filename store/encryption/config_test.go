package encryption_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spar-dev/spar/store/encryption"
)

const k32 = "c2VjcmV0IGlzIHNlY3VyZSwgYW5kIDMyIGJ5dGVzISE=" // 32 bytes
const k16 = "c2VjcmV0IGlzIHNlY3VyZQ=="                     // 16 bytes

func TestParseConfig(t *testing.T) {
	if n := len(mustDecode(t, k32)); n != 32 {
		t.Fatalf("test key is %d bytes", n)
	}
	head := "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\n"
	cases := []struct {
		name string
		in   string
		want string // substring of the error; "" for valid
	}{
		{"kubernetes docs example", head + `resources:
  - resources:
      - secrets
      - configmaps
      - pandas.awesome.bears.example
    providers:
      - aescbc:
          keys:
            - name: key1
              secret: ` + k32 + `
      - identity: {}
  - resources:
      - events
    providers:
      - identity: {}
  - resources:
      - '*.apps'
    providers:
      - aesgcm:
          keys:
          - name: key2
            secret: ` + k16 + `
  - resources:
      - '*.*'
    providers:
      - secretbox:
          keys:
          - name: key3
            secret: ` + k32 + `
`, ""},
		{"json", `{"apiVersion":"apiserver.config.k8s.io/v1","kind":"EncryptionConfiguration","resources":[{"resources":["secrets"],"providers":[{"identity":{}}]}]}`, ""},
		{"empty", "", "empty"},
		{"wrong kind", "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfig\nresources: []\n", `want apiserver.config.k8s.io/v1 "EncryptionConfiguration"`},
		{"old version", "apiVersion: apiserver.config.k8s.io/v1beta1\nkind: EncryptionConfiguration\n", "want apiserver.config.k8s.io/v1"},
		{"unknown field", head + "resources:\n- resources: [secrets]\n  providers:\n  - aesgcm:\n      key: []\n", `unknown field "resources[0].providers[0].aesgcm.key"`},
		{"case matters", head + "Resources: []\n", `unknown field "Resources"`},
		{"no resources", head + "resources: []\n", "at least one resources is required"},
		{"no providers", head + "resources:\n- resources: [secrets]\n  providers: []\n", "at least one resources[0].providers is required"},
		{"empty provider", head + "resources:\n- resources: [secrets]\n  providers:\n  - {}\n", "provider does not contain any of the expected providers"},
		{"two in one element", head + "resources:\n- resources: [secrets]\n  providers:\n  - identity: {}\n    aesgcm: {keys: [{name: a, secret: " + k16 + "}]}\n", "more than one provider specified in a single element"},
		{"short key", head + "resources:\n- resources: [secrets]\n  providers:\n  - aesgcm: {keys: [{name: a, secret: c2hvcnQ=}]}\n", "secret is not of the expected length, got 5, expected one of [16 24 32]"},
		{"secretbox needs 32", head + "resources:\n- resources: [secrets]\n  providers:\n  - secretbox: {keys: [{name: a, secret: " + k16 + "}]}\n", "got 16, expected one of [32]"},
		{"not base64", head + "resources:\n- resources: [secrets]\n  providers:\n  - aescbc: {keys: [{name: a, secret: '!!!'}]}\n", "secrets must be base64 encoded"},
		{"no key name", head + "resources:\n- resources: [secrets]\n  providers:\n  - aescbc: {keys: [{secret: " + k16 + "}]}\n", "name is a mandatory field"},
		{"no keys", head + "resources:\n- resources: [secrets]\n  providers:\n  - aescbc: {keys: []}\n", "at least one keys is required"},
		{"star", head + "resources:\n- resources: ['*']\n  providers: [{identity: {}}]\n", "use '*.' to encrypt all the resources from core API group"},
		{"capitals", head + "resources:\n- resources: [Secrets]\n  providers: [{identity: {}}]\n", "should not contain capital letters"},
		{"across groups", head + "resources:\n- resources: ['secrets.*']\n  providers: [{identity: {}}]\n", "encrypting the same resource across groups is not supported"},
		{"no REST API", head + "resources:\n- resources: [serviceipallocations]\n  providers: [{identity: {}}]\n", "resources which do not have REST API/s cannot be encrypted"},
		{"events group", head + "resources:\n- resources: ['*.events.k8s.io']\n  providers: [{identity: {}}]\n", "stored using the 'events' API group"},
		{"extensions", head + "resources:\n- resources: ['*.extensions']\n  providers: [{identity: {}}]\n", "'extensions' group has been removed"},
		{"duplicate", head + "resources:\n- resources: [secrets, secrets]\n  providers: [{identity: {}}]\n", "the same resource cannot be specified multiple times"},
		{"overlap", head + "resources:\n- resources: [secrets, '*.']\n  providers: [{identity: {}}]\n", "using overlapping resources"},
		{"masked by group", head + "resources:\n- resources: ['*.apps']\n  providers: [{identity: {}}]\n- resources: [deployments.apps]\n  providers: [{identity: {}}]\n", `resource "deployments.apps" is masked by earlier rule "*.apps"`},
		{"masked by all", head + "resources:\n- resources: ['*.*']\n  providers: [{identity: {}}]\n- resources: [secrets]\n  providers: [{identity: {}}]\n", `resource "secrets" is masked by earlier rule "*.*"`},
		{"exact before wildcard", head + "resources:\n- resources: [secrets]\n  providers: [{identity: {}}]\n- resources: ['*.']\n  providers: [{identity: {}}]\n", ""},
		{"kms", head + "resources:\n- resources: [secrets]\n  providers:\n  - kms: {apiVersion: v2, name: myKms, endpoint: 'unix:///tmp/socketfile.sock', timeout: 3s}\n", "the kms provider is not supported by spar"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := encryption.ParseConfig([]byte(tc.in))
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("ParseConfig: %v", err)
			case tc.want == "" && c == nil:
				t.Fatal("ParseConfig returned nil without an error")
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("ParseConfig: err = %v, want one containing %q", err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), k32) {
				t.Errorf("the error echoes a key: %v", err)
			}
		})
	}
	_, err := encryption.ParseConfig([]byte(cases[len(cases)-1].in))
	if !errors.Is(err, encryption.ErrKMSUnsupported) {
		t.Errorf("kms: err = %v, want ErrKMSUnsupported", err)
	}
}

func mustDecode(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestGenerateConfig(t *testing.T) {
	for _, p := range []string{"", "aescbc", "aesgcm", "secretbox"} {
		c, err := encryption.GenerateConfig(p)
		if err != nil {
			t.Fatalf("GenerateConfig(%q): %v", p, err)
		}
		data, err := c.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		back, err := encryption.ParseConfig(data)
		if err != nil {
			t.Fatalf("GenerateConfig(%q) does not parse back: %v\n%s", p, err, data)
		}
		rc := back.Resources[0]
		if len(back.Resources) != 1 || len(rc.Resources) != 1 || rc.Resources[0] != "secrets" {
			t.Errorf("GenerateConfig(%q) covers %v, want secrets only", p, back.Resources)
		}
		if len(rc.Providers) != 2 || rc.Providers[1].Identity == nil {
			t.Errorf("GenerateConfig(%q): providers %+v, want the key then identity", p, rc.Providers)
		}
		first := rc.Providers[0]
		var keys []encryption.Key
		want := p
		switch {
		case first.AESCBC != nil:
			keys, want = first.AESCBC.Keys, "aescbc"
			if p == "" {
				p = "aescbc"
			}
		case first.AESGCM != nil:
			keys, want = first.AESGCM.Keys, "aesgcm"
		case first.Secretbox != nil:
			keys, want = first.Secretbox.Keys, "secretbox"
		}
		if want != p {
			t.Errorf("GenerateConfig(%q) made a %s provider", p, want)
		}
		if len(keys) != 1 || len(mustDecode(t, keys[0].Secret)) != 32 {
			t.Errorf("GenerateConfig(%q) keys = %d, want one 32-byte key", p, len(keys))
		}
	}
	a, _ := encryption.GenerateConfig("")
	b, _ := encryption.GenerateConfig("")
	if a.Resources[0].Providers[0].AESCBC.Keys[0].Secret == b.Resources[0].Providers[0].AESCBC.Keys[0].Secret {
		t.Error("two generated configurations share a key")
	}
	if _, err := encryption.GenerateConfig("kms"); err == nil {
		t.Error("GenerateConfig(kms) succeeded")
	}
}

func TestLoadOrGenerate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pki", "encryption-config.yaml")
	c1, err := encryption.LoadOrGenerate(path, "")
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("the generated file has mode %o, want 600", perm)
	}
	before, _ := os.ReadFile(path)
	c2, err := encryption.LoadOrGenerate(path, "aesgcm")
	if err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("LoadOrGenerate replaced an existing file")
	}
	if c1.Resources[0].Providers[0].AESCBC.Keys[0].Secret != c2.Resources[0].Providers[0].AESCBC.Keys[0].Secret {
		t.Error("the second LoadOrGenerate returned another key than the file's")
	}

	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("kind: Nope\n"), 0o600)
	if _, err := encryption.LoadOrGenerate(bad, ""); err == nil || !strings.Contains(err.Error(), "bad.yaml") {
		t.Errorf("LoadOrGenerate of an invalid file: err = %v, want an error naming it", err)
	}
}

// TestOverhead checks that Overhead bounds what encryption adds.
func TestOverhead(t *testing.T) {
	cases := []struct {
		kind string
		want int
	}{
		{"aesgcm", len("k8s:enc:aesgcm:v1:key1:") + 12 + 16},
		{"aescbc", len("k8s:enc:aescbc:v1:key1:") + 16 + 16},
		{"secretbox", len("k8s:enc:secretbox:v1:key1:") + 24 + 16},
	}
	for _, tc := range cases {
		c := config(rule([]string{"secrets"}, keyed(tc.kind, encryption.Key{Name: "key1", Secret: k32})))
		if got := c.Overhead(); got != tc.want {
			t.Errorf("%s: Overhead() = %d, want %d", tc.kind, got, tc.want)
		}
	}
	if got := config(rule([]string{"secrets"}, identity)).Overhead(); got != 0 {
		t.Errorf("identity: Overhead() = %d, want 0", got)
	}
}
