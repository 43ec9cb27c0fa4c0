package client_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/spar-dev/spar/api/apps"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/apiserver/apiservertest"
	"github.com/spar-dev/spar/client"
)

// roundTrip creates obj, reads it back, lists it, updates it with mutate
// (changed must then hold), checks that a stale update conflicts, and
// deletes it. marked says the kind is only marked for deletion (a
// namespace's spec.finalizers hold it).
func roundTrip[T any, PT interface {
	*T
	meta.Object
}](t *testing.T, c *client.Client, ns string, obj *T, mutate func(*T), changed func(*T) bool, marked bool) {
	t.Helper()
	ctx := t.Context()
	rc := client.Resource[T, PT](c).Namespace(ns)
	name := PT(obj).GetObjectMeta().Name

	// A dry run validates without writing.
	if _, err := rc.Create(ctx, obj, &client.WriteOptions{DryRun: true}); err != nil {
		t.Fatalf("dry-run Create: %v", err)
	}
	if _, err := rc.Get(ctx, name); !client.IsNotFound(err) {
		t.Fatalf("Get after a dry-run Create: err = %v, want NotFound", err)
	}

	created, err := rc.Create(ctx, obj, &client.WriteOptions{FieldManager: "client-test", FieldValidation: "Strict"})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	cm := PT(created).GetObjectMeta()
	if cm.UID == "" || cm.ResourceVersion == "" || cm.CreationTimestamp.IsZero() {
		t.Errorf("created metadata = uid %q rv %q created %v, want all set", cm.UID, cm.ResourceVersion, cm.CreationTimestamp)
	}
	if tm := PT(created).GetTypeMeta(); tm.Kind == "" || tm.APIVersion == "" {
		t.Errorf("created type = %+v, want kind and apiVersion", *tm)
	}
	if PT(obj).GetTypeMeta().Kind != "" || PT(obj).GetObjectMeta().ResourceVersion != "" {
		t.Errorf("Create modified the caller's object: %+v", *PT(obj).GetTypeMeta())
	}

	got, err := rc.Get(ctx, name)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if gm := PT(got).GetObjectMeta(); gm.UID != cm.UID || gm.ResourceVersion != cm.ResourceVersion {
		t.Errorf("Get = uid %q rv %q, want %q %q", gm.UID, gm.ResourceVersion, cm.UID, cm.ResourceVersion)
	}

	list, err := rc.List(ctx, nil)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if list.ResourceVersion == "" || rvInt(t, list.ResourceVersion) < rvInt(t, cm.ResourceVersion) {
		t.Errorf("list resourceVersion = %q, want >= %s", list.ResourceVersion, cm.ResourceVersion)
	}
	if !slices.ContainsFunc(list.Items, func(x T) bool { return PT(&x).GetObjectMeta().Name == name }) {
		t.Errorf("List has no %q among %d items", name, len(list.Items))
	}

	upd := meta.DeepCopy(got)
	mutate(upd)
	updated, err := rc.Update(ctx, upd, nil)
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if !changed(updated) {
		t.Errorf("Update returned an object without the change")
	}
	if rvInt(t, PT(updated).GetObjectMeta().ResourceVersion) <= rvInt(t, cm.ResourceVersion) {
		t.Errorf("Update rv = %s, want > %s", PT(updated).GetObjectMeta().ResourceVersion, cm.ResourceVersion)
	}
	if again, err := rc.Get(ctx, name); err != nil || !changed(again) {
		t.Errorf("Get after Update: changed = %v, err = %v", err == nil && changed(again), err)
	}

	// got carries the old resourceVersion: optimistic concurrency refuses it.
	_, err = rc.Update(ctx, got, nil)
	if !client.IsConflict(err) {
		t.Errorf("stale Update: err = %v, want a conflict", err)
	}

	if err := rc.Delete(ctx, name, nil); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	after, err := rc.Get(ctx, name)
	switch {
	case marked && err != nil:
		t.Errorf("Get after Delete: %v, want the object marked for deletion", err)
	case marked && PT(after).GetObjectMeta().DeletionTimestamp == nil:
		t.Errorf("after Delete: no deletionTimestamp")
	case !marked && !client.IsNotFound(err):
		t.Errorf("Get after Delete: err = %v, want NotFound", err)
	}
}

