package authorization_test

import (
	"fmt"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/authorization"
)

// What kubectl auth can-i create pods -n default sends, and the answer's
// status.
func Example() {
	var r authorization.SelfSubjectAccessReview
	body := `{"kind":"SelfSubjectAccessReview","apiVersion":"authorization.k8s.io/v1","spec":{"resourceAttributes":{"namespace":"default","verb":"create","resource":"pods"}}}`
	if err := api.DecodeStrict([]byte(body), &r); err != nil {
		panic(err)
	}
	fmt.Println(r.Spec.ResourceAttributes.Verb, r.Spec.ResourceAttributes.Resource, "in", r.Spec.ResourceAttributes.Namespace)
	fmt.Println(len(r.Validate()), "validation errors")
	r.Status = authorization.SubjectAccessReviewStatus{Allowed: true}
	b, _ := api.Encode(r.Status)
	fmt.Println(string(b))
	// Output:
	// create pods in default
	// 0 validation errors
	// {"allowed":true}
}
