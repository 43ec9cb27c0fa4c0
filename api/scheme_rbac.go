package api

// addRBAC registers the kinds of the rbac API group. (Stub: filled in with the group's types.)
func addRBAC(s *Scheme) {}
