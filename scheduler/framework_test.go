package scheduler_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller/controllertest"
	"github.com/spar-dev/spar/scheduler"
	"github.com/spar-dev/spar/scheduler/plugins"
	pt "github.com/spar-dev/spar/scheduler/plugins/plugintest"
)

// needsCompany is a filter that fits only nodes already running a pod (as
// pod affinity may), and a PreFilter extension that counts the pods
// added to a node's simulated state.
type needsCompany struct{ added int }

func (*needsCompany) Name() string { return "NeedsCompany" }
func (*needsCompany) PreFilter(context.Context, *scheduler.CycleState, *scheduler.PodInfo, []*scheduler.NodeInfo) (*scheduler.PreFilterResult, *scheduler.Status) {
	return nil, nil
}
func (c *needsCompany) PreFilterExtensions() scheduler.PreFilterExtensions { return c }
func (c *needsCompany) AddPod(context.Context, *scheduler.CycleState, *scheduler.PodInfo, *scheduler.PodInfo, *scheduler.NodeInfo) *scheduler.Status {
	c.added++
	return nil
}
func (*needsCompany) RemovePod(context.Context, *scheduler.CycleState, *scheduler.PodInfo, *scheduler.PodInfo, *scheduler.NodeInfo) *scheduler.Status {
	return nil
}
func (*needsCompany) Filter(_ context.Context, _ *scheduler.CycleState, _ *scheduler.PodInfo, n *scheduler.NodeInfo) *scheduler.Status {
	if len(n.Pods) == 0 {
		return scheduler.NewStatus(scheduler.Unschedulable, "node(s) had no company")
	}
	return nil
}

// FilterWithNominatedPods counts the pods nominated to a node with at
// least the pod's priority as if they ran there, and requires the pod to
// fit without them too.
func TestFilterWithNominatedPods(t *testing.T) {
	nominated := scheduler.NewPodInfo(pt.MakePod("nominated").Priority(10).Req("3", "").Obj())
	tests := []struct {
		name       string
		company    bool // run the needsCompany filter
		pod        *core.Pod
		wantReason string // "" when it fits
		wantAdded  int    // AddPod calls for the nominated pod
	}{
		{"lower priority yields to the nominated pod", false, pt.MakePod("p").Priority(5).Req("2", "").Obj(), "Insufficient cpu", 1},
		{"equal priority yields too", false, pt.MakePod("p").Priority(10).Req("2", "").Obj(), "Insufficient cpu", 1},
		{"no priority yields to a nominated pod with one", false, pt.MakePod("p").Req("2", "").Obj(), "Insufficient cpu", 1},
		{"higher priority ignores it", false, pt.MakePod("p").Priority(20).Req("2", "").Obj(), "", 0},
		{"the nominated pod itself is not counted twice", false, pt.MakePod("nominated").Priority(10).Req("3", "").Obj(), "", 0},
		{"fits with the nominated pod only: rejected by the second pass", true, pt.MakePod("p").Priority(5).Req("500m", "").Obj(), "node(s) had no company", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := pt.NewHandle([]*core.Node{pt.MakeNode("n1").Capacity("4", "8Gi", "110").Obj()}, nil)
			c := &needsCompany{}
			h.Plugins = []scheduler.Plugin{pt.Fit{}}
			if tc.company {
				h.Plugins = append(h.Plugins, c)
			}
			h.Nominated = map[string][]*scheduler.PodInfo{"n1": {nominated}}
			ctx := context.Background()
			state := scheduler.NewCycleState()
			pod := scheduler.NewPodInfo(tc.pod)
			if _, st := h.RunPreFilter(ctx, state, pod); !st.IsSuccess() {
				t.Fatal(st.Message())
			}
			st := h.RunFilterPluginsWithNominatedPods(ctx, state, pod, h.Node("n1"))
			if got := st.Message(); got != tc.wantReason {
				t.Errorf("got %v %q, want %q", st.Code(), got, tc.wantReason)
			}
			if tc.company && c.added != tc.wantAdded {
				t.Errorf("AddPod ran %d times, want %d", c.added, tc.wantAdded)
			}
			// The snapshot's node is untouched.
			if n := h.Node("n1"); len(n.Pods) != 0 || n.Requested.MilliCPU != 0 {
				t.Errorf("the snapshot's node changed: %d pods, %dm requested", len(n.Pods), n.Requested.MilliCPU)
			}
		})
	}
}

