package api

import "github.com/spar-dev/spar/api/core"

// addCore registers the kinds of the core API group (v1), with the resource
// names, short names, categories, verbs and subresources the Kubernetes API
// server advertises for them. ReplicationController and ComponentStatus are
// not modelled.
func addCore(s *Scheme) {
	// Namespaces cannot be deleted as a collection.
	nsVerbs := []string{"create", "delete", "get", "list", "patch", "update", "watch"}

	MustRegister[core.Pod](s, Resource{
		Version: "v1", Kind: "Pod", Plural: "pods", Namespaced: true,
		ShortNames: []string{"po"}, Categories: []string{"all"},
		Subresources: []string{"status", "binding", "eviction", "log", "exec", "attach", "portforward", "proxy"},
	})
	MustRegister[core.Binding](s, Resource{
		Version: "v1", Kind: "Binding", Plural: "bindings", Namespaced: true,
		Verbs: []string{"create"},
	})
	MustRegister[core.PodTemplate](s, Resource{
		Version: "v1", Kind: "PodTemplate", Plural: "podtemplates", Namespaced: true,
	})
	MustRegister[core.Service](s, Resource{
		Version: "v1", Kind: "Service", Plural: "services", Namespaced: true,
		ShortNames: []string{"svc"}, Categories: []string{"all"},
		Subresources: []string{"status", "proxy"},
	})
	MustRegister[core.Endpoints](s, Resource{
		Version: "v1", Kind: "Endpoints", Plural: "endpoints", Singular: "endpoints", Namespaced: true,
		ShortNames: []string{"ep"},
	})
	MustRegister[core.Node](s, Resource{
		Version: "v1", Kind: "Node", Plural: "nodes",
		ShortNames:   []string{"no"},
		Subresources: []string{"status", "proxy"},
	})
	MustRegister[core.Namespace](s, Resource{
		Version: "v1", Kind: "Namespace", Plural: "namespaces",
		ShortNames:   []string{"ns"},
		Verbs:        nsVerbs,
		Subresources: []string{"status", "finalize"},
	})
	MustRegister[core.ConfigMap](s, Resource{
		Version: "v1", Kind: "ConfigMap", Plural: "configmaps", Namespaced: true,
		ShortNames: []string{"cm"},
	})
	MustRegister[core.Secret](s, Resource{
		Version: "v1", Kind: "Secret", Plural: "secrets", Namespaced: true,
	})
	MustRegister[core.ServiceAccount](s, Resource{
		Version: "v1", Kind: "ServiceAccount", Plural: "serviceaccounts", Namespaced: true,
		ShortNames: []string{"sa"}, Subresources: []string{"token"},
	})
	MustRegister[core.PersistentVolume](s, Resource{
		Version: "v1", Kind: "PersistentVolume", Plural: "persistentvolumes",
		ShortNames:   []string{"pv"},
		Subresources: []string{"status"},
	})
	MustRegister[core.PersistentVolumeClaim](s, Resource{
		Version: "v1", Kind: "PersistentVolumeClaim", Plural: "persistentvolumeclaims", Namespaced: true,
		ShortNames:   []string{"pvc"},
		Subresources: []string{"status"},
	})
	MustRegister[core.Event](s, Resource{
		Version: "v1", Kind: "Event", Plural: "events", Namespaced: true,
		ShortNames: []string{"ev"},
	})
	MustRegister[core.LimitRange](s, Resource{
		Version: "v1", Kind: "LimitRange", Plural: "limitranges", Namespaced: true,
		ShortNames: []string{"limits"},
	})
	MustRegister[core.ResourceQuota](s, Resource{
		Version: "v1", Kind: "ResourceQuota", Plural: "resourcequotas", Namespaced: true,
		ShortNames:   []string{"quota"},
		Subresources: []string{"status"},
	})
}
