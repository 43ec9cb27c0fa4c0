package api

// addScheduling registers the kinds of the scheduling API group. (Stub: filled in with the group's types.)
func addScheduling(s *Scheme) {}
