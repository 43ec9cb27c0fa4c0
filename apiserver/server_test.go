package apiserver_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/apiserver"
	"github.com/spar-dev/spar/apiserver/apiservertest"
)

// api is a tiny raw HTTP helper: these tests check the wire itself.
type apiClient struct {
	t   *testing.T
	url string
}

func newAPI(t *testing.T) (*apiClient, *apiservertest.Server) {
	srv := apiservertest.Start(t, nil)
	return &apiClient{t: t, url: srv.URL}, srv
}

type response struct {
	code   int
	header http.Header
	body   []byte
}

func (r response) status(t *testing.T) meta.Status {
	t.Helper()
	var st meta.Status
	if err := json.Unmarshal(r.body, &st); err != nil || st.Kind != "Status" {
		t.Fatalf("body is not a Status: %s", r.body)
	}
	return st
}

func (r response) into(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
}

func (a *apiClient) do(method, path, contentType, body string, header ...string) response {
	a.t.Helper()
	req, err := http.NewRequest(method, a.url+path, strings.NewReader(body))
	if err != nil {
		a.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.Header.Get("Content-Type") == "" {
		a.t.Errorf("%s %s: no Content-Type", method, path)
	}
	return response{resp.StatusCode, resp.Header, b}
}

func (a *apiClient) expect(code int, method, path, contentType, body string) response {
	a.t.Helper()
	r := a.do(method, path, contentType, body)
	if r.code != code {
		a.t.Fatalf("%s %s: %d, want %d: %s", method, path, r.code, code, r.body)
	}
	return r
}

const cmPath = "/api/v1/namespaces/default/configmaps"

func TestErrorStatuses(t *testing.T) {
	a, _ := newAPI(t)
	a.expect(201, "POST", cmPath, "application/json", `{"metadata":{"name":"x"},"data":{"a":"b"}}`)
	tests := []struct {
		name, method, path, ctype, body string
		code                            int
		reason                          meta.StatusReason
		message                         string
	}{
		{"not found", "GET", cmPath + "/nope", "", "", 404, meta.StatusReasonNotFound, `configmaps "nope" not found`},
		{"unknown resource", "GET", "/api/v1/namespaces/default/widgets", "", "", 404, meta.StatusReasonNotFound, "the server could not find the requested resource"},
		{"exists", "POST", cmPath, "application/json", `{"metadata":{"name":"x"}}`, 409, meta.StatusReasonAlreadyExists, `configmaps "x" already exists`},
		{"stale rv", "PUT", cmPath + "/x", "application/json", `{"metadata":{"name":"x","resourceVersion":"1"}}`, 409, meta.StatusReasonConflict, "the object has been modified"},
		{"bad json", "POST", cmPath, "application/json", `{"metadata":`, 400, meta.StatusReasonBadRequest, ""},
		{"strict unknown field", "POST", cmPath + "?fieldValidation=Strict", "application/json", `{"metadata":{"name":"y"},"dta":{}}`, 400, meta.StatusReasonBadRequest, `unknown field "dta"`},
		{"invalid name", "POST", cmPath, "application/json", `{"metadata":{"name":"Bad_Name"}}`, 422, meta.StatusReasonInvalid, `ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name"`},
		{"wrong kind", "POST", cmPath, "application/json", `{"kind":"Secret","apiVersion":"v1","metadata":{"name":"z"}}`, 400, meta.StatusReasonBadRequest, "does not match the expected kind"},
		{"namespace mismatch", "POST", cmPath, "application/json", `{"metadata":{"name":"z","namespace":"other"}}`, 400, meta.StatusReasonBadRequest, "the namespace of the provided object does not match"},
		{"unsupported media", "POST", cmPath, "text/plain", `x`, 415, meta.StatusReasonUnsupportedMediaType, ""},
		{"unsupported patch", "PATCH", cmPath + "/x", "application/apply-patch+yaml", `{}`, 415, meta.StatusReasonUnsupportedMediaType, ""},
		{"method not allowed", "PUT", "/api/v1/namespaces/default/bindings/x", "application/json", `{}`, 405, meta.StatusReasonMethodNotAllowed, ""},
		{"bad selector", "GET", cmPath + "?labelSelector=a%3D%3D%3D", "", "", 400, meta.StatusReasonBadRequest, ""},
		{"unknown field selector", "GET", cmPath + "?fieldSelector=spec.x%3Dy", "", "", 400, meta.StatusReasonBadRequest, "field label not supported: spec.x"},
		{"missing namespace", "POST", "/api/v1/namespaces/ghost/configmaps", "application/json", `{"metadata":{"name":"z"}}`, 404, meta.StatusReasonNotFound, `namespaces "ghost" not found`},
		{"invalid rv match", "GET", cmPath + "?resourceVersionMatch=Exact", "", "", 422, meta.StatusReasonInvalid, "resourceVersionMatch is forbidden unless resourceVersion is provided"},
	}
	for _, tt := range tests {
		r := a.do(tt.method, tt.path, tt.ctype, tt.body)
		if r.code != tt.code {
			t.Errorf("%s: code %d, want %d: %s", tt.name, r.code, tt.code, r.body)
			continue
		}
		st := r.status(t)
		if st.Reason != tt.reason || int(st.Code) != tt.code || st.Status != meta.StatusFailure || !strings.Contains(st.Message, tt.message) {
			t.Errorf("%s: status %+v, want reason %s, message containing %q", tt.name, st, tt.reason, tt.message)
		}
	}
	// 406: nothing acceptable.
	r := a.do("GET", cmPath, "", "", "Accept", "text/html")
	if r.code != 406 {
		t.Errorf("Accept text/html: %d", r.code)
	}
	// Protobuf-only Accept falls back to JSON rather than failing.
	r = a.do("GET", cmPath+"/x", "", "", "Accept", "application/vnd.kubernetes.protobuf, */*")
	if r.code != 200 || r.header.Get("Content-Type") != "application/json" {
		t.Errorf("protobuf accept: %d %s", r.code, r.header.Get("Content-Type"))
	}
}

func TestInvalidCausesNameFields(t *testing.T) {
	a, _ := newAPI(t)
	r := a.expect(422, "POST", "/apis/apps/v1/namespaces/default/deployments", "application/json",
		`{"metadata":{"name":"d"},"spec":{"replicas":-1,"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}}`)
	st := r.status(t)
	if st.Details == nil || st.Details.Kind != "Deployment" || st.Details.Group != "apps" || len(st.Details.Causes) == 0 || st.Details.Causes[0].Field != "spec.replicas" {
		t.Errorf("details = %+v", st.Details)
	}
	// Nothing was stored.
	a.expect(404, "GET", "/apis/apps/v1/namespaces/default/deployments/d", "", "")
}

func TestServerSetMetadata(t *testing.T) {
	a, _ := newAPI(t)
	var cm struct {
		Metadata meta.ObjectMeta `json:"metadata"`
	}
	a.expect(201, "POST", cmPath, "application/json", `{"metadata":{"generateName":"gen-","uid":"client-uid","resourceVersion":"5"}}`).into(t, &cm)
	m := cm.Metadata
	if !strings.HasPrefix(m.Name, "gen-") || len(m.Name) != len("gen-")+5 || m.UID == "client-uid" || m.UID == "" || m.CreationTimestamp.IsZero() || m.ResourceVersion == "" || m.ResourceVersion == "5" {
		t.Errorf("server-set metadata wrong: %+v", m)
	}
	// Generation moves with spec changes only.
	var d struct {
		Metadata meta.ObjectMeta `json:"metadata"`
	}
	dep := `{"metadata":{"name":"d","labels":{"l":"%s"}},"spec":{"replicas":%d,"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}}`
	dp := "/apis/apps/v1/namespaces/default/deployments"
	a.expect(201, "POST", dp, "application/json", fmt.Sprintf(dep, "1", 1)).into(t, &d)
	if d.Metadata.Generation != 1 {
		t.Errorf("generation after create = %d", d.Metadata.Generation)
	}
	a.expect(200, "PUT", dp+"/d", "application/json", fmt.Sprintf(dep, "2", 1)).into(t, &d)
	if d.Metadata.Generation != 1 {
		t.Errorf("generation after a label change = %d", d.Metadata.Generation)
	}
	a.expect(200, "PUT", dp+"/d", "application/json", fmt.Sprintf(dep, "2", 3)).into(t, &d)
	if d.Metadata.Generation != 2 {
		t.Errorf("generation after a spec change = %d", d.Metadata.Generation)
	}
	// Status writes through the main resource are ignored.
	a.expect(200, "PATCH", dp+"/d", "application/merge-patch+json", `{"status":{"replicas":7}}`)
	var full struct {
		Status struct {
			Replicas int `json:"replicas"`
		} `json:"status"`
	}
	a.expect(200, "GET", dp+"/d", "", "").into(t, &full)
	if full.Status.Replicas != 0 {
		t.Errorf("main resource changed status: %d", full.Status.Replicas)
	}
	a.expect(200, "PATCH", dp+"/d/status", "application/merge-patch+json", `{"status":{"replicas":7},"spec":{"replicas":9}}`)
	var both struct {
		Spec   struct{ Replicas int } `json:"spec"`
		Status struct{ Replicas int } `json:"status"`
	}
	a.expect(200, "GET", dp+"/d", "", "").into(t, &both)
	if both.Status.Replicas != 7 || both.Spec.Replicas != 3 {
		t.Errorf("status subresource: spec %d status %d, want 3 and 7", both.Spec.Replicas, both.Status.Replicas)
	}
}

// TestStatusSubresourceMetadata: a status write may change annotations,
// finalizers and (but for Deployments) labels, and (but for Pods) owner
// references, as Kubernetes' status strategies allow; never the spec nor
// the generation.
func TestStatusSubresourceMetadata(t *testing.T) {
	a, _ := newAPI(t)
	type object struct {
		Metadata struct {
			Generation      int64             `json:"generation"`
			Labels          map[string]string `json:"labels"`
			Annotations     map[string]string `json:"annotations"`
			OwnerReferences []struct {
				Name string `json:"name"`
			} `json:"ownerReferences"`
		} `json:"metadata"`
		Spec struct {
			Replicas   int    `json:"replicas"`
			NodeName   string `json:"nodeName"`
			Containers []struct {
				Image string `json:"image"`
			} `json:"containers"`
		} `json:"spec"`
	}
	owner := `"ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"%s","uid":"u-1"}]`
	dp := "/apis/apps/v1/namespaces/default/deployments"
	a.expect(201, "POST", dp, "application/json", `{"metadata":{"name":"d","labels":{"l":"1"},`+fmt.Sprintf(owner, "first")+`},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"d"}},"template":{"metadata":{"labels":{"app":"d"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}}`)
	var d object
	a.expect(200, "PATCH", dp+"/d/status", "application/merge-patch+json",
		`{"metadata":{"labels":{"l":"2"},"annotations":{"a":"set"},`+fmt.Sprintf(owner, "second")+`},"spec":{"replicas":5}}`).into(t, &d)
	if d.Metadata.Labels["l"] != "1" || d.Metadata.Annotations["a"] != "set" || d.Metadata.OwnerReferences[0].Name != "second" ||
		d.Spec.Replicas != 1 || d.Metadata.Generation != 1 {
		t.Errorf("deployment after a status write: %+v", d)
	}
	pods := "/api/v1/namespaces/default/pods"
	a.expect(201, "POST", pods, "application/json", `{"metadata":{"name":"p","labels":{"l":"1"},`+fmt.Sprintf(owner, "first")+`},"spec":{"containers":[{"name":"c","image":"i"}]}}`)
	var p object
	a.expect(200, "PATCH", pods+"/p/status", "application/merge-patch+json",
		`{"metadata":{"labels":{"l":"2"},"annotations":{"a":"set"},`+fmt.Sprintf(owner, "second")+`},"spec":{"nodeName":"n1"},"status":{"phase":"Running"}}`).into(t, &p)
	if p.Metadata.Labels["l"] != "2" || p.Metadata.Annotations["a"] != "set" || p.Metadata.OwnerReferences[0].Name != "first" || p.Spec.NodeName != "" {
		t.Errorf("pod after a status write: %+v", p)
	}
}

func TestFinalizersHoldDeletion(t *testing.T) {
	a, _ := newAPI(t)
	a.expect(201, "POST", cmPath, "application/json", `{"metadata":{"name":"f","finalizers":["example.com/hold"]}}`)
	r := a.expect(202, "DELETE", cmPath+"/f", "", "")
	var cm struct{ Metadata meta.ObjectMeta }
	r.into(t, &cm)
	if cm.Metadata.DeletionTimestamp == nil {
		t.Fatal("deletion timestamp not set")
	}
	a.expect(200, "GET", cmPath+"/f", "", "")
	a.expect(200, "PATCH", cmPath+"/f", "application/merge-patch+json", `{"metadata":{"finalizers":null}}`)
	a.expect(404, "GET", cmPath+"/f", "", "")
}

func TestPodGracefulDeletion(t *testing.T) {
	a, _ := newAPI(t)
	pods := "/api/v1/namespaces/default/pods"
	pod := `{"metadata":{"name":"%s"},"spec":{"nodeName":"%s","containers":[{"name":"c","image":"busybox"}]}}`
	a.expect(201, "POST", pods, "application/json", fmt.Sprintf(pod, "unscheduled", ""))
	a.expect(200, "DELETE", pods+"/unscheduled", "", "") // no node: gone at once
	a.expect(404, "GET", pods+"/unscheduled", "", "")

	a.expect(201, "POST", pods, "application/json", fmt.Sprintf(pod, "running", "node-1"))
	var p struct{ Metadata meta.ObjectMeta }
	a.expect(202, "DELETE", pods+"/running", "", "").into(t, &p)
	if p.Metadata.DeletionGracePeriodSeconds == nil || *p.Metadata.DeletionGracePeriodSeconds != 30 {
		t.Errorf("grace period = %v, want 30", p.Metadata.DeletionGracePeriodSeconds)
	}
	// The node agent finishes it with a zero grace period.
	a.expect(200, "DELETE", pods+"/running", "application/json", `{"gracePeriodSeconds":0}`)
	a.expect(404, "GET", pods+"/running", "", "")
}

func TestNamespaceLifecycle(t *testing.T) {
	a, _ := newAPI(t)
	for _, ns := range []string{"default", "kube-system", "kube-public", "kube-node-lease"} {
		a.expect(200, "GET", "/api/v1/namespaces/"+ns, "", "")
	}
	a.expect(201, "POST", "/api/v1/namespaces", "application/json", `{"metadata":{"name":"tmp"}}`)
	a.expect(202, "DELETE", "/api/v1/namespaces/tmp", "", "")
	var ns struct {
		Status struct{ Phase string } `json:"status"`
	}
	a.expect(200, "GET", "/api/v1/namespaces/tmp", "", "").into(t, &ns)
	if ns.Status.Phase != "Terminating" {
		t.Errorf("phase = %q", ns.Status.Phase)
	}
	r := a.expect(403, "POST", "/api/v1/namespaces/tmp/configmaps", "application/json", `{"metadata":{"name":"c"}}`)
	if st := r.status(t); !strings.Contains(st.Message, "because it is being terminated") {
		t.Errorf("message = %s", st.Message)
	}
	// The namespace controller empties it, then finalizes.
	a.expect(200, "PUT", "/api/v1/namespaces/tmp/finalize", "application/json", `{"metadata":{"name":"tmp"},"spec":{"finalizers":[]}}`)
	a.expect(404, "GET", "/api/v1/namespaces/tmp", "", "")
}

func TestServiceAllocation(t *testing.T) {
	a, srv := newAPI(t)
	svcs := "/api/v1/namespaces/default/services"
	const n = 40
	ips := map[string]bool{}
	ports := map[int]bool{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Go(func() {
			r := a.do("POST", svcs, "application/json", fmt.Sprintf(`{"metadata":{"name":"s%d"},"spec":{"type":"NodePort","ports":[{"port":80}]}}`, i))
			if r.code != 201 {
				t.Errorf("create s%d: %d %s", i, r.code, r.body)
				return
			}
			var svc struct {
				Spec struct {
					ClusterIP string `json:"clusterIP"`
					Ports     []struct {
						NodePort int `json:"nodePort"`
					} `json:"ports"`
				} `json:"spec"`
			}
			r.into(t, &svc)
			mu.Lock()
			defer mu.Unlock()
			if ips[svc.Spec.ClusterIP] || ports[svc.Spec.Ports[0].NodePort] {
				t.Errorf("double allocation: %+v", svc.Spec)
			}
			ips[svc.Spec.ClusterIP], ports[svc.Spec.Ports[0].NodePort] = true, true
			if p := svc.Spec.Ports[0].NodePort; p < 30000 || p > 32767 {
				t.Errorf("node port %d out of range", p)
			}
		})
	}
	wg.Wait()
	// A requested IP that is taken is refused; released ones are reusable.
	var first struct {
		Spec struct {
			ClusterIP string `json:"clusterIP"`
		} `json:"spec"`
	}
	a.expect(200, "GET", svcs+"/s0", "", "").into(t, &first)
	r := a.expect(422, "POST", svcs, "application/json", fmt.Sprintf(`{"metadata":{"name":"dup"},"spec":{"clusterIP":%q,"ports":[{"port":80}]}}`, first.Spec.ClusterIP))
	contains(t, "taken IP", r.status(t).Message, "provided IP is already allocated")
	a.expect(200, "DELETE", svcs+"/s0", "", "")
	a.expect(201, "POST", svcs, "application/json", fmt.Sprintf(`{"metadata":{"name":"reuse"},"spec":{"clusterIP":%q,"ports":[{"port":80}]}}`, first.Spec.ClusterIP))
	// Headless services get no IP.
	var headless struct {
		Spec struct {
			ClusterIP string `json:"clusterIP"`
		} `json:"spec"`
	}
	a.expect(201, "POST", svcs, "application/json", `{"metadata":{"name":"hl"},"spec":{"clusterIP":"None","ports":[{"port":80}]}}`).into(t, &headless)
	if headless.Spec.ClusterIP != "None" {
		t.Errorf("headless clusterIP = %q", headless.Spec.ClusterIP)
	}
	// Allocations live in the store: a second server on it sees them.
	srv2, err := newServerOn(t, srv)
	if err != nil {
		t.Fatal(err)
	}
	r = srv2.expect(422, "POST", svcs, "application/json", fmt.Sprintf(`{"metadata":{"name":"dup2"},"spec":{"clusterIP":%q,"ports":[{"port":80}]}}`, first.Spec.ClusterIP))
	contains(t, "taken IP through another server", r.status(t).Message, "provided IP is already allocated")
}

// newServerOn starts a second API server on srv's store.
func newServerOn(t *testing.T, srv *apiservertest.Server) (*apiClient, error) {
	s2 := apiservertest.Start(t, &apiservertest.Options{Config: apiserver.Config{Store: srv.Store}})
	return &apiClient{t: t, url: s2.URL}, nil
}

func TestWatchStream(t *testing.T) {
	a, _ := newAPI(t)
	var list struct{ Metadata meta.ListMeta }
	a.expect(200, "GET", cmPath, "", "").into(t, &list)
	req, _ := http.NewRequest("GET", a.url+cmPath+"?watch=true&allowWatchBookmarks=true&resourceVersion="+list.Metadata.ResourceVersion, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("watch content type %q", resp.Header.Get("Content-Type"))
	}
	events := make(chan map[string]any, 10)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			var ev map[string]any
			json.Unmarshal(sc.Bytes(), &ev)
			events <- ev
		}
		close(events)
	}()
	a.expect(201, "POST", cmPath, "application/json", `{"metadata":{"name":"w"}}`)
	a.expect(200, "PATCH", cmPath+"/w", "application/merge-patch+json", `{"data":{"k":"v"}}`)
	a.expect(200, "DELETE", cmPath+"/w", "", "")
	for _, want := range []string{"ADDED", "MODIFIED", "DELETED"} {
		select {
		case ev := <-events:
			if ev["type"] != want {
				t.Fatalf("event %v, want %s", ev, want)
			}
			obj := ev["object"].(map[string]any)
			if obj["kind"] != "ConfigMap" || obj["metadata"].(map[string]any)["name"] != "w" {
				t.Errorf("event object = %v", obj)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no %s event", want)
		}
	}
}

