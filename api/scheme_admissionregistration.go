package api

import "github.com/spar-dev/spar/api/admissionregistration"

// addAdmissionRegistration registers the kinds of
// admissionregistration.k8s.io/v1: the webhook configurations the API
// server's admission chain reads.
func addAdmissionRegistration(s *Scheme) {
	MustRegister[admissionregistration.MutatingWebhookConfiguration](s, Resource{
		Group: admissionregistration.GroupName, Version: admissionregistration.Version,
		Kind: "MutatingWebhookConfiguration", Plural: "mutatingwebhookconfigurations",
		Categories: []string{"api-extensions"},
	})
	MustRegister[admissionregistration.ValidatingWebhookConfiguration](s, Resource{
		Group: admissionregistration.GroupName, Version: admissionregistration.Version,
		Kind: "ValidatingWebhookConfiguration", Plural: "validatingwebhookconfigurations",
		Categories: []string{"api-extensions"},
	})
}
