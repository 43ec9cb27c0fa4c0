// Package namespace is the namespace controller: it empties namespaces
// being deleted and then lets them go, as Kubernetes' namespace controller
// does (DESIGN.md, "controller").
//
// Deleting a namespace does not delete it at once: the API server marks it
// Terminating and keeps it while its spec.finalizers holds "kubernetes".
// The controller, for each terminating namespace:
//
//  1. discovers every namespaced resource that can be deleted, built-in
//     and custom alike, each at its group's preferred version, through
//     the discovery documents (client.Discovery), never from a built-in
//     list, so the kinds of CRDs created a second ago are included;
//  2. deletes pods first and, once none is left, everything else: with one
//     deletecollection per resource where the resource allows it, else a
//     list and a delete per object, always with background propagation;
//  3. lists what is left. Objects held by finalizers, or pods in their
//     grace period, take time: the namespace is checked again after a
//     wait that doubles up to Options.MaxRecheck, and its conditions say
//     what remains ("Some resources are remaining: configmaps. has 2
//     resource instances") and which finalizers hold it;
//  4. when nothing is left, removes "kubernetes" through the finalize
//     subresource; the server deletes the namespace once no finalizer
//     holds it.
//
// Everything goes through the API, through a metadata client
// (client.Metadata) for the content: the server sends the objects'
// metadata only, all the controller reads of them. A failure (discovery
// of a group, deleting a resource) is recorded in the conditions
// NamespaceDeletionDiscoveryFailure and NamespaceDeletionContentFailure,
// and the namespace is retried with the queue's backoff; it is never
// released while a resource may still hold content.
package namespace
