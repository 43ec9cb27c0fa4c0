package scheduler_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/resource"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/controller/controllertest"
	"github.com/spar-dev/spar/scheduler"
	"github.com/spar-dev/spar/scheduler/plugins"
)

func node(name, cpu, mem string, labels map[string]string, taints ...core.Taint) *core.Node {
	rl := core.ResourceList{core.ResourceCPU: resource.MustParse(cpu), core.ResourceMemory: resource.MustParse(mem), core.ResourcePods: resource.MustParse("110")}
	return &core.Node{
		ObjectMeta: meta.ObjectMeta{Name: name, Labels: labels},
		Spec:       core.NodeSpec{Taints: taints},
		Status: core.NodeStatus{Capacity: rl, Allocatable: rl,
			Conditions: []core.NodeCondition{{Type: core.NodeReady, Status: core.ConditionTrue}}},
	}
}

func pod(name, cpu string, mod ...func(*core.Pod)) *core.Pod {
	p := &core.Pod{
		ObjectMeta: meta.ObjectMeta{Namespace: "default", Name: name, Labels: map[string]string{"app": "test"}},
		Spec: core.PodSpec{Containers: []core.Container{{Name: "c", Image: "busybox",
			Resources: core.ResourceRequirements{Requests: core.ResourceList{core.ResourceCPU: resource.MustParse(cpu)}}}}},
	}
	for _, m := range mod {
		m(p)
	}
	return p
}

type env struct {
	*controllertest.Env
	pods  *client.ResourceClient[core.Pod, *core.Pod]
	nodes *client.ResourceClient[core.Node, *core.Node]
}

func start(t *testing.T, cfg *scheduler.Configuration) *env {
	t.Helper()
	e := controllertest.New(t, nil)
	if _, err := scheduler.New(e.Manager, scheduler.Options{Registry: plugins.Registry(), DefaultPlugins: plugins.Defaults(),
		Configuration: cfg, Queue: scheduler.QueueOptions{InitialBackoff: 50 * time.Millisecond, MaxBackoff: 200 * time.Millisecond}}); err != nil {
		t.Fatal(err)
	}
	e.Start()
	return &env{Env: e, pods: client.Resource[core.Pod](e.Client).Namespace("default"), nodes: client.Resource[core.Node](e.Client)}
}

