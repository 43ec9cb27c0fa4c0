package quota_test

import (
	"fmt"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/resource"
	"github.com/spar-dev/spar/apiserver/admission/quota"
)

func Example() {
	q := &core.ResourceQuota{Status: core.ResourceQuotaStatus{
		Hard: core.ResourceList{"pods": resource.MustParse("10"), "requests.cpu": resource.MustParse("2")},
		Used: core.ResourceList{"pods": resource.MustParse("3"), "requests.cpu": resource.MustParse("1500m")},
	}}
	p := &core.Pod{Spec: core.PodSpec{Containers: []core.Container{{Name: "app",
		Resources: core.ResourceRequirements{Requests: core.ResourceList{"cpu": resource.MustParse("1")}}}}}}

	ev := quota.For(meta.GroupResource{Resource: "pods"})
	usage, _ := ev.Usage(p)
	requested := quota.Mask(usage, quota.ResourceNames(q.Status.Hard))
	if ok, exceeded := quota.LessThanOrEqual(quota.Add(q.Status.Used, requested), q.Status.Hard); !ok {
		fmt.Printf("exceeded quota, requested: %s, used: %s, limited: %s\n",
			quota.Format(quota.Mask(requested, exceeded)), quota.Format(quota.Mask(q.Status.Used, exceeded)),
			quota.Format(quota.Mask(q.Status.Hard, exceeded)))
	}
	// Output: exceeded quota, requested: requests.cpu=1, used: requests.cpu=1500m, limited: requests.cpu=2
}
