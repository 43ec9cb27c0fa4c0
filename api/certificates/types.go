package certificates

import (
	"encoding/json"
	"time"

	"github.com/spar-dev/spar/api/meta"
)

// GroupName is the API group of this package's kinds.
const GroupName = "certificates.k8s.io"

// Version is the API version of this package's kinds.
const Version = "v1"

// The signers Kubernetes defines (and spar's controller/certificates
// implements with the cluster CA).
const (
	// KubeAPIServerClientSignerName issues client certificates the API
	// server accepts. Its requests are never approved automatically.
	KubeAPIServerClientSignerName = "kubernetes.io/kube-apiserver-client"
	// KubeAPIServerClientKubeletSignerName issues the client certificates
	// nodes authenticate with (CN=system:node:<name>, O=system:nodes). Its
	// requests may be approved automatically.
	KubeAPIServerClientKubeletSignerName = "kubernetes.io/kube-apiserver-client-kubelet"
	// KubeletServingSignerName issues the serving certificates of node
	// agents, which the API server verifies when it connects to them.
	// Its requests are never approved automatically.
	KubeletServingSignerName = "kubernetes.io/kubelet-serving"
)

// CertificateSigningRequest asks a signer for an X.509 certificate. A
// client creates one with a PKCS #10 request; an approver (a person through
// `kubectl certificate approve`, or a controller) adds an Approved or
// Denied condition through the approval subresource; the signer named by
// spec.signerName then writes the certificate, or a Failed condition,
// through the status subresource. Node agents get their client
// certificates this way (TLS bootstrap).
type CertificateSigningRequest struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Spec is the request. It is immutable once created; the requester
	// fields (username, uid, groups, extra) are set by the API server from
	// the creating user.
	Spec CertificateSigningRequestSpec `json:"spec" protobuf:"bytes,2,opt,name=spec"`
	// Status holds the approval conditions and the issued certificate.
	Status CertificateSigningRequestStatus `json:"status,omitempty" protobuf:"bytes,3,opt,name=status"`
}

// CertificateSigningRequestList is a list of CertificateSigningRequests.
type CertificateSigningRequestList = meta.List[CertificateSigningRequest]

// CertificateSigningRequestSpec is the request for a certificate and who
// made it.
type CertificateSigningRequestSpec struct {
	// Request is a PEM "CERTIFICATE REQUEST" block (PKCS #10); base64 in
	// JSON and YAML.
	Request []byte `json:"request" protobuf:"bytes,1,opt,name=request"`
	// SignerName is the signer asked to issue the certificate, a qualified
	// name such as "kubernetes.io/kube-apiserver-client-kubelet".
	// Selectable with the field selector spec.signerName.
	SignerName string `json:"signerName" protobuf:"bytes,7,opt,name=signerName"`
	// ExpirationSeconds is the validity asked for, at least 600. Signers
	// may issue a certificate valid for less (a configured maximum) or
	// more; clients must read the certificate's NotBefore and NotAfter.
	ExpirationSeconds *int32 `json:"expirationSeconds,omitempty" protobuf:"varint,8,opt,name=expirationSeconds"`
	// Usages are the key usages asked for, such as "digital signature"
	// and "client auth". Required.
	Usages []KeyUsage `json:"usages,omitempty" protobuf:"bytes,5,rep,name=usages"`
	// Username is the user who created the request. Set by the API server.
	Username string `json:"username,omitempty" protobuf:"bytes,2,opt,name=username"`
	// UID is the creating user's UID. Set by the API server.
	UID string `json:"uid,omitempty" protobuf:"bytes,3,opt,name=uid"`
	// Groups are the creating user's groups. Set by the API server.
	Groups []string `json:"groups,omitempty" protobuf:"bytes,4,rep,name=groups"`
	// Extra is what the authenticator said about the creating user
	// besides name, UID and groups. Set by the API server.
	Extra map[string]ExtraValue `json:"extra,omitempty" protobuf:"bytes,6,rep,name=extra" protobuf_key:"bytes,1,opt,name=key" protobuf_val:"bytes,2,opt,name=value"`
}

// ExtraValue is a list of strings. In JSON it is an array; on the protobuf
// wire a message {items=1}, because protobuf maps cannot hold repeated
// values directly.
type ExtraValue struct {
	Items []string `protobuf:"bytes,1,rep,name=items"`
}

// MarshalJSON writes the items as a JSON array.
func (v ExtraValue) MarshalJSON() ([]byte, error) {
	if v.Items == nil {
		return []byte("null"), nil
	}
	return json.Marshal(v.Items)
}

// UnmarshalJSON reads a JSON array of strings.
func (v *ExtraValue) UnmarshalJSON(b []byte) error { return json.Unmarshal(b, &v.Items) }

