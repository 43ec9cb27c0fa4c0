package client

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/meta"
)

// DiscoveryClient reads what the server serves from its discovery
// documents (/api, /apis and one APIResourceList per group-version), as
// kubectl and upstream's discovery client do. Programs that handle every
// kind, custom ones included — a garbage collector, a namespace cleaner —
// learn the kinds here rather than from a built-in list, so a CRD created
// a second ago is seen. Nothing is cached: each call reads the documents
// again.
type DiscoveryClient struct{ c *Client }

// Discovery returns the discovery client of c.
func Discovery(c *Client) *DiscoveryClient { return &DiscoveryClient{c: c} }

// APIGroup is one served API group.
type APIGroup struct {
	// Name is the group; "" is the core group (/api).
	Name string
	// Versions are the served versions, in the server's order of
	// preference.
	Versions []string
	// PreferredVersion is the version clients should use.
	PreferredVersion string
}

// APIResource is one resource served at one group-version: an entry of
// that group-version's APIResourceList.
type APIResource struct {
	// Group and Version are where the resource is served.
	Group, Version string
	// Name is the plural name, "deployments"; a subresource is listed as
	// its own entry, "deployments/scale".
	Name         string
	SingularName string
	// Kind is the kind of the resource's objects (of a subresource: of
	// the objects it reads and writes, "Scale").
	Kind       string
	Namespaced bool
	// Verbs are the verbs it serves: get, list, watch, create, update,
	// patch, delete, deletecollection.
	Verbs      []string
	ShortNames []string
	Categories []string
}

// GVR returns the group, version and resource name of r.
func (r *APIResource) GVR() api.GVR {
	return api.GVR{Group: r.Group, Version: r.Version, Resource: r.Name}
}

// GroupResource returns r's group and name.
func (r *APIResource) GroupResource() meta.GroupResource {
	return meta.GroupResource{Group: r.Group, Resource: r.Name}
}

// APIVersion returns "group/version", or "version" for the core group.
func (r *APIResource) APIVersion() string { return meta.JoinAPIVersion(r.Group, r.Version) }

// IsSubresource reports whether r is a subresource ("pods/status").
func (r *APIResource) IsSubresource() bool { return strings.Contains(r.Name, "/") }

// Supports reports whether r serves every one of verbs.
func (r *APIResource) Supports(verbs ...string) bool {
	for _, v := range verbs {
		if !slices.Contains(r.Verbs, v) {
			return false
		}
	}
	return true
}

// DiscoveryError is returned, with the resources that could be read, when
// the APIResourceLists of some group-versions could not: an aggregated
// API that is down, a CRD deleted between the group list and its fetch.
// Callers that act on every resource must not take the partial answer for
// the whole.
type DiscoveryError struct {
	// Failed maps each group-version ("apps/v1", "v1") to its failure.
	Failed map[string]error
}

func (e *DiscoveryError) Error() string {
	gvs := make([]string, 0, len(e.Failed))
	for gv := range e.Failed {
		gvs = append(gvs, gv)
	}
	sort.Strings(gvs)
	parts := make([]string, len(gvs))
	for i, gv := range gvs {
		parts[i] = fmt.Sprintf("%s: %v", gv, e.Failed[gv])
	}
	// Upstream's wording, which conditions and logs quote.
	return "unable to retrieve the complete list of server APIs: " + strings.Join(parts, ", ")
}

// The discovery documents on the wire (meta.k8s.io/v1).
type (
	wireAPIVersions struct {
		Versions []string `json:"versions"`
	}
	wireGroupVersion struct {
		GroupVersion string `json:"groupVersion"`
		Version      string `json:"version"`
	}
	wireAPIGroupList struct {
		Groups []struct {
			Name             string             `json:"name"`
			Versions         []wireGroupVersion `json:"versions"`
			PreferredVersion wireGroupVersion   `json:"preferredVersion"`
		} `json:"groups"`
	}
	wireAPIResourceList struct {
		GroupVersion string `json:"groupVersion"`
		Resources    []struct {
			Name         string   `json:"name"`
			SingularName string   `json:"singularName"`
			Namespaced   bool     `json:"namespaced"`
			Kind         string   `json:"kind"`
			Verbs        []string `json:"verbs"`
			ShortNames   []string `json:"shortNames"`
			Categories   []string `json:"categories"`
		} `json:"resources"`
	}
)

