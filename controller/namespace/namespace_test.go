package namespace_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/spar-dev/spar/api"
	ext "github.com/spar-dev/spar/api/apiextensions"
	"github.com/spar-dev/spar/api/apps"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
	"github.com/spar-dev/spar/controller/controllertest"
	"github.com/spar-dev/spar/controller/namespace"
)

const wait = 20 * time.Second

// start runs the namespace controller, with short rechecks, against a
// fresh API server.
func start(t *testing.T) *controllertest.Env { return startEnv(t) }

func startEnv(t testing.TB) *controllertest.Env {
	t.Helper()
	env := controllertest.New(t, nil)
	if err := namespace.Add(env.Manager, &namespace.Options{MinRecheck: 10 * time.Millisecond, MaxRecheck: 100 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	env.Start()
	return env
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

var widgetsGVR = api.GVR{Group: "example.com", Version: "v1", Resource: "widgets"}

// createWidgetCRD creates the Widget CRD and waits until it is served.
func createWidgetCRD(t *testing.T, c *client.Client) {
	t.Helper()
	data, err := api.ToJSON([]byte(widgetCRD))
	if err != nil {
		t.Fatal(err)
	}
	var crd ext.CustomResourceDefinition
	if err := api.DecodeStrict(data, &crd); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Resource[ext.CustomResourceDefinition](c).Create(t.Context(), &crd, nil); err != nil {
		t.Fatalf("creating the CRD: %v", err)
	}
	controllertest.Eventually(t, wait, func() error {
		_, err := client.Dynamic(c, widgetsGVR, true).Namespace("default").List(t.Context(), nil)
		return err
	})
}

func createNamespace(t testing.TB, c *client.Client, name string, finalizers ...core.FinalizerName) {
	t.Helper()
	ns := &core.Namespace{ObjectMeta: meta.ObjectMeta{Name: name}, Spec: core.NamespaceSpec{Finalizers: finalizers}}
	if _, err := client.Resource[core.Namespace](c).Create(t.Context(), ns, nil); err != nil {
		t.Fatalf("creating namespace %s: %v", name, err)
	}
}

func configMap(ns, name string, finalizers ...string) *core.ConfigMap {
	return &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Namespace: ns, Name: name, Finalizers: finalizers}, Data: map[string]string{"k": "v"}}
}

func deployment(ns, name string) *apps.Deployment {
	labels := map[string]string{"app": name}
	return &apps.Deployment{
		ObjectMeta: meta.ObjectMeta{Namespace: ns, Name: name},
		Spec: apps.DeploymentSpec{
			Selector: &meta.LabelSelector{MatchLabels: labels},
			Template: core.PodTemplateSpec{
				ObjectMeta: meta.ObjectMeta{Labels: labels},
				Spec:       core.PodSpec{Containers: []core.Container{{Name: "app", Image: "nginx"}}},
			},
		},
	}
}

func widget(ns, name string) *meta.Unstructured {
	return &meta.Unstructured{
		TypeMeta:   meta.TypeMeta{APIVersion: "example.com/v1", Kind: "Widget"},
		ObjectMeta: meta.ObjectMeta{Namespace: ns, Name: name},
		Content:    map[string]any{"spec": map[string]any{"size": int64(3)}},
	}
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func deleteNamespace(t *testing.T, c *client.Client, name string) {
	t.Helper()
	if err := client.Resource[core.Namespace](c).Delete(t.Context(), name, nil); err != nil {
		t.Fatalf("deleting namespace %s: %v", name, err)
	}
}

func waitGone(t *testing.T, c *client.Client, name string) {
	t.Helper()
	controllertest.Eventually(t, wait, func() error {
		ns, err := client.Resource[core.Namespace](c).Get(t.Context(), name)
		if client.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		return fmt.Errorf("namespace %s still exists: phase %s, spec.finalizers %v, conditions %+v",
			name, ns.Status.Phase, ns.Spec.Finalizers, ns.Status.Conditions)
	})
}

// TestDeleteNamespaceRemovesEverything: configmaps, a deployment and
// custom resources go, then the namespace; other namespaces are untouched.
func TestDeleteNamespaceRemovesEverything(t *testing.T) {
	env := start(t)
	c, ctx := env.Client, t.Context()
	createWidgetCRD(t, c)
	createNamespace(t, c, "doomed")
	createNamespace(t, c, "kept")

	cms := client.Resource[core.ConfigMap](c)
	for _, cm := range []*core.ConfigMap{configMap("doomed", "a"), configMap("doomed", "b"), configMap("kept", "a")} {
		must[*core.ConfigMap](t)(cms.Create(ctx, cm, nil))
	}
	must[*apps.Deployment](t)(client.Resource[apps.Deployment](c).Create(ctx, deployment("doomed", "web"), nil))
	widgets := client.Dynamic(c, widgetsGVR, true)
	for _, w := range []*meta.Unstructured{widget("doomed", "w1"), widget("doomed", "w2"), widget("kept", "w1")} {
		must[*meta.Unstructured](t)(widgets.Create(ctx, w, nil))
	}

	deleteNamespace(t, c, "doomed")
	waitGone(t, c, "doomed")

	tests := []struct {
		name string
		list func(ns string) (int, error)
		kept int
	}{
		{"configmaps", func(ns string) (int, error) {
			l, err := cms.Namespace(ns).List(ctx, nil)
			return lenOf(l, err)
		}, 1},
		{"deployments", func(ns string) (int, error) {
			l, err := client.Resource[apps.Deployment](c).Namespace(ns).List(ctx, nil)
			return lenOf(l, err)
		}, 0},
		{"widgets", func(ns string) (int, error) {
			l, err := widgets.Namespace(ns).List(ctx, nil)
			return lenOf(l, err)
		}, 1},
	}
	for _, tt := range tests {
		if got, err := tt.list("doomed"); err != nil || got != 0 {
			t.Errorf("%s left in the deleted namespace: %d (err %v), want 0", tt.name, got, err)
		}
		if got, err := tt.list("kept"); err != nil || got != tt.kept {
			t.Errorf("%s in the other namespace: %d (err %v), want %d", tt.name, got, err, tt.kept)
		}
	}
}

func lenOf[T any](l *meta.List[T], err error) (int, error) {
	if err != nil {
		return 0, err
	}
	return len(l.Items), nil
}

// TestLingeringFinalizer: content held by a finalizer keeps the namespace
// Terminating, with conditions naming what is left, until the finalizer
// is removed.
func TestLingeringFinalizer(t *testing.T) {
	env := start(t)
	c, ctx := env.Client, t.Context()
	createNamespace(t, c, "held")
	cms := client.Resource[core.ConfigMap](c).Namespace("held")
	must[*core.ConfigMap](t)(cms.Create(ctx, configMap("held", "pinned", "example.com/hold"), nil))
	must[*core.ConfigMap](t)(cms.Create(ctx, configMap("held", "free"), nil))

	deleteNamespace(t, c, "held")

	want := map[core.NamespaceConditionType]core.NamespaceCondition{
		core.NamespaceDeletionDiscoveryFailure: {Status: core.ConditionFalse, Reason: "ResourcesDiscovered", Message: "All resources successfully discovered"},
		core.NamespaceDeletionGVParsingFailure: {Status: core.ConditionFalse, Reason: "ParsedGroupVersions", Message: "All legacy kube types successfully parsed"},
		core.NamespaceDeletionContentFailure:   {Status: core.ConditionFalse, Reason: "ContentDeleted", Message: "All content successfully deleted, may be waiting on finalization"},
		core.NamespaceContentRemaining: {Status: core.ConditionTrue, Reason: "SomeResourcesRemain",
			Message: "Some resources are remaining: configmaps. has 1 resource instances"},
		core.NamespaceFinalizersRemaining: {Status: core.ConditionTrue, Reason: "SomeFinalizersRemain",
			Message: "Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances"},
	}
	var ns *core.Namespace
	controllertest.Eventually(t, wait, func() error {
		var err error
		if ns, err = client.Resource[core.Namespace](c).Get(ctx, "held"); err != nil {
			return err
		}
		return conditionsMatch(ns, want)
	})
	if ns.Status.Phase != core.NamespaceTerminating || len(ns.Spec.Finalizers) != 1 || ns.Spec.Finalizers[0] != core.FinalizerKubernetes {
		t.Errorf("namespace: phase %q, spec.finalizers %v; want Terminating, [kubernetes]", ns.Status.Phase, ns.Spec.Finalizers)
	}
	if _, err := cms.Get(ctx, "free"); !client.IsNotFound(err) {
		t.Errorf("configmap without finalizers: Get = %v, want NotFound", err)
	}
	pinned, err := cms.Get(ctx, "pinned")
	if err != nil || pinned.DeletionTimestamp == nil {
		t.Fatalf("configmap with a finalizer: %v, deletionTimestamp %v; want it marked for deletion", err, pinned.GetObjectMeta().DeletionTimestamp)
	}

	must[*core.ConfigMap](t)(cms.Patch(ctx, "pinned", client.MergePatch, []byte(`{"metadata":{"finalizers":null}}`), nil))
	waitGone(t, c, "held")
}

func conditionsMatch(ns *core.Namespace, want map[core.NamespaceConditionType]core.NamespaceCondition) error {
	if len(ns.Status.Conditions) != len(want) {
		return fmt.Errorf("conditions = %+v, want %d of them", ns.Status.Conditions, len(want))
	}
	for _, got := range ns.Status.Conditions {
		w, ok := want[got.Type]
		if !ok {
			return fmt.Errorf("unexpected condition %+v", got)
		}
		if got.Status != w.Status || got.Reason != w.Reason || got.Message != w.Message {
			return fmt.Errorf("condition %s = %s/%s/%q, want %s/%s/%q", got.Type, got.Status, got.Reason, got.Message, w.Status, w.Reason, w.Message)
		}
		if got.LastTransitionTime.IsZero() {
			return fmt.Errorf("condition %s has no lastTransitionTime", got.Type)
		}
	}
	return nil
}

// TestOtherFinalizersRemain: the controller removes only its own spec
// finalizer; the namespace goes when the other one's owner finalizes it.
func TestOtherFinalizersRemain(t *testing.T) {
	env := start(t)
	c, ctx := env.Client, t.Context()
	createNamespace(t, c, "shared", core.FinalizerKubernetes, "example.com/cleanup")
	must[*core.ConfigMap](t)(client.Resource[core.ConfigMap](c).Create(ctx, configMap("shared", "a"), nil))
	deleteNamespace(t, c, "shared")

	namespaces := client.Resource[core.Namespace](c)
	var ns *core.Namespace
	controllertest.Eventually(t, wait, func() error {
		var err error
		if ns, err = namespaces.Get(ctx, "shared"); err != nil {
			return err
		}
		if len(ns.Spec.Finalizers) != 1 || ns.Spec.Finalizers[0] != "example.com/cleanup" {
			return fmt.Errorf("spec.finalizers = %v, want [example.com/cleanup]", ns.Spec.Finalizers)
		}
		return nil
	})
	if l, err := client.Resource[core.ConfigMap](c).Namespace("shared").List(ctx, nil); err != nil || len(l.Items) != 0 {
		t.Fatalf("content left after the controller released the namespace: %v, %v", l, err)
	}
	// The other finalizer's owner finishes the job.
	ns.Spec.Finalizers = nil
	if err := c.Do(ctx, "PUT", "/api/v1/namespaces/shared/finalize", ns, nil); err != nil {
		t.Fatalf("finalize: %v", err)
	}
	waitGone(t, c, "shared")
}

// TestPodsGoFirst: while pods remain (a scheduled pod in its grace
// period), nothing else in the namespace is deleted.
func TestPodsGoFirst(t *testing.T) {
	env := start(t)
	c, ctx := env.Client, t.Context()
	createNamespace(t, c, "ordered")
	pods := client.Resource[core.Pod](c).Namespace("ordered")
	pod := &core.Pod{
		ObjectMeta: meta.ObjectMeta{Name: "running"},
		Spec:       core.PodSpec{NodeName: "node-1", Containers: []core.Container{{Name: "app", Image: "nginx"}}},
	}
	must[*core.Pod](t)(pods.Create(ctx, pod, nil))
	cms := client.Resource[core.ConfigMap](c).Namespace("ordered")
	must[*core.ConfigMap](t)(cms.Create(ctx, configMap("ordered", "config"), nil))

	deleteNamespace(t, c, "ordered")
	controllertest.Eventually(t, wait, func() error {
		ns, err := client.Resource[core.Namespace](c).Get(ctx, "ordered")
		if err != nil {
			return err
		}
		for _, cond := range ns.Status.Conditions {
			if cond.Type == core.NamespaceContentRemaining && cond.Message == "Some resources are remaining: pods. has 1 resource instances" {
				return nil
			}
		}
		return fmt.Errorf("conditions = %+v, want pods remaining", ns.Status.Conditions)
	})
	if _, err := cms.Get(ctx, "config"); err != nil {
		t.Errorf("configmap deleted while a pod remains: %v", err)
	}
	// The node agent would end the pod; force it.
	zero := int64(0)
	if err := pods.Delete(ctx, "running", &meta.DeleteOptions{GracePeriodSeconds: &zero}); err != nil {
		t.Fatal(err)
	}
	waitGone(t, c, "ordered")
}
