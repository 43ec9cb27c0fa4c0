package apiserver_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/spar-dev/spar/api/apps"
	"github.com/spar-dev/spar/api/autoscaling"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/policy"
	"github.com/spar-dev/spar/api/protobuf"
)

const protobufType = "application/vnd.kubernetes.protobuf"

// pb encodes obj as client-go's typed clients do.
func pb(t *testing.T, obj any, apiVersion, kind string) string {
	t.Helper()
	b, err := protobuf.Marshal(obj, apiVersion, kind)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// withUnknownField encodes obj with an extra top-level field 99 = 1, a
// field spar's types do not have.
func withUnknownField(t *testing.T, obj any, apiVersion, kind string) string {
	t.Helper()
	raw, err := protobuf.MarshalMessage(obj)
	if err != nil {
		t.Fatal(err)
	}
	raw = protowire.AppendVarint(protowire.AppendTag(raw, 99, protowire.VarintType), 1)
	var tm []byte
	tm = protowire.AppendString(protowire.AppendTag(tm, 1, protowire.BytesType), apiVersion)
	tm = protowire.AppendString(protowire.AppendTag(tm, 2, protowire.BytesType), kind)
	b := []byte("k8s\x00")
	b = protowire.AppendBytes(protowire.AppendTag(b, 1, protowire.BytesType), tm)
	b = protowire.AppendBytes(protowire.AppendTag(b, 2, protowire.BytesType), raw)
	return string(b)
}

func ptr[T any](v T) *T { return &v }

// TestProtobufBodies sends protobuf request bodies, as typed client-go
// clients do, to every path that decodes a body: create, update, delete
// options, eviction, binding and scale. Responses are JSON.
func TestProtobufBodies(t *testing.T) {
	base, _ := newAPI(t)
	// Each subtest reports through its own t.
	client := func(t *testing.T) *apiClient { return &apiClient{t: t, url: base.url} }

	t.Run("create", func(t *testing.T) {
		a := client(t)
		ns := core.Namespace{}
		ns.Name = "team-a"
		r := a.expect(http.StatusCreated, "POST", "/api/v1/namespaces?fieldValidation=Strict", protobufType, pb(t, &ns, "v1", "Namespace"))
		if ct := r.header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("response Content-Type %q, want application/json", ct)
		}
		var got core.Namespace
		r.into(t, &got)
		if got.Kind != "Namespace" || got.Name != "team-a" || got.Status.Phase != core.NamespaceActive {
			t.Errorf("created %s %q phase %q, want Namespace team-a Active", got.Kind, got.Name, got.Status.Phase)
		}
	})

	t.Run("update", func(t *testing.T) {
		a := client(t)
		cm := core.ConfigMap{Data: map[string]string{"a": "1"}, BinaryData: map[string][]byte{"b": {0, 1, 2}}}
		cm.Name = "cfg"
		var created core.ConfigMap
		a.expect(http.StatusCreated, "POST", "/api/v1/namespaces/default/configmaps", protobufType, pb(t, &cm, "v1", "ConfigMap")).into(t, &created)
		created.Data["a"] = "2"
		var updated core.ConfigMap
		a.expect(http.StatusOK, "PUT", "/api/v1/namespaces/default/configmaps/cfg", protobufType, pb(t, &created, "v1", "ConfigMap")).into(t, &updated)
		if updated.Data["a"] != "2" || string(updated.BinaryData["b"]) != "\x00\x01\x02" {
			t.Errorf("after update: data %v binaryData %v", updated.Data, updated.BinaryData)
		}
	})

	t.Run("strict", func(t *testing.T) {
		a := client(t)
		dep := apps.Deployment{Spec: apps.DeploymentSpec{
			Selector: &meta.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
			Template: core.PodTemplateSpec{Spec: core.PodSpec{Containers: []core.Container{{Name: "c", Image: "nginx"}}}},
		}}
		dep.Name = "web"
		dep.Spec.Template.Labels = map[string]string{"app": "web"}
		body := withUnknownField(t, &dep, "apps/v1", "Deployment")
		st := a.expect(http.StatusBadRequest, "POST", "/apis/apps/v1/namespaces/default/deployments?fieldValidation=Strict", protobufType, body).status(t)
		if !strings.Contains(st.Message, `unknown field "#99"`) {
			t.Errorf("strict: message %q, want it to name field #99", st.Message)
		}
		r := a.expect(http.StatusCreated, "POST", "/apis/apps/v1/namespaces/default/deployments?fieldValidation=Warn", protobufType, body)
		if w := r.header.Get("Warning"); !strings.Contains(w, `unknown field \"#99\"`) && !strings.Contains(w, `unknown field "#99"`) {
			t.Errorf("warn: Warning header %q, want it to name field #99", w)
		}
	})

	t.Run("kind mismatch", func(t *testing.T) {
		a := client(t)
		cm := core.ConfigMap{}
		cm.Name = "x"
		st := a.expect(http.StatusBadRequest, "POST", "/api/v1/namespaces", protobufType, pb(t, &cm, "v1", "ConfigMap")).status(t)
		if !strings.Contains(st.Message, "the kind in the data (ConfigMap) does not match the expected kind (Namespace)") {
			t.Errorf("message %q", st.Message)
		}
	})

	t.Run("delete options", func(t *testing.T) {
		a := client(t)
		// Typed clients encode DeleteOptions for their own group version.
		opts := meta.DeleteOptions{DryRun: []string{"All"}}
		a.expect(http.StatusOK, "DELETE", "/api/v1/namespaces/default/configmaps/cfg", protobufType, pb(t, &opts, "v1", "DeleteOptions"))
		a.expect(http.StatusOK, "GET", "/api/v1/namespaces/default/configmaps/cfg", "", "")
		opts = meta.DeleteOptions{Preconditions: &meta.Preconditions{UID: ptr(meta.UID("not-the-uid"))}}
		a.expect(http.StatusConflict, "DELETE", "/api/v1/namespaces/default/configmaps/cfg", protobufType, pb(t, &opts, "meta.k8s.io/v1", "DeleteOptions"))
		a.expect(http.StatusOK, "DELETE", "/api/v1/namespaces/default/configmaps/cfg", protobufType, pb(t, &meta.DeleteOptions{}, "v1", "DeleteOptions"))
		a.expect(http.StatusNotFound, "GET", "/api/v1/namespaces/default/configmaps/cfg", "", "")
	})

	t.Run("binding", func(t *testing.T) {
		a := client(t)
		pod := core.Pod{Spec: core.PodSpec{Containers: []core.Container{{Name: "c", Image: "busybox"}}}}
		pod.Name = "unbound"
		a.expect(http.StatusCreated, "POST", "/api/v1/namespaces/default/pods", protobufType, pb(t, &pod, "v1", "Pod"))
		b := core.Binding{Target: meta.ObjectReference{Kind: "Node", Name: "n1"}}
		b.Name = "unbound"
		a.expect(http.StatusCreated, "POST", "/api/v1/namespaces/default/pods/unbound/binding", protobufType, pb(t, &b, "v1", "Binding"))
		var got core.Pod
		a.expect(http.StatusOK, "GET", "/api/v1/namespaces/default/pods/unbound", "", "").into(t, &got)
		if got.Spec.NodeName != "n1" {
			t.Errorf("nodeName %q after binding, want n1", got.Spec.NodeName)
		}
	})

	t.Run("eviction", func(t *testing.T) {
		a := client(t)
		// The pod is bound, so only a grace period of 0, inside the
		// Eviction's DeleteOptions, deletes it at once.
		ev := policy.Eviction{DeleteOptions: &meta.DeleteOptions{GracePeriodSeconds: ptr(int64(0))}}
		ev.Name, ev.Namespace = "unbound", "default"
		a.expect(http.StatusCreated, "POST", "/api/v1/namespaces/default/pods/unbound/eviction", protobufType, pb(t, &ev, "policy/v1", "Eviction"))
		a.expect(http.StatusNotFound, "GET", "/api/v1/namespaces/default/pods/unbound", "", "")
	})

	t.Run("scale", func(t *testing.T) {
		a := client(t)
		var sc autoscaling.Scale
		a.expect(http.StatusOK, "GET", "/apis/apps/v1/namespaces/default/deployments/web/scale", "", "").into(t, &sc)
		sc.Spec.Replicas = 4
		a.expect(http.StatusOK, "PUT", "/apis/apps/v1/namespaces/default/deployments/web/scale", protobufType, pb(t, &sc, "autoscaling/v1", "Scale"))
		var dep apps.Deployment
		a.expect(http.StatusOK, "GET", "/apis/apps/v1/namespaces/default/deployments/web", "", "").into(t, &dep)
		if dep.Spec.Replicas == nil || *dep.Spec.Replicas != 4 {
			t.Errorf("replicas after a protobuf scale: %v, want 4", dep.Spec.Replicas)
		}
	})

	t.Run("custom resource", func(t *testing.T) {
		a := client(t)
		a.expect(http.StatusCreated, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", "application/yaml", crontabCRD)
		deadline := time.Now().Add(30 * time.Second)
		for a.do("GET", "/apis/stable.example.com/v1/namespaces/default/crontabs", "", "").code != http.StatusOK {
			if time.Now().After(deadline) {
				t.Fatal("the CronTab resource was not served within 30s")
			}
			time.Sleep(50 * time.Millisecond)
		}
		cm := core.ConfigMap{}
		cm.Name = "x"
		a.expect(http.StatusUnsupportedMediaType, "POST", "/apis/stable.example.com/v1/namespaces/default/crontabs", protobufType, pb(t, &cm, "stable.example.com/v1", "CronTab"))
	})
}
