package garbagecollector

import (
	"sync"

	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
)

// Finalizers the garbage collector serves.
const (
	finalizerOrphan     = "orphan"
	finalizerForeground = "foregroundDeletion"
)

// objRef names an object as an ownerReference does, plus its namespace.
// It is the key of the work queues.
type objRef struct {
	apiVersion, kind string
	namespace, name  string
	uid              meta.UID
}

func (r objRef) String() string {
	name := r.name
	if r.namespace != "" {
		name = r.namespace + "/" + name
	}
	return r.kind + "." + r.apiVersion + " " + name + " (" + string(r.uid) + ")"
}

// owner is an ownerReference kept small: its two optional booleans are
// bits (with "set" bits, so a reference is written back exactly).
type owner struct {
	apiVersion, kind, name string
	uid                    meta.UID
	bits                   uint8
}

const (
	controllerSet uint8 = 1 << iota
	controllerTrue
	blockSet
	blockTrue
)

func (o owner) blocks() bool { return o.bits&blockTrue != 0 }

func ownerOf(r *meta.OwnerReference, intern func(string) string) owner {
	o := owner{apiVersion: intern(r.APIVersion), kind: intern(r.Kind), name: r.Name, uid: r.UID}
	if r.Controller != nil {
		o.bits |= controllerSet
		if *r.Controller {
			o.bits |= controllerTrue
		}
	}
	if r.BlockOwnerDeletion != nil {
		o.bits |= blockSet
		if *r.BlockOwnerDeletion {
			o.bits |= blockTrue
		}
	}
	return o
}

func (o owner) reference() meta.OwnerReference {
	r := meta.OwnerReference{APIVersion: o.apiVersion, Kind: o.kind, Name: o.name, UID: o.uid}
	if o.bits&controllerSet != 0 {
		v := o.bits&controllerTrue != 0
		r.Controller = &v
	}
	if o.bits&blockSet != 0 {
		v := o.bits&blockTrue != 0
		r.BlockOwnerDeletion = &v
	}
	return r
}

// state holds what the collector needs of an object besides its
// references.
type state uint8

const (
	// virtual: the object is known only from references to it; no watch
	// has shown it (yet).
	virtual state = 1 << iota
	beingDeleted
	hasOrphanFinalizer
	hasForegroundFinalizer
)

// deletingDependents: deleted in the foreground, waiting for its blocking
// dependents to go.
func (s state) deletingDependents() bool {
	return s&beingDeleted != 0 && s&hasForegroundFinalizer != 0
}

func (s state) orphaning() bool { return s&beingDeleted != 0 && s&hasOrphanFinalizer != 0 }

func stateOf(om *meta.ObjectMeta) state {
	var s state
	if om.DeletionTimestamp != nil {
		s |= beingDeleted
	}
	for _, f := range om.Finalizers {
		switch f {
		case finalizerOrphan:
			s |= hasOrphanFinalizer
		case finalizerForeground:
			s |= hasForegroundFinalizer
		}
	}
	return s
}

// node is one object of the owner graph: the metadata the collector
// needs, its owners (by reference) and its dependents (the nodes whose
// references name it).
type node struct {
	id         objRef
	rv         string
	owners     []owner // replaced, never changed in place: snapshots share it
	dependents map[*node]struct{}
	state      state
}

// event is a change of one object: seen by a watch, or found by the
// collector (a virtual object that does not exist).
type event struct {
	removed bool
	// verified marks the removal of a virtual node whose object the
	// collector found missing; it never removes an observed node.
	verified bool
	id       objRef
	rv       string
	owners   []owner
	state    state
}

// graph is the owner graph. Monitors apply their events to it (under its
// lock: the order across resources does not matter), and it queues the
// objects each change may make garbage, or whose deletion it may unblock.
type graph struct {
	mu      sync.RWMutex
	nodes   map[meta.UID]*node
	interns map[string]string
	deleteQ *controller.Queue[objRef]
	orphanQ *controller.Queue[objRef]
}

func newGraph(deleteQ, orphanQ *controller.Queue[objRef]) *graph {
	return &graph{nodes: map[meta.UID]*node{}, interns: map[string]string{}, deleteQ: deleteQ, orphanQ: orphanQ}
}

