package scheduler

import (
	"container/heap"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
)

func queuedPod(name string, prio int32) *core.Pod {
	return &core.Pod{ObjectMeta: meta.ObjectMeta{Namespace: "default", Name: name, UID: meta.UID("uid-" + name), Generation: 1},
		Spec: core.PodSpec{Priority: &prio}}
}

// byPriority is PrioritySort's order: higher priority first, then older.
func byPriority(a, b *QueuedPod) bool {
	pa, pb := PodPriority(a.Pod), PodPriority(b.Pod)
	return pa > pb || pa == pb && a.Timestamp.Before(b.Timestamp)
}

// eventsByPlugin: "Fit" is helped by node additions and pod deletions,
// "Taints" by taint changes; other plugins by anything.
func eventsByPlugin(plugin string) []ClusterEvent {
	switch plugin {
	case "Fit":
		return []ClusterEvent{{EventNode, Add}, {EventPod, Delete}}
	case "Taints":
		return []ClusterEvent{{EventNode, UpdateNodeTaint}}
	}
	return []ClusterEvent{{EventWildcard, All}}
}

func newTestQueue() *Queue {
	return NewQueue(byPriority, eventsByPlugin, nil)
}

// pop pops a pod that must be ready.
func pop(t *testing.T, q *Queue) *QueuedPod {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	qp := q.Pop(ctx)
	if qp == nil {
		t.Fatal("no pod ready")
	}
	return qp
}

func wantLen(t *testing.T, q *Queue, active, backoff, unschedulable int) {
	t.Helper()
	a, b, u := q.Len()
	if a != active || b != backoff || u != unschedulable {
		t.Fatalf("queue lengths (active, backoff, unschedulable) = (%d, %d, %d), want (%d, %d, %d)", a, b, u, active, backoff, unschedulable)
	}
}

func TestQueueOrder(t *testing.T) {
	q := newTestQueue()
	t0 := time.Now()
	for i, p := range []*core.Pod{queuedPod("low", 1), queuedPod("high-old", 10), queuedPod("high-new", 10), queuedPod("mid", 5)} {
		q.Add(p)
		// Distinct ages: the order's tie-break.
		q.index[p.UID].Timestamp = t0.Add(time.Duration(i) * time.Second)
	}
	heap.Init(q.active)
	var got []string
	for range 4 {
		got = append(got, pop(t, q).Pod.Name)
	}
	if want := "[high-old high-new mid low]"; fmt.Sprint(got) != want {
		t.Errorf("popped %v, want %s", got, want)
	}
}

func TestQueueBackoff(t *testing.T) {
	q := newTestQueue()
	for _, tc := range []struct {
		attempts int
		want     time.Duration
	}{{1, time.Second}, {2, 2 * time.Second}, {3, 4 * time.Second}, {4, 8 * time.Second}, {5, 10 * time.Second}, {20, 10 * time.Second}} {
		if got := q.backoffFor(tc.attempts); got != tc.want {
			t.Errorf("backoff after %d attempts = %v, want %v", tc.attempts, got, tc.want)
		}
	}
}

// An unschedulable pod moves back only on an event a plugin that rejected
// it registered, then waits out its backoff.
func TestQueueEventsMoveUnschedulable(t *testing.T) {
	tests := []struct {
		name    string
		plugins []string
		event   ClusterEvent
		moves   bool
	}{
		{"registered event", []string{"Fit"}, ClusterEvent{EventNode, Add}, true},
		{"assigned pod matches a Pod registration", []string{"Fit"}, ClusterEvent{EventAssignedPod, Delete}, true},
		{"other action", []string{"Fit"}, ClusterEvent{EventNode, UpdateNodeLabel}, false},
		{"other resource", []string{"Taints"}, ClusterEvent{EventPersistentVolume, Add}, false},
		{"any of the plugins", []string{"Fit", "Taints"}, ClusterEvent{EventNode, UpdateNodeTaint}, true},
		{"plugin without registrations", []string{"Custom"}, ClusterEvent{EventStorageClass, Update}, true},
		{"no plugin known", nil, ClusterEvent{EventNode, Delete}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := newTestQueue()
			q.Add(queuedPod("p", 0))
			qp := pop(t, q)
			qp.UnschedulablePlugins = map[string]bool{}
			for _, p := range tc.plugins {
				qp.UnschedulablePlugins[p] = true
			}
			if tc.plugins == nil {
				qp.UnschedulablePlugins = nil
			}
			q.Requeue(qp, true)
			wantLen(t, q, 0, 0, 1)
			q.OnEvent(tc.event)
			if !tc.moves {
				wantLen(t, q, 0, 0, 1)
				return
			}
			// Moved, but its 1s backoff has not ended.
			wantLen(t, q, 0, 1, 0)
			q.flush(time.Now().Add(1100 * time.Millisecond))
			wantLen(t, q, 1, 0, 0)
		})
	}
}

