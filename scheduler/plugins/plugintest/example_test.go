package plugintest_test

import (
	"context"
	"fmt"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/scheduler"
	pt "github.com/spar-dev/spar/scheduler/plugins/plugintest"
)

// A handle over two nodes, one of them full, filtering with the Fit test
// plugin as the framework would.
func Example() {
	h := pt.NewHandle([]*core.Node{
		pt.MakeNode("n1").Capacity("2", "4Gi", "110").Obj(),
		pt.MakeNode("n2").Capacity("2", "4Gi", "110").Obj(),
	}, []*core.Pod{
		pt.MakePod("busy").Req("2", "1Gi").Node("n1").Obj(),
	})
	h.Plugins = []scheduler.Plugin{pt.Fit{}}
	pod := scheduler.NewPodInfo(pt.MakePod("web").Req("500m", "1Gi").Obj())
	feasible, rejected := h.Filter(context.Background(), scheduler.NewCycleState(), pod)
	fmt.Println(feasible, rejected["n1"].Message(), rejected["n1"].Plugin())
	// Output: [n2] Insufficient cpu Fit
}
