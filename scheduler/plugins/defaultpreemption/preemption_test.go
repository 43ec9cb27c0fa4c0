package defaultpreemption

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/policy"
	"github.com/spar-dev/spar/scheduler"
	"github.com/spar-dev/spar/scheduler/plugins/interpodaffinity"
	pt "github.com/spar-dev/spar/scheduler/plugins/plugintest"
)

// node4 is a node with 4 CPUs and room for 10 pods.
func node4(name string) *core.Node { return pt.MakeNode(name).Capacity("4", "16Gi", "10").Obj() }

// pod makes a pod requesting cpu with a priority.
func pod(name string, prio int32, cpu string) *pt.PodWrapper {
	return pt.MakePod(name).Priority(prio).Req(cpu, "")
}

func newPlugin(t testing.TB, h *pt.Handle, args string) *DefaultPreemption {
	t.Helper()
	var raw json.RawMessage
	if args != "" {
		raw = json.RawMessage(args)
	}
	p, err := New(raw, h)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return p.(*DefaultPreemption)
}

// handle returns a handle whose filters are Fit and InterPodAffinity.
func handle(t testing.TB, nodes []*core.Node, pods []*core.Pod) *pt.Handle {
	t.Helper()
	h := pt.NewHandle(nodes, pods)
	ipa, err := interpodaffinity.New(nil, h)
	if err != nil {
		t.Fatal(err)
	}
	h.Plugins = []scheduler.Plugin{pt.Fit{}, ipa}
	return h
}

// dryRun filters the pod as the scheduler would, then finds the
// candidates; it returns them as "node: victim,victim" strings in order,
// and the statuses of the other nodes.
func dryRun(t *testing.T, h *pt.Handle, pl *DefaultPreemption, p *core.Pod) ([]*candidate, scheduler.NodeToStatus) {
	t.Helper()
	ctx := context.Background()
	state := scheduler.NewCycleState()
	pi := scheduler.NewPodInfo(p)
	feasible, rejected := h.Filter(ctx, state, pi)
	if len(feasible) > 0 {
		t.Fatalf("the pod fits %v without preemption", feasible)
	}
	cs, statuses, err := pl.findCandidates(ctx, state, pi, rejected)
	if err != nil {
		t.Fatalf("findCandidates: %v", err)
	}
	return cs, statuses
}

func describe(c *candidate) string {
	names := make([]string, len(c.victims))
	for i, v := range c.victims {
		names[i] = v.Name
	}
	return c.node + ": " + strings.Join(names, ",")
}

