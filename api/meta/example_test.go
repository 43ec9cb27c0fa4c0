package meta_test

import (
	"encoding/json"
	"fmt"

	"github.com/spar-dev/spar/api/meta"
)

// A kind satisfies meta.Object by embedding TypeMeta and ObjectMeta.
type Widget struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
	Size            int `json:"size"`
}

func Example() {
	var obj meta.Object = &Widget{
		TypeMeta:   meta.TypeMeta{APIVersion: "example.com/v1", Kind: "Widget"},
		ObjectMeta: meta.ObjectMeta{Name: "w", Labels: map[string]string{"app": "demo"}},
		Size:       3,
	}
	// Generic code reads and writes metadata through the interface.
	obj.GetObjectMeta().ResourceVersion = "42"
	b, _ := json.Marshal(obj)
	fmt.Println(string(b))

	// Copies share nothing with the original.
	c := meta.DeepCopy(obj.(*Widget))
	c.Labels["app"] = "other"
	fmt.Println(obj.GetObjectMeta().Labels["app"])
	// Output:
	// {"kind":"Widget","apiVersion":"example.com/v1","metadata":{"name":"w","resourceVersion":"42","labels":{"app":"demo"}},"size":3}
	// demo
}

func ExampleNewInvalid() {
	err := meta.NewInvalid(meta.GroupKind{Group: "apps", Kind: "Deployment"}, "web", meta.FieldErrors{
		meta.Invalid(meta.NewPath("spec", "replicas"), -1, "must be greater than or equal to 0"),
	})
	fmt.Println(err.Code, err.Error())
	// Output: 422 Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0
}
