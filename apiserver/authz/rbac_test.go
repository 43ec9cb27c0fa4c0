package authz

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/rbac"
	"github.com/spar-dev/spar/apiserver/authn"
)

func user(name string, groups ...string) *authn.User {
	return &authn.User{Name: name, Groups: append(groups, authn.AllAuthenticated)}
}

func crb(name, role string, subjects ...rbac.Subject) *rbac.ClusterRoleBinding {
	b := clusterBinding(role, subjects...)
	b.Name = name
	return &b
}

func rb(ns, name, kind, role string, subjects ...rbac.Subject) *rbac.RoleBinding {
	return &rbac.RoleBinding{
		ObjectMeta: meta.ObjectMeta{Namespace: ns, Name: name},
		RoleRef:    rbac.RoleRef{APIGroup: rbac.GroupName, Kind: kind, Name: role},
		Subjects:   subjects,
	}
}

func role(ns, name string, rules ...rbac.PolicyRule) *rbac.Role {
	return &rbac.Role{ObjectMeta: meta.ObjectMeta{Namespace: ns, Name: name}, Rules: rules}
}

func cr(name string, labels map[string]string, rules ...rbac.PolicyRule) *rbac.ClusterRole {
	return &rbac.ClusterRole{ObjectMeta: meta.ObjectMeta{Name: name, Labels: labels}, Rules: rules}
}

// testPolicy is the default policy plus the bindings the tests rely on.
func testPolicy(extra ...meta.Object) *RuleSet {
	return NewRuleSet(append(DefaultPolicy().Objects(), extra...)...)
}