// An event that happens while a pod is being scheduled sends it to
// backoff when the attempt fails, not to wait for another event.
func TestQueueEventDuringAttempt(t *testing.T) {
	q := newTestQueue()
	q.Add(queuedPod("p", 0))
	qp := pop(t, q)
	qp.UnschedulablePlugins = map[string]bool{"Fit": true}
	q.OnEvent(ClusterEvent{EventNode, UpdateNodeLabel})
	q.Requeue(qp, true)
	wantLen(t, q, 0, 1, 0)
}

// Errors back off; unschedulable pods that no event helps are retried
// after MaxUnschedulable.
func TestQueueFlush(t *testing.T) {
	q := newTestQueue()
	q.Add(queuedPod("err", 0))
	q.Add(queuedPod("stuck", 0))
	a, b := pop(t, q), pop(t, q)
	q.Requeue(a, false)
	b.UnschedulablePlugins = map[string]bool{"Taints": true}
	q.Requeue(b, true)
	wantLen(t, q, 0, 1, 1)
	now := time.Now()
	q.flush(now.Add(500 * time.Millisecond))
	wantLen(t, q, 0, 1, 1)
	q.flush(now.Add(1100 * time.Millisecond))
	wantLen(t, q, 1, 0, 1)
	q.flush(now.Add(5*time.Minute + time.Second))
	wantLen(t, q, 2, 0, 0)
}

// A pod PreEnqueue rejects waits, gated, through any event, until an
// update admits it.
func TestQueueGated(t *testing.T) {
	q := newTestQueue()
	q.admit = func(p *core.Pod) bool { return p.Labels["ready"] == "true" }
	p := queuedPod("p", 0)
	q.Add(p)
	wantLen(t, q, 0, 0, 1)
	q.OnEvent(ClusterEvent{EventNode, Add})
	q.flush(time.Now().Add(time.Hour))
	wantLen(t, q, 0, 0, 1)
	ready := *p
	ready.Labels = map[string]string{"ready": "true"}
	q.Update(&ready)
	wantLen(t, q, 1, 0, 0)
}

// A pod deleted during its attempt is not requeued when it fails; a
// deleted queued pod leaves the queue.
func TestQueueDelete(t *testing.T) {
	q := newTestQueue()
	q.Add(queuedPod("a", 0))
	q.Add(queuedPod("b", 0))
	qp := pop(t, q)
	q.Delete(qp.Pod.UID)
	q.Requeue(qp, false)
	wantLen(t, q, 1, 0, 0)
	q.Delete(meta.UID("uid-b"))
	wantLen(t, q, 0, 0, 0)
}

// An unschedulable pod whose spec or labels change is retried at once
// (after its backoff); a status-only update leaves it waiting.
func TestQueueUpdate(t *testing.T) {
	q := newTestQueue()
	p := queuedPod("p", 0)
	q.Add(p)
	qp := pop(t, q)
	qp.UnschedulablePlugins = map[string]bool{"Taints": true}
	q.Requeue(qp, true)
	status := *p
	status.Status.Message = "status only"
	q.Update(&status)
	wantLen(t, q, 0, 0, 1)
	spec := status
	spec.Generation = 2
	q.Update(&spec)
	wantLen(t, q, 0, 1, 0)
}
