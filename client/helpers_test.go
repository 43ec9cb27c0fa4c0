package client_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/apps"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/apiserver/apiservertest"
	"github.com/spar-dev/spar/client"
)

// httpClient returns a client of srv over HTTP, configured from the
// kubeconfig apiservertest wrote (so every HTTP test also loads one).
func httpClient(t testing.TB, srv *apiservertest.Server) *client.Client {
	t.Helper()
	cfg, err := client.LoadKubeconfig(srv.Kubeconfig, "")
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// env is what a test gets from eachTransport: a server and a client of the
// transport under test.
type env struct {
	srv *apiservertest.Server
	c   *client.Client
	// client returns another client of the same transport, with cfg's
	// other settings (its Host and Transport are set here).
	client func(cfg client.Config) *client.Client
}

// eachTransport runs fn as two subtests, one with clients over HTTP and
// one with in-process clients, each against a server of its own.
func eachTransport(t *testing.T, opts *apiservertest.Options, fn func(t *testing.T, e env)) {
	t.Helper()
	for _, name := range []string{"http", "in-process"} {
		t.Run(name, func(t *testing.T) {
			srv := apiservertest.Start(t, opts)
			e := env{srv: srv}
			e.client = func(cfg client.Config) *client.Client {
				cfg.Host = srv.URL
				if name == "in-process" {
					cfg.Host, cfg.Transport = "http://in-process", client.HandlerTransport(srv.Handler())
				}
				c, err := client.New(&cfg)
				if err != nil {
					t.Fatal(err)
				}
				return c
			}
			e.c = client.NewForHandler(srv.Handler())
			if name == "http" {
				e.c = httpClient(t, srv)
			}
			fn(t, e)
		})
	}
}

// eventually polls cond until it returns true or the deadline passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func rvInt(t *testing.T, rv string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(rv, 10, 64)
	if err != nil {
		t.Fatalf("resourceVersion %q is not a decimal integer", rv)
	}
	return n
}

func ptr[T any](v T) *T { return &v }

func configMap(name string, data map[string]string) *core.ConfigMap {
	return &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Name: name}, Data: data}
}

func pod(name string) *core.Pod {
	return &core.Pod{
		ObjectMeta: meta.ObjectMeta{Name: name, Labels: map[string]string{"app": "web"}},
		Spec:       core.PodSpec{Containers: []core.Container{{Name: "web", Image: "nginx:1.27"}}},
	}
}

func deployment(name string, replicas int32) *apps.Deployment {
	labels := map[string]string{"app": name}
	return &apps.Deployment{
		ObjectMeta: meta.ObjectMeta{Name: name},
		Spec: apps.DeploymentSpec{
			Replicas: &replicas,
			Selector: &meta.LabelSelector{MatchLabels: labels},
			Template: core.PodTemplateSpec{
				ObjectMeta: meta.ObjectMeta{Labels: labels},
				Spec:       core.PodSpec{Containers: []core.Container{{Name: "web", Image: "nginx:1.27"}}},
			},
		},
	}
}

// nextEvent reads one event with a deadline, so a missing event fails the
// test instead of hanging it.
func nextEvent[T any](t *testing.T, w *client.Watcher[T]) (client.Event[T], error) {
	t.Helper()
	type result struct {
		ev  client.Event[T]
		err error
	}
	ch := make(chan result, 1)
	go func() {
		ev, err := w.Next()
		ch <- result{ev, err}
	}()
	select {
	case r := <-ch:
		return r.ev, r.err
	case <-time.After(20 * time.Second):
		w.Stop()
		<-ch
		t.Fatal("no watch event within 20s")
		return client.Event[T]{}, context.DeadlineExceeded
	}
}
