package replicaset

import (
	"context"
	"errors"
	"math"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/spar-dev/spar/api/apps"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
)

// slowStartInitialBatch is the first batch of a slow start, as Kubernetes'.
const slowStartInitialBatch = 1

// maxInFlight bounds the requests one sync has in flight at once. The
// batches of a slow start grow to hundreds of calls; sent all at once
// they would exceed the API server's in-flight limit (200 mutating
// requests, as Kubernetes) and come back 429 with a one-second
// Retry-After, where Kubernetes' own controller never gets close (its
// client is limited to 20 requests/s).
var maxInFlight = 64

// manageReplicas creates or deletes pods so that rs has spec.replicas of
// them, at most burst per sync.
func (r *reconciler) manageReplicas(ctx context.Context, rs *apps.ReplicaSet, pods []*core.Pod) error {
	key := controller.Key(rs)
	diff := len(pods) - int(replicas(rs))
	switch {
	case diff < 0:
		n := min(-diff, r.burst)
		// Expect before acting: the informer may deliver a new pod before
		// its create returns.
		r.exp.ExpectCreations(key, n)
		pod := newPod(rs)
		api := r.podAPI.Namespace(rs.Namespace)
		sent, err := slowStartBatch(n, func(int) error {
			created, err := api.Create(ctx, pod, nil)
			if err != nil {
				// The informer will not see this pod.
				r.exp.CreationObserved(key)
				if namespaceTerminating(err) {
					// Every create fails until the namespace is gone.
					return nil
				}
				r.rec.Eventf(rs, controller.EventWarning, "FailedCreate", "Error creating: %v", err)
				return err
			}
			r.rec.Eventf(rs, controller.EventNormal, "SuccessfulCreate", "Created pod: %s", created.Name)
			return nil
		})
		// Pods never sent will not be observed either; the next sync
		// creates them.
		for range n - sent {
			r.exp.CreationObserved(key)
		}
		return err
	case diff > 0:
		n := min(diff, r.burst)
		victims := podsToDelete(pods, r.relatedPods(rs), n, time.Now())
		keys := make([]string, len(victims))
		for i, p := range victims {
			keys[i] = controller.Key(p)
		}
		r.exp.ExpectDeletions(key, keys)
		api := r.podAPI.Namespace(rs.Namespace)
		sent, err := slowStartBatch(n, func(i int) error {
			p := victims[i]
			err := api.Delete(ctx, p.Name, &meta.DeleteOptions{Preconditions: &meta.Preconditions{UID: &p.UID}})
			if err != nil {
				// The informer will not see this deletion.
				r.exp.DeletionObserved(key, keys[i])
				if client.IsNotFound(err) {
					return nil
				}
				r.rec.Eventf(rs, controller.EventWarning, "FailedDelete", "Error deleting: %v", err)
				return err
			}
			r.rec.Eventf(rs, controller.EventNormal, "SuccessfulDelete", "Deleted pod: %s", p.Name)
			return nil
		})
		for _, k := range keys[sent:] {
			r.exp.DeletionObserved(key, k)
		}
		return err
	}
	return nil
}

// slowStartBatch calls fn count times (with indexes 0..count-1) in batches
// that start at slowStartInitialBatch and double while every call
// succeeds: a ReplicaSet whose pods all fail (quota, admission) sends one
// request, not hundreds. It returns how many calls were made (those of
// the first failed batch included) and that batch's first error.
func slowStartBatch(count int, fn func(i int) error) (int, error) {
	next := 0
	sem := make(chan struct{}, maxInFlight)
	for size := min(count, slowStartInitialBatch); size > 0; size = min(2*size, count-next) {
		errs := make([]error, size)
		var wg sync.WaitGroup
		for j := range size {
			sem <- struct{}{}
			wg.Go(func() {
				defer func() { <-sem }()
				errs[j] = fn(next + j)
			})
		}
		wg.Wait()
		next += size
		for _, err := range errs {
			if err != nil {
				return next, err
			}
		}
	}
	return next, nil
}

// newPod is the pod rs creates: its template's labels, annotations,
// finalizers and spec, rs as controller, and a name generated from
// "<rs-name>-".
func newPod(rs *apps.ReplicaSet) *core.Pod {
	t := meta.DeepCopy(rs.Spec.Template)
	return &core.Pod{
		ObjectMeta: meta.ObjectMeta{
			GenerateName:    rs.Name + "-",
			Namespace:       rs.Namespace,
			Labels:          t.Labels,
			Annotations:     t.Annotations,
			Finalizers:      t.Finalizers,
			OwnerReferences: []meta.OwnerReference{ownerRef(rs)},
		},
		Spec: t.Spec,
	}
}

// namespaceTerminating reports whether err is the server refusing a create
// in a namespace that is being deleted.
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

// relatedPods returns the active pods of rs and of the ReplicaSets that
// share its controller (a Deployment's other revisions): scale-down
// prefers pods on nodes crowded with them.
func (r *reconciler) relatedPods(rs *apps.ReplicaSet) []*core.Pod {
	ref := meta.ControllerOf(&rs.ObjectMeta)
	if ref == nil {
		return nil
	}
	var out []*core.Pod
	for _, sib := range r.rsInf.ByIndex(controller.ControllerIndex, string(ref.UID)) {
		if sib.Namespace == rs.Namespace {
			out = append(out, r.podInf.ByIndex(controller.ControllerIndex, string(sib.UID))...)
		}
	}
	return out
}

