package pki_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/pki"
)

func bootstrap(t *testing.T, opts pki.Options) *pki.PKI {
	t.Helper()
	p, err := pki.Bootstrap(opts)
	if err != nil {
		t.Fatalf("Bootstrap: %v", err)
	}
	return p
}

// readDir returns every file of dir with its content.
func readDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = b
	}
	return files
}

func kubeconfigCert(t *testing.T, path string) (*pki.Kubeconfig, *x509.Certificate) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	kc, err := pki.ParseKubeconfig(data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	cert, err := pki.ParseCertificate(kc.CertData)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return kc, cert
}

func TestBootstrapCreatesFilesWithModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pki")
	bootstrap(t, pki.Options{Dir: dir})
	st, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Mode().Perm(); got != 0o700 {
		t.Errorf("directory mode = %o, want 700", got)
	}
	want := []string{
		pki.CACertFile, pki.CAKeyFile, pki.APIServerCertFile, pki.APIServerKeyFile,
		pki.KubeletClientCertFile, pki.KubeletClientKeyFile, pki.ServiceAccountKeyFile,
		pki.ServiceAccountPublicKeyFile, pki.AdminKubeconfig, pki.SchedulerKubeconfig,
		pki.ControllerManagerKubeconfig, pki.ProxyKubeconfig,
	}
	files := readDir(t, dir)
	var got []string
	for name := range files {
		got = append(got, name)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("files = %v, want %v (no temporary files left over)", got, want)
	}
	for name := range files {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if got := st.Mode().Perm(); got != 0o600 {
			t.Errorf("%s mode = %o, want 600", name, got)
		}
	}
}

func TestBootstrapNarrowsExistingDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	bootstrap(t, pki.Options{Dir: dir})
	st, _ := os.Stat(dir)
	if got := st.Mode().Perm(); got != 0o700 {
		t.Errorf("directory mode = %o, want 700", got)
	}
}

