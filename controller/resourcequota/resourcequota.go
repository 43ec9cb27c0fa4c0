package resourcequota

import (
	"context"
	"time"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/resource"
	"github.com/spar-dev/spar/apiserver/admission/quota"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
)

// Options tune the controller. The zero value is the defaults.
type Options struct {
	// ResyncPeriod is how often every quota is recounted from scratch.
	// Default 5m (kube-controller-manager's --resource-quota-sync-period).
	ResyncPeriod time.Duration
	// Workers is the number of quotas synced at once. Default 5
	// (--concurrent-resource-quota-syncs).
	Workers int
}

// Name is the controller's name in logs and metrics.
const Name = "resourcequota"

// Add adds the quota controller to m.
func Add(m *controller.Manager, opts *Options) error {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.ResyncPeriod <= 0 {
		o.ResyncPeriod = 5 * time.Minute
	}
	if o.Workers <= 0 {
		o.Workers = 5
	}
	r := &reconciler{client: m.Client()}
	c := controller.New(Name, r, &controller.Options{Workers: o.Workers})
	r.queue = c.Queue()

	r.quotas = controller.GetInformer[core.ResourceQuota](m, nil)
	r.quotas.AddIndex(controller.NamespaceIndex, controller.IndexByNamespace[core.ResourceQuota])
	controller.Watch(c, r.quotas, func(*core.ResourceQuota) []controller.Request { return nil })
	r.quotas.AddHandler(controller.HandlerFuncs[core.ResourceQuota]{
		AddFunc: func(q *core.ResourceQuota, _ bool) { r.queue.Add(controller.RequestFor(q)) },
		UpdateFunc: func(old, q *core.ResourceQuota) {
			// Admission changes status.used on every admitted object;
			// only a changed spec or an incomplete status needs a sync.
			if !quota.Equals(old.Spec.Hard, q.Spec.Hard) || needsSync(q) {
				r.queue.Add(controller.RequestFor(q))
			}
		},
	})

	addSource[core.Pod](m, c, r)
	addSource[core.Service](m, c, r)
	addSource[core.PersistentVolumeClaim](m, c, r)
	addSource[core.ConfigMap](m, c, r)
	addSource[core.Secret](m, c, r)
	r.sources = append(r.sources, source{
		ev: quota.For(meta.GroupResource{Resource: "resourcequotas"}),
		list: func(ns string) []meta.Object {
			return objects(r.quotas.ByIndex(controller.NamespaceIndex, ns))
		},
	})

	m.Add(c)
	m.AddRunnable(controller.RunnableFunc(func(ctx context.Context) error {
		t := time.NewTicker(o.ResyncPeriod)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return nil
			case <-t.C:
				for _, q := range r.quotas.List() {
					r.queue.Add(controller.RequestFor(q))
				}
			}
		}
	}))
	return nil
}

// needsSync reports a quota whose status does not yet reflect its spec.
func needsSync(q *core.ResourceQuota) bool {
	if !quota.Equals(q.Spec.Hard, q.Status.Hard) {
		return true
	}
	for n := range q.Spec.Hard {
		if _, ok := q.Status.Used[n]; !ok {
			return true
		}
	}
	return false
}

// source is an informer-backed kind and its evaluator.
type source struct {
	ev   quota.Evaluator
	list func(ns string) []meta.Object
}

func objects[T any, PT controller.Object[T]](items []*T) []meta.Object {
	out := make([]meta.Object, len(items))
	for i, o := range items {
		out[i] = PT(o)
	}
	return out
}

