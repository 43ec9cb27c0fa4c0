package noderesources_test

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/scheduler"
	"github.com/spar-dev/spar/scheduler/plugins/noderesources"
	pt "github.com/spar-dev/spar/scheduler/plugins/plugintest"
)

const gpu = "example.com/gpu"

func newFit(t *testing.T, args string) scheduler.ScorePlugin {
	t.Helper()
	var raw json.RawMessage
	if args != "" {
		raw = json.RawMessage(args)
	}
	p, err := noderesources.NewFit(raw, pt.NewHandle(nil, nil))
	if err != nil {
		t.Fatalf("NewFit(%s): %v", args, err)
	}
	return p.(scheduler.ScorePlugin)
}

func TestFitFilter(t *testing.T) {
	// n1 has 4 cpu, 8Gi and room for 3 pods, one of them there using 1
	// cpu and 2Gi: 3 cpu and 6Gi are free.
	n1 := pt.MakeNode("n1").Capacity("4", "8Gi", "3")
	busy := pt.MakePod("busy").Req("1", "2Gi").Node("n1")
	tests := []struct {
		name     string
		args     string
		node     *pt.NodeWrapper
		existing []*pt.PodWrapper
		pod      *pt.PodWrapper
		want     []string // reasons; nil: fits
	}{
		{name: "fits exactly", node: n1, existing: []*pt.PodWrapper{busy},
			pod: pt.MakePod("p").Req("3", "6Gi")},
		{name: "fits over two containers", node: n1, existing: []*pt.PodWrapper{busy},
			pod: pt.MakePod("p").Req("2", "3Gi").Req("1", "3Gi")},
		{name: "too much cpu", node: n1, existing: []*pt.PodWrapper{busy},
			pod: pt.MakePod("p").Req("3100m", "1Gi"), want: []string{"Insufficient cpu"}},
		{name: "too much memory", node: n1, existing: []*pt.PodWrapper{busy},
			pod: pt.MakePod("p").Req("1", "7Gi"), want: []string{"Insufficient memory"}},
		{name: "too much of both: every reason", node: n1, existing: []*pt.PodWrapper{busy},
			pod: pt.MakePod("p").Req("2", "4Gi").Req("2", "4Gi"), want: []string{"Insufficient cpu", "Insufficient memory"}},
		{name: "a pod requesting nothing fits a full node", node: n1,
			existing: []*pt.PodWrapper{pt.MakePod("big").Req("4", "8Gi").Node("n1")},
			pod:      pt.MakePod("p").Container("busybox")},
		{name: "pod count", node: pt.MakeNode("n1").Capacity("4", "8Gi", "2"),
			existing: []*pt.PodWrapper{busy, pt.MakePod("other").Container("busybox").Node("n1")},
			pod:      pt.MakePod("p").Container("busybox"), want: []string{"Too many pods"}},
		{name: "pod count first, then resources", node: pt.MakeNode("n1").Capacity("4", "8Gi", "1"), existing: []*pt.PodWrapper{busy},
			pod: pt.MakePod("p").Req("4", "1Gi"), want: []string{"Too many pods", "Insufficient cpu"}},
		{name: "a node without pod capacity takes none", node: pt.MakeNode("n1").Capacity("4", "8Gi", ""),
			pod: pt.MakePod("p").Req("1", "1Gi"), want: []string{"Too many pods"}},

		// Init containers run one at a time, before the app containers:
		// the pod needs the larger of their peak and the app's sum.
		{name: "init container peak above the containers' sum", node: n1, existing: []*pt.PodWrapper{busy},
			pod: pt.MakePod("p").Req("1", "1Gi").Req("1", "1Gi").InitReq("3500m", ""), want: []string{"Insufficient cpu"}},
		{name: "init container peak within the free cpu", node: n1, existing: []*pt.PodWrapper{busy},
			pod: pt.MakePod("p").Req("1", "1Gi").Req("1", "1Gi").InitReq("3", "").InitReq("2", "6Gi")},
		{name: "init containers are not summed", node: n1, existing: []*pt.PodWrapper{busy},
			pod: pt.MakePod("p").Req("1", "1Gi").InitReq("2", "").InitReq("2", "")},
		{name: "sidecars run beside the containers", node: n1, existing: []*pt.PodWrapper{busy},
			pod: pt.MakePod("p").Req("2500m", "1Gi").SidecarReq("1", ""), want: []string{"Insufficient cpu"}},
		{name: "overhead is added", node: n1, existing: []*pt.PodWrapper{busy},
			pod: pt.MakePod("p").Req("2500m", "1Gi").Overhead(pt.Requests("cpu", "600m")), want: []string{"Insufficient cpu"}},
		{name: "overhead within the free cpu", node: n1, existing: []*pt.PodWrapper{busy},
			pod: pt.MakePod("p").Req("2500m", "1Gi").Overhead(pt.Requests("cpu", "500m", "memory", "5Gi"))},

		{name: "extended resource fits", node: pt.MakeNode("n1").Capacity("4", "8Gi", "110").Resources(gpu, "2"),
			pod: pt.MakePod("p").ReqList(pt.Requests("cpu", "1", gpu, "2"))},
		{name: "extended resource short", node: pt.MakeNode("n1").Capacity("4", "8Gi", "110").Resources(gpu, "2"),
			existing: []*pt.PodWrapper{pt.MakePod("g").ReqList(pt.Requests(gpu, "1")).Node("n1")},
			pod:      pt.MakePod("p").ReqList(pt.Requests(gpu, "2")), want: []string{"Insufficient " + gpu}},
		{name: "extended resource the node lacks", node: n1,
			pod: pt.MakePod("p").ReqList(pt.Requests(gpu, "1")), want: []string{"Insufficient " + gpu}},
		{name: "a zero extended request fits anywhere", node: n1,
			pod: pt.MakePod("p").ReqList(pt.Requests(gpu, "0"))},
		{name: "ignored extended resource", args: `{"ignoredResources":["example.com/gpu"]}`, node: n1,
			pod: pt.MakePod("p").ReqList(pt.Requests(gpu, "1"))},
		{name: "ignored resource group", args: `{"ignoredResourceGroups":["example.com"]}`, node: n1,
			pod: pt.MakePod("p").ReqList(pt.Requests(gpu, "1", "example.com/fpga", "1"))},
		{name: "ignoring does not cover other groups", args: `{"ignoredResourceGroups":["example.com"]}`, node: n1,
			pod: pt.MakePod("p").ReqList(pt.Requests("other.io/fpga", "1")), want: []string{"Insufficient other.io/fpga"}},
		{name: "hugepages cannot be ignored", args: `{"ignoredResources":["hugepages-2Mi"]}`, node: n1,
			pod: pt.MakePod("p").ReqList(pt.Requests("hugepages-2Mi", "4Mi")), want: []string{"Insufficient hugepages-2Mi"}},
		{name: "hugepages fit", node: pt.MakeNode("n1").Capacity("4", "8Gi", "110").Resources("hugepages-2Mi", "8Mi"),
			pod: pt.MakePod("p").ReqList(pt.Requests("hugepages-2Mi", "8Mi"))},
		{name: "ephemeral storage", node: pt.MakeNode("n1").Capacity("4", "8Gi", "110").Resources("ephemeral-storage", "10Gi"),
			pod: pt.MakePod("p").ReqList(pt.Requests("ephemeral-storage", "11Gi")), want: []string{"Insufficient ephemeral-storage"}},
	}
	ctx := context.Background()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var existing []*core.Pod
			for _, p := range tc.existing {
				existing = append(existing, p.Obj())
			}
			h := pt.NewHandle([]*core.Node{tc.node.Obj()}, existing)
			pl := newFit(t, tc.args).(scheduler.FilterPlugin)
			st := pl.Filter(ctx, scheduler.NewCycleState(), scheduler.NewPodInfo(tc.pod.Obj()), h.Node("n1"))
			if tc.want == nil {
				if !st.IsSuccess() {
					t.Errorf("got %v %q, want Success", st.Code(), st.Message())
				}
				return
			}
			if st.Code() != scheduler.Unschedulable || !slices.Equal(st.Reasons(), tc.want) {
				t.Errorf("got %v %q, want Unschedulable %q", st.Code(), st.Reasons(), tc.want)
			}
		})
	}
}

