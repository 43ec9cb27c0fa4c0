package openapi_test

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/apiextensions"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/apiserver/openapi"
)

// get serves one request through h.
func get(t testing.TB, h http.Handler, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

type index struct {
	Paths map[string]struct {
		ServerRelativeURL string `json:"serverRelativeURL"`
	} `json:"paths"`
}

func getIndex(t testing.TB, h http.Handler) index {
	t.Helper()
	rec := get(t, h, "/openapi/v3")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /openapi/v3: %d %s", rec.Code, rec.Body)
	}
	var idx index
	if err := json.Unmarshal(rec.Body.Bytes(), &idx); err != nil {
		t.Fatalf("index: %v", err)
	}
	return idx
}

// doc is a decoded group-version document.
type doc map[string]any

func getDoc(t testing.TB, h http.Handler, gv string) doc {
	t.Helper()
	e, ok := getIndex(t, h).Paths[gv]
	if !ok {
		t.Fatalf("index has no %s", gv)
	}
	rec := get(t, h, e.ServerRelativeURL, "Accept", "application/json")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", e.ServerRelativeURL, rec.Code, rec.Body)
	}
	var d doc
	if err := json.Unmarshal(rec.Body.Bytes(), &d); err != nil {
		t.Fatalf("%s: %v", gv, err)
	}
	return d
}

func obj(v any) map[string]any { m, _ := v.(map[string]any); return m }

func (d doc) schemas() map[string]any { return obj(obj(d["components"])["schemas"]) }

func (d doc) schema(t testing.TB, name string) map[string]any {
	t.Helper()
	s := obj(d.schemas()[name])
	if s == nil {
		t.Fatalf("no schema %s", name)
	}
	return s
}

// resolve follows a property schema to the schema it stands for, through
// allOf: [{$ref}] and $ref, as kubectl does.
func (d doc) resolve(s map[string]any) map[string]any {
	for {
		if all, ok := s["allOf"].([]any); ok && len(all) == 1 {
			s = obj(all[0])
			continue
		}
		if ref, ok := s["$ref"].(string); ok {
			s = obj(d.schemas()[strings.TrimPrefix(ref, "#/components/schemas/")])
			continue
		}
		return s
	}
}

// field walks a dotted path of property names from the named schema; "[]"
// steps into array items. It returns the property schema of the last name,
// unresolved, so extensions on it can be checked.
func (d doc) field(t testing.TB, root, path string) map[string]any {
	t.Helper()
	s := d.schema(t, root)
	var prop map[string]any
	for _, name := range strings.Split(path, ".") {
		s = d.resolve(s)
		if name == "[]" {
			prop = obj(s["items"])
		} else {
			prop = obj(obj(s["properties"])[name])
		}
		if prop == nil {
			t.Fatalf("%s: no field %s in %s", root, name, path)
		}
		s = prop
	}
	return prop
}

func (d doc) op(t testing.TB, path, method string) map[string]any {
	t.Helper()
	p := obj(obj(d["paths"])[path])
	if p == nil {
		t.Fatalf("no path %s", path)
	}
	o := obj(p[method])
	if o == nil {
		t.Fatalf("no %s operation on %s", method, path)
	}
	return o
}

// fast leaves descriptions out, for tests that do not look at them.
var fast = openapi.Options{Sources: map[string]fs.FS{}}

func gvPath(group, version string) string {
	if group == "" {
		return "api/" + version
	}
	return "apis/" + group + "/" + version
}

func TestIndexListsEveryGroupVersion(t *testing.T) {
	s := api.NewBuiltinScheme()
	h := openapi.New(s, openapi.Options{}).Handler()
	want := map[string]bool{}
	for _, r := range s.Resources() {
		want[gvPath(r.Group, r.Version)] = true
	}
	idx := getIndex(t, h)
	if len(idx.Paths) != len(want) {
		t.Errorf("index has %d group-versions, want %d", len(idx.Paths), len(want))
	}
	for gv := range want {
		e, ok := idx.Paths[gv]
		if !ok {
			t.Errorf("index lacks %s", gv)
			continue
		}
		u, err := url.Parse(e.ServerRelativeURL)
		if err != nil || u.Path != "/openapi/v3/"+gv || len(u.Query().Get("hash")) != 128 {
			t.Errorf("%s: serverRelativeURL = %q, want /openapi/v3/%s?hash=<sha512 hex>", gv, e.ServerRelativeURL, gv)
		}
		d := getDoc(t, h, gv)
		if d["openapi"] != "3.0.0" || obj(d["info"])["title"] == nil || len(obj(d["paths"])) == 0 || len(d.schemas()) == 0 {
			t.Errorf("%s: document lacks openapi 3.0.0, info, paths or schemas", gv)
		}
	}
}

