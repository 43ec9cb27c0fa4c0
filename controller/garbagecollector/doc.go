// Package garbagecollector is the garbage collector: it deletes objects
// whose owners are gone, and carries out the foreground and orphan
// deletions the API server only marks (DESIGN.md, "controller"), as
// Kubernetes' garbage collector does.
//
// # The graph
//
// The collector discovers (client.Discovery) every resource that can be
// listed, watched and deleted, built-in and custom alike, and watches each
// through a metadata client (client.Metadata): the server sends only the
// objects' metadata, never their spec or data. A monitor per resource
// lists, then watches from the list's resourceVersion, and re-lists on
// 410, as an informer does — but its cache is the graph. Discovery is read
// again periodically, and at once when a reference names a kind it does
// not know, so new CRDs are picked up. From the objects' metadata the
// collector keeps a graph: a node per object (its identity,
// resourceVersion, owner references and deletion state, a few hundred
// bytes) and an edge per ownerReference. Every listed or watched object is
// reduced to its node at once, so the collector holds little memory
// however large the objects are; a metadata informer would hold each
// object's whole metadata besides. An owner named by a reference but not
// (yet) seen by any watch is a "virtual" node until a watch shows it or
// the collector finds it missing.
//
// The graph only says what to look at: a deleted owner queues its
// dependents, a foreground deletion queues the owner and its dependents,
// an orphan deletion queues the owner for orphaning.
//
// # Decisions go through the API
//
// A queued object is garbage when none of its owners exists. Each owner
// is looked up with a GET through the API, never in the graph, which may
// lag: an owner missing from it (its watch is behind, or its kind is not
// watched) is never taken for a missing one. An owner whose name now
// belongs to another UID is missing. Owners confirmed missing are
// remembered (a bounded LRU), so a thousand dependents of one deleted
// owner cost one lookup. The object's own state comes from the graph, and
// each write to it carries the resourceVersion that state was read at: a
// stale view fails with a conflict and is retried on fresh data, never
// acted upon.
//
//   - Background: garbage is deleted (with the propagation its own
//     finalizers ask for).
//   - Foreground: an owner with deletionTimestamp and the
//     "foregroundDeletion" finalizer queues its dependents; they are
//     deleted (in the foreground themselves when they have dependents),
//     and once no dependent whose reference sets blockOwnerDeletion is
//     left, the finalizer is removed and the server deletes the owner.
//   - Orphan: an owner with the "orphan" finalizer has its reference
//     removed from each dependent, then the finalizer.
//   - A dependent with an owner left is kept, and loses its references
//     to the missing owners.
//   - A namespaced dependent looks its owners up in its own namespace, or
//     cluster-wide for cluster-scoped kinds. A cluster-scoped object that
//     names a namespaced owner is reported with an OwnerRefInvalidNamespace
//     event and left alone.
//
// The two decisions the graph alone makes — that no dependent blocks an
// owner any more, and which dependents to orphan — wait until every
// monitor has loaded its first list.
//
// A restarted collector finds the garbage left while it was down: its
// first lists show dependents whose owners are missing. Collecting starts
// once those lists are loaded (or Options.SyncTimeout has passed).
//
// Add makes the collector a runnable of a controller.Manager, so it runs on
// the leader only; like every spar component it reads and writes through
// package client alone, and another program could take its place.
package garbagecollector
