package scheduler_test

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
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
	"github.com/spar-dev/spar/scheduler/plugins/plugintest"
)

// The workloads are upstream scheduler_perf's, run through a real spar API
// server (bolt store) over HTTP with the default plugins: nodes with 4 CPU,
// 32Gi and 110 pods; pods with one container requesting 100m and 500Mi.
// Each reports pods/s from the first measured pod created to the last one
// bound, the p50/p99 of each pod's time from creation to binding, and the
// process's CPU time per pod (API server, client and scheduler together),
// the steadier figure on a shared machine. Run them with -benchtime 1x:
//
//	go test -run '^$' -bench 'Scheduling' -benchtime 1x ./scheduler/

// BenchmarkSchedulingBasic is SchedulingBasic: plain pods.
func BenchmarkSchedulingBasic(b *testing.B) {
	for _, w := range []struct{ nodes, pods int }{{1000, 5000}, {5000, 10000}} {
		b.Run(fmt.Sprintf("%dNodes/%dPods", w.nodes, w.pods), func(b *testing.B) {
			for range b.N {
				runWorkload(b, workload{nodes: w.nodes, pods: w.pods})
			}
		})
	}
}

// BenchmarkSchedulingPodAntiAffinity is SchedulingPodAntiAffinity: pods
// that repel each other per hostname, 1,000 scheduled first (not
// measured) and 1,000 measured, so each measured pod must avoid the
// nodes of all those before it.
func BenchmarkSchedulingPodAntiAffinity(b *testing.B) {
	antiAffinity := func(_ int, p *core.Pod) {
		p.Labels = map[string]string{"color": "green", "name": "test"}
		p.Spec.Affinity = &core.Affinity{PodAntiAffinity: &core.PodAntiAffinity{
			RequiredDuringSchedulingIgnoredDuringExecution: []core.PodAffinityTerm{{
				LabelSelector: &meta.LabelSelector{MatchLabels: map[string]string{"color": "green"}},
				TopologyKey:   "kubernetes.io/hostname",
				Namespaces:    []string{"sched-0", "sched-1"},
			}},
		}}
	}
	b.Run("5000Nodes/1000Pods", func(b *testing.B) {
		for range b.N {
			runWorkload(b, workload{nodes: 5000, initPods: 1000, pods: 1000,
				initNamespace: "sched-0", namespace: "sched-1", initPod: antiAffinity, pod: antiAffinity})
		}
	})
}

// BenchmarkSchedulingTopologySpreading is TopologySpreading: nodes in
// three zones, 1,000 plain pods scheduled first (not measured), then
// 2,000 measured pods spread across the zones with maxSkew 5.
func BenchmarkSchedulingTopologySpreading(b *testing.B) {
	zones := []string{"moon-1", "moon-2", "moon-3"}
	b.Run("5000Nodes/2000Pods", func(b *testing.B) {
		for range b.N {
			runWorkload(b, workload{nodes: 5000, initPods: 1000, pods: 2000,
				node: func(i int, n *core.Node) { n.Labels["topology.kubernetes.io/zone"] = zones[i%len(zones)] },
				pod: func(_ int, p *core.Pod) {
					p.Labels = map[string]string{"foo": "bar"}
					p.Spec.TopologySpreadConstraints = []core.TopologySpreadConstraint{{
						MaxSkew: 5, TopologyKey: "topology.kubernetes.io/zone", WhenUnsatisfiable: core.DoNotSchedule,
						LabelSelector: &meta.LabelSelector{MatchLabels: map[string]string{"foo": "bar"}},
					}}
				}})
		}
	})
}

// workload describes one run: nodes, then initPods scheduled before the
// measurement, then the measured pods. The zero namespaces are "default".
type workload struct {
	nodes, initPods, pods    int
	namespace, initNamespace string
	// node, initPod and pod adjust the objects (nil: as they are).
	node         func(i int, n *core.Node)
	initPod, pod func(i int, p *core.Pod)
}