// AddPod and RemovePod on a clone account for a pod as the cache does,
// and leave the original alone.
func TestNodeInfoAddRemovePod(t *testing.T) {
	h := pt.NewHandle([]*core.Node{pt.MakeNode("n1").Capacity("4", "8Gi", "110").Obj()},
		[]*core.Pod{pt.MakePod("a").Req("1", "1Gi").Node("n1").Obj()})
	orig := h.Node("n1")
	n := orig.Clone()
	p := scheduler.NewPodInfo(pt.MakePod("b").Req("500m", "").
		PodAntiAffinity(pt.Term(pt.LabelHostname, "app", "x")).PVC("data").Obj())
	p.HostPorts = []scheduler.HostPort{{Protocol: core.ProtocolTCP, Port: 80}}
	n.AddPod(p)
	if len(n.Pods) != 2 || n.Requested.MilliCPU != 1500 || len(n.PodsWithRequiredAntiAffinity) != 1 ||
		!n.UsedPorts[p.HostPorts[0]] || n.PVCRefCounts["default/data"] != 1 || n.Generation != 0 {
		t.Errorf("after AddPod: %d pods, %dm, %d with anti-affinity, ports %v, claims %v, generation %d",
			len(n.Pods), n.Requested.MilliCPU, len(n.PodsWithRequiredAntiAffinity), n.UsedPorts, n.PVCRefCounts, n.Generation)
	}
	if len(orig.Pods) != 1 || orig.Requested.MilliCPU != 1000 || len(orig.UsedPorts) != 0 {
		t.Errorf("the original changed: %d pods, %dm, ports %v", len(orig.Pods), orig.Requested.MilliCPU, orig.UsedPorts)
	}
	if !n.RemovePod(p.Pod.UID) {
		t.Fatal("RemovePod: not found")
	}
	if len(n.Pods) != 1 || n.Requested.MilliCPU != 1000 || len(n.PodsWithAffinity) != 0 || len(n.UsedPorts) != 0 || len(n.PVCRefCounts) != 0 {
		t.Errorf("after RemovePod: %d pods, %dm, %d with affinity, ports %v, claims %v",
			len(n.Pods), n.Requested.MilliCPU, len(n.PodsWithAffinity), n.UsedPorts, n.PVCRefCounts)
	}
	if n.RemovePod(p.Pod.UID) {
		t.Error("RemovePod of an absent pod reported true")
	}
}

// A snapshot updates a changed node's NodeInfo in place, and the node's
// fields that NodeInfo keeps (name, unschedulable, taints, labels) follow
// the node; a NodeInfo whose Node is set by hand reads the Node.
func TestSnapshotNodeFields(t *testing.T) {
	c := scheduler.NewCache(0)
	c.AddNode(pt.MakeNode("n1").Obj())
	c.AddNode(pt.MakeNode("n2").Obj())
	s := scheduler.NewSnapshot()
	c.UpdateSnapshot(s)
	before, _ := s.Get("n1")

	c.UpdateNode(pt.MakeNode("n1").Unschedulable().Taint("k", "v", core.TaintEffectNoSchedule).Label("a", "b").Obj())
	c.AddPod(pt.MakePod("p").Req("1", "1Gi").Node("n1").Obj())
	c.UpdateSnapshot(s)
	n1, ok := s.Get("n1")
	if !ok || n1 != before {
		t.Fatalf("Get(n1) = %p, %v; want the same NodeInfo %p, updated in place", n1, ok, before)
	}
	hand := &scheduler.NodeInfo{Node: pt.MakeNode("n3").Unschedulable().Taint("x", "", core.TaintEffectNoExecute).Label("c", "d").Obj()}
	for _, tc := range []struct {
		n                *scheduler.NodeInfo
		name, labelKey   string
		unsched          bool
		taints, podCount int
	}{
		{n1, "n1", "a", true, 1, 1},
		{s.List()[1], "n2", "", false, 0, 0},
		{hand, "n3", "c", true, 1, 0},
		{&scheduler.NodeInfo{}, "", "", false, 0, 0},
	} {
		_, hasLabel := tc.n.Labels()[tc.labelKey]
		if got := tc.n.Name(); got != tc.name || tc.n.Unschedulable() != tc.unsched || len(tc.n.Taints()) != tc.taints ||
			tc.labelKey != "" && !hasLabel || len(tc.n.Pods) != tc.podCount {
			t.Errorf("%q: name %q, unschedulable %v, taints %v, labels %v, %d pods; want %q, %v, %d taints, label %q, %d pods",
				tc.name, got, tc.n.Unschedulable(), tc.n.Taints(), tc.n.Labels(), len(tc.n.Pods), tc.name, tc.unsched, tc.taints, tc.labelKey, tc.podCount)
		}
	}

	// A deleted node leaves the snapshot, even while its pods are still
	// accounted in the cache.
	c.RemoveNode("n1")
	c.UpdateSnapshot(s)
	if _, ok := s.Get("n1"); ok || len(s.List()) != 1 || s.List()[0].Name() != "n2" {
		t.Errorf("after RemoveNode(n1): Get ok=%v, list %d nodes", ok, len(s.List()))
	}
}