// intern returns the one copy of s kept for small recurring strings
// (apiVersions, kinds, namespaces) so a million objects do not hold a
// million copies. Callers hold the lock.
func (g *graph) intern(s string) string {
	if v, ok := g.interns[s]; ok {
		return v
	}
	g.interns[s] = s
	return s
}

// eventFor builds the event of an observed object of resource r.
func (g *graph) eventFor(r *client.APIResource, om *meta.ObjectMeta, removed bool) event {
	g.mu.Lock()
	defer g.mu.Unlock()
	ev := event{removed: removed, rv: om.ResourceVersion, state: stateOf(om),
		id: objRef{apiVersion: g.intern(r.APIVersion()), kind: g.intern(r.Kind), namespace: g.intern(om.Namespace), name: om.Name, uid: om.UID}}
	if len(om.OwnerReferences) > 0 {
		ev.owners = make([]owner, len(om.OwnerReferences))
		for i := range om.OwnerReferences {
			o := ownerOf(&om.OwnerReferences[i], g.intern)
			if on := g.nodes[o.uid]; on != nil && on.id.name == o.name {
				// Share the owner's copies of its name and UID.
				o.name, o.uid = on.id.name, on.id.uid
			}
			ev.owners[i] = o
		}
	}
	return ev
}

// apply applies one change.
func (g *graph) apply(ev event) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if ev.removed {
		g.remove(ev)
		return
	}
	n := g.nodes[ev.id.uid]
	if n == nil {
		n = &node{id: ev.id, rv: ev.rv, owners: ev.owners, state: ev.state}
		g.nodes[ev.id.uid] = n
		for _, o := range n.owners {
			g.link(n, o)
		}
		g.transition(0, n)
		return
	}
	old := n.state
	if old&virtual != 0 && !sameObject(n.id, ev.id) {
		// Its dependents named it by other coordinates (another kind, or
		// another namespace): each must check its own reference again.
		for d := range n.dependents {
			g.deleteQ.Add(d.id)
		}
	}
	n.id, n.rv, n.state = ev.id, ev.rv, ev.state
	prev := n.owners
	n.owners = ev.owners
	for _, o := range ev.owners {
		i := indexOwner(prev, o.uid)
		switch {
		case i < 0:
			g.link(n, o)
		case prev[i].blocks() && !o.blocks():
			g.unblocked(o.uid)
		}
	}
	for _, o := range prev {
		if indexOwner(ev.owners, o.uid) < 0 {
			g.unlink(n, o.uid)
		}
	}
	g.transition(old, n)
}

// sameObject reports whether virtual, a node made from a reference, names
// the object a watch showed as observed: the same group, kind and name,
// and the same namespace unless the object is cluster-scoped (virtual
// nodes take their dependent's namespace). Versions may differ.
func sameObject(virtual, observed objRef) bool {
	vg, _ := meta.SplitAPIVersion(virtual.apiVersion)
	og, _ := meta.SplitAPIVersion(observed.apiVersion)
	return vg == og && virtual.kind == observed.kind && virtual.name == observed.name &&
		(observed.namespace == "" || observed.namespace == virtual.namespace)
}

func indexOwner(owners []owner, uid meta.UID) int {
	for i := range owners {
		if owners[i].uid == uid {
			return i
		}
	}
	return -1
}

// link records n as a dependent of o, adding a virtual node for an owner
// no watch has shown: the collector checks whether it exists.
func (g *graph) link(n *node, o owner) {
	on := g.nodes[o.uid]
	if on == nil {
		on = &node{id: objRef{apiVersion: o.apiVersion, kind: o.kind, namespace: n.id.namespace, name: o.name, uid: o.uid}, state: virtual}
		g.nodes[o.uid] = on
		g.deleteQ.Add(on.id)
	} else if on.state.deletingDependents() {
		// A new dependent of an owner deleted in the foreground goes too.
		g.deleteQ.Add(n.id)
	} else if on.state&virtual == 0 && on.id.namespace != "" && on.id.namespace != n.id.namespace {
		// Its owner lives in another namespace, which makes it no owner.
		g.deleteQ.Add(n.id)
	}
	if on.dependents == nil {
		on.dependents = map[*node]struct{}{}
	}
	on.dependents[n] = struct{}{}
}

