package namespace

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
)

// left is what remains of one resource after a deletion pass.
type left struct {
	items      int
	finalizers map[string]int // finalizer → objects it holds
}

var podsGVR = api.GVR{Version: "v1", Resource: "pods"}

// deleteContent deletes every object in ns, pods first (as Kubernetes'
// OrderedNamespaceDeletion: nothing a pod uses goes while pods run), and
// records what is left in ns's conditions. It reports whether anything
// remains; errors (discovery failures included) are returned after the
// resources that could be handled were.
func (r *reconciler) deleteContent(ctx context.Context, ns *core.Namespace) (remaining bool, err error) {
	var (
		conds       conditions
		errs        []error
		contentErrs []error
		gvrLeft     = map[string]int{}
		finLeft     = map[string]int{}
	)
	resources, derr := deletable(ctx, r.c)
	if derr != nil {
		errs = append(errs, derr)
		conds.discoveryFailed(derr)
	}
	empty := func(res client.APIResource) {
		l, err := r.deleteResource(ctx, res, ns.Name)
		if err != nil {
			errs = append(errs, err)
			contentErrs = append(contentErrs, err)
		}
		if l.items > 0 {
			gvrLeft[display(res)] += l.items
			for f, n := range l.finalizers {
				finLeft[f] += n
			}
		}
	}
	podsFirst := slices.ContainsFunc(resources, func(res client.APIResource) bool { return res.GVR() == podsGVR })
	for _, res := range resources {
		if res.GVR() == podsGVR {
			empty(res)
		}
	}
	if !podsFirst || len(gvrLeft) == 0 {
		for _, res := range resources {
			if res.GVR() != podsGVR {
				empty(res)
			}
		}
	}
	conds.contentFailed(contentErrs)
	conds.remaining(gvrLeft, finLeft)
	if err := r.setConditions(ctx, ns, conds); err != nil {
		r.log.V(1).Info("updating the namespace conditions failed", "namespace", ns.Name, "err", err.Error())
	}
	if len(contentErrs) > 0 {
		r.rec.Eventf(ns, controller.EventWarning, "ContentDeletionFailed",
			"Failed to delete all resource types, %d remaining", len(contentErrs))
	}
	return len(gvrLeft) > 0, errors.Join(errs...)
}

// deletable returns every namespaced resource that supports delete, at
// its group's preferred version (client.DiscoveryClient.PreferredResources):
// never a built-in list, so the kinds of CRDs created a second ago are
// included. On a partial failure it returns what it found and a
// *client.DiscoveryError.
func deletable(ctx context.Context, c *client.Client) ([]client.APIResource, error) {
	all, err := client.Discovery(c).PreferredResources(ctx)
	var out []client.APIResource
	for _, r := range all {
		if r.Namespaced && r.Supports("delete") {
			out = append(out, r)
		}
	}
	return out, err
}

// display names a resource as Kubernetes' conditions do: "configmaps."
// for the core group, "deployments.apps" otherwise.
func display(r client.APIResource) string { return r.Name + "." + r.Group }

// deleteResource deletes every object of res in ns (as a collection when
// the resource allows it, else one by one) with background propagation,
// then lists what is left.
func (r *reconciler) deleteResource(ctx context.Context, res client.APIResource, ns string) (left, error) {
	gvr := res.GVR()
	mc := client.Metadata(r.c, gvr, true).Namespace(ns)
	// Background: the garbage collector deletes dependents after their
	// owners; the namespace controller must not leave orphan finalizers
	// behind (an Orphan default) that nobody removes in a dying namespace.
	bg := meta.DeletePropagationBackground
	opts := &meta.DeleteOptions{PropagationPolicy: &bg}
	key := gvr.String()
	r.mu.Lock()
	collect := res.Supports("deletecollection") && !r.noCollect[key]
	r.mu.Unlock()
	if collect {
		err := mc.DeleteCollection(ctx, opts, nil)
		switch {
		case isMethodNotSupported(err) || client.IsNotFound(err):
			r.mu.Lock()
			r.noCollect[key] = true
			r.mu.Unlock()
			collect = false
		case err != nil:
			return left{}, fmt.Errorf("deleting the collection of %s in %s: %w", gvr, ns, err)
		}
	}
	if !res.Supports("list") {
		return left{}, nil
	}
	if !collect {
		list, err := mc.ListAll(ctx, nil)
		if err != nil {
			return left{}, fmt.Errorf("listing %s in %s: %w", gvr, ns, err)
		}
		items := list.Items
		for i := range items {
			if items[i].DeletionTimestamp != nil {
				continue
			}
			err := mc.Delete(ctx, items[i].Name, opts)
			if err != nil && !client.IsNotFound(err) && !isMethodNotSupported(err) {
				return left{}, fmt.Errorf("deleting %s %s/%s: %w", gvr, ns, items[i].Name, err)
			}
		}
	}
	list, err := mc.ListAll(ctx, nil)
	if err != nil {
		return left{}, fmt.Errorf("listing %s in %s: %w", gvr, ns, err)
	}
	items := list.Items
	l := left{items: len(items), finalizers: map[string]int{}}
	undeleted := 0
	for i := range items {
		for _, f := range items[i].Finalizers {
			l.finalizers[f]++
		}
		if items[i].DeletionTimestamp == nil {
			undeleted++
		}
	}
	if undeleted > 0 {
		// Objects deleted above are marked at least; unmarked ones were
		// created since (or the server did not delete them): try again.
		return l, fmt.Errorf("unexpected items still remain in namespace: %s for gvr: %s", ns, gvr)
	}
	return l, nil
}