func TestFits(t *testing.T) {
	h := pt.NewHandle([]*core.Node{pt.MakeNode("n1").Capacity("4", "8Gi", "110").Resources(gpu, "2").Obj()},
		[]*core.Pod{pt.MakePod("busy").Req("1", "2Gi").Node("n1").Obj()})
	pod := scheduler.NewPodInfo(pt.MakePod("p").ReqList(pt.Requests("cpu", "3500m", "memory", "1Gi", gpu, "3")).Obj())
	got := noderesources.Fits(pod, h.Node("n1"), nil, nil)
	slices.SortFunc(got, func(a, b noderesources.InsufficientResource) int {
		return strings.Compare(string(a.Name), string(b.Name))
	})
	want := []noderesources.InsufficientResource{
		{Name: core.ResourceCPU, Reason: "Insufficient cpu", Requested: 3500, Used: 1000, Capacity: 4000},
		{Name: gpu, Reason: "Insufficient " + gpu, Requested: 3, Used: 0, Capacity: 2},
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if got := noderesources.Fits(pod, h.Node("n1"), []string{gpu}, nil); len(got) != 1 || got[0].Name != core.ResourceCPU {
		t.Errorf("ignoring %s: got %+v, want cpu alone", gpu, got)
	}
}

// scoreHandle holds the nodes of the score tests: n1 (4 cpu, 8Gi) with a pod
// using 1 cpu and 2Gi, n2 (8 cpu, 16Gi) empty, n3 (8 cpu, 16Gi, 4 GPUs)
// empty.
func scoreHandle() *pt.Handle {
	return pt.NewHandle([]*core.Node{
		pt.MakeNode("n1").Capacity("4", "8Gi", "110").Obj(),
		pt.MakeNode("n2").Capacity("8", "16Gi", "110").Obj(),
		pt.MakeNode("n3").Capacity("8", "16Gi", "110").Resources(gpu, "4").Obj(),
	}, []*core.Pod{pt.MakePod("busy").Req("1", "2Gi").Node("n1").Obj()})
}

func TestFitScore(t *testing.T) {
	const (
		most = `{"scoringStrategy":{"type":"MostAllocated"}}`
		// binPack scores utilisation itself; spread its complement.
		binPack = `{"scoringStrategy":{"type":"RequestedToCapacityRatio","requestedToCapacityRatio":{"shape":[{"utilization":0,"score":0},{"utilization":100,"score":10}]}}}`
		spread  = `{"scoringStrategy":{"type":"RequestedToCapacityRatio","requestedToCapacityRatio":{"shape":[{"utilization":0,"score":10},{"utilization":100,"score":0}]}}}`
	)
	tests := []struct {
		name string
		args string
		pod  *pt.PodWrapper
		want map[string]int64
	}{
		// LeastAllocated: mean over cpu and memory of (free after the pod)
		// · 100 / allocatable, each rounded down, the mean too.
		// n1: cpu (4000−2000)·100/4000 = 50, memory (8−3)·100/8 = 62 → 56.
		// n2 and n3: cpu 7000·100/8000 = 87, memory 15·100/16 = 93 → 90.
		{name: "LeastAllocated is the default", pod: pt.MakePod("p").Req("1", "1Gi"),
			want: map[string]int64{"n1": 56, "n2": 90, "n3": 90}},
		{name: "LeastAllocated spelled out", args: `{"scoringStrategy":{"type":"LeastAllocated"}}`, pod: pt.MakePod("p").Req("1", "1Gi"),
			want: map[string]int64{"n1": 56, "n2": 90, "n3": 90}},
		// A pod requesting nothing counts as 100m and 200Mi, as do the
		// node's pods: n1 cpu 2900·100/4000 = 72, memory
		// (8192−2248)·100/8192 = 72; n2 cpu 7900·100/8000 = 98, memory
		// 16184·100/16384 = 98.
		{name: "LeastAllocated counts missing requests as the defaults", pod: pt.MakePod("p").Container("busybox"),
			want: map[string]int64{"n1": 72, "n2": 98, "n3": 98}},
		// The init container's 2 cpu beat the app's default 100m; its
		// missing memory is the default 200Mi: n1 cpu 1000·100/4000 = 25,
		// memory 72 → 48; n2 cpu 6000·100/8000 = 75, memory 98 → 86.
		{name: "LeastAllocated counts init containers", pod: pt.MakePod("p").Container("busybox").InitReq("2", ""),
			want: map[string]int64{"n1": 48, "n2": 86, "n3": 86}},
		{name: "LeastAllocated gives an over-committed resource 0", pod: pt.MakePod("p").Req("5", "1Gi"),
			// n1: cpu 0, memory 62 → 31; n2: cpu 3000·100/8000 = 37, memory 93 → 65.
			want: map[string]int64{"n1": 31, "n2": 65, "n3": 65}},
		// Weighted: (50·3 + 62·1) / 4 = 53 on n1; (87·3 + 93) / 4 = 88.
		{name: "LeastAllocated with weights", args: `{"scoringStrategy":{"resources":[{"name":"cpu","weight":3},{"name":"memory","weight":1}]}}`,
			pod: pt.MakePod("p").Req("1", "1Gi"), want: map[string]int64{"n1": 53, "n2": 88, "n3": 88}},
		// An extended resource is scored only on nodes that have it, and
		// only for pods requesting it: n3 (87 + 93 + 75·2) / 4 = 82, the
		// others over cpu and memory alone.
		{name: "LeastAllocated with an extended resource", args: `{"scoringStrategy":{"resources":[{"name":"cpu","weight":1},{"name":"memory","weight":1},{"name":"example.com/gpu","weight":2}]}}`,
			pod: pt.MakePod("p").ReqList(pt.Requests("cpu", "1", "memory", "1Gi", gpu, "1")), want: map[string]int64{"n1": 56, "n2": 90, "n3": 82}},
		{name: "an extended resource the pod does not request is not scored", args: `{"scoringStrategy":{"resources":[{"name":"cpu","weight":1},{"name":"memory","weight":1},{"name":"example.com/gpu","weight":2}]}}`,
			pod: pt.MakePod("p").Req("1", "1Gi"), want: map[string]int64{"n1": 56, "n2": 90, "n3": 90}},

		// MostAllocated: requested·100/allocatable. n1: cpu 50, memory
		// 3·100/8 = 37 → 43; n2: cpu 1000·100/8000 = 12, memory 100/16 = 6 → 9.
		{name: "MostAllocated", args: most, pod: pt.MakePod("p").Req("1", "1Gi"),
			want: map[string]int64{"n1": 43, "n2": 9, "n3": 9}},
		// Over-committed cpu counts as full: n1 (100 + 37) / 2 = 68.
		{name: "MostAllocated caps at the allocatable", args: most, pod: pt.MakePod("p").Req("5", "1Gi"),
			want: map[string]int64{"n1": 68, "n2": 34, "n3": 34}},

		// RequestedToCapacityRatio: the shape (scores 0–10 scaled to 0–100)
		// at utilisation, rounded mean. n1: cpu 50 → 50, memory 37 → 37,
		// (50 + 37) / 2 = 43.5 → 44; n2: 12 and 6 → 9.
		{name: "RequestedToCapacityRatio bin packing", args: binPack, pod: pt.MakePod("p").Req("1", "1Gi"),
			want: map[string]int64{"n1": 44, "n2": 9, "n3": 9}},
		// n1: 100 − 50 = 50 and 100 − 37 = 63 → 56.5 → 57; n2: 88 and 94 → 91.
		{name: "RequestedToCapacityRatio spreading", args: spread, pod: pt.MakePod("p").Req("1", "1Gi"),
			want: map[string]int64{"n1": 57, "n2": 91, "n3": 91}},
		// Over capacity is the shape's top: n1 cpu 100, memory 37 → 68.5 → 69.
		{name: "RequestedToCapacityRatio over capacity", args: binPack, pod: pt.MakePod("p").Req("5", "1Gi"),
			want: map[string]int64{"n1": 69, "n2": 34, "n3": 34}},
		// Between points the shape is linear: on n1 cpu at 50 is
		// 100·(50−40)/60 = 16; memory at 37 scores 0 and is left out of the
		// mean. On n2 both score 0: the node scores 0.
		{name: "RequestedToCapacityRatio leaves resources scoring 0 out",
			args: `{"scoringStrategy":{"type":"RequestedToCapacityRatio","requestedToCapacityRatio":{"shape":[{"utilization":40,"score":0},{"utilization":100,"score":10}]}}}`,
			pod:  pt.MakePod("p").Req("1", "1Gi"), want: map[string]int64{"n1": 16, "n2": 0, "n3": 0}},
		// A three-point shape: n1 cpu at 50 is 20 + 60·(50−20)/80 = 42,
		// memory at 37 is 20 + 60·17/80 = 32 → 37; n2 cpu at 12 is
		// 20·12/20 = 12, memory at 6 is 6 → 9.
		{name: "RequestedToCapacityRatio with three points",
			args: `{"scoringStrategy":{"type":"RequestedToCapacityRatio","requestedToCapacityRatio":{"shape":[{"utilization":0,"score":0},{"utilization":20,"score":2},{"utilization":100,"score":8}]}}}`,
			pod:  pt.MakePod("p").Req("1", "1Gi"), want: map[string]int64{"n1": 37, "n2": 9, "n3": 9}},
	}
	ctx := context.Background()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := scoreHandle()
			got, st := pt.ScoreNodes(ctx, h, newFit(t, tc.args), scheduler.NewCycleState(), scheduler.NewPodInfo(tc.pod.Obj()))
			if !st.IsSuccess() {
				t.Fatalf("scoring: %v %q", st.Code(), st.Message())
			}
			if !maps.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestNewFit(t *testing.T) {
	for _, tc := range []struct{ args, wantErr string }{
		{"", ""},
		{`{}`, ""},
		{`{"kind":"NodeResourcesFitArgs","apiVersion":"kubescheduler.config.k8s.io/v1","ignoredResources":["a/b"],"ignoredResourceGroups":["a"]}`, ""},
		{`{"scoringStrategy":{"type":"MostAllocated","resources":[{"name":"cpu"}]}}`, ""},
		{`{"scoringStrategy":{"type":"Random"}}`, `"Random"`},
		{`{"scoringStrategy":{"type":"RequestedToCapacityRatio"}}`, "shape"},
		{`{"scoringStrategy":{"type":"RequestedToCapacityRatio","requestedToCapacityRatio":{"shape":[]}}}`, "shape"},
		{`{"ignoredResource":["a/b"]}`, "ignoredResource"},
	} {
		_, err := noderesources.NewFit(json.RawMessage(tc.args), pt.NewHandle(nil, nil))
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("NewFit(%s): %v", tc.args, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("NewFit(%s): error %v, want one containing %q", tc.args, err, tc.wantErr)
		}
	}
}

func TestFitEventsToRegister(t *testing.T) {
	events := newFit(t, "").(scheduler.EnqueueExtensions).EventsToRegister()
	pt.CheckEvents(t, events, []pt.EventCase{
		{Event: scheduler.ClusterEvent{Resource: scheduler.EventAssignedPod, Action: scheduler.Delete}, Registered: true},
		{Event: scheduler.ClusterEvent{Resource: scheduler.EventAssignedPod, Action: scheduler.UpdatePodScaleDown}, Registered: true},
		{Event: scheduler.ClusterEvent{Resource: scheduler.EventAssignedPod, Action: scheduler.Add}, Registered: false},
		{Event: scheduler.ClusterEvent{Resource: scheduler.EventNode, Action: scheduler.Add}, Registered: true},
		{Event: scheduler.ClusterEvent{Resource: scheduler.EventNode, Action: scheduler.UpdateNodeAllocatable}, Registered: true},
		{Event: scheduler.ClusterEvent{Resource: scheduler.EventNode, Action: scheduler.UpdateNodeLabel}, Registered: false},
	})
}
