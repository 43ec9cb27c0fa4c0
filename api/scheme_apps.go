package api

// addApps registers the kinds of the apps API group. (Stub: filled in with the group's types.)
func addApps(s *Scheme) {}
