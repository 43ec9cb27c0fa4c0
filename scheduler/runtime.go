package scheduler

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
)

// Handle is what plugins get from the framework: the API client, shared
// informers, the current snapshot, and the framework's own runners for
// plugins that simulate scheduling (preemption).
type Handle interface {
	// Client talks to the API server.
	Client() *client.Client
	// Manager gives shared informers; plugins get theirs through
	// GetInformer, so the scheduler waits for them to sync.
	Manager() *controller.Manager
	// Snapshot is the node snapshot of the current cycle (read-only).
	Snapshot() *Snapshot
	// Recorder writes Events reported by the profile's scheduler name, as
	// Kubernetes reports them.
	Recorder() *controller.Recorder
	// Parallelizer runs per-node work in parallel.
	Parallelizer() Parallelizer
	// NamespaceLabels returns a namespace's labels (nil if unknown), for
	// affinity terms with namespace selectors.
	NamespaceLabels(ns string) map[string]string
	// NominatedPods returns the pods nominated to a node by preemption and
	// not yet bound.
	NominatedPods(nodeName string) []*PodInfo
	// RunFilterPlugins runs every Filter plugin of the profile for one node.
	RunFilterPlugins(ctx context.Context, state *CycleState, pod *PodInfo, node *NodeInfo) *Status
	// RunFilterPluginsWithNominatedPods runs the filters as the scheduling
	// cycle does: with the pods nominated to the node with at least the
	// pod's priority counted as if running there, and, when there are any
	// and the pod fits, once more without them (see
	// FilterWithNominatedPods).
	RunFilterPluginsWithNominatedPods(ctx context.Context, state *CycleState, pod *PodInfo, node *NodeInfo) *Status
	// RunPreFilterAddPod and RunPreFilterRemovePod run the PreFilter
	// extensions of the profile (preemption's what-if).
	RunPreFilterAddPod(ctx context.Context, state *CycleState, pod, add *PodInfo, node *NodeInfo) *Status
	RunPreFilterRemovePod(ctx context.Context, state *CycleState, pod, remove *PodInfo, node *NodeInfo) *Status
	// WaitingPod returns a pod held by a Permit plugin.
	WaitingPod(uid meta.UID) (WaitingPod, bool)
	// IterateOverWaitingPods calls fn for every pod held by a Permit
	// plugin (a gang plugin allows a whole group this way).
	IterateOverWaitingPods(fn func(WaitingPod))
}

// WaitingPod is a reserved pod a Permit plugin holds.
type WaitingPod interface {
	Pod() *core.Pod
	// Allow lets the named plugin's hold go; the pod binds when no plugin
	// holds it.
	Allow(plugin string)
	// Reject fails the pod's scheduling.
	Reject(plugin, msg string)
}

type weightedScore struct {
	ScorePlugin
	weight int64
}

// Framework runs one profile's plugins.
type Framework struct {
	profile  Profile
	s        *Scheduler
	recorder *controller.Recorder

	preEnqueue []PreEnqueuePlugin
	queueSort  QueueSortPlugin
	preFilter  []PreFilterPlugin
	filter     []FilterPlugin
	postFilter []PostFilterPlugin
	preScore   []PreScorePlugin
	score      []weightedScore
	reserve    []ReservePlugin
	permit     []PermitPlugin
	preBind    []PreBindPlugin
	bind       []BindPlugin
	postBind   []PostBindPlugin
	// events are the cluster events each plugin registered.
	events   map[string][]ClusterEvent
	snapshot *Snapshot

	// scores is runScore's buffer.
	scores []NodeScore

	waitingMu sync.Mutex
	waiting   map[meta.UID]*waitingPod
}

