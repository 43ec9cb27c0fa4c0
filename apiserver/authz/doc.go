// Package authz decides whether an authenticated user may make an API
// request: the stage of the API server's pipeline after authentication
// (DESIGN.md, "Data flow": authn → audit → authz). An Authorizer sees the
// request's attributes — user, verb, resource, namespace, name — never the
// body; what only the body tells is left to admission.
//
// The package has Kubernetes' authorization, written here:
//
//   - RBAC decides from Roles, ClusterRoles and their bindings, read from a
//     RuleSource (CacheSource over the API server's watch caches, or an
//     in-memory RuleSet). It indexes bindings by subject and rebuilds the
//     index when the source's revision moves, so a decision is a few map
//     lookups plus the rules of the user's own bindings: microseconds
//     whatever the number of bindings. Aggregated ClusterRoles are
//     evaluated as the union of the roles they select; no controller has
//     to run for decisions to be right. system:masters is the superuser
//     group.
//   - Node decides for kubelets (system:node:<name> in system:nodes) from a
//     NodeGraph of pods by node and what they use, fed from the watch
//     caches of pods, persistent volumes, volume attachments and nodes.
//   - Union chains authorizers: the first Allow or Deny wins. A server
//     uses Union{NewNode(graph), NewRBAC(source)}.
//
// Two admission validators complete them: RBAC.ValidateEscalation stops a
// user from creating or binding a role that grants more than it holds
// (unless it may escalate or bind), and NodeRestriction keeps a kubelet's
// writes to its own Node, Lease, mirror pods and pod statuses.
//
// DefaultPolicy is Kubernetes' bootstrap policy as data (cluster-admin,
// admin/edit/view, the system: roles and bindings, one role per built-in
// controller, TLS bootstrap bindings) and Reconcile installs it through the
// API, on every start, without removing what operators added.
//
// The Review functions answer authorization.k8s.io's access reviews, so
// kubectl auth can-i works: the API server calls them on POST and returns
// the filled-in object, which it never stores.
//
// Denials carry Kubernetes' reasons, which the API server appends to its
// 403 message: `User "x" cannot get resource "secrets" in API group "" in
// the namespace "y": no relationship found between node 'n1' and this
// object`.
package authz
