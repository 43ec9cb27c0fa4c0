package watch

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/fields"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/resource"
	"github.com/spar-dev/spar/store"
)

// benchPod is a realistic pod as a kubelet sees it: one container with
// requests, a few labels, status with conditions (about 1.5 KiB of JSON).
func benchPod(i, node int, stamp int64) []byte {
	name := fmt.Sprintf("pod-%06d", i)
	p := core.Pod{
		TypeMeta: meta.TypeMeta{Kind: "Pod", APIVersion: "v1"},
		ObjectMeta: meta.ObjectMeta{Name: name, Namespace: "default", UID: meta.UID(fmt.Sprintf("uid-%06d", i)),
			Labels:            map[string]string{"app": "bench", "pod-template-hash": "5d4f8c7b9"},
			Annotations:       map[string]string{"stamp": strconv.FormatInt(stamp, 10)},
			OwnerReferences:   []meta.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "bench-5d4f8c7b9", UID: "rs-uid"}},
			CreationTimestamp: meta.Now()},
		Spec: core.PodSpec{NodeName: fmt.Sprintf("node-%05d", node), Containers: []core.Container{{
			Name: "app", Image: "registry.k8s.io/pause:3.10",
			Resources: core.ResourceRequirements{Requests: core.ResourceList{"cpu": resource.MustParse("100m"), "memory": resource.MustParse("500Mi")}},
		}}},
		Status: core.PodStatus{Phase: core.PodRunning, PodIP: "10.0.0.1", HostIP: "192.168.0.1",
			Conditions: []core.PodCondition{{Type: core.PodReady, Status: core.ConditionTrue}, {Type: core.PodScheduled, Status: core.ConditionTrue}}},
	}
	p.Default()
	b, _ := json.Marshal(p)
	return b
}

func stampOf(obj meta.Object) int64 {
	n, _ := strconv.ParseInt(obj.GetObjectMeta().Annotations["stamp"], 10, 64)
	return n
}

