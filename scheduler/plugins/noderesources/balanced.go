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

// Score implements scheduler.ScorePlugin: (1 − standard deviation of the
// usage fractions) × MaxNodeScore.
func (b *Balanced) Score(_ context.Context, _ *scheduler.CycleState, pod *scheduler.PodInfo, node *scheduler.NodeInfo) (int64, *scheduler.Status) {
	var fr [4]float64
	fractions := fr[:0]
	for _, name := range b.resources {
		alloc, req := amounts(name, pod, node)
		if alloc == 0 {
			continue
		}
		fractions = append(fractions, min(float64(req)/float64(alloc), 1))
	}
	if len(fractions) < 2 {
		return scheduler.MaxNodeScore, nil
	}
	var mean float64
	for _, f := range fractions {
		mean += f
	}
	mean /= float64(len(fractions))
	var variance float64
	for _, f := range fractions {
		variance += (f - mean) * (f - mean)
	}
	std := math.Sqrt(variance / float64(len(fractions)))
	return int64((1 - std) * float64(scheduler.MaxNodeScore)), nil
}

// ScoreExtensions implements scheduler.ScorePlugin.
func (b *Balanced) ScoreExtensions() scheduler.ScoreExtensions { return nil }
