package api

import "github.com/spar-dev/spar/api/networking"

// addNetworking registers the kinds of networking.k8s.io/v1.
func addNetworking(s *Scheme) {
	g, v := networking.GroupName, networking.Version
	MustRegister[networking.Ingress](s, Resource{Group: g, Version: v, Kind: "Ingress", Plural: "ingresses", Namespaced: true,
		ShortNames: []string{"ing"}, Subresources: []string{"status"}})
	MustRegister[networking.IngressClass](s, Resource{Group: g, Version: v, Kind: "IngressClass", Plural: "ingressclasses"})
	MustRegister[networking.NetworkPolicy](s, Resource{Group: g, Version: v, Kind: "NetworkPolicy", Plural: "networkpolicies", Namespaced: true,
		ShortNames: []string{"netpol"}})
}
