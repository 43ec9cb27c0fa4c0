package garbagecollector

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/go-logr/logr"

	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
)

// Component is the event source of the collector's events.
const Component = "garbage-collector-controller"

// Options tune the garbage collector. The zero value is the defaults.
type Options struct {
	// Workers is the number of objects checked (and, separately, of
	// owners orphaned) at once. Default 20, as kube-controller-manager's
	// --concurrent-gc-syncs.
	Workers int
	// DiscoveryPeriod is how often the served resources are discovered
	// again, so that the kinds of new CRDs are watched and those of
	// deleted ones dropped. A reference to a kind discovery does not know
	// yet also triggers a rediscovery (at most once a second). Default
	// 30s, as Kubernetes.
	DiscoveryPeriod time.Duration
	// IgnoredResources are never watched: their objects neither own nor
	// are collected. Default (nil): core and events.k8s.io Events, as
	// Kubernetes; an empty, non-nil slice ignores nothing.
	IgnoredResources []meta.GroupResource
	// AbsentOwners is the number of owners confirmed missing that are
	// remembered, so the dependents of one deleted owner cost one lookup
	// of it. Default 500, as Kubernetes.
	AbsentOwners int
	// PageSize is the page size of the lists. Default 500.
	PageSize int64
	// SyncTimeout bounds the wait for the first lists before collecting
	// starts; foreground and orphan deletions still wait for all of them.
	// Default 30s.
	SyncTimeout time.Duration
}

func (o *Options) setDefaults() {
	if o.Workers <= 0 {
		o.Workers = 20
	}
	if o.DiscoveryPeriod <= 0 {
		o.DiscoveryPeriod = 30 * time.Second
	}
	if o.IgnoredResources == nil {
		o.IgnoredResources = []meta.GroupResource{{Group: "", Resource: "events"}, {Group: "events.k8s.io", Resource: "events"}}
	}
	if o.AbsentOwners <= 0 {
		o.AbsentOwners = 500
	}
	if o.PageSize <= 0 {
		o.PageSize = 500
	}
	if o.SyncTimeout <= 0 {
		o.SyncTimeout = 30 * time.Second
	}
}

// Add builds the garbage collector and adds it to m; it runs while m leads.
// opts may be nil.
func Add(m *controller.Manager, opts *Options) error {
	m.AddRunnable(newCollector(m.Client(), m.Recorder(Component), m.Logger().WithName("garbagecollector"), opts))
	return nil
}

// collector is the garbage collector: monitors feed the graph, the graph
// queues objects, workers check them against the API and act.
type collector struct {
	c    *client.Client
	rec  *controller.Recorder
	log  logr.Logger
	opts Options

	// The state of one Run.
	ran     bool
	g       *graph
	deleteQ *controller.Queue[objRef]
	orphanQ *controller.Queue[objRef]

	absent *lru // kept across runs: a missing UID stays missing

	mu       sync.Mutex
	mapper   *mapper
	monitors map[meta.GroupResource]*monitor
	nudge    chan struct{} // asks the discovery loop for a rediscovery
	// unresolved holds the keys that named a kind discovery did not know:
	// a rediscovery queues them again at once.
	unresolved map[queued]struct{}
}

type queued struct {
	q   *controller.Queue[objRef]
	key objRef
}

func newCollector(c *client.Client, rec *controller.Recorder, log logr.Logger, opts *Options) *collector {
	var o Options
	if opts != nil {
		o = *opts
	}
	o.setDefaults()
	gc := &collector{c: c, rec: rec, log: log, opts: o, absent: newLRU(o.AbsentOwners), nudge: make(chan struct{}, 1)}
	gc.reset()
	return gc
}

// reset gives the collector an empty graph and new queues: a Run starts
// from nothing (and shuts its queues down when it ends).
func (gc *collector) reset() {
	gc.deleteQ = controller.NewQueue[objRef](nil)
	gc.orphanQ = controller.NewQueue[objRef](nil)
	gc.g = newGraph(gc.deleteQ, gc.orphanQ)
	gc.mu.Lock()
	gc.monitors = map[meta.GroupResource]*monitor{}
	gc.unresolved = map[queued]struct{}{}
	gc.mu.Unlock()
}

