package api

import "github.com/spar-dev/spar/api/policy"

// addPolicy registers the kinds of policy/v1. Eviction, the body of the
// pods/eviction subresource, is not a resource and is not registered.
func addPolicy(s *Scheme) {
	MustRegister[policy.PodDisruptionBudget](s, Resource{Group: policy.GroupName, Version: policy.Version,
		Kind: "PodDisruptionBudget", Plural: "poddisruptionbudgets", Namespaced: true,
		ShortNames: []string{"pdb"}, Subresources: []string{"status"}})
}
