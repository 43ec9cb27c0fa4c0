package api

// addCore registers the kinds of the core API group. (Stub: filled in with the group's types.)
func addCore(s *Scheme) {}