// Every $ref of every document must name a schema of the same document:
// clients resolve them within the document.
func TestReferencesResolve(t *testing.T) {
	h := openapi.New(api.NewBuiltinScheme(), fast).Handler()
	for gv := range getIndex(t, h).Paths {
		d := getDoc(t, h, gv)
		var walk func(v any)
		walk = func(v any) {
			switch v := v.(type) {
			case map[string]any:
				for k, x := range v {
					if ref, ok := x.(string); ok && k == "$ref" {
						name, ok := strings.CutPrefix(ref, "#/components/schemas/")
						if _, found := d.schemas()[name]; !ok || !found {
							t.Errorf("%s: dangling $ref %s", gv, ref)
						}
					}
					walk(x)
				}
			case []any:
				for _, x := range v {
					walk(x)
				}
			}
		}
		walk(map[string]any(d))
	}
}

func TestDeploymentSchema(t *testing.T) {
	h := openapi.New(api.NewBuiltinScheme(), openapi.Options{}).Handler()
	d := getDoc(t, h, "apis/apps/v1")
	const deploy = "io.k8s.api.apps.v1.Deployment"

	gvks, _ := json.Marshal(d.schema(t, deploy)["x-kubernetes-group-version-kind"])
	if want := `[{"group":"apps","kind":"Deployment","version":"v1"}]`; string(gvks) != want {
		t.Errorf("Deployment x-kubernetes-group-version-kind = %s, want %s", gvks, want)
	}
	gvks, _ = json.Marshal(d.schema(t, deploy+"List")["x-kubernetes-group-version-kind"])
	if want := `[{"group":"apps","kind":"DeploymentList","version":"v1"}]`; string(gvks) != want {
		t.Errorf("DeploymentList x-kubernetes-group-version-kind = %s, want %s", gvks, want)
	}

	surge := d.resolve(d.field(t, deploy, "spec.strategy.rollingUpdate.maxSurge"))
	if surge["x-kubernetes-int-or-string"] != true || surge["format"] != "int-or-string" {
		t.Errorf("maxSurge resolves to %v, want an int-or-string schema", surge)
	}
	if ref := obj(obj(d.field(t, deploy, "spec.strategy.rollingUpdate.maxSurge")["allOf"].([]any)[0]))["$ref"]; ref != "#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString" {
		t.Errorf("maxSurge refers to %v, want IntOrString", ref)
	}

	containers := d.field(t, deploy, "spec.template.spec.containers")
	if containers["type"] != "array" || containers["x-kubernetes-patch-merge-key"] != "name" || containers["x-kubernetes-patch-strategy"] != "merge" {
		t.Errorf("containers = %v, want an array merged by name", containers)
	}
	if strategy := d.field(t, deploy, "spec.strategy"); strategy["x-kubernetes-patch-strategy"] != "retainKeys" {
		t.Errorf("spec.strategy patch strategy = %v, want retainKeys", strategy["x-kubernetes-patch-strategy"])
	}
	if req := d.schema(t, "io.k8s.api.apps.v1.DeploymentSpec")["required"]; fmt.Sprint(req) != "[selector template]" {
		t.Errorf("DeploymentSpec required = %v, want [selector template]", req)
	}
}

