package deployment

import (
	"context"
	"fmt"
	"time"

	"github.com/spar-dev/spar/api/apps"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/controller"
)

// syncRolloutStatus writes the status of a rollout step with the
// Progressing condition: NewReplicaSetAvailable when the rollout is
// complete, ReplicaSetUpdated (its update time refreshed) whenever
// progress shows, ProgressDeadlineExceeded when none showed for
// progressDeadlineSeconds. A rollout still waiting is looked at again when
// its deadline would pass.
func (r *reconciler) syncRolloutStatus(ctx context.Context, d *apps.Deployment, allRSs []*apps.ReplicaSet, newRS *apps.ReplicaSet) (controller.Result, error) {
	st := calculateStatus(d, allRSs, newRS)
	if !hasProgressDeadline(d) {
		removeCondition(&st, apps.DeploymentProgressing)
	}
	cur := getCondition(d.Status, apps.DeploymentProgressing)
	// A resync after the rollout completed: no progress to estimate.
	complete := st.Replicas == st.UpdatedReplicas && cur != nil && cur.Reason == ReasonNewReplicaSetAvailable
	if hasProgressDeadline(d) && !complete {
		name := fmt.Sprintf("Deployment %q", d.Name)
		if newRS != nil {
			name = fmt.Sprintf("ReplicaSet %q", newRS.Name)
		}
		switch {
		case deploymentComplete(d, &st):
			setCondition(&st, newCondition(apps.DeploymentProgressing, core.ConditionTrue, ReasonNewReplicaSetAvailable,
				name+" has successfully progressed."))
		case deploymentProgressing(d, &st):
			// Unlike other conditions, this one is refreshed (its update
			// time) with the same reason at every sign of progress.
			c := newCondition(apps.DeploymentProgressing, core.ConditionTrue, ReasonReplicaSetUpdated, name+" is progressing.")
			if cur != nil {
				if cur.Status == core.ConditionTrue {
					c.LastTransitionTime = cur.LastTransitionTime
				}
				removeCondition(&st, apps.DeploymentProgressing)
			}
			setCondition(&st, c)
		case deploymentTimedOut(d, &st, time.Now()):
			setCondition(&st, newCondition(apps.DeploymentProgressing, core.ConditionFalse, ReasonProgressDeadlineExceeded,
				name+" has timed out progressing."))
		}
	}
	// The ReplicaSets' failures (quota) show on the Deployment, the new
	// ReplicaSet's first.
	if c := replicaFailure(allRSs, newRS); c != nil {
		setCondition(&st, *c)
	} else {
		removeCondition(&st, apps.DeploymentReplicaFailure)
	}
	if statusEqual(d.Status, st) {
		return controller.Result{RequeueAfter: requeueStuck(d, st, time.Now())}, nil
	}
	d.Status = st
	return controller.Result{}, r.writeStatus(ctx, d)
}

func replicaFailure(allRSs []*apps.ReplicaSet, newRS *apps.ReplicaSet) *apps.DeploymentCondition {
	for _, rs := range append([]*apps.ReplicaSet{newRS}, allRSs...) {
		if rs == nil {
			continue
		}
		for _, c := range rs.Status.Conditions {
			if c.Type == apps.ReplicaSetReplicaFailure {
				return &apps.DeploymentCondition{Type: apps.DeploymentReplicaFailure, Status: c.Status,
					LastUpdateTime: c.LastTransitionTime, LastTransitionTime: c.LastTransitionTime, Reason: c.Reason, Message: c.Message}
			}
		}
	}
	return nil
}

// deploymentComplete: every replica updated and available, none old, the
// latest spec observed.
func deploymentComplete(d *apps.Deployment, st *apps.DeploymentStatus) bool {
	return st.UpdatedReplicas == desired(d) && st.Replicas == desired(d) &&
		st.AvailableReplicas == desired(d) && st.ObservedGeneration >= d.Generation
}

// deploymentProgressing: compared with the stored status, more pods are
// updated, ready or available, or fewer old ones remain.
func deploymentProgressing(d *apps.Deployment, st *apps.DeploymentStatus) bool {
	old := d.Status
	return st.UpdatedReplicas > old.UpdatedReplicas ||
		st.Replicas-st.UpdatedReplicas < old.Replicas-old.UpdatedReplicas ||
		st.ReadyReplicas > old.ReadyReplicas ||
		st.AvailableReplicas > old.AvailableReplicas
}

// deploymentTimedOut: the Progressing condition was last updated more than
// progressDeadlineSeconds ago (or already says so).
func deploymentTimedOut(d *apps.Deployment, st *apps.DeploymentStatus, now time.Time) bool {
	if !hasProgressDeadline(d) {
		return false
	}
	c := getCondition(*st, apps.DeploymentProgressing)
	if c == nil {
		return false
	}
	if c.Reason == ReasonProgressDeadlineExceeded {
		return true
	}
	return c.LastUpdateTime.Add(time.Duration(*d.Spec.ProgressDeadlineSeconds) * time.Second).Before(now)
}

// requeueStuck returns when to look at a rollout again to check its
// deadline, 0 when there is nothing to check.
func requeueStuck(d *apps.Deployment, st apps.DeploymentStatus, now time.Time) time.Duration {
	cur := getCondition(d.Status, apps.DeploymentProgressing)
	if !hasProgressDeadline(d) || cur == nil {
		return 0
	}
	if deploymentComplete(d, &st) || cur.Reason == ReasonProgressDeadlineExceeded {
		return 0
	}
	after := cur.LastUpdateTime.Add(time.Duration(*d.Spec.ProgressDeadlineSeconds) * time.Second).Sub(now)
	// Condition times have whole seconds: a second more, as Kubernetes.
	return max(after, 0) + time.Second
}
