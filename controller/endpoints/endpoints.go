package endpoints

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"sync"
	"time"

	"github.com/go-logr/logr"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
)

// ControllerName is the controller's name in events, logs and metrics, as
// Kubernetes names it.
const ControllerName = "endpoint-controller"

// Labels and annotations of the objects endpoint controllers write.
const (
	// LabelManagedBy names the controller that wrote an Endpoints object
	// (value ControllerName).
	LabelManagedBy = "endpoints.kubernetes.io/managed-by"
	// LabelHeadless is set, empty, on the Endpoints and EndpointSlices of
	// services without a cluster IP.
	LabelHeadless = "service.kubernetes.io/headless"
	// AnnotationLastChangeTriggerTime is the RFC 3339 time of the earliest
	// pod or service change a write published (see TriggerTimeTracker).
	AnnotationLastChangeTriggerTime = "endpoints.kubernetes.io/last-change-trigger-time"
	// AnnotationOverCapacity is "truncated" on Endpoints that list only
	// MaxAddresses of their addresses.
	AnnotationOverCapacity = "endpoints.kubernetes.io/over-capacity"
)

// MaxAddresses is the most addresses one Endpoints object lists, as in
// Kubernetes; EndpointSlices have no such limit.
const MaxAddresses = 1000

// Options tune the controller. The zero value is the defaults.
type Options struct {
	// Workers is the number of services reconciled at once. Default 5, as
	// kube-controller-manager's --concurrent-endpoint-syncs.
	Workers int
	// BatchPeriod delays the reconcile that a pod change triggers, so that
	// the changes of many pods of one service are written together.
	// Default 0: at once, as --endpoint-updates-batch-period.
	BatchPeriod time.Duration
}

// Add adds the endpoints controller to m. It uses m's shared Service, Pod
// and Endpoints informers, adding the indexes IndexServices and IndexPods.
func Add(m *controller.Manager, opts *Options) error {
	_, c, err := newController(m, opts)
	if err != nil {
		return err
	}
	m.Add(c)
	return nil
}

// reconciler keeps one service's Endpoints object in line with its pods.
type reconciler struct {
	client    *client.ResourceClient[core.Endpoints, *core.Endpoints]
	services  *serviceInformer
	pods      *podInformer
	endpoints *controller.Informer[core.Endpoints, *core.Endpoints]
	recorder  *controller.Recorder
	log       logr.Logger
	triggers  *TriggerTimeTracker
	stale     staleTracker
	queue     *controller.Queue[controller.Request]
}

func newController(m *controller.Manager, opts *Options) (*reconciler, *controller.Controller, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Workers < 0 || o.BatchPeriod < 0 {
		return nil, nil, fmt.Errorf("endpoints: invalid options: Workers %d, BatchPeriod %v", o.Workers, o.BatchPeriod)
	}
	if o.Workers == 0 {
		o.Workers = 5
	}
	r := &reconciler{
		client:    client.Resource[core.Endpoints](m.Client()),
		services:  controller.GetInformer[core.Service](m, nil),
		pods:      controller.GetInformer[core.Pod](m, nil),
		endpoints: controller.GetInformer[core.Endpoints](m, nil),
		recorder:  m.Recorder(ControllerName),
		log:       m.Logger().WithName(ControllerName),
		triggers:  NewTriggerTimeTracker(),
		stale: staleTracker{written: map[controller.Request]uint64{},
			events: map[controller.Request]uint64{}, waiting: map[controller.Request]bool{}},
	}
	IndexServices(r.services)
	IndexPods(r.pods)
	c := controller.New(ControllerName, r, &controller.Options{Workers: o.Workers})
	q := c.Queue()

	controller.Watch(c, r.services, controller.Self[core.Service]())
	// The pod and Endpoints informers are watched only so that the
	// controller waits for their first lists; their events go through
	// handlers that filter them.
	controller.Watch(c, r.pods, func(*core.Pod) []controller.Request { return nil })
	controller.Watch(c, r.endpoints, func(*core.Endpoints) []controller.Request { return nil })
	r.pods.AddHandler(PodHandler(r.services, func(req controller.Request) {
		if o.BatchPeriod > 0 {
			q.AddAfter(req, o.BatchPeriod)
		} else {
			q.Add(req)
		}
	}))
	// An Endpoints object deleted behind the controller's back is
	// recreated; other writes (its own or a user's) only wake a reconcile
	// waiting for the cache to show its last write. As in Kubernetes, a
	// user's edit is repaired at the next change of the service or its
	// pods. The first list's objects that this controller wrote are
	// checked once, so that those of services deleted while it was not
	// running go.
	r.endpoints.AddHandler(controller.HandlerFuncs[core.Endpoints]{
		AddFunc: func(ep *core.Endpoints, initial bool) {
			req := controller.RequestFor(ep)
			if r.stale.observe(req) || (initial && ep.Labels[LabelManagedBy] == ControllerName) {
				q.Add(req)
			}
		},
		UpdateFunc: func(_, ep *core.Endpoints) {
			if req := controller.RequestFor(ep); r.stale.observe(req) {
				q.Add(req)
			}
		},
		DeleteFunc: func(ep *core.Endpoints) {
			req := controller.RequestFor(ep)
			r.stale.observe(req)
			q.Add(req)
		},
	})
	r.queue = q
	return r, c, nil
}

