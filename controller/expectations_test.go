package controller_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/spar-dev/spar/controller"
)

func TestExpectations(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	type step struct {
		do            func(e *controller.Expectations)
		satisfied     bool
		adds, deletes int
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"nothing expected", []step{
			{do: func(*controller.Expectations) {}, satisfied: true},
		}},
		{"creations counted down", []step{
			{do: func(e *controller.Expectations) { e.ExpectCreations("ns/rs", 2) }, adds: 2},
			{do: func(e *controller.Expectations) { e.CreationObserved("ns/rs") }, adds: 1},
			{do: func(e *controller.Expectations) { e.CreationObserved("ns/rs") }, satisfied: true},
			// Extra observations (pods created by an earlier, expired
			// round) do not go negative.
			{do: func(e *controller.Expectations) { e.CreationObserved("ns/rs") }, satisfied: true},
			{do: func(e *controller.Expectations) { e.ExpectCreations("ns/rs", 1) }, adds: 1},
		}},
		{"deletions tracked by key", []step{
			{do: func(e *controller.Expectations) { e.ExpectDeletions("ns/rs", []string{"ns/a", "ns/b"}) }, deletes: 2},
			{do: func(e *controller.Expectations) { e.DeletionObserved("ns/rs", "ns/a") }, deletes: 1},
			// The same pod seen again (deletionTimestamp, then gone).
			{do: func(e *controller.Expectations) { e.DeletionObserved("ns/rs", "ns/a") }, deletes: 1},
			// A pod that was not expected.
			{do: func(e *controller.Expectations) { e.DeletionObserved("ns/rs", "ns/c") }, deletes: 1},
			{do: func(e *controller.Expectations) { e.DeletionObserved("ns/rs", "ns/b") }, satisfied: true},
		}},
		{"other keys independent", []step{
			{do: func(e *controller.Expectations) { e.ExpectCreations("ns/a", 1) }, satisfied: true},
			{do: func(e *controller.Expectations) { e.CreationObserved("ns/b") }, satisfied: true},
		}},
		{"expire after the TTL", []step{
			{do: func(e *controller.Expectations) { e.ExpectCreations("ns/rs", 3) }, adds: 3},
			{do: func(*controller.Expectations) { now = now.Add(5 * time.Minute) }, adds: 3},
			{do: func(*controller.Expectations) { now = now.Add(time.Second) }, adds: 3, satisfied: true},
			// Setting expectations again restarts the clock.
			{do: func(e *controller.Expectations) { e.ExpectCreations("ns/rs", 1) }, adds: 1},
		}},
		{"delete forgets", []step{
			{do: func(e *controller.Expectations) { e.ExpectCreations("ns/rs", 3) }, adds: 3},
			{do: func(e *controller.Expectations) { e.Delete("ns/rs") }, satisfied: true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &controller.Expectations{Now: func() time.Time { return now }}
			for i, s := range tt.steps {
				s.do(e)
				if got := e.Satisfied("ns/rs"); got != s.satisfied {
					t.Errorf("step %d: Satisfied = %v, want %v", i, got, s.satisfied)
				}
				adds, dels := e.Pending("ns/rs")
				if adds != s.adds || dels != s.deletes {
					t.Errorf("step %d: Pending = (%d, %d), want (%d, %d)", i, adds, dels, s.adds, s.deletes)
				}
			}
		})
	}
}

// Informer handlers observe while workers set expectations.
func TestExpectationsConcurrent(t *testing.T) {
	var e controller.Expectations
	e.ExpectCreations("k", 1000)
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			for range 100 {
				e.CreationObserved("k")
				e.Satisfied("k")
			}
		})
	}
	wg.Wait()
	if !e.Satisfied("k") {
		adds, _ := e.Pending("k")
		t.Errorf("not satisfied after 1000 observations, %d pending", adds)
	}
}

func ExampleExpectations() {
	var exp controller.Expectations
	key := "default/web"

	// The controller is about to create 2 pods: until its informer shows
	// them, it must not count pods again.
	exp.ExpectCreations(key, 2)
	fmt.Println(exp.Satisfied(key))

	// The informer's handler sees the pods arrive.
	exp.CreationObserved(key)
	exp.CreationObserved(key)
	fmt.Println(exp.Satisfied(key))
	// Output:
	// false
	// true
}
