package certificates

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/spar-dev/spar/api/authorization"
	"github.com/spar-dev/spar/api/certificates"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/pki"
)

// Reasons and messages of the approver's Approved conditions, as
// Kubernetes' csrapproving controller writes them.
const (
	ReasonAutoApproved   = "AutoApproved"
	messageNodeClient    = "Auto approving kubelet client certificate after SubjectAccessReview."
	messageSelfNodeRenew = "Auto approving self kubelet client certificate after SubjectAccessReview."
)

// bootstrappersGroup is the group of every bootstrap token's user
// (apiserver/authn.BootstrappersGroup).
const bootstrappersGroup = "system:bootstrappers"

// notAllowedRetry is when the approver looks again at a request whose
// requester the authorizer refused: RBAC may change meanwhile.
const notAllowedRetry = time.Minute

// nodeNameIndex indexes requests for node client certificates by node.
const nodeNameIndex = "spar.dev/csr-node-client"

// approver approves the requests of nodes for their client certificates.
type approver struct {
	csrs     *controller.Informer[certificates.CertificateSigningRequest, *certificates.CertificateSigningRequest]
	nodes    *controller.Informer[core.Node, *core.Node]
	client   *client.Client
	recorder *controller.Recorder
	now      func() time.Time
}

func newApprover(m *controller.Manager, csrs *controller.Informer[certificates.CertificateSigningRequest, *certificates.CertificateSigningRequest], o Options) *approver {
	csrs.AddIndex(nodeNameIndex, func(c *certificates.CertificateSigningRequest) []string {
		if c.Spec.SignerName != certificates.KubeAPIServerClientKubeletSignerName {
			return nil
		}
		req, err := certificates.ParseRequest(c.Spec.Request)
		if err != nil {
			return nil
		}
		node, err := checkNodeClient(req, c.Spec.Usages)
		if err != nil {
			return nil
		}
		return []string{node}
	})
	return &approver{
		csrs:     csrs,
		nodes:    controller.GetInformer[core.Node](m, nil),
		client:   m.Client(),
		recorder: m.Recorder(ApproverName),
		now:      o.Now,
	}
}

// Reconcile approves the request req names when it is a node's request for
// its own client certificate (signer kubernetes.io/kube-apiserver-client-kubelet,
// CN=system:node:<name>, O=system:nodes, no alternative names, usages
// digital signature and client auth, plus key encipherment for an RSA key)
// and one of:
//
//   - a renewal: the requester is that node (user system:node:<name> in
//     system:nodes), and may create certificatesigningrequests/selfnodeclient;
//   - a new node: the requester is in system:bootstrappers, may create
//     certificatesigningrequests/nodeclient, and the name is free: no Node
//     of that name is registered and no other requester has an approved
//     request for it.
//
// The permissions are asked of the API server's authorizer with a
// SubjectAccessReview, as Kubernetes does. Everything else stays pending
// for a person (`kubectl certificate approve`); the approver never denies.
func (a *approver) Reconcile(ctx context.Context, req controller.Request) (controller.Result, error) {
	csr, ok := a.csrs.Get("", req.Name)
	if !ok || csr.IsIssued() || csr.Condition(certificates.CertificateApproved) != nil || csr.Condition(certificates.CertificateDenied) != nil {
		return controller.Result{}, nil
	}
	if csr.Spec.SignerName != certificates.KubeAPIServerClientKubeletSignerName {
		return controller.Result{}, nil
	}
	x509req, err := certificates.ParseRequest(csr.Spec.Request)
	if err != nil {
		return controller.Result{}, nil // validation keeps these out
	}
	node, err := checkNodeClient(x509req, csr.Spec.Usages)
	if err == nil {
		err = strictNodeClientUsages(x509req, csr.Spec.Usages)
	}
	if err != nil {
		return controller.Result{}, nil // not a node client request
	}
	var subresource, message string
	switch {
	case csr.Spec.Username == x509req.Subject.CommonName && slices.Contains(csr.Spec.Groups, pki.NodesGroup):
		subresource, message = "selfnodeclient", messageSelfNodeRenew
	case slices.Contains(csr.Spec.Groups, bootstrappersGroup):
		if reason := a.nameTaken(node, csr); reason != "" {
			a.recorder.Eventf(csr, controller.EventWarning, "NotApproved",
				"Not approving a client certificate for node %q requested by %s: %s", node, csr.Spec.Username, reason)
			return controller.Result{}, nil
		}
		subresource, message = "nodeclient", messageNodeClient
	default:
		return controller.Result{}, nil
	}
	allowed, err := a.authorize(ctx, csr, subresource)
	if err != nil {
		return controller.Result{}, fmt.Errorf("asking whether %s may create certificatesigningrequests/%s: %w", csr.Spec.Username, subresource, err)
	}
	if !allowed {
		return controller.Result{RequeueAfter: notAllowedRetry}, nil
	}
	c := meta.DeepCopy(csr)
	c.SetCondition(certificates.CertificateSigningRequestCondition{Type: certificates.CertificateApproved,
		Status: meta.ConditionTrue, Reason: ReasonAutoApproved, Message: message}, meta.NewTime(a.now()))
	if _, err := UpdateApproval(ctx, a.client, c); err != nil {
		if client.IsNotFound(err) {
			return controller.Result{}, nil
		}
		return controller.Result{}, fmt.Errorf("approving certificate signing request %s: %w", csr.Name, err)
	}
	return controller.Result{}, nil
}

// nameTaken says why a bootstrapper may not get a certificate for node,
// or "" when it may: a bootstrap token is shared by every joining node, and
// must not let one node take over another's identity.
func (a *approver) nameTaken(node string, csr *certificates.CertificateSigningRequest) string {
	if _, ok := a.nodes.Get("", node); ok {
		return "a node of that name is registered; it must renew its certificate itself"
	}
	for _, other := range a.csrs.ByIndex(nodeNameIndex, node) {
		if other.UID != csr.UID && other.Spec.Username != csr.Spec.Username && other.IsApproved() {
			return fmt.Sprintf("certificate signing request %s of %s for that name is approved", other.Name, other.Spec.Username)
		}
	}
	return ""
}

// authorize asks the API server whether the requester may create the
// certificatesigningrequests subresource that stands for the kind of
// request.
func (a *approver) authorize(ctx context.Context, csr *certificates.CertificateSigningRequest, subresource string) (bool, error) {
	sar := &authorization.SubjectAccessReview{Spec: authorization.SubjectAccessReviewSpec{
		User: csr.Spec.Username, UID: csr.Spec.UID, Groups: csr.Spec.Groups,
		ResourceAttributes: &authorization.ResourceAttributes{Group: certificates.GroupName,
			Resource: "certificatesigningrequests", Subresource: subresource, Verb: "create"},
	}}
	if len(csr.Spec.Extra) > 0 {
		sar.Spec.Extra = map[string]authorization.ExtraValue{}
		for k, v := range csr.Spec.Extra {
			sar.Spec.Extra[k] = authorization.ExtraValue{Items: v.Items}
		}
	}
	out, err := client.Resource[authorization.SubjectAccessReview](a.client).Create(ctx, sar, nil)
	if err != nil {
		return false, err
	}
	return out.Status.Allowed, nil
}
