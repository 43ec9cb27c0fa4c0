package networking_test

import (
	"reflect"
	"slices"
	"testing"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/networking"
	"github.com/spar-dev/spar/internal/apitest"
)

func ptr[T any](v T) *T { return &v }

func TestDecodeIngress(t *testing.T) {
	docs := apitest.ReadDocs(t, "testdata/ingress.yaml")
	minimal := apitest.RoundTrip[networking.Ingress](t, docs[0])
	p := minimal.Spec.Rules[0].HTTP.Paths[0]
	if *minimal.Spec.IngressClassName != "nginx-example" || p.Path != "/testpath" || *p.PathType != networking.PathTypePrefix ||
		p.Backend.Service.Name != "test" || p.Backend.Service.Port.Number != 80 {
		t.Errorf("minimal ingress = %s", mustJSON(t, minimal.Spec))
	}
	wild := apitest.RoundTrip[networking.Ingress](t, docs[1])
	r := wild.Spec.Rules[1]
	if r.Host != "*.foo.com" || r.HTTP.Paths[0].Backend.Service.Port.Name != "http" || *r.HTTP.Paths[1].Backend.Resource.APIGroup != "k8s.example.com" {
		t.Errorf("wildcard rule = %s", mustJSON(t, r))
	}
	if wild.Spec.TLS[0].SecretName != "testsecret-tls" || wild.Spec.DefaultBackend.Resource.Kind != "StorageBucket" {
		t.Errorf("tls / default backend = %s", mustJSON(t, wild.Spec))
	}
	lb := wild.Status.LoadBalancer.Ingress
	if lb[0].IP != "203.0.113.10" || lb[0].Ports[0].Protocol != core.ProtocolTCP || *lb[0].Ports[0].Error != "CertificateMissing" || lb[1].Hostname != "lb.example.com" {
		t.Errorf("status = %s", mustJSON(t, wild.Status))
	}
	class := apitest.RoundTrip[networking.IngressClass](t, docs[2])
	if class.Spec.Controller != "example.com/ingress-controller" || *class.Spec.Parameters.Scope != networking.IngressClassParametersReferenceScopeNamespace {
		t.Errorf("ingress class = %s", mustJSON(t, class.Spec))
	}
}

// The rule value is inlined: "http" sits beside "host" on the wire.
func TestIngressRuleInline(t *testing.T) {
	got := mustJSON(t, networking.IngressRule{Host: "a.example.com", IngressRuleValue: networking.IngressRuleValue{
		HTTP: &networking.HTTPIngressRuleValue{Paths: []networking.HTTPIngressPath{{Path: "/", PathType: ptr(networking.PathTypePrefix),
			Backend: networking.IngressBackend{Service: &networking.IngressServiceBackend{Name: "web", Port: networking.ServiceBackendPort{Number: 80}}}}}}}})
	want := `{"host":"a.example.com","http":{"paths":[{"path":"/","pathType":"Prefix","backend":{"service":{"name":"web","port":{"number":80}}}}]}}`
	if got != want {
		t.Errorf("Encode = %s, want %s", got, want)
	}
}

func TestStrictDecodingNamesField(t *testing.T) {
	got := apitest.StrictFields[networking.Ingress](t, `
spec:
  rules:
  - host: a.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          serviceName: web
          servicePort: 80
`)
	for _, want := range []string{
		`unknown field "spec.rules[0].http.paths[0].backend.serviceName"`,
		`unknown field "spec.rules[0].http.paths[0].backend.servicePort"`,
	} {
		if !slices.Contains(got, want) {
			t.Errorf("strict fields = %q, want %q among them", got, want)
		}
	}
}

func TestNetworkPolicyDefault(t *testing.T) {
	udp := core.ProtocolUDP
	tests := []struct {
		name      string
		in        networking.NetworkPolicySpec
		wantTypes []networking.PolicyType
	}{
		{"ingress only", networking.NetworkPolicySpec{Ingress: []networking.NetworkPolicyIngressRule{{}}},
			[]networking.PolicyType{networking.PolicyTypeIngress}},
		{"with egress", networking.NetworkPolicySpec{Egress: []networking.NetworkPolicyEgressRule{{}}},
			[]networking.PolicyType{networking.PolicyTypeIngress, networking.PolicyTypeEgress}},
		{"explicit kept", networking.NetworkPolicySpec{PolicyTypes: []networking.PolicyType{networking.PolicyTypeEgress}},
			[]networking.PolicyType{networking.PolicyTypeEgress}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			np := networking.NetworkPolicy{Spec: tt.in}
			np.Default()
			if !reflect.DeepEqual(np.Spec.PolicyTypes, tt.wantTypes) {
				t.Errorf("policyTypes = %q, want %q", np.Spec.PolicyTypes, tt.wantTypes)
			}
		})
	}
	np := networking.NetworkPolicy{Spec: networking.NetworkPolicySpec{
		Ingress: []networking.NetworkPolicyIngressRule{{Ports: []networking.NetworkPolicyPort{{Port: ptr(meta.FromInt(80))}}}},
		Egress:  []networking.NetworkPolicyEgressRule{{Ports: []networking.NetworkPolicyPort{{Protocol: &udp}, {}}}},
	}}
	np.Default()
	got := []core.Protocol{*np.Spec.Ingress[0].Ports[0].Protocol, *np.Spec.Egress[0].Ports[0].Protocol, *np.Spec.Egress[0].Ports[1].Protocol}
	if want := []core.Protocol{core.ProtocolTCP, core.ProtocolUDP, core.ProtocolTCP}; !slices.Equal(got, want) {
		t.Errorf("port protocols = %q, want %q", got, want)
	}
}

func TestIngressClassDefault(t *testing.T) {
	c := networking.IngressClass{Spec: networking.IngressClassSpec{Parameters: &networking.IngressClassParametersReference{Kind: "K", Name: "n"}}}
	c.Default()
	if s := c.Spec.Parameters.Scope; s == nil || *s != networking.IngressClassParametersReferenceScopeCluster {
		t.Errorf("scope = %v, want Cluster", s)
	}
	none := networking.IngressClass{}
	none.Default()
	if none.Spec.Parameters != nil {
		t.Errorf("parameters = %+v, want nil", none.Spec.Parameters)
	}
	ing := networking.Ingress{Spec: networking.IngressSpec{Rules: []networking.IngressRule{{IngressRuleValue: networking.IngressRuleValue{
		HTTP: &networking.HTTPIngressRuleValue{Paths: []networking.HTTPIngressPath{{Path: "/"}}}}}}}}
	ing.Default()
	if ing.Spec.Rules[0].HTTP.Paths[0].PathType != nil {
		t.Error("Ingress pathType was defaulted; Kubernetes requires it instead")
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := api.Encode(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
