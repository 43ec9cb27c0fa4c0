package certificates

import (
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spar-dev/spar/api/certificates"
	"github.com/spar-dev/spar/pki"
)

// What the kubernetes.io signers require of a request, with Kubernetes'
// messages (pkg/apis/certificates/helpers.go).
var (
	errOrgNotNodes      = errors.New("subject organization is not system:nodes")
	errCNNotNode        = errors.New("subject common name does not begin with system:node:")
	errDNSOrIPRequired  = errors.New("DNS or IP subjectAltName is required")
	errDNSNotAllowed    = errors.New("DNS subjectAltNames are not allowed")
	errEmailNotAllowed  = errors.New("Email subjectAltNames are not allowed")
	errIPNotAllowed     = errors.New("IP subjectAltNames are not allowed")
	errURINotAllowed    = errors.New("URI subjectAltNames are not allowed")
	errMastersForbidden = fmt.Errorf("use of %s signer with %s group is not allowed", certificates.KubeAPIServerClientSignerName, pki.MastersGroup)
)

// usageSet is a request's usages, sorted and without duplicates, for
// comparison with the sets a signer allows.
func usageSet(usages []certificates.KeyUsage) []certificates.KeyUsage {
	s := slices.Clone(usages)
	slices.Sort(s)
	return slices.Compact(s)
}

func oneOf(usages []certificates.KeyUsage, allowed ...[]certificates.KeyUsage) error {
	got := usageSet(usages)
	for _, a := range allowed {
		if slices.Equal(got, usageSet(a)) {
			return nil
		}
	}
	names := make([]string, len(allowed[0]))
	for i, u := range usageSet(allowed[0]) {
		names[i] = string(u)
	}
	return fmt.Errorf("usages did not match [%s]", strings.Join(names, " "))
}

var (
	nodeClientUsages      = []certificates.KeyUsage{certificates.UsageDigitalSignature, certificates.UsageClientAuth}
	nodeClientUsagesRSA   = []certificates.KeyUsage{certificates.UsageDigitalSignature, certificates.UsageKeyEncipherment, certificates.UsageClientAuth}
	nodeServingUsages     = []certificates.KeyUsage{certificates.UsageDigitalSignature, certificates.UsageServerAuth}
	nodeServingUsagesRSA  = []certificates.KeyUsage{certificates.UsageDigitalSignature, certificates.UsageKeyEncipherment, certificates.UsageServerAuth}
	apiServerClientUsages = []certificates.KeyUsage{certificates.UsageDigitalSignature, certificates.UsageKeyEncipherment, certificates.UsageClientAuth}
)

// checkNodeClient checks a request for a node's client certificate
// (CN=system:node:<name>, O=system:nodes, no subject alternative names)
// and returns the node's name. Usages must be digital signature and client
// auth, and may add key encipherment (meaningful only for RSA keys, but
// older node agents ask for it with any key).
func checkNodeClient(req *x509.CertificateRequest, usages []certificates.KeyUsage) (string, error) {
	switch {
	case !slices.Equal(req.Subject.Organization, []string{pki.NodesGroup}):
		return "", errOrgNotNodes
	case len(req.DNSNames) > 0:
		return "", errDNSNotAllowed
	case len(req.EmailAddresses) > 0:
		return "", errEmailNotAllowed
	case len(req.IPAddresses) > 0:
		return "", errIPNotAllowed
	case len(req.URIs) > 0:
		return "", errURINotAllowed
	case !strings.HasPrefix(req.Subject.CommonName, pki.NodeUserPrefix):
		return "", errCNNotNode
	}
	if err := oneOf(usages, nodeClientUsagesRSA, nodeClientUsages); err != nil {
		return "", err
	}
	return strings.TrimPrefix(req.Subject.CommonName, pki.NodeUserPrefix), nil
}

// strictNodeClientUsages is the approver's stricter rule: key encipherment
// only with an RSA key, where it has a meaning.
func strictNodeClientUsages(req *x509.CertificateRequest, usages []certificates.KeyUsage) error {
	if _, isRSA := req.PublicKey.(*rsa.PublicKey); isRSA {
		return oneOf(usages, nodeClientUsagesRSA, nodeClientUsages)
	}
	return oneOf(usages, nodeClientUsages)
}

// checkNodeServing checks a request for a node agent's serving
// certificate: a node subject and at least one DNS or IP name.
func checkNodeServing(req *x509.CertificateRequest, usages []certificates.KeyUsage) error {
	if !slices.Equal(req.Subject.Organization, []string{pki.NodesGroup}) {
		return errOrgNotNodes
	}
	switch {
	case len(req.DNSNames) == 0 && len(req.IPAddresses) == 0:
		return errDNSOrIPRequired
	case len(req.EmailAddresses) > 0:
		return errEmailNotAllowed
	case len(req.URIs) > 0:
		return errURINotAllowed
	}
	if err := oneOf(usages, nodeServingUsagesRSA, nodeServingUsages); err != nil {
		return err
	}
	if !strings.HasPrefix(req.Subject.CommonName, pki.NodeUserPrefix) {
		return errCNNotNode
	}
	return nil
}

// checkAPIServerClient checks a request for a client certificate of the
// API server: client auth, optionally digital signature and key
// encipherment, and never the system:masters group, which would make the
// holder a cluster administrator that no authorizer can restrict (Kubernetes
// refuses it in its CertificateSubjectRestriction admission plugin; the
// signer refusing it too keeps a misconfigured API server safe).
func checkAPIServerClient(req *x509.CertificateRequest, usages []certificates.KeyUsage) error {
	if slices.Contains(req.Subject.Organization, pki.MastersGroup) {
		return errMastersForbidden
	}
	hasClientAuth := false
	for _, u := range usages {
		switch {
		case u == certificates.UsageClientAuth:
			hasClientAuth = true
		case slices.Contains(apiServerClientUsages, u):
		default:
			return fmt.Errorf("invalid usage for client certificate: %s", u)
		}
	}
	if !hasClientAuth {
		return fmt.Errorf("missing required usage for client certificate: %s", certificates.UsageClientAuth)
	}
	return nil
}

// checkForSigner checks req against what signer issues.
func checkForSigner(signer string, req *x509.CertificateRequest, usages []certificates.KeyUsage) error {
	switch signer {
	case certificates.KubeAPIServerClientKubeletSignerName:
		_, err := checkNodeClient(req, usages)
		return err
	case certificates.KubeletServingSignerName:
		return checkNodeServing(req, usages)
	case certificates.KubeAPIServerClientSignerName:
		return checkAPIServerClient(req, usages)
	}
	return fmt.Errorf("signer %q is not served here", signer)
}