// Run discovers the resources, watches them all, and once every watch
// has loaded its first list (or SyncTimeout has passed), collects garbage
// until ctx is done. A manager that leads again runs it again: it starts
// over from the lists. Runs must not overlap.
func (gc *collector) Run(ctx context.Context) error {
	if gc.ran {
		gc.reset()
	}
	gc.ran = true
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer gc.stopMonitors()

	delay := 100 * time.Millisecond
	for !gc.rediscover(ctx) {
		if !sleep(ctx, delay) {
			return nil
		}
		delay = min(2*delay, 10*time.Second)
	}

	var wg sync.WaitGroup
	defer func() {
		gc.deleteQ.ShutDown()
		gc.orphanQ.ShutDown()
		wg.Wait()
	}()
	// Workers wait for the first lists: earlier, they would mostly look
	// up owners the lists are about to show. The wait is bounded: a
	// resource that cannot be listed (forbidden, say) must not stop the
	// collection of the others, and decisions do not depend on the graph
	// being complete (those that would wait for it themselves).
	var poll <-chan time.Time
	pollTicker := time.NewTicker(10 * time.Millisecond)
	defer pollTicker.Stop()
	poll = pollTicker.C
	startBy := time.Now().Add(gc.opts.SyncTimeout)
	start := func() {
		for range gc.opts.Workers {
			wg.Go(func() { gc.work(ctx, gc.deleteQ, gc.attemptToDelete) })
			wg.Go(func() { gc.work(ctx, gc.orphanQ, gc.attemptToOrphan) })
		}
		pollTicker.Stop()
		poll = nil
	}

	t := time.NewTicker(gc.opts.DiscoveryPeriod)
	defer t.Stop()
	last := time.Now()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-poll:
			switch {
			case gc.synced():
				gc.log.V(1).Info("all resources listed; collecting garbage", "objects", gc.g.len())
				start()
			case time.Now().After(startBy):
				gc.log.Info("some resources are not listed yet; collecting garbage anyway", "resources", gc.unsynced())
				start()
			}
			continue
		case <-t.C:
		case <-gc.nudge:
			// At most one rediscovery a second (or per period, if
			// shorter) however many references name unknown kinds.
			if !sleep(ctx, min(time.Second, gc.opts.DiscoveryPeriod)-time.Since(last)) {
				return nil
			}
		}
		gc.rediscover(ctx)
		last = time.Now()
	}
}

func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// rediscover reads discovery and starts or stops monitors to match. A
// group whose discovery failed keeps its monitors. It reports whether
// discovery answered.
func (gc *collector) rediscover(ctx context.Context) bool {
	mp, err := discover(ctx, gc.c)
	if err != nil {
		if ctx.Err() == nil {
			gc.log.Error(err, "discovery failed")
		}
		return false
	}
	gc.mu.Lock()
	defer gc.mu.Unlock()
	mp.merge(gc.mapper)
	gc.mapper = mp
	for u := range gc.unresolved {
		u.q.Add(u.key)
	}
	clear(gc.unresolved)
	want := mp.monitorable(gc.opts.IgnoredResources)
	for gr, m := range gc.monitors {
		if r, ok := want[gr]; ok && r.GVR() == m.res.GVR() || mp.groupFailed(gr.Group) {
			continue
		}
		// Stopped and forgotten before a monitor of another version of
		// the resource adds the same objects back.
		m.cancel()
		m.forget()
		delete(gc.monitors, gr)
		gc.log.V(1).Info("stopped watching", "resource", m.res.GVR().String())
	}
	for gr, r := range want {
		if _, ok := gc.monitors[gr]; ok {
			continue
		}
		mctx, cancel := context.WithCancel(ctx)
		m := newMonitor(r, gc.c, gc.g, gc.log, gc.opts.PageSize)
		m.cancel = cancel
		gc.monitors[gr] = m
		go m.run(mctx)
		gc.log.V(1).Info("watching", "resource", r.GVR().String())
	}
	return true
}