// probe is a plugin at every extension point. It records each call in its
// log, by pod, and does what its hooks say (nil hooks succeed). Hooks run
// concurrently (Filter and Score in parallel, binding asynchronously).
type probe struct {
	name string
	log  *callLog
	h    atomic.Pointer[scheduler.Handle]

	preEnqueue func(*core.Pod) *scheduler.Status
	preFilter  func(*scheduler.PodInfo) *scheduler.Status
	filter     func(*scheduler.PodInfo, *scheduler.NodeInfo) *scheduler.Status
	postFilter func(*scheduler.PodInfo, scheduler.NodeToStatus) (*scheduler.PostFilterResult, *scheduler.Status)
	preScore   func(*scheduler.PodInfo) *scheduler.Status
	score      func(*scheduler.PodInfo, *scheduler.NodeInfo) int64
	normalize  func([]scheduler.NodeScore)
	reserve    func(*scheduler.PodInfo, string) *scheduler.Status
	permit     func(*scheduler.PodInfo, string) (*scheduler.Status, time.Duration)
	preBind    func(*scheduler.PodInfo, string) *scheduler.Status
	bind       func(*scheduler.PodInfo, string) *scheduler.Status
}

var (
	_ scheduler.PreEnqueuePlugin = (*probe)(nil)
	_ scheduler.PreFilterPlugin  = (*probe)(nil)
	_ scheduler.FilterPlugin     = (*probe)(nil)
	_ scheduler.PostFilterPlugin = (*probe)(nil)
	_ scheduler.PreScorePlugin   = (*probe)(nil)
	_ scheduler.ScorePlugin      = (*probe)(nil)
	_ scheduler.ReservePlugin    = (*probe)(nil)
	_ scheduler.PermitPlugin     = (*probe)(nil)
	_ scheduler.PreBindPlugin    = (*probe)(nil)
	_ scheduler.BindPlugin       = (*probe)(nil)
	_ scheduler.PostBindPlugin   = (*probe)(nil)
)

// callLog records "Plugin.Point" per pod.
type callLog struct {
	mu    sync.Mutex
	calls map[string][]string
}

func (l *callLog) add(pod, call string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.calls == nil {
		l.calls = map[string][]string{}
	}
	l.calls[pod] = append(l.calls[pod], call)
}

// of returns the calls for pod, joined by spaces.
func (l *callLog) of(pod string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.calls[pod], " ")
}

func (p *probe) Name() string { return p.name }
func (p *probe) rec(pod *core.Pod, point string) {
	p.log.add(pod.Name, p.name+"."+point)
}

func (p *probe) PreEnqueue(_ context.Context, pod *core.Pod) *scheduler.Status {
	p.rec(pod, "PreEnqueue")
	if p.preEnqueue != nil {
		return p.preEnqueue(pod)
	}
	return nil
}

func (p *probe) PreFilter(_ context.Context, _ *scheduler.CycleState, pod *scheduler.PodInfo, _ []*scheduler.NodeInfo) (*scheduler.PreFilterResult, *scheduler.Status) {
	p.rec(pod.Pod, "PreFilter")
	if p.preFilter != nil {
		return nil, p.preFilter(pod)
	}
	return nil, nil
}

func (p *probe) PreFilterExtensions() scheduler.PreFilterExtensions { return nil }

