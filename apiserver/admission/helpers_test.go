package admission_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/apiserver/admission"
	"github.com/spar-dev/spar/apiserver/authn"
)

// memLister is a Lister over objects held in memory, standing in for the
// API server's caches in plugin tests.
type memLister[T any, PT interface {
	*T
	meta.Object
}] struct {
	mu   sync.Mutex
	objs []*T
}

func lister[T any, PT interface {
	*T
	meta.Object
}](objs ...*T) *memLister[T, PT] {
	return &memLister[T, PT]{objs: objs}
}

func (l *memLister[T, PT]) Get(_ context.Context, ns, name string) (*T, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, o := range l.objs {
		m := PT(o).GetObjectMeta()
		if m.Namespace == ns && m.Name == name {
			return o, nil
		}
	}
	r, _ := api.ResourceFor[T](api.Default)
	return nil, meta.NewNotFound(r.GroupResource(), name)
}

func (l *memLister[T, PT]) List(_ context.Context, ns string) ([]*T, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []*T
	for _, o := range l.objs {
		if ns == "" || PT(o).GetObjectMeta().Namespace == ns {
			out = append(out, o)
		}
	}
	return out, nil
}

func (l *memLister[T, PT]) add(o *T) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.objs = append(l.objs, o)
}

// attrs describes a write of obj (replacing old) as the API server does.
func attrs(op admission.Operation, obj, old meta.Object) *admission.Attributes {
	o := obj
	if o == nil {
		o = old
	}
	r, ok := api.Default.ForObject(o)
	if !ok {
		panic("unregistered type")
	}
	m := o.GetObjectMeta()
	return &admission.Attributes{Operation: op, Group: r.Group, Version: r.Version, Kind: r.Kind, Resource: r.Plural,
		Namespace: m.Namespace, Name: m.Name, Object: obj, OldObject: old,
		User: &authn.User{Name: "alice", Groups: []string{"dev", "system:authenticated"}}}
}

func namespace(name string, labels map[string]string) *core.Namespace {
	return &core.Namespace{ObjectMeta: meta.ObjectMeta{Name: name, Labels: labels}, Status: core.NamespaceStatus{Phase: core.NamespaceActive}}
}

// newPod returns a defaulted pod, as the API server has it when admission
// runs.
func newPod(ns, name string, mutate func(p *core.Pod)) *core.Pod {
	p := &core.Pod{ObjectMeta: meta.ObjectMeta{Namespace: ns, Name: name},
		Spec: core.PodSpec{Containers: []core.Container{{Name: "c", Image: "nginx"}}}}
	if mutate != nil {
		mutate(p)
	}
	p.Default()
	return p
}

// recorder collects warnings and audit annotations of a request.
type recorder struct {
	mu          sync.Mutex
	warnings    []string
	annotations map[string]string
}

func (r *recorder) ctx() context.Context {
	r.annotations = map[string]string{}
	ctx := admission.WithWarnings(context.Background(), func(m string) {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.warnings = append(r.warnings, m)
	})
	return admission.WithAuditAnnotations(ctx, func(k, v string) {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.annotations[k] = v
	})
}

// wantErr checks err's message: "" wants none.
func wantErr(t *testing.T, err error, want string) {
	t.Helper()
	got := ""
	if err != nil {
		got = err.Error()
	}
	if got != want {
		t.Errorf("error:\n got: %s\nwant: %s", got, want)
	}
}

// wantCode checks err's HTTP code.
func wantCode(t *testing.T, err error, code int32) {
	t.Helper()
	if got := meta.CodeOf(err); got != code {
		t.Errorf("code = %d, want %d (%v)", got, code, err)
	}
}

func containsAll(s string, subs ...string) bool {
	return !slices.ContainsFunc(subs, func(x string) bool { return !strings.Contains(s, x) })
}
