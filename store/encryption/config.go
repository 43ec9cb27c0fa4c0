package encryption

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	kjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

// The group, version and kind of the configuration file.
const (
	APIVersion = "apiserver.config.k8s.io/v1"
	Kind       = "EncryptionConfiguration"
)

// Config is an EncryptionConfiguration (apiserver.config.k8s.io/v1), the
// file kube-apiserver reads with --encryption-provider-config. Field names
// and meaning are Kubernetes'; a file valid here is valid there.
type Config struct {
	Kind       string `json:"kind"`
	APIVersion string `json:"apiVersion"`
	// Resources are the rules: which resources, encrypted by which
	// providers.
	Resources []ResourceConfig `json:"resources"`

	// MaxValueSize is the largest plaintext value Wrap accepts; larger
	// writes fail with store.ErrValueTooLarge before anything is
	// encrypted. It is not part of the file. Default
	// store.DefaultMaxValueSize. The wrapped store must accept values
	// Overhead() bytes larger.
	MaxValueSize int `json:"-"`
}

// ResourceConfig is one rule: the resources it covers and the providers
// that transform them, in order. The first provider encrypts new writes;
// every provider is tried, in order, to read.
type ResourceConfig struct {
	// Resources are "secrets" (core group), "deployments.apps"
	// (resource.group), "*.apps" (every resource of a group), "*." (every
	// resource of the core group) or "*.*" (everything).
	Resources []string `json:"resources"`
	// Providers each hold exactly one provider.
	Providers []ProviderConfig `json:"providers"`
}

// ProviderConfig holds exactly one provider.
type ProviderConfig struct {
	AESGCM    *AESConfig       `json:"aesgcm,omitempty"`
	AESCBC    *AESConfig       `json:"aescbc,omitempty"`
	Secretbox *SecretboxConfig `json:"secretbox,omitempty"`
	Identity  *IdentityConfig  `json:"identity,omitempty"`
	// KMS is parsed so that a Kubernetes file that uses it is refused
	// with a clear error rather than as unknown fields: spar has no KMS
	// plugin client.
	KMS *KMSConfig `json:"kms,omitempty"`
}

// AESConfig lists the keys of an aesgcm or aescbc provider: AES with a
// 16, 24 or 32 byte key. The first key encrypts.
type AESConfig struct {
	Keys []Key `json:"keys"`
}

// SecretboxConfig lists the keys of a secretbox provider (XSalsa20 and
// Poly1305, 32 byte keys). The first key encrypts.
type SecretboxConfig struct {
	Keys []Key `json:"keys"`
}

// Key is a named key. The name is written in front of every value the key
// encrypts, so a reader knows which key to use.
type Key struct {
	Name string `json:"name"`
	// Secret is the key, base64 (standard encoding).
	Secret string `json:"secret"`
}

// IdentityConfig is the identity provider: values are stored as they are.
// First in a list, it turns encryption off for new writes while the
// providers after it still read what they encrypted; last, it reads values
// written before encryption was turned on.
type IdentityConfig struct{}

// KMSConfig is Kubernetes' envelope encryption through a KMS plugin. Not
// supported by spar; present so that such files fail with a clear error.
type KMSConfig struct {
	APIVersion string `json:"apiVersion,omitempty"`
	Name       string `json:"name"`
	CacheSize  *int32 `json:"cachesize,omitempty"`
	Endpoint   string `json:"endpoint"`
	Timeout    string `json:"timeout,omitempty"`
}

// ErrKMSUnsupported is returned for a configuration with a kms provider.
var ErrKMSUnsupported = errors.New("the kms provider is not supported by spar (use aesgcm, aescbc or secretbox)")

// LoadConfig reads and validates the configuration file at path (YAML or
// JSON).
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("encryption: reading the configuration: %w", err)
	}
	c, err := ParseConfig(data)
	if err != nil {
		return nil, fmt.Errorf("%w (file %s)", err, path)
	}
	return c, nil
}

