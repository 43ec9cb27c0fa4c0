package interpodaffinity

import (
	"context"
	"fmt"
	"math"
	"sync/atomic"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/scheduler"
)

const preScoreStateKey scheduler.StateKey = "PreScore" + Name

// scoreMap sums weights per topology key and value.
type scoreMap map[string]map[string]int64

func (m scoreMap) inc(key string, node *core.Node, w int64) {
	v, ok := node.Labels[key]
	if !ok {
		return
	}
	vm := m[key]
	if vm == nil {
		vm = map[string]int64{}
		m[key] = vm
	}
	vm[v] += w
}

func (m scoreMap) add(o scoreMap) {
	for k, vs := range o {
		vm := m[k]
		if vm == nil {
			vm = make(map[string]int64, len(vs))
			m[k] = vm
		}
		for v, w := range vs {
			vm[v] += w
		}
	}
}

type preScoreState struct {
	topologyScore scoreMap
}

// Clone implements scheduler.StateData; the state is read-only after
// PreScore.
func (s *preScoreState) Clone() scheduler.StateData { return s }

// processExistingPod adds what one existing pod contributes to the
// domains of its node: the incoming pod's preferred terms selecting it
// (±weight), and its own terms selecting the incoming pod (required
// affinity with hardPodAffinityWeight, preferred ±weight).
func (pl *InterPodAffinity) processExistingPod(pod *scheduler.PodInfo, nsLabels map[string]string, existing *scheduler.PodInfo, node *core.Node, m scoreMap) {
	if len(node.Labels) == 0 {
		return
	}
	for i := range pod.PreferredAffinity {
		t := &pod.PreferredAffinity[i]
		if pl.matchesIncomingTerm(&t.AffinityTerm, existing.Pod) {
			m.inc(t.TopologyKey, node, int64(t.Weight))
		}
	}
	for i := range pod.PreferredAntiAffinity {
		t := &pod.PreferredAntiAffinity[i]
		if pl.matchesIncomingTerm(&t.AffinityTerm, existing.Pod) {
			m.inc(t.TopologyKey, node, -int64(t.Weight))
		}
	}
	if pl.hardWeight > 0 {
		for i := range existing.RequiredAffinity {
			t := &existing.RequiredAffinity[i]
			if t.Matches(pod.Pod, nsLabels) {
				m.inc(t.TopologyKey, node, int64(pl.hardWeight))
			}
		}
	}
	for i := range existing.PreferredAffinity {
		t := &existing.PreferredAffinity[i]
		if t.Matches(pod.Pod, nsLabels) {
			m.inc(t.TopologyKey, node, int64(t.Weight))
		}
	}
	for i := range existing.PreferredAntiAffinity {
		t := &existing.PreferredAntiAffinity[i]
		if t.Matches(pod.Pod, nsLabels) {
			m.inc(t.TopologyKey, node, -int64(t.Weight))
		}
	}
}

// PreScore implements scheduler.PreScorePlugin: it sums, per topology
// domain, the weights of all matching terms of both sides, over every
// node of the snapshot (not only the feasible ones: a domain spans nodes
// that may be full). Without preferred terms of its own, only pods with
// affinity terms can contribute.
func (pl *InterPodAffinity) PreScore(ctx context.Context, state *scheduler.CycleState, pod *scheduler.PodInfo, nodes []*scheduler.NodeInfo) *scheduler.Status {
	if len(nodes) == 0 {
		return scheduler.NewStatus(scheduler.Skip)
	}
	hasPreferred := len(pod.PreferredAffinity) > 0 || len(pod.PreferredAntiAffinity) > 0
	if pl.ignoreExistingPref && !hasPreferred {
		return scheduler.NewStatus(scheduler.Skip)
	}
	snap := pl.h.Snapshot()
	all := snap.HavePodsWithAffinity()
	if hasPreferred {
		all = snap.List()
	}
	nsLabels := pl.h.NamespaceLabels(pod.Pod.Namespace)
	perNode := make([]scoreMap, len(all))
	var found atomic.Int32
	pl.h.Parallelizer().Until(ctx, len(all), func(i int) {
		n := all[i]
		pods := n.PodsWithAffinity
		if hasPreferred {
			pods = n.Pods
		}
		m := scoreMap{}
		for _, existing := range pods {
			pl.processExistingPod(pod, nsLabels, existing, n.Node, m)
		}
		if len(m) > 0 {
			perNode[found.Add(1)-1] = m
		}
	})
	if found.Load() == 0 {
		return scheduler.NewStatus(scheduler.Skip)
	}
	s := &preScoreState{topologyScore: scoreMap{}}
	for _, m := range perNode[:found.Load()] {
		s.topologyScore.add(m)
	}
	state.Write(preScoreStateKey, s)
	return nil
}

// Score implements scheduler.ScorePlugin: the sum over the node's domains
// (may be negative until normalized).
func (pl *InterPodAffinity) Score(_ context.Context, state *scheduler.CycleState, _ *scheduler.PodInfo, node *scheduler.NodeInfo) (int64, *scheduler.Status) {
	s, ok := scheduler.ReadState[*preScoreState](state, preScoreStateKey)
	if !ok {
		return 0, scheduler.AsStatus(fmt.Errorf("reading %q from the cycle state: not found", preScoreStateKey))
	}
	var score int64
	for k, vs := range s.topologyScore {
		if v, ok := node.Node.Labels[k]; ok {
			score += vs[v]
		}
	}
	return score, nil
}

// ScoreExtensions implements scheduler.ScorePlugin.
func (pl *InterPodAffinity) ScoreExtensions() scheduler.ScoreExtensions { return pl }

// NormalizeScore implements scheduler.ScoreExtensions: scores are mapped
// linearly from [min, max] onto [0, MaxNodeScore].
func (pl *InterPodAffinity) NormalizeScore(_ context.Context, state *scheduler.CycleState, _ *scheduler.PodInfo, scores []scheduler.NodeScore) *scheduler.Status {
	s, ok := scheduler.ReadState[*preScoreState](state, preScoreStateKey)
	if !ok || len(s.topologyScore) == 0 {
		return nil
	}
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for _, sc := range scores {
		lo, hi = min(lo, sc.Score), max(hi, sc.Score)
	}
	diff := hi - lo
	for i := range scores {
		var f float64
		if diff > 0 {
			f = float64(scheduler.MaxNodeScore) * float64(scores[i].Score-lo) / float64(diff)
		}
		scores[i].Score = int64(f)
	}
	return nil
}
