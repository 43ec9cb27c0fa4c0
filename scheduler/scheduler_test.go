package scheduler_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
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
	if msg != "0/2 nodes are available: 2 Insufficient cpu." {
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
	want := "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 node(s) didn't match Pod's node affinity/selector."
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

func TestTwoProfiles(t *testing.T) {
	e := start(t, &scheduler.Configuration{Profiles: []scheduler.Profile{
		{SchedulerName: "default-scheduler"},
		{SchedulerName: "packer", Plugins: &scheduler.Plugins{Score: scheduler.PluginSet{Disabled: []scheduler.PluginRef{{Name: "*"}}}}},
	}})
	e.create(t, node("n1", "4", "16Gi", nil))
	e.create(t, pod("by-packer", "1", func(p *core.Pod) { p.Spec.SchedulerName = "packer" }))
	e.waitBound(t, "by-packer")
	e.create(t, pod("by-other", "1", func(p *core.Pod) { p.Spec.SchedulerName = "someone-else" }))
	time.Sleep(300 * time.Millisecond) // nothing should happen to it
	if p, err := e.pods.Get(t.Context(), "by-other"); err != nil || p.Spec.NodeName != "" {
		t.Errorf("a pod for another scheduler was bound: %v %v", p.Spec.NodeName, err)
	}
}

func TestSchedulingGates(t *testing.T) {
	e := start(t, nil)
	e.create(t, node("n1", "4", "16Gi", nil))
	e.create(t, pod("gated", "1", func(p *core.Pod) { p.Spec.SchedulingGates = []core.PodSchedulingGate{{Name: "wait"}} }))
	time.Sleep(300 * time.Millisecond) // a gated pod must stay pending
	if p, _ := e.pods.Get(t.Context(), "gated"); p.Spec.NodeName != "" {
		t.Fatal("a gated pod was scheduled")
	}
	if _, err := e.pods.Patch(t.Context(), "gated", client.JSONPatch, []byte(`[{"op":"remove","path":"/spec/schedulingGates"}]`), nil); err != nil {
		t.Fatal(err)
	}
	e.waitBound(t, "gated")
}

// A restarted scheduler binds nothing twice: pods bound before it started
// count against their nodes.
func TestRestartCountsBoundPods(t *testing.T) {
	e := controllertest.New(t, nil)
	ctx := t.Context()
	nodes := client.Resource[core.Node](e.Client)
	pods := client.Resource[core.Pod](e.Client).Namespace("default")
	if _, err := nodes.Create(ctx, node("n1", "2", "8Gi", nil), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := nodes.Create(ctx, node("n2", "2", "8Gi", nil), nil); err != nil {
		t.Fatal(err)
	}
	run := func(names ...string) {
		m := controller.NewManager(e.Client, nil)
		if _, err := scheduler.New(m, scheduler.Options{Registry: plugins.Registry(), DefaultPlugins: plugins.Defaults()}); err != nil {
			t.Fatal(err)
		}
		mctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); m.Run(mctx) }()
		for _, n := range names {
			if _, err := pods.Create(ctx, pod(n, "1500m"), nil); err != nil {
				t.Fatal(err)
			}
		}
		controllertest.Eventually(t, 15*time.Second, func() error {
			for _, n := range names {
				p, err := pods.Get(ctx, n)
				if err != nil || p.Spec.NodeName == "" {
					return fmt.Errorf("%s not bound", n)
				}
			}
			return nil
		})
		cancel()
		<-done
	}
	run("a")
	run("b")
	a, _ := pods.Get(ctx, "a")
	b, _ := pods.Get(ctx, "b")
	if a.Spec.NodeName == b.Spec.NodeName {
		t.Errorf("both 1.5-cpu pods on %s (2 cpus): the restarted scheduler ignored the bound pod", a.Spec.NodeName)
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
