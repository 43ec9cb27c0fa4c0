package client_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/apiserver"
	"github.com/spar-dev/spar/apiserver/apiservertest"
	"github.com/spar-dev/spar/apiserver/authn"
	"github.com/spar-dev/spar/client"
)

// pki is a certificate authority made for one test.
type pki struct {
	cert  *x509.Certificate
	key   *ecdsa.PrivateKey
	caPEM []byte
}

func newPKI(t *testing.T) *pki {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "spar-test-ca"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &pki{cert: cert, key: key, caPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// issue returns a PEM certificate and key for cn; server certificates are
// valid for 127.0.0.1 and the names given.
func (p *pki) issue(t *testing.T, cn string, server bool, names ...string) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	if server {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		tmpl.IPAddresses = []net.IP{net.ParseIP("127.0.0.1")}
		tmpl.DNSNames = names
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.cert, &key.PublicKey, p.key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

const testToken = "s3cret-token"

// startTLS serves a real API server over TLS that authenticates clients by
// certificate (user = CN) or by the bearer token testToken, and returns
// its URL.
func startTLS(t *testing.T, ca *pki) string {
	t.Helper()
	srv := apiservertest.Start(t, &apiservertest.Options{Config: apiserver.Config{
		Authenticator: authn.AuthenticatorFunc(func(r *http.Request) (*authn.User, bool, error) {
			if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
				return &authn.User{Name: r.TLS.PeerCertificates[0].Subject.CommonName}, true, nil
			}
			if r.Header.Get("Authorization") == "Bearer "+testToken {
				return &authn.User{Name: "token-user"}, true, nil
			}
			return nil, false, nil
		}),
	}})
	certPEM, keyPEM := ca.issue(t, "apiserver", true, "spar.test")
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	ts := httptest.NewUnstartedServer(srv.Handler())
	ts.TLS = &tls.Config{Certificates: []tls.Certificate{pair}, ClientAuth: tls.VerifyClientCertIfGiven, ClientCAs: pool}
	ts.Config.ErrorLog = log.New(io.Discard, "", 0) // the failed handshakes are expected
	ts.StartTLS()
	t.Cleanup(ts.Close)
	return ts.URL
}

func TestKubeconfigTLS(t *testing.T) {
	ca := newPKI(t)
	server := startTLS(t, ca)
	dir := t.TempDir()
	certPEM, keyPEM := ca.issue(t, "alice", false)
	writeFile(t, filepath.Join(dir, "pki", "ca.crt"), ca.caPEM)
	writeFile(t, filepath.Join(dir, "pki", "alice.crt"), certPEM)
	writeFile(t, filepath.Join(dir, "pki", "alice.key"), keyPEM)
	writeFile(t, filepath.Join(dir, "token"), []byte(testToken+"\n"))
	b64 := base64.StdEncoding.EncodeToString
	kc := `apiVersion: v1
kind: Config
preferences: {}
clusters:
- name: verified
  cluster:
    server: ` + server + `
    certificate-authority: pki/ca.crt
- name: inline-ca
  cluster:
    server: ` + server + `
    certificate-authority-data: ` + b64(ca.caPEM) + `
- name: insecure
  cluster:
    server: ` + server + `
    insecure-skip-tls-verify: true
- name: by-name
  cluster:
    server: ` + server + `
    certificate-authority: pki/ca.crt
    tls-server-name: spar.test
- name: wrong-name
  cluster:
    server: ` + server + `
    certificate-authority: pki/ca.crt
    tls-server-name: other.test
- name: untrusted
  cluster:
    server: ` + server + `
users:
- name: cert-data
  user:
    client-certificate-data: ` + b64(certPEM) + `
    client-key-data: ` + b64(keyPEM) + `
- name: cert-files
  user:
    client-certificate: pki/alice.crt
    client-key: pki/alice.key
- name: token
  user:
    token: ` + testToken + `
- name: token-file
  user:
    tokenFile: token
- name: nobody
  user: {}
contexts:
- {name: cert-data, context: {cluster: verified, user: cert-data, namespace: team-a}}
- {name: cert-files, context: {cluster: inline-ca, user: cert-files}}
- {name: token, context: {cluster: verified, user: token}}
- {name: token-file, context: {cluster: insecure, user: token-file}}
- {name: by-name, context: {cluster: by-name, user: token}}
- {name: nobody, context: {cluster: verified, user: nobody}}
- {name: wrong-name, context: {cluster: wrong-name, user: token}}
- {name: untrusted, context: {cluster: untrusted, user: token}}
current-context: cert-data
`
	path := filepath.Join(dir, "config")
	writeFile(t, path, []byte(kc))

	cfg, err := client.LoadKubeconfig(path, "")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Host != server || cfg.Namespace != "team-a" || cfg.TLS.CAFile != filepath.Join(dir, "pki", "ca.crt") ||
		string(cfg.TLS.CertData) != string(certPEM) || string(cfg.TLS.KeyData) != string(keyPEM) {
		t.Errorf("current context: host %q ns %q ca %q cert %d bytes, want %q team-a %q and the inline cert",
			cfg.Host, cfg.Namespace, cfg.TLS.CAFile, len(cfg.TLS.CertData), server, filepath.Join(dir, "pki", "ca.crt"))
	}

	tests := []struct {
		context string
		want    func(error) bool // nil: success
	}{
		{"cert-data", nil},
		{"cert-files", nil},
		{"token", nil},
		{"token-file", nil},
		{"by-name", nil},
		{"nobody", client.IsUnauthorized},
		{"wrong-name", isTLSError},
		{"untrusted", isTLSError},
	}
	for _, tt := range tests {
		cfg, err := client.LoadKubeconfig(path, tt.context)
		if err != nil {
			t.Errorf("%s: %v", tt.context, err)
			continue
		}
		c, err := client.New(cfg)
		if err != nil {
			t.Errorf("%s: New: %v", tt.context, err)
			continue
		}
		_, err = client.Resource[core.Namespace](c).Get(t.Context(), "default")
		switch {
		case tt.want == nil && err != nil:
			t.Errorf("%s: Get: %v", tt.context, err)
		case tt.want != nil && !tt.want(err):
			t.Errorf("%s: Get: err = %v, want a specific failure", tt.context, err)
		}
	}
	if cfg, _ := client.LoadKubeconfig(path, "token"); cfg.Namespace != "default" {
		t.Errorf("namespace of a context without one = %q, want default", cfg.Namespace)
	}
}

// isTLSError reports a failure to verify the server: a transport error,
// not an answer.
func isTLSError(err error) bool {
	var st *meta.Status
	var ue *url.Error
	return err != nil && !errors.As(err, &st) && errors.As(err, &ue) && strings.Contains(err.Error(), "certificate")
}

func TestKubeconfigMerge(t *testing.T) {
	dir := t.TempDir()
	first := filepath.Join(dir, "first.yaml")
	second := filepath.Join(dir, "sub", "second.yaml")
	writeFile(t, first, []byte(`
clusters:
- {name: shared, cluster: {server: "https://one:6443"}}
users:
- {name: u, user: {token: first-token}}
contexts:
- {name: a, context: {cluster: shared, user: u}}
current-context: a
`))
	writeFile(t, second, []byte(`
clusters:
- {name: shared, cluster: {server: "https://two:6443"}}
- {name: other, cluster: {server: "https://three:6443", certificate-authority: ca.pem}}
users:
- {name: u, user: {token: second-token}}
contexts:
- {name: a, context: {cluster: other, user: u}}
- {name: b, context: {cluster: other, user: u, namespace: bee}}
current-context: b
`))
	t.Setenv("KUBECONFIG", strings.Join([]string{first, filepath.Join(dir, "missing.yaml"), second}, string(os.PathListSeparator)))

	tests := []struct {
		context, host, token, ns, caFile string
	}{
		{"", "https://one:6443", "first-token", "default", ""},
		{"a", "https://one:6443", "first-token", "default", ""},
		{"b", "https://three:6443", "first-token", "bee", filepath.Join(dir, "sub", "ca.pem")},
	}
	for _, tt := range tests {
		cfg, err := client.LoadKubeconfig("", tt.context)
		if err != nil {
			t.Errorf("context %q: %v", tt.context, err)
			continue
		}
		if cfg.Host != tt.host || cfg.BearerToken != tt.token || cfg.Namespace != tt.ns || cfg.TLS.CAFile != tt.caFile {
			t.Errorf("context %q: host %q token %q ns %q ca %q, want %q %q %q %q",
				tt.context, cfg.Host, cfg.BearerToken, cfg.Namespace, cfg.TLS.CAFile, tt.host, tt.token, tt.ns, tt.caFile)
		}
	}
	// LoadDefault follows the same list.
	if cfg, err := client.LoadDefault(); err != nil || cfg.Host != "https://one:6443" {
		t.Errorf("LoadDefault: %v, %+v", err, cfg)
	}
}

func TestLoadDefaultHome(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("KUBECONFIG", "")
	t.Setenv("KUBERNETES_SERVICE_HOST", "")
	if _, err := client.LoadDefault(); err == nil || !strings.Contains(err.Error(), filepath.Join(home, ".kube", "config")) {
		t.Errorf("LoadDefault with nothing: err = %v, want one naming ~/.kube/config", err)
	}
	writeFile(t, filepath.Join(home, ".kube", "config"), []byte(`
clusters: [{name: c, cluster: {server: "http://127.0.0.1:1"}}]
contexts: [{name: x, context: {cluster: c}}]
current-context: x
`))
	cfg, err := client.LoadDefault()
	if err != nil || cfg.Host != "http://127.0.0.1:1" {
		t.Errorf("LoadDefault from ~/.kube/config: %v, %+v", err, cfg)
	}
}

func TestKubeconfigErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, yaml, context, want string
	}{
		{"bad yaml", "clusters: [", "", "kubeconfig"},
		{"no current context", "contexts: [{name: a, context: {cluster: c}}]", "", "current-context"},
		{"unknown context", "current-context: x", "", `context "x" not found`},
		{"unknown cluster", "contexts: [{name: a, context: {cluster: c}}]", "a", `cluster "c" not found`},
		{"no server", "clusters: [{name: c, cluster: {}}]\ncontexts: [{name: a, context: {cluster: c}}]", "a", "has no server"},
		{"unknown user", "clusters: [{name: c, cluster: {server: http://x}}]\ncontexts: [{name: a, context: {cluster: c, user: u}}]", "a", `user "u" not found`},
		{"exec", "clusters: [{name: c, cluster: {server: http://x}}]\nusers: [{name: u, user: {exec: {command: aws}}}]\ncontexts: [{name: a, context: {cluster: c, user: u}}]", "a", "exec credential plugins"},
		{"auth provider", "clusters: [{name: c, cluster: {server: http://x}}]\nusers: [{name: u, user: {auth-provider: {name: gcp}}}]\ncontexts: [{name: a, context: {cluster: c, user: u}}]", "a", "auth providers"},
		{"basic auth", "clusters: [{name: c, cluster: {server: http://x}}]\nusers: [{name: u, user: {username: bob, password: pw}}]\ncontexts: [{name: a, context: {cluster: c, user: u}}]", "a", "basic authentication"},
	}
	for i, tt := range tests {
		path := filepath.Join(dir, "c"+string(rune('a'+i)))
		writeFile(t, path, []byte(tt.yaml))
		_, err := client.LoadKubeconfig(path, tt.context)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want one containing %q", tt.name, err, tt.want)
		}
	}
	if _, err := client.LoadKubeconfig(filepath.Join(dir, "absent"), ""); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("explicit missing file: err = %v, want ErrNotExist", err)
	}
}