func TestCRUD(t *testing.T) {
	eachTransport(t, nil, func(t *testing.T, e env) {
		c := e.c
		t.Run("ConfigMap", func(t *testing.T) {
			roundTrip[core.ConfigMap](t, c, "default", configMap("settings", map[string]string{"a": "1"}),
				func(cm *core.ConfigMap) { cm.Data["b"] = "2" },
				func(cm *core.ConfigMap) bool { return cm.Data["b"] == "2" }, false)
		})
		t.Run("Pod", func(t *testing.T) {
			p := pod("web-0")
			p.Spec.TerminationGracePeriodSeconds = ptr(int64(0)) // deleted at once
			roundTrip[core.Pod](t, c, "default", p,
				func(p *core.Pod) { p.Spec.Containers[0].Image = "nginx:1.28" },
				func(p *core.Pod) bool { return p.Spec.Containers[0].Image == "nginx:1.28" }, false)
		})
		t.Run("Deployment", func(t *testing.T) {
			roundTrip[apps.Deployment](t, c, "default", deployment("web", 2),
				func(d *apps.Deployment) { d.Spec.Replicas = ptr(int32(4)) },
				func(d *apps.Deployment) bool { return *d.Spec.Replicas == 4 }, false)
		})
		t.Run("Namespace", func(t *testing.T) {
			roundTrip[core.Namespace](t, c, "", &core.Namespace{ObjectMeta: meta.ObjectMeta{Name: "team-a"}},
				func(n *core.Namespace) { n.Labels = map[string]string{"team": "a"} },
				func(n *core.Namespace) bool { return n.Labels["team"] == "a" }, true)
		})
	})
}

func TestCreateNamespaceFromObject(t *testing.T) {
	srv := apiservertest.Start(t, nil)
	c := client.NewForHandler(srv.Handler())
	ctx := t.Context()
	cms := client.Resource[core.ConfigMap](c)

	cm := configMap("from-object", nil)
	cm.Namespace = "kube-system"
	if _, err := cms.Create(ctx, cm, nil); err != nil {
		t.Fatalf("Create with the object's namespace: %v", err)
	}
	if _, err := cms.Namespace("kube-system").Get(ctx, "from-object"); err != nil {
		t.Errorf("Get in kube-system: %v", err)
	}
	tests := []struct {
		name string
		call func() error
	}{
		{"no namespace anywhere", func() error { _, err := cms.Create(ctx, configMap("x", nil), nil); return err }},
		{"namespaces differ", func() error { _, err := cms.Namespace("default").Create(ctx, cm, nil); return err }},
		{"Get without namespace", func() error { _, err := cms.Get(ctx, "x"); return err }},
		{"Get without name", func() error { _, err := cms.Namespace("default").Get(ctx, ""); return err }},
		{"Update without name", func() error { _, err := cms.Namespace("default").Update(ctx, configMap("", nil), nil); return err }},
	}
	for _, tt := range tests {
		var st *meta.Status
		if err := tt.call(); err == nil || errors.As(err, &st) {
			t.Errorf("%s: err = %v, want a client-side error", tt.name, err)
		}
	}
}

