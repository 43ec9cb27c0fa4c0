package tainttoleration_test

import (
	"context"
	"maps"
	"testing"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/scheduler"
	pt "github.com/spar-dev/spar/scheduler/plugins/plugintest"
	"github.com/spar-dev/spar/scheduler/plugins/tainttoleration"
)

const (
	noSchedule       = core.TaintEffectNoSchedule
	preferNoSchedule = core.TaintEffectPreferNoSchedule
	noExecute        = core.TaintEffectNoExecute
	equal            = core.TolerationOpEqual
	exists           = core.TolerationOpExists
)

func newPlugin(t *testing.T) scheduler.ScorePlugin {
	t.Helper()
	p, err := tainttoleration.New(nil, pt.NewHandle(nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	return p.(scheduler.ScorePlugin)
}

func tol(key string, op core.TolerationOperator, value string, effect core.TaintEffect) core.Toleration {
	return core.Toleration{Key: key, Operator: op, Value: value, Effect: effect}
}

func TestFilter(t *testing.T) {
	gpuTaint := pt.MakeNode("n1").Taint("dedicated", "gpu", noSchedule)
	tests := []struct {
		name string
		node *pt.NodeWrapper
		tols []core.Toleration
		want string // the rejection message; "" fits
	}{
		{name: "no taints", node: pt.MakeNode("n1")},
		{name: "untolerated NoSchedule", node: gpuTaint, want: "node(s) had untolerated taint {dedicated: gpu}"},
		{name: "untolerated NoExecute", node: pt.MakeNode("n1").Taint("node.kubernetes.io/not-ready", "", noExecute),
			want: "node(s) had untolerated taint {node.kubernetes.io/not-ready: }"},
		{name: "PreferNoSchedule does not filter", node: pt.MakeNode("n1").Taint("dedicated", "gpu", preferNoSchedule)},
		{name: "Equal with key, value and effect", node: gpuTaint, tols: []core.Toleration{tol("dedicated", equal, "gpu", noSchedule)}},
		{name: "empty operator means Equal", node: gpuTaint, tols: []core.Toleration{tol("dedicated", "", "gpu", noSchedule)}},
		{name: "Equal with another value", node: gpuTaint, tols: []core.Toleration{tol("dedicated", equal, "cpu", noSchedule)},
			want: "node(s) had untolerated taint {dedicated: gpu}"},
		{name: "Equal with another key", node: gpuTaint, tols: []core.Toleration{tol("reserved", equal, "gpu", noSchedule)},
			want: "node(s) had untolerated taint {dedicated: gpu}"},
		{name: "Exists tolerates any value", node: gpuTaint, tols: []core.Toleration{tol("dedicated", exists, "", noSchedule)}},
		{name: "Exists with an empty key tolerates every taint",
			node: pt.MakeNode("n1").Taint("a", "1", noSchedule).Taint("b", "2", noExecute),
			tols: []core.Toleration{tol("", exists, "", "")}},
		{name: "Exists with an empty key and an effect tolerates that effect only",
			node: pt.MakeNode("n1").Taint("a", "1", noSchedule).Taint("b", "2", noExecute),
			tols: []core.Toleration{tol("", exists, "", noSchedule)}, want: "node(s) had untolerated taint {b: 2}"},
		{name: "an empty effect matches every effect",
			node: pt.MakeNode("n1").Taint("dedicated", "gpu", noSchedule).Taint("dedicated", "gpu", noExecute),
			tols: []core.Toleration{tol("dedicated", equal, "gpu", "")}},
		{name: "another effect does not tolerate", node: pt.MakeNode("n1").Taint("dedicated", "gpu", noExecute),
			tols: []core.Toleration{tol("dedicated", equal, "gpu", noSchedule)}, want: "node(s) had untolerated taint {dedicated: gpu}"},
		{name: "a PreferNoSchedule toleration does not tolerate NoSchedule", node: gpuTaint,
			tols: []core.Toleration{tol("dedicated", exists, "", preferNoSchedule)}, want: "node(s) had untolerated taint {dedicated: gpu}"},
		{name: "the first untolerated taint is reported",
			node: pt.MakeNode("n1").Taint("a", "1", noSchedule).Taint("b", "2", noExecute).Taint("c", "3", noSchedule),
			tols: []core.Toleration{tol("a", exists, "", "")}, want: "node(s) had untolerated taint {b: 2}"},
		{name: "every taint must be tolerated",
			node: pt.MakeNode("n1").Taint("a", "1", noSchedule).Taint("b", "2", noSchedule),
			tols: []core.Toleration{tol("a", equal, "1", noSchedule), tol("b", equal, "2", noSchedule)}},
		{name: "Gt: a taint value above the toleration's", node: pt.MakeNode("n1").Taint("sla", "999", noSchedule),
			tols: []core.Toleration{tol("sla", core.TolerationOpGt, "950", noSchedule)}},
		{name: "Gt: a taint value below the toleration's", node: pt.MakeNode("n1").Taint("sla", "900", noSchedule),
			tols: []core.Toleration{tol("sla", core.TolerationOpGt, "950", noSchedule)}, want: "node(s) had untolerated taint {sla: 900}"},
		{name: "Lt: a taint value below the toleration's", node: pt.MakeNode("n1").Taint("errors", "3", noSchedule),
			tols: []core.Toleration{tol("errors", core.TolerationOpLt, "10", noSchedule)}},
		{name: "Lt: a non-integer taint value", node: pt.MakeNode("n1").Taint("errors", "few", noSchedule),
			tols: []core.Toleration{tol("errors", core.TolerationOpLt, "10", noSchedule)}, want: "node(s) had untolerated taint {errors: few}"},
	}
	ctx := context.Background()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := pt.NewHandle([]*core.Node{tc.node.Obj()}, nil)
			pod := pt.MakePod("p")
			for _, tl := range tc.tols {
				pod.Toleration(tl)
			}
			st := newPlugin(t).(scheduler.FilterPlugin).Filter(ctx, scheduler.NewCycleState(), scheduler.NewPodInfo(pod.Obj()), h.Node("n1"))
			if tc.want == "" {
				if !st.IsSuccess() {
					t.Errorf("got %v %q, want Success", st.Code(), st.Message())
				}
				return
			}
			if st.Code() != scheduler.UnschedulableAndUnresolvable || st.Message() != tc.want {
				t.Errorf("got %v %q, want UnschedulableAndUnresolvable %q", st.Code(), st.Message(), tc.want)
			}
		})
	}
}