func (p *probe) Filter(_ context.Context, _ *scheduler.CycleState, pod *scheduler.PodInfo, n *scheduler.NodeInfo) *scheduler.Status {
	p.rec(pod.Pod, "Filter")
	if p.filter != nil {
		return p.filter(pod, n)
	}
	return nil
}

func (p *probe) PostFilter(_ context.Context, _ *scheduler.CycleState, pod *scheduler.PodInfo, m scheduler.NodeToStatus) (*scheduler.PostFilterResult, *scheduler.Status) {
	p.rec(pod.Pod, "PostFilter")
	if p.postFilter != nil {
		return p.postFilter(pod, m)
	}
	return nil, scheduler.NewStatus(scheduler.Unschedulable)
}

func (p *probe) PreScore(_ context.Context, _ *scheduler.CycleState, pod *scheduler.PodInfo, _ []*scheduler.NodeInfo) *scheduler.Status {
	p.rec(pod.Pod, "PreScore")
	if p.preScore != nil {
		return p.preScore(pod)
	}
	return nil
}

func (p *probe) Score(_ context.Context, _ *scheduler.CycleState, pod *scheduler.PodInfo, n *scheduler.NodeInfo) (int64, *scheduler.Status) {
	p.rec(pod.Pod, "Score")
	if p.score != nil {
		return p.score(pod, n), nil
	}
	return 0, nil
}

func (p *probe) ScoreExtensions() scheduler.ScoreExtensions { return p }

func (p *probe) NormalizeScore(_ context.Context, _ *scheduler.CycleState, pod *scheduler.PodInfo, scores []scheduler.NodeScore) *scheduler.Status {
	p.rec(pod.Pod, "NormalizeScore")
	if p.normalize != nil {
		p.normalize(scores)
	}
	return nil
}

func (p *probe) Reserve(_ context.Context, _ *scheduler.CycleState, pod *scheduler.PodInfo, node string) *scheduler.Status {
	p.rec(pod.Pod, "Reserve")
	if p.reserve != nil {
		return p.reserve(pod, node)
	}
	return nil
}

func (p *probe) Unreserve(_ context.Context, _ *scheduler.CycleState, pod *scheduler.PodInfo, _ string) {
	p.rec(pod.Pod, "Unreserve")
}

func (p *probe) Permit(_ context.Context, _ *scheduler.CycleState, pod *scheduler.PodInfo, node string) (*scheduler.Status, time.Duration) {
	p.rec(pod.Pod, "Permit")
	if p.permit != nil {
		return p.permit(pod, node)
	}
	return nil, 0
}

func (p *probe) PreBind(_ context.Context, _ *scheduler.CycleState, pod *scheduler.PodInfo, node string) *scheduler.Status {
	p.rec(pod.Pod, "PreBind")
	if p.preBind != nil {
		return p.preBind(pod, node)
	}
	return nil
}

// Bind skips by default, leaving the binding to DefaultBinder.
func (p *probe) Bind(_ context.Context, _ *scheduler.CycleState, pod *scheduler.PodInfo, node string) *scheduler.Status {
	p.rec(pod.Pod, "Bind")
	if p.bind != nil {
		return p.bind(pod, node)
	}
	return scheduler.NewStatus(scheduler.Skip)
}

func (p *probe) PostBind(_ context.Context, _ *scheduler.CycleState, pod *scheduler.PodInfo, _ string) {
	p.rec(pod.Pod, "PostBind")
}

// handle returns the framework handle the probe was built with.
func (p *probe) handle() scheduler.Handle { return *p.h.Load() }

