package nodeaffinity_test

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/scheduler"
	"github.com/spar-dev/spar/scheduler/plugins/nodeaffinity"
	pt "github.com/spar-dev/spar/scheduler/plugins/plugintest"
)

const enforced = "node(s) didn't match scheduler-enforced node affinity"

func newPlugin(t *testing.T, h scheduler.Handle, args string) *nodeaffinity.Plugin {
	t.Helper()
	var raw json.RawMessage
	if args != "" {
		raw = json.RawMessage(args)
	}
	p, err := nodeaffinity.New(raw, h)
	if err != nil {
		t.Fatalf("New(%s): %v", args, err)
	}
	return p.(*nodeaffinity.Plugin)
}

func TestFilter(t *testing.T) {
	in, notIn := core.NodeSelectorOpIn, core.NodeSelectorOpNotIn
	exists, doesNotExist := core.NodeSelectorOpExists, core.NodeSelectorOpDoesNotExist
	gt, lt := core.NodeSelectorOpGt, core.NodeSelectorOpLt
	tests := []struct {
		name string
		pod  *pt.PodWrapper
		node *pt.NodeWrapper
		fits bool
	}{
		{"no constraints", pt.MakePod("p"), pt.MakeNode("n1"), true},
		{"nodeSelector matches", pt.MakePod("p").NodeSelector(map[string]string{"disk": "ssd"}),
			pt.MakeNode("n1").Label("disk", "ssd"), true},
		{"nodeSelector value differs", pt.MakePod("p").NodeSelector(map[string]string{"disk": "ssd"}),
			pt.MakeNode("n1").Label("disk", "hdd"), false},
		{"nodeSelector label missing", pt.MakePod("p").NodeSelector(map[string]string{"disk": "ssd"}),
			pt.MakeNode("n1"), false},
		{"nodeSelector needs every label", pt.MakePod("p").NodeSelector(map[string]string{"disk": "ssd", "zone": "a"}),
			pt.MakeNode("n1").Label("disk", "ssd"), false},

		{"In matches", pt.MakePod("p").RequiredNodeAffinity(pt.NodeTerm(pt.Expr("zone", in, "a", "b"))),
			pt.MakeNode("n1").Label("zone", "b"), true},
		{"In does not match", pt.MakePod("p").RequiredNodeAffinity(pt.NodeTerm(pt.Expr("zone", in, "a", "b"))),
			pt.MakeNode("n1").Label("zone", "c"), false},
		{"In on a missing label", pt.MakePod("p").RequiredNodeAffinity(pt.NodeTerm(pt.Expr("zone", in, "a"))),
			pt.MakeNode("n1"), false},
		{"NotIn on another value", pt.MakePod("p").RequiredNodeAffinity(pt.NodeTerm(pt.Expr("zone", notIn, "a"))),
			pt.MakeNode("n1").Label("zone", "b"), true},
		{"NotIn on a listed value", pt.MakePod("p").RequiredNodeAffinity(pt.NodeTerm(pt.Expr("zone", notIn, "a"))),
			pt.MakeNode("n1").Label("zone", "a"), false},
		{"NotIn on a missing label", pt.MakePod("p").RequiredNodeAffinity(pt.NodeTerm(pt.Expr("zone", notIn, "a"))),
			pt.MakeNode("n1"), true},
		{"Exists", pt.MakePod("p").RequiredNodeAffinity(pt.NodeTerm(pt.Expr("gpu", exists))),
			pt.MakeNode("n1").Label("gpu", ""), true},
		{"Exists on a missing label", pt.MakePod("p").RequiredNodeAffinity(pt.NodeTerm(pt.Expr("gpu", exists))),
			pt.MakeNode("n1"), false},
		{"DoesNotExist", pt.MakePod("p").RequiredNodeAffinity(pt.NodeTerm(pt.Expr("gpu", doesNotExist))),
			pt.MakeNode("n1"), true},
		{"DoesNotExist on a present label", pt.MakePod("p").RequiredNodeAffinity(pt.NodeTerm(pt.Expr("gpu", doesNotExist))),
			pt.MakeNode("n1").Label("gpu", "t4"), false},
		{"Gt greater", pt.MakePod("p").RequiredNodeAffinity(pt.NodeTerm(pt.Expr("cores", gt, "4"))),
			pt.MakeNode("n1").Label("cores", "8"), true},
		{"Gt equal", pt.MakePod("p").RequiredNodeAffinity(pt.NodeTerm(pt.Expr("cores", gt, "8"))),
			pt.MakeNode("n1").Label("cores", "8"), false},
		{"Gt on a non-integer label", pt.MakePod("p").RequiredNodeAffinity(pt.NodeTerm(pt.Expr("cores", gt, "4"))),
			pt.MakeNode("n1").Label("cores", "eight"), false},
		{"Gt on a missing label", pt.MakePod("p").RequiredNodeAffinity(pt.NodeTerm(pt.Expr("cores", gt, "4"))),
			pt.MakeNode("n1"), false},
		{"Lt smaller", pt.MakePod("p").RequiredNodeAffinity(pt.NodeTerm(pt.Expr("cores", lt, "16"))),
			pt.MakeNode("n1").Label("cores", "8"), true},
		{"Lt negative bound", pt.MakePod("p").RequiredNodeAffinity(pt.NodeTerm(pt.Expr("cores", lt, "-1"))),
			pt.MakeNode("n1").Label("cores", "0"), false},
		{"Lt equal", pt.MakePod("p").RequiredNodeAffinity(pt.NodeTerm(pt.Expr("cores", lt, "8"))),
			pt.MakeNode("n1").Label("cores", "8"), false},

		{"expressions of a term are ANDed: both hold", pt.MakePod("p").RequiredNodeAffinity(
			pt.NodeTerm(pt.Expr("zone", in, "a"), pt.Expr("disk", in, "ssd"))),
			pt.MakeNode("n1").Label("zone", "a").Label("disk", "ssd"), true},
		{"expressions of a term are ANDed: one fails", pt.MakePod("p").RequiredNodeAffinity(
			pt.NodeTerm(pt.Expr("zone", in, "a"), pt.Expr("disk", in, "ssd"))),
			pt.MakeNode("n1").Label("zone", "a").Label("disk", "hdd"), false},
		{"terms are ORed: the second holds", pt.MakePod("p").RequiredNodeAffinity(
			pt.NodeTerm(pt.Expr("zone", in, "a")), pt.NodeTerm(pt.Expr("disk", in, "ssd"))),
			pt.MakeNode("n1").Label("zone", "b").Label("disk", "ssd"), true},
		{"terms are ORed: none holds", pt.MakePod("p").RequiredNodeAffinity(
			pt.NodeTerm(pt.Expr("zone", in, "a")), pt.NodeTerm(pt.Expr("disk", in, "ssd"))),
			pt.MakeNode("n1").Label("zone", "b").Label("disk", "hdd"), false},
		{"no terms match no node", pt.MakePod("p").RequiredNodeAffinity(),
			pt.MakeNode("n1"), false},
		{"an empty term matches no node", pt.MakePod("p").RequiredNodeAffinity(core.NodeSelectorTerm{}),
			pt.MakeNode("n1"), false},
		{"an empty term ORed with a matching one", pt.MakePod("p").RequiredNodeAffinity(
			core.NodeSelectorTerm{}, pt.NodeTerm(pt.Expr("zone", in, "a"))),
			pt.MakeNode("n1").Label("zone", "a"), true},

		{"matchFields metadata.name In", pt.MakePod("p").RequiredNodeAffinity(pt.NameTerm(in, "n0", "n1")),
			pt.MakeNode("n1"), true},
		{"matchFields metadata.name In another node", pt.MakePod("p").RequiredNodeAffinity(pt.NameTerm(in, "n2")),
			pt.MakeNode("n1"), false},
		{"matchFields metadata.name NotIn", pt.MakePod("p").RequiredNodeAffinity(pt.NameTerm(notIn, "n1")),
			pt.MakeNode("n1"), false},
		{"matchFields and matchExpressions are ANDed", pt.MakePod("p").RequiredNodeAffinity(core.NodeSelectorTerm{
			MatchExpressions: []core.NodeSelectorRequirement{pt.Expr("zone", in, "a")},
			MatchFields:      pt.NameTerm(in, "n1").MatchFields}),
			pt.MakeNode("n1").Label("zone", "b"), false},
		{"a field other than metadata.name matches nothing", pt.MakePod("p").RequiredNodeAffinity(core.NodeSelectorTerm{
			MatchFields: []core.NodeSelectorRequirement{pt.Expr("metadata.uid", in, "uid-node-n1")}}),
			pt.MakeNode("n1"), false},

		{"nodeSelector and affinity must both hold: affinity fails",
			pt.MakePod("p").NodeSelector(map[string]string{"disk": "ssd"}).RequiredNodeAffinity(pt.NodeTerm(pt.Expr("zone", in, "a"))),
			pt.MakeNode("n1").Label("disk", "ssd").Label("zone", "b"), false},
		{"nodeSelector and affinity must both hold: selector fails",
			pt.MakePod("p").NodeSelector(map[string]string{"disk": "ssd"}).RequiredNodeAffinity(pt.NodeTerm(pt.Expr("zone", in, "a"))),
			pt.MakeNode("n1").Label("disk", "hdd").Label("zone", "a"), false},
		{"preferred terms do not filter", pt.MakePod("p").PreferredNodeAffinity(10, pt.NodeTerm(pt.Expr("zone", in, "a"))),
			pt.MakeNode("n1").Label("zone", "b"), true},
	}
	ctx := context.Background()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := pt.NewHandle([]*core.Node{tc.node.Obj()}, nil)
			pl := newPlugin(t, h, "")
			st := pl.Filter(ctx, scheduler.NewCycleState(), scheduler.NewPodInfo(tc.pod.Obj()), h.Node("n1"))
			if tc.fits {
				if !st.IsSuccess() {
					t.Errorf("got %v %q, want Success", st.Code(), st.Message())
				}
				return
			}
			if st.Code() != scheduler.UnschedulableAndUnresolvable || st.Message() != nodeaffinity.ErrReason {
				t.Errorf("got %v %q, want UnschedulableAndUnresolvable %q", st.Code(), st.Message(), nodeaffinity.ErrReason)
			}
		})
	}
}

