// Package client is the Go client of the spar API server: the one way every
// spar component — controllers, the scheduler, kubelets, proxies — and every
// user program reads and writes cluster state. DESIGN.md's fourth principle,
// "everything goes through the API", is this package: no component opens the
// store, so any of them can be replaced by another program that speaks the
// same HTTP/JSON API, and whatever works for kubectl works here.
//
// # Shape
//
// A Client holds the connection settings (Config, usually from
// LoadKubeconfig, LoadDefault or InClusterConfig). Typed access to a kind is
// generic over its Go type, looked up in the scheme (api.Default unless
// Config.Scheme says otherwise):
//
//	pods := client.Resource[core.Pod](c).Namespace("default")
//	pod, err := pods.Get(ctx, "web")
//
// Dynamic gives the same methods over *meta.Unstructured for custom
// resources and kinds without a Go type. Metadata reads, watches and
// deletes any resource as meta.PartialObjectMetadata: the server sends
// only the objects' metadata, so programs that need little (a garbage
// collector, a metadata-only informer) move and keep little. Discovery
// lists the served groups and resources, custom ones included, for
// programs that handle every kind. Options are structs whose nil or
// zero value means the defaults. Requests and answers are JSON only; answers
// are decoded leniently (unknown fields are ignored), so a newer server does
// not break an older client.
//
// # Errors
//
// A failed call returns the server's *meta.Status (or one made from the HTTP
// code when the body is not a Status), so errors.Is(err, meta.ErrNotFound)
// and the helpers IsNotFound, IsConflict, IsExpired, ... work, and the message
// is the one kubectl prints. Optimistic concurrency (DESIGN.md, principle 6)
// is the caller's loop: RetryOnConflict re-runs a read-modify-write. The
// client itself retries only 429 answers, after the delay the server asks
// for.
//
// # Watches
//
// Watch returns a Watcher whose Next yields typed events. Following
// principle 7, a consumer lists (ListAll), watches from the list's
// resourceVersion, resumes from Watcher.ResourceVersion when a watch ends
// with io.EOF, and re-lists when an error satisfies IsExpired (the 410 Gone
// of a compacted version). The informers of package controller are built on
// exactly this.
//
// # In-process
//
// A program that embeds the API server (the all-in-one cluster, tests) uses
// NewForHandler: requests go straight to the server's http.Handler, with
// streaming watches, and no socket — the same client code, the same
// pipeline (authentication, authorization, admission), a shorter path.
package client
