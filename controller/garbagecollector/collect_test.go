package garbagecollector

import (
	"errors"
	"slices"
	"testing"

	"github.com/go-logr/logr"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller/controllertest"
)

// newTestCollector returns a collector over a fresh server whose graph is
// fed by hand: no monitor runs, so the graph is as stale as a test wants.
func newTestCollector(t *testing.T) (*collector, *client.ResourceClient[core.ConfigMap, *core.ConfigMap]) {
	t.Helper()
	env := controllertest.New(t, nil)
	gc := newCollector(env.Client, env.Manager.Recorder(Component), logr.Discard(), nil)
	mp, err := discover(t.Context(), env.Client)
	if err != nil {
		t.Fatal(err)
	}
	gc.mapper = mp
	return gc, client.Resource[core.ConfigMap](env.Client).Namespace("default")
}

func (gc *collector) observe(t *testing.T, cm *core.ConfigMap) {
	t.Helper()
	r, err := gc.resolve("v1", "ConfigMap")
	if err != nil {
		t.Fatal(err)
	}
	gc.g.apply(gc.g.eventFor(r, &cm.ObjectMeta, false))
}

func idOf(cm *core.ConfigMap) objRef {
	return objRef{apiVersion: "v1", kind: "ConfigMap", namespace: cm.Namespace, name: cm.Name, uid: cm.UID}
}

func ownedBy(owners ...*core.ConfigMap) []meta.OwnerReference {
	var refs []meta.OwnerReference
	for _, o := range owners {
		refs = append(refs, meta.OwnerReference{APIVersion: "v1", Kind: "ConfigMap", Name: o.Name, UID: o.UID})
	}
	return refs
}

// TestStaleGraphNeverDeletes: an owner missing from the graph (its watch
// lags) but present in the API keeps its dependents.
func TestStaleGraphNeverDeletes(t *testing.T) {
	gc, cms := newTestCollector(t)
	ctx := t.Context()
	owner, err := cms.Create(ctx, &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Name: "owner"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	dep, err := cms.Create(ctx, &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Name: "dep", OwnerReferences: ownedBy(owner)}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	gc.observe(t, dep)
	if !gc.g.isVirtual(owner.UID) {
		t.Fatal("the owner no watch has shown is not a virtual node")
	}
	if err := gc.attemptToDelete(ctx, idOf(owner)); !errors.Is(err, errStillVirtual) {
		t.Errorf("checking the virtual owner: %v, want errStillVirtual", err)
	}
	if err := gc.attemptToDelete(ctx, idOf(dep)); err != nil {
		t.Errorf("checking the dependent: %v", err)
	}
	for _, name := range []string{"owner", "dep"} {
		if _, err := cms.Get(ctx, name); err != nil {
			t.Errorf("%s: %v, want it kept", name, err)
		}
	}
	if !gc.g.isVirtual(owner.UID) {
		t.Error("the existing owner's virtual node was removed")
	}
}

// TestStaleDependentConflicts: a decision taken on an outdated state of
// the dependent fails with a conflict instead of deleting it; the current
// state is then acted on.
func TestStaleDependentConflicts(t *testing.T) {
	gc, cms := newTestCollector(t)
	ctx := t.Context()
	ghost := &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Name: "ghost", UID: "never-existed"}}
	dep, err := cms.Create(ctx, &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Name: "dep", OwnerReferences: ownedBy(ghost)}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	gc.observe(t, dep) // the graph sees the dependent of a missing owner...
	alive, err := cms.Create(ctx, &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Name: "alive"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	dep.OwnerReferences = ownedBy(ghost, alive)
	updated, err := cms.Update(ctx, dep, nil) // ...but it was adopted since
	if err != nil {
		t.Fatal(err)
	}

	if err := gc.attemptToDelete(ctx, idOf(dep)); !client.IsConflict(err) {
		t.Errorf("acting on the outdated dependent: %v, want a conflict", err)
	}
	if _, err := cms.Get(ctx, "dep"); err != nil {
		t.Fatalf("dependent: %v, want it kept", err)
	}

	gc.observe(t, updated)
	if err := gc.attemptToDelete(ctx, idOf(dep)); err != nil {
		t.Fatalf("acting on the current dependent: %v", err)
	}
	got, err := cms.Get(ctx, "dep")
	if err != nil {
		t.Fatalf("dependent: %v, want it kept", err)
	}
	if u := uids(got.OwnerReferences); !slices.Equal(u, []meta.UID{alive.UID}) {
		t.Errorf("owners = %v, want only %s", u, alive.UID)
	}
}

func uids(refs []meta.OwnerReference) []meta.UID {
	var out []meta.UID
	for _, r := range refs {
		out = append(out, r.UID)
	}
	return out
}

// TestRelistRemovesDeleted: a re-list (after a 410) removes what was
// deleted while no watch ran, and queues its dependents.
func TestRelistRemovesDeleted(t *testing.T) {
	gc, cms := newTestCollector(t)
	ctx := t.Context()
	kept, err := cms.Create(ctx, &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Name: "kept"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	gone := &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Namespace: "default", Name: "gone", UID: "deleted-meanwhile", ResourceVersion: "1"}}
	gc.observe(t, gone)
	dep, err := cms.Create(ctx, &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Name: "dep", OwnerReferences: ownedBy(gone)}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	gc.observe(t, dep)
	drain(gc.deleteQ)

	r, _ := gc.resolve("v1", "ConfigMap")
	m := newMonitor(r, gc.c, gc.g, logr.Discard(), 1)
	if _, err := m.list(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := gc.g.snapshot("deleted-meanwhile"); ok {
		t.Error("the deleted configmap is still in the graph")
	}
	if _, ok := gc.g.snapshot(kept.UID); !ok {
		t.Error("the listed configmap is not in the graph")
	}
	if got := drain(gc.deleteQ); !slices.Contains(got, "dep") {
		t.Errorf("queued = %v, want the dependent of the deleted configmap", got)
	}
}
