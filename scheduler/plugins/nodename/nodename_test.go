package nodename_test

import (
	"context"
	"slices"
	"testing"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/scheduler"
	"github.com/spar-dev/spar/scheduler/plugins/nodename"
	pt "github.com/spar-dev/spar/scheduler/plugins/plugintest"
)

func newPlugin(t *testing.T) scheduler.Plugin {
	t.Helper()
	p, err := nodename.New(nil, pt.NewHandle(nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFilter(t *testing.T) {
	tests := []struct {
		name     string
		nodeName string
		node     string
		fits     bool
	}{
		{"no node name fits any node", "", "n1", true},
		{"the named node", "n1", "n1", true},
		{"another node", "n2", "n1", false},
		{"names are compared exactly", "N1", "n1", false},
	}
	ctx := context.Background()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := pt.NewHandle([]*core.Node{pt.MakeNode(tc.node).Obj()}, nil)
			pod := scheduler.NewPodInfo(pt.MakePod("p").Node(tc.nodeName).Obj())
			st := newPlugin(t).(scheduler.FilterPlugin).Filter(ctx, scheduler.NewCycleState(), pod, h.Node(tc.node))
			if tc.fits {
				if !st.IsSuccess() {
					t.Errorf("got %v %q, want Success", st.Code(), st.Message())
				}
				return
			}
			if st.Code() != scheduler.UnschedulableAndUnresolvable || st.Message() != nodename.ErrReason {
				t.Errorf("got %v %q, want UnschedulableAndUnresolvable %q", st.Code(), st.Message(), nodename.ErrReason)
			}
		})
	}
}

// TestFilterThroughTheHandle: of three nodes only the named one is
// feasible, and the others carry the plugin's reason.
func TestFilterThroughTheHandle(t *testing.T) {
	h := pt.NewHandle([]*core.Node{pt.MakeNode("n1").Obj(), pt.MakeNode("n2").Obj(), pt.MakeNode("n3").Obj()}, nil)
	h.Plugins = []scheduler.Plugin{newPlugin(t)}
	feasible, rejected := h.Filter(context.Background(), scheduler.NewCycleState(), scheduler.NewPodInfo(pt.MakePod("p").Node("n2").Obj()))
	if !slices.Equal(feasible, []string{"n2"}) {
		t.Errorf("feasible %v, want [n2]", feasible)
	}
	for _, n := range []string{"n1", "n3"} {
		if st := rejected[n]; st.Message() != nodename.ErrReason || st.Plugin() != nodename.Name {
			t.Errorf("%s: %q by %q, want %q by %s", n, st.Message(), st.Plugin(), nodename.ErrReason, nodename.Name)
		}
	}
}

func TestEventsToRegister(t *testing.T) {
	events := newPlugin(t).(scheduler.EnqueueExtensions).EventsToRegister()
	node := scheduler.ClusterEvent{Resource: scheduler.EventNode, Action: scheduler.Add}
	if !slices.ContainsFunc(events, func(r scheduler.ClusterEvent) bool { return r.Matches(node) }) {
		t.Errorf("events %+v do not include a node added", events)
	}
}
