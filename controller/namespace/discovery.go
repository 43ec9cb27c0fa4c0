package namespace

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
)

// The discovery documents, reduced to what the controller reads.
type (
	apiVersions struct {
		Versions []string `json:"versions"`
	}
	groupVersion struct {
		GroupVersion string `json:"groupVersion"`
		Version      string `json:"version"`
	}
	apiGroupList struct {
		Groups []struct {
			Name             string         `json:"name"`
			Versions         []groupVersion `json:"versions"`
			PreferredVersion groupVersion   `json:"preferredVersion"`
		} `json:"groups"`
	}
	apiResourceList struct {
		GroupVersion string `json:"groupVersion"`
		Resources    []struct {
			Name       string   `json:"name"`
			Namespaced bool     `json:"namespaced"`
			Verbs      []string `json:"verbs"`
		} `json:"resources"`
	}
)

// resource is one namespaced resource the controller empties.
type resource struct {
	gvr   api.GVR
	verbs []string
}

func (r resource) can(verb string) bool { return slices.Contains(r.verbs, verb) }

// display names a resource as Kubernetes' conditions do: "configmaps."
// for the core group, "deployments.apps" otherwise.
func (r resource) display() string { return r.gvr.Resource + "." + r.gvr.Group }

// discoveryError lists the group-versions whose resources could not be
// read; the others were.
type discoveryError struct {
	failed map[string]error // group-version → why
}

func (e *discoveryError) Error() string {
	gvs := make([]string, 0, len(e.failed))
	for gv := range e.failed {
		gvs = append(gvs, gv)
	}
	sort.Strings(gvs)
	parts := make([]string, len(gvs))
	for i, gv := range gvs {
		parts[i] = fmt.Sprintf("%s: %v", gv, e.failed[gv])
	}
	return "unable to retrieve the complete list of server APIs: " + strings.Join(parts, ", ")
}

// discoverDeletable returns every namespaced resource that supports
// delete, each group's resources at its preferred version (a resource
// served only by another version of the group at that one), subresources
// left out. On a partial failure it returns what it found and a
// *discoveryError.
func discoverDeletable(ctx context.Context, c *client.Client) ([]resource, error) {
	type gvs struct {
		group    string
		versions []string // preferred first
	}
	var groups []gvs
	var core apiVersions
	if err := c.Do(ctx, http.MethodGet, "/api", nil, &core); err != nil {
		return nil, fmt.Errorf("discovery: %w", err)
	}
	groups = append(groups, gvs{"", core.Versions})
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
		groups = append(groups, gvs{g.Name, vs})
	}

	var out []resource
	failed := map[string]error{}
	for _, g := range groups {
		seen := map[string]bool{} // resource names found at a more preferred version
		for _, v := range g.versions {
			if v == "" {
				continue
			}
			gv := meta.JoinAPIVersion(g.group, v)
			path := "/apis/" + gv
			if g.group == "" {
				path = "/api/" + v
			}
			var rl apiResourceList
			if err := c.Do(ctx, http.MethodGet, path, nil, &rl); err != nil {
				failed[gv] = err
				continue
			}
			for _, r := range rl.Resources {
				if strings.Contains(r.Name, "/") || !r.Namespaced || seen[r.Name] || !slices.Contains(r.Verbs, "delete") {
					continue
				}
				seen[r.Name] = true
				out = append(out, resource{gvr: api.GVR{Group: g.group, Version: v, Resource: r.Name}, verbs: r.Verbs})
			}
		}
	}
	if len(failed) > 0 {
		return out, &discoveryError{failed: failed}
	}
	return out, nil
}

// collectionPath is /api/v1/namespaces/ns/plural or the /apis equivalent.
func collectionPath(gvr api.GVR, ns string) string {
	prefix := "/apis/" + gvr.Group + "/" + gvr.Version
	if gvr.Group == "" {
		prefix = "/api/" + gvr.Version
	}
	return prefix + "/namespaces/" + url.PathEscape(ns) + "/" + gvr.Resource
}

// metaList is a list decoded down to its items' metadata: the rest of each
// object is skipped by the decoder, so listing holds little memory.
type metaList struct {
	Metadata meta.ListMeta `json:"metadata"`
	Items    []struct {
		Metadata meta.ObjectMeta `json:"metadata"`
	} `json:"items"`
}

// listMeta lists the metadata of every object of gvr in ns, in pages.
func listMeta(ctx context.Context, c *client.Client, gvr api.GVR, ns string) ([]meta.ObjectMeta, error) {
	var out []meta.ObjectMeta
	cont := ""
	for {
		q := url.Values{"limit": {"500"}}
		if cont != "" {
			q.Set("continue", cont)
		}
		var l metaList
		if err := c.Do(ctx, http.MethodGet, collectionPath(gvr, ns)+"?"+q.Encode(), nil, &l); err != nil {
			if cont != "" && client.IsExpired(err) {
				// The snapshot is gone: start over.
				out, cont = out[:0], ""
				continue
			}
			return nil, err
		}
		for i := range l.Items {
			out = append(out, l.Items[i].Metadata)
		}
		if cont = l.Metadata.Continue; cont == "" {
			return out, nil
		}
	}
}
