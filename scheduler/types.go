package scheduler

import (
	"strings"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/labels"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/resource"
)

// Resource is an amount of schedulable resources in integer units: what
// plugins compare on the hot path, computed once per pod and node instead
// of parsing Quantities per check.
type Resource struct {
	MilliCPU         int64
	Memory           int64
	EphemeralStorage int64
	// AllowedPodNumber is the node's pod capacity (allocatable only).
	AllowedPodNumber int64
	// Scalar holds extended resources (nvidia.com/gpu, hugepages-2Mi, ...)
	// in their integer value.
	Scalar map[core.ResourceName]int64
}

// NewResource converts a ResourceList.
func NewResource(rl core.ResourceList) Resource {
	var r Resource
	r.AddList(rl)
	return r
}

// AddList adds rl to r.
func (r *Resource) AddList(rl core.ResourceList) {
	for name, q := range rl {
		switch name {
		case core.ResourceCPU:
			r.MilliCPU += q.MilliValue()
		case core.ResourceMemory:
			r.Memory += q.Value()
		case core.ResourceEphemeralStorage:
			r.EphemeralStorage += q.Value()
		case core.ResourcePods:
			r.AllowedPodNumber += q.Value()
		default:
			if isScalarResource(name) {
				if r.Scalar == nil {
					r.Scalar = map[core.ResourceName]int64{}
				}
				r.Scalar[name] += q.Value()
			}
		}
	}
}

// isScalarResource reports extended and hugepages resources.
func isScalarResource(name core.ResourceName) bool {
	s := string(name)
	return strings.HasPrefix(s, "hugepages-") || strings.Contains(s, "/") && !strings.HasPrefix(s, "kubernetes.io/") ||
		strings.HasPrefix(s, "attachable-volumes-")
}

// Add adds o to r.
func (r *Resource) Add(o *Resource) {
	r.MilliCPU += o.MilliCPU
	r.Memory += o.Memory
	r.EphemeralStorage += o.EphemeralStorage
	r.AllowedPodNumber += o.AllowedPodNumber
	for k, v := range o.Scalar {
		if r.Scalar == nil {
			r.Scalar = map[core.ResourceName]int64{}
		}
		r.Scalar[k] += v
	}
}

// Sub subtracts o from r.
func (r *Resource) Sub(o *Resource) {
	r.MilliCPU -= o.MilliCPU
	r.Memory -= o.Memory
	r.EphemeralStorage -= o.EphemeralStorage
	r.AllowedPodNumber -= o.AllowedPodNumber
	for k, v := range o.Scalar {
		if r.Scalar != nil {
			r.Scalar[k] -= v
		}
	}
}

// Clone copies r.
func (r Resource) Clone() Resource {
	if r.Scalar != nil {
		s := make(map[core.ResourceName]int64, len(r.Scalar))
		for k, v := range r.Scalar {
			s[k] = v
		}
		r.Scalar = s
	}
	return r
}

// Requests the scheduler assumes for containers that request nothing, when
// spreading load (Kubernetes' DefaultMilliCPURequest and DefaultMemoryRequest).
const (
	DefaultMilliCPURequest int64 = 100
	DefaultMemoryRequest   int64 = 200 * 1024 * 1024
)

// HostPort is a host port a pod uses.
type HostPort struct {
	IP       string // "" and "0.0.0.0" mean every address
	Protocol core.Protocol
	Port     int32
}

// AffinityTerm is a pod (anti-)affinity term with its selectors compiled.
type AffinityTerm struct {
	Namespaces        map[string]bool
	NamespaceSelector labels.Selector // nil: none; matches namespaces' labels
	Selector          labels.Selector
	TopologyKey       string
}

// WeightedAffinityTerm is a preferred term.
type WeightedAffinityTerm struct {
	AffinityTerm
	Weight int32
}

