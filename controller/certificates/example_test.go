package certificates_test

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"log"
	"os"
	"path/filepath"

	certapi "github.com/spar-dev/spar/api/certificates"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/apiserver"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/controller/certificates"
	"github.com/spar-dev/spar/pki"
	"github.com/spar-dev/spar/store/bolt"
)

// A user asks the cluster CA for a client certificate; an administrator
// approves the request, and the signer issues it.
func Example() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir, err := os.MkdirTemp("", "spar-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	p, err := pki.Bootstrap(pki.Options{Dir: filepath.Join(dir, "pki")})
	if err != nil {
		log.Fatal(err)
	}
	st, err := bolt.Open(filepath.Join(dir, "spar.db"), nil)
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	srv, err := apiserver.New(apiserver.Config{Store: st})
	if err != nil {
		log.Fatal(err)
	}
	go srv.Run(ctx)
	<-srv.Ready()
	c := client.NewForHandler(srv.Handler())

	m := controller.NewManager(c, nil)
	if err := certificates.Add(m, &certificates.Options{PKI: p}); err != nil {
		log.Fatal(err)
	}
	go m.Run(ctx)

	key, err := pki.GenerateKey()
	if err != nil {
		log.Fatal(err)
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject: pkix.Name{CommonName: "jane", Organization: []string{"devs"}}}, key)
	if err != nil {
		log.Fatal(err)
	}
	csrs := client.Resource[certapi.CertificateSigningRequest](c)
	w, err := csrs.Watch(ctx, &client.WatchOptions{FieldSelector: "metadata.name=jane"})
	if err != nil {
		log.Fatal(err)
	}
	defer w.Stop()
	_, err = csrs.Create(ctx, &certapi.CertificateSigningRequest{
		ObjectMeta: meta.ObjectMeta{Name: "jane"},
		Spec: certapi.CertificateSigningRequestSpec{Request: certapi.EncodeRequest(der),
			SignerName: certapi.KubeAPIServerClientSignerName, Usages: []certapi.KeyUsage{certapi.UsageClientAuth}},
	}, nil)
	if err != nil {
		log.Fatal(err)
	}
	if err := certificates.Approve(ctx, c, "jane", "ApprovedByAdmin", "jane joins the team"); err != nil {
		log.Fatal(err)
	}
	for {
		ev, err := w.Next()
		if err != nil {
			log.Fatal(err)
		}
		if ev.Object.IsIssued() {
			cert, err := pki.ParseCertificate(ev.Object.Status.Certificate)
			if err != nil {
				log.Fatal(err)
			}
			fmt.Println("issued:", cert.Subject.CommonName, cert.Subject.Organization)
			return
		}
	}
	// Output: issued: jane [devs]
}
