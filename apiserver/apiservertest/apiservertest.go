// Package apiservertest starts a real spar API server for tests: on a bolt
// store in t.TempDir(), listening on a loopback port, with a kubeconfig
// for kubectl and Go clients. It is what controller authors elsewhere
// download etcd and kube-apiserver binaries for.
package apiservertest

import (
	"context"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-logr/logr"

	"github.com/spar-dev/spar/apiserver"
	"github.com/spar-dev/spar/apiserver/secure"
	"github.com/spar-dev/spar/store"
	"github.com/spar-dev/spar/store/bolt"
)

// Server is a running API server.
type Server struct {
	*apiserver.Server
	// URL is the server's base URL (http://127.0.0.1:port).
	URL string
	// Kubeconfig is the path of an admin kubeconfig for URL.
	Kubeconfig string
	// Store is the store the server runs on.
	Store store.Store
	// Dir is the test's data directory.
	Dir string
	// Setup is the security setup of a Secure server (nil otherwise).
	Setup *secure.Setup
}

// Options tune Start. The zero value is the defaults.
type Options struct {
	// Config is the server configuration; its Store is set by Start unless
	// given. Default: apiserver defaults.
	Config apiserver.Config
	// Sync makes the bolt store fsync every write. Default false: tests
	// need no durability against machine crashes.
	Sync bool
	// Logger receives the server's logs. Default: discard.
	Logger logr.Logger
	// Secure serves TLS with the full security configuration of package
	// secure (PKI, x509 and token authentication, Node and RBAC
	// authorization, admission, audit, encryption at rest); Kubeconfig is
	// then the admin's (system:masters). Default false: plain HTTP, every
	// request an admin.
	Secure bool
}

// Start starts a server that stops when the test ends.
func Start(t testing.TB, opts *Options) *Server {
	t.Helper()
	if opts == nil {
		opts = &Options{}
	}
	dir := t.TempDir()
	cfg := opts.Config
	if cfg.Store == nil {
		st, err := bolt.Open(filepath.Join(dir, "spar.db"), &bolt.Options{NoSync: !opts.Sync})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		cfg.Store = st
	}
	if cfg.Logger.GetSink() == nil {
		cfg.Logger = opts.Logger
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var sec *secure.Setup
	if opts.Secure {
		if sec, err = secure.Configure(&cfg, secure.Options{Dir: dir, ServerURL: "https://" + ln.Addr().String()}); err != nil {
			t.Fatal(err)
		}
		if sec.Audit != nil {
			t.Cleanup(func() { sec.Audit.Close() })
		}
	}
	srv, err := apiserver.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if sec != nil {
		sec.Attach(srv)
	}
	ctx, cancel := context.WithCancel(context.Background())
	runDone := make(chan struct{})
	go func() {
		defer close(runDone)
		srv.Run(ctx)
	}()
	select {
	case <-srv.Ready():
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("apiservertest: the server was not ready after 30s")
	}
	hs := &http.Server{Handler: srv.Handler()}
	s := &Server{Server: srv, Store: cfg.Store, Dir: dir, Setup: sec}
	if sec != nil {
		hs.TLSConfig = sec.TLSConfig
		go hs.ServeTLS(ln, "", "")
		s.URL = "https://" + ln.Addr().String()
		s.Kubeconfig = sec.AdminKubeconfig
	} else {
		go hs.Serve(ln)
		s.URL = "http://" + ln.Addr().String()
		s.Kubeconfig = filepath.Join(dir, "admin.kubeconfig")
		if err := apiserver.WriteKubeconfig(s.Kubeconfig, s.URL); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		hs.Close()
		cancel()
		<-runDone
	})
	return s
}
