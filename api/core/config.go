package core

import "github.com/spar-dev/spar/api/meta"

// ConfigMap holds non-confidential configuration as key-value pairs.
type ConfigMap struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
	// Immutable forbids changing Data and BinaryData once set.
	Immutable *bool             `json:"immutable,omitempty"`
	Data      map[string]string `json:"data,omitempty"`
	// BinaryData holds non-UTF-8 values; base64 on the wire.
	BinaryData map[string][]byte `json:"binaryData,omitempty"`
}

// ConfigMapList is a list of config maps.
type ConfigMapList = meta.List[ConfigMap]

// Secret holds confidential data.
type Secret struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
	Immutable       *bool `json:"immutable,omitempty"`
	// Data values are base64 on the wire.
	Data map[string][]byte `json:"data,omitempty"`
	// StringData is a write-only convenience: the server merges it into Data
	// and never returns it.
	StringData map[string]string `json:"stringData,omitempty"`
	// Type default: Opaque.
	Type SecretType `json:"type,omitempty"`
}

// SecretList is a list of secrets.
type SecretList = meta.List[Secret]

// SecretType says which keys a secret must hold.
type SecretType string

// Secret types and their well-known keys.
const (
	SecretTypeOpaque              SecretType = "Opaque"
	SecretTypeServiceAccountToken SecretType = "kubernetes.io/service-account-token"
	SecretTypeDockercfg           SecretType = "kubernetes.io/dockercfg"
	SecretTypeDockerConfigJSON    SecretType = "kubernetes.io/dockerconfigjson"
	SecretTypeBasicAuth           SecretType = "kubernetes.io/basic-auth"
	SecretTypeSSHAuth             SecretType = "kubernetes.io/ssh-auth"
	SecretTypeTLS                 SecretType = "kubernetes.io/tls"
	SecretTypeBootstrapToken      SecretType = "bootstrap.kubernetes.io/token"

	ServiceAccountNameKey      = "kubernetes.io/service-account.name"
	ServiceAccountUIDKey       = "kubernetes.io/service-account.uid"
	ServiceAccountTokenKey     = "token"
	ServiceAccountRootCAKey    = "ca.crt"
	ServiceAccountNamespaceKey = "namespace"
	DockerConfigKey            = ".dockercfg"
	DockerConfigJSONKey        = ".dockerconfigjson"
	BasicAuthUsernameKey       = "username"
	BasicAuthPasswordKey       = "password"
	SSHAuthPrivateKey          = "ssh-privatekey"
	TLSCertKey                 = "tls.crt"
	TLSPrivateKeyKey           = "tls.key"
)

// MaxSecretSize is the largest total size of a secret's data (1 MiB).
const MaxSecretSize = 1 << 20

// ServiceAccount is an identity for processes in pods.
type ServiceAccount struct {
	meta.TypeMeta                `json:",inline"`
	meta.ObjectMeta              `json:"metadata,omitempty"`
	Secrets                      []ObjectReference      `json:"secrets,omitempty" patchStrategy:"merge" patchMergeKey:"name"`
	ImagePullSecrets             []LocalObjectReference `json:"imagePullSecrets,omitempty"`
	AutomountServiceAccountToken *bool                  `json:"automountServiceAccountToken,omitempty"`
}

// ServiceAccountList is a list of service accounts.
type ServiceAccountList = meta.List[ServiceAccount]
