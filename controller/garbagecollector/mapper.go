package garbagecollector

import (
	"context"
	"errors"
	"slices"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
)

// mapper answers which resource serves a kind: what an ownerReference
// names by apiVersion and kind. It is rebuilt by each discovery.
type mapper struct {
	// byGVK holds every served version; preferred the version of each
	// group-kind that its group prefers.
	byGVK     map[api.GVK]*client.APIResource
	preferred map[meta.GroupKind]*client.APIResource
	// failed holds the group-versions discovery could not read.
	failed map[string]bool
}

// resolve returns the resource of kind at apiVersion, or at the version
// its group prefers when that one is not served: an object is the same
// object at every version of its group.
func (m *mapper) resolve(apiVersion, kind string) (*client.APIResource, bool) {
	g, v := meta.SplitAPIVersion(apiVersion)
	if r, ok := m.byGVK[api.GVK{Group: g, Version: v, Kind: kind}]; ok {
		return r, true
	}
	r, ok := m.preferred[meta.GroupKind{Group: g, Kind: kind}]
	return r, ok
}

// monitorable returns the resources to watch, one per group and resource
// at the group's preferred version: those that can be listed, watched and
// deleted, minus the ignored ones.
func (m *mapper) monitorable(ignored []meta.GroupResource) map[meta.GroupResource]*client.APIResource {
	out := map[meta.GroupResource]*client.APIResource{}
	for _, r := range m.preferred {
		gr := r.GroupResource()
		if r.Supports("list", "watch", "delete") && !slices.Contains(ignored, gr) {
			out[gr] = r
		}
	}
	return out
}

// discover reads discovery into a mapper. A group-version that fails is
// recorded in mapper.failed; only a failure of the group lists fails the
// whole.
func discover(ctx context.Context, c *client.Client) (*mapper, error) {
	all, err := client.Discovery(c).ServerResources(ctx)
	var de *client.DiscoveryError
	if err != nil && !errors.As(err, &de) {
		return nil, err
	}
	m := &mapper{byGVK: map[api.GVK]*client.APIResource{}, preferred: map[meta.GroupKind]*client.APIResource{}, failed: map[string]bool{}}
	if de != nil {
		for gv := range de.Failed {
			m.failed[gv] = true
		}
	}
	// ServerResources lists each group's preferred version first.
	for i := range all {
		r := &all[i]
		if r.IsSubresource() {
			continue
		}
		m.byGVK[api.GVK{Group: r.Group, Version: r.Version, Kind: r.Kind}] = r
		gk := meta.GroupKind{Group: r.Group, Kind: r.Kind}
		if _, ok := m.preferred[gk]; !ok {
			m.preferred[gk] = r
		}
	}
	return m, nil
}

// groupFailed reports whether discovery could not read some version of
// group, so what was known of it before still stands.
func (m *mapper) groupFailed(group string) bool {
	for gv := range m.failed {
		if g, _ := meta.SplitAPIVersion(gv); g == group {
			return true
		}
	}
	return false
}

// merge keeps from old what m could not rediscover: the kinds of groups
// whose discovery failed this time.
func (m *mapper) merge(old *mapper) {
	if old == nil || len(m.failed) == 0 {
		return
	}
	for gvk, r := range old.byGVK {
		if m.groupFailed(gvk.Group) {
			if _, ok := m.byGVK[gvk]; !ok {
				m.byGVK[gvk] = r
			}
		}
	}
	for gk, r := range old.preferred {
		if m.groupFailed(gk.Group) {
			if _, ok := m.preferred[gk]; !ok {
				m.preferred[gk] = r
			}
		}
	}
}
