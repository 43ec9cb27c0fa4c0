package networking_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/networking"
	"github.com/spar-dev/spar/internal/apitest"
)

// validator is what the API server calls on every kind after defaulting.
type validator interface {
	Validate() meta.FieldErrors
	ValidateUpdate(old meta.Object) meta.FieldErrors
}

var (
	_ validator = (*networking.Ingress)(nil)
	_ validator = (*networking.IngressClass)(nil)
	_ validator = (*networking.NetworkPolicy)(nil)
)

func expectErrors(t *testing.T, got meta.FieldErrors, want ...string) {
	t.Helper()
	var g []string
	for _, e := range got {
		g = append(g, e.Error())
	}
	if !slices.Equal(g, want) {
		t.Errorf("errors:\n got: %s\nwant: %s", strings.Join(g, "\n      "), strings.Join(want, "\n      "))
	}
}

func serviceBackend(name string, port int32) networking.IngressBackend {
	return networking.IngressBackend{Service: &networking.IngressServiceBackend{Name: name, Port: networking.ServiceBackendPort{Number: port}}}
}

func webIngress() *networking.Ingress {
	return &networking.Ingress{
		ObjectMeta: meta.ObjectMeta{Name: "web", Namespace: "default", ResourceVersion: "12"},
		Spec: networking.IngressSpec{
			IngressClassName: new("nginx"),
			TLS:              []networking.IngressTLS{{Hosts: []string{"*.example.com", "example.com"}, SecretName: "example-tls"}},
			Rules: []networking.IngressRule{{
				Host: "shop.example.com",
				IngressRuleValue: networking.IngressRuleValue{HTTP: &networking.HTTPIngressRuleValue{Paths: []networking.HTTPIngressPath{
					{Path: "/", PathType: new(networking.PathTypePrefix), Backend: serviceBackend("shop", 80)},
				}}},
			}},
		},
	}
}

