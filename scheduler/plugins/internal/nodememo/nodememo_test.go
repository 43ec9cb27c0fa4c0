package nodememo

import (
	"context"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/scheduler"
)

func TestValuesComputesOnlyChangedNodes(t *testing.T) {
	ctx := context.Background()
	m := New[int64](2)
	var calls atomic.Int32
	double := func(n *scheduler.NodeInfo) int64 { calls.Add(1); return n.Generation * 2 }
	nodes := []*scheduler.NodeInfo{{Generation: 1}, {Generation: 2}, {Generation: 0}}
	p := scheduler.Parallelizer{}

	if got := m.Values(ctx, p, "k", nodes, double); !slices.Equal(got, []int64{2, 4, 0}) || calls.Load() != 3 {
		t.Fatalf("first Values = %v after %d computations, want [2 4 0] after 3", got, calls.Load())
	}
	// Same generations: only the hand-built NodeInfo (generation 0) again.
	nodes[1] = &scheduler.NodeInfo{Generation: 7}
	if got := m.Values(ctx, p, "k", nodes, double); !slices.Equal(got, []int64{2, 14, 0}) || calls.Load() != 5 {
		t.Errorf("second Values = %v after %d computations, want [2 14 0] after 5", got, calls.Load())
	}
	if v, ok := m.Lookup("k", 7); !ok || v != 14 {
		t.Errorf("Lookup(k, 7) = %d %v, want 14 true", v, ok)
	}
	if _, ok := m.Lookup("k", 0); ok {
		t.Error("generation 0 was remembered")
	}
	// Two more keys: the least recently used ("k") is forgotten.
	m.Values(ctx, p, "a", nodes, double)
	m.Values(ctx, p, "b", nodes, double)
	if _, ok := m.Lookup("k", 1); ok {
		t.Error("the least recently used key survived past maxKeys")
	}
}

func TestDomains(t *testing.T) {
	node := func(gen int64, labels map[string]string) *scheduler.NodeInfo {
		return &scheduler.NodeInfo{Generation: gen, Node: &core.Node{ObjectMeta: meta.ObjectMeta{Labels: labels}}}
	}
	nodes := []*scheduler.NodeInfo{
		node(1, map[string]string{"zone": "a"}), node(2, map[string]string{"zone": "b"}),
		node(3, map[string]string{"zone": "a"}), node(4, nil),
	}
	d := NewDomains()
	ids, names := d.Of(context.Background(), scheduler.Parallelizer{}, "zone", nodes)
	got := make([]string, len(ids))
	for i, id := range ids {
		if id >= 0 {
			got[i] = names[id]
		}
	}
	if want := []string{"a", "b", "a", ""}; !slices.Equal(got, want) || ids[0] != ids[2] || ids[3] != -1 {
		t.Errorf("domains = %v (ids %v), want %v with equal ids for equal values and -1 unlabelled", got, ids, want)
	}
}