func TestCertificates(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	p := bootstrap(t, pki.Options{Dir: dir, Now: func() time.Time { return now }})
	ca := p.CA()
	if !ca.IsCA || ca.Subject.CommonName != "kubernetes" {
		t.Errorf("CA: IsCA=%v CN=%q, want a CA named kubernetes", ca.IsCA, ca.Subject.CommonName)
	}
	if got, want := ca.NotAfter.Sub(now), pki.DefaultCAValidity; got < want-time.Second || got > want+time.Second {
		t.Errorf("CA lifetime from now = %v, want %v", got, want)
	}
	if _, ok := ca.PublicKey.(*ecdsa.PublicKey); !ok {
		t.Errorf("CA key is %T, want ECDSA", ca.PublicKey)
	}
	tests := []struct {
		file   string
		cn     string
		groups []string
	}{
		{pki.AdminKubeconfig, "kubernetes-admin", []string{"system:masters"}},
		{pki.SchedulerKubeconfig, "system:kube-scheduler", nil},
		{pki.ControllerManagerKubeconfig, "system:kube-controller-manager", nil},
		{pki.ProxyKubeconfig, "system:kube-proxy", nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			kc, cert := kubeconfigCert(t, filepath.Join(dir, tt.file))
			if cert.Subject.CommonName != tt.cn || !slices.Equal(cert.Subject.Organization, tt.groups) {
				t.Errorf("subject = CN=%q O=%q, want CN=%q O=%q", cert.Subject.CommonName, cert.Subject.Organization, tt.cn, tt.groups)
			}
			if kc.UserName != tt.cn || kc.ClusterName != "kubernetes" || kc.Server != "https://127.0.0.1:6443" {
				t.Errorf("kubeconfig user=%q cluster=%q server=%q", kc.UserName, kc.ClusterName, kc.Server)
			}
			if _, err := cert.Verify(x509.VerifyOptions{Roots: p.CAPool(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
				t.Errorf("client certificate does not verify for client auth: %v", err)
			}
			if got, want := cert.NotAfter.Sub(now), pki.DefaultCertValidity; got < want-time.Second || got > want+time.Second {
				t.Errorf("lifetime from now = %v, want %v", got, want)
			}
			if !bytes.Equal(kc.CAData, p.CAPEM()) {
				t.Error("kubeconfig CA data is not the CA")
			}
		})
	}
	kcc := p.KubeletClientCertificate().Leaf
	if kcc.Subject.CommonName != pki.KubeletClientUser || !slices.Equal(kcc.Subject.Organization, []string{"system:masters"}) {
		t.Errorf("kubelet client subject = %v", kcc.Subject)
	}
	keyPEM, _ := os.ReadFile(filepath.Join(dir, pki.ServiceAccountKeyFile))
	saKey, err := pki.ParseKey(keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM, _ := os.ReadFile(filepath.Join(dir, pki.ServiceAccountPublicKeyFile))
	pubs, err := pki.ParsePublicKeys(pubPEM)
	if err != nil {
		t.Fatal(err)
	}
	if len(pubs) != 1 || !saKey.Public().(*ecdsa.PublicKey).Equal(pubs[0]) || !p.ServiceAccountKey().Public().(*ecdsa.PublicKey).Equal(pubs[0]) {
		t.Error("sa.pub does not hold sa.key's public key")
	}
}

func TestServingCertificateSANs(t *testing.T) {
	p := bootstrap(t, pki.Options{
		Dir:         t.TempDir(),
		ServerURL:   "https://api.example.com:6443",
		Hosts:       []string{"10.0.0.7", "cp-1.example.com", "fd00::7"},
		ServiceCIDR: "10.100.0.0/16",
		DNSDomain:   "corp.local",
	})
	cert := p.ServingCertificate().Leaf
	host, _ := os.Hostname()
	wantDNS := []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
		"kubernetes.default.svc.corp.local", "api.example.com", "cp-1.example.com", strings.ToLower(host)}
	for _, d := range wantDNS {
		if !slices.Contains(cert.DNSNames, d) {
			t.Errorf("DNS SANs %v lack %q", cert.DNSNames, d)
		}
	}
	for _, ip := range []string{"127.0.0.1", "::1", "10.100.0.1", "10.0.0.7", "fd00::7"} {
		if !slices.ContainsFunc(cert.IPAddresses, func(a net.IP) bool { return a.Equal(net.ParseIP(ip)) }) {
			t.Errorf("IP SANs %v lack %s", cert.IPAddresses, ip)
		}
	}
	if cert.Subject.CommonName != "kube-apiserver" {
		t.Errorf("CN = %q, want kube-apiserver", cert.Subject.CommonName)
	}
	for _, name := range []string{"kubernetes.default.svc", "127.0.0.1", "10.100.0.1", "api.example.com"} {
		if _, err := cert.Verify(x509.VerifyOptions{Roots: p.CAPool(), DNSName: name}); err != nil {
			t.Errorf("serving certificate does not verify for %s: %v", name, err)
		}
	}
}

func TestBootstrapTwiceChangesNothing(t *testing.T) {
	dir := t.TempDir()
	bootstrap(t, pki.Options{Dir: dir})
	before := readDir(t, dir)
	bootstrap(t, pki.Options{Dir: dir})
	after := readDir(t, dir)
	if len(before) != len(after) {
		t.Fatalf("file count changed: %d → %d", len(before), len(after))
	}
	for name, b := range before {
		if !bytes.Equal(b, after[name]) {
			t.Errorf("%s was rewritten by the second Bootstrap", name)
		}
	}
}

// operatorCA makes a CA outside the package, as an operator would: RSA, a
// different name, its own validity.
func operatorCA(t *testing.T, dir string) *x509.Certificate {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(42), Subject: pkix.Name{CommonName: "ACME corp root", Organization: []string{"ACME"}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(5 * 365 * 24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	keyPEM, _ := pki.MarshalKey(key)
	if err := os.WriteFile(filepath.Join(dir, pki.CACertFile), pki.EncodeCertificate(cert), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, pki.CAKeyFile), keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return cert
}

func TestPreplacedCAIsUsed(t *testing.T) {
	dir := t.TempDir()
	ca := operatorCA(t, dir)
	caFile, _ := os.ReadFile(filepath.Join(dir, pki.CACertFile))
	p := bootstrap(t, pki.Options{Dir: dir})
	if !p.CA().Equal(ca) {
		t.Fatalf("CA = %v, want the operator's %v", p.CA().Subject, ca.Subject)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, pki.CACertFile)); !bytes.Equal(after, caFile) {
		t.Error("ca.crt was rewritten")
	}
	_, admin := kubeconfigCert(t, filepath.Join(dir, pki.AdminKubeconfig))
	if err := admin.CheckSignatureFrom(ca); err != nil {
		t.Errorf("admin certificate not issued by the operator's CA: %v", err)
	}
	if err := p.ServingCertificate().Leaf.CheckSignatureFrom(ca); err != nil {
		t.Errorf("serving certificate not issued by the operator's CA: %v", err)
	}
	if admin.NotAfter.After(ca.NotAfter) {
		t.Errorf("admin certificate outlives the CA: %v > %v", admin.NotAfter, ca.NotAfter)
	}
}

func TestNewCAReissuesLeaves(t *testing.T) {
	dir := t.TempDir()
	p1 := bootstrap(t, pki.Options{Dir: dir})
	_, admin1 := kubeconfigCert(t, filepath.Join(dir, pki.AdminKubeconfig))
	// The operator replaces the CA: every certificate is re-issued by the
	// new one, keys kept.
	os.Remove(filepath.Join(dir, pki.CACertFile))
	os.Remove(filepath.Join(dir, pki.CAKeyFile))
	ca := operatorCA(t, dir)
	p2 := bootstrap(t, pki.Options{Dir: dir})
	_, admin2 := kubeconfigCert(t, filepath.Join(dir, pki.AdminKubeconfig))
	if err := admin2.CheckSignatureFrom(ca); err != nil {
		t.Errorf("admin certificate not re-issued by the new CA: %v", err)
	}
	if !admin1.PublicKey.(*ecdsa.PublicKey).Equal(admin2.PublicKey) {
		t.Error("admin key was replaced, want it kept")
	}
	if p1.ServingCertificate().Leaf.Equal(p2.ServingCertificate().Leaf) {
		t.Error("serving certificate not re-issued")
	}
}

func TestCAErrors(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(t *testing.T, dir string)
		want    string
	}{
		{"certificate without key", func(t *testing.T, dir string) {
			operatorCA(t, dir)
			os.Remove(filepath.Join(dir, pki.CAKeyFile))
		}, "exists without"},
		{"key of another certificate", func(t *testing.T, dir string) {
			operatorCA(t, dir)
			k, _ := pki.GenerateKey()
			b, _ := pki.MarshalKey(k)
			os.WriteFile(filepath.Join(dir, pki.CAKeyFile), b, 0o600)
		}, "does not belong"},
		{"not a CA", func(t *testing.T, dir string) {
			p := bootstrap(t, pki.Options{Dir: t.TempDir()})
			os.WriteFile(filepath.Join(dir, pki.CACertFile), pki.EncodeCertificate(p.ServingCertificate().Leaf), 0o600)
			b, _ := pki.MarshalKey(p.ServingCertificate().PrivateKey.(*ecdsa.PrivateKey))
			os.WriteFile(filepath.Join(dir, pki.CAKeyFile), b, 0o600)
		}, "not a CA"},
		{"garbage key", func(t *testing.T, dir string) {
			operatorCA(t, dir)
			os.WriteFile(filepath.Join(dir, pki.CAKeyFile), []byte("not a key"), 0o600)
		}, "no PEM private key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			tt.prepare(t, dir)
			_, err := pki.Bootstrap(pki.Options{Dir: dir})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Bootstrap error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestExpiredCAIsAnError(t *testing.T) {
	dir := t.TempDir()
	bootstrap(t, pki.Options{Dir: dir, CAValidity: time.Hour})
	later := time.Now().Add(2 * time.Hour)
	_, err := pki.Bootstrap(pki.Options{Dir: dir, Now: func() time.Time { return later }})
	if err == nil || !strings.Contains(err.Error(), "expired") {
		t.Errorf("Bootstrap with an expired CA: error = %v, want expired", err)
	}
}

func TestCAKeyWithoutCertificateGetsOne(t *testing.T) {
	dir := t.TempDir()
	k, _ := pki.GenerateKey()
	b, _ := pki.MarshalKey(k)
	if err := os.WriteFile(filepath.Join(dir, pki.CAKeyFile), b, 0o600); err != nil {
		t.Fatal(err)
	}
	p := bootstrap(t, pki.Options{Dir: dir})
	if !k.PublicKey.Equal(p.CA().PublicKey) {
		t.Error("the CA certificate is not for the supplied key")
	}
}

func TestRotationRenewsAt80Percent(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Now()
	clock := t0
	opts := pki.Options{Dir: dir, Now: func() time.Time { return clock }}
	p1 := bootstrap(t, opts)
	_, admin1 := kubeconfigCert(t, filepath.Join(dir, pki.AdminKubeconfig))
	caFile, _ := os.ReadFile(filepath.Join(dir, pki.CACertFile))

	// At 70% of a year nothing changes.
	clock = t0.Add(pki.DefaultCertValidity * 7 / 10)
	before := readDir(t, dir)
	bootstrap(t, opts)
	for name, b := range readDir(t, dir) {
		if !bytes.Equal(b, before[name]) {
			t.Errorf("at 70%% of the lifetime %s was rewritten", name)
		}
	}

	// At 85% every leaf is renewed with its key; the CA is kept.
	clock = t0.Add(pki.DefaultCertValidity * 85 / 100)
	p2 := bootstrap(t, opts)
	_, admin2 := kubeconfigCert(t, filepath.Join(dir, pki.AdminKubeconfig))
	if admin2.Equal(admin1) {
		t.Error("admin certificate not renewed")
	}
	if !admin1.PublicKey.(*ecdsa.PublicKey).Equal(admin2.PublicKey) {
		t.Error("admin key changed on renewal")
	}
	if !admin2.NotBefore.Before(clock) || admin2.NotAfter.Before(clock.Add(pki.DefaultCertValidity-time.Minute)) {
		t.Errorf("renewed validity %v – %v does not start at the renewal", admin2.NotBefore, admin2.NotAfter)
	}
	if p2.ServingCertificate().Leaf.Equal(p1.ServingCertificate().Leaf) {
		t.Error("serving certificate not renewed")
	}
	if after, _ := os.ReadFile(filepath.Join(dir, pki.CACertFile)); !bytes.Equal(after, caFile) {
		t.Error("CA rewritten on renewal")
	}
}

func TestRotateSwapsServingCertificateInPlace(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Now()
	clock := t0
	p := bootstrap(t, pki.Options{Dir: dir, Now: func() time.Time { return clock }})
	cfg := p.ServerTLSConfig()
	old, _ := cfg.GetCertificate(nil)
	clock = t0.Add(pki.DefaultCertValidity * 9 / 10)
	if err := p.Rotate(); err != nil {
		t.Fatal(err)
	}
	cur, _ := cfg.GetCertificate(nil)
	if cur.Leaf.Equal(old.Leaf) {
		t.Error("ServerTLSConfig still serves the old certificate after Rotate")
	}
}

func TestChangedServerURLRewritesKubeconfigs(t *testing.T) {
	dir := t.TempDir()
	bootstrap(t, pki.Options{Dir: dir})
	_, c1 := kubeconfigCert(t, filepath.Join(dir, pki.SchedulerKubeconfig))
	p := bootstrap(t, pki.Options{Dir: dir, ServerURL: "https://10.1.2.3:443"})
	kc, c2 := kubeconfigCert(t, filepath.Join(dir, pki.SchedulerKubeconfig))
	if kc.Server != "https://10.1.2.3:443" {
		t.Errorf("server = %q, want the new URL", kc.Server)
	}
	if !c1.PublicKey.(*ecdsa.PublicKey).Equal(c2.PublicKey) {
		t.Error("key changed")
	}
	if !slices.ContainsFunc(p.ServingCertificate().Leaf.IPAddresses, func(ip net.IP) bool { return ip.Equal(net.ParseIP("10.1.2.3")) }) {
		t.Error("the new server IP is not in the serving certificate")
	}
}

func TestNodeCertificate(t *testing.T) {
	dir := t.TempDir()
	p := bootstrap(t, pki.Options{Dir: dir})
	cred, err := p.NodeCertificate("worker-1")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cred.Kubeconfig, filepath.Join(dir, "kubelet-worker-1.conf"); got != want {
		t.Errorf("kubeconfig path = %q, want %q", got, want)
	}
	if cred.Cert.Subject.CommonName != "system:node:worker-1" || !slices.Equal(cred.Cert.Subject.Organization, []string{"system:nodes"}) {
		t.Errorf("subject = %v, want CN=system:node:worker-1 O=system:nodes", cred.Cert.Subject)
	}
	again, err := p.NodeCertificate("worker-1")
	if err != nil {
		t.Fatal(err)
	}
	if !again.Cert.Equal(cred.Cert) || !bytes.Equal(again.KeyPEM, cred.KeyPEM) {
		t.Error("second NodeCertificate issued a new certificate, want the file reused")
	}
	// Bootstrap keeps node kubeconfigs too.
	before, _ := os.ReadFile(cred.Kubeconfig)
	bootstrap(t, pki.Options{Dir: dir})
	if after, _ := os.ReadFile(cred.Kubeconfig); !bytes.Equal(before, after) {
		t.Error("Bootstrap rewrote a fresh node kubeconfig")
	}
	for _, bad := range []string{"", "../etc", "Worker", "a/b", "x_y"} {
		if _, err := p.NodeCertificate(bad); err == nil {
			t.Errorf("NodeCertificate(%q) succeeded, want an invalid name error", bad)
		}
	}
}

func TestKubeconfigsLoadInClient(t *testing.T) {
	dir := t.TempDir()
	p := bootstrap(t, pki.Options{Dir: dir})
	node, err := p.NodeCertificate("n1")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{
		p.Path(pki.AdminKubeconfig), p.Path(pki.SchedulerKubeconfig), p.Path(pki.ControllerManagerKubeconfig),
		p.Path(pki.ProxyKubeconfig), node.Kubeconfig,
	} {
		cfg, err := client.LoadKubeconfig(path, "")
		if err != nil {
			t.Errorf("LoadKubeconfig(%s): %v", filepath.Base(path), err)
			continue
		}
		if cfg.Host != "https://127.0.0.1:6443" || len(cfg.TLS.CAData) == 0 || len(cfg.TLS.CertData) == 0 || len(cfg.TLS.KeyData) == 0 {
			t.Errorf("%s: Host=%q CA=%d cert=%d key=%d bytes", filepath.Base(path), cfg.Host, len(cfg.TLS.CAData), len(cfg.TLS.CertData), len(cfg.TLS.KeyData))
		}
		if _, err := client.New(cfg); err != nil {
			t.Errorf("client.New(%s): %v", filepath.Base(path), err)
		}
	}
}

func TestKubeconfigRoundTrip(t *testing.T) {
	p := bootstrap(t, pki.Options{Dir: t.TempDir(), ClusterName: "prod"})
	kc := p.Kubeconfig("system:bootstrap:abcdef")
	kc.Token = "abcdef.0123456789abcdef"
	path := filepath.Join(t.TempDir(), "sub", "bootstrap-kubelet.conf")
	if err := kc.Write(path); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	got, err := pki.ParseKubeconfig(data)
	if err != nil {
		t.Fatal(err)
	}
	if got.Token != kc.Token || got.UserName != kc.UserName || got.ClusterName != "prod" || !bytes.Equal(got.CAData, p.CAPEM()) {
		t.Errorf("round trip = %+v, want %+v", got, kc)
	}
	cfg, err := client.LoadKubeconfig(path, "system:bootstrap:abcdef@prod")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.BearerToken != kc.Token {
		t.Errorf("client BearerToken = %q, want %q", cfg.BearerToken, kc.Token)
	}
}

func newCSR(t *testing.T, subject pkix.Name, dns []string, ips []net.IP) *x509.CertificateRequest {
	t.Helper()
	key, _ := pki.GenerateKey()
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: subject, DNSNames: dns, IPAddresses: ips}, key)
	if err != nil {
		t.Fatal(err)
	}
	csr, err := pki.ParseCSR(pemBlock("CERTIFICATE REQUEST", der))
	if err != nil {
		t.Fatal(err)
	}
	return csr
}

func TestSign(t *testing.T) {
	now := time.Now()
	p := bootstrap(t, pki.Options{Dir: t.TempDir(), CAValidity: 48 * time.Hour, Now: func() time.Time { return now }})

	// A kubelet client certificate, as the CSR signer issues it.
	csr := newCSR(t, pkix.Name{CommonName: "system:node:n1", Organization: []string{"system:nodes"}}, nil, nil)
	certPEM, err := p.Sign(csr, []pki.Usage{pki.UsageDigitalSignature, pki.UsageClientAuth}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := pki.ParseCertificate(certPEM)
	if err != nil {
		t.Fatal(err)
	}
	if cert.Subject.CommonName != "system:node:n1" || !slices.Equal(cert.Subject.Organization, []string{"system:nodes"}) {
		t.Errorf("subject = %v", cert.Subject)
	}
	if !slices.Equal(cert.ExtKeyUsage, []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}) || cert.KeyUsage != x509.KeyUsageDigitalSignature {
		t.Errorf("usages = %v / %v", cert.KeyUsage, cert.ExtKeyUsage)
	}
	if got, want := cert.NotAfter, now.Add(time.Hour).Truncate(time.Second); !got.Equal(want) {
		t.Errorf("NotAfter = %v, want %v (an hour)", got, want)
	}
	if _, err := cert.Verify(x509.VerifyOptions{Roots: p.CAPool(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Error(err)
	}

	// A kubelet serving certificate: SANs are copied; the lifetime is
	// capped by the CA's.
	csr = newCSR(t, pkix.Name{CommonName: "system:node:n1"}, []string{"n1.example"}, []net.IP{net.ParseIP("10.0.0.9")})
	certPEM, err = p.Sign(csr, []pki.Usage{pki.UsageKeyEncipherment, pki.UsageDigitalSignature, pki.UsageServerAuth}, 0)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ = pki.ParseCertificate(certPEM)
	if !slices.Equal(cert.DNSNames, []string{"n1.example"}) || len(cert.IPAddresses) != 1 || !cert.IPAddresses[0].Equal(net.ParseIP("10.0.0.9")) {
		t.Errorf("SANs = %v %v", cert.DNSNames, cert.IPAddresses)
	}
	if !cert.NotAfter.Equal(p.CA().NotAfter) {
		t.Errorf("NotAfter = %v, want capped at the CA's %v", cert.NotAfter, p.CA().NotAfter)
	}

	refused := []struct {
		name   string
		usages []pki.Usage
	}{
		{"cert sign", []pki.Usage{"cert sign"}},
		{"unknown", []pki.Usage{pki.UsageClientAuth, "teleport"}},
		{"none", nil},
	}
	for _, tt := range refused {
		if _, err := p.Sign(csr, tt.usages, 0); !errors.Is(err, pki.ErrBadRequest) {
			t.Errorf("%s: Sign error = %v, want ErrBadRequest", tt.name, err)
		}
	}
	tampered := *csr
	tampered.Signature = slices.Clone(csr.Signature)
	tampered.Signature[len(tampered.Signature)-1] ^= 0xff
	if _, err := p.Sign(&tampered, []pki.Usage{pki.UsageClientAuth}, 0); !errors.Is(err, pki.ErrBadRequest) {
		t.Errorf("tampered CSR: error = %v, want ErrBadRequest", err)
	}
	if _, err := pki.ParseCSR([]byte("garbage")); !errors.Is(err, pki.ErrBadRequest) {
		t.Errorf("ParseCSR(garbage) error = %v, want ErrBadRequest", err)
	}
}

func TestNeedsRenewal(t *testing.T) {
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	cert := &x509.Certificate{NotBefore: start, NotAfter: start.Add(100 * time.Hour)}
	tests := []struct {
		at   time.Duration
		want bool
	}{
		{0, false},
		{79 * time.Hour, false},
		{80 * time.Hour, true},
		{99 * time.Hour, true},
		{200 * time.Hour, true},
	}
	for _, tt := range tests {
		if got := pki.NeedsRenewal(cert, start.Add(tt.at)); got != tt.want {
			t.Errorf("NeedsRenewal at %v = %v, want %v", tt.at, got, tt.want)
		}
	}
	if got, want := pki.RenewalTime(cert), start.Add(80*time.Hour); !got.Equal(want) {
		t.Errorf("RenewalTime = %v, want %v", got, want)
	}
}

func TestOptionsErrors(t *testing.T) {
	for _, opts := range []pki.Options{
		{},
		{Dir: t.TempDir(), ServerURL: "http://127.0.0.1:6443"},
		{Dir: t.TempDir(), ServiceCIDR: "10.96.0.0"},
	} {
		if _, err := pki.Bootstrap(opts); err == nil {
			t.Errorf("Bootstrap(%+v) succeeded, want an error", opts)
		}
	}
}

func TestWriteFileIsAtomicAndPrivate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := pki.WriteFile(path, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new" {
		t.Errorf("content = %q, want new", b)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode = %o, want 600", st.Mode().Perm())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("directory holds %d entries, want 1 (no temporary file left)", len(entries))
	}
	if err := pki.WriteFile(filepath.Join(dir, "missing", "f"), nil); err == nil {
		t.Error("WriteFile into a missing directory succeeded")
	}
}

func pemBlock(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}
