package api

import "github.com/spar-dev/spar/api/discovery"

// addDiscovery registers the kinds of discovery.k8s.io/v1.
func addDiscovery(s *Scheme) {
	MustRegister[discovery.EndpointSlice](s, Resource{Group: discovery.GroupName, Version: discovery.Version,
		Kind: "EndpointSlice", Plural: "endpointslices", Namespaced: true})
}
