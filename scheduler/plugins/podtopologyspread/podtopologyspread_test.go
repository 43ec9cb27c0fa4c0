package podtopologyspread

import (
	"context"
	"encoding/json"
	"maps"
	"strings"
	"testing"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/scheduler"
	pt "github.com/spar-dev/spar/scheduler/plugins/plugintest"
)

const (
	zone = pt.LabelZone
	host = pt.LabelHostname
)

func newPlugin(t testing.TB, h *pt.Handle, args string) *PodTopologySpread {
	t.Helper()
	var raw json.RawMessage
	if args != "" {
		raw = json.RawMessage(args)
	}
	p, err := New(raw, h)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	h.Plugins = []scheduler.Plugin{p}
	return p.(*PodTopologySpread)
}

func verdict(st *scheduler.Status) string {
	if st.IsSuccess() {
		return "ok"
	}
	return st.Code().String() + ": " + st.Message()
}

// filter runs PreFilter and Filter on every node ("skip" when PreFilter
// skips).
func filter(t *testing.T, h *pt.Handle, args string, pod *core.Pod) map[string]string {
	t.Helper()
	return filterWith(t, newPlugin(t, h, args), h, pod)
}

func filterWith(t *testing.T, pl *PodTopologySpread, h *pt.Handle, pod *core.Pod) map[string]string {
	t.Helper()
	ctx := context.Background()
	state := scheduler.NewCycleState()
	pi := scheduler.NewPodInfo(pod)
	_, st := pl.PreFilter(ctx, state, pi, h.Snapshot().List())
	out := map[string]string{}
	for _, n := range h.Snapshot().List() {
		switch {
		case st.IsSkip():
			out[n.Name()] = "skip"
		case !st.IsSuccess():
			out[n.Name()] = "PreFilter " + verdict(st)
		default:
			out[n.Name()] = verdict(pl.Filter(ctx, state, pi, n))
		}
	}
	return out
}

const (
	skewFail  = "Unschedulable: " + ErrReasonConstraintsNotMatch
	labelFail = "UnschedulableAndUnresolvable: " + ErrReasonNodeLabelNotMatch
)

func int32p(v int32) *int32 { return &v }

func policy(p core.NodeInclusionPolicy) *core.NodeInclusionPolicy { return &p }

// zones: a1, a2 in zone a; b1, b2 in zone b; c1 in zone c.
func zones() []*core.Node {
	return []*core.Node{
		pt.MakeNode("a1").Zone("a").Obj(), pt.MakeNode("a2").Zone("a").Obj(),
		pt.MakeNode("b1").Zone("b").Obj(), pt.MakeNode("b2").Zone("b").Obj(),
		pt.MakeNode("c1").Zone("c").Obj(),
	}
}

func web(name string) *pt.PodWrapper { return pt.MakePod(name).Label("app", "web") }

// webPods places n web pods on each named node ("a1", "a1", "b1" ...).
func webPods(nodes ...string) []*core.Pod {
	out := make([]*core.Pod, len(nodes))
	for i, n := range nodes {
		out[i] = web("web-" + string(rune('a'+i))).Node(n).Obj()
	}
	return out
}

