package apiserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spar-dev/spar/apiserver/apiservertest"
	"github.com/spar-dev/spar/internal/testenv"
)

// kubectlRunner runs one kubectl binary against one server.
type kubectlRunner struct {
	t          *testing.T
	bin        string
	kubeconfig string
	dir        string
}

func newKubectl(t *testing.T, version string) *kubectlRunner {
	t.Helper()
	path := testenv.Kubectl(t, version)
	srv := apiservertest.Start(t, nil)
	return &kubectlRunner{t: t, bin: path, kubeconfig: srv.Kubeconfig, dir: srv.Dir}
}

// run runs kubectl and returns stdout, stderr and the error.
func (k *kubectlRunner) run(stdin string, args ...string) (string, string, error) {
	k.t.Helper()
	return k.runEnv(nil, stdin, args...)
}

// runEnv is run with extra environment variables.
func (k *kubectlRunner) runEnv(env []string, stdin string, args ...string) (string, string, error) {
	k.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, k.bin, args...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+k.kubeconfig, "HOME="+k.dir, "KUBECACHEDIR="+filepath.Join(k.dir, "cache"))
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	return out.String(), errb.String(), err
}

// ok runs kubectl and fails the test if it fails.
func (k *kubectlRunner) ok(stdin string, args ...string) string {
	k.t.Helper()
	out, errOut, err := k.run(stdin, args...)
	if err != nil {
		k.t.Fatalf("kubectl %s: %v\nstdout: %s\nstderr: %s", strings.Join(args, " "), err, out, errOut)
	}
	return out
}

// fails runs kubectl, expects it to fail, and returns stderr.
func (k *kubectlRunner) fails(stdin string, args ...string) string {
	k.t.Helper()
	out, errOut, err := k.run(stdin, args...)
	if err == nil {
		k.t.Fatalf("kubectl %s succeeded, want failure\nstdout: %s", strings.Join(args, " "), out)
	}
	return errOut
}

func contains(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s: want %q in:\n%s", what, w, got)
		}
	}
}

const nginxDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx
  labels: {app: nginx}
spec:
  replicas: 2
  selector:
    matchLabels: {app: nginx}
  template:
    metadata:
      labels: {app: nginx}
    spec:
      containers:
      - name: nginx
        image: IMAGE
        ports:
        - containerPort: 80
`

func TestKubectlApplyLifecycle(t *testing.T) {
	k := newKubectl(t, "")
	dep := func(image string) string { return strings.ReplaceAll(nginxDeployment, "IMAGE", image) }

	contains(t, "first apply", k.ok(dep("nginx:1.25"), "apply", "-f", "-"), "deployment.apps/nginx created")
	contains(t, "changed apply", k.ok(dep("nginx:1.26"), "apply", "-f", "-"), "deployment.apps/nginx configured")
	contains(t, "same apply", k.ok(dep("nginx:1.26"), "apply", "-f", "-"), "deployment.apps/nginx unchanged")

	var got struct {
		Metadata struct {
			Generation int64 `json:"generation"`
		} `json:"metadata"`
		Spec struct {
			Template struct {
				Spec struct {
					Containers []struct {
						Image string `json:"image"`
					} `json:"containers"`
				} `json:"spec"`
			} `json:"template"`
		} `json:"spec"`
	}
	if err := json.Unmarshal([]byte(k.ok("", "get", "deployment", "nginx", "-o", "json")), &got); err != nil {
		t.Fatal(err)
	}
	if img := got.Spec.Template.Spec.Containers[0].Image; img != "nginx:1.26" || got.Metadata.Generation != 2 {
		t.Errorf("after apply: image %q generation %d, want nginx:1.26 and 2", img, got.Metadata.Generation)
	}

	contains(t, "scale", k.ok("", "scale", "deployment", "nginx", "--replicas=5"), "deployment.apps/nginx scaled")
	if r := k.ok("", "get", "deployment", "nginx", "-o", "jsonpath={.spec.replicas}"); r != "5" {
		t.Errorf("replicas after scale = %q", r)
	}
	contains(t, "label", k.ok("", "label", "deployment", "nginx", "tier=web"), "deployment.apps/nginx labeled")
	contains(t, "get -l", k.ok("", "get", "deployments", "-l", "tier=web", "-o", "name"), "deployment.apps/nginx")
	if out := k.ok("", "get", "deployments", "-l", "tier=db", "-o", "name"); strings.TrimSpace(out) != "" {
		t.Errorf("get -l tier=db = %q, want nothing", out)
	}
	contains(t, "annotate", k.ok("", "annotate", "deployment", "nginx", "note=hello"), "deployment.apps/nginx annotated")
	contains(t, "yaml", k.ok("", "get", "deployment", "nginx", "-o", "yaml"), "note: hello", "tier: web", "kind: Deployment")
	contains(t, "delete", k.ok("", "delete", "deployment", "nginx", "--wait"), `deployment.apps "nginx" deleted`)
	contains(t, "get after delete", k.fails("", "get", "deployment", "nginx"), `deployments.apps "nginx" not found`)
}

func TestKubectlPatchTypes(t *testing.T) {
	k := newKubectl(t, "")
	k.ok(strings.ReplaceAll(nginxDeployment, "IMAGE", "nginx:1.25"), "create", "-f", "-")
	k.ok("", "patch", "deployment", "nginx", "-p", `{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:strategic"}]}}}}`)
	if img := k.ok("", "get", "deploy", "nginx", "-o", "jsonpath={.spec.template.spec.containers[0].image}"); img != "nginx:strategic" {
		t.Errorf("after strategic patch: %q", img)
	}
	k.ok("", "patch", "deployment", "nginx", "--type=merge", "-p", `{"metadata":{"labels":{"patched":"merge"}}}`)
	k.ok("", "patch", "deployment", "nginx", "--type=json", "-p", `[{"op":"replace","path":"/spec/replicas","value":3}]`)
	out := k.ok("", "get", "deploy", "nginx", "-o", "jsonpath={.metadata.labels.patched} {.spec.replicas}")
	if out != "merge 3" {
		t.Errorf("after merge and json patches: %q", out)
	}
	contains(t, "bad json patch", k.fails("", "patch", "deployment", "nginx", "--type=json", "-p", `[{"op":"remove","path":"/spec/nope"}]`), "nginx")
}

