// Package nodeaffinity is the NodeAffinity plugin: a pod runs only on
// nodes matching its spec.nodeSelector and required node affinity, and
// prefers nodes matching its weighted preferred terms.
package nodeaffinity

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/scheduler"
)

// Name is the plugin's name in profiles.
const Name = "NodeAffinity"

// ErrReason is the rejection reason, as Kubernetes words it.
const ErrReason = "node(s) didn't match Pod's node affinity/selector"

// Args are NodeAffinityArgs.
type Args struct {
	Kind       string `json:"kind,omitempty"`
	APIVersion string `json:"apiVersion,omitempty"`
	// AddedAffinity applies to every pod of the profile, in addition to
	// its own. Default: none.
	AddedAffinity *core.NodeAffinity `json:"addedAffinity,omitempty"`
}

// Plugin implements PreFilter, Filter, PreScore and Score.
type Plugin struct{ added *core.NodeAffinity }

// New builds the plugin.
func New(raw json.RawMessage, _ scheduler.Handle) (scheduler.Plugin, error) {
	var a Args
	if len(raw) > 0 {
		if err := api.DecodeStrict(raw, &a); err != nil {
			return nil, fmt.Errorf("%s args: %w", Name, err)
		}
	}
	return &Plugin{added: a.AddedAffinity}, nil
}

// Name implements scheduler.Plugin.
func (p *Plugin) Name() string { return Name }

// ErrReasonConflict rejects a pod whose required terms name nodes by
// metadata.name with no name in common, as Kubernetes words it.
const ErrReasonConflict = "pod affinity terms conflict"

// PreFilter skips pods with nothing for Filter to check (no nodeSelector,
// no required node affinity, no added affinity), and narrows the nodes
// when every required term names nodes by metadata.name (as DaemonSet pods
// do), so Filter runs on them alone.
func (p *Plugin) PreFilter(_ context.Context, _ *scheduler.CycleState, pod *scheduler.PodInfo, _ []*scheduler.NodeInfo) (*scheduler.PreFilterResult, *scheduler.Status) {
	a := pod.Pod.Spec.Affinity
	if a == nil || a.NodeAffinity == nil || a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution == nil {
		if p.added == nil && pod.Pod.Spec.NodeSelector == nil {
			return nil, scheduler.NewStatus(scheduler.Skip)
		}
		return nil, nil
	}
	terms := a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms
	var names map[string]bool
	for _, t := range terms {
		// Requirements of a term are ANDed: the names in all of them.
		var termNames map[string]bool
		for _, f := range t.MatchFields {
			if f.Key != "metadata.name" || f.Operator != core.NodeSelectorOpIn {
				continue
			}
			in := map[string]bool{}
			for _, v := range f.Values {
				if termNames == nil || termNames[v] {
					in[v] = true
				}
			}
			termNames = in
		}
		if termNames == nil {
			return nil, nil // this term may match any node; terms are ORed
		}
		if names == nil {
			names = map[string]bool{}
		}
		for n := range termNames {
			names[n] = true
		}
	}
	if names != nil && len(names) == 0 {
		return nil, scheduler.NewStatus(scheduler.UnschedulableAndUnresolvable, ErrReasonConflict)
	}
	if len(names) > 0 {
		return &scheduler.PreFilterResult{NodeNames: names}, nil
	}
	return nil, nil
}

// PreFilterExtensions implements scheduler.PreFilterPlugin.
func (p *Plugin) PreFilterExtensions() scheduler.PreFilterExtensions { return nil }

// Filter implements scheduler.FilterPlugin.
func (p *Plugin) Filter(_ context.Context, _ *scheduler.CycleState, pod *scheduler.PodInfo, node *scheduler.NodeInfo) *scheduler.Status {
	if p.added != nil && !p.added.RequiredDuringSchedulingIgnoredDuringExecution.Matches(node.Node) {
		return scheduler.NewStatus(scheduler.UnschedulableAndUnresolvable, "node(s) didn't match scheduler-enforced node affinity")
	}
	if !core.MatchesNodeSelectorAndAffinity(pod.Pod, node.Node) {
		return scheduler.NewStatus(scheduler.UnschedulableAndUnresolvable, ErrReason)
	}
	return nil
}

// PreScore skips pods without preferred terms (and a profile without
// added ones): Score would give every node 0.
func (p *Plugin) PreScore(_ context.Context, _ *scheduler.CycleState, pod *scheduler.PodInfo, _ []*scheduler.NodeInfo) *scheduler.Status {
	if p.added != nil && len(p.added.PreferredDuringSchedulingIgnoredDuringExecution) > 0 {
		return nil
	}
	if a := pod.Pod.Spec.Affinity; a != nil && a.NodeAffinity != nil && len(a.NodeAffinity.PreferredDuringSchedulingIgnoredDuringExecution) > 0 {
		return nil
	}
	return scheduler.NewStatus(scheduler.Skip)
}

// Score sums the weights of the preferred terms the node matches.
func (p *Plugin) Score(_ context.Context, _ *scheduler.CycleState, pod *scheduler.PodInfo, node *scheduler.NodeInfo) (int64, *scheduler.Status) {
	var score int64
	add := func(na *core.NodeAffinity) {
		if na == nil {
			return
		}
		for i := range na.PreferredDuringSchedulingIgnoredDuringExecution {
			t := &na.PreferredDuringSchedulingIgnoredDuringExecution[i]
			if t.Weight != 0 && t.Preference.Matches(node.Node) {
				score += int64(t.Weight)
			}
		}
	}
	add(p.added)
	if a := pod.Pod.Spec.Affinity; a != nil {
		add(a.NodeAffinity)
	}
	return score, nil
}

// ScoreExtensions implements scheduler.ScorePlugin.
func (p *Plugin) ScoreExtensions() scheduler.ScoreExtensions { return p }

// NormalizeScore implements scheduler.ScoreExtensions.
func (p *Plugin) NormalizeScore(_ context.Context, _ *scheduler.CycleState, _ *scheduler.PodInfo, scores []scheduler.NodeScore) *scheduler.Status {
	scheduler.NormalizeScores(scores, false)
	return nil
}

// EventsToRegister implements scheduler.EnqueueExtensions.
func (p *Plugin) EventsToRegister() []scheduler.ClusterEvent {
	return []scheduler.ClusterEvent{{Resource: scheduler.EventNode, Action: scheduler.Add | scheduler.UpdateNodeLabel}}
}
