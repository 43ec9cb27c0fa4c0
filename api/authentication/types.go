// Package authentication holds the authentication.k8s.io/v1 types spar
// serves: TokenRequest, the body of the serviceaccounts/{name}/token
// subresource that issues bound service-account tokens.
package authentication

import "github.com/spar-dev/spar/api/meta"

// GroupName and Version of the group.
const (
	GroupName = "authentication.k8s.io"
	Version   = "v1"
)

// TokenRequest requests a token for a service account.
type TokenRequest struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	Spec            TokenRequestSpec   `json:"spec" protobuf:"bytes,2,opt,name=spec"`
	Status          TokenRequestStatus `json:"status,omitempty" protobuf:"bytes,3,opt,name=status"`
}

// TokenRequestSpec says what the token is for.
type TokenRequestSpec struct {
	// Audiences the token is valid for. Default: the API server's.
	Audiences []string `json:"audiences" protobuf:"bytes,1,rep,name=audiences"`
	// ExpirationSeconds is the requested lifetime. Default 3600; at
	// least 600.
	ExpirationSeconds *int64 `json:"expirationSeconds" protobuf:"varint,4,opt,name=expirationSeconds"`
	// BoundObjectRef binds the token to a pod: it stops working when the
	// pod is gone.
	BoundObjectRef *BoundObjectReference `json:"boundObjectRef" protobuf:"bytes,3,opt,name=boundObjectRef"`
}

// TokenRequestStatus carries the issued token.
type TokenRequestStatus struct {
	Token               string    `json:"token" datapolicy:"token" protobuf:"bytes,1,opt,name=token"`
	ExpirationTimestamp meta.Time `json:"expirationTimestamp" protobuf:"bytes,2,opt,name=expirationTimestamp"`
}

// BoundObjectReference names the object a token is bound to.
type BoundObjectReference struct {
	Kind       string   `json:"kind,omitempty" protobuf:"bytes,1,opt,name=kind"`
	APIVersion string   `json:"apiVersion,omitempty" protobuf:"bytes,2,opt,name=apiVersion"`
	Name       string   `json:"name,omitempty" protobuf:"bytes,3,opt,name=name"`
	UID        meta.UID `json:"uid,omitempty" protobuf:"bytes,4,opt,name=uID,casttype=k8s.io/apimachinery/pkg/types.UID"`
}
