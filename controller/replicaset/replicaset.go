package replicaset

import (
	"context"
	"fmt"
	"time"

	"github.com/go-logr/logr"

	"github.com/spar-dev/spar/api/apps"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/labels"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
)

// Component is the name the controller reports events as, as Kubernetes'.
const Component = "replicaset-controller"

// Options tune the ReplicaSet controller. The zero value is the defaults.
type Options struct {
	// Workers is the number of ReplicaSets synced at once. Default 5, as
	// Kubernetes' --concurrent-replicaset-syncs.
	Workers int
	// BurstReplicas bounds the pods one sync creates or deletes; the rest
	// wait for the next sync. Default 500, as Kubernetes.
	BurstReplicas int
}

// Add builds the ReplicaSet controller on m's shared ReplicaSet and Pod
// informers and adds it to m.
func Add(m *controller.Manager, opts *Options) error {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Workers <= 0 {
		o.Workers = 5
	}
	if o.BurstReplicas <= 0 {
		o.BurstReplicas = 500
	}
	r := &reconciler{
		rsInf:  controller.GetInformer[apps.ReplicaSet](m, nil),
		podInf: controller.GetInformer[core.Pod](m, nil),
		rsAPI:  client.Resource[apps.ReplicaSet](m.Client()),
		podAPI: client.Resource[core.Pod](m.Client()),
		rec:    m.Recorder(Component),
		exp:    &controller.Expectations{},
		burst:  o.BurstReplicas,
		log:    m.Logger().WithName("replicaset"),
	}
	r.rsInf.AddIndex(controller.NamespaceIndex, controller.IndexByNamespace[apps.ReplicaSet])
	r.rsInf.AddIndex(controller.ControllerIndex, controller.IndexByController[apps.ReplicaSet])
	r.podInf.AddIndex(controller.NamespaceIndex, controller.IndexByNamespace[core.Pod])
	r.podInf.AddIndex(controller.ControllerIndex, controller.IndexByController[core.Pod])

	c := controller.New("replicaset", r, &controller.Options{Workers: o.Workers})
	// Expectations are lowered before the ReplicaSet is queued (handlers
	// run in the order they were added), so that the sync the event
	// triggers sees them.
	r.podInf.AddHandler(controller.HandlerFuncs[core.Pod]{
		AddFunc: func(pod *core.Pod, _ bool) {
			if pod.DeletionTimestamp != nil {
				// A restart finds pods already being deleted.
				r.podGone(pod)
				return
			}
			if rs := r.owner(pod); rs != nil {
				r.exp.CreationObserved(controller.Key(rs))
			}
		},
		UpdateFunc: func(old, pod *core.Pod) {
			if pod.DeletionTimestamp != nil {
				r.podGone(pod)
				return
			}
			// A pod that just became ready becomes available after
			// minReadySeconds: look again then (plus a second for clock
			// granularity, as Kubernetes).
			if !core.IsPodReady(old) && core.IsPodReady(pod) {
				if rs := r.owner(pod); rs != nil && rs.Spec.MinReadySeconds > 0 {
					c.Queue().AddAfter(controller.RequestFor(rs), time.Duration(rs.Spec.MinReadySeconds)*time.Second+time.Second)
				}
			}
		},
		DeleteFunc: r.podGone,
	})
	r.rsInf.AddHandler(controller.HandlerFuncs[apps.ReplicaSet]{
		DeleteFunc: func(rs *apps.ReplicaSet) { r.exp.Delete(controller.Key(rs)) },
	})
	controller.Watch(c, r.rsInf, controller.Self[apps.ReplicaSet]())
	// A pod maps to its ReplicaSet, or if orphaned to every ReplicaSet whose
	// selector matches it (one may adopt it).
	controller.Watch(c, r.podInf, controller.OwnerOrAdopter[core.Pod](apps.GroupName, "ReplicaSet", r.rsInf,
		func(rs *apps.ReplicaSet) *meta.LabelSelector { return rs.Spec.Selector }))
	m.Add(c)
	return nil
}