// Reconcile implements controller.Reconciler for the service req names.
func (r *reconciler) Reconcile(ctx context.Context, req controller.Request) (controller.Result, error) {
	// In this order: an event after epoch wakes a waiting reconcile, and
	// the Endpoints read are at least as new as cacheRV.
	epoch := r.stale.epoch(req)
	cacheRV := parseRV(r.endpoints.ResourceVersion())
	svc, ok := r.services.Get(req.Namespace, req.Name)
	if !ok {
		// The service is gone: so are its endpoints. Endpoints carry no
		// owner reference (as in Kubernetes), so the garbage collector
		// cannot do this.
		r.triggers.Forget(req.Namespace, req.Name)
		r.stale.forgetService(req)
		err := r.client.Namespace(req.Namespace).Delete(ctx, req.Name, nil)
		if err != nil && !client.IsNotFound(err) {
			return controller.Result{}, fmt.Errorf("deleting the endpoints of deleted service %s: %w", req, err)
		}
		return controller.Result{}, nil
	}
	if svc.Spec.Type == core.ServiceTypeExternalName || len(svc.Spec.Selector) == 0 {
		// Services without selectors get their endpoints from their users.
		return controller.Result{}, nil
	}

	cur, exists := r.endpoints.Get(req.Namespace, req.Name)
	if r.stale.isStale(req, cacheRV, cur) {
		// Writing now would conflict, or redo the last write. Its event
		// wakes the service.
		r.log.V(5).Info("Endpoints cache is out of date; waiting", "service", req.String())
		if !r.stale.wait(req, epoch) {
			r.queue.Add(req)
		}
		return controller.Result{RequeueAfter: staleRecheck}, nil
	}

	pods := PodsForService(r.pods, svc)
	trigger := r.triggers.Compute(svc, pods)
	subsets, truncated := truncate(desiredSubsets(svc, pods))
	labels := endpointsLabels(svc)
	if exists && subsetsEqual(cur.Subsets, subsets) && mapsEqual(cur.Labels, labels) &&
		(cur.Annotations[AnnotationOverCapacity] == "truncated") == truncated {
		r.triggers.Published(req.Namespace, req.Name) // nothing to publish
		return controller.Result{}, nil
	}

	ep := &core.Endpoints{ObjectMeta: meta.ObjectMeta{Namespace: svc.Namespace, Name: svc.Name}}
	if exists {
		ep.ObjectMeta = cur.ObjectMeta // shared slices are only read
	}
	ep.Labels = labels
	ep.Annotations = maps.Clone(ep.Annotations)
	if ep.Annotations == nil {
		ep.Annotations = map[string]string{}
	}
	if trigger.IsZero() {
		delete(ep.Annotations, AnnotationLastChangeTriggerTime)
	} else {
		ep.Annotations[AnnotationLastChangeTriggerTime] = trigger.UTC().Format(time.RFC3339Nano)
	}
	if truncated {
		ep.Annotations[AnnotationOverCapacity] = "truncated"
	} else {
		delete(ep.Annotations, AnnotationOverCapacity)
	}
	ep.Subsets = subsets

	epc := r.client.Namespace(svc.Namespace)
	var out *core.Endpoints
	var err error
	if exists {
		out, err = epc.Update(ctx, ep, nil)
	} else {
		out, err = epc.Create(ctx, ep, nil)
	}
	if err != nil {
		if !exists && isNamespaceTerminating(err) {
			// Creates keep failing until the namespace is gone.
			return controller.Result{}, nil
		}
		if exists {
			r.recorder.Eventf(ep, controller.EventWarning, "FailedToUpdateEndpoint", "Failed to update endpoint %s: %v", req, err)
		} else {
			r.recorder.Eventf(ep, controller.EventWarning, "FailedToCreateEndpoint", "Failed to create endpoint for service %s: %v", req, err)
		}
		return controller.Result{}, fmt.Errorf("writing endpoints %s: %w", req, err)
	}
	r.triggers.Published(req.Namespace, req.Name)
	r.stale.wrote(req, out.ResourceVersion)
	if r.log.V(4).Enabled() {
		ready, notReady := countAddresses(subsets)
		r.log.V(4).Info("wrote endpoints", "service", req.String(), "ready", ready, "notReady", notReady)
	}
	return controller.Result{}, nil
}

