package quota_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/resource"
	"github.com/spar-dev/spar/apiserver/admission/quota"
)

func rl(pairs ...string) core.ResourceList {
	l := core.ResourceList{}
	for i := 0; i < len(pairs); i += 2 {
		l[core.ResourceName(pairs[i])] = resource.MustParse(pairs[i+1])
	}
	return l
}

func pod(name string, mutate func(p *core.Pod)) *core.Pod {
	p := &core.Pod{ObjectMeta: meta.ObjectMeta{Namespace: "ns", Name: name},
		Spec: core.PodSpec{Containers: []core.Container{{Name: "c", Image: "x"}}}}
	if mutate != nil {
		mutate(p)
	}
	p.Default()
	return p
}

func TestUsage(t *testing.T) {
	podGR, svcGR, pvcGR := meta.GroupResource{Resource: "pods"}, meta.GroupResource{Resource: "services"}, meta.GroupResource{Resource: "persistentvolumeclaims"}
	tests := []struct {
		name string
		gr   meta.GroupResource
		obj  meta.Object
		want string
	}{
		{"best-effort pod", podGR, pod("a", nil), "count/pods=1,pods=1"},
		{"pod with resources", podGR, pod("a", func(p *core.Pod) {
			p.Spec.Containers[0].Resources = core.ResourceRequirements{Requests: rl("cpu", "250m", "memory", "64Mi", "example.com/gpu", "1", "hugepages-2Mi", "4Mi"),
				Limits: rl("cpu", "500m", "memory", "64Mi", "example.com/gpu", "1", "hugepages-2Mi", "4Mi")}
			p.Spec.InitContainers = []core.Container{{Name: "init", Image: "x", Resources: core.ResourceRequirements{Requests: rl("cpu", "1")}}}
		}), "count/pods=1,cpu=1,hugepages-2Mi=4Mi,limits.cpu=500m,limits.memory=64Mi,memory=64Mi,pods=1,requests.cpu=1,requests.example.com/gpu=1,requests.hugepages-2Mi=4Mi,requests.memory=64Mi"},
		{"finished pod", podGR, pod("a", func(p *core.Pod) {
			p.Spec.Containers[0].Resources.Requests = rl("cpu", "1")
			p.Status.Phase = core.PodSucceeded
		}), "count/pods=1"},
		{"cluster IP service", svcGR, &core.Service{Spec: core.ServiceSpec{Ports: []core.ServicePort{{Port: 80}}}}, "count/services=1,services=1"},
		{"node port service", svcGR, &core.Service{Spec: core.ServiceSpec{Type: core.ServiceTypeNodePort, Ports: []core.ServicePort{{Port: 80}, {Port: 443}}}},
			"count/services=1,services=1,services.nodeports=2"},
		{"load balancer without node ports", svcGR, &core.Service{Spec: core.ServiceSpec{Type: core.ServiceTypeLoadBalancer,
			AllocateLoadBalancerNodePorts: new(false), Ports: []core.ServicePort{{Port: 80, NodePort: 30080}, {Port: 443}}}},
			"count/services=1,services=1,services.loadbalancers=1,services.nodeports=1"},
		{"claim of a class", pvcGR, &core.PersistentVolumeClaim{Spec: core.PersistentVolumeClaimSpec{StorageClassName: new("gold"),
			Resources: core.VolumeResourceRequirements{Requests: rl("storage", "5Gi")}}},
			"count/persistentvolumeclaims=1,gold.storageclass.storage.k8s.io/persistentvolumeclaims=1,gold.storageclass.storage.k8s.io/requests.storage=5Gi,persistentvolumeclaims=1,requests.storage=5Gi"},
		{"config map", meta.GroupResource{Resource: "configmaps"}, &core.ConfigMap{}, "configmaps=1,count/configmaps=1"},
		{"any other", meta.GroupResource{Group: "apps", Resource: "deployments"}, &core.ConfigMap{}, "count/deployments.apps=1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := quota.For(tt.gr).Usage(tt.obj)
			if err != nil {
				t.Fatal(err)
			}
			if got := quota.Format(u); got != tt.want {
				t.Errorf("usage:\n got: %s\nwant: %s", got, tt.want)
			}
		})
	}
}

