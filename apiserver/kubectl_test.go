package apiserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, k.bin, args...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+k.kubeconfig, "HOME="+k.dir, "KUBECACHEDIR="+filepath.Join(k.dir, "cache"))
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