// The forms Kubernetes gives its field types, by field.
func TestFieldTypes(t *testing.T) {
	h := openapi.New(api.NewBuiltinScheme(), openapi.Options{}).Handler()
	docs := map[string]doc{}
	tests := []struct {
		gv, schema, field string
		resolved          bool // check the schema the field refers to
		want              map[string]any
	}{
		{"apis/apps/v1", "io.k8s.api.apps.v1.Deployment", "spec.replicas", false, map[string]any{"type": "integer", "format": "int32"}},
		{"api/v1", "io.k8s.api.core.v1.Pod", "spec.terminationGracePeriodSeconds", false, map[string]any{"type": "integer", "format": "int64"}},
		{"api/v1", "io.k8s.api.core.v1.Pod", "spec.hostNetwork", false, map[string]any{"type": "boolean"}},
		{"api/v1", "io.k8s.api.core.v1.Pod", "metadata.creationTimestamp", true, map[string]any{"type": "string", "format": "date-time"}},
		{"api/v1", "io.k8s.api.core.v1.Pod", "metadata.labels", false, map[string]any{"type": "object"}},
		{"api/v1", "io.k8s.api.core.v1.Pod", "metadata.labels", false, map[string]any{"additionalProperties": map[string]any{"type": "string", "default": ""}}},
		{"api/v1", "io.k8s.api.core.v1.Pod", "metadata.finalizers", false, map[string]any{"type": "array", "items": map[string]any{"type": "string", "default": ""}}},
		{"api/v1", "io.k8s.api.core.v1.Pod", "metadata.managedFields.[].fieldsV1", true, map[string]any{"type": "object", "x-kubernetes-preserve-unknown-fields": true}},
		{"api/v1", "io.k8s.api.core.v1.Pod", "spec.containers.[].resources.limits", false, map[string]any{"type": "object", "additionalProperties": map[string]any{"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity"}}},
		{"api/v1", "io.k8s.api.core.v1.Pod", "spec.containers.[].ports", false, map[string]any{"x-kubernetes-patch-merge-key": "containerPort", "x-kubernetes-patch-strategy": "merge"}},
		{"api/v1", "io.k8s.api.core.v1.Pod", "spec.containers.[].env", false, map[string]any{"x-kubernetes-patch-merge-key": "name", "x-kubernetes-patch-strategy": "merge"}},
		{"api/v1", "io.k8s.api.core.v1.Pod", "spec.containers.[].livenessProbe.httpGet.port", true, map[string]any{"format": "int-or-string"}},
		{"api/v1", "io.k8s.api.core.v1.ConfigMap", "binaryData", false, map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string", "format": "byte"}}},
		{"api/v1", "io.k8s.api.core.v1.Event", "eventTime", true, map[string]any{"type": "string", "format": "date-time"}},
		{"api/v1", "io.k8s.api.core.v1.Binding", "target", true, map[string]any{"type": "object"}},
		{"apis/apps/v1", "io.k8s.api.apps.v1.ControllerRevision", "data", true, map[string]any{"type": "object", "x-kubernetes-preserve-unknown-fields": true}},
		{"apis/apiextensions.k8s.io/v1", "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps", "default", true, map[string]any{"x-kubernetes-preserve-unknown-fields": true}},
		{"apis/apiextensions.k8s.io/v1", "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps", "properties", false, map[string]any{"type": "object"}},
	}
	for _, tt := range tests {
		t.Run(tt.schema+"."+tt.field, func(t *testing.T) {
			d, ok := docs[tt.gv]
			if !ok {
				d = getDoc(t, h, tt.gv)
				docs[tt.gv] = d
			}
			got := d.field(t, tt.schema, tt.field)
			if tt.resolved {
				got = d.resolve(got)
			}
			for k, want := range tt.want {
				g, _ := json.Marshal(got[k])
				w, _ := json.Marshal(want)
				if string(g) != string(w) {
					t.Errorf("%s = %s, want %s", k, g, w)
				}
			}
		})
	}
}

// kubectl sends fieldValidation=Strict only if the PATCH operation of the
// kind lists the parameter; it takes the first PATCH operation it finds for
// the kind, in any order, so every one of them must list it.
func TestPatchOperations(t *testing.T) {
	s := api.NewBuiltinScheme()
	h := openapi.New(s, fast).Handler()
	docs := map[string]doc{}
	for _, r := range s.Resources() {
		if !slices.Contains(r.Verbs, "patch") {
			continue
		}
		gv := gvPath(r.Group, r.Version)
		d, ok := docs[gv]
		if !ok {
			d = getDoc(t, h, gv)
			docs[gv] = d
		}
		found := 0
		for p, item := range obj(d["paths"]) {
			o := obj(obj(item)["patch"])
			k := obj(o["x-kubernetes-group-version-kind"])
			if o == nil || k["group"] != r.Group || k["version"] != r.Version || k["kind"] != r.Kind {
				continue
			}
			found++
			var params []string
			for _, x := range o["parameters"].([]any) {
				if obj(x)["in"] == "query" {
					params = append(params, obj(x)["name"].(string))
				}
			}
			if !slices.Contains(params, "fieldValidation") {
				t.Errorf("PATCH %s: query parameters %q lack fieldValidation", p, params)
			}
			var types []string
			for ct := range obj(obj(o["requestBody"])["content"]) {
				types = append(types, ct)
			}
			slices.Sort(types)
			want := []string{"application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json"}
			if !slices.Equal(types, want) {
				t.Errorf("PATCH %s: content types %q, want %q", p, types, want)
			}
			if o["x-kubernetes-action"] != "patch" {
				t.Errorf("PATCH %s: x-kubernetes-action = %v", p, o["x-kubernetes-action"])
			}
		}
		if found == 0 {
			t.Errorf("%s/%s: no PATCH operation for the kind", gv, r.Plural)
		}
	}
}

func TestPaths(t *testing.T) {
	h := openapi.New(api.NewBuiltinScheme(), fast).Handler()
	docs := map[string]doc{}
	tests := []struct {
		gv, path, method, action, kind, response string
	}{
		{"api/v1", "/api/v1/namespaces/{namespace}/pods", "get", "list", "v1/Pod", "io.k8s.api.core.v1.PodList"},
		{"api/v1", "/api/v1/namespaces/{namespace}/pods", "post", "post", "v1/Pod", "io.k8s.api.core.v1.Pod"},
		{"api/v1", "/api/v1/namespaces/{namespace}/pods", "delete", "deletecollection", "v1/Pod", "io.k8s.apimachinery.pkg.apis.meta.v1.Status"},
		{"api/v1", "/api/v1/namespaces/{namespace}/pods/{name}", "get", "get", "v1/Pod", "io.k8s.api.core.v1.Pod"},
		{"api/v1", "/api/v1/namespaces/{namespace}/pods/{name}", "put", "put", "v1/Pod", "io.k8s.api.core.v1.Pod"},
		{"api/v1", "/api/v1/namespaces/{namespace}/pods/{name}", "delete", "delete", "v1/Pod", "io.k8s.apimachinery.pkg.apis.meta.v1.Status"},
		{"api/v1", "/api/v1/pods", "get", "list", "v1/Pod", "io.k8s.api.core.v1.PodList"},
		{"api/v1", "/api/v1/watch/namespaces/{namespace}/pods", "get", "watchlist", "v1/Pod", "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent"},
		{"api/v1", "/api/v1/namespaces/{namespace}/pods/{name}/status", "patch", "patch", "v1/Pod", "io.k8s.api.core.v1.Pod"},
		{"api/v1", "/api/v1/namespaces/{namespace}/pods/{name}/binding", "post", "post", "v1/Binding", "io.k8s.api.core.v1.Binding"},
		{"api/v1", "/api/v1/namespaces/{namespace}/pods/{name}/eviction", "post", "post", "policy/v1/Eviction", "io.k8s.api.policy.v1.Eviction"},
		{"api/v1", "/api/v1/namespaces/{namespace}/pods/{name}/exec", "post", "connect", "v1/PodExecOptions", ""},
		{"api/v1", "/api/v1/namespaces/{namespace}/bindings", "post", "post", "v1/Binding", "io.k8s.api.core.v1.Binding"},
		{"api/v1", "/api/v1/nodes/{name}", "patch", "patch", "v1/Node", "io.k8s.api.core.v1.Node"},
		{"api/v1", "/api/v1/namespaces/{name}/finalize", "put", "put", "v1/Namespace", "io.k8s.api.core.v1.Namespace"},
		{"apis/apps/v1", "/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale", "get", "get", "autoscaling/v1/Scale", "io.k8s.api.autoscaling.v1.Scale"},
		{"apis/apps/v1", "/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale", "patch", "patch", "autoscaling/v1/Scale", "io.k8s.api.autoscaling.v1.Scale"},
		{"apis/apps/v1", "/apis/apps/v1/deployments", "get", "list", "apps/v1/Deployment", "io.k8s.api.apps.v1.DeploymentList"},
		{"apis/rbac.authorization.k8s.io/v1", "/apis/rbac.authorization.k8s.io/v1/clusterroles/{name}", "get", "get", "rbac.authorization.k8s.io/v1/ClusterRole", "io.k8s.api.rbac.v1.ClusterRole"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			d, ok := docs[tt.gv]
			if !ok {
				d = getDoc(t, h, tt.gv)
				docs[tt.gv] = d
			}
			o := d.op(t, tt.path, tt.method)
			if o["x-kubernetes-action"] != tt.action {
				t.Errorf("x-kubernetes-action = %v, want %s", o["x-kubernetes-action"], tt.action)
			}
			k := obj(o["x-kubernetes-group-version-kind"])
			if got := strings.TrimPrefix(fmt.Sprintf("%s/%s/%s", k["group"], k["version"], k["kind"]), "/"); got != tt.kind {
				t.Errorf("x-kubernetes-group-version-kind = %s, want %s", got, tt.kind)
			}
			if tt.response == "" {
				return
			}
			ref := obj(obj(obj(obj(obj(o["responses"])["200"])["content"])["application/json"])["schema"])["$ref"]
			if ref != "#/components/schemas/"+tt.response {
				t.Errorf("200 response schema = %v, want %s", ref, tt.response)
			}
		})
	}

	// Bindings are create-only: no GET, no object path.
	d := docs["api/v1"]
	if obj(obj(d["paths"])["/api/v1/namespaces/{namespace}/bindings"])["get"] != nil {
		t.Error("bindings have a GET operation; their only verb is create")
	}
	if _, ok := obj(d["paths"])["/api/v1/namespaces/{namespace}/bindings/{name}"]; ok {
		t.Error("bindings have an object path; their only verb is create")
	}
	if _, ok := obj(d["paths"])["/api/v1/nodes/{name}/scale"]; ok {
		t.Error("nodes have a scale path; they have no scale subresource")
	}
}