// unsynced names the resources whose first list has not loaded.
func (gc *collector) unsynced() []string {
	gc.mu.Lock()
	defer gc.mu.Unlock()
	var out []string
	for _, m := range gc.monitors {
		if !m.synced.Load() {
			out = append(out, m.res.GVR().String())
		}
	}
	return out
}

// synced reports whether every monitor has loaded its first list.
func (gc *collector) synced() bool {
	gc.mu.Lock()
	defer gc.mu.Unlock()
	for _, m := range gc.monitors {
		if !m.synced.Load() {
			return false
		}
	}
	return true
}

func (gc *collector) stopMonitors() {
	gc.mu.Lock()
	ms := make([]*monitor, 0, len(gc.monitors))
	for _, m := range gc.monitors {
		m.cancel()
		ms = append(ms, m)
	}
	gc.mu.Unlock()
	for _, m := range ms {
		<-m.done
	}
}

// resolve maps a kind to its resource, asking for a rediscovery when the
// kind is unknown (a CRD created since the last one).
func (gc *collector) resolve(apiVersion, kind string) (*client.APIResource, error) {
	gc.mu.Lock()
	mp := gc.mapper
	gc.mu.Unlock()
	if mp != nil {
		if r, ok := mp.resolve(apiVersion, kind); ok {
			return r, nil
		}
	}
	select {
	case gc.nudge <- struct{}{}:
	default:
	}
	return nil, &unknownKindError{apiVersion: apiVersion, kind: kind}
}

type unknownKindError struct{ apiVersion, kind string }

func (e *unknownKindError) Error() string {
	return "no resource serves kind " + e.kind + " of " + e.apiVersion
}

// work runs fn on the keys of q until q shuts down: errors are retried
// with the queue's backoff, terminal ones only logged.
func (gc *collector) work(ctx context.Context, q *controller.Queue[objRef], fn func(context.Context, objRef) error) {
	for {
		key, ok := q.Get(ctx)
		if !ok {
			return
		}
		err := fn(ctx, key)
		switch {
		case ctx.Err() != nil:
		case err == nil:
			q.Forget(key)
		case controller.IsTerminal(err):
			q.Forget(key)
			gc.log.V(1).Info("not retrying", "object", key.String(), "err", err.Error())
		default:
			var uk *unknownKindError
			if errors.As(err, &uk) {
				gc.mu.Lock()
				gc.unresolved[queued{q, key}] = struct{}{}
				gc.mu.Unlock()
			} else if !errors.Is(err, errNotSynced) && !client.IsConflict(err) && !errors.Is(err, errStillVirtual) {
				gc.log.V(1).Info("retrying", "object", key.String(), "err", err.Error())
			}
			q.AddRateLimited(key)
		}
		q.Done(key)
	}
}

// lru remembers a bounded number of keys, forgetting the least recently
// used first.
type lru struct {
	mu    sync.Mutex
	max   int
	items map[absentKey]*lruEntry
	head  lruEntry // sentinel of a circular list, most recent first
}

type absentKey struct {
	group, kind, namespace, name string
	uid                          meta.UID
}

type lruEntry struct {
	key        absentKey
	prev, next *lruEntry
}

func newLRU(max int) *lru {
	l := &lru{max: max, items: map[absentKey]*lruEntry{}}
	l.head.prev, l.head.next = &l.head, &l.head
	return l
}

func (l *lru) unlinkEntry(e *lruEntry) { e.prev.next, e.next.prev = e.next, e.prev }

func (l *lru) front(e *lruEntry) {
	e.prev, e.next = &l.head, l.head.next
	l.head.next.prev = e
	l.head.next = e
}

func (l *lru) add(k absentKey) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e, ok := l.items[k]; ok {
		l.unlinkEntry(e)
		l.front(e)
		return
	}
	if len(l.items) >= l.max {
		last := l.head.prev
		l.unlinkEntry(last)
		delete(l.items, last.key)
	}
	e := &lruEntry{key: k}
	l.items[k] = e
	l.front(e)
}

func (l *lru) has(k absentKey) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.items[k]
	if ok {
		l.unlinkEntry(e)
		l.front(e)
	}
	return ok
}
