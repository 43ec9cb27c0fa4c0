package interpodaffinity

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

// threeNodes: n1 and n2 in zone a, n3 in zone b.
func threeNodes() []*core.Node {
	return []*core.Node{
		pt.MakeNode("n1").Zone("a").Obj(),
		pt.MakeNode("n2").Zone("a").Obj(),
		pt.MakeNode("n3").Zone("b").Obj(),
	}
}

func newPlugin(t testing.TB, h *pt.Handle, args string) *InterPodAffinity {
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
	return p.(*InterPodAffinity)
}

// filter runs PreFilter and Filter on every node and renders each node's
// verdict as "ok", "skip" (PreFilter skipped) or "<code>: <reason>".
func filter(t *testing.T, h *pt.Handle, pod *core.Pod) map[string]string {
	t.Helper()
	return filterWith(t, newPlugin(t, h, ""), h, pod)
}

func filterWith(t *testing.T, pl *InterPodAffinity, h *pt.Handle, pod *core.Pod) map[string]string {
	t.Helper()
	state := scheduler.NewCycleState()
	pi := scheduler.NewPodInfo(pod)
	_, st := pl.PreFilter(context.Background(), state, pi, h.Snapshot().List())
	out := map[string]string{}
	for _, n := range h.Snapshot().List() {
		switch {
		case st.IsSkip():
			out[n.Name()] = "skip"
		case !st.IsSuccess():
			t.Fatalf("PreFilter: %v", st.Message())
		default:
			out[n.Name()] = verdict(pl.Filter(context.Background(), state, pi, n))
		}
	}
	return out
}

func verdict(st *scheduler.Status) string {
	if st.IsSuccess() {
		return "ok"
	}
	return st.Code().String() + ": " + st.Message()
}

const (
	affinityFail     = "UnschedulableAndUnresolvable: " + ErrReasonAffinityRulesNotMatch
	antiAffinityFail = "Unschedulable: " + ErrReasonAntiAffinityRulesNotMatch
	existingFail     = "Unschedulable: " + ErrReasonExistingAntiAffinityRulesNotMatch
)

