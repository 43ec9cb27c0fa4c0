package discovery_test

import (
	"slices"
	"testing"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/discovery"
	"github.com/spar-dev/spar/internal/apitest"
)

func ptr[T any](v T) *T { return &v }

func TestDecodeEndpointSlice(t *testing.T) {
	docs := apitest.ReadDocs(t, "testdata/endpointslice.yaml")
	s := apitest.RoundTrip[discovery.EndpointSlice](t, docs[1])
	if s.AddressType != discovery.AddressTypeIPv6 || len(s.Endpoints) != 2 {
		t.Fatalf("slice = %+v", s)
	}
	e := s.Endpoints[0]
	if !*e.Conditions.Ready || *e.Conditions.Terminating || e.TargetRef.Name != "web-0" || e.Hints.ForZones[0].Name != "zone-a" {
		t.Errorf("endpoint 0 = %+v", e)
	}
	if p := s.Ports[1]; *p.Protocol != core.ProtocolUDP || *p.Port != 53 {
		t.Errorf("port 1 = %+v, want UDP 53", p)
	}
}

// Conditions are tri-state on the wire: unknown is absent, false is sent.
func TestConditionsWire(t *testing.T) {
	b, err := api.Encode(discovery.EndpointConditions{Ready: ptr(false)})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"ready":false}`; got != want {
		t.Errorf("Encode = %s, want %s", got, want)
	}
}

func TestStrictDecodingNamesField(t *testing.T) {
	got := apitest.StrictFields[discovery.EndpointSlice](t, "addressType: IPv4\nendpoints:\n- addresses: [10.0.0.1]\n  conditions: {redy: true}\nports: []\n")
	if want := `unknown field "endpoints[0].conditions.redy"`; !slices.Contains(got, want) {
		t.Errorf("strict fields = %q, want %q among them", got, want)
	}
}

func TestDefault(t *testing.T) {
	udp := core.ProtocolUDP
	s := discovery.EndpointSlice{Ports: []discovery.EndpointPort{{Port: ptr[int32](80)}, {Name: ptr("dns"), Protocol: &udp}}}
	s.Default()
	if p := s.Ports[0]; p.Name == nil || *p.Name != "" || p.Protocol == nil || *p.Protocol != core.ProtocolTCP {
		t.Errorf("port 0 = %+v, want name \"\" and TCP", p)
	}
	if p := s.Ports[1]; *p.Name != "dns" || *p.Protocol != core.ProtocolUDP {
		t.Errorf("port 1 = %+v, want its own name and protocol", p)
	}
}