// PodInfo is a pod with what plugins need precomputed once: its
// requests, host ports and compiled affinity terms. PodInfos held by the
// cache are shared and read-only.
type PodInfo struct {
	Pod *core.Pod
	// Requests are the pod's effective requests (init containers, sidecars,
	// overhead counted); NonZeroRequests substitute the defaults for zero
	// CPU and memory, for spreading.
	Requests        Resource
	NonZeroRequests Resource
	HostPorts       []HostPort
	// Required and preferred (anti-)affinity terms.
	RequiredAffinity      []AffinityTerm
	RequiredAntiAffinity  []AffinityTerm
	PreferredAffinity     []WeightedAffinityTerm
	PreferredAntiAffinity []WeightedAffinityTerm
	// ParseError is set when a term's selector is invalid; plugins reject
	// the pod with it.
	ParseError error
}

// NewPodInfo precomputes pod's scheduling data.
func NewPodInfo(pod *core.Pod) *PodInfo {
	pi := &PodInfo{Pod: pod}
	pi.Requests = NewResource(core.PodRequests(pod))
	pi.NonZeroRequests = nonZeroRequests(pod, &pi.Requests)
	// Host ports are held by the containers and by restartable init
	// containers (sidecars), which run for the pod's life; other init
	// containers have exited before the containers start.
	addPorts := func(c *core.Container) {
		for _, p := range c.Ports {
			if p.HostPort > 0 {
				proto := p.Protocol
				if proto == "" {
					proto = core.ProtocolTCP
				}
				pi.HostPorts = append(pi.HostPorts, HostPort{IP: p.HostIP, Protocol: proto, Port: p.HostPort})
			}
		}
	}
	for i := range pod.Spec.InitContainers {
		if c := &pod.Spec.InitContainers[i]; c.RestartPolicy != nil && *c.RestartPolicy == core.ContainerRestartPolicyAlways {
			addPorts(c)
		}
	}
	for i := range pod.Spec.Containers {
		addPorts(&pod.Spec.Containers[i])
	}
	if a := pod.Spec.Affinity; a != nil {
		if pa := a.PodAffinity; pa != nil {
			pi.RequiredAffinity = pi.compileTerms(pa.RequiredDuringSchedulingIgnoredDuringExecution)
			pi.PreferredAffinity = pi.compileWeighted(pa.PreferredDuringSchedulingIgnoredDuringExecution)
		}
		if pa := a.PodAntiAffinity; pa != nil {
			pi.RequiredAntiAffinity = pi.compileTerms(pa.RequiredDuringSchedulingIgnoredDuringExecution)
			pi.PreferredAntiAffinity = pi.compileWeighted(pa.PreferredDuringSchedulingIgnoredDuringExecution)
		}
	}
	return pi
}

// nonZeroRequests are a pod's requests with DefaultMilliCPURequest and
// DefaultMemoryRequest standing in for every container's missing cpu and
// memory requests (init containers' too; an explicit zero stays zero), as
// Kubernetes counts pods that request nothing when it spreads load.
func nonZeroRequests(pod *core.Pod, requests *Resource) Resource {
	missing := func(cs []core.Container) bool {
		for i := range cs {
			rl := cs[i].Resources.Requests
			if _, ok := rl[core.ResourceCPU]; !ok {
				return true
			}
			if _, ok := rl[core.ResourceMemory]; !ok {
				return true
			}
		}
		return false
	}
	if !missing(pod.Spec.Containers) && !missing(pod.Spec.InitContainers) {
		return requests.Clone()
	}
	withDefaults := func(cs []core.Container) []core.Container {
		out := make([]core.Container, len(cs))
		for i := range cs {
			out[i] = cs[i]
			rl := make(core.ResourceList, len(cs[i].Resources.Requests)+2)
			for k, v := range cs[i].Resources.Requests {
				rl[k] = v
			}
			if _, ok := rl[core.ResourceCPU]; !ok {
				rl[core.ResourceCPU] = resource.NewMilliQuantity(DefaultMilliCPURequest, resource.DecimalSI)
			}
			if _, ok := rl[core.ResourceMemory]; !ok {
				rl[core.ResourceMemory] = resource.NewQuantity(DefaultMemoryRequest, resource.BinarySI)
			}
			out[i].Resources.Requests = rl
		}
		return out
	}
	cp := *pod
	cp.Spec.Containers = withDefaults(pod.Spec.Containers)
	cp.Spec.InitContainers = withDefaults(pod.Spec.InitContainers)
	return NewResource(core.PodRequests(&cp))
}

