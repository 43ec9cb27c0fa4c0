package client_test

import (
	"errors"
	"testing"

	"github.com/spar-dev/spar/api"
	ext "github.com/spar-dev/spar/api/apiextensions"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
)

const gadgetCRD = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: gadgets, singular: gadget, kind: Gadget, listKind: GadgetList}
  versions:
  - name: v1
    served: true
    storage: true
    subresources:
      status: {}
      scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              replicas: {type: integer, minimum: 0}
              color: {type: string, enum: [red, blue]}
          status:
            type: object
            properties:
              replicas: {type: integer}
`

func gadget(name, color string) *meta.Unstructured {
	return &meta.Unstructured{
		TypeMeta:   meta.TypeMeta{Kind: "Gadget"},
		ObjectMeta: meta.ObjectMeta{Name: name},
		Content:    map[string]any{"spec": map[string]any{"replicas": int64(1), "color": color}},
	}
}

func spec(u *meta.Unstructured) map[string]any {
	m, _ := u.Content["spec"].(map[string]any)
	return m
}

// TestDynamicCustomResource creates a CRD with the typed client, then
// drives its objects through the dynamic one.
func TestDynamicCustomResource(t *testing.T) {
	eachTransport(t, nil, func(t *testing.T, e env) {
		c := e.c
		ctx := t.Context()
		var crd ext.CustomResourceDefinition
		data, err := api.ToJSON([]byte(gadgetCRD))
		if err != nil {
			t.Fatal(err)
		}
		if err := api.DecodeStrict(data, &crd); err != nil {
			t.Fatal(err)
		}
		if _, err := client.Resource[ext.CustomResourceDefinition](c).Create(ctx, &crd, nil); err != nil {
			t.Fatalf("creating the CRD: %v", err)
		}
		gadgets := client.Dynamic(c, api.GVR{Group: "example.com", Version: "v1", Resource: "gadgets"}, true).Namespace("default")
		eventually(t, "the CRD to be served", func() bool {
			_, err := gadgets.List(ctx, nil)
			return !client.IsNotFound(err)
		})

		list, err := gadgets.List(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		w, err := gadgets.Watch(ctx, &client.WatchOptions{ResourceVersion: list.ResourceVersion})
		if err != nil {
			t.Fatal(err)
		}
		defer w.Stop()

		g, err := gadgets.Create(ctx, gadget("g1", "red"), nil)
		if err != nil {
			t.Fatalf("Create: %v", err)
		}
		if g.APIVersion != "example.com/v1" || g.Kind != "Gadget" || g.UID == "" || spec(g)["color"] != "red" {
			t.Errorf("created = %s %s uid %q spec %v", g.APIVersion, g.Kind, g.UID, spec(g))
		}
		ev, err := nextEvent(t, w)
		if err != nil || ev.Type != client.Added || ev.Object.Name != "g1" {
			t.Errorf("watch: %v %v, want ADDED g1", ev.Type, err)
		}

		spec(g)["color"] = "blue"
		if g, err = gadgets.Update(ctx, g, nil); err != nil || spec(g)["color"] != "blue" {
			t.Fatalf("Update: %v, spec %v", err, spec(g))
		}
		if g, err = gadgets.Patch(ctx, "g1", client.MergePatch, []byte(`{"spec":{"replicas":3}}`), nil); err != nil || spec(g)["replicas"] != int64(3) {
			t.Fatalf("Patch: %v, spec %v", err, spec(g))
		}
		g.Content["status"] = map[string]any{"replicas": int64(2)}
		if g, err = gadgets.UpdateStatus(ctx, g, nil); err != nil {
			t.Fatalf("UpdateStatus: %v", err)
		}
		if st, _ := g.Content["status"].(map[string]any); st["replicas"] != int64(2) {
			t.Errorf("status after UpdateStatus = %v, want replicas 2", g.Content["status"])
		}
		sc, err := gadgets.GetScale(ctx, "g1")
		if err != nil || sc.Spec.Replicas != 3 || sc.Status.Replicas != 2 {
			t.Fatalf("GetScale: %v, %+v", err, sc)
		}
		sc.Spec.Replicas = 5
		if _, err := gadgets.UpdateScale(ctx, "g1", sc, nil); err != nil {
			t.Fatalf("UpdateScale: %v", err)
		}
		if g, err = gadgets.Get(ctx, "g1"); err != nil || spec(g)["replicas"] != int64(5) {
			t.Errorf("after UpdateScale: %v, spec %v, want replicas 5", err, spec(g))
		}

		// The schema is the CRD's: an enum violation is a 422.
		if _, err := gadgets.Create(ctx, gadget("g2", "green"), nil); !client.IsInvalid(err) {
			t.Errorf("create off the schema: err = %v, want Invalid", err)
		}
		all, err := client.Dynamic(c, api.GVR{Group: "example.com", Version: "v1", Resource: "gadgets"}, true).ListAll(ctx, nil)
		if err != nil || len(all.Items) != 1 || all.Kind != "GadgetList" {
			t.Errorf("ListAll: %v, %d items", err, len(all.Items))
		}
		if err := gadgets.Delete(ctx, "g1", nil); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if _, err := gadgets.Get(ctx, "g1"); !client.IsNotFound(err) {
			t.Errorf("Get after Delete: %v, want NotFound", err)
		}
	})
}

// TestDynamicBuiltin reads a built-in kind through the dynamic client: the
// scheme supplies its kind.
func TestDynamicBuiltin(t *testing.T) {
	eachTransport(t, nil, func(t *testing.T, e env) {
		ctx := t.Context()
		cms := client.Dynamic(e.c, api.GVR{Version: "v1", Resource: "configmaps"}, true).Namespace("default")
		obj := &meta.Unstructured{ObjectMeta: meta.ObjectMeta{Name: "plain"}, Content: map[string]any{"data": map[string]any{"k": "v"}}}
		if _, err := cms.Create(ctx, obj, nil); err != nil {
			t.Fatalf("Create without kind: %v", err)
		}
		typed, err := client.Resource[core.ConfigMap](e.c).Namespace("default").Get(ctx, "plain")
		if err != nil || typed.Data["k"] != "v" {
			t.Errorf("typed Get: %v, %v", err, typed)
		}
		ns, err := client.Dynamic(e.c, api.GVR{Version: "v1", Resource: "namespaces"}, false).Namespace("ignored").Get(ctx, "default")
		if err != nil || ns.Name != "default" || ns.Kind != "Namespace" {
			t.Errorf("cluster-scoped Get: %v, %+v", err, ns)
		}
	})
}

// An unregistered Go type fails every call, without a request.
type stranger struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata"`
}

func TestNotRegistered(t *testing.T) {
	c := client.NewForHandler(nil) // never called
	rc := client.Resource[stranger](c).Namespace("default")
	ctx := t.Context()
	calls := map[string]error{}
	_, calls["Get"] = rc.Get(ctx, "x")
	_, calls["List"] = rc.List(ctx, nil)
	_, calls["ListAll"] = rc.ListAll(ctx, nil)
	_, calls["Watch"] = rc.Watch(ctx, nil)
	_, calls["Create"] = rc.Create(ctx, &stranger{}, nil)
	_, calls["Patch"] = rc.Patch(ctx, "x", client.MergePatch, nil, nil)
	calls["Delete"] = rc.Delete(ctx, "x", nil)
	calls["DeleteCollection"] = rc.DeleteCollection(ctx, nil, nil)
	_, calls["GetScale"] = rc.GetScale(ctx, "x")
	for name, err := range calls {
		if !errors.Is(err, client.ErrNotRegistered) {
			t.Errorf("%s: err = %v, want ErrNotRegistered", name, err)
		}
	}
}
