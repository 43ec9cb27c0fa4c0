package deployment

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"

	"github.com/spar-dev/spar/api/apps"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/labels"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
)

// replicaSetsFor returns the ReplicaSets d owns, reconciling ownership as
// Kubernetes' ControllerRefManager does: ReplicaSets it controls and still
// selects are kept, those it controls but no longer selects (its selector
// changed) are released to be orphans, and orphans it selects are adopted.
// A Deployment being deleted neither adopts nor releases.
func (r *reconciler) replicaSetsFor(ctx context.Context, d *apps.Deployment) ([]*apps.ReplicaSet, error) {
	sel, err := labels.FromLabelSelector(d.Spec.Selector)
	if err != nil {
		return nil, controller.Terminal(fmt.Errorf("deployment %s/%s has an invalid selector: %w", d.Namespace, d.Name, err))
	}
	var (
		owned        []*apps.ReplicaSet
		errs         []error
		adoptChecked bool
		adoptErr     error
	)
	for _, rs := range r.rsInf.ByIndex(controller.NamespaceIndex, d.Namespace) {
		ref := meta.ControllerOf(&rs.ObjectMeta)
		match := sel.Matches(labels.Set(rs.Labels))
		switch {
		case ref != nil && ref.UID != d.UID:
		case ref != nil && match:
			owned = append(owned, rs)
		case ref != nil:
			if d.DeletionTimestamp != nil {
				continue
			}
			if err := r.release(ctx, d, rs); err != nil {
				errs = append(errs, err)
			}
		case !match || d.DeletionTimestamp != nil || rs.DeletionTimestamp != nil:
		default:
			if !adoptChecked {
				adoptChecked = true
				adoptErr = r.canAdopt(ctx, d)
			}
			if adoptErr != nil {
				errs = append(errs, fmt.Errorf("can't adopt ReplicaSet %s/%s: %w", rs.Namespace, rs.Name, adoptErr))
				continue
			}
			if err := r.adopt(ctx, d, rs); err != nil {
				if !client.IsNotFound(err) {
					errs = append(errs, err)
				}
				continue
			}
			owned = append(owned, rs)
		}
	}
	slices.SortFunc(owned, byCreation)
	return owned, errors.Join(errs...)
}

func (r *reconciler) canAdopt(ctx context.Context, d *apps.Deployment) error {
	fresh, err := r.dAPI.Namespace(d.Namespace).Get(ctx, d.Name)
	if err != nil {
		return err
	}
	if fresh.UID != d.UID {
		return fmt.Errorf("original Deployment %s/%s is gone: got uid %s, wanted %s", d.Namespace, d.Name, fresh.UID, d.UID)
	}
	if fresh.DeletionTimestamp != nil {
		return fmt.Errorf("%s/%s has just been deleted at %v", d.Namespace, d.Name, fresh.DeletionTimestamp.Time)
	}
	return nil
}

func controllerRef(d *apps.Deployment) meta.OwnerReference {
	t := true
	return meta.OwnerReference{APIVersion: apps.GroupName + "/" + apps.Version, Kind: "Deployment",
		Name: d.Name, UID: d.UID, Controller: &t, BlockOwnerDeletion: &t}
}

func (r *reconciler) adopt(ctx context.Context, d *apps.Deployment, rs *apps.ReplicaSet) error {
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{
		"uid": rs.UID, "ownerReferences": []meta.OwnerReference{controllerRef(d)},
	}})
	if err != nil {
		return err
	}
	_, err = r.rsAPI.Namespace(rs.Namespace).Patch(ctx, rs.Name, client.StrategicMergePatch, patch, nil)
	return err
}

func (r *reconciler) release(ctx context.Context, d *apps.Deployment, rs *apps.ReplicaSet) error {
	patch := fmt.Appendf(nil, `{"metadata":{"ownerReferences":[{"$patch":"delete","uid":%q}],"uid":%q}}`, d.UID, rs.UID)
	_, err := r.rsAPI.Namespace(rs.Namespace).Patch(ctx, rs.Name, client.StrategicMergePatch, patch, nil)
	if client.IsNotFound(err) || client.IsInvalid(err) {
		return nil
	}
	return err
}

