package networking_test

import (
	"fmt"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/networking"
)

func Example() {
	j, _ := api.ToJSON([]byte(`
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  rules:
  - host: web.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
`))
	var ing networking.Ingress
	if err := api.DecodeStrict(j, &ing); err != nil {
		fmt.Println(err)
		return
	}
	r := ing.Spec.Rules[0]
	b := r.HTTP.Paths[0].Backend.Service
	fmt.Printf("%s%s -> %s:%d\n", r.Host, r.HTTP.Paths[0].Path, b.Name, b.Port.Number)
	// Output: web.example.com/ -> web:80
}
