package noderesources_test

import (
	"context"
	"encoding/json"
	"maps"
	"strings"
	"testing"

	"github.com/spar-dev/spar/scheduler"
	"github.com/spar-dev/spar/scheduler/plugins/noderesources"
	pt "github.com/spar-dev/spar/scheduler/plugins/plugintest"
)

func newBalanced(t *testing.T, args string) scheduler.ScorePlugin {
	t.Helper()
	var raw json.RawMessage
	if args != "" {
		raw = json.RawMessage(args)
	}
	p, err := noderesources.NewBalanced(raw, pt.NewHandle(nil, nil))
	if err != nil {
		t.Fatalf("NewBalanced(%s): %v", args, err)
	}
	return p.(scheduler.ScorePlugin)
}

func TestBalancedScore(t *testing.T) {
	const withGPU = `{"resources":[{"name":"cpu"},{"name":"memory"},{"name":"example.com/gpu"}]}`
	tests := []struct {
		name     string
		args     string
		pod      *pt.PodWrapper
		want     map[string]int64
		wantSkip bool
	}{
		// (1 − |f_cpu − f_mem| / 2) · 100 over the fractions requested
		// with the pod: n1 cpu 2/4 = 0.5, memory 3/8 = 0.375 → 93.75 → 93;
		// n2 and n3 1/8 and 1/16 → 96.875 → 96.
		{name: "cpu and memory", pod: pt.MakePod("p").Req("1", "1Gi"),
			want: map[string]int64{"n1": 93, "n2": 96, "n3": 96}},
		// Actual requests count, not the defaults for missing ones: n1 cpu
		// 0.5, memory 2/8 → 87.5 → 87; n2 0.125 and 0 → 93.75 → 93.
		{name: "a missing memory request counts as 0", pod: pt.MakePod("p").Req("1", ""),
			want: map[string]int64{"n1": 87, "n2": 93, "n3": 93}},
		// Fractions are capped at 1: n1 cpu 9/4 → 1, memory 0.25 → 62.5 →
		// 62, as if the pod just filled the cpu (n2: 1 and 0 → 50).
		{name: "fractions capped at 1", pod: pt.MakePod("p").Req("8", ""),
			want: map[string]int64{"n1": 62, "n2": 50, "n3": 50}},
		{name: "best-effort pods are skipped", pod: pt.MakePod("p").Container("busybox"), wantSkip: true},
		{name: "a pod requesting only unscored resources is skipped", pod: pt.MakePod("p").ReqList(pt.Requests(gpu, "1")), wantSkip: true},
		// Three resources: the standard deviation of the fractions. n3:
		// 2/8, 4/16, 3/4: mean 5/12, std √(1/18) = 0.2357 → 76.4 → 76;
		// nodes without the GPU balance cpu and memory alone (0.25 and
		// 0.25 on n2: 100; 0.75 and 0.75 on n1: 100).
		{name: "three resources", args: withGPU, pod: pt.MakePod("p").ReqList(pt.Requests("cpu", "2", "memory", "4Gi", gpu, "3")),
			want: map[string]int64{"n1": 100, "n2": 100, "n3": 76}},
		{name: "three resources in balance", args: withGPU, pod: pt.MakePod("p").ReqList(pt.Requests("cpu", "2", "memory", "4Gi", gpu, "1")),
			want: map[string]int64{"n1": 100, "n2": 100, "n3": 100}},
		// A GPU the pod does not request is not balanced: n3 as n2.
		{name: "an unrequested extended resource is left out", args: withGPU, pod: pt.MakePod("p").Req("1", "1Gi"),
			want: map[string]int64{"n1": 93, "n2": 96, "n3": 96}},
		// One resource: nothing to balance.
		{name: "one resource", args: `{"resources":[{"name":"cpu"}]}`, pod: pt.MakePod("p").Req("1", "1Gi"),
			want: map[string]int64{"n1": 100, "n2": 100, "n3": 100}},
	}
	ctx := context.Background()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, st := pt.ScoreNodes(ctx, scoreHandle(), newBalanced(t, tc.args), scheduler.NewCycleState(), scheduler.NewPodInfo(tc.pod.Obj()))
			if tc.wantSkip {
				if !st.IsSkip() {
					t.Errorf("PreScore: %v %q, want Skip", st.Code(), st.Message())
				}
				return
			}
			if !st.IsSuccess() {
				t.Fatalf("scoring: %v %q", st.Code(), st.Message())
			}
			if !maps.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestNewBalanced(t *testing.T) {
	for _, tc := range []struct{ args, wantErr string }{
		{"", ""},
		{`{"kind":"NodeResourcesBalancedAllocationArgs","apiVersion":"kubescheduler.config.k8s.io/v1"}`, ""},
		{`{"resources":[{"name":"cpu","weight":1}]}`, ""},
		{`{"resource":[]}`, "resource"},
	} {
		_, err := noderesources.NewBalanced(json.RawMessage(tc.args), pt.NewHandle(nil, nil))
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("NewBalanced(%s): %v", tc.args, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("NewBalanced(%s): error %v, want one containing %q", tc.args, err, tc.wantErr)
		}
	}
}
