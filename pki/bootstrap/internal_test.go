package bootstrap

import (
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spar-dev/spar/pki"
)

func TestRenewalDeadline(t *testing.T) {
	nb := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	cert := func(life time.Duration) *tls.Certificate {
		return &tls.Certificate{Leaf: &x509.Certificate{NotBefore: nb, NotAfter: nb.Add(life)}}
	}
	tests := []struct {
		name      string
		cert      *tls.Certificate
		requested time.Time
		jitter    float64
		want      time.Time
	}{
		{"found on disk, earliest", cert(100 * time.Hour), time.Time{}, 0, nb.Add(70 * time.Hour)},
		{"found on disk, middle", cert(100 * time.Hour), time.Time{}, 0.5, nb.Add(80 * time.Hour)},
		{"found on disk, latest", cert(100 * time.Hour), time.Time{}, 1, nb.Add(90 * time.Hour)},
		// Backdated five minutes, valid ten seconds after the request: the
		// lifetime counts from the request.
		{"short and backdated", cert(5*time.Minute + 10*time.Second), nb.Add(5 * time.Minute), 0.5, nb.Add(5*time.Minute + 8*time.Second)},
		{"requested before NotBefore", cert(100 * time.Hour), nb.Add(-time.Hour), 0.5, nb.Add(80 * time.Hour)},
	}
	for _, tt := range tests {
		if got := renewalDeadline(tt.cert, tt.requested, tt.jitter); !got.Equal(tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

// A certificate on disk is used only when it is the node's, current, and
// from the cluster CA.
func TestLoadCertificate(t *testing.T) {
	p, err := pki.Bootstrap(pki.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	other, err := pki.Bootstrap(pki.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(file string, ca *pki.PKI, cn string, d time.Duration) string {
		key, _ := pki.GenerateKey()
		der, _ := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: cn, Organization: []string{"system:nodes"}}}, key)
		req, _ := x509.ParseCertificateRequest(der)
		certPEM, err := ca.Sign(req, []pki.Usage{pki.UsageDigitalSignature, pki.UsageClientAuth}, d)
		if err != nil {
			t.Fatal(err)
		}
		cert, _ := pki.ParseCertificate(certPEM)
		path := filepath.Join(dir, file)
		if err := writeCertificate(path, cert, key); err != nil {
			t.Fatal(err)
		}
		return path
	}
	roots := p.CAPool()
	now := time.Now()
	tests := []struct {
		name string
		path string
		now  time.Time
		want string // part of the error, "" for usable
	}{
		{"usable", write("usable", p, "system:node:w1", time.Hour), now, ""},
		{"another node", write("other-node", p, "system:node:w2", time.Hour), now, `the certificate is for "system:node:w2", not "system:node:w1"`},
		{"expired", write("expired", p, "system:node:w1", 2*time.Hour), now.Add(3 * time.Hour), "client certificate has expired"},
		{"foreign CA", write("foreign", other, "system:node:w1", time.Hour), now, "certificate signed by unknown authority"},
		{"missing", filepath.Join(dir, "none.pem"), now, "no such file"},
	}
	for _, tt := range tests {
		_, err := loadCertificate(tt.path, "w1", roots, tt.now)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: %v, want an error saying %q", tt.name, err, tt.want)
		}
	}
	if _, err := loadCertificate(filepath.Join(dir, "none.pem"), "w1", roots, now); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v, want ErrNotExist", err)
	}
}
