// Package tainttoleration is the TaintToleration plugin: a pod runs only
// on nodes whose NoSchedule and NoExecute taints it tolerates, and prefers
// nodes with fewer PreferNoSchedule taints it does not tolerate.
package tainttoleration

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/scheduler"
)

// Name is the plugin's name in profiles.
const Name = "TaintToleration"

// Plugin implements Filter and Score.
type Plugin struct{}

// New returns the plugin; it takes no arguments.
func New(json.RawMessage, scheduler.Handle) (scheduler.Plugin, error) { return Plugin{}, nil }

// Name implements scheduler.Plugin.
func (Plugin) Name() string { return Name }

func hard(e core.TaintEffect) bool {
	return e == core.TaintEffectNoSchedule || e == core.TaintEffectNoExecute
}

// Filter implements scheduler.FilterPlugin.
func (Plugin) Filter(_ context.Context, _ *scheduler.CycleState, pod *scheduler.PodInfo, node *scheduler.NodeInfo) *scheduler.Status {
	t, found := core.FindUntoleratedTaint(node.Taints(), pod.Pod.Spec.Tolerations, hard)
	if !found {
		return nil
	}
	return scheduler.NewStatus(scheduler.UnschedulableAndUnresolvable,
		fmt.Sprintf("node(s) had untolerated taint {%s: %s}", t.Key, t.Value))
}

// Score counts the PreferNoSchedule taints the pod does not tolerate.
func (Plugin) Score(_ context.Context, _ *scheduler.CycleState, pod *scheduler.PodInfo, node *scheduler.NodeInfo) (int64, *scheduler.Status) {
	var n int64
	taints := node.Taints()
	for i := range taints {
		t := &taints[i]
		if t.Effect == core.TaintEffectPreferNoSchedule && !tolerated(pod.Pod.Spec.Tolerations, t) {
			n++
		}
	}
	return n, nil
}

// tolerated considers only tolerations that apply to PreferNoSchedule
// (an empty effect or PreferNoSchedule), as Kubernetes does.
func tolerated(tols []core.Toleration, t *core.Taint) bool {
	for i := range tols {
		if (tols[i].Effect == "" || tols[i].Effect == core.TaintEffectPreferNoSchedule) && tols[i].ToleratesTaint(t) {
			return true
		}
	}
	return false
}

// ScoreExtensions implements scheduler.ScorePlugin.
func (p Plugin) ScoreExtensions() scheduler.ScoreExtensions { return p }

// NormalizeScore gives the fewest intolerable taints the highest score.
func (Plugin) NormalizeScore(_ context.Context, _ *scheduler.CycleState, _ *scheduler.PodInfo, scores []scheduler.NodeScore) *scheduler.Status {
	scheduler.NormalizeScores(scores, true)
	return nil
}

// EventsToRegister implements scheduler.EnqueueExtensions.
func (Plugin) EventsToRegister() []scheduler.ClusterEvent {
	return []scheduler.ClusterEvent{{Resource: scheduler.EventNode, Action: scheduler.Add | scheduler.UpdateNodeTaint}}
}