func TestWatchList(t *testing.T) {
	a, _ := newAPI(t)
	a.expect(201, "POST", cmPath, "application/json", `{"metadata":{"name":"one"}}`)
	resp, err := http.Get(a.url + cmPath + "?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=5")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	var types []string
	for sc.Scan() {
		var ev struct {
			Type   string
			Object struct{ Metadata meta.ObjectMeta }
		}
		json.Unmarshal(sc.Bytes(), &ev)
		types = append(types, ev.Type)
		if ev.Type == "BOOKMARK" {
			if ev.Object.Metadata.Annotations["k8s.io/initial-events-end"] != "true" {
				t.Errorf("bookmark without the initial-events-end annotation: %s", sc.Bytes())
			}
			break
		}
	}
	if strings.Join(types, ",") != "ADDED,BOOKMARK" {
		t.Errorf("events %v, want ADDED then the end bookmark", types)
	}
	// sendInitialEvents without allowWatchBookmarks is rejected with a 4xx.
	r := a.do("GET", cmPath+"?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan", "", "")
	if r.code/100 != 4 {
		t.Errorf("watch-list without bookmarks: %d", r.code)
	}
}

func TestWatchTooOldIsGone(t *testing.T) {
	a, srv := newAPI(t)
	a.expect(201, "POST", cmPath, "application/json", `{"metadata":{"name":"a"}}`)
	a.expect(201, "POST", cmPath, "application/json", `{"metadata":{"name":"b"}}`)
	rev, _ := srv.Store.Revision(t.Context())
	if err := srv.Store.Compact(t.Context(), rev); err != nil {
		t.Fatal(err)
	}
	// A list at a compacted exact revision is 410 Expired.
	r := a.expect(410, "GET", cmPath+"?resourceVersion=2&resourceVersionMatch=Exact", "", "")
	if st := r.status(t); st.Reason != meta.StatusReasonExpired {
		t.Errorf("reason %s", st.Reason)
	}
}

