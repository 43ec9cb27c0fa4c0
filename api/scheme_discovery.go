package api

// addDiscovery registers the kinds of the discovery API group. (Stub: filled in with the group's types.)
func addDiscovery(s *Scheme) {}
