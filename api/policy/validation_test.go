package policy_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/policy"
	"github.com/spar-dev/spar/internal/apitest"
)

// validator is what the API server calls on every kind after defaulting.
type validator interface {
	Validate() meta.FieldErrors
	ValidateUpdate(old meta.Object) meta.FieldErrors
}

var (
	_ validator = (*policy.PodDisruptionBudget)(nil)
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

func TestPodDisruptionBudgetValidate(t *testing.T) {
	pct := func(s string) *meta.IntOrString { return new(meta.FromString(s)) }
	num := func(i int32) *meta.IntOrString { return new(meta.FromInt(i)) }
	tests := []struct {
		name   string
		mutate func(*policy.PodDisruptionBudget)
		want   []string
	}{
		{"valid", func(*policy.PodDisruptionBudget) {}, nil},
		{"percent", func(p *policy.PodDisruptionBudget) { p.Spec.MinAvailable = pct("100%") }, nil},
		{"neither", func(p *policy.PodDisruptionBudget) { p.Spec.MinAvailable = nil }, nil},
		{"empty selector", func(p *policy.PodDisruptionBudget) { p.Spec.Selector = &meta.LabelSelector{} }, nil},
		{"both", func(p *policy.PodDisruptionBudget) { p.Spec.MaxUnavailable = num(1) }, []string{
			`spec: Invalid value: {"minAvailable":2,"selector":{"matchLabels":{"app":"zk"}},"maxUnavailable":1}: minAvailable and maxUnavailable cannot be both set`,
		}},
		{"negative", func(p *policy.PodDisruptionBudget) { p.Spec.MinAvailable = num(-1) }, []string{
			`spec.minAvailable: Invalid value: -1: must be greater than or equal to 0`,
		}},
		{"over 100%", func(p *policy.PodDisruptionBudget) { p.Spec.MinAvailable, p.Spec.MaxUnavailable = nil, pct("150%") }, []string{
			`spec.maxUnavailable: Invalid value: "150%": must not be greater than 100%`,
		}},
		{"not a percent", func(p *policy.PodDisruptionBudget) { p.Spec.MinAvailable = pct("half") }, []string{
			`spec.minAvailable: Invalid value: "half": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')`,
		}},
		{"bad selector", func(p *policy.PodDisruptionBudget) { p.Spec.Selector.MatchLabels["app"] = "-zk" }, []string{
			`spec.selector.matchLabels: Invalid value: "-zk": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
		}},
		{"eviction policy", func(p *policy.PodDisruptionBudget) {
			p.Spec.UnhealthyPodEvictionPolicy = new(policy.UnhealthyPodEvictionPolicyType("Never"))
		}, []string{
			`spec.unhealthyPodEvictionPolicy: Unsupported value: "Never": supported values: "AlwaysAllow", "IfHealthyBudget"`,
		}},
		{"path segment name", func(p *policy.PodDisruptionBudget) { p.Name = "zk:pdb" }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &policy.PodDisruptionBudget{
				ObjectMeta: meta.ObjectMeta{Name: "zk-pdb", Namespace: "default"},
				Spec: policy.PodDisruptionBudgetSpec{
					MinAvailable: num(2),
					Selector:     &meta.LabelSelector{MatchLabels: map[string]string{"app": "zk"}},
				},
			}
			tt.mutate(p)
			expectErrors(t, p.Validate(), tt.want...)
		})
	}
}

func TestPodDisruptionBudgetValidateUpdate(t *testing.T) {
	old := &policy.PodDisruptionBudget{
		ObjectMeta: meta.ObjectMeta{Name: "zk-pdb", Namespace: "default", ResourceVersion: "9"},
		Spec: policy.PodDisruptionBudgetSpec{
			MinAvailable: new(meta.FromInt(2)),
			Selector: &meta.LabelSelector{MatchExpressions: []meta.LabelSelectorRequirement{
				{Key: "app", Operator: meta.LabelSelectorOpIn, Values: []string{"zk", "-legacy-"}},
			}},
		},
	}
	// The spec may change, and a value stored before stays acceptable.
	upd := *old
	upd.Spec.MinAvailable = nil
	upd.Spec.MaxUnavailable = new(meta.FromString("10%"))
	expectErrors(t, upd.ValidateUpdate(old))

	// A new object may not use it.
	expectErrors(t, upd.Validate(),
		`spec.selector.matchExpressions[0].values[1]: Invalid value: "-legacy-": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`)
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
