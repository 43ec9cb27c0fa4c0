package garbagecollector

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
)

var cmRes = &client.APIResource{Version: "v1", Name: "configmaps", Kind: "ConfigMap", Namespaced: true}

func newTestGraph() *graph {
	opts := &controller.QueueOptions{QPS: -1}
	return newGraph(controller.NewQueue[objRef](opts), controller.NewQueue[objRef](opts))
}

// obj is the metadata of a configmap in "ns" whose UID is its name.
func obj(name string, owners ...string) *meta.ObjectMeta {
	om := &meta.ObjectMeta{Namespace: "ns", Name: name, UID: meta.UID(name), ResourceVersion: "1"}
	for _, o := range owners {
		om.OwnerReferences = append(om.OwnerReferences, meta.OwnerReference{APIVersion: "v1", Kind: "ConfigMap", Name: o, UID: meta.UID(o)})
	}
	return om
}

// drain returns the names queued in q, sorted.
func drain(q *controller.Queue[objRef]) []string {
	var out []string
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	for q.Len() > 0 {
		k, ok := q.Get(ctx)
		if !ok {
			break
		}
		q.Done(k)
		out = append(out, k.name)
	}
	slices.Sort(out)
	return out
}

func TestGraphQueues(t *testing.T) {
	deleting := func(om *meta.ObjectMeta, finalizer string) *meta.ObjectMeta {
		ts := meta.Now()
		om.DeletionTimestamp = &ts
		om.Finalizers = []string{finalizer}
		return om
	}
	type step struct {
		om      *meta.ObjectMeta
		removed bool
	}
	tests := []struct {
		name               string
		setup, steps       []step
		wantDel, wantOrph  []string
		wantNodes, virtual int
	}{
		{name: "an owner no watch has shown is checked",
			steps:   []step{{om: obj("dep", "owner")}},
			wantDel: []string{"owner"}, wantNodes: 2, virtual: 1},
		{name: "the owner shows up: it is no longer virtual",
			setup:     []step{{om: obj("dep", "owner")}},
			steps:     []step{{om: obj("owner")}},
			wantNodes: 2},
		{name: "a deleted owner's dependents are checked",
			setup:   []step{{om: obj("owner")}, {om: obj("a", "owner")}, {om: obj("b", "owner")}},
			steps:   []step{{om: obj("owner"), removed: true}},
			wantDel: []string{"a", "b"}, wantNodes: 2},
		{name: "a foreground deletion checks the owner and its dependents",
			setup:   []step{{om: obj("owner")}, {om: obj("a", "owner")}},
			steps:   []step{{om: deleting(obj("owner"), "foregroundDeletion")}},
			wantDel: []string{"a", "owner"}, wantNodes: 2},
		{name: "an orphan deletion queues the owner for orphaning",
			setup:    []step{{om: obj("owner")}, {om: obj("a", "owner")}},
			steps:    []step{{om: deleting(obj("owner"), "orphan")}},
			wantOrph: []string{"owner"}, wantNodes: 2},
		{name: "a dependent leaving unblocks an owner deleted in the foreground",
			setup:   []step{{om: obj("owner")}, {om: obj("a", "owner")}, {om: deleting(obj("owner"), "foregroundDeletion")}},
			steps:   []step{{om: obj("a"), removed: true}},
			wantDel: []string{"owner"}, wantNodes: 1},
		{name: "a dependent dropping its reference unblocks the owner",
			setup:   []step{{om: obj("owner")}, {om: obj("a", "owner")}, {om: deleting(obj("owner"), "foregroundDeletion")}},
			steps:   []step{{om: obj("a")}},
			wantDel: []string{"owner"}, wantNodes: 2},
		{name: "a new dependent of an owner deleted in the foreground is checked",
			setup:   []step{{om: obj("owner")}, {om: deleting(obj("owner"), "foregroundDeletion")}},
			steps:   []step{{om: obj("late", "owner")}},
			wantDel: []string{"late"}, wantNodes: 2},
		{name: "a virtual owner nothing names any more is dropped",
			setup:     []step{{om: obj("dep", "ghost")}},
			steps:     []step{{om: obj("dep")}},
			wantNodes: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newTestGraph()
			for _, s := range tt.setup {
				g.apply(g.eventFor(cmRes, s.om, s.removed))
			}
			drain(g.deleteQ)
			drain(g.orphanQ)
			for _, s := range tt.steps {
				g.apply(g.eventFor(cmRes, s.om, s.removed))
			}
			if got := drain(g.deleteQ); !slices.Equal(got, tt.wantDel) {
				t.Errorf("queued for deletion checks: %v, want %v", got, tt.wantDel)
			}
			if got := drain(g.orphanQ); !slices.Equal(got, tt.wantOrph) {
				t.Errorf("queued for orphaning: %v, want %v", got, tt.wantOrph)
			}
			virtuals := 0
			for _, n := range g.nodes {
				if n.state&virtual != 0 {
					virtuals++
				}
			}
			if len(g.nodes) != tt.wantNodes || virtuals != tt.virtual {
				t.Errorf("graph holds %d nodes (%d virtual), want %d (%d)", len(g.nodes), virtuals, tt.wantNodes, tt.virtual)
			}
		})
	}
}

