package authz

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/spar-dev/spar/api/labels"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/rbac"
	"github.com/spar-dev/spar/apiserver/authn"
)

// RBAC decides requests from Roles, ClusterRoles and their bindings, as
// Kubernetes' RBAC authorizer does: a request is allowed if a rule of a
// role bound to the user (by name, by one of its groups, or as a service
// account) allows it; bindings in the request's namespace count as well as
// cluster-wide ones. RBAC never denies: without a matching rule its answer
// is NoOpinion, so later authorizers in a Union may still allow.
//
// Members of system:masters are allowed everything, as Kubernetes' superuser
// group.
//
// Aggregated ClusterRoles (aggregationRule) are evaluated as the union of
// the rules of the ClusterRoles their selectors match, transitively, so no
// controller has to write the rules back for decisions to be right (see
// AggregatedRules for one that does).
//
// Decisions read an index of the source's bindings by subject, rebuilt when
// the source's Revision changes: a decision costs a few map lookups and the
// rules of the user's own bindings, whatever the number of bindings.
type RBAC struct {
	src RuleSource
	mu  sync.Mutex // serializes rebuilds
	idx atomic.Pointer[rbacIndex]
}

// NewRBAC returns an RBAC authorizer over src.
func NewRBAC(src RuleSource) *RBAC { return &RBAC{src: src} }

var (
	_ Authorizer   = (*RBAC)(nil)
	_ RuleResolver = (*RBAC)(nil)
)

// superuserRules are what system:masters hold.
var superuserRules = []rbac.PolicyRule{
	{Verbs: []string{"*"}, APIGroups: []string{"*"}, Resources: []string{"*"}},
	{Verbs: []string{"*"}, NonResourceURLs: []string{"*"}},
}

func isSuperuser(u *authn.User) bool { return slices.Contains(u.Groups, authn.SystemPrivilegedGrp) }

// Authorize implements Authorizer. The reason of an Allow names the
// binding, as Kubernetes: `RBAC: allowed by ClusterRoleBinding "x" of
// ClusterRole "y" to User "z"`. A NoOpinion carries a reason only when
// bindings of the user point at missing roles.
func (r *RBAC) Authorize(ctx context.Context, a Attributes) (Decision, string, error) {
	if a.User == nil {
		return NoOpinion, "", nil
	}
	if isSuperuser(a.User) {
		return Allow, "", nil
	}
	idx := r.index(ctx)
	var errs []error
	if idx.err != nil {
		errs = append(errs, idx.err)
	}
	check := func(scope string, group bool, name string) (string, bool) {
		for _, ref := range idx.grants[subjectKey{scope: scope, group: group, name: name}] {
			if ref.g.err != nil {
				errs = append(errs, ref.g.err)
				continue
			}
			if RulesAllow(&a, ref.g.rules...) {
				return ref.reason, true
			}
		}
		return "", false
	}
	scopes := [2]string{"", a.Namespace}
	for i, scope := range scopes {
		if i == 1 && scope == "" {
			break
		}
		if reason, ok := check(scope, false, a.User.Name); ok {
			return Allow, reason, nil
		}
		for _, g := range a.User.Groups {
			if reason, ok := check(scope, true, g); ok {
				return Allow, reason, nil
			}
		}
	}
	if len(errs) > 0 {
		return NoOpinion, "RBAC: " + aggregate(errs), nil
	}
	return NoOpinion, "", nil
}

// RulesFor implements RuleResolver: the rules of every role bound to u
// cluster-wide and in namespace. The error reports bindings to missing
// roles; the rules are still all that could be resolved.
func (r *RBAC) RulesFor(ctx context.Context, u *authn.User, namespace string) ([]rbac.PolicyRule, bool, error) {
	var rules []rbac.PolicyRule
	if isSuperuser(u) {
		rules = append(rules, superuserRules...)
	}
	idx := r.index(ctx)
	var errs []error
	if idx.err != nil {
		errs = append(errs, idx.err)
	}
	seen := map[*grant]bool{}
	add := func(scope string, group bool, name string) {
		for _, ref := range idx.grants[subjectKey{scope: scope, group: group, name: name}] {
			if seen[ref.g] {
				continue
			}
			seen[ref.g] = true
			if ref.g.err != nil {
				errs = append(errs, ref.g.err)
			}
			rules = append(rules, ref.g.rules...)
		}
	}
	for _, scope := range []string{"", namespace} {
		add(scope, false, u.Name)
		for _, g := range u.Groups {
			add(scope, true, g)
		}
		if namespace == "" {
			break
		}
	}
	if len(errs) > 0 {
		return rules, false, fmt.Errorf("%s", aggregate(errs))
	}
	return rules, false, nil
}

