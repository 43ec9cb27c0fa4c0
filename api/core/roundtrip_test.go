package core_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/resource"
)

// cmpOpts compares API objects: quantities by their wire form, micro times
// by instant (meta.Time has its own Equal method, which cmp uses).
var cmpOpts = cmp.Options{
	cmp.Comparer(func(a, b resource.Quantity) bool { return a.String() == b.String() }),
	cmp.Comparer(func(a, b meta.MicroTime) bool { return a.Time.Equal(b.Time) }),
}

// document is one YAML document of a testdata file.
type document struct {
	name string // file#index, for messages
	json []byte
}

// readDocuments returns every document of testdata/*.yaml, converted to JSON.
func readDocuments(t *testing.T) []document {
	t.Helper()
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	var docs []document
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, part := range bytes.Split(data, []byte("\n---\n")) {
			j, err := api.ToJSON(part)
			if err != nil {
				t.Fatalf("%s#%d: %v", f, i, err)
			}
			docs = append(docs, document{name: filepath.Base(f) + "#" + string(rune('0'+i)), json: j})
		}
	}
	return docs
}

// decode decodes a document strictly into a new object of the kind its
// apiVersion and kind name, as the API server does.
func decode(t *testing.T, data []byte) (meta.Object, *api.Resource) {
	t.Helper()
	var tm meta.TypeMeta
	if err := api.Decode(data, &tm); err != nil {
		t.Fatal(err)
	}
	g, v := tm.GroupVersion()
	r, ok := api.Default.ByKind(api.GVK{Group: g, Version: v, Kind: tm.Kind})
	if !ok {
		t.Fatalf("kind %s/%s is not registered", tm.APIVersion, tm.Kind)
	}
	obj := r.New()
	if err := api.DecodeStrict(data, obj); err != nil {
		t.Fatalf("decoding %s: %v", tm.Kind, err)
	}
	return obj, r
}

// normalize parses JSON into generic values and drops nulls and empty
// objects and arrays: Kubernetes itself encodes unset struct fields as {} and
// zero times as null, so only the remaining content must be preserved.
func normalize(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return prune(v)
}

func prune(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if p := prune(e); p == nil {
				delete(v, k)
			} else {
				v[k] = p
			}
		}
		if len(v) == 0 {
			return nil
		}
	case []any:
		for i, e := range v {
			v[i] = prune(e)
		}
		if len(v) == 0 {
			return nil
		}
	}
	return v
}

// dropOmittedZeros deletes from manifest the scalar zero values (false, 0,
// "") that encoded does not have: fields such as hostNetwork: false are
// omitted on encoding, by Kubernetes too, without losing information.
func dropOmittedZeros(manifest, encoded any) {
	switch m := manifest.(type) {
	case map[string]any:
		e, _ := encoded.(map[string]any)
		for k, v := range m {
			ev, ok := e[k]
			if !ok && (v == false || v == float64(0) || v == "") {
				delete(m, k)
				continue
			}
			dropOmittedZeros(v, ev)
		}
	case []any:
		e, _ := encoded.([]any)
		for i, v := range m {
			if i < len(e) {
				dropOmittedZeros(v, e[i])
			}
		}
	}
}

func TestRoundTripManifests(t *testing.T) {
	kinds := map[string]bool{}
	for _, doc := range readDocuments(t) {
		t.Run(doc.name, func(t *testing.T) {
			obj, r := decode(t, doc.json)
			kinds[r.Kind] = true

			out, err := api.Encode(obj)
			if err != nil {
				t.Fatal(err)
			}
			want, got := normalize(t, doc.json), normalize(t, out)
			dropOmittedZeros(want, got)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("encoding lost or changed content (-manifest +encoded):\n%s", diff)
			}

			again, _ := decode(t, out)
			if diff := cmp.Diff(obj, again, cmpOpts); diff != "" {
				t.Errorf("decode(encode(obj)) differs from obj (-first +second):\n%s", diff)
			}

			y, err := api.EncodeYAML(obj)
			if err != nil {
				t.Fatal(err)
			}
			yj, err := api.ToJSON(y)
			if err != nil {
				t.Fatal(err)
			}
			viaYAML, _ := decode(t, yj)
			if diff := cmp.Diff(obj, viaYAML, cmpOpts); diff != "" {
				t.Errorf("YAML round trip differs (-first +second):\n%s", diff)
			}
		})
	}
	// Every core kind is exercised by some manifest.
	for _, r := range api.Default.Resources() {
		if r.Group == "" && !kinds[r.Kind] {
			t.Errorf("no testdata manifest of kind %s", r.Kind)
		}
	}
}