// create creates nodes and pods. It returns once the scheduler of
// e.Manager knows of the nodes, so pods created next see them.
func (e *env) create(t *testing.T, objs ...any) {
	t.Helper()
	ctx := t.Context()
	for _, o := range objs {
		var err error
		switch o := o.(type) {
		case *core.Node:
			_, err = e.nodes.Create(ctx, o, nil)
		case *core.Pod:
			_, err = e.pods.Create(ctx, o, nil)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	// The shared informer runs its handlers (the scheduler's among them)
	// before Get sees an object.
	nodes := controller.GetInformer[core.Node](e.Manager, nil)
	for _, o := range objs {
		if n, ok := o.(*core.Node); ok {
			controllertest.Eventually(t, 10*time.Second, func() error {
				if _, ok := nodes.Get("", n.Name); !ok {
					return fmt.Errorf("the scheduler has not seen node %s", n.Name)
				}
				return nil
			})
		}
	}
}

// waitBound waits for a pod to be bound and returns its node.
func (e *env) waitBound(t *testing.T, name string) string {
	t.Helper()
	var node string
	controllertest.Eventually(t, 15*time.Second, func() error {
		p, err := e.pods.Get(t.Context(), name)
		if err != nil {
			return err
		}
		if p.Spec.NodeName == "" {
			return fmt.Errorf("pod %s not bound", name)
		}
		node = p.Spec.NodeName
		return nil
	})
	return node
}

// waitUnschedulable waits for the pod's PodScheduled=False condition and
// returns its message.
func (e *env) waitUnschedulable(t *testing.T, name string) string {
	t.Helper()
	var msg string
	controllertest.Eventually(t, 15*time.Second, func() error {
		p, err := e.pods.Get(t.Context(), name)
		if err != nil {
			return err
		}
		c := core.GetPodCondition(&p.Status, core.PodScheduled)
		if c == nil || c.Status != core.ConditionFalse {
			return fmt.Errorf("pod %s has no PodScheduled=False condition", name)
		}
		msg = c.Message
		return nil
	})
	return msg
}

func TestSchedulesByResources(t *testing.T) {
	e := start(t, nil)
	e.create(t, node("small", "1", "4Gi", nil), node("big", "8", "32Gi", nil))
	e.create(t, pod("needs-4-cpus", "4"))
	if n := e.waitBound(t, "needs-4-cpus"); n != "big" {
		t.Errorf("bound to %s, want big", n)
	}
	e.create(t, pod("too-big", "16"))
	msg := e.waitUnschedulable(t, "too-big")
	// DefaultPreemption explains why evicting pods would not help.
	if msg != "0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod." {
		t.Errorf("message = %q", msg)
	}
	// An event explains it too.
	controllertest.Eventually(t, 10*time.Second, func() error {
		evs, err := client.Resource[core.Event](e.Client).Namespace("default").List(t.Context(), &client.ListOptions{FieldSelector: "involvedObject.name=too-big,reason=FailedScheduling"})
		if err != nil {
			return err
		}
		if len(evs.Items) == 0 {
			return errors.New("no FailedScheduling event")
		}
		return nil
	})
	// A node that can take it arrives: the pod is scheduled.
	e.create(t, node("huge", "32", "64Gi", nil))
	if n := e.waitBound(t, "too-big"); n != "huge" {
		t.Errorf("bound to %s, want huge", n)
	}
}

func TestTaintsAndAffinity(t *testing.T) {
	e := start(t, nil)
	e.create(t,
		node("gpu", "8", "32Gi", map[string]string{"zone": "a"}, core.Taint{Key: "dedicated", Value: "gpu", Effect: core.TaintEffectNoSchedule}),
		node("plain-a", "8", "32Gi", map[string]string{"zone": "a"}),
		node("plain-b", "8", "32Gi", map[string]string{"zone": "b"}),
	)
	e.create(t, pod("tolerates", "1", func(p *core.Pod) {
		p.Spec.Tolerations = []core.Toleration{{Key: "dedicated", Operator: core.TolerationOpEqual, Value: "gpu", Effect: core.TaintEffectNoSchedule}}
		p.Spec.NodeSelector = map[string]string{"zone": "a"}
		p.Spec.Affinity = &core.Affinity{NodeAffinity: &core.NodeAffinity{PreferredDuringSchedulingIgnoredDuringExecution: []core.PreferredSchedulingTerm{{
			Weight: 100, Preference: core.NodeSelectorTerm{MatchFields: []core.NodeSelectorRequirement{{Key: "metadata.name", Operator: core.NodeSelectorOpIn, Values: []string{"gpu"}}}}}}}}
	}))
	if n := e.waitBound(t, "tolerates"); n != "gpu" {
		t.Errorf("tolerating pod preferring gpu bound to %s", n)
	}
	e.create(t, pod("zone-b", "1", func(p *core.Pod) { p.Spec.NodeSelector = map[string]string{"zone": "b"} }))
	if n := e.waitBound(t, "zone-b"); n != "plain-b" {
		t.Errorf("zone-b pod bound to %s", n)
	}
	e.create(t, pod("nowhere", "1", func(p *core.Pod) { p.Spec.NodeSelector = map[string]string{"zone": "c"} }))
	msg := e.waitUnschedulable(t, "nowhere")
	want := "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 node(s) didn't match Pod's node affinity/selector. " +
		"preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
	if msg != want {
		t.Errorf("message = %q\nwant      %q", msg, want)
	}
}

func TestSpreadsEqualNodes(t *testing.T) {
	e := start(t, nil)
	for i := range 4 {
		e.create(t, node(fmt.Sprint("n", i), "4", "16Gi", nil))
	}
	for i := range 8 {
		e.create(t, pod(fmt.Sprint("p", i), "500m"))
	}
	counts := map[string]int{}
	for i := range 8 {
		counts[e.waitBound(t, fmt.Sprint("p", i))]++
	}
	for n, c := range counts {
		if c != 2 {
			t.Errorf("node %s got %d pods, want 2 each: %v", n, c, counts)
		}
	}
}

// Two profiles of one scheduler compete for the same nodes: each binds
// its own pods, reporting events under its name, and, sharing one cache,
// they never overcommit a node. A pod for a scheduler that is not running
// is left alone.
func TestConflictingProfiles(t *testing.T) {
	e := start(t, &scheduler.Configuration{Profiles: []scheduler.Profile{
		{SchedulerName: "default-scheduler"},
		{SchedulerName: "packer", Plugins: &scheduler.Plugins{Score: scheduler.PluginSet{Disabled: []scheduler.PluginRef{{Name: "*"}}}}},
	}})
	e.create(t, pod("elsewhere", "1", func(p *core.Pod) { p.Spec.SchedulerName = "someone-else" }))
	e.create(t, node("n1", "2", "16Gi", nil), node("n2", "2", "16Gi", nil))
	profileOf := map[string]string{}
	for i := range 5 {
		name, sched := fmt.Sprint("p", i), "default-scheduler"
		if i%2 == 1 {
			sched = "packer"
		}
		profileOf[name] = sched
		e.create(t, pod(name, "1", func(p *core.Pod) { p.Spec.SchedulerName = sched }))
	}
	// Four fit (two cpus per node); whichever profile's pod comes last
	// finds the nodes full.
	perNode := map[string]int{}
	var pending []string
	controllertest.Eventually(t, 15*time.Second, func() error {
		clear(perNode)
		pending = pending[:0]
		for name := range profileOf {
			p, err := e.pods.Get(t.Context(), name)
			if err != nil {
				return err
			}
			if p.Spec.NodeName != "" {
				perNode[p.Spec.NodeName]++
				continue
			}
			c := core.GetPodCondition(&p.Status, core.PodScheduled)
			if c == nil || !strings.HasPrefix(c.Message, "0/2 nodes are available: 2 Insufficient cpu.") {
				return fmt.Errorf("pod %s neither bound nor unschedulable for cpu: %+v", name, c)
			}
			pending = append(pending, name)
		}
		return nil
	})
	if perNode["n1"] != 2 || perNode["n2"] != 2 || len(pending) != 1 {
		t.Errorf("pods per node %v, pending %v; want 2 on each node and 1 pending", perNode, pending)
	}
	// Each pod's events come from its own profile.
	controllertest.Eventually(t, 10*time.Second, func() error {
		evs, err := client.Resource[core.Event](e.Client).Namespace("default").List(t.Context(), nil)
		if err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, ev := range evs.Items {
			want, ok := profileOf[ev.InvolvedObject.Name]
			if !ok {
				continue
			}
			if ev.Source.Component != want || ev.ReportingController != want {
				t.Fatalf("event %s %s of %s reported by %q/%q, want %q", ev.Reason, ev.Message, ev.InvolvedObject.Name,
					ev.Source.Component, ev.ReportingController, want)
			}
			seen[ev.InvolvedObject.Name] = true
		}
		if len(seen) != len(profileOf) {
			return fmt.Errorf("events for %v, want one for each of the 5 pods", seen)
		}
		return nil
	})
	// The other scheduler's pod, created first, was seen and left alone.
	p, err := e.pods.Get(t.Context(), "elsewhere")
	if err != nil {
		t.Fatal(err)
	}
	if p.Spec.NodeName != "" || core.GetPodCondition(&p.Status, core.PodScheduled) != nil {
		t.Errorf("a pod for another scheduler was handled: node %q, conditions %+v", p.Spec.NodeName, p.Status.Conditions)
	}
}

// A second scheduler, started later for another schedulerName, picks up
// its pending pods and counts the pods the first one bound; its pod fits
// once a node is added.
func TestSecondScheduler(t *testing.T) {
	e := start(t, nil)
	e.create(t, node("n1", "2", "16Gi", nil))
	e.create(t, pod("foo", "1", func(p *core.Pod) { p.Spec.SchedulerName = "foo-scheduler" }))
	e.create(t, pod("big", "2"))
	e.waitBound(t, "big")
	if p, _ := e.pods.Get(t.Context(), "foo"); p.Spec.NodeName != "" || len(p.Status.Conditions) != 0 {
		t.Fatalf("foo-scheduler's pod was handled by default-scheduler: %+v", p)
	}

	m := controller.NewManager(e.Client, nil)
	if _, err := scheduler.New(m, scheduler.Options{Registry: plugins.Registry(), DefaultPlugins: plugins.Defaults(),
		Configuration: &scheduler.Configuration{Profiles: []scheduler.Profile{{SchedulerName: "foo-scheduler"}}},
		Queue:         scheduler.QueueOptions{InitialBackoff: 50 * time.Millisecond, MaxBackoff: 200 * time.Millisecond}}); err != nil {
		t.Fatal(err)
	}
	runManager(t, m)
	if msg := e.waitUnschedulable(t, "foo"); !strings.HasPrefix(msg, "0/1 nodes are available: 1 Insufficient cpu.") {
		t.Errorf("message = %q", msg)
	}
	e.create(t, node("n2", "2", "16Gi", nil))
	if n := e.waitBound(t, "foo"); n != "n2" {
		t.Errorf("foo bound to %s, want n2", n)
	}
}

// runManager runs m until the test ends.
func runManager(t *testing.T, m *controller.Manager) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); m.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
}

