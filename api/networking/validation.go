package networking

import (
	"fmt"
	"net"
	"strings"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/validation"
)

// Validation of the networking.k8s.io kinds, with Kubernetes' rules and
// messages (pkg/apis/networking/validation).

const (
	// annotationIngressClass is the legacy way of naming an Ingress's class.
	annotationIngressClass       = "kubernetes.io/ingress.class"
	maxLenIngressClassController = 250
)

var (
	invalidPathSequences = []string{"//", "/./", "/../", "%2f", "%2F"}
	invalidPathSuffixes  = []string{"/..", "/."}
	metadataPath         = meta.NewPath("metadata")
)

func wrongType(old meta.Object, want any) meta.FieldErrors {
	return meta.FieldErrors{meta.InternalFieldError(meta.NewPath("kind"), fmt.Errorf("old object is %T, not %T", old, want))}
}

// ingressOptions relax Ingress validation on update for values that older
// Kubernetes versions accepted and that may still be stored.
type ingressOptions struct {
	allowInvalidSecretName       bool
	allowInvalidWildcardHostRule bool
}

// Validate checks a new Ingress: rules (DNS or wildcard hosts, absolute
// paths with a pathType, one backend each) or a default backend, TLS hosts
// and secret names, and the class. The legacy kubernetes.io/ingress.class
// annotation must agree with ingressClassName when both are set.
func (in *Ingress) Validate() meta.FieldErrors {
	errs := validation.ValidateObjectMeta(&in.ObjectMeta, true, validation.NameIsDNSSubdomain, metadataPath)
	errs = append(errs, in.Spec.validate(meta.NewPath("spec"), ingressOptions{})...)
	if v, ok := in.Annotations[annotationIngressClass]; ok && in.Spec.IngressClassName != nil && v != *in.Spec.IngressClassName {
		errs = append(errs, meta.Invalid(meta.NewPath("annotations").Child(annotationIngressClass), v,
			"must match `ingressClassName` when both are specified"))
	}
	return errs
}

// ValidateUpdate checks an update of an Ingress; old must be an *Ingress.
// Every spec field may change.
func (in *Ingress) ValidateUpdate(old meta.Object) meta.FieldErrors {
	o, ok := old.(*Ingress)
	if !ok {
		return wrongType(old, in)
	}
	errs := validation.ValidateObjectMetaUpdate(&in.ObjectMeta, &o.ObjectMeta, metadataPath)
	opts := ingressOptions{}
	for _, tls := range o.Spec.TLS {
		if tls.SecretName != "" && len(validation.NameIsDNSSubdomain(tls.SecretName, false)) > 0 {
			opts.allowInvalidSecretName = true
		}
	}
	for i := range o.Spec.Rules {
		r := &o.Spec.Rules[i]
		if strings.Contains(r.Host, "*") && len(validateIngressRuleValue(&r.IngressRuleValue, meta.NewPath("spec"))) > 0 {
			opts.allowInvalidWildcardHostRule = true
		}
	}
	return append(errs, in.Spec.validate(meta.NewPath("spec"), opts)...)
}

func (s *IngressSpec) validate(path *meta.Path, opts ingressOptions) meta.FieldErrors {
	var errs meta.FieldErrors
	if len(s.Rules) == 0 && s.DefaultBackend == nil {
		errs = append(errs, meta.Invalid(path, s.Rules, "either `defaultBackend` or `rules` must be specified"))
	}
	if s.DefaultBackend != nil {
		errs = append(errs, validateIngressBackend(s.DefaultBackend, path.Child("defaultBackend"))...)
	}
	rules := path.Child("rules")
	for i := range s.Rules {
		r := &s.Rules[i]
		p := rules.Index(i)
		wildcard := false
		if r.Host != "" {
			if net.ParseIP(r.Host) != nil {
				errs = append(errs, meta.Invalid(p.Child("host"), r.Host, "must be a DNS name, not an IP address"))
			}
			if strings.Contains(r.Host, "*") {
				wildcard = true
				errs = append(errs, validation.InvalidEach(p.Child("host"), r.Host, validation.IsWildcardDNS1123Subdomain(r.Host))...)
			} else {
				errs = append(errs, validation.InvalidEach(p.Child("host"), r.Host, validation.IsDNS1123Subdomain(r.Host))...)
			}
		}
		if !wildcard || !opts.allowInvalidWildcardHostRule {
			errs = append(errs, validateIngressRuleValue(&r.IngressRuleValue, p)...)
		}
	}
	tls := path.Child("tls")
	for i, t := range s.TLS {
		for j, host := range t.Hosts {
			hp := tls.Index(i).Child("hosts").Index(j)
			if strings.Contains(host, "*") {
				errs = append(errs, validation.InvalidEach(hp, host, validation.IsWildcardDNS1123Subdomain(host))...)
			} else {
				errs = append(errs, validation.InvalidEach(hp, host, validation.IsDNS1123Subdomain(host))...)
			}
		}
		if !opts.allowInvalidSecretName && t.SecretName != "" {
			errs = append(errs, validation.InvalidEach(tls.Index(i).Child("secretName"), t.SecretName, validation.NameIsDNSSubdomain(t.SecretName, false))...)
		}
	}
	if s.IngressClassName != nil {
		errs = append(errs, validation.InvalidEach(path.Child("ingressClassName"), *s.IngressClassName, validation.NameIsDNSSubdomain(*s.IngressClassName, false))...)
	}
	return errs
}