func TestFilter(t *testing.T) {
	zoneSkew1 := core.TopologySpreadConstraint{MaxSkew: 1, TopologyKey: zone, WhenUnsatisfiable: core.DoNotSchedule, LabelSelector: pt.Selector("app", "web")}
	with := func(c core.TopologySpreadConstraint, f func(*core.TopologySpreadConstraint)) core.TopologySpreadConstraint {
		f(&c)
		return c
	}
	tests := []struct {
		name  string
		nodes []*core.Node
		pods  []*core.Pod
		pod   *core.Pod
		want  map[string]string
	}{
		{
			name: "no constraints and no default selector: skipped",
			pods: webPods("a1"),
			pod:  web("w").Obj(),
			want: map[string]string{"a1": "skip", "a2": "skip", "b1": "skip", "b2": "skip", "c1": "skip"},
		},
		{
			name: "ScheduleAnyway constraints do not filter",
			pods: webPods("a1", "a1"),
			pod:  web("w").SpreadConstraint(1, zone, core.ScheduleAnyway, pt.Selector("app", "web")).Obj(),
			want: map[string]string{"a1": "skip", "a2": "skip", "b1": "skip", "b2": "skip", "c1": "skip"},
		},
		{
			name: "zone spreading: only the emptiest zone within the skew",
			pods: webPods("a1", "a2", "b1"),
			pod:  web("w").Spread(zoneSkew1).Obj(),
			want: map[string]string{"a1": skewFail, "a2": skewFail, "b1": skewFail, "b2": skewFail, "c1": "ok"},
		},
		{
			name: "zone spreading with maxSkew 2",
			pods: webPods("a1", "a2", "b1"),
			pod:  web("w").Spread(with(zoneSkew1, func(c *core.TopologySpreadConstraint) { c.MaxSkew = 2 })).Obj(),
			want: map[string]string{"a1": skewFail, "a2": skewFail, "b1": "ok", "b2": "ok", "c1": "ok"},
		},
		{
			name: "a pod not matching its own selector does not add to the skew",
			pods: webPods("a1", "b1"),
			pod: pt.MakePod("other").Label("app", "other").
				Spread(zoneSkew1).Obj(),
			want: map[string]string{"a1": "ok", "a2": "ok", "b1": "ok", "b2": "ok", "c1": "ok"},
		},
		{
			name: "hostname spreading",
			pods: webPods("a1", "a2", "b1", "b2"),
			pod:  web("w").SpreadConstraint(1, host, core.DoNotSchedule, pt.Selector("app", "web")).Obj(),
			want: map[string]string{"a1": skewFail, "a2": skewFail, "b1": skewFail, "b2": skewFail, "c1": "ok"},
		},
		{
			name:  "a node without the topology key",
			nodes: append(zones(), pt.MakeNode("bare").Obj()),
			pod:   web("w").Spread(zoneSkew1).Obj(),
			want:  map[string]string{"a1": "ok", "a2": "ok", "b1": "ok", "b2": "ok", "c1": "ok", "bare": labelFail},
		},
		{
			name: "every constraint must hold",
			pods: webPods("a1", "b1", "b1", "c1"),
			pod: web("w").Spread(zoneSkew1).
				SpreadConstraint(1, host, core.DoNotSchedule, pt.Selector("app", "web")).Obj(),
			// zone a has 1, b 2, c 1: a and c pass the zone check; hosts
			// a2 and b2 are empty, so only a2 passes both.
			want: map[string]string{"a1": skewFail, "a2": "ok", "b1": skewFail, "b2": skewFail, "c1": skewFail},
		},
		{
			name:  "minDomains: fewer domains than minDomains make the global minimum 0",
			nodes: zones()[:4], // zones a and b only
			pods:  webPods("a1", "b1"),
			pod:   web("w").Spread(with(zoneSkew1, func(c *core.TopologySpreadConstraint) { c.MinDomains = int32p(3) })).Obj(),
			want:  map[string]string{"a1": skewFail, "a2": skewFail, "b1": skewFail, "b2": skewFail},
		},
		{
			name:  "minDomains: without it the same cluster fits",
			nodes: zones()[:4],
			pods:  webPods("a1", "b1"),
			pod:   web("w").Spread(zoneSkew1).Obj(),
			want:  map[string]string{"a1": "ok", "a2": "ok", "b1": "ok", "b2": "ok"},
		},
		{
			name: "minDomains met: the real minimum applies",
			pods: webPods("a1", "b1", "c1"),
			pod:  web("w").Spread(with(zoneSkew1, func(c *core.TopologySpreadConstraint) { c.MinDomains = int32p(3) })).Obj(),
			want: map[string]string{"a1": "ok", "a2": "ok", "b1": "ok", "b2": "ok", "c1": "ok"},
		},
		{
			name: "nodeAffinityPolicy Honor (default): excluded nodes' domains do not count",
			pods: webPods("a1", "b1"),
			// Zone c is excluded by the selector: its zero does not pull
			// the minimum down (the pod cannot go there anyway).
			pod:  web("w").NodeAffinityIn(zone, "a", "b").Spread(zoneSkew1).Obj(),
			want: map[string]string{"a1": "ok", "a2": "ok", "b1": "ok", "b2": "ok", "c1": "ok"},
		},
		{
			name: "nodeAffinityPolicy Ignore: every node's domain counts",
			pods: webPods("a1", "b1"),
			pod: web("w").NodeAffinityIn(zone, "a", "b").
				Spread(with(zoneSkew1, func(c *core.TopologySpreadConstraint) { c.NodeAffinityPolicy = policy(core.NodeInclusionPolicyIgnore) })).Obj(),
			want: map[string]string{"a1": skewFail, "a2": skewFail, "b1": skewFail, "b2": skewFail, "c1": "ok"},
		},
		{
			name:  "nodeTaintsPolicy Ignore (default): tainted nodes count",
			nodes: append(zones()[:4], pt.MakeNode("c1").Zone("c").Taint("dedicated", "x", core.TaintEffectNoSchedule).Obj()),
			pods:  webPods("a1", "b1"),
			pod:   web("w").Spread(zoneSkew1).Obj(),
			want:  map[string]string{"a1": skewFail, "a2": skewFail, "b1": skewFail, "b2": skewFail, "c1": "ok"},
		},
		{
			name:  "nodeTaintsPolicy Honor: untolerated tainted nodes do not count",
			nodes: append(zones()[:4], pt.MakeNode("c1").Zone("c").Taint("dedicated", "x", core.TaintEffectNoSchedule).Obj()),
			pods:  webPods("a1", "b1"),
			pod: web("w").Spread(with(zoneSkew1, func(c *core.TopologySpreadConstraint) {
				c.NodeTaintsPolicy = policy(core.NodeInclusionPolicyHonor)
			})).Obj(),
			want: map[string]string{"a1": "ok", "a2": "ok", "b1": "ok", "b2": "ok", "c1": "ok"},
		},
		{
			name:  "nodeTaintsPolicy Honor: tolerated taints count",
			nodes: append(zones()[:4], pt.MakeNode("c1").Zone("c").Taint("dedicated", "x", core.TaintEffectNoSchedule).Obj()),
			pods:  webPods("a1", "b1"),
			pod: web("w").Toleration(core.Toleration{Key: "dedicated", Operator: core.TolerationOpExists}).
				Spread(with(zoneSkew1, func(c *core.TopologySpreadConstraint) { c.NodeTaintsPolicy = policy(core.NodeInclusionPolicyHonor) })).Obj(),
			want: map[string]string{"a1": skewFail, "a2": skewFail, "b1": skewFail, "b2": skewFail, "c1": "ok"},
		},
		{
			name: "matchLabelKeys narrows the selector to the pod's revision",
			pods: []*core.Pod{
				web("old-0").Label("rev", "1").Node("a1").Obj(), web("old-1").Label("rev", "1").Node("a2").Obj(),
				web("new-0").Label("rev", "2").Node("b1").Obj(),
			},
			pod:  web("w").Label("rev", "2").Spread(with(zoneSkew1, func(c *core.TopologySpreadConstraint) { c.MatchLabelKeys = []string{"rev"} })).Obj(),
			want: map[string]string{"a1": "ok", "a2": "ok", "b1": skewFail, "b2": skewFail, "c1": "ok"},
		},
		{
			name: "pods of other namespaces and terminating pods do not count",
			pods: []*core.Pod{
				web("x").Namespace("other").Node("a1").Obj(), web("y").Terminating().Node("a1").Obj(),
				web("z").Node("b1").Obj(), web("zz").Node("c1").Obj(),
			},
			pod:  web("w").Spread(zoneSkew1).Obj(),
			want: map[string]string{"a1": "ok", "a2": "ok", "b1": skewFail, "b2": skewFail, "c1": skewFail},
		},
		{
			name: "a nil labelSelector selects nothing",
			pods: webPods("a1", "a1"),
			pod:  web("w").SpreadConstraint(1, zone, core.DoNotSchedule, nil).Obj(),
			want: map[string]string{"a1": "ok", "a2": "ok", "b1": "ok", "b2": "ok", "c1": "ok"},
		},
		{
			name: "an invalid labelSelector is unresolvable",
			pod: web("w").SpreadConstraint(1, zone, core.DoNotSchedule, &meta.LabelSelector{
				MatchExpressions: []meta.LabelSelectorRequirement{{Key: "app", Operator: "Bogus"}}}).Obj(),
			want: map[string]string{
				"a1": "PreFilter UnschedulableAndUnresolvable: topologySpreadConstraints[0].labelSelector: matchExpressions[0].operator: Invalid value: \"Bogus\": not a valid label selector operator",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			nodes := tc.nodes
			if nodes == nil {
				nodes = zones()
			}
			got := filter(t, pt.NewHandle(nodes, tc.pods), "", tc.pod)
			if strings.HasPrefix(tc.want["a1"], "PreFilter") {
				if got["a1"] != tc.want["a1"] {
					t.Errorf("got %q\nwant %q", got["a1"], tc.want["a1"])
				}
				return
			}
			if !maps.Equal(got, tc.want) {
				t.Errorf("got %v\nwant %v", got, tc.want)
			}
		})
	}
}

