package garbagecollector

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
)

var (
	// errNotSynced delays what the graph alone decides (that no dependent
	// blocks an owner, or which dependents to orphan) until every
	// resource has been listed.
	errNotSynced = errors.New("not every resource has been listed yet")
	// errStillVirtual requeues an object found to exist that no watch has
	// shown yet: if it were added and deleted while a watch was being
	// re-established, it would otherwise stay in the graph for ever.
	errStillVirtual = errors.New("the object exists but no watch has shown it yet")
)

// attemptToDelete decides whether the object key names is garbage and, if
// so, deletes it. Owners are always looked up through the API: the graph
// only says which objects to look at. The object's own state comes from
// the graph, and every write on it carries the resourceVersion that state
// was read at, so a stale graph makes the write fail with a conflict (and
// the object be looked at again), never act on an outdated view.
func (gc *collector) attemptToDelete(ctx context.Context, key objRef) error {
	snap, ok := gc.g.snapshot(key.uid)
	if !ok {
		return nil // gone
	}
	if snap.state&virtual == 0 {
		return gc.collect(ctx, snap)
	}
	// Known only from references: does it exist?
	live, err := gc.getLive(ctx, snap.id)
	if err != nil {
		return err
	}
	if live == nil {
		gc.g.apply(event{removed: true, verified: true, id: snap.id})
		return nil
	}
	snap.rv, snap.state = live.ResourceVersion, stateOf(live)|virtual
	snap.owners = make([]owner, len(live.OwnerReferences))
	for i := range live.OwnerReferences {
		snap.owners[i] = ownerOf(&live.OwnerReferences[i], func(s string) string { return s })
	}
	if err := gc.collect(ctx, snap); err != nil {
		return err
	}
	if gc.g.isVirtual(key.uid) {
		return errStillVirtual
	}
	return nil
}

// collect is attemptToDelete's decision on a known object.
func (gc *collector) collect(ctx context.Context, snap snapshot) error {
	switch {
	case snap.state.deletingDependents():
		return gc.processDeletingDependents(ctx, snap)
	case snap.state&beingDeleted != 0:
		return nil // on its way; its deletion will queue its dependents
	case len(snap.owners) == 0:
		return nil
	}
	solid, dangling, waiting, err := gc.classify(ctx, snap)
	if err != nil {
		return err
	}
	switch {
	case len(solid) > 0:
		if len(dangling)+len(waiting) == 0 {
			return nil
		}
		// Not garbage. Drop the references to missing owners, and to
		// owners deleted in the foreground so they need not wait for an
		// object that stays.
		_, err := gc.setOwners(ctx, snap, solid)
		return err
	case len(waiting) > 0 && snap.hasDependents:
		// Its owners wait for it, and it has dependents of its own: it
		// goes in the foreground too, after them.
		rv := snap.rv
		if gc.g.anyDeletingDependents(snap.id.uid) {
			// A dependent waits for its own dependents: maybe a cycle of
			// foreground deletions. Stop blocking the owners, so the
			// cycle cannot wait for ever.
			unblocked := slices.Clone(snap.owners)
			for i := range unblocked {
				if unblocked[i].blocks() {
					unblocked[i].bits &^= blockTrue
				}
			}
			if rv, err = gc.setOwners(ctx, snap, unblocked); err != nil || rv == "" {
				return err
			}
		}
		return gc.deleteObject(ctx, snap.id, rv, meta.DeletePropagationForeground)
	default:
		// Garbage: every owner is gone, or waits for it. Honor a
		// propagation its own finalizers already ask for.
		policy := meta.DeletePropagationBackground
		switch {
		case snap.state&hasOrphanFinalizer != 0:
			policy = meta.DeletePropagationOrphan
		case snap.state&hasForegroundFinalizer != 0:
			policy = meta.DeletePropagationForeground
		}
		return gc.deleteObject(ctx, snap.id, snap.rv, policy)
	}
}

