package scheduler_test

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/resource"
	"github.com/spar-dev/spar/apiserver/apiservertest"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/scheduler"
	"github.com/spar-dev/spar/scheduler/plugins"
)

// BenchmarkSchedulingBasic is upstream scheduler_perf's SchedulingBasic
// workload through a real spar API server over HTTP: nodes with 4 CPU,
// 32Gi and 110 pods; pods with one container requesting 100m and 500Mi;
// the default plugins. It reports pods/s from the first pod created to
// the last one bound, and the p50/p99 of each pod's time from creation to
// binding. Run with -benchtime 1x.
func BenchmarkSchedulingBasic(b *testing.B) {
	for _, w := range []struct{ nodes, pods int }{{1000, 5000}, {5000, 10000}} {
		b.Run(fmt.Sprintf("%dNodes/%dPods", w.nodes, w.pods), func(b *testing.B) {
			for range b.N {
				runSchedulingBasic(b, w.nodes, w.pods)
			}
		})
	}
}

func runSchedulingBasic(b *testing.B, numNodes, numPods int) {
	b.StopTimer()
	srv := apiservertest.Start(b, nil)
	c, err := client.New(&client.Config{Host: srv.URL})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	nodes := client.Resource[core.Node](c)
	alloc := core.ResourceList{core.ResourceCPU: resource.MustParse("4"), core.ResourceMemory: resource.MustParse("32Gi"), core.ResourcePods: resource.MustParse("110")}
	parallel(b, 50, numNodes, func(i int) error {
		_, err := nodes.Create(ctx, &core.Node{ObjectMeta: meta.ObjectMeta{Name: fmt.Sprintf("node-%05d", i)},
			Status: core.NodeStatus{Capacity: alloc, Allocatable: alloc, Conditions: []core.NodeCondition{{Type: core.NodeReady, Status: core.ConditionTrue}}}}, nil)
		return err
	})

	m := controller.NewManager(c, nil)
	s, err := scheduler.New(m, scheduler.Options{Registry: plugins.Registry(), DefaultPlugins: plugins.Defaults()})
	if err != nil {
		b.Fatal(err)
	}
	_ = s
	// Watch bindings: each pod's creation-to-bound latency.
	created := make([]time.Time, numPods)
	bound := make([]time.Time, numPods)
	var boundCount atomic.Int64
	allBound := make(chan struct{})
	podInf := controller.GetInformer[core.Pod](m, nil)
	podInf.AddHandler(controller.HandlerFuncs[core.Pod]{UpdateFunc: func(old, p *core.Pod) {
		if old.Spec.NodeName == "" && p.Spec.NodeName != "" {
			var i int
			fmt.Sscanf(p.Name, "pod-%d", &i)
			bound[i] = time.Now()
			if boundCount.Add(1) == int64(numPods) {
				close(allBound)
			}
		}
	}})
	done := make(chan struct{})
	go func() { defer close(done); m.Run(ctx) }()
	for !podInf.HasSynced() {
		time.Sleep(time.Millisecond)
	}
	var ms0 runtime.MemStats
	runtime.ReadMemStats(&ms0)

	b.StartTimer()
	start := time.Now()
	pods := client.Resource[core.Pod](c).Namespace("default")
	req := core.ResourceList{core.ResourceCPU: resource.MustParse("100m"), core.ResourceMemory: resource.MustParse("500Mi")}
	parallel(b, 50, numPods, func(i int) error {
		created[i] = time.Now()
		_, err := pods.Create(ctx, &core.Pod{ObjectMeta: meta.ObjectMeta{Name: fmt.Sprintf("pod-%07d", i)},
			Spec: core.PodSpec{Containers: []core.Container{{Name: "c", Image: "registry.k8s.io/pause:3.10",
				Resources: core.ResourceRequirements{Requests: req}}}}}, nil)
		return err
	})
	select {
	case <-allBound:
	case <-time.After(10 * time.Minute):
		b.Fatalf("only %d of %d pods bound after 10 minutes", boundCount.Load(), numPods)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	lat := make([]time.Duration, numPods)
	for i := range lat {
		lat[i] = bound[i].Sub(created[i])
	}
	slices.Sort(lat)
	b.ReportMetric(float64(numPods)/elapsed.Seconds(), "pods/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(0, "ns/op")
	cancel()
	<-done
}

// parallel runs fn(i) for i in [0, n) on workers goroutines.
func parallel(b *testing.B, workers, n int, fn func(i int) error) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := fn(i); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}
