package rbac_test

import (
	"reflect"
	"slices"
	"testing"

	"github.com/spar-dev/spar/api/rbac"
	"github.com/spar-dev/spar/internal/apitest"
)

func TestDecodeRoleAndBinding(t *testing.T) {
	docs := apitest.ReadDocs(t, "testdata/role-binding.yaml")
	role := apitest.RoundTrip[rbac.Role](t, docs[0])
	want := []rbac.PolicyRule{
		{APIGroups: []string{""}, Resources: []string{"pods", "pods/log"}, Verbs: []string{"get", "watch", "list"}},
		{APIGroups: []string{"apps"}, Resources: []string{"deployments"}, ResourceNames: []string{"web"}, Verbs: []string{"get", "update", "patch"}},
	}
	if !reflect.DeepEqual(role.Rules, want) {
		t.Errorf("rules = %+v, want %+v", role.Rules, want)
	}
	rb := apitest.RoundTrip[rbac.RoleBinding](t, docs[1])
	if got, want := rb.RoleRef, (rbac.RoleRef{APIGroup: rbac.GroupName, Kind: "Role", Name: "pod-reader"}); got != want {
		t.Errorf("roleRef = %+v, want %+v", got, want)
	}
	if got := rb.Subjects[1]; got.Kind != rbac.ServiceAccountKind || got.Namespace != "ci" || got.APIGroup != "" {
		t.Errorf("subjects[1] = %+v, want the ServiceAccount ci/builder", got)
	}
}

func TestStrictDecodingNamesField(t *testing.T) {
	tests := []struct {
		name, doc string
		want      string
	}{
		{"subject", "kind: RoleBinding\nsubjects:\n- kind: User\n  nmae: jane\nroleRef: {kind: Role, name: r, apiGroup: rbac.authorization.k8s.io}\n",
			`unknown field "subjects[0].nmae"`},
		{"roleRef", "kind: RoleBinding\nroleRef: {kind: Role, name: r, group: rbac.authorization.k8s.io}\n",
			`unknown field "roleRef.group"`},
		{"duplicate in JSON", `{"kind":"RoleBinding","roleRef":{"kind":"Role","name":"r","name":"s"}}`,
			`duplicate field "roleRef.name"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := apitest.StrictFields[rbac.RoleBinding](t, tt.doc)
			if !slices.Contains(got, tt.want) {
				t.Errorf("strict fields = %q, want %q among them", got, tt.want)
			}
		})
	}
}

func TestDefaultBinding(t *testing.T) {
	tests := []struct {
		name string
		in   rbac.Subject
		want string
	}{
		{"user", rbac.Subject{Kind: rbac.UserKind, Name: "jane"}, rbac.GroupName},
		{"group", rbac.Subject{Kind: rbac.GroupKind, Name: "ops"}, rbac.GroupName},
		{"service account", rbac.Subject{Kind: rbac.ServiceAccountKind, Name: "sa", Namespace: "ns"}, ""},
		{"explicit group kept", rbac.Subject{Kind: rbac.UserKind, APIGroup: "example.com"}, "example.com"},
		{"unknown kind", rbac.Subject{Kind: "Robot"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rb := rbac.RoleBinding{Subjects: []rbac.Subject{tt.in}, RoleRef: rbac.RoleRef{Kind: "Role", Name: "r"}}
			rb.Default()
			if got := rb.Subjects[0].APIGroup; got != tt.want {
				t.Errorf("subject apiGroup = %q, want %q", got, tt.want)
			}
			if got := rb.RoleRef.APIGroup; got != rbac.GroupName {
				t.Errorf("roleRef.apiGroup = %q, want %q", got, rbac.GroupName)
			}
			crb := rbac.ClusterRoleBinding{Subjects: []rbac.Subject{tt.in}}
			crb.Default()
			if got := crb.Subjects[0].APIGroup; got != tt.want {
				t.Errorf("ClusterRoleBinding subject apiGroup = %q, want %q", got, tt.want)
			}
		})
	}
}
