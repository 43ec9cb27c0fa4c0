package podtopologyspread_test

import (
	"context"
	"fmt"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/scheduler"
	pt "github.com/spar-dev/spar/scheduler/plugins/plugintest"
	"github.com/spar-dev/spar/scheduler/plugins/podtopologyspread"
)

// Three zones, two web pods in zone a and one in zone b: with maxSkew 1
// the next web pod must go to zone c.
func Example() {
	h := pt.NewHandle([]*core.Node{
		pt.MakeNode("a1").Zone("a").Obj(), pt.MakeNode("b1").Zone("b").Obj(), pt.MakeNode("c1").Zone("c").Obj(),
	}, []*core.Pod{
		pt.MakePod("web-0").Label("app", "web").Node("a1").Obj(),
		pt.MakePod("web-1").Label("app", "web").Node("a1").Obj(),
		pt.MakePod("web-2").Label("app", "web").Node("b1").Obj(),
	})
	pl, err := podtopologyspread.New(nil, h)
	if err != nil {
		panic(err)
	}
	h.Plugins = []scheduler.Plugin{pl}
	pod := pt.MakePod("web-3").Label("app", "web").
		SpreadConstraint(1, pt.LabelZone, core.DoNotSchedule, pt.Selector("app", "web")).Obj()
	feasible, rejected := h.Filter(context.Background(), scheduler.NewCycleState(), scheduler.NewPodInfo(pod))
	fmt.Println("feasible:", feasible)
	fmt.Println("b1:", rejected["b1"].Message())
	// Output:
	// feasible: [c1]
	// b1: node(s) didn't match pod topology spread constraints
}
