package interpodaffinity_test

import (
	"context"
	"fmt"

	"github.com/spar-dev/spar/scheduler"
	"github.com/spar-dev/spar/scheduler/plugins/interpodaffinity"
	"github.com/spar-dev/spar/scheduler/plugins/plugintest"
)

// A web pod that must not share a zone with another web pod.
func Example() {
	nodes := []*plugintest.NodeWrapper{
		plugintest.MakeNode("a1").Zone("a"), plugintest.MakeNode("a2").Zone("a"), plugintest.MakeNode("b1").Zone("b"),
	}
	h := plugintest.NewHandle(nil, nil)
	for _, n := range nodes {
		h.AddNode(n.Obj())
	}
	h.AddPod(plugintest.MakePod("web-0").Label("app", "web").Node("a1").Obj())

	pl, err := interpodaffinity.New(nil, h)
	if err != nil {
		panic(err)
	}
	h.Plugins = []scheduler.Plugin{pl}
	pod := plugintest.MakePod("web-1").Label("app", "web").
		PodAntiAffinity(plugintest.Term(plugintest.LabelZone, "app", "web")).Obj()
	feasible, rejected := h.Filter(context.Background(), scheduler.NewCycleState(), scheduler.NewPodInfo(pod))
	fmt.Println("feasible:", feasible)
	fmt.Println("a2:", rejected["a2"].Message())
	// Output:
	// feasible: [b1]
	// a2: node(s) didn't match pod anti-affinity rules
}
