package scheduler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/storage"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
)

// Options configure a Scheduler. Registry is required; the zero value of
// every other field means its default.
type Options struct {
	// Registry holds the plugin factories (scheduler/plugins.Registry for
	// the defaults). Required.
	Registry Registry
	// DefaultPlugins are the plugins every profile starts from (usually
	// scheduler/plugins.Defaults). Default: none.
	DefaultPlugins *Plugins
	// Configuration holds the profiles. Default: one default-scheduler
	// profile with DefaultPlugins.
	Configuration *Configuration
	// Queue tunes backoff. Default: QueueOptions defaults.
	Queue QueueOptions
	// AssumeTTL is how long an assumed pod whose binding finished is kept
	// without the informer confirming it. Default 30s.
	AssumeTTL time.Duration
	// Logger receives scheduling decisions at V(2) and failures. Default:
	// discard.
	Logger logr.Logger
}

// Scheduler assigns nodes to pods: pops a pod, filters and scores nodes
// with its profile's plugins, reserves, and binds asynchronously so the
// next pod's cycle starts at once (DESIGN.md, "scheduler").
type Scheduler struct {
	client   *client.Client
	mgr      *controller.Manager
	opts     Options
	log      logr.Logger
	parallel Parallelizer

	profiles  map[string]*Framework
	cache     *Cache
	queue     *Queue
	snapshot  *Snapshot
	nominator *nominator

	pods       *controller.Informer[core.Pod, *core.Pod]
	nodes      *controller.Informer[core.Node, *core.Node]
	namespaces *controller.Informer[core.Namespace, *core.Namespace]

	percentage int32
	nextStart  int
	binding    sync.WaitGroup

	// syncs are the informers to wait for before the first cycle.
	syncMu sync.Mutex
	syncs  []cacheSyncer
}

type cacheSyncer interface {
	WaitForCacheSync(ctx context.Context) bool
}

// GetInformer returns the shared informer of kind T of h's manager (nil
// when h has none), as controller.GetInformer does, and, when h is a
// scheduler's framework, makes that scheduler wait for the informer's
// first list before its first scheduling cycle: plugins that read
// informers get them here and need not wait themselves. (A Handle of
// another kind, such as plugintest's, leaves waiting to its user.)
func GetInformer[T any, PT controller.Object[T]](h Handle, opts *controller.InformerOptions) *controller.Informer[T, PT] {
	m := h.Manager()
	if m == nil {
		return nil
	}
	inf := controller.GetInformer[T, PT](m, opts)
	if f, ok := h.(*Framework); ok {
		f.s.syncMu.Lock()
		f.s.syncs = append(f.s.syncs, inf)
		f.s.syncMu.Unlock()
	}
	return inf
}

