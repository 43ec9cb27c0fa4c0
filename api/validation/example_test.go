package validation_test

import (
	"fmt"

	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/validation"
)

func Example() {
	m := &meta.ObjectMeta{
		Name:      "Web_1",
		Namespace: "default",
		Labels:    map[string]string{"app": "web"},
	}
	errs := validation.ValidateObjectMeta(m, true, validation.NameIsDNSSubdomain, meta.NewPath("metadata"))
	for _, e := range errs {
		fmt.Println(e)
	}

	// The API server turns the errors into a 422 Invalid response.
	fmt.Println(meta.NewInvalid(meta.GroupKind{Kind: "ConfigMap"}, m.Name, errs).Message)
	// Output:
	// metadata.name: Invalid value: "Web_1": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')
	// ConfigMap "Web_1" is invalid: metadata.name: Invalid value: "Web_1": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')
}

func ExampleImmutableField() {
	old := &meta.LabelSelector{MatchLabels: map[string]string{"app": "web"}}
	changed := &meta.LabelSelector{MatchLabels: map[string]string{"app": "api"}}
	fmt.Println(validation.ImmutableField(changed, old, meta.NewPath("spec", "selector")))
	// Output:
	// spec.selector: Invalid value: {"matchLabels":{"app":"api"}}: field is immutable
}
