package tainttoleration_test

import (
	"context"
	"fmt"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/scheduler"
	pt "github.com/spar-dev/spar/scheduler/plugins/plugintest"
	"github.com/spar-dev/spar/scheduler/plugins/tainttoleration"
)

// GPU nodes are tainted for GPU pods; a pod without the toleration stays
// off them.
func Example() {
	h := pt.NewHandle([]*core.Node{
		pt.MakeNode("gpu-1").Taint("dedicated", "gpu", core.TaintEffectNoSchedule).Obj(),
		pt.MakeNode("cpu-1").Obj(),
	}, nil)
	pl, err := tainttoleration.New(nil, h)
	if err != nil {
		panic(err)
	}
	h.Plugins = []scheduler.Plugin{pl}
	for _, w := range []*pt.PodWrapper{
		pt.MakePod("web"),
		pt.MakePod("train").Toleration(core.Toleration{Key: "dedicated", Operator: core.TolerationOpEqual, Value: "gpu"}),
	} {
		feasible, rejected := h.Filter(context.Background(), scheduler.NewCycleState(), scheduler.NewPodInfo(w.Obj()))
		fmt.Println(w.Obj().Name, feasible, rejected["gpu-1"].Message())
	}
	// Output:
	// web [cpu-1] node(s) had untolerated taint {dedicated: gpu}
	// train [cpu-1 gpu-1]
}