func TestAddRemovePod(t *testing.T) {
	ctx := context.Background()
	pods := webPods("a1", "a2", "b1")
	h := pt.NewHandle(zones(), pods)
	pl := newPlugin(t, h, "")
	pi := scheduler.NewPodInfo(web("w").SpreadConstraint(1, zone, core.DoNotSchedule, pt.Selector("app", "web")).Obj())
	state := scheduler.NewCycleState()
	if _, st := pl.PreFilter(ctx, state, pi, h.Snapshot().List()); !st.IsSuccess() {
		t.Fatal(st.Message())
	}
	check := func(step string, state *scheduler.CycleState, want map[string]string) {
		t.Helper()
		got := map[string]string{}
		for _, n := range h.Snapshot().List() {
			got[n.Name()] = verdict(pl.Filter(ctx, state, pi, n))
		}
		if !maps.Equal(got, want) {
			t.Errorf("%s: got %v\nwant %v", step, got, want)
		}
	}
	check("a=2 b=1 c=0", state, map[string]string{"a1": skewFail, "a2": skewFail, "b1": skewFail, "b2": skewFail, "c1": "ok"})

	s2 := state.Clone()
	if st := pl.AddPod(ctx, s2, pi, scheduler.NewPodInfo(web("new").Node("c1").Obj()), h.Node("c1")); !st.IsSuccess() {
		t.Fatal(st.Message())
	}
	check("a=2 b=1 c=1", s2, map[string]string{"a1": skewFail, "a2": skewFail, "b1": "ok", "b2": "ok", "c1": "ok"})
	check("the original is untouched", state, map[string]string{"a1": skewFail, "a2": skewFail, "b1": skewFail, "b2": skewFail, "c1": "ok"})

	for _, p := range pods[:2] {
		if st := pl.RemovePod(ctx, s2, pi, scheduler.NewPodInfo(p), h.Node(p.Spec.NodeName)); !st.IsSuccess() {
			t.Fatal(st.Message())
		}
	}
	check("a=0 b=1 c=1", s2, map[string]string{"a1": "ok", "a2": "ok", "b1": skewFail, "b2": skewFail, "c1": skewFail})

	// A pod of another namespace changes nothing.
	if st := pl.AddPod(ctx, s2, pi, scheduler.NewPodInfo(web("x").Namespace("other").Node("a1").Obj()), h.Node("a1")); !st.IsSuccess() {
		t.Fatal(st.Message())
	}
	check("other namespace", s2, map[string]string{"a1": "ok", "a2": "ok", "b1": skewFail, "b2": skewFail, "c1": skewFail})
}

