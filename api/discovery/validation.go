package discovery

import (
	"fmt"
	"net"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/validation"
)

// Validation of EndpointSlices, with Kubernetes' rules and messages
// (pkg/apis/discovery/validation). Addresses are checked by the slice's
// address type; as in Kubernetes, loopback, link-local and unspecified IPs
// are rejected, so a slice can never steer Service traffic to the node's own
// loopback interface or its metadata service.

// Limits of a slice.
const (
	maxTopologyLabels = 16
	maxAddresses      = 100
	maxPorts          = 20000
	maxEndpoints      = 1000
	maxZoneHints      = 8
)

// Validate checks a new EndpointSlice.
func (s *EndpointSlice) Validate() meta.FieldErrors {
	errs := validation.ValidateObjectMeta(&s.ObjectMeta, true, validation.NameIsDNSSubdomain, meta.NewPath("metadata"))
	return append(errs, s.validate()...)
}

// ValidateUpdate checks an update of an EndpointSlice; old must be an
// *EndpointSlice. The address type cannot change.
func (s *EndpointSlice) ValidateUpdate(old meta.Object) meta.FieldErrors {
	o, ok := old.(*EndpointSlice)
	if !ok {
		return meta.FieldErrors{meta.InternalFieldError(meta.NewPath("kind"), fmt.Errorf("old object is %T, not %T", old, s))}
	}
	errs := validation.ValidateObjectMetaUpdate(&s.ObjectMeta, &o.ObjectMeta, meta.NewPath("metadata"))
	errs = append(errs, s.validate()...)
	return append(errs, validation.ImmutableField(s.AddressType, o.AddressType, meta.NewPath("addressType"))...)
}

func (s *EndpointSlice) validate() meta.FieldErrors {
	var errs meta.FieldErrors
	path := meta.NewPath("addressType")
	switch s.AddressType {
	case "":
		errs = append(errs, meta.Required(path, ""))
	case AddressTypeIPv4, AddressTypeIPv6, AddressTypeFQDN:
	default:
		errs = append(errs, meta.NotSupported(path, s.AddressType, []string{"FQDN", "IPv4", "IPv6"}))
	}
	errs = append(errs, validateEndpoints(s.Endpoints, s.AddressType, meta.NewPath("endpoints"))...)
	return append(errs, validatePorts(s.Ports, meta.NewPath("ports"))...)
}

func validateEndpoints(endpoints []Endpoint, addrType AddressType, path *meta.Path) meta.FieldErrors {
	if len(endpoints) > maxEndpoints {
		return meta.FieldErrors{meta.TooMany(path, len(endpoints), maxEndpoints)}
	}
	var errs meta.FieldErrors
	for i := range endpoints {
		ep := &endpoints[i]
		p := path.Index(i)
		addrPath := p.Child("addresses")
		if len(ep.Addresses) == 0 {
			errs = append(errs, meta.Required(addrPath, "must contain at least 1 address"))
		} else if len(ep.Addresses) > maxAddresses {
			errs = append(errs, meta.TooMany(addrPath, len(ep.Addresses), maxAddresses))
		}
		for j, a := range ep.Addresses {
			// Unknown address types were reported above; their
			// addresses are not checked.
			switch addrType {
			case AddressTypeIPv4:
				errs = append(errs, validateIP(a, true, addrPath.Index(j))...)
			case AddressTypeIPv6:
				errs = append(errs, validateIP(a, false, addrPath.Index(j))...)
			case AddressTypeFQDN:
				errs = append(errs, validation.IsFullyQualifiedDomainName(addrPath.Index(j), a)...)
			}
		}
		if ep.NodeName != nil {
			errs = append(errs, validation.InvalidEach(p.Child("nodeName"), *ep.NodeName, validation.NameIsDNSSubdomain(*ep.NodeName, false))...)
		}
		topo := p.Child("deprecatedTopology")
		if len(ep.DeprecatedTopology) > maxTopologyLabels {
			errs = append(errs, meta.TooMany(topo, len(ep.DeprecatedTopology), maxTopologyLabels))
		}
		errs = append(errs, validation.ValidateLabels(ep.DeprecatedTopology, topo)...)
		if ep.Hostname != nil {
			errs = append(errs, validation.ValidateDNS1123Label(*ep.Hostname, p.Child("hostname"))...)
		}
		if ep.Hints != nil {
			errs = append(errs, validateHints(ep.Hints, p.Child("hints"))...)
		}
	}
	return errs
}

