package endpoints

import (
	"sync"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/controller"
)

// The building blocks below are shared with package endpointslice and any
// other controller that publishes the endpoints of services.

// Index names this package adds to the shared Service and Pod informers.
const (
	// ServiceSelectorIndex indexes services by one "namespace/key=value"
	// pair of their selector (the smallest key), which every pod they
	// select carries.
	ServiceSelectorIndex = "endpoints.spar.dev/service-selector"
	// PodLabelIndex indexes pods by each of their "namespace/key=value"
	// label pairs.
	PodLabelIndex = "endpoints.spar.dev/pod-label"
)

type (
	serviceInformer = controller.Informer[core.Service, *core.Service]
	podInformer     = controller.Informer[core.Pod, *core.Pod]
)

func labelPair(ns, k, v string) string { return ns + "/" + k + "=" + v }

// minKey returns the smallest key of m ("" when m is empty).
func minKey(m map[string]string) string {
	first, min := true, ""
	for k := range m {
		if first || k < min {
			first, min = false, k
		}
	}
	return min
}

// IndexServices adds ServiceSelectorIndex to inf. Calling it again (as a
// second controller sharing inf does) rebuilds the same index.
func IndexServices(inf *serviceInformer) {
	inf.AddIndex(ServiceSelectorIndex, func(svc *core.Service) []string {
		sel := svc.Spec.Selector
		if len(sel) == 0 {
			return nil
		}
		k := minKey(sel)
		return []string{labelPair(svc.Namespace, k, sel[k])}
	})
}

// IndexPods adds PodLabelIndex to inf. Calling it again rebuilds the same
// index.
func IndexPods(inf *podInformer) {
	inf.AddIndex(PodLabelIndex, func(pod *core.Pod) []string {
		if len(pod.Labels) == 0 {
			return nil
		}
		out := make([]string, 0, len(pod.Labels))
		for k, v := range pod.Labels {
			out = append(out, labelPair(pod.Namespace, k, v))
		}
		return out
	})
}

// selects reports whether a service selector selects a pod's labels. An
// empty selector selects nothing: services without selectors are managed
// by their users.
func selects(sel, labels map[string]string) bool {
	if len(sel) == 0 {
		return false
	}
	for k, v := range sel {
		if pv, ok := labels[k]; !ok || pv != v {
			return false
		}
	}
	return true
}

// ServicesForPod returns the services (in inf, indexed by IndexServices)
// whose selectors select the pod's labels. It costs one index lookup per
// label of the pod, not a scan of the namespace's services.
func ServicesForPod(inf *serviceInformer, namespace string, labels map[string]string) []*core.Service {
	var out []*core.Service
	for k, v := range labels {
		// Each service is indexed under exactly one of its pairs, so it is
		// found at most once.
		for _, svc := range inf.ByIndex(ServiceSelectorIndex, labelPair(namespace, k, v)) {
			if selects(svc.Spec.Selector, labels) {
				out = append(out, svc)
			}
		}
	}
	return out
}

// PodsForService returns the pods (in inf, indexed by IndexPods) that
// svc's selector selects, in no particular order; none for a service
// without a selector.
func PodsForService(inf *podInformer, svc *core.Service) []*core.Pod {
	sel := svc.Spec.Selector
	if len(sel) == 0 {
		return nil
	}
	k := minKey(sel)
	pods := inf.ByIndex(PodLabelIndex, labelPair(svc.Namespace, k, sel[k]))
	out := pods[:0]
	for _, pod := range pods {
		if len(sel) == 1 || selects(sel, pod.Labels) {
			out = append(out, pod)
		}
	}
	return out
}

// ShouldPodBeInEndpoints reports whether pod is published at all: it has
// an IP, has not finished (phase Succeeded or Failed), and is not being
// deleted unless includeTerminating.
func ShouldPodBeInEndpoints(pod *core.Pod, includeTerminating bool) bool {
	if core.IsPodTerminal(pod) {
		return false
	}
	if pod.Status.PodIP == "" && len(pod.Status.PodIPs) == 0 {
		return false
	}
	return includeTerminating || pod.DeletionTimestamp == nil
}

