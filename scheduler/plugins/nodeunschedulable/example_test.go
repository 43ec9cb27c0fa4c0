package nodeunschedulable_test

import (
	"context"
	"fmt"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/scheduler"
	"github.com/spar-dev/spar/scheduler/plugins/nodeunschedulable"
	pt "github.com/spar-dev/spar/scheduler/plugins/plugintest"
)

// A cordoned node takes only pods tolerating the unschedulable taint, as
// DaemonSet pods do.
func Example() {
	h := pt.NewHandle([]*core.Node{pt.MakeNode("n1").Unschedulable().Obj(), pt.MakeNode("n2").Obj()}, nil)
	pl, err := nodeunschedulable.New(nil, h)
	if err != nil {
		panic(err)
	}
	h.Plugins = []scheduler.Plugin{pl}
	for _, w := range []*pt.PodWrapper{
		pt.MakePod("web"),
		pt.MakePod("agent").Toleration(core.Toleration{Key: "node.kubernetes.io/unschedulable", Operator: core.TolerationOpExists}),
	} {
		feasible, rejected := h.Filter(context.Background(), scheduler.NewCycleState(), scheduler.NewPodInfo(w.Obj()))
		fmt.Println(w.Obj().Name, feasible, rejected["n1"].Message())
	}
	// Output:
	// web [n2] node(s) were unschedulable
	// agent [n1 n2]
}
