package scheduling_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/scheduling"
	"github.com/spar-dev/spar/internal/apitest"
)

// validator is what the API server calls on every kind after defaulting.
type validator interface {
	Validate() meta.FieldErrors
	ValidateUpdate(old meta.Object) meta.FieldErrors
}

var (
	_ validator = (*scheduling.PriorityClass)(nil)
)

func expectErrors(t *testing.T, got meta.FieldErrors, want ...string) {
	t.Helper()
	var g []string
	for _, e := range got {
		g = append(g, e.Error())
	}
	if !slices.Equal(g, want) {
		t.Errorf("errors:\n got: %s\nwant: %s", strings.Join(g, "\n      "), strings.Join(want, "\n      "))
	}
}

func TestPriorityClassValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*scheduling.PriorityClass)
		want   []string
	}{
		{"valid", func(*scheduling.PriorityClass) {}, nil},
		{"highest user value", func(p *scheduling.PriorityClass) { p.Value = 1000000000 }, nil},
		{"negative value", func(p *scheduling.PriorityClass) { p.Value = -10 }, nil},
		{"above user range", func(p *scheduling.PriorityClass) { p.Value = 1000000001 }, []string{
			`value: Forbidden: maximum allowed value of a user defined priority is 1000000000`,
		}},
		{"system cluster critical", func(p *scheduling.PriorityClass) { p.Name, p.Value = "system-cluster-critical", 2000000000 }, nil},
		{"system node critical", func(p *scheduling.PriorityClass) { p.Name, p.Value = "system-node-critical", 2000001000 }, nil},
		{"unknown system name", func(p *scheduling.PriorityClass) { p.Name = "system-important" }, []string{
			`metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-important is not a known system priority class`,
		}},
		{"system class with other value", func(p *scheduling.PriorityClass) { p.Name, p.Value = "system-node-critical", 5 }, []string{
			`metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: value of system-node-critical PriorityClass must be 2000001000`,
		}},
		{"system class as default", func(p *scheduling.PriorityClass) {
			p.Name, p.Value, p.GlobalDefault = "system-cluster-critical", 2000000000, true
		}, []string{
			`metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: globalDefault of system-cluster-critical PriorityClass must be false`,
		}},
		{"bad preemption policy", func(p *scheduling.PriorityClass) { p.PreemptionPolicy = new(core.PreemptionPolicy("Sometimes")) }, []string{
			`preemptionPolicy: Unsupported value: "Sometimes": supported values: "PreemptLowerPriority", "Never"`,
		}},
		{"empty preemption policy", func(p *scheduling.PriorityClass) { p.PreemptionPolicy = new(core.PreemptionPolicy("")) }, []string{
			`preemptionPolicy: Required value`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &scheduling.PriorityClass{ObjectMeta: meta.ObjectMeta{Name: "high-priority"}, Value: 1000000, Description: "x"}
			p.Default()
			tt.mutate(p)
			expectErrors(t, p.Validate(), tt.want...)
		})
	}
}

func TestPriorityClassValidateUpdate(t *testing.T) {
	old := &scheduling.PriorityClass{ObjectMeta: meta.ObjectMeta{Name: "high", ResourceVersion: "4"}, Value: 1000}
	old.Default()
	upd := *old
	upd.Description = "now documented"
	upd.GlobalDefault = true
	expectErrors(t, upd.ValidateUpdate(old))

	upd.Value = 2000
	upd.PreemptionPolicy = new(core.PreemptNever)
	expectErrors(t, upd.ValidateUpdate(old),
		`value: Forbidden: may not be changed in an update.`,
		`preemptionPolicy: Invalid value: "Never": field is immutable`)
}

// TestValidateTestdata checks that the real manifests of testdata, once
// defaulted, are valid.
func TestValidateTestdata(t *testing.T) {
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, f := range files {
		for i, doc := range apitest.ReadDocs(t, f) {
			t.Run(fmt.Sprintf("%s#%d", filepath.Base(f), i), func(t *testing.T) {
				obj := apitest.RoundTripKind(t, doc)
				if d, ok := obj.(interface{ Default() }); ok {
					d.Default()
				}
				if r, _ := api.Default.ForObject(obj); r.Namespaced && obj.GetObjectMeta().Namespace == "" {
					obj.GetObjectMeta().Namespace = "default"
				}
				v, ok := obj.(interface{ Validate() meta.FieldErrors })
				if !ok {
					t.Fatalf("%T has no Validate method", obj)
				}
				expectErrors(t, v.Validate())
			})
		}
	}
}
