package api

import "github.com/spar-dev/spar/api/scheduling"

// addScheduling registers the kinds of scheduling.k8s.io/v1.
func addScheduling(s *Scheme) {
	MustRegister[scheduling.PriorityClass](s, Resource{Group: scheduling.GroupName, Version: scheduling.Version,
		Kind: "PriorityClass", Plural: "priorityclasses", ShortNames: []string{"pc"}})
}
