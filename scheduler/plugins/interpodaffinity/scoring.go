package interpodaffinity

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/spar-dev/spar/api/labels"
	"github.com/spar-dev/spar/scheduler"
)

const preScoreStateKey scheduler.StateKey = "PreScore" + Name

// scoreMap sums weights per topology key and value.
type scoreMap map[string]map[string]int64

type preScoreState struct {
	topologyScore scoreMap
}

// Clone implements scheduler.StateData; the state is read-only after
// PreScore.
func (s *preScoreState) Clone() scheduler.StateData { return s }

// weight is what a node's pods add to the node's domain of a topology key.
type weight struct {
	key string
	w   int64
}

func addWeight(ws []weight, key string, w int64) []weight {
	for i := range ws {
		if ws[i].key == key {
			ws[i].w += w
			return ws
		}
	}
	return append(ws, weight{key, w})
}

// processExistingPod adds what one existing pod contributes to the
// domains of its node: the incoming pod's preferred terms selecting it
// (±weight), and its own terms selecting the incoming pod (required
// affinity with hardPodAffinityWeight, preferred ±weight).
func (pl *InterPodAffinity) processExistingPod(pod *scheduler.PodInfo, nsLabels map[string]string, existing *scheduler.PodInfo, ws []weight) []weight {
	for i := range pod.PreferredAffinity {
		t := &pod.PreferredAffinity[i]
		if pl.matchesIncomingTerm(&t.AffinityTerm, existing.Pod) {
			ws = addWeight(ws, t.TopologyKey, int64(t.Weight))
		}
	}
	for i := range pod.PreferredAntiAffinity {
		t := &pod.PreferredAntiAffinity[i]
		if pl.matchesIncomingTerm(&t.AffinityTerm, existing.Pod) {
			ws = addWeight(ws, t.TopologyKey, -int64(t.Weight))
		}
	}
	if pl.hardWeight > 0 {
		for i := range existing.RequiredAffinity {
			t := &existing.RequiredAffinity[i]
			if t.Matches(pod.Pod, nsLabels) {
				ws = addWeight(ws, t.TopologyKey, int64(pl.hardWeight))
			}
		}
	}
	for i := range existing.PreferredAffinity {
		t := &existing.PreferredAffinity[i]
		if t.Matches(pod.Pod, nsLabels) {
			ws = addWeight(ws, t.TopologyKey, int64(t.Weight))
		}
	}
	for i := range existing.PreferredAntiAffinity {
		t := &existing.PreferredAntiAffinity[i]
		if t.Matches(pod.Pod, nsLabels) {
			ws = addWeight(ws, t.TopologyKey, -int64(t.Weight))
		}
	}
	return ws
}

// PreScore implements scheduler.PreScorePlugin: it sums, per topology
// domain, the weights of all matching terms of both sides, over every
// node of the snapshot (not only the feasible ones: a domain spans nodes
// that may be full). Without preferred terms of its own, only pods with
// affinity terms can contribute. Each node's contribution is remembered
// by the incoming pod's terms, namespace and labels.
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
	compute := func(n *scheduler.NodeInfo) []weight {
		pods := n.PodsWithAffinity
		if hasPreferred {
			pods = n.Pods
		}
		var ws []weight
		for _, existing := range pods {
			ws = pl.processExistingPod(pod, nsLabels, existing, ws)
		}
		return ws
	}
	var contributions [][]weight
	if key, ok := pl.scoreKey(pod, nsLabels, hasPreferred); ok {
		contributions = pl.scores.Values(ctx, pl.h.Parallelizer(), key, all, compute)
	} else {
		contributions = make([][]weight, len(all))
		pl.h.Parallelizer().Until(ctx, len(all), func(i int) { contributions[i] = compute(all[i]) })
	}
	s := &preScoreState{topologyScore: scoreMap{}}
	for i, ws := range contributions {
		for _, w := range ws {
			v, ok := all[i].Labels()[w.key]
			if !ok || w.w == 0 {
				continue
			}
			vm := s.topologyScore[w.key]
			if vm == nil {
				vm = map[string]int64{}
				s.topologyScore[w.key] = vm
			}
			vm[v] += w.w
		}
	}
	if len(s.topologyScore) == 0 {
		return scheduler.NewStatus(scheduler.Skip)
	}
	state.Write(preScoreStateKey, s)
	return nil
}

// scoreKey identifies what decides a node's contribution to the incoming
// pod's scores; false when a preferred term has a namespace selector.
func (pl *InterPodAffinity) scoreKey(pod *scheduler.PodInfo, nsLabels map[string]string, hasPreferred bool) (string, bool) {
	var b strings.Builder
	fmt.Fprintf(&b, "%t\x00%d\x00%s\x00%s\x00%s", hasPreferred, pl.hardWeight, pod.Pod.Namespace,
		labels.Set(pod.Pod.Labels).String(), labels.Set(nsLabels).String())
	for _, ts := range [][]scheduler.WeightedAffinityTerm{pod.PreferredAffinity, pod.PreferredAntiAffinity} {
		b.WriteString("\x01")
		for i := range ts {
			k, ok := termsKey("", []scheduler.AffinityTerm{ts[i].AffinityTerm})
			if !ok {
				return "", false
			}
			fmt.Fprintf(&b, "%s\x00%s\x00%d", k, ts[i].TopologyKey, ts[i].Weight)
		}
	}
	return b.String(), true
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
		if v, ok := node.Labels()[k]; ok {
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
