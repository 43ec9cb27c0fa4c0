package certificates

import (
	"context"
	"fmt"
	"time"

	"github.com/spar-dev/spar/api/certificates"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/pki"
)

// cleaner deletes requests that are done with, so that automatic renewals
// do not pile up.
type cleaner struct {
	csrs   *controller.Informer[certificates.CertificateSigningRequest, *certificates.CertificateSigningRequest]
	client *client.ResourceClient[certificates.CertificateSigningRequest, *certificates.CertificateSigningRequest]
	opts   Options
}

func newCleaner(m *controller.Manager, csrs *controller.Informer[certificates.CertificateSigningRequest, *certificates.CertificateSigningRequest], o Options) *cleaner {
	return &cleaner{csrs: csrs, client: client.Resource[certificates.CertificateSigningRequest](m.Client()), opts: o}
}

// Reconcile deletes the request req names once its time is up, and
// otherwise asks to be called again then: no polling of every request.
func (c *cleaner) Reconcile(ctx context.Context, req controller.Request) (controller.Result, error) {
	csr, ok := c.csrs.Get("", req.Name)
	if !ok || csr.DeletionTimestamp != nil {
		return controller.Result{}, nil
	}
	wait := c.expiry(csr).Sub(c.opts.Now())
	if wait > 0 {
		return controller.Result{RequeueAfter: wait}, nil
	}
	err := c.client.Delete(ctx, csr.Name, &meta.DeleteOptions{Preconditions: &meta.Preconditions{UID: &csr.UID}})
	if err != nil && !client.IsNotFound(err) && !client.IsConflict(err) {
		return controller.Result{}, fmt.Errorf("deleting certificate signing request %s: %w", csr.Name, err)
	}
	return controller.Result{}, nil
}

// expiry is when a request may go, as Kubernetes' csrcleaner decides:
//
//   - issued: ApprovedTTL after its approval, or when its certificate
//     expires if that is sooner;
//   - denied or failed: DeniedTTL after that;
//   - otherwise (pending, or approved for a signer that never answers):
//     PendingTTL after its creation.
func (c *cleaner) expiry(csr *certificates.CertificateSigningRequest) time.Time {
	since := func(t certificates.RequestConditionType) time.Time {
		cond := csr.Condition(t)
		if cond == nil || cond.LastUpdateTime.IsZero() {
			return csr.CreationTimestamp.Time
		}
		return cond.LastUpdateTime.Time
	}
	switch {
	case csr.IsDenied():
		return since(certificates.CertificateDenied).Add(c.opts.DeniedTTL)
	case csr.IsFailed():
		return since(certificates.CertificateFailed).Add(c.opts.DeniedTTL)
	case csr.IsApproved() && csr.IsIssued():
		at := since(certificates.CertificateApproved).Add(c.opts.ApprovedTTL)
		if cert, err := pki.ParseCertificate(csr.Status.Certificate); err == nil && cert.NotAfter.Before(at) {
			at = cert.NotAfter
		}
		return at
	}
	return csr.CreationTimestamp.Add(c.opts.PendingTTL)
}