// addSource counts kind T from a shared informer and gives usage back on
// deletes and on updates that change what an object charges.
func addSource[T any, PT controller.Object[T]](m *controller.Manager, c *controller.Controller, r *reconciler) {
	res, ok := api.ResourceFor[T](m.Client().Scheme())
	if !ok {
		return
	}
	ev := quota.For(res.GroupResource())
	inf := controller.GetInformer[T, PT](m, nil)
	inf.AddIndex(controller.NamespaceIndex, controller.IndexByNamespace[T, PT])
	// Watch makes the controller wait for the informer's first list; the
	// handler below decides what to enqueue.
	controller.Watch(c, inf, func(*T) []controller.Request { return nil })
	inf.AddHandler(controller.HandlerFuncs[T]{
		UpdateFunc: func(old, obj *T) {
			a, errA := ev.Usage(PT(old))
			b, errB := ev.Usage(PT(obj))
			if errA != nil || errB != nil || !quota.Equals(a, b) {
				r.enqueueNamespace(PT(obj).GetObjectMeta().Namespace)
			}
		},
		DeleteFunc: func(obj *T) { r.enqueueNamespace(PT(obj).GetObjectMeta().Namespace) },
	})
	r.sources = append(r.sources, source{ev: ev, list: func(ns string) []meta.Object {
		return objects[T, PT](inf.ByIndex(controller.NamespaceIndex, ns))
	}})
}

type reconciler struct {
	client  *client.Client
	queue   *controller.Queue[controller.Request]
	quotas  *controller.Informer[core.ResourceQuota, *core.ResourceQuota]
	sources []source
}

func (r *reconciler) enqueueNamespace(ns string) {
	for _, q := range r.quotas.ByIndex(controller.NamespaceIndex, ns) {
		r.queue.Add(controller.RequestFor(q))
	}
}

// Reconcile recounts one quota and writes its status if it changed.
func (r *reconciler) Reconcile(ctx context.Context, req controller.Request) (controller.Result, error) {
	q, ok := r.quotas.Get(req.Namespace, req.Name)
	if !ok {
		return controller.Result{}, nil
	}
	hard := q.Spec.Hard
	names := quota.ResourceNames(hard)
	used := core.ResourceList{}
	for k, v := range q.Status.Used {
		used[k] = v
	}
	covered := map[core.ResourceName]bool{}
	for _, s := range r.sources {
		matching := s.ev.MatchingResources(names)
		if len(matching) == 0 {
			continue
		}
		u, err := quota.Usage(s.ev, q, s.list(q.Namespace), names)
		if err != nil {
			return controller.Result{}, err
		}
		for _, n := range matching {
			used[n], covered[n] = u[n], true
		}
	}
	for _, n := range names {
		if covered[n] {
			continue
		}
		if gr, ok := quota.ParseObjectCountName(n); ok {
			count, err := r.count(ctx, q, gr)
			if err != nil {
				return controller.Result{}, err
			}
			used[n] = resource.NewQuantity(count, resource.DecimalSI)
		}
	}
	used = quota.Mask(used, names)
	if quota.Equals(q.Status.Hard, hard) && quota.Equals(q.Status.Used, used) {
		return controller.Result{}, nil
	}
	upd := meta.DeepCopy(q)
	upd.Status = core.ResourceQuotaStatus{Hard: hard, Used: used}
	_, err := client.Resource[core.ResourceQuota](r.client).Namespace(q.Namespace).UpdateStatus(ctx, upd, nil)
	return controller.Result{}, err
}

// count counts the objects of a resource no informer tracks by listing
// them. Scoped quotas match none (only pods have scopes), and unknown
// resources count zero until they are served.
func (r *reconciler) count(ctx context.Context, q *core.ResourceQuota, gr meta.GroupResource) (int64, error) {
	if len(quota.ScopeSelectors(q)) > 0 {
		return 0, nil
	}
	for _, res := range r.client.Scheme().Resources() {
		if res.Group != gr.Group || res.Plural != gr.Resource || !res.Namespaced {
			continue
		}
		gvr := api.GVR{Group: res.Group, Version: res.Version, Resource: res.Plural}
		l, err := client.Dynamic(r.client, gvr, true).Namespace(q.Namespace).ListAll(ctx, nil)
		if err != nil {
			return 0, err
		}
		return int64(len(l.Items)), nil
	}
	return 0, nil
}
