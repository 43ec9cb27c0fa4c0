package defaultpreemption

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/scheduler"
)

// prepare evicts the candidate's victims — a pod held by a Permit plugin
// is rejected instead — each marked with a DisruptionTarget condition
// first and reported with a Preempted event, then clears the nominations
// of lower-priority pods to the node, which may no longer fit there.
func (pl *DefaultPreemption) prepare(ctx context.Context, c *candidate, pod *core.Pod) *scheduler.Status {
	cl := pl.h.Client()
	var mu sync.Mutex
	var errs []error
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pl.h.Parallelizer().Until(ctx, len(c.victims), func(i int) {
		v := c.victims[i]
		err := pl.evict(ctx, cl, v, pod)
		if err != nil {
			mu.Lock()
			errs = append(errs, err)
			mu.Unlock()
			cancel()
			return
		}
		if r := pl.h.Recorder(); r != nil {
			r.Eventf(v, controller.EventNormal, "Preempted", "Preempted by pod %v on node %v", pod.UID, c.node)
		}
	})
	if err := errors.Join(errs...); err != nil {
		return scheduler.AsStatus(err)
	}
	prio := priority(pod)
	var lower []*core.Pod
	for _, np := range pl.h.NominatedPods(c.node) {
		if priority(np.Pod) < prio {
			lower = append(lower, np.Pod)
		}
	}
	pl.clearNominations(ctx, lower)
	return nil
}

// evict rejects a waiting victim, or marks it and deletes it through the
// API.
func (pl *DefaultPreemption) evict(ctx context.Context, c *client.Client, v, pod *core.Pod) error {
	if w, ok := pl.h.WaitingPod(v.UID); ok {
		w.Reject(Name, "preempted")
		return nil
	}
	if c == nil {
		return errors.New("preemption needs an API client")
	}
	sched := pod.Spec.SchedulerName
	if sched == "" {
		sched = scheduler.DefaultSchedulerName
	}
	cond := core.PodCondition{Type: core.DisruptionTarget, Status: core.ConditionTrue,
		Reason: core.PodReasonPreemptionByScheduler, Message: sched + ": preempting to accommodate a higher priority pod"}
	pods := client.Resource[core.Pod](c).Namespace(v.Namespace)
	if old := core.GetPodCondition(&v.Status, core.DisruptionTarget); old == nil ||
		old.Status != cond.Status || old.Reason != cond.Reason || old.Message != cond.Message {
		cond.LastTransitionTime = meta.Now()
		patch, err := json.Marshal(map[string]any{"status": map[string]any{"conditions": []core.PodCondition{cond}}})
		if err != nil {
			return err
		}
		if _, err := pods.Patch(ctx, v.Name, client.StrategicMergePatch, patch, nil, "status"); err != nil {
			if client.IsNotFound(err) {
				return nil
			}
			return fmt.Errorf("adding the DisruptionTarget condition to pod %s/%s: %w", v.Namespace, v.Name, err)
		}
	}
	// Preconditioned on the UID, so a pod re-created under the same name
	// meanwhile is not the one deleted.
	uid := v.UID
	if err := pods.Delete(ctx, v.Name, &meta.DeleteOptions{Preconditions: &meta.Preconditions{UID: &uid}}); err != nil && !client.IsNotFound(err) {
		return fmt.Errorf("preempting pod %s/%s: %w", v.Namespace, v.Name, err)
	}
	return nil
}

// clearNominations removes status.nominatedNodeName from pods; failures
// are not fatal (the nomination is advisory).
func (pl *DefaultPreemption) clearNominations(ctx context.Context, pods []*core.Pod) {
	c := pl.h.Client()
	if c == nil {
		return
	}
	for _, p := range pods {
		if p.Status.NominatedNodeName == "" {
			continue
		}
		_, _ = client.Resource[core.Pod](c).Namespace(p.Namespace).Patch(ctx, p.Name, client.MergePatch,
			[]byte(`{"status":{"nominatedNodeName":null}}`), nil, "status")
	}
}