func TestDryRunStoresNothing(t *testing.T) {
	a, _ := newAPI(t)
	a.expect(201, "POST", cmPath+"?dryRun=All", "application/json", `{"metadata":{"name":"dry"}}`)
	a.expect(404, "GET", cmPath+"/dry", "", "")
}

func TestFieldValidationWarn(t *testing.T) {
	a, _ := newAPI(t)
	r := a.expect(201, "POST", cmPath+"?fieldValidation=Warn", "application/json", `{"metadata":{"name":"w"},"dta":{}}`)
	if w := r.header.Get("Warning"); !strings.Contains(w, `unknown field \"dta\"`) {
		t.Errorf("Warning header = %q", w)
	}
	a.expect(201, "POST", cmPath+"?fieldValidation=Ignore", "application/json", `{"metadata":{"name":"i"},"dta":{}}`)
}

func TestDeleteCollection(t *testing.T) {
	a, _ := newAPI(t)
	for i := 0; i < 5; i++ {
		a.expect(201, "POST", cmPath, "application/json", fmt.Sprintf(`{"metadata":{"name":"c%d","labels":{"odd":"%v"}}}`, i, i%2 == 1))
	}
	a.expect(200, "DELETE", cmPath+"?labelSelector=odd%3Dtrue", "", "")
	var list struct {
		Items []struct{ Metadata meta.ObjectMeta }
	}
	a.expect(200, "GET", cmPath, "", "").into(t, &list)
	if len(list.Items) != 3 {
		t.Errorf("%d configmaps left, want 3", len(list.Items))
	}
}

