package openapi_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	openapi_v2 "github.com/google/gnostic-models/openapiv2"
	"google.golang.org/protobuf/proto"
	"sigs.k8s.io/yaml"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/apiextensions"
	"github.com/spar-dev/spar/apiserver/openapi"
)

// What client-go's DiscoveryClient.OpenAPISchema sends, and the media type
// Kubernetes answers with (the '@' form does not parse with Go's mime).
const (
	acceptProtoV2 = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"
	mediaProtoV2  = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
)

// getSwagger fetches /openapi/v2 in protobuf and decodes it as client-go does.
func getSwagger(t testing.TB, h http.Handler) *openapi_v2.Document {
	t.Helper()
	rec := get(t, h, "/openapi/v2?timeout=32s", "Accept", acceptProtoV2)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /openapi/v2: %d %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != mediaProtoV2 {
		t.Errorf("Content-Type = %q, want %q", ct, mediaProtoV2)
	}
	d := new(openapi_v2.Document)
	if err := proto.Unmarshal(rec.Body.Bytes(), d); err != nil {
		t.Fatalf("decoding the protobuf document: %v", err)
	}
	return d
}

// getSwaggerJSON fetches /openapi/v2 in JSON.
func getSwaggerJSON(t testing.TB, h http.Handler) []byte {
	t.Helper()
	rec := get(t, h, "/openapi/v2", "Accept", "application/json")
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("GET /openapi/v2 (JSON): %d %s %.200s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	return rec.Body.Bytes()
}

func definition(d *openapi_v2.Document, name string) *openapi_v2.Schema {
	for _, nd := range d.GetDefinitions().GetAdditionalProperties() {
		if nd.GetName() == name {
			return nd.GetValue()
		}
	}
	return nil
}

func property(s *openapi_v2.Schema, name string) *openapi_v2.Schema {
	for _, np := range s.GetProperties().GetAdditionalProperties() {
		if np.GetName() == name {
			return np.GetValue()
		}
	}
	return nil
}

// extension decodes a vendor extension from the YAML gnostic keeps it in,
// as kubectl does.
func extension(t testing.TB, ext []*openapi_v2.NamedAny, name string) any {
	t.Helper()
	for _, e := range ext {
		if e.GetName() == name {
			var v any
			if err := yaml.Unmarshal([]byte(e.GetValue().GetYaml()), &v); err != nil {
				t.Fatalf("extension %s: %v", name, err)
			}
			return v
		}
	}
	return nil
}

// field walks a dotted path of properties from a definition, following
// $refs and "[]" into array items, and returns the last property schema,
// unresolved, so that its extensions can be checked.
func field(t testing.TB, d *openapi_v2.Document, root, path string) *openapi_v2.Schema {
	t.Helper()
	s := definition(d, root)
	if s == nil {
		t.Fatalf("no definition %s", root)
	}
	var prop *openapi_v2.Schema
	for _, name := range strings.Split(path, ".") {
		for s.GetXRef() != "" {
			s = definition(d, strings.TrimPrefix(s.GetXRef(), "#/definitions/"))
		}
		if name == "[]" {
			items := s.GetItems().GetSchema()
			if len(items) != 1 {
				t.Fatalf("%s: %s has %d item schemas", root, path, len(items))
			}
			prop = items[0]
		} else {
			prop = property(s, name)
		}
		if prop == nil {
			t.Fatalf("%s: no field %s in %s", root, name, path)
		}
		s = prop
	}
	return prop
}

// checkKubectlReadable applies to every definition the rules of kubectl's
// v2 reader (k8s.io/kube-openapi/pkg/util/proto, used by kubectl 1.27 and
// 1.28 for validation, apply and explain), any break of which makes it
// reject the whole document: a $ref names a definition and has neither a
// type nor properties, a schema has at most one type, an array has exactly
// one item schema, and primitive types are the JSON ones. allOf and oneOf,
// which it ignores, are not used.
func checkKubectlReadable(t testing.TB, d *openapi_v2.Document) {
	t.Helper()
	defs := map[string]bool{}
	for _, nd := range d.GetDefinitions().GetAdditionalProperties() {
		defs[nd.GetName()] = true
	}
	var check func(path string, s *openapi_v2.Schema)
	check = func(path string, s *openapi_v2.Schema) {
		if len(s.GetAllOf()) > 0 {
			t.Errorf("%s: allOf in a v2 schema", path)
		}
		if ref := s.GetXRef(); ref != "" {
			name, ok := strings.CutPrefix(ref, "#/definitions/")
			if !ok || !defs[name] {
				t.Errorf("%s: dangling $ref %q", path, ref)
			}
			if len(s.GetType().GetValue()) > 0 || len(s.GetProperties().GetAdditionalProperties()) > 0 {
				t.Errorf("%s: $ref with a type or properties", path)
			}
			return
		}
		for _, np := range s.GetProperties().GetAdditionalProperties() {
			check(path+"."+np.GetName(), np.GetValue())
		}
		if ap := s.GetAdditionalProperties().GetSchema(); ap != nil {
			check(path+".<value>", ap)
		}
		types := s.GetType().GetValue()
		switch {
		case len(types) > 1:
			t.Errorf("%s: several types %q", path, types)
		case len(types) == 1 && types[0] == "array":
			items := s.GetItems().GetSchema()
			if len(items) != 1 {
				t.Errorf("%s: array with %d item schemas", path, len(items))
				return
			}
			check(path+".[]", items[0])
		case len(types) == 1 && !slices.Contains([]string{"object", "string", "integer", "number", "boolean"}, types[0]):
			t.Errorf("%s: unknown type %q", path, types[0])
		}
	}
	for _, nd := range d.GetDefinitions().GetAdditionalProperties() {
		check(nd.GetName(), nd.GetValue())
	}
}

// The JSON document parses with gnostic, is the whole API, and carries
// what kubectl 1.27 and 1.28 read from it: kinds on definitions, the patch
// strategies and merge keys apply computes strategic merge patches from,
// and PATCH operations with the fieldValidation parameter.
func TestSwaggerDocument(t *testing.T) {
	s := api.NewBuiltinScheme()
	b := openapi.New(s, openapi.Options{})
	if err := b.AddCRD(crontabCRD(t)); err != nil {
		t.Fatal(err)
	}
	h := b.Handler()
	d, err := openapi_v2.ParseDocument(getSwaggerJSON(t, h))
	if err != nil {
		t.Fatalf("gnostic does not parse the document: %v", err)
	}
	if d.GetSwagger() != "2.0" || d.GetInfo().GetTitle() == "" {
		t.Errorf("swagger = %q, info.title = %q; want 2.0 and a title", d.GetSwagger(), d.GetInfo().GetTitle())
	}
	checkKubectlReadable(t, d)

	// Every resource of every group-version, and the custom one, has its paths.
	paths := map[string]*openapi_v2.PathItem{}
	for _, np := range d.GetPaths().GetPath() {
		paths[np.GetName()] = np.GetValue()
	}
	for _, r := range s.Resources() {
		p := "/apis/" + r.Group + "/" + r.Version
		if r.Group == "" {
			p = "/api/" + r.Version
		}
		if r.Namespaced {
			p += "/namespaces/{namespace}"
		}
		p += "/" + r.Plural + "/{name}"
		if paths[p] == nil && slices.Contains(r.Verbs, "get") {
			t.Errorf("no path %s", p)
		}
	}

	const deployment = "io.k8s.api.apps.v1.Deployment"
	dep := definition(d, deployment)
	if dep == nil {
		t.Fatalf("no definition %s", deployment)
	}
	gvks, _ := json.Marshal(extension(t, dep.GetVendorExtension(), "x-kubernetes-group-version-kind"))
	if want := `[{"group":"apps","kind":"Deployment","version":"v1"}]`; string(gvks) != want {
		t.Errorf("Deployment x-kubernetes-group-version-kind = %s, want %s", gvks, want)
	}
	if desc := dep.GetDescription(); desc == "" {
		t.Error("Deployment has no description")
	}

	exts := []struct {
		root, path, strategy, key string
	}{
		{deployment, "spec.template.spec.containers", "merge", "name"},
		{deployment, "spec.template.spec.containers.[].env", "merge", "name"},
		{deployment, "spec.template.spec.containers.[].ports", "merge", "containerPort"},
		{deployment, "spec.template.spec.volumes", "merge,retainKeys", "name"},
		{deployment, "spec.strategy", "retainKeys", ""},
		{"io.k8s.api.core.v1.Service", "spec.ports", "merge", "port"},
	}
	for _, e := range exts {
		f := field(t, d, e.root, e.path)
		strategy, _ := extension(t, f.GetVendorExtension(), "x-kubernetes-patch-strategy").(string)
		key, _ := extension(t, f.GetVendorExtension(), "x-kubernetes-patch-merge-key").(string)
		if strategy != e.strategy || key != e.key {
			t.Errorf("%s %s: patch strategy %q, merge key %q; want %q, %q", e.root, e.path, strategy, key, e.strategy, e.key)
		}
	}
	// A reference keeps its description beside the $ref.
	if f := field(t, d, deployment, "spec.strategy"); f.GetXRef() != "#/definitions/io.k8s.api.apps.v1.DeploymentStrategy" || f.GetDescription() == "" {
		t.Errorf("spec.strategy = $ref %q, description %q; want a described reference to DeploymentStrategy", f.GetXRef(), f.GetDescription())
	}
	if f := definition(d, "io.k8s.apimachinery.pkg.util.intstr.IntOrString"); f.GetFormat() != "int-or-string" || !slices.Equal(f.GetType().GetValue(), []string{"string"}) {
		t.Errorf("IntOrString = %v, want a string of format int-or-string", f)
	}

	ops := []struct {
		path  string
		kind  string
		types []string
	}{
		{"/apis/apps/v1/namespaces/{namespace}/deployments/{name}", "Deployment",
			[]string{"application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json"}},
		{"/api/v1/namespaces/{namespace}/configmaps/{name}", "ConfigMap",
			[]string{"application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json"}},
		{"/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}", "CronTab",
			[]string{"application/json-patch+json", "application/merge-patch+json"}},
	}
	for _, o := range ops {
		item := paths[o.path]
		if item == nil || item.GetPatch() == nil {
			t.Errorf("no PATCH %s", o.path)
			continue
		}
		patch := item.GetPatch()
		if got := patch.GetConsumes(); !slices.Equal(got, o.types) {
			t.Errorf("PATCH %s consumes %q, want %q", o.path, got, o.types)
		}
		var names []string
		var body *openapi_v2.BodyParameter
		for _, p := range patch.GetParameters() {
			if bp := p.GetParameter().GetBodyParameter(); bp != nil {
				body = bp
				continue
			}
			names = append(names, p.GetParameter().GetNonBodyParameter().GetQueryParameterSubSchema().GetName())
		}
		if !slices.Contains(names, "fieldValidation") {
			t.Errorf("PATCH %s query parameters %q lack fieldValidation", o.path, names)
		}
		if body == nil || body.GetName() != "body" || !body.GetRequired() || body.GetSchema().GetXRef() != "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch" {
			t.Errorf("PATCH %s body parameter = %v, want a required body referring to Patch", o.path, body)
		}
		k, _ := extension(t, patch.GetVendorExtension(), "x-kubernetes-group-version-kind").(map[string]any)
		if k["kind"] != o.kind {
			t.Errorf("PATCH %s x-kubernetes-group-version-kind = %v, want kind %s", o.path, k, o.kind)
		}
		if a, _ := extension(t, patch.GetVendorExtension(), "x-kubernetes-action").(string); a != "patch" {
			t.Errorf("PATCH %s x-kubernetes-action = %q, want patch", o.path, a)
		}
		ok := patch.GetResponses().GetResponseCode()
		if len(ok) == 0 || ok[0].GetValue().GetResponse().GetSchema().GetSchema().GetXRef() == "" {
			t.Errorf("PATCH %s has no response schema", o.path)
		}
	}

	// The object body of a create is the body parameter.
	post := paths["/apis/apps/v1/namespaces/{namespace}/deployments"].GetPost()
	if bp := post.GetParameters()[0].GetParameter().GetBodyParameter(); bp.GetSchema().GetXRef() != "#/definitions/"+deployment {
		t.Errorf("POST deployments body = %v, want a $ref to %s", bp, deployment)
	}

	// The custom resource: its schema, the metadata reference, its list.
	const crontab = "com.example.stable.v1.CronTab"
	if f := field(t, d, crontab, "spec.cronSpec"); !slices.Equal(f.GetType().GetValue(), []string{"string"}) {
		t.Errorf("CronTab spec.cronSpec type = %v, want string", f.GetType().GetValue())
	}
	if f := field(t, d, crontab, "metadata"); f.GetXRef() != "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" {
		t.Errorf("CronTab metadata = %v, want a $ref to ObjectMeta", f)
	}
	if f := field(t, d, crontab+"List", "items.[]"); f.GetXRef() != "#/definitions/"+crontab {
		t.Errorf("CronTabList items = %v, want $refs to %s", f, crontab)
	}
}

// The served protobuf is the JSON document as a gnostic openapi_v2.Document,
// under the same ETag; the document follows the scheme and the CRDs.
func TestSwaggerProtobuf(t *testing.T) {
	b := openapi.New(api.NewBuiltinScheme(), fast)
	h := b.Handler()
	fromProto := getSwagger(t, h)
	fromJSON, err := openapi_v2.ParseDocument(getSwaggerJSON(t, h))
	if err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(fromProto, fromJSON) {
		t.Error("the protobuf document differs from the JSON one parsed by gnostic")
	}
	checkKubectlReadable(t, fromProto)
	if definition(fromProto, "io.k8s.api.apps.v1.Deployment") == nil {
		t.Error("no Deployment definition in the protobuf document")
	}
	if definition(fromProto, "com.example.stable.v1.CronTab") != nil {
		t.Error("CronTab is published before its CRD is added")
	}

	// The document follows the CRDs (checked in JSON, which shares the
	// ETag of the protobuf form and is cheaper to generate).
	definitions := func() (map[string]json.RawMessage, string) {
		rec := get(t, h, "/openapi/v2", "Accept", "application/json")
		var doc struct{ Definitions map[string]json.RawMessage }
		if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		return doc.Definitions, rec.Header().Get("ETag")
	}
	_, etag := definitions()
	if err := b.AddCRD(crontabCRD(t)); err != nil {
		t.Fatal(err)
	}
	defs, added := definitions()
	if defs["com.example.stable.v1.CronTab"] == nil {
		t.Error("no CronTab definition after AddCRD")
	}
	if added == etag {
		t.Error("the ETag did not change with the CRDs")
	}
	b.RemoveCRD("crontabs.stable.example.com")
	defs, removed := definitions()
	if defs["com.example.stable.v1.CronTab"] != nil {
		t.Error("CronTab is still published after RemoveCRD")
	}
	if removed != etag {
		t.Errorf("ETag after RemoveCRD = %s, want the one before AddCRD, %s", removed, etag)
	}
}

func TestSwaggerHandler(t *testing.T) {
	h := openapi.New(api.NewBuiltinScheme(), fast).Handler()
	jsonBody := getSwaggerJSON(t, h)
	protoBody := get(t, h, "/openapi/v2", "Accept", acceptProtoV2).Body.Bytes()
	etag := get(t, h, "/openapi/v2").Header().Get("ETag")
	if len(etag) != 130 {
		t.Fatalf("ETag = %s, want a quoted SHA-512 in hex", etag)
	}

	tests := []struct {
		name, path string
		header     []string
		code       int
		media      string // Content-Type; "" for none
		body       []byte
	}{
		{"kubectl", "/openapi/v2?timeout=32s", []string{"Accept", acceptProtoV2}, 200, mediaProtoV2, protoBody},
		{"new protobuf name", "/openapi/v2", []string{"Accept", mediaProtoV2}, 200, mediaProtoV2, protoBody},
		{"no Accept", "/openapi/v2", nil, 200, "application/json", jsonBody},
		{"wildcard", "/openapi/v2", []string{"Accept", "*/*"}, 200, "application/json", jsonBody},
		{"JSON", "/openapi/v2", []string{"Accept", "application/json"}, 200, "application/json", jsonBody},
		{"by q", "/openapi/v2", []string{"Accept", "application/json;q=0.5, " + acceptProtoV2}, 200, mediaProtoV2, protoBody},
		{"q=0", "/openapi/v2", []string{"Accept", "application/json;q=0, application/*"}, 200, "application/json", jsonBody},
		{"specific first", "/openapi/v2", []string{"Accept", "*/*, " + acceptProtoV2}, 200, mediaProtoV2, protoBody},
		{"legacy path", "/swagger-2.0.0.pb-v1", []string{"Accept", "application/json, */*"}, 200, mediaProtoV2, protoBody},
		{"not acceptable", "/openapi/v2", []string{"Accept", "text/html"}, 406, "application/json", nil},
		{"not modified", "/openapi/v2", []string{"Accept", acceptProtoV2, "If-None-Match", etag}, 304, "", nil},
		{"modified", "/openapi/v2", []string{"Accept", acceptProtoV2, "If-None-Match", `"0123"`}, 200, mediaProtoV2, protoBody},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := get(t, h, tt.path, tt.header...)
			if rec.Code != tt.code {
				t.Fatalf("code = %d, want %d: %.300s", rec.Code, tt.code, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); tt.media != "" && ct != tt.media {
				t.Errorf("Content-Type = %q, want %q", ct, tt.media)
			}
			if _, _, err := mime.ParseMediaType(rec.Header().Get("Content-Type")); tt.media != "" && err != nil {
				t.Errorf("Content-Type %q does not parse (client-go rejects it): %v", rec.Header().Get("Content-Type"), err)
			}
			if tt.body != nil && !bytes.Equal(rec.Body.Bytes(), tt.body) {
				t.Errorf("body (%d bytes) is not the expected document (%d bytes)", rec.Body.Len(), len(tt.body))
			}
			if tt.code == 200 && rec.Header().Get("ETag") != etag {
				t.Errorf("ETag = %s, want %s for every form", rec.Header().Get("ETag"), etag)
			}
		})
	}

	// gzip for clients that accept it; the same document inside.
	for _, accept := range []string{"application/json", acceptProtoV2} {
		rec := get(t, h, "/openapi/v2", "Accept", accept, "Accept-Encoding", "gzip, deflate")
		if rec.Header().Get("Content-Encoding") != "gzip" || !slices.Contains(rec.Header().Values("Vary"), "Accept-Encoding") {
			t.Errorf("%s: Content-Encoding %q, Vary %q; want gzip and Vary on Accept-Encoding", accept, rec.Header().Get("Content-Encoding"), rec.Header().Values("Vary"))
			continue
		}
		zr, err := gzip.NewReader(rec.Body)
		if err != nil {
			t.Fatal(err)
		}
		plain, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		want := jsonBody
		if accept == acceptProtoV2 {
			want = protoBody
		}
		if !bytes.Equal(plain, want) {
			t.Errorf("%s: the gzipped body is not the document", accept)
		}
	}
	if rec := get(t, h, "/openapi/v2", "Accept-Encoding", "gzip;q=0"); rec.Header().Get("Content-Encoding") != "" {
		t.Error("gzip;q=0 got a gzipped body")
	}
}

