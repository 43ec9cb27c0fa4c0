package plugintest

import (
	"context"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/scheduler"
)

// Handle is a scheduler.Handle for plugin tests: its snapshot is built
// from nodes and pods by a real scheduler.Cache, and its runners
// (RunFilterPlugins, RunFilterPluginsWithNominatedPods,
// RunPreFilterAddPod/RemovePod) run Plugins, as the framework runs a
// profile's. Set the exported fields before use. Plugins that get
// informers through scheduler.GetInformer are not waited for with this
// handle: the test starts Mgr and waits for them (controller.GetInformer
// on Mgr returns the same shared informers).
type Handle struct {
	// Plugins are run, in order, by RunPreFilter, RunFilterPlugins and the
	// PreFilter extensions.
	Plugins []scheduler.Plugin
	// APIClient, Mgr and EventRecorder are what Client, Manager and
	// Recorder return. Default nil: plugins run without the API.
	APIClient     *client.Client
	Mgr           *controller.Manager
	EventRecorder *controller.Recorder
	// Namespaces maps namespace names to their labels (NamespaceLabels).
	Namespaces map[string]map[string]string
	// Nominated lists the pods nominated to each node (NominatedPods).
	Nominated map[string][]*scheduler.PodInfo
	// Waiting holds pods a Permit plugin holds (WaitingPod).
	Waiting map[meta.UID]scheduler.WaitingPod
	// Parallel runs per-node work. Default: GOMAXPROCS workers.
	Parallel scheduler.Parallelizer

	cache *scheduler.Cache
	snap  *scheduler.Snapshot
}

// NewHandle returns a handle whose snapshot holds nodes and pods (pods
// with spec.nodeName are placed on their node; others are ignored).
func NewHandle(nodes []*core.Node, pods []*core.Pod) *Handle {
	h := &Handle{cache: scheduler.NewCache(0), snap: scheduler.NewSnapshot()}
	for _, n := range nodes {
		h.cache.AddNode(n)
	}
	for _, p := range pods {
		if p.Spec.NodeName != "" {
			h.cache.AddPod(p)
		}
	}
	h.cache.UpdateSnapshot(h.snap)
	return h
}

// AddPod places a bound pod and refreshes the snapshot.
func (h *Handle) AddPod(p *core.Pod) {
	h.cache.AddPod(p)
	h.cache.UpdateSnapshot(h.snap)
}

// RemovePod removes a pod and refreshes the snapshot.
func (h *Handle) RemovePod(p *core.Pod) {
	h.cache.RemovePod(p.UID)
	h.cache.UpdateSnapshot(h.snap)
}

// AddNode adds or updates a node and refreshes the snapshot.
func (h *Handle) AddNode(n *core.Node) {
	h.cache.AddNode(n)
	h.cache.UpdateSnapshot(h.snap)
}

// Node returns a node of the snapshot (nil if absent).
func (h *Handle) Node(name string) *scheduler.NodeInfo {
	n, _ := h.snap.Get(name)
	return n
}

// Client implements scheduler.Handle.
func (h *Handle) Client() *client.Client { return h.APIClient }

// Manager implements scheduler.Handle.
func (h *Handle) Manager() *controller.Manager { return h.Mgr }

// Snapshot implements scheduler.Handle.
func (h *Handle) Snapshot() *scheduler.Snapshot { return h.snap }

// Recorder implements scheduler.Handle.
func (h *Handle) Recorder() *controller.Recorder { return h.EventRecorder }

// Parallelizer implements scheduler.Handle.
func (h *Handle) Parallelizer() scheduler.Parallelizer { return h.Parallel }

// NamespaceLabels implements scheduler.Handle.
func (h *Handle) NamespaceLabels(ns string) map[string]string { return h.Namespaces[ns] }

// NominatedPods implements scheduler.Handle.
func (h *Handle) NominatedPods(node string) []*scheduler.PodInfo { return h.Nominated[node] }

// WaitingPod implements scheduler.Handle.
func (h *Handle) WaitingPod(uid meta.UID) (scheduler.WaitingPod, bool) {
	w, ok := h.Waiting[uid]
	return w, ok
}

// IterateOverWaitingPods implements scheduler.Handle over Waiting.
func (h *Handle) IterateOverWaitingPods(fn func(scheduler.WaitingPod)) {
	for _, w := range h.Waiting {
		fn(w)
	}
}

// skipped records, in the cycle state, the plugins whose PreFilter
// returned Skip (the framework keeps this in unexported fields).
type skipped map[string]bool

func (s skipped) Clone() scheduler.StateData { return s }

const skippedKey scheduler.StateKey = "plugintest/skipped"

func isSkipped(state *scheduler.CycleState, name string) bool {
	s, _ := scheduler.ReadState[skipped](state, skippedKey)
	return s[name]
}

