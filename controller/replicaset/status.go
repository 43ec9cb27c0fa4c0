package replicaset

import (
	"context"
	"fmt"
	"reflect"
	"time"

	"github.com/spar-dev/spar/api/apps"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/labels"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
)

// calculateStatus computes the status of rs from the pods it owns: how
// many there are, how many carry every label of the template, are ready,
// and have been ready for minReadySeconds; and the ReplicaFailure
// condition, set when creating or deleting pods failed (e.g. over quota)
// and removed when a sync succeeds.
func calculateStatus(rs *apps.ReplicaSet, pods []*core.Pod, manageErr error, now time.Time) apps.ReplicaSetStatus {
	st := rs.Status
	tmpl := labels.SelectorFromSet(labels.Set(rs.Spec.Template.Labels))
	var fully, ready, available int32
	for _, p := range pods {
		if tmpl.Matches(labels.Set(p.Labels)) {
			fully++
		}
		if core.IsPodReady(p) {
			ready++
			if core.IsPodAvailable(p, rs.Spec.MinReadySeconds, now) {
				available++
			}
		}
	}
	failure := getCondition(rs.Status, apps.ReplicaSetReplicaFailure)
	switch {
	case manageErr != nil && failure == nil:
		reason := ""
		switch diff := len(pods) - int(replicas(rs)); {
		case diff < 0:
			reason = "FailedCreate"
		case diff > 0:
			reason = "FailedDelete"
		}
		setCondition(&st, apps.ReplicaSetCondition{Type: apps.ReplicaSetReplicaFailure, Status: core.ConditionTrue,
			LastTransitionTime: meta.NewTime(now.Truncate(time.Second)), Reason: reason, Message: manageErr.Error()})
	case manageErr == nil && failure != nil:
		st.Conditions = withoutCondition(st.Conditions, apps.ReplicaSetReplicaFailure)
	}
	st.Replicas = int32(len(pods))
	st.FullyLabeledReplicas = fully
	st.ReadyReplicas = ready
	st.AvailableReplicas = available
	return st
}

func getCondition(st apps.ReplicaSetStatus, t apps.ReplicaSetConditionType) *apps.ReplicaSetCondition {
	for i := range st.Conditions {
		if st.Conditions[i].Type == t {
			return &st.Conditions[i]
		}
	}
	return nil
}

// setCondition adds c, replacing a condition of its type unless that one
// has the same status and reason. It never writes into the slice it was
// given, which may belong to the informer's cache.
func setCondition(st *apps.ReplicaSetStatus, c apps.ReplicaSetCondition) {
	if cur := getCondition(*st, c.Type); cur != nil && cur.Status == c.Status && cur.Reason == c.Reason {
		return
	}
	st.Conditions = append(withoutCondition(st.Conditions, c.Type), c)
}

// withoutCondition returns a new slice without conditions of type t.
func withoutCondition(conds []apps.ReplicaSetCondition, t apps.ReplicaSetConditionType) []apps.ReplicaSetCondition {
	var out []apps.ReplicaSetCondition
	for _, c := range conds {
		if c.Type != t {
			out = append(out, c)
		}
	}
	return out
}

// updateStatus writes st as rs's status if it differs from the stored one
// (or the spec's generation has not been observed yet), retrying on
// conflicts with a fresh copy: a status write must not fail because a
// user edited the ReplicaSet meanwhile.
func (r *reconciler) updateStatus(ctx context.Context, rs *apps.ReplicaSet, st apps.ReplicaSetStatus) (*apps.ReplicaSet, error) {
	cur := rs.Status
	if cur.Replicas == st.Replicas && cur.FullyLabeledReplicas == st.FullyLabeledReplicas &&
		cur.ReadyReplicas == st.ReadyReplicas && cur.AvailableReplicas == st.AvailableReplicas &&
		rs.Generation == cur.ObservedGeneration && conditionsEqual(cur.Conditions, st.Conditions) {
		return rs, nil
	}
	// The generation acted on, not a newer one a retry may read.
	st.ObservedGeneration = rs.Generation
	api := r.rsAPI.Namespace(rs.Namespace)
	obj := *rs
	obj.Status = st
	var out *apps.ReplicaSet
	err := client.RetryOnConflict(ctx, client.DefaultRetry, func() error {
		var err error
		out, err = api.UpdateStatus(ctx, &obj, nil)
		if client.IsConflict(err) {
			fresh, gerr := api.Get(ctx, rs.Name)
			if gerr != nil {
				return gerr
			}
			if fresh.UID != rs.UID {
				return fmt.Errorf("replicaset %s/%s was replaced while its status was written", rs.Namespace, rs.Name)
			}
			obj = *fresh
			obj.Status = st
		}
		return err
	})
	return out, err
}

// conditionsEqual treats nil and empty as equal (the API returns either).
func conditionsEqual(a, b []apps.ReplicaSetCondition) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	return reflect.DeepEqual(a, b)
}