func TestDescriptions(t *testing.T) {
	tests := []struct {
		name    string
		opts    openapi.Options
		wantDoc bool
	}{
		{"default sources", openapi.Options{}, true},
		{"no sources", openapi.Options{Sources: map[string]fs.FS{}}, false},
		{"explicit sources", openapi.Options{Sources: map[string]fs.FS{"github.com/spar-dev/spar/api": api.Source}}, true},
		{"unparsable source", openapi.Options{Sources: map[string]fs.FS{"github.com/spar-dev/spar/api": fstest.MapFS{
			"apps/types.go": {Data: []byte("package apps\n\n// Deployment is broken\ntype Deployment struct {")},
		}}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := getDoc(t, openapi.New(api.NewBuiltinScheme(), tt.opts).Handler(), "apis/apps/v1")
			desc, _ := d.field(t, "io.k8s.api.apps.v1.Deployment", "spec.replicas")["description"].(string)
			kindDesc, _ := d.schema(t, "io.k8s.api.apps.v1.Deployment")["description"].(string)
			if !tt.wantDoc {
				if desc != "" || kindDesc != "" {
					t.Errorf("descriptions %q, %q; want none", kindDesc, desc)
				}
				return
			}
			// The Go doc opens with the Go name; the description with the JSON name.
			if !strings.HasPrefix(desc, "replicas ") {
				t.Errorf("spec.replicas description = %q, want one opening with \"replicas \"", desc)
			}
			if !strings.HasPrefix(kindDesc, "Deployment ") {
				t.Errorf("Deployment description = %q", kindDesc)
			}
		})
	}
}

