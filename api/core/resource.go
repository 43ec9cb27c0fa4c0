package core

import (
	"strings"

	"github.com/spar-dev/spar/api/resource"
)

// ResourceName names a compute, storage or quota resource ("cpu", "memory",
// "requests.cpu", "pods", "nvidia.com/gpu").
type ResourceName string

// Compute and storage resources.
const (
	ResourceCPU              ResourceName = "cpu"
	ResourceMemory           ResourceName = "memory"
	ResourceStorage          ResourceName = "storage"
	ResourceEphemeralStorage ResourceName = "ephemeral-storage"
)

// Prefixes of resource names.
const (
	ResourceDefaultNamespacePrefix  = "kubernetes.io/"
	ResourceHugePagesPrefix         = "hugepages-"
	ResourceAttachableVolumesPrefix = "attachable-volumes-"
	ResourceRequestsHugePagesPrefix = "requests.hugepages-"
	DefaultResourceRequestsPrefix   = "requests."
)

// Quota resources: object counts and aggregate requests and limits.
const (
	ResourcePods                     ResourceName = "pods"
	ResourceServices                 ResourceName = "services"
	ResourceReplicationControllers   ResourceName = "replicationcontrollers"
	ResourceQuotas                   ResourceName = "resourcequotas"
	ResourceSecrets                  ResourceName = "secrets"
	ResourceConfigMaps               ResourceName = "configmaps"
	ResourcePersistentVolumeClaims   ResourceName = "persistentvolumeclaims"
	ResourceServicesNodePorts        ResourceName = "services.nodeports"
	ResourceServicesLoadBalancers    ResourceName = "services.loadbalancers"
	ResourceRequestsCPU              ResourceName = "requests.cpu"
	ResourceRequestsMemory           ResourceName = "requests.memory"
	ResourceRequestsStorage          ResourceName = "requests.storage"
	ResourceRequestsEphemeralStorage ResourceName = "requests.ephemeral-storage"
	ResourceLimitsCPU                ResourceName = "limits.cpu"
	ResourceLimitsMemory             ResourceName = "limits.memory"
	ResourceLimitsEphemeralStorage   ResourceName = "limits.ephemeral-storage"
)

// IsHugePages reports whether n is a huge page size resource ("hugepages-2Mi").
func (n ResourceName) IsHugePages() bool {
	return strings.HasPrefix(string(n), ResourceHugePagesPrefix)
}

// ResourceList maps resource names to quantities.
type ResourceList map[ResourceName]resource.Quantity

// CPU returns the cpu quantity, or zero.
func (l ResourceList) CPU() resource.Quantity { return l[ResourceCPU] }

// Memory returns the memory quantity, or zero.
func (l ResourceList) Memory() resource.Quantity { return l[ResourceMemory] }

// Storage returns the storage quantity, or zero.
func (l ResourceList) Storage() resource.Quantity { return l[ResourceStorage] }

// Pods returns the pods quantity (a node's pod capacity), or zero.
func (l ResourceList) Pods() resource.Quantity { return l[ResourcePods] }

// EphemeralStorage returns the ephemeral-storage quantity, or zero.
func (l ResourceList) EphemeralStorage() resource.Quantity { return l[ResourceEphemeralStorage] }

// addResourceList adds every quantity of src into dst.
func addResourceList(dst, src ResourceList) {
	for name, q := range src {
		if v, ok := dst[name]; ok {
			dst[name] = v.Add(q)
		} else {
			dst[name] = q
		}
	}
}

// maxResourceList raises every quantity of dst to at least src's.
func maxResourceList(dst, src ResourceList) {
	for name, q := range src {
		if v, ok := dst[name]; !ok || q.Cmp(v) > 0 {
			dst[name] = q
		}
	}
}

