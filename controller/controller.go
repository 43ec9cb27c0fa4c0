package controller

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/go-logr/logr"

	"github.com/spar-dev/spar/api/labels"
	"github.com/spar-dev/spar/api/meta"
)

// Request names the object to reconcile.
type Request struct {
	Namespace string
	Name      string
}

func (r Request) String() string {
	if r.Namespace == "" {
		return r.Name
	}
	return r.Namespace + "/" + r.Name
}

// RequestFor returns the request for obj.
func RequestFor(obj meta.Object) Request {
	om := obj.GetObjectMeta()
	return Request{Namespace: om.Namespace, Name: om.Name}
}

// Result tells the controller what to do after a successful reconcile.
type Result struct {
	// RequeueAfter, when positive, reconciles the request again after this
	// long (e.g. to check a deadline).
	RequeueAfter time.Duration
}

// Reconciler converges one object towards its desired state. It is given a
// key, reads the current state itself (from informer caches), and must be
// correct when called any number of times, in any order, after any crash
// (DESIGN.md, principle 2). A returned error requeues the request with
// backoff, unless it is Terminal.
type Reconciler interface {
	Reconcile(ctx context.Context, req Request) (Result, error)
}

// ReconcilerFunc adapts a function to Reconciler.
type ReconcilerFunc func(ctx context.Context, req Request) (Result, error)

// Reconcile implements Reconciler.
func (f ReconcilerFunc) Reconcile(ctx context.Context, req Request) (Result, error) {
	return f(ctx, req)
}

// terminalError marks an error not worth retrying.
type terminalError struct{ err error }

func (e terminalError) Error() string { return "terminal error: " + e.err.Error() }
func (e terminalError) Unwrap() error { return e.err }

// Terminal wraps err so the controller logs it and does not retry the
// request (until an event enqueues it again).
func Terminal(err error) error {
	if err == nil {
		return nil
	}
	return terminalError{err}
}

// IsTerminal reports whether err was wrapped by Terminal.
func IsTerminal(err error) bool {
	var t terminalError
	return errors.As(err, &t)
}

// Options tune a Controller. The zero value is the defaults.
type Options struct {
	// Workers is the number of concurrent reconciles. Default 1.
	Workers int
	// Queue tunes the work queue's backoff. Default: QueueOptions defaults.
	Queue QueueOptions
	// Logger receives reconcile errors. Default: discard.
	Logger logr.Logger
}

// Controller runs a Reconciler on the requests its watches enqueue.
type Controller struct {
	name  string
	r     Reconciler
	opts  Options
	queue *Queue[Request]
	log   logr.Logger
	m     *controllerMetrics

	mu    sync.Mutex
	syncs []func() bool // informers to wait for before reconciling
}

// New returns a controller named name (used in logs and metrics).
func New(name string, r Reconciler, opts *Options) *Controller {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Workers <= 0 {
		o.Workers = 1
	}
	c := &Controller{name: name, r: r, opts: o, queue: NewQueue[Request](&o.Queue), log: o.Logger.WithValues("controller", name)}
	return c
}

// Name returns the controller's name.
func (c *Controller) Name() string { return c.name }

// Queue returns the controller's work queue, for sources other than
// informers (timers, external events).
func (c *Controller) Queue() *Queue[Request] { return c.queue }

// MapFunc maps an object to the requests it should trigger.
type MapFunc[T any] func(obj *T) []Request

// Watch enqueues the requests mapFn returns for every object inf adds,
// changes (old and new state) or deletes, and makes the controller wait for
// inf's first list before it reconciles.
func Watch[T any, PT Object[T]](c *Controller, inf *Informer[T, PT], mapFn MapFunc[T]) {
	c.mu.Lock()
	c.syncs = append(c.syncs, inf.HasSynced)
	c.mu.Unlock()
	enqueue := func(obj *T) {
		for _, r := range mapFn(obj) {
			c.queue.Add(r)
		}
	}
	inf.AddHandler(HandlerFuncs[T]{
		AddFunc: func(obj *T, _ bool) { enqueue(obj) },
		UpdateFunc: func(old, obj *T) {
			enqueue(old)
			enqueue(obj)
		},
		DeleteFunc: enqueue,
	})
}