func TestRBACAuthorize(t *testing.T) {
	s := testPolicy(
		crb("alice-admin", "cluster-admin", userSubject("alice")),
		rb("ns1", "bob-edit", "ClusterRole", "edit", userSubject("bob")),
		rb("ns1", "viewers", "ClusterRole", "view", groupSubject("viewers")),
		role("ns1", "cm-reader", r("get").g("").res("configmaps").names("app-config").rule()),
		rb("ns1", "carol-cm", "Role", "cm-reader", userSubject("carol")),
		rb("ns1", "sa-edit", "ClusterRole", "edit", rbac.Subject{Kind: rbac.ServiceAccountKind, Name: "builder"}),
		crb("robots-view", "view", groupSubject("system:serviceaccounts:ci")),
		crb("scale-all", "scaler", userSubject("dave")),
		cr("scaler", nil, r("get", "update").g("*").res("*/scale").rule()),
		cr("log-reader", nil, r("get").g("").res("pods/log").rule(), r("create").g("").res("pods/exec").rule()),
		rb("ns2", "erin-logs", "ClusterRole", "log-reader", userSubject("erin")),
		// A ClusterRole with URLs bound in a namespace grants no URL.
		rb("ns1", "urls", "ClusterRole", "system:monitoring", userSubject("frank")),
		crb("monitoring", "system:monitoring", userSubject("grace")),
		rb("ns1", "dangling", "Role", "no-such-role", userSubject("heidi")),
		crb("dangling", "no-such-clusterrole", userSubject("heidi")),
		// Extends view through aggregation.
		cr("widgets-view", map[string]string{AggregateToViewLabel: "true"}, r("get", "list").g("example.com").res("widgets").rule()),
	)
	a := NewRBAC(s)
	sa := func(ns, name string, extra ...string) *authn.User {
		return &authn.User{Name: ServiceAccountUsername(ns, name),
			Groups: append([]string{ServiceAccountsGroup, ServiceAccountsGroup + ":" + ns, authn.AllAuthenticated}, extra...)}
	}
	tests := []struct {
		name   string
		user   *authn.User
		req    Attributes
		want   Decision
		reason string
	}{
		{"superuser group", user("root", authn.SystemPrivilegedGrp), res("delete", "", "nodes", "", "", "n1"), Allow, ""},
		{"cluster-admin binding", user("alice"), res("delete", "", "nodes", "", "", "n1"), Allow,
			`RBAC: allowed by ClusterRoleBinding "alice-admin" of ClusterRole "cluster-admin" to User "alice"`},
		{"cluster-admin urls", user("alice"), nonRes("post", "/anything"), Allow, ""},
		{"unbound user", user("mallory"), res("get", "", "pods", "", "ns1", "p"), NoOpinion, ""},
		{"edit in its namespace", user("bob"), res("create", "apps", "deployments", "", "ns1", ""), Allow,
			`RBAC: allowed by RoleBinding "bob-edit/ns1" of ClusterRole "edit" to User "bob"`},
		{"edit elsewhere", user("bob"), res("create", "apps", "deployments", "", "ns2", ""), NoOpinion, ""},
		{"edit across namespaces", user("bob"), res("list", "apps", "deployments", "", "", ""), NoOpinion, ""},
		{"edit pods/exec", user("bob"), res("create", "", "pods", "exec", "ns1", "p"), Allow, ""},
		{"edit deployments/scale", user("bob"), res("update", "apps", "deployments", "scale", "ns1", "d"), Allow, ""},
		{"edit cannot write roles", user("bob"), res("create", "rbac.authorization.k8s.io", "roles", "", "ns1", ""), NoOpinion, ""},
		{"edit cannot update quota", user("bob"), res("update", "", "resourcequotas", "", "ns1", "q"), NoOpinion, ""},
		{"group view", user("victor", "viewers"), res("list", "", "pods", "", "ns1", ""), Allow,
			`RBAC: allowed by RoleBinding "viewers/ns1" of ClusterRole "view" to Group "viewers"`},
		{"view has no secrets", user("victor", "viewers"), res("get", "", "secrets", "", "ns1", "s"), NoOpinion, ""},
		{"view has pods/log", user("victor", "viewers"), res("get", "", "pods", "log", "ns1", "p"), Allow, ""},
		{"view cannot exec", user("victor", "viewers"), res("create", "", "pods", "exec", "ns1", "p"), NoOpinion, ""},
		{"aggregated into view", user("victor", "viewers"), res("list", "example.com", "widgets", "", "ns1", ""), Allow, ""},
		{"aggregated into admin through edit and view", user("alice2"), res("list", "example.com", "widgets", "", "ns1", ""), Allow, ""},
		{"resourceNames", user("carol"), res("get", "", "configmaps", "", "ns1", "app-config"), Allow,
			`RBAC: allowed by RoleBinding "carol-cm/ns1" of Role "cm-reader" to User "carol"`},
		{"resourceNames other", user("carol"), res("get", "", "configmaps", "", "ns1", "other"), NoOpinion, ""},
		{"service account defaults to the binding namespace", sa("ns1", "builder"), res("create", "", "pods", "", "ns1", ""), Allow,
			`RBAC: allowed by RoleBinding "sa-edit/ns1" of ClusterRole "edit" to ServiceAccount "builder/ns1"`},
		{"same name, other namespace", sa("ns2", "builder"), res("create", "", "pods", "", "ns1", ""), NoOpinion, ""},
		{"service account namespace group", sa("ci", "runner"), res("get", "apps", "deployments", "", "ns9", "d"), Allow,
			`RBAC: allowed by ClusterRoleBinding "robots-view" of ClusterRole "view" to Group "system:serviceaccounts:ci"`},
		{"*/scale", user("dave"), res("update", "apps", "statefulsets", "scale", "ns1", "s"), Allow, ""},
		{"*/scale not the object", user("dave"), res("update", "apps", "statefulsets", "", "ns1", "s"), NoOpinion, ""},
		{"pods/log in ns2", user("erin"), res("get", "", "pods", "log", "ns2", "p"), Allow, ""},
		{"pods/log is not pods", user("erin"), res("get", "", "pods", "", "ns2", "p"), NoOpinion, ""},
		{"pods/exec", user("erin"), res("create", "", "pods", "exec", "ns2", "p"), Allow, ""},
		{"pods/attach", user("erin"), res("create", "", "pods", "attach", "ns2", "p"), NoOpinion, ""},
		{"urls through a RoleBinding", user("frank"), nonRes("get", "/metrics"), NoOpinion, ""},
		{"urls through a ClusterRoleBinding", user("grace"), nonRes("get", "/healthz/etcd"), Allow, ""},
		{"discovery for the authenticated", user("mallory"), nonRes("get", "/apis/apps/v1"), Allow,
			`RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"`},
		{"health for the unauthenticated", &authn.User{Name: authn.Anonymous, Groups: []string{authn.AllUnauthenticated}}, nonRes("get", "/healthz"), Allow, ""},
		{"no discovery for the unauthenticated", &authn.User{Name: authn.Anonymous, Groups: []string{authn.AllUnauthenticated}}, nonRes("get", "/api"), NoOpinion, ""},
		{"self review for everyone", user("mallory"), res("create", "authorization.k8s.io", "selfsubjectaccessreviews", "", "", ""), Allow, ""},
		{"missing roles explain a denial", user("heidi"), res("get", "", "pods", "", "ns1", "p"), NoOpinion,
			`RBAC: [clusterrole.rbac.authorization.k8s.io "no-such-clusterrole" not found, role.rbac.authorization.k8s.io "no-such-role" not found]`},
		{"no user", nil, res("get", "", "pods", "", "ns1", "p"), NoOpinion, ""},
	}
	// alice2 is bound to admin, which gathers edit, which gathers view.
	s.Put(rb("ns1", "alice2-admin", "ClusterRole", "admin", userSubject("alice2")))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := tt.req
			req.User = tt.user
			d, reason, err := a.Authorize(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			if d != tt.want {
				t.Errorf("decision = %v (%q), want %v", d, reason, tt.want)
			}
			if tt.reason != "" && reason != tt.reason || tt.want == NoOpinion && reason != tt.reason {
				t.Errorf("reason = %q, want %q", reason, tt.reason)
			}
		})
	}
}

