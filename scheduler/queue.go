package scheduler

import (
	"container/heap"
	"context"
	"sync"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
)

// QueueOptions tune the scheduling queue. The zero value is the defaults.
type QueueOptions struct {
	// InitialBackoff and MaxBackoff bound the backoff after a failed
	// attempt: InitialBackoff·2^(attempts-1), capped. Defaults 1s and 10s,
	// as Kubernetes.
	InitialBackoff time.Duration
	MaxBackoff     time.Duration
	// MaxUnschedulable is how long a pod may wait for a helpful event
	// before it is retried anyway. Default 5m, as Kubernetes.
	MaxUnschedulable time.Duration
}

func (o *QueueOptions) setDefaults() {
	if o.InitialBackoff <= 0 {
		o.InitialBackoff = time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 10 * time.Second
	}
	if o.MaxUnschedulable <= 0 {
		o.MaxUnschedulable = 5 * time.Minute
	}
}

// Queue is the scheduling queue of Kubernetes' design: an active queue
// ordered by the QueueSort plugin, a backoff queue of pods that failed
// recently, and a set of unschedulable pods that move back only when a
// cluster event that can help them happens (as declared by the plugins that
// rejected them), or after MaxUnschedulable.
type Queue struct {
	opts QueueOptions
	less func(a, b *QueuedPod) bool
	// eventsOf returns the events that may help a pod rejected by plugin.
	eventsOf func(plugin string) []ClusterEvent

	mu   sync.Mutex
	cond *sync.Cond
	// active holds pods ready to schedule; backoff holds pods waiting for
	// their backoff to end; unschedulable pods wait for an event. A pod is
	// in at most one of them (or in flight). Invariant: index maps every
	// queued pod to its current *QueuedPod.
	active        *podHeap
	backoff       *podHeap
	unschedulable map[meta.UID]*QueuedPod
	index         map[meta.UID]*QueuedPod
	// inFlight holds pods popped and not yet Done, with the cycle at which
	// they were popped; events seen while a pod is in flight send it to
	// backoff instead of unschedulable when its attempt fails.
	inFlight   map[meta.UID]int64
	cycle      int64
	lastEvent  int64 // cycle of the last event that moved pods
	closed     bool
	backoffFor func(attempts int) time.Duration
	// admit runs the PreEnqueue plugins: a pod they reject waits, gated,
	// until an update lets it through. Nil admits everything.
	admit func(*core.Pod) bool
}

// NewQueue returns a queue ordered by less (the QueueSort plugin).
func NewQueue(less func(a, b *QueuedPod) bool, eventsOf func(plugin string) []ClusterEvent, opts *QueueOptions) *Queue {
	var o QueueOptions
	if opts != nil {
		o = *opts
	}
	o.setDefaults()
	q := &Queue{
		opts: o, less: less, eventsOf: eventsOf,
		unschedulable: map[meta.UID]*QueuedPod{},
		index:         map[meta.UID]*QueuedPod{},
		inFlight:      map[meta.UID]int64{},
	}
	q.active = &podHeap{less: less}
	q.backoff = &podHeap{less: func(a, b *QueuedPod) bool { return q.backoffEnd(a).Before(q.backoffEnd(b)) }}
	q.backoffFor = func(attempts int) time.Duration {
		d := o.InitialBackoff
		for i := 1; i < attempts && d < o.MaxBackoff; i++ {
			d *= 2
		}
		return min(d, o.MaxBackoff)
	}
	q.cond = sync.NewCond(&q.mu)
	return q
}

func (q *Queue) backoffEnd(p *QueuedPod) time.Time {
	return p.Timestamp.Add(q.backoffFor(p.Attempts))
}

// Add queues a new pending pod.
func (q *Queue) Add(pod *core.Pod) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if _, ok := q.index[pod.UID]; ok {
		q.updateLocked(pod)
		return
	}
	if _, ok := q.inFlight[pod.UID]; ok {
		return
	}
	qp := &QueuedPod{PodInfo: NewPodInfo(pod), Timestamp: time.Now(), heapIdx: -1}
	q.index[pod.UID] = qp
	if q.admit != nil && !q.admit(pod) {
		qp.Gated = true
		q.unschedulable[pod.UID] = qp
		return
	}
	heap.Push(q.active, qp)
	q.cond.Signal()
}

// Update replaces a queued pod's object. An unschedulable pod whose spec
// changed gets another chance at once.
func (q *Queue) Update(pod *core.Pod) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.updateLocked(pod)
}

func (q *Queue) updateLocked(pod *core.Pod) {
	qp, ok := q.index[pod.UID]
	if !ok {
		return
	}
	changed := !podSchedulingEqual(qp.Pod, pod)
	qp.PodInfo = NewPodInfo(pod)
	if qp.Gated {
		if q.admit != nil && !q.admit(pod) {
			return
		}
		qp.Gated = false
		delete(q.unschedulable, pod.UID)
		heap.Push(q.active, qp)
		q.cond.Signal()
		return
	}
	if _, un := q.unschedulable[pod.UID]; un && changed {
		delete(q.unschedulable, pod.UID)
		q.pushActiveOrBackoffLocked(qp, time.Now())
	} else if i := q.active.find(qp); i >= 0 {
		heap.Fix(q.active, i)
	}
}

// podSchedulingEqual reports whether an update leaves what scheduling
// looks at unchanged (status-only updates do not requeue).
func podSchedulingEqual(a, b *core.Pod) bool {
	return a.Generation == b.Generation && a.Generation != 0 && labelsEqual(a.Labels, b.Labels)
}

func labelsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// Delete removes a pod. A pod in flight is not requeued when its attempt
// fails.
func (q *Queue) Delete(uid meta.UID) {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.inFlight, uid)
	qp, ok := q.index[uid]
	if !ok {
		return
	}
	delete(q.index, uid)
	delete(q.unschedulable, uid)
	if i := q.active.find(qp); i >= 0 {
		heap.Remove(q.active, i)
	}
	if i := q.backoff.find(qp); i >= 0 {
		heap.Remove(q.backoff, i)
	}
}

// Pop blocks until a pod is ready, and hands it out (in flight until Done
// or Requeue). It returns nil when ctx is done or the queue closed.
func (q *Queue) Pop(ctx context.Context) *QueuedPod {
	stop := context.AfterFunc(ctx, func() {
		q.mu.Lock()
		q.cond.Broadcast()
		q.mu.Unlock()
	})
	defer stop()
	q.mu.Lock()
	defer q.mu.Unlock()
	for q.active.Len() == 0 && !q.closed && ctx.Err() == nil {
		q.cond.Wait()
	}
	if q.active.Len() == 0 {
		return nil
	}
	qp := heap.Pop(q.active).(*QueuedPod)
	delete(q.index, qp.Pod.UID)
	q.cycle++
	q.inFlight[qp.Pod.UID] = q.cycle
	qp.Attempts++
	if qp.InitialAttempt.IsZero() {
		qp.InitialAttempt = time.Now()
	}
	return qp
}

// Done ends a pod's attempt that succeeded (or whose pod is gone).
func (q *Queue) Done(uid meta.UID) {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.inFlight, uid)
}

// Requeue returns a pod whose attempt failed. Unschedulable pods wait for
// an event that can help them, unless such an event already happened
// while the attempt ran; errors back off.
func (q *Queue) Requeue(qp *QueuedPod, unschedulable bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	popped, ok := q.inFlight[qp.Pod.UID]
	delete(q.inFlight, qp.Pod.UID)
	if !ok || q.closed {
		return // deleted meanwhile
	}
	if _, dup := q.index[qp.Pod.UID]; dup {
		return
	}
	qp.Timestamp = time.Now()
	q.index[qp.Pod.UID] = qp
	if unschedulable && q.lastEvent < popped {
		q.unschedulable[qp.Pod.UID] = qp
		return
	}
	heap.Push(q.backoff, qp)
}

// pushActiveOrBackoffLocked moves a pod out of the unschedulable set: to
// backoff if its backoff has not ended at now.
func (q *Queue) pushActiveOrBackoffLocked(qp *QueuedPod, now time.Time) {
	if now.Before(q.backoffEnd(qp)) {
		heap.Push(q.backoff, qp)
		return
	}
	heap.Push(q.active, qp)
	q.cond.Signal()
}

// OnEvent moves the unschedulable pods that event may help (according to
// the plugins that rejected them) to the active or backoff queue.
func (q *Queue) OnEvent(event ClusterEvent) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.lastEvent = q.cycle
	now := time.Now()
	for uid, qp := range q.unschedulable {
		if !qp.Gated && q.helps(qp, event) {
			delete(q.unschedulable, uid)
			q.pushActiveOrBackoffLocked(qp, now)
		}
	}
}

func (q *Queue) helps(qp *QueuedPod, event ClusterEvent) bool {
	if len(qp.UnschedulablePlugins) == 0 {
		return true
	}
	for p := range qp.UnschedulablePlugins {
		for _, e := range q.eventsOf(p) {
			if e.Matches(event) {
				return true
			}
		}
	}
	return false
}

// flush moves pods whose backoff ended to the active queue, and pods that
// waited too long for an event back into scheduling.
func (q *Queue) flush(now time.Time) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for q.backoff.Len() > 0 && !now.Before(q.backoffEnd(q.backoff.items[0])) {
		qp := heap.Pop(q.backoff).(*QueuedPod)
		heap.Push(q.active, qp)
		q.cond.Signal()
	}
	for uid, qp := range q.unschedulable {
		if !qp.Gated && now.Sub(qp.Timestamp) > q.opts.MaxUnschedulable {
			delete(q.unschedulable, uid)
			q.pushActiveOrBackoffLocked(qp, now)
		}
	}
}

// Run flushes the backoff and unschedulable pods until ctx is done.
func (q *Queue) Run(ctx context.Context) {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			q.Close()
			return
		case now := <-t.C:
			q.flush(now)
		}
	}
}

// Close wakes Pop callers; the queue serves no more pods.
func (q *Queue) Close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
	q.cond.Broadcast()
}

// Len returns the numbers of active, backoff and unschedulable pods.
func (q *Queue) Len() (active, backoff, unschedulable int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.active.Len(), q.backoff.Len(), len(q.unschedulable)
}

// podHeap is a heap of queued pods.
type podHeap struct {
	items []*QueuedPod
	less  func(a, b *QueuedPod) bool
}

func (h *podHeap) Len() int           { return len(h.items) }
func (h *podHeap) Less(i, j int) bool { return h.less(h.items[i], h.items[j]) }
func (h *podHeap) Swap(i, j int) {
	h.items[i], h.items[j] = h.items[j], h.items[i]
	h.items[i].heapIdx, h.items[j].heapIdx = i, j
}
func (h *podHeap) Push(x any) {
	qp := x.(*QueuedPod)
	qp.heapIdx = len(h.items)
	h.items = append(h.items, qp)
}
func (h *podHeap) Pop() any {
	old := h.items
	x := old[len(old)-1]
	old[len(old)-1] = nil
	h.items = old[:len(old)-1]
	x.heapIdx = -1
	return x
}

// find returns qp's index in h, or -1: a pod is in at most one heap, and
// its heapIdx is its position there.
func (h *podHeap) find(qp *QueuedPod) int {
	if i := qp.heapIdx; i >= 0 && i < len(h.items) && h.items[i] == qp {
		return i
	}
	return -1
}
