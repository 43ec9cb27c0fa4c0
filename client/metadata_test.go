package client_test

import (
	"bytes"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/apiserver/apiservertest"
	"github.com/spar-dev/spar/client"
)

var configMapsGVR = api.GVR{Version: "v1", Resource: "configmaps"}

const partialKind = "PartialObjectMetadata"

// TestMetadataClient drives configmaps through the metadata client: every
// answer is the object's metadata only.
func TestMetadataClient(t *testing.T) {
	eachTransport(t, nil, func(t *testing.T, e env) {
		ctx := t.Context()
		cms := client.Resource[core.ConfigMap](e.c).Namespace("default")
		for _, name := range []string{"a", "b", "c"} {
			cm := configMap(name, map[string]string{"secret": "s3cr3t"})
			cm.Labels = map[string]string{"app": "web", "name": name}
			cm.Finalizers = []string{"example.com/hold"}
			if _, err := cms.Create(ctx, cm, nil); err != nil {
				t.Fatal(err)
			}
		}
		mc := client.Metadata(e.c, configMapsGVR, true).Namespace("default")

		got, err := mc.Get(ctx, "a")
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		if got.Kind != partialKind || got.APIVersion != "meta.k8s.io/v1" || got.Name != "a" || got.Labels["app"] != "web" || got.UID == "" {
			t.Errorf("Get = %+v, want the PartialObjectMetadata of a", got)
		}

		list, err := mc.List(ctx, &client.ListOptions{LabelSelector: "name in (a,b)"})
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		if list.Kind != "PartialObjectMetadataList" || len(list.Items) != 2 || list.ResourceVersion == "" {
			t.Errorf("List = kind %q, %d items, rv %q; want 2 items of a PartialObjectMetadataList", list.Kind, len(list.Items), list.ResourceVersion)
		}
		all, err := mc.ListAll(ctx, &client.ListOptions{Limit: 1})
		if err != nil {
			t.Fatalf("ListAll: %v", err)
		}
		var names []string
		for _, it := range all.Items {
			if it.Kind != partialKind {
				t.Errorf("ListAll item %s has kind %q", it.Name, it.Kind)
			}
			names = append(names, it.Name)
		}
		if slices.Sort(names); !slices.Equal(names, []string{"a", "b", "c"}) {
			t.Errorf("ListAll in pages of 1 = %v, want [a b c]", names)
		}

		w, err := mc.Watch(ctx, &client.WatchOptions{ResourceVersion: all.ResourceVersion})
		if err != nil {
			t.Fatalf("Watch: %v", err)
		}
		defer w.Stop()
		if _, err := cms.Create(ctx, configMap("d", map[string]string{"k": "v"}), nil); err != nil {
			t.Fatal(err)
		}
		ev, err := nextEvent(t, w)
		if err != nil || ev.Type != client.Added || ev.Object.Name != "d" || ev.Object.Kind != partialKind {
			t.Errorf("watch: %v %+v (%v), want ADDED d as PartialObjectMetadata", ev.Type, ev.Object, err)
		}

		// Patch, Delete: the finalizer holds a, then goes.
		if err := mc.Delete(ctx, "a", nil); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		held, err := mc.Get(ctx, "a")
		if err != nil || held.DeletionTimestamp == nil {
			t.Fatalf("after Delete: %v, %+v; want a marked for deletion", err, held)
		}
		patched, err := mc.Patch(ctx, "a", client.MergePatch, []byte(`{"metadata":{"finalizers":null}}`), nil)
		if err != nil || patched.Kind != partialKind || len(patched.Finalizers) != 0 {
			t.Fatalf("Patch: %v, %+v", err, patched)
		}
		if _, err := mc.Get(ctx, "a"); !client.IsNotFound(err) {
			t.Errorf("Get after the last finalizer went: %v, want NotFound", err)
		}
		if err := mc.DeleteCollection(ctx, nil, &client.ListOptions{LabelSelector: "name=b"}); err != nil {
			t.Fatalf("DeleteCollection: %v", err)
		}
		if b, err := mc.Get(ctx, "b"); err != nil || b.DeletionTimestamp == nil {
			t.Errorf("b after DeleteCollection: %v, %+v; want it marked for deletion", err, b)
		}
		if c, err := mc.Get(ctx, "c"); err != nil || c.DeletionTimestamp != nil {
			t.Errorf("c after a DeleteCollection that does not select it: %v, %+v; want it untouched", err, c)
		}
	})
}

// recorder keeps every response body that goes through it.
type recorder struct {
	rt     http.RoundTripper
	mu     sync.Mutex
	bodies map[string]*bytes.Buffer // by request path and query
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.rt.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	buf := &bytes.Buffer{}
	r.bodies[req.URL.RequestURI()] = buf
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.TeeReader(resp.Body, lockedWriter{&r.mu, buf}), resp.Body}
	return resp, nil
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// body returns what was read of the response to the request for uri.
func (r *recorder) body(t *testing.T, uri string) string {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	b, ok := r.bodies[uri]
	if !ok {
		t.Fatalf("no request for %s recorded", uri)
	}
	return b.String()
}

// TestMetadataWire checks what travels: lists, gets and watch events of a
// metadata client carry no spec, status or data.
func TestMetadataWire(t *testing.T) {
	srv := apiservertest.Start(t, nil)
	ctx := t.Context()
	typed := client.NewForHandler(srv.Handler())
	if _, err := client.Resource[core.Pod](typed).Namespace("default").Create(ctx, pod("web"), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Resource[core.ConfigMap](typed).Namespace("default").Create(ctx, configMap("cm", map[string]string{"secret": "s3cr3t"}), nil); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{rt: client.HandlerTransport(srv.Handler()), bodies: map[string]*bytes.Buffer{}}
	c, err := client.New(&client.Config{Host: "http://in-process", Transport: rec})
	if err != nil {
		t.Fatal(err)
	}
	pods := client.Metadata(c, api.GVR{Version: "v1", Resource: "pods"}, true).Namespace("default")
	cms := client.Metadata(c, configMapsGVR, true).Namespace("default")
	if _, err := pods.List(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := cms.Get(ctx, "cm"); err != nil {
		t.Fatal(err)
	}
	w, err := pods.Watch(ctx, nil) // from "": the current pods as ADDED
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	if ev, err := nextEvent(t, w); err != nil || ev.Object.Name != "web" {
		t.Fatalf("watch: %+v, %v", ev, err)
	}
	for _, tt := range []struct{ what, uri string }{
		{"pod list", "/api/v1/namespaces/default/pods"},
		{"configmap get", "/api/v1/namespaces/default/configmaps/cm"},
		{"pod watch", "/api/v1/namespaces/default/pods?watch=true"},
	} {
		b := rec.body(t, tt.uri)
		for _, field := range []string{`"spec"`, `"status"`, `"data"`, "nginx", "s3cr3t"} {
			if strings.Contains(b, field) {
				t.Errorf("%s carries %s: %s", tt.what, field, b)
			}
		}
		if !strings.Contains(b, `"kind":"PartialObjectMetadata"`) {
			t.Errorf("%s has no PartialObjectMetadata: %s", tt.what, b)
		}
	}
}