func TestPreFilter(t *testing.T) {
	in, notIn := core.NodeSelectorOpIn, core.NodeSelectorOpNotIn
	tests := []struct {
		name     string
		args     string
		pod      *pt.PodWrapper
		wantCode scheduler.Code
		wantMsg  string
		// wantNodes is the PreFilterResult's node set; nil for no result.
		wantNodes []string
	}{
		{name: "nothing to check: skip", pod: pt.MakePod("p"), wantCode: scheduler.Skip},
		{name: "preferred terms alone: skip", pod: pt.MakePod("p").PreferredNodeAffinity(1, pt.NodeTerm(pt.Expr("a", in, "b"))),
			wantCode: scheduler.Skip},
		{name: "nodeSelector: every node", pod: pt.MakePod("p").NodeSelector(map[string]string{"a": "b"})},
		{name: "an empty nodeSelector is still one", pod: pt.MakePod("p").NodeSelector(map[string]string{})},
		{name: "added affinity: every node", args: `{"addedAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"a","operator":"Exists"}]}]}}}`,
			pod: pt.MakePod("p")},
		{name: "label terms: every node", pod: pt.MakePod("p").RequiredNodeAffinity(pt.NodeTerm(pt.Expr("a", in, "b")))},
		{name: "no terms: every node (Filter rejects them)", pod: pt.MakePod("p").RequiredNodeAffinity()},
		{name: "names", pod: pt.MakePod("p").RequiredNodeAffinity(pt.NameTerm(in, "n1", "n3")),
			wantNodes: []string{"n1", "n3"}},
		{name: "names of ORed terms are united", pod: pt.MakePod("p").RequiredNodeAffinity(pt.NameTerm(in, "n1"), pt.NameTerm(in, "n2")),
			wantNodes: []string{"n1", "n2"}},
		{name: "names ANDed in a term intersect", pod: pt.MakePod("p").RequiredNodeAffinity(core.NodeSelectorTerm{
			MatchFields: append(pt.NameTerm(in, "n1", "n2").MatchFields, pt.NameTerm(in, "n2", "n3").MatchFields...)}),
			wantNodes: []string{"n2"}},
		{name: "names with label expressions still narrow", pod: pt.MakePod("p").RequiredNodeAffinity(core.NodeSelectorTerm{
			MatchExpressions: []core.NodeSelectorRequirement{pt.Expr("a", in, "b")},
			MatchFields:      pt.NameTerm(in, "n2").MatchFields}),
			wantNodes: []string{"n2"}},
		{name: "a term without names lets every node in", pod: pt.MakePod("p").RequiredNodeAffinity(pt.NameTerm(in, "n1"), pt.NodeTerm(pt.Expr("a", in, "b")))},
		{name: "NotIn names do not narrow", pod: pt.MakePod("p").RequiredNodeAffinity(pt.NameTerm(notIn, "n1"))},
		{name: "disjoint names in a term conflict", pod: pt.MakePod("p").RequiredNodeAffinity(core.NodeSelectorTerm{
			MatchFields: append(pt.NameTerm(in, "n1").MatchFields, pt.NameTerm(in, "n2").MatchFields...)}),
			wantCode: scheduler.UnschedulableAndUnresolvable, wantMsg: nodeaffinity.ErrReasonConflict},
		{name: "a conflicting term ORed with a named one", pod: pt.MakePod("p").RequiredNodeAffinity(core.NodeSelectorTerm{
			MatchFields: append(pt.NameTerm(in, "n1").MatchFields, pt.NameTerm(in, "n2").MatchFields...)}, pt.NameTerm(in, "n3")),
			wantNodes: []string{"n3"}},
	}
	ctx := context.Background()
	nodes := []*core.Node{pt.MakeNode("n1").Obj(), pt.MakeNode("n2").Obj(), pt.MakeNode("n3").Obj()}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := pt.NewHandle(nodes, nil)
			pl := newPlugin(t, h, tc.args)
			r, st := pl.PreFilter(ctx, scheduler.NewCycleState(), scheduler.NewPodInfo(tc.pod.Obj()), h.Snapshot().List())
			if st.Code() != tc.wantCode || st.Message() != tc.wantMsg {
				t.Errorf("status %v %q, want %v %q", st.Code(), st.Message(), tc.wantCode, tc.wantMsg)
			}
			var got []string
			if r != nil && r.NodeNames != nil {
				got = slices.Sorted(maps.Keys(r.NodeNames))
			}
			if !slices.Equal(got, tc.wantNodes) {
				t.Errorf("result nodes %v, want %v", got, tc.wantNodes)
			}
		})
	}
}

