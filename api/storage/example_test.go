package storage_test

import (
	"fmt"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/storage"
)

func Example() {
	j, _ := api.ToJSON([]byte(`
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: local-storage}
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: WaitForFirstConsumer
`))
	var sc storage.StorageClass
	if err := api.DecodeStrict(j, &sc); err != nil {
		fmt.Println(err)
		return
	}
	sc.Default()
	fmt.Println(sc.Provisioner, *sc.ReclaimPolicy, *sc.VolumeBindingMode)
	// Output: kubernetes.io/no-provisioner Delete WaitForFirstConsumer
}
