package api

import "github.com/spar-dev/spar/api/autoscaling"

// addAutoscaling registers the kinds of autoscaling/v1. Scale is the body of
// the scale subresource of other resources, not a resource of its own, so it
// is not registered.
func addAutoscaling(s *Scheme) {
	MustRegister[autoscaling.HorizontalPodAutoscaler](s, Resource{Group: autoscaling.GroupName, Version: autoscaling.Version,
		Kind: "HorizontalPodAutoscaler", Plural: "horizontalpodautoscalers", Namespaced: true,
		ShortNames: []string{"hpa"}, Categories: []string{"all"}, Subresources: []string{"status"}})
}
