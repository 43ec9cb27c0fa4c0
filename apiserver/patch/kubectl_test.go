package patch_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/spar-dev/spar/api/apps"
	"github.com/spar-dev/spar/apiserver/patch"
	"github.com/spar-dev/spar/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite testdata/kubectl from what the real kubectl sends")

// An apply session: each step is the Deployment manifest as a user changes
// it between two `kubectl apply -f` runs.
var applySteps = []struct {
	name     string
	manifest string
	check    func(t *testing.T, d *apps.Deployment)
}{
	{"01-create", nginx(`image: nginx:1.14.2`, `
        env:
        - {name: A, value: "1"}
        ports:
        - containerPort: 80
        - containerPort: 443`, ``), func(t *testing.T, d *apps.Deployment) {
		wantImage(t, d, "nginx", "nginx:1.14.2")
	}},
	{"02-image", nginx(`image: nginx:1.16.1`, `
        env:
        - {name: A, value: "1"}
        ports:
        - containerPort: 80
        - containerPort: 443`, ``), func(t *testing.T, d *apps.Deployment) {
		wantImage(t, d, "nginx", "nginx:1.16.1")
	}},
	{"03-add-env", nginx(`image: nginx:1.16.1`, `
        env:
        - {name: A, value: "1"}
        - {name: B, value: "2"}
        ports:
        - containerPort: 80
        - containerPort: 443`, ``), func(t *testing.T, d *apps.Deployment) {
		wantEnv(t, d, "A=1", "B=2")
	}},
	{"04-remove-env", nginx(`image: nginx:1.16.1`, `
        env:
        - {name: B, value: "2"}
        ports:
        - containerPort: 80
        - containerPort: 443`, ``), func(t *testing.T, d *apps.Deployment) {
		wantEnv(t, d, "B=2")
	}},
	{"05-remove-port", nginx(`image: nginx:1.16.1`, `
        env:
        - {name: B, value: "2"}
        ports:
        - containerPort: 443`, ``), func(t *testing.T, d *apps.Deployment) {
		wantPorts(t, d, 443)
	}},
	{"06-remove-all-ports", nginx(`image: nginx:1.16.1`, `
        env:
        - {name: B, value: "2"}`, ``), func(t *testing.T, d *apps.Deployment) {
		wantPorts(t, d)
	}},
	{"07-recreate", nginx(`image: nginx:1.16.1`, `
        env:
        - {name: B, value: "2"}`, `
  strategy:
    type: Recreate`), func(t *testing.T, d *apps.Deployment) {
		if s := d.Spec.Strategy; s.Type != apps.RecreateDeploymentStrategyType || s.RollingUpdate != nil {
			t.Errorf("strategy = %+v, want Recreate without rollingUpdate", s)
		}
	}},
	{"08-sidecar-and-volume", nginx(`image: nginx:1.16.1`, `
        env:
        - {name: B, value: "2"}
        volumeMounts:
        - {name: data, mountPath: /data}
      - name: sidecar
        image: busybox:1.36
        args: [sleep, "3600"]
      volumes:
      - name: data
        emptyDir: {}`, `
  strategy:
    type: Recreate`), func(t *testing.T, d *apps.Deployment) {
		wantContainers(t, d, "nginx", "sidecar")
		if v := d.Spec.Template.Spec.Volumes; len(v) != 1 || v[0].EmptyDir == nil {
			t.Errorf("volumes = %+v, want one emptyDir", v)
		}
	}},
	{"09-volume-type", nginx(`image: nginx:1.16.1`, `
        env:
        - {name: B, value: "2"}
        volumeMounts:
        - {name: data, mountPath: /data}
      - name: sidecar
        image: busybox:1.36
        args: [sleep, "3600"]
      volumes:
      - name: data
        hostPath: {path: /srv/data}`, `
  strategy:
    type: Recreate`), func(t *testing.T, d *apps.Deployment) {
		if v := d.Spec.Template.Spec.Volumes; len(v) != 1 || v[0].EmptyDir != nil || v[0].HostPath == nil || v[0].HostPath.Path != "/srv/data" {
			t.Errorf("volumes = %+v, want one hostPath /srv/data and no emptyDir", v)
		}
	}},
	{"10-reorder", nginx(`image: nginx:1.16.1`, ``, `
  strategy:
    type: Recreate`, `
      - name: sidecar
        image: busybox:1.36
        args: [sleep, "3600"]`), func(t *testing.T, d *apps.Deployment) {
		wantContainers(t, d, "sidecar", "nginx")
		wantEnv(t, d)
		if v := d.Spec.Template.Spec.Volumes; len(v) != 0 {
			t.Errorf("volumes = %+v, want none", v)
		}
	}},
}