func (pi *PodInfo) compileTerm(t *core.PodAffinityTerm) (AffinityTerm, bool) {
	at := AffinityTerm{TopologyKey: t.TopologyKey}
	sel, err := labels.FromLabelSelector(t.LabelSelector)
	if err != nil {
		pi.ParseError = err
		return at, false
	}
	// matchLabelKeys/mismatchLabelKeys take values from the pod's labels.
	if len(t.MatchLabelKeys) > 0 || len(t.MismatchLabelKeys) > 0 {
		var reqs []labels.Requirement
		reqs = append(reqs, sel.Requirements()...)
		for _, k := range t.MatchLabelKeys {
			if v, ok := pi.Pod.Labels[k]; ok {
				if r, err := labels.NewRequirement(k, labels.In, v); err == nil {
					reqs = append(reqs, r)
				}
			}
		}
		for _, k := range t.MismatchLabelKeys {
			if v, ok := pi.Pod.Labels[k]; ok {
				if r, err := labels.NewRequirement(k, labels.NotIn, v); err == nil {
					reqs = append(reqs, r)
				}
			}
		}
		sel = labels.NewSelector(reqs...)
	}
	at.Selector = sel
	if t.NamespaceSelector != nil {
		ns, err := labels.FromLabelSelector(t.NamespaceSelector)
		if err != nil {
			pi.ParseError = err
			return at, false
		}
		at.NamespaceSelector = ns
	}
	at.Namespaces = map[string]bool{}
	for _, n := range t.Namespaces {
		at.Namespaces[n] = true
	}
	// No namespaces and no namespace selector: the pod's own namespace.
	if len(t.Namespaces) == 0 && t.NamespaceSelector == nil {
		at.Namespaces[pi.Pod.Namespace] = true
	}
	return at, true
}

func (pi *PodInfo) compileTerms(ts []core.PodAffinityTerm) []AffinityTerm {
	out := make([]AffinityTerm, 0, len(ts))
	for i := range ts {
		if at, ok := pi.compileTerm(&ts[i]); ok {
			out = append(out, at)
		}
	}
	return out
}

func (pi *PodInfo) compileWeighted(ts []core.WeightedPodAffinityTerm) []WeightedAffinityTerm {
	out := make([]WeightedAffinityTerm, 0, len(ts))
	for i := range ts {
		if at, ok := pi.compileTerm(&ts[i].PodAffinityTerm); ok {
			out = append(out, WeightedAffinityTerm{at, ts[i].Weight})
		}
	}
	return out
}

// Matches reports whether the term selects pod, given the labels of pod's
// namespace (for namespace selectors; nil when unknown).
func (t *AffinityTerm) Matches(pod *core.Pod, nsLabels map[string]string) bool {
	if !t.Namespaces[pod.Namespace] {
		if t.NamespaceSelector == nil || !t.NamespaceSelector.Matches(labels.Set(nsLabels)) {
			return false
		}
	}
	return t.Selector.Matches(labels.Set(pod.Labels))
}

// ImageState is what the cache knows of an image on a node.
type ImageState struct {
	Size int64
	// NumNodes is how many nodes have the image (for ImageLocality's
	// spread factor).
	NumNodes int
}

