package podtopologyspread

import (
	"context"
	"fmt"
	"math"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/labels"
	"github.com/spar-dev/spar/scheduler"
)

// Filter's reasons, as Kubernetes words them.
const (
	ErrReasonConstraintsNotMatch = "node(s) didn't match pod topology spread constraints"
	ErrReasonNodeLabelNotMatch   = ErrReasonConstraintsNotMatch + " (missing required label)"
)

const preFilterStateKey scheduler.StateKey = "PreFilter" + Name

// criticalPaths holds the two domains with the fewest matching pods, so
// the global minimum survives a decrement or increment of one domain
// (AddPod/RemovePod) without rescanning all domains.
type criticalPaths [2]struct {
	value string
	num   int
}

func newCriticalPaths() criticalPaths {
	return criticalPaths{{num: math.MaxInt32}, {num: math.MaxInt32}}
}

func (p *criticalPaths) update(value string, num int) {
	i := -1
	switch value {
	case p[0].value:
		i = 0
	case p[1].value:
		i = 1
	}
	if i >= 0 {
		p[i].num = num
		if p[0].num > p[1].num {
			p[0], p[1] = p[1], p[0]
		}
		return
	}
	switch {
	case num < p[0].num:
		p[1] = p[0]
		p[0].value, p[0].num = value, num
	case num < p[1].num:
		p[1].value, p[1].num = value, num
	}
}

// preFilterState holds, per DoNotSchedule constraint, the matching pods
// per domain of the eligible nodes and the two smallest domains.
type preFilterState struct {
	constraints []constraint
	paths       []criticalPaths
	counts      []map[string]int
	// self is 1 for the constraints whose selector matches the pod itself.
	self []int
	pod  *core.Pod
}

// Clone implements scheduler.StateData.
func (s *preFilterState) Clone() scheduler.StateData {
	c := &preFilterState{constraints: s.constraints, pod: s.pod, self: s.self,
		paths: append([]criticalPaths(nil), s.paths...), counts: make([]map[string]int, len(s.counts))}
	for i, m := range s.counts {
		c.counts[i] = make(map[string]int, len(m))
		for k, v := range m {
			c.counts[i][k] = v
		}
	}
	return c
}

// minMatch is the global minimum of constraint i: 0 while fewer than
// minDomains domains exist, so that new domains are filled first.
func (s *preFilterState) minMatch(i int) int {
	if len(s.counts[i]) < int(s.constraints[i].minDomains) {
		return 0
	}
	return s.paths[i][0].num
}

// updateWithPod accounts for p (an existing pod on node) with delta.
func (s *preFilterState) updateWithPod(p *core.Pod, node *core.Node, delta int) {
	if p.Namespace != s.pod.Namespace || node == nil || !hasAllKeys(node.Labels, s.constraints) {
		return
	}
	for i := range s.constraints {
		c := &s.constraints[i]
		if !c.selector.Matches(labels.Set(p.Labels)) || !c.includesNode(s.pod, node) {
			continue
		}
		v := node.Labels[c.topologyKey]
		s.counts[i][v] += delta
		s.paths[i].update(v, s.counts[i][v])
	}
}

// PreFilter implements scheduler.PreFilterPlugin: it counts the pods
// matching each DoNotSchedule constraint per domain, over the nodes that
// have every topology key and pass the inclusion policies. Pods without
// such constraints are skipped.
func (pl *PodTopologySpread) PreFilter(ctx context.Context, state *scheduler.CycleState, pod *scheduler.PodInfo, nodes []*scheduler.NodeInfo) (*scheduler.PreFilterResult, *scheduler.Status) {
	cs, err := pl.constraints(pod.Pod, core.DoNotSchedule)
	if err != nil {
		return nil, scheduler.NewStatus(scheduler.UnschedulableAndUnresolvable, err.Error())
	}
	if len(cs) == 0 {
		return nil, scheduler.NewStatus(scheduler.Skip)
	}
	s := &preFilterState{constraints: cs, pod: pod.Pod, paths: make([]criticalPaths, len(cs)), self: make([]int, len(cs))}
	for i := range cs {
		if cs[i].selector.Matches(labels.Set(pod.Pod.Labels)) {
			s.self[i] = 1
		}
	}
	s.counts = pl.count(ctx, pod.Pod, cs, nodes, true, nil)
	for i := range cs {
		s.paths[i] = newCriticalPaths()
		for v, n := range s.counts[i] {
			s.paths[i].update(v, n)
		}
	}
	state.Write(preFilterStateKey, s)
	return nil, nil
}

// PreFilterExtensions implements scheduler.PreFilterPlugin.
func (pl *PodTopologySpread) PreFilterExtensions() scheduler.PreFilterExtensions { return pl }

// AddPod implements scheduler.PreFilterExtensions.
func (pl *PodTopologySpread) AddPod(_ context.Context, state *scheduler.CycleState, _ *scheduler.PodInfo, add *scheduler.PodInfo, node *scheduler.NodeInfo) *scheduler.Status {
	s, st := getPreFilterState(state)
	if st != nil {
		return st
	}
	s.updateWithPod(add.Pod, node.Node, 1)
	return nil
}

// RemovePod implements scheduler.PreFilterExtensions.
func (pl *PodTopologySpread) RemovePod(_ context.Context, state *scheduler.CycleState, _ *scheduler.PodInfo, remove *scheduler.PodInfo, node *scheduler.NodeInfo) *scheduler.Status {
	s, st := getPreFilterState(state)
	if st != nil {
		return st
	}
	s.updateWithPod(remove.Pod, node.Node, -1)
	return nil
}

func getPreFilterState(state *scheduler.CycleState) (*preFilterState, *scheduler.Status) {
	s, ok := scheduler.ReadState[*preFilterState](state, preFilterStateKey)
	if !ok {
		return nil, scheduler.AsStatus(fmt.Errorf("reading %q from the cycle state: not found", preFilterStateKey))
	}
	return s, nil
}

// Filter implements scheduler.FilterPlugin: for every constraint, the
// matching pods of the node's domain, plus the pod itself if it matches,
// minus the global minimum must not exceed maxSkew. A node without a
// topology key can never fit (UnschedulableAndUnresolvable); a skew may
// shrink when pods go (Unschedulable).
func (pl *PodTopologySpread) Filter(_ context.Context, state *scheduler.CycleState, _ *scheduler.PodInfo, node *scheduler.NodeInfo) *scheduler.Status {
	s, st := getPreFilterState(state)
	if st != nil {
		return st
	}
	for i := range s.constraints {
		c := &s.constraints[i]
		v, ok := node.Labels()[c.topologyKey]
		if !ok {
			return scheduler.NewStatus(scheduler.UnschedulableAndUnresolvable, ErrReasonNodeLabelNotMatch)
		}
		if skew := s.counts[i][v] + s.self[i] - s.minMatch(i); skew > int(c.maxSkew) {
			return scheduler.NewStatus(scheduler.Unschedulable, ErrReasonConstraintsNotMatch)
		}
	}
	return nil
}