// schedulingNode is scheduler_perf's node: 4 CPU, 32Gi, 110 pods, Ready,
// labelled with its hostname.
func schedulingNode(name string) *core.Node {
	alloc := core.ResourceList{core.ResourceCPU: resource.MustParse("4"), core.ResourceMemory: resource.MustParse("32Gi"), core.ResourcePods: resource.MustParse("110")}
	return &core.Node{ObjectMeta: meta.ObjectMeta{Name: name, Labels: map[string]string{"kubernetes.io/hostname": name}},
		Status: core.NodeStatus{Capacity: alloc, Allocatable: alloc, Conditions: []core.NodeCondition{{Type: core.NodeReady, Status: core.ConditionTrue}}}}
}

// schedulingPod is scheduler_perf's pod: one pause container with 100m and
// 500Mi.
func schedulingPod(ns, name string) *core.Pod {
	req := core.ResourceList{core.ResourceCPU: resource.MustParse("100m"), core.ResourceMemory: resource.MustParse("500Mi")}
	return &core.Pod{ObjectMeta: meta.ObjectMeta{Namespace: ns, Name: name},
		Spec: core.PodSpec{Containers: []core.Container{{Name: "pause", Image: "registry.k8s.io/pause:3.10",
			Resources: core.ResourceRequirements{Requests: req, Limits: req}}}}}
}