func crontabCRD(t testing.TB) *apiextensions.CustomResourceDefinition {
	t.Helper()
	data, err := os.ReadFile("../../api/apiextensions/testdata/crontab-crd.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if data, err = api.ToJSON(data); err != nil {
		t.Fatal(err)
	}
	crd := new(apiextensions.CustomResourceDefinition)
	if err := api.DecodeStrict(data, crd); err != nil {
		t.Fatal(err)
	}
	crd.Default()
	// An unserved version is not published; a scale subresource is.
	crd.Spec.Versions[0].Subresources = &apiextensions.CustomResourceSubresources{
		Status: &apiextensions.CustomResourceSubresourceStatus{},
		Scale:  &apiextensions.CustomResourceSubresourceScale{SpecReplicasPath: ".spec.replicas", StatusReplicasPath: ".status.replicas"},
	}
	crd.Spec.Versions = append(crd.Spec.Versions, apiextensions.CustomResourceDefinitionVersion{Name: "v2alpha1"})
	return crd
}

func TestCustomResources(t *testing.T) {
	b := openapi.New(api.NewBuiltinScheme(), openapi.Options{})
	h := b.Handler()
	before := getIndex(t, h)
	if err := b.AddCRD(crontabCRD(t)); err != nil {
		t.Fatal(err)
	}
	after := getIndex(t, h)
	if _, ok := after.Paths["apis/stable.example.com/v2alpha1"]; ok {
		t.Error("the unserved version is published")
	}
	if len(after.Paths) != len(before.Paths)+1 {
		t.Errorf("index has %d group-versions after AddCRD, want %d", len(after.Paths), len(before.Paths)+1)
	}
	// Adding a CRD changes the hash of its document only.
	for gv, e := range before.Paths {
		if after.Paths[gv] != e {
			t.Errorf("%s: URL changed from %s to %s", gv, e.ServerRelativeURL, after.Paths[gv].ServerRelativeURL)
		}
	}

	d := getDoc(t, h, "apis/stable.example.com/v1")
	const crontab = "com.example.stable.v1.CronTab"
	gvks, _ := json.Marshal(d.schema(t, crontab)["x-kubernetes-group-version-kind"])
	if want := `[{"group":"stable.example.com","kind":"CronTab","version":"v1"}]`; string(gvks) != want {
		t.Errorf("CronTab x-kubernetes-group-version-kind = %s, want %s", gvks, want)
	}
	if typ := d.field(t, crontab, "spec.cronSpec")["type"]; typ != "string" {
		t.Errorf("spec.cronSpec type = %v, want string from the CRD", typ)
	}
	if ref := d.resolve(d.field(t, crontab, "metadata")); ref["properties"] == nil || obj(ref["properties"])["namespace"] == nil {
		t.Errorf("metadata does not resolve to ObjectMeta: %v", ref)
	}
	for _, f := range []string{"apiVersion", "kind"} {
		if typ := d.field(t, crontab, f)["type"]; typ != "string" {
			t.Errorf("%s type = %v, want string", f, typ)
		}
	}
	if typ := d.field(t, crontab+"List", "items")["type"]; typ != "array" {
		t.Errorf("CronTabList items type = %v, want array", typ)
	}

	for _, path := range []string{
		"/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}",
		"/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}/status",
	} {
		o := d.op(t, path, "patch")
		var types []string
		for ct := range obj(obj(o["requestBody"])["content"]) {
			types = append(types, ct)
		}
		slices.Sort(types)
		if want := []string{"application/json-patch+json", "application/merge-patch+json"}; !slices.Equal(types, want) {
			t.Errorf("PATCH %s content types = %q, want %q (no strategic merge for custom resources)", path, types, want)
		}
		if !strings.Contains(fmt.Sprint(o["parameters"]), "fieldValidation") {
			t.Errorf("PATCH %s lacks the fieldValidation parameter", path)
		}
	}
	scale := obj(d.op(t, "/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}/scale", "get")["x-kubernetes-group-version-kind"])
	if scale["kind"] != "Scale" || scale["group"] != "autoscaling" {
		t.Errorf("scale GET kind = %v, want autoscaling/v1 Scale", scale)
	}
	d.schema(t, "io.k8s.api.autoscaling.v1.Scale")

	b.RemoveCRD("crontabs.stable.example.com")
	if got := getIndex(t, h); !equalIndex(got, before) {
		t.Errorf("index after RemoveCRD differs from the one before AddCRD")
	}
}

