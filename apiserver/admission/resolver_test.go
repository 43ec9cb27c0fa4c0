package admission_test

import (
	"context"
	"testing"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/discovery"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/apiserver/admission"
)

func TestServiceResolvers(t *testing.T) {
	services := lister(
		&core.Service{ObjectMeta: meta.ObjectMeta{Namespace: "policy", Name: "hooks"},
			Spec: core.ServiceSpec{ClusterIP: "10.96.0.20", Ports: []core.ServicePort{{Name: "https", Port: 443}}}},
		&core.Service{ObjectMeta: meta.ObjectMeta{Namespace: "policy", Name: "outside"},
			Spec: core.ServiceSpec{Type: core.ServiceTypeExternalName, ExternalName: "hooks.example.com"}},
		&core.Service{ObjectMeta: meta.ObjectMeta{Namespace: "policy", Name: "headless"},
			Spec: core.ServiceSpec{ClusterIP: "None", Ports: []core.ServicePort{{Port: 443}}}},
	)
	slices := lister(&discovery.EndpointSlice{
		ObjectMeta:  meta.ObjectMeta{Namespace: "policy", Name: "hooks-abc", Labels: map[string]string{discovery.LabelServiceName: "hooks"}},
		AddressType: discovery.AddressTypeIPv4,
		Endpoints: []discovery.Endpoint{
			{Addresses: []string{"10.244.1.7"}, Conditions: discovery.EndpointConditions{Ready: new(false)}},
			{Addresses: []string{"10.244.2.9"}, Conditions: discovery.EndpointConditions{Ready: new(true)}},
		},
		Ports: []discovery.EndpointPort{{Name: new("https"), Port: new(int32(8443))}},
	})
	tests := []struct {
		name      string
		r         admission.ServiceResolver
		svc       string
		port      int32
		want, err string
	}{
		{"dns", admission.DNSResolver, "hooks", 443, "https://hooks.policy.svc:443", ""},
		{"cluster IP", admission.ClusterIPResolver(services), "hooks", 443, "https://10.96.0.20:443", ""},
		{"external name", admission.ClusterIPResolver(services), "outside", 8443, "https://hooks.example.com:8443", ""},
		{"headless", admission.ClusterIPResolver(services), "headless", 443, "", `cannot route to service with ClusterIP "None"`},
		{"wrong port", admission.ClusterIPResolver(services), "hooks", 80, "", `no service port 80 found for service "hooks"`},
		{"ready endpoint", admission.EndpointsResolver(services, slices), "hooks", 443, "https://10.244.2.9:8443", ""},
		{"no endpoints", admission.EndpointsResolver(services, slices), "headless", 443, "", `no endpoints available for service "headless"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := tt.r.ResolveEndpoint(context.Background(), "policy", tt.svc, tt.port)
			wantErr(t, err, tt.err)
			if err == nil && u.String() != tt.want {
				t.Errorf("url = %s, want %s", u, tt.want)
			}
		})
	}
}
