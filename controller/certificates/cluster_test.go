package certificates

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/certificates"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/apiserver"
	"github.com/spar-dev/spar/apiserver/authn"
	"github.com/spar-dev/spar/apiserver/authz"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/controller/controllertest"
	"github.com/spar-dev/spar/pki"
	"github.com/spar-dev/spar/store/bolt"
)

// cluster is a real API server over TLS that authenticates as a secure
// cluster does (client certificates of the cluster CA, bootstrap tokens),
// with a manager running the controllers under test as the admin.
// Authorization allows everything but what refuse says.
type cluster struct {
	t       *testing.T
	pki     *pki.PKI
	url     string
	admin   *client.Client
	manager *controller.Manager

	mu     sync.Mutex
	users  map[string]*authn.User // the users the authorizer saw, by name
	refuse func(a authz.Attributes) bool
}

// startCluster starts the cluster; opts (PKI filled in) configures the
// controllers, nil runs none (a test calls reconcilers itself). The
// manager starts at once.
func startCluster(t *testing.T, opts *Options) *cluster {
	t.Helper()
	dir := t.TempDir()
	ts := httptest.NewUnstartedServer(nil)
	c := &cluster{t: t, url: "https://" + ts.Listener.Addr().String(), users: map[string]*authn.User{}}
	p, err := pki.Bootstrap(pki.Options{Dir: filepath.Join(dir, "pki"), ServerURL: c.url})
	if err != nil {
		t.Fatal(err)
	}
	c.pki = p
	st, err := bolt.Open(filepath.Join(dir, "spar.db"), &bolt.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	boot := &authn.BootstrapTokens{GetSecret: func(ctx context.Context, name string) (*core.Secret, error) {
		return client.Resource[core.Secret](c.admin).Namespace(authn.BootstrapTokenNamespace).Get(ctx, name)
	}}
	srv, err := apiserver.New(apiserver.Config{
		Store:         st,
		Authenticator: authn.Union{&authn.X509{Roots: p.CAPool()}, boot},
		Authorizer: authz.AuthorizerFunc(func(_ context.Context, a authz.Attributes) (authz.Decision, string, error) {
			c.mu.Lock()
			defer c.mu.Unlock()
			c.users[a.User.Name] = a.User
			if c.refuse != nil && c.refuse(a) {
				return authz.NoOpinion, "refused by the test", nil
			}
			return authz.Allow, "", nil
		}),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); srv.Run(ctx) }()
	select {
	case <-srv.Ready():
	case <-time.After(30 * time.Second):
		t.Fatal("the API server was not ready after 30s")
	}
	ts.Config.Handler = srv.Handler()
	ts.TLS = p.ServerTLSConfig()
	// Without SNI (an IP address) crypto/tls serves Certificates[0]:
	// httptest's own certificate unless this one is there first.
	ts.TLS.Certificates = []tls.Certificate{*p.ServingCertificate()}
	ts.EnableHTTP2 = true
	ts.StartTLS()

	cfg, err := client.LoadKubeconfig(p.Path(pki.AdminKubeconfig), "")
	if err != nil {
		t.Fatal(err)
	}
	if c.admin, err = client.New(cfg); err != nil {
		t.Fatal(err)
	}
	requireApprovalSubresource(t, c.admin)

	c.manager = controller.NewManager(c.admin, nil)
	if opts != nil {
		o := *opts
		o.PKI = p
		if err := Add(c.manager, &o); err != nil {
			t.Fatal(err)
		}
	}
	mctx, mcancel := context.WithCancel(context.Background())
	mdone := make(chan struct{})
	go func() { defer close(mdone); c.manager.Run(mctx) }()
	t.Cleanup(func() {
		mcancel()
		<-mdone
		ts.CloseClientConnections()
		ts.Close()
		cancel()
		<-done
	})
	return c
}

// requireApprovalSubresource fails the test unless the API server serves
// certificatesigningrequests/approval: the controllers and kubectl need it.
func requireApprovalSubresource(t *testing.T, c *client.Client) {
	t.Helper()
	var list struct {
		Resources []struct {
			Name  string   `json:"name"`
			Verbs []string `json:"verbs"`
		} `json:"resources"`
	}
	if err := c.Do(t.Context(), "GET", "/apis/certificates.k8s.io/v1", nil, &list); err != nil {
		t.Fatalf("discovery of certificates.k8s.io/v1: %v", err)
	}
	for _, r := range list.Resources {
		if r.Name == "certificatesigningrequests/approval" && slices.Contains(r.Verbs, "update") {
			return
		}
	}
	t.Fatal("the API server does not serve certificatesigningrequests/approval (update): " +
		"it needs the CertificateSigningRequest strategy and the approval subresource (see package doc of controller/certificates)")
}

func (c *cluster) user(name string) *authn.User {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.users[name]
}

func (c *cluster) setRefuse(f func(a authz.Attributes) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.refuse = f
}

// bootstrapper returns a client authenticated with a new bootstrap token,
// and the token's user name.
func (c *cluster) bootstrapper() (*client.Client, string) {
	c.t.Helper()
	tok, err := authn.GenerateBootstrapToken()
	if err != nil {
		c.t.Fatal(err)
	}
	secret, err := authn.BootstrapTokenSecret(tok, time.Now().Add(time.Hour))
	if err != nil {
		c.t.Fatal(err)
	}
	if _, err := client.Resource[core.Secret](c.admin).Namespace("kube-system").Create(c.t.Context(), secret, nil); err != nil {
		c.t.Fatal(err)
	}
	return c.clientWith(nil, nil, tok), authn.BootstrapUserPrefix + tok[:6]
}

// nodeClient returns a client with the node's certificate, issued by the
// cluster CA directly.
func (c *cluster) nodeClient(name string) *client.Client {
	c.t.Helper()
	cred, err := c.pki.NodeCertificate(name)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.clientWith(cred.CertPEM, cred.KeyPEM, "")
}

func (c *cluster) clientWith(certPEM, keyPEM []byte, token string) *client.Client {
	c.t.Helper()
	cl, err := client.New(&client.Config{Host: c.url, BearerToken: token,
		TLS: client.TLSConfig{CAData: c.pki.CAPEM(), CertData: certPEM, KeyData: keyPEM}})
	if err != nil {
		c.t.Fatal(err)
	}
	return cl
}

// request is what a test asks a certificate for.
type request struct {
	name    string
	cn      string
	orgs    []string
	dns     []string
	signer  string
	usages  []certificates.KeyUsage
	seconds int32
}

// newRequest returns a CertificateSigningRequest for r with a new key.
func newRequest(t *testing.T, r request) (*certificates.CertificateSigningRequest, crypto.Signer) {
	t.Helper()
	key, err := pki.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject: pkix.Name{CommonName: r.cn, Organization: r.orgs}, DNSNames: r.dns}, key)
	if err != nil {
		t.Fatal(err)
	}
	if r.signer == "" {
		r.signer = certificates.KubeAPIServerClientKubeletSignerName
	}
	if r.usages == nil {
		r.usages = []certificates.KeyUsage{certificates.UsageDigitalSignature, certificates.UsageClientAuth}
	}
	csr := &certificates.CertificateSigningRequest{
		ObjectMeta: meta.ObjectMeta{Name: r.name},
		Spec: certificates.CertificateSigningRequestSpec{Request: certificates.EncodeRequest(der),
			SignerName: r.signer, Usages: r.usages},
	}
	if r.seconds != 0 {
		csr.Spec.ExpirationSeconds = &r.seconds
	}
	return csr, key
}

