package audit_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/apiserver/apiservertest"
	"github.com/spar-dev/spar/apiserver/audit"
	"github.com/spar-dev/spar/apiserver/authn"
)

// alice is the user the test front end authenticates every request as.
var alice = &authn.User{Name: "alice", UID: "u-1", Groups: []string{"devs", "system:authenticated"}, Extra: map[string][]string{"scope": {"test"}}}

// withUser plays the authentication stage in front of the audit filter.
func withUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(authn.WithUser(r.Context(), alice)))
	})
}

// audited is a real API server behind the audit filter, writing to a log
// file.
type audited struct {
	URL string
	Log string
}

func startAudited(t *testing.T, policy string) *audited {
	t.Helper()
	p, err := audit.ParsePolicy([]byte(policy))
	if err != nil {
		t.Fatal(err)
	}
	srv := apiservertest.Start(t, nil)
	logPath := filepath.Join(t.TempDir(), "audit", "audit.log")
	backend, err := audit.NewLog(audit.LogOptions{Path: logPath})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(withUser(audit.WithAudit(srv.Handler(), p, backend, nil)))
	t.Cleanup(func() {
		ts.Close()
		backend.Close()
	})
	return &audited{URL: ts.URL, Log: logPath}
}

var ids struct {
	sync.Mutex
	n int
}

// do sends a request with a fresh audit ID and returns the response body,
// its code and the ID.
func (a *audited) do(t *testing.T, method, path, body string) (string, int, string) {
	t.Helper()
	ids.Lock()
	ids.n++
	id := fmt.Sprintf("%s-%d", strings.ReplaceAll(t.Name(), "/", "_"), ids.n)
	ids.Unlock()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, a.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set(audit.HeaderAuditID, id)
	req.Header.Set("User-Agent", "audit-test/1.0")
	switch {
	case method == "PATCH":
		req.Header.Set("Content-Type", "application/merge-patch+json")
	case body != "":
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if got := resp.Header.Get("Audit-Id"); got != id {
		t.Errorf("%s %s: Audit-Id response header = %q, want %q", method, path, got, id)
	}
	return string(b), resp.StatusCode, id
}

// readEvents parses the log file: one JSON event per line.
func readEvents(t *testing.T, path string) []audit.Event {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var evs []audit.Event
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var ev audit.Event
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("a line of %s is not an event: %v\n%s", path, err, sc.Bytes())
		}
		evs = append(evs, ev)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return evs
}