// New builds a scheduler on m's client and shared informers and adds it to
// m as a Runnable: it schedules while m leads.
func New(m *controller.Manager, opts Options) (*Scheduler, error) {
	if opts.Registry == nil {
		return nil, errors.New("scheduler: Options.Registry is required")
	}
	cfg := opts.Configuration
	if cfg == nil {
		cfg = &Configuration{}
	}
	if len(cfg.Profiles) == 0 {
		cfg.Profiles = []Profile{{SchedulerName: DefaultSchedulerName}}
	}
	s := &Scheduler{
		client: m.Client(), mgr: m, opts: opts, log: opts.Logger,
		parallel:  Parallelizer{Workers: int(cfg.Parallelism)},
		profiles:  map[string]*Framework{},
		cache:     NewCache(opts.AssumeTTL),
		snapshot:  NewSnapshot(),
		nominator: newNominator(),
	}
	if s.parallel.Workers <= 0 {
		s.parallel.Workers = 16
	}
	s.percentage = cfg.PercentageOfNodesToScore
	var first *Framework
	for _, p := range cfg.Profiles {
		if p.SchedulerName == "" {
			p.SchedulerName = DefaultSchedulerName
		}
		if _, dup := s.profiles[p.SchedulerName]; dup {
			return nil, fmt.Errorf("scheduler: two profiles named %q", p.SchedulerName)
		}
		f, err := newFramework(s, opts.Registry, opts.DefaultPlugins, p)
		if err != nil {
			return nil, err
		}
		s.profiles[p.SchedulerName] = f
		if first == nil {
			first = f
		}
	}
	// All profiles share one queue ordered by the first profile's
	// QueueSort, as Kubernetes requires them to agree.
	s.queue = NewQueue(first.queueSort.Less, s.eventsOf, &opts.Queue)
	s.queue.admit = s.admit

	s.pods = GetInformer[core.Pod](s.handle(), nil)
	s.nodes = GetInformer[core.Node](s.handle(), nil)
	s.namespaces = GetInformer[core.Namespace](s.handle(), nil)
	s.pods.AddHandler(controller.HandlerFuncs[core.Pod]{
		AddFunc:    func(p *core.Pod, _ bool) { s.onPodAdd(p) },
		UpdateFunc: s.onPodUpdate,
		DeleteFunc: s.onPodDelete,
	})
	s.nodes.AddHandler(controller.HandlerFuncs[core.Node]{
		AddFunc: func(n *core.Node, _ bool) {
			s.cache.AddNode(n)
			s.queue.OnEvent(ClusterEvent{EventNode, Add})
		},
		UpdateFunc: func(old, n *core.Node) {
			s.cache.UpdateNode(n)
			if a := nodeChange(old, n); a != 0 {
				s.queue.OnEvent(ClusterEvent{EventNode, a})
			}
		},
		DeleteFunc: func(n *core.Node) {
			s.cache.RemoveNode(n.Name)
			s.queue.OnEvent(ClusterEvent{EventNode, Delete})
		},
	})
	// Storage objects are watched only when a plugin asked for their
	// events (VolumeBinding does), as Kubernetes adds the event handlers
	// the profiles' plugins need.
	if s.wantsEvents(EventPersistentVolumeClaim) {
		watchEvents(s, GetInformer[core.PersistentVolumeClaim](s.handle(), nil), EventPersistentVolumeClaim)
	}
	if s.wantsEvents(EventPersistentVolume) {
		watchEvents(s, GetInformer[core.PersistentVolume](s.handle(), nil), EventPersistentVolume)
	}
	if s.wantsEvents(EventStorageClass) {
		watchEvents(s, GetInformer[storage.StorageClass](s.handle(), nil), EventStorageClass)
	}
	m.AddRunnable(s)
	return s, nil
}

// admit runs the pod's profile's PreEnqueue plugins.
func (s *Scheduler) admit(pod *core.Pod) bool {
	name := pod.Spec.SchedulerName
	if name == "" {
		name = DefaultSchedulerName
	}
	f := s.profiles[name]
	if f == nil {
		return false
	}
	for _, p := range f.preEnqueue {
		if !p.PreEnqueue(context.Background(), pod).IsSuccess() {
			return false
		}
	}
	return true
}

// handle is the first profile's framework, through which the scheduler
// registers its own informers as the plugins do theirs.
func (s *Scheduler) handle() Handle {
	for _, f := range s.profiles {
		return f
	}
	return nil
}

// wantsEvents reports whether a plugin of any profile registered events
// about r (a wildcard registration does not count: it asks for any event
// the scheduler sees, not for new informers).
func (s *Scheduler) wantsEvents(r EventResource) bool {
	for _, f := range s.profiles {
		for _, evs := range f.events {
			for _, e := range evs {
				if e.Resource == r {
					return true
				}
			}
		}
	}
	return false
}

// watchEvents turns inf's changes into queue events about r: an update
// is not classified further, so it matches any update a plugin asked for.
func watchEvents[T any, PT controller.Object[T]](s *Scheduler, inf *controller.Informer[T, PT], r EventResource) {
	inf.AddHandler(controller.HandlerFuncs[T]{
		AddFunc:    func(*T, bool) { s.queue.OnEvent(ClusterEvent{r, Add}) },
		UpdateFunc: func(*T, *T) { s.queue.OnEvent(ClusterEvent{r, Update}) },
		DeleteFunc: func(*T) { s.queue.OnEvent(ClusterEvent{r, Delete}) },
	})
}

// eventsOf returns the events a plugin registered (of any profile).
func (s *Scheduler) eventsOf(plugin string) []ClusterEvent {
	for _, f := range s.profiles {
		if e, ok := f.events[plugin]; ok {
			return e
		}
	}
	return []ClusterEvent{{EventWildcard, All}}
}

