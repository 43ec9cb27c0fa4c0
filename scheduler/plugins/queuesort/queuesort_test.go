package queuesort_test

import (
	"slices"
	"testing"
	"time"

	"github.com/spar-dev/spar/scheduler"
	pt "github.com/spar-dev/spar/scheduler/plugins/plugintest"
	"github.com/spar-dev/spar/scheduler/plugins/queuesort"
)

var t0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func newPlugin(t *testing.T) scheduler.QueueSortPlugin {
	t.Helper()
	p, err := queuesort.New(nil, pt.NewHandle(nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	return p.(scheduler.QueueSortPlugin)
}

// queued returns a queued pod; a nil priority leaves spec.priority unset.
func queued(name string, priority *int32, at time.Duration) *scheduler.QueuedPod {
	w := pt.MakePod(name)
	if priority != nil {
		w.Priority(*priority)
	}
	return &scheduler.QueuedPod{PodInfo: scheduler.NewPodInfo(w.Obj()), Timestamp: t0.Add(at)}
}

func prio(v int32) *int32 { return &v }

func TestLess(t *testing.T) {
	tests := []struct {
		name string
		a, b *scheduler.QueuedPod
		want bool
	}{
		{"higher priority first", queued("a", prio(10), time.Second), queued("b", prio(5), 0), true},
		{"lower priority later", queued("a", prio(5), 0), queued("b", prio(10), time.Second), false},
		{"no priority is 0, above negative", queued("a", nil, time.Second), queued("b", prio(-1), 0), true},
		{"no priority is 0, below positive", queued("a", nil, 0), queued("b", prio(1), time.Second), false},
		{"no priority equals 0: the older first", queued("a", nil, 0), queued("b", prio(0), time.Second), true},
		{"equal priority: the older first", queued("a", prio(7), 0), queued("b", prio(7), time.Millisecond), true},
		{"equal priority: the newer later", queued("a", prio(7), time.Millisecond), queued("b", prio(7), 0), false},
		{"equal priority and time: neither first", queued("a", prio(7), 0), queued("b", prio(7), 0), false},
		{"system-critical priorities", queued("a", prio(2000001000), time.Hour), queued("b", prio(2000000000), 0), true},
	}
	pl := newPlugin(t)
	for _, tc := range tests {
		if got := pl.Less(tc.a, tc.b); got != tc.want {
			t.Errorf("%s: Less(a, b) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestOrder(t *testing.T) {
	pods := []*scheduler.QueuedPod{
		queued("low-old", prio(1), 0),
		queued("none-new", nil, 3*time.Second),
		queued("high-new", prio(100), 5*time.Second),
		queued("low-new", prio(1), 4*time.Second),
		queued("none-old", nil, time.Second),
		queued("high-old", prio(100), 2*time.Second),
		queued("negative", prio(-5), -time.Hour),
	}
	pl := newPlugin(t)
	slices.SortStableFunc(pods, func(a, b *scheduler.QueuedPod) int {
		switch {
		case pl.Less(a, b):
			return -1
		case pl.Less(b, a):
			return 1
		}
		return 0
	})
	var got []string
	for _, p := range pods {
		got = append(got, p.Pod.Name)
	}
	want := []string{"high-old", "high-new", "low-old", "low-new", "none-old", "none-new", "negative"}
	if !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
}
