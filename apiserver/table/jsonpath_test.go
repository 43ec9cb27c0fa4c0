package table

import (
	"reflect"
	"strings"
	"testing"
)

// jsonDoc is a custom resource as the printer sees it: decoded JSON with
// int64 integers and float64 other numbers.
func jsonDoc(t testing.TB, s string) any {
	t.Helper()
	var raw any
	if err := jsonUnmarshalNumbers(s, &raw); err != nil {
		t.Fatalf("decoding test document: %v", err)
	}
	return raw
}

func jsonUnmarshalNumbers(s string, v *any) error {
	doc, err := toJSONValue(rawMessage(s))
	*v = doc
	return err
}

// rawMessage marshals as itself.
type rawMessage string

func (r rawMessage) MarshalJSON() ([]byte, error) { return []byte(r), nil }

const widgetDoc = `{
  "apiVersion": "example.com/v1",
  "kind": "Widget",
  "metadata": {
    "name": "w1",
    "labels": {"app.kubernetes.io/name": "widget", "tier": "front"},
    "creationTimestamp": "2024-05-01T10:00:00Z"
  },
  "spec": {
    "replicas": 3,
    "ratio": 0.25,
    "enabled": true,
    "nothing": null,
    "containers": [
      {"name": "main", "image": "nginx:1.27", "ports": [{"containerPort": 80}, {"containerPort": 443}]},
      {"name": "sidecar", "image": "envoy:1.30"},
      {"name": "debug", "image": "busybox"}
    ]
  },
  "status": {
    "conditions": [
      {"type": "Progressing", "status": "True", "priority": 2},
      {"type": "Ready", "status": "False", "reason": "Waiting", "priority": 1}
    ]
  }
}`

func TestJSONPathFind(t *testing.T) {
	doc := jsonDoc(t, widgetDoc)
	tests := []struct {
		path string
		want []any
	}{
		{".metadata.name", []any{"w1"}},
		{"{.metadata.name}", []any{"w1"}},
		{"$.metadata.name", []any{"w1"}},
		{".spec.replicas", []any{int64(3)}},
		{".spec.ratio", []any{0.25}},
		{".spec.enabled", []any{true}},
		{".spec.nothing", []any{nil}},
		{".spec.missing", []any{}},
		{".spec.missing.deeper", []any{}},
		{".spec.replicas.deeper", []any{}},
		{`.metadata.labels.app\.kubernetes\.io/name`, []any{"widget"}},
		{".metadata.labels['tier']", []any{"front"}},
		{".spec.containers[0].image", []any{"nginx:1.27"}},
		{".spec.containers[-1].name", []any{"debug"}},
		{".spec.containers[*].name", []any{"main", "sidecar", "debug"}},
		{".spec.containers[1:].name", []any{"sidecar", "debug"}},
		{".spec.containers[:2].name", []any{"main", "sidecar"}},
		{".spec.containers[::2].name", []any{"main", "debug"}},
		{".spec.containers[0,2].name", []any{"main", "debug"}},
		{".spec.containers[0].ports[*].containerPort", []any{int64(80), int64(443)}},
		{".spec.containers[2:2].name", []any{}},
		{`.status.conditions[?(@.type=="Ready")].status`, []any{"False"}},
		{`.status.conditions[?(@.type == 'Ready')].reason`, []any{"Waiting"}},
		{`.status.conditions[?(@.type!="Ready")].type`, []any{"Progressing"}},
		{`.status.conditions[?(@.priority<2)].type`, []any{"Ready"}},
		{`.status.conditions[?(@.priority>=2)].type`, []any{"Progressing"}},
		{`.status.conditions[?(@.reason)].type`, []any{"Ready"}},
		{`.status.conditions[?(@.type=~"^Re")].type`, []any{"Ready"}},
		{`.status.conditions[?(@.type=="Gone")].status`, []any{}},
		{".metadata.labels.*", []any{"widget", "front"}},
		{"..image", []any{"nginx:1.27", "envoy:1.30", "busybox"}},
	}
	for _, tt := range tests {
		p, err := ParseJSONPath(tt.path)
		if err != nil {
			t.Errorf("ParseJSONPath(%q): %v", tt.path, err)
			continue
		}
		got, err := p.Find(doc)
		if err != nil {
			t.Errorf("Find(%q): %v", tt.path, err)
			continue
		}
		if len(got) == 0 && len(tt.want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Find(%q) = %#v, want %#v", tt.path, got, tt.want)
		}
	}
}

func TestJSONPathFindErrors(t *testing.T) {
	doc := jsonDoc(t, widgetDoc)
	tests := []struct{ path, want string }{
		{".spec.containers[5].name", "array index out of bounds: index 5, length 3"},
		{".spec.containers[-4].name", "array index out of bounds: index -1, length 3"},
		{".spec.containers[0:9].name", "array index out of bounds: index 8, length 3"},
		{".metadata[0]", "object is not an array"},
		{`.metadata[?(@.x=="y")]`, "object is not an array and cannot be filtered"},
		{`.status.conditions[?(@.priority=="2")].type`, "incompatible types for comparison: integer and string"},
		{`.status.conditions[?(@.priority==2.0)].type`, "incompatible types for comparison: integer and number"},
		{".spec.containers[::0].name", "step must be > 0"},
	}
	for _, tt := range tests {
		p, err := ParseJSONPath(tt.path)
		if err != nil {
			t.Errorf("ParseJSONPath(%q): %v", tt.path, err)
			continue
		}
		_, err = p.Find(doc)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Find(%q) error = %v, want %q", tt.path, err, tt.want)
		}
	}
}

func TestParseJSONPathErrors(t *testing.T) {
	tests := []struct{ path, want string }{
		{".spec.containers[0", "unterminated array"},
		{".spec.containers[x]", "invalid array index x"},
		{`.status.conditions[?(@.type=="Ready"`, "unterminated filter"},
		{`.status.conditions[?(@.type=="Ready")`, "unclosed array expect ]"},
		{`.status.conditions[?(@.type==="Ready")]`, "unrecognized filter operator ==="},
		{"....x", "invalid multiple recursive descent"},
		{"spec", "unrecognized character 's'"},
		{`.a[?(@.b=="x)]`, "unterminated filter"},
	}
	for _, tt := range tests {
		_, err := ParseJSONPath(tt.path)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseJSONPath(%q) error = %v, want it to contain %q", tt.path, err, tt.want)
		}
	}
}

func TestJSONPathString(t *testing.T) {
	p, err := ParseJSONPath("{.spec.replicas}")
	if err != nil {
		t.Fatal(err)
	}
	if got := p.String(); got != "{.spec.replicas}" {
		t.Errorf("String() = %q", got)
	}
}