// newFramework builds a profile's plugins from the registry.
func newFramework(s *Scheduler, reg Registry, defaults *Plugins, p Profile) (*Framework, error) {
	f := &Framework{profile: p, s: s, recorder: s.mgr.Recorder(p.SchedulerName),
		events: map[string][]ClusterEvent{}, waiting: map[meta.UID]*waitingPod{}}
	args := map[string][]byte{}
	for _, pc := range p.PluginConfig {
		args[pc.Name] = pc.Args
	}
	pl := p.Plugins
	if pl == nil {
		pl = &Plugins{}
	}
	instances := map[string]Plugin{}
	get := func(name string) (Plugin, error) {
		if pi, ok := instances[name]; ok {
			return pi, nil
		}
		fac, ok := reg[name]
		if !ok {
			return nil, fmt.Errorf("scheduler: profile %s: plugin %q is not registered", p.SchedulerName, name)
		}
		pi, err := fac(args[name], f)
		if err != nil {
			return nil, fmt.Errorf("scheduler: profile %s: plugin %s: %w", p.SchedulerName, name, err)
		}
		instances[name] = pi
		if ee, ok := pi.(EnqueueExtensions); ok {
			f.events[name] = ee.EventsToRegister()
		}
		return pi, nil
	}
	// Every extension point: its own set plus the multi-point plugins that
	// implement it.
	type point struct {
		def, set PluginSet
		add      func(Plugin, int32) bool
	}
	var d Plugins
	if defaults != nil {
		d = *defaults
	}
	points := []point{
		{d.PreEnqueue, pl.PreEnqueue, func(x Plugin, _ int32) bool {
			p, ok := x.(PreEnqueuePlugin)
			if ok {
				f.preEnqueue = append(f.preEnqueue, p)
			}
			return ok
		}},
		{d.QueueSort, pl.QueueSort, func(x Plugin, _ int32) bool {
			p, ok := x.(QueueSortPlugin)
			if ok && f.queueSort == nil {
				f.queueSort = p
			}
			return ok
		}},
		{d.PreFilter, pl.PreFilter, func(x Plugin, _ int32) bool {
			p, ok := x.(PreFilterPlugin)
			if ok {
				f.preFilter = append(f.preFilter, p)
			}
			return ok
		}},
		{d.Filter, pl.Filter, func(x Plugin, _ int32) bool {
			p, ok := x.(FilterPlugin)
			if ok {
				f.filter = append(f.filter, p)
			}
			return ok
		}},
		{d.PostFilter, pl.PostFilter, func(x Plugin, _ int32) bool {
			p, ok := x.(PostFilterPlugin)
			if ok {
				f.postFilter = append(f.postFilter, p)
			}
			return ok
		}},
		{d.PreScore, pl.PreScore, func(x Plugin, _ int32) bool {
			p, ok := x.(PreScorePlugin)
			if ok {
				f.preScore = append(f.preScore, p)
			}
			return ok
		}},
		{d.Score, pl.Score, func(x Plugin, w int32) bool {
			p, ok := x.(ScorePlugin)
			if ok {
				if w == 0 {
					w = 1
				}
				f.score = append(f.score, weightedScore{p, int64(w)})
			}
			return ok
		}},
		{d.Reserve, pl.Reserve, func(x Plugin, _ int32) bool {
			p, ok := x.(ReservePlugin)
			if ok {
				f.reserve = append(f.reserve, p)
			}
			return ok
		}},
		{d.Permit, pl.Permit, func(x Plugin, _ int32) bool {
			p, ok := x.(PermitPlugin)
			if ok {
				f.permit = append(f.permit, p)
			}
			return ok
		}},
		{d.PreBind, pl.PreBind, func(x Plugin, _ int32) bool {
			p, ok := x.(PreBindPlugin)
			if ok {
				f.preBind = append(f.preBind, p)
			}
			return ok
		}},
		{d.Bind, pl.Bind, func(x Plugin, _ int32) bool {
			p, ok := x.(BindPlugin)
			if ok {
				f.bind = append(f.bind, p)
			}
			return ok
		}},
		{d.PostBind, pl.PostBind, func(x Plugin, _ int32) bool {
			p, ok := x.(PostBindPlugin)
			if ok {
				f.postBind = append(f.postBind, p)
			}
			return ok
		}},
	}
	for _, pt := range points {
		// Plugins named for this point must implement it; multi-point
		// ones are added where they fit.
		for _, ref := range resolvePlugins(pt.def, PluginSet{}, pt.set) {
			pi, err := get(ref.Name)
			if err != nil {
				return nil, err
			}
			if !pt.add(pi, ref.Weight) {
				return nil, fmt.Errorf("scheduler: profile %s: plugin %q does not implement the extension point it is enabled at", p.SchedulerName, ref.Name)
			}
		}
		for _, ref := range resolvePlugins(d.MultiPoint, pl.MultiPoint, pt.set) {
			if inPoint(pt.set.Enabled, ref.Name) || inPoint(pt.def.Enabled, ref.Name) {
				continue
			}
			pi, err := get(ref.Name)
			if err != nil {
				return nil, err
			}
			pt.add(pi, ref.Weight)
		}
	}
	if f.queueSort == nil {
		return nil, fmt.Errorf("scheduler: profile %s has no QueueSort plugin", p.SchedulerName)
	}
	if len(f.bind) == 0 {
		return nil, fmt.Errorf("scheduler: profile %s has no Bind plugin", p.SchedulerName)
	}
	return f, nil
}

