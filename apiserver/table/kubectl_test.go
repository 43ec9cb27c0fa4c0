package table

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/internal/testenv"
)

// tableServer is the smallest API server kubectl get pods works against:
// legacy discovery for the core group and a pods list that answers Table
// requests with Build.
type tableServer struct {
	pods []meta.Object

	mu      sync.Mutex
	accepts []string // Accept headers of the pod list requests
	queries []string
}

func (s *tableServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	switch r.URL.Path {
	case "/api":
		fmt.Fprint(w, `{"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":"127.0.0.1"}]}`)
	case "/apis":
		fmt.Fprint(w, `{"kind":"APIGroupList","apiVersion":"v1","groups":[]}`)
	case "/api/v1":
		fmt.Fprint(w, `{"kind":"APIResourceList","groupVersion":"v1","resources":[{"name":"pods","singularName":"pod","namespaced":true,"kind":"Pod",`+
			`"verbs":["create","delete","deletecollection","get","list","patch","update","watch"],"shortNames":["po"],"categories":["all"]}]}`)
	case "/api/v1/namespaces/default/pods", "/api/v1/pods":
		s.mu.Lock()
		s.accepts = append(s.accepts, r.Header.Get("Accept"))
		s.queries = append(s.queries, r.URL.RawQuery)
		s.mu.Unlock()
		var objs []meta.Object
		for _, p := range s.pods {
			if r.URL.Path == "/api/v1/pods" || p.GetObjectMeta().Namespace == "default" {
				objs = append(objs, p)
			}
		}
		if !strings.Contains(r.Header.Get("Accept"), "as=Table") {
			http.Error(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","message":"test server only serves tables","code":406}`, http.StatusNotAcceptable)
			return
		}
		include, err := ParseIncludeObject(r.URL.Query().Get("includeObject"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		tb, err := Build(For(meta.GroupKind{Kind: "Pod"}), objs, Options{IncludeObject: include})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		tb.ResourceVersion = "100"
		json.NewEncoder(w).Encode(tb)
	default:
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","code":404}`)
	}
}

func TestKubectlGetPrintsServerTable(t *testing.T) {
	kubectl := testenv.Kubectl(t, "")
	// Ages between 10m and 3h print as whole minutes, so they read the same
	// however long kubectl takes to start.
	created := meta.NewTime(time.Now().Add(-30*time.Minute - 30*time.Second))
	crashed := meta.NewTime(time.Now().Add(-20*time.Minute - 30*time.Second))
	srv := &tableServer{pods: []meta.Object{
		&core.Pod{
			TypeMeta:   meta.TypeMeta{Kind: "Pod", APIVersion: "v1"},
			ObjectMeta: meta.ObjectMeta{Name: "web-0", Namespace: "default", CreationTimestamp: created, Labels: map[string]string{"app": "web"}},
			Spec:       core.PodSpec{NodeName: "node-1", Containers: []core.Container{{Name: "app", Image: "nginx"}}},
			Status: core.PodStatus{
				Phase:      core.PodRunning,
				PodIPs:     []core.PodIP{{IP: "10.244.1.5"}},
				Conditions: []core.PodCondition{{Type: core.PodReady, Status: core.ConditionTrue}},
				ContainerStatuses: []core.ContainerStatus{{Name: "app", Ready: true,
					State: core.ContainerState{Running: &core.ContainerStateRunning{}}}},
			},
		},
		&core.Pod{
			TypeMeta:   meta.TypeMeta{Kind: "Pod", APIVersion: "v1"},
			ObjectMeta: meta.ObjectMeta{Name: "web-1", Namespace: "default", CreationTimestamp: created, Labels: map[string]string{"app": "web"}},
			Spec:       core.PodSpec{NodeName: "node-2", Containers: []core.Container{{Name: "app", Image: "nginx"}}},
			Status: core.PodStatus{
				Phase:  core.PodRunning,
				PodIPs: []core.PodIP{{IP: "10.244.2.9"}},
				ContainerStatuses: []core.ContainerStatus{{Name: "app", RestartCount: 5,
					State:                core.ContainerState{Waiting: &core.ContainerStateWaiting{Reason: "CrashLoopBackOff"}},
					LastTerminationState: core.ContainerState{Terminated: &core.ContainerStateTerminated{ExitCode: 1, Reason: "Error", FinishedAt: crashed}}}},
			},
		},
		&core.Pod{
			TypeMeta:   meta.TypeMeta{Kind: "Pod", APIVersion: "v1"},
			ObjectMeta: meta.ObjectMeta{Name: "dns", Namespace: "kube-system", CreationTimestamp: created},
			Spec:       core.PodSpec{Containers: []core.Container{{Name: "dns", Image: "coredns"}}},
			Status:     core.PodStatus{Phase: core.PodPending},
		},
	}}
	hs := httptest.NewServer(srv)
	defer hs.Close()

	dir := t.TempDir()
	kubeconfig := filepath.Join(dir, "kubeconfig")
	cfg := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: test
  cluster:
    server: %s
contexts:
- name: test
  context:
    cluster: test
    user: test
    namespace: default
users:
- name: test
  user: {}
current-context: test
`, hs.URL)
	if err := os.WriteFile(kubeconfig, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}

	run := func(args ...string) [][]string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		args = append([]string{"--kubeconfig", kubeconfig, "--cache-dir", filepath.Join(dir, "cache")}, args...)
		cmd := exec.CommandContext(ctx, kubectl, args...)
		cmd.Env = append(os.Environ(), "HOME="+dir)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		// Columns are padded with at least three spaces; cells such as
		// "5 (2m ago)" and headers such as "NOMINATED NODE" hold one.
		sep := regexp.MustCompile(`\s{2,}`)
		var lines [][]string
		for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			lines = append(lines, sep.Split(strings.TrimSpace(l), -1))
		}
		return lines
	}

	tests := []struct {
		args []string
		want [][]string
	}{
		{[]string{"get", "pods"}, [][]string{
			{"NAME", "READY", "STATUS", "RESTARTS", "AGE"},
			{"web-0", "1/1", "Running", "0", "30m"},
			{"web-1", "0/1", "CrashLoopBackOff", "5 (20m ago)", "30m"},
		}},
		{[]string{"get", "pods", "-o", "wide"}, [][]string{
			{"NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE", "READINESS GATES"},
			{"web-0", "1/1", "Running", "0", "30m", "10.244.1.5", "node-1", "<none>", "<none>"},
			{"web-1", "0/1", "CrashLoopBackOff", "5 (20m ago)", "30m", "10.244.2.9", "node-2", "<none>", "<none>"},
		}},
		// -A and --show-labels read each row's PartialObjectMetadata.
		{[]string{"get", "pods", "-A", "--show-labels"}, [][]string{
			{"NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE", "LABELS"},
			{"default", "web-0", "1/1", "Running", "0", "30m", "app=web"},
			{"default", "web-1", "0/1", "CrashLoopBackOff", "5 (20m ago)", "30m", "app=web"},
			{"kube-system", "dns", "0/1", "Pending", "0", "30m", "<none>"},
		}},
	}
	for _, tt := range tests {
		got := run(tt.args...)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("kubectl %s printed\n%q\nwant\n%q", strings.Join(tt.args, " "), got, tt.want)
		}
	}

	srv.mu.Lock()
	defer srv.mu.Unlock()
	for i, a := range srv.accepts {
		if !strings.HasPrefix(a, "application/json;as=Table;v=v1;g=meta.k8s.io") {
			t.Errorf("request %d Accept = %q, want a v1 Table first", i, a)
		}
		if !strings.Contains(srv.queries[i], "limit=500") {
			t.Errorf("request %d query = %q, want limit=500", i, srv.queries[i])
		}
	}
}
