package authz

import (
	"slices"
	"strings"

	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/rbac"
	"github.com/spar-dev/spar/apiserver/authn"
)

// The roles and bindings a new cluster starts with: Kubernetes' bootstrap
// policy (plugin/pkg/auth/authorizer/rbac/bootstrappolicy at v1.32), as
// data. Each object is labelled kubernetes.io/bootstrapping=rbac-defaults
// and annotated rbac.authorization.kubernetes.io/autoupdate=true, which
// Reconcile honours: an operator who sets the annotation to "false" keeps
// the object as they left it.

// Bootstrap metadata.
const (
	BootstrappingLabel    = "kubernetes.io/bootstrapping"
	BootstrappingValue    = "rbac-defaults"
	AggregateToAdminLabel = "rbac.authorization.k8s.io/aggregate-to-admin"
	AggregateToEditLabel  = "rbac.authorization.k8s.io/aggregate-to-edit"
	AggregateToViewLabel  = "rbac.authorization.k8s.io/aggregate-to-view"
)

// Well-known identities of the control plane.
const (
	NodesGroup            = "system:nodes"
	BootstrappersGroup    = "system:bootstrappers"
	ServiceAccountsGroup  = "system:serviceaccounts"
	MonitoringGroup       = "system:monitoring"
	KubeProxyUser         = "system:kube-proxy"
	KubeSchedulerUser     = "system:kube-scheduler"
	KubeControllerManager = "system:kube-controller-manager"
	// ControllerRolePrefix begins the name of each built-in controller's
	// ClusterRole, bound to the service account kube-system/<rest of name>.
	ControllerRolePrefix = "system:controller:"
)

// Policy is a set of roles and bindings to keep in a cluster.
type Policy struct {
	ClusterRoles        []rbac.ClusterRole
	ClusterRoleBindings []rbac.ClusterRoleBinding
	// Roles and RoleBindings carry their namespaces.
	Roles        []rbac.Role
	RoleBindings []rbac.RoleBinding
}

// DefaultPolicy returns Kubernetes' bootstrap roles and bindings, new on
// each call:
//
//   - the user-facing ClusterRoles cluster-admin, and admin, edit and view
//     aggregated from system:aggregate-to-{admin,edit,view} and anything
//     else labelled rbac.authorization.k8s.io/aggregate-to-*;
//   - the system roles (system:basic-user, system:discovery,
//     system:public-info-viewer, system:monitoring, system:node,
//     system:node-proxier, system:kube-scheduler,
//     system:kube-controller-manager, system:kube-dns, system:volume-scheduler,
//     system:service-account-issuer-discovery, the certificate approvers,
//     ...) bound as Kubernetes binds them; system:node's binding has no
//     subjects, as upstream: kubelets get their access from the node
//     authorizer;
//   - one system:controller:<name> ClusterRole per built-in controller,
//     bound to the service account kube-system/<name> (use
//     BindControllersTo when the controllers run under one identity);
//   - the leader-election and bootstrap-signer Roles in kube-system and
//     kube-public;
//   - TLS bootstrap bindings, as kubeadm makes them: holders of bootstrap
//     tokens (group system:bootstrappers) may create node client
//     certificate requests, which are auto-approved, and nodes may renew
//     their own certificates.
func DefaultPolicy() *Policy {
	p := &Policy{
		ClusterRoles:        append(clusterRoles(), controllerRoles()...),
		ClusterRoleBindings: clusterRoleBindings(),
		Roles:               namespaceRoles(),
		RoleBindings:        namespaceRoleBindings(),
	}
	for _, cr := range controllerRoles() {
		sa := strings.TrimPrefix(cr.Name, ControllerRolePrefix)
		p.ClusterRoleBindings = append(p.ClusterRoleBindings, clusterBinding(cr.Name, saSubject("kube-system", sa)))
	}
	for i := range p.ClusterRoles {
		addDefaultMetadata(&p.ClusterRoles[i].ObjectMeta)
	}
	for i := range p.ClusterRoleBindings {
		addDefaultMetadata(&p.ClusterRoleBindings[i].ObjectMeta)
	}
	for i := range p.Roles {
		addDefaultMetadata(&p.Roles[i].ObjectMeta)
	}
	for i := range p.RoleBindings {
		addDefaultMetadata(&p.RoleBindings[i].ObjectMeta)
	}
	return p
}

// BindControllersTo adds subjects to the binding of every
// system:controller:* role: for a controller manager that runs all
// controllers under its own credentials (Kubernetes'
// --use-service-account-credentials=false), bind them to its user.
func (p *Policy) BindControllersTo(subjects ...rbac.Subject) {
	for i := range p.ClusterRoleBindings {
		b := &p.ClusterRoleBindings[i]
		if !strings.HasPrefix(b.RoleRef.Name, ControllerRolePrefix) {
			continue
		}
		for _, s := range subjects {
			s.Default()
			if !slices.Contains(b.Subjects, s) {
				b.Subjects = append(b.Subjects, s)
			}
		}
	}
}

