package podtopologyspread

import (
	"encoding/json"
	"fmt"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/apps"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/labels"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/scheduler"
	"github.com/spar-dev/spar/scheduler/plugins/internal/nodememo"
)

// Name is the plugin's name in the registry and in profiles.
const Name = "PodTopologySpread"

// Well-known topology labels.
const (
	LabelHostname = "kubernetes.io/hostname"
	LabelZone     = "topology.kubernetes.io/zone"
)

// DefaultingType says where the constraints of pods without their own come
// from.
type DefaultingType string

// Defaulting types.
const (
	// SystemDefaulting uses SystemDefaultConstraints (and Args.
	// DefaultConstraints must be empty).
	SystemDefaulting DefaultingType = "System"
	// ListDefaulting uses Args.DefaultConstraints (none: no defaulting).
	ListDefaulting DefaultingType = "List"
)

// SystemDefaultConstraints are Kubernetes' cluster-default constraints:
// spread a workload's pods over nodes (skew 3) and zones (skew 5), as a
// preference, so that one node or zone failing cannot take them all.
var SystemDefaultConstraints = []core.TopologySpreadConstraint{
	{TopologyKey: LabelHostname, WhenUnsatisfiable: core.ScheduleAnyway, MaxSkew: 3},
	{TopologyKey: LabelZone, WhenUnsatisfiable: core.ScheduleAnyway, MaxSkew: 5},
}

// Args configure the plugin (pluginConfig args, as Kubernetes'
// PodTopologySpreadArgs). The zero value is the defaults.
type Args struct {
	// TypeMeta accepts the kind and apiVersion configuration files carry.
	meta.TypeMeta `json:",inline"`
	// DefaultConstraints apply, with DefaultingType List, to pods that set
	// no constraints of their own. They must not have a labelSelector: it
	// is computed per pod from the Services, ReplicaSets and StatefulSets
	// that select it. Default: none.
	DefaultConstraints []core.TopologySpreadConstraint `json:"defaultConstraints,omitempty"`
	// DefaultingType is System (default: SystemDefaultConstraints) or
	// List (DefaultConstraints).
	DefaultingType DefaultingType `json:"defaultingType,omitempty"`
}

// PodTopologySpread spreads matching pods across topology domains: the
// DoNotSchedule constraints filter nodes (the skew after placing the pod
// must stay within maxSkew), the ScheduleAnyway ones score them (fewer
// matching pods in the node's domains is better).
type PodTopologySpread struct {
	h                  scheduler.Handle
	defaultConstraints []core.TopologySpreadConstraint
	systemDefaulted    bool

	// Informers for the default constraints' selectors; nil without a
	// manager (then pods without constraints are not spread).
	services     *controller.Informer[core.Service, *core.Service]
	replicaSets  *controller.Informer[apps.ReplicaSet, *apps.ReplicaSet]
	statefulSets *controller.Informer[apps.StatefulSet, *apps.StatefulSet]

	// counts remembers matching pods per node by namespace and selector;
	// domains, nodes' topology domains by key.
	counts  *nodememo.Memo[int32]
	domains *nodememo.Domains
}

var (
	_ scheduler.PreFilterPlugin     = (*PodTopologySpread)(nil)
	_ scheduler.FilterPlugin        = (*PodTopologySpread)(nil)
	_ scheduler.PreScorePlugin      = (*PodTopologySpread)(nil)
	_ scheduler.ScorePlugin         = (*PodTopologySpread)(nil)
	_ scheduler.EnqueueExtensions   = (*PodTopologySpread)(nil)
	_ scheduler.PreFilterExtensions = (*PodTopologySpread)(nil)
)

// namespaceIndex indexes Services by namespace.
const namespaceIndex = "namespace"

// New builds the plugin; args are decoded strictly into Args and
// validated as Kubernetes validates PodTopologySpreadArgs.
func New(args json.RawMessage, h scheduler.Handle) (scheduler.Plugin, error) {
	var a Args
	if len(args) > 0 && string(args) != "null" {
		if err := api.DecodeStrict(args, &a); err != nil {
			return nil, fmt.Errorf("%s args: %w", Name, err)
		}
	}
	if err := a.validate(); err != nil {
		return nil, fmt.Errorf("%s args: %w", Name, err)
	}
	pl := &PodTopologySpread{h: h, defaultConstraints: a.DefaultConstraints, counts: nodememo.New[int32](64), domains: nodememo.NewDomains()}
	if a.DefaultingType == "" || a.DefaultingType == SystemDefaulting {
		pl.defaultConstraints = SystemDefaultConstraints
		pl.systemDefaulted = true
	}
	if h.Manager() != nil && len(pl.defaultConstraints) > 0 {
		// The scheduler waits for these before its first cycle.
		pl.services = scheduler.GetInformer[core.Service](h, nil)
		pl.services.AddIndex(namespaceIndex, func(s *core.Service) []string { return []string{s.Namespace} })
		pl.replicaSets = scheduler.GetInformer[apps.ReplicaSet](h, nil)
		pl.statefulSets = scheduler.GetInformer[apps.StatefulSet](h, nil)
	}
	return pl, nil
}

