package table

import (
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
)

func configMap(name string) *core.ConfigMap {
	return &core.ConfigMap{
		TypeMeta: meta.TypeMeta{Kind: "ConfigMap", APIVersion: "v1"},
		ObjectMeta: meta.ObjectMeta{
			Name: name, Namespace: "default", UID: "u-" + meta.UID(name), ResourceVersion: "41",
			CreationTimestamp: meta.NewTime(now.Add(-5 * time.Minute)),
			Labels:            map[string]string{"app": "web"},
		},
		Data: map[string]string{"k": "v"},
	}
}

// tinyPrinter has short, known columns so that whole tables can be
// compared as JSON text.
var tinyPrinter = funcPrinter{
	cols: []meta.TableColumnDefinition{
		{Name: "Name", Type: "string", Format: "name", Description: "n"},
		{Name: "Age", Type: "string", Description: "a", Priority: 1},
	},
	row: func(obj meta.Object, now time.Time) []any {
		return []any{obj.GetObjectMeta().Name, age(obj.GetObjectMeta().CreationTimestamp.Time, now)}
	},
}

func TestTableJSONIsKubernetesWireFormat(t *testing.T) {
	tb, err := Build(tinyPrinter, []meta.Object{configMap("cfg")}, Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	tb.ResourceVersion = "42"
	tb.Continue = "next"
	got, err := json.Marshal(tb)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"kind":"Table","apiVersion":"meta.k8s.io/v1",` +
		`"metadata":{"resourceVersion":"42","continue":"next"},` +
		`"columnDefinitions":[{"name":"Name","type":"string","format":"name","description":"n","priority":0},` +
		`{"name":"Age","type":"string","format":"","description":"a","priority":1}],` +
		`"rows":[{"cells":["cfg","5m"],"object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1",` +
		`"metadata":{"name":"cfg","namespace":"default","uid":"u-cfg","resourceVersion":"41",` +
		`"creationTimestamp":"2024-05-01T11:55:00Z","labels":{"app":"web"}}}}]}`
	if string(got) != want {
		t.Errorf("table JSON:\n got %s\nwant %s", got, want)
	}

	// A client decodes it back to the same table, object bytes included.
	var back meta.Table
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatal(err)
	}
	back.Rows[0].Cells = tb.Rows[0].Cells // numbers would decode as float64; these are strings anyway
	if !reflect.DeepEqual(&back, tb) {
		t.Errorf("round trip:\n got %+v\nwant %+v", back, *tb)
	}
}

func TestTableJSONFieldNames(t *testing.T) {
	// The field names of every wire type, as in k8s.io/apimachinery's
	// meta/v1 types.go.
	tb := &meta.Table{
		ColumnDefinitions: []meta.TableColumnDefinition{{}},
		Rows: []meta.TableRow{{
			Cells:      []any{nil},
			Conditions: []meta.TableRowCondition{{Type: meta.RowCompleted, Status: meta.ConditionTrue, Reason: "r", Message: "m"}},
		}},
	}
	var doc map[string]any
	b, _ := json.Marshal(tb)
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		what string
		obj  any
		want []string
	}{
		{"table", doc, []string{"columnDefinitions", "metadata", "rows"}},
		{"column", doc["columnDefinitions"].([]any)[0], []string{"description", "format", "name", "priority", "type"}},
		{"row", doc["rows"].([]any)[0], []string{"cells", "conditions", "object"}},
		{"condition", doc["rows"].([]any)[0].(map[string]any)["conditions"].([]any)[0], []string{"message", "reason", "status", "type"}},
	}
	for _, tt := range tests {
		var keys []string
		for k := range tt.obj.(map[string]any) {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if !reflect.DeepEqual(keys, tt.want) {
			t.Errorf("%s keys = %v, want %v", tt.what, keys, tt.want)
		}
	}
	if got := string(b); !strings.Contains(got, `"object":null`) || !strings.Contains(got, `"cells":[null]`) {
		t.Errorf("empty row object and nil cell must encode as null: %s", got)
	}

	opts, _ := json.Marshal(meta.TableOptions{NoHeaders: true, IncludeObject: meta.IncludeObject})
	if string(opts) != `{"includeObject":"Object"}` {
		t.Errorf("TableOptions JSON = %s", opts)
	}
	list, _ := json.Marshal(meta.PartialObjectMetadataList{
		TypeMeta: meta.TypeMeta{Kind: "PartialObjectMetadataList", APIVersion: "meta.k8s.io/v1"},
		ListMeta: meta.ListMeta{ResourceVersion: "7"},
		Items:    []meta.PartialObjectMetadata{{ObjectMeta: meta.ObjectMeta{Name: "a"}}},
	})
	if want := `{"kind":"PartialObjectMetadataList","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"7"},"items":[{"metadata":{"name":"a"}}]}`; string(list) != want {
		t.Errorf("PartialObjectMetadataList JSON:\n got %s\nwant %s", list, want)
	}
}

