package api

import "github.com/spar-dev/spar/api/authentication"

// addAuthentication registers the reviews of authentication.k8s.io/v1:
// created (answered) and never stored. TokenRequest is not a resource of
// its own but the body of serviceaccounts/token.
func addAuthentication(s *Scheme) {
	g, v := authentication.GroupName, authentication.Version
	create := []string{"create"}
	MustRegister[authentication.SelfSubjectReview](s, Resource{Group: g, Version: v, Kind: "SelfSubjectReview",
		Plural: "selfsubjectreviews", Verbs: create})
	MustRegister[authentication.TokenReview](s, Resource{Group: g, Version: v, Kind: "TokenReview",
		Plural: "tokenreviews", Verbs: create})
}