// Self maps an object to its own request.
func Self[T any, PT Object[T]]() MapFunc[T] {
	return func(obj *T) []Request { return []Request{RequestFor(PT(obj))} }
}

// Owner maps an object to the request of its controlling owner of the
// given group and kind (e.g. a Pod to its ReplicaSet), as controllers that
// manage children watch them.
func Owner[T any, PT Object[T]](group, kind string) MapFunc[T] {
	return func(obj *T) []Request {
		om := PT(obj).GetObjectMeta()
		ref := meta.ControllerOf(om)
		if ref == nil || ref.Kind != kind {
			return nil
		}
		if g, _ := meta.SplitAPIVersion(ref.APIVersion); g != group {
			return nil
		}
		return []Request{{Namespace: om.Namespace, Name: ref.Name}}
	}
}

// OwnerOrAdopter maps an object to its controlling owner of the given group
// and kind, as Owner does; an object with no controller at all (an orphan)
// maps to every owner in its namespace whose selector matches its labels,
// since one of them may adopt it. owners must have the NamespaceIndex
// (IndexByNamespace); an empty or invalid selector matches nothing.
func OwnerOrAdopter[T any, PT Object[T], O any, PO Object[O]](group, kind string, owners *Informer[O, PO], selector func(*O) *meta.LabelSelector) MapFunc[T] {
	owner := Owner[T, PT](group, kind)
	return func(obj *T) []Request {
		om := PT(obj).GetObjectMeta()
		if meta.ControllerOf(om) != nil {
			return owner(obj)
		}
		var reqs []Request
		set := labels.Set(om.Labels)
		for _, o := range owners.ByIndex(NamespaceIndex, om.Namespace) {
			sel, err := labels.FromLabelSelector(selector(o))
			if err != nil || sel.Empty() || !sel.Matches(set) {
				continue
			}
			reqs = append(reqs, RequestFor(PO(o)))
		}
		return reqs
	}
}

// Run waits for the watched informers' first lists, then runs the workers
// until ctx is done. It returns nil then.
func (c *Controller) Run(ctx context.Context) error {
	c.mu.Lock()
	syncs := c.syncs
	c.mu.Unlock()
	for _, synced := range syncs {
		for !synced() {
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(10 * time.Millisecond):
			}
		}
	}
	var wg sync.WaitGroup
	for range c.opts.Workers {
		wg.Go(func() {
			for c.processNext(ctx) {
			}
		})
	}
	<-ctx.Done()
	c.queue.ShutDown()
	wg.Wait()
	return nil
}

func (c *Controller) processNext(ctx context.Context) bool {
	req, ok := c.queue.Get(ctx)
	if !ok {
		return false
	}
	defer c.queue.Done(req)
	start := time.Now()
	res, err := c.reconcile(ctx, req)
	c.m.observe(time.Since(start), err)
	switch {
	case ctx.Err() != nil:
		// Shutting down: the request is lost with the process, as a crash
		// would lose it; the next start reconciles everything.
	case err != nil && IsTerminal(err):
		c.queue.Forget(req)
		c.log.Error(err, "reconcile failed; not retrying", "request", req.String())
	case err != nil:
		c.log.V(1).Info("reconcile failed; retrying", "request", req.String(), "err", err.Error())
		c.queue.AddRateLimited(req)
	case res.RequeueAfter > 0:
		c.queue.Forget(req)
		c.queue.AddAfter(req, res.RequeueAfter)
	default:
		c.queue.Forget(req)
	}
	return true
}

// reconcile calls the reconciler, turning a panic into an error so one bad
// object does not take the process down.
func (c *Controller) reconcile(ctx context.Context, req Request) (res Result, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("reconcile panicked: %v", v)
		}
	}()
	return c.r.Reconcile(ctx, req)
}
