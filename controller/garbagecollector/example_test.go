package garbagecollector_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/controller/controllertest"
	"github.com/spar-dev/spar/controller/garbagecollector"
)

// A configmap owned by another goes when its owner is deleted; deleted
// with Orphan instead, the owner leaves its dependent behind, without the
// reference.
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
	if err := garbagecollector.Add(m, nil); err != nil {
		log.Fatal(err)
	}
	go m.Run(ctx)

	cms := client.Resource[core.ConfigMap](c).Namespace("default")
	create := func(name string, owner *core.ConfigMap) *core.ConfigMap {
		cm := &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Name: name}}
		if owner != nil {
			cm.OwnerReferences = []meta.OwnerReference{{APIVersion: "v1", Kind: "ConfigMap", Name: owner.Name, UID: owner.UID}}
		}
		cm, err := cms.Create(ctx, cm, nil)
		if err != nil {
			log.Fatal(err)
		}
		return cm
	}
	waitGone := func(name string) {
		for {
			if _, err := cms.Get(ctx, name); client.IsNotFound(err) {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	}

	app := create("app", nil)
	create("app-config", app)
	if err := cms.Delete(ctx, "app", nil); err != nil { // background
		log.Fatal(err)
	}
	waitGone("app-config")
	fmt.Println("app-config deleted with its owner")

	keep := create("keep", nil)
	create("keep-config", keep)
	orphan := meta.DeletePropagationOrphan
	if err := cms.Delete(ctx, "keep", &meta.DeleteOptions{PropagationPolicy: &orphan}); err != nil {
		log.Fatal(err)
	}
	waitGone("keep")
	cm, err := cms.Get(ctx, "keep-config")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("keep-config orphaned, owners:", len(cm.OwnerReferences))
	// Output:
	// app-config deleted with its owner
	// keep-config orphaned, owners: 0
}