// nodeChange classifies a node update for the queue.
func nodeChange(old, n *core.Node) ActionType {
	var a ActionType
	if !labelsEqual(old.Labels, n.Labels) {
		a |= UpdateNodeLabel
	}
	if fmt.Sprint(old.Spec.Taints) != fmt.Sprint(n.Spec.Taints) || old.Spec.Unschedulable != n.Spec.Unschedulable {
		a |= UpdateNodeTaint
	}
	if fmt.Sprint(old.Status.Allocatable) != fmt.Sprint(n.Status.Allocatable) {
		a |= UpdateNodeAllocatable
	}
	if nodeReady(old) != nodeReady(n) {
		a |= UpdateNodeCondition
	}
	return a
}

func nodeReady(n *core.Node) bool { return n.Ready() }

func (s *Scheduler) responsibleFor(p *core.Pod) bool {
	name := p.Spec.SchedulerName
	if name == "" {
		name = DefaultSchedulerName
	}
	_, ok := s.profiles[name]
	return ok
}

func (s *Scheduler) onPodAdd(p *core.Pod) {
	switch {
	case p.Spec.NodeName != "":
		if !core.IsPodTerminal(p) {
			s.cache.AddPod(p)
			s.nominator.remove(p.UID)
			s.queue.OnEvent(ClusterEvent{EventAssignedPod, Add})
		}
	case s.responsibleFor(p) && p.DeletionTimestamp == nil:
		s.queue.Add(p)
		if p.Status.NominatedNodeName != "" {
			s.nominator.add(NewPodInfo(p), p.Status.NominatedNodeName)
		}
	}
}

func (s *Scheduler) onPodUpdate(old, p *core.Pod) {
	switch {
	case old.Spec.NodeName == "" && p.Spec.NodeName != "":
		// Bound (by us or anyone): leave the queue, enter the cache.
		s.queue.Delete(p.UID)
		s.nominator.remove(p.UID)
		s.cache.AddPod(p)
		s.queue.OnEvent(ClusterEvent{EventAssignedPod, Add})
	case p.Spec.NodeName != "":
		if core.IsPodTerminal(p) {
			s.cache.RemovePod(p.UID)
			s.queue.OnEvent(ClusterEvent{EventAssignedPod, Delete})
			return
		}
		prev, cur := s.cache.addPod(p)
		var a ActionType
		if !labelsEqual(old.Labels, p.Labels) {
			a |= UpdatePodLabel
		}
		if scaledDown(prev, cur) {
			a |= UpdatePodScaleDown
		}
		if a != 0 {
			s.queue.OnEvent(ClusterEvent{EventAssignedPod, a})
		}
	case s.responsibleFor(p):
		if p.DeletionTimestamp != nil {
			s.forget(p.UID)
			return
		}
		s.queue.Update(p)
		s.nominator.update(old, p)
	}
}

func (s *Scheduler) onPodDelete(p *core.Pod) {
	if p.Spec.NodeName != "" {
		s.cache.RemovePod(p.UID)
		s.queue.OnEvent(ClusterEvent{EventAssignedPod, Delete})
		return
	}
	s.forget(p.UID)
}

// forget drops a pending pod that is being deleted: from the queue, the
// nominator, and from Permit if it waits there (its binding cycle then
// unreserves it).
func (s *Scheduler) forget(uid meta.UID) {
	s.queue.Delete(uid)
	s.nominator.remove(uid)
	for _, f := range s.profiles {
		if w, ok := f.WaitingPod(uid); ok {
			w.Reject("", "removed")
		}
	}
}

// scaledDown reports whether a bound pod's requests went down (an in-place
// resize), which may let pods that did not fit its node fit now.
func scaledDown(old, cur *PodInfo) bool {
	if old == nil {
		return false
	}
	o, n := &old.Requests, &cur.Requests
	if n.MilliCPU < o.MilliCPU || n.Memory < o.Memory || n.EphemeralStorage < o.EphemeralStorage {
		return true
	}
	for k, v := range o.Scalar {
		if n.Scalar[k] < v {
			return true
		}
	}
	return false
}

