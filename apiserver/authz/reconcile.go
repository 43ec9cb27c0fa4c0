package authz

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/rbac"
	"github.com/spar-dev/spar/client"
)

// Reconcile makes the cluster hold p (DefaultPolicy when nil), as the
// Kubernetes API server does on start: missing roles and bindings are
// created; existing ones gain the rules, aggregation selectors, subjects,
// labels and annotations they lack. Nothing is ever removed, so what an
// operator added survives, and objects annotated
// rbac.authorization.kubernetes.io/autoupdate=false are left alone. A
// binding whose roleRef differs (roleRef cannot change) is recreated with
// its subjects kept. Reconcile is idempotent and safe to run from several
// API servers at once (conflicts are retried). It needs a client allowed
// everything, such as a member of system:masters; it returns the errors of
// all objects it could not reconcile, joined.
func Reconcile(ctx context.Context, c *client.Client, p *Policy) error {
	if p == nil {
		p = DefaultPolicy()
	}
	var errs []error
	crc := client.Resource[rbac.ClusterRole](c)
	for i := range p.ClusterRoles {
		want := &p.ClusterRoles[i]
		errs = append(errs, reconcileObject(ctx, crc, want, mergeClusterRole))
	}
	rc := client.Resource[rbac.Role](c)
	for i := range p.Roles {
		want := &p.Roles[i]
		errs = append(errs, reconcileObject(ctx, rc.Namespace(want.Namespace), want, mergeRole))
	}
	crbc := client.Resource[rbac.ClusterRoleBinding](c)
	for i := range p.ClusterRoleBindings {
		want := &p.ClusterRoleBindings[i]
		errs = append(errs, reconcileObject(ctx, crbc, want, mergeClusterRoleBinding))
	}
	rbc := client.Resource[rbac.RoleBinding](c)
	for i := range p.RoleBindings {
		want := &p.RoleBindings[i]
		errs = append(errs, reconcileObject(ctx, rbc.Namespace(want.Namespace), want, mergeRoleBinding))
	}
	return errors.Join(errs...)
}

// merge folds want into have (a copy of the stored object) and reports
// whether have changed, and whether the object must be recreated because
// an immutable field differs.
type mergeFunc[PT any] func(have, want PT) (changed, recreate bool)

