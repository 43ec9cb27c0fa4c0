package defaultbinder_test

import (
	"context"
	"strings"
	"testing"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller/controllertest"
	"github.com/spar-dev/spar/scheduler"
	"github.com/spar-dev/spar/scheduler/plugins/defaultbinder"
	pt "github.com/spar-dev/spar/scheduler/plugins/plugintest"
)

// TestBind binds pods through a real API server: the binding sets
// spec.nodeName and PodScheduled; the server's refusals come back as Error
// statuses wrapping the API error.
func TestBind(t *testing.T) {
	env := controllertest.New(t, nil)
	ctx := context.Background()
	pods := client.Resource[core.Pod](env.Client).Namespace("default")
	create := func(w *pt.PodWrapper) *core.Pod {
		t.Helper()
		p := w.Container("busybox").Obj()
		p.UID = ""
		out, err := pods.Create(ctx, p, nil)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	h := pt.NewHandle(nil, nil)
	h.APIClient = env.Client
	p, err := defaultbinder.New(nil, h)
	if err != nil {
		t.Fatal(err)
	}
	pl := p.(scheduler.BindPlugin)

	fresh := create(pt.MakePod("fresh"))
	bound := create(pt.MakePod("bound"))
	if st := pl.Bind(ctx, scheduler.NewCycleState(), scheduler.NewPodInfo(bound), "n0"); !st.IsSuccess() {
		t.Fatalf("binding bound: %v %q", st.Code(), st.Message())
	}
	// A pod deleted and created again under its name has a new UID: a
	// binding for the old one must not place the new one.
	stale := create(pt.MakePod("recreated"))
	if err := pods.Delete(ctx, "recreated", nil); err != nil {
		t.Fatal(err)
	}
	create(pt.MakePod("recreated"))

	tests := []struct {
		name    string
		pod     *core.Pod
		node    string
		check   func(error) bool // nil: success
		wantMsg string
	}{
		{name: "an unbound pod", pod: fresh, node: "n1"},
		{name: "an already bound pod", pod: bound, node: "n2", check: client.IsConflict, wantMsg: `already assigned to node "n0"`},
		{name: "a missing pod", pod: pt.MakePod("ghost").Obj(), node: "n1", check: client.IsNotFound, wantMsg: "not found"},
		{name: "a stale UID", pod: stale, node: "n1", check: client.IsConflict, wantMsg: "UID"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := pl.Bind(ctx, scheduler.NewCycleState(), scheduler.NewPodInfo(tc.pod), tc.node)
			if tc.check == nil {
				if !st.IsSuccess() {
					t.Fatalf("got %v %q, want Success", st.Code(), st.Message())
				}
				got, err := pods.Get(ctx, tc.pod.Name)
				if err != nil {
					t.Fatal(err)
				}
				if got.Spec.NodeName != tc.node {
					t.Errorf("spec.nodeName %q, want %q", got.Spec.NodeName, tc.node)
				}
				if c := core.GetPodCondition(&got.Status, core.PodScheduled); c == nil || c.Status != core.ConditionTrue {
					t.Errorf("PodScheduled %+v, want True", c)
				}
				return
			}
			if st.Code() != scheduler.Error || !tc.check(st.AsError()) || !strings.Contains(st.Message(), tc.wantMsg) {
				t.Errorf("got %v %q (%v), want Error containing %q", st.Code(), st.Message(), st.AsError(), tc.wantMsg)
			}
		})
	}
	// Nothing was bound by the failures.
	for name, want := range map[string]string{"bound": "n0", "recreated": ""} {
		got, err := pods.Get(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if got.Spec.NodeName != want {
			t.Errorf("%s: spec.nodeName %q, want %q", name, got.Spec.NodeName, want)
		}
	}
}