// TestFilterThroughTheHandle runs PreFilter and Filter as the framework
// does: nodes outside the named ones never reach Filter.
func TestFilterThroughTheHandle(t *testing.T) {
	h := pt.NewHandle([]*core.Node{
		pt.MakeNode("n1").Label("zone", "a").Obj(),
		pt.MakeNode("n2").Label("zone", "b").Obj(),
		pt.MakeNode("n3").Label("zone", "a").Obj(),
	}, nil)
	h.Plugins = []scheduler.Plugin{newPlugin(t, h, "")}
	pod := pt.MakePod("p").RequiredNodeAffinity(core.NodeSelectorTerm{
		MatchExpressions: []core.NodeSelectorRequirement{pt.Expr("zone", core.NodeSelectorOpIn, "a")},
		MatchFields:      pt.NameTerm(core.NodeSelectorOpIn, "n1", "n2").MatchFields,
	}).Obj()
	feasible, rejected := h.Filter(context.Background(), scheduler.NewCycleState(), scheduler.NewPodInfo(pod))
	if !slices.Equal(feasible, []string{"n1"}) {
		t.Errorf("feasible %v, want [n1]", feasible)
	}
	if st := rejected["n2"]; st.Code() != scheduler.UnschedulableAndUnresolvable || st.Message() != nodeaffinity.ErrReason || st.Plugin() != nodeaffinity.Name {
		t.Errorf("n2: %v %q by %q, want UnschedulableAndUnresolvable %q by %s", st.Code(), st.Message(), st.Plugin(), nodeaffinity.ErrReason, nodeaffinity.Name)
	}
	if st := rejected["n3"]; st.Code() != scheduler.UnschedulableAndUnresolvable {
		t.Errorf("n3 (not named): %v %q, want UnschedulableAndUnresolvable", st.Code(), st.Message())
	}
}