// ParseConfig decodes and validates a configuration (YAML or JSON). Field
// names are case-sensitive and unknown fields are errors, as in
// Kubernetes, so a typo never silently leaves a resource unencrypted.
func ParseConfig(data []byte) (*Config, error) {
	if len(strings.TrimSpace(string(data))) == 0 {
		return nil, errors.New("encryption: the configuration is empty")
	}
	j, err := yaml.YAMLToJSONStrict(data)
	if err != nil {
		return nil, fmt.Errorf("encryption: parsing the configuration: %w", err)
	}
	var c Config
	strict, err := kjson.UnmarshalStrict(j, &c, kjson.DisallowDuplicateFields, kjson.DisallowUnknownFields)
	if err != nil {
		return nil, fmt.Errorf("encryption: decoding the configuration: %w", err)
	}
	if len(strict) > 0 {
		return nil, fmt.Errorf("encryption: decoding the configuration: %w", errors.Join(strict...))
	}
	if c.APIVersion != APIVersion || c.Kind != Kind {
		return nil, fmt.Errorf("encryption: the configuration is %s %q, want %s %q", c.APIVersion, c.Kind, APIVersion, Kind)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// Marshal returns the configuration as YAML, with its apiVersion and kind.
func (c *Config) Marshal() ([]byte, error) {
	out := *c
	out.APIVersion, out.Kind = APIVersion, Kind
	return yaml.Marshal(&out)
}

// Valid key lengths, in bytes.
var (
	aesKeySizes       = []int{16, 24, 32}
	secretboxKeySizes = []int{32}
)

// Validate checks the configuration as kube-apiserver does, with its
// messages, and also refuses kms providers (ErrKMSUnsupported). All
// problems are reported, joined.
func (c *Config) Validate() error {
	var errs []error
	bad := func(path, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...)))
	}
	if len(c.Resources) == 0 {
		bad("resources", "at least one resources is required")
	}
	// Resources named by earlier rules: a wildcard there masks a later
	// rule, which kube-apiserver refuses.
	earlier := map[groupResource]bool{}
	for i, rc := range c.Resources {
		rpath := fmt.Sprintf("resources[%d].resources", i)
		if len(rc.Resources) == 0 {
			bad(rpath, "at least one %s is required", rpath)
		}
		validateResourceNames(rc.Resources, rpath, bad)
		validateOverlap(rc.Resources, rpath, bad)
		for _, r := range rc.Resources {
			gr := parseGroupResource(r)
			if w := (groupResource{gr.group, "*"}); earlier[w] {
				bad(rpath, "resource %q is masked by earlier rule %q", grString(gr), grString(w))
			} else if earlier[groupResource{"*", "*"}] {
				bad(rpath, "resource %q is masked by earlier rule %q", grString(gr), "*.*")
			}
		}
		ppath := fmt.Sprintf("resources[%d].providers", i)
		if len(rc.Providers) == 0 {
			bad(ppath, "at least one %s is required", ppath)
		}
		for j, p := range rc.Providers {
			path := fmt.Sprintf("%s[%d]", ppath, j)
			n := 0
			for _, set := range []bool{p.AESGCM != nil, p.AESCBC != nil, p.Secretbox != nil, p.Identity != nil, p.KMS != nil} {
				if set {
					n++
				}
			}
			switch {
			case n == 0:
				bad(path, "provider does not contain any of the expected providers: KMS, AESGCM, AESCBC, Secretbox, Identity")
				continue
			case n > 1:
				bad(path, "more than one provider specified in a single element, should split into different list elements")
				continue
			}
			switch {
			case p.AESGCM != nil:
				validateKeys(p.AESGCM.Keys, path+".aesgcm.keys", aesKeySizes, bad)
			case p.AESCBC != nil:
				validateKeys(p.AESCBC.Keys, path+".aescbc.keys", aesKeySizes, bad)
			case p.Secretbox != nil:
				validateKeys(p.Secretbox.Keys, path+".secretbox.keys", secretboxKeySizes, bad)
			case p.KMS != nil:
				errs = append(errs, fmt.Errorf("%s.kms: %w", path, ErrKMSUnsupported))
			}
		}
		for _, r := range rc.Resources {
			earlier[parseGroupResource(r)] = true
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("encryption: invalid configuration: %w", errors.Join(errs...))
	}
	return nil
}

func validateResourceNames(resources []string, path string, bad func(path, format string, args ...any)) {
	for j, r := range resources {
		p := fmt.Sprintf("%s[%d]", path, j)
		gr := parseGroupResource(r)
		switch {
		case strings.ToLower(r) != r:
			bad(p, "resource name should not contain capital letters")
		case r == "*":
			bad(p, "use '*.' to encrypt all the resources from core API group or *.* to encrypt all resources")
		case r == "apiserveripinfo" || r == "serviceipallocations" || r == "servicenodeportallocations":
			bad(p, "resources which do not have REST API/s cannot be encrypted")
		case gr.group == "events.k8s.io":
			bad(p, "'*.events.k8s.io' objects are stored using the 'events' API group in etcd. Use 'events' instead in the config file")
		case gr.group == "extensions":
			bad(p, "'extensions' group has been removed and cannot be used for encryption")
		case gr.group == "*" && gr.resource != "*":
			bad(p, "encrypting the same resource across groups is not supported")
		}
	}
}