func TestIngressValidate(t *testing.T) {
	path0 := func(in *networking.Ingress) *networking.HTTPIngressPath { return &in.Spec.Rules[0].HTTP.Paths[0] }
	tests := []struct {
		name   string
		mutate func(*networking.Ingress)
		want   []string
	}{
		{"valid", func(*networking.Ingress) {}, nil},
		{"wildcard host", func(in *networking.Ingress) { in.Spec.Rules[0].Host = "*.example.com" }, nil},
		{"default backend only", func(in *networking.Ingress) {
			in.Spec.Rules = nil
			in.Spec.DefaultBackend = &networking.IngressBackend{Resource: &core.TypedLocalObjectReference{
				APIGroup: new("k8s.example.com"), Kind: "StorageBucket", Name: "assets"}}
		}, nil},
		{"named port", func(in *networking.Ingress) {
			path0(in).Backend.Service.Port = networking.ServiceBackendPort{Name: "http"}
		}, nil},
		{"nothing to route", func(in *networking.Ingress) { in.Spec.Rules = nil }, []string{
			"spec: Invalid value: null: either `defaultBackend` or `rules` must be specified",
		}},
		{"bad hosts", func(in *networking.Ingress) {
			in.Spec.Rules = append(in.Spec.Rules, in.Spec.Rules[0], in.Spec.Rules[0])
			in.Spec.Rules[0].Host = "10.0.0.1"
			in.Spec.Rules[1].Host = "*"
			in.Spec.Rules[2].Host = "Shop.example.com"
		}, []string{
			`spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address`,
			`spec.rules[1].host: Invalid value: "*": a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\*\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
			`spec.rules[2].host: Invalid value: "Shop.example.com": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
		}},
		{"missing pathType", func(in *networking.Ingress) { path0(in).PathType = nil }, []string{
			`spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified`,
		}},
		{"unknown pathType", func(in *networking.Ingress) { path0(in).PathType = new(networking.PathType("Regex")) }, []string{
			`spec.rules[0].http.paths[0].pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"`,
		}},
		{"relative path", func(in *networking.Ingress) { path0(in).Path = "shop" }, []string{
			`spec.rules[0].http.paths[0].path: Invalid value: "shop": must be an absolute path`,
		}},
		{"empty path with Prefix", func(in *networking.Ingress) { path0(in).Path = "" }, []string{
			`spec.rules[0].http.paths[0].path: Invalid value: "": must be an absolute path`,
		}},
		{"empty path with ImplementationSpecific", func(in *networking.Ingress) {
			path0(in).Path, path0(in).PathType = "", new(networking.PathTypeImplementationSpecific)
		}, nil},
		{"path traversal", func(in *networking.Ingress) { path0(in).Path = "/a/../b//c/." }, []string{
			`spec.rules[0].http.paths[0].path: Invalid value: "/a/../b//c/.": must not contain '//'`,
			`spec.rules[0].http.paths[0].path: Invalid value: "/a/../b//c/.": must not contain '/../'`,
			`spec.rules[0].http.paths[0].path: Invalid value: "/a/../b//c/.": cannot end with '/.'`,
		}},
		{"no paths", func(in *networking.Ingress) { in.Spec.Rules[0].HTTP.Paths = nil }, []string{
			`spec.rules[0].http.paths: Required value`,
		}},
		{"both backends", func(in *networking.Ingress) {
			path0(in).Backend.Resource = &core.TypedLocalObjectReference{Kind: "Bucket", Name: "b"}
		}, []string{
			`spec.rules[0].http.paths[0].backend: Invalid value: "": cannot set both resource and service backends`,
		}},
		{"no backend", func(in *networking.Ingress) { path0(in).Backend = networking.IngressBackend{} }, []string{
			`spec.rules[0].http.paths[0].backend: Invalid value: "": resource or service backend is required`,
		}},
		{"service port", func(in *networking.Ingress) {
			in.Spec.Rules[0].HTTP.Paths = append(in.Spec.Rules[0].HTTP.Paths,
				networking.HTTPIngressPath{Path: "/a", PathType: new(networking.PathTypeExact), Backend: serviceBackend("svc", 0)},
				networking.HTTPIngressPath{Path: "/b", PathType: new(networking.PathTypeExact), Backend: serviceBackend("svc", 70000)},
				networking.HTTPIngressPath{Path: "/c", PathType: new(networking.PathTypeExact), Backend: networking.IngressBackend{
					Service: &networking.IngressServiceBackend{Name: "svc", Port: networking.ServiceBackendPort{Name: "http", Number: 80}}}},
				networking.HTTPIngressPath{Path: "/d", PathType: new(networking.PathTypeExact), Backend: networking.IngressBackend{
					Service: &networking.IngressServiceBackend{Name: "1svc", Port: networking.ServiceBackendPort{Name: "HTTP"}}}},
			)
		}, []string{
			`spec.rules[0].http.paths[1].backend: Required value: port name or number is required`,
			`spec.rules[0].http.paths[2].backend.service.port.number: Invalid value: 70000: must be between 1 and 65535, inclusive`,
			`spec.rules[0].http.paths[3].backend: Invalid value: "": cannot set both port name & port number`,
			`spec.rules[0].http.paths[4].backend.service.name: Invalid value: "1svc": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
			`spec.rules[0].http.paths[4].backend.service.port.name: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)`,
			`spec.rules[0].http.paths[4].backend.service.port.name: Invalid value: "HTTP": must contain at least one letter (a-z)`,
		}},
		{"service name missing", func(in *networking.Ingress) { path0(in).Backend.Service.Name = "" }, []string{
			`spec.rules[0].http.paths[0].backend.service.name: Required value`,
		}},
		{"resource backend", func(in *networking.Ingress) {
			in.Spec.DefaultBackend = &networking.IngressBackend{Resource: &core.TypedLocalObjectReference{APIGroup: new("Example"), Kind: "a/b"}}
		}, []string{
			`spec.defaultBackend.resource.apiGroup: Invalid value: "Example": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
			`spec.defaultBackend.resource.kind: Invalid value: "a/b": may not contain '/'`,
			`spec.defaultBackend.resource.name: Required value: name is required`,
		}},
		{"tls", func(in *networking.Ingress) {
			in.Spec.TLS[0].Hosts = []string{"*.*.example.com"}
			in.Spec.TLS[0].SecretName = "Example_TLS"
		}, []string{
			`spec.tls[0].hosts[0]: Invalid value: "*.*.example.com": a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\*\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
			`spec.tls[0].secretName: Invalid value: "Example_TLS": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
		}},
		{"class annotation disagrees", func(in *networking.Ingress) {
			in.Annotations = map[string]string{"kubernetes.io/ingress.class": "traefik"}
		}, []string{
			"annotations.kubernetes.io/ingress.class: Invalid value: \"traefik\": must match `ingressClassName` when both are specified",
		}},
		{"class annotation agrees", func(in *networking.Ingress) {
			in.Annotations = map[string]string{"kubernetes.io/ingress.class": "nginx"}
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := webIngress()
			tt.mutate(in)
			expectErrors(t, in.Validate(), tt.want...)
		})
	}
}

