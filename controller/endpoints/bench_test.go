package endpoints

import (
	"fmt"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/controller/controllertest"
)

// benchPods returns n running pods selected by app=web, nine in ten ready,
// exposing the named port "http".
func benchPods(n int) []*core.Pod {
	pods := make([]*core.Pod, n)
	for i := range pods {
		status := core.ConditionTrue
		if i%10 == 9 {
			status = core.ConditionFalse
		}
		pods[i] = &core.Pod{
			ObjectMeta: meta.ObjectMeta{Namespace: "default", Name: fmt.Sprintf("web-%04d", i), UID: meta.UID(fmt.Sprintf("uid-%04d", i)),
				Labels: map[string]string{"app": "web", "pod-template-hash": "abc"}},
			Spec: core.PodSpec{NodeName: fmt.Sprintf("node-%d", i%50), Containers: []core.Container{{
				Name: "app", Image: "app:1", Ports: []core.ContainerPort{{Name: "http", ContainerPort: 8080}},
			}}},
			Status: core.PodStatus{Phase: core.PodRunning, PodIP: ip(i), PodIPs: []core.PodIP{{IP: ip(i)}},
				Conditions: []core.PodCondition{{Type: core.PodReady, Status: status}}},
		}
	}
	return pods
}

func ip(i int) string { return fmt.Sprintf("10.244.%d.%d", i/250, i%250+1) }

func benchService() *core.Service {
	return &core.Service{ObjectMeta: meta.ObjectMeta{Namespace: "default", Name: "web"}, Spec: core.ServiceSpec{
		Selector:  map[string]string{"app": "web"},
		ClusterIP: "10.96.0.10",
		Ports: []core.ServicePort{
			{Name: "http", Port: 80, TargetPort: meta.FromString("http"), Protocol: core.ProtocolTCP},
			{Name: "metrics", Port: 9100, TargetPort: meta.FromInt(9100), Protocol: core.ProtocolTCP},
		},
	}}
}

// The subsets of a service with 1,000 pods, computed from memory.
func BenchmarkDesiredSubsets1000(b *testing.B) {
	svc, pods := benchService(), benchPods(1000)
	b.ReportAllocs()
	for b.Loop() {
		if s := desiredSubsets(svc, pods); len(s) != 1 {
			b.Fatalf("%d subsets", len(s))
		}
	}
}

// A reconcile of a service with 1,000 pods whose Endpoints are up to date:
// the steady state, where every pod event of the service costs this. The
// pods and the service come from informers fed by a real API server.
func BenchmarkReconcile1000(b *testing.B) {
	env := controllertest.New(b, nil)
	r, _, err := newController(env.Manager, nil)
	if err != nil {
		b.Fatal(err)
	}
	env.Start() // informers only: the controller is not added
	ctx := b.Context()
	pods := client.Resource[core.Pod](env.Client).Namespace("default")
	for _, p := range benchPods(1000) {
		p.UID = ""
		created, err := pods.Create(ctx, p, nil)
		if err != nil {
			b.Fatal(err)
		}
		created.Status = p.Status
		if _, err := pods.UpdateStatus(ctx, created, nil); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := client.Resource[core.Service](env.Client).Namespace("default").Create(ctx, benchService(), nil); err != nil {
		b.Fatal(err)
	}
	req := controller.Request{Namespace: "default", Name: "web"}
	controllertest.Eventually(b, 30*time.Second, func() error {
		if _, ok := r.services.Get("default", "web"); !ok {
			return fmt.Errorf("service not cached")
		}
		if got := len(PodsForService(r.pods, benchService())); got != 1000 {
			return fmt.Errorf("%d pods cached", got)
		}
		if _, err := r.Reconcile(ctx, req); err != nil {
			return err
		}
		ep, ok := r.endpoints.Get("default", "web")
		if !ok {
			return fmt.Errorf("endpoints not cached")
		}
		if ready, notReady := countAddresses(ep.Subsets); ready+notReady != 1000 {
			return fmt.Errorf("%d addresses cached", ready+notReady)
		}
		return nil
	})
	rv := func() string { ep, _ := r.endpoints.Get("default", "web"); return ep.ResourceVersion }
	before := rv()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Reconcile(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if rv() != before {
		b.Fatal("a steady-state reconcile wrote the Endpoints")
	}
}
