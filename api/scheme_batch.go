package api

// addBatch registers the kinds of the batch API group. (Stub: filled in with the group's types.)
func addBatch(s *Scheme) {}
