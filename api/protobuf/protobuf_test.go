package protobuf_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/spar-dev/spar/api/apiextensions"
	"github.com/spar-dev/spar/api/apps"
	"github.com/spar-dev/spar/api/batch"
	"github.com/spar-dev/spar/api/coordination"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/protobuf"
	"github.com/spar-dev/spar/api/resource"
)

// msg builds a message from fields appended by the fns.
func msg(fns ...func([]byte) []byte) []byte {
	var b []byte
	for _, f := range fns {
		b = f(b)
	}
	return b
}

func str(num protowire.Number, s string) func([]byte) []byte {
	return func(b []byte) []byte {
		return protowire.AppendString(protowire.AppendTag(b, num, protowire.BytesType), s)
	}
}

func sub(num protowire.Number, m []byte) func([]byte) []byte {
	return func(b []byte) []byte {
		return protowire.AppendBytes(protowire.AppendTag(b, num, protowire.BytesType), m)
	}
}

func varint(num protowire.Number, v uint64) func([]byte) []byte {
	return func(b []byte) []byte {
		return protowire.AppendVarint(protowire.AppendTag(b, num, protowire.VarintType), v)
	}
}

// envelope wraps a raw object message as Kubernetes' serializer does.
func envelope(apiVersion, kind string, raw []byte) []byte {
	return append([]byte("k8s\x00"), msg(
		sub(1, msg(str(1, apiVersion), str(2, kind))),
		sub(2, raw),
		str(3, ""), str(4, ""),
	)...)
}

func TestUnmarshalSetsTypeMeta(t *testing.T) {
	data := envelope("apps/v1", "Deployment", msg(sub(1, msg(str(1, "web"), str(3, "default")))))
	var d apps.Deployment
	if err := protobuf.Unmarshal(data, &d); err != nil {
		t.Fatal(err)
	}
	if d.APIVersion != "apps/v1" || d.Kind != "Deployment" || d.Name != "web" || d.Namespace != "default" {
		t.Errorf("got %s %s %s/%s, want apps/v1 Deployment default/web", d.APIVersion, d.Kind, d.Namespace, d.Name)
	}
}

func TestUnmarshalResets(t *testing.T) {
	d := apps.Deployment{Spec: apps.DeploymentSpec{Paused: true}}
	d.Labels = map[string]string{"old": "x"}
	if err := protobuf.Unmarshal(envelope("apps/v1", "Deployment", nil), &d); err != nil {
		t.Fatal(err)
	}
	if d.Spec.Paused || d.Labels != nil {
		t.Errorf("old contents survived: %+v", d)
	}
}

func TestStrictUnknownFields(t *testing.T) {
	raw := msg(
		sub(1, msg(str(1, "web"), str(99, ""))), // unknown but empty: upstream writes zero values of every field
		sub(2, msg(
			varint(1, 2),                           // replicas
			varint(77, 0),                          // unknown, zero
			sub(78, msg(str(1, ""), varint(2, 0))), // unknown message of zero fields
			varint(79, 5),                          // unknown, set
			sub(3, msg(sub(2, msg(sub(2, msg(str(1, "c"), str(400, "x"))))))), // spec.template.spec.containers[0]
		)),
	)
	data := envelope("apps/v1", "Deployment", raw)

	var lax apps.Deployment
	if err := protobuf.Unmarshal(data, &lax); err != nil {
		t.Fatalf("Unmarshal: %v", err)
	}
	var d apps.Deployment
	err := protobuf.UnmarshalStrict(data, &d)
	var ue *protobuf.UnknownFieldsError
	if !errors.As(err, &ue) {
		t.Fatalf("UnmarshalStrict: got %v, want an UnknownFieldsError", err)
	}
	want := []string{`unknown field "spec.#79"`, `unknown field "spec.template.spec.containers[0].#400"`}
	if !reflect.DeepEqual(ue.Fields, want) {
		t.Errorf("unknown fields: got %q, want %q", ue.Fields, want)
	}
	if d.Spec.Replicas == nil || *d.Spec.Replicas != 2 || d.Spec.Template.Spec.Containers[0].Name != "c" {
		t.Errorf("the known fields were not decoded: %+v", d.Spec)
	}
	if !reflect.DeepEqual(d, lax) {
		t.Errorf("strict and lax decoding disagree:\n%+v\n%+v", d, lax)
	}
}

