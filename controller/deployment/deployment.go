package deployment

import (
	"context"
	"fmt"

	"github.com/go-logr/logr"

	"github.com/spar-dev/spar/api/apps"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
)

// Component is the name the controller reports events as, as Kubernetes'.
const Component = "deployment-controller"

// Options tune the Deployment controller. The zero value is the defaults.
type Options struct {
	// Workers is the number of Deployments synced at once. Default 5, as
	// Kubernetes' --concurrent-deployment-syncs.
	Workers int
}

// Add builds the Deployment controller on m's shared Deployment,
// ReplicaSet and Pod informers and adds it to m.
func Add(m *controller.Manager, opts *Options) error {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Workers <= 0 {
		o.Workers = 5
	}
	r := &reconciler{
		dInf:   controller.GetInformer[apps.Deployment](m, nil),
		rsInf:  controller.GetInformer[apps.ReplicaSet](m, nil),
		podInf: controller.GetInformer[core.Pod](m, nil),
		dAPI:   client.Resource[apps.Deployment](m.Client()),
		rsAPI:  client.Resource[apps.ReplicaSet](m.Client()),
		rec:    m.Recorder(Component),
		log:    m.Logger().WithName("deployment"),
	}
	r.dInf.AddIndex(controller.NamespaceIndex, controller.IndexByNamespace[apps.Deployment])
	r.rsInf.AddIndex(controller.NamespaceIndex, controller.IndexByNamespace[apps.ReplicaSet])
	r.rsInf.AddIndex(controller.ControllerIndex, controller.IndexByController[apps.ReplicaSet])
	r.podInf.AddIndex(controller.ControllerIndex, controller.IndexByController[core.Pod])

	c := controller.New("deployment", r, &controller.Options{Workers: o.Workers})
	controller.Watch(c, r.dInf, controller.Self[apps.Deployment]())
	// A ReplicaSet maps to its Deployment, or if orphaned to every
	// Deployment whose selector matches it (one may adopt it).
	controller.Watch(c, r.rsInf, controller.OwnerOrAdopter[apps.ReplicaSet](apps.GroupName, "Deployment", r.dInf,
		func(d *apps.Deployment) *meta.LabelSelector { return d.Spec.Selector }))
	controller.Watch(c, r.podInf, r.podRequests)
	m.Add(c)
	return nil
}

type reconciler struct {
	dInf   *controller.Informer[apps.Deployment, *apps.Deployment]
	rsInf  *controller.Informer[apps.ReplicaSet, *apps.ReplicaSet]
	podInf *controller.Informer[core.Pod, *core.Pod]
	dAPI   *client.ResourceClient[apps.Deployment, *apps.Deployment]
	rsAPI  *client.ResourceClient[apps.ReplicaSet, *apps.ReplicaSet]
	rec    *controller.Recorder
	log    logr.Logger
}

func isRef(ref *meta.OwnerReference, kind string) bool {
	g, _ := meta.SplitAPIVersion(ref.APIVersion)
	return ref.Kind == kind && g == apps.GroupName
}

// podRequests maps a pod to the Recreate Deployment that owns it through a
// ReplicaSet: such a rollout waits for the old pods to be gone.
func (r *reconciler) podRequests(pod *core.Pod) []controller.Request {
	ref := meta.ControllerOf(&pod.ObjectMeta)
	if ref == nil || !isRef(ref, "ReplicaSet") {
		return nil
	}
	rs, ok := r.rsInf.Get(pod.Namespace, ref.Name)
	if !ok || rs.UID != ref.UID {
		return nil
	}
	dref := meta.ControllerOf(&rs.ObjectMeta)
	if dref == nil || !isRef(dref, "Deployment") {
		return nil
	}
	d, ok := r.dInf.Get(rs.Namespace, dref.Name)
	if !ok || d.UID != dref.UID || d.Spec.Strategy.Type != apps.RecreateDeploymentStrategyType {
		return nil
	}
	return []controller.Request{controller.RequestFor(d)}
}

// Reconcile syncs one Deployment, in Kubernetes' order of concerns: a
// Deployment being deleted only gets its status; a paused one or one whose
// size changed is scaled (proportionally across its ReplicaSets) without
// rolling out; otherwise the rollout of its strategy takes one step.
func (r *reconciler) Reconcile(ctx context.Context, req controller.Request) (controller.Result, error) {
	cached, ok := r.dInf.Get(req.Namespace, req.Name)
	if !ok {
		return controller.Result{}, nil
	}
	d := new(meta.DeepCopy(*cached))
	if sel := d.Spec.Selector; sel != nil && len(sel.MatchLabels) == 0 && len(sel.MatchExpressions) == 0 {
		r.rec.Event(d, controller.EventWarning, "SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.")
		if d.Status.ObservedGeneration < d.Generation {
			d.Status.ObservedGeneration = d.Generation
			return controller.Result{}, r.writeStatus(ctx, d)
		}
		return controller.Result{}, nil
	}
	rsList, err := r.replicaSetsFor(ctx, d)
	if err != nil {
		return controller.Result{}, err
	}
	if d.DeletionTimestamp != nil {
		return controller.Result{}, r.syncStatusOnly(ctx, d, rsList)
	}
	if err := r.checkPausedConditions(ctx, d); err != nil {
		return controller.Result{}, err
	}
	if d.Spec.Paused {
		return controller.Result{}, r.sync(ctx, d, rsList)
	}
	scaling, err := r.isScalingEvent(ctx, d, rsList)
	if err != nil {
		return controller.Result{}, err
	}
	if scaling {
		return controller.Result{}, r.sync(ctx, d, rsList)
	}
	switch d.Spec.Strategy.Type {
	case apps.RecreateDeploymentStrategyType:
		return r.rolloutRecreate(ctx, d, rsList)
	case apps.RollingUpdateDeploymentStrategyType:
		return r.rolloutRolling(ctx, d, rsList)
	}
	return controller.Result{}, controller.Terminal(fmt.Errorf("deployment %s: unexpected strategy type %q", req, d.Spec.Strategy.Type))
}

// writeStatus writes d's status and takes the server's answer into d, so
// that a later write in the same sync does not conflict with this one.
func (r *reconciler) writeStatus(ctx context.Context, d *apps.Deployment) error {
	out, err := r.dAPI.Namespace(d.Namespace).UpdateStatus(ctx, d, nil)
	if err != nil {
		return err
	}
	*d = *out
	return nil
}

// setRevision records rev in d's revision annotation. (Kubernetes writes
// it along with the status; spar's status subresource, like most of
// Kubernetes', keeps metadata, so it is a patch of its own.)
func (r *reconciler) setRevision(ctx context.Context, d *apps.Deployment, rev string) error {
	if d.Annotations[RevisionAnnotation] == rev {
		return nil
	}
	patch := fmt.Appendf(nil, `{"metadata":{"resourceVersion":%q,"annotations":{%q:%q}}}`, d.ResourceVersion, RevisionAnnotation, rev)
	out, err := r.dAPI.Namespace(d.Namespace).Patch(ctx, d.Name, client.MergePatch, patch, nil)
	if err != nil {
		return err
	}
	// Keep the status being computed; take the rest.
	st := d.Status
	*d = *out
	d.Status = st
	return nil
}
