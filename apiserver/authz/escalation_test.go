package authz

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/rbac"
	"github.com/spar-dev/spar/apiserver/admission"
	"github.com/spar-dev/spar/apiserver/authn"
)

func TestValidateEscalation(t *testing.T) {
	s := testPolicy(
		rb("ns1", "bob-edit", "ClusterRole", "edit", userSubject("bob")),
		rb("ns1", "amy-admin", "ClusterRole", "admin", userSubject("amy")),
		// cleo may write roles anywhere, and escalate them in ns1.
		crb("cleo-roles", "role-writer", userSubject("cleo")),
		cr("role-writer", nil, r("create", "update").g(rbacGroup).res("roles", "rolebindings", "clusterroles", "clusterrolebindings").rule()),
		rb("ns1", "cleo-escalate", "ClusterRole", "escalator", userSubject("cleo")),
		cr("escalator", nil, r("escalate").g(rbacGroup).res("roles").rule()),
		// dan may bind cluster-admin, but only in ns1.
		rb("ns1", "dan-admin", "ClusterRole", "admin", userSubject("dan")),
		rb("ns1", "dan-bind", "ClusterRole", "binder", userSubject("dan")),
		cr("binder", nil, r("bind").g(rbacGroup).res("clusterroles").names("cluster-admin").rule()),
		role("ns1", "secret-reader", r("get").g("").res("secrets").rule()),
		cr("big", nil, r("*").g("*").res("*").rule()),
	)
	a := NewRBAC(s)
	secretsRule := r("get", "list").g("").res("secrets").rule()
	newRole := func(ns string, rules ...rbac.PolicyRule) *rbac.Role {
		return &rbac.Role{ObjectMeta: meta.ObjectMeta{Namespace: ns, Name: "r"}, Rules: rules}
	}
	write := func(op admission.Operation, u *authn.User, resource, ns string, obj, old meta.Object) *admission.Attributes {
		return &admission.Attributes{Operation: op, Group: rbac.GroupName, Version: "v1", Resource: resource, Namespace: ns,
			Name: obj.GetObjectMeta().Name, Object: obj, OldObject: old, User: u}
	}
	binding := func(ns, name, kind, role string) *rbac.RoleBinding {
		return rb(ns, name, kind, role, userSubject("someone"))
	}
	aggregatedCR := &rbac.ClusterRole{ObjectMeta: meta.ObjectMeta{Name: "agg"},
		AggregationRule: &rbac.AggregationRule{ClusterRoleSelectors: []meta.LabelSelector{{MatchLabels: map[string]string{"x": "y"}}}}}
	tests := []struct {
		name string
		a    *admission.Attributes
		// want is "" for allowed, else a substring of the 403's message.
		want string
	}{
		{"edit grants what it holds", write(admission.Create, user("bob"), "roles", "ns1", newRole("ns1", secretsRule), nil), ""},
		{"edit in ns1 grants secrets in ns2", write(admission.Create, user("bob"), "roles", "ns2", newRole("ns2", secretsRule), nil),
			`roles.rbac.authorization.k8s.io "r" is forbidden: user "bob" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:
{APIGroups:[""], Resources:["secrets"], Verbs:["get" "list"]}`},
		{"edit cannot grant role writing", write(admission.Create, user("bob"), "roles", "ns1",
			newRole("ns1", r("create").g(rbacGroup).res("roles").rule()), nil), `{APIGroups:["rbac.authorization.k8s.io"], Resources:["roles"], Verbs:["create"]}`},
		{"admin binds edit", write(admission.Create, user("amy"), "rolebindings", "ns1", binding("ns1", "b", "ClusterRole", "edit"), nil), ""},
		{"admin binds admin", write(admission.Create, user("amy"), "rolebindings", "ns1", binding("ns1", "b", "ClusterRole", "admin"), nil), ""},
		{"admin binds cluster-admin", write(admission.Create, user("amy"), "rolebindings", "ns1", binding("ns1", "b", "ClusterRole", "cluster-admin"), nil),
			`rolebindings.rbac.authorization.k8s.io "b" is forbidden: user "amy" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:
{APIGroups:["*"], Resources:["*"], Verbs:["*"]}
{NonResourceURLs:["*"], Verbs:["*"]}`},
		{"admin binds a local role it holds", write(admission.Create, user("amy"), "rolebindings", "ns1", binding("ns1", "b", "Role", "secret-reader"), nil), ""},
		{"admin of ns1 binds in ns2", write(admission.Create, user("amy"), "rolebindings", "ns2", binding("ns2", "b", "ClusterRole", "view"), nil), "not currently held"},
		{"binding a missing role", write(admission.Create, user("amy"), "rolebindings", "ns1", binding("ns1", "b", "Role", "nope"), nil),
			`rolebindings.rbac.authorization.k8s.io "b" is forbidden: role.rbac.authorization.k8s.io "nope" not found`},
		{"bind verb allows cluster-admin in ns1", write(admission.Create, user("dan"), "rolebindings", "ns1", binding("ns1", "b", "ClusterRole", "cluster-admin"), nil), ""},
		{"bind verb is per namespace", write(admission.Create, user("dan"), "rolebindings", "ns2", binding("ns2", "b", "ClusterRole", "cluster-admin"), nil), "not currently held"},
		{"bind verb is per role", write(admission.Create, user("dan"), "rolebindings", "ns1", binding("ns1", "b", "ClusterRole", "big"), nil), "not currently held"},
		{"bind verb is not cluster-wide", write(admission.Create, user("dan"), "clusterrolebindings", "",
			crb("b", "cluster-admin", userSubject("dan")), nil), "not currently held"},
		{"escalate verb", write(admission.Create, user("cleo"), "roles", "ns1", newRole("ns1", secretsRule), nil), ""},
		{"escalate verb is per namespace", write(admission.Create, user("cleo"), "roles", "ns2", newRole("ns2", secretsRule), nil), "not currently held"},
		{"escalate on roles is not on clusterroles", write(admission.Create, user("cleo"), "clusterroles", "", cr("c", nil, secretsRule), nil), "not currently held"},
		{"superuser", write(admission.Create, user("root", authn.SystemPrivilegedGrp), "clusterrolebindings", "", crb("b", "cluster-admin", userSubject("x")), nil), ""},
		{"aggregation needs full authority", write(admission.Create, user("cleo"), "clusterroles", "", aggregatedCR, nil),
			`clusterroles.rbac.authorization.k8s.io "agg" is forbidden: must have cluster-admin privileges to use the aggregationRule`},
		{"update keeping the rules", write(admission.Update, user("bob"), "roles", "ns2",
			withAnnotation(newRole("ns2", secretsRule)), newRole("ns2", secretsRule)), ""},
		{"update adding rules", write(admission.Update, user("bob"), "roles", "ns2",
			newRole("ns2", secretsRule, r("get").g("").res("pods").rule()), newRole("ns2", secretsRule)), "not currently held"},
		{"update relabelling a cluster role", write(admission.Update, user("cleo"), "clusterroles", "",
			cr("c", map[string]string{AggregateToViewLabel: "true"}, secretsRule), cr("c", nil, secretsRule)), "not currently held"},
		{"update of subjects", write(admission.Update, user("amy"), "rolebindings", "ns1",
			rb("ns1", "b", "ClusterRole", "cluster-admin", userSubject("amy")), rb("ns1", "b", "ClusterRole", "cluster-admin")), "not currently held"},
		{"delete is not checked", &admission.Attributes{Operation: admission.Delete, Group: rbac.GroupName, Resource: "roles", Namespace: "ns2",
			OldObject: newRole("ns2", secretsRule), User: user("bob")}, ""},
		{"other groups are not checked", &admission.Attributes{Operation: admission.Create, Resource: "pods", Namespace: "ns2", User: user("bob")}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := a.ValidateEscalation(context.Background(), tt.a)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.want != "" && err == nil:
				t.Fatalf("allowed, want %q", tt.want)
			case err != nil:
				if !strings.Contains(err.Error(), tt.want) {
					t.Errorf("error:\n%v\nwant it to contain:\n%s", err, tt.want)
				}
				if !errors.Is(err, meta.ErrForbidden) {
					t.Errorf("error %v is not a 403", err)
				}
			}
		})
	}
}

func withAnnotation(r *rbac.Role) *rbac.Role {
	r.Annotations = map[string]string{"note": "x"}
	return r
}

func TestCheckEscalation(t *testing.T) {
	a := NewRBAC(testPolicy(rb("ns1", "bob-view", "ClusterRole", "view", userSubject("bob"))))
	ctx := context.Background()
	err := a.CheckEscalation(ctx, user("bob"), []rbac.PolicyRule{r("get").g("").res("secrets", "pods").rule()}, "ns1")
	var ee *EscalationError
	if !errors.As(err, &ee) {
		t.Fatalf("err = %v, want an *EscalationError", err)
	}
	if len(ee.Missing) != 1 || ee.Missing[0].Resources[0] != "secrets" {
		t.Errorf("missing = %v, want only get secrets", ee.Missing)
	}
	if err := a.CheckEscalation(ctx, user("bob"), []rbac.PolicyRule{r("get").g("").res("pods").rule()}, "ns1"); err != nil {
		t.Errorf("get pods in ns1: %v", err)
	}
	if err := a.CheckEscalation(ctx, user("bob"), []rbac.PolicyRule{r("get").g("").res("pods").rule()}, ""); err == nil {
		t.Error("get pods cluster-wide: allowed")
	}
}
