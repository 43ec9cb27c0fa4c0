package bootstrap_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/apiserver"
	"github.com/spar-dev/spar/apiserver/authn"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/controller/certificates"
	"github.com/spar-dev/spar/pki"
	"github.com/spar-dev/spar/pki/bootstrap"
	"github.com/spar-dev/spar/store/bolt"
)

// A node joins a TLS-only cluster with a bootstrap token and comes out
// with its own identity; a Rotator would then keep it valid.
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dir, err := os.MkdirTemp("", "spar-bootstrap")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	// The control plane: PKI, API server (client certificates and
	// bootstrap tokens), and the CSR controllers.
	ts := httptest.NewUnstartedServer(nil)
	url := "https://" + ts.Listener.Addr().String()
	p, err := pki.Bootstrap(pki.Options{Dir: filepath.Join(dir, "pki"), ServerURL: url})
	if err != nil {
		log.Fatal(err)
	}
	st, err := bolt.Open(filepath.Join(dir, "spar.db"), nil)
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	var admin *client.Client
	tokens := &authn.BootstrapTokens{GetSecret: func(ctx context.Context, name string) (*core.Secret, error) {
		return client.Resource[core.Secret](admin).Namespace("kube-system").Get(ctx, name)
	}}
	srv, err := apiserver.New(apiserver.Config{Store: st, Authenticator: authn.Union{&authn.X509{Roots: p.CAPool()}, tokens}})
	if err != nil {
		log.Fatal(err)
	}
	go srv.Run(ctx)
	<-srv.Ready()
	ts.Config.Handler = srv.Handler()
	ts.TLS = p.ServerTLSConfig()
	ts.TLS.Certificates = []tls.Certificate{*p.ServingCertificate()}
	ts.StartTLS()
	defer ts.Close()
	defer ts.CloseClientConnections()
	cfg, err := client.LoadKubeconfig(p.Path(pki.AdminKubeconfig), "")
	if err != nil {
		log.Fatal(err)
	}
	if admin, err = client.New(cfg); err != nil {
		log.Fatal(err)
	}
	m := controller.NewManager(admin, nil)
	if err := certificates.Add(m, &certificates.Options{PKI: p}); err != nil {
		log.Fatal(err)
	}
	mctx, stop := context.WithCancel(ctx)
	defer stop()
	go m.Run(mctx)

	// The operator makes a token (kubeadm token create).
	token, err := authn.GenerateBootstrapToken()
	if err != nil {
		log.Fatal(err)
	}
	secret, err := authn.BootstrapTokenSecret(token, time.Now().Add(time.Hour))
	if err != nil {
		log.Fatal(err)
	}
	if _, err := client.Resource[core.Secret](admin).Namespace("kube-system").Create(ctx, secret, nil); err != nil {
		log.Fatal(err)
	}

	// The node.
	cred, err := bootstrap.Bootstrap(ctx, bootstrap.Options{Server: url, CA: p.CAPEM(), Token: token,
		NodeName: "worker-1", CertDir: filepath.Join(dir, "node")})
	if err != nil {
		log.Fatal(err)
	}
	leaf := cred.Certificate.Leaf
	fmt.Println(leaf.Subject.CommonName, leaf.Subject.Organization, filepath.Base(cred.Kubeconfig))
	stop()
	// Output: system:node:worker-1 [system:nodes] kubelet.conf
}
