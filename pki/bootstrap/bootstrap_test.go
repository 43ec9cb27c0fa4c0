package bootstrap_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	certapi "github.com/spar-dev/spar/api/certificates"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller/certificates"
	"github.com/spar-dev/spar/controller/controllertest"
	"github.com/spar-dev/spar/pki"
	"github.com/spar-dev/spar/pki/bootstrap"
)

const wait = 20 * time.Second

func bootstrapCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), wait)
	t.Cleanup(cancel)
	return ctx
}

// A node joins with a bootstrap token: it gets CN=system:node:<name>,
// O=system:nodes, and is that user with the kubeconfig Bootstrap writes.
// A second Bootstrap uses the certificate it finds.
func TestBootstrap(t *testing.T) {
	c := startCluster(t, certificates.Options{})
	dir := t.TempDir()
	opts := bootstrap.Options{Server: c.url, CA: c.pki.CAPEM(), Token: c.token(), NodeName: "worker-1", CertDir: filepath.Join(dir, "pki")}
	start := time.Now()
	cred, err := bootstrap.Bootstrap(bootstrapCtx(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("bootstrapped a node in %v", time.Since(start))
	leaf := cred.Certificate.Leaf
	if !cred.Issued || leaf.Subject.CommonName != "system:node:worker-1" || !slices.Equal(leaf.Subject.Organization, []string{"system:nodes"}) {
		t.Errorf("credential: issued %v, subject %v; want a new CN=system:node:worker-1, O=system:nodes", cred.Issued, leaf.Subject)
	}
	if cred.CertFile != filepath.Join(opts.CertDir, bootstrap.CertFile) || cred.Kubeconfig != filepath.Join(opts.CertDir, bootstrap.KubeconfigFile) {
		t.Errorf("files %s, %s", cred.CertFile, cred.Kubeconfig)
	}
	for _, f := range []string{cred.CertFile, cred.Kubeconfig} {
		if fi, err := os.Stat(f); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, mode %v; want 0600", f, err, fi.Mode())
		}
	}
	if _, err := os.Stat(filepath.Join(opts.CertDir, "kubelet-client.key.tmp")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the pending key is still there: %v", err)
	}

	// The node uses its kubeconfig, as kubectl would.
	cfg, err := client.LoadKubeconfig(cred.Kubeconfig, "")
	if err != nil {
		t.Fatal(err)
	}
	node, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.Resource[core.Node](node).Create(t.Context(), &core.Node{ObjectMeta: meta.ObjectMeta{Name: "worker-1"}}, nil); err != nil {
		t.Fatal(err)
	}
	if !c.isNode("worker-1") {
		t.Errorf("the server saw %+v, want system:node:worker-1 in system:nodes", c.user("system:node:worker-1"))
	}

	again, err := bootstrap.Bootstrap(bootstrapCtx(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	if again.Issued || again.Certificate.Leaf.SerialNumber.Cmp(leaf.SerialNumber) != 0 {
		t.Errorf("second Bootstrap: issued %v, serial %v; want the certificate on disk (%v)", again.Issued, again.Certificate.Leaf.SerialNumber, leaf.SerialNumber)
	}
	list, err := client.Resource[certapi.CertificateSigningRequest](c.admin).List(t.Context(), nil)
	if err != nil || len(list.Items) != 1 {
		t.Errorf("requests: %v, %d; want the one", err, len(list.Items))
	}
}

// A bootstrap kubeconfig works like Server, CA and Token.
func TestBootstrapKubeconfig(t *testing.T) {
	c := startCluster(t, certificates.Options{})
	kc := c.pki.Kubeconfig("tls-bootstrap-token-user")
	kc.Token = c.token()
	path := filepath.Join(t.TempDir(), "bootstrap-kubelet.conf")
	if err := kc.Write(path); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cred, err := bootstrap.Bootstrap(bootstrapCtx(t), bootstrap.Options{BootstrapKubeconfig: path, NodeName: "worker-2",
		CertDir: dir, KubeconfigPath: filepath.Join(dir, "kubeconfig")})
	if err != nil {
		t.Fatal(err)
	}
	if cred.Kubeconfig != filepath.Join(dir, "kubeconfig") || cred.Certificate.Leaf.Subject.CommonName != "system:node:worker-2" {
		t.Errorf("credential %+v", cred)
	}
}

// A bootstrapper cannot take the name of a registered node: the request
// waits for a person, and Bootstrap for it.
func TestBootstrapTakenNameNotApproved(t *testing.T) {
	c := startCluster(t, certificates.Options{})
	first, err := bootstrap.Bootstrap(bootstrapCtx(t), bootstrap.Options{Server: c.url, CA: c.pki.CAPEM(), Token: c.token(),
		NodeName: "worker-1", CertDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := client.LoadKubeconfig(first.Kubeconfig, "")
	node, _ := client.New(cfg)
	if _, err := client.Resource[core.Node](node).Create(t.Context(), &core.Node{ObjectMeta: meta.ObjectMeta{Name: "worker-1"}}, nil); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	go func() {
		_, err := bootstrap.Bootstrap(ctx, bootstrap.Options{Server: c.url, CA: c.pki.CAPEM(), Token: c.token(),
			NodeName: "worker-1", CertDir: t.TempDir()})
		errc <- err
	}()
	// The approver says why it leaves the request alone.
	var csrName string
	controllertest.Eventually(t, wait, func() error {
		events, err := client.Resource[core.Event](c.admin).Namespace("default").List(t.Context(), &client.ListOptions{FieldSelector: "reason=NotApproved"})
		if err != nil {
			return err
		}
		for _, ev := range events.Items {
			csrName = ev.InvolvedObject.Name
			return nil
		}
		return errors.New("no NotApproved event yet")
	})
	csr, err := client.Resource[certapi.CertificateSigningRequest](c.admin).Get(t.Context(), csrName)
	if err != nil {
		t.Fatal(err)
	}
	if len(csr.Status.Conditions) != 0 || csr.Spec.Username == first.Certificate.Leaf.Subject.CommonName {
		t.Errorf("the second request: conditions %+v, requester %s; want a pending bootstrapper's", csr.Status.Conditions, csr.Spec.Username)
	}
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("Bootstrap = %v, want it waiting until canceled", err)
	}
}

// A denied request ends Bootstrap with ErrDenied; a later Bootstrap makes
// a new request.
func TestBootstrapDenied(t *testing.T) {
	c := startCluster(t, certificates.Options{Controllers: []string{certificates.SignerName}})
	opts := bootstrap.Options{Server: c.url, CA: c.pki.CAPEM(), Token: c.token(), NodeName: "worker-1", CertDir: t.TempDir()}
	errc := make(chan error, 1)
	go func() {
		_, err := bootstrap.Bootstrap(bootstrapCtx(t), opts)
		errc <- err
	}()
	name := waitForRequest(t, c)
	if err := certificates.Deny(t.Context(), c.admin, name, "UnknownNode", "not one of ours"); err != nil {
		t.Fatal(err)
	}
	err := <-errc
	if !errors.Is(err, bootstrap.ErrDenied) {
		t.Fatalf("Bootstrap = %v, want ErrDenied", err)
	}
	t.Logf("Bootstrap said: %v", err)

	go func() {
		_, err := bootstrap.Bootstrap(bootstrapCtx(t), opts)
		errc <- err
	}()
	var second string
	controllertest.Eventually(t, wait, func() error {
		list, err := client.Resource[certapi.CertificateSigningRequest](c.admin).List(t.Context(), nil)
		if err != nil {
			return err
		}
		for _, csr := range list.Items {
			if csr.Name != name {
				second = csr.Name
				return nil
			}
		}
		return errors.New("no second request yet")
	})
	if err := certificates.Approve(t.Context(), c.admin, second, "Test", ""); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != nil {
		t.Fatalf("second Bootstrap: %v", err)
	}
}

// waitForRequest waits for the first CertificateSigningRequest and returns
// its name.
func waitForRequest(t *testing.T, c *cluster) string {
	t.Helper()
	var name string
	controllertest.Eventually(t, wait, func() error {
		list, err := client.Resource[certapi.CertificateSigningRequest](c.admin).List(t.Context(), nil)
		if err != nil {
			return err
		}
		if len(list.Items) == 0 {
			return errors.New("no request yet")
		}
		name = list.Items[0].Name
		return nil
	})
	return name
}

// A Bootstrap interrupted while it waits is resumed by the next: same key,
// same request.
func TestBootstrapResumes(t *testing.T) {
	c := startCluster(t, certificates.Options{Controllers: []string{certificates.SignerName}})
	opts := bootstrap.Options{Server: c.url, CA: c.pki.CAPEM(), Token: c.token(), NodeName: "worker-1", CertDir: t.TempDir()}
	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	go func() {
		_, err := bootstrap.Bootstrap(ctx, opts)
		errc <- err
	}()
	name := waitForRequest(t, c)
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted Bootstrap = %v", err)
	}
	if err := certificates.Approve(t.Context(), c.admin, name, "Test", ""); err != nil {
		t.Fatal(err)
	}
	cred, err := bootstrap.Bootstrap(bootstrapCtx(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	csr, err := client.Resource[certapi.CertificateSigningRequest](c.admin).Get(t.Context(), name)
	if err != nil {
		t.Fatal(err)
	}
	issued, _ := pki.ParseCertificate(csr.Status.Certificate)
	if issued == nil || issued.SerialNumber.Cmp(cred.Certificate.Leaf.SerialNumber) != 0 {
		t.Errorf("the resumed Bootstrap got serial %v, want the first request's certificate", cred.Certificate.Leaf.SerialNumber)
	}
	list, _ := client.Resource[certapi.CertificateSigningRequest](c.admin).List(t.Context(), nil)
	if len(list.Items) != 1 {
		t.Errorf("%d requests, want 1", len(list.Items))
	}
}

// The certificate is renewed before it expires, through a request the
// node makes as itself; a client made before the rotation uses the new
// certificate, also once the old one has expired.
func TestRotation(t *testing.T) {
	const validity = 8 * time.Second
	c := startCluster(t, certificates.Options{MaxDuration: validity})
	opts := bootstrap.Options{Server: c.url, CA: c.pki.CAPEM(), Token: c.token(), NodeName: "worker-1", CertDir: t.TempDir()}
	cred, err := bootstrap.Bootstrap(bootstrapCtx(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	old := cred.Certificate.Leaf
	r, err := bootstrap.NewRotator(opts, cred)
	if err != nil {
		t.Fatal(err)
	}
	if next := r.NextRenewal(); !next.Before(old.NotAfter) || next.Before(old.NotAfter.Add(-validity)) {
		t.Errorf("next renewal %v, want within the certificate's validity (until %v)", next, old.NotAfter)
	}
	cl, err := client.New(r.ClientConfig())
	if err != nil {
		t.Fatal(err)
	}
	nodes := client.Resource[core.Node](cl)
	if _, err := nodes.Create(t.Context(), &core.Node{ObjectMeta: meta.ObjectMeta{Name: "worker-1"}}, nil); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	runErr := make(chan error, 1)
	go func() { runErr <- r.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-runErr; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()

	controllertest.Eventually(t, 3*validity, func() error {
		if r.Current().Leaf.SerialNumber.Cmp(old.SerialNumber) == 0 {
			return errors.New("not rotated yet")
		}
		return nil
	})
	renewed := r.Current().Leaf
	if renewed.Subject.CommonName != old.Subject.CommonName || !renewed.NotAfter.After(old.NotAfter) {
		t.Errorf("renewed certificate: %v until %v; want the same subject, later expiry than %v", renewed.Subject, renewed.NotAfter, old.NotAfter)
	}
	// The renewal was the node's own request, approved as such.
	list, err := client.Resource[certapi.CertificateSigningRequest](c.admin).List(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	self := 0
	for _, csr := range list.Items {
		if csr.Spec.Username == "system:node:worker-1" && csr.IsApproved() {
			self++
		}
	}
	if self == 0 {
		t.Errorf("no approved request of system:node:worker-1 among %d", len(list.Items))
	}
	// The file on disk is the new one.
	onDisk, err := os.ReadFile(cred.CertFile)
	if err != nil {
		t.Fatal(err)
	}
	if cert, err := pki.ParseCertificate(onDisk); err != nil || cert.SerialNumber.Cmp(renewed.SerialNumber) != 0 {
		t.Errorf("%s holds serial %v (%v), want the renewed %v", cred.CertFile, cert.SerialNumber, err, renewed.SerialNumber)
	}

	// The existing client now presents the new certificate, and keeps
	// working after the old one expired.
	if _, err := nodes.Get(t.Context(), "worker-1"); err != nil {
		t.Fatal(err)
	}
	at, ok := c.firstSeen(renewed.SerialNumber)
	if !ok {
		t.Fatal("the server never saw the renewed certificate")
	}
	if !at.Before(old.NotAfter) {
		t.Errorf("renewed certificate first used at %v, after the old one expired at %v", at, old.NotAfter)
	}
	controllertest.Eventually(t, 2*validity, func() error {
		if time.Now().Before(old.NotAfter.Add(time.Second)) {
			return fmt.Errorf("the old certificate expires at %v", old.NotAfter)
		}
		return nil
	})
	if _, err := nodes.Get(t.Context(), "worker-1"); err != nil {
		t.Errorf("after the old certificate expired: %v", err)
	}
}

func TestInvalidOptions(t *testing.T) {
	for _, o := range []bootstrap.Options{
		{Server: "https://x", Token: "t", CertDir: "d"},                                       // no node name
		{Server: "https://x", Token: "t", NodeName: "Worker_1", CertDir: "d"},                 // not a DNS name
		{Server: "https://x", Token: "t", NodeName: "w"},                                      // no CertDir
		{NodeName: "w", CertDir: "d"},                                                         // no credential
		{Server: "http://x", Token: "t", NodeName: "w", CertDir: "d"},                         // not https
		{Server: "https://x", Token: "t", NodeName: "w", CertDir: "d", CA: []byte("x")},       // not PEM
		{Server: "https://x", Token: "t", NodeName: "w", CertDir: "d", Duration: time.Minute}, // too short
	} {
		if _, err := bootstrap.Bootstrap(t.Context(), o); err == nil {
			t.Errorf("Bootstrap(%+v) = nil error, want one", o)
		}
	}
}
