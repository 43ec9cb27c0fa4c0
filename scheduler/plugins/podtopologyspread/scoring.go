package podtopologyspread

import (
	"context"
	"fmt"
	"math"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/scheduler"
)

const preScoreStateKey scheduler.StateKey = "PreScore" + Name

// preScoreState holds, per ScheduleAnyway constraint, the matching pods
// per domain of the feasible nodes, and each constraint's weight.
type preScoreState struct {
	constraints []constraint
	// ignored are feasible nodes missing a topology key: scored 0.
	ignored map[string]bool
	// counts are per domain; hostname constraints count per node in Score.
	counts  []map[string]*int64
	weights []float64
	// keys are the constraints' count memo keys (hostname constraints).
	keys []string
}

// Clone implements scheduler.StateData; the state is read-only after
// PreScore.
func (s *preScoreState) Clone() scheduler.StateData { return s }

// PreScore implements scheduler.PreScorePlugin. The domains are those of
// the feasible nodes; their counts come from every node of the snapshot
// (a domain spans nodes that may be full). With the system defaults,
// nodes need not carry every topology key, so that nodes without a zone
// label still spread by hostname.
func (pl *PodTopologySpread) PreScore(ctx context.Context, state *scheduler.CycleState, pod *scheduler.PodInfo, feasible []*scheduler.NodeInfo) *scheduler.Status {
	all := pl.h.Snapshot().List()
	if len(all) == 0 || len(feasible) == 0 {
		return scheduler.NewStatus(scheduler.Skip)
	}
	cs, err := pl.constraints(pod.Pod, core.ScheduleAnyway)
	if err != nil {
		return scheduler.AsStatus(err)
	}
	if len(cs) == 0 {
		return scheduler.NewStatus(scheduler.Skip)
	}
	requireAll := len(pod.Pod.Spec.TopologySpreadConstraints) > 0 || !pl.systemDefaulted
	s := &preScoreState{constraints: cs, ignored: map[string]bool{}, counts: make([]map[string]*int64, len(cs)),
		weights: make([]float64, len(cs)), keys: make([]string, len(cs))}
	sizes := make([]int, len(cs))
	for i := range cs {
		s.counts[i] = map[string]*int64{}
	}
	for _, n := range feasible {
		if requireAll && !hasAllKeys(n.Labels(), cs) {
			s.ignored[n.Name()] = true
			continue
		}
		for i := range cs {
			if cs[i].topologyKey == LabelHostname {
				continue
			}
			v := n.Labels()[cs[i].topologyKey]
			if s.counts[i][v] == nil {
				s.counts[i][v] = new(int64)
				sizes[i]++
			}
		}
	}
	for i := range cs {
		size := sizes[i]
		if cs[i].topologyKey == LabelHostname {
			size = len(feasible) - len(s.ignored)
		}
		s.weights[i] = topologyNormalizingWeight(size)
	}
	// Hostname domains are counted by Score, on the node itself (from the
	// memo, filled here).
	counts := pl.count(ctx, pod.Pod, cs, all, requireAll, func(i int) bool { return cs[i].topologyKey == LabelHostname })
	for i := range cs {
		if cs[i].topologyKey == LabelHostname {
			pl.nodeCounts(ctx, pod.Pod, &cs[i], feasible)
			s.keys[i] = countsKey(pod.Pod, &cs[i])
			continue
		}
		for v, p := range s.counts[i] {
			*p = int64(counts[i][v])
		}
	}
	state.Write(preScoreStateKey, s)
	return nil
}

// Score implements scheduler.ScorePlugin: the weighted matching pods of
// the node's domains (more is worse; NormalizeScore reverses).
func (pl *PodTopologySpread) Score(_ context.Context, state *scheduler.CycleState, pod *scheduler.PodInfo, node *scheduler.NodeInfo) (int64, *scheduler.Status) {
	s, ok := scheduler.ReadState[*preScoreState](state, preScoreStateKey)
	if !ok {
		return 0, scheduler.AsStatus(fmt.Errorf("reading %q from the cycle state: not found", preScoreStateKey))
	}
	if s.ignored[node.Name()] {
		return 0, nil
	}
	var score float64
	for i := range s.constraints {
		c := &s.constraints[i]
		v, ok := node.Labels()[c.topologyKey]
		if !ok {
			continue
		}
		var cnt int64
		if c.topologyKey == LabelHostname {
			cnt = int64(pl.nodeCount(s.keys[i], pod.Pod, c, node))
		} else if p := s.counts[i][v]; p != nil {
			cnt = *p
		}
		score += scoreForCount(cnt, c.maxSkew, s.weights[i])
	}
	return int64(math.Round(score)), nil
}

// ScoreExtensions implements scheduler.ScorePlugin.
func (pl *PodTopologySpread) ScoreExtensions() scheduler.ScoreExtensions { return pl }

// NormalizeScore implements scheduler.ScoreExtensions: the node with the
// fewest matching pods gets MaxNodeScore, as Kubernetes computes it
// (MaxNodeScore·(max+min−score)/max); ignored nodes get 0.
func (pl *PodTopologySpread) NormalizeScore(_ context.Context, state *scheduler.CycleState, _ *scheduler.PodInfo, scores []scheduler.NodeScore) *scheduler.Status {
	s, ok := scheduler.ReadState[*preScoreState](state, preScoreStateKey)
	if !ok {
		return nil
	}
	lo, hi := int64(math.MaxInt64), int64(0)
	for _, sc := range scores {
		if s.ignored[sc.Name] {
			continue
		}
		lo, hi = min(lo, sc.Score), max(hi, sc.Score)
	}
	for i := range scores {
		switch {
		case s.ignored[scores[i].Name]:
			scores[i].Score = 0
		case hi == 0:
			scores[i].Score = scheduler.MaxNodeScore
		default:
			scores[i].Score = scheduler.MaxNodeScore * (hi + lo - scores[i].Score) / hi
		}
	}
	return nil
}

// topologyNormalizingWeight weighs a constraint by its number of domains,
// so the counts of a topology with few domains (zones) are not drowned by
// one with many (hostnames): log(size+2).
func topologyNormalizingWeight(size int) float64 { return math.Log(float64(size + 2)) }

// scoreForCount adds maxSkew−1 so that larger skews tolerate more
// difference between domains.
func scoreForCount(cnt int64, maxSkew int32, weight float64) float64 {
	return float64(cnt)*weight + float64(maxSkew-1)
}
