package certificates_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"log"
	"time"

	"github.com/spar-dev/spar/api/certificates"
	"github.com/spar-dev/spar/api/meta"
)

// A node asks for its client certificate; the request is valid, and once
// approved it is what a signer waits for.
func Example() {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		log.Fatal(err)
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject: pkix.Name{CommonName: "system:node:worker-1", Organization: []string{"system:nodes"}},
	}, key)
	if err != nil {
		log.Fatal(err)
	}
	csr := &certificates.CertificateSigningRequest{
		ObjectMeta: meta.ObjectMeta{Name: "node-csr-worker-1"},
		Spec: certificates.CertificateSigningRequestSpec{
			Request:           certificates.EncodeRequest(der),
			SignerName:        certificates.KubeAPIServerClientKubeletSignerName,
			ExpirationSeconds: certificates.DurationToExpirationSeconds(24 * time.Hour),
			Usages:            []certificates.KeyUsage{certificates.UsageDigitalSignature, certificates.UsageClientAuth},
		},
	}
	fmt.Println("errors:", len(csr.Validate()))

	csr.SetCondition(certificates.CertificateSigningRequestCondition{
		Type: certificates.CertificateApproved, Status: meta.ConditionTrue, Reason: "AutoApproved",
	}, meta.Now())
	fmt.Println("approved:", csr.IsApproved(), "issued:", csr.IsIssued())
	// Output:
	// errors: 0
	// approved: true issued: false
}