func TestStatusAndScale(t *testing.T) {
	eachTransport(t, nil, func(t *testing.T, e env) {
		c := e.c
		ctx := t.Context()
		deps := client.Resource[apps.Deployment](c).Namespace("default")
		d, err := deps.Create(ctx, deployment("web", 3), nil)
		if err != nil {
			t.Fatal(err)
		}

		// Status goes through the status subresource only.
		d.Status.Replicas, d.Status.ObservedGeneration = 3, d.Generation
		d, err = deps.UpdateStatus(ctx, d, nil)
		if err != nil {
			t.Fatalf("UpdateStatus: %v", err)
		}
		if d.Status.Replicas != 3 {
			t.Errorf("UpdateStatus: status.replicas = %d, want 3", d.Status.Replicas)
		}
		d.Status.Replicas = 9
		d.Spec.Template.Spec.Containers[0].Image = "nginx:1.28"
		d, err = deps.Update(ctx, d, nil)
		if err != nil {
			t.Fatalf("Update: %v", err)
		}
		if d.Status.Replicas != 3 || d.Spec.Template.Spec.Containers[0].Image != "nginx:1.28" {
			t.Errorf("Update: status.replicas %d image %q, want 3 (status ignored) and nginx:1.28",
				d.Status.Replicas, d.Spec.Template.Spec.Containers[0].Image)
		}
		d, err = deps.Patch(ctx, "web", client.MergePatch, []byte(`{"status":{"readyReplicas":2}}`), nil, "status")
		if err != nil {
			t.Fatalf("Patch status: %v", err)
		}
		if d.Status.ReadyReplicas != 2 {
			t.Errorf("status patch: readyReplicas = %d, want 2", d.Status.ReadyReplicas)
		}

		sc, err := deps.GetScale(ctx, "web")
		if err != nil {
			t.Fatalf("GetScale: %v", err)
		}
		if sc.Spec.Replicas != 3 || sc.Status.Replicas != 3 || sc.Status.Selector != "app=web" || sc.Kind != "Scale" {
			t.Errorf("GetScale = kind %q spec %d status %d selector %q, want Scale 3 3 app=web",
				sc.Kind, sc.Spec.Replicas, sc.Status.Replicas, sc.Status.Selector)
		}
		stale := *sc
		sc.Spec.Replicas = 5
		if sc, err = deps.UpdateScale(ctx, "web", sc, nil); err != nil || sc.Spec.Replicas != 5 {
			t.Fatalf("UpdateScale to 5: %v, %+v", err, sc)
		}
		stale.Spec.Replicas = 6
		if _, err := deps.UpdateScale(ctx, "web", &stale, nil); !client.IsConflict(err) {
			t.Errorf("UpdateScale with a stale resourceVersion: err = %v, want a conflict", err)
		}
		if sc, err = deps.PatchScale(ctx, "web", client.MergePatch, []byte(`{"spec":{"replicas":7}}`), nil); err != nil || sc.Spec.Replicas != 7 {
			t.Fatalf("PatchScale to 7: %v, %+v", err, sc)
		}
		if d, err = deps.Get(ctx, "web"); err != nil || *d.Spec.Replicas != 7 {
			t.Errorf("deployment after scaling: %v, replicas %v, want 7", err, d.Spec.Replicas)
		}
		if _, err := client.Resource[core.ConfigMap](c).Namespace("default").GetScale(ctx, "web"); !client.IsNotFound(err) {
			t.Errorf("GetScale of a config map: err = %v, want NotFound", err)
		}
	})
}