func (s *Scheduler) namespaceLabels(ns string) map[string]string {
	n, ok := s.namespaces.Get("", ns)
	if !ok {
		return nil
	}
	return n.Labels
}

// Run schedules until ctx is done. Pending bindings finish first. The
// first cycle waits for every informer the scheduler and its plugins got
// through GetInformer to load its first list, so no plugin decides on a
// cache still filling.
func (s *Scheduler) Run(ctx context.Context) error {
	s.syncMu.Lock()
	syncs := slices.Clone(s.syncs)
	s.syncMu.Unlock()
	for _, inf := range syncs {
		if !inf.WaitForCacheSync(ctx) {
			return nil
		}
	}
	go s.queue.Run(ctx)
	go s.expireAssumed(ctx)
	for {
		qp := s.queue.Pop(ctx)
		if qp == nil {
			break
		}
		s.scheduleOne(ctx, qp)
	}
	s.binding.Wait()
	return nil
}

func (s *Scheduler) expireAssumed(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if gone := s.cache.expire(now); len(gone) > 0 {
				s.log.Info("assumed pods expired without their binding showing up", "count", len(gone))
				s.queue.OnEvent(ClusterEvent{EventAssignedPod, Delete})
			}
		}
	}
}

// scheduleOne runs one scheduling cycle for qp and starts its binding.
func (s *Scheduler) scheduleOne(ctx context.Context, qp *QueuedPod) {
	pod := qp.Pod
	// The informer may have moved on: skip pods deleted or bound meanwhile.
	if cur, ok := s.pods.Get(pod.Namespace, pod.Name); !ok || cur.UID != pod.UID || cur.Spec.NodeName != "" || cur.DeletionTimestamp != nil {
		s.queue.Done(pod.UID)
		return
	}
	name := pod.Spec.SchedulerName
	if name == "" {
		name = DefaultSchedulerName
	}
	f := s.profiles[name]
	start := time.Now()
	state := NewCycleState()
	s.cache.UpdateSnapshot(s.snapshot)
	node, fitErr, st := s.schedulePod(ctx, f, state, qp.PodInfo)
	if !st.IsSuccess() {
		s.fail(ctx, f, qp, st, fitErr, state)
		return
	}
	// Assume: the cache counts the pod on its node from now on, so the next
	// cycle sees it although the binding is still being written.
	assumed := *pod
	assumed.Spec.NodeName = node
	// The node name changes nothing NewPodInfo computes: share the rest
	// (PodInfos are read-only).
	pic := *qp.PodInfo
	pic.Pod = &assumed
	api := &pic
	s.cache.AssumePod(api, node)
	if st := f.runReserve(ctx, state, api, node); !st.IsSuccess() {
		s.cache.ForgetPod(pod.UID)
		s.fail(ctx, f, qp, st, nil, nil)
		return
	}
	w, st := f.runPermit(ctx, state, api, node)
	if !st.IsSuccess() && st.Code() != Wait {
		f.runUnreserve(ctx, state, api, node)
		s.cache.ForgetPod(pod.UID)
		s.fail(ctx, f, qp, st, nil, nil)
		return
	}
	s.log.V(2).Info("scheduled", "pod", pod.Namespace+"/"+pod.Name, "node", node, "latency", time.Since(start))
	s.binding.Add(1)
	go func() {
		defer s.binding.Done()
		s.bindingCycle(ctx, f, state, qp, api, node, w)
	}()
}

// bindingCycle waits for permits, runs PreBind, Bind and PostBind.
func (s *Scheduler) bindingCycle(ctx context.Context, f *Framework, state *CycleState, qp *QueuedPod, pi *PodInfo, node string, w *waitingPod) {
	st := (*Status)(nil)
	if w != nil {
		st = f.waitOnPermit(ctx, w)
	}
	if st.IsSuccess() {
		st = f.runPreBind(ctx, state, pi, node)
	}
	if st.IsSuccess() {
		st = f.runBind(ctx, state, pi, node)
	}
	if !st.IsSuccess() {
		f.runUnreserve(ctx, state, pi, node)
		s.cache.ForgetPod(pi.Pod.UID)
		// The freed room may let others fit.
		s.queue.OnEvent(ClusterEvent{EventAssignedPod, Delete})
		s.fail(ctx, f, qp, st, nil, nil)
		return
	}
	s.cache.FinishBinding(pi.Pod.UID)
	s.queue.Done(pi.Pod.UID)
	f.runPostBind(ctx, state, pi, node)
	f.recorder.Eventf(qp.Pod, controller.EventNormal, "Scheduled", "Successfully assigned %s/%s to %s", qp.Pod.Namespace, qp.Pod.Name, node)
}

