package noderesources

import (
	"context"
	"encoding/json"
	"fmt"
	"math"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/scheduler"
)

// BalancedArgs are NodeResourcesBalancedAllocation's arguments.
type BalancedArgs struct {
	Kind       string `json:"kind,omitempty"`
	APIVersion string `json:"apiVersion,omitempty"`
	// Resources to balance. Default cpu and memory.
	Resources []ResourceSpec `json:"resources,omitempty"`
}

// Balanced implements NodeResourcesBalancedAllocation: nodes where the
// pod would leave the resources' usage fractions closest to each other
// score highest, so no resource is exhausted while others idle.
type Balanced struct{ resources []core.ResourceName }

// NewBalanced builds NodeResourcesBalancedAllocation.
func NewBalanced(raw json.RawMessage, _ scheduler.Handle) (scheduler.Plugin, error) {
	var a BalancedArgs
	if len(raw) > 0 {
		if err := api.DecodeStrict(raw, &a); err != nil {
			return nil, fmt.Errorf("%s args: %w", BalancedName, err)
		}
	}
	b := &Balanced{}
	for _, r := range a.Resources {
		b.resources = append(b.resources, core.ResourceName(r.Name))
	}
	if len(b.resources) == 0 {
		b.resources = []core.ResourceName{core.ResourceCPU, core.ResourceMemory}
	}
	return b, nil
}

// Name implements scheduler.Plugin.
func (b *Balanced) Name() string { return BalancedName }

// PreScore skips pods that request none of the resources (best-effort
// pods), as Kubernetes does: every node would score alike for them but
// the emptiest, where they would all pile up.
func (b *Balanced) PreScore(_ context.Context, _ *scheduler.CycleState, pod *scheduler.PodInfo, _ []*scheduler.NodeInfo) *scheduler.Status {
	for _, name := range b.resources {
		if podRequest(pod, name) != 0 {
			return nil
		}
	}
	return scheduler.NewStatus(scheduler.Skip)
}

// podRequest is the pod's actual request of a resource.
func podRequest(pod *scheduler.PodInfo, name core.ResourceName) int64 {
	switch name {
	case core.ResourceCPU:
		return pod.Requests.MilliCPU
	case core.ResourceMemory:
		return pod.Requests.Memory
	case core.ResourceEphemeralStorage:
		return pod.Requests.EphemeralStorage
	}
	return pod.Requests.Scalar[name]
}

// Score implements scheduler.ScorePlugin: (1 − standard deviation of the
// usage fractions, each capped at 1) × MaxNodeScore, counting actual
// requests, over the resources the node has. With two resources the
// deviation is |f1 − f2| / 2, computed so, as Kubernetes does.
func (b *Balanced) Score(_ context.Context, _ *scheduler.CycleState, pod *scheduler.PodInfo, node *scheduler.NodeInfo) (int64, *scheduler.Status) {
	var fr [4]float64
	fractions := fr[:0]
	var total float64
	for _, name := range b.resources {
		alloc, req := amounts(name, pod, node, false)
		if alloc == 0 {
			continue
		}
		f := min(float64(req)/float64(alloc), 1)
		total += f
		fractions = append(fractions, f)
	}
	var std float64
	switch {
	case len(fractions) == 2:
		std = math.Abs((fractions[0] - fractions[1]) / 2)
	case len(fractions) > 2:
		mean := total / float64(len(fractions))
		var sum float64
		for _, f := range fractions {
			sum += (f - mean) * (f - mean)
		}
		std = math.Sqrt(sum / float64(len(fractions)))
	}
	return int64((1 - std) * float64(scheduler.MaxNodeScore)), nil
}

// ScoreExtensions implements scheduler.ScorePlugin.
func (b *Balanced) ScoreExtensions() scheduler.ScoreExtensions { return nil }