// NodeInfo is a node with the pods bound or assumed to it and their
// aggregated requests. NodeInfos in a snapshot are read-only.
type NodeInfo struct {
	Node *core.Node
	// Copies of the fields of Node that Filter and Score read for every
	// node (see Name, Unschedulable, Taints, Labels), kept next to the
	// counters so that the per-node loops do not load the Node object, a
	// cache miss per node at thousands of nodes. of is the Node they were
	// copied from: a NodeInfo whose Node was set otherwise reads Node.
	of            *core.Node
	name          string
	taints        []core.Taint
	labels        map[string]string
	unschedulable bool
	// Pods on the node (bound and assumed).
	Pods []*PodInfo
	// PodsWithAffinity and PodsWithRequiredAntiAffinity are the subsets of
	// Pods with any (anti-)affinity term, and with required anti-affinity.
	PodsWithAffinity             []*PodInfo
	PodsWithRequiredAntiAffinity []*PodInfo
	// Requested is the sum of the pods' requests; NonZeroRequested of their
	// non-zero requests.
	Requested        Resource
	NonZeroRequested Resource
	Allocatable      Resource
	UsedPorts        map[HostPort]bool
	// ImageStates of the images on the node, by name.
	ImageStates map[string]*ImageState
	// PVCRefCounts counts pods using each "namespace/claim".
	PVCRefCounts map[string]int
	// Generation increases on every change the cache makes, so snapshots
	// copy only nodes that changed; it names one version of one node, and
	// plugins may memoize per generation. AddPod and RemovePod reset it to
	// 0 (no known version) on clones that simulate changes.
	Generation int64
}

// Name is the node's name ("" for a node the cache knows only from pods).
func (n *NodeInfo) Name() string {
	if n.of == n.Node {
		return n.name
	}
	if n.Node == nil {
		return ""
	}
	return n.Node.Name
}

// Unschedulable is the node's spec.unschedulable.
func (n *NodeInfo) Unschedulable() bool {
	if n.of == n.Node {
		return n.unschedulable
	}
	return n.Node != nil && n.Node.Spec.Unschedulable
}

// Taints are the node's spec.taints (nil for a NodeInfo without a node).
func (n *NodeInfo) Taints() []core.Taint {
	if n.of == n.Node {
		return n.taints
	}
	if n.Node == nil {
		return nil
	}
	return n.Node.Spec.Taints
}

// Labels are the node's labels (nil for a NodeInfo without a node).
func (n *NodeInfo) Labels() map[string]string {
	if n.of == n.Node {
		return n.labels
	}
	if n.Node == nil {
		return nil
	}
	return n.Node.Labels
}

func newNodeInfo() *NodeInfo {
	return &NodeInfo{UsedPorts: map[HostPort]bool{}, ImageStates: map[string]*ImageState{}, PVCRefCounts: map[string]int{}}
}

// AddPod accounts for pi on n. On a snapshot's NodeInfo, call it on a
// Clone: preemption and the nominated-pods filter pass simulate pods
// added to a node this way.
func (n *NodeInfo) AddPod(pi *PodInfo) {
	// A changed NodeInfo is no longer the version its generation names
	// (plugins memoize per generation); the cache gives it a new one.
	n.Generation = 0
	n.Pods = append(n.Pods, pi)
	if len(pi.RequiredAffinity)+len(pi.RequiredAntiAffinity)+len(pi.PreferredAffinity)+len(pi.PreferredAntiAffinity) > 0 {
		n.PodsWithAffinity = append(n.PodsWithAffinity, pi)
	}
	if len(pi.RequiredAntiAffinity) > 0 {
		n.PodsWithRequiredAntiAffinity = append(n.PodsWithRequiredAntiAffinity, pi)
	}
	n.Requested.Add(&pi.Requests)
	n.NonZeroRequested.Add(&pi.NonZeroRequests)
	for _, p := range pi.HostPorts {
		n.UsedPorts[p] = true
	}
	for _, v := range pi.Pod.Spec.Volumes {
		if c := v.PersistentVolumeClaim; c != nil {
			n.PVCRefCounts[pi.Pod.Namespace+"/"+c.ClaimName]++
		}
	}
}