// eventsOf waits until the log holds the final event (ResponseComplete or
// Panic) of request id, and returns that request's events in order.
func eventsOf(t *testing.T, path, id string) []audit.Event {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var mine []audit.Event
		done := false
		for _, ev := range readEvents(t, path) {
			if ev.AuditID == id {
				mine = append(mine, ev)
				done = done || ev.Stage == audit.StageResponseComplete || ev.Stage == audit.StagePanic
			}
		}
		if done {
			return mine
		}
		if time.Now().After(deadline) {
			t.Fatalf("no final event for request %s after 20s; got %d events of it", id, len(mine))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func stages(evs []audit.Event) []audit.Stage {
	var s []audit.Stage
	for _, ev := range evs {
		s = append(s, ev.Stage)
	}
	return s
}

const stagesPolicy = `
apiVersion: audit.k8s.io/v1
kind: Policy
rules:
- level: None
  nonResourceURLs: ["/healthz"]
- level: RequestResponse
  resources: [{group: "", resources: ["configmaps"]}]
- level: Request
  resources: [{group: "", resources: ["pods"]}]
- level: Metadata
`

const configMap = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings","namespace":"default"},"data":{"color":"blue-7f3a"}}`

// TestFilterAgainstServer checks events for real requests: stages,
// levels, the fields of each event, bodies as the level says.
func TestFilterAgainstServer(t *testing.T) {
	a := startAudited(t, stagesPolicy)

	t.Run("create at RequestResponse", func(t *testing.T) {
		body, code, id := a.do(t, "POST", "/api/v1/namespaces/default/configmaps", configMap)
		if code != http.StatusCreated {
			t.Fatalf("create: %d %s", code, body)
		}
		evs := eventsOf(t, a.Log, id)
		if got, want := fmt.Sprint(stages(evs)), "[RequestReceived ResponseComplete]"; got != want {
			t.Fatalf("stages = %s, want %s", got, want)
		}
		rr, rc := evs[0], evs[1]
		for _, ev := range evs {
			if ev.Kind != "Event" || ev.APIVersion != "audit.k8s.io/v1" || ev.Level != audit.LevelRequestResponse {
				t.Errorf("%s: kind/apiVersion/level = %s/%s/%s", ev.Stage, ev.Kind, ev.APIVersion, ev.Level)
			}
			if ev.Verb != "create" || ev.RequestURI != "/api/v1/namespaces/default/configmaps" || ev.UserAgent != "audit-test/1.0" {
				t.Errorf("%s: verb %q uri %q agent %q", ev.Stage, ev.Verb, ev.RequestURI, ev.UserAgent)
			}
			if ev.User.Username != "alice" || ev.User.UID != "u-1" || fmt.Sprint(ev.User.Groups) != "[devs system:authenticated]" || ev.User.Extra["scope"][0] != "test" {
				t.Errorf("%s: user = %+v", ev.Stage, ev.User)
			}
			if fmt.Sprint(ev.SourceIPs) != "[127.0.0.1]" {
				t.Errorf("%s: sourceIPs = %v", ev.Stage, ev.SourceIPs)
			}
			if ev.RequestReceivedTimestamp.IsZero() || ev.StageTimestamp.Before(ev.RequestReceivedTimestamp.Time) {
				t.Errorf("%s: timestamps received %v stage %v", ev.Stage, ev.RequestReceivedTimestamp, ev.StageTimestamp)
			}
		}
		if rr.RequestObject != nil || rr.ResponseObject != nil || rr.ResponseStatus != nil {
			t.Errorf("RequestReceived carries bodies or a status: %+v", rr)
		}
		ref := rc.ObjectRef
		if ref == nil || ref.Resource != "configmaps" || ref.Namespace != "default" || ref.Name != "settings" || ref.APIVersion != "v1" || ref.APIGroup != "" {
			t.Errorf("objectRef = %+v, want configmaps default/settings v1 (the name from the body)", ref)
		}
		if rc.ResponseStatus == nil || rc.ResponseStatus.Code != http.StatusCreated {
			t.Errorf("responseStatus = %+v, want code 201", rc.ResponseStatus)
		}
		if !strings.Contains(string(rc.RequestObject), `"color":"blue-7f3a"`) {
			t.Errorf("requestObject = %s, want the body sent", rc.RequestObject)
		}
		var resp struct {
			Metadata struct{ UID, ResourceVersion string } `json:"metadata"`
		}
		if err := json.Unmarshal(rc.ResponseObject, &resp); err != nil || resp.Metadata.UID == "" || resp.Metadata.ResourceVersion == "" {
			t.Errorf("responseObject = %s, want the created object with uid and resourceVersion", rc.ResponseObject)
		}
	})

	t.Run("error at Request", func(t *testing.T) {
		pod := `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"bad","namespace":"default"},"spec":{"containers":[]}}`
		body, code, id := a.do(t, "POST", "/api/v1/namespaces/default/pods", pod)
		if code != http.StatusUnprocessableEntity {
			t.Fatalf("create of an invalid pod: %d %s", code, body)
		}
		rc := eventsOf(t, a.Log, id)[1]
		if rc.Level != audit.LevelRequest || !strings.Contains(string(rc.RequestObject), `"name":"bad"`) || rc.ResponseObject != nil {
			t.Errorf("level %s, requestObject %s, responseObject %s; want Request with only the request body", rc.Level, rc.RequestObject, rc.ResponseObject)
		}
		st := rc.ResponseStatus
		if st == nil || st.Code != 422 || st.Reason != "Invalid" || st.Status != "Failure" || !strings.Contains(st.Message, "bad") {
			t.Errorf("responseStatus = %+v, want the 422 Status's fields", st)
		}
	})

	t.Run("read at Metadata", func(t *testing.T) {
		_, code, id := a.do(t, "GET", "/api/v1/namespaces/default/services/missing", "")
		if code != http.StatusNotFound {
			t.Fatalf("get: %d", code)
		}
		rc := eventsOf(t, a.Log, id)[1]
		if rc.Level != audit.LevelMetadata || rc.Verb != "get" || rc.RequestObject != nil || rc.ResponseObject != nil {
			t.Errorf("event = level %s verb %s bodies %s %s; want Metadata get without bodies", rc.Level, rc.Verb, rc.RequestObject, rc.ResponseObject)
		}
		if rc.ObjectRef == nil || rc.ObjectRef.Name != "missing" || rc.ObjectRef.Resource != "services" {
			t.Errorf("objectRef = %+v", rc.ObjectRef)
		}
		if st := rc.ResponseStatus; st == nil || st.Code != 404 || st.Reason != "NotFound" {
			t.Errorf("responseStatus = %+v, want 404 NotFound", st)
		}
	})

	t.Run("watch is long-running", func(t *testing.T) {
		_, code, id := a.do(t, "GET", "/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1", "")
		if code != http.StatusOK {
			t.Fatalf("watch: %d", code)
		}
		evs := eventsOf(t, a.Log, id)
		if got, want := fmt.Sprint(stages(evs)), "[RequestReceived ResponseStarted ResponseComplete]"; got != want {
			t.Fatalf("stages = %s, want %s", got, want)
		}
		for _, ev := range evs {
			if ev.Verb != "watch" || ev.ResponseObject != nil {
				t.Errorf("%s: verb %s, responseObject %s; want watch, no body at RequestResponse", ev.Stage, ev.Verb, ev.ResponseObject)
			}
		}
		if st := evs[1].ResponseStatus; st == nil || st.Code != 200 {
			t.Errorf("ResponseStarted status = %+v, want 200", st)
		}
	})

	t.Run("level None", func(t *testing.T) {
		_, _, id := a.do(t, "GET", "/healthz", "")
		_, _, fence := a.do(t, "GET", "/version", "")
		eventsOf(t, a.Log, fence)
		for _, ev := range readEvents(t, a.Log) {
			if ev.AuditID == id {
				t.Errorf("a request at level None was recorded: %s", ev.Stage)
			}
		}
	})
}

func TestOmitStagesAndManagedFields(t *testing.T) {
	a := startAudited(t, `
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
omitManagedFields: true
rules:
- level: RequestResponse
  omitStages: [ResponseStarted]
`)
	cm := `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"mf","namespace":"default","managedFields":[{"manager":"kubectl-client-side-apply","operation":"Update","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{"f:data":{}}}]},"data":{"k":"v"}}`
	body, code, id := a.do(t, "POST", "/api/v1/namespaces/default/configmaps", cm)
	if code != http.StatusCreated {
		t.Fatalf("create: %d %s", code, body)
	}
	evs := eventsOf(t, a.Log, id)
	if got := fmt.Sprint(stages(evs)); got != "[ResponseComplete]" {
		t.Fatalf("stages = %s, want [ResponseComplete] (RequestReceived omitted by the policy)", got)
	}
	rc := evs[0]
	for name, obj := range map[string][]byte{"requestObject": rc.RequestObject, "responseObject": rc.ResponseObject} {
		if len(obj) == 0 || bytes.Contains(obj, []byte("managedFields")) || !bytes.Contains(obj, []byte(`"k":"v"`)) {
			t.Errorf("%s = %s, want the object without managedFields", name, obj)
		}
	}
	_, _, id = a.do(t, "GET", "/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1", "")
	if got := fmt.Sprint(stages(eventsOf(t, a.Log, id))); got != "[ResponseComplete]" {
		t.Errorf("watch stages = %s, want [ResponseComplete] (ResponseStarted omitted by the rule)", got)
	}
}

// The secret: data.password is base64 of the plaintext.
const (
	secretPlain  = "hunter2-audit-plaintext"
	secretB64    = "aHVudGVyMi1hdWRpdC1wbGFpbnRleHQ="
	secretObject = `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"db","namespace":"default","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"data\":{\"password\":\"` + secretB64 + `\"}}"}},"type":"Opaque","data":{"password":"` + secretB64 + `"}}`
)

// TestSecretsNeverRecorded writes, reads, lists and patches a secret under
// several policies: its data reaches the audit file only under a rule that
// names secrets with a body-recording level.
func TestSecretsNeverRecorded(t *testing.T) {
	head := "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n"
	cases := []struct {
		name, rules string
		recorded    bool
	}{
		{"Metadata for all", "- level: Metadata\n", false},
		{"RequestResponse for configmaps", "- level: RequestResponse\n  resources: [{group: '', resources: [configmaps]}]\n- level: Metadata\n", false},
		{"RequestResponse for every resource", "- level: RequestResponse\n  resources: [{group: '', resources: ['*']}]\n", false},
		{"RequestResponse for the core group", "- level: RequestResponse\n  resources: [{group: ''}]\n", false},
		{"RequestResponse for everything", "- level: RequestResponse\n", false},
		{"Request for secrets by name", "- level: Request\n  resources: [{group: '', resources: [secrets]}]\n", true},
		{"RequestResponse for secrets by name", "- level: RequestResponse\n  resources: [{group: '', resources: [secrets]}]\n", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := startAudited(t, head+tc.rules)
			if body, code, _ := a.do(t, "POST", "/api/v1/namespaces/default/secrets", secretObject); code != http.StatusCreated {
				t.Fatalf("create secret: %d %s", code, body)
			}
			a.do(t, "GET", "/api/v1/namespaces/default/secrets/db", "")
			a.do(t, "GET", "/api/v1/namespaces/default/secrets", "")
			if body, code, _ := a.do(t, "PATCH", "/api/v1/namespaces/default/secrets/db", `{"data":{"other":"`+secretB64+`"}}`); code != http.StatusOK {
				t.Fatalf("patch secret: %d %s", code, body)
			}
			// A Secret sent to the configmaps endpoint, recorded as a
			// configmaps request, loses its data too.
			a.do(t, "POST", "/api/v1/namespaces/default/configmaps", secretObject)
			_, _, last := a.do(t, "DELETE", "/api/v1/namespaces/default/secrets/db", "")
			eventsOf(t, a.Log, last)

			raw, err := os.ReadFile(a.Log)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range []string{secretPlain, secretB64} {
				if !tc.recorded && bytes.Contains(raw, []byte(s)) {
					t.Errorf("the audit log holds the secret data %q", s)
				}
			}
			if tc.recorded && !bytes.Contains(raw, []byte(secretB64)) {
				t.Errorf("a rule naming secrets did not record the secret's data")
			}
			// Every secret request is still audited, with its metadata.
			n := 0
			for _, ev := range readEvents(t, a.Log) {
				if ev.ObjectRef != nil && ev.ObjectRef.Resource == "secrets" && ev.Stage == audit.StageResponseComplete {
					n++
					if ev.Verb != "list" && ev.ObjectRef.Name != "db" {
						t.Errorf("%s event: objectRef.name = %q, want db (for a create, from the body, at every level)", ev.Verb, ev.ObjectRef.Name)
					}
					if !tc.recorded && ev.Level.AtLeast(audit.LevelRequest) && ev.Annotations[audit.AnnotationRedacted] == "" {
						t.Errorf("%s event at %s without the %s annotation", ev.Verb, ev.Level, audit.AnnotationRedacted)
					}
				}
			}
			if n != 5 {
				t.Errorf("%d secret requests audited, want 5", n)
			}
		})
	}
}

// TestTokenRequestScrubbed: a TokenRequest's token is recorded only by a
// rule naming serviceaccounts/token. The endpoint is a stand-in handler
// answering as kube-apiserver does.
func TestTokenRequestScrubbed(t *testing.T) {
	const token = "eyJhbGciOiJSUzI1NiJ9.secret-token-payload.sig"
	tokenHandler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `{"kind":"TokenRequest","apiVersion":"authentication.k8s.io/v1","metadata":{"name":"default","namespace":"ns"},"spec":{"audiences":["api"]},"status":{"token":%q,"expirationTimestamp":"2030-01-01T00:00:00Z"}}`, token)
	})
	for _, tc := range []struct {
		name, rule string
		recorded   bool
	}{
		{"wildcard", "- level: RequestResponse\n", false},
		{"named", "- level: RequestResponse\n  resources: [{group: '', resources: ['serviceaccounts/token']}]\n", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := audit.ParsePolicy([]byte("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n" + tc.rule))
			if err != nil {
				t.Fatal(err)
			}
			var got []*audit.Event
			var mu sync.Mutex
			backend := audit.BackendFunc(func(ev *audit.Event) error { mu.Lock(); got = append(got, ev); mu.Unlock(); return nil })
			h := withUser(audit.WithAudit(tokenHandler, p, backend, nil))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("POST", "/api/v1/namespaces/ns/serviceaccounts/default/token", strings.NewReader(`{"spec":{"audiences":["api"]}}`)))
			rc := got[len(got)-1]
			if rc.Stage != audit.StageResponseComplete || !bytes.Contains(rc.ResponseObject, []byte("expirationTimestamp")) {
				t.Fatalf("last event = %s with response %s", rc.Stage, rc.ResponseObject)
			}
			if has := bytes.Contains(rc.ResponseObject, []byte(token)); has != tc.recorded {
				t.Errorf("token recorded = %v, want %v: %s", has, tc.recorded, rc.ResponseObject)
			}
			if !bytes.Contains(rc.RequestObject, []byte("audiences")) {
				t.Errorf("requestObject = %s, want the TokenRequest sent", rc.RequestObject)
			}
		})
	}
}