func reconcileObject[T any, PT interface {
	*T
	meta.Object
}](ctx context.Context, rc *client.ResourceClient[T, PT], want PT, merge mergeFunc[PT]) error {
	name := want.GetObjectMeta().Name
	err := client.RetryOnConflict(ctx, client.Backoff{}, func() error {
		stored, err := rc.Get(ctx, name)
		if client.IsNotFound(err) {
			_, err = rc.Create(ctx, meta.DeepCopy(want), nil)
			if client.IsAlreadyExists(err) {
				// Another server created it meanwhile: reconcile against it.
				return meta.NewConflict(meta.GroupResource{}, name, err)
			}
			return err
		}
		if err != nil {
			return err
		}
		have := PT(stored)
		if have.GetObjectMeta().Annotations[rbac.AutoUpdateAnnotationKey] == "false" {
			return nil
		}
		changed, recreate := merge(have, want)
		switch {
		case recreate:
			om := have.GetObjectMeta()
			uid, rv := om.UID, om.ResourceVersion
			if err := rc.Delete(ctx, name, &meta.DeleteOptions{Preconditions: &meta.Preconditions{UID: &uid, ResourceVersion: &rv}}); err != nil && !client.IsNotFound(err) {
				return err
			}
			fresh := have.GetObjectMeta()
			*fresh = meta.ObjectMeta{Name: om.Name, Namespace: om.Namespace, Labels: om.Labels, Annotations: om.Annotations}
			_, err := rc.Create(ctx, have, nil)
			if client.IsAlreadyExists(err) {
				return meta.NewConflict(meta.GroupResource{}, name, err)
			}
			return err
		case changed:
			_, err := rc.Update(ctx, have, nil)
			return err
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("reconciling %T %s: %w", want, name, err)
	}
	return nil
}

func mergeMeta(have, want *meta.ObjectMeta) bool {
	changed := false
	for _, m := range []struct{ have, want *map[string]string }{{&have.Labels, &want.Labels}, {&have.Annotations, &want.Annotations}} {
		for k, v := range *m.want {
			if _, ok := (*m.have)[k]; ok {
				continue // an operator's value wins
			}
			if *m.have == nil {
				*m.have = map[string]string{}
			}
			(*m.have)[k] = v
			changed = true
		}
	}
	return changed
}

// mergeRules appends each wanted rule that have's rules do not cover.
func mergeRules(have *[]rbac.PolicyRule, want []rbac.PolicyRule) bool {
	changed := false
	for _, w := range want {
		if ok, _ := Covers(*have, []rbac.PolicyRule{w}); !ok {
			*have = append(*have, w)
			changed = true
		}
	}
	return changed
}

func mergeRole(have, want *rbac.Role) (bool, bool) {
	m := mergeMeta(&have.ObjectMeta, &want.ObjectMeta)
	return mergeRules(&have.Rules, want.Rules) || m, false
}

func mergeClusterRole(have, want *rbac.ClusterRole) (bool, bool) {
	changed := mergeMeta(&have.ObjectMeta, &want.ObjectMeta)
	if want.AggregationRule != nil {
		if have.AggregationRule == nil {
			have.AggregationRule = &rbac.AggregationRule{}
			changed = true
		}
		for _, s := range want.AggregationRule.ClusterRoleSelectors {
			if !slices.ContainsFunc(have.AggregationRule.ClusterRoleSelectors, func(h meta.LabelSelector) bool {
				return selectorsEqual(&h, &s)
			}) {
				have.AggregationRule.ClusterRoleSelectors = append(have.AggregationRule.ClusterRoleSelectors, s)
				changed = true
			}
		}
	}
	return mergeRules(&have.Rules, want.Rules) || changed, false
}

func selectorsEqual(a, b *meta.LabelSelector) bool {
	return maps.Equal(a.MatchLabels, b.MatchLabels) && slices.EqualFunc(a.MatchExpressions, b.MatchExpressions,
		func(p, q meta.LabelSelectorRequirement) bool {
			return p.Key == q.Key && p.Operator == q.Operator && slices.Equal(p.Values, q.Values)
		})
}

func mergeSubjects(have *[]rbac.Subject, want []rbac.Subject) bool {
	changed := false
	for _, s := range want {
		s.Default()
		if !slices.ContainsFunc(*have, func(h rbac.Subject) bool {
			h.Default()
			return h == s
		}) {
			*have = append(*have, s)
			changed = true
		}
	}
	return changed
}

func mergeClusterRoleBinding(have, want *rbac.ClusterRoleBinding) (bool, bool) {
	changed := mergeMeta(&have.ObjectMeta, &want.ObjectMeta)
	changed = mergeSubjects(&have.Subjects, want.Subjects) || changed
	if have.RoleRef != want.RoleRef {
		have.RoleRef = want.RoleRef
		return true, true
	}
	return changed, false
}

func mergeRoleBinding(have, want *rbac.RoleBinding) (bool, bool) {
	changed := mergeMeta(&have.ObjectMeta, &want.ObjectMeta)
	changed = mergeSubjects(&have.Subjects, want.Subjects) || changed
	if have.RoleRef != want.RoleRef {
		have.RoleRef = want.RoleRef
		return true, true
	}
	return changed, false
}

// ReconcileAggregation writes the rules of the aggregated ClusterRole
// called name (AggregatedRules of the cluster's current ClusterRoles), as
// Kubernetes' clusterrole-aggregation controller does, so that readers of
// the object (kubectl get clusterrole admin -o yaml) see what it grants.
// Decisions do not depend on it. It does nothing for a role without an
// aggregation rule or whose rules are already right, and is meant to be
// called for every aggregated role whenever any ClusterRole changes.
func ReconcileAggregation(ctx context.Context, c *client.Client, name string) error {
	crc := client.Resource[rbac.ClusterRole](c)
	return client.RetryOnConflict(ctx, client.Backoff{}, func() error {
		cr, err := crc.Get(ctx, name)
		if client.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		if cr.AggregationRule == nil {
			return nil
		}
		list, err := crc.ListAll(ctx, nil)
		if err != nil {
			return err
		}
		all := make([]*rbac.ClusterRole, len(list.Items))
		for i := range list.Items {
			all[i] = &list.Items[i]
		}
		rules := AggregatedRules(cr, all)
		if rulesUnchanged(cr.Rules, rules) {
			return nil
		}
		cr.Rules = rules
		if cr.Rules == nil {
			cr.Rules = []rbac.PolicyRule{}
		}
		_, err = crc.Update(ctx, cr, nil)
		return err
	})
}
