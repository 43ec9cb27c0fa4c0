package garbagecollector

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
)

// The discovery documents, reduced to what the collector reads.
type (
	apiVersions struct {
		Versions []string `json:"versions"`
	}
	groupVersion struct {
		Version string `json:"version"`
	}
	apiGroupList struct {
		Groups []struct {
			Name             string         `json:"name"`
			Versions         []groupVersion `json:"versions"`
			PreferredVersion groupVersion   `json:"preferredVersion"`
		} `json:"groups"`
	}
	apiResourceList struct {
		Resources []struct {
			Name       string   `json:"name"`
			Namespaced bool     `json:"namespaced"`
			Kind       string   `json:"kind"`
			Verbs      []string `json:"verbs"`
		} `json:"resources"`
	}
)

// resource is one served resource at one version.
type resource struct {
	gvr        api.GVR
	kind       string
	namespaced bool
	verbs      []string
}

func (r *resource) apiVersion() string { return meta.JoinAPIVersion(r.gvr.Group, r.gvr.Version) }

func (r *resource) can(verbs ...string) bool {
	for _, v := range verbs {
		if !slices.Contains(r.verbs, v) {
			return false
		}
	}
	return true
}

// collectionPath is the path of r's objects in ns ("" for all namespaces
// or a cluster-scoped resource).
func (r *resource) collectionPath(ns string) string {
	var b strings.Builder
	if r.gvr.Group == "" {
		b.WriteString("/api/" + r.gvr.Version)
	} else {
		b.WriteString("/apis/" + r.gvr.Group + "/" + r.gvr.Version)
	}
	if r.namespaced && ns != "" {
		b.WriteString("/namespaces/" + url.PathEscape(ns))
	}
	b.WriteString("/" + r.gvr.Resource)
	return b.String()
}

func (r *resource) objectPath(ns, name string) string {
	return r.collectionPath(ns) + "/" + url.PathEscape(name)
}

// mapper answers which resource serves a kind: what an ownerReference
// names by apiVersion and kind. It is rebuilt by each discovery.
type mapper struct {
	// byGVK holds every served version; preferred the version of each
	// group-kind that its group prefers.
	byGVK     map[api.GVK]*resource
	preferred map[meta.GroupKind]*resource
	// groups are the groups discovery answered for; failed the
	// group-versions it could not read.
	groups map[string]bool
	failed map[string]bool
}

// resolve returns the resource of kind at apiVersion, or at the version
// its group prefers when that one is not served: an object is the same
// object at every version of its group.
func (m *mapper) resolve(apiVersion, kind string) (*resource, bool) {
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
func (m *mapper) monitorable(ignored []meta.GroupResource) map[meta.GroupResource]*resource {
	out := map[meta.GroupResource]*resource{}
	for _, r := range m.preferred {
		gr := meta.GroupResource{Group: r.gvr.Group, Resource: r.gvr.Resource}
		if r.can("list", "watch", "delete") && !slices.Contains(ignored, gr) {
			out[gr] = r
		}
	}
	return out
}

// discover reads the discovery documents into a mapper. A group-version
// that fails is recorded in mapper.failed; only a failure of /api or /apis
// fails the whole.
func discover(ctx context.Context, c *client.Client) (*mapper, error) {
	type group struct {
		name     string
		versions []string // preferred first
	}
	var core apiVersions
	if err := c.Do(ctx, http.MethodGet, "/api", nil, &core); err != nil {
		return nil, fmt.Errorf("discovery: %w", err)
	}
	groups := []group{{"", core.Versions}}
	var list apiGroupList
	if err := c.Do(ctx, http.MethodGet, "/apis", nil, &list); err != nil {
		return nil, fmt.Errorf("discovery: %w", err)
	}
	for _, g := range list.Groups {
		vs := []string{g.PreferredVersion.Version}
		for _, v := range g.Versions {
			if v.Version != g.PreferredVersion.Version {
				vs = append(vs, v.Version)
			}
		}
		groups = append(groups, group{g.Name, vs})
	}
	m := &mapper{byGVK: map[api.GVK]*resource{}, preferred: map[meta.GroupKind]*resource{},
		groups: map[string]bool{}, failed: map[string]bool{}}
	for _, g := range groups {
		m.groups[g.name] = true
		for _, v := range g.versions {
			if v == "" {
				continue
			}
			path := "/apis/" + g.name + "/" + v
			if g.name == "" {
				path = "/api/" + v
			}
			var rl apiResourceList
			if err := c.Do(ctx, http.MethodGet, path, nil, &rl); err != nil {
				m.failed[meta.JoinAPIVersion(g.name, v)] = true
				continue
			}
			for _, x := range rl.Resources {
				if strings.Contains(x.Name, "/") {
					continue // a subresource
				}
				r := &resource{gvr: api.GVR{Group: g.name, Version: v, Resource: x.Name}, kind: x.Kind, namespaced: x.Namespaced, verbs: x.Verbs}
				m.byGVK[api.GVK{Group: g.name, Version: v, Kind: x.Kind}] = r
				gk := meta.GroupKind{Group: g.name, Kind: x.Kind}
				if _, ok := m.preferred[gk]; !ok {
					m.preferred[gk] = r
				}
			}
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
