// Package controller is the reconciler SDK: what spar's built-in
// controllers are written with, and what users write theirs with
// (DESIGN.md, "controller").
//
// The pieces, each usable alone:
//
//   - Informer lists and watches one kind through package client and keeps
//     an indexed local cache, calling handlers on every change. It re-watches
//     from its last resourceVersion when a watch ends or its connection
//     breaks (with backoff), and re-lists on 410 Gone. A MetadataInformer does
//     the same for any resource, custom ones included, holding only the
//     objects' metadata (PartialObjectMetadata, from client.Metadata): a
//     controller that needs names, labels, owners or finalizers keeps about
//     a quarter of the memory per pod (BenchmarkInformerMemory). Label and
//     field selectors scope either kind to the objects a controller needs.
//   - Queue is a typed, de-duplicating, rate-limited work queue: a key is
//     queued once however often it is added, and never processed by two
//     workers at once.
//   - Reconciler is the level-triggered unit of work: given a Request (a
//     namespace and name), it reads the world from informer caches,
//     compares it with the desired state and acts through the client.
//   - Controller connects informers to a Reconciler through MapFuncs
//     (Self, Owner, or any function) and runs N workers.
//   - Manager runs many controllers over shared informers, with leader
//     election through a Lease (only the leader reconciles; a leader that
//     stops releases the lease only once its controllers have returned),
//     event recording, and /healthz, /readyz and /metrics (per controller:
//     queue depth read at scrape time, adds, retries, reconcile latency,
//     results and errors).
//   - Recorder writes core/v1 Events correlated as client-go does: repeats
//     counted on one Event, similar events combined, each object rate
//     limited.
//
// Objects handed out by informers are shared and read-only; copy with
// meta.DeepCopy before changing one. Controllers never read the store:
// everything goes through the API, so any of them can be replaced by
// another program.
//
// Package controllertest starts a real API server, a client and a manager
// for tests in a fraction of a second.
package controller