func equalIndex(a, b index) bool {
	if len(a.Paths) != len(b.Paths) {
		return false
	}
	for k, v := range a.Paths {
		if b.Paths[k] != v {
			return false
		}
	}
	return true
}

func TestCustomResourceForms(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*apiextensions.CustomResourceDefinition)
		path   string
		schema func(t *testing.T, d doc)
	}{
		{
			name: "cluster-scoped",
			edit: func(c *apiextensions.CustomResourceDefinition) { c.Spec.Scope = apiextensions.ClusterScoped },
			path: "/apis/stable.example.com/v1/crontabs/{name}",
		},
		{
			name: "no schema",
			edit: func(c *apiextensions.CustomResourceDefinition) { c.Spec.Versions[0].Schema = nil },
			path: "/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}",
			schema: func(t *testing.T, d doc) {
				if s := d.schema(t, "com.example.stable.v1.CronTab"); s["x-kubernetes-preserve-unknown-fields"] != true || s["type"] != "object" {
					t.Errorf("schema = %v, want an object preserving unknown fields", s)
				}
			},
		},
		{
			name: "embedded resource",
			edit: func(c *apiextensions.CustomResourceDefinition) {
				spec := c.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"]
				spec.Properties["template"] = apiextensions.JSONSchemaProps{Type: "object", XEmbeddedResource: true,
					XPreserveUnknownFields: new(bool)}
				c.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"] = spec
			},
			path: "/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}",
			schema: func(t *testing.T, d doc) {
				if typ := d.field(t, "com.example.stable.v1.CronTab", "spec.template.kind")["type"]; typ != "string" {
					t.Errorf("embedded resource kind type = %v, want string", typ)
				}
				d.field(t, "com.example.stable.v1.CronTab", "spec.template.metadata.name")
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := openapi.New(api.NewBuiltinScheme(), fast)
			crd := crontabCRD(t)
			tt.edit(crd)
			if err := b.AddCRD(crd); err != nil {
				t.Fatal(err)
			}
			d := getDoc(t, b.Handler(), "apis/stable.example.com/v1")
			d.op(t, tt.path, "get")
			if tt.schema != nil {
				tt.schema(t, d)
			}
		})
	}

	if err := openapi.New(api.NewBuiltinScheme(), fast).AddCRD(&apiextensions.CustomResourceDefinition{}); err == nil {
		t.Error("AddCRD accepted a CRD without group, kind and plural")
	}
}

