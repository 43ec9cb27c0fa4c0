// Package authz decides whether an authenticated user may make an API
// request: the stage of the API server's pipeline after authentication
// (DESIGN.md, "Data flow"). An Authorizer sees the request's attributes —
// user, verb, resource, namespace, name — never the body.
package authz

import (
	"context"

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
