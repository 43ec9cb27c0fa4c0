// Package authorization holds the authorization.k8s.io/v1 kinds: the access
// reviews through which a client asks the API server what a user may do.
// SelfSubjectAccessReview answers `kubectl auth can-i`, SelfSubjectRulesReview
// answers `kubectl auth can-i --list`, and SubjectAccessReview and
// LocalSubjectAccessReview let privileged callers ask on behalf of others.
//
// These kinds are never stored (DESIGN.md, "api"): the only verb is create,
// and the server answers a create with the same object, its status filled in
// by the authorizer (apiserver/authz's Review functions). The wire form,
// JSON and protobuf, matches Kubernetes field for field.
package authorization