func TestAddedAffinity(t *testing.T) {
	args := `{"kind":"NodeAffinityArgs","apiVersion":"kubescheduler.config.k8s.io/v1","addedAffinity":{
		"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"pool","operator":"In","values":["batch"]}]}]},
		"preferredDuringSchedulingIgnoredDuringExecution":[{"weight":3,"preference":{"matchExpressions":[{"key":"zone","operator":"In","values":["a"]}]}}]}}`
	h := pt.NewHandle([]*core.Node{
		pt.MakeNode("n1").Label("pool", "batch").Label("zone", "a").Obj(),
		pt.MakeNode("n2").Label("pool", "batch").Label("zone", "b").Obj(),
		pt.MakeNode("n3").Label("pool", "web").Label("zone", "a").Obj(),
	}, nil)
	pl := newPlugin(t, h, args)
	ctx := context.Background()

	// The profile's required affinity applies to every pod, before its own.
	pod := scheduler.NewPodInfo(pt.MakePod("p").RequiredNodeAffinity(pt.NodeTerm(pt.Expr("zone", core.NodeSelectorOpIn, "b"))).Obj())
	for _, tc := range []struct {
		node     string
		wantCode scheduler.Code
		wantMsg  string
	}{
		{"n1", scheduler.UnschedulableAndUnresolvable, nodeaffinity.ErrReason},
		{"n2", scheduler.Success, ""},
		{"n3", scheduler.UnschedulableAndUnresolvable, enforced},
	} {
		st := pl.Filter(ctx, scheduler.NewCycleState(), pod, h.Node(tc.node))
		if st.Code() != tc.wantCode || st.Message() != tc.wantMsg {
			t.Errorf("Filter on %s: %v %q, want %v %q", tc.node, st.Code(), st.Message(), tc.wantCode, tc.wantMsg)
		}
	}

	// Its preferred terms add to the pod's: n1 3 (added), n2 5 (the pod's),
	// n3 3 + 5 = 8, normalised to 37, 62, 100.
	pod = scheduler.NewPodInfo(pt.MakePod("p").PreferredNodeAffinity(5, pt.NodeTerm(pt.Expr("pool", core.NodeSelectorOpIn, "web", "batch"), pt.Expr("zone", core.NodeSelectorOpNotIn, "a"))).
		PreferredNodeAffinity(5, pt.NodeTerm(pt.Expr("pool", core.NodeSelectorOpIn, "web"))).Obj())
	got, st := pt.ScoreNodes(ctx, h, pl, scheduler.NewCycleState(), pod)
	if !st.IsSuccess() {
		t.Fatalf("scoring: %v %q", st.Code(), st.Message())
	}
	if want := map[string]int64{"n1": 37, "n2": 62, "n3": 100}; !maps.Equal(got, want) {
		t.Errorf("scores %v, want %v", got, want)
	}

	// Added preferred terms score pods that have none of their own.
	got, st = pt.ScoreNodes(ctx, h, pl, scheduler.NewCycleState(), scheduler.NewPodInfo(pt.MakePod("q").Obj()))
	if !st.IsSuccess() {
		t.Fatalf("scoring a pod without preferences: %v %q", st.Code(), st.Message())
	}
	if want := map[string]int64{"n1": 100, "n2": 0, "n3": 100}; !maps.Equal(got, want) {
		t.Errorf("scores of a pod without preferences %v, want %v", got, want)
	}
}