// create creates r's request through c.
func create(t *testing.T, c *client.Client, r request) *certificates.CertificateSigningRequest {
	t.Helper()
	csr, _ := newRequest(t, r)
	out, err := client.Resource[certificates.CertificateSigningRequest](c).Create(t.Context(), csr, nil)
	if err != nil {
		t.Fatalf("creating %s: %v", r.name, err)
	}
	return out
}

// nodeRequest is a well-formed request for node's client certificate.
func nodeRequest(name, node string) request {
	return request{name: name, cn: pki.NodeUserPrefix + node, orgs: []string{pki.NodesGroup}}
}

func (c *cluster) get(name string) *certificates.CertificateSigningRequest {
	c.t.Helper()
	csr, err := client.Resource[certificates.CertificateSigningRequest](c.admin).Get(c.t.Context(), name)
	if err != nil {
		c.t.Fatal(err)
	}
	return csr
}

// waitFor polls the request until cond returns nil, or fails the test
// after timeout with cond's last error.
func (c *cluster) waitFor(name string, timeout time.Duration, cond func(*certificates.CertificateSigningRequest) error) *certificates.CertificateSigningRequest {
	c.t.Helper()
	var csr *certificates.CertificateSigningRequest
	controllertest.Eventually(c.t, timeout, func() error {
		var err error
		if csr, err = client.Resource[certificates.CertificateSigningRequest](c.admin).Get(c.t.Context(), name); err != nil {
			return err
		}
		if err := cond(csr); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		return nil
	})
	return csr
}

func issued(csr *certificates.CertificateSigningRequest) error {
	if !csr.IsIssued() {
		return fmt.Errorf("not issued (conditions %+v)", csr.Status.Conditions)
	}
	return nil
}

// waitCached waits until inf holds name at least at the version of csr.
func waitCached(t *testing.T, inf *controller.Informer[certificates.CertificateSigningRequest, *certificates.CertificateSigningRequest], csr *certificates.CertificateSigningRequest) {
	t.Helper()
	controllertest.Eventually(t, 10*time.Second, func() error {
		if got, ok := inf.Get("", csr.Name); !ok || got.ResourceVersion != csr.ResourceVersion {
			return fmt.Errorf("the informer has not seen %s at version %s", csr.Name, csr.ResourceVersion)
		}
		return nil
	})
}

func hasCondition(csr *certificates.CertificateSigningRequest, t certificates.RequestConditionType) bool {
	return csr.Condition(t) != nil
}

func conditionsString(csr *certificates.CertificateSigningRequest) string {
	var parts []string
	for _, c := range csr.Status.Conditions {
		parts = append(parts, fmt.Sprintf("%s=%s(%s)", c.Type, c.Status, c.Reason))
	}
	return "[" + strings.Join(parts, " ") + "]"
}