// NodeRules are the permissions every kubelet needs (the rules of
// system:node). The node authorizer grants them to nodes, narrowing those
// on secrets, configmaps, volumes, pods, nodes and leases to the node's own.
func NodeRules() []rbac.PolicyRule {
	return []rbac.PolicyRule{
		// Checking API access: these creates do not mutate.
		r("create").g(authenticationGroup).res("tokenreviews").rule(),
		r("create").g(authorizationGroup).res("subjectaccessreviews", "localsubjectaccessreviews").rule(),
		// Service environment variables.
		r(read...).g(legacyGroup).res("services").rule(),
		// Registering and reporting on the Node object (NodeRestriction
		// limits a node to its own).
		r("create", "get", "list", "watch").g(legacyGroup).res("nodes").rule(),
		r("update", "patch").g(legacyGroup).res("nodes/status").rule(),
		r("update", "patch").g(legacyGroup).res("nodes").rule(),
		r("create", "update", "patch").g(legacyGroup).res("events").rule(),
		r(read...).g(legacyGroup).res("pods").rule(),
		// Mirror pods, their status and evictions (NodeRestriction limits
		// them to pods bound to the node).
		r("create", "delete").g(legacyGroup).res("pods").rule(),
		r("update", "patch").g(legacyGroup).res("pods/status").rule(),
		r("create").g(legacyGroup).res("pods/eviction").rule(),
		// What pods use (the node authorizer limits them to its pods' own).
		r("get", "list", "watch").g(legacyGroup).res("secrets", "configmaps").rule(),
		r("get").g(legacyGroup).res("persistentvolumeclaims", "persistentvolumes").rule(),
		r("get").g(legacyGroup).res("endpoints").rule(),
		// Rotating its own client certificate.
		r("create", "get", "list", "watch").g(certificatesGroup).res("certificatesigningrequests").rule(),
		// Node heartbeats.
		r("get", "create", "update", "patch", "delete").g(coordinationGroup).res("leases").rule(),
		r("get").g(storageGroup).res("volumeattachments").rule(),
		r("create").g(legacyGroup).res("serviceaccounts/token").rule(),
		r("get", "update", "patch").g(legacyGroup).res("persistentvolumeclaims/status").rule(),
		r("get", "watch", "list").g(storageGroup).res("csidrivers").rule(),
		r("get", "create", "update", "patch", "delete").g(storageGroup).res("csinodes").rule(),
		r("get", "list", "watch").g("node.k8s.io").res("runtimeclasses").rule(),
	}
}

const (
	legacyGroup         = ""
	appsGroup           = "apps"
	authenticationGroup = "authentication.k8s.io"
	authorizationGroup  = "authorization.k8s.io"
	autoscalingGroup    = "autoscaling"
	batchGroup          = "batch"
	certificatesGroup   = "certificates.k8s.io"
	coordinationGroup   = "coordination.k8s.io"
	discoveryGroup      = "discovery.k8s.io"
	extensionsGroup     = "extensions"
	policyGroup         = "policy"
	rbacGroup           = "rbac.authorization.k8s.io"
	storageGroup        = "storage.k8s.io"
	networkingGroup     = "networking.k8s.io"
	eventsGroup         = "events.k8s.io"
)

var (
	read      = []string{"get", "list", "watch"}
	readWrite = []string{"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"}
	write     = []string{"create", "update", "patch", "delete", "deletecollection"}
	readPatch = []string{"get", "list", "watch", "update", "patch"}
)

// ruleBuilder writes rules as upstream's bootstrap policy does:
// r("get").g("").res("pods").rule(). Verbs, resources, names and URLs are
// sorted, as upstream stores them.
type ruleBuilder struct{ p rbac.PolicyRule }

func r(verbs ...string) *ruleBuilder {
	return &ruleBuilder{p: rbac.PolicyRule{Verbs: slices.Clone(verbs)}}
}

func (b *ruleBuilder) g(groups ...string) *ruleBuilder {
	b.p.APIGroups = append(b.p.APIGroups, groups...)
	return b
}

func (b *ruleBuilder) res(resources ...string) *ruleBuilder {
	b.p.Resources = append(b.p.Resources, resources...)
	return b
}

func (b *ruleBuilder) names(names ...string) *ruleBuilder {
	b.p.ResourceNames = append(b.p.ResourceNames, names...)
	return b
}

func (b *ruleBuilder) urls(urls ...string) *ruleBuilder {
	b.p.NonResourceURLs = append(b.p.NonResourceURLs, urls...)
	return b
}

func (b *ruleBuilder) rule() rbac.PolicyRule {
	slices.Sort(b.p.Verbs)
	slices.Sort(b.p.Resources)
	slices.Sort(b.p.ResourceNames)
	slices.Sort(b.p.NonResourceURLs)
	return b.p
}

// eventsRule lets a component record events through either events API.
func eventsRule() rbac.PolicyRule {
	return r("create", "update", "patch").g(legacyGroup, eventsGroup).res("events").rule()
}

func clusterRole(name string, rules ...rbac.PolicyRule) rbac.ClusterRole {
	return rbac.ClusterRole{ObjectMeta: meta.ObjectMeta{Name: name}, Rules: rules}
}

// aggregated is a ClusterRole whose rules are gathered from those labelled
// label=true; labels are its own (to be gathered in turn).
func aggregated(name, label string, labels map[string]string) rbac.ClusterRole {
	return rbac.ClusterRole{
		ObjectMeta: meta.ObjectMeta{Name: name, Labels: labels},
		AggregationRule: &rbac.AggregationRule{ClusterRoleSelectors: []meta.LabelSelector{
			{MatchLabels: map[string]string{label: "true"}},
		}},
	}
}

func labelled(cr rbac.ClusterRole, label string) rbac.ClusterRole {
	cr.Labels = map[string]string{label: "true"}
	return cr
}

