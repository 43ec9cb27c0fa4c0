package apiserver

import (
	"net/http"
	"runtime"
	"slices"
	"sort"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/meta"
)

// Discovery documents, as Kubernetes' meta.k8s.io/v1 types.
type (
	apiVersions struct {
		meta.TypeMeta              `json:",inline"`
		Versions                   []string              `json:"versions"`
		ServerAddressByClientCIDRs []serverAddressByCIDR `json:"serverAddressByClientCIDRs"`
	}
	serverAddressByCIDR struct {
		ClientCIDR    string `json:"clientCIDR"`
		ServerAddress string `json:"serverAddress"`
	}
	groupVersionForDiscovery struct {
		GroupVersion string `json:"groupVersion"`
		Version      string `json:"version"`
	}
	apiGroup struct {
		meta.TypeMeta              `json:",inline"`
		Name                       string                     `json:"name"`
		Versions                   []groupVersionForDiscovery `json:"versions"`
		PreferredVersion           groupVersionForDiscovery   `json:"preferredVersion"`
		ServerAddressByClientCIDRs []serverAddressByCIDR      `json:"serverAddressByClientCIDRs,omitempty"`
	}
	apiGroupList struct {
		meta.TypeMeta `json:",inline"`
		Groups        []apiGroup `json:"groups"`
	}
	apiResource struct {
		Name         string   `json:"name"`
		SingularName string   `json:"singularName"`
		Namespaced   bool     `json:"namespaced"`
		Group        string   `json:"group,omitempty"`
		Version      string   `json:"version,omitempty"`
		Kind         string   `json:"kind"`
		Verbs        []string `json:"verbs"`
		ShortNames   []string `json:"shortNames,omitempty"`
		Categories   []string `json:"categories,omitempty"`
	}
	apiResourceList struct {
		meta.TypeMeta `json:",inline"`
		GroupVersion  string        `json:"groupVersion"`
		Resources     []apiResource `json:"resources"`
	}
)

// subresourceInfo is how discovery lists each subresource.
var subresourceInfo = map[string]struct {
	group, version, kind string // kind "" means the parent's kind
	verbs                []string
}{
	"status":      {verbs: []string{"get", "patch", "update"}},
	"approval":    {verbs: []string{"get", "patch", "update"}},
	"scale":       {"autoscaling", "v1", "Scale", []string{"get", "patch", "update"}},
	"binding":     {"", "", "Binding", []string{"create"}},
	"eviction":    {"policy", "v1", "Eviction", []string{"create"}},
	"log":         {"", "", "Pod", []string{"get"}},
	"exec":        {"", "", "PodExecOptions", []string{"create", "get"}},
	"attach":      {"", "", "PodAttachOptions", []string{"create", "get"}},
	"portforward": {"", "", "PodPortForwardOptions", []string{"create", "get"}},
	"proxy":       {"", "", "ProxyOptions", []string{"create", "delete", "get", "patch", "update"}},
	"finalize":    {verbs: []string{"update"}},
	"token":       {"authentication.k8s.io", "v1", "TokenRequest", []string{"create"}},
}

func (s *Server) serverAddresses(r *http.Request) []serverAddressByCIDR {
	return []serverAddressByCIDR{{ClientCIDR: "0.0.0.0/0", ServerAddress: r.Host}}
}

// groups returns the served groups and versions in registration order.
func (s *Server) groups() (order []string, versions map[string][]string) {
	versions = map[string][]string{}
	s.mu.RLock()
	regs := make([]*registry, 0, len(s.registries))
	for _, g := range s.registries {
		regs = append(regs, g)
	}
	s.mu.RUnlock()
	// Registration order comes from the scheme.
	rank := map[*api.Resource]int{}
	for i, r := range s.scheme.Resources() {
		rank[r] = i
	}
	sort.SliceStable(regs, func(i, j int) bool { return rank[regs[i].res] < rank[regs[j].res] })
	for _, g := range regs {
		if _, ok := versions[g.res.Group]; !ok {
			order = append(order, g.res.Group)
		}
		if !slices.Contains(versions[g.res.Group], g.res.Version) {
			versions[g.res.Group] = append(versions[g.res.Group], g.res.Version)
		}
	}
	return order, versions
}

func (s *Server) apiGroup(name string, vs []string) apiGroup {
	g := apiGroup{TypeMeta: meta.TypeMeta{Kind: "APIGroup", APIVersion: "v1"}, Name: name}
	for _, v := range vs {
		g.Versions = append(g.Versions, groupVersionForDiscovery{GroupVersion: name + "/" + v, Version: v})
	}
	g.PreferredVersion = g.Versions[0]
	return g
}