func TestPatch(t *testing.T) {
	eachTransport(t, nil, func(t *testing.T, e env) {
		c := e.c
		ctx := t.Context()
		deps := client.Resource[apps.Deployment](c).Namespace("default")
		tests := []struct {
			name  string
			typ   client.PatchType
			patch string
			check func(*apps.Deployment) string // "" when right
		}{
			{"json patch", client.JSONPatch, `[{"op":"replace","path":"/spec/replicas","value":4}]`,
				func(d *apps.Deployment) string {
					if *d.Spec.Replicas != 4 {
						return "replicas not 4"
					}
					return ""
				}},
			{"merge patch adds a label", client.MergePatch, `{"metadata":{"labels":{"tier":"front"}}}`,
				func(d *apps.Deployment) string {
					if d.Labels["tier"] != "front" {
						return "no tier label"
					}
					return ""
				}},
			{"strategic merge patch merges containers by name", client.StrategicMergePatch,
				`{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox"}]}}}}`,
				func(d *apps.Deployment) string {
					if n := len(d.Spec.Template.Spec.Containers); n != 2 {
						return "containers not merged"
					}
					return ""
				}},
			{"merge patch replaces lists", client.MergePatch,
				`{"spec":{"template":{"spec":{"containers":[{"name":"only","image":"busybox"}]}}}}`,
				func(d *apps.Deployment) string {
					if cs := d.Spec.Template.Spec.Containers; len(cs) != 1 || cs[0].Name != "only" {
						return "containers not replaced"
					}
					return ""
				}},
		}
		for i, tt := range tests {
			name := "web-" + string(rune('a'+i))
			if _, err := deps.Create(ctx, deployment(name, 1), nil); err != nil {
				t.Fatal(err)
			}
			got, err := deps.Patch(ctx, name, tt.typ, []byte(tt.patch), nil)
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
				continue
			}
			if msg := tt.check(got); msg != "" {
				t.Errorf("%s: %s: %+v", tt.name, msg, got.Spec)
			}
		}

		// A patch that names a resourceVersion is a precondition.
		_, err := deps.Patch(ctx, "web-a", client.MergePatch, []byte(`{"metadata":{"resourceVersion":"1"},"spec":{"replicas":9}}`), nil)
		if !client.IsConflict(err) {
			t.Errorf("patch with a stale resourceVersion: err = %v, want a conflict", err)
		}
		_, err = deps.Patch(ctx, "web-a", client.PatchType("application/apply-patch+yaml"), []byte(`{}`), nil)
		if code := meta.CodeOf(err); code != 415 {
			t.Errorf("unsupported patch type: code %d (%v), want 415", code, err)
		}
		_, err = deps.Patch(ctx, "missing", client.MergePatch, []byte(`{}`), nil)
		if !client.IsNotFound(err) {
			t.Errorf("patch of a missing object: err = %v, want NotFound", err)
		}
		// Dry run: answered, not written.
		got, err := deps.Patch(ctx, "web-a", client.MergePatch, []byte(`{"spec":{"replicas":8}}`), &client.WriteOptions{DryRun: true})
		if err != nil || *got.Spec.Replicas != 8 {
			t.Fatalf("dry-run patch: %v", err)
		}
		if d, _ := deps.Get(ctx, "web-a"); *d.Spec.Replicas != 4 {
			t.Errorf("after a dry-run patch: replicas %d, want 4", *d.Spec.Replicas)
		}
	})
}