func inPoint(refs []PluginRef, name string) bool {
	for _, r := range refs {
		if r.Name == name {
			return true
		}
	}
	return false
}

// Handle implementation.

func (f *Framework) Client() *client.Client                      { return f.s.client }
func (f *Framework) Manager() *controller.Manager                { return f.s.mgr }
func (f *Framework) Snapshot() *Snapshot                         { return f.s.snapshot }
func (f *Framework) Recorder() *controller.Recorder              { return f.recorder }
func (f *Framework) Parallelizer() Parallelizer                  { return f.s.parallel }
func (f *Framework) NamespaceLabels(ns string) map[string]string { return f.s.namespaceLabels(ns) }
func (f *Framework) NominatedPods(node string) []*PodInfo        { return f.s.nominator.forNode(node) }

// RunFilterPlugins implements Handle.
func (f *Framework) RunFilterPlugins(ctx context.Context, state *CycleState, pod *PodInfo, node *NodeInfo) *Status {
	for _, p := range f.activeFilters(state) {
		if st := p.Filter(ctx, state, pod, node); !st.IsSuccess() {
			return st.WithPlugin(p.Name())
		}
	}
	return nil
}

// activeFilters returns the Filter plugins not skipped in state. The
// list is kept in state: PreFilter fills it, and a state from elsewhere
// (a test's) gets it on first use.
func (f *Framework) activeFilters(state *CycleState) []FilterPlugin {
	if state.filtersOf == f {
		return state.filters
	}
	var out []FilterPlugin
	for _, p := range f.filter {
		if !state.skipFilter[p.Name()] {
			out = append(out, p)
		}
	}
	// Not stored: concurrent callers may share state; storing is for
	// runPreFilter, which runs before any.
	return out
}

// RunPreFilterAddPod implements Handle.
func (f *Framework) RunPreFilterAddPod(ctx context.Context, state *CycleState, pod, add *PodInfo, node *NodeInfo) *Status {
	for _, p := range f.preFilter {
		if ext := p.PreFilterExtensions(); ext != nil && !state.skipFilter[p.Name()] {
			if st := ext.AddPod(ctx, state, pod, add, node); !st.IsSuccess() {
				return st.WithPlugin(p.Name())
			}
		}
	}
	return nil
}

// RunPreFilterRemovePod implements Handle.
func (f *Framework) RunPreFilterRemovePod(ctx context.Context, state *CycleState, pod, remove *PodInfo, node *NodeInfo) *Status {
	for _, p := range f.preFilter {
		if ext := p.PreFilterExtensions(); ext != nil && !state.skipFilter[p.Name()] {
			if st := ext.RemovePod(ctx, state, pod, remove, node); !st.IsSuccess() {
				return st.WithPlugin(p.Name())
			}
		}
	}
	return nil
}

// WaitingPod implements Handle.
func (f *Framework) WaitingPod(uid meta.UID) (WaitingPod, bool) {
	f.waitingMu.Lock()
	defer f.waitingMu.Unlock()
	w, ok := f.waiting[uid]
	return w, ok
}

// IterateOverWaitingPods implements Handle.
func (f *Framework) IterateOverWaitingPods(fn func(WaitingPod)) {
	f.waitingMu.Lock()
	pods := make([]WaitingPod, 0, len(f.waiting))
	for _, w := range f.waiting {
		pods = append(pods, w)
	}
	f.waitingMu.Unlock()
	// Without the lock: fn may Allow or Reject, which ends waits.
	for _, w := range pods {
		fn(w)
	}
}

