package certificates

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/certificates"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/pki"
)

// The controllers' names in logs, metrics and events, and in
// Options.Controllers, as kube-controller-manager names them.
const (
	ApproverName = "csrapproving"
	SignerName   = "csrsigning"
	CleanerName  = "csrcleaner"
)

// Defaults of Options.
const (
	DefaultWorkers     = 5
	DefaultApprovedTTL = time.Hour
	DefaultDeniedTTL   = time.Hour
	DefaultPendingTTL  = 24 * time.Hour
)

// Options tune the controllers. The zero value is the defaults, except
// that the signer needs PKI.
type Options struct {
	// PKI is the cluster CA that signs approved requests. Required when
	// the signer runs.
	PKI *pki.PKI
	// MaxDuration caps the validity of issued certificates, as
	// kube-controller-manager's --cluster-signing-duration: a request's
	// expirationSeconds may ask for less (at least 10 minutes), never more.
	// Default pki.DefaultCertValidity (one year).
	MaxDuration time.Duration
	// Controllers names the controllers to run (ApproverName, SignerName,
	// CleanerName). Default: all three.
	Controllers []string
	// Workers is the number of requests the approver and the signer each
	// handle at once. Default DefaultWorkers (5).
	Workers int
	// ApprovedTTL is how long the cleaner keeps an issued request after
	// its approval. Default DefaultApprovedTTL (1h).
	ApprovedTTL time.Duration
	// DeniedTTL is how long it keeps a denied or failed request. Default
	// DefaultDeniedTTL (1h).
	DeniedTTL time.Duration
	// PendingTTL is how long it keeps a request that is not decided, or
	// approved but never issued, after its creation. Default
	// DefaultPendingTTL (24h).
	PendingTTL time.Duration
	// Now is the clock. Default time.Now.
	Now func() time.Time
}

func (o Options) withDefaults() (Options, error) {
	if o.Controllers == nil {
		o.Controllers = []string{ApproverName, SignerName, CleanerName}
	}
	for _, n := range o.Controllers {
		if n != ApproverName && n != SignerName && n != CleanerName {
			return o, fmt.Errorf("certificates: invalid options: unknown controller %q (want %s, %s or %s)", n, ApproverName, SignerName, CleanerName)
		}
	}
	if slices.Contains(o.Controllers, SignerName) && o.PKI == nil {
		return o, errors.New("certificates: invalid options: the signer needs PKI")
	}
	for _, d := range []time.Duration{o.MaxDuration, o.ApprovedTTL, o.DeniedTTL, o.PendingTTL} {
		if d < 0 {
			return o, fmt.Errorf("certificates: invalid options: negative duration %v", d)
		}
	}
	if o.Workers < 0 {
		return o, fmt.Errorf("certificates: invalid options: Workers %d", o.Workers)
	}
	if o.Workers == 0 {
		o.Workers = DefaultWorkers
	}
	if o.MaxDuration == 0 {
		o.MaxDuration = pki.DefaultCertValidity
	}
	if o.ApprovedTTL == 0 {
		o.ApprovedTTL = DefaultApprovedTTL
	}
	if o.DeniedTTL == 0 {
		o.DeniedTTL = DefaultDeniedTTL
	}
	if o.PendingTTL == 0 {
		o.PendingTTL = DefaultPendingTTL
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o, nil
}

// Add adds the CSR controllers Options.Controllers names to m: the
// approver, the signer and the cleaner. They share m's
// CertificateSigningRequest informer; the approver also reads Nodes.
func Add(m *controller.Manager, opts *Options) error {
	var o Options
	if opts != nil {
		o = *opts
	}
	o, err := o.withDefaults()
	if err != nil {
		return err
	}
	csrs := controller.GetInformer[certificates.CertificateSigningRequest](m, nil)
	for _, name := range o.Controllers {
		var r controller.Reconciler
		workers := o.Workers
		switch name {
		case ApproverName:
			r = newApprover(m, csrs, o)
		case SignerName:
			r = newSigner(m, csrs, o)
		case CleanerName:
			r, workers = newCleaner(m, csrs, o), 1
		}
		c := controller.New(name, r, &controller.Options{Workers: workers, Logger: m.Logger()})
		controller.Watch(c, csrs, controller.Self[certificates.CertificateSigningRequest]())
		m.Add(c)
	}
	return nil
}

// Approve approves the request called name through the approval
// subresource, as `kubectl certificate approve` does; approving an
// approved request does nothing, and a denied one cannot be approved.
func Approve(ctx context.Context, c *client.Client, name, reason, message string) error {
	return decide(ctx, c, name, certificates.CertificateApproved, reason, message)
}

// Deny denies the request called name through the approval subresource,
// as `kubectl certificate deny` does.
func Deny(ctx context.Context, c *client.Client, name, reason, message string) error {
	return decide(ctx, c, name, certificates.CertificateDenied, reason, message)
}

func decide(ctx context.Context, c *client.Client, name string, t certificates.RequestConditionType, reason, message string) error {
	csrs := client.Resource[certificates.CertificateSigningRequest](c)
	return client.RetryOnConflict(ctx, client.Backoff{}, func() error {
		csr, err := csrs.Get(ctx, name)
		if err != nil {
			return err
		}
		if cond := csr.Condition(t); cond != nil && cond.Status == meta.ConditionTrue {
			return nil
		}
		csr.SetCondition(certificates.CertificateSigningRequestCondition{Type: t, Status: meta.ConditionTrue,
			Reason: reason, Message: message}, meta.Now())
		_, err = UpdateApproval(ctx, c, csr)
		return err
	})
}

// UpdateApproval writes csr's conditions through the approval
// subresource (PUT .../certificatesigningrequests/<name>/approval) and
// returns the stored request. With metadata.resourceVersion set it fails
// with a conflict if the request changed since.
func UpdateApproval(ctx context.Context, c *client.Client, csr *certificates.CertificateSigningRequest) (*certificates.CertificateSigningRequest, error) {
	body := meta.DeepCopy(csr)
	if err := api.Default.SetTypeMeta(body); err != nil {
		return nil, err
	}
	out := new(certificates.CertificateSigningRequest)
	path := "/apis/" + certificates.GroupName + "/" + certificates.Version + "/certificatesigningrequests/" + url.PathEscape(csr.Name) + "/approval"
	if err := c.Do(ctx, "PUT", path, body, out); err != nil {
		return nil, err
	}
	return out, nil
}