func clusterRoles() []rbac.ClusterRole {
	return []rbac.ClusterRole{
		// A "root" role that can do anything.
		clusterRole("cluster-admin",
			r("*").g("*").res("*").rule(),
			r("*").urls("*").rule()),
		// Enough to check health and discover API versions.
		clusterRole("system:discovery",
			r("get").urls("/livez", "/readyz", "/healthz", "/version", "/version/", "/openapi", "/openapi/*",
				"/api", "/api/*", "/apis", "/apis/*").rule()),
		// What a user needs to learn about itself.
		clusterRole("system:basic-user",
			r("create").g(authorizationGroup).res("selfsubjectaccessreviews", "selfsubjectrulesreviews").rule(),
			r("create").g(authenticationGroup).res("selfsubjectreviews").rule()),
		// Non-sensitive cluster information, for everyone.
		clusterRole("system:public-info-viewer",
			r("get").urls("/livez", "/readyz", "/healthz", "/version", "/version/").rule()),
		// The namespace-level roles users are given, aggregated.
		aggregated("admin", AggregateToAdminLabel, nil),
		aggregated("edit", AggregateToEditLabel, map[string]string{AggregateToAdminLabel: "true"}),
		aggregated("view", AggregateToViewLabel, map[string]string{AggregateToEditLabel: "true"}),
		labelled(clusterRole("system:aggregate-to-admin",
			r("create").g(authorizationGroup).res("localsubjectaccessreviews").rule(),
			r(readWrite...).g(rbacGroup).res("roles", "rolebindings").rule()), AggregateToAdminLabel),
		labelled(clusterRole("system:aggregate-to-edit",
			// Read on resources that can escalate.
			r(read...).g(legacyGroup).res("pods/attach", "pods/proxy", "pods/exec", "pods/portforward", "secrets", "services/proxy").rule(),
			r("impersonate").g(legacyGroup).res("serviceaccounts").rule(),
			r(write...).g(legacyGroup).res("pods", "pods/attach", "pods/proxy", "pods/exec", "pods/portforward").rule(),
			r("create").g(legacyGroup).res("pods/eviction").rule(),
			r(write...).g(legacyGroup).res("replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts",
				"services", "services/proxy", "persistentvolumeclaims", "configmaps", "secrets", "events").rule(),
			r("create").g(legacyGroup).res("serviceaccounts/token").rule(),
			r(write...).g(appsGroup).res("statefulsets", "statefulsets/scale", "daemonsets", "deployments",
				"deployments/scale", "deployments/rollback", "replicasets", "replicasets/scale").rule(),
			r(write...).g(autoscalingGroup).res("horizontalpodautoscalers").rule(),
			r(write...).g(batchGroup).res("jobs", "cronjobs").rule(),
			r(write...).g(extensionsGroup).res("daemonsets", "deployments", "deployments/scale", "deployments/rollback",
				"ingresses", "replicasets", "replicasets/scale", "replicationcontrollers/scale", "networkpolicies").rule(),
			r(write...).g(policyGroup).res("poddisruptionbudgets").rule(),
			r(write...).g(networkingGroup).res("networkpolicies", "ingresses").rule(),
			r(readWrite...).g(coordinationGroup).res("leases").rule()), AggregateToEditLabel),
		labelled(clusterRole("system:aggregate-to-view",
			r(read...).g(legacyGroup).res("pods", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts",
				"services", "services/status", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "configmaps").rule(),
			r(read...).g(legacyGroup).res("limitranges", "resourcequotas", "bindings", "events", "pods/status",
				"resourcequotas/status", "namespaces/status", "replicationcontrollers/status", "pods/log").rule(),
			// Reading the namespace shows which namespaces one has access to.
			r(read...).g(legacyGroup).res("namespaces").rule(),
			r(read...).g(discoveryGroup).res("endpointslices").rule(),
			r(read...).g(appsGroup).res("controllerrevisions", "statefulsets", "statefulsets/status", "statefulsets/scale",
				"daemonsets", "daemonsets/status", "deployments", "deployments/status", "deployments/scale",
				"replicasets", "replicasets/status", "replicasets/scale").rule(),
			r(read...).g(autoscalingGroup).res("horizontalpodautoscalers", "horizontalpodautoscalers/status").rule(),
			r(read...).g(batchGroup).res("jobs", "cronjobs", "cronjobs/status", "jobs/status").rule(),
			r(read...).g(extensionsGroup).res("daemonsets", "daemonsets/status", "deployments", "deployments/scale",
				"deployments/status", "ingresses", "ingresses/status", "replicasets", "replicasets/scale",
				"replicasets/status", "replicationcontrollers/scale", "networkpolicies").rule(),
			r(read...).g(policyGroup).res("poddisruptionbudgets", "poddisruptionbudgets/status").rule(),
			r(read...).g(networkingGroup).res("networkpolicies", "ingresses", "ingresses/status").rule()), AggregateToViewLabel),
		clusterRole("system:heapster",
			r(read...).g(legacyGroup).res("events", "pods", "nodes", "namespaces").rule(),
			r(read...).g(extensionsGroup).res("deployments").rule()),
		clusterRole("system:node", NodeRules()...),
		clusterRole("system:node-problem-detector",
			r("get").g(legacyGroup).res("nodes").rule(),
			r("patch").g(legacyGroup).res("nodes/status").rule(),
			eventsRule()),
		clusterRole("system:kubelet-api-admin",
			r("get", "list", "watch").g(legacyGroup).res("nodes").rule(),
			r("proxy").g(legacyGroup).res("nodes").rule(),
			r("*").g(legacyGroup).res("nodes/proxy", "nodes/metrics", "nodes/stats", "nodes/log").rule()),
		clusterRole("system:node-bootstrapper",
			r("create", "get", "list", "watch").g(certificatesGroup).res("certificatesigningrequests").rule()),
		clusterRole("system:auth-delegator",
			r("create").g(authenticationGroup).res("tokenreviews").rule(),
			r("create").g(authorizationGroup).res("subjectaccessreviews").rule()),
		clusterRole("system:kube-aggregator",
			r(read...).g(legacyGroup).res("services", "endpoints").rule()),
		clusterRole("system:kube-controller-manager",
			eventsRule(),
			// Leader election.
			r("create").g(coordinationGroup).res("leases").rule(),
			r("get", "update").g(coordinationGroup).res("leases").names("kube-controller-manager").rule(),
			// What it needs to create the other controllers' identities.
			r("create").g(legacyGroup).res("secrets", "serviceaccounts").rule(),
			r("delete").g(legacyGroup).res("secrets").rule(),
			r("get").g(legacyGroup).res("namespaces", "secrets", "serviceaccounts", "configmaps").rule(),
			r("update").g(legacyGroup).res("secrets", "serviceaccounts").rule(),
			r("create").g(authenticationGroup).res("tokenreviews").rule(),
			r("create").g(authorizationGroup).res("subjectaccessreviews").rule(),
			// Shared informers.
			r("list", "watch").g("*").res("*").rule(),
			r("create").g(legacyGroup).res("serviceaccounts/token").rule()),
		clusterRole("system:kube-dns",
			r("list", "watch").g(legacyGroup).res("endpoints", "services").rule()),
		clusterRole("system:persistent-volume-provisioner",
			r("get", "list", "watch", "create", "delete").g(legacyGroup).res("persistentvolumes").rule(),
			// update sets lock annotations on claims.
			r("get", "list", "watch", "update").g(legacyGroup).res("persistentvolumeclaims").rule(),
			r(read...).g(storageGroup).res("storageclasses").rule(),
			r("watch").g(legacyGroup).res("events").rule(),
			eventsRule()),
		clusterRole("system:certificates.k8s.io:certificatesigningrequests:nodeclient",
			r("create").g(certificatesGroup).res("certificatesigningrequests/nodeclient").rule()),
		clusterRole("system:certificates.k8s.io:certificatesigningrequests:selfnodeclient",
			r("create").g(certificatesGroup).res("certificatesigningrequests/selfnodeclient").rule()),
		clusterRole("system:volume-scheduler",
			r(readPatch...).g(legacyGroup).res("persistentvolumes").rule(),
			r(read...).g(storageGroup).res("storageclasses").rule(),
			r(readPatch...).g(legacyGroup).res("persistentvolumeclaims").rule()),
		clusterRole("system:certificates.k8s.io:legacy-unknown-approver",
			r("approve").g(certificatesGroup).res("signers").names("kubernetes.io/legacy-unknown").rule()),
		clusterRole("system:certificates.k8s.io:kubelet-serving-approver",
			r("approve").g(certificatesGroup).res("signers").names("kubernetes.io/kubelet-serving").rule()),
		clusterRole("system:certificates.k8s.io:kube-apiserver-client-approver",
			r("approve").g(certificatesGroup).res("signers").names("kubernetes.io/kube-apiserver-client").rule()),
		clusterRole("system:certificates.k8s.io:kube-apiserver-client-kubelet-approver",
			r("approve").g(certificatesGroup).res("signers").names("kubernetes.io/kube-apiserver-client-kubelet").rule()),
		clusterRole("system:service-account-issuer-discovery",
			r("get").urls("/.well-known/openid-configuration", "/openid/v1/jwks").rule()),
		clusterRole("system:monitoring",
			r("get").urls("/metrics", "/metrics/slis", "/livez", "/readyz", "/healthz", "/livez/*", "/readyz/*", "/healthz/*").rule()),
		clusterRole("system:node-proxier",
			r("list", "watch").g(legacyGroup).res("services", "endpoints").rule(),
			r("get", "list", "watch").g(legacyGroup).res("nodes").rule(),
			eventsRule(),
			r("list", "watch").g(discoveryGroup).res("endpointslices").rule()),
		clusterRole("system:kube-scheduler",
			eventsRule(),
			// Leader election.
			r("create").g(coordinationGroup).res("leases").rule(),
			r("get", "update").g(coordinationGroup).res("leases").names("kube-scheduler").rule(),
			r(read...).g(legacyGroup).res("nodes").rule(),
			r("get", "list", "watch", "delete").g(legacyGroup).res("pods").rule(),
			r("create").g(legacyGroup).res("pods/binding", "bindings").rule(),
			r("patch", "update").g(legacyGroup).res("pods/status").rule(),
			// What selects pods.
			r(read...).g(legacyGroup).res("services", "replicationcontrollers").rule(),
			r(read...).g(appsGroup, extensionsGroup).res("replicasets").rule(),
			r(read...).g(appsGroup).res("statefulsets").rule(),
			// What applies to pods.
			r(read...).g(policyGroup).res("poddisruptionbudgets").rule(),
			r(read...).g(legacyGroup).res("persistentvolumeclaims", "persistentvolumes").rule(),
			r("create").g(authenticationGroup).res("tokenreviews").rule(),
			r("create").g(authorizationGroup).res("subjectaccessreviews").rule(),
			r(read...).g(storageGroup).res("csinodes").rule(),
			r(read...).g(legacyGroup).res("namespaces").rule(),
			r(read...).g(storageGroup).res("csidrivers").rule(),
			r(read...).g(storageGroup).res("csistoragecapacities").rule()),
	}
}

