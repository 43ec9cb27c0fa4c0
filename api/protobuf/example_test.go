package protobuf_test

import (
	"fmt"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/protobuf"
)

func Example() {
	// What `kubectl create namespace team-a` sends, as client-go's typed
	// client encodes it.
	ns := core.Namespace{}
	ns.Name = "team-a"
	body, err := protobuf.Marshal(&ns, "v1", "Namespace")
	if err != nil {
		panic(err)
	}
	fmt.Printf("%q...\n", body[:4])

	// The API server tells protobuf from JSON by the magic and decodes
	// into the kind's Go type; the envelope supplies apiVersion and kind.
	var got core.Namespace
	if protobuf.IsProtobuf(body) {
		if err := protobuf.UnmarshalStrict(body, &got); err != nil {
			panic(err)
		}
	}
	fmt.Println(got.APIVersion, got.Kind, got.Name)
	// Output:
	// "k8s\x00"...
	// v1 Namespace team-a
}
