package discovery_test

import (
	"fmt"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/discovery"
)

func Example() {
	var s discovery.EndpointSlice
	err := api.DecodeStrict([]byte(`{"addressType":"IPv4","ports":[{"port":80}],
		"endpoints":[{"addresses":["10.1.2.3"],"conditions":{"ready":true}}]}`), &s)
	if err != nil {
		fmt.Println(err)
		return
	}
	s.Default()
	fmt.Println(s.Endpoints[0].Addresses[0], *s.Ports[0].Protocol, *s.Ports[0].Port)
	// Output: 10.1.2.3 TCP 80
}
