package plugintest

import (
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/resource"
)

// Well-known node labels.
const (
	LabelHostname = "kubernetes.io/hostname"
	LabelZone     = "topology.kubernetes.io/zone"
)

// PodWrapper builds a pod fluently:
//
//	MakePod("web-0").Label("app", "web").Req("100m", "128Mi").Node("n1").Obj()
type PodWrapper struct{ p core.Pod }

// MakePod starts a pod in namespace "default" with a UID derived from its
// namespace and name, so pods built in different tests compare equal.
func MakePod(name string) *PodWrapper {
	w := &PodWrapper{}
	w.p.Name = name
	w.p.Namespace = "default"
	w.p.UID = meta.UID("uid-default-" + name)
	return w
}

// Obj returns the pod (a fresh copy each call).
func (w *PodWrapper) Obj() *core.Pod {
	p := w.p
	return &p
}

// Namespace sets the namespace (and re-derives the UID).
func (w *PodWrapper) Namespace(ns string) *PodWrapper {
	w.p.Namespace = ns
	w.p.UID = meta.UID("uid-" + ns + "-" + w.p.Name)
	return w
}

// UID sets the UID.
func (w *PodWrapper) UID(uid string) *PodWrapper { w.p.UID = meta.UID(uid); return w }

// Label adds a label.
func (w *PodWrapper) Label(k, v string) *PodWrapper {
	if w.p.Labels == nil {
		w.p.Labels = map[string]string{}
	}
	w.p.Labels[k] = v
	return w
}

// Labels adds labels.
func (w *PodWrapper) Labels(l map[string]string) *PodWrapper {
	for k, v := range l {
		w.Label(k, v)
	}
	return w
}

// Node binds the pod to a node.
func (w *PodWrapper) Node(name string) *PodWrapper { w.p.Spec.NodeName = name; return w }

// Priority sets spec.priority.
func (w *PodWrapper) Priority(v int32) *PodWrapper { w.p.Spec.Priority = &v; return w }

// PreemptionPolicy sets spec.preemptionPolicy.
func (w *PodWrapper) PreemptionPolicy(p core.PreemptionPolicy) *PodWrapper {
	w.p.Spec.PreemptionPolicy = &p
	return w
}

// SchedulerName sets spec.schedulerName.
func (w *PodWrapper) SchedulerName(n string) *PodWrapper { w.p.Spec.SchedulerName = n; return w }

// NominatedNodeName sets status.nominatedNodeName.
func (w *PodWrapper) NominatedNodeName(n string) *PodWrapper {
	w.p.Status.NominatedNodeName = n
	return w
}

// StartTime sets status.startTime.
func (w *PodWrapper) StartTime(t time.Time) *PodWrapper {
	mt := meta.Time{Time: t}
	w.p.Status.StartTime = &mt
	return w
}

// Terminating sets a deletion timestamp.
func (w *PodWrapper) Terminating() *PodWrapper {
	now := meta.Now()
	w.p.DeletionTimestamp = &now
	return w
}

// Condition adds a status condition.
func (w *PodWrapper) Condition(c core.PodCondition) *PodWrapper {
	w.p.Status.Conditions = append(w.p.Status.Conditions, c)
	return w
}

// Req adds a container requesting cpu and memory ("" for none).
func (w *PodWrapper) Req(cpu, mem string) *PodWrapper {
	rl := core.ResourceList{}
	if cpu != "" {
		rl[core.ResourceCPU] = resource.MustParse(cpu)
	}
	if mem != "" {
		rl[core.ResourceMemory] = resource.MustParse(mem)
	}
	w.p.Spec.Containers = append(w.p.Spec.Containers, core.Container{
		Name: "c" + string(rune('0'+len(w.p.Spec.Containers))), Image: "busybox",
		Resources: core.ResourceRequirements{Requests: rl},
	})
	return w
}

// Container adds a container without requests.
func (w *PodWrapper) Container(image string) *PodWrapper {
	w.p.Spec.Containers = append(w.p.Spec.Containers, core.Container{
		Name: "c" + string(rune('0'+len(w.p.Spec.Containers))), Image: image})
	return w
}

func (w *PodWrapper) affinity() *core.Affinity {
	if w.p.Spec.Affinity == nil {
		w.p.Spec.Affinity = &core.Affinity{}
	}
	return w.p.Spec.Affinity
}

// PodAffinity adds a required pod affinity term.
func (w *PodWrapper) PodAffinity(t core.PodAffinityTerm) *PodWrapper {
	a := w.affinity()
	if a.PodAffinity == nil {
		a.PodAffinity = &core.PodAffinity{}
	}
	a.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution = append(a.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution, t)
	return w
}

// PodAntiAffinity adds a required pod anti-affinity term.
func (w *PodWrapper) PodAntiAffinity(t core.PodAffinityTerm) *PodWrapper {
	a := w.affinity()
	if a.PodAntiAffinity == nil {
		a.PodAntiAffinity = &core.PodAntiAffinity{}
	}
	a.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution = append(a.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution, t)
	return w
}

// PreferredPodAffinity adds a preferred pod affinity term.
func (w *PodWrapper) PreferredPodAffinity(weight int32, t core.PodAffinityTerm) *PodWrapper {
	a := w.affinity()
	if a.PodAffinity == nil {
		a.PodAffinity = &core.PodAffinity{}
	}
	a.PodAffinity.PreferredDuringSchedulingIgnoredDuringExecution = append(a.PodAffinity.PreferredDuringSchedulingIgnoredDuringExecution,
		core.WeightedPodAffinityTerm{Weight: weight, PodAffinityTerm: t})
	return w
}