func TestPanicStage(t *testing.T) {
	p, _ := audit.ParsePolicy([]byte("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Request\n"))
	var got []*audit.Event
	backend := audit.BackendFunc(func(ev *audit.Event) error { got = append(got, ev); return nil })
	h := withUser(audit.WithAudit(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		panic("boom")
	}), p, backend, nil))
	func() {
		defer func() {
			if v := recover(); v != "boom" {
				t.Errorf("recovered %v, want the handler's panic to go on up the chain", v)
			}
		}()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/api/v1/namespaces/ns/configmaps", strings.NewReader(`{"metadata":{"name":"c"}}`)))
	}()
	if len(got) != 2 || got[1].Stage != audit.StagePanic {
		t.Fatalf("events = %v, want RequestReceived then Panic", len(got))
	}
	st := got[1].ResponseStatus
	if st == nil || st.Code != 500 || st.Reason != "InternalError" || st.Message != "APIServer panic'd: boom" {
		t.Errorf("Panic status = %+v", st)
	}
	if !bytes.Contains(got[1].RequestObject, []byte(`"name":"c"`)) || got[1].ObjectRef.Name != "c" {
		t.Errorf("Panic event request %s objectRef %+v, want the request body", got[1].RequestObject, got[1].ObjectRef)
	}
}

