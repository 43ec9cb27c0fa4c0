package deployment

import (
	"context"
	"slices"

	"github.com/spar-dev/spar/api/apps"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/controller"
)

// rolloutRecreate takes one step of a Recreate rollout: scale every old
// ReplicaSet to zero, wait until none of their pods runs, then create (or
// grow) the new ReplicaSet to full size.
func (r *reconciler) rolloutRecreate(ctx context.Context, d *apps.Deployment, rsList []*apps.ReplicaSet) (controller.Result, error) {
	// Do not create the new ReplicaSet yet: that would start new pods
	// before the old ones are gone.
	newRS, oldRSs, err := r.allReplicaSets(ctx, d, rsList, false)
	if err != nil {
		return controller.Result{}, err
	}
	allRSs := append(slices.Clone(oldRSs), newRS)
	scaledDown := false
	for _, rs := range filterActive(oldRSs) {
		scaled, _, err := r.scaleAndRecord(ctx, rs, 0, d)
		if err != nil {
			return controller.Result{}, err
		}
		scaledDown = scaledDown || scaled
	}
	if scaledDown {
		return r.syncRolloutStatus(ctx, d, allRSs, newRS)
	}
	if oldPodsRunning(newRS, oldRSs, r.podsByReplicaSet(d, rsList)) {
		return r.syncRolloutStatus(ctx, d, allRSs, newRS)
	}
	if newRS == nil {
		if newRS, oldRSs, err = r.allReplicaSets(ctx, d, rsList, true); err != nil {
			return controller.Result{}, err
		}
		allRSs = append(slices.Clone(oldRSs), newRS)
	}
	if _, _, err := r.scaleAndRecord(ctx, newRS, desired(d), d); err != nil {
		return controller.Result{}, err
	}
	if deploymentComplete(d, &d.Status) {
		if err := r.cleanup(ctx, d, oldRSs); err != nil {
			return controller.Result{}, err
		}
	}
	return r.syncRolloutStatus(ctx, d, allRSs, newRS)
}

// oldPodsRunning reports whether old ReplicaSets still have pods that may
// run: any they report, or any pod of theirs in the cache that has not
// finished (terminating ones included).
func oldPodsRunning(newRS *apps.ReplicaSet, oldRSs []*apps.ReplicaSet, pods map[meta.UID][]*core.Pod) bool {
	if sumStatus(oldRSs, statusReplicas) > 0 {
		return true
	}
	for uid, list := range pods {
		if newRS != nil && uid == newRS.UID {
			continue
		}
		for _, p := range list {
			if !core.IsPodTerminal(p) {
				return true
			}
		}
	}
	return false
}
