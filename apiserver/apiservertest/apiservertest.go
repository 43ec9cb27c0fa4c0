// Package apiservertest starts a real spar API server for tests: on a bolt
// store in t.TempDir(), listening on a loopback port, with a kubeconfig
// for kubectl and Go clients. It is what controller authors elsewhere
// download etcd and kube-apiserver binaries for.
package apiservertest

import (
	"context"
	"errors"
	"fmt"
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

	closers []func() // run by Close, last first
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

// Start starts a server on a bolt store in t.TempDir() that stops when the
// test ends. It fails the test if the server cannot start.
func Start(t testing.TB, opts *Options) *Server {
	t.Helper()
	s, err := Open(t.TempDir(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// Open starts a server outside a test (examples, TestMain, a program's
// own harness), keeping its store and files in dir. The caller must Close
// it; dir is left for the caller to remove.
func Open(dir string, opts *Options) (_ *Server, err error) {
	if opts == nil {
		opts = &Options{}
	}
	s := &Server{Dir: dir}
	// On failure, undo whatever was started.
	defer func() {
		if err != nil {
			s.Close()
			err = fmt.Errorf("apiservertest: %w", err)
		}
	}()
	cfg := opts.Config
	if cfg.Store == nil {
		st, err := bolt.Open(filepath.Join(dir, "spar.db"), &bolt.Options{NoSync: !opts.Sync})
		if err != nil {
			return nil, err
		}
		s.closers = append(s.closers, func() { st.Close() })
		cfg.Store = st
	}
	s.Store = cfg.Store
	if cfg.Logger.GetSink() == nil {
		cfg.Logger = opts.Logger
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	if opts.Secure {
		if s.Setup, err = secure.Configure(&cfg, secure.Options{Dir: dir, ServerURL: "https://" + ln.Addr().String()}); err != nil {
			ln.Close()
			return nil, err
		}
		if a := s.Setup.Audit; a != nil {
			s.closers = append(s.closers, func() { a.Close() })
		}
	}
	if s.Server, err = apiserver.New(cfg); err != nil {
		ln.Close()
		return nil, err
	}
	if s.Setup != nil {
		s.Setup.Attach(s.Server)
	}
	ctx, cancel := context.WithCancel(context.Background())
	runDone := make(chan struct{})
	go func() {
		defer close(runDone)
		s.Server.Run(ctx)
	}()
	hs := &http.Server{Handler: s.Server.Handler()}
	// Closers run last first: the HTTP server, then Run, then audit and
	// the store.
	s.closers = append(s.closers, func() {
		hs.Close()
		cancel()
		<-runDone
	})
	select {
	case <-s.Server.Ready():
	case <-time.After(30 * time.Second):
		ln.Close()
		return nil, errors.New("the server was not ready after 30s")
	}
	if s.Setup != nil {
		hs.TLSConfig = s.Setup.TLSConfig
		go hs.ServeTLS(ln, "", "")
		s.URL = "https://" + ln.Addr().String()
		s.Kubeconfig = s.Setup.AdminKubeconfig
	} else {
		go hs.Serve(ln)
		s.URL = "http://" + ln.Addr().String()
		s.Kubeconfig = filepath.Join(dir, "admin.kubeconfig")
		if err := apiserver.WriteKubeconfig(s.Kubeconfig, s.URL); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Close stops the server and closes the store it opened. It is safe to
// call more than once.
func (s *Server) Close() {
	for i := len(s.closers) - 1; i >= 0; i-- {
		s.closers[i]()
	}
	s.closers = nil
}