// serveDiscovery answers /api, /apis, /apis/{g}, /api/v1, /apis/{g}/{v}.
// Aggregated discovery is not served: clients that ask for it accept the
// plain documents and then fetch each group-version.
func (s *Server) serveDiscovery(w http.ResponseWriter, r *http.Request, info *RequestInfo) {
	order, versions := s.groups()
	switch {
	case r.URL.Path == "/api" || r.URL.Path == "/api/":
		writeJSON(w, http.StatusOK, mediaJSON, apiVersions{
			TypeMeta: meta.TypeMeta{Kind: "APIVersions"}, Versions: versions[""], ServerAddressByClientCIDRs: s.serverAddresses(r)})
	case r.URL.Path == "/apis" || r.URL.Path == "/apis/":
		list := apiGroupList{TypeMeta: meta.TypeMeta{Kind: "APIGroupList", APIVersion: "v1"}, Groups: []apiGroup{}}
		for _, g := range order {
			if g != "" {
				list.Groups = append(list.Groups, s.apiGroup(g, versions[g]))
			}
		}
		writeJSON(w, http.StatusOK, mediaJSON, list)
	case info.APIPrefix == "apis" && info.APIGroup == "" && info.APIVersion == "":
		// /apis/{group}
		group := splitPath(r.URL.Path)[1]
		vs, ok := versions[group]
		if !ok || group == "" {
			writeError(w, meta.NewStatus(http.StatusNotFound, meta.StatusReasonNotFound, "the server could not find the requested resource"))
			return
		}
		writeJSON(w, http.StatusOK, mediaJSON, s.apiGroup(group, vs))
	case info.APIVersion != "" && !info.IsResourceRequest:
		list, ok := s.resourceList(info.APIGroup, info.APIVersion)
		if !ok {
			writeError(w, meta.NewStatus(http.StatusNotFound, meta.StatusReasonNotFound, "the server could not find the requested resource"))
			return
		}
		writeJSON(w, http.StatusOK, mediaJSON, list)
	default:
		writeError(w, meta.NewStatus(http.StatusNotFound, meta.StatusReasonNotFound, "the server could not find the requested resource"))
	}
}

// resourceList is the APIResourceList of one group-version.
func (s *Server) resourceList(group, version string) (apiResourceList, bool) {
	list := apiResourceList{
		TypeMeta:     meta.TypeMeta{Kind: "APIResourceList", APIVersion: "v1"},
		GroupVersion: meta.JoinAPIVersion(group, version),
		Resources:    []apiResource{},
	}
	found := false
	for _, res := range s.scheme.Resources() {
		if res.Group != group || res.Version != version || s.registryFor(group, version, res.Plural) == nil {
			continue
		}
		found = true
		list.Resources = append(list.Resources, apiResource{
			Name: res.Plural, SingularName: res.Singular, Namespaced: res.Namespaced, Kind: res.Kind,
			Verbs: res.Verbs, ShortNames: res.ShortNames, Categories: res.Categories,
		})
		for _, sub := range res.Subresources {
			si := subresourceInfo[sub]
			kind := si.kind
			if kind == "" {
				kind = res.Kind
			}
			list.Resources = append(list.Resources, apiResource{
				Name: res.Plural + "/" + sub, Namespaced: res.Namespaced,
				Group: si.group, Version: si.version, Kind: kind, Verbs: si.verbs,
			})
		}
	}
	return list, found || (group == "" && version == "v1")
}

// rootPaths lists the server's paths, as Kubernetes answers GET /.
func (s *Server) rootPaths() []string {
	order, versions := s.groups()
	paths := []string{"/api", "/api/v1", "/apis", "/healthz", "/livez", "/metrics", "/openapi/v2", "/openapi/v3", "/readyz", "/version"}
	for _, g := range order {
		if g == "" {
			continue
		}
		paths = append(paths, "/apis/"+g)
		for _, v := range versions[g] {
			paths = append(paths, "/apis/"+g+"/"+v)
		}
	}
	sort.Strings(paths)
	return paths
}

func defaultVersion() VersionInfo {
	return VersionInfo{
		Major: "1", Minor: "32", GitVersion: "v1.32.0-spar", GitTreeState: "clean",
		BuildDate: "2026-11-26T00:00:00Z", GoVersion: runtime.Version(), Compiler: runtime.Compiler,
		Platform: runtime.GOOS + "/" + runtime.GOARCH,
	}
}