// podsByReplicaSet returns the pods d selects, by the UID of the
// ReplicaSet in rsList that controls them (finished and terminating pods
// included: Recreate waits for them).
func (r *reconciler) podsByReplicaSet(d *apps.Deployment, rsList []*apps.ReplicaSet) map[meta.UID][]*core.Pod {
	sel, err := labels.FromLabelSelector(d.Spec.Selector)
	out := make(map[meta.UID][]*core.Pod, len(rsList))
	for _, rs := range rsList {
		out[rs.UID] = nil
		if err != nil {
			continue
		}
		for _, p := range r.podInf.ByIndex(controller.ControllerIndex, string(rs.UID)) {
			if p.Namespace == d.Namespace && sel.Matches(labels.Set(p.Labels)) {
				out[rs.UID] = append(out[rs.UID], p)
			}
		}
	}
	return out
}

// allReplicaSets returns the new ReplicaSet (nil if there is none and
// create is false) and the old ones, bringing the new one's revision
// annotations up to date.
func (r *reconciler) allReplicaSets(ctx context.Context, d *apps.Deployment, rsList []*apps.ReplicaSet, create bool) (*apps.ReplicaSet, []*apps.ReplicaSet, error) {
	existing := findNewReplicaSet(d, rsList)
	_, oldRSs := findOldReplicaSets(d, rsList, existing)
	newRS, err := r.newReplicaSet(ctx, d, existing, oldRSs, create)
	if err != nil {
		return nil, nil, err
	}
	return newRS, oldRSs, nil
}

// newReplicaSet returns the ReplicaSet of d's current template. An
// existing one gets its annotations synced (revision = highest old one +
// 1, copied Deployment annotations) and its minReadySeconds; a missing
// one is created (when create is set) as <deployment>-<pod-template-hash>
// with the hash in its selector, labels and template labels.
func (r *reconciler) newReplicaSet(ctx context.Context, d *apps.Deployment, existing *apps.ReplicaSet, oldRSs []*apps.ReplicaSet, create bool) (*apps.ReplicaSet, error) {
	newRevision := strconv.FormatInt(maxRevision(oldRSs)+1, 10)
	rsAPI := r.rsAPI.Namespace(d.Namespace)
	if existing != nil {
		rs := new(meta.DeepCopy(*existing))
		annotationsChanged := setNewReplicaSetAnnotations(d, rs, newRevision, true)
		if annotationsChanged || rs.Spec.MinReadySeconds != d.Spec.MinReadySeconds {
			rs.Spec.MinReadySeconds = d.Spec.MinReadySeconds
			return rsAPI.Update(ctx, rs, nil)
		}
		// The Deployment shows the revision of its new ReplicaSet.
		if err := r.setRevision(ctx, d, rs.Annotations[RevisionAnnotation]); err != nil {
			return nil, err
		}
		// A Deployment that never recorded progress starts counting now.
		if hasProgressDeadline(d) && getCondition(d.Status, apps.DeploymentProgressing) == nil {
			setCondition(&d.Status, newCondition(apps.DeploymentProgressing, core.ConditionTrue, ReasonFoundNewReplicaSet,
				fmt.Sprintf("Found new replica set %q", rs.Name)))
			if err := r.writeStatus(ctx, d); err != nil {
				return nil, err
			}
		}
		return rs, nil
	}
	if !create {
		return nil, nil
	}

	hash := PodTemplateHash(&d.Spec.Template, d.Status.CollisionCount)
	tmpl := meta.DeepCopy(d.Spec.Template)
	tmpl.Labels = withLabel(d.Spec.Template.Labels, apps.DefaultDeploymentUniqueLabelKey, hash)
	sel := meta.DeepCopy(*d.Spec.Selector)
	sel.MatchLabels = withLabel(sel.MatchLabels, apps.DefaultDeploymentUniqueLabelKey, hash)
	rs := &apps.ReplicaSet{
		ObjectMeta: meta.ObjectMeta{
			// A name from the hash makes creation idempotent.
			Name:            d.Name + "-" + hash,
			Namespace:       d.Namespace,
			OwnerReferences: []meta.OwnerReference{controllerRef(d)},
			Labels:          tmpl.Labels,
		},
		Spec: apps.ReplicaSetSpec{
			Replicas:        new(int32(0)),
			MinReadySeconds: d.Spec.MinReadySeconds,
			Selector:        &sel,
			Template:        tmpl,
		},
	}
	n, err := newRSNewReplicas(d, append(slices.Clone(oldRSs), rs), rs)
	if err != nil {
		return nil, err
	}
	*rs.Spec.Replicas = n
	setNewReplicaSetAnnotations(d, rs, newRevision, false)

	created, err := rsAPI.Create(ctx, rs, nil)
	alreadyExists := false
	switch {
	case client.IsAlreadyExists(err):
		// Our cache may lag behind our own create; or another template
		// has the same hash.
		alreadyExists = true
		cur, ok := r.rsInf.Get(d.Namespace, rs.Name)
		if !ok {
			return nil, err
		}
		if meta.IsControlledBy(&cur.ObjectMeta, d.UID) && equalIgnoreHash(&d.Spec.Template, &cur.Spec.Template) {
			created, err = cur, nil
			break
		}
		// A hash collision: bump collisionCount and try again with the
		// next hash.
		cc := int32(0)
		if d.Status.CollisionCount != nil {
			cc = *d.Status.CollisionCount
		}
		d.Status.CollisionCount = new(cc + 1)
		if werr := r.writeStatus(ctx, d); werr != nil {
			return nil, werr
		}
		r.log.V(2).Info("pod template hash collision; bumped collisionCount", "deployment", d.Namespace+"/"+d.Name, "collisionCount", cc+1)
		return nil, err
	case err != nil && namespaceTerminating(err):
		return nil, err
	case err != nil:
		msg := fmt.Sprintf("Failed to create new replica set %q: %v", rs.Name, err)
		if hasProgressDeadline(d) {
			setCondition(&d.Status, newCondition(apps.DeploymentProgressing, core.ConditionFalse, ReasonReplicaSetCreateError, msg))
			// The create error is the one worth reporting.
			_ = r.writeStatus(ctx, d)
		}
		r.rec.Event(d, controller.EventWarning, ReasonReplicaSetCreateError, msg)
		return nil, err
	}
	if !alreadyExists && n > 0 {
		r.rec.Eventf(d, controller.EventNormal, "ScalingReplicaSet", "Scaled up replica set %s from 0 to %d", created.Name, n)
	}
	if err := r.setRevision(ctx, d, newRevision); err != nil {
		return nil, err
	}
	if !alreadyExists && hasProgressDeadline(d) {
		setCondition(&d.Status, newCondition(apps.DeploymentProgressing, core.ConditionTrue, ReasonNewReplicaSetCreated,
			fmt.Sprintf("Created new replica set %q", created.Name)))
		if err := r.writeStatus(ctx, d); err != nil {
			return nil, err
		}
	}
	return created, nil
}