// A CRD's schema may use what Swagger 2.0 and kubectl's v2 reader cannot
// take; the v2 document leaves that out as Kubernetes does, and the v3
// document keeps it.
func TestSwaggerCustomResourceSchemas(t *testing.T) {
	var props apiextensions.JSONSchemaProps
	err := yaml.Unmarshal([]byte(`
type: object
properties:
  spec:
    type: object
    required: [size, note]
    properties:
      size:
        x-kubernetes-int-or-string: true
        anyOf: [{type: integer}, {type: string}]
      note: {type: string, nullable: true}
      config:
        type: object
        x-kubernetes-preserve-unknown-fields: true
        properties:
          known: {type: string}
      extras:
        type: array
        x-kubernetes-preserve-unknown-fields: true
        items: {type: object}
      ports:
        type: array
        x-kubernetes-list-type: map
        x-kubernetes-list-map-keys: [name]
        items:
          type: object
          required: [name]
          properties:
            name: {type: string}
            port: {type: integer, minimum: 1, maximum: 65535}
      template:
        type: object
        x-kubernetes-embedded-resource: true
        properties:
          spec: {type: object, x-kubernetes-preserve-unknown-fields: true}
      raw:
        type: object
        x-kubernetes-embedded-resource: true
        x-kubernetes-preserve-unknown-fields: true
      pattern:
        type: object
        patternProperties: {"^a": {type: string}}
      mode: {type: string, enum: [fast, slow], default: fast}
      ratio: {type: number, multipleOf: 0.5, minimum: -1e3, default: 1.5}
      flags: {type: object, additionalProperties: {type: boolean}, default: {on: true, off: false}}
      rules:
        type: string
        x-kubernetes-validations: [{rule: "self != 'x'", message: "not x"}]
`), &props)
	if err != nil {
		t.Fatal(err)
	}
	crd := crontabCRD(t)
	crd.Spec.Versions[0].Schema.OpenAPIV3Schema = &props
	b := openapi.New(api.NewBuiltinScheme(), fast)
	if err := b.AddCRD(crd); err != nil {
		t.Fatal(err)
	}
	h := b.Handler()
	d, err := openapi_v2.ParseDocument(getSwaggerJSON(t, h))
	if err != nil {
		t.Fatalf("gnostic does not parse the document: %v", err)
	}
	checkKubectlReadable(t, d)
	if !proto.Equal(getSwagger(t, h), d) {
		t.Error("the protobuf document differs from the JSON one parsed by gnostic")
	}

	const crontab = "com.example.stable.v1.CronTab"
	types := func(path string) []string { return field(t, d, crontab, path).GetType().GetValue() }
	if got := types("spec.size"); len(got) != 0 {
		t.Errorf("spec.size types = %q, want none (int-or-string)", got)
	}
	if got := types("spec.note"); len(got) != 0 {
		t.Errorf("spec.note types = %q, want none (nullable)", got)
	}
	if got := field(t, d, crontab, "spec").GetRequired(); !slices.Equal(got, []string{"size"}) {
		t.Errorf("spec required = %q, want [size]: a nullable field is not required in v2", got)
	}
	if p := field(t, d, crontab, "spec.config"); p.GetProperties() != nil {
		t.Error("spec.config keeps its properties although it preserves unknown fields")
	}
	if p := field(t, d, crontab, "spec.extras"); len(p.GetType().GetValue()) != 0 || p.GetItems() != nil {
		t.Errorf("spec.extras = %v, want neither type nor items", p)
	}
	if got := types("spec.ports.[].port"); !slices.Equal(got, []string{"integer"}) {
		t.Errorf("spec.ports[].port types = %q, want integer", got)
	}
	if mk, _ := json.Marshal(extension(t, field(t, d, crontab, "spec.ports").GetVendorExtension(), "x-kubernetes-list-map-keys")); string(mk) != `["name"]` {
		t.Errorf("spec.ports x-kubernetes-list-map-keys = %s, want [\"name\"]", mk)
	}
	if f := field(t, d, crontab, "spec.template.metadata"); f.GetXRef() != "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" {
		t.Errorf("embedded spec.template.metadata = %v, want a $ref to ObjectMeta", f)
	}
	if p := field(t, d, crontab, "spec.raw"); p.GetProperties() != nil {
		t.Error("spec.raw, an embedded resource preserving unknown fields, has properties in v2")
	}
	if got := field(t, d, crontab, "spec.mode").GetEnum(); len(got) != 2 {
		t.Errorf("spec.mode enum = %v, want 2 values", got)
	}
	if rules := extension(t, field(t, d, crontab, "spec.rules").GetVendorExtension(), "x-kubernetes-validations"); rules == nil {
		t.Error("spec.rules lost x-kubernetes-validations")
	}

	// The v3 document keeps the v3 forms.
	v3 := getDoc(t, h, "apis/stable.example.com/v1")
	if v3.field(t, crontab, "spec.note")["nullable"] != true || v3.field(t, crontab, "spec.size")["anyOf"] == nil {
		t.Error("the v3 document lost nullable or anyOf")
	}

	// A schema that preserves unknown fields at its root is a bare object
	// in v2: kubectl would otherwise reject every field it does not list.
	props.XPreserveUnknownFields = new(bool)
	*props.XPreserveUnknownFields = true
	if err := b.AddCRD(crd); err != nil {
		t.Fatal(err)
	}
	d = getSwagger(t, h)
	ct := definition(d, crontab)
	if ct == nil || ct.GetProperties() != nil || !slices.Equal(ct.GetType().GetValue(), []string{"object"}) {
		t.Errorf("CronTab preserving unknown fields = %v, want a bare object", ct)
	}
	if gvk := extension(t, ct.GetVendorExtension(), "x-kubernetes-group-version-kind"); gvk == nil {
		t.Error("the bare CronTab schema lost its x-kubernetes-group-version-kind")
	}
}

// The v2 and v3 documents may be requested while CRDs come and go; every
// answer is a whole, decodable document.
func TestSwaggerConcurrentUse(t *testing.T) {
	b := openapi.New(api.NewBuiltinScheme(), fast)
	h := b.Handler()
	crd := crontabCRD(t)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for j := range 3 {
				switch (i + j) % 4 {
				case 0:
					if err := b.AddCRD(crd); err != nil {
						t.Error(err)
					}
				case 1:
					b.RemoveCRD(crd.Name)
				case 2:
					if d := getSwagger(t, h); definition(d, "io.k8s.api.apps.v1.Deployment") == nil {
						t.Error("a v2 document without Deployment")
					}
				default:
					getSwaggerJSON(t, h)
					getIndex(t, h)
				}
			}
		})
	}
	wg.Wait()
}
