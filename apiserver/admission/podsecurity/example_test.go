package podsecurity_test

import (
	"fmt"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/apiserver/admission/podsecurity"
)

func Example() {
	policy, _ := podsecurity.PolicyFromLabels(map[string]string{
		podsecurity.EnforceLevelLabel: "baseline",
		podsecurity.WarnLevelLabel:    "restricted",
	}, podsecurity.DefaultPolicy)

	p := &core.Pod{Spec: core.PodSpec{
		HostNetwork: true,
		Containers:  []core.Container{{Name: "app", Image: "nginx"}},
	}}
	if vs := podsecurity.Evaluate(policy.Enforce, &p.ObjectMeta, &p.Spec); vs != nil {
		fmt.Printf("violates PodSecurity %q: %s\n", policy.Enforce, podsecurity.Details(vs))
	}
	fmt.Println("warn:", podsecurity.Reasons(podsecurity.Evaluate(policy.Warn, &p.ObjectMeta, &p.Spec)))
	// Output:
	// violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true)
	// warn: host namespaces, allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile
}
