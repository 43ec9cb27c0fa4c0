package podtopologyspread

import (
	"context"
	"fmt"
	"testing"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/scheduler"
	pt "github.com/spar-dev/spar/scheduler/plugins/plugintest"
)

// benchCluster builds 5,000 nodes in 10 zones with 10,000 pods in groups
// of 20 (label group=gN).
func benchCluster() *pt.Handle {
	const nodes, pods = 5000, 10000
	ns := make([]*core.Node, nodes)
	for i := range ns {
		ns[i] = pt.MakeNode(fmt.Sprintf("node-%04d", i)).Zone(fmt.Sprintf("zone-%d", i%10)).Obj()
	}
	ps := make([]*core.Pod, pods)
	for i := range ps {
		ps[i] = pt.MakePod(fmt.Sprintf("pod-%05d", i)).Label("group", fmt.Sprintf("g%d", i/20)).
			Node(ns[(i*7)%nodes].Name).Obj()
	}
	return pt.NewHandle(ns, ps)
}

// cycle runs PreFilter, Filter on every node, PreScore, Score on every
// feasible node and NormalizeScore.
func cycle(b *testing.B, pl *PodTopologySpread, h *pt.Handle, pod *scheduler.PodInfo) {
	ctx := context.Background()
	state := scheduler.NewCycleState()
	nodes := h.Snapshot().List()
	_, st := pl.PreFilter(ctx, state, pod, nodes)
	feasible := nodes
	if !st.IsSkip() {
		feasible = feasible[:0:0]
		for _, n := range nodes {
			if pl.Filter(ctx, state, pod, n).IsSuccess() {
				feasible = append(feasible, n)
			}
		}
	}
	if len(feasible) == 0 {
		b.Fatal("no feasible node")
	}
	if st := pl.PreScore(ctx, state, pod, feasible); st.IsSkip() {
		return
	}
	scores := make([]scheduler.NodeScore, len(feasible))
	for i, n := range feasible {
		s, _ := pl.Score(ctx, state, pod, n)
		scores[i] = scheduler.NodeScore{Name: n.Name(), Score: s}
	}
	pl.NormalizeScore(ctx, state, pod, scores)
}

func BenchmarkFilterScore(b *testing.B) {
	sel := pt.Selector("group", "g7")
	for _, bc := range []struct {
		name string
		pod  *core.Pod
	}{
		{"ZoneDoNotSchedule", pt.MakePod("p").Label("group", "g7").SpreadConstraint(1, pt.LabelZone, core.DoNotSchedule, sel).Obj()},
		{"HostnameDoNotSchedule", pt.MakePod("p").Label("group", "g7").SpreadConstraint(1, pt.LabelHostname, core.DoNotSchedule, sel).Obj()},
		{"ZoneAndHostnameScheduleAnyway", pt.MakePod("p").Label("group", "g7").
			SpreadConstraint(1, pt.LabelZone, core.ScheduleAnyway, sel).
			SpreadConstraint(1, pt.LabelHostname, core.ScheduleAnyway, sel).Obj()},
	} {
		b.Run(bc.name, func(b *testing.B) {
			h := benchCluster()
			pl := newPlugin(b, h, "")
			pod := scheduler.NewPodInfo(bc.pod)
			b.ReportAllocs()
			b.ResetTimer()
			cpu := pt.CPUTime()
			for b.Loop() {
				cycle(b, pl, h, pod)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/5000, "ns/node")
			// CPU time of all threads (the plugin runs on several).
			b.ReportMetric(float64((pt.CPUTime()-cpu).Nanoseconds())/float64(b.N), "cpu-ns/op")
		})
	}
}
