package plugintest

import (
	"context"
	"testing"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/scheduler"
)

// skipper's PreFilter skips; its Filter and extensions must then not run.
type skipper struct{ filtered, added int }

func (s *skipper) Name() string { return "Skipper" }
func (s *skipper) PreFilter(context.Context, *scheduler.CycleState, *scheduler.PodInfo, []*scheduler.NodeInfo) (*scheduler.PreFilterResult, *scheduler.Status) {
	return nil, scheduler.NewStatus(scheduler.Skip)
}
func (s *skipper) PreFilterExtensions() scheduler.PreFilterExtensions { return s }
func (s *skipper) AddPod(context.Context, *scheduler.CycleState, *scheduler.PodInfo, *scheduler.PodInfo, *scheduler.NodeInfo) *scheduler.Status {
	s.added++
	return nil
}
func (s *skipper) RemovePod(context.Context, *scheduler.CycleState, *scheduler.PodInfo, *scheduler.PodInfo, *scheduler.NodeInfo) *scheduler.Status {
	return nil
}
func (s *skipper) Filter(context.Context, *scheduler.CycleState, *scheduler.PodInfo, *scheduler.NodeInfo) *scheduler.Status {
	s.filtered++
	return scheduler.NewStatus(scheduler.Unschedulable, "never")
}

// narrower limits the nodes to n2.
type narrower struct{}

func (narrower) Name() string { return "Narrower" }
func (narrower) PreFilter(context.Context, *scheduler.CycleState, *scheduler.PodInfo, []*scheduler.NodeInfo) (*scheduler.PreFilterResult, *scheduler.Status) {
	return &scheduler.PreFilterResult{NodeNames: map[string]bool{"n2": true}}, nil
}
func (narrower) PreFilterExtensions() scheduler.PreFilterExtensions { return nil }

func TestHandleRunsPluginsAsTheFramework(t *testing.T) {
	ctx := context.Background()
	h := NewHandle([]*core.Node{MakeNode("n1").Obj(), MakeNode("n2").Obj()}, nil)
	s := &skipper{}
	h.Plugins = []scheduler.Plugin{s, narrower{}}
	state := scheduler.NewCycleState()
	pod := scheduler.NewPodInfo(MakePod("p").Obj())
	feasible, rejected := h.Filter(ctx, state, pod)
	if len(feasible) != 1 || feasible[0] != "n2" {
		t.Errorf("feasible %v, want [n2]", feasible)
	}
	if st := rejected["n1"]; st.Code() != scheduler.UnschedulableAndUnresolvable {
		t.Errorf("n1: %v %q, want rejected by PreFilter", st.Code(), st.Message())
	}
	if s.filtered != 0 {
		t.Errorf("the skipped plugin's Filter ran %d times", s.filtered)
	}
	// The skip survives cloning, as the framework's does.
	h.RunPreFilterAddPod(ctx, state.Clone(), pod, pod, h.Node("n1"))
	if s.added != 0 {
		t.Errorf("the skipped plugin's AddPod ran")
	}
}
