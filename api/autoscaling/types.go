package autoscaling

import "github.com/spar-dev/spar/api/meta"

// GroupName is the API group of this package's kinds.
const GroupName = "autoscaling"

// Version is the API version of this package's kinds.
const Version = "v1"

// Scale is the scale subresource of a scalable object. Its metadata is the
// parent object's (name, namespace, uid, resourceVersion).
type Scale struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
	Spec            ScaleSpec   `json:"spec,omitempty"`
	Status          ScaleStatus `json:"status,omitempty"`
}

// ScaleSpec is the desired scale.
type ScaleSpec struct {
	// Replicas is the desired number of instances.
	Replicas int32 `json:"replicas,omitempty"`
}

// ScaleStatus is the observed scale.
type ScaleStatus struct {
	// Replicas is the number of instances observed.
	Replicas int32 `json:"replicas"`
	// Selector is the parent's pod selector in label-query syntax
	// ("app=web,tier in (fe)"), so that clients need not understand the
	// parent's kind.
	Selector string `json:"selector,omitempty"`
}

// CrossVersionObjectReference names the object an autoscaler scales.
type CrossVersionObjectReference struct {
	Kind       string `json:"kind"`
	Name       string `json:"name"`
	APIVersion string `json:"apiVersion,omitempty"`
}

// HorizontalPodAutoscaler scales its target between MinReplicas and
// MaxReplicas to hold the average CPU utilization near a target.
type HorizontalPodAutoscaler struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
	Spec            HorizontalPodAutoscalerSpec   `json:"spec,omitempty"`
	Status          HorizontalPodAutoscalerStatus `json:"status,omitempty"`
}

// HorizontalPodAutoscalerList is a list of HorizontalPodAutoscalers.
type HorizontalPodAutoscalerList = meta.List[HorizontalPodAutoscaler]

// HorizontalPodAutoscalerSpec is the desired behaviour of an autoscaler.
type HorizontalPodAutoscalerSpec struct {
	// ScaleTargetRef is the object whose scale subresource is driven.
	ScaleTargetRef CrossVersionObjectReference `json:"scaleTargetRef"`
	// MinReplicas is the lower bound. Default: 1.
	MinReplicas *int32 `json:"minReplicas,omitempty"`
	// MaxReplicas is the upper bound.
	MaxReplicas int32 `json:"maxReplicas"`
	// TargetCPUUtilizationPercentage is the target average CPU use as a
	// percentage of requested CPU.
	TargetCPUUtilizationPercentage *int32 `json:"targetCPUUtilizationPercentage,omitempty"`
}

// HorizontalPodAutoscalerStatus is the observed state of an autoscaler.
type HorizontalPodAutoscalerStatus struct {
	ObservedGeneration *int64 `json:"observedGeneration,omitempty"`
	// LastScaleTime is when the autoscaler last changed the replica count.
	LastScaleTime   *meta.Time `json:"lastScaleTime,omitempty"`
	CurrentReplicas int32      `json:"currentReplicas"`
	DesiredReplicas int32      `json:"desiredReplicas"`
	// CurrentCPUUtilizationPercentage is the current average CPU use as a
	// percentage of requested CPU.
	CurrentCPUUtilizationPercentage *int32 `json:"currentCPUUtilizationPercentage,omitempty"`
}

// Default sets minReplicas to 1, as Kubernetes does.
func (h *HorizontalPodAutoscaler) Default() {
	if h.Spec.MinReplicas == nil {
		one := int32(1)
		h.Spec.MinReplicas = &one
	}
}