// Widget is a Go-typed kind registered at run time.
type Widget struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
	Spec            WidgetSpec `json:"spec"`
}

type WidgetSpec struct {
	Size  int32              `json:"size"`
	Color string             `json:"color,omitempty"`
	Parts []meta.IntOrString `json:"parts,omitempty"`
}

func TestSchemeChanges(t *testing.T) {
	s := api.NewBuiltinScheme()
	b := openapi.New(s, fast)
	h := b.Handler()
	before := getIndex(t, h)
	if err := api.Register[Widget](s, api.Resource{Group: "example.com", Version: "v1", Kind: "Widget", Plural: "widgets", Namespaced: true}); err != nil {
		t.Fatal(err)
	}
	after := getIndex(t, h)
	if _, ok := after.Paths["apis/example.com/v1"]; !ok {
		t.Fatalf("index lacks the new group-version: %v", after.Paths)
	}
	if after.Paths["api/v1"] != before.Paths["api/v1"] {
		t.Error("api/v1 changed when an unrelated kind was registered")
	}
	d := getDoc(t, h, "apis/example.com/v1")
	const widget = "com.github.spar-dev.spar.apiserver.openapi_test.Widget"
	if req := d.schema(t, widget+"Spec")["required"]; fmt.Sprint(req) != "[size]" {
		t.Errorf("WidgetSpec required = %v, want [size]", req)
	}
	if typ := d.resolve(d.field(t, widget, "spec.parts.[]"))["format"]; typ != "int-or-string" {
		t.Errorf("spec.parts items format = %v, want int-or-string", typ)
	}
	gvks, _ := json.Marshal(d.schema(t, widget)["x-kubernetes-group-version-kind"])
	if want := `[{"group":"example.com","kind":"Widget","version":"v1"}]`; string(gvks) != want {
		t.Errorf("Widget x-kubernetes-group-version-kind = %s, want %s", gvks, want)
	}

	s.Remove(api.GVR{Group: "example.com", Version: "v1", Resource: "widgets"})
	if got := getIndex(t, h); !equalIndex(got, before) {
		t.Error("index after removing the kind differs from the one before")
	}
}