func validateIngressRuleValue(v *IngressRuleValue, path *meta.Path) meta.FieldErrors {
	if v.HTTP == nil {
		return nil
	}
	var errs meta.FieldErrors
	paths := path.Child("http", "paths")
	if len(v.HTTP.Paths) == 0 {
		errs = append(errs, meta.Required(paths, ""))
	}
	for i := range v.HTTP.Paths {
		errs = append(errs, validateHTTPIngressPath(&v.HTTP.Paths[i], paths.Index(i))...)
	}
	return errs
}

func validateHTTPIngressPath(p *HTTPIngressPath, path *meta.Path) meta.FieldErrors {
	if p.PathType == nil {
		return meta.FieldErrors{meta.Required(path.Child("pathType"), "pathType must be specified")}
	}
	var errs meta.FieldErrors
	pp := path.Child("path")
	switch *p.PathType {
	case PathTypeExact, PathTypePrefix:
		if !strings.HasPrefix(p.Path, "/") {
			errs = append(errs, meta.Invalid(pp, p.Path, "must be an absolute path"))
		}
		for _, seq := range invalidPathSequences {
			if strings.Contains(p.Path, seq) {
				errs = append(errs, meta.Invalid(pp, p.Path, fmt.Sprintf("must not contain '%s'", seq)))
			}
		}
		for _, suffix := range invalidPathSuffixes {
			if strings.HasSuffix(p.Path, suffix) {
				errs = append(errs, meta.Invalid(pp, p.Path, fmt.Sprintf("cannot end with '%s'", suffix)))
			}
		}
	case PathTypeImplementationSpecific:
		if p.Path != "" && !strings.HasPrefix(p.Path, "/") {
			errs = append(errs, meta.Invalid(pp, p.Path, "must be an absolute path"))
		}
	default:
		errs = append(errs, meta.NotSupported(path.Child("pathType"), *p.PathType,
			[]string{string(PathTypeExact), string(PathTypeImplementationSpecific), string(PathTypePrefix)}))
	}
	return append(errs, validateIngressBackend(&p.Backend, path.Child("backend"))...)
}

// validateIngressBackend checks that exactly one of a Service port and a
// resource is set, and the one that is.
func validateIngressBackend(b *IngressBackend, path *meta.Path) meta.FieldErrors {
	switch {
	case b.Resource != nil && b.Service != nil:
		return meta.FieldErrors{meta.Invalid(path, "", "cannot set both resource and service backends")}
	case b.Resource != nil:
		return validateTypedLocalObjectReference(b.Resource, path.Child("resource"))
	case b.Service == nil:
		return meta.FieldErrors{meta.Invalid(path, "", "resource or service backend is required")}
	}
	var errs meta.FieldErrors
	svc := b.Service
	if svc.Name == "" {
		errs = append(errs, meta.Required(path.Child("service", "name"), ""))
	} else {
		errs = append(errs, validation.InvalidEach(path.Child("service", "name"), svc.Name, validation.NameIsDNS1035Label(svc.Name, false))...)
	}
	port := path.Child("service", "port")
	switch hasName, hasNumber := svc.Port.Name != "", svc.Port.Number != 0; {
	case hasName && hasNumber:
		errs = append(errs, meta.Invalid(path, "", "cannot set both port name & port number"))
	case hasName:
		errs = append(errs, validation.InvalidEach(port.Child("name"), svc.Port.Name, validation.IsValidPortName(svc.Port.Name))...)
	case hasNumber:
		errs = append(errs, validation.InvalidEach(port.Child("number"), svc.Port.Number, validation.IsValidPortNum(int(svc.Port.Number)))...)
	default:
		errs = append(errs, meta.Required(path, "port name or number is required"))
	}
	return errs
}

