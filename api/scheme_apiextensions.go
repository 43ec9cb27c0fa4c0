package api

import "github.com/spar-dev/spar/api/apiextensions"

// addAPIExtensions registers the kinds of apiextensions.k8s.io/v1.
func addAPIExtensions(s *Scheme) {
	MustRegister[apiextensions.CustomResourceDefinition](s, Resource{Group: apiextensions.GroupName, Version: apiextensions.Version,
		Kind: "CustomResourceDefinition", Plural: "customresourcedefinitions",
		ShortNames: []string{"crd", "crds"}, Categories: []string{"api-extensions"}, Subresources: []string{"status"}})
}
