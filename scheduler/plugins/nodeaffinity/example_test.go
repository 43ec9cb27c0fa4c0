package nodeaffinity_test

import (
	"context"
	"fmt"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/scheduler"
	"github.com/spar-dev/spar/scheduler/plugins/nodeaffinity"
	pt "github.com/spar-dev/spar/scheduler/plugins/plugintest"
)

// A pod that must run on SSD nodes and prefers zone a.
func Example() {
	h := pt.NewHandle([]*core.Node{
		pt.MakeNode("n1").Label("disk", "ssd").Label("zone", "a").Obj(),
		pt.MakeNode("n2").Label("disk", "ssd").Label("zone", "b").Obj(),
		pt.MakeNode("n3").Label("disk", "hdd").Label("zone", "a").Obj(),
	}, nil)
	pl, err := nodeaffinity.New(nil, h)
	if err != nil {
		panic(err)
	}
	h.Plugins = []scheduler.Plugin{pl}
	pod := scheduler.NewPodInfo(pt.MakePod("db").
		NodeSelector(map[string]string{"disk": "ssd"}).
		PreferredNodeAffinity(10, pt.NodeTerm(pt.Expr("zone", core.NodeSelectorOpIn, "a"))).Obj())
	feasible, rejected := h.Filter(context.Background(), scheduler.NewCycleState(), pod)
	scores, _ := pt.ScoreNodes(context.Background(), h, pl.(scheduler.ScorePlugin), scheduler.NewCycleState(), pod)
	fmt.Println("feasible:", feasible)
	fmt.Println("n3:", rejected["n3"].Message())
	fmt.Println("scores:", scores["n1"], scores["n2"])
	// Output:
	// feasible: [n1 n2]
	// n3: node(s) didn't match Pod's node affinity/selector
	// scores: 100 0
}