func validateTypedLocalObjectReference(r *core.TypedLocalObjectReference, path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if r.APIGroup != nil {
		errs = append(errs, validation.InvalidEach(path.Child("apiGroup"), *r.APIGroup, validation.IsDNS1123Subdomain(*r.APIGroup))...)
	}
	if r.Kind == "" {
		errs = append(errs, meta.Required(path.Child("kind"), "kind is required"))
	} else {
		errs = append(errs, validation.InvalidEach(path.Child("kind"), r.Kind, validation.IsPathSegmentName(r.Kind))...)
	}
	if r.Name == "" {
		errs = append(errs, meta.Required(path.Child("name"), "name is required"))
	} else {
		errs = append(errs, validation.InvalidEach(path.Child("name"), r.Name, validation.IsPathSegmentName(r.Name))...)
	}
	return errs
}

// Validate checks a new IngressClass: a domain-prefixed controller name and
// a well-formed parameters reference.
func (c *IngressClass) Validate() meta.FieldErrors {
	errs := validation.ValidateObjectMeta(&c.ObjectMeta, false, validation.NameIsDNSSubdomain, metadataPath)
	return append(errs, c.Spec.validate(meta.NewPath("spec"))...)
}

// ValidateUpdate checks an update of an IngressClass; old must be an
// *IngressClass. The controller cannot change.
func (c *IngressClass) ValidateUpdate(old meta.Object) meta.FieldErrors {
	o, ok := old.(*IngressClass)
	if !ok {
		return wrongType(old, c)
	}
	errs := validation.ValidateObjectMetaUpdate(&c.ObjectMeta, &o.ObjectMeta, metadataPath)
	errs = append(errs, validation.ImmutableField(c.Spec.Controller, o.Spec.Controller, meta.NewPath("spec", "controller"))...)
	return append(errs, c.Spec.validate(meta.NewPath("spec"))...)
}

func (s *IngressClassSpec) validate(path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	ctrl := path.Child("controller")
	if len(s.Controller) > maxLenIngressClassController {
		errs = append(errs, meta.TooLong(ctrl, maxLenIngressClassController))
	}
	errs = append(errs, validation.IsDomainPrefixedPath(ctrl, s.Controller)...)
	p := s.Parameters
	if p == nil {
		return errs
	}
	params := path.Child("parameters")
	errs = append(errs, validateTypedLocalObjectReference(&core.TypedLocalObjectReference{APIGroup: p.APIGroup, Kind: p.Kind, Name: p.Name}, params)...)
	if p.Scope == nil {
		return append(errs, meta.Required(params.Child("scope"), ""))
	}
	switch *p.Scope {
	case IngressClassParametersReferenceScopeNamespace:
		if p.Namespace == nil {
			errs = append(errs, meta.Required(params.Child("namespace"), "`parameters.scope` is set to 'Namespace'"))
		} else {
			errs = append(errs, validation.InvalidEach(params.Child("namespace"), *p.Namespace, validation.NameIsDNSLabel(*p.Namespace, false))...)
		}
	case IngressClassParametersReferenceScopeCluster:
		if p.Namespace != nil {
			errs = append(errs, meta.Forbidden(params.Child("namespace"), "`parameters.scope` is set to 'Cluster'"))
		}
	default:
		errs = append(errs, meta.NotSupported(params.Child("scope"), *p.Scope,
			[]string{IngressClassParametersReferenceScopeCluster, IngressClassParametersReferenceScopeNamespace}))
	}
	return errs
}

// Validate checks a new NetworkPolicy: selectors, ports (a number with an
// optional endPort, or a name), peers (exactly one kind when an ipBlock is
// used) and policy types.
func (n *NetworkPolicy) Validate() meta.FieldErrors {
	errs := validation.ValidateObjectMeta(&n.ObjectMeta, true, validation.NameIsDNSSubdomain, metadataPath)
	return append(errs, n.Spec.validate(validation.LabelSelectorOptions{}, meta.NewPath("spec"))...)
}

// ValidateUpdate checks an update of a NetworkPolicy; old must be a
// *NetworkPolicy. A pod selector value that was stored before stays
// acceptable.
func (n *NetworkPolicy) ValidateUpdate(old meta.Object) meta.FieldErrors {
	o, ok := old.(*NetworkPolicy)
	if !ok {
		return wrongType(old, n)
	}
	errs := validation.ValidateObjectMetaUpdate(&n.ObjectMeta, &o.ObjectMeta, metadataPath)
	opts := validation.LabelSelectorOptions{
		AllowInvalidLabelValueInSelector: len(validation.ValidateLabelSelector(&o.Spec.PodSelector, validation.LabelSelectorOptions{}, meta.NewPath("x"))) > 0,
	}
	return append(errs, n.Spec.validate(opts, meta.NewPath("spec"))...)
}