func (a *Args) validate() error {
	switch a.DefaultingType {
	case "", SystemDefaulting:
		if len(a.DefaultConstraints) > 0 {
			return fmt.Errorf("defaultConstraints: Invalid value: must be empty when defaultingType is %q", SystemDefaulting)
		}
	case ListDefaulting:
	default:
		return fmt.Errorf("defaultingType: Unsupported value: %q: supported values: %q, %q", a.DefaultingType, SystemDefaulting, ListDefaulting)
	}
	seen := map[[2]string]bool{}
	for i, c := range a.DefaultConstraints {
		p := fmt.Sprintf("defaultConstraints[%d]", i)
		switch {
		case c.MaxSkew <= 0:
			return fmt.Errorf("%s.maxSkew: Invalid value: %d: must be greater than zero", p, c.MaxSkew)
		case c.TopologyKey == "":
			return fmt.Errorf("%s.topologyKey: Required value: can not be empty", p)
		case c.WhenUnsatisfiable != core.DoNotSchedule && c.WhenUnsatisfiable != core.ScheduleAnyway:
			return fmt.Errorf("%s.whenUnsatisfiable: Unsupported value: %q: supported values: %q, %q", p, c.WhenUnsatisfiable, core.DoNotSchedule, core.ScheduleAnyway)
		case c.LabelSelector != nil:
			return fmt.Errorf("%s.labelSelector: Forbidden: constraint must not define a selector, as they deduced for each pod", p)
		case c.MinDomains != nil && *c.MinDomains <= 0:
			return fmt.Errorf("%s.minDomains: Invalid value: %d: must be greater than zero", p, *c.MinDomains)
		}
		k := [2]string{c.TopologyKey, string(c.WhenUnsatisfiable)}
		if seen[k] {
			return fmt.Errorf("%s: Duplicate value: {%q, %q}", p, c.TopologyKey, c.WhenUnsatisfiable)
		}
		seen[k] = true
	}
	return nil
}

// Name implements scheduler.Plugin.
func (pl *PodTopologySpread) Name() string { return Name }

// EventsToRegister implements scheduler.EnqueueExtensions: assigned pods
// coming, going or relabelled change the counts; nodes appearing or
// changing labels or taints change the domains.
func (pl *PodTopologySpread) EventsToRegister() []scheduler.ClusterEvent {
	return []scheduler.ClusterEvent{
		{Resource: scheduler.EventAssignedPod, Action: scheduler.Add | scheduler.Delete | scheduler.UpdatePodLabel},
		{Resource: scheduler.EventNode, Action: scheduler.Add | scheduler.Delete | scheduler.UpdateNodeLabel | scheduler.UpdateNodeTaint},
	}
}

// constraint is a TopologySpreadConstraint with its selector compiled and
// its defaults applied.
type constraint struct {
	maxSkew            int32
	topologyKey        string
	selector           labels.Selector
	minDomains         int32
	nodeAffinityPolicy core.NodeInclusionPolicy
	nodeTaintsPolicy   core.NodeInclusionPolicy
}

// compile keeps the constraints with the given action. matchLabelKeys add
// the pod's values for those keys to the selector; a nil labelSelector
// selects nothing.
func compile(cs []core.TopologySpreadConstraint, podLabels map[string]string, action core.UnsatisfiableConstraintAction) ([]constraint, error) {
	var out []constraint
	for i := range cs {
		c := &cs[i]
		if c.WhenUnsatisfiable != action {
			continue
		}
		sel, err := labels.FromLabelSelector(c.LabelSelector)
		if err != nil {
			return nil, fmt.Errorf("topologySpreadConstraints[%d].labelSelector: %w", i, err)
		}
		if len(c.MatchLabelKeys) > 0 && c.LabelSelector != nil {
			reqs := sel.Requirements()
			n := len(reqs)
			for _, k := range c.MatchLabelKeys {
				if v, ok := podLabels[k]; ok {
					if r, err := labels.NewRequirement(k, labels.In, v); err == nil {
						reqs = append(reqs, r)
					}
				}
			}
			if len(reqs) > n {
				sel = labels.NewSelector(reqs...)
			}
		}
		tc := constraint{
			maxSkew: c.MaxSkew, topologyKey: c.TopologyKey, selector: sel, minDomains: 1,
			nodeAffinityPolicy: core.NodeInclusionPolicyHonor, nodeTaintsPolicy: core.NodeInclusionPolicyIgnore,
		}
		if c.MinDomains != nil {
			tc.minDomains = *c.MinDomains
		}
		if c.NodeAffinityPolicy != nil {
			tc.nodeAffinityPolicy = *c.NodeAffinityPolicy
		}
		if c.NodeTaintsPolicy != nil {
			tc.nodeTaintsPolicy = *c.NodeTaintsPolicy
		}
		out = append(out, tc)
	}
	return out, nil
}