func TestRoundTripPodFields(t *testing.T) {
	data, err := os.ReadFile("testdata/pod-probes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	j, err := api.ToJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	var pod core.Pod
	if err := api.DecodeStrict(j, &pod); err != nil {
		t.Fatal(err)
	}
	nginx, etcd := pod.Spec.Containers[0], pod.Spec.Containers[1]
	checks := []struct {
		name      string
		got, want any
	}{
		{"liveness httpGet port (named)", nginx.LivenessProbe.HTTPGet.Port, meta.FromString("http")},
		{"liveness header", nginx.LivenessProbe.HTTPGet.HTTPHeaders[0].Value, "liveness"},
		{"readiness tcpSocket port", nginx.ReadinessProbe.TCPSocket.Port, meta.FromInt(80)},
		{"startup exec", strings.Join(nginx.StartupProbe.Exec.Command, " "), "cat /tmp/healthy"},
		{"grpc service", *etcd.LivenessProbe.GRPC.Service, "liveness"},
		{"grpc service unset", etcd.ReadinessProbe.GRPC.Service == nil, true},
		{"preStop sleep", nginx.Lifecycle.PreStop.Sleep.Seconds, int64(5)},
		{"preStop httpGet", etcd.Lifecycle.PreStop.HTTPGet.Path, "/shutdown"},
		{"env fieldRef", nginx.Env[1].ValueFrom.FieldRef.FieldPath, "metadata.name"},
		{"env configMapKeyRef", nginx.Env[3].ValueFrom.ConfigMapKeyRef.Name, "web-config"},
		{"env secretKeyRef", nginx.Env[4].ValueFrom.SecretKeyRef.Key, "password"},
		{"env resourceFieldRef divisor", nginx.Env[5].ValueFrom.ResourceFieldRef.Divisor.String(), "1Mi"},
		{"memory limit", nginx.Resources.Limits.Memory().String(), "128Mi"},
		{"sidecar", core.IsRestartableInitContainer(&pod.Spec.InitContainers[1]), true},
		{"configMap volume name (inline reference)", pod.Spec.Volumes[4].ConfigMap.Name, "web-config"},
		{"projected token audience", pod.Spec.Volumes[7].Projected.Sources[3].ServiceAccountToken.Audience, "vault"},
		{"node affinity", pod.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms[0].MatchExpressions[0].Operator, core.NodeSelectorOpIn},
		{"pod affinity namespaceSelector", pod.Spec.Affinity.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution[0].NamespaceSelector.MatchLabels["team"], "web"},
		{"spread nodeTaintsPolicy", *pod.Spec.TopologySpreadConstraints[0].NodeTaintsPolicy, core.NodeInclusionPolicyIgnore},
		{"toleration seconds", *pod.Spec.Tolerations[1].TolerationSeconds, int64(6000)},
		{"dns option value", *pod.Spec.DNSConfig.Options[0].Value, "2"},
		{"overhead cpu", pod.Spec.Overhead.CPU().String(), "250m"},
	}
	for _, c := range checks {
		if diff := cmp.Diff(c.want, c.got, cmpOpts); diff != "" {
			t.Errorf("%s: (-want +got)\n%s", c.name, diff)
		}
	}
}

func TestWireDetails(t *testing.T) {
	// Fields Kubernetes encodes even when empty, which clients rely on.
	pod := core.Pod{Spec: core.PodSpec{Containers: []core.Container{{
		Name: "c",
		Env: []core.EnvVar{{Name: "MEM", ValueFrom: &core.EnvVarSource{
			ResourceFieldRef: &core.ResourceFieldSelector{Resource: "limits.memory"},
		}}},
		ReadinessProbe: &core.Probe{ProbeHandler: core.ProbeHandler{GRPC: &core.GRPCAction{Port: 1}}},
	}}}}
	pod.Status.Conditions = []core.PodCondition{{Type: core.PodReady, Status: core.ConditionTrue}}
	out, err := api.Encode(&pod)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`"metadata":{}`,
		`"resources":{}`,
		`"grpc":{"port":1,"service":null}`,
		`"lastProbeTime":null`,
		`"resourceFieldRef":{"resource":"limits.memory","divisor":"0"}`,
		`"status":{"conditions":[`,
	} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("encoded pod lacks %s:\n%s", want, out)
		}
	}

	sec := core.Secret{Data: map[string][]byte{"k": {0xde, 0xad, 0xbe, 0xef}}}
	out, _ = api.Encode(&sec)
	if !bytes.Contains(out, []byte(`"data":{"k":"3q2+7w=="}`)) {
		t.Errorf("secret data is not base64 on the wire: %s", out)
	}

	node := core.Node{Status: core.NodeStatus{DaemonEndpoints: core.NodeDaemonEndpoints{KubeletEndpoint: core.DaemonEndpoint{Port: 10250}}}}
	out, _ = api.Encode(&node)
	if !bytes.Contains(out, []byte(`"kubeletEndpoint":{"Port":10250}`)) {
		t.Errorf("daemon endpoint port must be spelled Port: %s", out)
	}
}