func TestKubectlErrors(t *testing.T) {
	k := newKubectl(t, "")
	badName := strings.ReplaceAll(strings.ReplaceAll(nginxDeployment, "IMAGE", "nginx"), "name: nginx\n  labels", "name: bad_name\n  labels")
	contains(t, "bad name", k.fails(badName, "create", "-f", "-", "--validate=false"),
		`The Deployment "bad_name" is invalid: metadata.name: Invalid value: "bad_name": a lowercase RFC 1123 subdomain`)
	k.ok("apiVersion: v1\nkind: Namespace\nmetadata: {name: ns1}\n", "create", "-f", "-")
	contains(t, "exists", k.fails("apiVersion: v1\nkind: Namespace\nmetadata: {name: ns1}\n", "create", "-f", "-"), `namespaces "ns1" already exists`)
	contains(t, "missing namespace", k.fails(strings.ReplaceAll(nginxDeployment, "IMAGE", "nginx"), "create", "-n", "nope", "-f", "-"), `namespaces "nope" not found`)
	contains(t, "not found", k.fails("", "get", "pod", "ghost"), `pods "ghost" not found`)
}

func TestKubectlCustomResources(t *testing.T) {
	k := newKubectl(t, "")
	k.ok(crontabCRD, "apply", "-f", "-")
	k.ok("", "wait", "--for=condition=established", "--timeout=30s", "crd/crontabs.stable.example.com")
	k.ok(crontab("my-cron", 2), "apply", "-f", "-")
	contains(t, "get ct", k.ok("", "get", "ct", "-o", "name"), "crontab.stable.example.com/my-cron")
	contains(t, "scale", k.ok("", "scale", "ct", "my-cron", "--replicas=4"), "scaled")
	if r := k.ok("", "get", "ct", "my-cron", "-o", "jsonpath={.spec.replicas}"); r != "4" {
		t.Errorf("replicas = %q", r)
	}
	contains(t, "schema violation", k.fails("", "patch", "ct", "my-cron", "--type=merge", "-p", `{"spec":{"replicas":0}}`),
		`spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1`)
	k.ok("", "delete", "crd", "crontabs.stable.example.com")
	// kubectl's discovery cache may still list crontabs; either way the
	// resource is gone.
	if out := k.fails("", "get", "crontabs.stable.example.com"); !strings.Contains(out, "the server could not find the requested resource") &&
		!strings.Contains(out, "the server doesn't have a resource type") {
		t.Errorf("after deleting the CRD: %s", out)
	}
}

const crontabCRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              cronSpec: {type: string}
              image: {type: string}
              replicas: {type: integer, minimum: 1}
          status:
            type: object
            properties:
              replicas: {type: integer}
    subresources:
      status: {}
      scale:
        specReplicasPath: .spec.replicas
        statusReplicasPath: .status.replicas
  scope: Namespaced
  names:
    plural: crontabs
    singular: crontab
    kind: CronTab
    shortNames: [ct]
`

func crontab(name string, replicas int) string {
	return strings.NewReplacer("NAME", name, "N", string(rune('0'+replicas))).Replace(`apiVersion: stable.example.com/v1
kind: CronTab
metadata:
  name: NAME
spec:
  cronSpec: "* * * * */5"
  image: my-awesome-cron-image
  replicas: N