func TestListPaging(t *testing.T) {
	a, _ := newAPI(t)
	for i := 0; i < 12; i++ {
		a.expect(201, "POST", cmPath, "application/json", fmt.Sprintf(`{"metadata":{"name":"p%02d"}}`, i))
	}
	var names []string
	cont := ""
	rv := ""
	for {
		var page struct {
			Metadata meta.ListMeta
			Items    []struct{ Metadata meta.ObjectMeta }
		}
		a.expect(200, "GET", cmPath+"?limit=5&continue="+cont, "", "").into(t, &page)
		if rv == "" {
			rv = page.Metadata.ResourceVersion
		} else if page.Metadata.ResourceVersion != rv {
			t.Errorf("page at %s, first at %s", page.Metadata.ResourceVersion, rv)
		}
		for _, it := range page.Items {
			names = append(names, it.Metadata.Name)
		}
		if page.Metadata.Continue == "" {
			break
		}
		cont = page.Metadata.Continue
	}
	if len(names) != 12 || names[0] != "p00" || names[11] != "p11" {
		t.Errorf("pages = %v", names)
	}
}

func TestBindingAndEviction(t *testing.T) {
	a, _ := newAPI(t)
	pods := "/api/v1/namespaces/default/pods"
	a.expect(201, "POST", pods, "application/json", `{"metadata":{"name":"p","labels":{"app":"x"}},"spec":{"containers":[{"name":"c","image":"i"}]}}`)
	a.expect(201, "POST", pods+"/p/binding", "application/json", `{"metadata":{"name":"p"},"target":{"kind":"Node","name":"node-1"}}`)
	var p struct {
		Spec   struct{ NodeName string } `json:"spec"`
		Status struct {
			Conditions []struct{ Type, Status string }
		} `json:"status"`
	}
	a.expect(200, "GET", pods+"/p", "", "").into(t, &p)
	if p.Spec.NodeName != "node-1" || len(p.Status.Conditions) == 0 || p.Status.Conditions[0].Type != "PodScheduled" {
		t.Errorf("bound pod: %+v", p)
	}
	r := a.expect(409, "POST", pods+"/p/binding", "application/json", `{"metadata":{"name":"p"},"target":{"name":"node-2"}}`)
	contains(t, "rebinding", r.status(t).Message, "already assigned")

	// A budget that allows no disruption blocks the eviction of a running pod.
	a.expect(200, "PATCH", pods+"/p/status", "application/merge-patch+json", `{"status":{"phase":"Running"}}`)
	a.expect(201, "POST", "/apis/policy/v1/namespaces/default/poddisruptionbudgets", "application/json",
		`{"metadata":{"name":"pdb"},"spec":{"minAvailable":1,"selector":{"matchLabels":{"app":"x"}}}}`)
	r = a.expect(429, "POST", pods+"/p/eviction", "application/json", `{"metadata":{"name":"p"}}`)
	contains(t, "eviction", r.status(t).Message, "disruption budget")
	a.expect(200, "GET", pods+"/p", "", "")
}