func TestRepeatedScalarsPackedOrNot(t *testing.T) {
	onExit := func(values []byte) []byte {
		// Job.spec(2).podFailurePolicy(11).rules(1).onExitCodes(2).values(2)
		return msg(sub(2, msg(sub(11, msg(sub(1, msg(str(1, "FailJob"), sub(2, values))))))))
	}
	// onExitCodes.values is field 3; -1 arrives sign-extended to 64 bits.
	unpacked := msg(varint(3, 1), varint(3, 2), varint(3, uint64(0xffffffffffffffff)))
	packed := msg(sub(3, protowire.AppendVarint(protowire.AppendVarint(protowire.AppendVarint(nil, 1), 2), 0xffffffffffffffff)))
	for name, values := range map[string][]byte{"unpacked": unpacked, "packed": packed} {
		t.Run(name, func(t *testing.T) {
			var j batch.Job
			if err := protobuf.Unmarshal(envelope("batch/v1", "Job", onExit(values)), &j); err != nil {
				t.Fatal(err)
			}
			got := j.Spec.PodFailurePolicy.Rules[0].OnExitCodes.Values
			if want := []int32{1, 2, -1}; !reflect.DeepEqual(got, want) {
				t.Errorf("values: got %v, want %v", got, want)
			}
		})
	}
}

func TestMapEntries(t *testing.T) {
	raw := msg(
		sub(1, msg(
			sub(11, msg(str(1, "b"), str(2, "2"))),
			sub(11, msg(str(1, "a"))),      // no value: ""
			sub(11, msg(str(2, "orphan"))), // no key: ""
		)),
		sub(3, msg(str(1, "bin"))), // binaryData entry without a value: empty, not nil
	)
	var cm core.ConfigMap
	if err := protobuf.Unmarshal(envelope("v1", "ConfigMap", raw), &cm); err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"a": "", "b": "2", "": "orphan"}; !reflect.DeepEqual(cm.Labels, want) {
		t.Errorf("labels: got %v, want %v", cm.Labels, want)
	}
	if v, ok := cm.BinaryData["bin"]; !ok || v == nil || len(v) != 0 {
		t.Errorf("binaryData[bin]: got %#v, want an empty slice", v)
	}
}

func TestSpecialTypes(t *testing.T) {
	renew := time.Date(2025, 3, 14, 15, 10, 6, 123456789, time.UTC)
	lease := coordination.Lease{}
	lease.CreationTimestamp = meta.NewTime(time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC))
	lease.Spec.RenewTime = &meta.MicroTime{Time: renew}
	data, err := protobuf.Marshal(&lease, "coordination.k8s.io/v1", "Lease")
	if err != nil {
		t.Fatal(err)
	}
	var got coordination.Lease
	if err := protobuf.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	if !got.CreationTimestamp.Equal(lease.CreationTimestamp) {
		t.Errorf("creationTimestamp: got %v, want %v", got.CreationTimestamp, lease.CreationTimestamp)
	}
	if want := renew.Truncate(time.Microsecond); !got.Spec.RenewTime.Time.Equal(want) {
		t.Errorf("renewTime: got %v, want %v (microseconds kept)", got.Spec.RenewTime.Time, want)
	}
	if got.Spec.AcquireTime != nil || got.DeletionTimestamp != nil {
		t.Errorf("absent times came back set")
	}

	// Quantities travel as their canonical string, IntOrString as {type, intVal, strVal}.
	pod := core.Pod{}
	pod.Spec.Containers = []core.Container{{Name: "c",
		Resources:      core.ResourceRequirements{Limits: core.ResourceList{"cpu": resource.MustParse("1500m")}},
		Ports:          []core.ContainerPort{{ContainerPort: 80}},
		ReadinessProbe: &core.Probe{ProbeHandler: core.ProbeHandler{HTTPGet: &core.HTTPGetAction{Port: meta.FromString("http")}}},
	}}
	data, err = protobuf.Marshal(&pod, "v1", "Pod")
	if err != nil {
		t.Fatal(err)
	}
	var p2 core.Pod
	if err := protobuf.Unmarshal(data, &p2); err != nil {
		t.Fatal(err)
	}
	c := p2.Spec.Containers[0]
	if q := c.Resources.Limits["cpu"]; q.String() != "1500m" {
		t.Errorf("cpu limit: got %s, want 1500m", q.String())
	}
	if port := c.ReadinessProbe.HTTPGet.Port; port != meta.FromString("http") {
		t.Errorf("probe port: got %+v, want the string http", port)
	}
}

