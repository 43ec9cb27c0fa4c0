package api

import "github.com/spar-dev/spar/api/coordination"

// addCoordination registers the kinds of coordination.k8s.io/v1.
func addCoordination(s *Scheme) {
	MustRegister[coordination.Lease](s, Resource{Group: coordination.GroupName, Version: coordination.Version,
		Kind: "Lease", Plural: "leases", Namespaced: true})
}
