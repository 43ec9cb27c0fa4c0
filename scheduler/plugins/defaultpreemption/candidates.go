package defaultpreemption

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/labels"
	"github.com/spar-dev/spar/api/policy"
	"github.com/spar-dev/spar/scheduler"
)

// candidate is a node where the pod fits once victims are gone.
type candidate struct {
	node    string
	victims []*core.Pod // most important first
	// pdbViolations counts victims whose eviction breaks a budget.
	pdbViolations int
	order         int // position in the search, for a stable tie-break
}

// findCandidates dry-runs preemption on the nodes where it may help (those
// rejected as Unschedulable, not UnschedulableAndUnresolvable), in
// parallel from a random offset, until enough candidates are found. It
// returns the candidates and the statuses of every node that is not one.
func (pl *DefaultPreemption) findCandidates(ctx context.Context, state *scheduler.CycleState, pi *scheduler.PodInfo, filtered scheduler.NodeToStatus) ([]*candidate, scheduler.NodeToStatus, error) {
	all := pl.h.Snapshot().List()
	if len(all) == 0 {
		return nil, nil, errors.New("no nodes available")
	}
	statuses := scheduler.NodeToStatus{}
	unresolvable := scheduler.NewStatus(scheduler.UnschedulableAndUnresolvable, ErrReasonNotHelpful)
	var potential []*scheduler.NodeInfo
	for _, n := range all {
		if filtered[n.Name()].Code() == scheduler.Unschedulable {
			potential = append(potential, n)
		} else {
			statuses[n.Name()] = unresolvable
		}
	}
	if len(potential) == 0 {
		return nil, statuses, nil
	}
	pdbs := pl.listPDBs()
	offset, want := rand.IntN(len(potential)), pl.numCandidates(len(potential))

	var mu sync.Mutex
	var nonViolating, violating []*candidate
	var errs []error
	dctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pl.h.Parallelizer().Until(dctx, len(potential), func(i int) {
		node := potential[(offset+i)%len(potential)].Clone()
		victims, violations, st := pl.selectVictims(ctx, state.Clone(), pi, node, pdbs)
		if st.IsSuccess() && len(victims) == 0 {
			st = scheduler.AsStatus(fmt.Errorf("expected at least one victim pod on node %q", node.Name()))
		}
		mu.Lock()
		defer mu.Unlock()
		if !st.IsSuccess() {
			if st.Code() == scheduler.Error {
				errs = append(errs, st.AsError())
			}
			statuses[node.Name()] = st
			return
		}
		c := &candidate{node: node.Name(), victims: victims, pdbViolations: violations, order: i}
		if violations == 0 {
			nonViolating = append(nonViolating, c)
		} else {
			violating = append(violating, c)
		}
		if len(nonViolating) > 0 && len(nonViolating)+len(violating) >= want {
			cancel()
		}
	})
	byOrder := func(a, b *candidate) int { return a.order - b.order }
	slices.SortFunc(nonViolating, byOrder)
	slices.SortFunc(violating, byOrder)
	return append(nonViolating, violating...), statuses, errors.Join(errs...)
}

// numCandidates is how many candidates to find among n nodes.
func (pl *DefaultPreemption) numCandidates(n int) int {
	c := n * int(pl.percentage) / 100
	return min(max(c, int(pl.absMin)), n)
}

// selectVictims finds the fewest, least important pods to evict from node
// (a clone, changed in place) for pod to fit: it removes every
// lower-priority pod, checks that the pod fits, then gives back as many as
// it can, most important first — the ones whose eviction would break a
// budget before the others. It returns the victims and how many of them
// break a budget.
func (pl *DefaultPreemption) selectVictims(ctx context.Context, state *scheduler.CycleState, pi *scheduler.PodInfo, node *scheduler.NodeInfo, pdbs []*policy.PodDisruptionBudget) ([]*core.Pod, int, *scheduler.Status) {
	remove := func(p *scheduler.PodInfo) *scheduler.Status {
		node.RemovePod(p.Pod.UID)
		return pl.h.RunPreFilterRemovePod(ctx, state, pi, p, node)
	}
	add := func(p *scheduler.PodInfo) *scheduler.Status {
		node.AddPod(p)
		return pl.h.RunPreFilterAddPod(ctx, state, pi, p, node)
	}
	prio := priority(pi.Pod)
	var potential []*scheduler.PodInfo
	for _, p := range slices.Clone(node.Pods) {
		if priority(p.Pod) < prio {
			potential = append(potential, p)
			if st := remove(p); !st.IsSuccess() {
				return nil, 0, st
			}
		}
	}
	if len(potential) == 0 {
		return nil, 0, scheduler.NewStatus(scheduler.UnschedulableAndUnresolvable, ErrReasonNoVictims)
	}
	if st := pl.h.RunFilterPluginsWithNominatedPods(ctx, state, pi, node); !st.IsSuccess() {
		return nil, 0, st
	}
	now := time.Now()
	slices.SortStableFunc(potential, func(a, b *scheduler.PodInfo) int { return moreImportant(a.Pod, b.Pod, now) })
	violatingPods, others := splitByPDBViolation(potential, pdbs)
	var victims []*core.Pod
	violations := 0
	reprieve := func(p *scheduler.PodInfo) (bool, *scheduler.Status) {
		if st := add(p); !st.IsSuccess() {
			return false, st
		}
		if pl.h.RunFilterPluginsWithNominatedPods(ctx, state, pi, node).IsSuccess() {
			return true, nil
		}
		if st := remove(p); !st.IsSuccess() {
			return false, st
		}
		victims = append(victims, p.Pod)
		return false, nil
	}
	for _, p := range violatingPods {
		fits, st := reprieve(p)
		if !st.IsSuccess() {
			return nil, 0, st
		}
		if !fits {
			violations++
		}
	}
	for _, p := range others {
		if _, st := reprieve(p); !st.IsSuccess() {
			return nil, 0, st
		}
	}
	// Keep the victims most important first (pickOne reads the first).
	slices.SortStableFunc(victims, func(a, b *core.Pod) int { return moreImportant(a, b, now) })
	return victims, violations, nil
}