// FitError explains why no node fits a pod.
type FitError struct {
	NumAllNodes int
	// Statuses of the rejected nodes.
	Statuses NodeToStatus
	// PreFilterMessage is set when a PreFilter plugin rejected the pod.
	PreFilterMessage string
	// PostFilterMessage is preemption's outcome.
	PostFilterMessage string
}

// Error renders Kubernetes' message: "0/5 nodes are available: 3
// Insufficient cpu, 2 node(s) had untolerated taint {dedicated: gpu}.
// preemption: ...".
func (e *FitError) Error() string {
	msg := fmt.Sprintf("0/%d nodes are available", e.NumAllNodes)
	if e.PreFilterMessage != "" {
		msg += ": " + e.PreFilterMessage
	} else {
		counts := map[string]int{}
		for _, st := range e.Statuses {
			for _, r := range st.Reasons() {
				counts[r]++
			}
		}
		reasons := make([]string, 0, len(counts))
		for r, n := range counts {
			reasons = append(reasons, fmt.Sprintf("%d %s", n, r))
		}
		sort.Strings(reasons)
		if len(reasons) > 0 {
			msg += ": " + strings.Join(reasons, ", ")
		}
	}
	msg += "."
	if e.PostFilterMessage != "" {
		msg += " " + e.PostFilterMessage
	}
	return msg
}

// schedulePod finds the node for a pod: PreFilter, Filter (stopping once
// enough nodes fit), PostFilter when none does, PreScore and Score.
func (s *Scheduler) schedulePod(ctx context.Context, f *Framework, state *CycleState, pi *PodInfo) (string, *FitError, *Status) {
	all := s.snapshot.List()
	if len(all) == 0 {
		// Not a fit error: there is nothing to preempt on. Any cluster
		// event (a node added) retries the pod.
		return "", nil, NewStatus(UnschedulableAndUnresolvable, "no nodes available to schedule pods")
	}
	if pi.ParseError != nil {
		return "", nil, NewStatus(UnschedulableAndUnresolvable, pi.ParseError.Error())
	}
	result, narrowedBy, st := f.runPreFilter(ctx, state, pi, all)
	if !st.IsSuccess() {
		if st.IsRejected() {
			fe := &FitError{NumAllNodes: len(all), PreFilterMessage: st.Message(), Statuses: make(NodeToStatus, len(all))}
			for _, n := range all {
				fe.Statuses[n.Name()] = st
			}
			return "", fe, st
		}
		return "", nil, st
	}
	nodes := all
	if result != nil && result.NodeNames != nil {
		nodes = make([]*NodeInfo, 0, len(result.NodeNames))
		for _, n := range all {
			if result.NodeNames[n.Name()] {
				nodes = append(nodes, n)
			}
		}
	}
	// A pod nominated by preemption tries the node freed for it first,
	// and takes it without scoring if it fits, as Kubernetes does.
	// (If it does not fit, the search below records why.)
	// The nominator knows of the scheduler's own nominations before the
	// informer brings the pod's status back.
	nnn := pi.Pod.Status.NominatedNodeName
	if nnn == "" {
		nnn = s.nominator.nodeOfPod(pi.Pod.UID)
	}
	if nnn != "" && (result == nil || result.NodeNames == nil || result.NodeNames[nnn]) {
		if n, ok := s.snapshot.Get(nnn); ok && f.RunFilterPluginsWithNominatedPods(ctx, state, pi, n).IsSuccess() {
			return nnn, nil, nil
		}
	}
	want := numFeasibleNodesToFind(f.percentage(s.percentage), len(nodes))
	if len(f.score) == 0 {
		want = min(1, len(nodes)) // nothing to rank: the first that fits
	}
	start := 0
	if len(nodes) == len(all) {
		start = s.nextStart % len(all)
	}
	feasible, rejected, examined := f.findFeasible(ctx, state, pi, nodes, start, want)
	if len(nodes) == len(all) {
		s.nextStart = (start + examined) % len(all)
	}
	if len(feasible) == 0 {
		fe := &FitError{NumAllNodes: len(all), Statuses: rejected}
		// Nodes PreFilter excluded count as rejected, naming the plugins
		// that excluded them.
		if len(nodes) < len(all) {
			excluded := NewStatus(UnschedulableAndUnresolvable, fmt.Sprintf("node(s) didn't satisfy plugin(s) [%s]", strings.Join(narrowedBy, " ")))
			for _, n := range all {
				if _, ok := rejected[n.Name()]; !ok && !result.NodeNames[n.Name()] {
					rejected[n.Name()] = excluded
				}
			}
		}
		st := NewStatus(Unschedulable, fe.Error())
		return "", fe, st
	}
	if len(feasible) == 1 {
		return feasible[0].Name(), nil, nil
	}
	if st := f.runPreScore(ctx, state, pi, feasible); !st.IsSuccess() {
		return "", nil, st
	}
	totals, st := f.runScore(ctx, state, pi, feasible)
	if !st.IsSuccess() {
		return "", nil, st
	}
	return selectHost(feasible, totals).Name(), nil, nil
}