func TestInClusterConfig(t *testing.T) {
	ca := newPKI(t)
	server := startTLS(t, ca)
	u, _ := url.Parse(server)
	host, port, _ := net.SplitHostPort(u.Host)

	saDir := t.TempDir()
	old := *client.ServiceAccountDir
	*client.ServiceAccountDir = saDir
	t.Cleanup(func() { *client.ServiceAccountDir = old })

	t.Setenv("KUBERNETES_SERVICE_HOST", "")
	t.Setenv("KUBERNETES_SERVICE_PORT", "")
	if _, err := client.InClusterConfig(); !errors.Is(err, client.ErrNotInCluster) {
		t.Errorf("outside a pod: err = %v, want ErrNotInCluster", err)
	}
	t.Setenv("KUBERNETES_SERVICE_HOST", host)
	t.Setenv("KUBERNETES_SERVICE_PORT", port)
	if _, err := client.InClusterConfig(); err == nil {
		t.Error("no token file: want an error")
	}
	writeFile(t, filepath.Join(saDir, "token"), []byte(testToken))
	writeFile(t, filepath.Join(saDir, "ca.crt"), ca.caPEM)
	writeFile(t, filepath.Join(saDir, "namespace"), []byte("apps\n"))
	cfg, err := client.InClusterConfig()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Host != server || cfg.Namespace != "apps" || cfg.BearerTokenFile != filepath.Join(saDir, "token") {
		t.Errorf("config = host %q ns %q token file %q", cfg.Host, cfg.Namespace, cfg.BearerTokenFile)
	}
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.Resource[core.Namespace](c).Get(t.Context(), "default"); err != nil {
		t.Errorf("Get through the in-cluster config: %v", err)
	}
}

