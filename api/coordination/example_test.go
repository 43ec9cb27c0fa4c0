package coordination_test

import (
	"fmt"
	"time"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/coordination"
	"github.com/spar-dev/spar/api/meta"
)

func Example() {
	holder, seconds := "node-1", int32(40)
	renew := meta.MicroTime{Time: time.Date(2024, 5, 1, 10, 0, 0, 123456000, time.UTC)}
	l := coordination.Lease{
		TypeMeta:   meta.TypeMeta{APIVersion: "coordination.k8s.io/v1", Kind: "Lease"},
		ObjectMeta: meta.ObjectMeta{Name: "node-1", Namespace: "kube-node-lease"},
		Spec:       coordination.LeaseSpec{HolderIdentity: &holder, LeaseDurationSeconds: &seconds, RenewTime: &renew},
	}
	b, _ := api.Encode(&l)
	fmt.Println(string(b))
	// Output: {"kind":"Lease","apiVersion":"coordination.k8s.io/v1","metadata":{"name":"node-1","namespace":"kube-node-lease"},"spec":{"holderIdentity":"node-1","leaseDurationSeconds":40,"renewTime":"2024-05-01T10:00:00.123456Z"}}
}
