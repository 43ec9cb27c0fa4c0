package plugins_test

import (
	"fmt"

	"github.com/spar-dev/spar/scheduler/plugins"
)

// The default profile: Kubernetes' default plugins in its order, with its
// score weights, each enabled at every extension point it implements.
func Example() {
	reg := plugins.Registry()
	for _, p := range plugins.Defaults().MultiPoint.Enabled {
		_, ok := reg[p.Name]
		fmt.Println(p.Name, p.Weight, ok)
	}
	// Output:
	// SchedulingGates 0 true
	// PrioritySort 0 true
	// NodeUnschedulable 0 true
	// NodeName 0 true
	// TaintToleration 3 true
	// NodeAffinity 2 true
	// NodePorts 0 true
	// NodeResourcesFit 1 true
	// VolumeBinding 0 true
	// PodTopologySpread 2 true
	// InterPodAffinity 2 true
	// DefaultPreemption 0 true
	// NodeResourcesBalancedAllocation 1 true
	// ImageLocality 1 true
	// DefaultBinder 0 true
}
