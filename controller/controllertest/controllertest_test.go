package controllertest_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/controller/controllertest"
)

// New gives a server reachable in-process and over HTTP through its
// kubeconfig, on a store in the test's directory, and a manager that runs
// controllers once started.
func TestNew(t *testing.T) {
	env := controllertest.New(t, nil)
	ctx := t.Context()
	if _, err := os.Stat(env.Server.Dir); err != nil {
		t.Fatalf("data directory: %v", err)
	}
	if !strings.HasPrefix(env.Server.URL, "http://127.0.0.1:") {
		t.Errorf("URL = %q, want a loopback http URL", env.Server.URL)
	}

	// Over HTTP, as kubectl or another process would connect.
	cfg, err := client.LoadKubeconfig(env.Server.Kubeconfig, "")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Host != env.Server.URL {
		t.Errorf("kubeconfig server = %q, want %q", cfg.Host, env.Server.URL)
	}
	remote, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cm := &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Namespace: "default", Name: "over-http"}}
	if _, err := client.Resource[core.ConfigMap](remote).Namespace("default").Create(ctx, cm, nil); err != nil {
		t.Fatalf("create over HTTP: %v", err)
	}

	// The manager runs a controller that sees what the remote client wrote.
	var reconciled atomic.Int32
	inf := controller.GetInformer[core.ConfigMap](env.Manager, nil)
	c := controller.New("count", controller.ReconcilerFunc(func(ctx context.Context, req controller.Request) (controller.Result, error) {
		if req.Name == "over-http" {
			reconciled.Add(1)
		}
		return controller.Result{}, nil
	}), nil)
	controller.Watch(c, inf, controller.Self[core.ConfigMap]())
	env.Manager.Add(c)
	env.Start()
	controllertest.Eventually(t, 10*time.Second, func() error {
		if reconciled.Load() == 0 {
			return errors.New("over-http not reconciled")
		}
		return nil
	})
	// In-process, the same server.
	if _, err := client.Resource[core.ConfigMap](env.Client).Namespace("default").Get(ctx, "over-http"); err != nil {
		t.Errorf("in-process get: %v", err)
	}
}

// Open's environment lives until Close, which stops everything and
// removes its directory.
func TestOpenClose(t *testing.T) {
	env, err := controllertest.Open(nil)
	if err != nil {
		t.Fatal(err)
	}
	env.Start()
	remote, err := client.New(&client.Config{Host: env.Server.URL})
	if err != nil {
		t.Fatal(err)
	}
	namespaces := client.Resource[core.Namespace](remote)
	if _, err := namespaces.Get(t.Context(), "default"); err != nil {
		t.Fatalf("get namespace default over HTTP: %v", err)
	}
	if err := env.Close(); err != nil {
		t.Fatalf("Close = %v", err)
	}
	if _, err := os.Stat(env.Server.Dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("data directory after Close: stat err = %v, want not exist", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if _, err := namespaces.Get(ctx, "default"); err == nil {
		t.Error("the server still answers after Close")
	}
	if err := env.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
}

// BenchmarkNew measures how long a test waits for its environment: a
// server on a fresh bolt file, ready, listening, with its kubeconfig
// written, a client and a manager. (Tearing it down is not timed.)
func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		env, err := controllertest.Open(nil)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := env.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}
