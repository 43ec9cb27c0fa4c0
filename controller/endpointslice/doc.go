// Package endpointslice is the EndpointSlice controller, as Kubernetes'
// pkg/controller/endpointslice: for every Service with a selector it keeps
// discovery.k8s.io/v1 EndpointSlices listing the pods the selector matches,
// which is what spar's proxy and DNS read (DESIGN.md's data flow: the
// controller "adds the pod IP to the Service's EndpointSlice when Ready").
// Like every controller it reads shared informer caches and writes
// through the client.
//
// Slices are named by the server after the service (generateName
// "<service>-"), labelled kubernetes.io/service-name and
// endpointslice.kubernetes.io/managed-by (ManagedBy; slices managed by
// anyone else are left alone), owned by the service, and hold at most
// Options.MaxEndpointsPerSlice endpoints of one address type and one set
// of resolved ports. Each endpoint carries its pod's address, the
// ready/serving/terminating conditions, node, zone (the node's
// topology.kubernetes.io/zone label), hostname and a reference to the pod.
//
// A sync changes as little as it can (see plan): a pod change rewrites
// only the slice that holds its endpoint, new endpoints go into slices
// already being written or into one that has room, and a slice left empty
// is deleted (or reused instead of creating another). The controller
// remembers the resourceVersions of its own writes, so it ignores their
// echoes in the informer and waits for its cache to catch up with them
// before it syncs a service again, rather than create duplicate slices
// from stale data.
//
// Slices of a deleted service are garbage-collected through their owner
// reference, and deleted by this controller too when it sees the service
// go, so they do not wait for the garbage collector. Pods reach the
// services that select them through package endpoints' indexes. As in
// Kubernetes, a pod on a node that does not exist is left out (and its
// service retried) unless the service publishes not-ready addresses; the
// node's arrival puts the service back at once.
package endpointslice
