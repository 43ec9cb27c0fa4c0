package scheduling_test

import (
	"fmt"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/scheduling"
)

func Example() {
	var pc scheduling.PriorityClass
	if err := api.DecodeStrict([]byte(`{"metadata":{"name":"high-priority"},"value":1000000}`), &pc); err != nil {
		fmt.Println(err)
		return
	}
	pc.Default()
	fmt.Println(pc.Name, pc.Value, *pc.PreemptionPolicy)
	// Output: high-priority 1000000 PreemptLowerPriority
}
