package openapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/apiserver/openapi"
	"github.com/spar-dev/spar/internal/testenv"
)

// discovery serves the legacy discovery documents (/api, /apis and one
// resource list per group-version) for resources: all kubectl explain reads
// besides OpenAPI.
func discovery(resources []*api.Resource) http.Handler {
	type gv struct{ group, version string }
	byGV := map[gv][]map[string]any{}
	var order []gv
	for _, r := range resources {
		k := gv{r.Group, r.Version}
		if _, ok := byGV[k]; !ok {
			order = append(order, k)
		}
		byGV[k] = append(byGV[k], map[string]any{
			"name": r.Plural, "singularName": r.Singular, "namespaced": r.Namespaced, "kind": r.Kind,
			"verbs": r.Verbs, "shortNames": r.ShortNames, "categories": r.Categories,
		})
		for _, sub := range r.Subresources {
			byGV[k] = append(byGV[k], map[string]any{
				"name": r.Plural + "/" + sub, "singularName": "", "namespaced": r.Namespaced, "kind": r.Kind,
				"verbs": []string{"get", "patch", "update"},
			})
		}
	}
	mux := http.NewServeMux()
	write := func(w http.ResponseWriter, v any) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(v)
	}
	mux.HandleFunc("GET /api", func(w http.ResponseWriter, _ *http.Request) {
		write(w, map[string]any{"kind": "APIVersions", "versions": []string{"v1"},
			"serverAddressByClientCIDRs": []map[string]string{{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}}})
	})
	mux.HandleFunc("GET /apis", func(w http.ResponseWriter, _ *http.Request) {
		var groups []map[string]any
		for _, k := range order {
			if k.group == "" {
				continue
			}
			v := map[string]string{"groupVersion": k.group + "/" + k.version, "version": k.version}
			groups = append(groups, map[string]any{"name": k.group, "versions": []any{v}, "preferredVersion": v})
		}
		write(w, map[string]any{"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
	})
	for _, k := range order {
		path, groupVersion := "/apis/"+k.group+"/"+k.version, k.group+"/"+k.version
		if k.group == "" {
			path, groupVersion = "/api/"+k.version, k.version
		}
		list := map[string]any{"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": groupVersion, "resources": byGV[k]}
		mux.HandleFunc("GET "+path, func(w http.ResponseWriter, _ *http.Request) { write(w, list) })
	}
	mux.HandleFunc("GET /version", func(w http.ResponseWriter, _ *http.Request) {
		write(w, map[string]string{"major": "1", "minor": "32", "gitVersion": "v1.32.0"})
	})
	return mux
}

// cluster serves the OpenAPI documents of b, discovery for resources and
// extra (for other paths) on a loopback port, and returns a function that
// runs kubectl against it.
func cluster(t *testing.T, b *openapi.Builder, resources []*api.Resource, extra http.Handler) func(args ...string) ([]byte, error) {
	t.Helper()
	bin := testenv.Kubectl(t, "")
	mux := http.NewServeMux()
	mux.Handle("/openapi/v3", b.Handler())
	mux.Handle("/openapi/v3/", b.Handler())
	disc := discovery(resources)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet || extra == nil {
			disc.ServeHTTP(w, r)
			return
		}
		extra.ServeHTTP(w, r)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	dir := t.TempDir()
	kubeconfig := filepath.Join(dir, "kubeconfig")
	config := `apiVersion: v1
kind: Config
clusters:
- name: spar
  cluster:
    server: ` + srv.URL + `
contexts:
- name: spar
  context:
    cluster: spar
    user: spar
users:
- name: spar
  user: {}
current-context: spar
`
	if err := os.WriteFile(kubeconfig, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	return func(args ...string) ([]byte, error) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		args = slices.Concat([]string{"--kubeconfig", kubeconfig, "--cache-dir", filepath.Join(dir, "cache")}, args)
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Env = append(os.Environ(), "HOME="+dir, "KUBECONFIG="+kubeconfig)
		return cmd.CombinedOutput()
	}
}

var crontabResource = &api.Resource{Group: "stable.example.com", Version: "v1", Kind: "CronTab",
	Plural: "crontabs", Singular: "crontab", Namespaced: true, ShortNames: []string{"ct"}, Verbs: api.DefaultVerbs}

// The real kubectl explains built-in and custom kinds from the documents,
// finding the kind through the operations' x-kubernetes-group-version-kind
// and walking the schemas.
func TestKubectlExplain(t *testing.T) {
	s := api.NewBuiltinScheme()
	b := openapi.New(s, openapi.Options{})
	if err := b.AddCRD(crontabCRD(t)); err != nil {
		t.Fatal(err)
	}
	run := cluster(t, b, append(s.Resources(), crontabResource), nil)

	tests := []struct {
		args    []string
		want    []string
		wantErr string
	}{
		{
			args: []string{"deployment.spec.strategy", "--api-version=apps/v1"},
			want: []string{"GROUP:      apps", "KIND:       Deployment", "VERSION:    v1",
				"FIELD: strategy <DeploymentStrategy>", "rollingUpdate\t<RollingUpdateDeployment>", "type\t<string>",
				"strategy replaces old pods by new ones"},
		},
		{
			args: []string{"deployment.spec.strategy.rollingUpdate.maxSurge", "--api-version=apps/v1"},
			want: []string{"FIELD: maxSurge <IntOrString>", "maxSurge pods above the desired count"},
		},
		{
			args: []string{"pods.spec.containers"},
			want: []string{"KIND:       Pod", "FIELD: containers <[]Container>", "image\t<string>", "name\t<string> -required-",
				"resources\t<ResourceRequirements>"},
		},
		{
			args: []string{"pods.spec.containers.resources.limits"},
			want: []string{"FIELD: limits <map[string]Quantity>"},
		},
		{
			args: []string{"pods.metadata.creationTimestamp"},
			want: []string{"FIELD: creationTimestamp <string>"},
		},
		{
			args: []string{"crontabs.spec"},
			want: []string{"GROUP:      stable.example.com", "KIND:       CronTab", "FIELD: spec <Object>", "cronSpec\t<string>", "replicas\t<integer>"},
		},
		{
			args:    []string{"deployment.spec.nope", "--api-version=apps/v1"},
			wantErr: `field "nope" does not exist`,
		},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			out, err := run(append([]string{"explain"}, tt.args...)...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(string(out), tt.wantErr) {
					t.Fatalf("kubectl explain %s: err %v, output:\n%s\nwant an error containing %q", strings.Join(tt.args, " "), err, out, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("kubectl explain %s: %v\n%s", strings.Join(tt.args, " "), err, out)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

// kubectl create asks the server to validate fields (fieldValidation=Strict)
// once it finds the parameter on the PATCH operation of the kind, for
// built-in and custom kinds alike; without it, it would fall back to
// client-side validation, which needs OpenAPI v2.
func TestKubectlCreateValidatesOnServer(t *testing.T) {
	s := api.NewBuiltinScheme()
	b := openapi.New(s, openapi.Options{})
	if err := b.AddCRD(crontabCRD(t)); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	queries := map[string]url.Values{}
	// The create endpoint echoes the object back, recording the query.
	create := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		queries[r.URL.Path] = r.URL.Query()
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		w.Write(body)
	})
	run := cluster(t, b, append(s.Resources(), crontabResource), create)

	tests := []struct {
		name, manifest, path string
	}{
		{"deployment", `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
			"spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},
			"spec":{"containers":[{"name":"web","image":"nginx"}]}}}}`, "/apis/apps/v1/namespaces/default/deployments"},
		{"configmap", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"},"data":{"k":"v"}}`,
			"/api/v1/namespaces/default/configmaps"},
		{"crontab", `{"apiVersion":"stable.example.com/v1","kind":"CronTab","metadata":{"name":"ct"},"spec":{"cronSpec":"* * * * *"}}`,
			"/apis/stable.example.com/v1/namespaces/default/crontabs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "obj.json")
			if err := os.WriteFile(file, []byte(tt.manifest), 0o600); err != nil {
				t.Fatal(err)
			}
			out, err := run("create", "-f", file)
			if err != nil {
				t.Fatalf("kubectl create: %v\n%s", err, out)
			}
			mu.Lock()
			q, ok := queries[tt.path]
			mu.Unlock()
			if !ok {
				t.Fatalf("kubectl did not POST to %s:\n%s", tt.path, out)
			}
			if got := q.Get("fieldValidation"); got != "Strict" {
				t.Errorf("fieldValidation = %q, want Strict (query %s)", got, q.Encode())
			}
		})
	}
}