// aggregate computes a pod's effective container resources (requests or
// limits, as pick returns) the way the scheduler and kubelet do. Regular
// containers and sidecars run together, so they add up. Init containers run
// one at a time before them, but each one runs alongside the sidecars
// started before it; the pod needs the largest of those moments and of the
// steady state.
func aggregate(pod *Pod, pick func(*ResourceRequirements) ResourceList) ResourceList {
	total := ResourceList{}
	for i := range pod.Spec.Containers {
		addResourceList(total, pick(&pod.Spec.Containers[i].Resources))
	}
	sidecars := ResourceList{}
	initPeak := ResourceList{}
	for i := range pod.Spec.InitContainers {
		c := &pod.Spec.InitContainers[i]
		r := pick(&c.Resources)
		if IsRestartableInitContainer(c) {
			addResourceList(total, r)
			addResourceList(sidecars, r)
			maxResourceList(initPeak, sidecars)
			continue
		}
		moment := ResourceList{}
		addResourceList(moment, r)
		addResourceList(moment, sidecars)
		maxResourceList(initPeak, moment)
	}
	maxResourceList(total, initPeak)
	return total
}

// isSupportedPodLevelResource reports whether pod-level spec.resources may
// set name.
func isSupportedPodLevelResource(name ResourceName) bool {
	return name == ResourceCPU || name == ResourceMemory || name.IsHugePages()
}

// PodRequests returns the resources the scheduler reserves for a pod: the
// larger of the sum of its containers (sidecars included) and its peak
// during init, replaced by pod-level requests where the pod sets them, plus
// the pod overhead.
func PodRequests(pod *Pod) ResourceList {
	reqs := aggregate(pod, func(r *ResourceRequirements) ResourceList { return r.Requests })
	if r := pod.Spec.Resources; r != nil {
		for name, q := range r.Requests {
			if isSupportedPodLevelResource(name) {
				reqs[name] = q
			}
		}
	}
	addResourceList(reqs, pod.Spec.Overhead)
	return reqs
}

// PodLimits returns a pod's effective limits, computed like PodRequests; the
// overhead is added only to resources that have a limit (a missing limit
// means unbounded).
func PodLimits(pod *Pod) ResourceList {
	limits := aggregate(pod, func(r *ResourceRequirements) ResourceList { return r.Limits })
	if r := pod.Spec.Resources; r != nil {
		for name, q := range r.Limits {
			if isSupportedPodLevelResource(name) {
				limits[name] = q
			}
		}
	}
	for name, q := range pod.Spec.Overhead {
		if v, ok := limits[name]; ok {
			limits[name] = v.Add(q)
		}
	}
	return limits
}

// positiveCPUMemory returns the positive cpu and memory quantities of l.
func positiveCPUMemory(l ResourceList) ResourceList {
	out := ResourceList{}
	for _, name := range []ResourceName{ResourceCPU, ResourceMemory} {
		if q, ok := l[name]; ok && q.Sign() > 0 {
			out[name] = q
		}
	}
	return out
}

// ComputePodQOS returns the pod's QoS class from its cpu and memory
// requests and limits: BestEffort when none are set, Guaranteed when every
// container (or the pod level, if it sets resources) limits both cpu and
// memory and requests equal limits, Burstable otherwise. The server records
// it in status.qosClass at creation.
func ComputePodQOS(pod *Pod) PodQOSClass {
	requests, limits := ResourceList{}, ResourceList{}
	guaranteed := true
	if r := pod.Spec.Resources; r != nil && (len(positiveCPUMemory(r.Requests)) > 0 || len(positiveCPUMemory(r.Limits)) > 0) {
		requests, limits = positiveCPUMemory(r.Requests), positiveCPUMemory(r.Limits)
		if len(limits) != 2 {
			guaranteed = false
		}
	} else {
		cs := make([]*Container, 0, len(pod.Spec.Containers)+len(pod.Spec.InitContainers))
		for i := range pod.Spec.Containers {
			cs = append(cs, &pod.Spec.Containers[i])
		}
		for i := range pod.Spec.InitContainers {
			cs = append(cs, &pod.Spec.InitContainers[i])
		}
		for _, c := range cs {
			addResourceList(requests, positiveCPUMemory(c.Resources.Requests))
			l := positiveCPUMemory(c.Resources.Limits)
			addResourceList(limits, l)
			if len(l) != 2 {
				guaranteed = false
			}
		}
	}
	if len(requests) == 0 && len(limits) == 0 {
		return PodQOSBestEffort
	}
	if guaranteed && len(requests) == len(limits) {
		for name, req := range requests {
			if lim, ok := limits[name]; !ok || lim.Cmp(req) != 0 {
				guaranteed = false
				break
			}
		}
		if guaranteed {
			return PodQOSGuaranteed
		}
	}
	return PodQOSBurstable
}
