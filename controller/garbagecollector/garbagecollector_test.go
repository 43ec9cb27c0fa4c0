package garbagecollector_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/spar-dev/spar/api"
	ext "github.com/spar-dev/spar/api/apiextensions"
	"github.com/spar-dev/spar/api/apps"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/rbac"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/controller/controllertest"
	"github.com/spar-dev/spar/controller/garbagecollector"
)

const wait = 20 * time.Second

// testOptions rediscover often, so tests that create CRDs need not wait
// 30s.
var testOptions = &garbagecollector.Options{DiscoveryPeriod: 100 * time.Millisecond}

// start runs a garbage collector against a fresh API server.
func start(t *testing.T) *controllertest.Env {
	t.Helper()
	env := controllertest.New(t, nil)
	if err := garbagecollector.Add(env.Manager, testOptions); err != nil {
		t.Fatal(err)
	}
	env.Start()
	return env
}

// startCollector starts a collector on a new manager over env's server, as
// a restarted controller manager would.
func startCollector(t *testing.T, env *controllertest.Env) {
	t.Helper()
	m := controller.NewManager(env.Client, nil)
	if err := garbagecollector.Add(m, testOptions); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	t.Cleanup(func() {
		if err := <-done; err != nil {
			t.Errorf("manager: %v", err)
		}
	})
}

func ptr[T any](v T) *T { return &v }

// ref is a reference to obj as an owner.
func ref(obj meta.Object, block bool) meta.OwnerReference {
	tm, om := obj.GetTypeMeta(), obj.GetObjectMeta()
	r := meta.OwnerReference{APIVersion: tm.APIVersion, Kind: tm.Kind, Name: om.Name, UID: om.UID}
	if block {
		r.BlockOwnerDeletion = ptr(true)
	}
	return r
}

type configMaps struct {
	t  *testing.T
	rc *client.ResourceClient[core.ConfigMap, *core.ConfigMap]
}

func cmsOf(t *testing.T, c *client.Client) configMaps {
	return configMaps{t, client.Resource[core.ConfigMap](c).Namespace("default")}
}

// create creates a configmap with the given owners and finalizers.
func (c configMaps) create(name string, owners []meta.OwnerReference, finalizers ...string) *core.ConfigMap {
	c.t.Helper()
	cm, err := c.rc.Create(c.t.Context(), &core.ConfigMap{ObjectMeta: meta.ObjectMeta{
		Name: name, OwnerReferences: owners, Finalizers: finalizers, Labels: map[string]string{"test": "gc"}}}, nil)
	if err != nil {
		c.t.Fatalf("creating configmap %s: %v", name, err)
	}
	return cm
}

func (c configMaps) get(name string) (*core.ConfigMap, error) { return c.rc.Get(c.t.Context(), name) }

func (c configMaps) delete(name string, policy meta.DeletionPropagation) {
	c.t.Helper()
	var opts *meta.DeleteOptions
	if policy != "" {
		opts = &meta.DeleteOptions{PropagationPolicy: &policy}
	}
	if err := c.rc.Delete(c.t.Context(), name, opts); err != nil {
		c.t.Fatalf("deleting configmap %s: %v", name, err)
	}
}

func (c configMaps) release(name string) {
	c.t.Helper()
	if _, err := c.rc.Patch(c.t.Context(), name, client.MergePatch, []byte(`{"metadata":{"finalizers":null}}`), nil); err != nil {
		c.t.Fatalf("removing the finalizers of %s: %v", name, err)
	}
}

// waitGone waits until get reports NotFound.
func waitGone[T any](t *testing.T, what string, get func() (*T, error)) {
	t.Helper()
	controllertest.Eventually(t, wait, func() error {
		_, err := get()
		if client.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		return fmt.Errorf("%s still exists", what)
	})
}

// exists fails the test unless get finds the object.
func exists[T any](t *testing.T, what string, get func() (*T, error)) *T {
	t.Helper()
	obj, err := get()
	if err != nil {
		t.Fatalf("%s: %v, want it to exist", what, err)
	}
	return obj
}

func getter(cms configMaps, name string) func() (*core.ConfigMap, error) {
	return func() (*core.ConfigMap, error) { return cms.get(name) }
}