// runPreFilter runs the PreFilter plugins; the result narrows the nodes,
// and narrowedBy names the plugins whose results did (sorted), for the
// message of the nodes they excluded.
func (f *Framework) runPreFilter(ctx context.Context, state *CycleState, pod *PodInfo, nodes []*NodeInfo) (result *PreFilterResult, narrowedBy []string, _ *Status) {
	for _, p := range f.preFilter {
		r, st := p.PreFilter(ctx, state, pod, nodes)
		if st.IsSkip() {
			if state.skipFilter == nil {
				state.skipFilter = map[string]bool{}
			}
			state.skipFilter[p.Name()] = true
			continue
		}
		if !st.IsSuccess() {
			return nil, nil, st.WithPlugin(p.Name())
		}
		if r == nil || r.NodeNames == nil {
			continue
		}
		narrowedBy = append(narrowedBy, p.Name())
		if result == nil {
			result = &PreFilterResult{NodeNames: r.NodeNames}
			continue
		}
		both := map[string]bool{}
		for n := range result.NodeNames {
			if r.NodeNames[n] {
				both[n] = true
			}
		}
		result.NodeNames = both
	}
	slices.Sort(narrowedBy)
	state.filtersOf = nil
	state.filters = f.activeFilters(state)
	state.filtersOf = f
	return result, narrowedBy, nil
}

// RunFilterPluginsWithNominatedPods implements Handle.
func (f *Framework) RunFilterPluginsWithNominatedPods(ctx context.Context, state *CycleState, pod *PodInfo, node *NodeInfo) *Status {
	if f.s.nominator.empty() {
		return f.RunFilterPlugins(ctx, state, pod, node)
	}
	return FilterWithNominatedPods(ctx, f, state, pod, node)
}

// FilterWithNominatedPods runs h's filters for node as Kubernetes does
// when pods are nominated there by preemption: first with the nominated
// pods of at least pod's priority added to a clone of the node (and to a
// clone of the PreFilter state, through the PreFilter extensions), so the
// pod does not take room freed for a more important one; then, if that
// passes and any were added, once more as the node is, because they may
// never come and some filters (pod affinity) pass only with them absent.
// Handles implement RunFilterPluginsWithNominatedPods with it.
func FilterWithNominatedPods(ctx context.Context, h Handle, state *CycleState, pod *PodInfo, node *NodeInfo) *Status {
	prio := PodPriority(pod.Pod)
	nodeCopy, stateCopy := node, state
	added := false
	for _, np := range h.NominatedPods(node.Name()) {
		if np.Pod.UID == pod.Pod.UID || PodPriority(np.Pod) < prio {
			continue
		}
		if !added {
			nodeCopy, stateCopy, added = node.Clone(), state.Clone(), true
		}
		nodeCopy.AddPod(np)
		if st := h.RunPreFilterAddPod(ctx, stateCopy, pod, np, nodeCopy); !st.IsSuccess() {
			return st
		}
	}
	st := h.RunFilterPlugins(ctx, stateCopy, pod, nodeCopy)
	if !added || !st.IsSuccess() {
		return st
	}
	return h.RunFilterPlugins(ctx, state, pod, node)
}

// PodPriority is a pod's spec.priority, 0 when unset (as the API server's
// Priority admission leaves it only when no PriorityClass applies).
func PodPriority(p *core.Pod) int32 {
	if p.Spec.Priority != nil {
		return *p.Spec.Priority
	}
	return 0
}

