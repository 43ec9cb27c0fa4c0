package interpodaffinity

import (
	"encoding/json"
	"fmt"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/scheduler"
	"github.com/spar-dev/spar/scheduler/plugins/internal/nodememo"
)

// Name is the plugin's name in the registry and in profiles.
const Name = "InterPodAffinity"

// Args configure the plugin (pluginConfig args, as Kubernetes'
// InterPodAffinityArgs). The zero value is the defaults.
type Args struct {
	// TypeMeta accepts the kind and apiVersion configuration files carry
	// (InterPodAffinityArgs, kubescheduler.config.k8s.io/v1).
	meta.TypeMeta `json:",inline"`
	// HardPodAffinityWeight is the score a node gains for each existing pod
	// in its topology domain whose required affinity term selects the
	// incoming pod, so affinity is honoured from both sides. 0 to 100;
	// default 1.
	HardPodAffinityWeight *int32 `json:"hardPodAffinityWeight,omitempty"`
	// IgnorePreferredTermsOfExistingPods skips existing pods' preferred
	// terms when scoring a pod that has no preferred terms itself. Default
	// false.
	IgnorePreferredTermsOfExistingPods bool `json:"ignorePreferredTermsOfExistingPods,omitempty"`
}

// DefaultHardPodAffinityWeight is Args.HardPodAffinityWeight's default.
const DefaultHardPodAffinityWeight int32 = 1

// InterPodAffinity places pods relative to other pods: required affinity
// and anti-affinity terms filter nodes (including existing pods'
// anti-affinity towards the incoming pod), preferred terms score them.
type InterPodAffinity struct {
	h                  scheduler.Handle
	hardWeight         int32
	ignoreExistingPref bool

	// Per-node results remembered across cycles (see nodememo.Memo): pods
	// matching the incoming pod's terms, existing pods' anti-affinity
	// towards it, score contributions, and nodes' topology domains.
	counts   *nodememo.Memo[int32]
	existing *nodememo.Memo[[]string]
	scores   *nodememo.Memo[[]weight]
	domains  *nodememo.Domains
}

var (
	_ scheduler.PreFilterPlugin     = (*InterPodAffinity)(nil)
	_ scheduler.FilterPlugin        = (*InterPodAffinity)(nil)
	_ scheduler.PreScorePlugin      = (*InterPodAffinity)(nil)
	_ scheduler.ScorePlugin         = (*InterPodAffinity)(nil)
	_ scheduler.EnqueueExtensions   = (*InterPodAffinity)(nil)
	_ scheduler.PreFilterExtensions = (*InterPodAffinity)(nil)
)

// New builds the plugin; args are decoded strictly into Args.
func New(args json.RawMessage, h scheduler.Handle) (scheduler.Plugin, error) {
	var a Args
	if len(args) > 0 && string(args) != "null" {
		if err := api.DecodeStrict(args, &a); err != nil {
			return nil, fmt.Errorf("%s args: %w", Name, err)
		}
	}
	w := DefaultHardPodAffinityWeight
	if a.HardPodAffinityWeight != nil {
		w = *a.HardPodAffinityWeight
	}
	if w < 0 || w > 100 {
		return nil, fmt.Errorf("%s args: hardPodAffinityWeight: Invalid value: %d: not in valid range [0-100]", Name, w)
	}
	return &InterPodAffinity{h: h, hardWeight: w, ignoreExistingPref: a.IgnorePreferredTermsOfExistingPods,
		counts: nodememo.New[int32](64), existing: nodememo.New[[]string](16), scores: nodememo.New[[]weight](16), domains: nodememo.NewDomains()}, nil
}

// Name implements scheduler.Plugin.
func (pl *InterPodAffinity) Name() string { return Name }

// EventsToRegister implements scheduler.EnqueueExtensions: pods come and
// go or change labels (matching terms or not), nodes appear or change
// labels (topology domains).
func (pl *InterPodAffinity) EventsToRegister() []scheduler.ClusterEvent {
	return []scheduler.ClusterEvent{
		{Resource: scheduler.EventAssignedPod, Action: scheduler.Add | scheduler.Delete | scheduler.UpdatePodLabel},
		{Resource: scheduler.EventNode, Action: scheduler.Add | scheduler.UpdateNodeLabel},
	}
}

// matchesIncomingTerm reports whether the incoming pod's term t selects p.
// The term's namespace selector, if any, is matched against the labels of
// p's namespace, looked up only when the namespace list does not decide.
func (pl *InterPodAffinity) matchesIncomingTerm(t *scheduler.AffinityTerm, p *core.Pod) bool {
	if t.NamespaceSelector == nil || t.Namespaces[p.Namespace] {
		return t.Matches(p, nil)
	}
	return t.Matches(p, pl.h.NamespaceLabels(p.Namespace))
}

// matchesAllIncomingTerms reports whether p matches every term (false for
// no terms).
func (pl *InterPodAffinity) matchesAllIncomingTerms(terms []scheduler.AffinityTerm, p *core.Pod) bool {
	if len(terms) == 0 {
		return false
	}
	for i := range terms {
		if !pl.matchesIncomingTerm(&terms[i], p) {
			return false
		}
	}
	return true
}
