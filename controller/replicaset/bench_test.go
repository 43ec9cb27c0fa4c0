package replicaset_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/apps"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/apiserver/apiservertest"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/controller/replicaset"
)

// BenchmarkScaleUp10k scales a ReplicaSet from 0 to 10,000 pods with the
// controller talking HTTP to a real API server (bolt store without fsync,
// as apiservertest runs it), and reports pods created per second and the
// requests the controller issued. The time runs from the scale request
// until the ReplicaSet's status counts all 10,000 pods.
func BenchmarkScaleUp10k(b *testing.B) {
	const n = 10000
	srv := apiservertest.Start(b, nil)
	user := client.NewForHandler(srv.Handler())
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost = 512, 512
	ct := newCounting(tr)
	c, err := client.New(&client.Config{Host: srv.URL, Transport: ct})
	if err != nil {
		b.Fatal(err)
	}
	m := controller.NewManager(c, nil)
	if err := replicaset.Add(m, nil); err != nil {
		b.Fatal(err)
	}
	runManager(b, m)
	ctx := b.Context()
	var wall time.Duration
	var reqs map[string]int
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		nsName := fmt.Sprintf("bench-%d", i)
		if _, err := client.Resource[core.Namespace](user).Create(ctx, &core.Namespace{ObjectMeta: meta.ObjectMeta{Name: nsName}}, nil); err != nil {
			b.Fatal(err)
		}
		rs := newRS("web", 0)
		rs.Namespace = nsName
		rss := client.Resource[apps.ReplicaSet](user).Namespace(nsName)
		if _, err := rss.Create(ctx, rs, nil); err != nil {
			b.Fatal(err)
		}
		waitRS(b, rss, func(rs *apps.ReplicaSet) bool { return rs.Status.ObservedGeneration == rs.Generation })
		before := ct.snapshot()
		b.StartTimer()
		t0 := time.Now()
		if _, err := rss.PatchScale(ctx, "web", client.MergePatch, fmt.Appendf(nil, `{"spec":{"replicas":%d}}`, n), nil); err != nil {
			b.Fatal(err)
		}
		waitRS(b, rss, func(rs *apps.ReplicaSet) bool { return rs.Status.Replicas == n })
		wall += time.Since(t0)
		b.StopTimer()
		reqs = diff(ct.snapshot(), before)
		b.StartTimer()
	}
	iters := float64(b.N)
	b.ReportMetric(wall.Seconds()/iters, "wall-s/op")
	b.ReportMetric(n*iters/wall.Seconds(), "pods/s")
	total := 0
	var kinds []string
	for k, v := range reqs {
		if !hasCode(k) {
			total += v
		}
		kinds = append(kinds, fmt.Sprintf("%s=%d", k, v))
	}
	slices.Sort(kinds)
	b.ReportMetric(float64(total), "requests/op")
	b.ReportMetric(float64(reqs["POST pods"]), "pod-creates/op")
	b.ReportMetric(float64(reqs["PUT replicasets/status"]), "status-writes/op")
	b.Logf("requests of the last scale-up: %v", kinds)
}

func waitRS(b *testing.B, rss *client.ResourceClient[apps.ReplicaSet, *apps.ReplicaSet], ok func(*apps.ReplicaSet) bool) {
	deadline := time.Now().Add(5 * time.Minute)
	for {
		rs, err := rss.Get(b.Context(), "web")
		if err != nil {
			b.Fatal(err)
		}
		if ok(rs) {
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("ReplicaSet status %+v after 5 minutes", rs.Status)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func diff(after, before map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range after {
		if d := v - before[k]; d != 0 {
			out[k] = d
		}
	}
	return out
}

// hasCode reports whether a countingTransport key carries an answer code.
func hasCode(k string) bool {
	for i := len(k) - 1; i >= 0; i-- {
		if k[i] == ' ' {
			_, err := fmt.Sscanf(k[i+1:], "%d", new(int))
			return err == nil
		}
	}
	return false
}
