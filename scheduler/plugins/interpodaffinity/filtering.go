package interpodaffinity

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/labels"
	"github.com/spar-dev/spar/scheduler"
)

// Filter's reasons, as Kubernetes words them.
const (
	ErrReasonExistingAntiAffinityRulesNotMatch = "node(s) didn't satisfy existing pods anti-affinity rules"
	ErrReasonAffinityRulesNotMatch             = "node(s) didn't match pod affinity rules"
	ErrReasonAntiAffinityRulesNotMatch         = "node(s) didn't match pod anti-affinity rules"
)

const preFilterStateKey scheduler.StateKey = "PreFilter" + Name

// topologyPair is one topology domain: a node label and its value.
type topologyPair struct{ key, value string }

// topologyCounts counts matching pods (or terms) per topology domain.
type topologyCounts map[topologyPair]int64

func (m topologyCounts) add(o topologyCounts) {
	for k, v := range o {
		m[k] += v
	}
}

func (m topologyCounts) clone() topologyCounts {
	c := make(topologyCounts, len(m))
	c.add(m)
	return c
}

// inc adds delta to the domain of node on key, dropping zeroed entries
// (RemovePod subtracts) so that an empty map means "nothing matches".
func (m topologyCounts) inc(key string, node *core.Node, delta int64) {
	v, ok := node.Labels[key]
	if !ok {
		return
	}
	tp := topologyPair{key, v}
	if m[tp] += delta; m[tp] == 0 {
		delete(m, tp)
	}
}

// preFilterState is what PreFilter computes for Filter: three counts per
// topology domain, as Kubernetes' preFilterState.
type preFilterState struct {
	// existingAntiAffinityCounts: existing pods' required anti-affinity
	// terms that select the incoming pod, by the domain of the existing pod.
	existingAntiAffinityCounts topologyCounts
	// affinityCounts: existing pods matching all of the incoming pod's
	// required affinity terms, per term domain.
	affinityCounts topologyCounts
	// antiAffinityCounts: existing pods matching each of the incoming pod's
	// required anti-affinity terms.
	antiAffinityCounts topologyCounts

	pod *scheduler.PodInfo
	// selfMatch: the pod matches all its own required affinity terms.
	selfMatch bool
	// nsLabels are the labels of the incoming pod's namespace, for existing
	// pods' terms with namespace selectors.
	nsLabels map[string]string
	pl       *InterPodAffinity
}

// Clone implements scheduler.StateData.
func (s *preFilterState) Clone() scheduler.StateData {
	c := *s
	c.existingAntiAffinityCounts = s.existingAntiAffinityCounts.clone()
	c.affinityCounts = s.affinityCounts.clone()
	c.antiAffinityCounts = s.antiAffinityCounts.clone()
	return &c
}

// updateWithPod accounts for p (an existing pod on node) with weight
// delta: +1 when added, -1 when removed.
func (s *preFilterState) updateWithPod(p *scheduler.PodInfo, node *core.Node, delta int64) {
	for i := range p.RequiredAntiAffinity {
		t := &p.RequiredAntiAffinity[i]
		if t.Matches(s.pod.Pod, s.nsLabels) {
			s.existingAntiAffinityCounts.inc(t.TopologyKey, node, delta)
		}
	}
	if s.pl.matchesAllIncomingTerms(s.pod.RequiredAffinity, p.Pod) {
		for i := range s.pod.RequiredAffinity {
			s.affinityCounts.inc(s.pod.RequiredAffinity[i].TopologyKey, node, delta)
		}
	}
	for i := range s.pod.RequiredAntiAffinity {
		t := &s.pod.RequiredAntiAffinity[i]
		if s.pl.matchesIncomingTerm(t, p.Pod) {
			s.antiAffinityCounts.inc(t.TopologyKey, node, delta)
		}
	}
}

// PreFilter implements scheduler.PreFilterPlugin. It skips pods without
// required terms when no existing pod has required anti-affinity.
func (pl *InterPodAffinity) PreFilter(ctx context.Context, state *scheduler.CycleState, pod *scheduler.PodInfo, nodes []*scheduler.NodeInfo) (*scheduler.PreFilterResult, *scheduler.Status) {
	withAnti := pl.h.Snapshot().HavePodsWithRequiredAntiAffinity()
	if len(pod.RequiredAffinity) == 0 && len(pod.RequiredAntiAffinity) == 0 && len(withAnti) == 0 {
		return nil, scheduler.NewStatus(scheduler.Skip)
	}
	s := &preFilterState{pod: pod, nsLabels: pl.h.NamespaceLabels(pod.Pod.Namespace), pl: pl,
		selfMatch: pl.matchesAllIncomingTerms(pod.RequiredAffinity, pod.Pod)}
	s.existingAntiAffinityCounts = pl.existingAntiAffinityCounts(ctx, s, withAnti)
	s.affinityCounts, s.antiAffinityCounts = pl.incomingCounts(ctx, s, nodes)
	state.Write(preFilterStateKey, s)
	return nil, nil
}

