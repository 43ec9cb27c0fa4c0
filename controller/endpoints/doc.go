// Package endpoints is the endpoints controller, as Kubernetes'
// pkg/controller/endpoint: for every Service with a selector it keeps a
// core/v1 Endpoints object of the same name listing the pods the selector
// matches (DESIGN.md: "endpoints controller adds the pod IP ... when
// Ready"). It is a client of the API like any other: it reads shared
// informer caches and writes through the client.
//
// A reconcile of one service reads the pods its selector selects through
// an index of pods by label (IndexPods), computes the canonical subsets
// (ready and not ready addresses, target ports resolved per pod, ports
// served by the same addresses grouped, everything sorted) and writes only
// when they differ from the cached object. Pod events reach the services
// that select the pod through an index of services by selector
// (IndexServices, PodHandler), never a scan of every service; pod updates
// that change nothing endpoints show enqueue nothing. After each write the
// controller remembers the resourceVersion it got back (spar's are
// comparable integers), and a reconcile that reads a cache not yet showing
// that write waits for its event instead of writing stale data and
// conflicting.
//
// Services without a selector, and ExternalName services, are left to
// their users. When a service is deleted its Endpoints object is deleted
// too: it has no owner reference, as in Kubernetes; objects this
// controller wrote (label LabelManagedBy) for services deleted while it
// was not running are deleted when it starts. Each object lists at most
// MaxAddresses addresses; EndpointSlices (package endpointslice) have no
// such limit and are what spar's proxy reads.
//
// The pieces shared with package endpointslice (the indexes, PodHandler,
// FindPort, ShouldPodBeInEndpoints, TriggerTimeTracker) are exported.
package endpoints