func TestHealthVersionMetrics(t *testing.T) {
	a, _ := newAPI(t)
	for _, p := range []string{"/healthz", "/livez", "/readyz"} {
		if r := a.do("GET", p, "", ""); r.code != 200 || string(r.body) != "ok" {
			t.Errorf("%s: %d %s", p, r.code, r.body)
		}
	}
	var v struct{ Major, Minor, GitVersion string }
	a.expect(200, "GET", "/version", "", "").into(t, &v)
	if v.Major != "1" || v.GitVersion == "" {
		t.Errorf("version = %+v", v)
	}
	a.expect(200, "GET", cmPath, "", "")
	r := a.expect(200, "GET", "/metrics", "", "")
	if !bytes.Contains(r.body, []byte(`apiserver_request_total{code="200",group="",resource="configmaps",subresource="",verb="list"}`)) {
		t.Errorf("metrics lack the request counter:\n%s", r.body)
	}
}

func TestDiscovery(t *testing.T) {
	a, _ := newAPI(t)
	var groups struct {
		Groups []struct{ Name string }
	}
	a.expect(200, "GET", "/apis", "", "").into(t, &groups)
	var names []string
	for _, g := range groups.Groups {
		names = append(names, g.Name)
	}
	for _, want := range []string{"apps", "batch", "rbac.authorization.k8s.io", "apiextensions.k8s.io"} {
		contains(t, "groups", strings.Join(names, ","), want)
	}
	var rl struct {
		Resources []struct {
			Name, Kind, Group, Version string
			Verbs, ShortNames          []string
		}
	}
	a.expect(200, "GET", "/apis/apps/v1", "", "").into(t, &rl)
	found := false
	for _, r := range rl.Resources {
		if r.Name == "deployments/scale" {
			found = r.Group == "autoscaling" && r.Version == "v1" && r.Kind == "Scale"
		}
	}
	if !found {
		t.Errorf("deployments/scale not listed as autoscaling/v1 Scale: %+v", rl.Resources)
	}
}

