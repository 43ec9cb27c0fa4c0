package api

import "github.com/spar-dev/spar/api/certificates"

// addCertificates registers the kinds of certificates.k8s.io/v1.
func addCertificates(s *Scheme) {
	MustRegister[certificates.CertificateSigningRequest](s, Resource{Group: certificates.GroupName, Version: certificates.Version,
		Kind: "CertificateSigningRequest", Plural: "certificatesigningrequests", ShortNames: []string{"csr"},
		Subresources: []string{"status", "approval"}})
}