// classify looks each owner of snap up through the API: solid owners
// exist; dangling ones do not (or a different object has the name now);
// waiting ones exist and wait, deleted in the foreground, for their
// dependents.
func (gc *collector) classify(ctx context.Context, snap snapshot) (solid, dangling, waiting []owner, err error) {
	for _, o := range snap.owners {
		r, err := gc.resolve(o.apiVersion, o.kind)
		if err != nil {
			return nil, nil, nil, err
		}
		if r.Namespaced && snap.id.namespace == "" {
			// A cluster-scoped object cannot be owned by a namespaced one;
			// retrying will not change that, and it is not garbage either.
			gc.rec.Event(partial(snap.id), controller.EventWarning, "OwnerRefInvalidNamespace",
				fmt.Sprintf("ownerRef [%s/%s, namespace: , name: %s, uid: %s] does not exist in namespace \"\"", o.apiVersion, o.kind, o.name, o.uid))
			return nil, nil, nil, controller.Terminal(fmt.Errorf("%s: a cluster-scoped object names namespaced owner %s %s", snap.id, o.kind, o.name))
		}
		ns := ""
		if r.Namespaced {
			ns = snap.id.namespace
		}
		key := absentKey{group: r.Group, kind: r.Kind, namespace: ns, name: o.name, uid: o.uid}
		if gc.absent.has(key) {
			dangling = append(dangling, o)
			continue
		}
		om, err := gc.getMeta(ctx, r, ns, o.name)
		switch {
		case client.IsNotFound(err), err == nil && om.UID != o.uid:
			// Missing, or deleted and another object took its name.
			gc.absent.add(key)
			dangling = append(dangling, o)
			if other, ok := gc.g.snapshot(o.uid); ok && other.state&virtual == 0 && other.id.namespace != ns {
				// It exists, in another namespace: owners are looked up in
				// their dependent's namespace only.
				gc.rec.Event(partial(snap.id), controller.EventWarning, "OwnerRefInvalidNamespace",
					fmt.Sprintf("ownerRef [%s/%s, namespace: %s, name: %s, uid: %s] does not exist in namespace %q",
						o.apiVersion, o.kind, ns, o.name, o.uid, ns))
			}
		case err != nil:
			return nil, nil, nil, fmt.Errorf("looking up owner %s %s of %s: %w", o.kind, o.name, snap.id, err)
		case stateOf(om).deletingDependents():
			waiting = append(waiting, o)
		default:
			solid = append(solid, o)
		}
	}
	return solid, dangling, waiting, nil
}

// processDeletingDependents finishes a foreground deletion: once no
// dependent blocks the owner, its foregroundDeletion finalizer goes (and
// with it the owner); until then, the blocking dependents are queued.
func (gc *collector) processDeletingDependents(ctx context.Context, snap snapshot) error {
	if !gc.synced() {
		return errNotSynced
	}
	blocking := gc.g.blocking(snap.id.uid)
	if len(blocking) == 0 {
		return gc.removeFinalizer(ctx, snap.id, finalizerForeground)
	}
	for _, d := range blocking {
		if !d.state.deletingDependents() {
			gc.deleteQ.Add(d.id)
		}
	}
	return nil
}

// attemptToOrphan finishes an orphan deletion: the owner's references are
// removed from its dependents, then its orphan finalizer (and with it the
// owner).
func (gc *collector) attemptToOrphan(ctx context.Context, key objRef) error {
	snap, ok := gc.g.snapshot(key.uid)
	if !ok || !snap.state.orphaning() {
		return nil
	}
	if !gc.synced() {
		return errNotSynced
	}
	var errs []error
	for _, d := range gc.g.dependents(key.uid) {
		i := indexOwner(d.owners, key.uid)
		if i < 0 {
			continue
		}
		if _, err := gc.setOwners(ctx, d, slices.Delete(slices.Clone(d.owners), i, i+1)); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("orphaning the dependents of %s: %w", snap.id, errors.Join(errs...))
	}
	return gc.removeFinalizer(ctx, snap.id, finalizerOrphan)
}