func TestPartialObjectMetadata(t *testing.T) {
	a, _ := newAPI(t)
	a.expect(201, "POST", cmPath, "application/json", `{"metadata":{"name":"m","labels":{"x":"y"}},"data":{"secret":"s"}}`)
	const accept = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json"
	r := a.do("GET", cmPath, "", "", "Accept", accept)
	if r.code != 200 || bytes.Contains(r.body, []byte(`"data"`)) || !bytes.Contains(r.body, []byte(`"kind":"PartialObjectMetadataList"`)) ||
		!bytes.Contains(r.body, []byte(`"kind":"PartialObjectMetadata"`)) || !bytes.Contains(r.body, []byte(`"x":"y"`)) {
		t.Errorf("metadata-only list: %d %s", r.code, r.body)
	}
	r = a.do("GET", cmPath+"/m", "", "", "Accept", "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1")
	if r.code != 200 || bytes.Contains(r.body, []byte(`"data"`)) || !bytes.Contains(r.body, []byte(`"name":"m"`)) {
		t.Errorf("metadata-only get: %d %s", r.code, r.body)
	}
}

// GETs are answered from the watch cache as consistent reads: every write
// acknowledged before the GET is in its answer, at once, and a GET with a
// resourceVersion (served from the store) agrees with it.
func TestGetReadsItsWrites(t *testing.T) {
	a, _ := newAPI(t)
	var created meta.ObjectMeta
	for i := range 50 {
		body := fmt.Sprintf(`{"metadata":{"name":"x"},"data":{"n":"%d"}}`, i)
		var r response
		if i == 0 {
			r = a.expect(201, "POST", cmPath, "application/json", body)
		} else {
			r = a.expect(200, "PATCH", cmPath+"/x", "application/merge-patch+json", fmt.Sprintf(`{"data":{"n":"%d"}}`, i))
		}
		var wrote struct {
			Metadata meta.ObjectMeta   `json:"metadata"`
			Data     map[string]string `json:"data"`
		}
		r.into(t, &wrote)
		created = wrote.Metadata
		for _, q := range []string{"", "?resourceVersion=" + created.ResourceVersion} {
			var got struct {
				Kind       string            `json:"kind"`
				APIVersion string            `json:"apiVersion"`
				Metadata   meta.ObjectMeta   `json:"metadata"`
				Data       map[string]string `json:"data"`
			}
			a.expect(200, "GET", cmPath+"/x"+q, "", "").into(t, &got)
			if got.Kind != "ConfigMap" || got.APIVersion != "v1" || got.Metadata.ResourceVersion != created.ResourceVersion || got.Data["n"] != fmt.Sprint(i) {
				t.Fatalf("GET%s after write %d: %s %s rv %s data %v, want ConfigMap v1 rv %s n=%d",
					q, i, got.Kind, got.APIVersion, got.Metadata.ResourceVersion, got.Data, created.ResourceVersion, i)
			}
		}
	}
	y := a.do("GET", cmPath+"/x", "", "", "Accept", "application/yaml")
	if y.code != 200 || y.header.Get("Content-Type") != "application/yaml" || !strings.Contains(string(y.body), "kind: ConfigMap") {
		t.Errorf("GET as YAML: %d %s %s", y.code, y.header.Get("Content-Type"), y.body)
	}
	a.expect(200, "DELETE", cmPath+"/x", "", "")
	if st := a.expect(404, "GET", cmPath+"/x", "", "").status(t); st.Reason != meta.StatusReasonNotFound || st.Details == nil || st.Details.Name != "x" {
		t.Errorf("GET after delete: %+v, want NotFound naming x", st)
	}
}
