package endpointslice

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/go-logr/logr"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/discovery"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/controller/endpoints"
)

// ControllerName is the controller's name in events, logs and metrics, as
// Kubernetes names it.
const ControllerName = "endpointslice-controller"

// ManagedBy is the value of the endpointslice.kubernetes.io/managed-by
// label on the slices this controller manages; it leaves others alone.
const ManagedBy = "endpointslice-controller.k8s.io"

// DefaultMaxEndpointsPerSlice is the default of Options.MaxEndpointsPerSlice,
// as kube-controller-manager's --max-endpoints-per-slice.
const DefaultMaxEndpointsPerSlice = 100

// maxEndpointsPerSlice is the API's limit.
const maxEndpointsPerSlice = 1000

// Options tune the controller. The zero value is the defaults.
type Options struct {
	// Workers is the number of services reconciled at once. Default 5, as
	// kube-controller-manager's --concurrent-service-endpoint-syncs.
	Workers int
	// MaxEndpointsPerSlice is the most endpoints a slice holds, at most
	// 1000. Default DefaultMaxEndpointsPerSlice (100).
	MaxEndpointsPerSlice int
	// BatchPeriod delays the reconcile that a pod change triggers, so that
	// the changes of many pods of one service are written together.
	// Default 0: at once, as --endpointslice-updates-batch-period.
	BatchPeriod time.Duration
}

// Add adds the EndpointSlice controller to m. It uses m's shared Service,
// Pod, Node and EndpointSlice informers, adding package endpoints' indexes
// to the first two and an index of slices by service to the last.
func Add(m *controller.Manager, opts *Options) error {
	_, c, err := newController(m, opts)
	if err != nil {
		return err
	}
	m.Add(c)
	return nil
}

// serviceIndex indexes the slices this controller manages by
// "namespace/service".
const serviceIndex = "endpointslice.spar.dev/service"

// staleRecheck is how long a sync that found the cache stale waits at most
// for the event that ends it (a safety net: the event wakes it first).
const staleRecheck = time.Second

type (
	sliceInformer = controller.Informer[discovery.EndpointSlice, *discovery.EndpointSlice]
	sliceClient   = client.ResourceClient[discovery.EndpointSlice, *discovery.EndpointSlice]
)

// reconciler keeps the EndpointSlices of one service in line with its pods.
type reconciler struct {
	client   *sliceClient
	services *controller.Informer[core.Service, *core.Service]
	pods     *controller.Informer[core.Pod, *core.Pod]
	nodes    *controller.Informer[core.Node, *core.Node]
	slices   *sliceInformer
	recorder *controller.Recorder
	log      logr.Logger
	triggers *endpoints.TriggerTimeTracker
	tracker  *tracker
	queue    *controller.Queue[controller.Request]
	awaited  nodeWaiters
	max      int
}

// nodeWaiters are the services whose pods were skipped because their node
// did not exist, by node name.
type nodeWaiters struct {
	mu sync.Mutex
	m  map[string]map[controller.Request]bool
}

func (w *nodeWaiters) add(node string, svc controller.Request) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.m == nil {
		w.m = map[string]map[controller.Request]bool{}
	}
	if w.m[node] == nil {
		w.m[node] = map[controller.Request]bool{}
	}
	w.m[node][svc] = true
}

// take returns and forgets the services waiting for node.
func (w *nodeWaiters) take(node string) []controller.Request {
	w.mu.Lock()
	defer w.mu.Unlock()
	svcs := w.m[node]
	if len(svcs) == 0 {
		return nil
	}
	delete(w.m, node)
	out := make([]controller.Request, 0, len(svcs))
	for svc := range svcs {
		out = append(out, svc)
	}
	return out
}