func TestNewErrors(t *testing.T) {
	ca := newPKI(t)
	certPEM, _ := ca.issue(t, "x", false)
	tests := []struct {
		name string
		cfg  *client.Config
		want string
	}{
		{"nil", nil, "nil Config"},
		{"no host", &client.Config{}, "Host is required"},
		{"bad scheme", &client.Config{Host: "ftp://x"}, "scheme must be http or https"},
		{"query", &client.Config{Host: "http://x/?a=b"}, "query"},
		{"transport and TLS", &client.Config{Host: "http://x", Transport: http.DefaultTransport, TLS: client.TLSConfig{Insecure: true}}, "cannot be combined"},
		{"bad CA", &client.Config{Host: "https://x", TLS: client.TLSConfig{CAData: []byte("nope")}}, "no PEM certificate"},
		{"missing CA file", &client.Config{Host: "https://x", TLS: client.TLSConfig{CAFile: "/nonexistent/ca"}}, "CA file"},
		{"cert without key", &client.Config{Host: "https://x", TLS: client.TLSConfig{CertData: certPEM}}, "both the certificate and its key"},
		{"bad proxy", &client.Config{Host: "https://x", ProxyURL: "://"}, "ProxyURL"},
	}
	for _, tt := range tests {
		_, err := client.New(tt.cfg)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}
