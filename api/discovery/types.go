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
	meta.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// AddressType is IPv4, IPv6 or FQDN; it cannot change.
	AddressType AddressType `json:"addressType" protobuf:"bytes,4,opt,name=addressType"`
	// Endpoints are at most 1000 per slice.
	Endpoints []Endpoint `json:"endpoints" protobuf:"bytes,2,rep,name=endpoints"`
	// Ports apply to every endpoint; an empty list means all ports.
	Ports []EndpointPort `json:"ports" protobuf:"bytes,3,rep,name=ports"`
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
	Addresses  []string           `json:"addresses" protobuf:"bytes,1,rep,name=addresses"`
	Conditions EndpointConditions `json:"conditions,omitempty" protobuf:"bytes,2,opt,name=conditions"`
	// Hostname is the endpoint's DNS label (a pod's hostname in a
	// headless Service).
	Hostname *string `json:"hostname,omitempty" protobuf:"bytes,3,opt,name=hostname"`
	// TargetRef is the pod behind the endpoint.
	TargetRef *core.ObjectReference `json:"targetRef,omitempty" protobuf:"bytes,4,opt,name=targetRef"`
	// DeprecatedTopology is kept for the v1beta1 topology field.
	DeprecatedTopology map[string]string `json:"deprecatedTopology,omitempty" protobuf:"bytes,5,rep,name=deprecatedTopology" protobuf_key:"bytes,1,opt,name=key" protobuf_val:"bytes,2,opt,name=value"`
	// NodeName is the node hosting the endpoint.
	NodeName *string `json:"nodeName,omitempty" protobuf:"bytes,6,opt,name=nodeName"`
	// Zone is the node's topology.kubernetes.io/zone.
	Zone *string `json:"zone,omitempty" protobuf:"bytes,7,opt,name=zone"`
	// Hints guide topology-aware routing.
	Hints *EndpointHints `json:"hints,omitempty" protobuf:"bytes,8,opt,name=hints"`
}

// EndpointConditions is the state of an endpoint. A nil condition means
// unknown; consumers treat unknown as true for Ready and Serving.
type EndpointConditions struct {
	// Ready means the endpoint should receive new traffic: it is serving
	// and not terminating.
	Ready *bool `json:"ready,omitempty" protobuf:"varint,1,opt,name=ready"`
	// Serving means the pod is ready, regardless of termination.
	Serving *bool `json:"serving,omitempty" protobuf:"varint,2,opt,name=serving"`
	// Terminating means the pod is being deleted.
	Terminating *bool `json:"terminating,omitempty" protobuf:"varint,3,opt,name=terminating"`
}

// EndpointHints say which zones or nodes should route to an endpoint.
type EndpointHints struct {
	ForZones []ForZone `json:"forZones,omitempty" protobuf:"bytes,1,rep,name=forZones"`
	ForNodes []ForNode `json:"forNodes,omitempty" protobuf:"bytes,2,rep,name=forNodes"`
}

// ForZone names a zone.
type ForZone struct {
	Name string `json:"name" protobuf:"bytes,1,opt,name=name"`
}

// ForNode names a node.
type ForNode struct {
	Name string `json:"name" protobuf:"bytes,1,opt,name=name"`
}

// EndpointPort is a port of every endpoint in a slice.
type EndpointPort struct {
	// Name matches the Service port's name. Default: "".
	Name *string `json:"name,omitempty" protobuf:"bytes,1,opt,name=name"`
	// Protocol is TCP, UDP or SCTP. Default: TCP.
	Protocol *core.Protocol `json:"protocol,omitempty" protobuf:"bytes,2,opt,name=protocol"`
	// Port is the port number; nil means all ports.
	Port *int32 `json:"port,omitempty" protobuf:"varint,3,opt,name=port"`
	// AppProtocol is the application protocol, e.g. "http" or
	// "kubernetes.io/h2c".
	AppProtocol *string `json:"appProtocol,omitempty" protobuf:"bytes,4,opt,name=appProtocol"`
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