func TestFilter(t *testing.T) {
	web := func(name string) *pt.PodWrapper { return pt.MakePod(name).Label("app", "web") }
	db := func(name string) *pt.PodWrapper { return pt.MakePod(name).Label("app", "db") }
	tests := []struct {
		name  string
		nodes []*core.Node
		pods  []*core.Pod
		ns    map[string]map[string]string
		pod   *core.Pod
		want  map[string]string
	}{
		{
			name: "no terms and no existing anti-affinity: skipped",
			pods: []*core.Pod{db("db-0").Node("n1").Obj()},
			pod:  web("w").Obj(),
			want: map[string]string{"n1": "skip", "n2": "skip", "n3": "skip"},
		},
		{
			name: "affinity to a zone with a matching pod",
			pods: []*core.Pod{db("db-0").Node("n3").Obj()},
			pod:  web("w").PodAffinity(pt.Term(zone, "app", "db")).Obj(),
			want: map[string]string{"n1": affinityFail, "n2": affinityFail, "n3": "ok"},
		},
		{
			name: "affinity spans the domain, not just the node",
			pods: []*core.Pod{db("db-0").Node("n1").Obj()},
			pod:  web("w").PodAffinity(pt.Term(zone, "app", "db")).Obj(),
			want: map[string]string{"n1": "ok", "n2": "ok", "n3": affinityFail},
		},
		{
			name: "affinity with no matching pod anywhere and no self-match",
			pods: []*core.Pod{web("web-0").Node("n1").Obj()},
			pod:  web("w").PodAffinity(pt.Term(zone, "app", "db")).Obj(),
			want: map[string]string{"n1": affinityFail, "n2": affinityFail, "n3": affinityFail},
		},
		{
			name: "first pod of a group with affinity to itself goes anywhere",
			pod:  web("w").PodAffinity(pt.Term(zone, "app", "web")).Obj(),
			want: map[string]string{"n1": "ok", "n2": "ok", "n3": "ok"},
		},
		{
			name:  "first pod of a group still needs the topology key",
			nodes: []*core.Node{pt.MakeNode("n1").Zone("a").Obj(), pt.MakeNode("bare").Obj()},
			pod:   web("w").PodAffinity(pt.Term(zone, "app", "web")).Obj(),
			want:  map[string]string{"n1": "ok", "bare": affinityFail},
		},
		{
			name: "later pods of a self-affine group follow the first",
			pods: []*core.Pod{web("web-0").Node("n3").Obj()},
			pod:  web("w").PodAffinity(pt.Term(zone, "app", "web")).Obj(),
			want: map[string]string{"n1": affinityFail, "n2": affinityFail, "n3": "ok"},
		},
		{
			name: "all affinity terms must match the same pod",
			pods: []*core.Pod{db("db-0").Node("n1").Obj(), pt.MakePod("cache").Label("tier", "cache").Node("n3").Obj()},
			pod: web("w").PodAffinity(pt.Term(zone, "app", "db")).
				PodAffinity(pt.Term(zone, "tier", "cache")).Obj(),
			want: map[string]string{"n1": affinityFail, "n2": affinityFail, "n3": affinityFail},
		},
		{
			name: "anti-affinity by hostname",
			pods: []*core.Pod{web("web-0").Node("n1").Obj()},
			pod:  web("w").PodAntiAffinity(pt.Term(host, "app", "web")).Obj(),
			want: map[string]string{"n1": antiAffinityFail, "n2": "ok", "n3": "ok"},
		},
		{
			name: "anti-affinity by zone",
			pods: []*core.Pod{web("web-0").Node("n1").Obj()},
			pod:  web("w").PodAntiAffinity(pt.Term(zone, "app", "web")).Obj(),
			want: map[string]string{"n1": antiAffinityFail, "n2": antiAffinityFail, "n3": "ok"},
		},
		{
			name:  "anti-affinity does not reject a node without the topology key",
			nodes: []*core.Node{pt.MakeNode("n1").Zone("a").Obj(), pt.MakeNode("bare").Obj()},
			pods:  []*core.Pod{web("web-0").Node("n1").Obj(), web("web-1").Node("bare").Obj()},
			pod:   web("w").PodAntiAffinity(pt.Term(zone, "app", "web")).Obj(),
			want:  map[string]string{"n1": antiAffinityFail, "bare": "ok"},
		},
		{
			name: "existing pod's anti-affinity is symmetric",
			pods: []*core.Pod{db("db-0").Node("n1").PodAntiAffinity(pt.Term(zone, "app", "web")).Obj()},
			pod:  web("w").Obj(),
			want: map[string]string{"n1": existingFail, "n2": existingFail, "n3": "ok"},
		},
		{
			name: "existing pod's anti-affinity not selecting the pod",
			pods: []*core.Pod{db("db-0").Node("n1").PodAntiAffinity(pt.Term(zone, "app", "cache")).Obj()},
			pod:  web("w").Obj(),
			want: map[string]string{"n1": "ok", "n2": "ok", "n3": "ok"},
		},
		{
			name: "affinity is checked before anti-affinity",
			pods: []*core.Pod{db("db-0").Node("n1").Obj(), web("web-0").Node("n1").Obj()},
			pod: web("w").PodAffinity(pt.Term(zone, "app", "db")).
				PodAntiAffinity(pt.Term(host, "app", "web")).Obj(),
			want: map[string]string{"n1": antiAffinityFail, "n2": "ok", "n3": affinityFail},
		},
		{
			name: "terms select the pod's own namespace by default",
			pods: []*core.Pod{db("db-0").Namespace("other").Node("n1").Obj()},
			pod:  web("w").PodAffinity(pt.Term(zone, "app", "db")).Obj(),
			want: map[string]string{"n1": affinityFail, "n2": affinityFail, "n3": affinityFail},
		},
		{
			name: "terms with namespaces",
			pods: []*core.Pod{db("db-0").Namespace("other").Node("n3").Obj()},
			pod: web("w").PodAffinity(core.PodAffinityTerm{TopologyKey: zone,
				LabelSelector: pt.Selector("app", "db"), Namespaces: []string{"other"}}).Obj(),
			want: map[string]string{"n1": affinityFail, "n2": affinityFail, "n3": "ok"},
		},
		{
			name: "terms with a namespace selector",
			pods: []*core.Pod{
				db("db-0").Namespace("team-a").Node("n3").Obj(),
				db("db-1").Namespace("team-b").Node("n1").Obj(),
			},
			ns: map[string]map[string]string{"team-a": {"team": "a"}, "team-b": {"team": "b"}},
			pod: web("w").PodAffinity(core.PodAffinityTerm{TopologyKey: zone,
				LabelSelector: pt.Selector("app", "db"), NamespaceSelector: pt.Selector("team", "a")}).Obj(),
			want: map[string]string{"n1": affinityFail, "n2": affinityFail, "n3": "ok"},
		},
		{
			name: "existing anti-affinity with a namespace selector matches the pod's namespace labels",
			pods: []*core.Pod{db("db-0").Namespace("team-b").Node("n1").PodAntiAffinity(core.PodAffinityTerm{
				TopologyKey: host, LabelSelector: pt.Selector("app", "web"), NamespaceSelector: pt.Selector("env", "prod")}).Obj()},
			ns:   map[string]map[string]string{"default": {"env": "prod"}},
			pod:  web("w").Obj(),
			want: map[string]string{"n1": existingFail, "n2": "ok", "n3": "ok"},
		},
		{
			name: "an empty namespace selector selects every namespace",
			pods: []*core.Pod{web("web-0").Namespace("elsewhere").Node("n1").Obj()},
			pod: web("w").PodAntiAffinity(core.PodAffinityTerm{TopologyKey: host,
				LabelSelector: pt.Selector("app", "web"), NamespaceSelector: &meta.LabelSelector{}}).Obj(),
			want: map[string]string{"n1": antiAffinityFail, "n2": "ok", "n3": "ok"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			nodes := tc.nodes
			if nodes == nil {
				nodes = threeNodes()
			}
			h := pt.NewHandle(nodes, tc.pods)
			h.Namespaces = tc.ns
			got := filter(t, h, tc.pod)
			if !maps.Equal(got, tc.want) {
				t.Errorf("got %v\nwant %v", got, tc.want)
			}
		})
	}
}