// BenchmarkNodeWatchLatency: 10,000 watchers, each watching the pods of
// its own node through the spec.nodeName index, while pods are updated at
// 1,000/s. Reports p50/p99 latency from the write to the delivery of the
// event to its watcher.
func BenchmarkNodeWatchLatency(b *testing.B) {
	const nodes, rate = 10000, 1000
	s := openBolt(b)
	ctx := context.Background()
	kvs := make([]store.KV, nodes)
	for i := range kvs {
		var err error
		if kvs[i], err = s.Create(ctx, fmt.Sprintf("%sdefault/pod-%06d", podPrefix, i), benchPod(i, i, 0)); err != nil {
			b.Fatal(err)
		}
	}
	c := startCache(b, s, nil)
	var mu sync.Mutex
	var lat []time.Duration
	var delivered atomic.Int64
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	for n := 0; n < nodes; n++ {
		w, err := c.Watch(ctx, WatchOptions{Field: fields.OneTermEqualSelector("spec.nodeName", fmt.Sprintf("node-%05d", n))})
		if err != nil {
			b.Fatal(err)
		}
		wg.Go(func() {
			defer w.Stop()
			for {
				evs, err := w.Next(wctx)
				if err != nil {
					return
				}
				now := time.Now().UnixNano()
				mu.Lock()
				for _, e := range evs {
					lat = append(lat, time.Duration(now-stampOf(e.Object)))
				}
				mu.Unlock()
				delivered.Add(int64(len(evs)))
			}
		})
	}
	b.ResetTimer()
	tick := time.NewTicker(time.Second / rate)
	defer tick.Stop()
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < b.N; i++ {
		<-tick.C
		k := rng.IntN(nodes)
		kv, err := s.Update(ctx, kvs[k].Key, benchPod(k, k, time.Now().UnixNano()), kvs[k].ModRevision)
		if err != nil {
			b.Fatal(err)
		}
		kvs[k] = kv
	}
	for delivered.Load() < int64(b.N) {
		time.Sleep(time.Millisecond)
	}
	b.StopTimer()
	cancel()
	wg.Wait()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkFanOut: 1,000 watchers all watching all pods. Reports delivered
// events per second and allocations per delivered event.
func BenchmarkFanOut(b *testing.B) {
	const watchers, pods = 1000, 1000
	s := openBolt(b)
	ctx := context.Background()
	kvs := make([]store.KV, pods)
	for i := range kvs {
		var err error
		if kvs[i], err = s.Create(ctx, fmt.Sprintf("%sdefault/pod-%06d", podPrefix, i), benchPod(i, i%100, 0)); err != nil {
			b.Fatal(err)
		}
	}
	c := startCache(b, s, func(cfg *Config) {
		cfg.WatcherBuffer = 1 << 20
		cfg.MinWindowEvents = 1 << 20
		cfg.MaxWindowEvents = 1 << 20
	})
	// Pre-encode the updates so the writer is not what is measured.
	vals := make([][]byte, pods)
	for i := range vals {
		vals[i] = benchPod(i, i%100, 1)
	}
	var delivered atomic.Int64
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	for i := 0; i < watchers; i++ {
		w, err := c.Watch(ctx, WatchOptions{})
		if err != nil {
			b.Fatal(err)
		}
		wg.Go(func() {
			defer w.Stop()
			for {
				evs, err := w.Next(wctx)
				if err != nil {
					return
				}
				delivered.Add(int64(len(evs)))
			}
		})
	}
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	b.ResetTimer()
	start := time.Now()
	// Concurrent writers so the bolt store batches commits.
	var wwg sync.WaitGroup
	for wr := 0; wr < 16; wr++ {
		wwg.Go(func() {
			for i := wr; i < b.N; i += 16 {
				k := i % pods
				if _, err := s.Update(ctx, kvs[k].Key, vals[k], 0); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wwg.Wait()
	want := int64(b.N) * watchers
	for delivered.Load() < want {
		time.Sleep(100 * time.Microsecond)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	runtime.ReadMemStats(&ms1)
	cancel()
	wg.Wait()
	b.ReportMetric(float64(want)/elapsed.Seconds(), "events/s")
	b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(want), "allocs/event")
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// BenchmarkIdleWatcherMemory reports the heap held by an idle watcher.
func BenchmarkIdleWatcherMemory(b *testing.B) {
	const n = 10000
	s := openBolt(b)
	c := startCache(b, s, nil)
	ctx := context.Background()
	for range b.N {
		before := heapInUse()
		ws := make([]*Watcher, n)
		for i := range ws {
			var err error
			if ws[i], err = c.Watch(ctx, WatchOptions{Field: fields.OneTermEqualSelector("spec.nodeName", fmt.Sprintf("node-%05d", i))}); err != nil {
				b.Fatal(err)
			}
		}
		after := heapInUse()
		b.ReportMetric(float64(after-before)/n, "B/watcher")
		for _, w := range ws {
			w.Stop()
		}
	}
	b.ReportMetric(0, "ns/op")
}

// BenchmarkCachedPodMemory reports the heap the cache holds per pod.
func BenchmarkCachedPodMemory(b *testing.B) {
	const n = 10000
	for range b.N {
		s := openBolt(b)
		ctx := context.Background()
		for i := 0; i < n; i++ {
			if _, err := s.Create(ctx, fmt.Sprintf("%sdefault/pod-%06d", podPrefix, i), benchPod(i, i%100, 0)); err != nil {
				b.Fatal(err)
			}
		}
		before := heapInUse()
		c := startCache(b, s, nil)
		res, err := c.List(ctx, ListOptions{})
		if err != nil || len(res.Items) != n {
			b.Fatalf("list: %d items, %v", len(res.Items), err)
		}
		after := heapInUse()
		b.ReportMetric(float64(after-before)/n, "B/pod")
		runtime.KeepAlive(c)
	}
	b.ReportMetric(0, "ns/op")
}
