package nodeunschedulable_test

import (
	"context"
	"slices"
	"testing"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/scheduler"
	"github.com/spar-dev/spar/scheduler/plugins/nodeunschedulable"
	pt "github.com/spar-dev/spar/scheduler/plugins/plugintest"
)

const unschedulableKey = "node.kubernetes.io/unschedulable"

func newPlugin(t *testing.T) scheduler.Plugin {
	t.Helper()
	p, err := nodeunschedulable.New(nil, pt.NewHandle(nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFilter(t *testing.T) {
	cordoned := pt.MakeNode("n1").Unschedulable()
	tests := []struct {
		name string
		node *pt.NodeWrapper
		tols []core.Toleration
		fits bool
	}{
		{name: "schedulable node", node: pt.MakeNode("n1"), fits: true},
		{name: "cordoned node", node: cordoned},
		{name: "cordoned, tolerating the unschedulable taint", node: cordoned, fits: true,
			tols: []core.Toleration{{Key: unschedulableKey, Operator: core.TolerationOpExists, Effect: core.TaintEffectNoSchedule}}},
		{name: "cordoned, tolerating it with any effect", node: cordoned, fits: true,
			tols: []core.Toleration{{Key: unschedulableKey, Operator: core.TolerationOpExists}}},
		{name: "cordoned, tolerating it as Equal to its empty value", node: cordoned, fits: true,
			tols: []core.Toleration{{Key: unschedulableKey, Operator: core.TolerationOpEqual, Effect: core.TaintEffectNoSchedule}}},
		{name: "cordoned, tolerating every taint", node: cordoned, fits: true,
			tols: []core.Toleration{{Operator: core.TolerationOpExists}}},
		{name: "cordoned, tolerating another value", node: cordoned,
			tols: []core.Toleration{{Key: unschedulableKey, Operator: core.TolerationOpEqual, Value: "true"}}},
		{name: "cordoned, tolerating another effect", node: cordoned,
			tols: []core.Toleration{{Key: unschedulableKey, Operator: core.TolerationOpExists, Effect: core.TaintEffectNoExecute}}},
		{name: "cordoned, tolerating another key", node: cordoned,
			tols: []core.Toleration{{Key: "node.kubernetes.io/not-ready", Operator: core.TolerationOpExists}}},
		// The taint itself is TaintToleration's business; this plugin reads
		// spec.unschedulable alone.
		{name: "the taint without spec.unschedulable", node: pt.MakeNode("n1").Taint(unschedulableKey, "", core.TaintEffectNoSchedule), fits: true},
	}
	ctx := context.Background()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := pt.NewHandle([]*core.Node{tc.node.Obj()}, nil)
			w := pt.MakePod("p")
			for _, tl := range tc.tols {
				w.Toleration(tl)
			}
			st := newPlugin(t).(scheduler.FilterPlugin).Filter(ctx, scheduler.NewCycleState(), scheduler.NewPodInfo(w.Obj()), h.Node("n1"))
			if tc.fits {
				if !st.IsSuccess() {
					t.Errorf("got %v %q, want Success", st.Code(), st.Message())
				}
				return
			}
			if st.Code() != scheduler.UnschedulableAndUnresolvable || st.Message() != nodeunschedulable.ErrReason {
				t.Errorf("got %v %q, want UnschedulableAndUnresolvable %q", st.Code(), st.Message(), nodeunschedulable.ErrReason)
			}
		})
	}
}

// TestUncordon: the snapshot follows the node: uncordoned, it takes the pod.
func TestUncordon(t *testing.T) {
	ctx := context.Background()
	h := pt.NewHandle([]*core.Node{pt.MakeNode("n1").Unschedulable().Obj(), pt.MakeNode("n2").Obj()}, nil)
	h.Plugins = []scheduler.Plugin{newPlugin(t)}
	pod := scheduler.NewPodInfo(pt.MakePod("p").Obj())
	feasible, rejected := h.Filter(ctx, scheduler.NewCycleState(), pod)
	if !slices.Equal(feasible, []string{"n2"}) || rejected["n1"].Message() != nodeunschedulable.ErrReason {
		t.Errorf("cordoned n1: feasible %v, n1 %q; want [n2] and %q", feasible, rejected["n1"].Message(), nodeunschedulable.ErrReason)
	}
	h.AddNode(pt.MakeNode("n1").Obj())
	if feasible, _ := h.Filter(ctx, scheduler.NewCycleState(), pod); !slices.Equal(feasible, []string{"n1", "n2"}) {
		t.Errorf("uncordoned n1: feasible %v, want [n1 n2]", feasible)
	}
}

func TestEventsToRegister(t *testing.T) {
	events := newPlugin(t).(scheduler.EnqueueExtensions).EventsToRegister()
	pt.CheckEvents(t, events, []pt.EventCase{
		{Event: scheduler.ClusterEvent{Resource: scheduler.EventNode, Action: scheduler.Add}, Registered: true},
		// The scheduler reports a change of spec.unschedulable as a taint
		// change, as Kubernetes does.
		{Event: scheduler.ClusterEvent{Resource: scheduler.EventNode, Action: scheduler.UpdateNodeTaint}, Registered: true},
		{Event: scheduler.ClusterEvent{Resource: scheduler.EventNode, Action: scheduler.UpdateNodeAllocatable}, Registered: false},
	})
}
