package authz

import (
	"context"
	"fmt"
	"sync"

	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/rbac"
	"github.com/spar-dev/spar/watch"
)

// RuleSource is where the RBAC authorizer reads roles and bindings. The
// authorizer indexes what the source lists by subject and reuses that index
// until Revision changes, so the source is listed once per change of RBAC
// objects, not once per request.
//
// Objects returned are shared and must not be modified.
type RuleSource interface {
	// Revision returns a number that changes whenever any role or binding
	// may have changed. A change that did not touch RBAC objects only costs
	// a rebuild of the index.
	Revision() int64
	Roles(ctx context.Context) ([]*rbac.Role, error)
	ClusterRoles(ctx context.Context) ([]*rbac.ClusterRole, error)
	RoleBindings(ctx context.Context) ([]*rbac.RoleBinding, error)
	ClusterRoleBindings(ctx context.Context) ([]*rbac.ClusterRoleBinding, error)
}

// CacheSource is a RuleSource over the API server's watch caches of the
// four RBAC resources: lists come from memory and Revision is the sum of
// the caches' revisions (store revisions only grow, so the sum changes
// whenever any cache moves).
type CacheSource struct {
	roles, clusterRoles, roleBindings, clusterRoleBindings *watch.Cache
}

// NewCacheSource returns a CacheSource over the caches of roles,
// clusterroles, rolebindings and clusterrolebindings.
func NewCacheSource(roles, clusterRoles, roleBindings, clusterRoleBindings *watch.Cache) *CacheSource {
	return &CacheSource{roles, clusterRoles, roleBindings, clusterRoleBindings}
}

// Revision implements RuleSource.
func (s *CacheSource) Revision() int64 {
	return s.roles.Revision() + s.clusterRoles.Revision() + s.roleBindings.Revision() + s.clusterRoleBindings.Revision()
}

// Roles implements RuleSource.
func (s *CacheSource) Roles(ctx context.Context) ([]*rbac.Role, error) {
	return listCache[rbac.Role](ctx, s.roles)
}

// ClusterRoles implements RuleSource.
func (s *CacheSource) ClusterRoles(ctx context.Context) ([]*rbac.ClusterRole, error) {
	return listCache[rbac.ClusterRole](ctx, s.clusterRoles)
}

// RoleBindings implements RuleSource.
func (s *CacheSource) RoleBindings(ctx context.Context) ([]*rbac.RoleBinding, error) {
	return listCache[rbac.RoleBinding](ctx, s.roleBindings)
}

// ClusterRoleBindings implements RuleSource.
func (s *CacheSource) ClusterRoleBindings(ctx context.Context) ([]*rbac.ClusterRoleBinding, error) {
	return listCache[rbac.ClusterRoleBinding](ctx, s.clusterRoleBindings)
}

// listCache lists what the cache holds now (no wait for the store: a
// decision may lag a write by the cache's delay, as in Kubernetes, whose
// authorizer reads informer caches).
func listCache[T any](ctx context.Context, c *watch.Cache) ([]*T, error) {
	res, err := c.List(ctx, watch.ListOptions{Match: watch.NotOlderThan})
	if err != nil {
		return nil, err
	}
	out := make([]*T, 0, len(res.Items))
	for _, it := range res.Items {
		o, ok := any(it.Object).(*T)
		if !ok {
			return nil, fmt.Errorf("authz: cache holds %T, want %T", it.Object, o)
		}
		out = append(out, o)
	}
	return out, nil
}

// RuleSet is an in-memory RuleSource, for tests, examples and embedded
// servers that keep policy in code. It is safe for concurrent use.
type RuleSet struct {
	mu                  sync.RWMutex
	rev                 int64
	roles               map[string]*rbac.Role
	clusterRoles        map[string]*rbac.ClusterRole
	roleBindings        map[string]*rbac.RoleBinding
	clusterRoleBindings map[string]*rbac.ClusterRoleBinding
}

// NewRuleSet returns a RuleSet holding objs (see Put).
func NewRuleSet(objs ...meta.Object) *RuleSet {
	s := &RuleSet{
		roles:               map[string]*rbac.Role{},
		clusterRoles:        map[string]*rbac.ClusterRole{},
		roleBindings:        map[string]*rbac.RoleBinding{},
		clusterRoleBindings: map[string]*rbac.ClusterRoleBinding{},
	}
	s.Put(objs...)
	return s
}

// Put adds or replaces roles and bindings (*rbac.Role, *rbac.ClusterRole,
// *rbac.RoleBinding, *rbac.ClusterRoleBinding); other objects are ignored.
// The set keeps the pointers: do not modify the objects afterwards.
func (s *RuleSet) Put(objs ...meta.Object) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rev++
	for _, o := range objs {
		switch o := o.(type) {
		case *rbac.Role:
			s.roles[o.Namespace+"/"+o.Name] = o
		case *rbac.ClusterRole:
			s.clusterRoles[o.Name] = o
		case *rbac.RoleBinding:
			s.roleBindings[o.Namespace+"/"+o.Name] = o
		case *rbac.ClusterRoleBinding:
			s.clusterRoleBindings[o.Name] = o
		}
	}
}

// Delete removes roles and bindings, matched by kind, namespace and name.
func (s *RuleSet) Delete(objs ...meta.Object) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rev++
	for _, o := range objs {
		om := o.GetObjectMeta()
		switch o.(type) {
		case *rbac.Role:
			delete(s.roles, om.Namespace+"/"+om.Name)
		case *rbac.ClusterRole:
			delete(s.clusterRoles, om.Name)
		case *rbac.RoleBinding:
			delete(s.roleBindings, om.Namespace+"/"+om.Name)
		case *rbac.ClusterRoleBinding:
			delete(s.clusterRoleBindings, om.Name)
		}
	}
}

// Revision implements RuleSource.
func (s *RuleSet) Revision() int64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.rev
}

// Roles implements RuleSource.
func (s *RuleSet) Roles(context.Context) ([]*rbac.Role, error) { return values(s, s.roles), nil }

// ClusterRoles implements RuleSource.
func (s *RuleSet) ClusterRoles(context.Context) ([]*rbac.ClusterRole, error) {
	return values(s, s.clusterRoles), nil
}

// RoleBindings implements RuleSource.
func (s *RuleSet) RoleBindings(context.Context) ([]*rbac.RoleBinding, error) {
	return values(s, s.roleBindings), nil
}

// ClusterRoleBindings implements RuleSource.
func (s *RuleSet) ClusterRoleBindings(context.Context) ([]*rbac.ClusterRoleBinding, error) {
	return values(s, s.clusterRoleBindings), nil
}

func values[T any](s *RuleSet, m map[string]*T) []*T {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]*T, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
