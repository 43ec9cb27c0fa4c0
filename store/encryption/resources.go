package encryption

import (
	"strings"

	"github.com/spar-dev/spar/store"
)

// groupResource is an API group and resource; "*" in either is a wildcard
// of the configuration ("*.apps", "*.", "*.*").
type groupResource struct {
	group, resource string
}

// parseGroupResource reads a configuration entry as Kubernetes does
// (schema.ParseGroupResource): the resource is what precedes the first dot,
// the group what follows it. "secrets" is {"" secrets}, "*." is {"" *},
// "deployments.apps" is {apps deployments}.
func parseGroupResource(s string) groupResource {
	resource, group, _ := strings.Cut(s, ".")
	return groupResource{group: group, resource: resource}
}

// grString is the configuration spelling of gr.
func grString(gr groupResource) string {
	switch {
	case gr.group == "" && gr.resource == "*":
		return "*."
	case gr.group == "":
		return gr.resource
	}
	return gr.resource + "." + gr.group
}

// dotlessGroups are the built-in API groups whose names have no dot. Every
// other group has one (custom resource groups must), and no core resource
// name has one, which is how ResourceOf tells the two layouts apart.
var dotlessGroups = map[string]bool{
	"apps": true, "batch": true, "autoscaling": true, "policy": true, "extensions": true,
}

// ResourceOf returns the API group and resource a store key belongs to, in
// the layout the spar API server writes (apiserver/registry.go, storePrefix):
//
//	/registry/<resource>/[<namespace>/]<name>          core group: group ""
//	/registry/<group>/<resource>/[<namespace>/]<name>  every other group
//
// A first segment is a group when it contains a dot or is one of the
// dotless built-in groups (apps, batch, autoscaling, policy, extensions).
// Secrets are therefore at /registry/secrets/, as in Kubernetes; other
// resources may differ from Kubernetes' own etcd layout (which keeps, for
// example, deployments at /registry/deployments/), which is why rules are
// matched by group and resource, never by raw key prefix. ok is false for a
// key outside store.DefaultPrefix; such a key matches only a "*.*" rule.
func ResourceOf(key string) (group, resource string, ok bool) {
	rest, ok := strings.CutPrefix(key, store.DefaultPrefix)
	if !ok {
		return "", "", false
	}
	first, rest, _ := strings.Cut(rest, "/")
	if strings.Contains(first, ".") || dotlessGroups[first] {
		resource, _, _ = strings.Cut(rest, "/")
		return first, resource, true
	}
	return "", first, true
}

// resolver finds the transformer of a key: the rule naming its exact
// resource, else its group's wildcard, else "*.*" — Kubernetes' order —
// else none (values are stored as they are, and a value that looks
// encrypted is refused).
type resolver struct {
	exact map[groupResource]*transformer
	group map[string]*transformer
	all   *transformer
}

func (r *resolver) forKey(key string) *transformer {
	group, resource, ok := ResourceOf(key)
	if ok {
		if t := r.exact[groupResource{group, resource}]; t != nil {
			return t
		}
		if t := r.group[group]; t != nil {
			return t
		}
	}
	if r.all != nil {
		return r.all
	}
	return unconfigured
}
