package autoscaling

import (
	"fmt"

	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/validation"
)

// Validation of the autoscaling/v1 kinds, with Kubernetes' rules and
// messages (pkg/apis/autoscaling/validation).
//
// Kubernetes validates HorizontalPodAutoscalers in its internal (v2) form,
// so it reports a bad targetCPUUtilizationPercentage at
// spec.metrics[0].resource.target.averageUtilization, a field autoscaling/v1
// objects do not have; spar reports it at the v1 field with the same
// message. Scale-to-zero (minReplicas 0) is refused, as with Kubernetes'
// default feature gates.

func wrongType(old meta.Object, want any) meta.FieldErrors {
	return meta.FieldErrors{meta.InternalFieldError(meta.NewPath("kind"), fmt.Errorf("old object is %T, not %T", old, want))}
}

// Validate checks a Scale written to a scale subresource: replicas may not
// be negative. The metadata is the parent's; it is checked as a namespaced
// object when it has a namespace, so that the scale of cluster-scoped
// custom resources validates too.
func (s *Scale) Validate() meta.FieldErrors {
	errs := validation.ValidateObjectMeta(&s.ObjectMeta, s.Namespace != "", validation.NameIsDNSSubdomain, meta.NewPath("metadata"))
	if s.Spec.Replicas < 0 {
		errs = append(errs, meta.Invalid(meta.NewPath("spec", "replicas"), s.Spec.Replicas, validation.IsNegativeErrorMsg))
	}
	return errs
}

// ValidateUpdate checks a Scale update; old must be a *Scale. Any valid
// replica count may replace another.
func (s *Scale) ValidateUpdate(old meta.Object) meta.FieldErrors {
	o, ok := old.(*Scale)
	if !ok {
		return wrongType(old, s)
	}
	errs := validation.ValidateObjectMetaUpdate(&s.ObjectMeta, &o.ObjectMeta, meta.NewPath("metadata"))
	if s.Spec.Replicas < 0 {
		errs = append(errs, meta.Invalid(meta.NewPath("spec", "replicas"), s.Spec.Replicas, validation.IsNegativeErrorMsg))
	}
	return errs
}

// Validate checks a new HorizontalPodAutoscaler: a target reference with a
// kind and a name, 1 <= minReplicas <= maxReplicas, and a positive CPU
// target.
func (h *HorizontalPodAutoscaler) Validate() meta.FieldErrors {
	errs := validation.ValidateObjectMeta(&h.ObjectMeta, true, validation.NameIsDNSSubdomain, meta.NewPath("metadata"))
	return append(errs, h.Spec.validate(1, meta.NewPath("spec"))...)
}

// ValidateUpdate checks an update of a HorizontalPodAutoscaler; old must be
// a *HorizontalPodAutoscaler. An autoscaler stored with minReplicas 0 may
// keep it.
func (h *HorizontalPodAutoscaler) ValidateUpdate(old meta.Object) meta.FieldErrors {
	o, ok := old.(*HorizontalPodAutoscaler)
	if !ok {
		return wrongType(old, h)
	}
	errs := validation.ValidateObjectMetaUpdate(&h.ObjectMeta, &o.ObjectMeta, meta.NewPath("metadata"))
	minLowerBound := int32(1)
	if o.Spec.MinReplicas != nil && *o.Spec.MinReplicas == 0 {
		minLowerBound = 0
	}
	return append(errs, h.Spec.validate(minLowerBound, meta.NewPath("spec"))...)
}

func (s *HorizontalPodAutoscalerSpec) validate(minLowerBound int32, path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if s.MinReplicas != nil && *s.MinReplicas < minLowerBound {
		errs = append(errs, meta.Invalid(path.Child("minReplicas"), *s.MinReplicas, fmt.Sprintf("must be greater than or equal to %d", minLowerBound)))
	}
	if s.MaxReplicas < 1 {
		errs = append(errs, meta.Invalid(path.Child("maxReplicas"), s.MaxReplicas, "must be greater than 0"))
	}
	if s.MinReplicas != nil && s.MaxReplicas < *s.MinReplicas {
		errs = append(errs, meta.Invalid(path.Child("maxReplicas"), s.MaxReplicas, "must be greater than or equal to `minReplicas`"))
	}
	errs = append(errs, s.ScaleTargetRef.validate(path.Child("scaleTargetRef"))...)
	if t := s.TargetCPUUtilizationPercentage; t != nil && *t < 1 {
		errs = append(errs, meta.Invalid(path.Child("targetCPUUtilizationPercentage"), *t, "must be greater than 0"))
	}
	return errs
}

func (r *CrossVersionObjectReference) validate(path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if r.Kind == "" {
		errs = append(errs, meta.Required(path.Child("kind"), ""))
	} else {
		errs = append(errs, validation.InvalidEach(path.Child("kind"), r.Kind, validation.IsPathSegmentName(r.Kind))...)
	}
	if r.Name == "" {
		errs = append(errs, meta.Required(path.Child("name"), ""))
	} else {
		errs = append(errs, validation.InvalidEach(path.Child("name"), r.Name, validation.IsPathSegmentName(r.Name))...)
	}
	return errs
}