// A pod created while there are no nodes waits, and is scheduled as soon
// as a node is added (the node event moves it back to the active queue).
func TestPodScheduledWhenNodeAdded(t *testing.T) {
	e := start(t, nil)
	e.create(t, pod("p", "1"))
	if msg := e.waitUnschedulable(t, "p"); msg != "no nodes available to schedule pods" {
		t.Errorf("message = %q", msg)
	}
	e.create(t, node("n1", "2", "16Gi", nil))
	if n := e.waitBound(t, "p"); n != "n1" {
		t.Errorf("bound to %s, want n1", n)
	}
}

func TestSchedulingGates(t *testing.T) {
	e := start(t, nil)
	e.create(t, node("n1", "4", "16Gi", nil))
	e.create(t, pod("gated", "1", func(p *core.Pod) { p.Spec.SchedulingGates = []core.PodSchedulingGate{{Name: "wait"}} }))
	// A pod created later is scheduled; the older gated one, had it been
	// queued, would have gone first.
	e.create(t, pod("later", "1"))
	e.waitBound(t, "later")
	if p, _ := e.pods.Get(t.Context(), "gated"); p.Spec.NodeName != "" {
		t.Fatal("a gated pod was scheduled")
	}
	if _, err := e.pods.Patch(t.Context(), "gated", client.JSONPatch, []byte(`[{"op":"remove","path":"/spec/schedulingGates"}]`), nil); err != nil {
		t.Fatal(err)
	}
	e.waitBound(t, "gated")
}

