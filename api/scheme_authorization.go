package api

import "github.com/spar-dev/spar/api/authorization"

// addAuthorization registers the kinds of authorization.k8s.io/v1: access
// reviews, which are created (answered) and never stored, so create is
// their only verb.
func addAuthorization(s *Scheme) {
	g, v := authorization.GroupName, authorization.Version
	create := []string{"create"}
	MustRegister[authorization.LocalSubjectAccessReview](s, Resource{Group: g, Version: v, Kind: "LocalSubjectAccessReview",
		Plural: "localsubjectaccessreviews", Namespaced: true, Verbs: create})
	MustRegister[authorization.SelfSubjectAccessReview](s, Resource{Group: g, Version: v, Kind: "SelfSubjectAccessReview",
		Plural: "selfsubjectaccessreviews", Verbs: create})
	MustRegister[authorization.SelfSubjectRulesReview](s, Resource{Group: g, Version: v, Kind: "SelfSubjectRulesReview",
		Plural: "selfsubjectrulesreviews", Verbs: create})
	MustRegister[authorization.SubjectAccessReview](s, Resource{Group: g, Version: v, Kind: "SubjectAccessReview",
		Plural: "subjectaccessreviews", Verbs: create})
}
