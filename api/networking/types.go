package networking

import (
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
)

// GroupName is the API group of this package's kinds.
const GroupName = "networking.k8s.io"

// Version is the API version of this package's kinds.
const Version = "v1"

// AnnotationIsDefaultIngressClass set to "true" on an IngressClass makes it
// the class of Ingresses that name none.
const AnnotationIsDefaultIngressClass = "ingressclass.kubernetes.io/is-default-class"

// Ingress routes external HTTP(S) traffic to Services by host and path.
type Ingress struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	Spec            IngressSpec   `json:"spec,omitempty" protobuf:"bytes,2,opt,name=spec"`
	Status          IngressStatus `json:"status,omitempty" protobuf:"bytes,3,opt,name=status"`
}

// IngressList is a list of Ingresses.
type IngressList = meta.List[Ingress]

// IngressSpec is the desired routing of an Ingress.
type IngressSpec struct {
	// IngressClassName names the IngressClass; unset means the default class.
	IngressClassName *string `json:"ingressClassName,omitempty" protobuf:"bytes,4,opt,name=ingressClassName"`
	// DefaultBackend serves requests no rule matches.
	DefaultBackend *IngressBackend `json:"defaultBackend,omitempty" protobuf:"bytes,1,opt,name=defaultBackend"`
	// TLS terminates HTTPS for the listed hosts with a Secret's certificate.
	TLS   []IngressTLS  `json:"tls,omitempty" protobuf:"bytes,2,rep,name=tls"`
	Rules []IngressRule `json:"rules,omitempty" protobuf:"bytes,3,rep,name=rules"`
}

// IngressTLS names the certificate of some hosts.
type IngressTLS struct {
	Hosts []string `json:"hosts,omitempty" protobuf:"bytes,1,rep,name=hosts"`
	// SecretName is a kubernetes.io/tls Secret in the Ingress's namespace.
	SecretName string `json:"secretName,omitempty" protobuf:"bytes,2,opt,name=secretName"`
}

// IngressRule routes the requests for one host (or every host).
type IngressRule struct {
	// Host is a DNS name, optionally with a leading "*." wildcard label;
	// empty matches every host.
	Host             string `json:"host,omitempty" protobuf:"bytes,1,opt,name=host"`
	IngressRuleValue `json:",inline" protobuf:"bytes,2,opt,name=ingressRuleValue"`
}

// IngressRuleValue holds the protocol-specific rules of an IngressRule.
type IngressRuleValue struct {
	HTTP *HTTPIngressRuleValue `json:"http,omitempty" protobuf:"bytes,1,opt,name=http"`
}

// HTTPIngressRuleValue lists the paths of a host.
type HTTPIngressRuleValue struct {
	Paths []HTTPIngressPath `json:"paths" protobuf:"bytes,1,rep,name=paths"`
}

// HTTPIngressPath routes a path to a backend.
type HTTPIngressPath struct {
	// Path starts with "/"; how it matches depends on PathType.
	Path string `json:"path,omitempty" protobuf:"bytes,1,opt,name=path"`
	// PathType is Exact, Prefix or ImplementationSpecific; required.
	PathType *PathType      `json:"pathType" protobuf:"bytes,3,opt,name=pathType"`
	Backend  IngressBackend `json:"backend" protobuf:"bytes,2,opt,name=backend"`
}

// PathType is how a path matches.
type PathType string

// Path types.
const (
	// PathTypeExact matches the URL path exactly (case-sensitive).
	PathTypeExact PathType = "Exact"
	// PathTypePrefix matches on a "/"-separated element prefix: /foo
	// matches /foo and /foo/bar but not /foobar.
	PathTypePrefix PathType = "Prefix"
	// PathTypeImplementationSpecific leaves matching to the IngressClass.
	PathTypeImplementationSpecific PathType = "ImplementationSpecific"
)

// IngressBackend is a Service port or another resource; exactly one is set.
type IngressBackend struct {
	Service  *IngressServiceBackend          `json:"service,omitempty" protobuf:"bytes,4,opt,name=service"`
	Resource *core.TypedLocalObjectReference `json:"resource,omitempty" protobuf:"bytes,3,opt,name=resource"`
}

