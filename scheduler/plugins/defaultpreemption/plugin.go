package defaultpreemption

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/policy"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/scheduler"
)

// Name is the plugin's name in the registry and in profiles.
const Name = "DefaultPreemption"

// Args configure the plugin (pluginConfig args, as Kubernetes'
// DefaultPreemptionArgs). The zero value is the defaults. Preemption
// simulates at least max(nodes·MinCandidateNodesPercentage/100,
// MinCandidateNodesAbsolute) candidate nodes (all nodes, if fewer) before
// it picks one, trading the best choice for time in large clusters.
type Args struct {
	// TypeMeta accepts the kind and apiVersion configuration files carry.
	meta.TypeMeta `json:",inline"`
	// MinCandidateNodesPercentage, 0 to 100. Default 10.
	MinCandidateNodesPercentage *int32 `json:"minCandidateNodesPercentage,omitempty"`
	// MinCandidateNodesAbsolute, at least 0. Default 100.
	MinCandidateNodesAbsolute *int32 `json:"minCandidateNodesAbsolute,omitempty"`
}

// Defaults of Args.
const (
	DefaultMinCandidateNodesPercentage int32 = 10
	DefaultMinCandidateNodesAbsolute   int32 = 100
)

// Reasons and messages, as Kubernetes words them.
const (
	ErrReasonNoVictims    = "No preemption victims found for incoming pod"
	ErrReasonNotHelpful   = "Preemption is not helpful for scheduling"
	msgPreemptionNever    = "not eligible due to preemptionPolicy=Never."
	msgTerminatingVictims = "not eligible due to a terminating pod on the nominated node."
)

// DefaultPreemption is the PostFilter plugin that makes room for a pod no
// node fits by evicting lower-priority pods: the fewest and least
// important, respecting PodDisruptionBudgets where it can.
type DefaultPreemption struct {
	h                  scheduler.Handle
	percentage, absMin int32

	pods *controller.Informer[core.Pod, *core.Pod]
	pdbs *controller.Informer[policy.PodDisruptionBudget, *policy.PodDisruptionBudget]
}

var _ scheduler.PostFilterPlugin = (*DefaultPreemption)(nil)

// New builds the plugin; args are decoded strictly into Args.
func New(args json.RawMessage, h scheduler.Handle) (scheduler.Plugin, error) {
	var a Args
	if len(args) > 0 && string(args) != "null" {
		if err := api.DecodeStrict(args, &a); err != nil {
			return nil, fmt.Errorf("%s args: %w", Name, err)
		}
	}
	pl := &DefaultPreemption{h: h, percentage: DefaultMinCandidateNodesPercentage, absMin: DefaultMinCandidateNodesAbsolute}
	if a.MinCandidateNodesPercentage != nil {
		pl.percentage = *a.MinCandidateNodesPercentage
	}
	if a.MinCandidateNodesAbsolute != nil {
		pl.absMin = *a.MinCandidateNodesAbsolute
	}
	switch {
	case pl.percentage < 0 || pl.percentage > 100:
		return nil, fmt.Errorf("%s args: minCandidateNodesPercentage: Invalid value: %d: not in valid range [0, 100]", Name, pl.percentage)
	case pl.absMin < 0:
		return nil, fmt.Errorf("%s args: minCandidateNodesAbsolute: Invalid value: %d: not in valid range [0, inf)", Name, pl.absMin)
	case pl.percentage == 0 && pl.absMin == 0:
		return nil, fmt.Errorf("%s args: minCandidateNodesPercentage and minCandidateNodesAbsolute: Invalid value: cannot be zero at the same time", Name)
	}
	pl.pods = scheduler.GetInformer[core.Pod](h, nil)
	pl.pdbs = scheduler.GetInformer[policy.PodDisruptionBudget](h, nil)
	return pl, nil
}

// Name implements scheduler.Plugin.
func (pl *DefaultPreemption) Name() string { return Name }

