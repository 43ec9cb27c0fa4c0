package authorization

import (
	"github.com/spar-dev/spar/api/meta"
)

// Validation of the reviews, with Kubernetes' rules and messages
// (pkg/apis/authorization/validation). The reviews are not stored, so their
// metadata must be empty: a name or label would be silently lost.

// Validate checks a SubjectAccessReview.
func (r *SubjectAccessReview) Validate() meta.FieldErrors {
	errs := validateSpec(&r.Spec, meta.NewPath("spec"))
	if !metadataEmpty(r.ObjectMeta) {
		errs = append(errs, meta.Invalid(meta.NewPath("metadata"), r.ObjectMeta, "must be empty"))
	}
	return errs
}

// Validate checks a SelfSubjectAccessReview.
func (r *SelfSubjectAccessReview) Validate() meta.FieldErrors {
	path := meta.NewPath("spec")
	errs := validateAttributes(r.Spec.ResourceAttributes, r.Spec.NonResourceAttributes, path)
	if !metadataEmpty(r.ObjectMeta) {
		errs = append(errs, meta.Invalid(meta.NewPath("metadata"), r.ObjectMeta, "must be empty"))
	}
	return errs
}

// Validate checks a LocalSubjectAccessReview: its metadata may only carry
// the namespace, which resource attributes must repeat, and non-resource
// attributes make no sense in a namespace.
func (r *LocalSubjectAccessReview) Validate() meta.FieldErrors {
	errs := validateSpec(&r.Spec, meta.NewPath("spec"))
	om := r.ObjectMeta
	om.Namespace = ""
	if !metadataEmpty(om) {
		errs = append(errs, meta.Invalid(meta.NewPath("metadata"), r.ObjectMeta, "must be empty except for namespace"))
	}
	if ra := r.Spec.ResourceAttributes; ra != nil && ra.Namespace != r.Namespace {
		errs = append(errs, meta.Invalid(meta.NewPath("spec", "resourceAttributes", "namespace"), ra.Namespace, "must match metadata.namespace"))
	}
	if r.Spec.NonResourceAttributes != nil {
		errs = append(errs, meta.Invalid(meta.NewPath("spec", "nonResourceAttributes"), r.Spec.NonResourceAttributes, "disallowed on this kind of request"))
	}
	return errs
}

func validateSpec(s *SubjectAccessReviewSpec, path *meta.Path) meta.FieldErrors {
	errs := validateAttributes(s.ResourceAttributes, s.NonResourceAttributes, path)
	if s.User == "" && len(s.Groups) == 0 {
		errs = append(errs, meta.Invalid(path.Child("user"), s.User, "at least one of user or group must be specified"))
	}
	return errs
}

func validateAttributes(ra *ResourceAttributes, nra *NonResourceAttributes, path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	switch {
	case ra != nil && nra != nil:
		errs = append(errs, meta.Invalid(path.Child("nonResourceAttributes"), nra, "cannot be specified in combination with resourceAttributes"))
	case ra == nil && nra == nil:
		errs = append(errs, meta.Invalid(path.Child("resourceAttributes"), nra, "exactly one of nonResourceAttributes or resourceAttributes must be specified"))
	}
	if ra == nil {
		return errs
	}
	rp := path.Child("resourceAttributes")
	if fs := ra.FieldSelector; fs != nil {
		fp := rp.Child("fieldSelector")
		if fs.RawSelector != "" && len(fs.Requirements) > 0 {
			errs = append(errs, meta.Invalid(fp.Child("rawSelector"), fs.RawSelector, "may not specified at the same time as requirements"))
		}
		for i, req := range fs.Requirements {
			errs = append(errs, validateRequirement(req.Key, req.Operator, req.Values, fp.Child("requirements").Index(i))...)
		}
	}
	if ls := ra.LabelSelector; ls != nil {
		lp := rp.Child("labelSelector")
		if ls.RawSelector != "" && len(ls.Requirements) > 0 {
			errs = append(errs, meta.Invalid(lp.Child("rawSelector"), ls.RawSelector, "may not specified at the same time as requirements"))
		}
		for i, req := range ls.Requirements {
			errs = append(errs, validateRequirement(req.Key, string(req.Operator), req.Values, lp.Child("requirements").Index(i))...)
		}
	}
	return errs
}

// validateRequirement checks one selector term: In and NotIn need values,
// Exists and DoesNotExist must have none.
func validateRequirement(key, op string, values []string, path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if key == "" {
		errs = append(errs, meta.Required(path.Child("key"), "must be specified"))
	}
	switch op {
	case "In", "NotIn":
		if len(values) == 0 {
			errs = append(errs, meta.Required(path.Child("values"), "must be specified when `operator` is 'In' or 'NotIn'"))
		}
	case "Exists", "DoesNotExist":
		if len(values) > 0 {
			errs = append(errs, meta.Forbidden(path.Child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
		}
	default:
		errs = append(errs, meta.NotSupported(path.Child("operator"), op, []string{"In", "NotIn", "Exists", "DoesNotExist"}))
	}
	return errs
}

// metadataEmpty reports whether om carries nothing but managed fields
// (which clients may send and the server ignores); nil and empty
// collections count as empty, as in Kubernetes' semantic equality.
func metadataEmpty(om meta.ObjectMeta) bool {
	return om.Name == "" && om.GenerateName == "" && om.Namespace == "" && om.SelfLink == "" &&
		om.UID == "" && om.ResourceVersion == "" && om.Generation == 0 && om.CreationTimestamp.IsZero() &&
		om.DeletionTimestamp == nil && om.DeletionGracePeriodSeconds == nil && len(om.Labels) == 0 &&
		len(om.Annotations) == 0 && len(om.OwnerReferences) == 0 && len(om.Finalizers) == 0
}