func TestBuildIncludeObject(t *testing.T) {
	cm := configMap("cfg")
	full, _ := json.Marshal(cm)
	tests := []struct {
		opts Options
		want string
	}{
		{Options{}, `{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":"cfg","namespace":"default","uid":"u-cfg","resourceVersion":"41","creationTimestamp":"2024-05-01T11:55:00Z","labels":{"app":"web"}}}`},
		{Options{IncludeObject: meta.IncludeMetadata}, `{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":"cfg","namespace":"default","uid":"u-cfg","resourceVersion":"41","creationTimestamp":"2024-05-01T11:55:00Z","labels":{"app":"web"}}}`},
		{Options{Version: "v1beta1"}, `{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1beta1","metadata":{"name":"cfg","namespace":"default","uid":"u-cfg","resourceVersion":"41","creationTimestamp":"2024-05-01T11:55:00Z","labels":{"app":"web"}}}`},
		{Options{IncludeObject: meta.IncludeObject}, string(full)},
		{Options{IncludeObject: meta.IncludeNone}, "null"},
	}
	for _, tt := range tests {
		tt.opts.Now = now
		tb, err := Build(For(meta.GroupKind{Kind: "ConfigMap"}), []meta.Object{cm}, tt.opts)
		if err != nil {
			t.Fatalf("%+v: %v", tt.opts, err)
		}
		got, _ := json.Marshal(tb.Rows[0].Object)
		if string(got) != tt.want {
			t.Errorf("%+v: object =\n %s\nwant\n %s", tt.opts, got, tt.want)
		}
		if v := tt.opts.Version; v != "" && tb.APIVersion != "meta.k8s.io/"+v {
			t.Errorf("%+v: table apiVersion %q", tt.opts, tb.APIVersion)
		}
	}
}

func TestBuildRowsAndHeaders(t *testing.T) {
	p := For(meta.GroupKind{Kind: "ConfigMap"})
	objs := []meta.Object{configMap("a"), configMap("b")}
	tb, err := Build(p, objs, Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(tb.ColumnDefinitions) != 3 || len(tb.Rows) != 2 {
		t.Fatalf("columns %d rows %d, want 3 and 2", len(tb.ColumnDefinitions), len(tb.Rows))
	}
	if got := tb.Rows[1].Cells; !reflect.DeepEqual(got, []any{"b", int64(1), "5m"}) {
		t.Errorf("row 2 = %#v", got)
	}
	// The table's columns are a copy: changing them leaves the printer's alone.
	tb.ColumnDefinitions[0].Name = "Changed"
	if p.Columns()[0].Name != "Name" {
		t.Error("Build shares its column slice with the printer")
	}

	tb, err = Build(p, nil, Options{NoHeaders: true})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(tb)
	if want := `{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{},"columnDefinitions":null,"rows":[]}`; string(b) != want {
		t.Errorf("empty table without headers = %s, want %s", b, want)
	}
}

func TestBuildRowConditions(t *testing.T) {
	pod := &core.Pod{ObjectMeta: meta.ObjectMeta{Name: "done"}, Status: core.PodStatus{Phase: core.PodSucceeded}}
	tb, err := Build(For(meta.GroupKind{Kind: "Pod"}), []meta.Object{pod}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c := tb.Rows[0].Conditions; len(c) != 1 || c[0].Type != meta.RowCompleted || c[0].Reason != "Succeeded" {
		t.Errorf("conditions = %+v", c)
	}
}

func TestBuildObjectForWatchEvents(t *testing.T) {
	p := For(meta.GroupKind{Kind: "ConfigMap"})
	first, err := BuildObject(p, configMap("a"), Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if first.ResourceVersion != "41" || len(first.Rows) != 1 || len(first.ColumnDefinitions) != 3 {
		t.Errorf("first event table: rv %q rows %d columns %d", first.ResourceVersion, len(first.Rows), len(first.ColumnDefinitions))
	}
	next, err := BuildObject(p, configMap("b"), Options{Now: now, NoHeaders: true})
	if err != nil {
		t.Fatal(err)
	}
	if next.ColumnDefinitions != nil || next.Rows[0].Cells[0] != "b" {
		t.Errorf("later event table: columns %v cells %v", next.ColumnDefinitions, next.Rows[0].Cells)
	}
}

func TestBuildRejectsBadOptions(t *testing.T) {
	tests := []struct {
		opts Options
		code int32
		msg  string
	}{
		{Options{IncludeObject: "Everything"}, http.StatusBadRequest,
			`Unable to convert to Table as requested: includeObject: Invalid value: "Everything": must be 'Metadata', 'Object', 'None', or empty`},
		{Options{Version: "v2"}, http.StatusNotAcceptable, "no Table exists in group version meta.k8s.io/v2"},
	}
	for _, tt := range tests {
		_, err := Build(Default(), []meta.Object{configMap("a")}, tt.opts)
		var st *meta.Status
		if !errors.As(err, &st) || st.Code != tt.code || st.Message != tt.msg {
			t.Errorf("%+v: error = %v, want %d %q", tt.opts, err, tt.code, tt.msg)
		}
	}
}

func TestParseIncludeObject(t *testing.T) {
	tests := []struct {
		in   string
		want meta.IncludeObjectPolicy
		ok   bool
	}{
		{"", meta.IncludeMetadata, true},
		{"Metadata", meta.IncludeMetadata, true},
		{"Object", meta.IncludeObject, true},
		{"None", meta.IncludeNone, true},
		{"none", "", false},
	}
	for _, tt := range tests {
		got, err := ParseIncludeObject(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("ParseIncludeObject(%q) = %q, %v; want %q, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestDefaultPrinterCreatedAt(t *testing.T) {
	cm := configMap("x")
	cm.CreationTimestamp = meta.NewTime(time.Date(2024, 5, 1, 14, 0, 0, 0, time.FixedZone("CEST", 2*3600)))
	got := Default().Row(cm, now)
	if want := []any{"x", "2024-05-01T12:00:00Z"}; !reflect.DeepEqual(got, want) {
		t.Errorf("row = %#v, want %#v", got, want)
	}
}
