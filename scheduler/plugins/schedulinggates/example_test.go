package schedulinggates_test

import (
	"context"
	"fmt"

	"github.com/spar-dev/spar/scheduler"
	pt "github.com/spar-dev/spar/scheduler/plugins/plugintest"
	"github.com/spar-dev/spar/scheduler/plugins/schedulinggates"
)

// A pod waits outside the active queue while it has scheduling gates.
func Example() {
	p, err := schedulinggates.New(nil, nil)
	if err != nil {
		panic(err)
	}
	pl := p.(scheduler.PreEnqueuePlugin)
	st := pl.PreEnqueue(context.Background(), pt.MakePod("job").SchedulingGates("example.com/quota").Obj())
	fmt.Println(st.Code(), st.Message())
	fmt.Println(pl.PreEnqueue(context.Background(), pt.MakePod("job").Obj()).IsSuccess())
	// Output:
	// UnschedulableAndUnresolvable waiting for scheduling gates: [example.com/quota]
	// true
}