// IngressServiceBackend is a Service in the Ingress's namespace and a port.
type IngressServiceBackend struct {
	Name string             `json:"name" protobuf:"bytes,1,opt,name=name"`
	Port ServiceBackendPort `json:"port,omitempty" protobuf:"bytes,2,opt,name=port"`
}

// ServiceBackendPort is a Service port by name or by number.
type ServiceBackendPort struct {
	Name   string `json:"name,omitempty" protobuf:"bytes,1,opt,name=name"`
	Number int32  `json:"number,omitempty" protobuf:"varint,2,opt,name=number"`
}

// IngressStatus is the observed state of an Ingress.
type IngressStatus struct {
	LoadBalancer IngressLoadBalancerStatus `json:"loadBalancer,omitempty" protobuf:"bytes,1,opt,name=loadBalancer"`
}

// IngressLoadBalancerStatus lists the addresses the Ingress is served at.
type IngressLoadBalancerStatus struct {
	Ingress []IngressLoadBalancerIngress `json:"ingress,omitempty" protobuf:"bytes,1,rep,name=ingress"`
}

// IngressLoadBalancerIngress is one address of an Ingress.
type IngressLoadBalancerIngress struct {
	IP       string              `json:"ip,omitempty" protobuf:"bytes,1,opt,name=ip"`
	Hostname string              `json:"hostname,omitempty" protobuf:"bytes,2,opt,name=hostname"`
	Ports    []IngressPortStatus `json:"ports,omitempty" protobuf:"bytes,4,rep,name=ports"`
}

// IngressPortStatus is the state of one port of an Ingress address.
type IngressPortStatus struct {
	Port     int32         `json:"port" protobuf:"varint,1,opt,name=port"`
	Protocol core.Protocol `json:"protocol" protobuf:"bytes,2,opt,name=protocol"`
	// Error is a CamelCase reason or a domain-prefixed one, if the port failed.
	Error *string `json:"error,omitempty" protobuf:"bytes,3,opt,name=error"`
}

// Default does nothing: networking.k8s.io/v1 defaults no field of an
// Ingress (pathType is required). It exists so that every kind can be
// defaulted the same way.
func (i *Ingress) Default() {}

// IngressClass names the controller that implements Ingresses of the class.
type IngressClass struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	Spec            IngressClassSpec `json:"spec,omitempty" protobuf:"bytes,2,opt,name=spec"`
}

// IngressClassList is a list of IngressClasses.
type IngressClassList = meta.List[IngressClass]

// IngressClassSpec describes an IngressClass.
type IngressClassSpec struct {
	// Controller is a domain-prefixed name, e.g. "example.com/ingress-controller".
	Controller string `json:"controller,omitempty" protobuf:"bytes,1,opt,name=controller"`
	// Parameters point at controller-specific configuration.
	Parameters *IngressClassParametersReference `json:"parameters,omitempty" protobuf:"bytes,2,opt,name=parameters"`
}

// Scopes of IngressClass parameters.
const (
	IngressClassParametersReferenceScopeNamespace = "Namespace"
	IngressClassParametersReferenceScopeCluster   = "Cluster"
)

// IngressClassParametersReference points at a parameters object.
type IngressClassParametersReference struct {
	APIGroup *string `json:"apiGroup,omitempty" protobuf:"bytes,1,opt,name=aPIGroup"`
	Kind     string  `json:"kind" protobuf:"bytes,2,opt,name=kind"`
	Name     string  `json:"name" protobuf:"bytes,3,opt,name=name"`
	// Scope is Cluster or Namespace. Default: Cluster.
	Scope *string `json:"scope" protobuf:"bytes,4,opt,name=scope"`
	// Namespace of the parameters, required with scope Namespace.
	Namespace *string `json:"namespace,omitempty" protobuf:"bytes,5,opt,name=namespace"`
}

// Default sets the parameters' scope to Cluster when unset.
func (c *IngressClass) Default() {
	if p := c.Spec.Parameters; p != nil && p.Scope == nil {
		scope := IngressClassParametersReferenceScopeCluster
		p.Scope = &scope
	}
}

// NetworkPolicy restricts the traffic to and from the pods it selects.
type NetworkPolicy struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	Spec            NetworkPolicySpec `json:"spec,omitempty" protobuf:"bytes,2,opt,name=spec"`
}

