package pki_test

import (
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/pki"
)

// Bootstrap a cluster's PKI, then connect as the admin with the kubeconfig
// it wrote (kubectl --kubeconfig admin.conf works the same).
func Example() {
	dir, err := os.MkdirTemp("", "spar-pki")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	p, err := pki.Bootstrap(pki.Options{Dir: dir, ServerURL: "https://127.0.0.1:6443"})
	if err != nil {
		log.Fatal(err)
	}
	// The API server serves with p.ServerTLSConfig() and trusts
	// p.CAPool() for client certificates.
	cfg, err := client.LoadKubeconfig(p.Path(pki.AdminKubeconfig), "")
	if err != nil {
		log.Fatal(err)
	}
	admin, err := pki.ParseCertificate(cfg.TLS.CertData)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("server:", cfg.Host)
	fmt.Println("admin:", admin.Subject.CommonName, admin.Subject.Organization)

	node, err := p.NodeCertificate("worker-1")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("node:", node.Cert.Subject.CommonName, node.Cert.Subject.Organization, filepath.Base(node.Kubeconfig))
	// Output:
	// server: https://127.0.0.1:6443
	// admin: kubernetes-admin [system:masters]
	// node: system:node:worker-1 [system:nodes] kubelet-worker-1.conf
}

// Sign a node's certificate signing request, as the CSR signer does in TLS
// bootstrap once the CertificateSigningRequest is approved.
func ExamplePKI_Sign() {
	dir, err := os.MkdirTemp("", "spar-pki")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	p, err := pki.Bootstrap(pki.Options{Dir: dir})
	if err != nil {
		log.Fatal(err)
	}

	// The kubelet's side: a key and a request for its identity.
	key, err := pki.GenerateKey()
	if err != nil {
		log.Fatal(err)
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject: pkix.Name{CommonName: "system:node:worker-2", Organization: []string{"system:nodes"}},
	}, key)
	if err != nil {
		log.Fatal(err)
	}
	csr, err := x509.ParseCertificateRequest(der)
	if err != nil {
		log.Fatal(err)
	}

	// The control plane's side.
	certPEM, err := p.Sign(csr, []pki.Usage{pki.UsageDigitalSignature, pki.UsageClientAuth}, 0)
	if err != nil {
		log.Fatal(err)
	}
	cert, err := pki.ParseCertificate(certPEM)
	if err != nil {
		log.Fatal(err)
	}
	_, err = cert.Verify(x509.VerifyOptions{Roots: p.CAPool(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	fmt.Println(cert.Subject.CommonName, "verifies:", err == nil)
	// Output: system:node:worker-2 verifies: true
}
