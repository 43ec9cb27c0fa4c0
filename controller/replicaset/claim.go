package replicaset

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spar-dev/spar/api/apps"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/labels"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
)

// claimPods returns the pods rs owns after reconciling ownership as
// Kubernetes' ControllerRefManager does: pods it controls and still
// selects are kept; pods it controls but no longer selects are released
// (their controller reference removed); orphans it selects are adopted
// (a controller reference added); pods controlled by anything else are
// left alone. A ReplicaSet being deleted neither adopts nor releases.
func (r *reconciler) claimPods(ctx context.Context, rs *apps.ReplicaSet, sel labels.Selector, pods []*core.Pod) ([]*core.Pod, error) {
	var (
		claimed []*core.Pod
		errs    []error
		// canAdopt is checked once, before the first adoption.
		adoptChecked bool
		adoptErr     error
	)
	for _, pod := range pods {
		ref := meta.ControllerOf(&pod.ObjectMeta)
		match := sel.Matches(labels.Set(pod.Labels))
		switch {
		case ref != nil && ref.UID != rs.UID:
			// Another controller's.
		case ref != nil && match:
			claimed = append(claimed, pod)
		case ref != nil:
			if rs.DeletionTimestamp != nil {
				continue
			}
			if err := r.release(ctx, rs, pod); err != nil {
				errs = append(errs, err)
			}
		case !match || rs.DeletionTimestamp != nil || pod.DeletionTimestamp != nil:
			// An orphan that is not ours to take.
		default:
			if !adoptChecked {
				adoptChecked = true
				adoptErr = r.canAdopt(ctx, rs)
			}
			if adoptErr != nil {
				errs = append(errs, fmt.Errorf("can't adopt pod %s/%s: %w", pod.Namespace, pod.Name, adoptErr))
				continue
			}
			if err := r.adopt(ctx, rs, pod); err != nil {
				if !client.IsNotFound(err) {
					errs = append(errs, err)
				}
				continue
			}
			claimed = append(claimed, pod)
		}
	}
	return claimed, errors.Join(errs...)
}

// canAdopt re-reads rs from the server, bypassing the cache: a ReplicaSet
// that is being deleted (or was replaced by another of the same name) must
// not take pods that the garbage collector would then delete.
func (r *reconciler) canAdopt(ctx context.Context, rs *apps.ReplicaSet) error {
	fresh, err := r.rsAPI.Namespace(rs.Namespace).Get(ctx, rs.Name)
	if err != nil {
		return err
	}
	if fresh.UID != rs.UID {
		return fmt.Errorf("original ReplicaSet %s/%s is gone: got uid %s, wanted %s", rs.Namespace, rs.Name, fresh.UID, rs.UID)
	}
	if fresh.DeletionTimestamp != nil {
		return fmt.Errorf("%s/%s has just been deleted at %v", rs.Namespace, rs.Name, fresh.DeletionTimestamp.Time)
	}
	return nil
}

// ownerRef is rs as the controller reference of its pods.
func ownerRef(rs *apps.ReplicaSet) meta.OwnerReference {
	t := true
	return meta.OwnerReference{APIVersion: apps.GroupName + "/" + apps.Version, Kind: "ReplicaSet",
		Name: rs.Name, UID: rs.UID, Controller: &t, BlockOwnerDeletion: &t}
}

// adopt adds rs as pod's controller with a strategic merge patch that
// names the pod's UID: the server refuses it (409) if the pod was replaced
// meanwhile, and refuses a second controller reference (422) if another
// controller adopted it first.
func (r *reconciler) adopt(ctx context.Context, rs *apps.ReplicaSet, pod *core.Pod) error {
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{
		"uid":             pod.UID,
		"ownerReferences": []meta.OwnerReference{ownerRef(rs)},
	}})
	if err != nil {
		return err
	}
	_, err = r.podAPI.Namespace(pod.Namespace).Patch(ctx, pod.Name, client.StrategicMergePatch, patch, nil)
	return err
}

// release removes rs's reference from pod. A pod that is gone (404) or no
// longer carries the reference (422) needs nothing more.
func (r *reconciler) release(ctx context.Context, rs *apps.ReplicaSet, pod *core.Pod) error {
	patch := fmt.Appendf(nil, `{"metadata":{"ownerReferences":[{"$patch":"delete","uid":%q}],"uid":%q}}`, rs.UID, pod.UID)
	_, err := r.podAPI.Namespace(pod.Namespace).Patch(ctx, pod.Name, client.StrategicMergePatch, patch, nil)
	if client.IsNotFound(err) || client.IsInvalid(err) {
		return nil
	}
	return err
}
