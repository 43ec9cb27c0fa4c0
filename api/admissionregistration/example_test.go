package admissionregistration_test

import (
	"fmt"

	"github.com/spar-dev/spar/api"
	ar "github.com/spar-dev/spar/api/admissionregistration"
)

func Example() {
	var c ar.ValidatingWebhookConfiguration
	err := api.DecodeStrict([]byte(`{
		"metadata": {"name": "deny-latest"},
		"webhooks": [{
			"name": "deny-latest.example.com",
			"clientConfig": {"service": {"namespace": "policy", "name": "deny-latest", "path": "/validate"}},
			"rules": [{"operations": ["CREATE"], "apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods"]}],
			"sideEffects": "None",
			"admissionReviewVersions": ["v1"]
		}]
	}`), &c)
	if err != nil {
		fmt.Println(err)
		return
	}
	c.Default()
	w := c.Webhooks[0]
	fmt.Println(*w.FailurePolicy, *w.TimeoutSeconds, *w.ClientConfig.Service.Port, len(c.Validate()))
	// Output: Fail 10 443 0
}
