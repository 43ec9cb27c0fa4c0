// Package encryption encrypts values at rest: a store.Store decorator (Wrap)
// that sits between the API server and its backend (bolt or etcd), so
// every byte of a configured resource that reaches the disk is ciphertext.
// It is the "Encryption at rest" stage of DESIGN.md's security work: the
// API server and the watch caches see plaintext, the store file does not.
//
// # Configuration
//
// The configuration is Kubernetes' EncryptionConfiguration
// (apiserver.config.k8s.io/v1), the file kube-apiserver takes with
// --encryption-provider-config, parsed strictly and validated with
// kube-apiserver's rules and messages. Each rule lists resources
// ("secrets", "deployments.apps", "*.apps", "*." for the core group, "*.*")
// and providers in order. The first provider encrypts every write; all of
// them, every key of each in order, are tried on read, which is how keys
// are rotated: add the new key second, then first, rewrite the objects,
// then drop the old key. identity first turns encryption off while the
// providers after it still read old values; identity last reads values
// written before encryption was turned on.
//
// A key is looked up by its resource: the rule naming the exact resource,
// else its group's wildcard, else "*.*". Resources are derived from the
// key (ResourceOf) in the layout the spar API server writes:
// /registry/<resource>/... for the core group and
// /registry/<group>/<resource>/... for the others, a first segment being a
// group when it has a dot or is a dotless built-in group. Secrets are at
// /registry/secrets/ as in Kubernetes.
//
// # Stored format
//
// Values carry Kubernetes' prefixes and layouts byte for byte, so a value
// is readable by kube-apiserver with the same configuration and the other
// way round:
//
//	aesgcm     k8s:enc:aesgcm:v1:<key name>:    12-byte random nonce | AES-GCM ciphertext+tag, the store key as additional data
//	aescbc     k8s:enc:aescbc:v1:<key name>:    16-byte random IV | AES-CBC of the value, PKCS#7 padded
//	secretbox  k8s:enc:secretbox:v1:<key name>: 24-byte random nonce | NaCl secretbox
//	identity   the value as it is
//
// kms is refused with ErrKMSUnsupported. A value that no provider of its
// rule can read — wrong key, tampered, a plain value under a rule without
// identity, an encrypted value under no rule — fails the read with an error
// wrapping ErrDecrypt that names the key (and the provider and key name the
// value says it was written with), never returning the stored bytes.
//
// # Sizes
//
// The wrapper enforces the value limit on plaintext (Config.MaxValueSize,
// default store.DefaultMaxValueSize), so callers see the same limit with
// and without encryption; the backend must accept Config.Overhead() more.
//
// # Bootstrap
//
// GenerateConfig makes a configuration with a fresh 32-byte key (aescbc by
// default, as k3s does; aesgcm and secretbox on request) encrypting
// secrets, followed by identity. LoadOrGenerate writes it, owner-only, on
// first start and reads it afterwards, never replacing an existing file.
//
// The wrapper passes the whole storetest conformance suite over bolt with
// every key encrypted, for each provider.
package encryption
