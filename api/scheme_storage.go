package api

// addStorage registers the kinds of the storage API group. (Stub: filled in with the group's types.)
func addStorage(s *Scheme) {}
