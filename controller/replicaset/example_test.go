package replicaset_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/spar-dev/spar/api/apps"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/controller/controllertest"
	"github.com/spar-dev/spar/controller/replicaset"
)

// The ReplicaSet controller in a manager, against an embedded API server:
// a ReplicaSet of 3 gets 3 pods.
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// A real API server on a bolt file in a temporary directory.
	env, err := controllertest.Open(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer env.Close()
	c := env.Client

	// What examples/controller-manager does for every built-in controller.
	m := controller.NewManager(c, nil)
	if err := replicaset.Add(m, nil); err != nil {
		log.Fatal(err)
	}
	go m.Run(ctx)

	rss := client.Resource[apps.ReplicaSet](c).Namespace("default")
	three := int32(3)
	labels := map[string]string{"app": "web"}
	rs, err := rss.Create(ctx, &apps.ReplicaSet{
		ObjectMeta: meta.ObjectMeta{Name: "web"},
		Spec: apps.ReplicaSetSpec{
			Replicas: &three,
			Selector: &meta.LabelSelector{MatchLabels: labels},
			Template: core.PodTemplateSpec{
				ObjectMeta: meta.ObjectMeta{Labels: labels},
				Spec:       core.PodSpec{Containers: []core.Container{{Name: "web", Image: "nginx"}}},
			},
		},
	}, nil)
	if err != nil {
		log.Fatal(err)
	}

	// Follow the ReplicaSet until its status counts 3 pods.
	w, err := rss.Watch(ctx, &client.WatchOptions{FieldSelector: "metadata.name=web", ResourceVersion: rs.ResourceVersion})
	if err != nil {
		log.Fatal(err)
	}
	defer w.Stop()
	for rs.Status.Replicas != 3 {
		ev, err := w.Next()
		if err != nil {
			log.Fatal(err)
		}
		rs = ev.Object
	}
	pods, err := client.Resource[core.Pod](c).Namespace("default").List(ctx, &client.ListOptions{LabelSelector: "app=web"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(pods.Items), "pods, owned by", pods.Items[0].OwnerReferences[0].Kind, pods.Items[0].OwnerReferences[0].Name)
	// Output: 3 pods, owned by ReplicaSet web
}
