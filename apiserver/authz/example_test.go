package authz_test

import (
	"context"
	"fmt"

	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/rbac"
	"github.com/spar-dev/spar/apiserver/authn"
	"github.com/spar-dev/spar/apiserver/authz"
)

// An authorizer over Kubernetes' default policy and one binding: bob may
// edit the namespace team-a.
func Example() {
	policy := authz.DefaultPolicy()
	rules := authz.NewRuleSet(policy.Objects()...)
	rules.Put(&rbac.RoleBinding{
		ObjectMeta: meta.ObjectMeta{Namespace: "team-a", Name: "bob-edit"},
		RoleRef:    rbac.RoleRef{APIGroup: rbac.GroupName, Kind: "ClusterRole", Name: "edit"},
		Subjects:   []rbac.Subject{{Kind: rbac.UserKind, APIGroup: rbac.GroupName, Name: "bob"}},
	})
	z := authz.Union{authz.NewNode(authz.NewNodeGraph()), authz.NewRBAC(rules)}

	bob := &authn.User{Name: "bob", Groups: []string{authn.AllAuthenticated}}
	for _, ns := range []string{"team-a", "team-b"} {
		d, reason, _ := z.Authorize(context.Background(), authz.Attributes{
			User: bob, Verb: "create", ResourceRequest: true, APIGroup: "apps", Resource: "deployments", Namespace: ns,
		})
		fmt.Println(ns, d == authz.Allow, reason)
	}
	// Output:
	// team-a true RBAC: allowed by RoleBinding "bob-edit/team-a" of ClusterRole "edit" to User "bob"
	// team-b false
}

// A user who may edit a namespace cannot hand out permissions it lacks.
func ExampleRBAC_CheckEscalation() {
	rules := authz.NewRuleSet(authz.DefaultPolicy().Objects()...)
	rules.Put(&rbac.RoleBinding{
		ObjectMeta: meta.ObjectMeta{Namespace: "team-a", Name: "bob-view"},
		RoleRef:    rbac.RoleRef{APIGroup: rbac.GroupName, Kind: "ClusterRole", Name: "view"},
		Subjects:   []rbac.Subject{{Kind: rbac.UserKind, APIGroup: rbac.GroupName, Name: "bob"}},
	})
	a := authz.NewRBAC(rules)
	bob := &authn.User{Name: "bob", Groups: []string{authn.AllAuthenticated}}
	err := a.CheckEscalation(context.Background(), bob, []rbac.PolicyRule{
		{Verbs: []string{"get", "list"}, APIGroups: []string{""}, Resources: []string{"pods", "secrets"}},
	}, "team-a")
	fmt.Println(err)
	// Output:
	// user "bob" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:
	// {APIGroups:[""], Resources:["secrets"], Verbs:["get" "list"]}
}