// validateIP checks an address of the slice's family, then that it is
// usable as an endpoint (as Kubernetes' ValidateEndpointIP).
func validateIP(addr string, v4 bool, path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	ip := net.ParseIP(addr)
	isV4 := ip != nil && ip.To4() != nil
	switch {
	case v4 && !isV4:
		errs = append(errs, meta.Invalid(path, addr, "must be a valid IPv4 address"))
	case !v4 && (ip == nil || isV4):
		errs = append(errs, meta.Invalid(path, addr, "must be a valid IPv6 address"))
	}
	if ip == nil {
		return append(errs, meta.Invalid(path, addr, "must be a valid IP address"))
	}
	if ip.IsUnspecified() {
		errs = append(errs, meta.Invalid(path, addr, fmt.Sprintf("may not be unspecified (%s)", addr)))
	}
	if ip.IsLoopback() {
		errs = append(errs, meta.Invalid(path, addr, "may not be in the loopback range (127.0.0.0/8, ::1/128)"))
	}
	if ip.IsLinkLocalUnicast() {
		errs = append(errs, meta.Invalid(path, addr, "may not be in the link-local range (169.254.0.0/16, fe80::/10)"))
	}
	if ip.IsLinkLocalMulticast() {
		errs = append(errs, meta.Invalid(path, addr, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"))
	}
	return errs
}

func validatePorts(ports []EndpointPort, path *meta.Path) meta.FieldErrors {
	if len(ports) > maxPorts {
		return meta.FieldErrors{meta.TooMany(path, len(ports), maxPorts)}
	}
	var errs meta.FieldErrors
	names := map[string]bool{}
	for i := range ports {
		port := &ports[i]
		p := path.Index(i)
		name := ""
		if port.Name != nil {
			name = *port.Name
		}
		if name != "" {
			errs = append(errs, validation.ValidateDNS1123Label(name, p.Child("name"))...)
		}
		if names[name] {
			errs = append(errs, meta.Duplicate(p.Child("name"), name))
		}
		names[name] = true
		switch {
		case port.Protocol == nil:
			errs = append(errs, meta.Required(p.Child("protocol"), ""))
		case *port.Protocol != core.ProtocolTCP && *port.Protocol != core.ProtocolUDP && *port.Protocol != core.ProtocolSCTP:
			errs = append(errs, meta.NotSupported(p.Child("protocol"), *port.Protocol, []string{"SCTP", "TCP", "UDP"}))
		}
		if port.AppProtocol != nil {
			errs = append(errs, validation.ValidateQualifiedName(*port.AppProtocol, p.Child("appProtocol"))...)
		}
	}
	return errs
}

func validateHints(h *EndpointHints, path *meta.Path) meta.FieldErrors {
	zones := path.Child("forZones")
	if len(h.ForZones) > maxZoneHints {
		return meta.FieldErrors{meta.TooMany(zones, len(h.ForZones), maxZoneHints)}
	}
	var errs meta.FieldErrors
	seen := map[string]bool{}
	for i, z := range h.ForZones {
		p := zones.Index(i).Child("name")
		if seen[z.Name] {
			errs = append(errs, meta.Duplicate(p, z.Name))
		}
		seen[z.Name] = true
		errs = append(errs, validation.InvalidEach(p, z.Name, validation.IsValidLabelValue(z.Name))...)
	}
	return errs
}