func TestSelectVictims(t *testing.T) {
	now := time.Now()
	tests := []struct {
		name  string
		nodes []*core.Node
		pods  []*core.Pod
		nom   map[string][]*core.Pod
		pod   *core.Pod
		want  []string // candidates, sorted
	}{
		{
			name:  "only lower-priority pods are victims",
			nodes: []*core.Node{node4("n1")},
			pods:  []*core.Pod{pod("low", 1, "2").Node("n1").Obj(), pod("same", 10, "1").Node("n1").Obj(), pod("high", 20, "1").Node("n1").Obj()},
			pod:   pod("p", 10, "2").Obj(),
			want:  []string{"n1: low"},
		},
		{
			name:  "as many victims as possible are reprieved, most important first",
			nodes: []*core.Node{node4("n1")},
			pods: []*core.Pod{
				pod("a", 1, "1").Node("n1").Obj(), pod("b", 2, "2").Node("n1").Obj(), pod("c", 3, "1").Node("n1").Obj(),
			},
			pod:  pod("p", 10, "2").Obj(),
			want: []string{"n1: b"},
		},
		{
			name:  "victims are listed most important first",
			nodes: []*core.Node{node4("n1")},
			pods: []*core.Pod{
				pod("a", 1, "1").Node("n1").Obj(), pod("b", 3, "1").Node("n1").Obj(), pod("c", 2, "2").Node("n1").Obj(),
			},
			pod:  pod("p", 10, "4").Obj(),
			want: []string{"n1: b,c,a"},
		},
		{
			name:  "equal priorities: the latest started pods are victims first",
			nodes: []*core.Node{node4("n1")},
			pods: []*core.Pod{
				pod("old", 1, "2").StartTime(now.Add(-time.Hour)).Node("n1").Obj(),
				pod("new", 1, "2").StartTime(now.Add(-time.Minute)).Node("n1").Obj(),
			},
			pod:  pod("p", 10, "2").Obj(),
			want: []string{"n1: new"},
		},
		{
			name:  "a victim that blocks by anti-affinity",
			nodes: []*core.Node{node4("n1")},
			pods:  []*core.Pod{pod("web", 1, "1").Label("app", "web").Node("n1").Obj(), pod("other", 1, "1").Node("n1").Obj()},
			pod:   pod("p", 10, "1").PodAntiAffinity(pt.Term(pt.LabelHostname, "app", "web")).Obj(),
			want:  []string{"n1: web"},
		},
		{
			name:  "pods nominated with a higher priority keep their room",
			nodes: []*core.Node{node4("n1"), node4("n2")},
			pods: []*core.Pod{
				pod("a", 1, "2").Node("n1").Obj(), pod("b", 1, "2").Node("n1").Obj(),
				pod("c", 1, "2").StartTime(now.Add(-time.Hour)).Node("n2").Obj(),
				pod("d", 1, "2").StartTime(now.Add(-time.Minute)).Node("n2").Obj(),
			},
			nom:  map[string][]*core.Pod{"n1": {pod("nominated", 20, "2").Obj()}},
			pod:  pod("p", 10, "2").Obj(),
			want: []string{"n1: a,b", "n2: d"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := handle(t, tc.nodes, tc.pods)
			h.Nominated = map[string][]*scheduler.PodInfo{}
			for n, ps := range tc.nom {
				for _, p := range ps {
					h.Nominated[n] = append(h.Nominated[n], scheduler.NewPodInfo(p))
				}
			}
			cs, _ := dryRun(t, h, newPlugin(t, h, ""), tc.pod)
			var got []string
			for _, c := range cs {
				got = append(got, describe(c))
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestPickOne(t *testing.T) {
	now := time.Now()
	v := func(name string, prio int32, started time.Duration) *core.Pod {
		return pod(name, prio, "1").StartTime(now.Add(-started)).Obj()
	}
	tests := []struct {
		name string
		cs   []*candidate
		want string
	}{
		{"the fewest PDB violations", []*candidate{
			{node: "n1", victims: []*core.Pod{v("a", 1, time.Hour)}, pdbViolations: 1},
			{node: "n2", victims: []*core.Pod{v("b", 100, time.Hour), v("c", 100, time.Hour)}},
		}, "n2"},
		{"the lowest most important victim", []*candidate{
			{node: "n1", victims: []*core.Pod{v("a", 5, time.Hour)}},
			{node: "n2", victims: []*core.Pod{v("b", 3, time.Hour), v("c", 3, time.Hour), v("d", 1, time.Hour)}},
		}, "n2"},
		{"the smallest sum of priorities", []*candidate{
			{node: "n1", victims: []*core.Pod{v("a", 5, time.Hour), v("b", 5, time.Hour)}},
			{node: "n2", victims: []*core.Pod{v("c", 5, time.Hour), v("d", 1, time.Hour)}},
		}, "n2"},
		{"negative priorities: fewer pods win", []*candidate{
			{node: "n1", victims: []*core.Pod{v("a", -5, time.Hour), v("b", -5, time.Hour)}},
			{node: "n2", victims: []*core.Pod{v("c", -5, time.Hour)}},
		}, "n2"},
		{"the latest started most important victims", []*candidate{
			{node: "n1", victims: []*core.Pod{v("a", 5, time.Hour)}},
			{node: "n2", victims: []*core.Pod{v("b", 5, time.Minute)}},
			{node: "n3", victims: []*core.Pod{v("c", 5, 2*time.Hour)}},
		}, "n2"},
		{"a tie: the first found", []*candidate{
			{node: "n1", victims: []*core.Pod{v("a", 5, time.Hour)}},
			{node: "n2", victims: []*core.Pod{v("b", 5, time.Hour)}},
		}, "n1"},
	}
	for _, tc := range tests {
		if got := pickOne(tc.cs).node; got != tc.want {
			t.Errorf("%s: picked %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestSplitByPDBViolation(t *testing.T) {
	pdb := func(name, ns string, sel *meta.LabelSelector, allowed int32, disrupted ...string) *policy.PodDisruptionBudget {
		p := &policy.PodDisruptionBudget{ObjectMeta: meta.ObjectMeta{Name: name, Namespace: ns},
			Spec: policy.PodDisruptionBudgetSpec{Selector: sel}, Status: policy.PodDisruptionBudgetStatus{DisruptionsAllowed: allowed}}
		if len(disrupted) > 0 {
			p.Status.DisruptedPods = map[string]meta.Time{}
			for _, d := range disrupted {
				p.Status.DisruptedPods[d] = meta.Now()
			}
		}
		return p
	}
	web := func(name string) *scheduler.PodInfo {
		return scheduler.NewPodInfo(pt.MakePod(name).Label("app", "web").Obj())
	}
	tests := []struct {
		name string
		pods []*scheduler.PodInfo
		pdbs []*policy.PodDisruptionBudget
		want string // violating pods
	}{
		{"no budgets", []*scheduler.PodInfo{web("a")}, nil, ""},
		{"a budget allowing one", []*scheduler.PodInfo{web("a"), web("b")},
			[]*policy.PodDisruptionBudget{pdb("p", "default", pt.Selector("app", "web"), 1)}, "b"},
		{"a budget allowing none", []*scheduler.PodInfo{web("a"), web("b")},
			[]*policy.PodDisruptionBudget{pdb("p", "default", pt.Selector("app", "web"), 0)}, "a,b"},
		{"a budget of another namespace", []*scheduler.PodInfo{web("a")},
			[]*policy.PodDisruptionBudget{pdb("p", "other", pt.Selector("app", "web"), 0)}, ""},
		{"an empty selector matches nothing", []*scheduler.PodInfo{web("a")},
			[]*policy.PodDisruptionBudget{pdb("p", "default", &meta.LabelSelector{}, 0)}, ""},
		{"pods already disrupted do not count", []*scheduler.PodInfo{web("a"), web("b")},
			[]*policy.PodDisruptionBudget{pdb("p", "default", pt.Selector("app", "web"), 0, "a")}, "b"},
		{"pods without labels match no budget", []*scheduler.PodInfo{scheduler.NewPodInfo(pt.MakePod("bare").Obj())},
			[]*policy.PodDisruptionBudget{pdb("p", "default", pt.Selector("app", "web"), 0)}, ""},
	}
	for _, tc := range tests {
		violating, others := splitByPDBViolation(tc.pods, tc.pdbs)
		var names []string
		for _, p := range violating {
			names = append(names, p.Pod.Name)
		}
		if got := strings.Join(names, ","); got != tc.want {
			t.Errorf("%s: violating %q, want %q", tc.name, got, tc.want)
		}
		if len(violating)+len(others) != len(tc.pods) {
			t.Errorf("%s: %d+%d pods, want %d", tc.name, len(violating), len(others), len(tc.pods))
		}
	}
}

// TestPostFilterWithoutCandidates covers the outcomes that need no API
// writes: ineligible pods and pods no preemption helps.
func TestPostFilterWithoutCandidates(t *testing.T) {
	terminatingVictim := pod("victim", 1, "4").Node("n1").Terminating().Condition(core.PodCondition{
		Type: core.DisruptionTarget, Status: core.ConditionTrue, Reason: core.PodReasonPreemptionByScheduler}).Obj()
	tests := []struct {
		name    string
		nodes   []*core.Node
		pods    []*core.Pod
		pod     *core.Pod
		wantMsg string
	}{
		{
			name:    "preemptionPolicy Never",
			nodes:   []*core.Node{node4("n1")},
			pods:    []*core.Pod{pod("low", 1, "4").Node("n1").Obj()},
			pod:     pod("p", 10, "2").PreemptionPolicy(core.PreemptNever).Obj(),
			wantMsg: "preemption: not eligible due to preemptionPolicy=Never.",
		},
		{
			name:    "victims of the last preemption still terminating",
			nodes:   []*core.Node{node4("n1")},
			pods:    []*core.Pod{terminatingVictim},
			pod:     pod("p", 10, "2").NominatedNodeName("n1").Obj(),
			wantMsg: "preemption: not eligible due to a terminating pod on the nominated node.",
		},
		{
			name:    "no lower-priority pods",
			nodes:   []*core.Node{node4("n1"), node4("n2")},
			pods:    []*core.Pod{pod("a", 10, "4").Node("n1").Obj(), pod("b", 20, "4").Node("n2").Obj()},
			pod:     pod("p", 10, "2").Obj(),
			wantMsg: "preemption: 0/2 nodes are available: 2 " + ErrReasonNoVictims + ".",
		},
		{
			name:  "too big even for an empty node",
			nodes: []*core.Node{node4("n1"), pt.MakeNode("n2").Capacity("4", "16Gi", "10").Taint("k", "v", core.TaintEffectNoSchedule).Obj()},
			pods:  []*core.Pod{pod("a", 1, "1").Node("n1").Obj()},
			pod:   pod("p", 10, "8").Obj(),
			// n2 is rejected by the test's taint filter as unresolvable.
			wantMsg: "preemption: 0/2 nodes are available: 1 Insufficient cpu, 1 " + ErrReasonNotHelpful + ".",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := handle(t, tc.nodes, tc.pods)
			h.Plugins = append([]scheduler.Plugin{taintFilter{}}, h.Plugins...)
			pl := newPlugin(t, h, "")
			ctx := context.Background()
			state := scheduler.NewCycleState()
			pi := scheduler.NewPodInfo(tc.pod)
			_, rejected := h.Filter(ctx, state, pi)
			r, st := pl.PostFilter(ctx, state, pi, rejected)
			if st.Code() != scheduler.Unschedulable || st.Message() != tc.wantMsg {
				t.Errorf("got %v %q, want Unschedulable %q", st.Code(), st.Message(), tc.wantMsg)
			}
			if r != nil && r.NominatedNodeName != "" {
				t.Errorf("nominated %q", r.NominatedNodeName)
			}
		})
	}
}

// taintFilter rejects tainted nodes as unresolvable.
type taintFilter struct{}

func (taintFilter) Name() string { return "Taints" }
func (taintFilter) Filter(_ context.Context, _ *scheduler.CycleState, _ *scheduler.PodInfo, n *scheduler.NodeInfo) *scheduler.Status {
	if len(n.Node.Spec.Taints) > 0 {
		return scheduler.NewStatus(scheduler.UnschedulableAndUnresolvable, "node(s) had untolerated taint")
	}
	return nil
}

func TestNew(t *testing.T) {
	tests := []struct {
		args, wantErr string
		pct, abs      int32
	}{
		{"", "", 10, 100},
		{`{"minCandidateNodesPercentage":50,"minCandidateNodesAbsolute":0}`, "", 50, 0},
		{`{"kind":"DefaultPreemptionArgs","apiVersion":"kubescheduler.config.k8s.io/v1"}`, "", 10, 100},
		{`{"minCandidateNodesPercentage":101}`, "not in valid range", 0, 0},
		{`{"minCandidateNodesAbsolute":-1}`, "not in valid range", 0, 0},
		{`{"minCandidateNodesPercentage":0,"minCandidateNodesAbsolute":0}`, "cannot be zero at the same time", 0, 0},
		{`{"minCandidates":3}`, "minCandidates", 0, 0},
	}
	for _, tc := range tests {
		p, err := New(json.RawMessage(tc.args), pt.NewHandle(nil, nil))
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("New(%s): got error %v, want one containing %q", tc.args, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("New(%s): %v", tc.args, err)
			continue
		}
		pl := p.(*DefaultPreemption)
		if pl.percentage != tc.pct || pl.absMin != tc.abs {
			t.Errorf("New(%s): %d%%, %d; want %d%%, %d", tc.args, pl.percentage, pl.absMin, tc.pct, tc.abs)
		}
	}
}

func TestNumCandidates(t *testing.T) {
	pl := &DefaultPreemption{percentage: 10, absMin: 100}
	for _, tc := range []struct{ nodes, want int }{{10, 10}, {100, 100}, {500, 100}, {5000, 500}} {
		if got := pl.numCandidates(tc.nodes); got != tc.want {
			t.Errorf("numCandidates(%d) = %d, want %d", tc.nodes, got, tc.want)
		}
	}
}

// TestFindCandidatesStopsEarly checks that, with many nodes, the search
// stops once enough candidates are found.
func TestFindCandidatesStopsEarly(t *testing.T) {
	var nodes []*core.Node
	var pods []*core.Pod
	for i := range 300 {
		n := fmt.Sprintf("n%03d", i)
		nodes = append(nodes, node4(n))
		pods = append(pods, pod("low-"+n, 1, "4").Node(n).Obj())
	}
	h := handle(t, nodes, pods)
	cs, _ := dryRun(t, h, newPlugin(t, h, `{"minCandidateNodesPercentage":1,"minCandidateNodesAbsolute":20}`), pod("p", 10, "1").Obj())
	// Two workers may each finish a node past the limit.
	if len(cs) < 20 || len(cs) > 20+4 {
		t.Errorf("got %d candidates, want about 20", len(cs))
	}
}