func TestFailedAuthentication(t *testing.T) {
	p, _ := audit.ParsePolicy([]byte("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n  users: [alice]\n- level: Metadata\n"))
	var got []*audit.Event
	backend := audit.BackendFunc(func(ev *audit.Event) error { got = append(got, ev); return nil })
	h := audit.WithFailedAuthenticationAudit(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "Unauthorized", http.StatusUnauthorized)
	}), p, backend, nil)
	req := httptest.NewRequest("GET", "/api/v1/namespaces/ns/pods", nil)
	req.Header.Set("Authorization", "Bearer not-a-token")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusUnauthorized {
		t.Fatalf("code %d", rec.Code)
	}
	if len(got) != 1 || got[0].Stage != audit.StageResponseStarted {
		t.Fatalf("events = %d, want one at ResponseStarted", len(got))
	}
	ev := got[0]
	if ev.User.Username != "" || ev.Verb != "list" || ev.ResponseStatus.Code != 401 || ev.ResponseStatus.Message != "Authentication failed, attempted: bearer" {
		t.Errorf("event user %q verb %q status %+v", ev.User.Username, ev.Verb, ev.ResponseStatus)
	}
}

// TestContextHooks checks annotations, impersonation and an object given
// by the handler instead of the raw body.
func TestContextHooks(t *testing.T) {
	p, _ := audit.ParsePolicy([]byte("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Request\n"))
	var got []*audit.Event
	backend := audit.BackendFunc(func(ev *audit.Event) error { got = append(got, ev); return nil })
	h := withUser(audit.WithAudit(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if l := audit.LevelOf(ctx); l != audit.LevelRequest {
			t.Errorf("LevelOf = %s", l)
		}
		audit.AddAnnotation(ctx, "authorization.k8s.io/decision", "allow")
		audit.LogImpersonatedUser(ctx, &authn.User{Name: "bob", Groups: []string{"ops"}})
		audit.LogRequestObject(ctx, map[string]any{"decoded": true, "metadata": map[string]any{"name": "from-protobuf"}})
		w.WriteHeader(http.StatusCreated)
	}), p, backend, nil))
	req := httptest.NewRequest("POST", "/api/v1/namespaces/ns/configmaps", strings.NewReader("k8s\x00\x0a\x02v1"))
	req.Header.Set("Content-Type", "application/vnd.kubernetes.protobuf")
	h.ServeHTTP(httptest.NewRecorder(), req)
	if len(got) != 2 {
		t.Fatalf("%d events", len(got))
	}
	if got[0].Annotations != nil || got[0].ImpersonatedUser != nil {
		t.Errorf("RequestReceived has later annotations %v or impersonation %v", got[0].Annotations, got[0].ImpersonatedUser)
	}
	rc := got[1]
	if rc.Annotations["authorization.k8s.io/decision"] != "allow" {
		t.Errorf("annotations = %v", rc.Annotations)
	}
	if rc.ImpersonatedUser == nil || rc.ImpersonatedUser.Username != "bob" || rc.User.Username != "alice" {
		t.Errorf("user %+v impersonated %+v", rc.User, rc.ImpersonatedUser)
	}
	if string(rc.RequestObject) != `{"decoded":true,"metadata":{"name":"from-protobuf"}}` || rc.ObjectRef.Name != "from-protobuf" {
		t.Errorf("requestObject = %s, objectRef %+v; want the handler's object", rc.RequestObject, rc.ObjectRef)
	}
}