func (f *Framework) percentage(global int32) int32 {
	if p := f.profile.PercentageOfNodesToScore; p != nil {
		return *p
	}
	return global
}

// fail handles a failed attempt: preemption (for fit errors), the pod's
// PodScheduled condition and an event, and requeueing.
func (s *Scheduler) fail(ctx context.Context, f *Framework, qp *QueuedPod, st *Status, fe *FitError, state *CycleState) {
	pod := qp.Pod
	if ctx.Err() != nil {
		return
	}
	if cur, ok := s.pods.Get(pod.Namespace, pod.Name); !ok || cur.UID != pod.UID || cur.Spec.NodeName != "" {
		// Deleted or bound by someone else meanwhile: nothing to explain.
		s.queue.Done(pod.UID)
		return
	}
	nominated := ""
	if fe != nil && len(f.postFilter) > 0 && state != nil {
		// PostFilter reads the cycle's state, as Kubernetes runs it; the
		// first success ends it, and the others' messages are appended
		// to the pod's.
		var msgs []string
		for _, p := range f.postFilter {
			r, pst := p.PostFilter(ctx, state, qp.PodInfo, fe.Statuses)
			if pst.IsSuccess() {
				if r != nil {
					nominated = r.NominatedNodeName
				}
				msgs = nil
				break
			}
			if msg := pst.Message(); msg != "" {
				msgs = append(msgs, msg)
			}
			if !pst.IsRejected() {
				break // an error: the pod backs off
			}
		}
		fe.PostFilterMessage = strings.Join(msgs, ", ")
	}
	unschedulable := st.IsRejected()
	// The plugins that rejected this attempt, whose events may help it; none
	// known (nil) means any event may.
	qp.UnschedulablePlugins = nil
	if fe != nil {
		unschedulable = true
		qp.UnschedulablePlugins = map[string]bool{}
		for _, rs := range fe.Statuses {
			if p := rs.Plugin(); p != "" {
				qp.UnschedulablePlugins[p] = true
			}
		}
	} else if p := st.Plugin(); p != "" && unschedulable {
		qp.UnschedulablePlugins = map[string]bool{p: true}
	}
	msg := st.Message()
	reason := "Unschedulable"
	if fe != nil {
		msg = fe.Error()
	} else if !unschedulable {
		reason = "SchedulerError"
	}
	if nominated != "" {
		s.nominator.add(qp.PodInfo, nominated)
	}
	s.log.V(1).Info("unable to schedule", "pod", pod.Namespace+"/"+pod.Name, "reason", msg)
	f.recorder.Event(pod, controller.EventWarning, "FailedScheduling", msg)
	s.queue.Requeue(qp, unschedulable)
	go s.updateCondition(context.WithoutCancel(ctx), pod, reason, msg, nominated)
}

