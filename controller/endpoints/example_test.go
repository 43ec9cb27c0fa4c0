package endpoints_test

import (
	"context"
	"fmt"
	"log"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/controller/controllertest"
	"github.com/spar-dev/spar/controller/endpoints"
)

// The endpoints controller publishes the ready pod behind a service, with
// the container port its named target port resolves to.
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
	if err := endpoints.Add(m, nil); err != nil {
		log.Fatal(err)
	}
	go m.Run(ctx)

	// A pod, as the kubelet reports it once it runs and is ready.
	pods := client.Resource[core.Pod](c).Namespace("default")
	pod, err := pods.Create(ctx, &core.Pod{
		ObjectMeta: meta.ObjectMeta{Name: "web-1", Labels: map[string]string{"app": "web"}},
		Spec: core.PodSpec{NodeName: "node-1", Containers: []core.Container{{
			Name: "nginx", Image: "nginx", Ports: []core.ContainerPort{{Name: "http", ContainerPort: 8080}},
		}}},
	}, nil)
	if err != nil {
		log.Fatal(err)
	}
	pod.Status.Phase = core.PodRunning
	pod.Status.PodIP, pod.Status.PodIPs = "10.244.0.5", []core.PodIP{{IP: "10.244.0.5"}}
	pod.Status.Conditions = []core.PodCondition{{Type: core.PodReady, Status: core.ConditionTrue}}
	if _, err := pods.UpdateStatus(ctx, pod, nil); err != nil {
		log.Fatal(err)
	}

	eps := client.Resource[core.Endpoints](c).Namespace("default")
	w, err := eps.Watch(ctx, &client.WatchOptions{FieldSelector: "metadata.name=web"})
	if err != nil {
		log.Fatal(err)
	}
	defer w.Stop()
	_, err = client.Resource[core.Service](c).Namespace("default").Create(ctx, &core.Service{
		ObjectMeta: meta.ObjectMeta{Name: "web"},
		Spec: core.ServiceSpec{Selector: map[string]string{"app": "web"},
			Ports: []core.ServicePort{{Name: "http", Port: 80, TargetPort: meta.FromString("http")}}},
	}, nil)
	if err != nil {
		log.Fatal(err)
	}
	for {
		ev, err := w.Next()
		if err != nil {
			log.Fatal(err)
		}
		if len(ev.Object.Subsets) == 0 {
			continue
		}
		s := ev.Object.Subsets[0]
		fmt.Printf("%s: %s %s:%d (pod %s on %s)\n", ev.Object.Name, s.Ports[0].Name,
			s.Addresses[0].IP, s.Ports[0].Port, s.Addresses[0].TargetRef.Name, *s.Addresses[0].NodeName)
		return
	}
	// Output:
	// web: http 10.244.0.5:8080 (pod web-1 on node-1)
}
