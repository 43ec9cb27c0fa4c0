// Package api is the registry of spar's object types and their wire format.
//
// The Scheme maps each kind to its Go type and to its REST resource (plural
// and singular names, namespaced or cluster-scoped, short names, categories,
// verbs, subresources); the API server, the client and kubectl-facing
// discovery all read it. Built-in kinds live one API group per package
// (api/core, api/apps, ...); custom kinds are added at run time.
//
// The codec decodes JSON and YAML strictly: an unknown or duplicate field is
// an error that names the field by its full path
// (spec.template.spec.containers[0].imagePullPolcy), so a typo in a manifest
// is reported, never silently dropped.
package api
