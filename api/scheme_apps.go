package api

import "github.com/spar-dev/spar/api/apps"

// addApps registers the kinds of apps/v1.
func addApps(s *Scheme) {
	g, v := apps.GroupName, apps.Version
	all := []string{"all"}
	statusScale := []string{"status", "scale"}
	MustRegister[apps.Deployment](s, Resource{Group: g, Version: v, Kind: "Deployment", Plural: "deployments", Namespaced: true,
		ShortNames: []string{"deploy"}, Categories: all, Subresources: statusScale})
	MustRegister[apps.ReplicaSet](s, Resource{Group: g, Version: v, Kind: "ReplicaSet", Plural: "replicasets", Namespaced: true,
		ShortNames: []string{"rs"}, Categories: all, Subresources: statusScale})
	MustRegister[apps.StatefulSet](s, Resource{Group: g, Version: v, Kind: "StatefulSet", Plural: "statefulsets", Namespaced: true,
		ShortNames: []string{"sts"}, Categories: all, Subresources: statusScale})
	MustRegister[apps.DaemonSet](s, Resource{Group: g, Version: v, Kind: "DaemonSet", Plural: "daemonsets", Namespaced: true,
		ShortNames: []string{"ds"}, Categories: all, Subresources: []string{"status"}})
	MustRegister[apps.ControllerRevision](s, Resource{Group: g, Version: v, Kind: "ControllerRevision", Plural: "controllerrevisions", Namespaced: true})
}
