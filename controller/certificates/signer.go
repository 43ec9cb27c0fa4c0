package certificates

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spar-dev/spar/api/certificates"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/pki"
)

// ReasonSignerValidationFailure is the reason of the Failed condition the
// signer writes on a request its signer may not issue.
const ReasonSignerValidationFailure = "SignerValidationFailure"

// minDuration is the shortest validity a request can obtain by asking
// (spec.expirationSeconds); MaxDuration may still be shorter.
const minDuration = 10 * time.Minute

// signers are the signer names the signer issues for.
var signers = map[string]bool{
	certificates.KubeAPIServerClientSignerName:        true,
	certificates.KubeAPIServerClientKubeletSignerName: true,
	certificates.KubeletServingSignerName:             true,
}

// signer issues the certificates of approved requests with the cluster CA.
type signer struct {
	csrs     *controller.Informer[certificates.CertificateSigningRequest, *certificates.CertificateSigningRequest]
	client   *client.ResourceClient[certificates.CertificateSigningRequest, *certificates.CertificateSigningRequest]
	recorder *controller.Recorder
	pki      *pki.PKI
	max      time.Duration
	now      func() time.Time
}

func newSigner(m *controller.Manager, csrs *controller.Informer[certificates.CertificateSigningRequest, *certificates.CertificateSigningRequest], o Options) *signer {
	return &signer{
		csrs:     csrs,
		client:   client.Resource[certificates.CertificateSigningRequest](m.Client()),
		recorder: m.Recorder(SignerName),
		pki:      o.PKI,
		max:      o.MaxDuration,
		now:      o.Now,
	}
}

// Reconcile signs the request req names when it is approved (and not
// denied), not yet issued nor failed, and for one of the kubernetes.io
// signers: the certificate goes to status.certificate through the status
// subresource. A request its signer may not issue (a node client request
// with alternative names, an API server client in system:masters, ...)
// gets a Failed condition instead. The write carries the resourceVersion
// the request was read at, so a request is never issued twice.
func (s *signer) Reconcile(ctx context.Context, req controller.Request) (controller.Result, error) {
	csr, ok := s.csrs.Get("", req.Name)
	if !ok || !csr.IsApproved() || csr.IsIssued() || csr.IsFailed() || !signers[csr.Spec.SignerName] {
		return controller.Result{}, nil
	}
	x509req, err := certificates.ParseRequest(csr.Spec.Request)
	if err == nil {
		err = checkForSigner(csr.Spec.SignerName, x509req, csr.Spec.Usages)
	}
	if err != nil {
		return controller.Result{}, s.fail(ctx, csr, err)
	}
	usages := make([]pki.Usage, len(csr.Spec.Usages))
	for i, u := range csr.Spec.Usages {
		usages[i] = pki.Usage(u)
	}
	certPEM, err := s.pki.Sign(x509req, usages, s.duration(csr.Spec.ExpirationSeconds))
	if errors.Is(err, pki.ErrBadRequest) {
		return controller.Result{}, s.fail(ctx, csr, err)
	}
	if err != nil {
		return controller.Result{}, fmt.Errorf("signing certificate signing request %s: %w", csr.Name, err)
	}
	c := meta.DeepCopy(csr)
	c.Status.Certificate = certPEM
	if _, err := s.client.UpdateStatus(ctx, c, nil); err != nil && !client.IsNotFound(err) {
		return controller.Result{}, fmt.Errorf("writing the certificate of %s: %w", csr.Name, err)
	}
	return controller.Result{}, nil
}

// duration is the validity to issue: what the request asks for (at least
// minDuration), at most the configured maximum.
func (s *signer) duration(expirationSeconds *int32) time.Duration {
	if expirationSeconds == nil {
		return s.max
	}
	d := certificates.ExpirationSecondsToDuration(*expirationSeconds)
	switch {
	case d > s.max:
		return s.max
	case d < minDuration:
		return min(minDuration, s.max)
	}
	return d
}

// fail records that the request will not be signed.
func (s *signer) fail(ctx context.Context, csr *certificates.CertificateSigningRequest, why error) error {
	s.recorder.Eventf(csr, controller.EventWarning, ReasonSignerValidationFailure, "Not signing: %v", why)
	c := meta.DeepCopy(csr)
	c.SetCondition(certificates.CertificateSigningRequestCondition{Type: certificates.CertificateFailed,
		Status: meta.ConditionTrue, Reason: ReasonSignerValidationFailure, Message: why.Error()}, meta.NewTime(s.now()))
	if _, err := s.client.UpdateStatus(ctx, c, nil); err != nil && !client.IsNotFound(err) {
		return fmt.Errorf("marking %s failed: %w", csr.Name, err)
	}
	return nil
}
