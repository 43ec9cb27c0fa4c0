package api

// addAutoscaling registers the kinds of the autoscaling API group. (Stub: filled in with the group's types.)
func addAutoscaling(s *Scheme) {}
