package garbagecollector

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-logr/logr"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller/controllertest"
)

// BenchmarkGraphMemory reports the heap the graph holds per tracked object:
// 100,000 pods in 100 namespaces, each owned by one of 1,000 ReplicaSets
// (also tracked), with realistic names and UIDs.
func BenchmarkGraphMemory(b *testing.B) {
	const owners, perOwner = 1000, 100
	rsRes := &client.APIResource{Group: "apps", Version: "v1", Name: "replicasets", Kind: "ReplicaSet", Namespaced: true}
	podRes := &client.APIResource{Version: "v1", Name: "pods", Kind: "Pod", Namespaced: true}
	uid := func(i int) meta.UID { return meta.UID(fmt.Sprintf("%08x-1d2e-4f50-8a6b-%012x", i, i*7919)) }
	rsName := func(o int) string { return fmt.Sprintf("web-%d-7d4b9c8f6", o) }
	tr := true
	n := owners * (perOwner + 1)
	var perObject float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		g := newTestGraph()
		// Each object's metadata is made afresh and dropped, as a watch
		// decodes and the monitor drops it: only what the graph keeps of
		// it counts.
		for o := range owners {
			ns := fmt.Sprintf("team-%02d", o%100)
			g.apply(g.eventFor(rsRes, &meta.ObjectMeta{Namespace: ns, Name: rsName(o), UID: uid(o), ResourceVersion: fmt.Sprint(1000000 + o)}, false))
			for p := range perOwner {
				i := owners + o*perOwner + p
				om := &meta.ObjectMeta{Namespace: fmt.Sprintf("team-%02d", o%100), Name: fmt.Sprintf("%s-%05x", rsName(o), p), UID: uid(i),
					ResourceVersion: fmt.Sprint(1000000 + i),
					OwnerReferences: []meta.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: rsName(o), UID: uid(o), Controller: &tr, BlockOwnerDeletion: &tr}}}
				g.apply(g.eventFor(podRes, om, false))
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		if g.len() != n {
			b.Fatalf("graph holds %d nodes, want %d", g.len(), n)
		}
		perObject = float64(after.HeapAlloc-before.HeapAlloc) / float64(n)
		runtime.KeepAlive(g)
	}
	b.ReportMetric(perObject, "B/object")
}

// countingTransport counts the requests that go through it.
type countingTransport struct {
	rt http.RoundTripper
	n  atomic.Int64
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.rt.RoundTrip(r)
}

// BenchmarkCollect1000 measures the time from the deletion of an owner to
// the deletion of the last of its 1,000 dependents, and the requests the
// collector sends meanwhile.
func BenchmarkCollect1000(b *testing.B) {
	const deps = 1000
	env := controllertest.New(b, nil)
	ct := &countingTransport{rt: client.HandlerTransport(env.Server.Handler())}
	gcClient, err := client.New(&client.Config{Host: "http://in-process", Transport: ct})
	if err != nil {
		b.Fatal(err)
	}
	gc := newCollector(gcClient, env.Manager.Recorder(Component), logr.Discard(), nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		gc.Run(ctx)
	}()
	b.Cleanup(func() {
		cancel()
		<-done
	})
	cms := client.Resource[core.ConfigMap](env.Client).Namespace("default")
	var requests int64
	i := 0
	for b.Loop() {
		b.StopTimer()
		i++
		owner, err := cms.Create(ctx, &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Name: fmt.Sprintf("owner-%d", i)}}, nil)
		if err != nil {
			b.Fatal(err)
		}
		label := fmt.Sprintf("owner=%d", i)
		for d := range deps {
			_, err := cms.Create(ctx, &core.ConfigMap{ObjectMeta: meta.ObjectMeta{
				Name: fmt.Sprintf("dep-%d-%d", i, d), Labels: map[string]string{"owner": fmt.Sprint(i)},
				OwnerReferences: []meta.OwnerReference{{APIVersion: "v1", Kind: "ConfigMap", Name: owner.Name, UID: owner.UID}}}}, nil)
			if err != nil {
				b.Fatal(err)
			}
		}
		waitFor(b, func() bool { return gc.g.len() >= deps+1 })
		start := ct.n.Load()
		b.StartTimer()

		if err := cms.Delete(ctx, owner.Name, nil); err != nil {
			b.Fatal(err)
		}
		waitFor(b, func() bool {
			l, err := cms.List(ctx, &client.ListOptions{LabelSelector: label, Limit: 1})
			return err == nil && len(l.Items) == 0
		})
		b.StopTimer()
		requests += ct.n.Load() - start
		b.StartTimer()
	}
	b.ReportMetric(float64(requests)/float64(b.N), "requests/op")
}

func waitFor(b *testing.B, cond func() bool) {
	b.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			b.Fatal("condition not met after a minute")
		}
		time.Sleep(time.Millisecond)
	}
}