// PreferredPodAntiAffinity adds a preferred pod anti-affinity term.
func (w *PodWrapper) PreferredPodAntiAffinity(weight int32, t core.PodAffinityTerm) *PodWrapper {
	a := w.affinity()
	if a.PodAntiAffinity == nil {
		a.PodAntiAffinity = &core.PodAntiAffinity{}
	}
	a.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution = append(a.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution,
		core.WeightedPodAffinityTerm{Weight: weight, PodAffinityTerm: t})
	return w
}

// NodeSelector sets spec.nodeSelector.
func (w *PodWrapper) NodeSelector(m map[string]string) *PodWrapper {
	w.p.Spec.NodeSelector = m
	return w
}

// NodeAffinityIn requires nodes whose label key is one of values.
func (w *PodWrapper) NodeAffinityIn(key string, values ...string) *PodWrapper {
	a := w.affinity()
	if a.NodeAffinity == nil {
		a.NodeAffinity = &core.NodeAffinity{}
	}
	if a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution == nil {
		a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution = &core.NodeSelector{NodeSelectorTerms: []core.NodeSelectorTerm{{}}}
	}
	terms := a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms
	terms[0].MatchExpressions = append(terms[0].MatchExpressions,
		core.NodeSelectorRequirement{Key: key, Operator: core.NodeSelectorOpIn, Values: values})
	return w
}

// Toleration adds a toleration.
func (w *PodWrapper) Toleration(t core.Toleration) *PodWrapper {
	w.p.Spec.Tolerations = append(w.p.Spec.Tolerations, t)
	return w
}

// Spread adds a topology spread constraint.
func (w *PodWrapper) Spread(c core.TopologySpreadConstraint) *PodWrapper {
	w.p.Spec.TopologySpreadConstraints = append(w.p.Spec.TopologySpreadConstraints, c)
	return w
}

// SpreadConstraint adds a constraint with the common fields.
func (w *PodWrapper) SpreadConstraint(maxSkew int32, topologyKey string, when core.UnsatisfiableConstraintAction, sel *meta.LabelSelector) *PodWrapper {
	return w.Spread(core.TopologySpreadConstraint{MaxSkew: maxSkew, TopologyKey: topologyKey, WhenUnsatisfiable: when, LabelSelector: sel})
}

// PVC adds a volume using the claim.
func (w *PodWrapper) PVC(claim string) *PodWrapper {
	w.p.Spec.Volumes = append(w.p.Spec.Volumes, core.Volume{Name: claim,
		VolumeSource: core.VolumeSource{PersistentVolumeClaim: &core.PersistentVolumeClaimVolumeSource{ClaimName: claim}}})
	return w
}

// Volume adds a volume.
func (w *PodWrapper) Volume(v core.Volume) *PodWrapper {
	w.p.Spec.Volumes = append(w.p.Spec.Volumes, v)
	return w
}

// Owner adds a controller owner reference.
func (w *PodWrapper) Owner(apiVersion, kind, name string) *PodWrapper {
	yes := true
	w.p.OwnerReferences = append(w.p.OwnerReferences, meta.OwnerReference{
		APIVersion: apiVersion, Kind: kind, Name: name, UID: meta.UID("uid-" + kind + "-" + name), Controller: &yes})
	return w
}

// Term returns a pod affinity term on topologyKey selecting pods with the
// given labels (pairs k1, v1, k2, v2, ...).
func Term(topologyKey string, kv ...string) core.PodAffinityTerm {
	return core.PodAffinityTerm{TopologyKey: topologyKey, LabelSelector: Selector(kv...)}
}

// Selector returns a label selector with the given matchLabels (pairs).
func Selector(kv ...string) *meta.LabelSelector {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return &meta.LabelSelector{MatchLabels: m}
}

// SelectorExists returns a selector requiring the label key.
func SelectorExists(key string) *meta.LabelSelector {
	return &meta.LabelSelector{MatchExpressions: []meta.LabelSelectorRequirement{{Key: key, Operator: meta.LabelSelectorOpExists}}}
}

// NodeWrapper builds a node fluently:
//
//	MakeNode("n1").Label(LabelZone, "a").Capacity("4", "32Gi", "110").Obj()
type NodeWrapper struct{ n core.Node }

// MakeNode starts a node labelled kubernetes.io/hostname=name.
func MakeNode(name string) *NodeWrapper {
	w := &NodeWrapper{}
	w.n.Name = name
	w.n.UID = meta.UID("uid-node-" + name)
	w.n.Labels = map[string]string{LabelHostname: name}
	return w
}

// Obj returns the node.
func (w *NodeWrapper) Obj() *core.Node {
	n := w.n
	return &n
}

// Label adds a label.
func (w *NodeWrapper) Label(k, v string) *NodeWrapper {
	w.n.Labels[k] = v
	return w
}

// Zone sets topology.kubernetes.io/zone.
func (w *NodeWrapper) Zone(z string) *NodeWrapper { return w.Label(LabelZone, z) }

// Capacity sets capacity and allocatable ("" leaves a resource out).
func (w *NodeWrapper) Capacity(cpu, mem, pods string) *NodeWrapper {
	rl := core.ResourceList{}
	if cpu != "" {
		rl[core.ResourceCPU] = resource.MustParse(cpu)
	}
	if mem != "" {
		rl[core.ResourceMemory] = resource.MustParse(mem)
	}
	if pods != "" {
		rl[core.ResourcePods] = resource.MustParse(pods)
	}
	w.n.Status.Capacity = rl
	w.n.Status.Allocatable = rl
	return w
}

// Taint adds a taint.
func (w *NodeWrapper) Taint(key, value string, effect core.TaintEffect) *NodeWrapper {
	w.n.Spec.Taints = append(w.n.Spec.Taints, core.Taint{Key: key, Value: value, Effect: effect})
	return w
}
