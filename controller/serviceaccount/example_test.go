package serviceaccount_test

import (
	"context"
	"fmt"
	"log"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/controller/controllertest"
	"github.com/spar-dev/spar/controller/serviceaccount"
)

// A new namespace gets its default service account.
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

	m := controller.NewManager(c, nil)
	if err := serviceaccount.Add(m, nil); err != nil {
		log.Fatal(err)
	}
	go m.Run(ctx)

	accounts := client.Resource[core.ServiceAccount](c).Namespace("team-a")
	w, err := accounts.Watch(ctx, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer w.Stop()
	_, err = client.Resource[core.Namespace](c).Create(ctx, &core.Namespace{ObjectMeta: meta.ObjectMeta{Name: "team-a"}}, nil)
	if err != nil {
		log.Fatal(err)
	}
	ev, err := w.Next()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ev.Type, ev.Object.Namespace+"/"+ev.Object.Name)
	// Output:
	// ADDED team-a/default
}