// findFeasible runs the filters over the nodes in parallel, starting at
// start (round robin across cycles) and stopping once want nodes fit.
// It returns the feasible nodes, the rejections (nil when there are none
// and some node fits), and how many nodes it examined.
func (f *Framework) findFeasible(ctx context.Context, state *CycleState, pod *PodInfo, nodes []*NodeInfo, start, want int) ([]*NodeInfo, NodeToStatus, int) {
	n := len(nodes)
	feasible := make([]*NodeInfo, want)
	var found atomic.Int64
	var examined atomic.Int64
	// Rejections are collected under a lock rather than in a slot per
	// node: they are few when nodes fit, and a per-node slice would be
	// allocated and scanned every cycle.
	var mu sync.Mutex
	var rejected NodeToStatus
	fctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if len(f.filter) == 0 {
		m := min(want, n)
		out := make([]*NodeInfo, 0, m)
		for i := 0; i < m; i++ {
			out = append(out, nodes[(start+i)%n])
		}
		return out, NodeToStatus{}, m
	}
	f.s.parallel.Until(fctx, n, func(i int) {
		node := nodes[(start+i)%n]
		examined.Add(1)
		st := f.RunFilterPluginsWithNominatedPods(fctx, state, pod, node)
		if st.IsSuccess() {
			k := found.Add(1)
			if k > int64(want) {
				cancel()
				return
			}
			feasible[k-1] = node
			if k == int64(want) {
				cancel()
			}
			return
		}
		mu.Lock()
		if rejected == nil {
			rejected = NodeToStatus{}
		}
		rejected[node.Name()] = st
		mu.Unlock()
	})
	k := min(int(found.Load()), want)
	if rejected == nil && k == 0 {
		rejected = NodeToStatus{}
	}
	return feasible[:k], rejected, int(examined.Load())
}

// runPreScore runs the PreScore plugins.
func (f *Framework) runPreScore(ctx context.Context, state *CycleState, pod *PodInfo, nodes []*NodeInfo) *Status {
	for _, p := range f.preScore {
		st := p.PreScore(ctx, state, pod, nodes)
		if st.IsSkip() {
			if state.skipScore == nil {
				state.skipScore = map[string]bool{}
			}
			state.skipScore[p.Name()] = true
			continue
		}
		if !st.IsSuccess() {
			return st.WithPlugin(p.Name())
		}
	}
	return nil
}

// runScore scores the nodes with every plugin (in parallel across nodes,
// each node by every plugin in turn, so its data is loaded once),
// normalizes, weighs and sums.
func (f *Framework) runScore(ctx context.Context, state *CycleState, pod *PodInfo, nodes []*NodeInfo) ([]int64, *Status) {
	plugins := make([]weightedScore, 0, len(f.score))
	for _, p := range f.score {
		if !state.skipScore[p.Name()] {
			plugins = append(plugins, p)
		}
	}
	totals := make([]int64, len(nodes))
	if len(plugins) == 0 {
		return totals, nil
	}
	// scores[k*len(nodes)+i] is plugin k's score of node i. The buffer
	// is the framework's, reused by the next cycle (cycles run one at a
	// time; NormalizeScore must not keep its slice).
	if cap(f.scores) < len(plugins)*len(nodes) {
		f.scores = make([]NodeScore, len(plugins)*len(nodes))
	}
	scores := f.scores[:len(plugins)*len(nodes)]
	var failed atomic.Pointer[Status]
	f.s.parallel.Until(ctx, len(nodes), func(i int) {
		node := nodes[i]
		name := node.Name()
		for k, p := range plugins {
			s, st := p.Score(ctx, state, pod, node)
			if !st.IsSuccess() {
				failed.Store(st.WithPlugin(p.Name()))
				return
			}
			scores[k*len(nodes)+i] = NodeScore{Name: name, Score: s}
		}
	})
	if st := failed.Load(); st != nil {
		return nil, st
	}
	for k, p := range plugins {
		ps := scores[k*len(nodes) : (k+1)*len(nodes)]
		if ext := p.ScoreExtensions(); ext != nil {
			if st := ext.NormalizeScore(ctx, state, pod, ps); !st.IsSuccess() {
				return nil, st.WithPlugin(p.Name())
			}
		}
		for i := range ps {
			if ps[i].Score < MinNodeScore || ps[i].Score > MaxNodeScore {
				return nil, NewStatus(Error, fmt.Sprintf("plugin %s returned score %d for node %s, outside [%d, %d]",
					p.Name(), ps[i].Score, ps[i].Name, MinNodeScore, MaxNodeScore))
			}
			totals[i] += ps[i].Score * p.weight
		}
	}
	return totals, nil
}

// selectHost picks the highest total, ties broken uniformly at random so
// equal nodes share the load.
func selectHost(nodes []*NodeInfo, totals []int64) *NodeInfo {
	best, ties := -1, 0
	for i := range nodes {
		switch {
		case best < 0 || totals[i] > totals[best]:
			best, ties = i, 1
		case totals[i] == totals[best]:
			ties++
			if rand.IntN(ties) == 0 {
				best = i
			}
		}
	}
	return nodes[best]
}

