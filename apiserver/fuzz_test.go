package apiserver_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/spar-dev/spar/apiserver/apiservertest"
)

// FuzzRequestBody sends arbitrary bodies to the write paths (create,
// update, the three patch types, a subresource) with JSON and YAML content
// types. Whatever the body, the server answers with an object or a Status,
// never a 500 or a panic, and its answer is valid JSON.
func FuzzRequestBody(f *testing.F) {
	for _, seed := range []string{
		`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"k":"v"}}`,
		`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"replicas":-1,"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}}`,
		`[{"op":"replace","path":"/data/k","value":"w"}]`,
		`{"metadata":{"labels":{"x":"y"}},"data":{"$patch":"replace"}}`,
		"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n",
		`{"spec":{"replicas":"3"}}`, `null`, `{}`, `[`, "\xff\xfe",
	} {
		for m := range 7 {
			f.Add([]byte(seed), uint8(m))
		}
	}
	srv := apiservertest.Start(f, nil)
	do := func(method, path, ctype string, body []byte) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, path, bytes.NewReader(body))
		r.Header.Set("Content-Type", ctype)
		w := httptest.NewRecorder()
		srv.Server.ServeHTTP(w, r)
		return w
	}
	if w := do("POST", "/api/v1/namespaces/default/configmaps", "application/json", []byte(`{"metadata":{"name":"a"},"data":{"k":"v"}}`)); w.Code != http.StatusCreated {
		f.Fatalf("seed configmap: %d %s", w.Code, w.Body)
	}
	if w := do("POST", "/apis/apps/v1/namespaces/default/deployments", "application/json", []byte(`{"metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}}`)); w.Code != http.StatusCreated {
		f.Fatalf("seed deployment: %d %s", w.Code, w.Body)
	}
	requests := []struct{ method, path, ctype string }{
		{"POST", "/api/v1/namespaces/default/configmaps?dryRun=All", "application/json"},
		{"POST", "/apis/apps/v1/namespaces/default/deployments?dryRun=All&fieldValidation=Strict", "application/yaml"},
		{"PUT", "/api/v1/namespaces/default/configmaps/a?dryRun=All", "application/json"},
		{"PATCH", "/api/v1/namespaces/default/configmaps/a?dryRun=All", "application/json-patch+json"},
		{"PATCH", "/api/v1/namespaces/default/configmaps/a?dryRun=All", "application/merge-patch+json"},
		{"PATCH", "/apis/apps/v1/namespaces/default/deployments/d?dryRun=All", "application/strategic-merge-patch+json"},
		{"PUT", "/apis/apps/v1/namespaces/default/deployments/d/scale?dryRun=All", "application/json"},
	}
	f.Fuzz(func(t *testing.T, body []byte, which uint8) {
		rq := requests[int(which)%len(requests)]
		w := do(rq.method, rq.path, rq.ctype, body)
		if w.Code >= 500 {
			t.Fatalf("%s %s (%s) with %q: %d %s", rq.method, rq.path, rq.ctype, body, w.Code, w.Body)
		}
		if !json.Valid(w.Body.Bytes()) {
			t.Fatalf("%s %s with %q: the answer is not JSON: %s", rq.method, rq.path, body, w.Body)
		}
		if w.Code >= 400 {
			var st struct{ Kind string }
			if json.Unmarshal(w.Body.Bytes(), &st); st.Kind != "Status" {
				t.Fatalf("%s %s with %q: error %d without a Status: %s", rq.method, rq.path, body, w.Code, w.Body)
			}
		}
	})
}