// RoleRefRules returns the rules a binding in namespace ("" for a
// ClusterRoleBinding) with roleRef grants, aggregation applied.
func (r *RBAC) RoleRefRules(ctx context.Context, ref rbac.RoleRef, namespace string) ([]rbac.PolicyRule, error) {
	idx := r.index(ctx)
	g := idx.resolve(ref, namespace)
	if g.err != nil && idx.err != nil {
		return nil, fmt.Errorf("%w (listing roles: %v)", g.err, idx.err)
	}
	return g.rules, g.err
}

// subjectKey finds the grants of one subject at one scope: "" for
// ClusterRoleBindings, else the namespace of the RoleBinding. Service
// accounts are users named system:serviceaccount:<namespace>:<name>.
type subjectKey struct {
	scope string
	group bool
	name  string
}

// grant is what one binding grants: the rules of its role, or why they
// could not be found.
type grant struct {
	rules []rbac.PolicyRule
	err   error
}

// grantRef is a grant as reached through one subject of its binding.
type grantRef struct {
	g      *grant
	reason string // "RBAC: allowed by ...", built once per index
}

type rbacIndex struct {
	rev          int64
	roles        map[string][]rbac.PolicyRule // "<namespace>/<name>"
	clusterRoles map[string][]rbac.PolicyRule // effective rules, aggregation applied
	grants       map[subjectKey][]grantRef
	// err is set when the source could not be listed in full; the index
	// holds what could be.
	err error
}