func TestCriticalPaths(t *testing.T) {
	p := newCriticalPaths()
	for _, u := range []struct {
		v string
		n int
	}{{"a", 3}, {"b", 1}, {"c", 2}, {"b", 4}, {"a", 0}} {
		p.update(u.v, u.n)
	}
	// The counts are a=0, b=4, c=2: the two smallest are a and c.
	if p[0].value != "a" || p[0].num != 0 || p[1].value != "c" || p[1].num != 2 {
		t.Errorf("got %+v, want [{a 0} {c 2}]", p)
	}
}

// scores runs PreScore, Score and NormalizeScore over every node.
func scores(t *testing.T, pl *PodTopologySpread, h *pt.Handle, pod *core.Pod) (map[string]int64, bool) {
	t.Helper()
	ctx := context.Background()
	state := scheduler.NewCycleState()
	pi := scheduler.NewPodInfo(pod)
	nodes := h.Snapshot().List()
	st := pl.PreScore(ctx, state, pi, nodes)
	if st.IsSkip() {
		return nil, true
	}
	if !st.IsSuccess() {
		t.Fatalf("PreScore: %v", st.Message())
	}
	list := make([]scheduler.NodeScore, len(nodes))
	for i, n := range nodes {
		s, st := pl.Score(ctx, state, pi, n)
		if !st.IsSuccess() {
			t.Fatalf("Score: %v", st.Message())
		}
		list[i] = scheduler.NodeScore{Name: n.Name(), Score: s}
	}
	if st := pl.ScoreExtensions().NormalizeScore(ctx, state, pi, list); !st.IsSuccess() {
		t.Fatalf("NormalizeScore: %v", st.Message())
	}
	out := map[string]int64{}
	for _, s := range list {
		out[s.Name] = s.Score
	}
	return out, false
}

