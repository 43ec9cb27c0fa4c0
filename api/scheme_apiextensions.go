package api

// addAPIExtensions registers the kinds of the apiextensions API group. (Stub: filled in with the group's types.)
func addAPIExtensions(s *Scheme) {}