// TestBackgroundDeletion: the dependents of a deleted owner go after it —
// configmaps owned by a configmap, and pods owned by a ReplicaSet that no
// ReplicaSet controller manages.
func TestBackgroundDeletion(t *testing.T) {
	env := start(t)
	c, ctx := env.Client, t.Context()
	cms := cmsOf(t, c)
	owner := cms.create("owner", nil)
	for i := range 3 {
		cms.create(fmt.Sprintf("dep-%d", i), []meta.OwnerReference{ref(owner, false)})
	}
	unrelated := cms.create("unrelated", nil)

	labels := map[string]string{"app": "web"}
	rs, err := client.Resource[apps.ReplicaSet](c).Namespace("default").Create(ctx, &apps.ReplicaSet{
		ObjectMeta: meta.ObjectMeta{Name: "web"},
		Spec: apps.ReplicaSetSpec{Replicas: ptr(int32(2)), Selector: &meta.LabelSelector{MatchLabels: labels},
			Template: core.PodTemplateSpec{ObjectMeta: meta.ObjectMeta{Labels: labels},
				Spec: core.PodSpec{Containers: []core.Container{{Name: "app", Image: "nginx"}}}}},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	pods := client.Resource[core.Pod](c).Namespace("default")
	for i := range 2 {
		r := ref(rs, true)
		r.Controller = ptr(true)
		_, err := pods.Create(ctx, &core.Pod{
			ObjectMeta: meta.ObjectMeta{Name: fmt.Sprintf("web-%d", i), Labels: labels, OwnerReferences: []meta.OwnerReference{r}},
			Spec:       core.PodSpec{Containers: []core.Container{{Name: "app", Image: "nginx"}}},
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
	}

	cms.delete("owner", "")
	if err := client.Resource[apps.ReplicaSet](c).Namespace("default").Delete(ctx, "web", nil); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		name := fmt.Sprintf("dep-%d", i)
		waitGone(t, name, getter(cms, name))
	}
	for i := range 2 {
		name := fmt.Sprintf("web-%d", i)
		waitGone(t, "pod "+name, func() (*core.Pod, error) { return pods.Get(ctx, name) })
	}
	if got := exists(t, "unrelated configmap", getter(cms, "unrelated")); got.UID != unrelated.UID {
		t.Errorf("unrelated configmap replaced")
	}
}

// TestForegroundDeletion: an owner deleted in the foreground stays until
// its blocking dependents are gone; dependents that do not block it are
// deleted but not waited for.
func TestForegroundDeletion(t *testing.T) {
	env := start(t)
	cms := cmsOf(t, env.Client)
	owner := cms.create("owner", nil)
	cms.create("blocking-held", []meta.OwnerReference{ref(owner, true)}, "example.com/hold")
	cms.create("blocking", []meta.OwnerReference{ref(owner, true)})
	cms.create("nonblocking-held", []meta.OwnerReference{ref(owner, false)}, "example.com/hold")

	cms.delete("owner", meta.DeletePropagationForeground)
	waitGone(t, "blocking dependent", getter(cms, "blocking"))
	for _, name := range []string{"blocking-held", "nonblocking-held"} {
		controllertest.Eventually(t, wait, func() error {
			cm, err := cms.get(name)
			if err != nil {
				return err
			}
			if cm.DeletionTimestamp == nil {
				return fmt.Errorf("%s not marked for deletion", name)
			}
			return nil
		})
	}
	// The held blocking dependent holds the owner.
	got := exists(t, "owner", getter(cms, "owner"))
	if got.DeletionTimestamp == nil || !slices.Contains(got.Finalizers, "foregroundDeletion") {
		t.Fatalf("owner: deletionTimestamp %v, finalizers %v; want it waiting for its dependents", got.DeletionTimestamp, got.Finalizers)
	}

	cms.release("blocking-held")
	waitGone(t, "blocking dependent", getter(cms, "blocking-held"))
	waitGone(t, "owner", getter(cms, "owner"))
	// The non-blocking one did not hold the owner, and still waits for its
	// own finalizer.
	if got := exists(t, "non-blocking dependent", getter(cms, "nonblocking-held")); got.DeletionTimestamp == nil {
		t.Errorf("non-blocking dependent not marked for deletion")
	}
	cms.release("nonblocking-held")
}

// TestForegroundChain: a dependent with dependents of its own is deleted
// in the foreground too; the top owner waits for the whole chain.
func TestForegroundChain(t *testing.T) {
	env := start(t)
	cms := cmsOf(t, env.Client)
	top := cms.create("top", nil)
	mid := cms.create("mid", []meta.OwnerReference{ref(top, true)})
	cms.create("leaf", []meta.OwnerReference{ref(mid, true)}, "example.com/hold")

	cms.delete("top", meta.DeletePropagationForeground)
	controllertest.Eventually(t, wait, func() error {
		cm, err := cms.get("mid")
		if err != nil {
			return err
		}
		if cm.DeletionTimestamp == nil || !slices.Contains(cm.Finalizers, "foregroundDeletion") {
			return fmt.Errorf("mid: deletionTimestamp %v, finalizers %v; want a foreground deletion", cm.DeletionTimestamp, cm.Finalizers)
		}
		return nil
	})
	exists(t, "top", getter(cms, "top"))
	cms.release("leaf")
	for _, name := range []string{"leaf", "mid", "top"} {
		waitGone(t, name, getter(cms, name))
	}
}

// TestOrphanDeletion: the dependents of an owner deleted with Orphan stay,
// without their reference to it.
func TestOrphanDeletion(t *testing.T) {
	env := start(t)
	cms := cmsOf(t, env.Client)
	owner := cms.create("owner", nil)
	other := cms.create("other", nil)
	cms.create("only", []meta.OwnerReference{ref(owner, true)})
	cms.create("shared", []meta.OwnerReference{ref(owner, false), ref(other, false)})

	cms.delete("owner", meta.DeletePropagationOrphan)
	waitGone(t, "owner", getter(cms, "owner"))
	tests := []struct {
		name string
		want []meta.UID
	}{
		{"only", nil},
		{"shared", []meta.UID{other.UID}},
	}
	for _, tt := range tests {
		cm := exists(t, "orphaned dependent "+tt.name, getter(cms, tt.name))
		if got := uids(cm.OwnerReferences); !slices.Equal(got, tt.want) {
			t.Errorf("%s: owner uids = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func uids(refs []meta.OwnerReference) []meta.UID {
	var out []meta.UID
	for _, r := range refs {
		out = append(out, r.UID)
	}
	return out
}

// TestMissingOwners: a reference to an owner that does not exist — a UID
// that never existed, or the name of an owner that was deleted and
// created again — makes the dependent garbage.
func TestMissingOwners(t *testing.T) {
	env := start(t)
	cms := cmsOf(t, env.Client)
	cms.create("dangling", []meta.OwnerReference{{APIVersion: "v1", Kind: "ConfigMap", Name: "ghost", UID: "never-existed"}})

	current := cms.create("reborn", nil)
	stale := ref(current, false)
	stale.UID = "an-older-incarnation"
	cms.create("of-old-owner", []meta.OwnerReference{stale})

	first := cms.create("recreated", nil)
	cms.create("of-recreated", []meta.OwnerReference{ref(first, false)})
	cms.delete("recreated", "")
	second := cms.create("recreated", nil)

	for _, name := range []string{"dangling", "of-old-owner", "of-recreated"} {
		waitGone(t, name, getter(cms, name))
	}
	for _, o := range []*core.ConfigMap{current, second} {
		if got := exists(t, "owner "+o.Name, getter(cms, o.Name)); got.UID != o.UID {
			t.Errorf("owner %s replaced", o.Name)
		}
	}
}

// TestTwoOwners: a dependent with one owner left is not garbage; it loses
// the reference to the deleted one.
func TestTwoOwners(t *testing.T) {
	env := start(t)
	cms := cmsOf(t, env.Client)
	a := cms.create("a", nil)
	b := cms.create("b", nil)
	cms.create("dep", []meta.OwnerReference{ref(a, false), ref(b, false)})
	cms.delete("a", "")
	controllertest.Eventually(t, wait, func() error {
		cm, err := cms.get("dep")
		if err != nil {
			return err
		}
		if got := uids(cm.OwnerReferences); !slices.Equal(got, []meta.UID{b.UID}) {
			return fmt.Errorf("owner uids = %v, want [%s]", got, b.UID)
		}
		return nil
	})
}

// TestRestart: a collector started after the owners were deleted (it was
// down) still finds the garbage, and finishes a foreground deletion begun
// while it was down.
func TestRestart(t *testing.T) {
	env := controllertest.New(t, nil)
	cms := cmsOf(t, env.Client)
	owner := cms.create("owner", nil)
	cms.create("dep", []meta.OwnerReference{ref(owner, false)})
	fg := cms.create("fg-owner", nil)
	cms.create("fg-dep", []meta.OwnerReference{ref(fg, true)})
	cms.delete("owner", "")
	cms.delete("fg-owner", meta.DeletePropagationForeground)
	exists(t, "dependent with no collector running", getter(cms, "dep"))

	startCollector(t, env)
	for _, name := range []string{"dep", "fg-dep", "fg-owner"} {
		waitGone(t, name, getter(cms, name))
	}
}

const widgetCRD = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, listKind: WidgetList}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
`

// TestCustomResources: a CRD created while the collector runs is picked
// up: a custom resource owns a configmap, and a configmap owns a custom
// resource.
func TestCustomResources(t *testing.T) {
	env := start(t)
	c, ctx := env.Client, t.Context()
	data, err := api.ToJSON([]byte(widgetCRD))
	if err != nil {
		t.Fatal(err)
	}
	var crd ext.CustomResourceDefinition
	if err := api.DecodeStrict(data, &crd); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Resource[ext.CustomResourceDefinition](c).Create(ctx, &crd, nil); err != nil {
		t.Fatal(err)
	}
	widgets := client.Dynamic(c, api.GVR{Group: "example.com", Version: "v1", Resource: "widgets"}, true).Namespace("default")
	controllertest.Eventually(t, wait, func() error {
		_, err := widgets.List(ctx, nil)
		return err
	})
	widget := func(name string, owners ...meta.OwnerReference) *meta.Unstructured {
		w, err := widgets.Create(ctx, &meta.Unstructured{
			TypeMeta:   meta.TypeMeta{APIVersion: "example.com/v1", Kind: "Widget"},
			ObjectMeta: meta.ObjectMeta{Name: name, OwnerReferences: owners},
			Content:    map[string]any{"spec": map[string]any{"size": int64(1)}},
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	cms := cmsOf(t, c)
	owningWidget := widget("owner")
	cms.create("owned-by-widget", []meta.OwnerReference{ref(owningWidget, true)})
	owningCM := cms.create("owner", nil)
	widget("owned-by-configmap", ref(owningCM, false))

	if err := widgets.Delete(ctx, "owner", nil); err != nil {
		t.Fatal(err)
	}
	cms.delete("owner", "")
	waitGone(t, "configmap owned by a widget", getter(cms, "owned-by-widget"))
	waitGone(t, "widget owned by a configmap", func() (*meta.Unstructured, error) { return widgets.Get(ctx, "owned-by-configmap") })
}

// TestClusterScopedOwners: a cluster-scoped owner may own namespaced
// objects; a namespaced one cannot own a cluster-scoped object, which is
// reported and left alone.
func TestClusterScopedOwners(t *testing.T) {
	env := start(t)
	c, ctx := env.Client, t.Context()
	cms := cmsOf(t, c)
	roles := client.Resource[rbac.ClusterRole](c)
	role, err := roles.Create(ctx, &rbac.ClusterRole{ObjectMeta: meta.ObjectMeta{Name: "owner-role"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cms.create("owned-by-role", []meta.OwnerReference{ref(role, false)})
	cmOwner := cms.create("cm-owner", nil)
	bad, err := roles.Create(ctx, &rbac.ClusterRole{ObjectMeta: meta.ObjectMeta{
		Name: "owned-by-configmap", OwnerReferences: []meta.OwnerReference{ref(cmOwner, false)}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cms.delete("cm-owner", "")
	if err := roles.Delete(ctx, "owner-role", nil); err != nil {
		t.Fatal(err)
	}
	waitGone(t, "configmap owned by a cluster role", getter(cms, "owned-by-role"))

	// An owner in another namespace is no owner: owners are looked up in
	// their dependent's namespace.
	if _, err := client.Resource[core.Namespace](c).Create(ctx, &core.Namespace{ObjectMeta: meta.ObjectMeta{Name: "other"}}, nil); err != nil {
		t.Fatal(err)
	}
	elsewhere := cms.create("elsewhere", nil)
	otherCMs := configMaps{t, client.Resource[core.ConfigMap](c).Namespace("other")}
	crossed := otherCMs.create("crossed", []meta.OwnerReference{ref(elsewhere, false)})
	waitGone(t, "configmap owned from another namespace", getter(otherCMs, "crossed"))

	for _, tt := range []struct {
		ns  string
		uid meta.UID
	}{{"default", bad.UID}, {"other", crossed.UID}} {
		events := client.Resource[core.Event](c).Namespace(tt.ns)
		controllertest.Eventually(t, wait, func() error {
			l, err := events.List(ctx, nil)
			if err != nil {
				return err
			}
			for _, ev := range l.Items {
				if ev.Reason == "OwnerRefInvalidNamespace" && ev.InvolvedObject.UID == tt.uid {
					if ev.Type != controller.EventWarning || ev.Source.Component != garbagecollector.Component {
						return fmt.Errorf("event %s from %s, want a Warning from %s", ev.Type, ev.Source.Component, garbagecollector.Component)
					}
					return nil
				}
			}
			return fmt.Errorf("no OwnerRefInvalidNamespace event about %s among %d in %s", tt.uid, len(l.Items), tt.ns)
		})
	}
	exists(t, "cluster role owned by a configmap", func() (*rbac.ClusterRole, error) { return roles.Get(ctx, bad.Name) })
}
