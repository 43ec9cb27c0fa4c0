package certificates

import (
	"crypto/x509"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/certificates"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/apiserver/authz"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/controller/controllertest"
	"github.com/spar-dev/spar/pki"
)

const wait = 20 * time.Second

// A bootstrapper's request for a new node's certificate is approved and
// issued, and the certificate authenticates the node.
func TestNodeClientApprovedAndIssued(t *testing.T) {
	c := startCluster(t, &Options{})
	boot, user := c.bootstrapper()
	csr, key := newRequest(t, nodeRequest("node-csr-1", "worker-1"))
	csr.Spec.Username, csr.Spec.Groups = "system:admin", []string{"system:masters"} // ignored: the server records the requester
	created, err := client.Resource[certificates.CertificateSigningRequest](boot).Create(t.Context(), csr, nil)
	if err != nil {
		t.Fatal(err)
	}
	if created.Spec.Username != user || !slices.Contains(created.Spec.Groups, "system:bootstrappers") {
		t.Errorf("requester = %q %v, want %q in system:bootstrappers", created.Spec.Username, created.Spec.Groups, user)
	}
	got := c.waitFor("node-csr-1", wait, issued)
	approved := got.Condition(certificates.CertificateApproved)
	if approved.Reason != ReasonAutoApproved || approved.Message != messageNodeClient || approved.LastUpdateTime.IsZero() || approved.LastTransitionTime.IsZero() {
		t.Errorf("Approved = %+v, want AutoApproved with the node client message and timestamps", approved)
	}
	cert, err := pki.ParseCertificate(got.Status.Certificate)
	if err != nil {
		t.Fatal(err)
	}
	if cert.Subject.CommonName != "system:node:worker-1" || !slices.Equal(cert.Subject.Organization, []string{"system:nodes"}) {
		t.Errorf("subject = %v, want CN=system:node:worker-1, O=system:nodes", cert.Subject)
	}
	if _, err := cert.Verify(x509.VerifyOptions{Roots: c.pki.CAPool(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Errorf("the certificate does not verify as a client certificate of the cluster CA: %v", err)
	}
	if life := cert.NotAfter.Sub(cert.NotBefore); life < pki.DefaultCertValidity || life > pki.DefaultCertValidity+10*time.Minute {
		t.Errorf("validity %v, want the default year", life)
	}
	keyPEM, _ := pki.MarshalKey(key)
	node := c.clientWith(got.Status.Certificate, keyPEM, "")
	if _, err := client.Resource[core.Namespace](node).List(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	if u := c.user("system:node:worker-1"); u == nil || !slices.Contains(u.Groups, "system:nodes") {
		t.Errorf("the server saw the node as %+v", u)
	}
}

// A node renewing its own certificate is approved, with the self message.
func TestNodeRenewalApproved(t *testing.T) {
	c := startCluster(t, &Options{})
	create(t, c.nodeClient("worker-2"), nodeRequest("renew-1", "worker-2"))
	got := c.waitFor("renew-1", wait, issued)
	if m := got.Condition(certificates.CertificateApproved).Message; m != messageSelfNodeRenew {
		t.Errorf("Approved message = %q, want %q", m, messageSelfNodeRenew)
	}
	if got.Spec.Username != "system:node:worker-2" {
		t.Errorf("requester = %q", got.Spec.Username)
	}
}

// Requests the approver must leave to a person. The reconciler is called
// directly on the cached request, so that "not approved" is a fact, not a
// timeout.
func TestNotAutoApproved(t *testing.T) {
	c := startCluster(t, nil)
	a := newApprover(c.manager, controller.GetInformer[certificates.CertificateSigningRequest](c.manager, nil), mustDefaults(t, Options{PKI: c.pki}))
	boot, _ := c.bootstrapper()
	otherBoot, _ := c.bootstrapper()
	worker := c.nodeClient("worker-1")

	// worker-1 is registered; worker-3 has an approved request of another
	// bootstrapper.
	if _, err := client.Resource[core.Node](worker).Create(t.Context(), &core.Node{ObjectMeta: meta.ObjectMeta{Name: "worker-1"}}, nil); err != nil {
		t.Fatal(err)
	}
	first := create(t, otherBoot, nodeRequest("first-worker-3", "worker-3"))
	if err := Approve(t.Context(), c.admin, first.Name, "Test", ""); err != nil {
		t.Fatal(err)
	}
	c.setRefuse(func(at authz.Attributes) bool {
		return at.User.Name == "system:node:worker-9" && at.Subresource == "selfnodeclient"
	})

	rsaUsages := []certificates.KeyUsage{certificates.UsageDigitalSignature, certificates.UsageKeyEncipherment, certificates.UsageClientAuth}
	tests := []struct {
		name string
		by   *client.Client
		req  request
	}{
		{"bootstrapper asks for a registered node", boot, nodeRequest("registered", "worker-1")},
		{"bootstrapper asks for a name another bootstrapper got", boot, nodeRequest("taken", "worker-3")},
		{"node asks for another node", worker, nodeRequest("other-node", "worker-2")},
		{"admin asks for a node", c.admin, nodeRequest("by-admin", "worker-4")},
		{"wrong organization", boot, request{name: "wrong-org", cn: "system:node:worker-5", orgs: []string{"system:masters"}}},
		{"two organizations", boot, request{name: "two-orgs", cn: "system:node:worker-5", orgs: []string{"system:nodes", "system:masters"}}},
		{"not a node name", boot, request{name: "not-node", cn: "worker-5", orgs: []string{"system:nodes"}}},
		{"alternative names", boot, request{name: "sans", cn: "system:node:worker-5", orgs: []string{"system:nodes"}, dns: []string{"worker-5"}}},
		{"server auth", boot, request{name: "server-auth", cn: "system:node:worker-5", orgs: []string{"system:nodes"},
			usages: []certificates.KeyUsage{certificates.UsageDigitalSignature, certificates.UsageServerAuth}}},
		{"key encipherment with an ECDSA key", boot, request{name: "ke-ecdsa", cn: "system:node:worker-5", orgs: []string{"system:nodes"}, usages: rsaUsages}},
		{"another signer", boot, request{name: "other-signer", cn: "system:node:worker-5", orgs: []string{"system:nodes"},
			signer: certificates.KubeAPIServerClientSignerName}},
		{"authorizer refuses the renewal", c.nodeClient("worker-9"), nodeRequest("refused", "worker-9")},
	}
	inf := a.csrs
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			csr := create(t, tt.by, tt.req)
			waitCached(t, inf, csr)
			if _, err := a.Reconcile(t.Context(), controller.Request{Name: csr.Name}); err != nil {
				t.Fatal(err)
			}
			if got := c.get(csr.Name); len(got.Status.Conditions) != 0 {
				t.Errorf("conditions = %s, want none: the request waits for a person", conditionsString(got))
			}
		})
	}
	// And the one that is fine is approved by the same reconciler.
	ok := create(t, boot, nodeRequest("fine", "worker-5"))
	waitCached(t, inf, ok)
	if _, err := a.Reconcile(t.Context(), controller.Request{Name: ok.Name}); err != nil {
		t.Fatal(err)
	}
	if got := c.get(ok.Name); !got.IsApproved() {
		t.Errorf("fine: conditions = %s, want approved", conditionsString(got))
	}
}

