package resourcequota_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/resource"
	"github.com/spar-dev/spar/apiserver"
	"github.com/spar-dev/spar/apiserver/admission/quota"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/controller/resourcequota"
	"github.com/spar-dev/spar/store/bolt"
)

// The controller fills in a new quota's status from the namespace's
// objects.
func Example() {
	dir, _ := os.MkdirTemp("", "resourcequota")
	defer os.RemoveAll(dir)
	st, err := bolt.Open(filepath.Join(dir, "spar.db"), &bolt.Options{NoSync: true})
	if err != nil {
		panic(err)
	}
	defer st.Close()
	srv, err := apiserver.New(apiserver.Config{Store: st})
	if err != nil {
		panic(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go srv.Run(ctx)
	<-srv.Ready()

	// Pods that exist when the controller starts. (Pods created later are
	// charged by ResourceQuota admission, which this server does not run.)
	c := client.NewForHandler(srv.Handler())
	pods := client.Resource[core.Pod](c).Namespace("default")
	for _, name := range []string{"a", "b", "c"} {
		pods.Create(ctx, &core.Pod{ObjectMeta: meta.ObjectMeta{Name: name},
			Spec: core.PodSpec{Containers: []core.Container{{Name: "app", Image: "nginx"}}}}, nil)
	}
	m := controller.NewManager(c, nil)
	if err := resourcequota.Add(m, nil); err != nil {
		panic(err)
	}
	go m.Run(ctx)

	quotas := client.Resource[core.ResourceQuota](c).Namespace("default")
	quotas.Create(ctx, &core.ResourceQuota{ObjectMeta: meta.ObjectMeta{Name: "pods"},
		Spec: core.ResourceQuotaSpec{Hard: core.ResourceList{"pods": resource.MustParse("10")}}}, nil)

	w, err := quotas.Watch(ctx, &client.WatchOptions{FieldSelector: "metadata.name=pods"})
	if err != nil {
		panic(err)
	}
	defer w.Stop()
	for {
		ev, err := w.Next()
		if err != nil {
			panic(err)
		}
		if q := ev.Object; len(q.Status.Used) > 0 {
			fmt.Printf("hard %s, used %s\n", quota.Format(q.Status.Hard), quota.Format(q.Status.Used))
			return
		}
	}
	// Output: hard pods=10, used pods=3
}