// existingAntiAffinityCounts counts, per domain, the existing pods whose
// required anti-affinity selects the incoming pod. Per node, the matching
// terms' topology keys are remembered by the incoming pod's namespace and
// labels (the namespace's labels too), which consecutive pods of a
// workload share.
func (pl *InterPodAffinity) existingAntiAffinityCounts(ctx context.Context, s *preFilterState, nodes []*scheduler.NodeInfo) topologyCounts {
	key := "existing\x00" + s.pod.Pod.Namespace + "\x00" + labels.Set(s.pod.Pod.Labels).String() + "\x00" + labels.Set(s.nsLabels).String()
	keys := pl.existing.Values(ctx, pl.h.Parallelizer(), key, nodes, func(n *scheduler.NodeInfo) []string {
		var out []string
		for _, p := range n.PodsWithRequiredAntiAffinity {
			for j := range p.RequiredAntiAffinity {
				if t := &p.RequiredAntiAffinity[j]; t.Matches(s.pod.Pod, s.nsLabels) {
					out = append(out, t.TopologyKey)
				}
			}
		}
		return out
	})
	out := topologyCounts{}
	for i, ks := range keys {
		for _, k := range ks {
			out.inc(k, nodes[i].Node, 1)
		}
	}
	return out
}

// incomingCounts counts, per domain, the existing pods matching the
// incoming pod's required affinity (all terms) and anti-affinity (each
// term) terms. Per node, the number of matching pods is remembered by term
// (terms with a namespace selector, which namespace labels decide, are not
// remembered).
func (pl *InterPodAffinity) incomingCounts(ctx context.Context, s *preFilterState, nodes []*scheduler.NodeInfo) (topologyCounts, topologyCounts) {
	aff, anti := topologyCounts{}, topologyCounts{}
	if terms := s.pod.RequiredAffinity; len(terms) > 0 {
		counts := pl.perNode(ctx, "affinity", terms, nodes, func(p *core.Pod) bool { return pl.matchesAllIncomingTerms(terms, p) })
		for i := range terms {
			pl.addByDomain(ctx, aff, terms[i].TopologyKey, nodes, counts)
		}
	}
	for i := range s.pod.RequiredAntiAffinity {
		t := &s.pod.RequiredAntiAffinity[i]
		counts := pl.perNode(ctx, "anti", s.pod.RequiredAntiAffinity[i:i+1], nodes, func(p *core.Pod) bool { return pl.matchesIncomingTerm(t, p) })
		pl.addByDomain(ctx, anti, t.TopologyKey, nodes, counts)
	}
	return aff, anti
}

// perNode counts the pods of each node that match, remembered under the
// terms' identity unless a term has a namespace selector.
func (pl *InterPodAffinity) perNode(ctx context.Context, kind string, terms []scheduler.AffinityTerm, nodes []*scheduler.NodeInfo, match func(*core.Pod) bool) []int32 {
	compute := func(n *scheduler.NodeInfo) int32 {
		var c int32
		for _, p := range n.Pods {
			if match(p.Pod) {
				c++
			}
		}
		return c
	}
	key, ok := termsKey(kind, terms)
	if !ok {
		out := make([]int32, len(nodes))
		pl.h.Parallelizer().Until(ctx, len(nodes), func(i int) { out[i] = compute(nodes[i]) })
		return out
	}
	return pl.counts.Values(ctx, pl.h.Parallelizer(), key, nodes, compute)
}

// addByDomain adds each node's count to its domain of key.
func (pl *InterPodAffinity) addByDomain(ctx context.Context, m topologyCounts, key string, nodes []*scheduler.NodeInfo, counts []int32) {
	ids, names := pl.domains.Of(ctx, pl.h.Parallelizer(), key, nodes)
	var perDomain []int64
	for i, c := range counts {
		if c == 0 || ids[i] < 0 {
			continue
		}
		if perDomain == nil {
			perDomain = make([]int64, len(names))
		}
		perDomain[ids[i]] += int64(c)
	}
	for id, c := range perDomain {
		if c != 0 {
			m[topologyPair{key, names[id]}] += c
		}
	}
}

// termsKey identifies what terms select (not their topology keys); false
// for terms with a namespace selector.
func termsKey(kind string, terms []scheduler.AffinityTerm) (string, bool) {
	var b strings.Builder
	b.WriteString(kind)
	for i := range terms {
		t := &terms[i]
		if t.NamespaceSelector != nil {
			return "", false
		}
		ns := make([]string, 0, len(t.Namespaces))
		for n := range t.Namespaces {
			ns = append(ns, n)
		}
		slices.Sort(ns)
		// Nothing and Everything both print as "": Empty tells them apart.
		fmt.Fprintf(&b, "\x00%s\x00%t\x00%s", strings.Join(ns, ","), t.Selector.Empty(), t.Selector.String())
	}
	return b.String(), true
}