func TestDelete(t *testing.T) {
	eachTransport(t, nil, func(t *testing.T, e env) {
		c := e.c
		ctx := t.Context()
		deps := client.Resource[apps.Deployment](c).Namespace("default")
		tests := []struct {
			name       string
			opts       *meta.DeleteOptions
			wantErr    func(error) bool // nil: success
			gone       bool
			finalizers []string
		}{
			{name: "default", opts: nil, gone: true},
			{name: "background", opts: &meta.DeleteOptions{PropagationPolicy: ptr(meta.DeletePropagationBackground)}, gone: true},
			{name: "foreground", opts: &meta.DeleteOptions{PropagationPolicy: ptr(meta.DeletePropagationForeground)}, finalizers: []string{"foregroundDeletion"}},
			{name: "orphan", opts: &meta.DeleteOptions{PropagationPolicy: ptr(meta.DeletePropagationOrphan)}, finalizers: []string{"orphan"}},
			{name: "dry-run", opts: &meta.DeleteOptions{DryRun: []string{"All"}}},
			{name: "stale-precondition", opts: &meta.DeleteOptions{Preconditions: &meta.Preconditions{ResourceVersion: ptr("1")}}, wantErr: client.IsConflict},
			{name: "uid-precondition", opts: &meta.DeleteOptions{Preconditions: &meta.Preconditions{UID: ptr(meta.UID("nope"))}}, wantErr: client.IsConflict},
		}
		for _, tt := range tests {
			if _, err := deps.Create(ctx, deployment(tt.name, 1), nil); err != nil {
				t.Fatal(err)
			}
			err := deps.Delete(ctx, tt.name, tt.opts)
			switch {
			case tt.wantErr != nil && !tt.wantErr(err):
				t.Errorf("%s: Delete err = %v, want a specific error", tt.name, err)
				continue
			case tt.wantErr == nil && err != nil:
				t.Errorf("%s: Delete: %v", tt.name, err)
				continue
			}
			d, err := deps.Get(ctx, tt.name)
			if tt.gone {
				if !client.IsNotFound(err) {
					t.Errorf("%s: Get after Delete: err = %v, want NotFound", tt.name, err)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s: Get after Delete: %v, want the object", tt.name, err)
				continue
			}
			if !slices.Equal(d.Finalizers, tt.finalizers) {
				t.Errorf("%s: finalizers = %q, want %q", tt.name, d.Finalizers, tt.finalizers)
			}
			if marked := d.DeletionTimestamp != nil; marked != (len(tt.finalizers) > 0) {
				t.Errorf("%s: deletionTimestamp set = %v, want %v", tt.name, marked, len(tt.finalizers) > 0)
			}
		}
		if err := deps.Delete(ctx, "never-was", nil); !client.IsNotFound(err) {
			t.Errorf("Delete of a missing object: err = %v, want NotFound", err)
		}

		// A scheduled pod is deleted gracefully: marked, until the grace
		// period ends (an unscheduled one goes at once); a grace period of
		// 0 deletes it at once. The scheduler's binding schedules it.
		pods := client.Resource[core.Pod](c).Namespace("default")
		if _, err := pods.Create(ctx, pod("graceful"), nil); err != nil {
			t.Fatal(err)
		}
		binding := &core.Binding{
			TypeMeta:   meta.TypeMeta{Kind: "Binding", APIVersion: "v1"},
			ObjectMeta: meta.ObjectMeta{Name: "graceful"},
			Target:     core.ObjectReference{Kind: "Node", Name: "n1"},
		}
		if err := pods.CreateSubresource(ctx, "graceful", "binding", binding, nil); err != nil {
			t.Fatalf("binding: %v", err)
		}
		if p, err := pods.Get(ctx, "graceful"); err != nil || p.Spec.NodeName != "n1" {
			t.Fatalf("pod after binding: %v, want spec.nodeName n1", err)
		}
		if err := pods.CreateSubresource(ctx, "graceful", "binding", binding, nil); !client.IsConflict(err) {
			t.Errorf("second binding: err = %v, want a conflict", err)
		}
		if err := pods.Delete(ctx, "graceful", nil); err != nil {
			t.Fatal(err)
		}
		p, err := pods.Get(ctx, "graceful")
		if err != nil {
			t.Fatalf("pod after a graceful Delete: %v, want it marked", err)
		}
		if p.DeletionTimestamp == nil || p.DeletionGracePeriodSeconds == nil || *p.DeletionGracePeriodSeconds != 30 {
			t.Errorf("pod after a graceful Delete: deletionTimestamp %v, grace %v, want marked with grace 30", p.DeletionTimestamp, p.DeletionGracePeriodSeconds)
		}
		if err := pods.Delete(ctx, "graceful", &meta.DeleteOptions{GracePeriodSeconds: ptr(int64(0))}); err != nil {
			t.Fatal(err)
		}
		if _, err := pods.Get(ctx, "graceful"); !client.IsNotFound(err) {
			t.Errorf("pod after Delete with grace 0: err = %v, want NotFound", err)
		}
	})
}

func TestDeleteCollection(t *testing.T) {
	eachTransport(t, nil, func(t *testing.T, e env) {
		c := e.c
		ctx := t.Context()
		cms := client.Resource[core.ConfigMap](c).Namespace("default")
		for i, name := range []string{"a", "b", "c", "d", "e"} {
			cm := configMap(name, nil)
			if i < 3 {
				cm.Labels = map[string]string{"batch": "1"}
			}
			if _, err := cms.Create(ctx, cm, nil); err != nil {
				t.Fatal(err)
			}
		}
		if err := cms.DeleteCollection(ctx, &meta.DeleteOptions{DryRun: []string{"All"}}, &client.ListOptions{LabelSelector: "batch=1"}); err != nil {
			t.Fatalf("dry-run DeleteCollection: %v", err)
		}
		if l, _ := cms.List(ctx, &client.ListOptions{LabelSelector: "batch=1"}); len(l.Items) != 3 {
			t.Errorf("after a dry run: %d labelled, want 3", len(l.Items))
		}
		if err := cms.DeleteCollection(ctx, nil, &client.ListOptions{LabelSelector: "batch=1"}); err != nil {
			t.Fatalf("DeleteCollection: %v", err)
		}
		for _, name := range []string{"a", "b", "c", "d", "e"} {
			_, err := cms.Get(ctx, name)
			if want := name > "c"; (err == nil) != want {
				t.Errorf("%s after DeleteCollection: err = %v, want exists = %v", name, err, want)
			}
		}
	})
}

func TestListAll(t *testing.T) {
	const n = 1200
	eachTransport(t, nil, func(t *testing.T, e env) {
		c := e.c
		ctx := t.Context()
		cms := client.Resource[core.ConfigMap](c).Namespace("default")
		createMany(t, ctx, cms, n)

		page, err := cms.List(ctx, &client.ListOptions{Limit: 100, LabelSelector: "bulk=yes"})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != 100 || page.Continue == "" {
			t.Fatalf("first page: %d items, continue %q, want 100 and a token", len(page.Items), page.Continue)
		}
		if page.RemainingItemCount != nil && *page.RemainingItemCount != n-100 {
			t.Errorf("remainingItemCount = %d, want %d", *page.RemainingItemCount, n-100)
		}

		for _, limit := range []int64{0, 100, 7} {
			all, err := cms.ListAll(ctx, &client.ListOptions{Limit: limit, LabelSelector: "bulk=yes"})
			if err != nil {
				t.Fatalf("ListAll limit %d: %v", limit, err)
			}
			seen := map[string]bool{}
			for _, cm := range all.Items {
				seen[cm.Name] = true
			}
			if len(all.Items) != n || len(seen) != n {
				t.Errorf("ListAll limit %d: %d items, %d distinct, want %d", limit, len(all.Items), len(seen), n)
			}
			if all.Continue != "" || all.ResourceVersion == "" || all.Kind != "ConfigMapList" {
				t.Errorf("ListAll limit %d: continue %q rv %q kind %q", limit, all.Continue, all.ResourceVersion, all.Kind)
			}
		}
		// An explicit resourceVersion on the first page is allowed.
		if all, err := cms.ListAll(ctx, &client.ListOptions{Limit: 500, ResourceVersion: "0", LabelSelector: "bulk=yes"}); err != nil || len(all.Items) != n {
			t.Errorf("ListAll from resourceVersion 0: %v, %d items", err, len(all.Items))
		}
		// Across namespaces.
		all, err := client.Resource[core.ConfigMap](c).ListAll(ctx, &client.ListOptions{Limit: 250, LabelSelector: "bulk=yes"})
		if err != nil || len(all.Items) != n {
			t.Errorf("ListAll in all namespaces: %v, %d items", err, len(all.Items))
		}
	})
}

// createMany creates n labelled config maps with a few concurrent writers.
func createMany(t *testing.T, ctx context.Context, cms *client.ResourceClient[core.ConfigMap, *core.ConfigMap], n int) {
	t.Helper()
	const workers = 8
	errs := make(chan error, workers)
	for w := range workers {
		go func() {
			for i := w; i < n; i += workers {
				cm := configMap(bulkName(i), map[string]string{"i": "x"})
				cm.Labels = map[string]string{"bulk": "yes"}
				if _, err := cms.Create(ctx, cm, nil); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range workers {
		if err := <-errs; err != nil {
			t.Fatalf("creating: %v", err)
		}
	}
}

func bulkName(i int) string {
	const digits = "0123456789"
	b := []byte("cm-0000")
	for p := len(b) - 1; i > 0; p-- {
		b[p] = digits[i%10]
		i /= 10
	}
	return string(b)
}
