package quota

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/resource"
)

// Evaluator measures what objects of one resource charge against quotas.
// Implementations are stateless and safe for concurrent use.
type Evaluator interface {
	// GroupResource is the resource the evaluator measures.
	GroupResource() meta.GroupResource
	// Handles reports whether writing obj (replacing old, which is nil on
	// create) may change usage; only then does admission charge it.
	Handles(obj, old meta.Object) bool
	// MatchingResources returns the names among input that the evaluator
	// charges.
	MatchingResources(input []core.ResourceName) []core.ResourceName
	// MatchesScope reports whether obj falls in a quota scope. Resources
	// without scopes are in none.
	MatchesScope(sel core.ScopedResourceSelectorRequirement, obj meta.Object) (bool, error)
	// Constraints returns an error when obj lacks what quotas on required
	// demand of it (pods must request every quota'd cpu and memory).
	Constraints(required []core.ResourceName, obj meta.Object) error
	// Usage is what obj charges.
	Usage(obj meta.Object) (core.ResourceList, error)
}

// For returns the evaluator of a resource: a specific one for pods,
// services and persistent volume claims, an object counter otherwise.
func For(gr meta.GroupResource) Evaluator {
	if gr.Group == "" {
		switch gr.Resource {
		case "pods":
			return podEvaluator{now: time.Now}
		case "services":
			return serviceEvaluator{}
		case "persistentvolumeclaims":
			return pvcEvaluator{}
		case "configmaps", "secrets", "resourcequotas", "replicationcontrollers":
			return newCounter(gr, core.ResourceName(gr.Resource))
		}
	}
	return newCounter(gr, "")
}

// ObjectCountName is the quota name counting objects of gr:
// "count/pods", "count/deployments.apps".
func ObjectCountName(gr meta.GroupResource) core.ResourceName {
	if gr.Group == "" {
		return core.ResourceName("count/" + gr.Resource)
	}
	return core.ResourceName("count/" + gr.Resource + "." + gr.Group)
}

// ParseObjectCountName is the inverse of ObjectCountName.
func ParseObjectCountName(name core.ResourceName) (meta.GroupResource, bool) {
	rest, ok := strings.CutPrefix(string(name), "count/")
	if !ok || rest == "" {
		return meta.GroupResource{}, false
	}
	res, group, _ := strings.Cut(rest, ".")
	return meta.GroupResource{Group: group, Resource: res}, true
}

// ScopeSelectors returns a quota's scopes and scope selector as one list
// of requirements, all of which an object must match.
func ScopeSelectors(q *core.ResourceQuota) []core.ScopedResourceSelectorRequirement {
	var out []core.ScopedResourceSelectorRequirement
	for _, s := range q.Spec.Scopes {
		out = append(out, core.ScopedResourceSelectorRequirement{ScopeName: s, Operator: core.ScopeSelectorOpExists})
	}
	if q.Spec.ScopeSelector != nil {
		out = append(out, q.Spec.ScopeSelector.MatchExpressions...)
	}
	return out
}