func TestScore(t *testing.T) {
	// Untolerated PreferNoSchedule taints: n1 none, n2 one, n3 two, n4
	// one (its NoSchedule taint is Filter's business).
	nodes := []*core.Node{
		pt.MakeNode("n1").Obj(),
		pt.MakeNode("n2").Taint("a", "1", preferNoSchedule).Obj(),
		pt.MakeNode("n3").Taint("a", "1", preferNoSchedule).Taint("b", "2", preferNoSchedule).Obj(),
		pt.MakeNode("n4").Taint("a", "1", preferNoSchedule).Taint("c", "3", noSchedule).Obj(),
	}
	tests := []struct {
		name    string
		tols    []core.Toleration
		wantRaw map[string]int64
		want    map[string]int64
	}{
		// Fewer intolerable taints score higher: 100 − count·100/max.
		{name: "no tolerations",
			wantRaw: map[string]int64{"n1": 0, "n2": 1, "n3": 2, "n4": 1},
			want:    map[string]int64{"n1": 100, "n2": 50, "n3": 0, "n4": 50}},
		{name: "tolerating a",
			tols:    []core.Toleration{tol("a", exists, "", preferNoSchedule)},
			wantRaw: map[string]int64{"n1": 0, "n2": 0, "n3": 1, "n4": 0},
			want:    map[string]int64{"n1": 100, "n2": 100, "n3": 0, "n4": 100}},
		{name: "a toleration without effect applies",
			tols:    []core.Toleration{tol("b", equal, "2", "")},
			wantRaw: map[string]int64{"n1": 0, "n2": 1, "n3": 1, "n4": 1},
			want:    map[string]int64{"n1": 100, "n2": 0, "n3": 0, "n4": 0}},
		{name: "a NoSchedule toleration does not apply",
			tols:    []core.Toleration{tol("a", exists, "", noSchedule)},
			wantRaw: map[string]int64{"n1": 0, "n2": 1, "n3": 2, "n4": 1},
			want:    map[string]int64{"n1": 100, "n2": 50, "n3": 0, "n4": 50}},
		{name: "tolerating everything: all equal",
			tols:    []core.Toleration{tol("", exists, "", "")},
			wantRaw: map[string]int64{"n1": 0, "n2": 0, "n3": 0, "n4": 0},
			want:    map[string]int64{"n1": 100, "n2": 100, "n3": 100, "n4": 100}},
	}
	ctx := context.Background()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := pt.NewHandle(nodes, nil)
			w := pt.MakePod("p")
			for _, tl := range tc.tols {
				w.Toleration(tl)
			}
			pod := scheduler.NewPodInfo(w.Obj())
			pl := newPlugin(t)
			raw := map[string]int64{}
			for _, n := range h.Snapshot().List() {
				s, st := pl.Score(ctx, scheduler.NewCycleState(), pod, n)
				if !st.IsSuccess() {
					t.Fatalf("Score(%s): %v %q", n.Name(), st.Code(), st.Message())
				}
				raw[n.Name()] = s
			}
			if !maps.Equal(raw, tc.wantRaw) {
				t.Errorf("raw scores %v, want %v", raw, tc.wantRaw)
			}
			got, st := pt.ScoreNodes(ctx, h, pl, scheduler.NewCycleState(), pod)
			if !st.IsSuccess() {
				t.Fatalf("scoring: %v %q", st.Code(), st.Message())
			}
			if !maps.Equal(got, tc.want) {
				t.Errorf("normalised scores %v, want %v", got, tc.want)
			}
		})
	}
}

func TestEventsToRegister(t *testing.T) {
	events := newPlugin(t).(scheduler.EnqueueExtensions).EventsToRegister()
	pt.CheckEvents(t, events, []pt.EventCase{
		{Event: scheduler.ClusterEvent{Resource: scheduler.EventNode, Action: scheduler.Add}, Registered: true},
		{Event: scheduler.ClusterEvent{Resource: scheduler.EventNode, Action: scheduler.UpdateNodeTaint}, Registered: true},
		{Event: scheduler.ClusterEvent{Resource: scheduler.EventNode, Action: scheduler.UpdateNodeAllocatable}, Registered: false},
		{Event: scheduler.ClusterEvent{Resource: scheduler.EventAssignedPod, Action: scheduler.Delete}, Registered: false},
	})
}
