package policy_test

import (
	"fmt"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/policy"
)

func Example() {
	j, _ := api.ToJSON([]byte(`
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  maxUnavailable: 25%
  selector: {matchLabels: {app: web}}
`))
	var pdb policy.PodDisruptionBudget
	if err := api.DecodeStrict(j, &pdb); err != nil {
		fmt.Println(err)
		return
	}
	allowed, _ := pdb.Spec.MaxUnavailable.ScaledValue(8, true)
	fmt.Println("pods that may be down out of 8:", allowed)
	// Output: pods that may be down out of 8: 2
}
