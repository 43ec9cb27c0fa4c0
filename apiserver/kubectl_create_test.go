package apiserver_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// jsonPath walks a decoded JSON object along a dotted path whose numeric
// elements index arrays, e.g. "spec.template.spec.containers.0.image".
func jsonPath(v any, path string) any {
	for _, p := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			var i int
			if _, err := fmt.Sscan(p, &i); err != nil || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

// TestKubectlCreateProtobuf runs the kubectl commands whose typed clients
// send protobuf request bodies (create <kind>), and run and expose, which
// send JSON, and checks that each object was stored with the content the
// command asked for.
func TestKubectlCreateProtobuf(t *testing.T) {
	k := newKubectl(t, "1.32")
	tests := []struct {
		args []string
		get  []string       // kubectl get arguments of the object made
		want map[string]any // JSON path → value
		set  []string       // paths that must be non-empty
		// sendsJSON marks commands that build objects through the
		// unstructured resource helper, which sends JSON.
		sendsJSON bool
	}{
		{args: []string{"create", "namespace", "team-a"}, get: []string{"namespace", "team-a"},
			want: map[string]any{"metadata.name": "team-a", "kind": "Namespace"}},
		{args: []string{"create", "configmap", "app-config", "--from-literal=a=1", "--from-literal=b=two"}, get: []string{"configmap", "app-config"},
			want: map[string]any{"data.a": "1", "data.b": "two"}},
		{args: []string{"create", "secret", "generic", "db", "--from-literal=password=s3cr3t"}, get: []string{"secret", "db"},
			want: map[string]any{"type": "Opaque", "data.password": "czNjcjN0"}},
		{args: []string{"create", "deployment", "web", "--image=nginx:1.27", "--replicas=3", "--port=8080"}, get: []string{"deployment", "web"},
			want: map[string]any{"spec.replicas": 3.0, "spec.selector.matchLabels.app": "web", "spec.template.metadata.labels.app": "web",
				"spec.template.spec.containers.0.image": "nginx:1.27", "spec.template.spec.containers.0.ports.0.containerPort": 8080.0,
				"spec.strategy.type": "RollingUpdate"}},
		{args: []string{"create", "service", "clusterip", "web-svc", "--tcp=80:8080"}, get: []string{"service", "web-svc"},
			want: map[string]any{"spec.type": "ClusterIP", "spec.ports.0.port": 80.0, "spec.ports.0.targetPort": 8080.0, "spec.ports.0.protocol": "TCP"},
			set:  []string{"spec.clusterIP"}},
		{args: []string{"create", "job", "pi", "--image=perl:5.34", "--", "perl", "-e", "print 1"}, get: []string{"job", "pi"},
			want: map[string]any{"spec.template.spec.containers.0.image": "perl:5.34", "spec.template.spec.containers.0.command.2": "print 1",
				"spec.template.spec.restartPolicy": "Never"}},
		{args: []string{"create", "cronjob", "nightly", "--image=busybox", "--schedule=*/5 * * * *", "--restart=OnFailure"}, get: []string{"cronjob", "nightly"},
			want: map[string]any{"spec.schedule": "*/5 * * * *", "spec.jobTemplate.spec.template.spec.restartPolicy": "OnFailure",
				"spec.jobTemplate.spec.template.spec.containers.0.image": "busybox"}},
		{args: []string{"create", "serviceaccount", "builder"}, get: []string{"serviceaccount", "builder"},
			want: map[string]any{"metadata.name": "builder"}},
		{args: []string{"create", "role", "pod-reader", "--verb=get,list", "--resource=pods"}, get: []string{"role", "pod-reader"},
			want: map[string]any{"rules.0.verbs.0": "get", "rules.0.verbs.1": "list", "rules.0.resources.0": "pods", "rules.0.apiGroups.0": ""}},
		{args: []string{"create", "rolebinding", "read-pods", "--role=pod-reader", "--user=jane"}, get: []string{"rolebinding", "read-pods"},
			want: map[string]any{"roleRef.kind": "Role", "roleRef.name": "pod-reader", "subjects.0.kind": "User", "subjects.0.name": "jane"}},
		{args: []string{"create", "clusterrole", "node-reader", "--verb=get", "--resource=nodes"}, get: []string{"clusterrole", "node-reader"},
			want: map[string]any{"rules.0.verbs.0": "get", "rules.0.resources.0": "nodes"}},
		{args: []string{"create", "clusterrolebinding", "node-readers", "--clusterrole=node-reader", "--group=ops"}, get: []string{"clusterrolebinding", "node-readers"},
			want: map[string]any{"roleRef.kind": "ClusterRole", "roleRef.name": "node-reader", "subjects.0.kind": "Group", "subjects.0.name": "ops"}},
		{args: []string{"create", "quota", "compute", "--hard=pods=10,requests.cpu=2,limits.memory=4Gi"}, get: []string{"quota", "compute"},
			want: map[string]any{"spec.hard.pods": "10"}}, // and the keys with dots, below
		{args: []string{"create", "priorityclass", "high", "--value=1000", "--description=important"}, get: []string{"priorityclass", "high"},
			want: map[string]any{"value": 1000.0, "description": "important"}},
		{args: []string{"create", "pdb", "web-pdb", "--selector=app=web", "--min-available=1"}, get: []string{"pdb", "web-pdb"},
			want: map[string]any{"spec.minAvailable": 1.0, "spec.selector.matchLabels.app": "web"}},
		{args: []string{"create", "ingress", "web-ing", "--rule=example.com/api*=web-svc:80"}, get: []string{"ingress", "web-ing"},
			want: map[string]any{"spec.rules.0.host": "example.com", "spec.rules.0.http.paths.0.path": "/api", "spec.rules.0.http.paths.0.pathType": "Prefix",
				"spec.rules.0.http.paths.0.backend.service.name": "web-svc", "spec.rules.0.http.paths.0.backend.service.port.number": 80.0}},
		{args: []string{"run", "nginx", "--image=nginx:1.27", "--labels=app=nginx,tier=web", "--port=80"}, get: []string{"pod", "nginx"},
			want:      map[string]any{"spec.containers.0.image": "nginx:1.27", "spec.containers.0.ports.0.containerPort": 80.0, "metadata.labels.tier": "web"},
			sendsJSON: true},
		{args: []string{"expose", "deployment", "web", "--port=80", "--target-port=8080", "--name=web-exposed"}, get: []string{"service", "web-exposed"},
			want:      map[string]any{"spec.selector.app": "web", "spec.ports.0.port": 80.0, "spec.ports.0.targetPort": 8080.0},
			set:       []string{"spec.clusterIP"},
			sendsJSON: true},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args[:2], "-"), func(t *testing.T) {
			k.t = t
			// -v=8 logs the request headers: the body must have been protobuf.
			out, errOut, err := k.run("", append([]string{"-v=8"}, tt.args...)...)
			if err != nil {
				t.Fatalf("kubectl %s: %v\nstdout: %s\nstderr: %s", strings.Join(tt.args, " "), err, out, errOut)
			}
			if sent := strings.Contains(errOut, "Content-Type: application/vnd.kubernetes.protobuf"); sent == tt.sendsJSON {
				t.Errorf("kubectl %s: sent a protobuf body: %v, want %v", strings.Join(tt.args, " "), sent, !tt.sendsJSON)
			}
			var obj map[string]any
			if err := json.Unmarshal([]byte(k.ok("", append([]string{"get", "-o", "json"}, tt.get...)...)), &obj); err != nil {
				t.Fatal(err)
			}
			for path, want := range tt.want {
				if got := jsonPath(obj, path); got != want {
					t.Errorf("%s: got %v (%T), want %v", path, got, got, want)
				}
			}
			for _, path := range tt.set {
				if got := jsonPath(obj, path); got == nil || got == "" {
					t.Errorf("%s is not set", path)
				}
			}
		})
	}

	// Keys that contain dots, which jsonPath cannot address.
	k.t = t
	hard := k.ok("", "get", "quota", "compute", "-o", `jsonpath={.spec.hard.requests\.cpu} {.spec.hard.limits\.memory}`)
	if hard != "2 4Gi" {
		t.Errorf("quota hard requests.cpu, limits.memory = %q, want \"2 4Gi\"", hard)
	}
}

// TestKubectlDrain drains a node: kubectl cordons it and evicts its pods.
// (kubectl 1.32's drain sends its Eviction as JSON; the protobuf form is
// covered by TestProtobufBodies.) --grace-period=0 only empties the node if
// the DeleteOptions inside the Eviction were decoded: without them the pod
// would wait 30 seconds for a kubelet that does not exist.
func TestKubectlDrain(t *testing.T) {
	k := newKubectl(t, "1.32")
	k.ok(`apiVersion: v1
kind: Node
metadata: {name: n1}
---
apiVersion: v1
kind: Pod
metadata: {name: lonely, namespace: default}
spec:
  nodeName: n1
  containers: [{name: c, image: busybox}]
`, "apply", "-f", "-")
	contains(t, "drain", k.ok("", "drain", "n1", "--force", "--grace-period=0", "--timeout=60s"),
		"node/n1 cordoned", "pod/lonely evicted", "node/n1 drained")
	contains(t, "evicted pod", k.fails("", "get", "pod", "lonely"), `pods "lonely" not found`)
	if u := k.ok("", "get", "node", "n1", "-o", "jsonpath={.spec.unschedulable}"); u != "true" {
		t.Errorf("node n1 unschedulable = %q, want true", u)
	}
}