func userSubject(name string) rbac.Subject {
	return rbac.Subject{Kind: rbac.UserKind, APIGroup: rbac.GroupName, Name: name}
}

func groupSubject(name string) rbac.Subject {
	return rbac.Subject{Kind: rbac.GroupKind, APIGroup: rbac.GroupName, Name: name}
}

func saSubject(namespace, name string) rbac.Subject {
	return rbac.Subject{Kind: rbac.ServiceAccountKind, Namespace: namespace, Name: name}
}

// clusterBinding binds the ClusterRole called role, under the same name.
func clusterBinding(role string, subjects ...rbac.Subject) rbac.ClusterRoleBinding {
	return clusterBindingNamed(role, role, subjects...)
}

func clusterBindingNamed(name, role string, subjects ...rbac.Subject) rbac.ClusterRoleBinding {
	return rbac.ClusterRoleBinding{
		ObjectMeta: meta.ObjectMeta{Name: name},
		RoleRef:    rbac.RoleRef{APIGroup: rbac.GroupName, Kind: "ClusterRole", Name: role},
		Subjects:   subjects,
	}
}

func clusterRoleBindings() []rbac.ClusterRoleBinding {
	return []rbac.ClusterRoleBinding{
		clusterBinding("cluster-admin", groupSubject(authn.SystemPrivilegedGrp)),
		clusterBinding("system:monitoring", groupSubject(MonitoringGroup)),
		clusterBinding("system:discovery", groupSubject(authn.AllAuthenticated)),
		clusterBinding("system:basic-user", groupSubject(authn.AllAuthenticated)),
		clusterBinding("system:public-info-viewer", groupSubject(authn.AllAuthenticated), groupSubject(authn.AllUnauthenticated)),
		clusterBinding("system:node-proxier", userSubject(KubeProxyUser)),
		clusterBinding("system:kube-controller-manager", userSubject(KubeControllerManager)),
		clusterBinding("system:kube-dns", saSubject("kube-system", "kube-dns")),
		clusterBinding("system:kube-scheduler", userSubject(KubeSchedulerUser)),
		clusterBinding("system:volume-scheduler", userSubject(KubeSchedulerUser)),
		// Kept without subjects since the node authorizer replaced it, so
		// that reconciling never re-grants nodes everything system:node
		// holds.
		clusterBinding("system:node"),
		// In-cluster workloads may read the service-account issuer's
		// discovery documents.
		clusterBinding("system:service-account-issuer-discovery", groupSubject(ServiceAccountsGroup)),
		// TLS bootstrap, as kubeadm sets it up: a bootstrap token may ask
		// for a node client certificate, which is approved automatically;
		// nodes may renew their own.
		clusterBindingNamed("spar:kubelet-bootstrap", "system:node-bootstrapper", groupSubject(BootstrappersGroup)),
		clusterBindingNamed("spar:node-autoapprove-bootstrap",
			"system:certificates.k8s.io:certificatesigningrequests:nodeclient", groupSubject(BootstrappersGroup)),
		clusterBindingNamed("spar:node-autoapprove-certificate-rotation",
			"system:certificates.k8s.io:certificatesigningrequests:selfnodeclient", groupSubject(NodesGroup)),
	}
}