`)
}

// TestKubectlVersionsSmoke runs the oldest and newest supported kubectl
// through the basic verbs.
func TestKubectlVersionsSmoke(t *testing.T) {
	for _, v := range []string{"1.27", "1.33"} {
		t.Run(v, func(t *testing.T) {
			k := newKubectl(t, v)
			contains(t, "apply", k.ok(strings.ReplaceAll(nginxDeployment, "IMAGE", "nginx:1.25"), "apply", "-f", "-"), "deployment.apps/nginx created")
			contains(t, "get", k.ok("", "get", "deployments"), "nginx")
			contains(t, "scale", k.ok("", "scale", "deployment", "nginx", "--replicas=3"), "scaled")
			contains(t, "patch", k.ok("", "patch", "deployment", "nginx", "--type=merge", "-p", `{"metadata":{"labels":{"v":"x"}}}`), "patched")
			contains(t, "api-resources", k.ok("", "api-resources"), "deployments", "customresourcedefinitions")
			contains(t, "delete", k.ok("", "delete", "deployment", "nginx"), "deleted")
		})
	}
}

func TestKubectlGetVariants(t *testing.T) {
	k := newKubectl(t, "")
	k.ok(strings.ReplaceAll(nginxDeployment, "IMAGE", "nginx:1.25"), "apply", "-f", "-")
	k.ok("apiVersion: v1\nkind: Namespace\nmetadata: {name: other}\n", "apply", "-f", "-")
	k.ok("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm1, namespace: other, labels: {tier: db}}\ndata: {a: b}\n", "apply", "-f", "-")

	table := k.ok("", "get", "deployments")
	contains(t, "table header", table, "NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "nginx")
	contains(t, "wide", k.ok("", "get", "deployments", "-o", "wide"), "CONTAINERS", "IMAGES", "SELECTOR", "nginx:1.25", "app=nginx")
	contains(t, "name", k.ok("", "get", "deployments", "-o", "name"), "deployment.apps/nginx")
	contains(t, "all namespaces", k.ok("", "get", "configmaps", "-A"), "NAMESPACE", "other", "cm1")
	contains(t, "show labels", k.ok("", "get", "cm", "-n", "other", "--show-labels"), "tier=db")
	contains(t, "field selector", k.ok("", "get", "cm", "-A", "--field-selector", "metadata.namespace=other", "-o", "name"), "configmap/cm1")
	if out := k.ok("", "get", "cm", "-A", "--field-selector", "metadata.name=nope", "-o", "name"); strings.TrimSpace(out) != "" {
		t.Errorf("field selector matched %q", out)
	}
	contains(t, "json", k.ok("", "get", "deploy", "nginx", "-o", "json"), `"kind": "Deployment"`, `"apiVersion": "apps/v1"`)
	contains(t, "custom columns", k.ok("", "get", "deploy", "-o", "custom-columns=N:.metadata.name,R:.spec.replicas"), "nginx", "2")
	contains(t, "chunked", k.ok("", "get", "namespaces", "--chunk-size=2"), "default", "kube-system", "other")
	contains(t, "api-resources", k.ok("", "api-resources"), "deployments", "deploy", "apps/v1", "true", "Deployment")
	contains(t, "api-versions", k.ok("", "api-versions"), "apps/v1", "v1", "rbac.authorization.k8s.io/v1")
	contains(t, "explain", k.ok("", "explain", "deployment.spec.strategy"), "rollingUpdate", "type")
	contains(t, "describe", k.ok("", "describe", "deployment", "nginx"), "Name:", "nginx", "Replicas:", "StrategyType:", "RollingUpdate")
	contains(t, "get all", k.ok("", "get", "all"), "deployment.apps/nginx")
}

func TestKubectlEdit(t *testing.T) {
	k := newKubectl(t, "")
	k.ok("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: e}\ndata: {color: red}\n", "apply", "-f", "-")
	// A non-interactive editor: sed rewrites the file kubectl hands it.
	out, errOut, err := k.runEnv([]string{"KUBE_EDITOR=sed -i s/red/blue/"}, "", "edit", "configmap", "e")
	if err != nil {
		t.Fatalf("edit: %v\n%s\n%s", err, out, errOut)
	}
	if got := k.ok("", "get", "cm", "e", "-o", "jsonpath={.data.color}"); got != "blue" {
		t.Errorf("color after edit = %q", got)
	}
}

func TestKubectlWatch(t *testing.T) {
	k := newKubectl(t, "")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, k.bin, "get", "configmaps", "-w", "--output-watch-events")
	cmd.Env = append(os.Environ(), "KUBECONFIG="+k.kubeconfig, "HOME="+k.dir)
	var out syncBuffer
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cancel()
		cmd.Wait()
	}()
	deadline := time.Now().Add(10 * time.Second)
	k.ok("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: watched}\n", "apply", "-f", "-")
	k.ok("", "label", "cm", "watched", "x=y")
	k.ok("", "delete", "cm", "watched")
	for time.Now().Before(deadline) {
		s := out.String()
		if strings.Contains(s, "ADDED") && strings.Contains(s, "MODIFIED") && strings.Contains(s, "DELETED") {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Errorf("kubectl get -w printed:\n%s", out.String())
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