// NetworkPolicyList is a list of NetworkPolicies.
type NetworkPolicyList = meta.List[NetworkPolicy]

// NetworkPolicySpec is the policy's rules.
type NetworkPolicySpec struct {
	// PodSelector selects the pods the policy applies to; empty selects all
	// pods of the namespace.
	PodSelector meta.LabelSelector         `json:"podSelector" protobuf:"bytes,1,opt,name=podSelector"`
	Ingress     []NetworkPolicyIngressRule `json:"ingress,omitempty" protobuf:"bytes,2,rep,name=ingress"`
	Egress      []NetworkPolicyEgressRule  `json:"egress,omitempty" protobuf:"bytes,3,rep,name=egress"`
	// PolicyTypes says which directions the policy isolates.
	// Default: Ingress, plus Egress when egress rules are given.
	PolicyTypes []PolicyType `json:"policyTypes,omitempty" protobuf:"bytes,4,rep,name=policyTypes"`
}

// PolicyType is Ingress or Egress.
type PolicyType string

// Policy types.
const (
	PolicyTypeIngress PolicyType = "Ingress"
	PolicyTypeEgress  PolicyType = "Egress"
)

// NetworkPolicyIngressRule admits traffic from peers to ports.
type NetworkPolicyIngressRule struct {
	Ports []NetworkPolicyPort `json:"ports,omitempty" protobuf:"bytes,1,rep,name=ports"`
	From  []NetworkPolicyPeer `json:"from,omitempty" protobuf:"bytes,2,rep,name=from"`
}

// NetworkPolicyEgressRule admits traffic to peers on ports.
type NetworkPolicyEgressRule struct {
	Ports []NetworkPolicyPort `json:"ports,omitempty" protobuf:"bytes,1,rep,name=ports"`
	To    []NetworkPolicyPeer `json:"to,omitempty" protobuf:"bytes,2,rep,name=to"`
}

// NetworkPolicyPort is a port, a named port or a port range.
type NetworkPolicyPort struct {
	// Protocol is TCP, UDP or SCTP. Default: TCP.
	Protocol *core.Protocol    `json:"protocol,omitempty" protobuf:"bytes,1,opt,name=protocol"`
	Port     *meta.IntOrString `json:"port,omitempty" protobuf:"bytes,2,opt,name=port"`
	// EndPort makes Port..EndPort a range.
	EndPort *int32 `json:"endPort,omitempty" protobuf:"varint,3,opt,name=endPort"`
}

// NetworkPolicyPeer is a set of pods, namespaces or IP blocks.
type NetworkPolicyPeer struct {
	PodSelector       *meta.LabelSelector `json:"podSelector,omitempty" protobuf:"bytes,1,opt,name=podSelector"`
	NamespaceSelector *meta.LabelSelector `json:"namespaceSelector,omitempty" protobuf:"bytes,2,opt,name=namespaceSelector"`
	IPBlock           *IPBlock            `json:"ipBlock,omitempty" protobuf:"bytes,3,opt,name=ipBlock"`
}

// IPBlock is a CIDR minus some sub-CIDRs.
type IPBlock struct {
	CIDR   string   `json:"cidr" protobuf:"bytes,1,opt,name=cidr"`
	Except []string `json:"except,omitempty" protobuf:"bytes,2,rep,name=except"`
}

// Default sets policyTypes (Ingress, plus Egress if there are egress rules)
// and each port's protocol (TCP) when unset.
func (n *NetworkPolicy) Default() {
	s := &n.Spec
	for i := range s.Ingress {
		defaultPorts(s.Ingress[i].Ports)
	}
	for i := range s.Egress {
		defaultPorts(s.Egress[i].Ports)
	}
	if len(s.PolicyTypes) == 0 {
		s.PolicyTypes = []PolicyType{PolicyTypeIngress}
		if len(s.Egress) != 0 {
			s.PolicyTypes = append(s.PolicyTypes, PolicyTypeEgress)
		}
	}
}

func defaultPorts(ports []NetworkPolicyPort) {
	for i := range ports {
		if ports[i].Protocol == nil {
			tcp := core.ProtocolTCP
			ports[i].Protocol = &tcp
		}
	}
}
