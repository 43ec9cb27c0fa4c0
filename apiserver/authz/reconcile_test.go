package authz_test

import (
	"context"
	"slices"
	"testing"

	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/rbac"
	"github.com/spar-dev/spar/apiserver/apiservertest"
	"github.com/spar-dev/spar/apiserver/authz"
	"github.com/spar-dev/spar/client"
)

func newClient(t *testing.T) *client.Client {
	t.Helper()
	srv := apiservertest.Start(t, nil)
	cfg, err := client.LoadKubeconfig(srv.Kubeconfig, "")
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// snapshot maps kind/namespace/name to resourceVersion of every RBAC
// object.
func snapshot(t *testing.T, ctx context.Context, c *client.Client) map[string]string {
	t.Helper()
	out := map[string]string{}
	add := func(kind string, om *meta.ObjectMeta) { out[kind+"/"+om.Namespace+"/"+om.Name] = om.ResourceVersion }
	crs, err := client.Resource[rbac.ClusterRole](c).ListAll(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range crs.Items {
		add("ClusterRole", &crs.Items[i].ObjectMeta)
	}
	crbs, err := client.Resource[rbac.ClusterRoleBinding](c).ListAll(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range crbs.Items {
		add("ClusterRoleBinding", &crbs.Items[i].ObjectMeta)
	}
	rs, err := client.Resource[rbac.Role](c).ListAll(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range rs.Items {
		add("Role", &rs.Items[i].ObjectMeta)
	}
	rbs, err := client.Resource[rbac.RoleBinding](c).ListAll(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range rbs.Items {
		add("RoleBinding", &rbs.Items[i].ObjectMeta)
	}
	return out
}

func TestReconcile(t *testing.T) {
	ctx := context.Background()
	c := newClient(t)
	p := authz.DefaultPolicy()
	if err := authz.Reconcile(ctx, c, nil); err != nil {
		t.Fatal(err)
	}
	first := snapshot(t, ctx, c)
	want := len(p.ClusterRoles) + len(p.ClusterRoleBindings) + len(p.Roles) + len(p.RoleBindings)
	if len(first) != want {
		t.Fatalf("%d RBAC objects after the first run, want %d", len(first), want)
	}
	view, err := client.Resource[rbac.ClusterRole](c).Get(ctx, "view")
	if err != nil {
		t.Fatal(err)
	}
	if view.Labels["kubernetes.io/bootstrapping"] != "rbac-defaults" || view.Labels[authz.AggregateToEditLabel] != "true" ||
		view.Annotations[rbac.AutoUpdateAnnotationKey] != "true" || view.AggregationRule == nil {
		t.Errorf("view = %+v", view.ObjectMeta)
	}

	// A second run changes nothing.
	if err := authz.Reconcile(ctx, c, nil); err != nil {
		t.Fatal(err)
	}
	if second := snapshot(t, ctx, c); !mapsEqual(first, second) {
		t.Errorf("the second run wrote objects:\nbefore %v\nafter  %v", first, second)
	}

	// An operator widens edit, adds a subject to system:discovery and
	// removes a rule from system:node-proxier; another takes
	// system:kube-dns out of reconciliation and empties it.
	crc := client.Resource[rbac.ClusterRole](c)
	crbc := client.Resource[rbac.ClusterRoleBinding](c)
	extraRule := rbac.PolicyRule{Verbs: []string{"get"}, APIGroups: []string{"example.com"}, Resources: []string{"widgets"}}
	update(t, ctx, crc, "system:aggregate-to-edit", func(r *rbac.ClusterRole) { r.Rules = append(r.Rules, extraRule) })
	update(t, ctx, crc, "system:node-proxier", func(r *rbac.ClusterRole) { r.Rules = r.Rules[1:] })
	update(t, ctx, crc, "system:kube-dns", func(r *rbac.ClusterRole) {
		r.Annotations[rbac.AutoUpdateAnnotationKey] = "false"
		r.Rules = []rbac.PolicyRule{}
	})
	operator := rbac.Subject{Kind: rbac.UserKind, APIGroup: rbac.GroupName, Name: "auditor"}
	update(t, ctx, crbc, "system:discovery", func(b *rbac.ClusterRoleBinding) { b.Subjects = append(b.Subjects, operator) })
	// A binding whose roleRef was replaced (by deleting and recreating it).
	if err := crbc.Delete(ctx, "system:kube-scheduler", nil); err != nil {
		t.Fatal(err)
	}
	wrong := &rbac.ClusterRoleBinding{ObjectMeta: meta.ObjectMeta{Name: "system:kube-scheduler"},
		RoleRef:  rbac.RoleRef{APIGroup: rbac.GroupName, Kind: "ClusterRole", Name: "view"},
		Subjects: []rbac.Subject{operator}}
	if _, err := crbc.Create(ctx, wrong, nil); err != nil {
		t.Fatal(err)
	}
	// And deletes a Role in kube-system.
	if err := client.Resource[rbac.Role](c).Namespace("kube-system").Delete(ctx, "system::leader-locking-kube-scheduler", nil); err != nil {
		t.Fatal(err)
	}

	if err := authz.Reconcile(ctx, c, nil); err != nil {
		t.Fatal(err)
	}
	edit, _ := crc.Get(ctx, "system:aggregate-to-edit")
	if !slices.ContainsFunc(edit.Rules, func(r rbac.PolicyRule) bool { return slices.Equal(r.Resources, extraRule.Resources) }) {
		t.Errorf("the operator's rule was removed: %v", edit.Rules)
	}
	proxier, _ := crc.Get(ctx, "system:node-proxier")
	if ok, missing := authz.Covers(proxier.Rules, ruleOf(p, "system:node-proxier")); !ok {
		t.Errorf("system:node-proxier lacks %v after reconciling", missing)
	}
	dns, _ := crc.Get(ctx, "system:kube-dns")
	if len(dns.Rules) != 0 {
		t.Errorf("autoupdate=false was not honoured: %v", dns.Rules)
	}
	disc, _ := crbc.Get(ctx, "system:discovery")
	if !slices.Contains(disc.Subjects, operator) || len(disc.Subjects) != 2 {
		t.Errorf("system:discovery subjects = %v", disc.Subjects)
	}
	sched, _ := crbc.Get(ctx, "system:kube-scheduler")
	if sched.RoleRef.Name != "system:kube-scheduler" || !slices.Contains(sched.Subjects, operator) || len(sched.Subjects) != 2 {
		t.Errorf("system:kube-scheduler binding = %+v %v", sched.RoleRef, sched.Subjects)
	}
	if _, err := client.Resource[rbac.Role](c).Namespace("kube-system").Get(ctx, "system::leader-locking-kube-scheduler"); err != nil {
		t.Errorf("the deleted role was not recreated: %v", err)
	}

	// Still idempotent.
	before := snapshot(t, ctx, c)
	if err := authz.Reconcile(ctx, c, nil); err != nil {
		t.Fatal(err)
	}
	if after := snapshot(t, ctx, c); !mapsEqual(before, after) {
		t.Errorf("the last run wrote objects")
	}
}

// ReconcileAggregation writes the rules the authorizer evaluates into the
// aggregated role.
func TestReconcileAggregation(t *testing.T) {
	ctx := context.Background()
	c := newClient(t)
	if err := authz.Reconcile(ctx, c, nil); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"view", "edit", "admin"} {
		if err := authz.ReconcileAggregation(ctx, c, name); err != nil {
			t.Fatal(err)
		}
	}
	crc := client.Resource[rbac.ClusterRole](c)
	admin, _ := crc.Get(ctx, "admin")
	edit, _ := crc.Get(ctx, "edit")
	if ok, missing := authz.Covers(admin.Rules, edit.Rules); !ok || len(edit.Rules) == 0 {
		t.Errorf("admin does not cover edit (%d rules): %v", len(edit.Rules), missing)
	}
	rv := admin.ResourceVersion
	if err := authz.ReconcileAggregation(ctx, c, "admin"); err != nil {
		t.Fatal(err)
	}
	if again, _ := crc.Get(ctx, "admin"); again.ResourceVersion != rv {
		t.Error("a second run rewrote admin")
	}
	if err := authz.ReconcileAggregation(ctx, c, "cluster-admin"); err != nil {
		t.Errorf("not aggregated: %v", err)
	}
	if err := authz.ReconcileAggregation(ctx, c, "missing"); err != nil {
		t.Errorf("missing: %v", err)
	}
}

func update[T any, PT interface {
	*T
	meta.Object
}](t *testing.T, ctx context.Context, rc *client.ResourceClient[T, PT], name string, mut func(PT)) {
	t.Helper()
	obj, err := rc.Get(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	mut(PT(obj))
	if _, err := rc.Update(ctx, obj, nil); err != nil {
		t.Fatal(err)
	}
}

func ruleOf(p *authz.Policy, name string) []rbac.PolicyRule {
	for _, r := range p.ClusterRoles {
		if r.Name == name {
			return r.Rules
		}
	}
	return nil
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