func withLabel(m map[string]string, k, v string) map[string]string {
	out := maps.Clone(m)
	if out == nil {
		out = map[string]string{}
	}
	out[k] = v
	return out
}

func namespaceTerminating(err error) bool {
	var st *meta.Status
	if !errors.As(err, &st) || st.Details == nil {
		return false
	}
	for _, c := range st.Details.Causes {
		if c.Type == "NamespaceTerminating" {
			return true
		}
	}
	return false
}

// sync scales a Deployment that is paused or was resized, without rolling
// out, and cleans up old ReplicaSets of a paused one.
func (r *reconciler) sync(ctx context.Context, d *apps.Deployment, rsList []*apps.ReplicaSet) error {
	newRS, oldRSs, err := r.allReplicaSets(ctx, d, rsList, false)
	if err != nil {
		return err
	}
	if err := r.scale(ctx, d, newRS, oldRSs); err != nil {
		return err
	}
	if d.Spec.Paused {
		if err := r.cleanup(ctx, d, oldRSs); err != nil {
			return err
		}
	}
	return r.syncDeploymentStatus(ctx, d, append(oldRSs, newRS), newRS)
}

func (r *reconciler) syncStatusOnly(ctx context.Context, d *apps.Deployment, rsList []*apps.ReplicaSet) error {
	newRS, oldRSs, err := r.allReplicaSets(ctx, d, rsList, false)
	if err != nil {
		return err
	}
	return r.syncDeploymentStatus(ctx, d, append(oldRSs, newRS), newRS)
}

