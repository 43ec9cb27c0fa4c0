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
	meta.ObjectMeta `json:"metadata,omitempty"`
	Spec            PodDisruptionBudgetSpec   `json:"spec,omitempty"`
	Status          PodDisruptionBudgetStatus `json:"status,omitempty"`
}

// PodDisruptionBudgetList is a list of PodDisruptionBudgets.
type PodDisruptionBudgetList = meta.List[PodDisruptionBudget]

// PodDisruptionBudgetSpec sets the budget. At most one of MinAvailable and
// MaxUnavailable may be set; each is a count or a percentage ("50%").
type PodDisruptionBudgetSpec struct {
	// MinAvailable pods must remain after an eviction.
	MinAvailable *meta.IntOrString `json:"minAvailable,omitempty"`
	// Selector picks the pods; an empty selector selects every pod in the
	// namespace, a nil one none.
	Selector *meta.LabelSelector `json:"selector,omitempty" patchStrategy:"replace"`
	// MaxUnavailable pods may be missing after an eviction.
	MaxUnavailable *meta.IntOrString `json:"maxUnavailable,omitempty"`
	// UnhealthyPodEvictionPolicy says when running but not ready pods may be
	// evicted. Unset behaves as IfHealthyBudget; it is not defaulted.
	UnhealthyPodEvictionPolicy *UnhealthyPodEvictionPolicyType `json:"unhealthyPodEvictionPolicy,omitempty"`
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
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// DisruptedPods maps pods the API server allowed to evict, but the
	// controller has not yet seen go, to the time of the eviction.
	DisruptedPods      map[string]meta.Time `json:"disruptedPods,omitempty"`
	DisruptionsAllowed int32                `json:"disruptionsAllowed"`
	CurrentHealthy     int32                `json:"currentHealthy"`
	DesiredHealthy     int32                `json:"desiredHealthy"`
	ExpectedPods       int32                `json:"expectedPods"`
	// Conditions include DisruptionAllowed.
	Conditions []meta.Condition `json:"conditions,omitempty" patchStrategy:"merge" patchMergeKey:"type"`
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
	meta.ObjectMeta `json:"metadata,omitempty"`
	// DeleteOptions are applied to the pod's deletion.
	DeleteOptions *meta.DeleteOptions `json:"deleteOptions,omitempty"`
}
