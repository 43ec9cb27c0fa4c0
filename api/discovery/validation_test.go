package discovery_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/discovery"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/internal/apitest"
)

// validator is what the API server calls on every kind after defaulting.
type validator interface {
	Validate() meta.FieldErrors
	ValidateUpdate(old meta.Object) meta.FieldErrors
}

var (
	_ validator = (*discovery.EndpointSlice)(nil)
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

func webSlice() *discovery.EndpointSlice {
	s := &discovery.EndpointSlice{
		ObjectMeta:  meta.ObjectMeta{Name: "web-abc12", Namespace: "default", ResourceVersion: "3"},
		AddressType: discovery.AddressTypeIPv4,
		Endpoints: []discovery.Endpoint{{
			Addresses:  []string{"10.1.2.3"},
			Conditions: discovery.EndpointConditions{Ready: new(true)},
			Hostname:   new("web-0"),
			NodeName:   new("node-1"),
			Zone:       new("us-east-1a"),
			Hints:      &discovery.EndpointHints{ForZones: []discovery.ForZone{{Name: "us-east-1a"}}},
		}},
		Ports: []discovery.EndpointPort{{Name: new("http"), Port: new(int32(8080)), AppProtocol: new("kubernetes.io/h2c")}},
	}
	s.Default()
	return s
}

func TestEndpointSliceValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*discovery.EndpointSlice)
		want   []string
	}{
		{"valid", func(*discovery.EndpointSlice) {}, nil},
		{"no endpoints", func(s *discovery.EndpointSlice) { s.Endpoints = nil }, nil},
		{"IPv6", func(s *discovery.EndpointSlice) {
			s.AddressType = discovery.AddressTypeIPv6
			s.Endpoints[0].Addresses = []string{"2001:db8::5"}
		}, nil},
		{"FQDN", func(s *discovery.EndpointSlice) {
			s.AddressType = discovery.AddressTypeFQDN
			s.Endpoints[0].Addresses = []string{"db.example.com", "localhost"}
		}, []string{
			`endpoints[0].addresses[1]: Invalid value: "localhost": should be a domain with at least two segments separated by dots`,
		}},
		{"missing address type", func(s *discovery.EndpointSlice) { s.AddressType = "" }, []string{
			`addressType: Required value`,
		}},
		{"unknown address type", func(s *discovery.EndpointSlice) { s.AddressType = "IP" }, []string{
			`addressType: Unsupported value: "IP": supported values: "FQDN", "IPv4", "IPv6"`,
		}},
		{"address of the wrong family", func(s *discovery.EndpointSlice) { s.Endpoints[0].Addresses = []string{"2001:db8::5"} }, []string{
			`endpoints[0].addresses[0]: Invalid value: "2001:db8::5": must be a valid IPv4 address`,
		}},
		{"not an address", func(s *discovery.EndpointSlice) { s.Endpoints[0].Addresses = []string{"web-0"} }, []string{
			`endpoints[0].addresses[0]: Invalid value: "web-0": must be a valid IPv4 address`,
			`endpoints[0].addresses[0]: Invalid value: "web-0": must be a valid IP address`,
		}},
		{"special addresses", func(s *discovery.EndpointSlice) {
			s.Endpoints[0].Addresses = []string{"127.0.0.1", "169.254.169.254", "0.0.0.0", "224.0.0.1"}
		}, []string{
			`endpoints[0].addresses[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)`,
			`endpoints[0].addresses[1]: Invalid value: "169.254.169.254": may not be in the link-local range (169.254.0.0/16, fe80::/10)`,
			`endpoints[0].addresses[2]: Invalid value: "0.0.0.0": may not be unspecified (0.0.0.0)`,
			`endpoints[0].addresses[3]: Invalid value: "224.0.0.1": may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)`,
		}},
		{"no addresses", func(s *discovery.EndpointSlice) { s.Endpoints[0].Addresses = nil }, []string{
			`endpoints[0].addresses: Required value: must contain at least 1 address`,
		}},
		{"too many endpoints", func(s *discovery.EndpointSlice) {
			s.Endpoints = slices.Repeat(s.Endpoints, 1001)
		}, []string{
			`endpoints: Too many: 1001: must have at most 1000 items`,
		}},
		{"bad hostname and node", func(s *discovery.EndpointSlice) {
			s.Endpoints[0].Hostname = new("web.0")
			s.Endpoints[0].NodeName = new("Node_1")
		}, []string{
			`endpoints[0].nodeName: Invalid value: "Node_1": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
			`endpoints[0].hostname: Invalid value: "web.0": must not contain dots`,
		}},
		{"duplicate zone hint", func(s *discovery.EndpointSlice) {
			s.Endpoints[0].Hints.ForZones = append(s.Endpoints[0].Hints.ForZones, discovery.ForZone{Name: "us-east-1a"})
		}, []string{
			`endpoints[0].hints.forZones[1].name: Duplicate value: "us-east-1a"`,
		}},
		{"ports", func(s *discovery.EndpointSlice) {
			s.Ports = append(s.Ports,
				discovery.EndpointPort{Name: new("http"), Protocol: new(core.ProtocolTCP)},
				discovery.EndpointPort{Name: new("Metrics"), Protocol: new(core.Protocol("ICMP"))},
				discovery.EndpointPort{Name: new("dns"), AppProtocol: new("a b")},
			)
		}, []string{
			`ports[1].name: Duplicate value: "http"`,
			`ports[2].name: Invalid value: "Metrics": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
			`ports[2].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"`,
			`ports[3].protocol: Required value`,
			`ports[3].appProtocol: Invalid value: "a b": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := webSlice()
			tt.mutate(s)
			expectErrors(t, s.Validate(), tt.want...)
		})
	}
}

func TestEndpointSliceValidateUpdate(t *testing.T) {
	old := webSlice()
	upd := webSlice()
	upd.Endpoints = append(upd.Endpoints, discovery.Endpoint{Addresses: []string{"10.1.2.4"}})
	expectErrors(t, upd.ValidateUpdate(old))

	upd.AddressType = discovery.AddressTypeIPv6
	upd.Endpoints = nil
	expectErrors(t, upd.ValidateUpdate(old), `addressType: Invalid value: "IPv6": field is immutable`)
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
