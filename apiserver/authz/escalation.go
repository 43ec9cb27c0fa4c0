package authz

import (
	"context"
	"fmt"
	"slices"

	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/rbac"
	"github.com/spar-dev/spar/apiserver/admission"
	"github.com/spar-dev/spar/apiserver/authn"
)

// EscalationError says which permissions a user tried to grant without
// holding them.
type EscalationError struct {
	User *authn.User
	// Missing are the permissions not held, one verb, group, resource and
	// name each.
	Missing []rbac.PolicyRule
	// ResolutionErr reports bindings of the user to missing roles: perhaps
	// why a permission seems not held.
	ResolutionErr error
}

// Error has Kubernetes' wording: `user "bob" (groups=["system:authenticated"])
// is attempting to grant RBAC permissions not currently held:` followed by
// one compact rule per line.
func (e *EscalationError) Error() string {
	msg := fmt.Sprintf("user %q (groups=%q) is attempting to grant RBAC permissions not currently held:\n%s",
		e.User.Name, e.User.Groups, describeMissing(e.Missing))
	if e.ResolutionErr != nil {
		msg += fmt.Sprintf("; resolution errors: [%v]", e.ResolutionErr)
	}
	return msg
}

// CheckEscalation returns an *EscalationError unless u already holds every
// permission in rules, counting its cluster-wide bindings and, when
// namespace is set, its bindings there (Kubernetes' ConfirmNoEscalation).
// Members of system:masters hold everything.
func (r *RBAC) CheckEscalation(ctx context.Context, u *authn.User, rules []rbac.PolicyRule, namespace string) error {
	if isSuperuser(u) {
		return nil
	}
	held, _, err := r.RulesFor(ctx, u, namespace)
	if ok, missing := Covers(held, rules); !ok {
		return &EscalationError{User: u, Missing: missing, ResolutionErr: err}
	}
	return nil
}

// fullAuthority is what creating an aggregated ClusterRole requires: its
// selectors may gather any rules.
var fullAuthority = superuserRules

// ValidateEscalation is an admission validator (admission.ValidatorFunc)
// that stops privilege escalation through the RBAC API, as Kubernetes'
// RBAC storage does:
//
//   - A Role or ClusterRole may be created or updated only by a user who
//     holds every permission it grants, or who may "escalate" on roles or
//     clusterroles; an aggregationRule needs full authority.
//   - A RoleBinding or ClusterRoleBinding may be created or updated only by
//     a user who holds every permission of the role it references, or who
//     may "bind" that role.
//
// An update that changes nothing that grants (a role's rules, aggregation
// rule and labels — labels select roles into aggregated ones; a binding's
// subjects and roleRef) is not checked, so a user may still annotate a
// role it could not create. Refusals are 403s such as
// `roles.rbac.authorization.k8s.io "x" is forbidden: user "bob" ... is
// attempting to grant RBAC permissions not currently held: ...`.
func (r *RBAC) ValidateEscalation(ctx context.Context, a *admission.Attributes) error {
	if a.Group != rbac.GroupName || a.Operation != admission.Create && a.Operation != admission.Update {
		return nil
	}
	gr := meta.GroupResource{Group: a.Group, Resource: a.Resource}
	if a.User == nil {
		return meta.NewForbidden(gr, a.Name, "no user on context")
	}
	if isSuperuser(a.User) {
		return nil
	}
	switch obj := a.Object.(type) {
	case *rbac.Role:
		if old, ok := a.OldObject.(*rbac.Role); ok && rulesUnchanged(obj.Rules, old.Rules) && mapsEqual(obj.Labels, old.Labels) {
			return nil
		}
		return r.checkRole(ctx, a, gr, obj.Name, obj.Rules, false)
	case *rbac.ClusterRole:
		old, _ := a.OldObject.(*rbac.ClusterRole)
		aggChanged := old == nil || !aggregationEqual(obj.AggregationRule, old.AggregationRule)
		if old != nil && !aggChanged && rulesUnchanged(obj.Rules, old.Rules) && mapsEqual(obj.Labels, old.Labels) {
			return nil
		}
		return r.checkRole(ctx, a, gr, obj.Name, obj.Rules, obj.AggregationRule != nil && aggChanged)
	case *rbac.RoleBinding:
		if old, ok := a.OldObject.(*rbac.RoleBinding); ok && old.RoleRef == obj.RoleRef && slices.Equal(old.Subjects, obj.Subjects) {
			return nil
		}
		return r.checkBinding(ctx, a, gr, obj.Name, obj.RoleRef, a.Namespace)
	case *rbac.ClusterRoleBinding:
		if old, ok := a.OldObject.(*rbac.ClusterRoleBinding); ok && old.RoleRef == obj.RoleRef && slices.Equal(old.Subjects, obj.Subjects) {
			return nil
		}
		return r.checkBinding(ctx, a, gr, obj.Name, obj.RoleRef, "")
	}
	return nil
}