func TestHandler(t *testing.T) {
	b := openapi.New(api.NewBuiltinScheme(), fast)
	h := b.Handler()
	current := getIndex(t, h).Paths["apis/apps/v1"].ServerRelativeURL
	hash := current[strings.Index(current, "hash=")+len("hash="):]
	stale := "/openapi/v3/apis/apps/v1?hash=0123"

	tests := []struct {
		name         string
		method       string
		target       string
		header       []string
		wantCode     int
		wantType     string
		wantCache    string
		wantLocation string
	}{
		{"index", "GET", "/openapi/v3", nil, 200, "application/json", "", ""},
		{"index with slash", "GET", "/openapi/v3/", nil, 200, "application/json", "", ""},
		{"hashed document", "GET", current, []string{"Accept", "application/json"}, 200, "application/json", "public, immutable, max-age=31536000", ""},
		{"unhashed document", "GET", "/openapi/v3/apis/apps/v1", nil, 200, "application/json", "", ""},
		{"protobuf asked, JSON served", "GET", current, []string{"Accept", "application/com.github.proto-openapi.spec.v3@v1.0+protobuf"}, 200, "application/json", "public, immutable, max-age=31536000", ""},
		{"kubectl's accept", "GET", current, []string{"Accept", "application/json, */*"}, 200, "application/json", "public, immutable, max-age=31536000", ""},
		{"not acceptable", "GET", current, []string{"Accept", "text/html"}, 406, "application/json", "", ""},
		{"stale hash", "GET", stale, nil, 301, "", "", current},
		{"not modified", "GET", current, []string{"If-None-Match", `"` + hash + `"`}, 304, "", "public, immutable, max-age=31536000", ""},
		{"head", "HEAD", current, nil, 200, "application/json", "public, immutable, max-age=31536000", ""},
		{"unknown group-version", "GET", "/openapi/v3/apis/nope/v1", nil, 404, "application/json", "", ""},
		{"outside the prefix", "GET", "/openapi/v3x", nil, 404, "application/json", "", ""},
		{"post", "POST", "/openapi/v3", nil, 405, "application/json", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.target, nil)
			for i := 0; i+1 < len(tt.header); i += 2 {
				req.Header.Set(tt.header[i], tt.header[i+1])
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.wantCode {
				t.Fatalf("code = %d, want %d (%s)", rec.Code, tt.wantCode, rec.Body)
			}
			if got := rec.Header().Get("Content-Type"); tt.wantType != "" && got != tt.wantType {
				t.Errorf("Content-Type = %q, want %q", got, tt.wantType)
			}
			if got := rec.Header().Get("Cache-Control"); got != tt.wantCache {
				t.Errorf("Cache-Control = %q, want %q", got, tt.wantCache)
			}
			if got := rec.Header().Get("Location"); got != tt.wantLocation {
				t.Errorf("Location = %q, want %q", got, tt.wantLocation)
			}
			if tt.wantCode == 200 && rec.Header().Get("ETag") == "" {
				t.Error("no ETag")
			}
			if tt.wantCode == 200 && tt.method == "GET" && !json.Valid(rec.Body.Bytes()) {
				t.Errorf("body is not JSON: %.200s", rec.Body)
			}
		})
	}
	if etag := get(t, h, current).Header().Get("ETag"); etag != `"`+hash+`"` {
		t.Errorf("ETag = %s, want the quoted hash %q", etag, hash)
	}
}

// Requests, scheme changes and CRD changes may come from any goroutine.
func TestConcurrentUse(t *testing.T) {
	s := api.NewBuiltinScheme()
	b := openapi.New(s, fast)
	h := b.Handler()
	crd := crontabCRD(t)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 20 {
				switch (i + j) % 4 {
				case 0:
					if err := b.AddCRD(crd); err != nil {
						t.Error(err)
					}
				case 1:
					b.RemoveCRD(crd.Name)
				default:
					idx := getIndex(t, h)
					for gv, e := range idx.Paths {
						if gv != "apis/apps/v1" {
							continue
						}
						// The document may have changed since the index was
						// read: then the stale hash redirects.
						if rec := get(t, h, e.ServerRelativeURL); rec.Code != 200 && rec.Code != 301 {
							t.Errorf("GET %s: %d", e.ServerRelativeURL, rec.Code)
						}
					}
				}
			}
		}()
	}
	wg.Wait()
}