func TestAddRemovePod(t *testing.T) {
	ctx := context.Background()
	blocker := pt.MakePod("db-0").Label("app", "db").Node("n1").PodAntiAffinity(pt.Term(zone, "app", "web")).Obj()
	neighbour := pt.MakePod("web-0").Label("app", "web").Node("n3").Obj()
	friend := pt.MakePod("cache-0").Label("app", "cache").Node("n3").Obj()
	h := pt.NewHandle(threeNodes(), []*core.Pod{blocker, neighbour})
	pl := newPlugin(t, h, "")
	pod := pt.MakePod("w").Label("app", "web").
		PodAntiAffinity(pt.Term(host, "app", "web")).
		PodAffinity(pt.Term(zone, "app", "cache")).Obj()
	pi := scheduler.NewPodInfo(pod)
	state := scheduler.NewCycleState()
	if _, st := pl.PreFilter(ctx, state, pi, h.Snapshot().List()); !st.IsSuccess() {
		t.Fatalf("PreFilter: %v", st.Message())
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
	// No cache pod: the pod has affinity to a group it is not part of.
	check("initial", state, map[string]string{"n1": affinityFail, "n2": affinityFail, "n3": affinityFail})

	n1, n3 := h.Node("n1"), h.Node("n3")
	added := state.Clone()
	if st := pl.AddPod(ctx, added, pi, scheduler.NewPodInfo(friend), n3); !st.IsSuccess() {
		t.Fatal(st.Message())
	}
	check("cache pod added on n3", added, map[string]string{"n1": affinityFail, "n2": affinityFail, "n3": antiAffinityFail})
	check("the original state is untouched by the clone's AddPod", state,
		map[string]string{"n1": affinityFail, "n2": affinityFail, "n3": affinityFail})

	if st := pl.RemovePod(ctx, added, pi, scheduler.NewPodInfo(neighbour), n3); !st.IsSuccess() {
		t.Fatal(st.Message())
	}
	check("web pod removed from n3", added, map[string]string{"n1": affinityFail, "n2": affinityFail, "n3": "ok"})

	// Move the cache pod to zone a: the blocker's anti-affinity rules there.
	if st := pl.RemovePod(ctx, added, pi, scheduler.NewPodInfo(friend), n3); !st.IsSuccess() {
		t.Fatal(st.Message())
	}
	if st := pl.AddPod(ctx, added, pi, scheduler.NewPodInfo(friend), n1); !st.IsSuccess() {
		t.Fatal(st.Message())
	}
	check("cache pod on n1", added, map[string]string{"n1": existingFail, "n2": existingFail, "n3": affinityFail})
	if st := pl.RemovePod(ctx, added, pi, scheduler.NewPodInfo(blocker), n1); !st.IsSuccess() {
		t.Fatal(st.Message())
	}
	check("blocker removed", added, map[string]string{"n1": "ok", "n2": "ok", "n3": affinityFail})
}

func TestFilterWithoutPreFilter(t *testing.T) {
	h := pt.NewHandle(threeNodes(), nil)
	pl := newPlugin(t, h, "")
	st := pl.Filter(context.Background(), scheduler.NewCycleState(), scheduler.NewPodInfo(pt.MakePod("p").Obj()), h.Node("n1"))
	if st.Code() != scheduler.Error {
		t.Errorf("got %v, want an Error status", verdict(st))
	}
}

// scores runs PreScore, Score and NormalizeScore over every node.
func scores(t *testing.T, h *pt.Handle, args string, pod *core.Pod) (map[string]int64, bool) {
	t.Helper()
	return scoresWith(t, newPlugin(t, h, args), h, pod)
}

func scoresWith(t *testing.T, pl *InterPodAffinity, h *pt.Handle, pod *core.Pod) (map[string]int64, bool) {
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
	web := func(name string) *pt.PodWrapper { return pt.MakePod(name).Label("app", "web") }
	db := func(name string) *pt.PodWrapper { return pt.MakePod(name).Label("app", "db") }
	nodes := func() []*core.Node {
		return []*core.Node{
			pt.MakeNode("n1").Zone("a").Obj(), pt.MakeNode("n2").Zone("b").Obj(),
			pt.MakeNode("n3").Zone("c").Obj(), pt.MakeNode("n4").Obj(),
		}
	}
	tests := []struct {
		name string
		args string
		pods []*core.Pod
		pod  *core.Pod
		want map[string]int64 // nil: PreScore skips
	}{
		{
			name: "nothing to score",
			pods: []*core.Pod{db("db-0").Node("n1").Obj()},
			pod:  web("w").Obj(),
		},
		{
			name: "preferred affinity",
			pods: []*core.Pod{db("db-0").Node("n1").Obj(), db("db-1").Node("n1").Obj(), db("db-2").Node("n2").Obj()},
			pod:  web("w").PreferredPodAffinity(5, pt.Term(zone, "app", "db")).Obj(),
			want: map[string]int64{"n1": 100, "n2": 50, "n3": 0, "n4": 0},
		},
		{
			name: "preferred anti-affinity",
			pods: []*core.Pod{web("web-0").Node("n1").Obj(), web("web-1").Node("n1").Obj(), web("web-2").Node("n2").Obj()},
			pod:  web("w").PreferredPodAntiAffinity(10, pt.Term(zone, "app", "web")).Obj(),
			want: map[string]int64{"n1": 0, "n2": 50, "n3": 100, "n4": 100},
		},
		{
			name: "affinity and anti-affinity weigh against each other",
			pods: []*core.Pod{db("db-0").Node("n1").Obj(), web("web-0").Node("n1").Obj(), db("db-1").Node("n2").Obj()},
			pod: web("w").PreferredPodAffinity(10, pt.Term(zone, "app", "db")).
				PreferredPodAntiAffinity(4, pt.Term(zone, "app", "web")).Obj(),
			// n1: 10-4 = 6, n2: 10, others 0.
			want: map[string]int64{"n1": 60, "n2": 100, "n3": 0, "n4": 0},
		},
		{
			name: "existing pods' preferred affinity towards the pod",
			pods: []*core.Pod{db("db-0").Node("n2").PreferredPodAffinity(7, pt.Term(zone, "app", "web")).Obj()},
			pod:  web("w").Obj(),
			want: map[string]int64{"n1": 0, "n2": 100, "n3": 0, "n4": 0},
		},
		{
			name: "existing pods' preferred anti-affinity towards the pod",
			pods: []*core.Pod{db("db-0").Node("n2").PreferredPodAntiAffinity(7, pt.Term(zone, "app", "web")).Obj()},
			pod:  web("w").Obj(),
			want: map[string]int64{"n1": 100, "n2": 0, "n3": 100, "n4": 100},
		},
		{
			name: "existing pods' required affinity counts with hardPodAffinityWeight",
			pods: []*core.Pod{
				db("db-0").Node("n2").PodAffinity(pt.Term(zone, "app", "web")).Obj(),
				db("db-1").Node("n3").PreferredPodAffinity(1, pt.Term(zone, "app", "web")).Obj(),
			},
			pod:  web("w").Obj(),
			want: map[string]int64{"n1": 0, "n2": 100, "n3": 10, "n4": 0},
			args: `{"hardPodAffinityWeight": 10}`,
		},
		{
			name: "default hardPodAffinityWeight is 1",
			pods: []*core.Pod{
				db("db-0").Node("n2").PodAffinity(pt.Term(zone, "app", "web")).Obj(),
				db("db-1").Node("n3").PreferredPodAffinity(2, pt.Term(zone, "app", "web")).Obj(),
			},
			pod:  web("w").Obj(),
			want: map[string]int64{"n1": 0, "n2": 50, "n3": 100, "n4": 0},
		},
		{
			name: "hardPodAffinityWeight 0 ignores required terms",
			pods: []*core.Pod{db("db-0").Node("n2").PodAffinity(pt.Term(zone, "app", "web")).Obj()},
			pod:  web("w").Obj(),
			args: `{"hardPodAffinityWeight": 0}`,
		},
		{
			name: "ignorePreferredTermsOfExistingPods",
			pods: []*core.Pod{db("db-0").Node("n2").PreferredPodAffinity(7, pt.Term(zone, "app", "web")).Obj()},
			pod:  web("w").Obj(),
			args: `{"ignorePreferredTermsOfExistingPods": true}`,
		},
		{
			name: "preferred terms with a namespace selector",
			pods: []*core.Pod{db("db-0").Namespace("prod").Node("n3").Obj(), db("db-1").Namespace("dev").Node("n2").Obj()},
			pod: web("w").PreferredPodAffinity(3, core.PodAffinityTerm{TopologyKey: zone,
				LabelSelector: pt.Selector("app", "db"), NamespaceSelector: pt.Selector("env", "prod")}).Obj(),
			want: map[string]int64{"n1": 0, "n2": 0, "n3": 100, "n4": 0},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := pt.NewHandle(nodes(), tc.pods)
			h.Namespaces = map[string]map[string]string{"prod": {"env": "prod"}, "dev": {"env": "dev"}}
			got, skipped := scores(t, h, tc.args, tc.pod)
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
	tests := []struct {
		args, wantErr string
		wantWeight    int32
	}{
		{"", "", 1},
		{"null", "", 1},
		{`{}`, "", 1},
		{`{"kind":"InterPodAffinityArgs","apiVersion":"kubescheduler.config.k8s.io/v1","hardPodAffinityWeight":50}`, "", 50},
		{`{"hardPodAffinityWeight":101}`, "not in valid range", 0},
		{`{"hardPodAffinityWeight":-1}`, "not in valid range", 0},
		{`{"hardPodAffinityWeigth":3}`, "hardPodAffinityWeigth", 0},
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
		if got := p.(*InterPodAffinity).hardWeight; got != tc.wantWeight {
			t.Errorf("New(%s): hardPodAffinityWeight %d, want %d", tc.args, got, tc.wantWeight)
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
		{Event: scheduler.ClusterEvent{Resource: scheduler.EventNode, Action: scheduler.UpdateNodeLabel}, Registered: true},
		{Event: scheduler.ClusterEvent{Resource: scheduler.EventNode, Action: scheduler.UpdateNodeTaint}, Registered: false},
		{Event: scheduler.ClusterEvent{Resource: scheduler.EventPersistentVolume, Action: scheduler.Add}, Registered: false},
	})
}

// TestRememberedResultsFollowTheSnapshot: per-node results are remembered
// between cycles; pods and nodes added, removed or relabelled in between
// must show, in Filter and in Score.
func TestRememberedResultsFollowTheSnapshot(t *testing.T) {
	h := pt.NewHandle(threeNodes(), nil)
	pl := newPlugin(t, h, "")
	anti := pt.MakePod("w").Label("app", "web").PodAntiAffinity(pt.Term(zone, "app", "web")).Obj()
	aff := pt.MakePod("api").PodAffinity(pt.Term(host, "app", "db")).Obj()
	check := func(step string, pod *core.Pod, want map[string]string) {
		t.Helper()
		if got := filterWith(t, pl, h, pod); !maps.Equal(got, want) {
			t.Errorf("%s: got %v\nwant %v", step, got, want)
		}
	}
	check("empty", anti, map[string]string{"n1": "ok", "n2": "ok", "n3": "ok"})
	web := pt.MakePod("web-0").Label("app", "web").Node("n3").Obj()
	h.AddPod(web)
	check("web in zone b", anti, map[string]string{"n1": "ok", "n2": "ok", "n3": antiAffinityFail})
	// An existing pod with anti-affinity towards web pods.
	h.AddPod(pt.MakePod("loner").Label("app", "loner").Node("n1").PodAntiAffinity(pt.Term(host, "app", "web")).Obj())
	check("loner on n1", anti, map[string]string{"n1": existingFail, "n2": "ok", "n3": antiAffinityFail})
	h.RemovePod(web)
	check("web gone", anti, map[string]string{"n1": existingFail, "n2": "ok", "n3": "ok"})
	h.AddNode(pt.MakeNode("n2").Zone("b").Obj())
	h.AddPod(web)
	check("n2 moved to zone b", anti, map[string]string{"n1": existingFail, "n2": antiAffinityFail, "n3": antiAffinityFail})

	check("no db", aff, map[string]string{"n1": affinityFail, "n2": affinityFail, "n3": affinityFail})
	db := pt.MakePod("db").Label("app", "db").Node("n2").Obj()
	h.AddPod(db)
	check("db on n2", aff, map[string]string{"n1": affinityFail, "n2": "ok", "n3": affinityFail})

	pref := pt.MakePod("p").PreferredPodAffinity(1, pt.Term(zone, "app", "db")).Obj()
	got, _ := scoresWith(t, pl, h, pref)
	if want := map[string]int64{"n1": 0, "n2": 100, "n3": 100}; !maps.Equal(got, want) {
		t.Errorf("scores with db in zone b: got %v, want %v", got, want)
	}
	h.RemovePod(db)
	h.AddPod(pt.MakePod("db").Label("app", "db").Node("n1").Obj())
	got, _ = scoresWith(t, pl, h, pref)
	if want := map[string]int64{"n1": 100, "n2": 0, "n3": 0}; !maps.Equal(got, want) {
		t.Errorf("scores with db in zone a: got %v, want %v", got, want)
	}
}