// bindings wraps the API server's handler for one scheduler's client: it
// records the outcome of every binding request, and lets through only the
// first limit of them (all when limit < 0); later ones wait until their
// request is cancelled and never reach the server.
type bindings struct {
	h     http.Handler
	limit int64

	passed, held atomic.Int64
	mu           sync.Mutex
	codes        map[string][]int // pod → status codes of its bindings
}

func (b *bindings) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/binding") {
		b.h.ServeHTTP(w, r)
		return
	}
	if b.limit >= 0 && b.passed.Add(1) > b.limit {
		b.held.Add(1)
		<-r.Context().Done()
		http.Error(w, "held", http.StatusServiceUnavailable)
		return
	}
	rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
	b.h.ServeHTTP(rec, r)
	if rec.code != http.StatusCreated && r.Context().Err() != nil {
		return // the scheduler was stopped mid-request: a failure nobody saw
	}
	pod := path.Base(path.Dir(r.URL.Path))
	b.mu.Lock()
	b.codes[pod] = append(b.codes[pod], rec.code)
	b.mu.Unlock()
}

type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.code = code
	r.ResponseWriter.WriteHeader(code)
}

// A scheduler stopped in mid-stream, with bindings in flight, and a new
// one started in its place bind every pod exactly once: the new one
// counts the pods the first bound, and retries those whose bindings the
// first abandoned, without overcommitting a node.
func TestRestartMidStream(t *testing.T) {
	e := controllertest.New(t, nil)
	ctx := t.Context()
	nodes := client.Resource[core.Node](e.Client)
	pods := client.Resource[core.Pod](e.Client).Namespace("default")
	const numNodes, perNode, numPods = 10, 10, 105 // 100 slots, 5 pods too many
	for i := range numNodes {
		n := node(fmt.Sprint("n", i), "4", "16Gi", nil)
		n.Status.Capacity[core.ResourcePods] = resource.MustParse(fmt.Sprint(perNode))
		n.Status.Allocatable = n.Status.Capacity
		if _, err := nodes.Create(ctx, n, nil); err != nil {
			t.Fatal(err)
		}
	}
	for i := range numPods {
		if _, err := pods.Create(ctx, pod(fmt.Sprintf("p%03d", i), "100m"), nil); err != nil {
			t.Fatal(err)
		}
	}
	run := func(b *bindings) (stop func()) {
		m := controller.NewManager(client.NewForHandler(b), nil)
		if _, err := scheduler.New(m, scheduler.Options{Registry: plugins.Registry(), DefaultPlugins: plugins.Defaults(),
			Queue: scheduler.QueueOptions{InitialBackoff: 50 * time.Millisecond, MaxBackoff: 200 * time.Millisecond}}); err != nil {
			t.Fatal(err)
		}
		mctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); m.Run(mctx) }()
		return func() { cancel(); <-done }
	}

	// The first scheduler binds 40 pods; then its bindings hang, and it is
	// stopped with some of them in flight.
	first := &bindings{h: e.Server.Handler(), limit: 40, codes: map[string][]int{}}
	stop := run(first)
	controllertest.Eventually(t, 15*time.Second, func() error {
		if first.held.Load() < 3 {
			return fmt.Errorf("%d bindings held", first.held.Load())
		}
		return nil
	})
	stop()

	second := &bindings{h: e.Server.Handler(), limit: -1, codes: map[string][]int{}}
	stop = run(second)
	defer stop()
	var unschedulable int
	onNode := map[string]int{}
	controllertest.Eventually(t, 30*time.Second, func() error {
		list, err := pods.List(ctx, nil)
		if err != nil {
			return err
		}
		clear(onNode)
		unschedulable = 0
		for _, p := range list.Items {
			if p.Spec.NodeName != "" {
				onNode[p.Spec.NodeName]++
				continue
			}
			if c := core.GetPodCondition(&p.Status, core.PodScheduled); c != nil && strings.HasPrefix(c.Message, "0/10 nodes are available: 10 Too many pods.") {
				unschedulable++
			}
		}
		bound := 0
		for _, c := range onNode {
			bound += c
		}
		if bound != numNodes*perNode || unschedulable != numPods-numNodes*perNode {
			return fmt.Errorf("%d pods bound, %d unschedulable for too many pods", bound, unschedulable)
		}
		return nil
	})
	for n, c := range onNode {
		if c != perNode {
			t.Errorf("node %s has %d pods, want %d", n, c, perNode)
		}
	}
	// Every pod was bound exactly once. A first-scheduler binding cut short
	// by the stop may still commit after the second scheduler listed the
	// pods: the second's attempt is then refused with 409 (the API server's
	// guard against double binding) and the pod requeued and dropped.
	bound := map[string]int{}
	var conflicts int
	for _, b := range []*bindings{first, second} {
		b.mu.Lock()
		for pod, codes := range b.codes {
			for _, c := range codes {
				switch c {
				case http.StatusCreated:
					bound[pod]++
				case http.StatusConflict:
					conflicts++
				default:
					t.Errorf("a binding of %s got status %d", pod, c)
				}
			}
		}
		b.mu.Unlock()
	}
	// Only bindings the first scheduler had in flight can be refused.
	if conflicts > 40 {
		t.Errorf("%d bindings refused as conflicts", conflicts)
	}
	// Its bindings past the 40th hung; of the 40 before, those cut short
	// by the stop may have failed, or committed with the answer lost.
	if n := len(first.codes); n == 0 || n > 40 {
		t.Errorf("the first scheduler bound %d pods, want 1 to 40", n)
	}
	for pod, n := range bound {
		if n != 1 {
			t.Errorf("pod %s bound %d times", pod, n)
		}
	}
}

