package authn_test

import (
	"context"
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/apiserver"
	"github.com/spar-dev/spar/apiserver/authn"
	"github.com/spar-dev/spar/apiserver/authz"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/internal/testenv"
	"github.com/spar-dev/spar/pki"
	"github.com/spar-dev/spar/store/bolt"
)

// tlsCluster is a real API server over TLS with the PKI's serving
// certificate and a union of every authenticator, as a secure cluster
// runs it.
type tlsCluster struct {
	pki    *pki.PKI
	url    string
	admin  *client.Client
	issuer *authn.Issuer

	mu   sync.Mutex
	seen map[string]*authn.User // users the authorizer saw, by name
}

func startTLSCluster(t *testing.T) *tlsCluster {
	t.Helper()
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p, err := pki.Bootstrap(pki.Options{Dir: filepath.Join(dir, "pki"), ServerURL: "https://" + ln.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	st, err := bolt.Open(filepath.Join(dir, "spar.db"), &bolt.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	tokens, err := authn.ParseStaticTokens(strings.NewReader("static-token,jane,1001,\"devs,qa\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	c := &tlsCluster{pki: p, url: "https://" + ln.Addr().String(), seen: map[string]*authn.User{},
		issuer: &authn.Issuer{Key: p.ServiceAccountKey()}}
	// The lookups read through the admin client here; the API server will
	// back them with its caches.
	sas := &authn.ServiceAccountTokens{
		Keys: []crypto.PublicKey{p.ServiceAccountKey().Public()},
		GetServiceAccount: func(ctx context.Context, ns, name string) (*core.ServiceAccount, error) {
			return client.Resource[core.ServiceAccount](c.admin).Namespace(ns).Get(ctx, name)
		},
		GetPod: func(ctx context.Context, ns, name string) (*core.Pod, error) {
			return client.Resource[core.Pod](c.admin).Namespace(ns).Get(ctx, name)
		},
	}
	boot := &authn.BootstrapTokens{GetSecret: func(ctx context.Context, name string) (*core.Secret, error) {
		return client.Resource[core.Secret](c.admin).Namespace(authn.BootstrapTokenNamespace).Get(ctx, name)
	}}
	recorder := authz.AuthorizerFunc(func(_ context.Context, a authz.Attributes) (authz.Decision, string, error) {
		c.mu.Lock()
		c.seen[a.User.Name] = a.User
		c.mu.Unlock()
		return authz.Allow, "", nil
	})
	srv, err := apiserver.New(apiserver.Config{
		Store:         st,
		Authenticator: authn.Union{&authn.X509{Roots: p.CAPool()}, tokens, boot, sas, &authn.AnonymousAccess{}},
		Authorizer:    recorder,
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
	hs := &http.Server{Handler: srv.Handler(), TLSConfig: p.ServerTLSConfig()}
	go hs.ServeTLS(ln, "", "")
	t.Cleanup(func() { hs.Close(); cancel(); <-done })

	cfg, err := client.LoadKubeconfig(p.Path(pki.AdminKubeconfig), "")
	if err != nil {
		t.Fatal(err)
	}
	if c.admin, err = client.New(cfg); err != nil {
		t.Fatal(err)
	}
	return c
}

func (c *tlsCluster) user(name string) *authn.User {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.seen[name]
}

// clientWith returns a client that trusts the cluster CA and presents the
// given credentials.
func (c *tlsCluster) clientWith(t *testing.T, token string, certPEM, keyPEM []byte) *client.Client {
	t.Helper()
	cl, err := client.New(&client.Config{Host: c.url, BearerToken: token,
		TLS: client.TLSConfig{CAData: c.pki.CAPEM(), CertData: certPEM, KeyData: keyPEM}})
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

func listNamespaces(c *client.Client) error {
	_, err := client.Resource[core.Namespace](c).List(context.Background(), nil)
	return err
}

func TestEndToEndTLS(t *testing.T) {
	c := startTLSCluster(t)
	ctx := context.Background()

	t.Run("admin certificate", func(t *testing.T) {
		if err := listNamespaces(c.admin); err != nil {
			t.Fatal(err)
		}
		u := c.user("kubernetes-admin")
		if u == nil || !slices.Equal(u.Groups, []string{"system:masters", "system:authenticated"}) {
			t.Errorf("admin seen as %+v", u)
		}
	})

	t.Run("foreign CA certificate", func(t *testing.T) {
		other, err := pki.Bootstrap(pki.Options{Dir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(other.Path(pki.AdminKubeconfig))
		kc, _ := pki.ParseKubeconfig(data)
		err = listNamespaces(c.clientWith(t, "", kc.CertData, kc.KeyData))
		if !client.IsUnauthorized(err) {
			t.Errorf("foreign admin certificate: err = %v, want 401 Unauthorized", err)
		}
	})

	t.Run("node certificate", func(t *testing.T) {
		cred, err := c.pki.NodeCertificate("worker-1")
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := client.LoadKubeconfig(cred.Kubeconfig, "")
		if err != nil {
			t.Fatal(err)
		}
		nc, err := client.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := listNamespaces(nc); err != nil {
			t.Fatal(err)
		}
		if u := c.user("system:node:worker-1"); u == nil || !slices.Equal(u.Groups, []string{"system:nodes", "system:authenticated"}) {
			t.Errorf("node seen as %+v", u)
		}
	})

	t.Run("static token", func(t *testing.T) {
		if err := listNamespaces(c.clientWith(t, "static-token", nil, nil)); err != nil {
			t.Fatal(err)
		}
		if u := c.user("jane"); u == nil || u.UID != "1001" || !slices.Equal(u.Groups, []string{"devs", "qa", "system:authenticated"}) {
			t.Errorf("jane seen as %+v", u)
		}
		if err := listNamespaces(c.clientWith(t, "wrong-token", nil, nil)); !client.IsUnauthorized(err) {
			t.Errorf("wrong token: err = %v, want 401", err)
		}
	})

	t.Run("service account token", func(t *testing.T) {
		sas := client.Resource[core.ServiceAccount](c.admin).Namespace("default")
		sa, err := sas.Create(ctx, &core.ServiceAccount{ObjectMeta: meta.ObjectMeta{Name: "robot"}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := c.issuer.Issue("default", "robot", sa.UID, []string{authn.DefaultIssuer}, time.Now().Add(time.Hour), nil)
		if err != nil {
			t.Fatal(err)
		}
		robot := c.clientWith(t, tok, nil, nil)
		if err := listNamespaces(robot); err != nil {
			t.Fatal(err)
		}
		if u := c.user("system:serviceaccount:default:robot"); u == nil || u.UID != string(sa.UID) {
			t.Errorf("robot seen as %+v", u)
		}
		// Deleting the ServiceAccount revokes its tokens.
		if err := sas.Delete(ctx, "robot", nil); err != nil {
			t.Fatal(err)
		}
		if err := listNamespaces(robot); !client.IsUnauthorized(err) {
			t.Errorf("after the ServiceAccount's deletion: err = %v, want 401", err)
		}
	})

	t.Run("bootstrap token", func(t *testing.T) {
		tok, err := authn.GenerateBootstrapToken()
		if err != nil {
			t.Fatal(err)
		}
		secret, err := authn.BootstrapTokenSecret(tok, time.Now().Add(time.Hour), "system:bootstrappers:kubeadm:default-node-token")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := client.Resource[core.Secret](c.admin).Namespace("kube-system").Create(ctx, secret, nil); err != nil {
			t.Fatal(err)
		}
		if err := listNamespaces(c.clientWith(t, tok, nil, nil)); err != nil {
			t.Fatal(err)
		}
		want := []string{"system:bootstrappers", "system:bootstrappers:kubeadm:default-node-token", "system:authenticated"}
		if u := c.user("system:bootstrap:" + tok[:6]); u == nil || !slices.Equal(u.Groups, want) {
			t.Errorf("bootstrap user seen as %+v", u)
		}
	})

	t.Run("anonymous", func(t *testing.T) {
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(c.pki.CAPEM())
		hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
		for path, want := range map[string]int{"/healthz": 200, "/version": 200, "/api/v1/namespaces": 401} {
			resp, err := hc.Get(c.url + path)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != want {
				t.Errorf("GET %s without credentials: %d, want %d", path, resp.StatusCode, want)
			}
			if want == 401 {
				var st meta.Status
				if err := json.Unmarshal(body, &st); err != nil || st.Kind != "Status" || st.Reason != meta.StatusReasonUnauthorized {
					t.Errorf("401 body = %s, want a Status with reason Unauthorized", body)
				}
			}
		}
	})
}

// The real kubectl works through admin.conf, and with a token.
func TestEndToEndKubectl(t *testing.T) {
	bin := testenv.Kubectl(t, "")
	c := startTLSCluster(t)
	run := func(args ...string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		home := t.TempDir()
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Env = append(os.Environ(), "HOME="+home, "KUBECACHEDIR="+filepath.Join(home, "cache"), "KUBECONFIG=")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("kubectl %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	if out := run("--kubeconfig", c.pki.Path(pki.AdminKubeconfig), "get", "namespaces", "-o", "name"); !strings.Contains(out, "namespace/kube-system") {
		t.Errorf("kubectl get namespaces = %q, want kube-system listed", out)
	}
	// A token user, with the server verified against ca.crt.
	out := run("--server", c.url, "--certificate-authority", c.pki.Path(pki.CACertFile), "--token", "static-token", "get", "namespaces", "-o", "name")
	if !strings.Contains(out, "namespace/default") {
		t.Errorf("kubectl with a token = %q, want default listed", out)
	}
}
