package scheduler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
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
	recorder *controller.Recorder
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
		recorder:  m.Recorder("default-scheduler"),
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

	s.pods = controller.GetInformer[core.Pod](m, nil)
	s.nodes = controller.GetInformer[core.Node](m, nil)
	s.namespaces = controller.GetInformer[core.Namespace](m, nil)
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
		DeleteFunc: func(n *core.Node) { s.cache.RemoveNode(n.Name) },
	})
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
		s.cache.UpdatePod(p)
		if !labelsEqual(old.Labels, p.Labels) {
			s.queue.OnEvent(ClusterEvent{EventAssignedPod, UpdatePodLabel})
		}
	case s.responsibleFor(p):
		if p.DeletionTimestamp != nil {
			s.queue.Delete(p.UID)
			return
		}
		s.queue.Update(p)
	}
}

func (s *Scheduler) onPodDelete(p *core.Pod) {
	if p.Spec.NodeName != "" {
		s.cache.RemovePod(p.UID)
		s.queue.OnEvent(ClusterEvent{EventAssignedPod, Delete})
		return
	}
	s.queue.Delete(p.UID)
	s.nominator.remove(p.UID)
}

func (s *Scheduler) namespaceLabels(ns string) map[string]string {
	n, ok := s.namespaces.Get("", ns)
	if !ok {
		return nil
	}
	return n.Labels
}

// Run schedules until ctx is done. Pending bindings finish first.
func (s *Scheduler) Run(ctx context.Context) error {
	for _, inf := range []interface{ WaitForCacheSync(context.Context) bool }{s.pods, s.nodes, s.namespaces} {
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
		s.fail(ctx, f, qp, st, fitErr, "")
		return
	}
	// Assume: the cache counts the pod on its node from now on, so the next
	// cycle sees it although the binding is still being written.
	assumed := *pod
	assumed.Spec.NodeName = node
	api := NewPodInfo(&assumed)
	s.cache.AssumePod(api, node)
	if st := f.runReserve(ctx, state, api, node); !st.IsSuccess() {
		s.cache.ForgetPod(pod.UID)
		s.fail(ctx, f, qp, st, nil, "")
		return
	}
	w, st := f.runPermit(ctx, state, api, node)
	if !st.IsSuccess() && st.Code() != Wait {
		f.runUnreserve(ctx, state, api, node)
		s.cache.ForgetPod(pod.UID)
		s.fail(ctx, f, qp, st, nil, "")
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
		s.fail(ctx, f, qp, st, nil, "")
		return
	}
	s.cache.FinishBinding(pi.Pod.UID)
	s.queue.Done(pi.Pod.UID)
	f.runPostBind(ctx, state, pi, node)
	s.recorder.Eventf(qp.Pod, controller.EventNormal, "Scheduled", "Successfully assigned %s/%s to %s", qp.Pod.Namespace, qp.Pod.Name, node)
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
		return "", &FitError{}, NewStatus(Unschedulable, "no nodes available to schedule pods")
	}
	if pi.ParseError != nil {
		return "", nil, NewStatus(UnschedulableAndUnresolvable, pi.ParseError.Error())
	}
	result, st := f.runPreFilter(ctx, state, pi, all)
	if !st.IsSuccess() {
		if st.IsRejected() {
			fe := &FitError{NumAllNodes: len(all), PreFilterMessage: st.Message(), Statuses: NodeToStatus{}}
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
	want := numFeasibleNodesToFind(f.percentage(s.percentage), len(nodes))
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
		// Nodes PreFilter excluded count as rejected for the message.
		if len(nodes) < len(all) {
			for _, n := range all {
				if _, ok := rejected[n.Name()]; !ok && (result == nil || !result.NodeNames[n.Name()]) {
					rejected[n.Name()] = NewStatus(UnschedulableAndUnresolvable, "node(s) didn't satisfy plugin(s) [PreFilter]")
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
func (s *Scheduler) fail(ctx context.Context, f *Framework, qp *QueuedPod, st *Status, fe *FitError, _ string) {
	pod := qp.Pod
	if ctx.Err() != nil {
		return
	}
	nominated := ""
	if fe != nil && len(f.postFilter) > 0 {
		state := NewCycleState()
		if _, pst := f.runPreFilter(ctx, state, qp.PodInfo, s.snapshot.List()); pst.IsSuccess() || pst.IsRejected() {
			for _, p := range f.postFilter {
				r, pst := p.PostFilter(ctx, state, qp.PodInfo, fe.Statuses)
				if pst.IsSuccess() && r != nil && r.NominatedNodeName != "" {
					nominated = r.NominatedNodeName
					fe.PostFilterMessage = ""
					break
				}
				if msg := pst.Message(); msg != "" {
					fe.PostFilterMessage = "preemption: " + msg
				}
			}
		}
	}
	unschedulable := st.IsRejected()
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
	s.recorder.Event(pod, controller.EventWarning, "FailedScheduling", msg)
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
// bind or go away.
type nominator struct {
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
}

func (n *nominator) remove(uid meta.UID) {
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
	n.byNode[node] = deletePodInfo(n.byNode[node], uid)
	if len(n.byNode[node]) == 0 {
		delete(n.byNode, node)
	}
}

func (n *nominator) forNode(node string) []*PodInfo {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.byNode[node]
}
