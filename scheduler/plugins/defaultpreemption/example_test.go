package defaultpreemption_test

import (
	"context"
	"fmt"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/scheduler"
	"github.com/spar-dev/spar/scheduler/plugins/defaultpreemption"
	pt "github.com/spar-dev/spar/scheduler/plugins/plugintest"
)

// Two full nodes; both run pods of lower priority than the incoming one,
// and n2's have the lowest, so preemption nominates n2. (They are held by a Permit plugin here, so preemption
// rejects them instead of deleting them through the API.)
func Example() {
	low := pt.MakePod("batch").Priority(1).Req("4", "").Node("n2").Obj()
	h := pt.NewHandle([]*core.Node{
		pt.MakeNode("n1").Capacity("4", "16Gi", "110").Obj(),
		pt.MakeNode("n2").Capacity("4", "16Gi", "110").Obj(),
	}, []*core.Pod{
		pt.MakePod("web").Priority(50).Req("4", "").Node("n1").Obj(),
		low,
	})
	h.Plugins = []scheduler.Plugin{pt.Fit{}}
	h.Waiting = map[meta.UID]scheduler.WaitingPod{low.UID: permitted{low}}
	pl, err := defaultpreemption.New(nil, h)
	if err != nil {
		panic(err)
	}

	ctx := context.Background()
	state := scheduler.NewCycleState()
	pod := scheduler.NewPodInfo(pt.MakePod("important").Priority(100).Req("2", "").Obj())
	_, rejected := h.Filter(ctx, state, pod)
	result, st := pl.(scheduler.PostFilterPlugin).PostFilter(ctx, state, pod, rejected)
	fmt.Println(result.NominatedNodeName, st.IsSuccess())
	// Output:
	// DefaultPreemption rejected batch: preempted
	// n2 true
}

type permitted struct{ pod *core.Pod }

func (p permitted) Pod() *core.Pod { return p.pod }
func (permitted) Allow(string)     {}
func (p permitted) Reject(plugin, msg string) {
	fmt.Printf("%s rejected %s: %s\n", plugin, p.pod.Name, msg)
}