// The conditions the controller keeps on terminating namespaces, in the
// order Kubernetes writes them, with the reason and message of each when
// all is well.
var conditionTypes = []struct {
	typ             core.NamespaceConditionType
	okReason, okMsg string
}{
	{core.NamespaceDeletionDiscoveryFailure, "ResourcesDiscovered", "All resources successfully discovered"},
	{core.NamespaceDeletionGVParsingFailure, "ParsedGroupVersions", "All legacy kube types successfully parsed"},
	{core.NamespaceDeletionContentFailure, "ContentDeleted", "All content successfully deleted, may be waiting on finalization"},
	{core.NamespaceContentRemaining, "ContentRemoved", "All content successfully removed"},
	{core.NamespaceFinalizersRemaining, "ContentRemoved", "All content successfully removed"},
}

// conditions collects the failing conditions of one deletion pass; the
// types not in it are written as not failing.
type conditions []core.NamespaceCondition

func (c *conditions) add(typ core.NamespaceConditionType, reason, msg string) {
	*c = append(*c, core.NamespaceCondition{Type: typ, Status: core.ConditionTrue, Reason: reason, Message: msg})
}

func (c *conditions) discoveryFailed(err error) {
	msg := err.Error()
	var de *client.DiscoveryError
	if errors.As(err, &de) {
		msg = fmt.Sprintf("Discovery failed for some groups, %d failing: %v", len(de.Failed), err)
	}
	c.add(core.NamespaceDeletionDiscoveryFailure, "DiscoveryFailed", msg)
}

func (c *conditions) contentFailed(errs []error) {
	if len(errs) == 0 {
		return
	}
	msgs := make([]string, len(errs))
	for i, err := range errs {
		msgs[i] = err.Error()
	}
	sort.Strings(msgs)
	c.add(core.NamespaceDeletionContentFailure, "ContentDeletionFailed",
		fmt.Sprintf("Failed to delete all resource types, %d remaining: %s", len(errs), strings.Join(msgs, ", ")))
}

func (c *conditions) remaining(gvrLeft, finLeft map[string]int) {
	if len(gvrLeft) > 0 {
		parts := make([]string, 0, len(gvrLeft))
		for res, n := range gvrLeft {
			parts = append(parts, fmt.Sprintf("%s has %d resource instances", res, n))
		}
		sort.Strings(parts) // stable messages: no update when nothing changed
		c.add(core.NamespaceContentRemaining, "SomeResourcesRemain", "Some resources are remaining: "+strings.Join(parts, ", "))
	}
	if len(finLeft) > 0 {
		parts := make([]string, 0, len(finLeft))
		for f, n := range finLeft {
			parts = append(parts, fmt.Sprintf("%s in %d resource instances", f, n))
		}
		sort.Strings(parts)
		c.add(core.NamespaceFinalizersRemaining, "SomeFinalizersRemain",
			"Some content in the namespace has finalizers remaining: "+strings.Join(parts, ", "))
	}
}

// apply merges c into the namespace's conditions: every maintained type is
// set, failing or not; LastTransitionTime moves only when the status does.
// It reports whether anything changed.
func (c conditions) apply(status *core.NamespaceStatus) bool {
	changed := false
	now := meta.Now()
	for _, ct := range conditionTypes {
		want := core.NamespaceCondition{Type: ct.typ, Status: core.ConditionFalse, Reason: ct.okReason, Message: ct.okMsg}
		for _, f := range c {
			if f.Type == ct.typ {
				want = f
			}
		}
		i := slices.IndexFunc(status.Conditions, func(x core.NamespaceCondition) bool { return x.Type == ct.typ })
		if i < 0 {
			want.LastTransitionTime = now
			status.Conditions = append(status.Conditions, want)
			changed = true
			continue
		}
		old := &status.Conditions[i]
		if old.Status == want.Status && old.Reason == want.Reason && old.Message == want.Message {
			continue
		}
		if old.Status != want.Status {
			old.LastTransitionTime = now
		}
		old.Status, old.Reason, old.Message = want.Status, want.Reason, want.Message
		changed = true
	}
	return changed
}

// setConditions writes c to ns's status when it changes anything.
func (r *reconciler) setConditions(ctx context.Context, ns *core.Namespace, c conditions) error {
	status := core.NamespaceStatus{Phase: ns.Status.Phase, Conditions: slices.Clone(ns.Status.Conditions)}
	if !c.apply(&status) {
		return nil
	}
	patch, err := json.Marshal(map[string]any{"status": map[string]any{"conditions": status.Conditions}})
	if err != nil {
		return err
	}
	out, err := r.namespaces.Patch(ctx, ns.Name, client.MergePatch, patch, nil, "status")
	if err != nil {
		return ignoreNotFound(err)
	}
	ns.Status, ns.ResourceVersion = out.Status, out.ResourceVersion
	return nil
}