// nginx renders the nginx Deployment manifest: the nginx container's image
// line and further lines, extra spec lines, and containers before nginx.
func nginx(image, container, spec string, before ...string) string {
	return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx
  labels: {app: nginx}
spec:
  replicas: 2
  selector:
    matchLabels: {app: nginx}` + spec + `
  template:
    metadata:
      labels: {app: nginx}
    spec:
      containers:` + strings.Join(before, "") + `
      - name: nginx
        ` + image + container + "\n"
}

func container(t *testing.T, d *apps.Deployment, name string) int {
	for i, c := range d.Spec.Template.Spec.Containers {
		if c.Name == name {
			return i
		}
	}
	t.Fatalf("no container %q in %+v", name, d.Spec.Template.Spec.Containers)
	return -1
}

func wantImage(t *testing.T, d *apps.Deployment, name, image string) {
	t.Helper()
	if got := d.Spec.Template.Spec.Containers[container(t, d, name)].Image; got != image {
		t.Errorf("image of %s = %q, want %q", name, got, image)
	}
}

func wantEnv(t *testing.T, d *apps.Deployment, want ...string) {
	t.Helper()
	var got []string
	for _, e := range d.Spec.Template.Spec.Containers[container(t, d, "nginx")].Env {
		got = append(got, e.Name+"="+e.Value)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("env = %q, want %q", got, want)
	}
}

func wantPorts(t *testing.T, d *apps.Deployment, want ...int32) {
	t.Helper()
	var got []int32
	for _, p := range d.Spec.Template.Spec.Containers[container(t, d, "nginx")].Ports {
		got = append(got, p.ContainerPort)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("container ports = %v, want %v", got, want)
	}
}

func wantContainers(t *testing.T, d *apps.Deployment, want ...string) {
	t.Helper()
	var got []string
	for _, c := range d.Spec.Template.Spec.Containers {
		got = append(got, c.Name)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("containers = %q, want %q", got, want)
	}
}

// TestKubectlApplyPatches replays, without kubectl, the strategic merge
// patches the real kubectl 1.32 sent for each step of the apply session
// (testdata/kubectl/*.patch.json, recorded by TestKubectlApply), and checks
// the objects they produce.
func TestKubectlApplyPatches(t *testing.T) {
	var d apps.Deployment
	for i, step := range applySteps {
		before := golden(t, step.name+".before.json")
		if i == 0 {
			if err := json.Unmarshal(before, &d); err != nil {
				t.Fatal(err)
			}
			step.check(t, &d)
			continue
		}
		p := golden(t, step.name+".patch.json")
		out, err := patch.Apply(patch.StrategicMerge, before, p, reflect.TypeFor[apps.Deployment]())
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		d = apps.Deployment{}
		if err := json.Unmarshal(out, &d); err != nil {
			t.Fatalf("%s: decoding the result: %v", step.name, err)
		}
		t.Run(step.name, func(t *testing.T) { step.check(t, &d) })
	}
}

func golden(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "kubectl", name))
	if err != nil {
		t.Fatalf("%v (run TestKubectlApply with -update and kubectl on PATH to record it)", err)
	}
	return bytes.TrimSpace(b)
}

// TestKubectlApply runs the real kubectl's apply against a minimal API
// server that applies patches with this package, step by step, and checks
// that kubectl sends exactly the recorded patches and gets the intended
// objects.
func TestKubectlApply(t *testing.T) {
	kubectl := testenv.Kubectl(t, "")
	srv := newApplyServer()
	ts := httptest.NewServer(srv)
	defer ts.Close()
	dir := t.TempDir()
	kubeconfig := filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(kubeconfig, []byte("apiVersion: v1\nkind: Config\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, step := range applySteps {
		manifest := filepath.Join(dir, step.name+".yaml")
		if err := os.WriteFile(manifest, []byte(step.manifest), 0o600); err != nil {
			t.Fatal(err)
		}
		before := srv.object("nginx")
		cmd := exec.Command(kubectl, "apply", "-f", manifest, "--server", ts.URL, "--kubeconfig", kubeconfig,
			"--cache-dir", filepath.Join(dir, "cache"), "--validate=false", "-n", "default")
		cmd.Env = append(os.Environ(), "HOME="+dir)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: kubectl apply: %v\n%s", step.name, err, out)
		}
		if before == nil {
			before = srv.object("nginx")
		}
		p := srv.takePatch()
		if step.name != "01-create" && p == nil {
			t.Fatalf("%s: kubectl sent no patch (it said %s)", step.name, out)
		}
		if *update {
			writeGolden(t, step.name+".before.json", before)
			if p != nil {
				writeGolden(t, step.name+".patch.json", p)
			}
		} else if p != nil {
			if want := golden(t, step.name+".patch.json"); !bytes.Equal(p, want) {
				t.Errorf("%s: kubectl sent\n%s\nwant (testdata)\n%s", step.name, p, want)
			}
		}
		var d apps.Deployment
		if err := json.Unmarshal(srv.object("nginx"), &d); err != nil {
			t.Fatal(err)
		}
		t.Run(step.name, func(t *testing.T) { step.check(t, &d) })
	}
	// Applying the last manifest again changes nothing: kubectl sends no
	// patch and says so.
	manifest := filepath.Join(dir, applySteps[len(applySteps)-1].name+".yaml")
	out, err := exec.Command(kubectl, "apply", "-f", manifest, "--server", ts.URL, "--kubeconfig", kubeconfig,
		"--cache-dir", filepath.Join(dir, "cache"), "--validate=false", "-n", "default").CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("unchanged")) || srv.takePatch() != nil {
		t.Errorf("re-apply: err %v, output %q, want no patch and \"unchanged\"", err, out)
	}
}

func writeGolden(t *testing.T, name string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join("testdata", "kubectl"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("testdata", "kubectl", name), append(data, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

// applyServer is the least of an API server that `kubectl apply` of a
// Deployment works against: discovery of apps/v1 deployments, and GET, POST
// and PATCH of Deployments in one namespace. PATCH bodies are applied with
// patch.Apply and recorded.
type applyServer struct {
	mu      sync.Mutex
	objects map[string][]byte
	patch   []byte
	rv      int
}

func newApplyServer() *applyServer { return &applyServer{objects: map[string][]byte{}} }

func (s *applyServer) object(name string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.objects[name]
}

func (s *applyServer) takePatch() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.patch
	s.patch = nil
	return p
}

const deploymentsPath = "/apis/apps/v1/namespaces/default/deployments"

func (s *applyServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/api":
		reply(w, 200, `{"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":"127.0.0.1"}]}`)
	case r.Method == http.MethodGet && r.URL.Path == "/apis":
		reply(w, 200, `{"kind":"APIGroupList","apiVersion":"v1","groups":[{"name":"apps","versions":[{"groupVersion":"apps/v1","version":"v1"}],"preferredVersion":{"groupVersion":"apps/v1","version":"v1"}}]}`)
	case r.Method == http.MethodGet && r.URL.Path == "/api/v1":
		reply(w, 200, `{"kind":"APIResourceList","apiVersion":"v1","groupVersion":"v1","resources":[]}`)
	case r.Method == http.MethodGet && r.URL.Path == "/apis/apps/v1":
		reply(w, 200, `{"kind":"APIResourceList","apiVersion":"v1","groupVersion":"apps/v1","resources":[{"name":"deployments","singularName":"deployment","namespaced":true,"kind":"Deployment","verbs":["create","delete","get","list","patch","update","watch"],"shortNames":["deploy"]}]}`)
	case r.Method == http.MethodPost && r.URL.Path == deploymentsPath:
		body, _ := io.ReadAll(r.Body)
		var d apps.Deployment
		if err := json.Unmarshal(body, &d); err != nil {
			reply(w, 400, status(400, "BadRequest", err.Error()))
			return
		}
		if _, ok := s.objects[d.Name]; ok {
			reply(w, 409, status(409, "AlreadyExists", "deployments.apps "+strconv.Quote(d.Name)+" already exists"))
			return
		}
		d.UID = "4f1c1f41-7a7b-4a63-9c4b-0d1c2b7d9e10"
		d.Namespace = "default"
		s.store(w, 201, &d)
	case strings.HasPrefix(r.URL.Path, deploymentsPath+"/"):
		name := strings.TrimPrefix(r.URL.Path, deploymentsPath+"/")
		cur, ok := s.objects[name]
		if !ok {
			reply(w, 404, status(404, "NotFound", `deployments.apps "`+name+`" not found`))
			return
		}
		switch r.Method {
		case http.MethodGet:
			reply(w, 200, string(cur))
		case http.MethodPatch:
			body, _ := io.ReadAll(r.Body)
			t, err := patch.ParseType(r.Header.Get("Content-Type"))
			if err != nil {
				reply(w, 415, status(415, "UnsupportedMediaType", err.Error()))
				return
			}
			s.patch = body
			out, err := patch.Apply(t, cur, body, reflect.TypeFor[apps.Deployment]())
			if err != nil {
				code, reason := 500, "InternalError"
				switch {
				case errors.Is(err, patch.ErrInvalidPatch):
					code, reason = 400, "BadRequest"
				case errors.Is(err, patch.ErrCannotApply):
					code, reason = 422, "Invalid"
				}
				reply(w, code, status(code, reason, err.Error()))
				return
			}
			var d apps.Deployment
			if err := json.Unmarshal(out, &d); err != nil {
				reply(w, 422, status(422, "Invalid", err.Error()))
				return
			}
			s.store(w, 200, &d)
		default:
			reply(w, 405, status(405, "MethodNotAllowed", r.Method))
		}
	default:
		reply(w, 404, status(404, "NotFound", "the server could not find the requested resource"))
	}
}

// store defaults d as the API server would and keeps it.
func (s *applyServer) store(w http.ResponseWriter, code int, d *apps.Deployment) {
	d.Default()
	s.rv++
	d.ResourceVersion = strconv.Itoa(s.rv)
	d.Kind, d.APIVersion = "Deployment", "apps/v1"
	b, err := json.Marshal(d)
	if err != nil {
		reply(w, 500, status(500, "InternalError", err.Error()))
		return
	}
	s.objects[d.Name] = b
	reply(w, code, string(b))
}

func reply(w http.ResponseWriter, code int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	io.WriteString(w, body)
}

func status(code int, reason, msg string) string {
	b, _ := json.Marshal(map[string]any{"kind": "Status", "apiVersion": "v1", "metadata": map[string]any{},
		"status": "Failure", "message": msg, "reason": reason, "code": code})
	return string(b)
}