// getLive returns the metadata of the object id names, or nil if it does
// not exist (or another object has its name now).
func (gc *collector) getLive(ctx context.Context, id objRef) (*meta.ObjectMeta, error) {
	r, err := gc.resolve(id.apiVersion, id.kind)
	if err != nil {
		return nil, err
	}
	ns := ""
	if r.Namespaced {
		if ns = id.namespace; ns == "" {
			// Named as an owner by a cluster-scoped object: no namespace to
			// look in. Its dependents report the bad reference.
			return nil, nil
		}
	}
	key := absentKey{group: r.Group, kind: r.Kind, namespace: ns, name: id.name, uid: id.uid}
	if gc.absent.has(key) {
		return nil, nil
	}
	om, err := gc.getMeta(ctx, r, ns, id.name)
	switch {
	case client.IsNotFound(err):
		gc.absent.add(key)
		return nil, nil
	case err != nil:
		return nil, err
	case om.UID != id.uid:
		gc.absent.add(key)
		return nil, nil
	}
	return om, nil
}

// getMeta reads the metadata of one object of r.
func (gc *collector) getMeta(ctx context.Context, r *client.APIResource, ns, name string) (*meta.ObjectMeta, error) {
	obj, err := client.Metadata(gc.c, r.GVR(), r.Namespaced).Namespace(ns).Get(ctx, name)
	if err != nil {
		return nil, err
	}
	return &obj.ObjectMeta, nil
}

// metadata returns the metadata client of the object id names.
func (gc *collector) metadata(id objRef) (*client.MetadataClient, error) {
	r, err := gc.resolve(id.apiVersion, id.kind)
	if err != nil {
		return nil, err
	}
	return client.Metadata(gc.c, r.GVR(), r.Namespaced).Namespace(id.namespace), nil
}

// deleteObject deletes the object id names if it is still at version rv.
func (gc *collector) deleteObject(ctx context.Context, id objRef, rv string, policy meta.DeletionPropagation) error {
	mc, err := gc.metadata(id)
	if err != nil {
		return err
	}
	uid := id.uid
	pre := &meta.Preconditions{UID: &uid}
	if rv != "" {
		pre.ResourceVersion = &rv
	}
	err = mc.Delete(ctx, id.name, &meta.DeleteOptions{Preconditions: pre, PropagationPolicy: &policy})
	if client.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("deleting %s: %w", id, err)
	}
	return nil
}

// setOwners replaces the owner references of snap's object, if it is still
// at snap's version, and returns its new version ("" if it is gone).
func (gc *collector) setOwners(ctx context.Context, snap snapshot, owners []owner) (string, error) {
	mc, err := gc.metadata(snap.id)
	if err != nil {
		return "", err
	}
	var refs []meta.OwnerReference // null removes the field
	for _, o := range owners {
		refs = append(refs, o.reference())
	}
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{"resourceVersion": snap.rv, "ownerReferences": refs}})
	if err != nil {
		return "", err
	}
	out, err := mc.Patch(ctx, snap.id.name, client.MergePatch, patch, nil)
	if client.IsNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("updating the owner references of %s: %w", snap.id, err)
	}
	return out.ResourceVersion, nil
}

// removeFinalizer removes finalizer from the object id names, re-reading
// it on conflicts.
func (gc *collector) removeFinalizer(ctx context.Context, id objRef, finalizer string) error {
	mc, err := gc.metadata(id)
	if err != nil {
		return err
	}
	r, _ := gc.resolve(id.apiVersion, id.kind)
	return client.RetryOnConflict(ctx, client.DefaultRetry, func() error {
		ns := ""
		if r.Namespaced {
			ns = id.namespace
		}
		om, err := gc.getMeta(ctx, r, ns, id.name)
		if client.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		if om.UID != id.uid || !slices.Contains(om.Finalizers, finalizer) {
			return nil
		}
		var keep []string // null removes the field
		for _, f := range om.Finalizers {
			if f != finalizer {
				keep = append(keep, f)
			}
		}
		patch, err := json.Marshal(map[string]any{"metadata": map[string]any{"resourceVersion": om.ResourceVersion, "finalizers": keep}})
		if err != nil {
			return err
		}
		_, err = mc.Patch(ctx, id.name, client.MergePatch, patch, nil)
		if client.IsNotFound(err) {
			return nil
		}
		return err
	})
}

// partial is id as an object, for the event recorder.
func partial(id objRef) *meta.PartialObjectMetadata {
	return &meta.PartialObjectMetadata{
		TypeMeta:   meta.TypeMeta{APIVersion: id.apiVersion, Kind: id.kind},
		ObjectMeta: meta.ObjectMeta{Namespace: id.namespace, Name: id.name, UID: id.uid},
	}
}