// podsToDelete returns the n pods to delete first, in Kubernetes' order of
// preference (see byDeletionPreference).
func podsToDelete(pods, related []*core.Pod, n int, now time.Time) []*core.Pod {
	if n >= len(pods) {
		return pods
	}
	onNode := map[string]int{}
	for _, p := range related {
		if isPodActive(p) {
			onNode[p.Spec.NodeName]++
		}
	}
	s := byDeletionPreference{pods: slices.Clone(pods), rank: make([]int, len(pods)), now: now}
	for i, p := range s.pods {
		s.rank[i] = onNode[p.Spec.NodeName]
	}
	sort.Sort(s)
	return s.pods[:n]
}

// DeletionCostAnnotation lowers or raises a pod's place in the deletion
// order of its ReplicaSet (an int32; lower goes first).
const DeletionCostAnnotation = "controller.kubernetes.io/pod-deletion-cost"

var phaseOrder = map[core.PodPhase]int{core.PodPending: 0, core.PodUnknown: 1, core.PodRunning: 2}

// byDeletionPreference sorts pods so that those to delete first come
// first, by Kubernetes' rules (ActivePodsWithRanks, with the
// PodDeletionCost and LogarithmicScaleDown features on, as they are by
// default):
//  1. unassigned before assigned to a node;
//  2. Pending before Unknown before Running;
//  3. not ready before ready;
//  4. lower pod-deletion-cost before higher;
//  5. more related pods on the same node before fewer (rank);
//  6. of two ready pods, the one ready for less time first;
//  7. more container restarts first (regular containers, then sidecars);
//  8. newer before older.
//
// Times in 6 and 8 are compared in powers of two of their age, so pods
// of similar age are equal there and ordered by UID, which spreads
// scale-down over them pseudo-randomly.
type byDeletionPreference struct {
	pods []*core.Pod
	rank []int
	now  time.Time
}

func (s byDeletionPreference) Len() int { return len(s.pods) }

func (s byDeletionPreference) Swap(i, j int) {
	s.pods[i], s.pods[j] = s.pods[j], s.pods[i]
	s.rank[i], s.rank[j] = s.rank[j], s.rank[i]
}

func (s byDeletionPreference) Less(i, j int) bool {
	a, b := s.pods[i], s.pods[j]
	if a.Spec.NodeName != b.Spec.NodeName && (a.Spec.NodeName == "" || b.Spec.NodeName == "") {
		return a.Spec.NodeName == ""
	}
	if pa, pb := phaseOrder[a.Status.Phase], phaseOrder[b.Status.Phase]; pa != pb {
		return pa < pb
	}
	ra, rb := core.IsPodReady(a), core.IsPodReady(b)
	if ra != rb {
		return !ra
	}
	if ca, cb := deletionCost(a), deletionCost(b); ca != cb {
		return ca < cb
	}
	if s.rank[i] != s.rank[j] {
		return s.rank[i] > s.rank[j]
	}
	if ra && rb {
		if ta, tb := readyTime(a), readyTime(b); !ta.Equal(tb) {
			return s.newer(a, b, ta, tb)
		}
	}
	rega, sidea := maxRestarts(a)
	regb, sideb := maxRestarts(b)
	if rega != regb {
		return rega > regb
	}
	if sidea != sideb {
		return sidea > sideb
	}
	if ta, tb := a.CreationTimestamp.Time, b.CreationTimestamp.Time; !ta.Equal(tb) {
		return s.newer(a, b, ta, tb)
	}
	return false
}

// newer orders a before b by two different times of theirs: a zero
// (unknown) time first, then by the power of two of their age (younger
// first), then by UID.
func (s byDeletionPreference) newer(a, b *core.Pod, ta, tb time.Time) bool {
	if ta.IsZero() || tb.IsZero() {
		return ta.IsZero()
	}
	if s.now.IsZero() {
		return ta.After(tb)
	}
	if d := logRank(s.now.Sub(ta)) - logRank(s.now.Sub(tb)); d != 0 {
		return d < 0
	}
	return a.UID < b.UID
}

// logRank is the base-2 logarithm of an age, -1 for none.
func logRank(d time.Duration) int64 {
	if d <= 0 {
		return -1
	}
	return int64(math.Log2(float64(d)))
}

func deletionCost(p *core.Pod) int32 {
	v, ok := p.Annotations[DeletionCostAnnotation]
	if !ok {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil {
		return 0
	}
	return int32(n)
}

// readyTime is when the pod last became ready.
func readyTime(p *core.Pod) time.Time {
	if c := core.GetPodCondition(&p.Status, core.PodReady); c != nil && c.Status == core.ConditionTrue {
		return c.LastTransitionTime.Time
	}
	return time.Time{}
}

// maxRestarts returns the highest restart count of the pod's regular
// containers and of its sidecars (restartable init containers).
func maxRestarts(p *core.Pod) (regular, sidecar int32) {
	for _, c := range p.Status.ContainerStatuses {
		regular = max(regular, c.RestartCount)
	}
	sidecars := map[string]bool{}
	for i := range p.Spec.InitContainers {
		if c := &p.Spec.InitContainers[i]; core.IsRestartableInitContainer(c) {
			sidecars[c.Name] = true
		}
	}
	for _, c := range p.Status.InitContainerStatuses {
		if sidecars[c.Name] {
			sidecar = max(sidecar, c.RestartCount)
		}
	}
	return regular, sidecar
}
