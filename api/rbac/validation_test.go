package rbac_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/rbac"
	"github.com/spar-dev/spar/internal/apitest"
)

// validator is what the API server calls on every kind after defaulting.
type validator interface {
	Validate() meta.FieldErrors
	ValidateUpdate(old meta.Object) meta.FieldErrors
}

var (
	_ validator = (*rbac.Role)(nil)
	_ validator = (*rbac.ClusterRole)(nil)
	_ validator = (*rbac.RoleBinding)(nil)
	_ validator = (*rbac.ClusterRoleBinding)(nil)
)

// expectErrors compares the rendered errors with want, in order.
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

func readRole() *rbac.Role {
	return &rbac.Role{
		ObjectMeta: meta.ObjectMeta{Name: "pod-reader", Namespace: "default"},
		Rules: []rbac.PolicyRule{{
			APIGroups: []string{""}, Resources: []string{"pods", "pods/log"}, Verbs: []string{"get", "list", "watch"},
		}},
	}
}

func TestRoleValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*rbac.Role)
		want   []string
	}{
		{"valid", func(*rbac.Role) {}, nil},
		{"colon in name is fine", func(r *rbac.Role) { r.Name = "system:controller:x" }, nil},
		{"slash in name", func(r *rbac.Role) { r.Name = "a/b" }, []string{
			`metadata.name: Invalid value: "a/b": may not contain '/'`,
		}},
		{"no namespace", func(r *rbac.Role) { r.Namespace = "" }, []string{
			`metadata.namespace: Required value`,
		}},
		{"no verbs", func(r *rbac.Role) { r.Rules[0].Verbs = nil }, []string{
			`rules[0].verbs: Required value: verbs must contain at least one value`,
		}},
		{"no groups or resources", func(r *rbac.Role) { r.Rules[0].APIGroups, r.Rules[0].Resources = nil, nil }, []string{
			`rules[0].apiGroups: Required value: resource rules must supply at least one api group`,
			`rules[0].resources: Required value: resource rules must supply at least one resource`,
		}},
		{"non-resource URL in a Role", func(r *rbac.Role) {
			r.Rules = append(r.Rules, rbac.PolicyRule{NonResourceURLs: []string{"/healthz"}, Verbs: []string{"get"}})
		}, []string{
			`rules[1].nonResourceURLs: Invalid value: ["/healthz"]: namespaced rules cannot apply to non-resource URLs`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := readRole()
			tt.mutate(r)
			expectErrors(t, r.Validate(), tt.want...)
		})
	}
}

func TestClusterRoleValidate(t *testing.T) {
	valid := func() *rbac.ClusterRole {
		return &rbac.ClusterRole{
			ObjectMeta: meta.ObjectMeta{Name: "health-reader"},
			Rules:      []rbac.PolicyRule{{NonResourceURLs: []string{"/healthz", "/api/*"}, Verbs: []string{"get"}}},
		}
	}
	tests := []struct {
		name   string
		mutate func(*rbac.ClusterRole)
		want   []string
	}{
		{"valid", func(*rbac.ClusterRole) {}, nil},
		{"namespace set", func(r *rbac.ClusterRole) { r.Namespace = "default" }, []string{
			`metadata.namespace: Forbidden: not allowed on this type`,
		}},
		{"URLs and resources mixed", func(r *rbac.ClusterRole) { r.Rules[0].Resources = []string{"pods"} }, []string{
			`rules[0].nonResourceURLs: Invalid value: ["/healthz","/api/*"]: rules cannot apply to both regular resources and non-resource URLs`,
		}},
		{"empty aggregation rule", func(r *rbac.ClusterRole) { r.AggregationRule = &rbac.AggregationRule{} }, []string{
			`aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil`,
		}},
		{"bad aggregation selector", func(r *rbac.ClusterRole) {
			r.AggregationRule = &rbac.AggregationRule{ClusterRoleSelectors: []meta.LabelSelector{
				{MatchLabels: map[string]string{"rbac.example.com/aggregate-to-monitoring": "true"}},
				{MatchExpressions: []meta.LabelSelectorRequirement{{Key: "k", Operator: "Has"}}},
			}}
		}, []string{
			`aggregationRule.clusterRoleSelectors[1].matchExpressions[0].operator: Invalid value: "Has": not a valid selector operator`,
			`aggregationRule.clusterRoleSelectors[1]: Invalid value: {"matchExpressions":[{"key":"k","operator":"Has"}]}: invalid label selector.`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := valid()
			tt.mutate(r)
			expectErrors(t, r.Validate(), tt.want...)
		})
	}
}

