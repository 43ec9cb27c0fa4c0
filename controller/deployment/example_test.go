package deployment_test

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
	"github.com/spar-dev/spar/controller/deployment"
	"github.com/spar-dev/spar/controller/replicaset"
)

// The Deployment and ReplicaSet controllers in a manager, against an
// embedded API server: a Deployment gets a ReplicaSet for its template,
// named after the template's hash, at revision 1.
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
	if err := deployment.Add(m, nil); err != nil {
		log.Fatal(err)
	}
	go m.Run(ctx)

	deployments := client.Resource[apps.Deployment](c).Namespace("default")
	two := int32(2)
	labels := map[string]string{"app": "web"}
	d, err := deployments.Create(ctx, &apps.Deployment{
		ObjectMeta: meta.ObjectMeta{Name: "web"},
		Spec: apps.DeploymentSpec{
			Replicas: &two,
			Selector: &meta.LabelSelector{MatchLabels: labels},
			Template: core.PodTemplateSpec{
				ObjectMeta: meta.ObjectMeta{Labels: labels},
				Spec:       core.PodSpec{Containers: []core.Container{{Name: "web", Image: "nginx:1.27"}}},
			},
		},
	}, nil)
	if err != nil {
		log.Fatal(err)
	}

	// Follow the Deployment until both its pods exist with the current
	// template. (Nothing runs them here: no node agent.)
	w, err := deployments.Watch(ctx, &client.WatchOptions{FieldSelector: "metadata.name=web", ResourceVersion: d.ResourceVersion})
	if err != nil {
		log.Fatal(err)
	}
	defer w.Stop()
	for d.Status.UpdatedReplicas != 2 || d.Annotations[deployment.RevisionAnnotation] == "" {
		ev, err := w.Next()
		if err != nil {
			log.Fatal(err)
		}
		d = ev.Object
	}
	rs, err := client.Resource[apps.ReplicaSet](c).Namespace("default").Get(ctx, "web-"+deployment.PodTemplateHash(&d.Spec.Template, nil))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("revision", rs.Annotations[deployment.RevisionAnnotation], "with", *rs.Spec.Replicas, "replicas")
	fmt.Println("selector:", rs.Spec.Selector.MatchLabels["pod-template-hash"] == rs.Labels["pod-template-hash"])
	// Output:
	// revision 1 with 2 replicas
	// selector: true
}
