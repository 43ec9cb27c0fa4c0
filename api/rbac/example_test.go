package rbac_test

import (
	"fmt"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/rbac"
)

func Example() {
	manifest := []byte(`
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: read-pods, namespace: default}
subjects: [{kind: User, name: jane}]
roleRef: {kind: Role, name: pod-reader}
`)
	j, _ := api.ToJSON(manifest)
	var rb rbac.RoleBinding
	if err := api.DecodeStrict(j, &rb); err != nil {
		fmt.Println(err)
		return
	}
	rb.Default()
	fmt.Println(rb.Subjects[0].APIGroup, rb.RoleRef.APIGroup)
	// Output: rbac.authorization.k8s.io rbac.authorization.k8s.io
}