func TestScore(t *testing.T) {
	in := core.NodeSelectorOpIn
	nodes := []*core.Node{
		pt.MakeNode("n1").Label("zone", "a").Label("disk", "ssd").Label("gpu", "t4").Obj(),
		pt.MakeNode("n2").Label("zone", "a").Obj(),
		pt.MakeNode("n3").Label("disk", "ssd").Obj(),
		pt.MakeNode("n4").Obj(),
	}
	tests := []struct {
		name     string
		pod      *pt.PodWrapper
		wantRaw  map[string]int64
		want     map[string]int64
		wantSkip bool
	}{
		{name: "no preferences: skipped", pod: pt.MakePod("p").RequiredNodeAffinity(pt.NodeTerm(pt.Expr("zone", in, "a"))),
			wantSkip: true},
		{name: "weights of matching terms are summed and normalised to the highest",
			pod: pt.MakePod("p").
				PreferredNodeAffinity(2, pt.NodeTerm(pt.Expr("zone", in, "a"))).
				PreferredNodeAffinity(5, pt.NodeTerm(pt.Expr("disk", in, "ssd"))),
			// 2·100/7 = 28, 5·100/7 = 71.
			wantRaw: map[string]int64{"n1": 7, "n2": 2, "n3": 5, "n4": 0},
			want:    map[string]int64{"n1": 100, "n2": 28, "n3": 71, "n4": 0}},
		{name: "expressions of a preferred term are ANDed",
			pod: pt.MakePod("p").
				PreferredNodeAffinity(4, pt.NodeTerm(pt.Expr("zone", in, "a"), pt.Expr("disk", in, "ssd"))).
				PreferredNodeAffinity(1, pt.NodeTerm(pt.Expr("zone", core.NodeSelectorOpDoesNotExist))),
			wantRaw: map[string]int64{"n1": 4, "n2": 0, "n3": 1, "n4": 1},
			want:    map[string]int64{"n1": 100, "n2": 0, "n3": 25, "n4": 25}},
		{name: "an empty preference matches nothing",
			pod: pt.MakePod("p").
				PreferredNodeAffinity(100, core.NodeSelectorTerm{}).
				PreferredNodeAffinity(3, pt.NodeTerm(pt.Expr("gpu", core.NodeSelectorOpExists))),
			wantRaw: map[string]int64{"n1": 3, "n2": 0, "n3": 0, "n4": 0},
			want:    map[string]int64{"n1": 100, "n2": 0, "n3": 0, "n4": 0}},
		{name: "preferred metadata.name",
			pod:     pt.MakePod("p").PreferredNodeAffinity(50, pt.NameTerm(in, "n4")),
			wantRaw: map[string]int64{"n1": 0, "n2": 0, "n3": 0, "n4": 50},
			want:    map[string]int64{"n1": 0, "n2": 0, "n3": 0, "n4": 100}},
		{name: "no node matches: all zero",
			pod:     pt.MakePod("p").PreferredNodeAffinity(10, pt.NodeTerm(pt.Expr("zone", in, "z"))),
			wantRaw: map[string]int64{"n1": 0, "n2": 0, "n3": 0, "n4": 0},
			want:    map[string]int64{"n1": 0, "n2": 0, "n3": 0, "n4": 0}},
	}
	ctx := context.Background()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := pt.NewHandle(nodes, nil)
			pl := newPlugin(t, h, "")
			pod := scheduler.NewPodInfo(tc.pod.Obj())
			got, st := pt.ScoreNodes(ctx, h, pl, scheduler.NewCycleState(), pod)
			if tc.wantSkip {
				if !st.IsSkip() {
					t.Errorf("PreScore: %v %q, want Skip", st.Code(), st.Message())
				}
				return
			}
			if !st.IsSuccess() {
				t.Fatalf("scoring: %v %q", st.Code(), st.Message())
			}
			raw := map[string]int64{}
			for _, n := range h.Snapshot().List() {
				s, _ := pl.Score(ctx, scheduler.NewCycleState(), pod, n)
				raw[n.Name()] = s
			}
			if !maps.Equal(raw, tc.wantRaw) {
				t.Errorf("raw scores %v, want %v", raw, tc.wantRaw)
			}
			if !maps.Equal(got, tc.want) {
				t.Errorf("normalised scores %v, want %v", got, tc.want)
			}
		})
	}
}

