package api

import "github.com/spar-dev/spar/api/rbac"

// addRBAC registers the kinds of rbac.authorization.k8s.io/v1.
func addRBAC(s *Scheme) {
	g, v := rbac.GroupName, rbac.Version
	MustRegister[rbac.Role](s, Resource{Group: g, Version: v, Kind: "Role", Plural: "roles", Namespaced: true})
	MustRegister[rbac.RoleBinding](s, Resource{Group: g, Version: v, Kind: "RoleBinding", Plural: "rolebindings", Namespaced: true})
	MustRegister[rbac.ClusterRole](s, Resource{Group: g, Version: v, Kind: "ClusterRole", Plural: "clusterroles"})
	MustRegister[rbac.ClusterRoleBinding](s, Resource{Group: g, Version: v, Kind: "ClusterRoleBinding", Plural: "clusterrolebindings"})
}
