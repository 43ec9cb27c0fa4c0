package imagelocality_test

import (
	"context"
	"maps"
	"testing"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/scheduler"
	"github.com/spar-dev/spar/scheduler/plugins/imagelocality"
	pt "github.com/spar-dev/spar/scheduler/plugins/plugintest"
)

const mb = 1024 * 1024

func newPlugin(t *testing.T, h scheduler.Handle) scheduler.ScorePlugin {
	t.Helper()
	p, err := imagelocality.New(nil, h)
	if err != nil {
		t.Fatal(err)
	}
	return p.(scheduler.ScorePlugin)
}

// The score is 100·(sum − 23MB)/(1000MB·containers − 23MB), the sum
// clamped to that range, where each of the pod's images present on the
// node adds its size times the fraction of nodes that have it.
func TestScore(t *testing.T) {
	nodes := []*core.Node{
		pt.MakeNode("n1").Image(500*mb, "web:1").Image(400*mb, "sidecar:latest", "sidecar@sha256:aaaa").Obj(),
		pt.MakeNode("n2").Image(500*mb, "web:1").Image(300*mb, "registry:5000/app:latest").Obj(),
		pt.MakeNode("n3").Obj(),
		pt.MakeNode("n4").Image(3000*mb, "big:1").Image(20*mb, "tiny:1").Obj(),
	}
	tests := []struct {
		name string
		pod  *pt.PodWrapper
		want map[string]int64
	}{
		// web:1 is on 2 of 4 nodes: 500MB·2/4 = 250MB → 100·227/977 = 23.
		{name: "an image on half the nodes", pod: pt.MakePod("p").Container("web:1"),
			want: map[string]int64{"n1": 23, "n2": 23, "n3": 0, "n4": 0}},
		// Two containers: n1 250MB + 400MB·1/4 = 350MB → 100·327/1977 =
		// 16; n2 250MB alone → 100·227/1977 = 11. "sidecar" is
		// "sidecar:latest".
		{name: "two containers", pod: pt.MakePod("p").Container("web:1").Container("sidecar"),
			want: map[string]int64{"n1": 16, "n2": 11, "n3": 0, "n4": 0}},
		// Init containers count, as images and as containers.
		{name: "an init container", pod: pt.MakePod("p").InitImage("web:1").Container("busybox"),
			want: map[string]int64{"n1": 11, "n2": 11, "n3": 0, "n4": 0}},
		// 3000MB·1/4 = 750MB → 100·727/977 = 74.
		{name: "a big image on one node", pod: pt.MakePod("p").Container("big:1"),
			want: map[string]int64{"n1": 0, "n2": 0, "n3": 0, "n4": 74}},
		// 20MB·1/4 is under the 23MB threshold.
		{name: "a small image does not count", pod: pt.MakePod("p").Container("tiny:1"),
			want: map[string]int64{"n1": 0, "n2": 0, "n3": 0, "n4": 0}},
		// A registry port is not a tag: 300MB/4 = 75MB → 100·52/977 = 5.
		{name: "an untagged image behind a registry port", pod: pt.MakePod("p").Container("registry:5000/app"),
			want: map[string]int64{"n1": 0, "n2": 5, "n3": 0, "n4": 0}},
		// A digest is matched as named: 100MB → 100·77/977 = 7.
		{name: "by digest", pod: pt.MakePod("p").Container("sidecar@sha256:aaaa"),
			want: map[string]int64{"n1": 7, "n2": 0, "n3": 0, "n4": 0}},
		{name: "another tag", pod: pt.MakePod("p").Container("web:2"),
			want: map[string]int64{"n1": 0, "n2": 0, "n3": 0, "n4": 0}},
	}
	ctx := context.Background()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := pt.NewHandle(nodes, nil)
			got, st := pt.ScoreNodes(ctx, h, newPlugin(t, h), scheduler.NewCycleState(), scheduler.NewPodInfo(tc.pod.Obj()))
			if !st.IsSuccess() {
				t.Fatalf("scoring: %v %q", st.Code(), st.Message())
			}
			if !maps.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestScoreClamped: the sum stops at 1000MB a container.
func TestScoreClamped(t *testing.T) {
	h := pt.NewHandle([]*core.Node{
		pt.MakeNode("n1").Image(2000*mb, "huge:1").Image(900*mb, "mid:1").Obj(),
		pt.MakeNode("n2").Image(2000*mb, "huge:1").Obj(),
	}, nil)
	ctx := context.Background()
	for _, tc := range []struct {
		pod  *pt.PodWrapper
		want map[string]int64
	}{
		{pt.MakePod("p").Container("huge:1"), map[string]int64{"n1": 100, "n2": 100}},
		// Two containers: n1 2000MB + 450MB, clamped to 2000MB → 100; n2
		// 2000MB → 100.
		{pt.MakePod("p").Container("huge:1").Container("mid:1"), map[string]int64{"n1": 100, "n2": 100}},
		// Three: n1 2450MB → 100·2427/2977 = 81; n2 2000MB → 100·1977/2977 = 66.
		{pt.MakePod("p").Container("huge:1").Container("mid:1").Container("busybox"), map[string]int64{"n1": 81, "n2": 66}},
	} {
		got, st := pt.ScoreNodes(ctx, h, newPlugin(t, h), scheduler.NewCycleState(), scheduler.NewPodInfo(tc.pod.Obj()))
		if !st.IsSuccess() {
			t.Fatalf("scoring: %v %q", st.Code(), st.Message())
		}
		if !maps.Equal(got, tc.want) {
			t.Errorf("%d containers: got %v, want %v", len(tc.pod.Obj().Spec.Containers), got, tc.want)
		}
	}
}