// includesNode applies the node inclusion policies: whether node's pods
// count towards the constraint for pod.
func (c *constraint) includesNode(pod *core.Pod, node *core.Node) bool {
	if c.nodeAffinityPolicy == core.NodeInclusionPolicyHonor && !core.MatchesNodeSelectorAndAffinity(pod, node) {
		return false
	}
	if c.nodeTaintsPolicy == core.NodeInclusionPolicyHonor {
		if _, ok := core.FindUntoleratedTaint(node.Spec.Taints, pod.Spec.Tolerations, doNotSchedule); ok {
			return false
		}
	}
	return true
}

func doNotSchedule(e core.TaintEffect) bool {
	return e == core.TaintEffectNoSchedule || e == core.TaintEffectNoExecute
}

// hasAllKeys reports whether the node has every constraint's topology key.
func hasAllKeys(nodeLabels map[string]string, cs []constraint) bool {
	for i := range cs {
		if _, ok := nodeLabels[cs[i].topologyKey]; !ok {
			return false
		}
	}
	return true
}

// countMatching counts the pods of ns selected by sel, ignoring pods being
// deleted. An empty selector counts nothing, as in Kubernetes.
func countMatching(pods []*scheduler.PodInfo, sel labels.Selector, ns string) int {
	if sel.Empty() {
		return 0
	}
	n := 0
	for _, p := range pods {
		if p.Pod.DeletionTimestamp != nil || p.Pod.Namespace != ns {
			continue
		}
		if sel.Matches(labels.Set(p.Pod.Labels)) {
			n++
		}
	}
	return n
}

// constraints returns the pod's constraints with action, or the default
// ones when it has none.
func (pl *PodTopologySpread) constraints(pod *core.Pod, action core.UnsatisfiableConstraintAction) ([]constraint, error) {
	if len(pod.Spec.TopologySpreadConstraints) > 0 {
		return compile(pod.Spec.TopologySpreadConstraints, pod.Labels, action)
	}
	cs, err := compile(pl.defaultConstraints, pod.Labels, action)
	if err != nil || len(cs) == 0 {
		return nil, err
	}
	sel := pl.defaultSelector(pod)
	if sel.Empty() {
		return nil, nil
	}
	for i := range cs {
		cs[i].selector = sel
	}
	return cs, nil
}

// defaultSelector selects the pod's siblings: the union of the selectors
// of the Services selecting it and of its owning ReplicaSet or
// StatefulSet. Everything (empty) when there are none.
func (pl *PodTopologySpread) defaultSelector(pod *core.Pod) labels.Selector {
	if pl.services == nil {
		return labels.Everything()
	}
	set := labels.Set{}
	for _, svc := range pl.services.ByIndex(namespaceIndex, pod.Namespace) {
		// A service without a selector selects nothing.
		if svc.Spec.Selector == nil {
			continue
		}
		if labels.SelectorFromSet(svc.Spec.Selector).Matches(labels.Set(pod.Labels)) {
			for k, v := range svc.Spec.Selector {
				set[k] = v
			}
		}
	}
	reqs := labels.SelectorFromSet(set).Requirements()
	if owner := meta.ControllerOf(&pod.ObjectMeta); owner != nil {
		var ls *meta.LabelSelector
		if group, _ := meta.SplitAPIVersion(owner.APIVersion); group == apps.GroupName {
			switch owner.Kind {
			case "ReplicaSet":
				if rs, ok := pl.replicaSets.Get(pod.Namespace, owner.Name); ok {
					ls = rs.Spec.Selector
				}
			case "StatefulSet":
				if ss, ok := pl.statefulSets.Get(pod.Namespace, owner.Name); ok {
					ls = ss.Spec.Selector
				}
			}
		}
		if ls != nil {
			if sel, err := labels.FromLabelSelector(ls); err == nil {
				reqs = append(reqs, sel.Requirements()...)
			}
		}
	}
	return labels.NewSelector(reqs...)
}
