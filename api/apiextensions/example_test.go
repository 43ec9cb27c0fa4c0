package apiextensions_test

import (
	"fmt"

	"github.com/spar-dev/spar/api"
	ext "github.com/spar-dev/spar/api/apiextensions"
)

func Example() {
	j, _ := api.ToJSON([]byte(`
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: crontabs.stable.example.com}
spec:
  group: stable.example.com
  scope: Namespaced
  names: {plural: crontabs, kind: CronTab, shortNames: [ct]}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              cronSpec: {type: string}
              replicas: {type: integer}
`))
	var crd ext.CustomResourceDefinition
	if err := api.DecodeStrict(j, &crd); err != nil {
		fmt.Println(err)
		return
	}
	crd.Default()
	fmt.Println(crd.Spec.Names.Singular, crd.Spec.Names.ListKind, crd.StorageVersion())
	fmt.Println(crd.Version("v1").Schema.OpenAPIV3Schema.Properties["spec"].Properties["replicas"].Type)
	// Output:
	// crontab CronTabList v1
	// integer
}