// CertificateSigningRequestStatus is the outcome of a request.
type CertificateSigningRequestStatus struct {
	// Conditions are Approved, Denied and Failed (each at most once, with
	// status "True"), and any others signers add. Approved and Denied are
	// set through the approval subresource and exclude each other; none of
	// the three can be removed.
	Conditions []CertificateSigningRequestCondition `json:"conditions,omitempty" protobuf:"bytes,1,rep,name=conditions"`
	// Certificate is the issued certificate in PEM ("CERTIFICATE" blocks:
	// the certificate, then any intermediates), base64 in JSON and YAML.
	// Set once, by the signer, through the status subresource.
	Certificate []byte `json:"certificate,omitempty" protobuf:"bytes,2,opt,name=certificate"`
}

// RequestConditionType is the type of a CertificateSigningRequestCondition.
type RequestConditionType string

// The well-known condition types.
const (
	// CertificateApproved: the request may be signed.
	CertificateApproved RequestConditionType = "Approved"
	// CertificateDenied: the request must not be signed.
	CertificateDenied RequestConditionType = "Denied"
	// CertificateFailed: the signer could not issue the certificate.
	CertificateFailed RequestConditionType = "Failed"
)

// CertificateSigningRequestCondition is one condition of a request.
type CertificateSigningRequestCondition struct {
	// Type is Approved, Denied, Failed or a signer's own type.
	Type RequestConditionType `json:"type" protobuf:"bytes,1,opt,name=type,casttype=RequestConditionType"`
	// Status is "True", "False" or "Unknown"; Approved, Denied and Failed
	// are only ever "True".
	Status meta.ConditionStatus `json:"status" protobuf:"bytes,6,opt,name=status,casttype=k8s.io/api/core/v1.ConditionStatus"`
	// Reason is a short CamelCase reason, such as "AutoApproved".
	Reason string `json:"reason,omitempty" protobuf:"bytes,2,opt,name=reason"`
	// Message says more, for people.
	Message string `json:"message,omitempty" protobuf:"bytes,3,opt,name=message"`
	// LastUpdateTime is when the condition was last written. Set by the
	// API server when missing.
	LastUpdateTime meta.Time `json:"lastUpdateTime,omitempty" protobuf:"bytes,4,opt,name=lastUpdateTime"`
	// LastTransitionTime is when the condition's status last changed. Set
	// by the API server when missing.
	LastTransitionTime meta.Time `json:"lastTransitionTime,omitempty" protobuf:"bytes,5,opt,name=lastTransitionTime"`
}

// KeyUsage is a key usage or extended key usage asked for (RFC 5280,
// sections 4.2.1.3 and 4.2.1.12), by the names Kubernetes uses.
type KeyUsage string

// The key usages a request may ask for.
const (
	UsageSigning           KeyUsage = "signing"
	UsageDigitalSignature  KeyUsage = "digital signature"
	UsageContentCommitment KeyUsage = "content commitment"
	UsageKeyEncipherment   KeyUsage = "key encipherment"
	UsageKeyAgreement      KeyUsage = "key agreement"
	UsageDataEncipherment  KeyUsage = "data encipherment"
	UsageCertSign          KeyUsage = "cert sign"
	UsageCRLSign           KeyUsage = "crl sign"
	UsageEncipherOnly      KeyUsage = "encipher only"
	UsageDecipherOnly      KeyUsage = "decipher only"
	UsageAny               KeyUsage = "any"
	UsageServerAuth        KeyUsage = "server auth"
	UsageClientAuth        KeyUsage = "client auth"
	UsageCodeSigning       KeyUsage = "code signing"
	UsageEmailProtection   KeyUsage = "email protection"
	UsageSMIME             KeyUsage = "s/mime"
	UsageIPsecEndSystem    KeyUsage = "ipsec end system"
	UsageIPsecTunnel       KeyUsage = "ipsec tunnel"
	UsageIPsecUser         KeyUsage = "ipsec user"
	UsageTimestamping      KeyUsage = "timestamping"
	UsageOCSPSigning       KeyUsage = "ocsp signing"
	UsageMicrosoftSGC      KeyUsage = "microsoft sgc"
	UsageNetscapeSGC       KeyUsage = "netscape sgc"
)

// Default does nothing: certificates.k8s.io/v1 defaults no field (a
// request must name its signer and usages). It exists so that every kind
// can be defaulted the same way.
func (c *CertificateSigningRequest) Default() {}

// MinExpirationSeconds is the shortest validity a request may ask for.
const MinExpirationSeconds = 600

// DurationToExpirationSeconds converts a validity to spec.expirationSeconds.
func DurationToExpirationSeconds(d time.Duration) *int32 {
	s := int32(d / time.Second)
	return &s
}

// ExpirationSecondsToDuration converts spec.expirationSeconds to a
// validity.
func ExpirationSecondsToDuration(s int32) time.Duration {
	return time.Duration(s) * time.Second
}
