package core

import "github.com/spar-dev/spar/api/meta"

// ConfigMap holds non-confidential configuration as key-value pairs.
type ConfigMap struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Immutable forbids changing Data and BinaryData once set.
	Immutable *bool             `json:"immutable,omitempty" protobuf:"varint,4,opt,name=immutable"`
	Data      map[string]string `json:"data,omitempty" protobuf:"bytes,2,rep,name=data" protobuf_key:"bytes,1,opt,name=key" protobuf_val:"bytes,2,opt,name=value"`
	// BinaryData holds non-UTF-8 values; base64 on the wire.
	BinaryData map[string][]byte `json:"binaryData,omitempty" protobuf:"bytes,3,rep,name=binaryData" protobuf_key:"bytes,1,opt,name=key" protobuf_val:"bytes,2,opt,name=value"`
}

// ConfigMapList is a list of config maps.
type ConfigMapList = meta.List[ConfigMap]

// Secret holds confidential data.
type Secret struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	Immutable       *bool `json:"immutable,omitempty" protobuf:"varint,5,opt,name=immutable"`
	// Data values are base64 on the wire.
	Data map[string][]byte `json:"data,omitempty" protobuf:"bytes,2,rep,name=data" protobuf_key:"bytes,1,opt,name=key" protobuf_val:"bytes,2,opt,name=value"`
	// StringData is a write-only convenience: the server merges it into Data
	// and never returns it.
	StringData map[string]string `json:"stringData,omitempty" protobuf:"bytes,4,rep,name=stringData" protobuf_key:"bytes,1,opt,name=key" protobuf_val:"bytes,2,opt,name=value"`
	// Type default: Opaque.
	Type SecretType `json:"type,omitempty" protobuf:"bytes,3,opt,name=type"`
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
	meta.ObjectMeta              `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	Secrets                      []ObjectReference      `json:"secrets,omitempty" patchStrategy:"merge" patchMergeKey:"name" protobuf:"bytes,2,rep,name=secrets"`
	ImagePullSecrets             []LocalObjectReference `json:"imagePullSecrets,omitempty" protobuf:"bytes,3,rep,name=imagePullSecrets"`
	AutomountServiceAccountToken *bool                  `json:"automountServiceAccountToken,omitempty" protobuf:"varint,4,opt,name=automountServiceAccountToken"`
}

// ServiceAccountList is a list of service accounts.
type ServiceAccountList = meta.List[ServiceAccount]
