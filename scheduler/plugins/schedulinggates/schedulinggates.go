// Package schedulinggates is the SchedulingGates plugin: a pod with
// spec.schedulingGates waits outside the active queue until they are all
// removed.
package schedulinggates

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/scheduler"
)

// Name is the plugin's name in profiles.
const Name = "SchedulingGates"

// Plugin implements scheduler.PreEnqueuePlugin.
type Plugin struct{}

// New returns the plugin; it takes no arguments.
func New(json.RawMessage, scheduler.Handle) (scheduler.Plugin, error) { return Plugin{}, nil }

// Name implements scheduler.Plugin.
func (Plugin) Name() string { return Name }

// PreEnqueue implements scheduler.PreEnqueuePlugin.
func (Plugin) PreEnqueue(_ context.Context, pod *core.Pod) *scheduler.Status {
	if len(pod.Spec.SchedulingGates) == 0 {
		return nil
	}
	names := make([]string, len(pod.Spec.SchedulingGates))
	for i, g := range pod.Spec.SchedulingGates {
		names[i] = g.Name
	}
	return scheduler.NewStatus(scheduler.UnschedulableAndUnresolvable, fmt.Sprintf("waiting for scheduling gates: %v", names))
}
