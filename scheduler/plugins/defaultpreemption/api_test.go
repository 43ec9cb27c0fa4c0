package defaultpreemption

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/policy"
	"github.com/spar-dev/spar/api/scheduling"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller/controllertest"
	"github.com/spar-dev/spar/scheduler"
	pt "github.com/spar-dev/spar/scheduler/plugins/plugintest"
)

// cluster is a real API server with the pods of a test and a handle
// whose snapshot holds the created (bound) pods.
type cluster struct {
	t   *testing.T
	env *controllertest.Env
	ctx context.Context
}

func newCluster(t *testing.T) *cluster {
	c := &cluster{t: t, env: controllertest.New(t, nil), ctx: context.Background()}
	for _, v := range []int32{1, 2, 5, 10, 100} {
		pc := &scheduling.PriorityClass{ObjectMeta: meta.ObjectMeta{Name: fmt.Sprintf("p%d", v)}, Value: v}
		if _, err := client.Resource[scheduling.PriorityClass](c.env.Client).Create(c.ctx, pc, nil); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// pod creates a pod of the given priority (and its PriorityClass name).
func (c *cluster) pod(w *pt.PodWrapper) *core.Pod {
	c.t.Helper()
	p := w.Obj()
	p.UID = ""
	p.Spec.PriorityClassName = fmt.Sprintf("p%d", *p.Spec.Priority)
	out, err := client.Resource[core.Pod](c.env.Client).Create(c.ctx, p, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	if p.Status.NominatedNodeName != "" {
		out.Status.NominatedNodeName = p.Status.NominatedNodeName
		if out, err = client.Resource[core.Pod](c.env.Client).UpdateStatus(c.ctx, out, nil); err != nil {
			c.t.Fatal(err)
		}
	}
	return out
}

func (c *cluster) pdb(name string, sel *meta.LabelSelector, allowed int32) {
	c.t.Helper()
	pdbs := client.Resource[policy.PodDisruptionBudget](c.env.Client).Namespace("default")
	one := meta.FromInt(1)
	p, err := pdbs.Create(c.ctx, &policy.PodDisruptionBudget{ObjectMeta: meta.ObjectMeta{Name: name},
		Spec: policy.PodDisruptionBudgetSpec{Selector: sel, MinAvailable: &one}}, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	p.Status.DisruptionsAllowed = allowed
	if _, err := pdbs.UpdateStatus(c.ctx, p, nil); err != nil {
		c.t.Fatal(err)
	}
}

func (c *cluster) get(name string) (*core.Pod, error) {
	return client.Resource[core.Pod](c.env.Client).Namespace("default").Get(c.ctx, name)
}

// preempt runs the scheduling attempt of pod: Filter, then PostFilter.
func (c *cluster) preempt(h *pt.Handle, pod *core.Pod) (*scheduler.PostFilterResult, *scheduler.Status) {
	c.t.Helper()
	pl := newPlugin(c.t, h, "")
	// The plugin's informers start with the manager.
	c.env.Start()
	// The scheduler would wait for the plugin's informers; the test does.
	if !pl.pdbs.WaitForCacheSync(c.ctx) {
		c.t.Fatal("the PodDisruptionBudget informer did not sync")
	}
	controllertest.Eventually(c.t, 5*time.Second, func() error {
		if _, ok := pl.pods.Get(pod.Namespace, pod.Name); !ok {
			return errors.New("the preemptor is not in the informer yet")
		}
		return nil
	})
	state := scheduler.NewCycleState()
	pi := scheduler.NewPodInfo(pod)
	feasible, rejected := h.Filter(c.ctx, state, pi)
	if len(feasible) > 0 {
		c.t.Fatalf("the pod fits %v without preemption", feasible)
	}
	return pl.PostFilter(c.ctx, state, pi, rejected)
}

func (c *cluster) handle(nodes []*core.Node, pods []*core.Pod) *pt.Handle {
	h := handle(c.t, nodes, pods)
	h.APIClient, h.Mgr, h.EventRecorder = c.env.Client, c.env.Manager, c.env.Manager.Recorder("default-scheduler")
	return h
}

// TestPreemptThroughAPI: the victim on the chosen node is marked, deleted
// and reported; the PDB-protected pod of lower priority is spared; the
// lower-priority nomination to the node is cleared.
func TestPreemptThroughAPI(t *testing.T) {
	c := newCluster(t)
	c.pdb("protect", pt.Selector("app", "protected"), 0)
	nodes := []*core.Node{node4("n1"), node4("n2"), node4("n3")}
	protected := c.pod(pod("protected", 1, "4").Label("app", "protected").Node("n1"))
	mid := c.pod(pod("mid", 5, "4").Node("n2"))
	high := c.pod(pod("high", 100, "4").Node("n3"))
	nominated := c.pod(pod("nominated", 2, "1").NominatedNodeName("n2"))
	preemptor := c.pod(pod("preemptor", 10, "4"))

	h := c.handle(nodes, []*core.Pod{protected, mid, high})
	h.Nominated = map[string][]*scheduler.PodInfo{"n2": {scheduler.NewPodInfo(nominated)}}
	r, st := c.preempt(h, preemptor)
	if !st.IsSuccess() {
		t.Fatalf("PostFilter: %v %s", st.Code(), st.Message())
	}
	if r == nil || r.NominatedNodeName != "n2" {
		t.Fatalf("got %+v, want n2 nominated (the pod protected by a budget spared)", r)
	}

	got, err := c.get("mid")
	if err != nil {
		t.Fatalf("mid: %v", err)
	}
	if got.DeletionTimestamp == nil {
		t.Errorf("mid is not being deleted")
	}
	cond := core.GetPodCondition(&got.Status, core.DisruptionTarget)
	if cond == nil || cond.Status != core.ConditionTrue || cond.Reason != core.PodReasonPreemptionByScheduler ||
		cond.Message != "default-scheduler: preempting to accommodate a higher priority pod" {
		t.Errorf("mid's DisruptionTarget condition: %+v", cond)
	}
	for _, name := range []string{"protected", "high"} {
		if p, err := c.get(name); err != nil || p.DeletionTimestamp != nil {
			t.Errorf("%s was preempted (err %v)", name, err)
		}
	}
	if p, err := c.get("nominated"); err != nil || p.Status.NominatedNodeName != "" {
		t.Errorf("nominated: nominatedNodeName %q (err %v), want it cleared", p.Status.NominatedNodeName, err)
	}
	controllertest.Eventually(t, 5*time.Second, func() error {
		evs, err := client.Resource[core.Event](c.env.Client).Namespace("default").List(c.ctx, nil)
		if err != nil {
			return err
		}
		want := fmt.Sprintf("Preempted by pod %s on node n2", preemptor.UID)
		for _, e := range evs.Items {
			if e.InvolvedObject.Name == "mid" && e.Reason == "Preempted" && e.Message == want {
				return nil
			}
		}
		return fmt.Errorf("no Preempted event for mid with message %q among %d events", want, len(evs.Items))
	})
}

// TestPreemptWithinBudget: a budget with room does not protect, so the
// lowest-priority victim wins.
func TestPreemptWithinBudget(t *testing.T) {
	c := newCluster(t)
	c.pdb("protect", pt.Selector("app", "protected"), 1)
	nodes := []*core.Node{node4("n1"), node4("n2")}
	protected := c.pod(pod("protected", 1, "4").Label("app", "protected").Node("n1"))
	mid := c.pod(pod("mid", 5, "4").Node("n2"))
	preemptor := c.pod(pod("preemptor", 10, "4"))
	r, st := c.preempt(c.handle(nodes, []*core.Pod{protected, mid}), preemptor)
	if !st.IsSuccess() || r == nil || r.NominatedNodeName != "n1" {
		t.Fatalf("got %+v, %v; want n1 nominated", r, st.Message())
	}
	if p, err := c.get("protected"); err != nil || p.DeletionTimestamp == nil {
		t.Errorf("protected was not preempted (err %v)", err)
	}
}

// TestPreemptWaitingPod: a victim held by a Permit plugin is rejected
// rather than deleted.
func TestPreemptWaitingPod(t *testing.T) {
	c := newCluster(t)
	waiting := c.pod(pod("waiting", 1, "4").Node("n1"))
	preemptor := c.pod(pod("preemptor", 10, "4"))
	h := c.handle([]*core.Node{node4("n1")}, []*core.Pod{waiting})
	w := &waitingPod{pod: waiting}
	h.Waiting = map[meta.UID]scheduler.WaitingPod{waiting.UID: w}
	r, st := c.preempt(h, preemptor)
	if !st.IsSuccess() || r.NominatedNodeName != "n1" {
		t.Fatalf("got %+v, %v; want n1 nominated", r, st.Message())
	}
	if w.rejectedBy() != Name {
		t.Errorf("the waiting pod was rejected by %q, want %q", w.rejectedBy(), Name)
	}
	if p, err := c.get("waiting"); err != nil || p.DeletionTimestamp != nil {
		t.Errorf("the waiting pod was deleted (err %v)", err)
	}
}

// TestNoCandidatesClearsNomination: a pod whose nomination cannot hold
// any more loses it.
func TestNoCandidatesClearsNomination(t *testing.T) {
	c := newCluster(t)
	other := c.pod(pod("other", 100, "4").Node("n1"))
	preemptor := c.pod(pod("preemptor", 10, "4").NominatedNodeName("n1"))
	r, st := c.preempt(c.handle([]*core.Node{node4("n1")}, []*core.Pod{other}), preemptor)
	if st.Code() != scheduler.Unschedulable || r == nil || r.NominatedNodeName != "" {
		t.Fatalf("got %+v, %v %q", r, st.Code(), st.Message())
	}
	if p, err := c.get("preemptor"); err != nil || p.Status.NominatedNodeName != "" {
		t.Errorf("preemptor: nominatedNodeName %q (err %v), want it cleared", p.Status.NominatedNodeName, err)
	}
}

type waitingPod struct {
	pod *core.Pod
	mu  sync.Mutex
	by  string
}

func (w *waitingPod) Pod() *core.Pod { return w.pod }
func (w *waitingPod) Allow(string)   {}
func (w *waitingPod) Reject(plugin, _ string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.by = plugin
}
func (w *waitingPod) rejectedBy() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.by
}