// startProbes runs a scheduler with the default plugins and the probes
// enabled at every extension point (Bind first, before DefaultBinder, and
// Score with weight 100), with short backoffs, and creates nodes n1..nN of
// 4 cpus. profile adjusts the profile (nil for none).
func startProbes(t *testing.T, numNodes int, profile func(*scheduler.Profile), probes ...*probe) *env {
	t.Helper()
	e := controllertest.New(t, nil)
	reg := plugins.Registry()
	prof := scheduler.Profile{Plugins: &scheduler.Plugins{}}
	for _, p := range probes {
		if err := reg.Merge(scheduler.Registry{p.name: func(_ json.RawMessage, h scheduler.Handle) (scheduler.Plugin, error) {
			p.h.Store(&h)
			return p, nil
		}}); err != nil {
			t.Fatal(err)
		}
		prof.Plugins.MultiPoint.Enabled = append(prof.Plugins.MultiPoint.Enabled, scheduler.PluginRef{Name: p.name, Weight: 100})
		prof.Plugins.Bind.Enabled = append(prof.Plugins.Bind.Enabled, scheduler.PluginRef{Name: p.name})
	}
	if profile != nil {
		profile(&prof)
	}
	if _, err := scheduler.New(e.Manager, scheduler.Options{Registry: reg, DefaultPlugins: plugins.Defaults(),
		Configuration: &scheduler.Configuration{Profiles: []scheduler.Profile{prof}},
		Queue:         scheduler.QueueOptions{InitialBackoff: 20 * time.Millisecond, MaxBackoff: 100 * time.Millisecond}}); err != nil {
		t.Fatal(err)
	}
	e.Start()
	env := &env{Env: e, pods: client.Resource[core.Pod](e.Client).Namespace("default"), nodes: client.Resource[core.Node](e.Client)}
	for i := 1; i <= numNodes; i++ {
		env.create(t, node(fmt.Sprint("n", i), "4", "16Gi", nil))
	}
	return env
}

// waitCalls waits for the pod's calls to be want.
func waitCalls(t *testing.T, l *callLog, pod, want string) {
	t.Helper()
	controllertest.Eventually(t, 10*time.Second, func() error {
		if got := l.of(pod); got != want {
			return fmt.Errorf("calls for %s:\n got %s\nwant %s", pod, got, want)
		}
		return nil
	})
}

// waitBindingCalls waits for the pod's calls at Reserve, Unreserve,
// Permit, PreBind, Bind and PostBind to be want.
func waitBindingCalls(t *testing.T, l *callLog, pod, want string) {
	t.Helper()
	controllertest.Eventually(t, 10*time.Second, func() error {
		var kept []string
		for _, c := range strings.Fields(l.of(pod)) {
			if strings.HasSuffix(c, "Reserve") || strings.HasSuffix(c, ".Unreserve") || strings.HasSuffix(c, "Permit") || strings.Contains(c, "Bind") {
				kept = append(kept, c)
			}
		}
		if got := strings.Join(kept, " "); got != want {
			return fmt.Errorf("calls for %s:\n got %s\nwant %s", pod, got, want)
		}
		return nil
	})
}

// waitEvent waits for a FailedScheduling event of pod with message msg.
func (e *env) waitEvent(t *testing.T, pod, msg string) {
	t.Helper()
	controllertest.Eventually(t, 10*time.Second, func() error {
		evs, err := client.Resource[core.Event](e.Client).Namespace("default").List(t.Context(),
			&client.ListOptions{FieldSelector: "involvedObject.name=" + pod + ",reason=FailedScheduling"})
		if err != nil {
			return err
		}
		var got []string
		for _, ev := range evs.Items {
			if ev.Message == msg {
				return nil
			}
			got = append(got, ev.Message)
		}
		return fmt.Errorf("FailedScheduling events of %s: %q, want one with %q", pod, got, msg)
	})
}

// A scheduled pod passes every extension point once, in order (Filter and
// Score once per node), and the first Bind plugin that does not Skip
// binds it.
func TestExtensionPointOrder(t *testing.T) {
	p := &probe{name: "Probe", log: &callLog{}}
	e := startProbes(t, 2, nil, p)
	e.create(t, pod("p", "1"))
	e.waitBound(t, "p")
	waitCalls(t, p.log, "p", "Probe.PreEnqueue Probe.PreFilter Probe.Filter Probe.Filter Probe.PreScore Probe.Score Probe.Score "+
		"Probe.NormalizeScore Probe.Reserve Probe.Permit Probe.PreBind Probe.Bind Probe.PostBind")
}

// Skip at PreFilter skips the plugin's Filter; Skip at PreScore skips its
// Score and NormalizeScore.
func TestSkip(t *testing.T) {
	skip := func(*scheduler.PodInfo) *scheduler.Status { return scheduler.NewStatus(scheduler.Skip) }
	p := &probe{name: "Probe", log: &callLog{}, preFilter: skip, preScore: skip}
	e := startProbes(t, 2, nil, p)
	e.create(t, pod("p", "1"))
	e.waitBound(t, "p")
	waitCalls(t, p.log, "p", "Probe.PreEnqueue Probe.PreFilter Probe.PreScore Probe.Reserve Probe.Permit Probe.PreBind Probe.Bind Probe.PostBind")
}

