package bootstrap_test

import (
	"context"
	"crypto/tls"
	"math/big"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/apiserver"
	"github.com/spar-dev/spar/apiserver/authn"
	"github.com/spar-dev/spar/apiserver/authz"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/controller/certificates"
	"github.com/spar-dev/spar/pki"
	"github.com/spar-dev/spar/store/bolt"
)

// cluster is a real API server over TLS that authenticates as a secure
// cluster does (client certificates of the cluster CA, bootstrap tokens)
// and allows everything, with the CSR controllers running as the admin.
type cluster struct {
	t     testing.TB
	pki   *pki.PKI
	url   string
	admin *client.Client

	mu    sync.Mutex
	users map[string]*authn.User // the users the authorizer saw, by name
	seen  map[string]time.Time   // client certificate serials, when first seen
}

func startCluster(t testing.TB, opts certificates.Options) *cluster {
	t.Helper()
	dir := t.TempDir()
	ts := httptest.NewUnstartedServer(nil)
	c := &cluster{t: t, url: "https://" + ts.Listener.Addr().String(), users: map[string]*authn.User{}, seen: map[string]time.Time{}}
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
			c.users[a.User.Name] = a.User
			c.mu.Unlock()
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
	h := srv.Handler()
	ts.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
			serial := r.TLS.PeerCertificates[0].SerialNumber.String()
			c.mu.Lock()
			if _, ok := c.seen[serial]; !ok {
				c.seen[serial] = time.Now()
			}
			c.mu.Unlock()
		}
		h.ServeHTTP(w, r)
	})
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
	m := controller.NewManager(c.admin, nil)
	opts.PKI = p
	if err := certificates.Add(m, &opts); err != nil {
		t.Fatal(err)
	}
	mctx, mcancel := context.WithCancel(context.Background())
	mdone := make(chan struct{})
	go func() { defer close(mdone); m.Run(mctx) }()
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

// token returns a new bootstrap token, valid for an hour.
func (c *cluster) token() string {
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
	return tok
}

func (c *cluster) user(name string) *authn.User {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.users[name]
}

// firstSeen returns when the server first saw a client certificate with
// serial, and whether it did.
func (c *cluster) firstSeen(serial *big.Int) (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	at, ok := c.seen[serial.String()]
	return at, ok
}

func (c *cluster) isNode(name string) bool {
	u := c.user("system:node:" + name)
	return u != nil && slices.Contains(u.Groups, "system:nodes")
}
