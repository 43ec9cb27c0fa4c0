package api

// addNetworking registers the kinds of the networking API group. (Stub: filled in with the group's types.)
func addNetworking(s *Scheme) {}