// A PreEnqueue rejection keeps the pod out of the active queue until an
// update of the pod lets it through.
func TestPreEnqueue(t *testing.T) {
	p := &probe{name: "Probe", log: &callLog{}, preEnqueue: func(pod *core.Pod) *scheduler.Status {
		if pod.Labels["ready"] != "true" {
			return scheduler.NewStatus(scheduler.UnschedulableAndUnresolvable, "not ready")
		}
		return nil
	}}
	e := startProbes(t, 1, nil, p)
	e.create(t, pod("held", "1"))
	waitCalls(t, p.log, "held", "Probe.PreEnqueue")
	// A pod created later is scheduled: had "held" been queued, being
	// older, it would have gone first.
	e.create(t, pod("later", "1", func(p *core.Pod) { p.Labels["ready"] = "true" }))
	e.waitBound(t, "later")
	if got := p.log.of("held"); got != "Probe.PreEnqueue" {
		t.Fatalf("held pod got past PreEnqueue: %s", got)
	}
	if _, err := e.pods.Patch(t.Context(), "held", client.MergePatch, []byte(`{"metadata":{"labels":{"ready":"true"}}}`), nil); err != nil {
		t.Fatal(err)
	}
	e.waitBound(t, "held")
}

// Filter rejections name the plugin's reasons in the pod's message;
// PostFilter gets every node's status, and its nomination is written to
// status.nominatedNodeName and tried first on the next attempt.
func TestFilterAndPostFilter(t *testing.T) {
	var open atomic.Bool
	var got atomic.Value // the statuses PostFilter saw
	p := &probe{name: "Probe", log: &callLog{},
		filter: func(_ *scheduler.PodInfo, n *scheduler.NodeInfo) *scheduler.Status {
			if !open.Load() {
				return scheduler.NewStatus(scheduler.Unschedulable, "node(s) were closed by the probe")
			}
			return nil
		},
		postFilter: func(_ *scheduler.PodInfo, m scheduler.NodeToStatus) (*scheduler.PostFilterResult, *scheduler.Status) {
			var s []string
			for n, st := range m {
				s = append(s, n+": "+st.Plugin()+": "+st.Message())
			}
			slices.Sort(s)
			got.Store(strings.Join(s, "; "))
			return &scheduler.PostFilterResult{NominatedNodeName: "n2"}, nil
		},
	}
	// Without DefaultPreemption, whose PostFilter would run first.
	e := startProbes(t, 3, func(prof *scheduler.Profile) {
		prof.Plugins.MultiPoint.Disabled = []scheduler.PluginRef{{Name: "DefaultPreemption"}}
	}, p)
	e.create(t, pod("p", "1"))
	if msg := e.waitUnschedulable(t, "p"); msg != "0/3 nodes are available: 3 node(s) were closed by the probe." {
		t.Errorf("message = %q", msg)
	}
	want := "n1: Probe: node(s) were closed by the probe; n2: Probe: node(s) were closed by the probe; n3: Probe: node(s) were closed by the probe"
	if s, _ := got.Load().(string); s != want {
		t.Errorf("PostFilter saw %q\nwant %q", s, want)
	}
	controllertest.Eventually(t, 10*time.Second, func() error {
		pod, err := e.pods.Get(t.Context(), "p")
		if err != nil {
			return err
		}
		if pod.Status.NominatedNodeName != "n2" {
			return fmt.Errorf("nominatedNodeName %q, want n2", pod.Status.NominatedNodeName)
		}
		return nil
	})
	// Nodes open; a node event retries the pod, which goes to the node it
	// was nominated to although the new, empty node scores as well.
	open.Store(true)
	e.create(t, node("n4", "4", "16Gi", nil))
	if n := e.waitBound(t, "p"); n != "n2" {
		t.Errorf("bound to %s, want the nominated n2", n)
	}
}

