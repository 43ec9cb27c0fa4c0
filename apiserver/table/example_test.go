package table_test

import (
	"fmt"
	"time"

	"github.com/spar-dev/spar/api/apiextensions"
	"github.com/spar-dev/spar/api/apps"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/apiserver/table"
)

// A Deployment rendered as kubectl get deployments receives it. Columns with
// priority 1 are the ones kubectl shows only with -o wide.
func Example() {
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	replicas := int32(3)
	d := &apps.Deployment{
		ObjectMeta: meta.ObjectMeta{Name: "web", Namespace: "default", CreationTimestamp: meta.NewTime(now.Add(-26 * time.Hour))},
		Spec: apps.DeploymentSpec{
			Replicas: &replicas,
			Selector: &meta.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
		},
		Status: apps.DeploymentStatus{ReadyReplicas: 2, UpdatedReplicas: 3, AvailableReplicas: 2},
	}
	d.Spec.Template.Spec.Containers = []core.Container{{Name: "nginx", Image: "nginx:1.27"}}

	p := table.For(meta.GroupKind{Group: "apps", Kind: "Deployment"})
	t, err := table.Build(p, []meta.Object{d}, table.Options{Now: now})
	if err != nil {
		panic(err)
	}
	for i, c := range t.ColumnDefinitions {
		fmt.Printf("%-10s priority %d  %v\n", c.Name, c.Priority, t.Rows[0].Cells[i])
	}
	// Output:
	// Name       priority 0  web
	// Ready      priority 0  2/3
	// Up-to-date priority 0  3
	// Available  priority 0  2
	// Age        priority 0  26h
	// Containers priority 1  nginx
	// Images     priority 1  nginx:1.27
	// Selector   priority 1  app=web
}

// A custom resource's additionalPrinterColumns, evaluated on the object.
func ExampleForCRD() {
	p, err := table.ForCRD([]apiextensions.CustomResourceColumnDefinition{
		{Name: "Ready", Type: "string", JSONPath: `.status.conditions[?(@.type=="Ready")].status`},
		{Name: "Replicas", Type: "integer", JSONPath: ".spec.replicas"},
	})
	if err != nil {
		panic(err)
	}
	type widget struct {
		meta.TypeMeta   `json:",inline"`
		meta.ObjectMeta `json:"metadata"`
		Spec            struct {
			Replicas int `json:"replicas"`
		} `json:"spec"`
		Status struct {
			Conditions []meta.Condition `json:"conditions"`
		} `json:"status"`
	}
	w := &widget{ObjectMeta: meta.ObjectMeta{Name: "w1"}}
	w.Spec.Replicas = 2
	w.Status.Conditions = []meta.Condition{{Type: "Ready", Status: meta.ConditionTrue}}
	fmt.Println(p.Row(w, time.Now()))
	// Output: [w1 True 2]
}

// HumanDuration is the AGE format.
func ExampleHumanDuration() {
	for _, d := range []time.Duration{45 * time.Second, 182 * time.Second, 5*time.Hour + 30*time.Minute, 51 * time.Hour} {
		fmt.Println(table.HumanDuration(d))
	}
	// Output:
	// 45s
	// 3m2s
	// 5h30m
	// 2d3h
}