// ShouldSetHostname reports whether pod's endpoint in svc carries its
// hostname: the pod names svc as its subdomain (spec.hostname and
// spec.subdomain), which is how a headless service gives each pod a DNS
// name.
func ShouldSetHostname(pod *core.Pod, svc *core.Service) bool {
	return pod.Spec.Hostname != "" && pod.Spec.Subdomain == svc.Name && pod.Namespace == svc.Namespace
}

// FindPort resolves a service port's targetPort for pod: a number is used
// as is (0 means the service port), a name is looked up in the ports of
// the pod's containers and sidecars with the same protocol. ok is false
// when the pod has no such named port.
func FindPort(pod *core.Pod, sp *core.ServicePort) (port int32, ok bool) {
	tp := sp.TargetPort
	if tp.Type == meta.Int {
		if tp.IntVal == 0 {
			return sp.Port, true
		}
		return tp.IntVal, true
	}
	proto := protocolOr(sp.Protocol)
	find := func(cs []core.Container, sidecarsOnly bool) (int32, bool) {
		for i := range cs {
			if sidecarsOnly && !core.IsRestartableInitContainer(&cs[i]) {
				continue
			}
			for _, p := range cs[i].Ports {
				if p.Name == tp.StrVal && protocolOr(p.Protocol) == proto {
					return p.ContainerPort, true
				}
			}
		}
		return 0, false
	}
	if port, ok := find(pod.Spec.Containers, false); ok {
		return port, true
	}
	return find(pod.Spec.InitContainers, true)
}

func protocolOr(p core.Protocol) core.Protocol {
	if p == "" {
		return core.ProtocolTCP
	}
	return p
}

// podChanged reports whether an update of a pod may change its endpoints
// (changed) or the services that select it (labelsChanged).
func podChanged(old, cur *core.Pod) (changed, labelsChanged bool) {
	labelsChanged = !mapsEqual(old.Labels, cur.Labels)
	changed = (old.DeletionTimestamp == nil) != (cur.DeletionTimestamp == nil) ||
		core.IsPodReady(old) != core.IsPodReady(cur) ||
		core.IsPodTerminal(old) != core.IsPodTerminal(cur) ||
		old.Status.PodIP != cur.Status.PodIP ||
		!podIPsEqual(old.Status.PodIPs, cur.Status.PodIPs) ||
		old.Spec.NodeName != cur.Spec.NodeName ||
		old.Spec.Hostname != cur.Spec.Hostname || old.Spec.Subdomain != cur.Spec.Subdomain
	return changed, labelsChanged
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func podIPsEqual(a, b []core.PodIP) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].IP != b[i].IP {
			return false
		}
	}
	return true
}

// PodHandler returns the Pod informer handler of an endpoint-publishing
// controller: it calls enqueue with the request of every service whose
// endpoints a pod event may change, found through IndexServices' index
// on services. Updates that change nothing endpoints show (container
// restarts, annotations, resyncs) enqueue nothing. When only a pod's
// labels change, only the services it joins or leaves are enqueued.
func PodHandler(services *serviceInformer, enqueue func(controller.Request)) controller.Handler[core.Pod] {
	each := func(svcs []*core.Service) {
		for _, svc := range svcs {
			enqueue(controller.RequestFor(svc))
		}
	}
	forPod := func(pod *core.Pod) { each(ServicesForPod(services, pod.Namespace, pod.Labels)) }
	return controller.HandlerFuncs[core.Pod]{
		AddFunc:    func(pod *core.Pod, _ bool) { forPod(pod) },
		DeleteFunc: forPod,
		UpdateFunc: func(old, cur *core.Pod) {
			if old.ResourceVersion == cur.ResourceVersion {
				return // a resync: the services' own resync covers it
			}
			changed, labelsChanged := podChanged(old, cur)
			switch {
			case labelsChanged:
				before := ServicesForPod(services, old.Namespace, old.Labels)
				after := ServicesForPod(services, cur.Namespace, cur.Labels)
				if changed {
					each(before)
					each(after)
					return
				}
				// Only membership changed: the services it stays in see
				// the same endpoint.
				each(difference(before, after))
				each(difference(after, before))
			case changed:
				forPod(cur)
			}
		},
	}
}

