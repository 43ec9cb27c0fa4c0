package deployment

import (
	"context"
	"fmt"
	"slices"

	"github.com/spar-dev/spar/api/apps"
	"github.com/spar-dev/spar/controller"
)

// rolloutRolling takes one step of a rolling update: grow the new
// ReplicaSet as far as maxSurge allows, else shrink old ones as far as
// maxUnavailable allows, else (the rollout done) clean up old ReplicaSets;
// then record progress.
func (r *reconciler) rolloutRolling(ctx context.Context, d *apps.Deployment, rsList []*apps.ReplicaSet) (controller.Result, error) {
	newRS, oldRSs, err := r.allReplicaSets(ctx, d, rsList, true)
	if err != nil {
		return controller.Result{}, err
	}
	allRSs := append(slices.Clone(oldRSs), newRS)

	scaledUp, err := r.reconcileNewReplicaSet(ctx, d, allRSs, newRS)
	if err != nil {
		return controller.Result{}, err
	}
	if scaledUp {
		return r.syncRolloutStatus(ctx, d, allRSs, newRS)
	}
	scaledDown, err := r.reconcileOldReplicaSets(ctx, d, allRSs, filterActive(oldRSs), newRS)
	if err != nil {
		return controller.Result{}, err
	}
	if scaledDown {
		return r.syncRolloutStatus(ctx, d, allRSs, newRS)
	}
	if deploymentComplete(d, &d.Status) {
		if err := r.cleanup(ctx, d, oldRSs); err != nil {
			return controller.Result{}, err
		}
	}
	return r.syncRolloutStatus(ctx, d, allRSs, newRS)
}

func (r *reconciler) reconcileNewReplicaSet(ctx context.Context, d *apps.Deployment, allRSs []*apps.ReplicaSet, newRS *apps.ReplicaSet) (bool, error) {
	switch {
	case replicas(newRS) == desired(d):
		return false, nil
	case replicas(newRS) > desired(d):
		scaled, _, err := r.scaleAndRecord(ctx, newRS, desired(d), d)
		return scaled, err
	}
	n, err := newRSNewReplicas(d, allRSs, newRS)
	if err != nil {
		return false, err
	}
	scaled, _, err := r.scaleAndRecord(ctx, newRS, n, d)
	return scaled, err
}

// reconcileOldReplicaSets shrinks old ReplicaSets: first their unhealthy
// pods (that costs no availability), then as many available pods as
// maxUnavailable allows. It never counts on more than the new
// ReplicaSet's available pods, so that new pods that fail to become
// available do not let old ones go (see Kubernetes' rolling.go for the
// reasoning).
func (r *reconciler) reconcileOldReplicaSets(ctx context.Context, d *apps.Deployment, allRSs, oldRSs []*apps.ReplicaSet, newRS *apps.ReplicaSet) (bool, error) {
	if sumSpec(oldRSs) == 0 {
		return false, nil
	}
	minAvailable := desired(d) - maxUnavailable(d)
	newUnavailable := replicas(newRS) - availableBound(newRS)
	maxScaledDown := sumSpec(allRSs) - minAvailable - newUnavailable
	if maxScaledDown <= 0 {
		return false, nil
	}
	oldRSs, cleaned, err := r.cleanupUnhealthyReplicas(ctx, d, oldRSs, maxScaledDown)
	if err != nil {
		return false, err
	}
	allRSs = append(slices.Clone(oldRSs), newRS)
	scaled, err := r.scaleDownOldReplicaSets(ctx, d, allRSs, oldRSs)
	if err != nil {
		return false, err
	}
	return cleaned+scaled > 0, nil
}

// cleanupUnhealthyReplicas shrinks old ReplicaSets, oldest first, by
// their pods that are not available (the ReplicaSet controller deletes
// those first), at most maxCleanup in all.
func (r *reconciler) cleanupUnhealthyReplicas(ctx context.Context, d *apps.Deployment, oldRSs []*apps.ReplicaSet, maxCleanup int32) ([]*apps.ReplicaSet, int32, error) {
	oldRSs = slices.Clone(oldRSs)
	slices.SortFunc(oldRSs, byCreation)
	var total int32
	for i, rs := range oldRSs {
		if total >= maxCleanup {
			break
		}
		unhealthy := replicas(rs) - availableBound(rs)
		if replicas(rs) == 0 || unhealthy <= 0 {
			continue
		}
		n := min(maxCleanup-total, unhealthy)
		_, updated, err := r.scaleAndRecord(ctx, rs, replicas(rs)-n, d)
		if err != nil {
			return nil, total, err
		}
		total += n
		oldRSs[i] = updated
	}
	return oldRSs, total, nil
}

// scaleDownOldReplicaSets shrinks old ReplicaSets, oldest first, by the
// available pods beyond desired - maxUnavailable.
func (r *reconciler) scaleDownOldReplicaSets(ctx context.Context, d *apps.Deployment, allRSs, oldRSs []*apps.ReplicaSet) (int32, error) {
	minAvailable := desired(d) - maxUnavailable(d)
	available := sumAvailableBound(allRSs)
	if available <= minAvailable {
		return 0, nil
	}
	oldRSs = slices.Clone(oldRSs)
	slices.SortFunc(oldRSs, byCreation)
	want := available - minAvailable
	var total int32
	for _, rs := range oldRSs {
		if total >= want {
			break
		}
		if replicas(rs) == 0 {
			continue
		}
		n := min(replicas(rs), want-total)
		if n < 0 {
			return total, fmt.Errorf("invalid scale-down of replica set %s/%s by %d", rs.Namespace, rs.Name, n)
		}
		if _, _, err := r.scaleAndRecord(ctx, rs, replicas(rs)-n, d); err != nil {
			return total, err
		}
		total += n
	}
	return total, nil
}
