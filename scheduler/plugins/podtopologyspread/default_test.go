package podtopologyspread

import (
	"context"
	"maps"
	"testing"

	"github.com/spar-dev/spar/api/apps"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller/controllertest"
	pt "github.com/spar-dev/spar/scheduler/plugins/plugintest"
)

// TestDefaultConstraints spreads pods without constraints of their own by
// the selectors of their Services, ReplicaSet or StatefulSet, read from
// shared informers on a real API server.
func TestDefaultConstraints(t *testing.T) {
	env := controllertest.New(t, nil)
	ctx := context.Background()
	template := func(l map[string]string) core.PodTemplateSpec {
		return core.PodTemplateSpec{ObjectMeta: meta.ObjectMeta{Labels: l},
			Spec: core.PodSpec{Containers: []core.Container{{Name: "c", Image: "busybox"}}}}
	}
	svc := &core.Service{ObjectMeta: meta.ObjectMeta{Name: "web", Namespace: "default"},
		Spec: core.ServiceSpec{Selector: map[string]string{"app": "web"}, Ports: []core.ServicePort{{Port: 80}}}}
	if _, err := client.Resource[core.Service](env.Client).Create(ctx, svc, nil); err != nil {
		t.Fatal(err)
	}
	rs := &apps.ReplicaSet{ObjectMeta: meta.ObjectMeta{Name: "front", Namespace: "default"},
		Spec: apps.ReplicaSetSpec{Selector: pt.Selector("tier", "front"), Template: template(map[string]string{"tier": "front"})}}
	if _, err := client.Resource[apps.ReplicaSet](env.Client).Create(ctx, rs, nil); err != nil {
		t.Fatal(err)
	}
	ss := &apps.StatefulSet{ObjectMeta: meta.ObjectMeta{Name: "db", Namespace: "default"},
		Spec: apps.StatefulSetSpec{Selector: pt.Selector("app", "db"), ServiceName: "db", Template: template(map[string]string{"app": "db"})}}
	if _, err := client.Resource[apps.StatefulSet](env.Client).Create(ctx, ss, nil); err != nil {
		t.Fatal(err)
	}

	// n1 and n2 in zone a, n3 in zone b; two of each group on n1.
	nodes := []*core.Node{
		pt.MakeNode("n1").Zone("a").Obj(), pt.MakeNode("n2").Zone("a").Obj(), pt.MakeNode("n3").Zone("b").Obj(),
	}
	pods := []*core.Pod{
		pt.MakePod("web-0").Label("app", "web").Node("n1").Obj(), pt.MakePod("web-1").Label("app", "web").Node("n1").Obj(),
		pt.MakePod("front-0").Label("tier", "front").Node("n1").Obj(), pt.MakePod("front-1").Label("tier", "front").Node("n1").Obj(),
		pt.MakePod("db-0").Label("app", "db").Node("n1").Obj(), pt.MakePod("db-1").Label("app", "db").Node("n1").Obj(),
	}
	h := pt.NewHandle(nodes, pods)
	h.Mgr = env.Manager
	system := newPlugin(t, h, "")
	list := newPlugin(t, h, `{"defaultingType":"List","defaultConstraints":[{"maxSkew":1,"topologyKey":"kubernetes.io/hostname","whenUnsatisfiable":"DoNotSchedule"}]}`)
	none := newPlugin(t, h, `{"defaultingType":"List"}`)
	env.Start()
	// The scheduler would wait for the plugins' informers; the test does.
	if !system.services.WaitForCacheSync(t.Context()) || !system.replicaSets.WaitForCacheSync(t.Context()) ||
		!system.statefulSets.WaitForCacheSync(t.Context()) {
		t.Fatal("informers did not sync")
	}

	// With the system defaults (hostname skew 3, zone skew 5, ScheduleAnyway)
	// and two siblings on n1: hostname weight log(5), zone weight log(4);
	// raw scores n1 round(2·1.61+2 + 2·1.39+4) = 12, n2 round(2+6.77) = 9,
	// n3 round(2+4) = 6; normalized 100·(12+6−s)/12.
	spread := map[string]int64{"n1": 50, "n2": 75, "n3": 100}
	for _, tc := range []struct {
		name string
		pl   *PodTopologySpread
		pod  *core.Pod
		want map[string]int64 // nil: skipped
	}{
		{"selected by a Service", system, pt.MakePod("w").Label("app", "web").Obj(), spread},
		{"owned by a ReplicaSet", system, pt.MakePod("f").Label("tier", "front").Owner("apps/v1", "ReplicaSet", "front").Obj(), spread},
		{"owned by a StatefulSet", system, pt.MakePod("d").Label("app", "db").Owner("apps/v1", "StatefulSet", "db").Obj(), spread},
		{"no Service, no owner", system, pt.MakePod("lone").Label("app", "lone").Obj(), nil},
		{"an owner that does not exist", system, pt.MakePod("o").Label("x", "y").Owner("apps/v1", "ReplicaSet", "gone").Obj(), nil},
		{"the pod's own constraints win", system, pt.MakePod("w").Label("app", "web").
			SpreadConstraint(1, zone, core.DoNotSchedule, pt.Selector("app", "web")).Obj(), nil},
		{"List defaulting without constraints", none, pt.MakePod("w").Label("app", "web").Obj(), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, skipped := scores(t, tc.pl, h, tc.pod)
			if tc.want == nil {
				if !skipped {
					t.Errorf("got %v, want PreScore to skip", got)
				}
				return
			}
			if !maps.Equal(got, tc.want) {
				t.Errorf("got %v\nwant %v", got, tc.want)
			}
		})
	}

	t.Run("List defaulting with a DoNotSchedule constraint filters", func(t *testing.T) {
		h.Plugins = nil
		got := filterWith(t, list, h, pt.MakePod("w").Label("app", "web").Obj())
		want := map[string]string{"n1": skewFail, "n2": "ok", "n3": "ok"}
		if !maps.Equal(got, want) {
			t.Errorf("got %v\nwant %v", got, want)
		}
	})
}
