package namespace_test

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
	"github.com/spar-dev/spar/controller/namespace"
)

// A namespace deleted with content held by a finalizer: the controller
// deletes what it can, says what is left, and releases the namespace once
// the content is gone; the API server then removes it.
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
	// Recheck held content every 100ms at most (default 15s).
	if err := namespace.Add(m, &namespace.Options{MaxRecheck: 100 * time.Millisecond}); err != nil {
		log.Fatal(err)
	}
	go m.Run(ctx)

	namespaces := client.Resource[core.Namespace](c)
	if _, err := namespaces.Create(ctx, &core.Namespace{ObjectMeta: meta.ObjectMeta{Name: "demo"}}, nil); err != nil {
		log.Fatal(err)
	}
	// The configmap is held by a finalizer that some other controller
	// would remove.
	cm := &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Name: "settings", Finalizers: []string{"example.com/hold"}}}
	cms := client.Resource[core.ConfigMap](c).Namespace("demo")
	if _, err := cms.Create(ctx, cm, nil); err != nil {
		log.Fatal(err)
	}
	if err := namespaces.Delete(ctx, "demo", nil); err != nil {
		log.Fatal(err)
	}

	// The namespace says what holds it.
	for msg := ""; msg == ""; time.Sleep(10 * time.Millisecond) {
		ns, err := namespaces.Get(ctx, "demo")
		if err != nil {
			log.Fatal(err)
		}
		for _, cond := range ns.Status.Conditions {
			if cond.Type == core.NamespaceFinalizersRemaining && cond.Status == core.ConditionTrue {
				msg = cond.Message
				fmt.Println(ns.Status.Phase+":", msg)
			}
		}
	}

	// Once the finalizer goes, so does the namespace.
	if _, err := cms.Patch(ctx, "settings", client.MergePatch, []byte(`{"metadata":{"finalizers":null}}`), nil); err != nil {
		log.Fatal(err)
	}
	for {
		if _, err := namespaces.Get(ctx, "demo"); client.IsNotFound(err) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	fmt.Println("namespace demo is gone")
	// Output:
	// Terminating: Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances
	// namespace demo is gone
}
