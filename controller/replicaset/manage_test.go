package replicaset

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
)

var now = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

type podOpt func(*core.Pod)

func node(n string) podOpt { return func(p *core.Pod) { p.Spec.NodeName = n } }
func phase(ph core.PodPhase) podOpt {
	return func(p *core.Pod) { p.Status.Phase = ph }
}
func readyFor(d time.Duration) podOpt {
	return func(p *core.Pod) {
		p.Status.Conditions = append(p.Status.Conditions, core.PodCondition{Type: core.PodReady, Status: core.ConditionTrue,
			LastTransitionTime: meta.NewTime(now.Add(-d))})
	}
}
func age(d time.Duration) podOpt {
	return func(p *core.Pod) { p.CreationTimestamp = meta.NewTime(now.Add(-d)) }
}
func restarts(n int32) podOpt {
	return func(p *core.Pod) {
		p.Status.ContainerStatuses = append(p.Status.ContainerStatuses, core.ContainerStatus{RestartCount: n})
	}
}
func sidecarRestarts(n int32) podOpt {
	return func(p *core.Pod) {
		always := core.ContainerRestartPolicyAlways
		p.Spec.InitContainers = append(p.Spec.InitContainers, core.Container{Name: "side", RestartPolicy: &always})
		p.Status.InitContainerStatuses = append(p.Status.InitContainerStatuses, core.ContainerStatus{Name: "side", RestartCount: n})
	}
}
func cost(v string) podOpt {
	return func(p *core.Pod) { p.Annotations = map[string]string{DeletionCostAnnotation: v} }
}

func pod(name string, opts ...podOpt) *core.Pod {
	p := &core.Pod{ObjectMeta: meta.ObjectMeta{Name: name, Namespace: "default", UID: meta.UID("uid-" + name),
		CreationTimestamp: meta.NewTime(now.Add(-time.Hour))}}
	p.Status.Phase = core.PodRunning
	p.Spec.NodeName = "n1"
	for _, o := range opts {
		o(p)
	}
	return p
}

// Each case: pods in any order, the one to delete first named first.
func TestDeletionOrder(t *testing.T) {
	tests := []struct {
		name    string
		first   *core.Pod
		second  *core.Pod
		related []*core.Pod
	}{
		{"unassigned before assigned", pod("a", node(""), readyFor(time.Hour)), pod("b", phase(core.PodPending)), nil},
		{"pending before unknown", pod("a", phase(core.PodPending)), pod("b", phase(core.PodUnknown)), nil},
		{"unknown before running", pod("a", phase(core.PodUnknown), readyFor(time.Hour)), pod("b"), nil},
		{"not ready before ready", pod("a", age(time.Minute)), pod("b", readyFor(time.Minute)), nil},
		{"lower deletion cost first", pod("a", readyFor(time.Minute), cost("-5")), pod("b", readyFor(time.Minute), cost("10")), nil},
		{"invalid cost counts as 0", pod("a", readyFor(time.Minute), cost("x")), pod("b", readyFor(time.Minute), cost("1")), nil},
		{"crowded node first", pod("a", node("n2"), readyFor(time.Hour)), pod("b", readyFor(time.Hour)),
			[]*core.Pod{pod("s1", node("n2")), pod("s2", node("n2")), pod("s3", node("n1"))}},
		{"ready for less time first", pod("a", readyFor(time.Second)), pod("b", readyFor(time.Hour)), nil},
		{"more restarts first", pod("a", restarts(3)), pod("b", restarts(1)), nil},
		{"sidecar restarts break ties", pod("a", restarts(1), sidecarRestarts(4)), pod("b", restarts(1), sidecarRestarts(0)), nil},
		{"newer before older", pod("a", age(time.Second)), pod("b", age(24*time.Hour)), nil},
		{"unknown creation time first", pod("a", func(p *core.Pod) { p.CreationTimestamp = meta.Time{} }), pod("b", age(time.Second)), nil},
		// Within one power of two of age the UID decides (pseudo-random).
		{"same age bucket by uid", pod("a", age(65*time.Minute)), pod("b", age(66*time.Minute)), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, in := range [][]*core.Pod{{tt.first, tt.second}, {tt.second, tt.first}} {
				got := podsToDelete(in, tt.related, 1, now)
				if got[0] != tt.first {
					t.Errorf("from [%s %s] deleted %s first, want %s", in[0].Name, in[1].Name, got[0].Name, tt.first.Name)
				}
			}
		})
	}
}

