package controller_test

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/resource"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/controller/controllertest"
)

// benchPod is a pod as a ReplicaSet makes them: labels, an owner, one
// container with ports, resources, env and a volume.
func benchPod(i int) *core.Pod {
	tr := true
	return &core.Pod{
		ObjectMeta: meta.ObjectMeta{
			Name:   fmt.Sprintf("web-7d4b9c8f6-%05x", i),
			Labels: map[string]string{"app": "web", "pod-template-hash": "7d4b9c8f6"},
			OwnerReferences: []meta.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "web-7d4b9c8f6",
				UID: "5f0c3a9e-1d2e-4f50-8a6b-0c1d2e3f4a5b", Controller: &tr, BlockOwnerDeletion: &tr}},
		},
		Spec: core.PodSpec{
			Containers: []core.Container{{
				Name:  "web",
				Image: "registry.example.com/team/web:1.27.3",
				Ports: []core.ContainerPort{{Name: "http", ContainerPort: 8080, Protocol: core.ProtocolTCP}},
				Env:   []core.EnvVar{{Name: "MODE", Value: "production"}, {Name: "LOG_LEVEL", Value: "info"}},
				Resources: core.ResourceRequirements{Requests: core.ResourceList{
					core.ResourceCPU: resource.MustParse("100m"), core.ResourceMemory: resource.MustParse("128Mi")}},
				VolumeMounts: []core.VolumeMount{{Name: "config", MountPath: "/etc/web"}},
			}},
			Volumes: []core.Volume{{Name: "config", VolumeSource: core.VolumeSource{ConfigMap: &core.ConfigMapVolumeSource{
				LocalObjectReference: core.LocalObjectReference{Name: "web-config"}}}}},
		},
	}
}

// createPods creates n benchPods in default, 8 at a time.
func createPods(b *testing.B, c *client.Client, n int) {
	b.Helper()
	pods := client.Resource[core.Pod](c).Namespace("default")
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if _, err := pods.Create(context.Background(), benchPod(i), nil); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
}

// heapDelta runs fill and returns the live heap it left behind (after
// garbage collection), keeping its result alive meanwhile.
func heapDelta(fill func() any) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	kept := fill()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(kept)
	return float64(int64(after.HeapAlloc) - int64(before.HeapAlloc))
}

// runSynced runs inf until its first list is cached, then stops it.
func runSynced(b *testing.B, inf interface {
	Run(context.Context) error
	WaitForCacheSync(context.Context) bool
}) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		inf.Run(ctx)
	}()
	if !inf.WaitForCacheSync(b.Context()) {
		b.Fatal("not synced")
	}
	cancel()
	<-done
}

// BenchmarkInformerMemory reports the heap an informer holds per cached
// pod, for 10,000 pods: a typed informer (whole pods) and a metadata-only
// one. ns/op is the time to list them into the cache.
func BenchmarkInformerMemory(b *testing.B) {
	const n = 10000
	env := controllertest.New(b, nil)
	createPods(b, env.Client, n)
	podsGVR := api.GVR{Version: "v1", Resource: "pods"}
	// Warm the server's per-format encodings, so they are not counted.
	if _, err := client.Resource[core.Pod](env.Client).ListAll(b.Context(), nil); err != nil {
		b.Fatal(err)
	}
	if _, err := client.Metadata(env.Client, podsGVR, true).ListAll(b.Context(), nil); err != nil {
		b.Fatal(err)
	}
	b.Run("typed", func(b *testing.B) {
		var perObject float64
		for b.Loop() {
			perObject = heapDelta(func() any {
				inf := controller.NewInformer[core.Pod](env.Client, nil)
				runSynced(b, inf)
				if got := len(inf.List()); got != n {
					b.Fatalf("cached %d pods, want %d", got, n)
				}
				return inf
			}) / n
		}
		b.ReportMetric(perObject, "B/object")
	})
	b.Run("metadata", func(b *testing.B) {
		var perObject float64
		for b.Loop() {
			perObject = heapDelta(func() any {
				inf := controller.NewMetadataInformer(env.Client, podsGVR, true, nil)
				runSynced(b, inf)
				if got := len(inf.List()); got != n {
					b.Fatalf("cached %d pods, want %d", got, n)
				}
				return inf
			}) / n
		}
		b.ReportMetric(perObject, "B/object")
	})
}

// BenchmarkReconcileThroughput measures keys/s through a Controller whose
// reconciler does nothing: the SDK's own cost per key (queue, workers,
// metrics), fed by its queue with distinct keys as fast as it takes them.
func BenchmarkReconcileThroughput(b *testing.B) {
	for _, workers := range []int{1, 2, 8, 32} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			var done atomic.Int64
			all := make(chan struct{})
			target := int64(b.N)
			r := controller.ReconcilerFunc(func(context.Context, controller.Request) (controller.Result, error) {
				if done.Add(1) == target {
					close(all)
				}
				return controller.Result{}, nil
			})
			c := controller.New("bench", r, &controller.Options{Workers: workers})
			controller.NewManager(nil, nil).Add(c) // for its metrics, as in a real process
			ctx, cancel := context.WithCancel(context.Background())
			stopped := make(chan struct{})
			go func() {
				defer close(stopped)
				c.Run(ctx)
			}()
			keys := make([]controller.Request, b.N)
			for i := range keys {
				keys[i] = controller.Request{Namespace: "default", Name: "obj-" + strconv.Itoa(i)}
			}
			b.ReportAllocs()
			b.ResetTimer()
			q := c.Queue()
			for _, k := range keys {
				q.Add(k)
			}
			<-all
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "keys/s")
			cancel()
			<-stopped
		})
	}
}