func TestStrictDecodingNamesThePath(t *testing.T) {
	tests := []struct {
		name     string
		kind     meta.Object
		manifest string
		want     []string
	}{
		{
			name: "misspelt container field",
			kind: &core.Pod{},
			manifest: `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},
				"spec":{"containers":[{"name":"c","image":"nginx","imagePullPolcy":"Always"}]}}`,
			want: []string{`unknown field "spec.containers[0].imagePullPolcy"`},
		},
		{
			name: "unmodelled volume source",
			kind: &core.Pod{},
			manifest: `{"apiVersion":"v1","kind":"Pod","spec":{"containers":[],
				"volumes":[{"name":"a","emptyDir":{}},{"name":"b","gitRepo":{"repository":"x"}}]}}`,
			want: []string{`unknown field "spec.volumes[1].gitRepo"`},
		},
		{
			name: "template in pod template",
			kind: &core.PodTemplate{},
			manifest: `{"apiVersion":"v1","kind":"PodTemplate",
				"template":{"spec":{"containers":[{"name":"c","livenessProbe":{"httpGet":{"port":80,"paht":"/"}}}]}}}`,
			want: []string{`unknown field "template.spec.containers[0].livenessProbe.httpGet.paht"`},
		},
		{
			name:     "lower-case daemon endpoint port",
			kind:     &core.Node{},
			manifest: `{"apiVersion":"v1","kind":"Node","status":{"daemonEndpoints":{"kubeletEndpoint":{"port":10250}}}}`,
			want:     []string{`unknown field "status.daemonEndpoints.kubeletEndpoint.port"`},
		},
		{
			name:     "duplicate and unknown fields together",
			kind:     &core.Service{},
			manifest: `{"apiVersion":"v1","kind":"Service","metadata":{"name":"a","name":"b"},"spec":{"type":"ClusterIP","ports":[{"port":80,"targetport":8080}]}}`,
			want:     []string{`duplicate field "metadata.name"`, `unknown field "spec.ports[0].targetport"`},
		},
		{
			name:     "field of a deprecated cloud volume",
			kind:     &core.PersistentVolume{},
			manifest: `{"apiVersion":"v1","kind":"PersistentVolume","spec":{"awsElasticBlockStore":{"volumeID":"v"}}}`,
			want:     []string{`unknown field "spec.awsElasticBlockStore"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := api.DecodeStrict([]byte(tt.manifest), tt.kind)
			var se *api.StrictError
			if !errors.As(err, &se) {
				t.Fatalf("DecodeStrict = %v, want a *api.StrictError", err)
			}
			if diff := cmp.Diff(tt.want, se.Fields); diff != "" {
				t.Errorf("strict error fields (-want +got):\n%s", diff)
			}
		})
	}
}