func TestIngressValidateUpdate(t *testing.T) {
	old := webIngress()
	upd := webIngress()
	upd.Spec.Rules[0].Host = "store.example.com"
	upd.Spec.IngressClassName = new("traefik")
	expectErrors(t, upd.ValidateUpdate(old))

	// A secret name that an older server accepted stays acceptable, but
	// only in the objects that already have one.
	old.Spec.TLS[0].SecretName = "Legacy_TLS"
	upd.Spec.TLS[0].SecretName = "Legacy_TLS"
	expectErrors(t, upd.ValidateUpdate(old))
	expectErrors(t, upd.ValidateUpdate(webIngress()),
		`spec.tls[0].secretName: Invalid value: "Legacy_TLS": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`)
}

func TestIngressClass(t *testing.T) {
	valid := func() *networking.IngressClass {
		c := &networking.IngressClass{
			ObjectMeta: meta.ObjectMeta{Name: "external-lb", ResourceVersion: "1"},
			Spec: networking.IngressClassSpec{
				Controller: "example.com/ingress-controller",
				Parameters: &networking.IngressClassParametersReference{APIGroup: new("k8s.example.com"), Kind: "IngressParameters", Name: "external-lb"},
			},
		}
		c.Default()
		return c
	}
	tests := []struct {
		name   string
		mutate func(*networking.IngressClass)
		want   []string
	}{
		{"valid", func(*networking.IngressClass) {}, nil},
		{"namespaced parameters", func(c *networking.IngressClass) {
			c.Spec.Parameters.Scope, c.Spec.Parameters.Namespace = new("Namespace"), new("infra")
		}, nil},
		{"no controller", func(c *networking.IngressClass) { c.Spec.Controller = "" }, []string{
			`spec.controller: Required value`,
		}},
		{"controller without domain", func(c *networking.IngressClass) { c.Spec.Controller = "nginx" }, []string{
			`spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")`,
		}},
		{"namespace scope without namespace", func(c *networking.IngressClass) { c.Spec.Parameters.Scope = new("Namespace") }, []string{
			"spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'",
		}},
		{"cluster scope with namespace", func(c *networking.IngressClass) { c.Spec.Parameters.Namespace = new("infra") }, []string{
			"spec.parameters.namespace: Forbidden: `parameters.scope` is set to 'Cluster'",
		}},
		{"unknown scope", func(c *networking.IngressClass) { c.Spec.Parameters.Scope = new("Global") }, []string{
			`spec.parameters.scope: Unsupported value: "Global": supported values: "Cluster", "Namespace"`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid()
			tt.mutate(c)
			expectErrors(t, c.Validate(), tt.want...)
		})
	}

	old, upd := valid(), valid()
	upd.Spec.Parameters = nil
	expectErrors(t, upd.ValidateUpdate(old))
	upd.Spec.Controller = "example.com/other"
	expectErrors(t, upd.ValidateUpdate(old), `spec.controller: Invalid value: "example.com/other": field is immutable`)
}

