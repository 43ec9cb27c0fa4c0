package apps_test

import (
	"fmt"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/apps"
)

func Example() {
	j, _ := api.ToJSON([]byte(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: nginx}
spec:
  selector: {matchLabels: {app: nginx}}
  template:
    metadata: {labels: {app: nginx}}
    spec:
      containers: [{name: nginx, image: "nginx:1.14.2"}]
`))
	var d apps.Deployment
	if err := api.DecodeStrict(j, &d); err != nil {
		fmt.Println(err)
		return
	}
	d.Default()
	ru := d.Spec.Strategy.RollingUpdate
	fmt.Println(*d.Spec.Replicas, d.Spec.Strategy.Type, ru.MaxSurge, ru.MaxUnavailable, *d.Spec.RevisionHistoryLimit)
	// Output: 1 RollingUpdate 25% 25% 10
}
