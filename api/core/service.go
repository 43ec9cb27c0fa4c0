package core

import "github.com/spar-dev/spar/api/meta"

// Service is a stable virtual IP and DNS name in front of the pods its
// selector matches.
type Service struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
	Spec            ServiceSpec   `json:"spec,omitempty"`
	Status          ServiceStatus `json:"status,omitempty"`
}

// ServiceList is a list of services.
type ServiceList = meta.List[Service]

// ServiceSpec is the desired state of a service.
type ServiceSpec struct {
	Ports    []ServicePort     `json:"ports,omitempty" patchStrategy:"merge" patchMergeKey:"port"`
	Selector map[string]string `json:"selector,omitempty"`
	// ClusterIP is allocated by the server; "None" makes a headless service.
	ClusterIP  string   `json:"clusterIP,omitempty"`
	ClusterIPs []string `json:"clusterIPs,omitempty"`
	// Type default: ClusterIP.
	Type        ServiceType `json:"type,omitempty"`
	ExternalIPs []string    `json:"externalIPs,omitempty"`
	// SessionAffinity default: None.
	SessionAffinity          ServiceAffinity `json:"sessionAffinity,omitempty"`
	LoadBalancerIP           string          `json:"loadBalancerIP,omitempty"`
	LoadBalancerSourceRanges []string        `json:"loadBalancerSourceRanges,omitempty"`
	ExternalName             string          `json:"externalName,omitempty"`
	// ExternalTrafficPolicy default: Cluster for externally reachable services.
	ExternalTrafficPolicy    ServiceExternalTrafficPolicy `json:"externalTrafficPolicy,omitempty"`
	HealthCheckNodePort      int32                        `json:"healthCheckNodePort,omitempty"`
	PublishNotReadyAddresses bool                         `json:"publishNotReadyAddresses,omitempty"`
	// SessionAffinityConfig default: 10800s client IP timeout with ClientIP affinity.
	SessionAffinityConfig *SessionAffinityConfig `json:"sessionAffinityConfig,omitempty"`
	IPFamilies            []IPFamily             `json:"ipFamilies,omitempty"`
	IPFamilyPolicy        *IPFamilyPolicy        `json:"ipFamilyPolicy,omitempty"`
	// AllocateLoadBalancerNodePorts default: true for LoadBalancer services.
	AllocateLoadBalancerNodePorts *bool   `json:"allocateLoadBalancerNodePorts,omitempty"`
	LoadBalancerClass             *string `json:"loadBalancerClass,omitempty"`
	// InternalTrafficPolicy default: Cluster (not for ExternalName).
	InternalTrafficPolicy *ServiceInternalTrafficPolicy `json:"internalTrafficPolicy,omitempty"`
	TrafficDistribution   *string                       `json:"trafficDistribution,omitempty"`
}

// ServicePort is one port of a service.
type ServicePort struct {
	Name string `json:"name,omitempty"`
	// Protocol default: TCP.
	Protocol    Protocol `json:"protocol,omitempty"`
	AppProtocol *string  `json:"appProtocol,omitempty"`
	Port        int32    `json:"port"`
	// TargetPort is a number or a container port name. Default: Port.
	TargetPort meta.IntOrString `json:"targetPort,omitempty"`
	NodePort   int32            `json:"nodePort,omitempty"`
}

// ClusterIPNone is the clusterIP of a headless service.
const ClusterIPNone = "None"

// ServiceType says how a service is exposed.
type ServiceType string

// Service types.
const (
	ServiceTypeClusterIP    ServiceType = "ClusterIP"
	ServiceTypeNodePort     ServiceType = "NodePort"
	ServiceTypeLoadBalancer ServiceType = "LoadBalancer"
	ServiceTypeExternalName ServiceType = "ExternalName"
)

// ServiceAffinity is None or ClientIP.
type ServiceAffinity string

// Session affinities.
const (
	ServiceAffinityClientIP ServiceAffinity = "ClientIP"
	ServiceAffinityNone     ServiceAffinity = "None"
)

// DefaultClientIPServiceAffinitySeconds is the default ClientIP affinity timeout (3 hours).
const DefaultClientIPServiceAffinitySeconds int32 = 10800

// SessionAffinityConfig configures session affinity.
type SessionAffinityConfig struct {
	ClientIP *ClientIPConfig `json:"clientIP,omitempty"`
}