// checkPausedConditions records pausing and resuming in the Progressing
// condition (status Unknown), so that the time spent paused does not count
// against the progress deadline.
func (r *reconciler) checkPausedConditions(ctx context.Context, d *apps.Deployment) error {
	if !hasProgressDeadline(d) {
		return nil
	}
	cond := getCondition(d.Status, apps.DeploymentProgressing)
	if cond != nil && cond.Reason == ReasonProgressDeadlineExceeded {
		// A failure stays reported.
		return nil
	}
	paused := cond != nil && cond.Reason == ReasonDeploymentPaused
	switch {
	case d.Spec.Paused && !paused:
		setCondition(&d.Status, newCondition(apps.DeploymentProgressing, core.ConditionUnknown, ReasonDeploymentPaused, "Deployment is paused"))
	case !d.Spec.Paused && paused:
		setCondition(&d.Status, newCondition(apps.DeploymentProgressing, core.ConditionUnknown, ReasonDeploymentResumed, "Deployment is resumed"))
	default:
		return nil
	}
	return r.writeStatus(ctx, d)
}

// isScalingEvent reports whether d's size changed since its active
// ReplicaSets were last scaled (their desired-replicas annotation).
func (r *reconciler) isScalingEvent(ctx context.Context, d *apps.Deployment, rsList []*apps.ReplicaSet) (bool, error) {
	newRS, oldRSs, err := r.allReplicaSets(ctx, d, rsList, false)
	if err != nil {
		return false, err
	}
	for _, rs := range filterActive(append(oldRSs, newRS)) {
		if want, ok := intAnnotation(rs, DesiredReplicasAnnotation); ok && want != desired(d) {
			return true, nil
		}
	}
	return false, nil
}

// scale brings the ReplicaSets to the Deployment's size: one active
// ReplicaSet takes it all; a saturated new one leaves the old ones none;
// during a rolling update the difference is shared among the active
// ReplicaSets in proportion to their sizes (larger first; newer first when
// growing, older first when shrinking), so that a resize neither hastens
// nor reverts the rollout.
func (r *reconciler) scale(ctx context.Context, d *apps.Deployment, newRS *apps.ReplicaSet, oldRSs []*apps.ReplicaSet) error {
	if rs := findActiveOrLatest(newRS, oldRSs); rs != nil {
		if replicas(rs) == desired(d) {
			return nil
		}
		_, _, err := r.scaleAndRecord(ctx, rs, desired(d), d)
		return err
	}
	if isSaturated(d, newRS) {
		for _, old := range filterActive(oldRSs) {
			if _, _, err := r.scaleAndRecord(ctx, old, 0, d); err != nil {
				return err
			}
		}
		return nil
	}
	if !isRollingUpdate(d) {
		return nil
	}
	all := filterActive(append(slices.Clone(oldRSs), newRS))
	allowed := int32(0)
	if desired(d) > 0 {
		allowed = desired(d) + maxSurge(d)
	}
	toAdd := allowed - sumSpec(all)
	op := ""
	switch {
	case toAdd > 0:
		slices.SortFunc(all, bySizeNewer)
		op = "up"
	case toAdd < 0:
		slices.SortFunc(all, bySizeOlder)
		op = "down"
	}
	sizes := make([]int32, len(all))
	added := int32(0)
	for i, rs := range all {
		sizes[i] = replicas(rs)
		if toAdd != 0 {
			p := proportion(rs, d, toAdd, added)
			sizes[i] += p
			added += p
		}
	}
	// Leftovers (rounding) go to the largest.
	if len(all) > 0 && toAdd != 0 {
		sizes[0] = max(sizes[0]+toAdd-added, 0)
	}
	for i, rs := range all {
		if _, _, err := r.scaleReplicaSet(ctx, rs, sizes[i], d, op); err != nil {
			return err
		}
	}
	return nil
}

func (r *reconciler) scaleAndRecord(ctx context.Context, rs *apps.ReplicaSet, n int32, d *apps.Deployment) (bool, *apps.ReplicaSet, error) {
	if replicas(rs) == n {
		return false, rs, nil
	}
	op := "down"
	if replicas(rs) < n {
		op = "up"
	}
	return r.scaleReplicaSet(ctx, rs, n, d, op)
}

