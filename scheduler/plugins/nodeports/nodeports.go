// Package nodeports is the NodePorts plugin: a pod's host ports must be
// free on the node (a port bound to 0.0.0.0 conflicts with every address).
package nodeports

import (
	"context"
	"encoding/json"

	"github.com/spar-dev/spar/scheduler"
)

// Name is the plugin's name in profiles.
const Name = "NodePorts"

// ErrReason is the rejection reason, as Kubernetes words it.
const ErrReason = "node(s) didn't have free ports for the requested pod ports"

// Plugin implements scheduler.FilterPlugin.
type Plugin struct{}

// New returns the plugin; it takes no arguments.
func New(json.RawMessage, scheduler.Handle) (scheduler.Plugin, error) { return Plugin{}, nil }

// Name implements scheduler.Plugin.
func (Plugin) Name() string { return Name }

func wildcard(ip string) bool { return ip == "" || ip == "0.0.0.0" || ip == "::" }

// Conflicts reports whether want clashes with a used port.
func Conflicts(used map[scheduler.HostPort]bool, want scheduler.HostPort) bool {
	if used[want] {
		return true
	}
	for u := range used {
		if u.Port == want.Port && u.Protocol == want.Protocol && (wildcard(u.IP) || wildcard(want.IP) || u.IP == want.IP) {
			return true
		}
	}
	return false
}

// Filter implements scheduler.FilterPlugin.
func (Plugin) Filter(_ context.Context, _ *scheduler.CycleState, pod *scheduler.PodInfo, node *scheduler.NodeInfo) *scheduler.Status {
	for _, p := range pod.HostPorts {
		if Conflicts(node.UsedPorts, p) {
			return scheduler.NewStatus(scheduler.Unschedulable, ErrReason)
		}
	}
	return nil
}

// EventsToRegister implements scheduler.EnqueueExtensions.
func (Plugin) EventsToRegister() []scheduler.ClusterEvent {
	return []scheduler.ClusterEvent{{Resource: scheduler.EventAssignedPod, Action: scheduler.Delete},
		{Resource: scheduler.EventNode, Action: scheduler.Add}}
}