// updateCondition writes PodScheduled=False with the reason, and the
// nominated node, through a strategic merge patch of the pod's status.
func (s *Scheduler) updateCondition(ctx context.Context, pod *core.Pod, reason, msg, nominated string) {
	if c := core.GetPodCondition(&pod.Status, core.PodScheduled); c != nil && c.Status == core.ConditionFalse &&
		c.Reason == reason && c.Message == msg && nominated == "" {
		return
	}
	type cond struct {
		Type               core.PodConditionType `json:"type"`
		Status             core.ConditionStatus  `json:"status"`
		Reason             string                `json:"reason"`
		Message            string                `json:"message"`
		LastProbeTime      *meta.Time            `json:"lastProbeTime"`
		LastTransitionTime meta.Time             `json:"lastTransitionTime"`
	}
	patch := map[string]any{"status": map[string]any{
		"conditions": []cond{{Type: core.PodScheduled, Status: core.ConditionFalse, Reason: reason, Message: msg, LastTransitionTime: meta.Now()}},
	}}
	if nominated != "" {
		patch["status"].(map[string]any)["nominatedNodeName"] = nominated
	}
	b, _ := json.Marshal(patch)
	pods := client.Resource[core.Pod](s.client).Namespace(pod.Namespace)
	if _, err := pods.Patch(ctx, pod.Name, client.StrategicMergePatch, b, nil, "status"); err != nil && !client.IsNotFound(err) {
		s.log.V(1).Info("updating the PodScheduled condition failed", "pod", pod.Namespace+"/"+pod.Name, "err", err.Error())
	}
}

// nominator remembers pods nominated to nodes by preemption until they
// bind or go away. It follows status.nominatedNodeName (the API's record,
// which preemption also clears) and the scheduler's own nominations.
type nominator struct {
	// count is the number of nominated pods, read without the lock so
	// that Filter, which asks for every node, costs nothing when nothing
	// is nominated (the common case).
	count  atomic.Int64
	mu     sync.Mutex
	byNode map[string][]*PodInfo
	nodeOf map[meta.UID]string
}

func newNominator() *nominator {
	return &nominator{byNode: map[string][]*PodInfo{}, nodeOf: map[meta.UID]string{}}
}

func (n *nominator) add(pi *PodInfo, node string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.removeLocked(pi.Pod.UID)
	n.byNode[node] = append(n.byNode[node], pi)
	n.nodeOf[pi.Pod.UID] = node
	n.count.Add(1)
}

func (n *nominator) remove(uid meta.UID) {
	if n.empty() {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	n.removeLocked(uid)
}

func (n *nominator) removeLocked(uid meta.UID) {
	node, ok := n.nodeOf[uid]
	if !ok {
		return
	}
	delete(n.nodeOf, uid)
	n.count.Add(-1)
	n.byNode[node] = deletePodInfo(n.byNode[node], uid)
	if len(n.byNode[node]) == 0 {
		delete(n.byNode, node)
	}
}

// update follows a pending pod's update. A nomination added, changed or
// removed in status.nominatedNodeName is applied; an update that has none
// before and after keeps the scheduler's own nomination, whose write to
// the API may not have landed yet (as Kubernetes' nominator does).
func (n *nominator) update(old, pod *core.Pod) {
	switch {
	case pod.Status.NominatedNodeName != "":
		n.add(NewPodInfo(pod), pod.Status.NominatedNodeName)
	case old.Status.NominatedNodeName != "":
		n.remove(pod.UID)
	case !n.empty():
		// Keep the nomination, with the pod's current object.
		n.mu.Lock()
		defer n.mu.Unlock()
		if node, ok := n.nodeOf[pod.UID]; ok {
			for i, pi := range n.byNode[node] {
				if pi.Pod.UID == pod.UID {
					list := slices.Clone(n.byNode[node])
					list[i] = NewPodInfo(pod)
					n.byNode[node] = list
				}
			}
		}
	}
}

func (n *nominator) empty() bool { return n.count.Load() == 0 }

// nodeOfPod returns the node a pod is nominated to ("" for none).
func (n *nominator) nodeOfPod(uid meta.UID) string {
	if n.empty() {
		return ""
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.nodeOf[uid]
}

// forNode returns the pods nominated to node; the slice is not modified
// later (changes copy it), so callers may read it without the lock.
func (n *nominator) forNode(node string) []*PodInfo {
	if n.empty() {
		return nil
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.byNode[node]
}
