package authz

import (
	"context"

	"github.com/spar-dev/spar/api/fields"
	"github.com/spar-dev/spar/api/rbac"
	"github.com/spar-dev/spar/apiserver/authn"
)

// Decision is an authorizer's answer.
type Decision int

// Decisions. NoOpinion lets the next authorizer in a union decide.
const (
	NoOpinion Decision = iota
	Allow
	Deny
)

// Attributes describe a request for authorization.
type Attributes struct {
	User *authn.User
	// Verb is get, list, watch, create, update, patch, delete,
	// deletecollection (resource requests) or the lower-case HTTP method.
	Verb            string
	ResourceRequest bool
	APIGroup        string
	APIVersion      string
	Resource        string
	Subresource     string
	Namespace       string
	Name            string
	// FieldSelector is the list or watch's field selector, nil if none. It
	// can only narrow a request: the node authorizer lets a kubelet list
	// the pods of spec.nodeName=<itself>, and a list with
	// metadata.name=<n> counts as a read of n.
	FieldSelector fields.Selector
	// Path is the URL path, for non-resource requests.
	Path string
}

// Authorizer decides on requests.
type Authorizer interface {
	Authorize(ctx context.Context, a Attributes) (d Decision, reason string, err error)
}

// AuthorizerFunc adapts a function to Authorizer.
type AuthorizerFunc func(ctx context.Context, a Attributes) (Decision, string, error)

// Authorize implements Authorizer.
func (f AuthorizerFunc) Authorize(ctx context.Context, a Attributes) (Decision, string, error) {
	return f(ctx, a)
}

// AlwaysAllow allows every request: for embedded and test servers that
// need no access control.
var AlwaysAllow Authorizer = AuthorizerFunc(func(context.Context, Attributes) (Decision, string, error) {
	return Allow, "", nil
})

// RuleResolver lists the rules a user holds in a namespace, for
// SelfSubjectRulesReview (kubectl auth can-i --list). Resource and
// non-resource rules come in one list. incomplete is true when the
// resolver cannot list everything it would allow.
type RuleResolver interface {
	RulesFor(ctx context.Context, u *authn.User, namespace string) (rules []rbac.PolicyRule, incomplete bool, err error)
}
