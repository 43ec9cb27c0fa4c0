package openapi_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spar-dev/spar/apiserver/apiservertest"
	"github.com/spar-dev/spar/internal/testenv"
)

// kubectlV2 runs one kubectl release against one real API server.
type kubectlV2 struct {
	t          *testing.T
	bin, dir   string
	kubeconfig string
}

func (k *kubectlV2) run(args ...string) (stdout, stderr string, err error) {
	k.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, k.bin, args...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+k.kubeconfig, "HOME="+k.dir, "KUBECACHEDIR="+filepath.Join(k.dir, "cache"))
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

// apply writes manifest to a file and runs kubectl apply -f on it.
func (k *kubectlV2) apply(manifest string) (stdout, stderr string, err error) {
	k.t.Helper()
	file := filepath.Join(k.t.TempDir(), "manifest.yaml")
	if err := os.WriteFile(file, []byte(manifest), 0o600); err != nil {
		k.t.Fatal(err)
	}
	return k.run("apply", "-f", file)
}

const webDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 1, maxUnavailable: 0}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        ports:
        - containerPort: 80
`

// kubectl 1.27 and 1.28 download the v2 document (protobuf) before any
// apply, create or explain, and fail without it; apply also computes its
// strategic merge patches from it. With the document they validate on the
// server (the v3 and v2 PATCH operations list fieldValidation), patch by
// merge key, and explain from either document. Both run against one
// server, on objects of their own.
func TestKubectlOpenAPIV2(t *testing.T) {
	srv := apiservertest.Start(t, nil)
	for _, version := range []string{"1.27", "1.28"} {
		t.Run(version, func(t *testing.T) {
			bin := testenv.Kubectl(t, version)
			k := &kubectlV2{t: t, bin: bin, dir: t.TempDir(), kubeconfig: srv.Kubeconfig}
			name := "web-" + strings.ReplaceAll(version, ".", "")
			deployment := strings.ReplaceAll(webDeployment, "web", name)

			steps := []struct {
				name, manifest string
				want           string
			}{
				{"create", deployment, "deployment.apps/" + name + " created"},
				{"change", strings.Replace(deployment, "replicas: 2", "replicas: 3", 1), "deployment.apps/" + name + " configured"},
				{"unchanged", strings.Replace(deployment, "replicas: 2", "replicas: 3", 1), "deployment.apps/" + name + " unchanged"},
			}
			for _, s := range steps {
				out, errOut, err := k.apply(s.manifest)
				if err != nil || !strings.Contains(out, s.want) {
					t.Fatalf("%s: kubectl apply: err %v\nstdout: %s\nstderr: %s\nwant %q", s.name, err, out, errOut, s.want)
				}
				if strings.Contains(errOut, "openapi") {
					t.Errorf("%s: kubectl apply warned about OpenAPI:\n%s", s.name, errOut)
				}
			}

			// Strategic merge by the containers' merge key: an env var set
			// by someone else survives an apply that changes the image.
			if out, errOut, err := k.run("patch", "deployment", name, "--type=strategic",
				"-p", `{"spec":{"template":{"spec":{"containers":[{"name":"`+name+`","env":[{"name":"MODE","value":"blue"}]}]}}}}`); err != nil {
				t.Fatalf("kubectl patch: %v\n%s%s", err, out, errOut)
			}
			changed := strings.Replace(strings.Replace(deployment, "replicas: 2", "replicas: 3", 1), "nginx:1.25", "nginx:1.27", 1)
			if out, errOut, err := k.apply(changed); err != nil || !strings.Contains(out, "configured") || strings.Contains(errOut, "openapi") {
				t.Fatalf("kubectl apply (image): err %v\nstdout: %s\nstderr: %s", err, out, errOut)
			}
			out, errOut, err := k.run("get", "deployment", name, "-o",
				`jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].env[0].value}`)
			if want := "3 nginx:1.27 blue"; err != nil || out != want {
				t.Errorf("after apply: got %q (err %v, %s), want %q", out, err, errOut, want)
			}

			// Unknown fields are rejected, naming the field.
			bad := strings.Replace(deployment, "  replicas: 2\n", "  replicas: 2\n  replicaz: 3\n", 1)
			bad = strings.Replace(bad, "name: "+name+"\nspec:", "name: "+name+"-bad\nspec:", 1)
			out, errOut, err = k.apply(bad)
			if err == nil || !strings.Contains(errOut, "replicaz") {
				t.Errorf("apply with an unknown field: err %v\nstdout: %s\nstderr: %s\nwant a failure naming replicaz", err, out, errOut)
			}

			// explain reads v3 by default and v2 when asked.
			explain := []struct {
				output string
				want   []string
			}{
				{"plaintext", []string{"KIND:       Deployment", "FIELD: strategy <DeploymentStrategy>",
					"rollingUpdate\t<RollingUpdateDeployment>", "type\t<string>", "replaces old pods by new ones"}},
				{"plaintext-openapiv2", []string{"KIND:     Deployment", "VERSION:  apps/v1", "RESOURCE: strategy <Object>",
					"rollingUpdate\t<Object>", "type\t<string>", "replaces old pods by new ones"}},
			}
			for _, e := range explain {
				out, errOut, err = k.run("explain", "deployment.spec.strategy", "--output="+e.output)
				if err != nil {
					t.Errorf("kubectl explain --output=%s: %v\n%s", e.output, err, errOut)
					continue
				}
				for _, want := range e.want {
					if !strings.Contains(out, want) {
						t.Errorf("kubectl explain --output=%s lacks %q:\n%s", e.output, want, out)
					}
				}
			}

			// A custom resource, whose CRD uses forms v2 lacks: published
			// in the v2 document, which kubectl still reads whole.
			if out, errOut, err := k.apply(gadgetCRD); err != nil {
				t.Fatalf("kubectl apply (CRD): %v\n%s%s", err, out, errOut)
			}
			if out, errOut, err := k.run("wait", "--for=condition=established", "--timeout=30s", "crd/gadgets.example.com"); err != nil {
				t.Fatalf("kubectl wait: %v\n%s%s", err, out, errOut)
			}
			gadget := strings.ReplaceAll(gadget, "name: g1", "name: "+name)
			for _, s := range []struct{ manifest, want string }{
				{gadget, "gadget.example.com/" + name + " created"},
				{strings.Replace(gadget, "size: 3", "size: 4", 1), "gadget.example.com/" + name + " configured"},
			} {
				if out, errOut, err := k.apply(s.manifest); err != nil || !strings.Contains(out, s.want) {
					t.Fatalf("kubectl apply (Gadget): err %v\nstdout: %s\nstderr: %s\nwant %q", err, out, errOut, s.want)
				}
			}
			out, errOut, err = k.run("explain", "gadgets.spec", "--output=plaintext-openapiv2")
			if err != nil || !strings.Contains(out, "KIND:     Gadget") || !strings.Contains(out, "ports\t<[]Object>") {
				t.Errorf("kubectl explain gadgets.spec --output=plaintext-openapiv2: %v\n%s%s", err, out, errOut)
			}
		})
	}
}

const gadgetCRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: gadgets, singular: gadget, kind: Gadget}
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
              size:
                x-kubernetes-int-or-string: true
                anyOf: [{type: integer}, {type: string}]
              note: {type: string, nullable: true}
              config:
                type: object
                x-kubernetes-preserve-unknown-fields: true
              ports:
                type: array
                x-kubernetes-list-type: map
                x-kubernetes-list-map-keys: [name]
                items:
                  type: object
                  required: [name]
                  properties:
                    name: {type: string}
                    port: {type: integer}
`

const gadget = `apiVersion: example.com/v1
kind: Gadget
metadata:
  name: g1
spec:
  size: 3
  note: null
  config: {anything: [1, 2]}
  ports:
  - {name: http, port: 80}
`
