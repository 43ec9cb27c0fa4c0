package discovery

import (
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
)

// GroupName is the API group of this package's kinds.
const GroupName = "discovery.k8s.io"

// Version is the API version of this package's kinds.
const Version = "v1"

// Well-known labels of EndpointSlices.
const (
	// LabelServiceName names the Service a slice belongs to.
	LabelServiceName = "kubernetes.io/service-name"
	// LabelManagedBy names the controller managing a slice.
	LabelManagedBy = "endpointslice.kubernetes.io/managed-by"
	// LabelSkipMirror on an Endpoints object stops it being mirrored to slices.
	LabelSkipMirror = "endpointslice.kubernetes.io/skip-mirror"
)

// EndpointSlice is a subset of the endpoints of a Service.
type EndpointSlice struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
	// AddressType is IPv4, IPv6 or FQDN; it cannot change.
	AddressType AddressType `json:"addressType"`
	// Endpoints are at most 1000 per slice.
	Endpoints []Endpoint `json:"endpoints"`
	// Ports apply to every endpoint; an empty list means all ports.
	Ports []EndpointPort `json:"ports"`
}

// EndpointSliceList is a list of EndpointSlices.
type EndpointSliceList = meta.List[EndpointSlice]

// AddressType is the kind of addresses of a slice.
type AddressType string

// Address types.
const (
	AddressTypeIPv4 AddressType = "IPv4"
	AddressTypeIPv6 AddressType = "IPv6"
	AddressTypeFQDN AddressType = "FQDN"
)

// Endpoint is one backend, usually a pod.
type Endpoint struct {
	// Addresses are interchangeable; consumers use the first. Exactly one
	// for pod endpoints.
	Addresses  []string           `json:"addresses"`
	Conditions EndpointConditions `json:"conditions,omitempty"`
	// Hostname is the endpoint's DNS label (a pod's hostname in a
	// headless Service).
	Hostname *string `json:"hostname,omitempty"`
	// TargetRef is the pod behind the endpoint.
	TargetRef *core.ObjectReference `json:"targetRef,omitempty"`
	// DeprecatedTopology is kept for the v1beta1 topology field.
	DeprecatedTopology map[string]string `json:"deprecatedTopology,omitempty"`
	// NodeName is the node hosting the endpoint.
	NodeName *string `json:"nodeName,omitempty"`
	// Zone is the node's topology.kubernetes.io/zone.
	Zone *string `json:"zone,omitempty"`
	// Hints guide topology-aware routing.
	Hints *EndpointHints `json:"hints,omitempty"`
}

// EndpointConditions is the state of an endpoint. A nil condition means
// unknown; consumers treat unknown as true for Ready and Serving.
type EndpointConditions struct {
	// Ready means the endpoint should receive new traffic: it is serving
	// and not terminating.
	Ready *bool `json:"ready,omitempty"`
	// Serving means the pod is ready, regardless of termination.
	Serving *bool `json:"serving,omitempty"`
	// Terminating means the pod is being deleted.
	Terminating *bool `json:"terminating,omitempty"`
}

// EndpointHints say which zones or nodes should route to an endpoint.
type EndpointHints struct {
	ForZones []ForZone `json:"forZones,omitempty"`
	ForNodes []ForNode `json:"forNodes,omitempty"`
}

// ForZone names a zone.
type ForZone struct {
	Name string `json:"name"`
}

// ForNode names a node.
type ForNode struct {
	Name string `json:"name"`
}

// EndpointPort is a port of every endpoint in a slice.
type EndpointPort struct {
	// Name matches the Service port's name. Default: "".
	Name *string `json:"name,omitempty"`
	// Protocol is TCP, UDP or SCTP. Default: TCP.
	Protocol *core.Protocol `json:"protocol,omitempty"`
	// Port is the port number; nil means all ports.
	Port *int32 `json:"port,omitempty"`
	// AppProtocol is the application protocol, e.g. "http" or
	// "kubernetes.io/h2c".
	AppProtocol *string `json:"appProtocol,omitempty"`
}

// Default sets each port's name to "" and protocol to TCP when unset, as
// Kubernetes does.
func (s *EndpointSlice) Default() {
	for i := range s.Ports {
		p := &s.Ports[i]
		if p.Name == nil {
			p.Name = new(string)
		}
		if p.Protocol == nil {
			tcp := core.ProtocolTCP
			p.Protocol = &tcp
		}
	}
}