// unlink forgets n as a dependent of the owner uid. A virtual owner that
// nothing names any more is dropped: only references kept it.
func (g *graph) unlink(n *node, uid meta.UID) {
	on := g.nodes[uid]
	if on == nil {
		return
	}
	delete(on.dependents, n)
	if len(on.dependents) == 0 {
		on.dependents = nil
		if on.state&virtual != 0 {
			delete(g.nodes, uid)
			return
		}
	}
	g.unblocked(uid)
}

// unblocked queues the owner uid, if it waits for its dependents: one of
// them no longer blocks it.
func (g *graph) unblocked(uid meta.UID) {
	if on := g.nodes[uid]; on != nil && on.state.deletingDependents() {
		g.deleteQ.Add(on.id)
	}
}

// transition queues the work a change of n's deletion state starts.
func (g *graph) transition(old state, n *node) {
	if n.state.orphaning() && !old.orphaning() {
		g.orphanQ.Add(n.id)
	}
	if n.state.deletingDependents() && !old.deletingDependents() {
		g.deleteQ.Add(n.id)
		for d := range n.dependents {
			g.deleteQ.Add(d.id)
		}
	}
}

// remove drops a node; its dependents may now be garbage, and its owners
// may have been waiting for it.
func (g *graph) remove(ev event) {
	n := g.nodes[ev.id.uid]
	if n == nil || ev.verified && n.state&virtual == 0 {
		return
	}
	delete(g.nodes, ev.id.uid)
	for _, o := range n.owners {
		g.unlink(n, o.uid)
	}
	for d := range n.dependents {
		g.deleteQ.Add(d.id)
	}
}

// removeObserved removes the nodes a watch of r has shown, except those
// keep accepts.
func (g *graph) removeObserved(r *client.APIResource, keep func(meta.UID) bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	apiVersion := r.APIVersion()
	var gone []meta.UID
	for uid, n := range g.nodes {
		if n.state&virtual == 0 && n.id.kind == r.Kind && n.id.apiVersion == apiVersion && !keep(uid) {
			gone = append(gone, uid)
		}
	}
	for _, uid := range gone {
		g.remove(event{removed: true, id: objRef{uid: uid}})
	}
}

// snapshot is a node copied out of the graph, for a worker.
type snapshot struct {
	id            objRef
	rv            string
	owners        []owner
	state         state
	hasDependents bool
}

func (g *graph) snapshot(uid meta.UID) (snapshot, bool) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	n := g.nodes[uid]
	if n == nil {
		return snapshot{}, false
	}
	return snapshot{id: n.id, rv: n.rv, owners: n.owners, state: n.state, hasDependents: len(n.dependents) > 0}, true
}

// isVirtual reports whether uid is in the graph and no watch has shown it.
func (g *graph) isVirtual(uid meta.UID) bool {
	g.mu.RLock()
	defer g.mu.RUnlock()
	n := g.nodes[uid]
	return n != nil && n.state&virtual != 0
}

// dependents returns snapshots of uid's dependents.
func (g *graph) dependents(uid meta.UID) []snapshot {
	g.mu.RLock()
	defer g.mu.RUnlock()
	n := g.nodes[uid]
	if n == nil {
		return nil
	}
	out := make([]snapshot, 0, len(n.dependents))
	for d := range n.dependents {
		out = append(out, snapshot{id: d.id, rv: d.rv, owners: d.owners, state: d.state, hasDependents: len(d.dependents) > 0})
	}
	return out
}

// blocking returns the dependents of uid whose reference to it sets
// blockOwnerDeletion: those a foreground deletion waits for.
func (g *graph) blocking(uid meta.UID) []snapshot {
	var out []snapshot
	for _, d := range g.dependents(uid) {
		if i := indexOwner(d.owners, uid); i >= 0 && d.owners[i].blocks() {
			out = append(out, d)
		}
	}
	return out
}

// anyDeletingDependents reports whether a dependent of uid is itself
// waiting for its own dependents (a cycle of foreground deletions).
func (g *graph) anyDeletingDependents(uid meta.UID) bool {
	for _, d := range g.dependents(uid) {
		if d.state.deletingDependents() {
			return true
		}
	}
	return false
}

// len returns the number of nodes.
func (g *graph) len() int {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return len(g.nodes)
}
