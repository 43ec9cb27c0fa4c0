package policy

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/validation"
)

// Validation of PodDisruptionBudgets, with Kubernetes' rules and messages
// (pkg/apis/policy/validation). As in Kubernetes, a budget's name only has
// to be a valid path segment, and its spec may change after creation.

// Validate checks a new PodDisruptionBudget: at most one of minAvailable and
// maxUnavailable, each a non-negative count or a percentage of at most
// 100%, a valid selector and a known unhealthyPodEvictionPolicy.
func (p *PodDisruptionBudget) Validate() meta.FieldErrors {
	errs := validation.ValidateObjectMeta(&p.ObjectMeta, true, validation.ValidatePathSegmentName, meta.NewPath("metadata"))
	return append(errs, p.Spec.validate(validation.LabelSelectorOptions{}, meta.NewPath("spec"))...)
}

// ValidateUpdate checks an update of a PodDisruptionBudget; old must be a
// *PodDisruptionBudget. Selector values that were accepted before stay
// accepted.
func (p *PodDisruptionBudget) ValidateUpdate(old meta.Object) meta.FieldErrors {
	o, ok := old.(*PodDisruptionBudget)
	if !ok {
		return meta.FieldErrors{meta.InternalFieldError(meta.NewPath("kind"), fmt.Errorf("old object is %T, not %T", old, p))}
	}
	errs := validation.ValidateObjectMetaUpdate(&p.ObjectMeta, &o.ObjectMeta, meta.NewPath("metadata"))
	opts := validation.LabelSelectorOptions{AllowInvalidLabelValueInSelector: hasInvalidLabelValue(o.Spec.Selector)}
	return append(errs, p.Spec.validate(opts, meta.NewPath("spec"))...)
}

func (s *PodDisruptionBudgetSpec) validate(opts validation.LabelSelectorOptions, path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if s.MinAvailable != nil && s.MaxUnavailable != nil {
		errs = append(errs, meta.Invalid(path, s, "minAvailable and maxUnavailable cannot be both set"))
	}
	if s.MinAvailable != nil {
		errs = append(errs, validateIntOrPercent(*s.MinAvailable, path.Child("minAvailable"))...)
	}
	if s.MaxUnavailable != nil {
		errs = append(errs, validateIntOrPercent(*s.MaxUnavailable, path.Child("maxUnavailable"))...)
	}
	errs = append(errs, validation.ValidateLabelSelector(s.Selector, opts, path.Child("selector"))...)
	if p := s.UnhealthyPodEvictionPolicy; p != nil && *p != IfHealthyBudget && *p != AlwaysAllow {
		errs = append(errs, meta.NotSupported(path.Child("unhealthyPodEvictionPolicy"), *p, []string{string(AlwaysAllow), string(IfHealthyBudget)}))
	}
	return errs
}

// validateIntOrPercent checks a count (>= 0) or a percentage ("50%", at
// most 100%), as Kubernetes' ValidatePositiveIntOrPercent and
// IsNotMoreThan100Percent do.
func validateIntOrPercent(v meta.IntOrString, path *meta.Path) meta.FieldErrors {
	if v.Type == meta.Int {
		return validation.ValidateNonnegativeField(int64(v.IntVal), path)
	}
	if msgs := validation.IsValidPercent(v.StrVal); len(msgs) > 0 {
		return validation.InvalidEach(path, v, msgs)
	}
	if n, _ := strconv.Atoi(strings.TrimSuffix(v.StrVal, "%")); n > 100 {
		return meta.FieldErrors{meta.Invalid(path, v, "must not be greater than 100%")}
	}
	return nil
}

// hasInvalidLabelValue reports whether a stored selector has an expression
// value that is not a valid label value (which older servers accepted).
func hasInvalidLabelValue(s *meta.LabelSelector) bool {
	if s == nil {
		return false
	}
	for _, r := range s.MatchExpressions {
		for _, v := range r.Values {
			if len(validation.IsValidLabelValue(v)) > 0 {
				return true
			}
		}
	}
	return false
}
