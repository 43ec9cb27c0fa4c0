package namespace

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/go-logr/logr"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
)

// ControllerName names the controller in logs and metrics.
const ControllerName = "namespace"

// Component is the event source of the controller's events.
const Component = "namespace-controller"

// Options tune the namespace controller. The zero value is the defaults.
type Options struct {
	// Workers is the number of namespaces emptied at once. Default 10, as
	// kube-controller-manager's --concurrent-namespace-syncs.
	Workers int
	// ResyncPeriod is how often every terminating namespace is checked
	// again even if nothing changed. Default 5 minutes, as Kubernetes'
	// namespace controller; negative: never.
	ResyncPeriod time.Duration
	// MinRecheck and MaxRecheck bound the wait before a namespace whose
	// content is still going away (held by finalizers, or pods in their
	// grace period) is checked again: the wait starts at MinRecheck and
	// doubles at each check, up to MaxRecheck. Defaults 1s and 15s (15s is
	// what Kubernetes waits for content held by finalizers); setting one
	// alone moves the other's default past it.
	MinRecheck time.Duration
	MaxRecheck time.Duration
}

func (o *Options) setDefaults() {
	if o.Workers <= 0 {
		o.Workers = 10
	}
	if o.ResyncPeriod == 0 {
		o.ResyncPeriod = 5 * time.Minute
	}
	// One bound set alone also moves the other's default past it.
	switch {
	case o.MinRecheck <= 0 && o.MaxRecheck <= 0:
		o.MinRecheck, o.MaxRecheck = time.Second, 15*time.Second
	case o.MinRecheck <= 0:
		o.MinRecheck = min(time.Second, o.MaxRecheck)
	case o.MaxRecheck <= 0:
		o.MaxRecheck = max(15*time.Second, o.MinRecheck)
	case o.MaxRecheck < o.MinRecheck:
		o.MaxRecheck = o.MinRecheck
	}
}

// Add builds the namespace controller and adds it (and its resync loop)
// to m. opts may be nil.
func Add(m *controller.Manager, opts *Options) error {
	var o Options
	if opts != nil {
		o = *opts
	}
	o.setDefaults()
	inf := controller.GetInformer[core.Namespace](m, nil)
	r := &reconciler{
		c:          m.Client(),
		namespaces: client.Resource[core.Namespace](m.Client()),
		informer:   inf,
		rec:        m.Recorder(Component),
		opts:       o,
		log:        m.Logger().WithName(ControllerName),
		waits:      map[string]recheck{},
		noCollect:  map[string]bool{},
	}
	c := controller.New(ControllerName, r, &controller.Options{Workers: o.Workers})
	controller.Watch(c, inf, terminating)
	m.Add(c)
	if o.ResyncPeriod > 0 {
		m.AddRunnable(controller.RunnableFunc(func(ctx context.Context) error {
			t := time.NewTicker(o.ResyncPeriod)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return nil
				case <-t.C:
				}
				for _, ns := range inf.List() {
					for _, req := range terminating(ns) {
						c.Queue().Add(req)
					}
				}
			}
		}))
	}
	return nil
}

// terminating maps a namespace to its request while it is being deleted:
// the controller has nothing to do with live ones.
func terminating(ns *core.Namespace) []controller.Request {
	if ns.DeletionTimestamp == nil {
		return nil
	}
	return []controller.Request{{Name: ns.Name}}
}

type reconciler struct {
	c          *client.Client
	namespaces *client.ResourceClient[core.Namespace, *core.Namespace]
	informer   *controller.Informer[core.Namespace, *core.Namespace]
	rec        *controller.Recorder
	opts       Options
	log        logr.Logger

	mu sync.Mutex
	// waits counts the rechecks of each namespace (by name) whose content
	// is still going away, for the backoff between them.
	waits map[string]recheck
	// noCollect holds the resources that answered deletecollection with 405
	// or 404 although discovery listed the verb.
	noCollect map[string]bool
}

