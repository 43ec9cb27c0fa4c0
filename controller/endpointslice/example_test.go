package endpointslice_test

import (
	"context"
	"fmt"
	"log"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/discovery"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/controller/controllertest"
	"github.com/spar-dev/spar/controller/endpointslice"
)

// The EndpointSlice controller publishes a service's pods in slices, with
// their readiness, node and zone.
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
	if err := endpointslice.Add(m, nil); err != nil {
		log.Fatal(err)
	}
	go m.Run(ctx)

	// A node and a ready pod on it, as the kubelet reports them.
	_, err = client.Resource[core.Node](c).Create(ctx, &core.Node{ObjectMeta: meta.ObjectMeta{
		Name: "node-1", Labels: map[string]string{core.LabelTopologyZone: "eu-west-1a"}}}, nil)
	if err != nil {
		log.Fatal(err)
	}
	pods := client.Resource[core.Pod](c).Namespace("default")
	pod, err := pods.Create(ctx, &core.Pod{
		ObjectMeta: meta.ObjectMeta{Name: "web-1", Labels: map[string]string{"app": "web"}},
		Spec:       core.PodSpec{NodeName: "node-1", Containers: []core.Container{{Name: "nginx", Image: "nginx"}}},
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

	slices := client.Resource[discovery.EndpointSlice](c).Namespace("default")
	w, err := slices.Watch(ctx, &client.WatchOptions{LabelSelector: discovery.LabelServiceName + "=web"})
	if err != nil {
		log.Fatal(err)
	}
	defer w.Stop()
	_, err = client.Resource[core.Service](c).Namespace("default").Create(ctx, &core.Service{
		ObjectMeta: meta.ObjectMeta{Name: "web"},
		Spec:       core.ServiceSpec{Selector: map[string]string{"app": "web"}, Ports: []core.ServicePort{{Port: 80}}},
	}, nil)
	if err != nil {
		log.Fatal(err)
	}
	for {
		ev, err := w.Next()
		if err != nil {
			log.Fatal(err)
		}
		s := ev.Object
		if len(s.Endpoints) == 0 {
			continue // the placeholder of a service without endpoints
		}
		e := s.Endpoints[0]
		fmt.Println(s.AddressType, s.Labels[discovery.LabelManagedBy], *s.Ports[0].Port)
		fmt.Println(e.Addresses[0], e.TargetRef.Name, *e.NodeName, *e.Zone, "ready:", *e.Conditions.Ready)
		return
	}
	// Output:
	// IPv4 endpointslice-controller.k8s.io 80
	// 10.244.0.5 web-1 node-1 eu-west-1a ready: true
}
