package endpointslice

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/controller/controllertest"
	"github.com/spar-dev/spar/controller/endpoints"
)

// A reconcile of a service with 1,000 pods (10 slices) whose slices are up
// to date: the steady state, where every pod event of the service costs
// this. Pods, nodes, the service and the slices come from informers fed by
// a real API server.
func BenchmarkReconcile1000(b *testing.B) {
	env := controllertest.New(b, nil)
	r, _, err := newController(env.Manager, nil)
	if err != nil {
		b.Fatal(err)
	}
	env.Start() // informers only: the controller is not added
	ctx := b.Context()
	for i := range 50 {
		node := &core.Node{ObjectMeta: meta.ObjectMeta{Name: fmt.Sprintf("node-%d", i),
			Labels: map[string]string{core.LabelTopologyZone: fmt.Sprintf("zone-%d", i%3)}}}
		if _, err := client.Resource[core.Node](env.Client).Create(ctx, node, nil); err != nil {
			b.Fatal(err)
		}
	}
	pods := client.Resource[core.Pod](env.Client).Namespace("default")
	for i := range 1000 {
		ip := fmt.Sprintf("10.244.%d.%d", i/250, i%250+1)
		ready := core.ConditionTrue
		if i%10 == 9 {
			ready = core.ConditionFalse
		}
		p, err := pods.Create(ctx, &core.Pod{
			ObjectMeta: meta.ObjectMeta{Name: fmt.Sprintf("web-%04d", i), Labels: map[string]string{"app": "web"}},
			Spec: core.PodSpec{NodeName: fmt.Sprintf("node-%d", i%50), Containers: []core.Container{{
				Name: "app", Image: "app:1", Ports: []core.ContainerPort{{Name: "http", ContainerPort: 8080}},
			}}},
		}, nil)
		if err != nil {
			b.Fatal(err)
		}
		p.Status = core.PodStatus{Phase: core.PodRunning, PodIP: ip, PodIPs: []core.PodIP{{IP: ip}},
			Conditions: []core.PodCondition{{Type: core.PodReady, Status: ready}}}
		if _, err := pods.UpdateStatus(ctx, p, nil); err != nil {
			b.Fatal(err)
		}
	}
	svc := &core.Service{ObjectMeta: meta.ObjectMeta{Namespace: "default", Name: "web"}, Spec: core.ServiceSpec{
		Selector: map[string]string{"app": "web"},
		Ports:    []core.ServicePort{{Name: "http", Port: 80, TargetPort: meta.FromString("http")}},
	}}
	if _, err := client.Resource[core.Service](env.Client).Namespace("default").Create(ctx, svc, nil); err != nil {
		b.Fatal(err)
	}
	req := controller.Request{Namespace: "default", Name: "web"}
	controllertest.Eventually(b, 30*time.Second, func() error {
		s, ok := r.services.Get("default", "web")
		if !ok {
			return fmt.Errorf("service not cached")
		}
		if got := len(endpoints.PodsForService(r.pods, s)); got != 1000 {
			return fmt.Errorf("%d pods cached", got)
		}
		if len(r.nodes.List()) != 50 {
			return fmt.Errorf("nodes not cached")
		}
		if _, err := r.Reconcile(ctx, req); err != nil {
			return err
		}
		n := 0
		for _, s := range r.slices.ByIndex(serviceIndex, req.String()) {
			n += len(s.Endpoints)
		}
		if n != 1000 || r.tracker.stale(req, parseRV(r.slices.ResourceVersion()), r.slices.ByIndex(serviceIndex, req.String())) {
			return fmt.Errorf("%d endpoints cached", n)
		}
		return nil
	})
	written := func() string {
		var rvs []string
		for _, s := range r.slices.ByIndex(serviceIndex, req.String()) {
			rvs = append(rvs, s.Name+"@"+s.ResourceVersion)
		}
		slices.Sort(rvs)
		return strings.Join(rvs, " ")
	}
	before := written()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Reconcile(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if written() != before {
		b.Fatal("a steady-state reconcile wrote slices")
	}
}