func TestNew(t *testing.T) {
	for _, tc := range []struct{ args, wantErr string }{
		{"", ""},
		{"null", ""},
		{`{}`, ""},
		{`{"kind":"NodeAffinityArgs","apiVersion":"kubescheduler.config.k8s.io/v1"}`, ""},
		{`{"addedAffinity":{}}`, ""},
		{`{"addedAfinity":{}}`, "addedAfinity"},
		{`{"addedAffinity":[]}`, "NodeAffinity args"},
	} {
		_, err := nodeaffinity.New(json.RawMessage(tc.args), pt.NewHandle(nil, nil))
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("New(%s): %v", tc.args, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("New(%s): error %v, want one containing %q", tc.args, err, tc.wantErr)
		}
	}
}

func TestEventsToRegister(t *testing.T) {
	events := newPlugin(t, pt.NewHandle(nil, nil), "").EventsToRegister()
	pt.CheckEvents(t, events, []pt.EventCase{
		{Event: scheduler.ClusterEvent{Resource: scheduler.EventNode, Action: scheduler.Add}, Registered: true},
		{Event: scheduler.ClusterEvent{Resource: scheduler.EventNode, Action: scheduler.UpdateNodeLabel}, Registered: true},
		{Event: scheduler.ClusterEvent{Resource: scheduler.EventNode, Action: scheduler.UpdateNodeAllocatable}, Registered: false},
		{Event: scheduler.ClusterEvent{Resource: scheduler.EventAssignedPod, Action: scheduler.Delete}, Registered: false},
	})
}
