package nodeports_test

import (
	"context"
	"fmt"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/scheduler"
	"github.com/spar-dev/spar/scheduler/plugins/nodeports"
	pt "github.com/spar-dev/spar/scheduler/plugins/plugintest"
)

// Port 80 is taken on n1: a second ingress pod goes to n2.
func Example() {
	h := pt.NewHandle([]*core.Node{pt.MakeNode("n1").Obj(), pt.MakeNode("n2").Obj()},
		[]*core.Pod{pt.MakePod("ingress-0").HostPort(80, core.ProtocolTCP, "").Node("n1").Obj()})
	pl, err := nodeports.New(nil, h)
	if err != nil {
		panic(err)
	}
	h.Plugins = []scheduler.Plugin{pl}
	pod := scheduler.NewPodInfo(pt.MakePod("ingress-1").HostPort(80, core.ProtocolTCP, "").Obj())
	feasible, rejected := h.Filter(context.Background(), scheduler.NewCycleState(), pod)
	fmt.Println(feasible, rejected["n1"].Message())
	// Output: [n2] node(s) didn't have free ports for the requested pod ports
}