// controllerRoles are the ClusterRoles of the built-in controllers
// (bootstrappolicy/controller_policy.go), for those spar runs or may run;
// the alpha-feature ones (dynamic resources, service CIDRs, ...) are left
// out.
func controllerRoles() []rbac.ClusterRole {
	c := func(name string, rules ...rbac.PolicyRule) rbac.ClusterRole {
		return clusterRole(ControllerRolePrefix+name, rules...)
	}
	return []rbac.ClusterRole{
		c("attachdetach-controller",
			r("list", "watch").g(legacyGroup).res("persistentvolumes", "persistentvolumeclaims").rule(),
			r("get", "list", "watch").g(legacyGroup).res("nodes").rule(),
			r("patch", "update").g(legacyGroup).res("nodes/status").rule(),
			r("list", "watch").g(legacyGroup).res("pods").rule(),
			eventsRule(),
			r("get", "create", "delete", "list", "watch").g(storageGroup).res("volumeattachments").rule(),
			r("get", "watch", "list").g(storageGroup).res("csidrivers").rule(),
			r("get", "watch", "list").g(storageGroup).res("csinodes").rule()),
		c("certificate-controller",
			r("get", "list", "watch", "delete").g(certificatesGroup).res("certificatesigningrequests").rule(),
			r("update").g(certificatesGroup).res("certificatesigningrequests/status", "certificatesigningrequests/approval").rule(),
			r("approve").g(certificatesGroup).res("signers").names("kubernetes.io/kube-apiserver-client-kubelet").rule(),
			r("sign").g(certificatesGroup).res("signers").names("kubernetes.io/legacy-unknown",
				"kubernetes.io/kube-apiserver-client", "kubernetes.io/kube-apiserver-client-kubelet", "kubernetes.io/kubelet-serving").rule(),
			r("create").g(authorizationGroup).res("subjectaccessreviews").rule(),
			// Beyond upstream: spar's approver leaves a new node's request
			// pending when a Node of that name is already registered.
			r("list", "watch").g(legacyGroup).res("nodes").rule(),
			eventsRule()),
		c("clusterrole-aggregation-controller",
			// escalate: it writes whatever rules the aggregated roles gather.
			r("escalate", "get", "list", "watch", "update", "patch").g(rbacGroup).res("clusterroles").rule()),
		c("cronjob-controller",
			r("get", "list", "watch", "update").g(batchGroup).res("cronjobs").rule(),
			r("get", "list", "watch", "create", "update", "delete", "patch").g(batchGroup).res("jobs").rule(),
			r("update").g(batchGroup).res("cronjobs/status").rule(),
			r("update").g(batchGroup).res("cronjobs/finalizers").rule(),
			r("list", "watch", "delete").g(legacyGroup).res("pods").rule(),
			eventsRule()),
		c("daemon-set-controller",
			r("get", "list", "watch").g(extensionsGroup, appsGroup).res("daemonsets").rule(),
			r("update").g(extensionsGroup, appsGroup).res("daemonsets/status").rule(),
			r("update").g(extensionsGroup, appsGroup).res("daemonsets/finalizers").rule(),
			r("list", "watch").g(legacyGroup).res("nodes").rule(),
			r("list", "watch", "create", "delete", "patch").g(legacyGroup).res("pods").rule(),
			r("create").g(legacyGroup).res("pods/binding").rule(),
			r("get", "list", "watch", "create", "delete", "update", "patch").g(appsGroup).res("controllerrevisions").rule(),
			eventsRule()),
		c("deployment-controller",
			r("get", "list", "watch", "update").g(extensionsGroup, appsGroup).res("deployments").rule(),
			r("update").g(extensionsGroup, appsGroup).res("deployments/status").rule(),
			r("update").g(extensionsGroup, appsGroup).res("deployments/finalizers").rule(),
			r("get", "list", "watch", "create", "update", "patch", "delete").g(extensionsGroup, appsGroup).res("replicasets").rule(),
			// Pods are read to resolve their owners and updated to adopt or
			// release them.
			r("get", "list", "watch", "update").g(legacyGroup).res("pods").rule(),
			eventsRule()),
		c("disruption-controller",
			r("get", "list", "watch").g(extensionsGroup, appsGroup).res("deployments").rule(),
			r("get", "list", "watch").g(appsGroup, extensionsGroup).res("replicasets").rule(),
			r("get", "list", "watch").g(legacyGroup).res("replicationcontrollers").rule(),
			r("get", "list", "watch").g(policyGroup).res("poddisruptionbudgets").rule(),
			r("get", "list", "watch").g(appsGroup).res("statefulsets").rule(),
			r("update").g(policyGroup).res("poddisruptionbudgets/status").rule(),
			r("patch", "update").g(legacyGroup).res("pods/status").rule(),
			r("get").g("*").res("*/scale").rule(),
			eventsRule()),
		c("endpoint-controller",
			r("get", "list", "watch").g(legacyGroup).res("services", "pods").rule(),
			r("get", "list", "watch", "create", "update", "delete").g(legacyGroup).res("endpoints").rule(),
			r("create").g(legacyGroup).res("endpoints/restricted").rule(),
			eventsRule()),
		c("endpointslice-controller",
			r("get", "list", "watch").g(legacyGroup).res("services", "pods", "nodes").rule(),
			// Owner references need finalizers permission where
			// OwnerReferencesPermissionEnforcement is on.
			r("update").g(legacyGroup).res("services/finalizers").rule(),
			r("get", "list", "watch", "create", "update", "delete").g(discoveryGroup).res("endpointslices").rule(),
			eventsRule()),
		c("endpointslicemirroring-controller",
			r("get", "list", "watch").g(legacyGroup).res("services", "endpoints").rule(),
			r("update").g(legacyGroup).res("services/finalizers").rule(),
			r("update").g(legacyGroup).res("endpoints/finalizers").rule(),
			r("get", "list", "watch", "create", "update", "delete").g(discoveryGroup).res("endpointslices").rule(),
			eventsRule()),
		c("ephemeral-volume-controller",
			r("get", "list", "watch").g(legacyGroup).res("pods").rule(),
			r("update").g(legacyGroup).res("pods/finalizers").rule(),
			r("get", "list", "watch", "create").g(legacyGroup).res("persistentvolumeclaims").rule(),
			eventsRule()),
		c("expand-controller",
			r("get", "list", "watch", "update", "patch").g(legacyGroup).res("persistentvolumes").rule(),
			r("update", "patch").g(legacyGroup).res("persistentvolumeclaims/status").rule(),
			r("get", "list", "watch").g(legacyGroup).res("persistentvolumeclaims").rule(),
			eventsRule()),
		c("generic-garbage-collector",
			// It deletes and patches owner references of anything.
			r("get", "list", "watch", "patch", "update", "delete").g("*").res("*").rule(),
			eventsRule()),
		c("horizontal-pod-autoscaler",
			r("get", "list", "watch").g(autoscalingGroup).res("horizontalpodautoscalers").rule(),
			r("update").g(autoscalingGroup).res("horizontalpodautoscalers/status").rule(),
			r("get", "update").g("*").res("*/scale").rule(),
			r("list", "watch").g(legacyGroup).res("pods").rule(),
			r("list", "watch").g("metrics.k8s.io").res("pods").rule(),
			r("get", "list", "watch").g("custom.metrics.k8s.io").res("*").rule(),
			r("get", "list", "watch").g("external.metrics.k8s.io").res("*").rule(),
			eventsRule()),
		c("job-controller",
			r("get", "list", "watch", "update", "patch").g(batchGroup).res("jobs").rule(),
			r("update").g(batchGroup).res("jobs/status").rule(),
			r("update").g(batchGroup).res("jobs/finalizers").rule(),
			r("list", "watch", "create", "delete", "patch").g(legacyGroup).res("pods").rule(),
			eventsRule()),
		c("legacy-service-account-token-cleaner",
			r("get").g(legacyGroup).res("configmaps").names("kube-apiserver-legacy-service-account-token-tracking").rule(),
			r("delete", "patch").g(legacyGroup).res("secrets").rule()),
		c("namespace-controller",
			r("get", "list", "watch", "delete").g(legacyGroup).res("namespaces").rule(),
			r("update").g(legacyGroup).res("namespaces/finalize", "namespaces/status").rule(),
			r("get", "list", "watch", "delete", "deletecollection").g("*").res("*").rule()),
		c("node-controller",
			r("get", "list", "update", "delete", "patch", "watch").g(legacyGroup).res("nodes").rule(),
			r("patch", "update").g(legacyGroup).res("nodes/status").rule(),
			// Marking pods not ready when their node is lost.
			r("patch", "update").g(legacyGroup).res("pods/status").rule(),
			r("list", "watch", "get", "delete").g(legacyGroup).res("pods").rule(),
			eventsRule()),
		c("persistent-volume-binder",
			r("get", "list", "watch", "update", "create", "delete").g(legacyGroup).res("persistentvolumes").rule(),
			r("update").g(legacyGroup).res("persistentvolumes/status").rule(),
			r("get", "list", "watch", "update").g(legacyGroup).res("persistentvolumeclaims").rule(),
			r("update").g(legacyGroup).res("persistentvolumeclaims/status").rule(),
			r("list", "watch", "get", "create", "delete").g(legacyGroup).res("pods").rule(),
			r("get", "list", "watch").g(storageGroup).res("storageclasses").rule(),
			r("list", "watch").g(legacyGroup).res("nodes").rule(),
			eventsRule(),
			r("watch").g(legacyGroup).res("events").rule()),
		c("pod-garbage-collector",
			r("list", "watch", "delete").g(legacyGroup).res("pods").rule(),
			r("get", "list", "watch").g(legacyGroup).res("nodes").rule(),
			r("patch").g(legacyGroup).res("pods/status").rule()),
		c("pv-protection-controller",
			r("get", "list", "watch", "update").g(legacyGroup).res("persistentvolumes").rule(),
			eventsRule()),
		c("pvc-protection-controller",
			r("get", "list", "watch", "update").g(legacyGroup).res("persistentvolumeclaims").rule(),
			r("update").g(legacyGroup).res("persistentvolumeclaims/status").rule(),
			r("list", "watch", "get").g(legacyGroup).res("pods").rule(),
			eventsRule()),
		c("replicaset-controller",
			r("get", "list", "watch", "update").g(appsGroup, extensionsGroup).res("replicasets").rule(),
			r("update").g(appsGroup, extensionsGroup).res("replicasets/status").rule(),
			r("update").g(appsGroup, extensionsGroup).res("replicasets/finalizers").rule(),
			r("list", "watch", "patch", "create", "delete").g(legacyGroup).res("pods").rule(),
			eventsRule()),
		c("replication-controller",
			r("get", "list", "watch", "update").g(legacyGroup).res("replicationcontrollers").rule(),
			r("update").g(legacyGroup).res("replicationcontrollers/status").rule(),
			r("update").g(legacyGroup).res("replicationcontrollers/finalizers").rule(),
			r("list", "watch", "patch", "create", "delete").g(legacyGroup).res("pods").rule(),
			eventsRule()),
		c("resourcequota-controller",
			// Quota can count any resource.
			r("list", "watch").g("*").res("*").rule(),
			r("update").g(legacyGroup).res("resourcequotas/status").rule(),
			eventsRule()),
		c("root-ca-cert-publisher",
			r("create", "update").g(legacyGroup).res("configmaps").rule(),
			eventsRule()),
		c("route-controller",
			r("list", "watch").g(legacyGroup).res("nodes").rule(),
			r("patch").g(legacyGroup).res("nodes/status").rule(),
			eventsRule()),
		c("service-account-controller",
			r("create").g(legacyGroup).res("serviceaccounts").rule(),
			eventsRule()),
		c("service-controller",
			r("get", "list", "watch").g(legacyGroup).res("services").rule(),
			r("patch", "update").g(legacyGroup).res("services/status").rule(),
			r("list", "watch").g(legacyGroup).res("nodes").rule(),
			eventsRule()),
		c("statefulset-controller",
			r("list", "watch").g(legacyGroup).res("pods").rule(),
			r("get", "list", "watch").g(appsGroup).res("statefulsets").rule(),
			r("update").g(appsGroup).res("statefulsets/status").rule(),
			r("update").g(appsGroup).res("statefulsets/finalizers").rule(),
			r("get", "create", "delete", "update", "patch").g(legacyGroup).res("pods").rule(),
			r("get", "create", "delete", "update", "patch", "list", "watch").g(appsGroup).res("controllerrevisions").rule(),
			r("get", "list", "watch", "create").g(legacyGroup).res("persistentvolumeclaims").rule(),
			// Claims of a volumeClaimTemplate are deleted or re-owned per the
			// set's retention policy.
			r("delete", "update").g(legacyGroup).res("persistentvolumeclaims").rule(),
			r("update").g(legacyGroup).res("pods/finalizers").rule(),
			eventsRule()),
		c("ttl-after-finished-controller",
			r("get", "list", "watch", "delete").g(batchGroup).res("jobs").rule(),
			eventsRule()),
		c("ttl-controller",
			r("update", "patch", "list", "watch").g(legacyGroup).res("nodes").rule(),
			eventsRule()),
	}
}

