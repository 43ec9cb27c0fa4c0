package plugintest

import (
	"context"

	"github.com/spar-dev/spar/scheduler"
)

// Fit is a minimal resource filter for tests that need one (preemption
// needs a reason for a node to be full): it rejects a node whose
// allocatable cpu, memory or pod count the pod's requests would exceed,
// with NodeResourcesFit's reasons. It is not the NodeResourcesFit plugin.
type Fit struct{}

// Name implements scheduler.Plugin.
func (Fit) Name() string { return "Fit" }

// Filter implements scheduler.FilterPlugin.
func (Fit) Filter(_ context.Context, _ *scheduler.CycleState, pod *scheduler.PodInfo, n *scheduler.NodeInfo) *scheduler.Status {
	var reasons []string
	if n.Allocatable.AllowedPodNumber > 0 && int64(len(n.Pods))+1 > n.Allocatable.AllowedPodNumber {
		reasons = append(reasons, "Too many pods")
	}
	if pod.Requests.MilliCPU > 0 && n.Requested.MilliCPU+pod.Requests.MilliCPU > n.Allocatable.MilliCPU {
		reasons = append(reasons, "Insufficient cpu")
	}
	if pod.Requests.Memory > 0 && n.Requested.Memory+pod.Requests.Memory > n.Allocatable.Memory {
		reasons = append(reasons, "Insufficient memory")
	}
	if len(reasons) > 0 {
		return scheduler.NewStatus(scheduler.Unschedulable, reasons...)
	}
	return nil
}
