package defaultbinder_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/apiserver"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/scheduler"
	"github.com/spar-dev/spar/scheduler/plugins/defaultbinder"
	pt "github.com/spar-dev/spar/scheduler/plugins/plugintest"
	"github.com/spar-dev/spar/store/bolt"
)

// Binding a pod through an embedded API server sets its spec.nodeName.
func Example() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir, err := os.MkdirTemp("", "spar-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	st, err := bolt.Open(filepath.Join(dir, "spar.db"), nil)
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	srv, err := apiserver.New(apiserver.Config{Store: st})
	if err != nil {
		log.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	defer func() { cancel(); <-done }() // stop the server before closing its store
	<-srv.Ready()
	c := client.NewForHandler(srv.Handler())

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