// Matches reports whether quota q constrains obj: it limits a resource
// the evaluator charges (by status.hard, what the controller has
// accepted) and obj is in all of its scopes.
func Matches(q *core.ResourceQuota, ev Evaluator, obj meta.Object) (bool, error) {
	if len(ev.MatchingResources(ResourceNames(q.Status.Hard))) == 0 {
		return false, nil
	}
	for _, sel := range ScopeSelectors(q) {
		ok, err := ev.MatchesScope(sel, obj)
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

// Usage totals what objs (of ev's resource, in q's namespace) charge
// against q, for the names in resources; every name starts at zero. The
// quota controller computes status.used with it.
func Usage(ev Evaluator, q *core.ResourceQuota, objs []meta.Object, resources []core.ResourceName) (core.ResourceList, error) {
	names := ev.MatchingResources(resources)
	used := core.ResourceList{}
	for _, n := range names {
		used[n] = resource.NewQuantity(0, resource.DecimalSI)
	}
	if len(names) == 0 {
		return used, nil
	}
	scopes := ScopeSelectors(q)
	for _, o := range objs {
		in := true
		for _, sel := range scopes {
			ok, err := ev.MatchesScope(sel, o)
			if err != nil {
				return nil, err
			}
			in = in && ok
		}
		if !in {
			continue
		}
		u, err := ev.Usage(o)
		if err != nil {
			return nil, err
		}
		used = Add(used, Mask(u, names))
	}
	return used, nil
}

func one() resource.Quantity { return resource.NewQuantity(1, resource.DecimalSI) }

// counter charges one per object under its count name and, for a few core
// resources, their legacy name too. It charges creates only.
type counter struct {
	gr    meta.GroupResource
	names []core.ResourceName
}

func newCounter(gr meta.GroupResource, alias core.ResourceName) counter {
	c := counter{gr: gr, names: []core.ResourceName{ObjectCountName(gr)}}
	if alias != "" {
		c.names = append(c.names, alias)
	}
	return c
}

func (c counter) GroupResource() meta.GroupResource { return c.gr }
func (c counter) Handles(_, old meta.Object) bool   { return old == nil }
func (c counter) MatchingResources(in []core.ResourceName) []core.ResourceName {
	return Intersection(in, c.names)
}
func (c counter) MatchesScope(core.ScopedResourceSelectorRequirement, meta.Object) (bool, error) {
	return false, nil
}
func (c counter) Constraints([]core.ResourceName, meta.Object) error { return nil }
func (c counter) Usage(meta.Object) (core.ResourceList, error) {
	u := core.ResourceList{}
	for _, n := range c.names {
		u[n] = one()
	}
	return u, nil
}

// serviceEvaluator charges services, their node ports and load balancers;
// an update that changes the type is charged the difference.
type serviceEvaluator struct{}

var serviceResources = []core.ResourceName{core.ResourceServices, "count/services",
	core.ResourceServicesNodePorts, core.ResourceServicesLoadBalancers}

func (serviceEvaluator) GroupResource() meta.GroupResource {
	return meta.GroupResource{Resource: "services"}
}
func (serviceEvaluator) Handles(meta.Object, meta.Object) bool { return true }
func (serviceEvaluator) MatchingResources(in []core.ResourceName) []core.ResourceName {
	return Intersection(in, serviceResources)
}
func (serviceEvaluator) MatchesScope(core.ScopedResourceSelectorRequirement, meta.Object) (bool, error) {
	return false, nil
}
func (serviceEvaluator) Constraints([]core.ResourceName, meta.Object) error { return nil }
func (serviceEvaluator) Usage(obj meta.Object) (core.ResourceList, error) {
	svc, ok := obj.(*core.Service)
	if !ok {
		return nil, fmt.Errorf("quota: expected *core.Service, got %T", obj)
	}
	u := core.ResourceList{core.ResourceServices: one(), "count/services": one()}
	ports := int64(len(svc.Spec.Ports))
	switch svc.Spec.Type {
	case core.ServiceTypeNodePort:
		u[core.ResourceServicesNodePorts] = resource.NewQuantity(ports, resource.DecimalSI)
	case core.ServiceTypeLoadBalancer:
		if a := svc.Spec.AllocateLoadBalancerNodePorts; a != nil && !*a {
			// Node ports are not allocated; only explicit ones count.
			ports = 0
			for _, p := range svc.Spec.Ports {
				if p.NodePort != 0 {
					ports++
				}
			}
		}
		u[core.ResourceServicesNodePorts] = resource.NewQuantity(ports, resource.DecimalSI)
		u[core.ResourceServicesLoadBalancers] = one()
	}
	return u, nil
}

// storageClassSuffix names per-class PVC quotas:
// "gold.storageclass.storage.k8s.io/requests.storage".
const storageClassSuffix = ".storageclass.storage.k8s.io/"

// pvcEvaluator charges claims and their requested storage, in total and
// per storage class.
type pvcEvaluator struct{}

var pvcResources = []core.ResourceName{core.ResourcePersistentVolumeClaims, "count/persistentvolumeclaims", core.ResourceRequestsStorage}

func (pvcEvaluator) GroupResource() meta.GroupResource {
	return meta.GroupResource{Resource: "persistentvolumeclaims"}
}
func (pvcEvaluator) Handles(meta.Object, meta.Object) bool { return true }
func (pvcEvaluator) MatchingResources(in []core.ResourceName) []core.ResourceName {
	out := Intersection(in, pvcResources)
	for _, n := range in {
		if strings.HasSuffix(string(n), storageClassSuffix+string(core.ResourcePersistentVolumeClaims)) ||
			strings.HasSuffix(string(n), storageClassSuffix+string(core.ResourceRequestsStorage)) {
			out = append(out, n)
		}
	}
	return out
}
func (pvcEvaluator) MatchesScope(sel core.ScopedResourceSelectorRequirement, obj meta.Object) (bool, error) {
	return false, nil
}
func (pvcEvaluator) Constraints([]core.ResourceName, meta.Object) error { return nil }
func (pvcEvaluator) Usage(obj meta.Object) (core.ResourceList, error) {
	pvc, ok := obj.(*core.PersistentVolumeClaim)
	if !ok {
		return nil, fmt.Errorf("quota: expected *core.PersistentVolumeClaim, got %T", obj)
	}
	class := ""
	if pvc.Spec.StorageClassName != nil {
		class = *pvc.Spec.StorageClassName
	} else if a := pvc.Annotations["volume.beta.kubernetes.io/storage-class"]; a != "" {
		class = a
	}
	u := core.ResourceList{core.ResourcePersistentVolumeClaims: one(), "count/persistentvolumeclaims": one()}
	if class != "" {
		u[core.ResourceName(class+storageClassSuffix+string(core.ResourcePersistentVolumeClaims))] = one()
	}
	// A claim being expanded holds the larger of what it asks and what it
	// has been given.
	storage, ok := pvc.Spec.Resources.Requests[core.ResourceStorage]
	if alloc, aok := pvc.Status.AllocatedResources[core.ResourceStorage]; aok && (!ok || alloc.Cmp(storage) > 0) {
		storage, ok = alloc, true
	}
	if ok {
		u[core.ResourceRequestsStorage] = storage
		if class != "" {
			u[core.ResourceName(class+storageClassSuffix+string(core.ResourceRequestsStorage))] = storage
		}
	}
	return u, nil
}

// podEvaluator charges pods, count/pods and their compute requests and
// limits. Terminal pods and pods whose deletion grace period has passed
// are charged only count/pods.
type podEvaluator struct{ now func() time.Time }

var podResources = []core.ResourceName{"count/pods", core.ResourceCPU, core.ResourceMemory, core.ResourceEphemeralStorage,
	core.ResourceRequestsCPU, core.ResourceRequestsMemory, core.ResourceRequestsEphemeralStorage,
	core.ResourceLimitsCPU, core.ResourceLimitsMemory, core.ResourceLimitsEphemeralStorage, core.ResourcePods}

// validationSet are the names whose quota makes every container state
// them: a historical rule Kubernetes keeps for cpu and memory only.
var validationSet = []core.ResourceName{core.ResourceCPU, core.ResourceMemory, core.ResourceRequestsCPU,
	core.ResourceRequestsMemory, core.ResourceLimitsCPU, core.ResourceLimitsMemory}

func (podEvaluator) GroupResource() meta.GroupResource { return meta.GroupResource{Resource: "pods"} }

func (podEvaluator) Handles(obj, old meta.Object) bool {
	if old == nil {
		return true
	}
	p, ok1 := obj.(*core.Pod)
	o, ok2 := old.(*core.Pod)
	// A pod moving in or out of the Terminating scope changes the quotas
	// that count it.
	return ok1 && ok2 && isTerminating(p) != isTerminating(o)
}

func (podEvaluator) MatchingResources(in []core.ResourceName) []core.ResourceName {
	out := Intersection(in, podResources)
	for _, n := range in {
		s := string(n)
		if strings.HasPrefix(s, core.ResourceHugePagesPrefix) || strings.HasPrefix(s, core.ResourceRequestsHugePagesPrefix) ||
			(strings.HasPrefix(s, core.DefaultResourceRequestsPrefix) && !isNative(core.ResourceName(strings.TrimPrefix(s, core.DefaultResourceRequestsPrefix)))) {
			out = append(out, n)
		}
	}
	return out
}

// isNative reports a resource name of Kubernetes' own (no domain, or the
// kubernetes.io domain); others are extended resources.
func isNative(n core.ResourceName) bool {
	return !strings.Contains(string(n), "/") || strings.HasPrefix(string(n), core.ResourceDefaultNamespacePrefix)
}

func (podEvaluator) MatchesScope(sel core.ScopedResourceSelectorRequirement, obj meta.Object) (bool, error) {
	p, ok := obj.(*core.Pod)
	if !ok {
		return false, fmt.Errorf("quota: expected *core.Pod, got %T", obj)
	}
	switch sel.ScopeName {
	case core.ResourceQuotaScopeTerminating:
		return isTerminating(p), nil
	case core.ResourceQuotaScopeNotTerminating:
		return !isTerminating(p), nil
	case core.ResourceQuotaScopeBestEffort:
		return core.ComputePodQOS(p) == core.PodQOSBestEffort, nil
	case core.ResourceQuotaScopeNotBestEffort:
		return core.ComputePodQOS(p) != core.PodQOSBestEffort, nil
	case core.ResourceQuotaScopePriorityClass:
		name := p.Spec.PriorityClassName
		switch sel.Operator {
		case core.ScopeSelectorOpExists:
			return name != "", nil
		case core.ScopeSelectorOpDoesNotExist:
			return name == "", nil
		case core.ScopeSelectorOpIn:
			return name != "" && slices.Contains(sel.Values, name), nil
		case core.ScopeSelectorOpNotIn:
			return name == "" || !slices.Contains(sel.Values, name), nil
		}
		return false, fmt.Errorf("quota: %q is not a valid scope selector operator", sel.Operator)
	case core.ResourceQuotaScopeCrossNamespacePodAffinity:
		return crossNamespaceAffinity(p), nil
	}
	return false, nil
}

func isTerminating(p *core.Pod) bool {
	return p.Spec.ActiveDeadlineSeconds != nil && *p.Spec.ActiveDeadlineSeconds >= 0
}

func crossNamespaceAffinity(p *core.Pod) bool {
	a := p.Spec.Affinity
	if a == nil {
		return false
	}
	cross := func(t *core.PodAffinityTerm) bool { return len(t.Namespaces) > 0 || t.NamespaceSelector != nil }
	var terms []*core.PodAffinityTerm
	if a.PodAffinity != nil {
		for i := range a.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution {
			terms = append(terms, &a.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution[i])
		}
		for i := range a.PodAffinity.PreferredDuringSchedulingIgnoredDuringExecution {
			terms = append(terms, &a.PodAffinity.PreferredDuringSchedulingIgnoredDuringExecution[i].PodAffinityTerm)
		}
	}
	if a.PodAntiAffinity != nil {
		for i := range a.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution {
			terms = append(terms, &a.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution[i])
		}
		for i := range a.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution {
			terms = append(terms, &a.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution[i].PodAffinityTerm)
		}
	}
	return slices.ContainsFunc(terms, cross)
}

func (podEvaluator) Constraints(required []core.ResourceName, obj meta.Object) error {
	p, ok := obj.(*core.Pod)
	if !ok {
		return fmt.Errorf("quota: expected *core.Pod, got %T", obj)
	}
	// Pod-level resources make container-level ones optional.
	if r := p.Spec.Resources; r != nil && (len(r.Requests) > 0 || len(r.Limits) > 0) {
		return nil
	}
	req := Intersection(validationSet, required)
	if len(req) == 0 {
		return nil
	}
	missing := map[core.ResourceName][]string{}
	check := func(c *core.Container) {
		have := computeUsage(c.Resources.Requests, c.Resources.Limits)
		for _, n := range req {
			if _, ok := have[n]; !ok {
				missing[n] = append(missing[n], c.Name)
			}
		}
	}
	for i := range p.Spec.Containers {
		check(&p.Spec.Containers[i])
	}
	for i := range p.Spec.InitContainers {
		check(&p.Spec.InitContainers[i])
	}
	if len(missing) == 0 {
		return nil
	}
	var msgs []string
	for _, n := range ResourceNames(resourceSet(missing)) {
		names := slices.Clone(missing[n])
		slices.Sort(names)
		names = slices.Compact(names)
		msgs = append(msgs, fmt.Sprintf("%s for: %s", n, strings.Join(names, ",")))
	}
	return fmt.Errorf("must specify %s", strings.Join(msgs, "; "))
}

func resourceSet[V any](m map[core.ResourceName]V) core.ResourceList {
	l := core.ResourceList{}
	for k := range m {
		l[k] = resource.Quantity{}
	}
	return l
}

func (e podEvaluator) Usage(obj meta.Object) (core.ResourceList, error) {
	p, ok := obj.(*core.Pod)
	if !ok {
		return nil, fmt.Errorf("quota: expected *core.Pod, got %T", obj)
	}
	u := core.ResourceList{"count/pods": one()}
	if !e.charged(p) {
		return u, nil
	}
	return Add(u, computeUsage(core.PodRequests(p), core.PodLimits(p))), nil
}

// charged reports whether a pod holds compute quota: not terminal, and
// not stuck terminating past its grace period (a lost node must not keep
// its pods' quota forever).
func (e podEvaluator) charged(p *core.Pod) bool {
	if p.Status.Phase == core.PodFailed || p.Status.Phase == core.PodSucceeded {
		return false
	}
	if p.DeletionTimestamp != nil && p.DeletionGracePeriodSeconds != nil {
		end := p.DeletionTimestamp.Add(time.Duration(*p.DeletionGracePeriodSeconds) * time.Second)
		if e.now().After(end) {
			return false
		}
	}
	return true
}

// computeUsage turns requests and limits into quota names.
func computeUsage(requests, limits core.ResourceList) core.ResourceList {
	u := core.ResourceList{core.ResourcePods: one()}
	for _, r := range []struct{ name, req, lim core.ResourceName }{
		{core.ResourceCPU, core.ResourceRequestsCPU, core.ResourceLimitsCPU},
		{core.ResourceMemory, core.ResourceRequestsMemory, core.ResourceLimitsMemory},
		{core.ResourceEphemeralStorage, core.ResourceRequestsEphemeralStorage, core.ResourceLimitsEphemeralStorage},
	} {
		if q, ok := requests[r.name]; ok {
			u[r.name], u[r.req] = q, q
		}
		if q, ok := limits[r.name]; ok {
			u[r.lim] = q
		}
	}
	for n, q := range requests {
		switch {
		case n.IsHugePages():
			u[n] = q
			u[core.DefaultResourceRequestsPrefix+n] = q
		case !isNative(n):
			u[core.DefaultResourceRequestsPrefix+n] = q
		}
	}
	return u
}
