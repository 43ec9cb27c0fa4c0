package noderesources_test

import (
	"context"
	"fmt"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/scheduler"
	"github.com/spar-dev/spar/scheduler/plugins/noderesources"
	pt "github.com/spar-dev/spar/scheduler/plugins/plugintest"
)

// NodeResourcesFit rejects the node the pod does not fit and, by default,
// prefers the emptier of the others.
func Example() {
	h := pt.NewHandle([]*core.Node{
		pt.MakeNode("small").Capacity("2", "4Gi", "110").Obj(),
		pt.MakeNode("busy").Capacity("8", "16Gi", "110").Obj(),
		pt.MakeNode("idle").Capacity("8", "16Gi", "110").Obj(),
	}, []*core.Pod{pt.MakePod("batch").Req("4", "8Gi").Node("busy").Obj()})
	fit, err := noderesources.NewFit(nil, h)
	if err != nil {
		panic(err)
	}
	h.Plugins = []scheduler.Plugin{fit}
	pod := scheduler.NewPodInfo(pt.MakePod("web").Req("3", "2Gi").Obj())
	feasible, rejected := h.Filter(context.Background(), scheduler.NewCycleState(), pod)
	scores, _ := pt.ScoreNodes(context.Background(), h, fit.(scheduler.ScorePlugin), scheduler.NewCycleState(), pod)
	fmt.Println("feasible:", feasible)
	fmt.Println("small:", rejected["small"].Message())
	fmt.Println("busy:", scores["busy"], "idle:", scores["idle"])
	// Output:
	// feasible: [busy idle]
	// small: Insufficient cpu
	// busy: 24 idle: 74
}