// endpointsLabels returns the labels of svc's Endpoints: the service's,
// plus LabelManagedBy and, for a headless service, LabelHeadless.
func endpointsLabels(svc *core.Service) map[string]string {
	l := make(map[string]string, len(svc.Labels)+2)
	maps.Copy(l, svc.Labels)
	if IsHeadless(svc) {
		l[LabelHeadless] = ""
	} else {
		delete(l, LabelHeadless)
	}
	l[LabelManagedBy] = ControllerName
	return l
}

// IsHeadless reports whether svc has no cluster IP ("None", or none yet).
func IsHeadless(svc *core.Service) bool {
	return svc.Spec.ClusterIP == "" || svc.Spec.ClusterIP == core.ClusterIPNone
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

// staleRecheck is how long a reconcile that found the cache stale waits at
// most for the event that ends it (a safety net: the event wakes it first).
const staleRecheck = time.Second

// staleTracker remembers, per Endpoints object, the resourceVersion of
// this controller's last write, so that a reconcile reading an informer
// cache that has not caught up with that write does not write again from
// stale data (and conflict). Such a reconcile waits for the next event of
// the object (wait, observe) rather than retry with backoff.
type staleTracker struct {
	mu      sync.Mutex
	written map[controller.Request]uint64
	events  map[controller.Request]uint64 // Endpoints events seen
	waiting map[controller.Request]bool
}

// parseRV parses a resourceVersion; spar's are decimal store revisions,
// which clients may compare.
func parseRV(rv string) uint64 {
	n, _ := strconv.ParseUint(rv, 10, 64)
	return n
}

func (t *staleTracker) wrote(req controller.Request, rv string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.written[req] = parseRV(rv)
}

// forgetService drops everything known of a deleted service.
func (t *staleTracker) forgetService(req controller.Request) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.written, req)
	delete(t.events, req)
	delete(t.waiting, req)
}

// isStale reports whether cur, req's Endpoints in the cache (nil if none),
// predates this controller's last write of them; cacheRV is the cache's
// resourceVersion, read before cur. Once the cache has caught up, the
// write is forgotten.
func (t *staleTracker) isStale(req controller.Request, cacheRV uint64, cur *core.Endpoints) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	w, ok := t.written[req]
	switch {
	case !ok:
		return false
	case cur != nil && parseRV(cur.ResourceVersion) < w:
		return true
	case cur == nil && cacheRV < w:
		return true // written, not yet seen
	}
	delete(t.written, req)
	return false
}

// epoch returns the number of events seen for req; read it before reading
// the cache, and pass it to wait.
func (t *staleTracker) epoch(req controller.Request) uint64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.events[req]
}

// wait makes req wait for the next event of its Endpoints. It returns
// false when one came since epoch: the caller retries at once instead.
func (t *staleTracker) wait(req controller.Request, epoch uint64) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.events[req] != epoch {
		return false
	}
	t.waiting[req] = true
	return true
}

// observe counts an event of req's Endpoints (called after the cache has
// it) and reports whether req was waiting for one.
func (t *staleTracker) observe(req controller.Request) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.events[req]++
	if t.waiting[req] {
		delete(t.waiting, req)
		return true
	}
	return false
}