func newController(m *controller.Manager, opts *Options) (*reconciler, *controller.Controller, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Workers < 0 || o.BatchPeriod < 0 || o.MaxEndpointsPerSlice < 0 || o.MaxEndpointsPerSlice > maxEndpointsPerSlice {
		return nil, nil, fmt.Errorf("endpointslice: invalid options: Workers %d, MaxEndpointsPerSlice %d (at most %d), BatchPeriod %v",
			o.Workers, o.MaxEndpointsPerSlice, maxEndpointsPerSlice, o.BatchPeriod)
	}
	if o.Workers == 0 {
		o.Workers = 5
	}
	if o.MaxEndpointsPerSlice == 0 {
		o.MaxEndpointsPerSlice = DefaultMaxEndpointsPerSlice
	}
	r := &reconciler{
		client:   client.Resource[discovery.EndpointSlice](m.Client()),
		services: controller.GetInformer[core.Service](m, nil),
		pods:     controller.GetInformer[core.Pod](m, nil),
		nodes:    controller.GetInformer[core.Node](m, nil),
		slices:   controller.GetInformer[discovery.EndpointSlice](m, nil),
		recorder: m.Recorder(ControllerName),
		log:      m.Logger().WithName(ControllerName),
		triggers: endpoints.NewTriggerTimeTracker(),
		tracker:  newTracker(),
		max:      o.MaxEndpointsPerSlice,
	}
	endpoints.IndexServices(r.services)
	endpoints.IndexPods(r.pods)
	r.slices.AddIndex(serviceIndex, func(s *discovery.EndpointSlice) []string {
		if svc, ok := ours(s); ok {
			return []string{svc.String()}
		}
		return nil
	})

	c := controller.New(ControllerName, r, &controller.Options{Workers: o.Workers})
	q := c.Queue()
	controller.Watch(c, r.services, controller.Self[core.Service]())
	// A node's arrival puts back the services whose pods on it were
	// skipped.
	controller.Watch(c, r.nodes, func(n *core.Node) []controller.Request { return r.awaited.take(n.Name) })
	// These are watched only so that the controller waits for their first
	// lists; their events go through handlers that filter them.
	controller.Watch(c, r.pods, func(*core.Pod) []controller.Request { return nil })
	controller.Watch(c, r.slices, func(*discovery.EndpointSlice) []controller.Request { return nil })
	r.pods.AddHandler(endpoints.PodHandler(r.services, func(req controller.Request) {
		if o.BatchPeriod > 0 {
			q.AddAfter(req, o.BatchPeriod)
		} else {
			q.Add(req)
		}
	}))
	// Slices changed or deleted by anyone but this controller are put
	// back; its own writes are recognised and ignored, but wake a sync
	// that waits for them.
	r.slices.AddHandler(controller.HandlerFuncs[discovery.EndpointSlice]{
		AddFunc: func(s *discovery.EndpointSlice, _ bool) {
			if svc, ok := ours(s); ok && (r.tracker.observe(svc) || r.tracker.changedByOthers(s)) {
				q.Add(svc)
			}
		},
		UpdateFunc: func(old, cur *discovery.EndpointSlice) {
			oldSvc, wasOurs := ours(old)
			svc, isOurs := ours(cur)
			if wasOurs && (!isOurs || oldSvc != svc) {
				// Taken over or moved: no longer this service's.
				r.tracker.forget(oldSvc, old.UID)
				r.tracker.observe(oldSvc)
				q.Add(oldSvc)
			}
			if isOurs && (r.tracker.observe(svc) || !wasOurs || oldSvc != svc || r.tracker.changedByOthers(cur)) {
				q.Add(svc)
			}
		},
		DeleteFunc: func(s *discovery.EndpointSlice) {
			if svc, ok := ours(s); ok {
				byOthers := r.tracker.deleted(s)
				if r.tracker.observe(svc) || byOthers {
					q.Add(svc)
				}
			}
		},
	})
	r.queue = q
	return r, c, nil
}

// ours returns the service of a slice this controller manages.
func ours(s *discovery.EndpointSlice) (controller.Request, bool) {
	if s.Labels[discovery.LabelManagedBy] != ManagedBy {
		return controller.Request{}, false
	}
	return serviceOf(s)
}

// Reconcile implements controller.Reconciler for the service req names.
func (r *reconciler) Reconcile(ctx context.Context, req controller.Request) (controller.Result, error) {
	// In this order: an event after epoch wakes a waiting sync, and the
	// slices read are at least as new as cacheRV.
	epoch := r.tracker.epoch(req)
	cacheRV := parseRV(r.slices.ResourceVersion())
	existing := r.slices.ByIndex(serviceIndex, req.String())
	svc, ok := r.services.Get(req.Namespace, req.Name)
	if !ok {
		// The garbage collector deletes the slices of a deleted service
		// (they are owned by it); deleting them here is cheap, and does
		// not wait for it.
		r.triggers.Forget(req.Namespace, req.Name)
		if r.tracker.stale(req, cacheRV, existing) {
			return r.waitForCache(req, epoch) // for a slice just created
		}
		var errs []error
		for _, s := range existing {
			errs = append(errs, r.delete(ctx, req, s))
		}
		if len(existing) == 0 {
			r.tracker.forgetService(req)
		}
		return controller.Result{}, errors.Join(errs...)
	}
	if svc.Spec.Type == core.ServiceTypeExternalName || len(svc.Spec.Selector) == 0 {
		// Services without selectors get their slices from their users
		// (or from Endpoints, through a mirroring controller).
		return controller.Result{}, nil
	}
	if r.tracker.stale(req, cacheRV, existing) {
		return r.waitForCache(req, epoch)
	}
	pods := endpoints.PodsForService(r.pods, svc)
	trigger := r.triggers.Compute(svc, pods)
	if err := r.sync(ctx, svc, pods, existing, trigger); err != nil {
		r.recorder.Eventf(svc, controller.EventWarning, "FailedToUpdateEndpointSlices",
			"Error updating Endpoint Slices for Service %s: %v", req, err)
		return controller.Result{}, err
	}
	r.triggers.Published(req.Namespace, req.Name)
	return controller.Result{}, nil
}

// waitForCache ends a sync that found the cache missing this controller's
// last writes: syncing now would redo them (duplicate slices, conflicts).
// Their events wake the service (or, failing that, a recheck).
func (r *reconciler) waitForCache(req controller.Request, epoch uint64) (controller.Result, error) {
	r.log.V(5).Info("EndpointSlice cache is out of date; waiting", "service", req.String())
	if !r.tracker.wait(req, epoch) {
		r.queue.Add(req)
	}
	return controller.Result{RequeueAfter: staleRecheck}, nil
}

// delete deletes a slice, tolerating one already gone.
func (r *reconciler) delete(ctx context.Context, svc controller.Request, s *discovery.EndpointSlice) error {
	err := r.client.Namespace(s.Namespace).Delete(ctx, s.Name, nil)
	if client.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("deleting EndpointSlice %s/%s: %w", s.Namespace, s.Name, err)
	}
	r.tracker.deleting(svc, s)
	return nil
}

// isNamespaceTerminating reports whether err is the API server's refusal to
// create an object in a namespace being deleted.
func isNamespaceTerminating(err error) bool {
	var st *meta.Status
	if !client.IsForbidden(err) || !errors.As(err, &st) || st.Details == nil {
		return false
	}
	for _, c := range st.Details.Causes {
		if c.Type == "NamespaceTerminating" {
			return true
		}
	}
	return false
}
