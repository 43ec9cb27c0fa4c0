// Package controllertest gives controller tests a real environment in a
// fraction of a second: a spar API server on a bolt file in t.TempDir(), a
// client connected to it in-process, and a Manager on that client. It is
// what controller authors elsewhere download etcd and kube-apiserver
// binaries for.
package controllertest

import (
	"context"
	"testing"
	"time"

	"github.com/go-logr/logr"

	"github.com/spar-dev/spar/apiserver/apiservertest"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
)

// Env is a running API server with a client and a manager.
type Env struct {
	// Server is the API server; Server.Kubeconfig lets kubectl in.
	Server *apiservertest.Server
	// Client talks to Server in-process.
	Client *client.Client
	// Manager is ready for controllers; call Start once they are added.
	Manager *controller.Manager

	t testing.TB
}

// Options tune New. The zero value is the defaults.
type Options struct {
	// Manager configures the manager. Default: no leader election.
	Manager controller.ManagerOptions
	// Logger receives the server's and manager's logs. Default: discard.
	Logger logr.Logger
}

// New starts an API server and returns the environment; everything stops
// when the test ends.
func New(t testing.TB, opts *Options) *Env {
	t.Helper()
	var o Options
	if opts != nil {
		o = *opts
	}
	srv := apiservertest.Start(t, &apiservertest.Options{Logger: o.Logger})
	c := client.NewForHandler(srv.Handler())
	if o.Manager.Logger.GetSink() == nil {
		o.Manager.Logger = o.Logger
	}
	return &Env{Server: srv, Client: c, Manager: controller.NewManager(c, &o.Manager), t: t}
}

// Start runs the manager until the test ends, and fails the test if it
// returns an error before that.
func (e *Env) Start() {
	e.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := e.Manager.Run(ctx); err != nil && ctx.Err() == nil {
			e.t.Errorf("manager stopped: %v", err)
		}
	}()
	e.t.Cleanup(func() {
		cancel()
		<-done
	})
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
