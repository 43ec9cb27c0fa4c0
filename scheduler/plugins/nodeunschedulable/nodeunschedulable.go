// Package nodeunschedulable is the NodeUnschedulable plugin: nodes marked
// spec.unschedulable (kubectl cordon) take only pods that tolerate the
// node.kubernetes.io/unschedulable:NoSchedule taint.
package nodeunschedulable

import (
	"context"
	"encoding/json"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/scheduler"
)

// Name is the plugin's name in profiles.
const Name = "NodeUnschedulable"

// ErrReason is the rejection reason, as Kubernetes words it.
const ErrReason = "node(s) were unschedulable"

// Plugin implements scheduler.FilterPlugin.
type Plugin struct{}

// New returns the plugin; it takes no arguments.
func New(json.RawMessage, scheduler.Handle) (scheduler.Plugin, error) { return Plugin{}, nil }

// Name implements scheduler.Plugin.
func (Plugin) Name() string { return Name }

var unschedulableTaint = core.Taint{Key: "node.kubernetes.io/unschedulable", Effect: core.TaintEffectNoSchedule}

// Filter implements scheduler.FilterPlugin.
func (Plugin) Filter(_ context.Context, _ *scheduler.CycleState, pod *scheduler.PodInfo, node *scheduler.NodeInfo) *scheduler.Status {
	if !node.Unschedulable() || core.TolerationsTolerateTaint(pod.Pod.Spec.Tolerations, &unschedulableTaint) {
		return nil
	}
	return scheduler.NewStatus(scheduler.UnschedulableAndUnresolvable, ErrReason)
}

// EventsToRegister implements scheduler.EnqueueExtensions.
func (Plugin) EventsToRegister() []scheduler.ClusterEvent {
	return []scheduler.ClusterEvent{{Resource: scheduler.EventNode, Action: scheduler.Add | scheduler.UpdateNodeTaint}}
}
