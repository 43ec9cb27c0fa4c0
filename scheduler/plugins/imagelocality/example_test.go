package imagelocality_test

import (
	"context"
	"fmt"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/scheduler"
	"github.com/spar-dev/spar/scheduler/plugins/imagelocality"
	pt "github.com/spar-dev/spar/scheduler/plugins/plugintest"
)

// The node that already has the pod's large image scores higher.
func Example() {
	h := pt.NewHandle([]*core.Node{
		pt.MakeNode("n1").Image(800<<20, "example.com/model-server:v2").Obj(),
		pt.MakeNode("n2").Obj(),
	}, nil)
	pl, err := imagelocality.New(nil, h)
	if err != nil {
		panic(err)
	}
	pod := scheduler.NewPodInfo(pt.MakePod("p").Container("example.com/model-server:v2").Obj())
	scores, _ := pt.ScoreNodes(context.Background(), h, pl.(scheduler.ScorePlugin), scheduler.NewCycleState(), pod)
	fmt.Println(scores["n1"], scores["n2"])
	// Output: 38 0
}