// TestBodyLimit: bodies above MaxBodySize are passed on whole but not
// recorded.
func TestBodyLimit(t *testing.T) {
	p, _ := audit.ParsePolicy([]byte("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: RequestResponse\n"))
	var got []*audit.Event
	backend := audit.BackendFunc(func(ev *audit.Event) error { got = append(got, ev); return nil })
	big := `{"data":"` + strings.Repeat("x", 2000) + `"}`
	var seen int
	h := withUser(audit.WithAudit(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		seen = len(b)
		w.Write([]byte(big))
	}), p, backend, &audit.Options{MaxBodySize: 1000}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("PUT", "/api/v1/namespaces/ns/configmaps/c", strings.NewReader(big)))
	if seen != len(big) {
		t.Errorf("the handler read %d bytes, want all %d", seen, len(big))
	}
	rc := got[len(got)-1]
	if rc.RequestObject != nil || rc.ResponseObject != nil || !strings.Contains(rc.Annotations[audit.AnnotationOmitted], "larger than 1000 bytes") {
		t.Errorf("oversized bodies: request %d bytes, response %d bytes, annotations %v", len(rc.RequestObject), len(rc.ResponseObject), rc.Annotations)
	}
}

func TestUnion(t *testing.T) {
	var a, b int
	fail := errors.New("disk full")
	u := audit.Union(
		audit.BackendFunc(func(*audit.Event) error { a++; return nil }),
		audit.BackendFunc(func(*audit.Event) error { b++; return fail }),
	)
	if err := u.Process(&audit.Event{}); !errors.Is(err, fail) || a != 1 || b != 1 {
		t.Errorf("Union.Process: err %v, calls %d %d", err, a, b)
	}
	if err := u.Close(); err != nil {
		t.Error(err)
	}
}