func (s *NetworkPolicySpec) validate(opts validation.LabelSelectorOptions, path *meta.Path) meta.FieldErrors {
	errs := validation.ValidateLabelSelector(&s.PodSelector, opts, path.Child("podSelector"))
	for i, rule := range s.Ingress {
		p := path.Child("ingress").Index(i)
		for j := range rule.Ports {
			errs = append(errs, validatePolicyPort(&rule.Ports[j], p.Child("ports").Index(j))...)
		}
		for j := range rule.From {
			errs = append(errs, validatePeer(&rule.From[j], opts, p.Child("from").Index(j))...)
		}
	}
	for i, rule := range s.Egress {
		p := path.Child("egress").Index(i)
		for j := range rule.Ports {
			errs = append(errs, validatePolicyPort(&rule.Ports[j], p.Child("ports").Index(j))...)
		}
		for j := range rule.To {
			errs = append(errs, validatePeer(&rule.To[j], opts, p.Child("to").Index(j))...)
		}
	}
	types := path.Child("policyTypes")
	if len(s.PolicyTypes) > 2 {
		return append(errs, meta.Invalid(types, s.PolicyTypes, "may not specify more than two policyTypes"))
	}
	for i, t := range s.PolicyTypes {
		if t != PolicyTypeIngress && t != PolicyTypeEgress {
			errs = append(errs, meta.NotSupported(types.Index(i), t, []string{string(PolicyTypeIngress), string(PolicyTypeEgress)}))
		}
	}
	return errs
}

func validatePolicyPort(p *NetworkPolicyPort, path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if p.Protocol != nil && *p.Protocol != core.ProtocolTCP && *p.Protocol != core.ProtocolUDP && *p.Protocol != core.ProtocolSCTP {
		errs = append(errs, meta.NotSupported(path.Child("protocol"), *p.Protocol, []string{"TCP", "UDP", "SCTP"}))
	}
	end := path.Child("endPort")
	switch {
	case p.Port == nil:
		if p.EndPort != nil {
			errs = append(errs, meta.Invalid(end, *p.EndPort, "may not be specified when `port` is not specified"))
		}
	case p.Port.Type == meta.Int:
		errs = append(errs, validation.InvalidEach(path.Child("port"), p.Port.IntVal, validation.IsValidPortNum(int(p.Port.IntVal)))...)
		if p.EndPort != nil {
			if *p.EndPort < p.Port.IntVal {
				// Kubernetes reports the start port as the bad value.
				errs = append(errs, meta.Invalid(end, p.Port.IntVal, "must be greater than or equal to `port`"))
			}
			errs = append(errs, validation.InvalidEach(end, *p.EndPort, validation.IsValidPortNum(int(*p.EndPort)))...)
		}
	default:
		if p.EndPort != nil {
			errs = append(errs, meta.Invalid(end, *p.EndPort, "may not be specified when `port` is non-numeric"))
		}
		errs = append(errs, validation.InvalidEach(path.Child("port"), p.Port.StrVal, validation.IsValidPortName(p.Port.StrVal))...)
	}
	return errs
}

func validatePeer(peer *NetworkPolicyPeer, opts validation.LabelSelectorOptions, path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	n := 0
	if peer.PodSelector != nil {
		n++
		errs = append(errs, validation.ValidateLabelSelector(peer.PodSelector, opts, path.Child("podSelector"))...)
	}
	if peer.NamespaceSelector != nil {
		n++
		errs = append(errs, validation.ValidateLabelSelector(peer.NamespaceSelector, opts, path.Child("namespaceSelector"))...)
	}
	if peer.IPBlock != nil {
		n++
		errs = append(errs, validateIPBlock(peer.IPBlock, path.Child("ipBlock"))...)
	}
	switch {
	case n == 0:
		errs = append(errs, meta.Required(path, "must specify a peer"))
	case n > 1 && peer.IPBlock != nil:
		errs = append(errs, meta.Forbidden(path, "may not specify both ipBlock and another peer"))
	}
	return errs
}

// validateIPBlock checks the CIDR and that each exception is a strict subset
// of it.
func validateIPBlock(b *IPBlock, path *meta.Path) meta.FieldErrors {
	cidrPath := path.Child("cidr")
	if b.CIDR == "" {
		return meta.FieldErrors{meta.Required(cidrPath, "")}
	}
	errs := validation.InvalidEach(cidrPath, b.CIDR, validation.IsValidCIDRForLegacyField(b.CIDR))
	_, cidr, err := net.ParseCIDR(b.CIDR)
	if err != nil {
		return errs
	}
	for i, ex := range b.Except {
		p := path.Child("except").Index(i)
		errs = append(errs, validation.InvalidEach(p, ex, validation.IsValidCIDRForLegacyField(ex))...)
		_, exNet, err := net.ParseCIDR(ex)
		if err != nil {
			continue
		}
		cidrBits, _ := cidr.Mask.Size()
		exBits, _ := exNet.Mask.Size()
		if !cidr.Contains(exNet.IP) || cidrBits >= exBits {
			errs = append(errs, meta.Invalid(p, ex, "must be a strict subset of `cidr`"))
		}
	}
	return errs
}
