package admission

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
)

// NamespaceLifecycle keeps objects out of namespaces that do not exist or
// are being deleted, and keeps the system namespaces (Deps.
// ImmortalNamespaces) from being deleted. The API server checks the first
// part itself too; the plugin puts the check first in the chain, before
// webhooks are called.
type NamespaceLifecycle struct {
	namespaces Lister[core.Namespace]
	live       Lister[core.Namespace] // nil without a client
	immortal   []string

	mu sync.Mutex
	// deleted holds namespaces deleted moments ago, until when the cache
	// may still show them active: they are read live instead.
	deleted map[string]time.Time
}

const (
	// missingNamespaceWait is how long a create waits for the cache to
	// see a namespace created a moment ago.
	missingNamespaceWait = 50 * time.Millisecond
	forceLiveLookupTTL   = 30 * time.Second
)

func newNamespaceLifecycle(d Deps) (Plugin, error) {
	if d.Namespaces == nil {
		return nil, missing(NamespaceLifecycleName, "Namespaces")
	}
	l := &NamespaceLifecycle{namespaces: d.Namespaces, immortal: d.ImmortalNamespaces, deleted: map[string]time.Time{}}
	if d.Client != nil {
		l.live = ClientLister[core.Namespace](d.Client)
	}
	return l, nil
}

// Name implements Plugin.
func (*NamespaceLifecycle) Name() string { return NamespaceLifecycleName }

func isNamespace(a *Attributes) bool { return a.Group == "" && a.Resource == "namespaces" }

// Admit implements Mutator: the checks run before any other plugin.
func (l *NamespaceLifecycle) Admit(ctx context.Context, a *Attributes) error {
	if err := l.checkDelete(a); err != nil || a.Operation == Delete {
		return err
	}
	if isNamespace(a) || a.Namespace == "" {
		return nil
	}
	if a.Group == "authorization.k8s.io" && a.Resource == "localsubjectaccessreviews" {
		// Answering "namespace not found" would reveal which exist.
		return nil
	}
	ns, err := l.lookup(ctx, a)
	if err != nil {
		return err
	}
	if a.Operation == Create && (ns.Status.Phase == core.NamespaceTerminating || ns.DeletionTimestamp != nil) {
		st := NewForbidden(a, fmt.Errorf("unable to create new content in namespace %s because it is being terminated", a.Namespace))
		st.Details.Causes = append(st.Details.Causes, meta.StatusCause{Type: "NamespaceTerminating",
			Message: fmt.Sprintf("namespace %s is being terminated", a.Namespace), Field: "metadata.namespace"})
		return st
	}
	return nil
}

// Validate implements Validator for deletes, which the API server sends
// through the validating chain only.
func (l *NamespaceLifecycle) Validate(_ context.Context, a *Attributes) error {
	if a.Operation != Delete {
		return nil
	}
	return l.checkDelete(a)
}

func (l *NamespaceLifecycle) checkDelete(a *Attributes) error {
	if a.Operation != Delete || !isNamespace(a) {
		return nil
	}
	if slices.Contains(l.immortal, a.Name) {
		return NewForbidden(a, errors.New("this namespace may not be deleted"))
	}
	now := time.Now()
	l.mu.Lock()
	for ns, until := range l.deleted {
		if now.After(until) {
			delete(l.deleted, ns)
		}
	}
	l.deleted[a.Name] = now.Add(forceLiveLookupTTL)
	l.mu.Unlock()
	return nil
}

func (l *NamespaceLifecycle) recentlyDeleted(name string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	until, ok := l.deleted[name]
	if ok && time.Now().After(until) {
		delete(l.deleted, name)
		return false
	}
	return ok
}

// lookup finds the request's namespace: in the cache, then (for a create,
// after a short wait for a cache that lags) live.
func (l *NamespaceLifecycle) lookup(ctx context.Context, a *Attributes) (*core.Namespace, error) {
	ns, err := l.namespaces.Get(ctx, "", a.Namespace)
	if err != nil && !errors.Is(err, meta.ErrNotFound) {
		return nil, internalError(err)
	}
	if ns == nil && a.Operation == Create {
		t := time.NewTimer(missingNamespaceWait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
		if ns, err = l.namespaces.Get(ctx, "", a.Namespace); err != nil && !errors.Is(err, meta.ErrNotFound) {
			return nil, internalError(err)
		}
	}
	forceLive := ns != nil && ns.Status.Phase != core.NamespaceTerminating && l.recentlyDeleted(a.Namespace)
	if (ns == nil || forceLive) && l.live != nil {
		ns, err = l.live.Get(ctx, "", a.Namespace)
		if err != nil {
			if errors.Is(err, meta.ErrNotFound) {
				return nil, meta.NewNotFound(meta.GroupResource{Resource: "namespaces"}, a.Namespace)
			}
			return nil, internalError(err)
		}
	}
	if ns == nil {
		return nil, meta.NewNotFound(meta.GroupResource{Resource: "namespaces"}, a.Namespace)
	}
	return ns, nil
}