// A change to the source is seen by the next decision.
func TestRBACFollowsSource(t *testing.T) {
	s := testPolicy()
	a := NewRBAC(s)
	ctx := context.Background()
	req := res("get", "", "secrets", "", "ns1", "s")
	req.User = user("bob")
	if d, _, _ := a.Authorize(ctx, req); d != NoOpinion {
		t.Fatalf("before binding: %v", d)
	}
	b := rb("ns1", "bob-edit", "ClusterRole", "edit", userSubject("bob"))
	s.Put(b)
	if d, _, _ := a.Authorize(ctx, req); d != Allow {
		t.Fatalf("after binding: %v", d)
	}
	// A ClusterRole aggregated into edit widens it at once.
	widget := res("create", "example.com", "widgets", "", "ns1", "")
	widget.User = req.User
	if d, _, _ := a.Authorize(ctx, widget); d != NoOpinion {
		t.Fatalf("widgets before aggregation: %v", d)
	}
	s.Put(cr("widgets-edit", map[string]string{AggregateToEditLabel: "true"}, r("create").g("example.com").res("widgets").rule()))
	if d, _, _ := a.Authorize(ctx, widget); d != Allow {
		t.Fatalf("widgets after aggregation: %v", d)
	}
	s.Delete(b)
	if d, _, _ := a.Authorize(ctx, req); d != NoOpinion {
		t.Fatalf("after unbinding: %v", d)
	}
}

func TestRBACRulesFor(t *testing.T) {
	s := testPolicy(
		role("ns1", "cm", r("get").g("").res("configmaps").rule()),
		rb("ns1", "bob-cm", "Role", "cm", userSubject("bob")),
		rb("ns1", "bob-cm-again", "Role", "cm", userSubject("bob"), groupSubject("devs")),
	)
	a := NewRBAC(s)
	rules, incomplete, err := a.RulesFor(context.Background(), user("bob", "devs"), "ns1")
	if err != nil || incomplete {
		t.Fatalf("RulesFor: %v, incomplete %v", err, incomplete)
	}
	// basic-user (2 rules), discovery, public-info-viewer, and cm once per binding.
	var cms int
	for _, r := range rules {
		if slices.Contains(r.Resources, "configmaps") {
			cms++
		}
	}
	if cms != 2 {
		t.Errorf("configmap rules = %d, want 2 (one per binding): %v", cms, rules)
	}
	if !RulesAllow(&Attributes{Verb: "get", Path: "/version"}, rules...) {
		t.Errorf("rules lack discovery: %v", rules)
	}
	rules, _, _ = a.RulesFor(context.Background(), user("root", authn.SystemPrivilegedGrp), "ns1")
	if !RulesAllow(&Attributes{Verb: "delete", ResourceRequest: true, Resource: "nodes"}, rules...) {
		t.Errorf("superuser rules = %v", rules)
	}
	s.Put(rb("ns1", "broken", "Role", "gone", userSubject("bob")))
	_, _, err = a.RulesFor(context.Background(), user("bob"), "ns1")
	if err == nil || !strings.Contains(err.Error(), `role.rbac.authorization.k8s.io "gone" not found`) {
		t.Errorf("error = %v", err)
	}
}

