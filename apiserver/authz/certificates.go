package authz

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spar-dev/spar/api/certificates"
	"github.com/spar-dev/spar/apiserver/admission"
)

// The certificate admission plugins, as Kubernetes' certificates
// plugins: approving or signing a CertificateSigningRequest is a right on
// its signer, not only on the request's subresource, so that a user who
// may update certificatesigningrequests/approval for one signer cannot
// approve requests of another. Rights are "approve" and "sign" on the
// resource "signers" of certificates.k8s.io, named after the signer or its
// domain followed by "/*".

// CertificatePlugins returns the factories of the three certificate
// plugins over the authorizer z, for Config.ExtraAdmissionPlugins.
func CertificatePlugins(z Authorizer) map[string]admission.Factory {
	return map[string]admission.Factory{
		admission.CertificateApprovalName: func(admission.Deps) (admission.Plugin, error) {
			return &signerRight{name: admission.CertificateApprovalName, subresource: "approval", verb: "approve", z: z}, nil
		},
		admission.CertificateSigningName: func(admission.Deps) (admission.Plugin, error) {
			return &signerRight{name: admission.CertificateSigningName, subresource: "status", verb: "sign", z: z}, nil
		},
		admission.CertificateSubjectRestrictionName: func(admission.Deps) (admission.Plugin, error) {
			return subjectRestriction{}, nil
		},
	}
}

// signerRight checks verb on the request's signer for updates of
// subresource: approval (CertificateApproval) or, when the certificate
// changes, status (CertificateSigning).
type signerRight struct {
	name, subresource, verb string
	z                       Authorizer
}

func (p *signerRight) Name() string { return p.name }

func (p *signerRight) Validate(ctx context.Context, a *admission.Attributes) error {
	if a.Group != certificates.GroupName || a.Resource != "certificatesigningrequests" ||
		a.Subresource != p.subresource || a.Operation != admission.Update {
		return nil
	}
	csr, ok := a.Object.(*certificates.CertificateSigningRequest)
	if !ok {
		return nil
	}
	if p.verb == "sign" {
		// Status writes that leave the certificate alone (a Failed
		// condition) need no signing right.
		if old, ok := a.OldObject.(*certificates.CertificateSigningRequest); ok && slices.Equal(old.Status.Certificate, csr.Status.Certificate) {
			return nil
		}
	}
	ok, err := authorizedForSigner(ctx, p.z, a, p.verb, csr.Spec.SignerName)
	if err != nil {
		return err
	}
	if !ok {
		return admission.NewForbidden(a, fmt.Errorf("user not permitted to %s requests with signerName %q", p.verb, csr.Spec.SignerName))
	}
	return nil
}

// authorizedForSigner asks z whether the user may verb the signer, by its
// name or by its domain's wildcard.
func authorizedForSigner(ctx context.Context, z Authorizer, a *admission.Attributes, verb, signer string) (bool, error) {
	names := []string{signer}
	if domain, _, ok := strings.Cut(signer, "/"); ok {
		names = append(names, domain+"/*")
	}
	for _, n := range names {
		d, _, err := z.Authorize(ctx, Attributes{User: a.User, Verb: verb, ResourceRequest: true,
			APIGroup: certificates.GroupName, APIVersion: certificates.Version, Resource: "signers", Name: n})
		if err != nil {
			return false, err
		}
		if d == Allow {
			return true, nil
		}
	}
	return false, nil
}

// subjectRestriction refuses requests to the kube-apiserver-client signer
// for the system:masters group: such a certificate would bypass
// authorization entirely, so none may be issued through the API.
type subjectRestriction struct{}

func (subjectRestriction) Name() string { return admission.CertificateSubjectRestrictionName }

func (subjectRestriction) Validate(_ context.Context, a *admission.Attributes) error {
	if a.Group != certificates.GroupName || a.Resource != "certificatesigningrequests" ||
		a.Subresource != "" || a.Operation != admission.Create {
		return nil
	}
	csr, ok := a.Object.(*certificates.CertificateSigningRequest)
	if !ok || csr.Spec.SignerName != certificates.KubeAPIServerClientSignerName {
		return nil
	}
	req, err := certificates.ParseRequest(csr.Spec.Request)
	if err != nil {
		return admission.NewForbidden(a, fmt.Errorf("failed to parse CSR: %w", err))
	}
	if slices.Contains(req.Subject.Organization, "system:masters") {
		return admission.NewForbidden(a, fmt.Errorf("use of %s signer with system:masters group is not allowed", csr.Spec.SignerName))
	}
	return nil
}