// RunPreFilter runs the PreFilter plugins among Plugins, as the framework
// does: a Skip is recorded so that the plugin's Filter and PreFilter
// extensions are skipped, a rejection stops the run, and the results'
// node sets are intersected.
func (h *Handle) RunPreFilter(ctx context.Context, state *scheduler.CycleState, pod *scheduler.PodInfo) (*scheduler.PreFilterResult, *scheduler.Status) {
	var result *scheduler.PreFilterResult
	skip := skipped{}
	state.Write(skippedKey, skip)
	for _, p := range h.Plugins {
		pf, ok := p.(scheduler.PreFilterPlugin)
		if !ok {
			continue
		}
		r, st := pf.PreFilter(ctx, state, pod, h.snap.List())
		if st.IsSkip() {
			skip[p.Name()] = true
			continue
		}
		if !st.IsSuccess() {
			return nil, st.WithPlugin(p.Name())
		}
		if r != nil && r.NodeNames != nil {
			if result == nil {
				result = &scheduler.PreFilterResult{NodeNames: r.NodeNames}
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
	}
	return result, nil
}

// RunFilterPlugins implements scheduler.Handle.
func (h *Handle) RunFilterPlugins(ctx context.Context, state *scheduler.CycleState, pod *scheduler.PodInfo, node *scheduler.NodeInfo) *scheduler.Status {
	for _, p := range h.Plugins {
		f, ok := p.(scheduler.FilterPlugin)
		if !ok || isSkipped(state, p.Name()) {
			continue
		}
		if st := f.Filter(ctx, state, pod, node); !st.IsSuccess() {
			return st.WithPlugin(p.Name())
		}
	}
	return nil
}

// RunFilterPluginsWithNominatedPods implements scheduler.Handle, with the
// pods in Nominated, as the framework does.
func (h *Handle) RunFilterPluginsWithNominatedPods(ctx context.Context, state *scheduler.CycleState, pod *scheduler.PodInfo, node *scheduler.NodeInfo) *scheduler.Status {
	return scheduler.FilterWithNominatedPods(ctx, h, state, pod, node)
}

// RunPreFilterAddPod implements scheduler.Handle.
func (h *Handle) RunPreFilterAddPod(ctx context.Context, state *scheduler.CycleState, pod, add *scheduler.PodInfo, node *scheduler.NodeInfo) *scheduler.Status {
	for _, p := range h.Plugins {
		pf, ok := p.(scheduler.PreFilterPlugin)
		if !ok || isSkipped(state, p.Name()) {
			continue
		}
		if ext := pf.PreFilterExtensions(); ext != nil {
			if st := ext.AddPod(ctx, state, pod, add, node); !st.IsSuccess() {
				return st.WithPlugin(p.Name())
			}
		}
	}
	return nil
}

// RunPreFilterRemovePod implements scheduler.Handle.
func (h *Handle) RunPreFilterRemovePod(ctx context.Context, state *scheduler.CycleState, pod, remove *scheduler.PodInfo, node *scheduler.NodeInfo) *scheduler.Status {
	for _, p := range h.Plugins {
		pf, ok := p.(scheduler.PreFilterPlugin)
		if !ok || isSkipped(state, p.Name()) {
			continue
		}
		if ext := pf.PreFilterExtensions(); ext != nil {
			if st := ext.RemovePod(ctx, state, pod, remove, node); !st.IsSuccess() {
				return st.WithPlugin(p.Name())
			}
		}
	}
	return nil
}

// Filter runs PreFilter and then the filters over every node of the
// snapshot, returning the statuses of the rejected nodes (all of them
// with the PreFilter status when PreFilter rejects) and the names of the
// feasible ones.
func (h *Handle) Filter(ctx context.Context, state *scheduler.CycleState, pod *scheduler.PodInfo) (feasible []string, rejected scheduler.NodeToStatus) {
	rejected = scheduler.NodeToStatus{}
	r, st := h.RunPreFilter(ctx, state, pod)
	if !st.IsSuccess() {
		for _, n := range h.snap.List() {
			rejected[n.Name()] = st
		}
		return nil, rejected
	}
	for _, n := range h.snap.List() {
		if r != nil && r.NodeNames != nil && !r.NodeNames[n.Name()] {
			rejected[n.Name()] = scheduler.NewStatus(scheduler.UnschedulableAndUnresolvable, "node(s) didn't satisfy plugin(s) [PreFilter]")
			continue
		}
		if st := h.RunFilterPlugins(ctx, state, pod, n); !st.IsSuccess() {
			rejected[n.Name()] = st
			continue
		}
		feasible = append(feasible, n.Name())
	}
	return feasible, rejected
}

var _ scheduler.Handle = (*Handle)(nil)
