package queuesort_test

import (
	"fmt"
	"slices"
	"time"

	"github.com/spar-dev/spar/scheduler"
	pt "github.com/spar-dev/spar/scheduler/plugins/plugintest"
	"github.com/spar-dev/spar/scheduler/plugins/queuesort"
)

// Higher priority first; among equals, the pod waiting longest.
func Example() {
	p, err := queuesort.New(nil, nil)
	if err != nil {
		panic(err)
	}
	pl := p.(scheduler.QueueSortPlugin)
	now := time.Now()
	q := func(name string, priority int32, waiting time.Duration) *scheduler.QueuedPod {
		return &scheduler.QueuedPod{PodInfo: scheduler.NewPodInfo(pt.MakePod(name).Priority(priority).Obj()), Timestamp: now.Add(-waiting)}
	}
	queue := []*scheduler.QueuedPod{q("batch", 0, time.Minute), q("web", 1000, time.Second), q("job", 0, time.Hour)}
	slices.SortFunc(queue, func(a, b *scheduler.QueuedPod) int {
		if pl.Less(a, b) {
			return -1
		}
		if pl.Less(b, a) {
			return 1
		}
		return 0
	})
	for _, qp := range queue {
		fmt.Println(qp.Pod.Name)
	}
	// Output:
	// web
	// job
	// batch
}
