package autoscaling_test

import (
	"fmt"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/autoscaling"
)

// kubectl scale sends a merge patch of a Scale; a server applies it to the
// parent's spec.replicas.
func Example() {
	var s autoscaling.Scale
	if err := api.DecodeStrict([]byte(`{"spec":{"replicas":5}}`), &s); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Spec.Replicas)
	// Output: 5
}