// validateOverlap refuses duplicates and wildcards that mask another entry
// of the same list.
func validateOverlap(resources []string, path string, bad func(path, format string, args ...any)) {
	var dup, overlap bool
	for i, a := range resources {
		for j, b := range resources {
			if i == j {
				continue
			}
			ga, gb := parseGroupResource(a), parseGroupResource(b)
			switch {
			case ga == gb:
				dup = true
			case ga == groupResource{"*", "*"}:
				overlap = true
			case ga.group == gb.group && (ga.resource == "*" || gb.resource == "*"):
				overlap = true
			}
		}
	}
	if dup {
		bad(path, "the same resource cannot be specified multiple times")
	}
	if overlap {
		bad(path, "using overlapping resources such as 'secrets' and '*.' in the same resource list is not allowed as they will be masked")
	}
}

func validateKeys(keys []Key, path string, sizes []int, bad func(path, format string, args ...any)) {
	if len(keys) == 0 {
		bad(path, "at least one keys is required")
		return
	}
	for i, k := range keys {
		p := fmt.Sprintf("%s[%d]", path, i)
		if k.Name == "" {
			bad(p+".name", "name is a mandatory field for a key")
		}
		if k.Secret == "" {
			bad(p+".secret", "secret is a mandatory field for a key")
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(k.Secret)
		if err != nil {
			bad(p+".secret", "secrets must be base64 encoded") // never echo the secret
			continue
		}
		ok := false
		for _, n := range sizes {
			ok = ok || len(raw) == n
		}
		if !ok {
			bad(p+".secret", "secret is not of the expected length, got %d, expected one of %v", len(raw), sizes)
		}
	}
}

// Providers GenerateConfig can use.
const (
	ProviderAESCBC    = "aescbc"
	ProviderAESGCM    = "aesgcm"
	ProviderSecretbox = "secretbox"
)

// GenerateConfig returns a configuration for a new cluster: the resources
// (default: "secrets") are encrypted by provider (default aescbc) with one
// fresh random 32-byte key named "key1", followed by identity so that
// values written before encryption was turned on stay readable (and are
// encrypted when next written). provider is "aescbc", "aesgcm" or
// "secretbox". Keep the file secret: it holds the key.
func GenerateConfig(provider string, resources ...string) (*Config, error) {
	if len(resources) == 0 {
		resources = []string{"secrets"}
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, fmt.Errorf("encryption: generating a key: %w", err)
	}
	keys := []Key{{Name: "key1", Secret: base64.StdEncoding.EncodeToString(raw)}}
	var p ProviderConfig
	switch provider {
	case "", ProviderAESCBC:
		p.AESCBC = &AESConfig{Keys: keys}
	case ProviderAESGCM:
		p.AESGCM = &AESConfig{Keys: keys}
	case ProviderSecretbox:
		p.Secretbox = &SecretboxConfig{Keys: keys}
	default:
		return nil, fmt.Errorf("encryption: cannot generate a key for provider %q (want aescbc, aesgcm or secretbox)", provider)
	}
	c := &Config{
		Kind: Kind, APIVersion: APIVersion,
		Resources: []ResourceConfig{{
			Resources: resources,
			Providers: []ProviderConfig{p, {Identity: &IdentityConfig{}}},
		}},
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// LoadOrGenerate loads the configuration at path if the file exists;
// otherwise it generates one with GenerateConfig(provider) (secrets
// encrypted) and writes it there, readable by its owner only. An existing
// file is never replaced, so an operator can supply their own by placing
// it there first.
func LoadOrGenerate(path, provider string) (*Config, error) {
	if _, err := os.Stat(path); err == nil {
		return LoadConfig(path)
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("encryption: %w", err)
	}
	c, err := GenerateConfig(provider)
	if err != nil {
		return nil, err
	}
	data, err := c.Marshal()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("encryption: %w", err)
	}
	// O_EXCL: two processes bootstrapping at once must not each write a
	// key and then encrypt with different ones.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return LoadConfig(path)
	}
	if err != nil {
		return nil, fmt.Errorf("encryption: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("encryption: writing %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("encryption: writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("encryption: writing %s: %w", path, err)
	}
	return c, nil
}
