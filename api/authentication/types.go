// Package authentication holds the authentication.k8s.io/v1 types spar
// serves: TokenRequest, the body of the serviceaccounts/{name}/token
// subresource that issues bound service-account tokens, and the reviews
// (SelfSubjectReview, TokenReview) that are answered and never stored.
package authentication

import (
	"github.com/spar-dev/spar/api/authorization"
	"github.com/spar-dev/spar/api/meta"
)

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

// SelfSubjectReview reports who the API server thinks the caller is
// (`kubectl auth whoami`). It is created, never stored.
type SelfSubjectReview struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	Status          SelfSubjectReviewStatus `json:"status,omitempty" protobuf:"bytes,2,opt,name=status"`
}

// SelfSubjectReviewStatus carries the caller's user information.
type SelfSubjectReviewStatus struct {
	UserInfo UserInfo `json:"userInfo,omitempty" protobuf:"bytes,1,opt,name=userInfo"`
}

// TokenReview asks the API server to authenticate a token, as a kubelet or
// an aggregated server does for requests it receives. Created, never
// stored.
type TokenReview struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	Spec            TokenReviewSpec   `json:"spec" protobuf:"bytes,2,opt,name=spec"`
	Status          TokenReviewStatus `json:"status,omitempty" protobuf:"bytes,3,opt,name=status"`
}

// TokenReviewSpec is the token to check.
type TokenReviewSpec struct {
	Token string `json:"token,omitempty" datapolicy:"token" protobuf:"bytes,1,opt,name=token"`
	// Audiences the caller accepts. Default: the API server's audiences.
	Audiences []string `json:"audiences,omitempty" protobuf:"bytes,2,rep,name=audiences"`
}

// TokenReviewStatus is the answer.
type TokenReviewStatus struct {
	Authenticated bool     `json:"authenticated,omitempty" protobuf:"varint,1,opt,name=authenticated"`
	User          UserInfo `json:"user,omitempty" protobuf:"bytes,2,opt,name=user"`
	// Audiences are those of the request's audiences the token is valid
	// for.
	Audiences []string `json:"audiences,omitempty" protobuf:"bytes,4,rep,name=audiences"`
	// Error says why the token was not authenticated.
	Error string `json:"error,omitempty" protobuf:"bytes,3,opt,name=error"`
}

// UserInfo is an authenticated user.
type UserInfo struct {
	Username string                `json:"username,omitempty" protobuf:"bytes,1,opt,name=username"`
	UID      string                `json:"uid,omitempty" protobuf:"bytes,2,opt,name=uid"`
	Groups   []string              `json:"groups,omitempty" protobuf:"bytes,3,rep,name=groups"`
	Extra    map[string]ExtraValue `json:"extra,omitempty" protobuf:"bytes,4,rep,name=extra" protobuf_key:"bytes,1,opt,name=key" protobuf_val:"bytes,2,opt,name=value"`
}

// ExtraValue is a list of strings; on the protobuf wire a message
// {items=1}, as in authorization.k8s.io.
type ExtraValue = authorization.ExtraValue

// Default does nothing: the reviews have no defaulted fields. It exists so
// that every kind can be defaulted the same way.
func (r *SelfSubjectReview) Default() {}

// Default does nothing: the reviews have no defaulted fields.
func (r *TokenReview) Default() {}
