package controllertest_test

import (
	"context"
	"fmt"
	"log"
	"strconv"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/controller/controllertest"
)

// A controller under test against a real API server. An Example has no
// *testing.T, so it uses Open and Close; a test writes
//
//	env := controllertest.New(t, nil)
//
// instead and needs no Close. The rest is the same: add controllers to
// env.Manager, Start it, and act and observe through env.Client.
func Example() {
	env, err := controllertest.Open(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer env.Close()
	ctx := context.Background()
	cms := client.Resource[core.ConfigMap](env.Client).Namespace("default")

	// The controller under test annotates every ConfigMap with the number
	// of its data keys, reading from the shared informer's cache.
	const keysAnnotation = "example.spar.dev/keys"
	inf := controller.GetInformer[core.ConfigMap](env.Manager, nil)
	r := controller.ReconcilerFunc(func(ctx context.Context, req controller.Request) (controller.Result, error) {
		cm, ok := inf.Get(req.Namespace, req.Name)
		if !ok {
			return controller.Result{}, nil // deleted
		}
		want := strconv.Itoa(len(cm.Data))
		if cm.Annotations[keysAnnotation] == want {
			return controller.Result{}, nil
		}
		cm = meta.DeepCopy(cm) // informer objects are shared and read-only
		if cm.Annotations == nil {
			cm.Annotations = map[string]string{}
		}
		cm.Annotations[keysAnnotation] = want
		_, err := cms.Update(ctx, cm, nil) // a conflict is retried with backoff
		return controller.Result{}, err
	})
	c := controller.New("keycount", r, nil)
	controller.Watch(c, inf, controller.Self[core.ConfigMap]())
	env.Manager.Add(c)
	env.Start()

	cm := &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Name: "settings"}, Data: map[string]string{"a": "1", "b": "2"}}
	created, err := cms.Create(ctx, cm, nil)
	if err != nil {
		log.Fatal(err)
	}
	// Wait for the controller's write by watching from the creation.
	w, err := cms.Watch(ctx, &client.WatchOptions{FieldSelector: "metadata.name=settings", ResourceVersion: created.ResourceVersion})
	if err != nil {
		log.Fatal(err)
	}
	defer w.Stop()
	for {
		ev, err := w.Next()
		if err != nil {
			log.Fatal(err)
		}
		if n, ok := ev.Object.Annotations[keysAnnotation]; ok {
			fmt.Printf("%s %s: %s=%s\n", ev.Type, ev.Object.Name, keysAnnotation, n)
			break
		}
	}
	// Output:
	// MODIFIED settings: example.spar.dev/keys=2
}
