// Package nodename is the NodeName plugin: a pod that names its node in
// spec.nodeName fits only that node.
package nodename

import (
	"context"
	"encoding/json"

	"github.com/spar-dev/spar/scheduler"
)

// Name is the plugin's name in profiles.
const Name = "NodeName"

// ErrReason is the rejection reason, as Kubernetes words it.
const ErrReason = "node(s) didn't match the requested node name"

// Plugin implements scheduler.FilterPlugin.
type Plugin struct{}

// New returns the plugin; it takes no arguments.
func New(json.RawMessage, scheduler.Handle) (scheduler.Plugin, error) { return Plugin{}, nil }

// Name implements scheduler.Plugin.
func (Plugin) Name() string { return Name }

// Filter implements scheduler.FilterPlugin.
func (Plugin) Filter(_ context.Context, _ *scheduler.CycleState, pod *scheduler.PodInfo, node *scheduler.NodeInfo) *scheduler.Status {
	if n := pod.Pod.Spec.NodeName; n != "" && n != node.Name() {
		return scheduler.NewStatus(scheduler.UnschedulableAndUnresolvable, ErrReason)
	}
	return nil
}

// EventsToRegister implements scheduler.EnqueueExtensions.
func (Plugin) EventsToRegister() []scheduler.ClusterEvent {
	return []scheduler.ClusterEvent{{Resource: scheduler.EventNode, Action: scheduler.Add}}
}