func TestNetworkPolicyValidate(t *testing.T) {
	valid := func() *networking.NetworkPolicy {
		np := &networking.NetworkPolicy{
			ObjectMeta: meta.ObjectMeta{Name: "db", Namespace: "default", ResourceVersion: "2"},
			Spec: networking.NetworkPolicySpec{
				PodSelector: meta.LabelSelector{MatchLabels: map[string]string{"role": "db"}},
				Ingress: []networking.NetworkPolicyIngressRule{{
					From: []networking.NetworkPolicyPeer{
						{IPBlock: &networking.IPBlock{CIDR: "172.17.0.0/16", Except: []string{"172.17.1.0/24"}}},
						{NamespaceSelector: &meta.LabelSelector{MatchLabels: map[string]string{"project": "myproject"}},
							PodSelector: &meta.LabelSelector{MatchLabels: map[string]string{"role": "frontend"}}},
					},
					Ports: []networking.NetworkPolicyPort{{Port: new(meta.FromInt(6379))}},
				}},
				Egress: []networking.NetworkPolicyEgressRule{{
					To:    []networking.NetworkPolicyPeer{{IPBlock: &networking.IPBlock{CIDR: "10.0.0.0/24"}}},
					Ports: []networking.NetworkPolicyPort{{Port: new(meta.FromInt(32000)), EndPort: new(int32(32768))}},
				}},
			},
		}
		np.Default()
		return np
	}
	tests := []struct {
		name   string
		mutate func(*networking.NetworkPolicy)
		want   []string
	}{
		{"valid", func(*networking.NetworkPolicy) {}, nil},
		{"empty peer", func(np *networking.NetworkPolicy) { np.Spec.Ingress[0].From[0] = networking.NetworkPolicyPeer{} }, []string{
			`spec.ingress[0].from[0]: Required value: must specify a peer`,
		}},
		{"ipBlock with selector", func(np *networking.NetworkPolicy) {
			np.Spec.Ingress[0].From[0].PodSelector = &meta.LabelSelector{}
		}, []string{
			`spec.ingress[0].from[0]: Forbidden: may not specify both ipBlock and another peer`,
		}},
		{"bad CIDRs", func(np *networking.NetworkPolicy) {
			np.Spec.Ingress[0].From[0].IPBlock.Except = []string{"10.0.0.0/8", "172.17.0.0/16"}
			np.Spec.Egress[0].To[0].IPBlock.CIDR = "10.0.0.0/33"
		}, []string{
			"spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: \"10.0.0.0/8\": must be a strict subset of `cidr`",
			"spec.ingress[0].from[0].ipBlock.except[1]: Invalid value: \"172.17.0.0/16\": must be a strict subset of `cidr`",
			`spec.egress[0].to[0].ipBlock.cidr: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)`,
		}},
		{"missing CIDR", func(np *networking.NetworkPolicy) { np.Spec.Egress[0].To[0].IPBlock.CIDR = "" }, []string{
			`spec.egress[0].to[0].ipBlock.cidr: Required value`,
		}},
		{"ports", func(np *networking.NetworkPolicy) {
			np.Spec.Ingress[0].Ports = []networking.NetworkPolicyPort{
				{Protocol: new(core.Protocol("ICMP")), Port: new(meta.FromInt(0))},
				{Port: new(meta.FromString("metrics-port-long")), EndPort: new(int32(9000))},
				{EndPort: new(int32(9000))},
				{Port: new(meta.FromInt(9000)), EndPort: new(int32(8000))},
			}
		}, []string{
			`spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"`,
			`spec.ingress[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive`,
			"spec.ingress[0].ports[1].endPort: Invalid value: 9000: may not be specified when `port` is non-numeric",
			`spec.ingress[0].ports[1].port: Invalid value: "metrics-port-long": must be no more than 15 characters`,
			"spec.ingress[0].ports[2].endPort: Invalid value: 9000: may not be specified when `port` is not specified",
			"spec.ingress[0].ports[3].endPort: Invalid value: 9000: must be greater than or equal to `port`",
		}},
		{"policy types", func(np *networking.NetworkPolicy) { np.Spec.PolicyTypes = []networking.PolicyType{"Ingress", "Both"} }, []string{
			`spec.policyTypes[1]: Unsupported value: "Both": supported values: "Ingress", "Egress"`,
		}},
		{"too many policy types", func(np *networking.NetworkPolicy) {
			np.Spec.PolicyTypes = []networking.PolicyType{"Ingress", "Egress", "Ingress"}
		}, []string{
			`spec.policyTypes: Invalid value: ["Ingress","Egress","Ingress"]: may not specify more than two policyTypes`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			np := valid()
			tt.mutate(np)
			expectErrors(t, np.Validate(), tt.want...)
		})
	}

	old, upd := valid(), valid()
	upd.Spec.Egress = nil
	expectErrors(t, upd.ValidateUpdate(old))
}

// TestValidateTestdata checks that the real manifests of testdata, once
// defaulted, are valid.
func TestValidateTestdata(t *testing.T) {
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, f := range files {
		for i, doc := range apitest.ReadDocs(t, f) {
			t.Run(fmt.Sprintf("%s#%d", filepath.Base(f), i), func(t *testing.T) {
				obj := apitest.RoundTripKind(t, doc)
				if d, ok := obj.(interface{ Default() }); ok {
					d.Default()
				}
				if r, _ := api.Default.ForObject(obj); r.Namespaced && obj.GetObjectMeta().Namespace == "" {
					obj.GetObjectMeta().Namespace = "default"
				}
				v, ok := obj.(interface{ Validate() meta.FieldErrors })
				if !ok {
					t.Fatalf("%T has no Validate method", obj)
				}
				expectErrors(t, v.Validate())
			})
		}
	}
}