// PreFilterExtensions implements scheduler.PreFilterPlugin.
func (pl *InterPodAffinity) PreFilterExtensions() scheduler.PreFilterExtensions { return pl }

// AddPod implements scheduler.PreFilterExtensions.
func (pl *InterPodAffinity) AddPod(_ context.Context, state *scheduler.CycleState, _ *scheduler.PodInfo, add *scheduler.PodInfo, node *scheduler.NodeInfo) *scheduler.Status {
	s, st := getPreFilterState(state)
	if st != nil {
		return st
	}
	s.updateWithPod(add, node.Node, 1)
	return nil
}

// RemovePod implements scheduler.PreFilterExtensions.
func (pl *InterPodAffinity) RemovePod(_ context.Context, state *scheduler.CycleState, _ *scheduler.PodInfo, remove *scheduler.PodInfo, node *scheduler.NodeInfo) *scheduler.Status {
	s, st := getPreFilterState(state)
	if st != nil {
		return st
	}
	s.updateWithPod(remove, node.Node, -1)
	return nil
}

func getPreFilterState(state *scheduler.CycleState) (*preFilterState, *scheduler.Status) {
	s, ok := scheduler.ReadState[*preFilterState](state, preFilterStateKey)
	if !ok {
		return nil, scheduler.AsStatus(fmt.Errorf("reading %q from the cycle state: not found", preFilterStateKey))
	}
	return s, nil
}

// Filter implements scheduler.FilterPlugin. A node missing one of the
// incoming pod's affinity topology keys, or whose domains hold no pod its
// affinity selects, can never fit (UnschedulableAndUnresolvable); a node
// violating anti-affinity might fit once pods go (Unschedulable), so
// preemption may help.
func (pl *InterPodAffinity) Filter(_ context.Context, state *scheduler.CycleState, _ *scheduler.PodInfo, node *scheduler.NodeInfo) *scheduler.Status {
	if node.Node == nil {
		return scheduler.NewStatus(scheduler.Error, "node not found")
	}
	s, st := getPreFilterState(state)
	if st != nil {
		return st
	}
	if !s.satisfiesPodAffinity(node.Node) {
		return scheduler.NewStatus(scheduler.UnschedulableAndUnresolvable, ErrReasonAffinityRulesNotMatch)
	}
	if !s.satisfiesPodAntiAffinity(node.Node) {
		return scheduler.NewStatus(scheduler.Unschedulable, ErrReasonAntiAffinityRulesNotMatch)
	}
	if !s.satisfiesExistingPodsAntiAffinity(node.Node) {
		return scheduler.NewStatus(scheduler.Unschedulable, ErrReasonExistingAntiAffinityRulesNotMatch)
	}
	return nil
}

// satisfiesPodAffinity: the node has every term's topology key and each
// of its domains holds a pod matching all the terms. The first pod of a
// group with affinity to itself passes when no pod anywhere matches and
// it matches its own terms, or it would wait forever.
func (s *preFilterState) satisfiesPodAffinity(node *core.Node) bool {
	podsExist := true
	for i := range s.pod.RequiredAffinity {
		t := &s.pod.RequiredAffinity[i]
		v, ok := node.Labels[t.TopologyKey]
		if !ok {
			return false
		}
		if s.affinityCounts[topologyPair{t.TopologyKey, v}] <= 0 {
			podsExist = false
		}
	}
	if podsExist {
		return true
	}
	return len(s.affinityCounts) == 0 && s.selfMatch
}

// satisfiesPodAntiAffinity: no domain of the node holds a pod the
// incoming pod's anti-affinity terms select.
func (s *preFilterState) satisfiesPodAntiAffinity(node *core.Node) bool {
	if len(s.antiAffinityCounts) == 0 {
		return true
	}
	for i := range s.pod.RequiredAntiAffinity {
		t := &s.pod.RequiredAntiAffinity[i]
		if v, ok := node.Labels[t.TopologyKey]; ok && s.antiAffinityCounts[topologyPair{t.TopologyKey, v}] > 0 {
			return false
		}
	}
	return true
}

// satisfiesExistingPodsAntiAffinity: no domain of the node holds an
// existing pod whose anti-affinity selects the incoming pod.
func (s *preFilterState) satisfiesExistingPodsAntiAffinity(node *core.Node) bool {
	if len(s.existingAntiAffinityCounts) == 0 {
		return true
	}
	// Walk the smaller of the two maps.
	if len(s.existingAntiAffinityCounts) < len(node.Labels) {
		for tp, n := range s.existingAntiAffinityCounts {
			if v, ok := node.Labels[tp.key]; ok && v == tp.value && n > 0 {
				return false
			}
		}
		return true
	}
	for k, v := range node.Labels {
		if s.existingAntiAffinityCounts[topologyPair{k, v}] > 0 {
			return false
		}
	}
	return true
}