func mustDefaults(t *testing.T, o Options) Options {
	t.Helper()
	o, err := o.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// A denied request is never signed, and cannot be approved afterwards.
func TestDeniedNeverSigned(t *testing.T) {
	c := startCluster(t, nil)
	s := newSigner(c.manager, controller.GetInformer[certificates.CertificateSigningRequest](c.manager, nil), mustDefaults(t, Options{PKI: c.pki}))
	csr := create(t, c.admin, request{name: "denied", cn: "jane", signer: certificates.KubeAPIServerClientSignerName})
	if err := Deny(t.Context(), c.admin, csr.Name, "NotToday", "no"); err != nil {
		t.Fatal(err)
	}
	denied := c.get(csr.Name)
	waitCached(t, s.csrs, denied)
	if _, err := s.Reconcile(t.Context(), controller.Request{Name: csr.Name}); err != nil {
		t.Fatal(err)
	}
	if got := c.get(csr.Name); got.IsIssued() || !got.IsDenied() {
		t.Errorf("after the signer ran: issued %v, conditions %s; want denied and no certificate", got.IsIssued(), conditionsString(got))
	}
	err := Approve(t.Context(), c.admin, csr.Name, "Test", "")
	if !client.IsInvalid(err) || !strings.Contains(err.Error(), "Approved and Denied conditions are mutually exclusive") {
		t.Errorf("approving a denied request: %v, want 422 Approved and Denied conditions are mutually exclusive", err)
	}
}

// Approved requests a signer may not issue get a Failed condition; those
// of other signers are left alone.
func TestSignerValidation(t *testing.T) {
	c := startCluster(t, &Options{Controllers: []string{SignerName}})
	tests := []struct {
		req  request
		want string // the Failed message, "" for issued
	}{
		{request{name: "masters", cn: "eve", orgs: []string{"system:masters"}, signer: certificates.KubeAPIServerClientSignerName},
			"use of kubernetes.io/kube-apiserver-client signer with system:masters group is not allowed"},
		{request{name: "client-server-auth", cn: "jane", signer: certificates.KubeAPIServerClientSignerName,
			usages: []certificates.KeyUsage{certificates.UsageClientAuth, certificates.UsageServerAuth}}, "invalid usage for client certificate: server auth"},
		{request{name: "client-no-client-auth", cn: "jane", signer: certificates.KubeAPIServerClientSignerName,
			usages: []certificates.KeyUsage{certificates.UsageDigitalSignature}}, "missing required usage for client certificate: client auth"},
		{request{name: "jane", cn: "jane", orgs: []string{"devs"}, signer: certificates.KubeAPIServerClientSignerName}, ""},
		{request{name: "kubelet-with-sans", cn: "system:node:w", orgs: []string{"system:nodes"}, dns: []string{"w"}}, "DNS subjectAltNames are not allowed"},
		{request{name: "kubelet-wrong-usages", cn: "system:node:w", orgs: []string{"system:nodes"},
			usages: []certificates.KeyUsage{certificates.UsageClientAuth}}, "usages did not match [client auth digital signature key encipherment]"},
		{request{name: "serving-no-sans", cn: "system:node:w", orgs: []string{"system:nodes"}, signer: certificates.KubeletServingSignerName,
			usages: []certificates.KeyUsage{certificates.UsageDigitalSignature, certificates.UsageServerAuth}}, "DNS or IP subjectAltName is required"},
		{request{name: "serving", cn: "system:node:w", orgs: []string{"system:nodes"}, dns: []string{"w.example.com"}, signer: certificates.KubeletServingSignerName,
			usages: []certificates.KeyUsage{certificates.UsageDigitalSignature, certificates.UsageServerAuth}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.req.name, func(t *testing.T) {
			csr := create(t, c.admin, tt.req)
			if err := Approve(t.Context(), c.admin, csr.Name, "Test", ""); err != nil {
				t.Fatal(err)
			}
			got := c.waitFor(csr.Name, wait, func(csr *certificates.CertificateSigningRequest) error {
				if !csr.IsIssued() && !csr.IsFailed() {
					return errors.New("neither issued nor failed")
				}
				return nil
			})
			if tt.want == "" {
				if !got.IsIssued() || got.IsFailed() {
					t.Errorf("conditions %s, want issued", conditionsString(got))
				}
				return
			}
			f := got.Condition(certificates.CertificateFailed)
			if got.IsIssued() || f == nil || f.Reason != ReasonSignerValidationFailure || f.Message != tt.want {
				t.Errorf("issued %v, Failed %+v; want Failed %s %q", got.IsIssued(), f, ReasonSignerValidationFailure, tt.want)
			}
		})
	}

	// Another signer's request is not ours to answer.
	s := newSigner(c.manager, controller.GetInformer[certificates.CertificateSigningRequest](c.manager, nil), mustDefaults(t, Options{PKI: c.pki}))
	csr := create(t, c.admin, request{name: "custom", cn: "x", signer: "example.com/custom"})
	if err := Approve(t.Context(), c.admin, csr.Name, "Test", ""); err != nil {
		t.Fatal(err)
	}
	waitCached(t, s.csrs, c.get(csr.Name))
	if _, err := s.Reconcile(t.Context(), controller.Request{Name: csr.Name}); err != nil {
		t.Fatal(err)
	}
	if got := c.get(csr.Name); got.IsIssued() || got.IsFailed() {
		t.Errorf("example.com/custom: conditions %s, issued %v; want untouched", conditionsString(got), got.IsIssued())
	}
}

func TestDuration(t *testing.T) {
	s := &signer{max: 365 * 24 * time.Hour}
	short := &signer{max: 5 * time.Minute}
	secs := func(n int32) *int32 { return &n }
	tests := []struct {
		s    *signer
		req  *int32
		want time.Duration
	}{
		{s, nil, 365 * 24 * time.Hour},
		{s, secs(600), 10 * time.Minute},
		{s, secs(3600), time.Hour},
		{s, secs(2 * 365 * 24 * 3600), 365 * 24 * time.Hour},
		{s, secs(60), 10 * time.Minute}, // not valid through the API, still bounded
		{short, secs(3600), 5 * time.Minute},
		{short, secs(60), 5 * time.Minute},
		{short, nil, 5 * time.Minute},
	}
	for _, tt := range tests {
		req := "nil"
		if tt.req != nil {
			req = fmt.Sprint(*tt.req)
		}
		if got := tt.s.duration(tt.req); got != tt.want {
			t.Errorf("max %v, expirationSeconds %s: duration %v, want %v", tt.s.max, req, got, tt.want)
		}
	}
}

// The issued certificate lasts what the request asks for, capped by
// MaxDuration.
func TestIssuedValidity(t *testing.T) {
	c := startCluster(t, &Options{MaxDuration: 2 * time.Hour})
	for _, tt := range []struct {
		name    string
		seconds int32
		want    time.Duration
	}{{"asks-less", 3600, time.Hour}, {"asks-more", 3 * 3600, 2 * time.Hour}, {"asks-nothing", 0, 2 * time.Hour}} {
		r := request{name: tt.name, cn: "jane", signer: certificates.KubeAPIServerClientSignerName, seconds: tt.seconds}
		create(t, c.admin, r)
		if err := Approve(t.Context(), c.admin, tt.name, "Test", ""); err != nil {
			t.Fatal(err)
		}
		cert, err := pki.ParseCertificate(c.waitFor(tt.name, wait, issued).Status.Certificate)
		if err != nil {
			t.Fatal(err)
		}
		// NotBefore is backdated by five minutes for clock skew.
		if got := cert.NotAfter.Sub(cert.NotBefore) - 5*time.Minute; got < tt.want-time.Minute || got > tt.want+time.Minute {
			t.Errorf("%s: validity %v, want %v", tt.name, got, tt.want)
		}
	}
}

// The subresources write only what they own, whatever the body says.
func TestSubresourcesWriteOnlyTheirPart(t *testing.T) {
	c := startCluster(t, nil)
	csrs := client.Resource[certificates.CertificateSigningRequest](c.admin)
	csr := create(t, c.admin, request{name: "split", cn: "jane", signer: certificates.KubeAPIServerClientSignerName})
	donor, err := c.pki.NodeCertificate("pem-donor")
	if err != nil {
		t.Fatal(err)
	}
	cert := donor.CertPEM

	// The main resource: labels change; spec and status do not.
	upd := meta.DeepCopy(csr)
	upd.Labels = map[string]string{"team": "a"}
	upd.Spec.SignerName = "example.com/other"
	upd.Status.Certificate = cert
	out, err := csrs.Update(t.Context(), upd, nil)
	if err != nil {
		t.Fatal(err)
	}
	if out.Labels["team"] != "a" || out.Spec.SignerName != csr.Spec.SignerName || out.IsIssued() {
		t.Errorf("after a main update: labels %v, signer %q, issued %v; want the labels only", out.Labels, out.Spec.SignerName, out.IsIssued())
	}

	// Status cannot approve.
	upd = meta.DeepCopy(out)
	upd.SetCondition(certificates.CertificateSigningRequestCondition{Type: certificates.CertificateApproved, Status: meta.ConditionTrue}, meta.Now())
	if _, err := csrs.UpdateStatus(t.Context(), upd, nil); !client.IsInvalid(err) || !strings.Contains(err.Error(), `updates may not add a condition of type "Approved"`) {
		t.Errorf("approving through status: %v, want 422 may not add a condition of type \"Approved\"", err)
	}

	// Approval writes the conditions only, and fills in their times.
	upd = meta.DeepCopy(out)
	upd.Spec.SignerName = "example.com/other"
	upd.Status.Certificate = cert
	upd.Status.Conditions = []certificates.CertificateSigningRequestCondition{{Type: certificates.CertificateApproved, Status: meta.ConditionTrue, Reason: "Test"}}
	out, err = UpdateApproval(t.Context(), c.admin, upd)
	if err != nil {
		t.Fatal(err)
	}
	a := out.Condition(certificates.CertificateApproved)
	if out.Spec.SignerName != csr.Spec.SignerName || out.IsIssued() || a == nil || a.LastUpdateTime.IsZero() || a.LastTransitionTime.IsZero() {
		t.Errorf("after approval: signer %q, issued %v, Approved %+v; want only the condition, with times", out.Spec.SignerName, out.IsIssued(), a)
	}

	// Status sets the certificate, once.
	upd = meta.DeepCopy(out)
	upd.Status.Certificate = cert
	out, err = csrs.UpdateStatus(t.Context(), upd, nil)
	if err != nil || !out.IsIssued() {
		t.Fatalf("issuing through status: %v", err)
	}
	upd = meta.DeepCopy(out)
	upd.Status.Certificate = append(append([]byte{}, cert...), cert...)
	if _, err := csrs.UpdateStatus(t.Context(), upd, nil); !client.IsInvalid(err) {
		t.Errorf("replacing the certificate: %v, want 422", err)
	}

	// Field selectors on spec.signerName work.
	list, err := csrs.List(t.Context(), &client.ListOptions{FieldSelector: "spec.signerName=" + certificates.KubeAPIServerClientSignerName})
	if err != nil || len(list.Items) != 1 {
		t.Errorf("list by signer: %v, %d items; want 1", err, len(list.Items))
	}
}

// The cleaner deletes issued, denied and pending requests once their time
// is up.
func TestCleaner(t *testing.T) {
	c := startCluster(t, &Options{Controllers: []string{SignerName, CleanerName},
		ApprovedTTL: 300 * time.Millisecond, DeniedTTL: 300 * time.Millisecond, PendingTTL: 2 * time.Second})
	create(t, c.admin, request{name: "issued", cn: "a", signer: certificates.KubeAPIServerClientSignerName})
	create(t, c.admin, request{name: "denied", cn: "b", signer: certificates.KubeAPIServerClientSignerName})
	create(t, c.admin, request{name: "pending", cn: "c", signer: certificates.KubeAPIServerClientSignerName})
	if err := Approve(t.Context(), c.admin, "issued", "Test", ""); err != nil {
		t.Fatal(err)
	}
	if err := Deny(t.Context(), c.admin, "denied", "Test", ""); err != nil {
		t.Fatal(err)
	}
	csrs := client.Resource[certificates.CertificateSigningRequest](c.admin)
	for _, name := range []string{"issued", "denied", "pending"} {
		controllertest.Eventually(t, wait, func() error {
			_, err := csrs.Get(t.Context(), name)
			if client.IsNotFound(err) {
				return nil
			}
			return fmt.Errorf("%s still exists (%v)", name, err)
		})
	}
}

func TestCleanerExpiry(t *testing.T) {
	created := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	at := func(d time.Duration) meta.Time { return meta.NewTime(created.Add(d)) }
	cl := &cleaner{opts: mustDefaults(t, Options{Controllers: []string{CleanerName}})}
	p, err := pki.Bootstrap(pki.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	shortCert, err := p.Sign(mustParse(t, newRequestDER(t)), []pki.Usage{pki.UsageClientAuth}, 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	longCert, err := p.Sign(mustParse(t, newRequestDER(t)), []pki.Usage{pki.UsageClientAuth}, 0)
	if err != nil {
		t.Fatal(err)
	}
	short, _ := pki.ParseCertificate(shortCert)
	cond := func(t certificates.RequestConditionType, when meta.Time) certificates.CertificateSigningRequestCondition {
		return certificates.CertificateSigningRequestCondition{Type: t, Status: meta.ConditionTrue, LastUpdateTime: when}
	}
	tests := []struct {
		name  string
		conds []certificates.CertificateSigningRequestCondition
		cert  []byte
		want  time.Time
	}{
		{"pending", nil, nil, created.Add(24 * time.Hour)},
		{"approved, never issued", []certificates.CertificateSigningRequestCondition{cond(certificates.CertificateApproved, at(time.Minute))}, nil, created.Add(24 * time.Hour)},
		{"issued", []certificates.CertificateSigningRequestCondition{cond(certificates.CertificateApproved, at(time.Minute))}, longCert, created.Add(time.Minute + time.Hour)},
		{"issued, expiring sooner", []certificates.CertificateSigningRequestCondition{cond(certificates.CertificateApproved, meta.Now())}, shortCert, short.NotAfter},
		{"denied", []certificates.CertificateSigningRequestCondition{cond(certificates.CertificateDenied, at(2*time.Minute))}, nil, created.Add(2*time.Minute + time.Hour)},
		{"failed", []certificates.CertificateSigningRequestCondition{cond(certificates.CertificateApproved, at(time.Minute)), cond(certificates.CertificateFailed, at(3*time.Minute))}, nil, created.Add(3*time.Minute + time.Hour)},
		{"denied without a time", []certificates.CertificateSigningRequestCondition{{Type: certificates.CertificateDenied, Status: meta.ConditionTrue}}, nil, created.Add(time.Hour)},
	}
	for _, tt := range tests {
		csr := &certificates.CertificateSigningRequest{ObjectMeta: meta.ObjectMeta{CreationTimestamp: meta.NewTime(created)},
			Status: certificates.CertificateSigningRequestStatus{Conditions: tt.conds, Certificate: tt.cert}}
		if got := cl.expiry(csr); !got.Equal(tt.want) {
			t.Errorf("%s: expiry %v, want %v", tt.name, got, tt.want)
		}
	}
}

func newRequestDER(t *testing.T) *certificates.CertificateSigningRequest {
	csr, _ := newRequest(t, request{cn: "x"})
	return csr
}

func mustParse(t *testing.T, csr *certificates.CertificateSigningRequest) *x509.CertificateRequest {
	t.Helper()
	r, err := certificates.ParseRequest(csr.Spec.Request)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestInvalidOptions(t *testing.T) {
	for _, o := range []Options{
		{},                                     // the signer needs a PKI
		{Controllers: []string{"csrsweeping"}}, // unknown
		{Controllers: []string{ApproverName}, Workers: -1},
		{Controllers: []string{CleanerName}, PendingTTL: -time.Second},
	} {
		if _, err := o.withDefaults(); err == nil {
			t.Errorf("withDefaults(%+v) = nil error, want one", o)
		}
	}
	if _, err := (Options{Controllers: []string{ApproverName, CleanerName}}).withDefaults(); err != nil {
		t.Errorf("approver and cleaner without a PKI: %v", err)
	}
}
