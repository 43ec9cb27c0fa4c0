// Package discovery holds discovery.k8s.io/v1 EndpointSlice: the addresses
// and ports behind a Service, in slices of bounded size. The endpoints
// controller (controller/endpoints) writes them from ready pods; service
// proxies (proxy/...) and cluster DNS read them (DESIGN.md, "Data flow").
package discovery