// difference returns the services of a that are not in b.
func difference(a, b []*core.Service) []*core.Service {
	var out []*core.Service
	for _, s := range a {
		found := false
		for _, t := range b {
			if s == t || s.UID == t.UID {
				found = true
				break
			}
		}
		if !found {
			out = append(out, s)
		}
	}
	return out
}

// TriggerTimeTracker computes the value of the
// endpoints.kubernetes.io/last-change-trigger-time annotation: the time of
// the earliest pod or service change that a write publishes, so that
// consumers can measure how long a change took to reach them. Pod changes
// are dated by their Ready condition's last transition, a new service by
// its creation. As in Kubernetes, the value is approximate when one object
// changes several times between two syncs. Unlike Kubernetes', a trigger
// is kept until a write publishes it (Published), so a failed write does
// not lose it.
//
// Compute and Published must not be called concurrently for one service;
// a controller's queue guarantees that.
type TriggerTimeTracker struct {
	mu       sync.Mutex
	services map[controller.Request]*serviceTriggers
}

type serviceTriggers struct {
	created time.Time
	pods    map[string]podTrigger
	gen     uint64    // the Compute call that last saw a pod
	pending time.Time // the earliest change not yet published
}

type podTrigger struct {
	at  time.Time
	gen uint64
}

// NewTriggerTimeTracker returns an empty tracker.
func NewTriggerTimeTracker() *TriggerTimeTracker {
	return &TriggerTimeTracker{services: map[controller.Request]*serviceTriggers{}}
}

// Compute records the trigger times of svc and its pods (those its
// selector selects) and returns the earliest change not yet published:
// svc's creation time for a service new to the tracker, the zero time
// when nothing changed since the last Published.
func (t *TriggerTimeTracker) Compute(svc *core.Service, pods []*core.Pod) time.Time {
	key := controller.RequestFor(svc)
	t.mu.Lock()
	st, known := t.services[key]
	if !known {
		st = &serviceTriggers{pods: make(map[string]podTrigger, len(pods))}
		t.services[key] = st
	}
	t.mu.Unlock()

	earlier := func(at time.Time) {
		if st.pending.IsZero() || at.Before(st.pending) {
			st.pending = at
		}
	}
	st.gen++
	for _, pod := range pods {
		c := core.GetPodCondition(&pod.Status, core.PodReady)
		if c == nil || c.LastTransitionTime.IsZero() {
			continue
		}
		at := c.LastTransitionTime.Time
		if prev, ok := st.pods[pod.Name]; !ok || at.After(prev.at) {
			earlier(at)
		}
		st.pods[pod.Name] = podTrigger{at: at, gen: st.gen}
	}
	for name, p := range st.pods {
		if p.gen != st.gen {
			delete(st.pods, name)
		}
	}
	created := svc.CreationTimestamp.Time
	if !known || created.After(st.created) {
		// New, or deleted and created again.
		st.pending = created
	}
	st.created = created
	return st.pending
}

// Published tells the tracker that the last computed trigger was written
// (or that nothing needed writing).
func (t *TriggerTimeTracker) Published(namespace, name string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if st := t.services[controller.Request{Namespace: namespace, Name: name}]; st != nil {
		st.pending = time.Time{}
	}
}

// Forget drops what the tracker knows of a service (when it is deleted).
func (t *TriggerTimeTracker) Forget(namespace, name string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.services, controller.Request{Namespace: namespace, Name: name})
}