// moreImportant orders pods by priority, highest first, then by start
// time, earliest first (a pod not started yet counts as starting now).
func moreImportant(a, b *core.Pod, now time.Time) int {
	if pa, pb := priority(a), priority(b); pa != pb {
		if pa > pb {
			return -1
		}
		return 1
	}
	return startTime(a, now).Compare(startTime(b, now))
}

func startTime(p *core.Pod, now time.Time) time.Time {
	if p.Status.StartTime != nil {
		return p.Status.StartTime.Time
	}
	return now
}

// splitByPDBViolation splits pods (in order) into those whose eviction,
// counted in order, would take a matching budget's disruptionsAllowed
// below zero, and the others. Pods already in a budget's disruptedPods
// are being evicted and do not count again.
func splitByPDBViolation(pods []*scheduler.PodInfo, pdbs []*policy.PodDisruptionBudget) (violating, others []*scheduler.PodInfo) {
	allowed := make([]int32, len(pdbs))
	sels := make([]labels.Selector, len(pdbs))
	for i, pdb := range pdbs {
		allowed[i] = pdb.Status.DisruptionsAllowed
		if s, err := labels.FromLabelSelector(pdb.Spec.Selector); err == nil {
			sels[i] = s
		}
	}
	for _, p := range pods {
		violated := false
		// A pod without labels matches no budget.
		if len(p.Pod.Labels) > 0 {
			for i, pdb := range pdbs {
				// An invalid, nil or empty selector matches nothing here.
				if pdb.Namespace != p.Pod.Namespace || sels[i] == nil || sels[i].Empty() ||
					!sels[i].Matches(labels.Set(p.Pod.Labels)) {
					continue
				}
				if _, ok := pdb.Status.DisruptedPods[p.Pod.Name]; ok {
					continue
				}
				if allowed[i]--; allowed[i] < 0 {
					violated = true
				}
			}
		}
		if violated {
			violating = append(violating, p)
		} else {
			others = append(others, p)
		}
	}
	return violating, others
}

// pickOne chooses among the candidates, as Kubernetes'
// pickOneNodeForPreemption: the fewest budget violations, then the lowest
// most-important victim, then the smallest sum of priorities, then the
// fewest victims, then the latest start of the most important victims;
// the earliest found among equals.
func pickOne(cs []*candidate) *candidate {
	now := time.Now()
	scores := []func(c *candidate) int64{
		func(c *candidate) int64 { return -int64(c.pdbViolations) },
		func(c *candidate) int64 { return -int64(priority(c.victims[0])) },
		func(c *candidate) int64 {
			var sum int64
			for _, v := range c.victims {
				// Shifted to be non-negative, so that fewer pods of a
				// negative priority do not lose to more of them.
				sum += int64(priority(v)) + math.MaxInt32 + 1
			}
			return -sum
		},
		func(c *candidate) int64 { return -int64(len(c.victims)) },
		func(c *candidate) int64 { return earliestStartOfMostImportant(c.victims, now).UnixNano() },
	}
	for _, score := range scores {
		var best []*candidate
		top := int64(math.MinInt64)
		for _, c := range cs {
			switch s := score(c); {
			case s > top:
				top, best = s, []*candidate{c}
			case s == top:
				best = append(best, c)
			}
		}
		if len(best) == 1 {
			return best[0]
		}
		cs = best
	}
	return cs[0]
}

// earliestStartOfMostImportant is the earliest start time among the
// victims of the highest priority.
func earliestStartOfMostImportant(victims []*core.Pod, now time.Time) time.Time {
	top := priority(victims[0])
	earliest := startTime(victims[0], now)
	for _, v := range victims[1:] {
		switch p := priority(v); {
		case p > top:
			top, earliest = p, startTime(v, now)
		case p == top:
			if t := startTime(v, now); t.Before(earliest) {
				earliest = t
			}
		}
	}
	return earliest
}
