package api

// addPolicy registers the kinds of the policy API group. (Stub: filled in with the group's types.)
func addPolicy(s *Scheme) {}