// podsToDelete leaves its input alone and returns every pod when all go.
func TestPodsToDelete(t *testing.T) {
	in := []*core.Pod{pod("r", readyFor(time.Hour)), pod("p", phase(core.PodPending)), pod("u", node(""))}
	orig := slices.Clone(in)
	got := podsToDelete(in, nil, 2, now)
	if got[0].Name != "u" || got[1].Name != "p" || len(got) != 2 {
		t.Errorf("deleted %s, %s; want u, p", got[0].Name, got[1].Name)
	}
	if !slices.Equal(in, orig) {
		t.Error("the input slice was reordered")
	}
	if all := podsToDelete(in, nil, 5, now); len(all) != 3 {
		t.Errorf("%d pods for n beyond the count, want all 3", len(all))
	}
}

func TestSlowStartBatch(t *testing.T) {
	// Let whole batches run at once (TestSlowStartInFlight checks the cap).
	defer func(old int) { maxInFlight = old }(maxInFlight)
	maxInFlight = 1000
	tests := []struct {
		name      string
		count     int
		failAt    int // -1: none
		wantSent  int
		wantSizes []int
	}{
		{"all succeed", 20, -1, 20, []int{1, 2, 4, 8, 5}},
		{"first fails", 20, 0, 1, []int{1}},
		{"fails in the third batch", 20, 5, 7, []int{1, 2, 4}},
		{"nothing", 0, -1, 0, nil},
		{"burst of 500", 500, -1, 500, []int{1, 2, 4, 8, 16, 32, 64, 128, 245}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Batch boundaries from wantSizes; every call waits until the
			// whole of its batch has started (so batches smaller than
			// wanted would stall) and checks that the batches before it
			// had finished (so larger ones would be caught).
			var starts []int
			for i, total := 0, 0; i < len(tt.wantSizes); i++ {
				starts = append(starts, total)
				total += tt.wantSizes[i]
			}
			batchOf := func(i int) int {
				k := 0
				for k+1 < len(starts) && i >= starts[k+1] {
					k++
				}
				return k
			}
			var mu sync.Mutex
			cond := sync.NewCond(&mu)
			started := map[int]int{}
			done := 0
			var calls []int
			var problems []string
			sent, err := slowStartBatch(tt.count, func(i int) error {
				mu.Lock()
				calls = append(calls, i)
				k := batchOf(i)
				if done < starts[k] {
					problems = append(problems, fmt.Sprintf("call %d started with %d calls done, before batch %d ended", i, done, k-1))
				}
				started[k]++
				cond.Broadcast()
				deadline := time.AfterFunc(5*time.Second, func() { mu.Lock(); cond.Broadcast(); mu.Unlock() })
				t0 := time.Now()
				for started[k] < tt.wantSizes[k] && time.Since(t0) < 5*time.Second {
					cond.Wait()
				}
				deadline.Stop()
				if started[k] < tt.wantSizes[k] {
					problems = append(problems, fmt.Sprintf("batch %d: only %d of %d calls ran at once", k, started[k], tt.wantSizes[k]))
				}
				done++
				mu.Unlock()
				if i == tt.failAt {
					return errors.New("boom")
				}
				return nil
			})
			for _, p := range problems {
				t.Error(p)
			}
			if sent != tt.wantSent || len(calls) != tt.wantSent {
				t.Errorf("sent %d with %d calls, want %d", sent, len(calls), tt.wantSent)
			}
			if (err != nil) != (tt.failAt >= 0) {
				t.Errorf("err = %v", err)
			}
			slices.Sort(calls)
			for i, c := range calls {
				if c != i {
					t.Fatalf("indexes called %v, want 0..%d once each", calls, tt.wantSent-1)
				}
			}
		})
	}
}

// A batch larger than maxInFlight runs at most maxInFlight calls at once.
func TestSlowStartInFlight(t *testing.T) {
	defer func(old int) { maxInFlight = old }(maxInFlight)
	maxInFlight = 3
	var mu sync.Mutex
	running, peak := 0, 0
	sent, err := slowStartBatch(40, func(int) error {
		mu.Lock()
		running++
		peak = max(peak, running)
		mu.Unlock()
		// Give the other calls of the batch a chance to start.
		runtime.Gosched()
		mu.Lock()
		running--
		mu.Unlock()
		return nil
	})
	if sent != 40 || err != nil {
		t.Errorf("sent %d, err %v; want 40, nil", sent, err)
	}
	if peak > 3 {
		t.Errorf("%d calls ran at once, want at most 3", peak)
	}
}