type reconciler struct {
	rsInf  *controller.Informer[apps.ReplicaSet, *apps.ReplicaSet]
	podInf *controller.Informer[core.Pod, *core.Pod]
	rsAPI  *client.ResourceClient[apps.ReplicaSet, *apps.ReplicaSet]
	podAPI *client.ResourceClient[core.Pod, *core.Pod]
	rec    *controller.Recorder
	exp    *controller.Expectations
	burst  int
	log    logr.Logger
}

// isReplicaSetRef reports whether ref points at an apps ReplicaSet.
func isReplicaSetRef(ref *meta.OwnerReference) bool {
	g, _ := meta.SplitAPIVersion(ref.APIVersion)
	return ref.Kind == "ReplicaSet" && g == apps.GroupName
}

// owner returns the cached ReplicaSet that controls pod, if any. The UID
// must match: a ReplicaSet deleted and recreated under the same name does
// not own the old one's pods.
func (r *reconciler) owner(pod *core.Pod) *apps.ReplicaSet {
	ref := meta.ControllerOf(&pod.ObjectMeta)
	if ref == nil || !isReplicaSetRef(ref) {
		return nil
	}
	rs, ok := r.rsInf.Get(pod.Namespace, ref.Name)
	if !ok || rs.UID != ref.UID {
		return nil
	}
	return rs
}

// podGone records the deletion of a pod (or the start of it) against the
// expectations of its ReplicaSet.
func (r *reconciler) podGone(pod *core.Pod) {
	if rs := r.owner(pod); rs != nil {
		r.exp.DeletionObserved(controller.Key(rs), controller.Key(pod))
	}
}

// Reconcile syncs one ReplicaSet: it claims the pods its selector matches,
// creates or deletes pods towards spec.replicas when its earlier actions
// have been observed, and writes status.
func (r *reconciler) Reconcile(ctx context.Context, req controller.Request) (controller.Result, error) {
	key := req.String()
	rs, ok := r.rsInf.Get(req.Namespace, req.Name)
	if !ok {
		r.exp.Delete(key)
		return controller.Result{}, nil
	}
	// Read the expectations before the pods: a pod observed in between
	// then only makes this sync more conservative.
	needsSync := r.exp.Satisfied(key)
	sel, err := labels.FromLabelSelector(rs.Spec.Selector)
	if err != nil {
		return controller.Result{}, controller.Terminal(fmt.Errorf("replicaset %s: invalid selector: %w", key, err))
	}
	pods := activePods(r.podInf.ByIndex(controller.NamespaceIndex, rs.Namespace))
	pods, err = r.claimPods(ctx, rs, sel, pods)
	if err != nil {
		return controller.Result{}, err
	}
	var manageErr error
	if needsSync && rs.DeletionTimestamp == nil {
		manageErr = r.manageReplicas(ctx, rs, pods)
	}
	st := calculateStatus(rs, pods, manageErr, time.Now())
	updated, err := r.updateStatus(ctx, rs, st)
	if err != nil {
		return controller.Result{}, err
	}
	var res controller.Result
	// Pods that are ready but not yet available become so by the clock
	// alone: look again after minReadySeconds.
	if want := replicas(updated); manageErr == nil && updated.Spec.MinReadySeconds > 0 &&
		updated.Status.ReadyReplicas == want && updated.Status.AvailableReplicas != want {
		res.RequeueAfter = time.Duration(updated.Spec.MinReadySeconds) * time.Second
	}
	return res, manageErr
}

// replicas is spec.replicas, 1 when unset (the server defaults it).
func replicas(rs *apps.ReplicaSet) int32 {
	if rs.Spec.Replicas == nil {
		return 1
	}
	return *rs.Spec.Replicas
}

// isPodActive reports whether pod counts as a replica: not finished and
// not being deleted.
func isPodActive(pod *core.Pod) bool {
	return pod.DeletionTimestamp == nil && !core.IsPodTerminal(pod)
}

func activePods(pods []*core.Pod) []*core.Pod {
	out := pods[:0]
	for _, p := range pods {
		if isPodActive(p) {
			out = append(out, p)
		}
	}
	return out
}
