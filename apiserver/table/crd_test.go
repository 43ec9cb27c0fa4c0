package table

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/apiextensions"
	"github.com/spar-dev/spar/api/meta"
)

// widget is a custom resource as the API server holds one: any object whose
// JSON form carries the fields.
type widget struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
	Spec            map[string]any `json:"spec,omitempty"`
	Status          map[string]any `json:"status,omitempty"`
}

func newWidget(t *testing.T) *widget {
	t.Helper()
	doc := jsonDoc(t, widgetDoc).(map[string]any)
	w := &widget{
		TypeMeta: meta.TypeMeta{Kind: "Widget", APIVersion: "example.com/v1"},
		Spec:     doc["spec"].(map[string]any),
		Status:   doc["status"].(map[string]any),
	}
	w.Name = "w1"
	w.CreationTimestamp = meta.NewTime(now.Add(-4 * time.Hour))
	return w
}

func TestForCRDColumns(t *testing.T) {
	p, err := ForCRD([]apiextensions.CustomResourceColumnDefinition{
		{Name: "Replicas", Type: "integer", JSONPath: ".spec.replicas"},
		{Name: "Ready", Type: "string", JSONPath: `.status.conditions[?(@.type=="Ready")].status`, Description: "Whether it is ready"},
		{Name: "Ratio", Type: "number", JSONPath: ".spec.ratio", Priority: 1},
		{Name: "Enabled", Type: "boolean", JSONPath: ".spec.enabled"},
		{Name: "Image", Type: "string", JSONPath: ".spec.containers[*].image"},
		{Name: "Ports", Type: "string", JSONPath: ".spec.containers[0].ports"},
		{Name: "Nothing", Type: "string", JSONPath: ".spec.nothing"},
		{Name: "Missing", Type: "string", JSONPath: ".spec.missing"},
		{Name: "Bad Index", Type: "string", JSONPath: ".spec.containers[9].name"},
		{Name: "Replicas As Text", Type: "string", JSONPath: ".spec.replicas"},
		{Name: "Wrong Type", Type: "boolean", JSONPath: ".spec.replicas"},
		{Name: "Ratio As Integer", Type: "integer", JSONPath: ".spec.ratio"},
		{Name: "Replicas As Number", Type: "number", JSONPath: ".spec.replicas"},
		{Name: "Age", Type: "date", JSONPath: ".metadata.creationTimestamp"},
		{Name: "Bad Date", Type: "date", JSONPath: ".spec.containers[0].name"},
	})
	if err != nil {
		t.Fatal(err)
	}
	cols := p.Columns()
	if cols[0] != nameColumn {
		t.Errorf("first column = %+v, want the name column", cols[0])
	}
	if cols[1].Description != "Custom resource definition column (in JSONPath format): .spec.replicas" {
		t.Errorf("default description = %q", cols[1].Description)
	}
	if cols[2].Description != "Whether it is ready" || cols[3].Priority != 1 {
		t.Errorf("columns = %+v", cols[2:4])
	}
	got := p.Row(newWidget(t), now)
	want := []any{
		"w1", int64(3), "False", 0.25, true, "nginx:1.27", `[{"containerPort":80},{"containerPort":443}]`,
		"<no value>", nil, nil, "3", nil, int64(0), float64(3), "4h", "<invalid>",
	}
	if len(got) != len(cols) {
		t.Fatalf("%d cells for %d columns", len(got), len(cols))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("column %q = %#v, want %#v", cols[i].Name, got[i], want[i])
		}
	}
}

func TestForCRDWithoutColumnsShowsAge(t *testing.T) {
	p, err := ForCRD(nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range p.Columns() {
		names = append(names, c.Name+"/"+c.Type)
	}
	if want := []string{"Name/string", "Age/date"}; !reflect.DeepEqual(names, want) {
		t.Errorf("columns = %v, want %v", names, want)
	}
	if got := p.Row(newWidget(t), now); !reflect.DeepEqual(got, []any{"w1", "4h"}) {
		t.Errorf("row = %#v", got)
	}
	w := newWidget(t)
	w.CreationTimestamp = meta.Time{}
	if got := p.Row(w, now); got[1] != nil {
		t.Errorf("age of an object without creationTimestamp = %#v, want nil (the field is absent)", got[1])
	}
}

func TestForCRDBadPath(t *testing.T) {
	p, err := ForCRD([]apiextensions.CustomResourceColumnDefinition{
		{Name: "Good", Type: "string", JSONPath: ".spec.a"},
		{Name: "Bad", Type: "string", JSONPath: ".spec.a[?(@.x"},
		{Name: "Later", Type: "string", JSONPath: ".spec.b"},
	})
	if err == nil || !strings.Contains(err.Error(), `unrecognized column definition ".spec.a[?(@.x"`) {
		t.Fatalf("error = %v", err)
	}
	// The printer returned holds the columns before the bad one.
	if n := len(p.Columns()); n != 2 {
		t.Errorf("%d columns, want 2", n)
	}
	if cells := p.Row(newWidget(t), now); len(cells) != 2 {
		t.Errorf("cells = %#v", cells)
	}
}