func namespaceRoles() []rbac.Role {
	role := func(ns, name string, rules ...rbac.PolicyRule) rbac.Role {
		return rbac.Role{ObjectMeta: meta.ObjectMeta{Namespace: ns, Name: name}, Rules: rules}
	}
	leaderLocking := func(name string) rbac.Role {
		return role("kube-system", name,
			r("watch", "get", "list", "create", "update").g(coordinationGroup).res("leases").rule(),
			r("watch", "get", "list", "create", "update").g(coordinationGroup).res("leasecandidates").rule())
	}
	return []rbac.Role{
		// Extension API servers read the client-CA configuration here.
		role("kube-system", "extension-apiserver-authentication-reader",
			r(read...).g(legacyGroup).res("configmaps").names("extension-apiserver-authentication").rule()),
		leaderLocking("system::leader-locking-kube-controller-manager"),
		leaderLocking("system::leader-locking-kube-scheduler"),
		role("kube-system", ControllerRolePrefix+"bootstrap-signer",
			r(read...).g(legacyGroup).res("secrets").rule()),
		role("kube-system", ControllerRolePrefix+"cloud-provider",
			r("create", "get", "list", "watch").g(legacyGroup).res("configmaps").rule()),
		role("kube-system", ControllerRolePrefix+"token-cleaner",
			r("delete", "get", "list", "watch").g(legacyGroup).res("secrets").rule(),
			eventsRule()),
		// The bootstrap signer signs the cluster-info ConfigMap that joining
		// nodes read anonymously.
		role("kube-public", ControllerRolePrefix+"bootstrap-signer",
			r(read...).g(legacyGroup).res("configmaps").rule(),
			r("update").g(legacyGroup).res("configmaps").names("cluster-info").rule(),
			eventsRule()),
	}
}