func TestFitErrorMessage(t *testing.T) {
	fe := &scheduler.FitError{NumAllNodes: 5, Statuses: scheduler.NodeToStatus{
		"a": scheduler.NewStatus(scheduler.Unschedulable, "Insufficient cpu"),
		"b": scheduler.NewStatus(scheduler.Unschedulable, "Insufficient cpu", "Insufficient memory"),
		"c": scheduler.NewStatus(scheduler.UnschedulableAndUnresolvable, "node(s) had untolerated taint {dedicated: gpu}"),
	}, PostFilterMessage: "preemption: 0/5 nodes are available: 5 No preemption victims found for incoming pod."}
	want := "0/5 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint {dedicated: gpu}, 2 Insufficient cpu. preemption: 0/5 nodes are available: 5 No preemption victims found for incoming pod."
	if got := fe.Error(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if !strings.HasPrefix(want, "0/5") {
		t.Fatal()
	}
}

// A pod that topology spread keeps off the only schedulable node is
// scheduled once the cordoned node that skews the spread is deleted: node
// deletions reach the queue as events (PodTopologySpread asks for them),
// rather than after the unschedulable pods' five-minute flush.
func TestNodeDeletionRequeues(t *testing.T) {
	e := start(t, nil)
	host := func(n string) map[string]string { return map[string]string{"kubernetes.io/hostname": n} }
	cordoned := node("n2", "4", "16Gi", host("n2"))
	cordoned.Spec.Unschedulable = true
	e.create(t, node("n1", "4", "16Gi", host("n1")), cordoned)
	e.create(t, pod("placed", "100m", func(p *core.Pod) { p.Spec.NodeName = "n1" }))
	spread := func(p *core.Pod) {
		p.Spec.TopologySpreadConstraints = []core.TopologySpreadConstraint{{MaxSkew: 1, TopologyKey: "kubernetes.io/hostname",
			WhenUnsatisfiable: core.DoNotSchedule, LabelSelector: &meta.LabelSelector{MatchLabels: map[string]string{"app": "test"}}}}
	}
	e.create(t, pod("spread", "100m", spread))
	msg := e.waitUnschedulable(t, "spread")
	if !strings.HasPrefix(msg, "0/2 nodes are available: 1 node(s) didn't match pod topology spread constraints, 1 node(s) were unschedulable.") {
		t.Errorf("message = %q", msg)
	}
	if err := e.nodes.Delete(t.Context(), "n2", nil); err != nil {
		t.Fatal(err)
	}
	if n := e.waitBound(t, "spread"); n != "n1" {
		t.Errorf("bound to %s, want n1", n)
	}
}

// poolGate is an out-of-tree Filter plugin: it admits a pod only to the
// nodes a ConfigMap lists, read from an informer it gets through
// scheduler.GetInformer, which the scheduler syncs before its first cycle.
type poolGate struct {
	pools     *controller.Informer[core.ConfigMap, *core.ConfigMap]
	unsynced  atomic.Int32 // cycles that saw the informer unsynced
	filtering atomic.Int32
}

func (*poolGate) Name() string { return "PoolGate" }

func (g *poolGate) Filter(_ context.Context, _ *scheduler.CycleState, _ *scheduler.PodInfo, n *scheduler.NodeInfo) *scheduler.Status {
	g.filtering.Add(1)
	if !g.pools.HasSynced() {
		g.unsynced.Add(1)
	}
	cm, ok := g.pools.Get("default", "pool")
	if !ok || cm.Data[n.Name()] != "web" {
		return scheduler.NewStatus(scheduler.UnschedulableAndUnresolvable, "node(s) were not in the web pool")
	}
	return nil
}

// An out-of-tree plugin is registered, enabled in a profile, and reads an
// informer that was synced before the first scheduling cycle.
func TestOutOfTreePlugin(t *testing.T) {
	e := controllertest.New(t, nil)
	ctx := t.Context()
	// Written before the scheduler starts: the first cycle must see it.
	if _, err := client.Resource[core.ConfigMap](e.Client).Namespace("default").Create(ctx, &core.ConfigMap{
		ObjectMeta: meta.ObjectMeta{Name: "pool"}, Data: map[string]string{"n2": "web"}}, nil); err != nil {
		t.Fatal(err)
	}
	nodes := client.Resource[core.Node](e.Client)
	for _, n := range []string{"n1", "n2", "n3"} {
		if _, err := nodes.Create(ctx, node(n, "4", "16Gi", nil), nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := client.Resource[core.Pod](e.Client).Namespace("default").Create(ctx, pod("web", "100m"), nil); err != nil {
		t.Fatal(err)
	}
	gate := &poolGate{}
	reg := plugins.Registry()
	if err := reg.Merge(scheduler.Registry{"PoolGate": func(_ json.RawMessage, h scheduler.Handle) (scheduler.Plugin, error) {
		gate.pools = scheduler.GetInformer[core.ConfigMap](h, nil)
		return gate, nil
	}}); err != nil {
		t.Fatal(err)
	}
	cfg := &scheduler.Configuration{Profiles: []scheduler.Profile{{Plugins: &scheduler.Plugins{
		Filter: scheduler.PluginSet{Enabled: []scheduler.PluginRef{{Name: "PoolGate"}}}}}}}
	if _, err := scheduler.New(e.Manager, scheduler.Options{Registry: reg, DefaultPlugins: plugins.Defaults(), Configuration: cfg}); err != nil {
		t.Fatal(err)
	}
	e.Start()
	env := &env{Env: e, pods: client.Resource[core.Pod](e.Client).Namespace("default"), nodes: nodes}
	if n := env.waitBound(t, "web"); n != "n2" {
		t.Errorf("bound to %s, want n2", n)
	}
	if gate.filtering.Load() == 0 || gate.unsynced.Load() != 0 {
		t.Errorf("Filter ran %d times, %d of them before the informer synced", gate.filtering.Load(), gate.unsynced.Load())
	}
}
