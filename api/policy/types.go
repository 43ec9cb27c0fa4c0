package policy

import "github.com/spar-dev/spar/api/meta"

// GroupName is the API group of this package's kinds.
const GroupName = "policy"

// Version is the API version of this package's kinds.
const Version = "v1"

// DisruptionBudgetCause is the cause type of an eviction refused because a
// budget would be violated.
const DisruptionBudgetCause meta.CauseType = "DisruptionBudget"

// PodDisruptionBudget bounds the disruption of the pods its selector matches.
type PodDisruptionBudget struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	Spec            PodDisruptionBudgetSpec   `json:"spec,omitempty" protobuf:"bytes,2,opt,name=spec"`
	Status          PodDisruptionBudgetStatus `json:"status,omitempty" protobuf:"bytes,3,opt,name=status"`
}

// PodDisruptionBudgetList is a list of PodDisruptionBudgets.
type PodDisruptionBudgetList = meta.List[PodDisruptionBudget]

// PodDisruptionBudgetSpec sets the budget. At most one of MinAvailable and
// MaxUnavailable may be set; each is a count or a percentage ("50%").
type PodDisruptionBudgetSpec struct {
	// MinAvailable pods must remain after an eviction.
	MinAvailable *meta.IntOrString `json:"minAvailable,omitempty" protobuf:"bytes,1,opt,name=minAvailable"`
	// Selector picks the pods; an empty selector selects every pod in the
	// namespace, a nil one none.
	Selector *meta.LabelSelector `json:"selector,omitempty" patchStrategy:"replace" protobuf:"bytes,2,opt,name=selector"`
	// MaxUnavailable pods may be missing after an eviction.
	MaxUnavailable *meta.IntOrString `json:"maxUnavailable,omitempty" protobuf:"bytes,3,opt,name=maxUnavailable"`
	// UnhealthyPodEvictionPolicy says when running but not ready pods may be
	// evicted. Unset behaves as IfHealthyBudget; it is not defaulted.
	UnhealthyPodEvictionPolicy *UnhealthyPodEvictionPolicyType `json:"unhealthyPodEvictionPolicy,omitempty" protobuf:"bytes,4,opt,name=unhealthyPodEvictionPolicy"`
}

// UnhealthyPodEvictionPolicyType is IfHealthyBudget or AlwaysAllow.
type UnhealthyPodEvictionPolicyType string

// Unhealthy pod eviction policies.
const (
	// IfHealthyBudget evicts unhealthy pods only while the application is
	// not disrupted (currentHealthy >= desiredHealthy).
	IfHealthyBudget UnhealthyPodEvictionPolicyType = "IfHealthyBudget"
	// AlwaysAllow evicts unhealthy pods regardless of the budget.
	AlwaysAllow UnhealthyPodEvictionPolicyType = "AlwaysAllow"
)

// PodDisruptionBudgetStatus is maintained by the disruption controller.
type PodDisruptionBudgetStatus struct {
	ObservedGeneration int64 `json:"observedGeneration,omitempty" protobuf:"varint,1,opt,name=observedGeneration"`
	// DisruptedPods maps pods the API server allowed to evict, but the
	// controller has not yet seen go, to the time of the eviction.
	DisruptedPods      map[string]meta.Time `json:"disruptedPods,omitempty" protobuf:"bytes,2,rep,name=disruptedPods" protobuf_key:"bytes,1,opt,name=key" protobuf_val:"bytes,2,opt,name=value"`
	DisruptionsAllowed int32                `json:"disruptionsAllowed" protobuf:"varint,3,opt,name=disruptionsAllowed"`
	CurrentHealthy     int32                `json:"currentHealthy" protobuf:"varint,4,opt,name=currentHealthy"`
	DesiredHealthy     int32                `json:"desiredHealthy" protobuf:"varint,5,opt,name=desiredHealthy"`
	ExpectedPods       int32                `json:"expectedPods" protobuf:"varint,6,opt,name=expectedPods"`
	// Conditions include DisruptionAllowed.
	Conditions []meta.Condition `json:"conditions,omitempty" patchStrategy:"merge" patchMergeKey:"type" protobuf:"bytes,7,rep,name=conditions"`
}

// The DisruptionAllowed condition and its reasons.
const (
	DisruptionAllowedCondition = "DisruptionAllowed"
	SyncFailedReason           = "SyncFailed"
	SufficientPodsReason       = "SufficientPods"
	InsufficientPodsReason     = "InsufficientPods"
)

// Default does nothing: policy/v1 defaults no field (in particular not
// unhealthyPodEvictionPolicy). It exists so that every kind can be defaulted
// the same way.
func (p *PodDisruptionBudget) Default() {}

// Eviction asks to evict the pod named by its metadata, subject to the
// disruption budgets covering it.
type Eviction struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// DeleteOptions are applied to the pod's deletion.
	DeleteOptions *meta.DeleteOptions `json:"deleteOptions,omitempty" protobuf:"bytes,2,opt,name=deleteOptions"`
}