func TestScore(t *testing.T) {
	// n1, n2 in zone a; n3 in zone b; n4 without a zone.
	nodes := func() []*core.Node {
		return []*core.Node{
			pt.MakeNode("n1").Zone("a").Obj(), pt.MakeNode("n2").Zone("a").Obj(),
			pt.MakeNode("n3").Zone("b").Obj(), pt.MakeNode("n4").Obj(),
		}
	}
	tests := []struct {
		name string
		pods []*core.Pod
		pod  *core.Pod
		want map[string]int64 // nil: skipped
	}{
		{
			name: "no soft constraints",
			pod:  web("w").SpreadConstraint(1, zone, core.DoNotSchedule, pt.Selector("app", "web")).Obj(),
		},
		{
			// Zones a (3 pods) and b (0): weight log(2+2); n1 and n2 score
			// round(3·1.386) = 4, n3 0; n4 lacks the key and is ignored.
			name: "zone",
			pods: webPods("n1", "n1", "n2"),
			pod:  web("w").SpreadConstraint(1, zone, core.ScheduleAnyway, pt.Selector("app", "web")).Obj(),
			want: map[string]int64{"n1": 0, "n2": 0, "n3": 100, "n4": 0},
		},
		{
			// Four hosts: weight log(6) = 1.79; n1 has 2 pods (4), n2 1 (2).
			name: "hostname",
			pods: webPods("n1", "n1", "n2"),
			pod:  web("w").SpreadConstraint(1, host, core.ScheduleAnyway, pt.Selector("app", "web")).Obj(),
			want: map[string]int64{"n1": 0, "n2": 50, "n3": 100, "n4": 100},
		},
		{
			// maxSkew−1 is added to every score: n1 4+4=8... the lowest
			// raw score still gets 100 but differences shrink.
			name: "a larger maxSkew tolerates more",
			pods: webPods("n1", "n1", "n2"),
			pod:  web("w").SpreadConstraint(5, host, core.ScheduleAnyway, pt.Selector("app", "web")).Obj(),
			// raw: n1 round(3.58+4)=8, n2 round(1.79+4)=6, n3 4, n4 4.
			// 100·(8+4−s)/8: n1 50, n2 75, n3 100, n4 100.
			want: map[string]int64{"n1": 50, "n2": 75, "n3": 100, "n4": 100},
		},
		{
			name: "pods of other namespaces do not count",
			pods: []*core.Pod{web("x").Namespace("other").Node("n1").Obj()},
			pod:  web("w").SpreadConstraint(1, host, core.ScheduleAnyway, pt.Selector("app", "web")).Obj(),
			want: map[string]int64{"n1": 100, "n2": 100, "n3": 100, "n4": 100},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := pt.NewHandle(nodes(), tc.pods)
			got, skipped := scores(t, newPlugin(t, h, ""), h, tc.pod)
			if tc.want == nil {
				if !skipped {
					t.Errorf("got %v, want PreScore to skip", got)
				}
				return
			}
			if !maps.Equal(got, tc.want) {
				t.Errorf("got %v\nwant %v", got, tc.want)
			}
		})
	}
}

