package api

// addCoordination registers the kinds of the coordination API group. (Stub: filled in with the group's types.)
func addCoordination(s *Scheme) {}
