// Package apiserver is spar's API server: an http.Handler that serves every
// built-in and custom resource over Kubernetes' HTTP/JSON API, on any
// store.Store (DESIGN.md, "apiserver").
//
// Every request passes the filter chain of DESIGN.md — recover, request
// info, log and metrics, in-flight limit, authentication, authorization —
// and then one generic registry per resource: decode (strictly, following
// fieldValidation) → prepare (the kind's Strategy resets server-owned
// fields) → default → admission (mutate) → validate → admission (validate)
// → compare-and-swap in the store. Kind-specific behaviour is a Strategy
// with optional capabilities (status split, selectable fields, graceful
// deletion, allocations before create), so built-in kinds and custom
// resources registered at run time by a CustomResourceDefinition share one
// code path.
//
// Reads are served by one watch.Cache per resource: lists and gets come
// from memory (consistent reads wait for the cache to reach the store's
// revision), and watches stream from the cache's shared event window with
// each object encoded once for all lists, gets and watchers. A get with a
// resourceVersion, or in another form (Table, metadata), reads the store.
//
// The server keeps no state of its own: resource versions are store
// revisions, Service IPs and node ports are reserved by keys in the store,
// and CRDs are read back from it, so several servers can share one store.
//
// Wire compatibility with kubectl and client-go (paths, query parameters,
// Status bodies, discovery, OpenAPI, Tables, patch types) follows
// KUBECTL-WIRE.md beside DESIGN.md; package table renders Tables, package
// openapi the OpenAPI documents, and package patch applies patches.
package apiserver