// Scores are normalized, weighted and summed: the probe's weight-100
// score, normalized in reverse, decides.
func TestScoreNormalizeAndWeight(t *testing.T) {
	p := &probe{name: "Probe", log: &callLog{},
		// Raw scores 1, 2, 3 for n1, n2, n3.
		score: func(_ *scheduler.PodInfo, n *scheduler.NodeInfo) int64 { return int64(n.Name()[1] - '0') },
		// Reversed: n1 best. Without normalization n3 would win.
		normalize: func(s []scheduler.NodeScore) { scheduler.NormalizeScores(s, true) },
	}
	e := startProbes(t, 3, nil, p)
	for i := range 3 {
		name := fmt.Sprint("p", i)
		e.create(t, pod(name, "100m"))
		if n := e.waitBound(t, name); n != "n1" {
			t.Errorf("%s bound to %s, want n1", name, n)
		}
	}
}

// A failure after Reserve rolls back: every Reserve plugin's Unreserve
// runs, in reverse order, and the cache forgets the assumed pod, so the
// retried pod fits the node it had filled.
func TestReserveRollback(t *testing.T) {
	// The pod needs all 4 cpus of the only node: if the failed attempt's
	// assumed pod stayed in the cache, the retry would not fit.
	tests := []struct {
		name string
		// fail makes probe A or B fail its first attempt at some point.
		failA, failB func(p *probe, fail func() bool)
		kick         bool   // the failure is Unschedulable: send an event
		want         string // calls of the first (failed) attempt | the second
	}{
		{"Reserve fails", nil, func(p *probe, fail func() bool) {
			p.reserve = func(*scheduler.PodInfo, string) *scheduler.Status {
				if fail() {
					return scheduler.NewStatus(scheduler.Error, "reserve failed")
				}
				return nil
			}
		}, false, "A.Reserve B.Reserve B.Unreserve A.Unreserve | A.Reserve B.Reserve A.Permit B.Permit A.PreBind B.PreBind A.Bind B.Bind A.PostBind B.PostBind"},
		{"Permit rejects", func(p *probe, fail func() bool) {
			p.permit = func(*scheduler.PodInfo, string) (*scheduler.Status, time.Duration) {
				if fail() {
					return scheduler.NewStatus(scheduler.Unschedulable, "not permitted"), 0
				}
				return nil, 0
			}
		}, nil, true, "A.Reserve B.Reserve A.Permit B.Unreserve A.Unreserve | A.Reserve B.Reserve A.Permit B.Permit A.PreBind B.PreBind A.Bind B.Bind A.PostBind B.PostBind"},
		{"PreBind fails", nil, func(p *probe, fail func() bool) {
			p.preBind = func(*scheduler.PodInfo, string) *scheduler.Status {
				if fail() {
					return scheduler.NewStatus(scheduler.Error, "volume not ready")
				}
				return nil
			}
		}, false, "A.Reserve B.Reserve A.Permit B.Permit A.PreBind B.PreBind B.Unreserve A.Unreserve | A.Reserve B.Reserve A.Permit B.Permit A.PreBind B.PreBind A.Bind B.Bind A.PostBind B.PostBind"},
		{"Bind fails", func(p *probe, fail func() bool) {
			p.bind = func(*scheduler.PodInfo, string) *scheduler.Status {
				if fail() {
					return scheduler.NewStatus(scheduler.Error, "bind failed")
				}
				return scheduler.NewStatus(scheduler.Skip)
			}
		}, nil, false, "A.Reserve B.Reserve A.Permit B.Permit A.PreBind B.PreBind A.Bind B.Unreserve A.Unreserve | A.Reserve B.Reserve A.Permit B.Permit A.PreBind B.PreBind A.Bind B.Bind A.PostBind B.PostBind"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			log := &callLog{}
			a, b := &probe{name: "A", log: log}, &probe{name: "B", log: log}
			var attempts atomic.Int32
			first := func() bool { return attempts.Load() == 1 }
			// Count attempts at A's Reserve, the first of the points
			// recorded here.
			a.reserve = func(*scheduler.PodInfo, string) *scheduler.Status { attempts.Add(1); return nil }
			if tc.failA != nil {
				tc.failA(a, first)
			}
			if tc.failB != nil {
				tc.failB(b, first)
			}
			e := startProbes(t, 1, nil, a, b)
			e.create(t, pod("p", "4"))
			if tc.kick {
				// Rejected as unschedulable, the pod waits for a cluster
				// event: a node too small for it.
				controllertest.Eventually(t, 10*time.Second, func() error {
					if !strings.Contains(log.of("p"), "A.Unreserve") {
						return errors.New("first attempt not rolled back yet")
					}
					return nil
				})
				e.create(t, node("small", "1", "1Gi", nil))
			}
			if n := e.waitBound(t, "p"); n != "n1" {
				t.Errorf("bound to %s, want n1", n)
			}
			waitBindingCalls(t, log, "p", strings.Replace(tc.want, "| ", "", 1))
		})
	}
}