func (r *RBAC) checkRole(ctx context.Context, a *admission.Attributes, gr meta.GroupResource, name string, rules []rbac.PolicyRule, aggregated bool) error {
	// The "escalate" verb on the role lets a user write any rules.
	d, _, _ := r.Authorize(ctx, Attributes{
		User: a.User, Verb: "escalate", ResourceRequest: true, APIGroup: a.Group, APIVersion: "*",
		Resource: a.Resource, Namespace: a.Namespace, Name: name,
	})
	if d == Allow {
		return nil
	}
	if err := r.CheckEscalation(ctx, a.User, rules, a.Namespace); err != nil {
		return meta.NewForbidden(gr, name, err.Error())
	}
	if aggregated {
		if err := r.CheckEscalation(ctx, a.User, fullAuthority, a.Namespace); err != nil {
			return meta.NewForbidden(gr, name, "must have cluster-admin privileges to use the aggregationRule")
		}
	}
	return nil
}

func (r *RBAC) checkBinding(ctx context.Context, a *admission.Attributes, gr meta.GroupResource, name string, ref rbac.RoleRef, namespace string) error {
	// The "bind" verb on the referenced role lets a user bind it, checked
	// in the binding's namespace so that it can be delegated per namespace.
	bind := Attributes{User: a.User, Verb: "bind", ResourceRequest: true, APIGroup: ref.APIGroup, Namespace: namespace, Name: ref.Name}
	switch ref.Kind {
	case "ClusterRole":
		bind.Resource = "clusterroles"
	case "Role":
		bind.Resource = "roles"
	}
	if bind.Resource != "" {
		if d, _, _ := r.Authorize(ctx, bind); d == Allow {
			return nil
		}
	}
	rules, err := r.RoleRefRules(ctx, ref, namespace)
	if err != nil {
		return meta.NewForbidden(gr, name, err.Error())
	}
	if err := r.CheckEscalation(ctx, a.User, rules, namespace); err != nil {
		return meta.NewForbidden(gr, name, err.Error())
	}
	return nil
}

func rulesUnchanged(a, b []rbac.PolicyRule) bool {
	return slices.EqualFunc(a, b, func(x, y rbac.PolicyRule) bool { return rulesEqual(&x, &y) })
}

func aggregationEqual(a, b *rbac.AggregationRule) bool {
	if a == nil || b == nil {
		return a == b
	}
	return slices.EqualFunc(a.ClusterRoleSelectors, b.ClusterRoleSelectors, func(x, y meta.LabelSelector) bool {
		return mapsEqual(x.MatchLabels, y.MatchLabels) && slices.EqualFunc(x.MatchExpressions, y.MatchExpressions,
			func(p, q meta.LabelSelectorRequirement) bool {
				return p.Key == q.Key && p.Operator == q.Operator && slices.Equal(p.Values, q.Values)
			})
	})
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || v != w {
			return false
		}
	}
	return true
}