// ServerGroups returns the served groups: the core group first, then the
// others in the server's order.
func (d *DiscoveryClient) ServerGroups(ctx context.Context) ([]APIGroup, error) {
	var core wireAPIVersions
	if err := d.c.Do(ctx, http.MethodGet, "/api", nil, &core); err != nil {
		return nil, fmt.Errorf("discovery: %w", err)
	}
	var list wireAPIGroupList
	if err := d.c.Do(ctx, http.MethodGet, "/apis", nil, &list); err != nil {
		return nil, fmt.Errorf("discovery: %w", err)
	}
	groups := make([]APIGroup, 0, len(list.Groups)+1)
	if len(core.Versions) > 0 {
		groups = append(groups, APIGroup{Name: "", Versions: core.Versions, PreferredVersion: core.Versions[0]})
	}
	for _, g := range list.Groups {
		ag := APIGroup{Name: g.Name, PreferredVersion: g.PreferredVersion.Version}
		for _, v := range g.Versions {
			ag.Versions = append(ag.Versions, v.Version)
		}
		if ag.PreferredVersion == "" && len(ag.Versions) > 0 {
			ag.PreferredVersion = ag.Versions[0]
		}
		groups = append(groups, ag)
	}
	return groups, nil
}

// ServerResources returns every resource served at every version,
// subresources included, in one list: group by group as ServerGroups
// orders them, each group's preferred version first. The APIResourceLists
// are read concurrently. If some group-versions cannot be read, it returns
// the others with a *DiscoveryError; if the group lists cannot, only an
// error.
func (d *DiscoveryClient) ServerResources(ctx context.Context) ([]APIResource, error) {
	groups, err := d.ServerGroups(ctx)
	if err != nil {
		return nil, err
	}
	type gv struct{ group, version string }
	var gvs []gv
	for _, g := range groups {
		gvs = append(gvs, gv{g.Name, g.PreferredVersion})
		for _, v := range g.Versions {
			if v != g.PreferredVersion {
				gvs = append(gvs, gv{g.Name, v})
			}
		}
	}
	lists := make([][]APIResource, len(gvs))
	errs := make([]error, len(gvs))
	var wg sync.WaitGroup
	for i, x := range gvs {
		wg.Go(func() { lists[i], errs[i] = d.resources(ctx, x.group, x.version) })
	}
	wg.Wait()
	var out []APIResource
	var failed map[string]error
	for i, x := range gvs {
		if errs[i] != nil {
			if failed == nil {
				failed = map[string]error{}
			}
			failed[meta.JoinAPIVersion(x.group, x.version)] = errs[i]
			continue
		}
		out = append(out, lists[i]...)
	}
	if failed != nil {
		return out, &DiscoveryError{Failed: failed}
	}
	return out, nil
}

// resources reads the APIResourceList of one group-version.
func (d *DiscoveryClient) resources(ctx context.Context, group, version string) ([]APIResource, error) {
	path := "/apis/" + group + "/" + version
	if group == "" {
		path = "/api/" + version
	}
	var l wireAPIResourceList
	if err := d.c.Do(ctx, http.MethodGet, path, nil, &l); err != nil {
		return nil, err
	}
	out := make([]APIResource, len(l.Resources))
	for i, r := range l.Resources {
		out[i] = APIResource{
			Group: group, Version: version, Name: r.Name, SingularName: r.SingularName, Kind: r.Kind,
			Namespaced: r.Namespaced, Verbs: r.Verbs, ShortNames: r.ShortNames, Categories: r.Categories,
		}
	}
	return out, nil
}

// PreferredResources returns each resource once, at the version its group
// prefers, without subresources: what a program that handles "every kind"
// acts on. A resource that the preferred version does not serve is
// returned at the most preferred version that does, as upstream's
// ServerPreferredResources. Partial failures as for ServerResources.
func (d *DiscoveryClient) PreferredResources(ctx context.Context) ([]APIResource, error) {
	all, err := d.ServerResources(ctx)
	if all == nil && err != nil {
		return nil, err
	}
	return Preferred(all), err
}

// Preferred reduces resources in ServerResources' order to one entry per
// group and resource, the first (the most preferred version's), leaving
// out subresources.
func Preferred(resources []APIResource) []APIResource {
	seen := map[meta.GroupResource]bool{}
	var out []APIResource
	for _, r := range resources {
		gr := r.GroupResource()
		if r.IsSubresource() || seen[gr] {
			continue
		}
		seen[gr] = true
		out = append(out, r)
	}
	return out
}