func readBinding() *rbac.RoleBinding {
	b := &rbac.RoleBinding{
		ObjectMeta: meta.ObjectMeta{Name: "read-pods", Namespace: "default"},
		Subjects: []rbac.Subject{
			{Kind: "User", Name: "jane"},
			{Kind: "ServiceAccount", Name: "builder"},
			{Kind: "Group", Name: "system:authenticated"},
		},
		RoleRef: rbac.RoleRef{Kind: "Role", Name: "pod-reader"},
	}
	b.Default()
	return b
}

func TestRoleBindingValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*rbac.RoleBinding)
		want   []string
	}{
		{"valid", func(*rbac.RoleBinding) {}, nil},
		{"cluster role", func(b *rbac.RoleBinding) { b.RoleRef.Kind = "ClusterRole" }, nil},
		{"bad roleRef", func(b *rbac.RoleBinding) { b.RoleRef = rbac.RoleRef{APIGroup: "rbac", Kind: "Roles"} }, []string{
			`roleRef.apiGroup: Unsupported value: "rbac": supported values: "rbac.authorization.k8s.io"`,
			`roleRef.kind: Unsupported value: "Roles": supported values: "Role", "ClusterRole"`,
			`roleRef.name: Required value`,
		}},
		{"bad subjects", func(b *rbac.RoleBinding) {
			b.Subjects = []rbac.Subject{
				{Kind: "Robot", Name: "r2"},
				{Kind: "User", APIGroup: "", Name: ""},
				{Kind: "ServiceAccount", APIGroup: "v1", Name: "Builder"},
			}
		}, []string{
			`subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"`,
			`subjects[1].name: Required value`,
			`subjects[1].apiGroup: Unsupported value: "": supported values: "rbac.authorization.k8s.io"`,
			`subjects[2].name: Invalid value: "Builder": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
			`subjects[2].apiGroup: Unsupported value: "v1": supported values: ""`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := readBinding()
			tt.mutate(b)
			expectErrors(t, b.Validate(), tt.want...)
		})
	}
}

func TestClusterRoleBindingValidate(t *testing.T) {
	b := &rbac.ClusterRoleBinding{
		ObjectMeta: meta.ObjectMeta{Name: "read-pods-everywhere"},
		Subjects:   []rbac.Subject{{Kind: "ServiceAccount", Name: "builder"}},
		RoleRef:    rbac.RoleRef{Kind: "Role", Name: "pod-reader"},
	}
	b.Default()
	expectErrors(t, b.Validate(),
		`roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"`,
		`subjects[0].namespace: Required value`,
	)
}

func TestBindingUpdateRoleRefImmutable(t *testing.T) {
	old := readBinding()
	old.ResourceVersion = "7"
	upd := readBinding()
	upd.ResourceVersion = "7"
	upd.Subjects = upd.Subjects[:1] // subjects may change
	expectErrors(t, upd.ValidateUpdate(old))

	upd.RoleRef.Name = "pod-writer"
	expectErrors(t, upd.ValidateUpdate(old),
		`roleRef: Invalid value: {"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"pod-writer"}: cannot change roleRef`)

	crb := &rbac.ClusterRoleBinding{ObjectMeta: meta.ObjectMeta{Name: "x", ResourceVersion: "1"},
		RoleRef: rbac.RoleRef{APIGroup: rbac.GroupName, Kind: "ClusterRole", Name: "view"}}
	crbNew := *crb
	crbNew.RoleRef.Name = "edit"
	expectErrors(t, crbNew.ValidateUpdate(crb),
		`roleRef: Invalid value: {"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"edit"}: cannot change roleRef`)

	expectErrors(t, upd.ValidateUpdate(crb),
		`kind: Internal error: old object is *rbac.ClusterRoleBinding, not *rbac.RoleBinding`)
}

func TestRoleUpdate(t *testing.T) {
	old := readRole()
	old.ResourceVersion = "3"
	upd := readRole()
	upd.ResourceVersion = "3"
	upd.Rules[0].Verbs = append(upd.Rules[0].Verbs, "delete")
	expectErrors(t, upd.ValidateUpdate(old))
	upd.Namespace = "other"
	upd.Rules[0].Verbs = nil
	expectErrors(t, upd.ValidateUpdate(old),
		`metadata.namespace: Invalid value: "other": field is immutable`,
		`rules[0].verbs: Required value: verbs must contain at least one value`)
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