// A pod a Permit plugin holds binds when allowed, and when rejected or
// timed out is unreserved, explained and retried.
func TestPermitWait(t *testing.T) {
	tests := []struct {
		name    string
		timeout time.Duration
		// act ends the wait; "" leaves it to the timeout.
		act     func(w scheduler.WaitingPod)
		wantMsg string // FailedScheduling message; "" if the first attempt binds
		want    string
	}{
		{"allowed", time.Minute, func(w scheduler.WaitingPod) { w.Allow("Probe") }, "",
			"Probe.Reserve Probe.Permit Probe.PreBind Probe.Bind Probe.PostBind"},
		{"rejected", time.Minute, func(w scheduler.WaitingPod) { w.Reject("Probe", "gang incomplete") }, "gang incomplete",
			"Probe.Reserve Probe.Permit Probe.Unreserve Probe.Reserve Probe.Permit Probe.PreBind Probe.Bind Probe.PostBind"},
		{"timed out", 100 * time.Millisecond, nil, "rejected due to timeout after waiting 100ms at plugin Probe",
			"Probe.Reserve Probe.Permit Probe.Unreserve Probe.Reserve Probe.Permit Probe.PreBind Probe.Bind Probe.PostBind"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var attempts atomic.Int32
			p := &probe{name: "Probe", log: &callLog{}, permit: func(*scheduler.PodInfo, string) (*scheduler.Status, time.Duration) {
				if attempts.Add(1) == 1 {
					return scheduler.NewStatus(scheduler.Wait), tc.timeout
				}
				return nil, 0
			}}
			e := startProbes(t, 1, nil, p)
			e.create(t, pod("p", "1"))
			if tc.act != nil {
				var w scheduler.WaitingPod
				controllertest.Eventually(t, 10*time.Second, func() error {
					p.handle().IterateOverWaitingPods(func(wp scheduler.WaitingPod) { w = wp })
					if w == nil {
						return errors.New("no waiting pod")
					}
					return nil
				})
				if w.Pod().Name != "p" {
					t.Fatalf("waiting pod %s, want p", w.Pod().Name)
				}
				if _, ok := p.handle().WaitingPod(w.Pod().UID); !ok {
					t.Error("WaitingPod does not find the waiting pod")
				}
				// Held: not bound yet.
				if cur, err := e.pods.Get(t.Context(), "p"); err != nil || cur.Spec.NodeName != "" {
					t.Fatalf("a waiting pod was bound to %q (%v)", cur.Spec.NodeName, err)
				}
				tc.act(w)
			}
			e.waitBound(t, "p")
			if tc.wantMsg != "" {
				e.waitEvent(t, "p", tc.wantMsg)
			}
			waitBindingCalls(t, p.log, "p", tc.want)
		})
	}
}

// A pod deleted while a Permit plugin holds it is rejected at once and
// unreserved, freeing its room for others.
func TestPermitWaitingPodDeleted(t *testing.T) {
	p := &probe{name: "Probe", log: &callLog{}, permit: func(pi *scheduler.PodInfo, _ string) (*scheduler.Status, time.Duration) {
		if pi.Pod.Name == "held" {
			return scheduler.NewStatus(scheduler.Wait), time.Hour
		}
		return nil, 0
	}}
	e := startProbes(t, 1, nil, p)
	e.create(t, pod("held", "4"))
	controllertest.Eventually(t, 10*time.Second, func() error {
		n := 0
		p.handle().IterateOverWaitingPods(func(scheduler.WaitingPod) { n++ })
		if n != 1 {
			return fmt.Errorf("%d waiting pods, want 1", n)
		}
		return nil
	})
	if err := e.pods.Delete(t.Context(), "held", nil); err != nil {
		t.Fatal(err)
	}
	waitBindingCalls(t, p.log, "held", "Probe.Reserve Probe.Permit Probe.Unreserve")
	// The 4 cpus it held are free again.
	e.create(t, pod("next", "4"))
	e.waitBound(t, "next")
}
