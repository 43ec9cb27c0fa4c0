package controller

import (
	"container/heap"
	"context"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// QueueOptions tune a Queue. The zero value is the defaults.
type QueueOptions struct {
	// BaseDelay and MaxDelay bound the per-item exponential backoff of
	// AddRateLimited: BaseDelay·2^failures, capped. Defaults 5ms and 1000s,
	// as Kubernetes' controllers.
	BaseDelay time.Duration
	MaxDelay  time.Duration
	// QPS and Burst are the overall token bucket that AddRateLimited also
	// respects (the larger of the two delays wins). Defaults 10 and 100, as
	// Kubernetes; a negative QPS disables the bucket.
	QPS   float64
	Burst int
}

func (o *QueueOptions) setDefaults() {
	if o.BaseDelay <= 0 {
		o.BaseDelay = 5 * time.Millisecond
	}
	if o.MaxDelay <= 0 {
		o.MaxDelay = 1000 * time.Second
	}
	if o.QPS == 0 {
		o.QPS = 10
	}
	if o.Burst <= 0 {
		o.Burst = 100
	}
}

// Queue is a rate-limited work queue of keys. A key is queued at most once
// however often it is added; a key added while it is being processed is
// processed again after Done, never concurrently. Items added with a delay
// wait in a timer heap until due.
type Queue[K comparable] struct {
	opts    QueueOptions
	limiter *rate.Limiter // nil when disabled

	mu   sync.Mutex
	cond *sync.Cond
	// queue holds keys ready to be processed, in order; every key in it is
	// in dirty.
	queue []K
	// dirty holds keys that need processing (queued, or to be re-queued
	// after Done).
	dirty map[K]struct{}
	// processing holds keys handed out by Get and not yet Done.
	processing map[K]struct{}
	// failures counts AddRateLimited calls per key since its last Forget.
	failures map[K]int
	// waiting holds keys added with a delay, earliest first.
	waiting  delayHeap[K]
	waitSet  map[K]time.Time // earliest due time per waiting key
	timer    *time.Timer
	shutdown bool

	// hooks for metrics; may be nil.
	onAdd   func()
	onRetry func()
}

// NewQueue returns an empty queue.
func NewQueue[K comparable](opts *QueueOptions) *Queue[K] {
	var o QueueOptions
	if opts != nil {
		o = *opts
	}
	o.setDefaults()
	q := &Queue[K]{
		opts:       o,
		dirty:      map[K]struct{}{},
		processing: map[K]struct{}{},
		failures:   map[K]int{},
		waitSet:    map[K]time.Time{},
	}
	if o.QPS > 0 {
		q.limiter = rate.NewLimiter(rate.Limit(o.QPS), o.Burst)
	}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// Add queues k for processing now.
func (q *Queue[K]) Add(k K) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.addLocked(k)
}

func (q *Queue[K]) addLocked(k K) {
	if q.shutdown {
		return
	}
	if q.onAdd != nil {
		q.onAdd()
	}
	if _, ok := q.dirty[k]; ok {
		return
	}
	q.dirty[k] = struct{}{}
	if _, ok := q.processing[k]; ok {
		return // re-queued by Done
	}
	q.queue = append(q.queue, k)
	q.cond.Signal()
}

// AddAfter queues k once d has passed (at once when d <= 0). Of several
// pending delays for one key the earliest wins.
func (q *Queue[K]) AddAfter(k K, d time.Duration) {
	if d <= 0 {
		q.Add(k)
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.shutdown {
		return
	}
	due := time.Now().Add(d)
	if cur, ok := q.waitSet[k]; ok && !due.Before(cur) {
		return
	}
	q.waitSet[k] = due
	heap.Push(&q.waiting, delayed[K]{k, due})
	q.armLocked()
}

// AddRateLimited queues k after its backoff: the per-item exponential
// delay or the overall bucket's, whichever is longer.
func (q *Queue[K]) AddRateLimited(k K) {
	q.mu.Lock()
	n := q.failures[k]
	q.failures[k] = n + 1
	if q.onRetry != nil {
		q.onRetry()
	}
	q.mu.Unlock()
	d := time.Duration(float64(q.opts.BaseDelay) * math.Pow(2, float64(n)))
	if d > q.opts.MaxDelay || d < 0 {
		d = q.opts.MaxDelay
	}
	if q.limiter != nil {
		if b := q.limiter.Reserve().Delay(); b > d {
			d = b
		}
	}
	q.AddAfter(k, d)
}

// Forget clears k's failure count (after a success, or when giving up).
func (q *Queue[K]) Forget(k K) {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.failures, k)
}

// NumRequeues returns how often k was added rate-limited since its last
// Forget.
func (q *Queue[K]) NumRequeues(k K) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.failures[k]
}

// Get blocks until a key is ready and hands it out; the caller must call
// Done with it. It returns ok=false once the queue is shut down and
// drained, or when ctx is done.
func (q *Queue[K]) Get(ctx context.Context) (k K, ok bool) {
	stop := context.AfterFunc(ctx, func() {
		q.mu.Lock()
		q.cond.Broadcast()
		q.mu.Unlock()
	})
	defer stop()
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.queue) == 0 && !q.shutdown && ctx.Err() == nil {
		q.cond.Wait()
	}
	if len(q.queue) == 0 {
		return k, false
	}
	k = q.queue[0]
	var zero K
	q.queue[0] = zero
	q.queue = q.queue[1:]
	q.processing[k] = struct{}{}
	delete(q.dirty, k)
	return k, true
}

// Done marks k processed; if it was added meanwhile it is queued again.
func (q *Queue[K]) Done(k K) {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.processing, k)
	if _, ok := q.dirty[k]; ok {
		q.queue = append(q.queue, k)
		q.cond.Signal()
	}
}

// Len returns the number of keys ready to be processed.
func (q *Queue[K]) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.queue)
}

// ShutDown stops the queue: adds are ignored, Get drains what is queued and
// then returns ok=false.
func (q *Queue[K]) ShutDown() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.shutdown = true
	if q.timer != nil {
		q.timer.Stop()
	}
	q.cond.Broadcast()
}

// armLocked sets the timer for the earliest waiting key.
func (q *Queue[K]) armLocked() {
	if len(q.waiting) == 0 {
		return
	}
	d := time.Until(q.waiting[0].due)
	if q.timer == nil {
		q.timer = time.AfterFunc(d, q.fire)
	} else {
		q.timer.Reset(d)
	}
}

// fire moves due keys into the queue.
func (q *Queue[K]) fire() {
	q.mu.Lock()
	defer q.mu.Unlock()
	now := time.Now()
	for len(q.waiting) > 0 && !q.waiting[0].due.After(now) {
		d := heap.Pop(&q.waiting).(delayed[K])
		if due, ok := q.waitSet[d.k]; ok && due.Equal(d.due) {
			delete(q.waitSet, d.k)
			q.addLocked(d.k)
		}
	}
	if !q.shutdown {
		q.armLocked()
	}
}

type delayed[K any] struct {
	k   K
	due time.Time
}

type delayHeap[K any] []delayed[K]

func (h delayHeap[K]) Len() int           { return len(h) }
func (h delayHeap[K]) Less(i, j int) bool { return h[i].due.Before(h[j].due) }
func (h delayHeap[K]) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *delayHeap[K]) Push(x any)        { *h = append(*h, x.(delayed[K])) }
func (h *delayHeap[K]) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