func TestAggregatedRules(t *testing.T) {
	p := DefaultPolicy()
	var all []*rbac.ClusterRole
	for i := range p.ClusterRoles {
		all = append(all, &p.ClusterRoles[i])
	}
	byName := map[string]*rbac.ClusterRole{}
	for _, c := range all {
		byName[c.Name] = c
	}
	view := AggregatedRules(byName["view"], all)
	edit := AggregatedRules(byName["edit"], all)
	admin := AggregatedRules(byName["admin"], all)
	if !rulesUnchanged(view, byName["system:aggregate-to-view"].Rules) {
		t.Errorf("view = %v, want the rules of system:aggregate-to-view", view)
	}
	if ok, missing := Covers(edit, view); !ok {
		t.Errorf("edit does not cover view: %v", missing)
	}
	if ok, missing := Covers(admin, edit); !ok {
		t.Errorf("admin does not cover edit: %v", missing)
	}
	if ok, _ := Covers(edit, admin); ok {
		t.Error("edit covers admin")
	}
	// A cycle stops at the stored rules of the role met twice instead of
	// recursing forever.
	a := &rbac.ClusterRole{ObjectMeta: meta.ObjectMeta{Name: "a", Labels: map[string]string{"x": "a"}},
		AggregationRule: &rbac.AggregationRule{ClusterRoleSelectors: []meta.LabelSelector{{MatchLabels: map[string]string{"x": "b"}}}},
		Rules:           []rbac.PolicyRule{r("get").g("").res("pods").rule()}}
	b := &rbac.ClusterRole{ObjectMeta: meta.ObjectMeta{Name: "b", Labels: map[string]string{"x": "b"}},
		AggregationRule: &rbac.AggregationRule{ClusterRoleSelectors: []meta.LabelSelector{{MatchLabels: map[string]string{"x": "a"}}}}}
	if got := AggregatedRules(a, []*rbac.ClusterRole{a, b}); len(got) != 1 {
		t.Errorf("cycle: %v", got)
	}
}

// A controller manager running every controller under its own user gets
// the controllers' roles through BindControllersTo.
func TestBindControllersTo(t *testing.T) {
	kcm := &authn.User{Name: KubeControllerManager, Groups: []string{authn.AllAuthenticated}}
	createPods := res("create", "", "pods", "", "ns1", "")
	createPods.User = kcm
	ctx := context.Background()
	if d, _, _ := NewRBAC(testPolicy()).Authorize(ctx, createPods); d != NoOpinion {
		t.Fatalf("before: %v", d)
	}
	p := DefaultPolicy()
	p.BindControllersTo(rbac.Subject{Kind: rbac.UserKind, Name: KubeControllerManager})
	d, reason, _ := NewRBAC(NewRuleSet(p.Objects()...)).Authorize(ctx, createPods)
	if d != Allow || !strings.Contains(reason, `of ClusterRole "system:controller:`) {
		t.Errorf("after: %v %q", d, reason)
	}
	// The service accounts keep their bindings, and a fresh policy is
	// unaffected.
	for _, b := range DefaultPolicy().ClusterRoleBindings {
		if b.Name == "system:controller:replicaset-controller" {
			if len(b.Subjects) != 1 || b.Subjects[0].Name != "replicaset-controller" || b.Subjects[0].Namespace != "kube-system" {
				t.Errorf("subjects = %v", b.Subjects)
			}
		}
	}
}