// ClientIPConfig configures ClientIP affinity.
type ClientIPConfig struct {
	TimeoutSeconds *int32 `json:"timeoutSeconds,omitempty"`
}

// ServiceInternalTrafficPolicy routes in-cluster traffic to all or only local endpoints.
type ServiceInternalTrafficPolicy string

// Internal traffic policies.
const (
	ServiceInternalTrafficPolicyCluster ServiceInternalTrafficPolicy = "Cluster"
	ServiceInternalTrafficPolicyLocal   ServiceInternalTrafficPolicy = "Local"
)

// ServiceExternalTrafficPolicy routes external traffic to all or only local endpoints.
type ServiceExternalTrafficPolicy string

// External traffic policies.
const (
	ServiceExternalTrafficPolicyCluster ServiceExternalTrafficPolicy = "Cluster"
	ServiceExternalTrafficPolicyLocal   ServiceExternalTrafficPolicy = "Local"
)

// IPFamily is IPv4 or IPv6.
type IPFamily string

// IP families.
const (
	IPv4Protocol IPFamily = "IPv4"
	IPv6Protocol IPFamily = "IPv6"
)

// IPFamilyPolicy says whether a service is single- or dual-stack.
type IPFamilyPolicy string

// IP family policies.
const (
	IPFamilyPolicySingleStack      IPFamilyPolicy = "SingleStack"
	IPFamilyPolicyPreferDualStack  IPFamilyPolicy = "PreferDualStack"
	IPFamilyPolicyRequireDualStack IPFamilyPolicy = "RequireDualStack"
)

// ServiceStatus is the observed state of a service.
type ServiceStatus struct {
	LoadBalancer LoadBalancerStatus `json:"loadBalancer,omitempty"`
	Conditions   []meta.Condition   `json:"conditions,omitempty" patchStrategy:"merge" patchMergeKey:"type"`
}

// LoadBalancerStatus lists a load balancer's ingress points.
type LoadBalancerStatus struct {
	Ingress []LoadBalancerIngress `json:"ingress,omitempty"`
}

// LoadBalancerIngress is one ingress point of a load balancer.
type LoadBalancerIngress struct {
	IP       string `json:"ip,omitempty"`
	Hostname string `json:"hostname,omitempty"`
	// IPMode default: VIP when IP is set on a LoadBalancer service.
	IPMode *LoadBalancerIPMode `json:"ipMode,omitempty"`
	Ports  []PortStatus        `json:"ports,omitempty"`
}

// LoadBalancerIPMode says how traffic reaches the load balancer IP.
type LoadBalancerIPMode string

// Load balancer IP modes.
const (
	LoadBalancerIPModeVIP   LoadBalancerIPMode = "VIP"
	LoadBalancerIPModeProxy LoadBalancerIPMode = "Proxy"
)

// PortStatus is the state of one load balancer port.
type PortStatus struct {
	Port     int32    `json:"port"`
	Protocol Protocol `json:"protocol"`
	Error    *string  `json:"error,omitempty"`
}

// Endpoints lists the addresses behind a service (the legacy, pre-
// EndpointSlice form, still read by many tools).
type Endpoints struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
	Subsets         []EndpointSubset `json:"subsets,omitempty"`
}

// EndpointsList is a list of endpoints.
type EndpointsList = meta.List[Endpoints]

// EndpointSubset is a set of addresses that all expose the same ports.
type EndpointSubset struct {
	Addresses         []EndpointAddress `json:"addresses,omitempty"`
	NotReadyAddresses []EndpointAddress `json:"notReadyAddresses,omitempty"`
	Ports             []EndpointPort    `json:"ports,omitempty"`
}

// EndpointAddress is one endpoint IP.
type EndpointAddress struct {
	IP        string           `json:"ip"`
	Hostname  string           `json:"hostname,omitempty"`
	NodeName  *string          `json:"nodeName,omitempty"`
	TargetRef *ObjectReference `json:"targetRef,omitempty"`
}

// EndpointPort is one endpoint port.
type EndpointPort struct {
	Name string `json:"name,omitempty"`
	Port int32  `json:"port"`
	// Protocol default: TCP.
	Protocol    Protocol `json:"protocol,omitempty"`
	AppProtocol *string  `json:"appProtocol,omitempty"`
}