func TestScopesAndMatching(t *testing.T) {
	ev := quota.For(meta.GroupResource{Resource: "pods"})
	besteffort := &core.ResourceQuota{Spec: core.ResourceQuotaSpec{Scopes: []core.ResourceQuotaScope{core.ResourceQuotaScopeBestEffort}},
		Status: core.ResourceQuotaStatus{Hard: rl("pods", "3")}}
	high := &core.ResourceQuota{Spec: core.ResourceQuotaSpec{ScopeSelector: &core.ScopeSelector{MatchExpressions: []core.ScopedResourceSelectorRequirement{
		{ScopeName: core.ResourceQuotaScopePriorityClass, Operator: core.ScopeSelectorOpIn, Values: []string{"high"}}}}},
		Status: core.ResourceQuotaStatus{Hard: rl("pods", "3")}}
	cpuOnly := &core.ResourceQuota{Status: core.ResourceQuotaStatus{Hard: rl("services", "3")}}
	burstable := pod("b", func(p *core.Pod) { p.Spec.Containers[0].Resources.Requests = rl("cpu", "1") })
	prio := pod("p", func(p *core.Pod) { p.Spec.PriorityClassName = "high" })
	tests := []struct {
		q    *core.ResourceQuota
		pod  *core.Pod
		want bool
	}{
		{besteffort, pod("a", nil), true},
		{besteffort, burstable, false},
		{high, prio, true},
		{high, pod("a", nil), false},
		{cpuOnly, pod("a", nil), false},
	}
	for i, tt := range tests {
		if got, err := quota.Matches(tt.q, ev, tt.pod); err != nil || got != tt.want {
			t.Errorf("#%d: Matches = %v, %v; want %v", i, got, err, tt.want)
		}
	}
	used, err := quota.Usage(ev, besteffort, []meta.Object{pod("a", nil), burstable, pod("c", nil)}, []core.ResourceName{"pods", "requests.cpu"})
	if err != nil || quota.Format(used) != "pods=2,requests.cpu=0" {
		t.Errorf("Usage = %s, %v; want pods=2,requests.cpu=0", quota.Format(used), err)
	}
}

func TestConstraints(t *testing.T) {
	ev := quota.For(meta.GroupResource{Resource: "pods"})
	p := pod("a", func(p *core.Pod) {
		p.Spec.Containers = append(p.Spec.Containers, core.Container{Name: "d", Image: "x", Resources: core.ResourceRequirements{Requests: rl("cpu", "1")}})
	})
	err := ev.Constraints([]core.ResourceName{"requests.cpu", "limits.memory", "pods"}, p)
	if err == nil || err.Error() != "must specify limits.memory for: c,d; requests.cpu for: c" {
		t.Errorf("Constraints = %v", err)
	}
}

func TestListArithmetic(t *testing.T) {
	a, b := rl("cpu", "1", "pods", "2"), rl("cpu", "500m", "memory", "1Gi")
	if got := quota.Format(quota.Add(a, b)); got != "cpu=1500m,memory=1Gi,pods=2" {
		t.Errorf("Add = %s", got)
	}
	if got := quota.Format(quota.SubtractNonNegative(b, a)); got != "cpu=0,memory=1Gi" {
		t.Errorf("SubtractNonNegative = %s", got)
	}
	ok, exceeded := quota.LessThanOrEqual(rl("cpu", "2", "pods", "1", "other", "9"), rl("cpu", "1500m", "pods", "1"))
	if ok || !reflect.DeepEqual(exceeded, []core.ResourceName{"cpu"}) {
		t.Errorf("LessThanOrEqual = %v %v", ok, exceeded)
	}
	if !quota.Equals(rl("cpu", "1"), rl("cpu", "1000m")) || quota.Equals(rl("cpu", "1"), rl("cpu", "1", "pods", "1")) {
		t.Error("Equals compares quantities by value and names exactly")
	}
	gr, ok := quota.ParseObjectCountName("count/deployments.apps")
	if !ok || gr != (meta.GroupResource{Group: "apps", Resource: "deployments"}) || quota.ObjectCountName(gr) != "count/deployments.apps" {
		t.Errorf("ParseObjectCountName = %v %v", gr, ok)
	}
	if neg := quota.IsNegative(rl("cpu", "-1", "pods", "1")); !reflect.DeepEqual(neg, []core.ResourceName{"cpu"}) {
		t.Errorf("IsNegative = %v", neg)
	}
	if !strings.HasPrefix(quota.FormatNames([]core.ResourceName{"pods", "cpu"}), "cpu,") {
		t.Error("FormatNames sorts")
	}
}