// index returns an index of the source's current state, rebuilding it when
// the revision moved. A rebuild that failed is used for the request at
// hand but not kept, so the next request tries again.
func (r *RBAC) index(ctx context.Context) *rbacIndex {
	rev := r.src.Revision()
	if idx := r.idx.Load(); idx != nil && idx.rev == rev {
		return idx
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	rev = r.src.Revision()
	if idx := r.idx.Load(); idx != nil && idx.rev == rev {
		return idx
	}
	// One request's cancellation must not leave every later one with a
	// partial index.
	idx := buildIndex(context.WithoutCancel(ctx), r.src, rev)
	if idx.err == nil {
		r.idx.Store(idx)
	}
	return idx
}

func buildIndex(ctx context.Context, src RuleSource, rev int64) *rbacIndex {
	var errs []error
	roles, err := src.Roles(ctx)
	if err != nil {
		errs = append(errs, fmt.Errorf("listing roles: %w", err))
	}
	crs, err := src.ClusterRoles(ctx)
	if err != nil {
		errs = append(errs, fmt.Errorf("listing clusterroles: %w", err))
	}
	rbs, err := src.RoleBindings(ctx)
	if err != nil {
		errs = append(errs, fmt.Errorf("listing rolebindings: %w", err))
	}
	crbs, err := src.ClusterRoleBindings(ctx)
	if err != nil {
		errs = append(errs, fmt.Errorf("listing clusterrolebindings: %w", err))
	}
	idx := &rbacIndex{
		rev:          rev,
		roles:        make(map[string][]rbac.PolicyRule, len(roles)),
		clusterRoles: make(map[string][]rbac.PolicyRule, len(crs)),
		grants:       make(map[subjectKey][]grantRef, len(rbs)+len(crbs)),
	}
	for _, r := range roles {
		idx.roles[r.Namespace+"/"+r.Name] = r.Rules
	}
	sorted := sortedByName(crs)
	for _, cr := range crs {
		idx.clusterRoles[cr.Name] = aggregate1(cr, sorted, nil)
	}
	for _, b := range rbs {
		g := idx.resolve(b.RoleRef, b.Namespace)
		for i := range b.Subjects {
			s := &b.Subjects[i]
			key, ok := keyFor(s, b.Namespace)
			if !ok {
				continue
			}
			reason := "RBAC: allowed by RoleBinding " + strconv.Quote(b.Name+"/"+b.Namespace) + " of " + b.RoleRef.Kind + " " +
				strconv.Quote(b.RoleRef.Name) + " to " + describeSubject(s, b.Namespace)
			idx.grants[key] = append(idx.grants[key], grantRef{g: g, reason: reason})
		}
	}
	for _, b := range crbs {
		g := idx.resolve(b.RoleRef, "")
		for i := range b.Subjects {
			s := &b.Subjects[i]
			key, ok := keyFor(s, "")
			if !ok {
				continue
			}
			reason := "RBAC: allowed by ClusterRoleBinding " + strconv.Quote(b.Name) + " of " + b.RoleRef.Kind + " " +
				strconv.Quote(b.RoleRef.Name) + " to " + describeSubject(s, "")
			idx.grants[key] = append(idx.grants[key], grantRef{g: g, reason: reason})
		}
	}
	if len(errs) > 0 {
		idx.err = fmt.Errorf("%s", aggregate(errs))
	}
	return idx
}

// resolve finds the rules of a role reference made in namespace, with
// Kubernetes' errors for missing roles.
func (idx *rbacIndex) resolve(ref rbac.RoleRef, namespace string) *grant {
	switch ref.Kind {
	case "Role":
		rules, ok := idx.roles[namespace+"/"+ref.Name]
		if !ok || namespace == "" {
			return &grant{err: meta.NewNotFound(meta.GroupResource{Group: rbac.GroupName, Resource: "role"}, ref.Name)}
		}
		return &grant{rules: rules}
	case "ClusterRole":
		rules, ok := idx.clusterRoles[ref.Name]
		if !ok {
			return &grant{err: meta.NewNotFound(meta.GroupResource{Group: rbac.GroupName, Resource: "clusterrole"}, ref.Name)}
		}
		return &grant{rules: rules}
	}
	return &grant{err: fmt.Errorf("unsupported role reference kind: %q", ref.Kind)}
}

// keyFor returns the index key of a binding subject. A ServiceAccount
// without a namespace is in the binding's namespace; in a
// ClusterRoleBinding it names nobody.
func keyFor(s *rbac.Subject, bindingNamespace string) (subjectKey, bool) {
	switch s.Kind {
	case rbac.UserKind:
		return subjectKey{scope: bindingNamespace, name: s.Name}, true
	case rbac.GroupKind:
		return subjectKey{scope: bindingNamespace, group: true, name: s.Name}, true
	case rbac.ServiceAccountKind:
		ns := s.Namespace
		if ns == "" {
			ns = bindingNamespace
		}
		if ns == "" {
			return subjectKey{}, false
		}
		return subjectKey{scope: bindingNamespace, name: ServiceAccountUsername(ns, s.Name)}, true
	}
	return subjectKey{}, false
}

func describeSubject(s *rbac.Subject, bindingNamespace string) string {
	if s.Kind == rbac.ServiceAccountKind {
		ns := s.Namespace
		if ns == "" {
			ns = bindingNamespace
		}
		return s.Kind + " " + strconv.Quote(s.Name+"/"+ns)
	}
	return s.Kind + " " + strconv.Quote(s.Name)
}

// ServiceAccountUsername is the user name of a service account:
// system:serviceaccount:<namespace>:<name>.
func ServiceAccountUsername(namespace, name string) string {
	return "system:serviceaccount:" + namespace + ":" + name
}

// AggregatedRules returns the rules cr grants. Without an aggregation rule
// they are its own; with one, the union of the rules of the ClusterRoles in
// all that its selectors match (cr excluded), themselves aggregated, in the
// order of their names and without duplicates — what Kubernetes'
// clusterrole-aggregation controller writes into an aggregated role. A
// controller may store the result; the RBAC authorizer does not need it to.
func AggregatedRules(cr *rbac.ClusterRole, all []*rbac.ClusterRole) []rbac.PolicyRule {
	if cr.AggregationRule == nil {
		return cr.Rules
	}
	return aggregate1(cr, sortedByName(all), nil)
}

func sortedByName(all []*rbac.ClusterRole) []*rbac.ClusterRole {
	sorted := slices.Clone(all)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	return sorted
}

// aggregate1 is AggregatedRules over all sorted by name; visiting holds
// the aggregated roles being expanded (nil at the top).
func aggregate1(cr *rbac.ClusterRole, all []*rbac.ClusterRole, visiting map[string]bool) []rbac.PolicyRule {
	if cr.AggregationRule == nil || visiting[cr.Name] {
		// A cycle of aggregated roles contributes what is stored.
		return cr.Rules
	}
	if visiting == nil {
		visiting = map[string]bool{}
	}
	visiting[cr.Name] = true
	defer delete(visiting, cr.Name)
	var sels []labels.Selector
	for i := range cr.AggregationRule.ClusterRoleSelectors {
		if s, err := labels.FromLabelSelector(&cr.AggregationRule.ClusterRoleSelectors[i]); err == nil {
			sels = append(sels, s)
		}
	}
	var out []rbac.PolicyRule
	for _, other := range all {
		if other.Name == cr.Name || !slices.ContainsFunc(sels, func(s labels.Selector) bool {
			return s.Matches(labels.Set(other.Labels))
		}) {
			continue
		}
		for _, rule := range aggregate1(other, all, visiting) {
			if !slices.ContainsFunc(out, func(r rbac.PolicyRule) bool { return rulesEqual(&r, &rule) }) {
				out = append(out, rule)
			}
		}
	}
	return out
}

func rulesEqual(a, b *rbac.PolicyRule) bool {
	return slices.Equal(a.Verbs, b.Verbs) && slices.Equal(a.APIGroups, b.APIGroups) &&
		slices.Equal(a.Resources, b.Resources) && slices.Equal(a.ResourceNames, b.ResourceNames) &&
		slices.Equal(a.NonResourceURLs, b.NonResourceURLs)
}

// aggregate formats errors as Kubernetes' error aggregates: one as itself,
// several as "[a, b]", duplicates dropped.
func aggregate(errs []error) string {
	var msgs []string
	for _, e := range errs {
		if m := e.Error(); !slices.Contains(msgs, m) {
			msgs = append(msgs, m)
		}
	}
	if len(msgs) == 1 {
		return msgs[0]
	}
	return "[" + strings.Join(msgs, ", ") + "]"
}
