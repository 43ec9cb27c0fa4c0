package controller

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func get[K comparable](t *testing.T, q *Queue[K]) K {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	k, ok := q.Get(ctx)
	if !ok {
		t.Fatal("Get returned nothing")
	}
	return k
}

func TestQueueDeduplicates(t *testing.T) {
	q := NewQueue[string](nil)
	q.Add("a")
	q.Add("b")
	q.Add("a")
	if q.Len() != 2 {
		t.Fatalf("Len = %d, want 2", q.Len())
	}
	if k := get(t, q); k != "a" {
		t.Errorf("first = %q", k)
	}
	// Added while processing: not handed out again until Done.
	q.Add("a")
	if k := get(t, q); k != "b" {
		t.Errorf("second = %q, want b (a is being processed)", k)
	}
	if q.Len() != 0 {
		t.Errorf("Len = %d while a is processing", q.Len())
	}
	q.Done("a")
	if k := get(t, q); k != "a" {
		t.Errorf("after Done: %q, want a again", k)
	}
}

func TestQueueNeverProcessesAKeyConcurrently(t *testing.T) {
	q := NewQueue[int](nil)
	var active [10]atomic.Int32
	var processed atomic.Int64
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(context.Background())
	for range 4 {
		wg.Go(func() {
			for {
				k, ok := q.Get(ctx)
				if !ok {
					return
				}
				if active[k].Add(1) != 1 {
					t.Errorf("key %d processed concurrently", k)
				}
				time.Sleep(50 * time.Microsecond) // a little work, so adds land mid-processing
				active[k].Add(-1)
				processed.Add(1)
				q.Done(k)
			}
		})
	}
	for i := 0; i < 2000; i++ {
		q.Add(i % 10)
		if i%10 == 9 {
			time.Sleep(20 * time.Microsecond)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for q.Len() > 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	cancel()
	wg.Wait()
	if processed.Load() < 10 {
		t.Errorf("only %d items processed", processed.Load())
	}
}

func TestQueueAddAfter(t *testing.T) {
	q := NewQueue[string](nil)
	start := time.Now()
	q.AddAfter("late", 80*time.Millisecond)
	q.AddAfter("early", 20*time.Millisecond)
	q.AddAfter("late", time.Hour) // a later delay does not postpone
	if k := get(t, q); k != "early" {
		t.Errorf("first due = %q", k)
	}
	if k := get(t, q); k != "late" {
		t.Errorf("second due = %q", k)
	}
	if d := time.Since(start); d < 80*time.Millisecond {
		t.Errorf("late came after %v, before its 80ms delay", d)
	}
}

func TestQueueBackoffGrows(t *testing.T) {
	q := NewQueue[string](&QueueOptions{BaseDelay: 10 * time.Millisecond, MaxDelay: 40 * time.Millisecond, QPS: -1})
	for i, want := range []time.Duration{10, 20, 40, 40} {
		start := time.Now()
		q.AddRateLimited("k")
		get(t, q)
		q.Done("k")
		if d := time.Since(start); d < want*time.Millisecond {
			t.Errorf("retry %d came after %v, want at least %v", i, d, want*time.Millisecond)
		}
	}
	if n := q.NumRequeues("k"); n != 4 {
		t.Errorf("NumRequeues = %d", n)
	}
	q.Forget("k")
	if n := q.NumRequeues("k"); n != 0 {
		t.Errorf("after Forget: %d", n)
	}
}

func TestQueueShutDown(t *testing.T) {
	q := NewQueue[string](nil)
	q.Add("a")
	q.ShutDown()
	q.Add("b") // ignored
	if k := get(t, q); k != "a" {
		t.Errorf("drained %q", k)
	}
	if _, ok := q.Get(context.Background()); ok {
		t.Error("Get after drain succeeded")
	}
}

func BenchmarkQueue(b *testing.B) {
	q := NewQueue[int](nil)
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		q.Add(i)
		k, _ := q.Get(ctx)
		q.Done(k)
	}
}
