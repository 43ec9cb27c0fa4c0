package defaultbinder_test

import (
	"context"
	"fmt"
	"log"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller/controllertest"
	"github.com/spar-dev/spar/scheduler"
	"github.com/spar-dev/spar/scheduler/plugins/defaultbinder"
	pt "github.com/spar-dev/spar/scheduler/plugins/plugintest"
)

// Binding a pod through an embedded API server sets its spec.nodeName.
func Example() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// A real API server on a bolt file in a temporary directory.
	env, err := controllertest.Open(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer env.Close()
	c := env.Client

	pods := client.Resource[core.Pod](c).Namespace("default")
	pod, err := pods.Create(ctx, pt.MakePod("web").Container("nginx").UID("").Obj(), nil)
	if err != nil {
		log.Fatal(err)
	}
	h := pt.NewHandle(nil, nil)
	h.APIClient = c // the scheduler's handle gives its client
	pl, err := defaultbinder.New(nil, h)
	if err != nil {
		log.Fatal(err)
	}
	status := pl.(scheduler.BindPlugin).Bind(ctx, scheduler.NewCycleState(), scheduler.NewPodInfo(pod), "n1")
	got, err := pods.Get(ctx, "web")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(status.IsSuccess(), got.Spec.NodeName)
	// Output: true n1
}