// scaleReplicaSet sets rs's replicas and its desired- and max-replicas
// annotations.
func (r *reconciler) scaleReplicaSet(ctx context.Context, rs *apps.ReplicaSet, n int32, d *apps.Deployment, op string) (bool, *apps.ReplicaSet, error) {
	sizeChanged := replicas(rs) != n
	if !sizeChanged && !replicasAnnotationsNeedUpdate(rs, desired(d), desired(d)+maxSurge(d)) {
		return false, rs, nil
	}
	old := replicas(rs)
	cp := new(meta.DeepCopy(*rs))
	cp.Spec.Replicas = new(n)
	setReplicasAnnotations(cp, desired(d), desired(d)+maxSurge(d))
	out, err := r.rsAPI.Namespace(rs.Namespace).Update(ctx, cp, nil)
	if err != nil {
		return false, nil, err
	}
	if sizeChanged {
		r.rec.Eventf(d, controller.EventNormal, "ScalingReplicaSet", "Scaled %s replica set %s from %d to %d", op, rs.Name, old, n)
	}
	return sizeChanged, out, nil
}

// cleanup deletes the oldest old ReplicaSets beyond revisionHistoryLimit
// that have no pods left.
func (r *reconciler) cleanup(ctx context.Context, d *apps.Deployment, oldRSs []*apps.ReplicaSet) error {
	if !hasRevisionHistoryLimit(d) {
		return nil
	}
	var cleanable []*apps.ReplicaSet
	for _, rs := range oldRSs {
		if rs != nil && rs.DeletionTimestamp == nil {
			cleanable = append(cleanable, rs)
		}
	}
	diff := len(cleanable) - int(*d.Spec.RevisionHistoryLimit)
	if diff <= 0 {
		return nil
	}
	slices.SortFunc(cleanable, byRevision)
	for _, rs := range cleanable[:diff] {
		// Only empty ReplicaSets whose controller has caught up.
		if rs.Status.Replicas != 0 || replicas(rs) != 0 || rs.Generation > rs.Status.ObservedGeneration {
			continue
		}
		if err := r.rsAPI.Namespace(rs.Namespace).Delete(ctx, rs.Name, nil); err != nil && !client.IsNotFound(err) {
			return err
		}
	}
	return nil
}

// syncDeploymentStatus writes the status computed from the ReplicaSets if
// it changed.
func (r *reconciler) syncDeploymentStatus(ctx context.Context, d *apps.Deployment, allRSs []*apps.ReplicaSet, newRS *apps.ReplicaSet) error {
	st := calculateStatus(d, allRSs, newRS)
	if statusEqual(d.Status, st) {
		return nil
	}
	d.Status = st
	return r.writeStatus(ctx, d)
}

// calculateStatus computes d's status from its ReplicaSets, with the
// Available condition; other conditions are carried over.
func calculateStatus(d *apps.Deployment, allRSs []*apps.ReplicaSet, newRS *apps.ReplicaSet) apps.DeploymentStatus {
	available := sumStatus(allRSs, statusAvailable)
	st := apps.DeploymentStatus{
		ObservedGeneration:  d.Generation,
		Replicas:            sumStatus(allRSs, statusReplicas),
		UpdatedReplicas:     sumStatus([]*apps.ReplicaSet{newRS}, statusReplicas),
		ReadyReplicas:       sumStatus(allRSs, statusReady),
		AvailableReplicas:   available,
		UnavailableReplicas: max(sumSpec(allRSs)-available, 0),
		TerminatingReplicas: d.Status.TerminatingReplicas,
		CollisionCount:      d.Status.CollisionCount,
		Conditions:          slices.Clone(d.Status.Conditions),
	}
	if available >= desired(d)-maxUnavailable(d) {
		setCondition(&st, newCondition(apps.DeploymentAvailable, core.ConditionTrue, ReasonMinimumReplicasAvailable, "Deployment has minimum availability."))
	} else {
		setCondition(&st, newCondition(apps.DeploymentAvailable, core.ConditionFalse, ReasonMinimumReplicasUnavailable, "Deployment does not have minimum availability."))
	}
	return st
}

// statusEqual treats nil and empty condition lists as equal.
func statusEqual(a, b apps.DeploymentStatus) bool {
	if len(a.Conditions) == 0 && len(b.Conditions) == 0 {
		a.Conditions, b.Conditions = nil, nil
	}
	return reflect.DeepEqual(a, b)
}