func runWorkload(b *testing.B, w workload) {
	b.StopTimer()
	if w.namespace == "" {
		w.namespace = "default"
	}
	if w.initNamespace == "" {
		w.initNamespace = "default"
	}
	srv := apiservertest.Start(b, nil)
	c, err := client.New(&client.Config{Host: srv.URL})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, ns := range []string{w.namespace, w.initNamespace} {
		if ns != "default" {
			if _, err := client.Resource[core.Namespace](c).Create(ctx, &core.Namespace{ObjectMeta: meta.ObjectMeta{Name: ns}}, nil); err != nil && !client.IsAlreadyExists(err) {
				b.Fatal(err)
			}
		}
	}
	nodes := client.Resource[core.Node](c)
	parallel(b, 50, w.nodes, func(i int) error {
		n := schedulingNode(fmt.Sprintf("node-%05d", i))
		if w.node != nil {
			w.node(i, n)
		}
		_, err := nodes.Create(ctx, n, nil)
		return err
	})

	m := controller.NewManager(c, nil)
	if _, err := scheduler.New(m, scheduler.Options{Registry: plugins.Registry(), DefaultPlugins: plugins.Defaults()}); err != nil {
		b.Fatal(err)
	}
	// Watch bindings: each measured pod's creation-to-bound latency.
	created := make([]time.Time, w.pods)
	bound := make([]time.Time, w.pods)
	var initBound, measuredBound atomic.Int64
	initDone, allBound := make(chan struct{}), make(chan struct{})
	if w.initPods == 0 {
		close(initDone)
	}
	podInf := controller.GetInformer[core.Pod](m, nil)
	podInf.AddHandler(controller.HandlerFuncs[core.Pod]{UpdateFunc: func(old, p *core.Pod) {
		if old.Spec.NodeName != "" || p.Spec.NodeName == "" {
			return
		}
		if i, ok := strings.CutPrefix(p.Name, "pod-"); ok {
			n, _ := strconv.Atoi(i)
			bound[n] = time.Now()
			if measuredBound.Add(1) == int64(w.pods) {
				close(allBound)
			}
		} else if initBound.Add(1) == int64(w.initPods) {
			close(initDone)
		}
	}})
	done := make(chan struct{})
	go func() { defer close(done); m.Run(ctx) }()
	defer func() { cancel(); <-done }()
	if !podInf.WaitForCacheSync(ctx) {
		b.Fatal("the pod informer did not sync")
	}
	wait := func(ch chan struct{}, what string, n *atomic.Int64, want int) {
		select {
		case <-ch:
		case <-time.After(10 * time.Minute):
			b.Fatalf("only %d of %d %s bound after 10 minutes", n.Load(), want, what)
		}
	}
	pods := client.Resource[core.Pod](c)
	parallel(b, 50, w.initPods, func(i int) error {
		p := schedulingPod(w.initNamespace, fmt.Sprintf("init-%07d", i))
		if w.initPod != nil {
			w.initPod(i, p)
		}
		_, err := pods.Namespace(w.initNamespace).Create(ctx, p, nil)
		return err
	})
	wait(initDone, "initial pods", &initBound, w.initPods)

	b.StartTimer()
	start, cpu0 := time.Now(), plugintest.CPUTime()
	parallel(b, 50, w.pods, func(i int) error {
		p := schedulingPod(w.namespace, fmt.Sprintf("pod-%07d", i))
		if w.pod != nil {
			w.pod(i, p)
		}
		created[i] = time.Now()
		_, err := pods.Namespace(w.namespace).Create(ctx, p, nil)
		return err
	})
	wait(allBound, "measured pods", &measuredBound, w.pods)
	elapsed, cpu := time.Since(start), plugintest.CPUTime()-cpu0
	b.StopTimer()
	lat := make([]time.Duration, w.pods)
	for i := range lat {
		lat[i] = bound[i].Sub(created[i])
	}
	slices.Sort(lat)
	b.ReportMetric(float64(w.pods)/elapsed.Seconds(), "pods/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(w.pods), "cpu-ms/pod")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkSchedulerMemory measures the scheduler's memory with 5,000
// nodes and 150,000 pods bound to them (30 per node): the heap its
// informers and cache hold once synced (the growth of the process's live
// heap from before the scheduler started; the API server shares the
// process), and the process's RSS. It creates 150,000 pods, so it runs
// only with SPAR_SOAK=1 or when -bench names it:
//
//	go test -run '^$' -bench SchedulerMemory -benchtime 1x -timeout 30m ./scheduler/
func BenchmarkSchedulerMemory(b *testing.B) {
	if os.Getenv("SPAR_SOAK") != "1" && !strings.Contains(flag.Lookup("test.bench").Value.String(), "SchedulerMemory") {
		b.Skip("creates 150,000 pods: set SPAR_SOAK=1 or name it with -bench SchedulerMemory")
	}
	const numNodes, numPods = 5000, 150000
	for range b.N {
		b.StopTimer()
		srv := apiservertest.Start(b, nil)
		// Objects are created in-process (faster); the scheduler uses HTTP.
		setup := client.NewForHandler(srv.Handler())
		ctx, cancel := context.WithCancel(context.Background())
		nodes := client.Resource[core.Node](setup)
		parallel(b, 50, numNodes, func(i int) error {
			_, err := nodes.Create(ctx, schedulingNode(fmt.Sprintf("node-%05d", i)), nil)
			return err
		})
		pods := client.Resource[core.Pod](setup).Namespace("default")
		parallel(b, 50, numPods, func(i int) error {
			p := schedulingPod("default", fmt.Sprintf("bound-%07d", i))
			p.Spec.NodeName = fmt.Sprintf("node-%05d", i%numNodes)
			_, err := pods.Create(ctx, p, nil)
			return err
		})
		before := liveHeap()

		b.StartTimer()
		start := time.Now()
		c, err := client.New(&client.Config{Host: srv.URL})
		if err != nil {
			b.Fatal(err)
		}
		m := controller.NewManager(c, nil)
		if _, err := scheduler.New(m, scheduler.Options{Registry: plugins.Registry(), DefaultPlugins: plugins.Defaults()}); err != nil {
			b.Fatal(err)
		}
		done := make(chan struct{})
		go func() { defer close(done); m.Run(ctx) }()
		// One more pod, bound once the scheduler has synced and built its
		// cache.
		if _, err := pods.Create(ctx, schedulingPod("default", "probe"), nil); err != nil {
			b.Fatal(err)
		}
		for deadline := time.Now().Add(10 * time.Minute); ; time.Sleep(100 * time.Millisecond) {
			p, err := pods.Get(ctx, "probe")
			if err == nil && p.Spec.NodeName != "" {
				break
			}
			if time.Now().After(deadline) {
				b.Fatal("the probe pod was not bound after 10 minutes")
			}
		}
		ready := time.Since(start)
		b.StopTimer()
		after := liveHeap()
		b.ReportMetric(float64(after-before)/(1<<20), "scheduler-heap-MB")
		b.ReportMetric(float64(after)/(1<<20), "process-heap-MB")
		b.ReportMetric(rssMB(), "process-rss-MB")
		b.ReportMetric(ready.Seconds(), "sync-s")
		b.ReportMetric(0, "ns/op")
		cancel()
		<-done
	}
}

// liveHeap returns the live heap after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// rssMB returns the process's resident set size in MB (0 where
// /proc/self/status is not available).
func rssMB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
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
