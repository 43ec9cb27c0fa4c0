package controller_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/controller/controllertest"
)

// httpGet fetches url and returns the status code and body.
func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// scrape reads a Prometheus text exposition into "name{labels}" → value.
func scrape(t *testing.T, url string) map[string]float64 {
	t.Helper()
	code, body := httpGet(t, url)
	if code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, code, body)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("bad sample line %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	return out
}

// The manager's /healthz answers while the process runs, /readyz once its
// informers have listed, and /metrics has each controller's queue depth,
// adds, retries, reconcile latency, results and errors.
func TestManagerHealthAndMetrics(t *testing.T) {
	env := controllertest.New(t, nil)
	ctx := t.Context()
	release := make(chan struct{})
	var failures atomic.Int32
	r := controller.ReconcilerFunc(func(ctx context.Context, req controller.Request) (controller.Result, error) {
		switch req.Name {
		case "block": // holds the only worker, so what follows queues up
			select {
			case <-release:
			case <-ctx.Done():
			}
		case "flaky":
			if failures.Add(1) <= 2 {
				return controller.Result{}, errors.New("not yet")
			}
		}
		return controller.Result{}, nil
	})
	c := controller.New("metered", r, &controller.Options{Workers: 1})
	controller.Watch(c, controller.GetInformer[core.ConfigMap](env.Manager, nil), controller.Self[core.ConfigMap]())
	env.Manager.Add(c)
	srv := httptest.NewServer(env.Manager.Handler())
	t.Cleanup(srv.Close)

	// Not started: alive, not ready.
	if code, body := httpGet(t, srv.URL+"/healthz"); code != http.StatusOK || body != "ok" {
		t.Errorf("/healthz before start = %d %q, want 200 ok", code, body)
	}
	if code, _ := httpGet(t, srv.URL+"/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz before the informers listed = %d, want 503", code)
	}
	env.Start()
	controllertest.Eventually(t, 10*time.Second, func() error {
		if code, body := httpGet(t, srv.URL+"/readyz"); code != http.StatusOK {
			return fmt.Errorf("/readyz = %d %s", code, body)
		}
		return nil
	})
	if m := scrape(t, srv.URL+"/metrics"); m["leader_election_master_status"] != 1 {
		t.Errorf("leader_election_master_status = %v, want 1 (no election: always leading)", m["leader_election_master_status"])
	}

	cms := client.Resource[core.ConfigMap](env.Client).Namespace("default")
	create := func(name string) {
		t.Helper()
		if _, err := cms.Create(ctx, configMap("default", name, nil), nil); err != nil {
			t.Fatal(err)
		}
	}
	create("block")
	controllertest.Eventually(t, 10*time.Second, func() error {
		// "block" has been handed to the worker: the queue is empty again.
		if m := scrape(t, srv.URL+"/metrics"); m[`workqueue_adds_total{name="metered"}`] != 1 || m[`workqueue_depth{name="metered"}`] != 0 {
			return fmt.Errorf("adds %v depth %v", m[`workqueue_adds_total{name="metered"}`], m[`workqueue_depth{name="metered"}`])
		}
		return nil
	})
	create("q1")
	create("q2")
	controllertest.Eventually(t, 10*time.Second, func() error {
		if d := scrape(t, srv.URL+"/metrics")[`workqueue_depth{name="metered"}`]; d != 2 {
			return fmt.Errorf("depth %v while the worker is busy, want 2", d)
		}
		return nil
	})
	close(release)
	create("flaky")

	// block, q1, q2 succeed once each; flaky fails twice, then succeeds.
	want := map[string]float64{
		`workqueue_depth{name="metered"}`:                                           0,
		`workqueue_adds_total{name="metered"}`:                                      6, // 4 creates, 2 retries
		`workqueue_retries_total{name="metered"}`:                                   2,
		`controller_runtime_reconcile_errors_total{controller="metered"}`:           2,
		`controller_runtime_reconcile_total{controller="metered",result="error"}`:   2,
		`controller_runtime_reconcile_total{controller="metered",result="success"}`: 4,
		`controller_runtime_reconcile_time_seconds_count{controller="metered"}`:     6,
		// The +Inf bucket holds every observation.
		`controller_runtime_reconcile_time_seconds_bucket{controller="metered",le="+Inf"}`: 6,
	}
	controllertest.Eventually(t, 10*time.Second, func() error {
		m := scrape(t, srv.URL+"/metrics")
		for k, v := range want {
			if got, ok := m[k]; !ok || got != v {
				return fmt.Errorf("%s = %v (present %v), want %v", k, got, ok, v)
			}
		}
		return nil
	})
	m := scrape(t, srv.URL+"/metrics")
	// "block" took at least as long as it took to create q1 and q2 and see
	// them queued: its latency is in the histogram's sum.
	if sum := m[`controller_runtime_reconcile_time_seconds_sum{controller="metered"}`]; sum <= 0 {
		t.Errorf("reconcile latency sum = %v, want > 0", sum)
	}
	if code, _ := httpGet(t, srv.URL+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz while running = %d, want 200", code)
	}
}
