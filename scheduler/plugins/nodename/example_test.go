package nodename_test

import (
	"context"
	"fmt"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/scheduler"
	"github.com/spar-dev/spar/scheduler/plugins/nodename"
	pt "github.com/spar-dev/spar/scheduler/plugins/plugintest"
)

// A pod naming its node fits that node alone.
func Example() {
	h := pt.NewHandle([]*core.Node{pt.MakeNode("n1").Obj(), pt.MakeNode("n2").Obj()}, nil)
	pl, err := nodename.New(nil, h)
	if err != nil {
		panic(err)
	}
	h.Plugins = []scheduler.Plugin{pl}
	feasible, rejected := h.Filter(context.Background(), scheduler.NewCycleState(), scheduler.NewPodInfo(pt.MakePod("p").Node("n2").Obj()))
	fmt.Println(feasible, rejected["n1"].Message())
	// Output: [n2] node(s) didn't match the requested node name
}