// RemovePod undoes AddPod for the pod with uid; false if it is not on n.
// Like AddPod, it is for the cache's own NodeInfos and for clones.
func (n *NodeInfo) RemovePod(uid meta.UID) bool {
	idx := -1
	for i, p := range n.Pods {
		if p.Pod.UID == uid {
			idx = i
			break
		}
	}
	if idx < 0 {
		return false
	}
	pi := n.Pods[idx]
	n.Generation = 0
	n.Pods = deletePodInfo(n.Pods, uid)
	n.PodsWithAffinity = deletePodInfo(n.PodsWithAffinity, uid)
	n.PodsWithRequiredAntiAffinity = deletePodInfo(n.PodsWithRequiredAntiAffinity, uid)
	n.Requested.Sub(&pi.Requests)
	n.NonZeroRequested.Sub(&pi.NonZeroRequests)
	for _, p := range pi.HostPorts {
		delete(n.UsedPorts, p)
	}
	// Ports shared by other pods stay used.
	for _, o := range n.Pods {
		for _, p := range o.HostPorts {
			n.UsedPorts[p] = true
		}
	}
	for _, v := range pi.Pod.Spec.Volumes {
		if c := v.PersistentVolumeClaim; c != nil {
			k := pi.Pod.Namespace + "/" + c.ClaimName
			if n.PVCRefCounts[k]--; n.PVCRefCounts[k] <= 0 {
				delete(n.PVCRefCounts, k)
			}
		}
	}
	return true
}

func deletePodInfo(s []*PodInfo, uid meta.UID) []*PodInfo {
	for i, p := range s {
		if p.Pod.UID == uid {
			// Order does not matter: swap with the last (on a copy, as
			// snapshots may share the backing array).
			out := make([]*PodInfo, 0, len(s)-1)
			out = append(out, s[:i]...)
			return append(out, s[i+1:]...)
		}
	}
	return s
}

// Clone copies n for a snapshot (PodInfos are shared, being read-only).
func (n *NodeInfo) Clone() *NodeInfo {
	c := new(NodeInfo)
	n.cloneInto(c)
	return c
}

// cloneInto overwrites c with a copy of n.
func (n *NodeInfo) cloneInto(c *NodeInfo) {
	*c = NodeInfo{
		Node:                         n.Node,
		of:                           n.of,
		name:                         n.name,
		taints:                       n.taints,
		labels:                       n.labels,
		unschedulable:                n.unschedulable,
		Pods:                         append([]*PodInfo(nil), n.Pods...),
		PodsWithAffinity:             append([]*PodInfo(nil), n.PodsWithAffinity...),
		PodsWithRequiredAntiAffinity: append([]*PodInfo(nil), n.PodsWithRequiredAntiAffinity...),
		Requested:                    n.Requested.Clone(),
		NonZeroRequested:             n.NonZeroRequested.Clone(),
		Allocatable:                  n.Allocatable.Clone(),
		UsedPorts:                    make(map[HostPort]bool, len(n.UsedPorts)),
		ImageStates:                  n.ImageStates,
		PVCRefCounts:                 make(map[string]int, len(n.PVCRefCounts)),
		Generation:                   n.Generation,
	}
	for k, v := range n.UsedPorts {
		c.UsedPorts[k] = v
	}
	for k, v := range n.PVCRefCounts {
		c.PVCRefCounts[k] = v
	}
}

// setNode sets the node object (nil: none) and its allocatable resources.
func (n *NodeInfo) setNode(node *core.Node) {
	n.Node = node
	n.of, n.name, n.taints, n.labels, n.unschedulable = node, "", nil, nil, false
	if node != nil {
		n.name, n.taints, n.labels, n.unschedulable = node.Name, node.Spec.Taints, node.Labels, node.Spec.Unschedulable
	}
	if node == nil {
		n.Allocatable = Resource{}
		return
	}
	n.Allocatable = NewResource(node.Status.Allocatable)
	if len(node.Status.Allocatable) == 0 {
		n.Allocatable = NewResource(node.Status.Capacity)
	}
}

// QueuedPod is a pod in the scheduling queue.
type QueuedPod struct {
	*PodInfo
	// Timestamp is when the pod entered the queue (for QueueSort: older
	// first at equal priority).
	Timestamp time.Time
	// Attempts counts scheduling attempts; backoff grows with it.
	Attempts int
	// InitialAttempt is when the first attempt was made.
	InitialAttempt time.Time
	// UnschedulablePlugins rejected the last attempt; only events they
	// registered move the pod back to the active queue.
	UnschedulablePlugins map[string]bool
	// Gated is set when a PreEnqueue plugin holds the pod.
	Gated bool

	heapIdx int // position in the queue heap holding the pod, or -1
}