// Reconcile empties a terminating namespace and then releases it by
// removing the "kubernetes" finalizer; the API server deletes it once no
// finalizer is left.
func (r *reconciler) Reconcile(ctx context.Context, req controller.Request) (controller.Result, error) {
	if cached, ok := r.informer.Get("", req.Name); !ok || cached.DeletionTimestamp == nil {
		r.forget(req.Name)
		return controller.Result{}, nil
	}
	// Other controllers edit terminating namespaces too (their own
	// finalizers): act on the current state, not the cache's.
	ns, err := r.namespaces.Get(ctx, req.Name)
	if client.IsNotFound(err) {
		r.forget(req.Name)
		return controller.Result{}, nil
	}
	if err != nil {
		return controller.Result{}, err
	}
	if ns.DeletionTimestamp == nil {
		r.forget(req.Name)
		return controller.Result{}, nil
	}
	if ns.Status.Phase != core.NamespaceTerminating {
		patch := []byte(`{"status":{"phase":"Terminating"}}`)
		if ns, err = r.namespaces.Patch(ctx, ns.Name, client.MergePatch, patch, nil, "status"); err != nil {
			return controller.Result{}, ignoreNotFound(err)
		}
	}
	if !slices.Contains(ns.Spec.Finalizers, core.FinalizerKubernetes) {
		r.forget(ns.Name)
		return controller.Result{}, nil // released already, or never ours
	}
	remaining, err := r.deleteContent(ctx, ns)
	if err != nil {
		return controller.Result{}, err
	}
	if remaining {
		return controller.Result{RequeueAfter: r.nextWait(ns)}, nil
	}
	if err := r.finalize(ctx, ns); err != nil {
		return controller.Result{}, err
	}
	r.forget(ns.Name)
	return controller.Result{}, nil
}

// nextWait returns the wait before the next check of a namespace whose
// content is still going away.
func (r *reconciler) nextWait(ns *core.Namespace) time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	w := r.waits[ns.Name]
	if w.uid != ns.UID {
		w = recheck{uid: ns.UID} // a namespace of the same name before
	}
	n := w.n
	w.n++
	r.waits[ns.Name] = w
	d := r.opts.MinRecheck
	for range n {
		if d *= 2; d >= r.opts.MaxRecheck {
			return r.opts.MaxRecheck
		}
	}
	return d
}

type recheck struct {
	uid meta.UID
	n   int
}

func (r *reconciler) forget(name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.waits, name)
}

// finalize removes the "kubernetes" finalizer through the finalize
// subresource, re-reading the namespace on conflicts.
func (r *reconciler) finalize(ctx context.Context, ns *core.Namespace) error {
	cur := ns
	err := client.RetryOnConflict(ctx, client.DefaultRetry, func() error {
		if cur == nil {
			latest, err := r.namespaces.Get(ctx, ns.Name)
			if err != nil {
				return err
			}
			if latest.UID != ns.UID {
				return fmt.Errorf("namespace %s: its uid changed while it was being finalized", ns.Name)
			}
			cur = latest
		}
		var keep []core.FinalizerName
		for _, f := range cur.Spec.Finalizers {
			if f != core.FinalizerKubernetes && !slices.Contains(keep, f) {
				keep = append(keep, f)
			}
		}
		slices.Sort(keep)
		body := &core.Namespace{
			TypeMeta:   meta.TypeMeta{Kind: "Namespace", APIVersion: "v1"},
			ObjectMeta: meta.ObjectMeta{Name: cur.Name, ResourceVersion: cur.ResourceVersion},
			Spec:       core.NamespaceSpec{Finalizers: keep},
		}
		err := r.c.Do(ctx, http.MethodPut, "/api/v1/namespaces/"+url.PathEscape(cur.Name)+"/finalize", body, nil)
		cur = nil
		return err
	})
	return ignoreNotFound(err)
}

func ignoreNotFound(err error) error {
	if client.IsNotFound(err) {
		return nil
	}
	return err
}

// isMethodNotSupported reports a 405: the resource does not serve the verb.
func isMethodNotSupported(err error) bool {
	var st *meta.Status
	return errors.As(err, &st) && (st.Code == http.StatusMethodNotAllowed || st.Reason == meta.StatusReasonMethodNotAllowed)
}
