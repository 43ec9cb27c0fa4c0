// Package rbac holds the rbac.authorization.k8s.io/v1 kinds: Role and
// ClusterRole (sets of PolicyRules), and RoleBinding and ClusterRoleBinding
// (grants of a role to subjects). The authorizer in apiserver/authz evaluates
// them; this package only defines their wire form and defaults, which match
// Kubernetes field for field (see DESIGN.md, "api").
package rbac