// runReserve reserves. On failure it runs every Reserve plugin's
// Unreserve, in reverse order, as Kubernetes does: Unreserve must be
// idempotent and cope with a Reserve that did not run.
func (f *Framework) runReserve(ctx context.Context, state *CycleState, pod *PodInfo, node string) *Status {
	for _, p := range f.reserve {
		if st := p.Reserve(ctx, state, pod, node); !st.IsSuccess() {
			f.runUnreserve(ctx, state, pod, node)
			return st.WithPlugin(p.Name())
		}
	}
	return nil
}

func (f *Framework) runUnreserve(ctx context.Context, state *CycleState, pod *PodInfo, node string) {
	for i := len(f.reserve) - 1; i >= 0; i-- {
		f.reserve[i].Unreserve(ctx, state, pod, node)
	}
}

// waitingPod is a pod held by Permit plugins.
type waitingPod struct {
	pod     *core.Pod
	mu      sync.Mutex
	pending map[string]*time.Timer
	done    chan *Status // receives the verdict once
	sent    bool
}

func (w *waitingPod) Pod() *core.Pod { return w.pod }

func (w *waitingPod) Allow(plugin string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if t, ok := w.pending[plugin]; ok {
		t.Stop()
		delete(w.pending, plugin)
	}
	if len(w.pending) == 0 && !w.sent {
		w.sent = true
		w.done <- nil
	}
}

func (w *waitingPod) Reject(plugin, msg string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, t := range w.pending {
		t.Stop()
	}
	if !w.sent {
		w.sent = true
		w.done <- NewStatus(Unschedulable, msg).WithPlugin(plugin)
	}
}

// runPermit runs the Permit plugins; a Wait verdict registers the pod as
// waiting with the longest timeout asked for.
func (f *Framework) runPermit(ctx context.Context, state *CycleState, pod *PodInfo, node string) (*waitingPod, *Status) {
	waits := map[string]time.Duration{}
	for _, p := range f.permit {
		st, d := p.Permit(ctx, state, pod, node)
		switch {
		case st.Code() == Wait:
			waits[p.Name()] = d
		case !st.IsSuccess():
			return nil, st.WithPlugin(p.Name())
		}
	}
	if len(waits) == 0 {
		return nil, nil
	}
	w := &waitingPod{pod: pod.Pod, pending: map[string]*time.Timer{}, done: make(chan *Status, 1)}
	// Under the lock: a short timeout may fire before all are set.
	w.mu.Lock()
	for name, d := range waits {
		w.pending[name] = time.AfterFunc(d, func() {
			w.Reject(name, fmt.Sprintf("rejected due to timeout after waiting %v at plugin %s", d, name))
		})
	}
	w.mu.Unlock()
	f.waitingMu.Lock()
	f.waiting[pod.Pod.UID] = w
	f.waitingMu.Unlock()
	return w, NewStatus(Wait)
}

// waitOnPermit blocks until a waiting pod is allowed or rejected.
func (f *Framework) waitOnPermit(ctx context.Context, w *waitingPod) *Status {
	defer func() {
		f.waitingMu.Lock()
		delete(f.waiting, w.pod.UID)
		f.waitingMu.Unlock()
	}()
	select {
	case st := <-w.done:
		return st
	case <-ctx.Done():
		return AsStatus(ctx.Err())
	}
}

func (f *Framework) runPreBind(ctx context.Context, state *CycleState, pod *PodInfo, node string) *Status {
	for _, p := range f.preBind {
		if st := p.PreBind(ctx, state, pod, node); !st.IsSuccess() {
			return st.WithPlugin(p.Name())
		}
	}
	return nil
}

func (f *Framework) runBind(ctx context.Context, state *CycleState, pod *PodInfo, node string) *Status {
	for _, p := range f.bind {
		st := p.Bind(ctx, state, pod, node)
		if st.IsSkip() {
			continue
		}
		return st.WithPlugin(p.Name())
	}
	return NewStatus(Error, "no bind plugin bound the pod")
}

func (f *Framework) runPostBind(ctx context.Context, state *CycleState, pod *PodInfo, node string) {
	for _, p := range f.postBind {
		p.PostBind(ctx, state, pod, node)
	}
}