func TestNew(t *testing.T) {
	tests := []struct{ args, wantErr string }{
		{"", ""},
		{`{"defaultingType":"System"}`, ""},
		{`{"kind":"PodTopologySpreadArgs","apiVersion":"kubescheduler.config.k8s.io/v1","defaultingType":"List"}`, ""},
		{`{"defaultingType":"List","defaultConstraints":[{"maxSkew":1,"topologyKey":"zone","whenUnsatisfiable":"DoNotSchedule"}]}`, ""},
		{`{"defaultingType":"System","defaultConstraints":[{"maxSkew":1,"topologyKey":"zone","whenUnsatisfiable":"DoNotSchedule"}]}`, "must be empty"},
		{`{"defaultingType":"Other"}`, "Unsupported value"},
		{`{"defaultingType":"List","defaultConstraints":[{"maxSkew":0,"topologyKey":"zone","whenUnsatisfiable":"DoNotSchedule"}]}`, "maxSkew"},
		{`{"defaultingType":"List","defaultConstraints":[{"maxSkew":1,"topologyKey":"","whenUnsatisfiable":"DoNotSchedule"}]}`, "topologyKey"},
		{`{"defaultingType":"List","defaultConstraints":[{"maxSkew":1,"topologyKey":"z","whenUnsatisfiable":"Never"}]}`, "whenUnsatisfiable"},
		{`{"defaultingType":"List","defaultConstraints":[{"maxSkew":1,"topologyKey":"z","whenUnsatisfiable":"DoNotSchedule","labelSelector":{}}]}`, "must not define a selector"},
		{`{"defaultingType":"List","defaultConstraints":[{"maxSkew":1,"topologyKey":"z","whenUnsatisfiable":"DoNotSchedule"},{"maxSkew":2,"topologyKey":"z","whenUnsatisfiable":"DoNotSchedule"}]}`, "Duplicate"},
		{`{"defaultConstrains":[]}`, "defaultConstrains"},
	}
	for _, tc := range tests {
		_, err := New(json.RawMessage(tc.args), pt.NewHandle(nil, nil))
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("New(%s): %v", tc.args, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("New(%s): got error %v, want one containing %q", tc.args, err, tc.wantErr)
		}
	}
}

func TestEventsToRegister(t *testing.T) {
	pl := newPlugin(t, pt.NewHandle(nil, nil), "")
	events := pl.EventsToRegister()
	pt.CheckEvents(t, events, []pt.EventCase{
		{Event: scheduler.ClusterEvent{Resource: scheduler.EventAssignedPod, Action: scheduler.Add}, Registered: true},
		{Event: scheduler.ClusterEvent{Resource: scheduler.EventAssignedPod, Action: scheduler.Delete}, Registered: true},
		{Event: scheduler.ClusterEvent{Resource: scheduler.EventAssignedPod, Action: scheduler.UpdatePodLabel}, Registered: true},
		{Event: scheduler.ClusterEvent{Resource: scheduler.EventNode, Action: scheduler.Add}, Registered: true},
		{Event: scheduler.ClusterEvent{Resource: scheduler.EventNode, Action: scheduler.UpdateNodeTaint}, Registered: true},
		{Event: scheduler.ClusterEvent{Resource: scheduler.EventNode, Action: scheduler.UpdateNodeAllocatable}, Registered: false},
	})
}

// TestCountsFollowTheSnapshot: the per-node counts are remembered between
// cycles; pods and nodes added or removed in between must show.
func TestCountsFollowTheSnapshot(t *testing.T) {
	h := pt.NewHandle(zones(), webPods("a1", "b1"))
	pl := newPlugin(t, h, "")
	pod := web("w").SpreadConstraint(1, zone, core.DoNotSchedule, pt.Selector("app", "web")).Obj()
	check := func(step string, want map[string]string) {
		t.Helper()
		if got := filterWith(t, pl, h, pod); !maps.Equal(got, want) {
			t.Errorf("%s: got %v\nwant %v", step, got, want)
		}
	}
	check("a=1 b=1 c=0", map[string]string{"a1": skewFail, "a2": skewFail, "b1": skewFail, "b2": skewFail, "c1": "ok"})
	extra := web("extra").Node("c1").Obj()
	h.AddPod(extra)
	check("a=1 b=1 c=1", map[string]string{"a1": "ok", "a2": "ok", "b1": "ok", "b2": "ok", "c1": "ok"})
	h.AddPod(web("extra2").Node("a2").Obj())
	check("a=2 b=1 c=1", map[string]string{"a1": skewFail, "a2": skewFail, "b1": "ok", "b2": "ok", "c1": "ok"})
	h.RemovePod(extra)
	check("a=2 b=1 c=0", map[string]string{"a1": skewFail, "a2": skewFail, "b1": skewFail, "b2": skewFail, "c1": "ok"})
	// A relabelled node moves to another domain.
	h.AddNode(pt.MakeNode("c1").Zone("b").Obj())
	check("c1 in zone b: a=2 b=1", map[string]string{"a1": skewFail, "a2": skewFail, "b1": "ok", "b2": "ok", "c1": "ok"})
	h.AddNode(pt.MakeNode("d1").Zone("d").Obj())
	check("new zone d: a=2 b=1 d=0", map[string]string{"a1": skewFail, "a2": skewFail, "b1": skewFail, "b2": skewFail, "c1": skewFail, "d1": "ok"})
}