// TestVerifiedRemovalKeepsObservedNodes: finding an owner missing removes
// only a node no watch has shown.
func TestVerifiedRemovalKeepsObservedNodes(t *testing.T) {
	g := newTestGraph()
	g.apply(g.eventFor(cmRes, obj("owner"), false))
	g.apply(event{removed: true, verified: true, id: objRef{uid: "owner"}})
	if _, ok := g.snapshot("owner"); !ok {
		t.Error("an observed node was removed by a verification")
	}
}

func TestOwnerReferenceRoundTrip(t *testing.T) {
	tr, fa := true, false
	for _, r := range []meta.OwnerReference{
		{APIVersion: "v1", Kind: "ConfigMap", Name: "a", UID: "1"},
		{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "b", UID: "2", Controller: &tr, BlockOwnerDeletion: &fa},
		{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "c", UID: "3", Controller: &fa, BlockOwnerDeletion: &tr},
	} {
		got := ownerOf(&r, func(s string) string { return s }).reference()
		if got.Name != r.Name || got.UID != r.UID || got.APIVersion != r.APIVersion || got.Kind != r.Kind ||
			!sameBool(got.Controller, r.Controller) || !sameBool(got.BlockOwnerDeletion, r.BlockOwnerDeletion) {
			t.Errorf("round trip of %+v = %+v", r, got)
		}
	}
}

func sameBool(a, b *bool) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func TestLRU(t *testing.T) {
	l := newLRU(2)
	k := func(s string) absentKey { return absentKey{uid: meta.UID(s)} }
	l.add(k("a"))
	l.add(k("b"))
	l.has(k("a")) // a is now the most recent
	l.add(k("c")) // evicts b
	for _, tt := range []struct {
		key  string
		want bool
	}{{"a", true}, {"b", false}, {"c", true}} {
		if got := l.has(k(tt.key)); got != tt.want {
			t.Errorf("has(%s) = %v, want %v", tt.key, got, tt.want)
		}
	}
}

func TestSameObject(t *testing.T) {
	v := objRef{apiVersion: "apps/v1", kind: "ReplicaSet", namespace: "ns", name: "rs", uid: "1"}
	tests := []struct {
		name     string
		observed objRef
		want     bool
	}{
		{"same", v, true},
		{"another version", objRef{apiVersion: "apps/v1beta2", kind: "ReplicaSet", namespace: "ns", name: "rs"}, true},
		{"cluster-scoped", objRef{apiVersion: "apps/v1", kind: "ReplicaSet", name: "rs"}, true},
		{"another namespace", objRef{apiVersion: "apps/v1", kind: "ReplicaSet", namespace: "other", name: "rs"}, false},
		{"another kind", objRef{apiVersion: "apps/v1", kind: "Deployment", namespace: "ns", name: "rs"}, false},
		{"another group", objRef{apiVersion: "v1", kind: "ReplicaSet", namespace: "ns", name: "rs"}, false},
		{"another name", objRef{apiVersion: "apps/v1", kind: "ReplicaSet", namespace: "ns", name: "other"}, false},
	}
	for _, tt := range tests {
		if got := sameObject(v, tt.observed); got != tt.want {
			t.Errorf("%s: sameObject = %v, want %v", tt.name, got, tt.want)
		}
	}
}