func TestRecursiveSchema(t *testing.T) {
	leaf := apiextensions.JSONSchemaProps{Type: "string"}
	s := apiextensions.JSONSchemaProps{Type: "object", Properties: map[string]apiextensions.JSONSchemaProps{
		"a": {Type: "array", Items: &apiextensions.JSONSchemaPropsOrArray{Schema: &leaf}},
		"b": {Type: "object", AdditionalProperties: &apiextensions.JSONSchemaPropsOrBool{Allows: true, Schema: &leaf}},
		"c": {Not: &leaf, Dependencies: apiextensions.JSONSchemaDependencies{"x": {Property: []string{"y"}}}},
	}}
	raw, err := protobuf.MarshalMessage(&s)
	if err != nil {
		t.Fatal(err)
	}
	var got apiextensions.JSONSchemaProps
	if err := protobuf.UnmarshalMessage(raw, &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, s) {
		t.Errorf("schema did not round-trip:\n got %+v\nwant %+v", got, s)
	}
}

func TestErrors(t *testing.T) {
	deep := msg(str(5, "object"))
	for range 200 {
		deep = msg(sub(28, deep)) // JSONSchemaProps.not, nested
	}
	tests := []struct {
		name string
		data []byte
		obj  any
		want string
		is   error
	}{
		{"not protobuf", []byte(`{"kind":"Pod"}`), &core.Pod{}, "no k8s", protobuf.ErrNotProtobuf},
		{"empty body", []byte("k8s\x00"), &core.Pod{}, "empty body", protobuf.ErrMalformed},
		{"truncated", envelope("v1", "Pod", msg(sub(1, msg(str(1, "web")))))[:20], &core.Pod{}, "", protobuf.ErrMalformed},
		{"wrong wire type", envelope("apps/v1", "Deployment", msg(sub(2, msg(str(1, "three"))))), &apps.Deployment{}, `spec.replicas`, protobuf.ErrMalformed},
		{"bad quantity", envelope("v1", "Pod", msg(sub(2, msg(sub(2, msg(sub(8, msg(sub(1, msg(str(1, "cpu"), sub(2, msg(str(1, "lots"))))))))))))),
			&core.Pod{}, `spec.containers[0].resources.limits["cpu"]`, protobuf.ErrMalformed},
		{"too deep", deep, &apiextensions.JSONSchemaProps{}, "nested too deeply", protobuf.ErrMalformed},
		{"encoded content", append([]byte("k8s\x00"), msg(sub(2, nil), str(3, "gzip"))...), &core.Pod{}, "gzip", nil},
		{"not a pointer", envelope("v1", "Pod", nil), core.Pod{}, "pointer to a struct", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.name == "too deep" {
				err = protobuf.UnmarshalMessage(tt.data, tt.obj)
			} else {
				err = protobuf.Unmarshal(tt.data, tt.obj)
			}
			if err == nil {
				t.Fatalf("got no error, want one containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %q, want it to contain %q", err, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("got %v, want errors.Is %v", err, tt.is)
			}
		})
	}
}

func TestIsProtobuf(t *testing.T) {
	for in, want := range map[string]bool{"k8s\x00\x0a": true, "k8s\x00": true, "k8s": false, `{"k8s"}`: false, "": false} {
		if got := protobuf.IsProtobuf([]byte(in)); got != want {
			t.Errorf("IsProtobuf(%q) = %v, want %v", in, got, want)
		}
	}
}