// PostFilter implements scheduler.PostFilterPlugin: it finds the nodes
// where evicting lower-priority pods lets the pod fit, picks the best,
// evicts its victims and nominates it. The scheduler writes the
// nomination (status.nominatedNodeName) from the result. Failure messages
// start with "preemption: ", as Kubernetes', since the scheduler appends
// them to the pod's FailedScheduling message.
func (pl *DefaultPreemption) PostFilter(ctx context.Context, state *scheduler.CycleState, pi *scheduler.PodInfo, filtered scheduler.NodeToStatus) (*scheduler.PostFilterResult, *scheduler.Status) {
	r, st := pl.postFilter(ctx, state, pi, filtered)
	if msg := st.Message(); msg != "" && !st.IsSuccess() {
		return r, scheduler.NewStatus(st.Code(), "preemption: "+msg)
	}
	return r, st
}

func (pl *DefaultPreemption) postFilter(ctx context.Context, state *scheduler.CycleState, pi *scheduler.PodInfo, filtered scheduler.NodeToStatus) (*scheduler.PostFilterResult, *scheduler.Status) {
	pod := pi.Pod
	// The queue's copy may be stale (a nomination written since).
	if pl.pods != nil {
		cur, ok := pl.pods.Get(pod.Namespace, pod.Name)
		if !ok || cur.UID != pod.UID {
			return nil, scheduler.AsStatus(fmt.Errorf("pod %q not found", pod.Namespace+"/"+pod.Name))
		}
		pod = cur
	}
	if msg, ok := pl.eligible(pod, filtered[pod.Status.NominatedNodeName]); !ok {
		return nil, scheduler.NewStatus(scheduler.Unschedulable, msg)
	}
	candidates, statuses, err := pl.findCandidates(ctx, state, pi, filtered)
	if err != nil && len(candidates) == 0 {
		return nil, scheduler.AsStatus(err)
	}
	if len(candidates) == 0 {
		if pod.Status.NominatedNodeName != "" {
			// The old nomination cannot hold any more.
			pl.clearNominations(ctx, []*core.Pod{pod})
		}
		fe := &scheduler.FitError{NumAllNodes: len(pl.h.Snapshot().List()), Statuses: statuses}
		return &scheduler.PostFilterResult{}, scheduler.NewStatus(scheduler.Unschedulable, fe.Error())
	}
	best := pickOne(candidates)
	if st := pl.prepare(ctx, best, pod); !st.IsSuccess() {
		return nil, st
	}
	return &scheduler.PostFilterResult{NominatedNodeName: best.node}, nil
}

// eligible reports whether pod may preempt: not with preemptionPolicy
// Never, and not while victims of its last preemption on its nominated
// node are still terminating (unless that node became hopeless).
func (pl *DefaultPreemption) eligible(pod *core.Pod, nominatedStatus *scheduler.Status) (string, bool) {
	if p := pod.Spec.PreemptionPolicy; p != nil && *p == core.PreemptNever {
		return msgPreemptionNever, false
	}
	nom := pod.Status.NominatedNodeName
	if nom == "" || nominatedStatus.Code() == scheduler.UnschedulableAndUnresolvable {
		return "", true
	}
	if n, ok := pl.h.Snapshot().Get(nom); ok {
		prio := priority(pod)
		for _, p := range n.Pods {
			if priority(p.Pod) < prio && terminatingByPreemption(p.Pod) {
				return msgTerminatingVictims, false
			}
		}
	}
	return "", true
}

// terminatingByPreemption reports a pod being deleted by a preemption.
func terminatingByPreemption(p *core.Pod) bool {
	if p.DeletionTimestamp == nil {
		return false
	}
	c := core.GetPodCondition(&p.Status, core.DisruptionTarget)
	return c != nil && c.Status == core.ConditionTrue && c.Reason == core.PodReasonPreemptionByScheduler
}

// priority is spec.priority, 0 when unset.
func priority(p *core.Pod) int32 {
	if p.Spec.Priority != nil {
		return *p.Spec.Priority
	}
	return 0
}

// listPDBs lists the PodDisruptionBudgets (synced before the scheduler's
// first cycle).
func (pl *DefaultPreemption) listPDBs() []*policy.PodDisruptionBudget {
	if pl.pdbs == nil {
		return nil
	}
	return pl.pdbs.List()
}
