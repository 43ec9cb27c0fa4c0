// Package controllertest gives controller tests a real environment in a
// fraction of a second: a spar API server on a bolt file in t.TempDir(),
// listening on a loopback port, a client connected to it in-process, and a
// Manager on that client. It is what controller authors elsewhere download
// etcd and kube-apiserver binaries for (controller-runtime's envtest).
//
// Tests use New, which stops everything when the test ends. Code that has
// no testing.TB (examples, TestMain, a program's own harness) uses Open
// and Close instead; both build the same environment.
package controllertest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"

	"github.com/spar-dev/spar/apiserver/apiservertest"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
)

// Env is a running API server with a client and a manager.
type Env struct {
	// Server is the API server. Server.URL serves it over HTTP on a
	// loopback port (plain HTTP, every request an admin) and
	// Server.Kubeconfig lets kubectl and HTTP clients in.
	Server *apiservertest.Server
	// Client talks to Server in-process.
	Client *client.Client
	// Manager is ready for controllers; call Start once they are added.
	Manager *controller.Manager

	t         testing.TB // nil for Open
	removeDir bool       // Open made Server.Dir: Close removes it
	stopSrv   func()     // stops the HTTP listener and the API server

	closeOnce sync.Once
	closeErr  error

	mu      sync.Mutex
	stopMgr context.CancelFunc // set by Start
	mgrDone chan struct{}
	mgrErr  error
}

// Options tune New and Open. The zero value is the defaults.
type Options struct {
	// Manager configures the manager. Default: no leader election.
	Manager controller.ManagerOptions
	// Logger receives the server's and manager's logs. Default: discard.
	Logger logr.Logger
}

// New starts an environment for the test t, on a bolt store in
// t.TempDir(); everything stops when the test ends. It fails the test if
// the server cannot start.
func New(t testing.TB, opts *Options) *Env {
	t.Helper()
	e, err := start(t.TempDir(), opts)
	if err != nil {
		t.Fatal(err)
	}
	e.t = t
	t.Cleanup(func() {
		if err := e.Close(); err != nil {
			t.Errorf("controllertest: %v", err)
		}
	})
	return e
}

// Open starts an environment outside a test, on a bolt store in a new
// temporary directory. The caller must Close it.
func Open(opts *Options) (*Env, error) {
	dir, err := os.MkdirTemp("", "spar-controllertest-")
	if err != nil {
		return nil, fmt.Errorf("controllertest: %w", err)
	}
	e, err := start(dir, opts)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	e.removeDir = true
	return e, nil
}

// start runs an API server on a bolt store in dir (apiservertest.Open),
// with a client and a manager on it.
func start(dir string, opts *Options) (*Env, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	s, err := apiservertest.Open(dir, &apiservertest.Options{Logger: o.Logger})
	if err != nil {
		return nil, fmt.Errorf("controllertest: %w", err)
	}
	c := client.NewForHandler(s.Handler())
	if o.Manager.Logger.GetSink() == nil {
		o.Manager.Logger = o.Logger
	}
	return &Env{Server: s, Client: c, Manager: controller.NewManager(c, &o.Manager), stopSrv: s.Close}, nil
}

// Start runs the manager until the environment is closed (for New: until
// the test ends). If the manager stops on its own with an error before
// that, New's test fails with it, and Open's Close returns it. Start is
// called at most once.
func (e *Env) Start() {
	if e.t != nil {
		e.t.Helper()
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	e.mu.Lock()
	e.stopMgr, e.mgrDone = cancel, done
	e.mu.Unlock()
	go func() {
		defer close(done)
		err := e.Manager.Run(ctx)
		if err == nil || ctx.Err() != nil {
			return
		}
		err = fmt.Errorf("manager stopped: %w", err)
		e.mu.Lock()
		e.mgrErr = err
		e.mu.Unlock()
		if e.t != nil {
			e.t.Errorf("controllertest: %v", err)
		}
	}()
}

// Close stops the manager, the API server and the store, and removes the
// data directory Open made. It returns the error the manager stopped with,
// if any (New's test already failed with it). It is safe to call more than
// once; New calls it when the test ends.
func (e *Env) Close() error {
	e.closeOnce.Do(func() {
		e.mu.Lock()
		stopMgr, done := e.stopMgr, e.mgrDone
		e.mu.Unlock()
		if stopMgr != nil {
			stopMgr()
			<-done
		}
		e.stopSrv()
		e.mu.Lock()
		if e.t == nil {
			e.closeErr = e.mgrErr
		}
		e.mu.Unlock()
		if e.removeDir {
			if err := os.RemoveAll(e.Server.Dir); err != nil {
				e.closeErr = errors.Join(e.closeErr, err)
			}
		}
	})
	return e.closeErr
}

// Eventually polls cond every 10ms until it returns nil or timeout passes,
// then fails the test with cond's last error.
func Eventually(t testing.TB, timeout time.Duration, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("condition not met after %v: %v", timeout, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