func namespaceRoleBindings() []rbac.RoleBinding {
	bind := func(ns, name, role string, subjects ...rbac.Subject) rbac.RoleBinding {
		return rbac.RoleBinding{
			ObjectMeta: meta.ObjectMeta{Namespace: ns, Name: name},
			RoleRef:    rbac.RoleRef{APIGroup: rbac.GroupName, Kind: "Role", Name: role},
			Subjects:   subjects,
		}
	}
	return []rbac.RoleBinding{
		bind("kube-system", "system::extension-apiserver-authentication-reader", "extension-apiserver-authentication-reader",
			userSubject(KubeControllerManager), userSubject(KubeSchedulerUser)),
		bind("kube-system", "system::leader-locking-kube-controller-manager", "system::leader-locking-kube-controller-manager",
			userSubject(KubeControllerManager), saSubject("kube-system", "kube-controller-manager"),
			saSubject("kube-system", "leader-election-controller")),
		bind("kube-system", "system::leader-locking-kube-scheduler", "system::leader-locking-kube-scheduler",
			userSubject(KubeSchedulerUser), saSubject("kube-system", "kube-scheduler")),
		bind("kube-system", ControllerRolePrefix+"bootstrap-signer", ControllerRolePrefix+"bootstrap-signer",
			saSubject("kube-system", "bootstrap-signer")),
		bind("kube-system", ControllerRolePrefix+"cloud-provider", ControllerRolePrefix+"cloud-provider",
			saSubject("kube-system", "cloud-provider")),
		bind("kube-system", ControllerRolePrefix+"token-cleaner", ControllerRolePrefix+"token-cleaner",
			saSubject("kube-system", "token-cleaner")),
		bind("kube-public", ControllerRolePrefix+"bootstrap-signer", ControllerRolePrefix+"bootstrap-signer",
			saSubject("kube-system", "bootstrap-signer")),
	}
}

func addDefaultMetadata(om *meta.ObjectMeta) {
	if om.Labels == nil {
		om.Labels = map[string]string{}
	}
	om.Labels[BootstrappingLabel] = BootstrappingValue
	if om.Annotations == nil {
		om.Annotations = map[string]string{}
	}
	om.Annotations[rbac.AutoUpdateAnnotationKey] = "true"
}

// Objects returns pointers to p's roles and bindings, for a RuleSet (an
// embedded server that keeps its policy in code).
func (p *Policy) Objects() []meta.Object {
	var out []meta.Object
	for i := range p.ClusterRoles {
		out = append(out, &p.ClusterRoles[i])
	}
	for i := range p.ClusterRoleBindings {
		out = append(out, &p.ClusterRoleBindings[i])
	}
	for i := range p.Roles {
		out = append(out, &p.Roles[i])
	}
	for i := range p.RoleBindings {
		out = append(out, &p.RoleBindings[i])
	}
	return out
}