// TestRequestBodyDecoded: a handler that decoded the request's own JSON
// body vouches for it: the body is recorded (whitespace compacted) and
// objectRef takes the metadata the handler gives (the encoder compacts
// the body when it writes the event); a body the handler did
// not get from the filter, or YAML, is still read by the filter itself.
func TestRequestBodyDecoded(t *testing.T) {
	p, _ := audit.ParsePolicy([]byte("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Request\n"))
	run := func(body, contentType string, vouch func(ctx context.Context, read []byte)) *audit.Event {
		var got []*audit.Event
		backend := audit.BackendFunc(func(ev *audit.Event) error { got = append(got, ev); return nil })
		h := withUser(audit.WithAudit(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			read, _ := io.ReadAll(r.Body)
			vouch(r.Context(), read)
			w.WriteHeader(http.StatusCreated)
		}), p, backend, nil))
		req := httptest.NewRequest("POST", "/api/v1/namespaces/ns/configmaps", strings.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		h.ServeHTTP(httptest.NewRecorder(), req)
		return got[len(got)-1]
	}
	body := "{\"metadata\": {\"name\": \"in-body\"}, \"data\": {\"k\": \"v\"}}\n"
	ev := run(body, "application/json", func(ctx context.Context, read []byte) {
		audit.RequestBodyDecoded(ctx, read, &meta.ObjectMeta{Name: "decoded", UID: "u-7"})
	})
	if string(ev.RequestObject) != strings.TrimSpace(body) || ev.ObjectRef.Name != "decoded" || ev.ObjectRef.UID != "u-7" {
		t.Errorf("vouched body: requestObject %s, objectRef %+v", ev.RequestObject, ev.ObjectRef)
	}
	// Not the body the filter captured: ignored, the filter scans its own.
	ev = run(body, "application/json", func(ctx context.Context, _ []byte) {
		audit.RequestBodyDecoded(ctx, []byte(`{"metadata":{"name":"other"}}`), &meta.ObjectMeta{Name: "other"})
	})
	if ev.ObjectRef.Name != "in-body" {
		t.Errorf("a foreign body was trusted: objectRef %+v", ev.ObjectRef)
	}
	// YAML: converted by the filter as before.
	ev = run("metadata:\n  name: yaml-cm\n", "application/yaml", func(ctx context.Context, read []byte) {
		audit.RequestBodyDecoded(ctx, read, &meta.ObjectMeta{Name: "yaml-cm"})
	})
	if string(ev.RequestObject) != `{"metadata":{"name":"yaml-cm"}}` {
		t.Errorf("YAML body recorded as %s", ev.RequestObject)
	}
}
