package rbac

import (
	"fmt"

	"github.com/spar-dev/spar/api/labels"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/validation"
)

// Validation of the rbac.authorization.k8s.io kinds, with Kubernetes' rules
// and messages (pkg/apis/rbac/validation). Names of roles and bindings only
// need to be valid URL path segments: RBAC objects are often named after
// users and groups ("system:controller:deployment-controller").

var metadataPath = meta.NewPath("metadata")

// Validate checks a new Role.
func (r *Role) Validate() meta.FieldErrors {
	errs := validation.ValidateObjectMeta(&r.ObjectMeta, true, validation.ValidatePathSegmentName, metadataPath)
	return append(errs, validateRules(r.Rules, true)...)
}

// ValidateUpdate checks an update of a Role; old must be a *Role.
func (r *Role) ValidateUpdate(old meta.Object) meta.FieldErrors {
	o, ok := old.(*Role)
	if !ok {
		return wrongType(old, r)
	}
	errs := validation.ValidateObjectMetaUpdate(&r.ObjectMeta, &o.ObjectMeta, metadataPath)
	return append(errs, validateRules(r.Rules, true)...)
}

// Validate checks a new ClusterRole.
func (r *ClusterRole) Validate() meta.FieldErrors {
	errs := validation.ValidateObjectMeta(&r.ObjectMeta, false, validation.ValidatePathSegmentName, metadataPath)
	return append(errs, r.validateSpec()...)
}

// ValidateUpdate checks an update of a ClusterRole; old must be a
// *ClusterRole.
func (r *ClusterRole) ValidateUpdate(old meta.Object) meta.FieldErrors {
	o, ok := old.(*ClusterRole)
	if !ok {
		return wrongType(old, r)
	}
	errs := validation.ValidateObjectMetaUpdate(&r.ObjectMeta, &o.ObjectMeta, metadataPath)
	return append(errs, r.validateSpec()...)
}

func (r *ClusterRole) validateSpec() meta.FieldErrors {
	errs := validateRules(r.Rules, false)
	if r.AggregationRule == nil {
		return errs
	}
	path := meta.NewPath("aggregationRule", "clusterRoleSelectors")
	if len(r.AggregationRule.ClusterRoleSelectors) == 0 {
		errs = append(errs, meta.Required(path, "at least one clusterRoleSelector required if aggregationRule is non-nil"))
	}
	for i := range r.AggregationRule.ClusterRoleSelectors {
		s := &r.AggregationRule.ClusterRoleSelectors[i]
		errs = append(errs, validation.ValidateLabelSelector(s, validation.LabelSelectorOptions{}, path.Index(i))...)
		if _, err := labels.FromLabelSelector(s); err != nil {
			errs = append(errs, meta.Invalid(path.Index(i), s, "invalid label selector."))
		}
	}
	return errs
}

func validateRules(rules []PolicyRule, namespaced bool) meta.FieldErrors {
	var errs meta.FieldErrors
	for i := range rules {
		errs = append(errs, ValidatePolicyRule(&rules[i], namespaced, meta.NewPath("rules").Index(i))...)
	}
	return errs
}

// ValidatePolicyRule checks one rule at path: it needs verbs, and either
// non-resource URLs (only in cluster-wide roles, and then nothing else) or
// API groups and resources. namespaced is true for the rules of a Role.
func ValidatePolicyRule(rule *PolicyRule, namespaced bool, path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if len(rule.Verbs) == 0 {
		errs = append(errs, meta.Required(path.Child("verbs"), "verbs must contain at least one value"))
	}
	if len(rule.NonResourceURLs) > 0 {
		if namespaced {
			errs = append(errs, meta.Invalid(path.Child("nonResourceURLs"), rule.NonResourceURLs, "namespaced rules cannot apply to non-resource URLs"))
		}
		if len(rule.APIGroups) > 0 || len(rule.Resources) > 0 || len(rule.ResourceNames) > 0 {
			errs = append(errs, meta.Invalid(path.Child("nonResourceURLs"), rule.NonResourceURLs, "rules cannot apply to both regular resources and non-resource URLs"))
		}
		return errs
	}
	if len(rule.APIGroups) == 0 {
		errs = append(errs, meta.Required(path.Child("apiGroups"), "resource rules must supply at least one api group"))
	}
	if len(rule.Resources) == 0 {
		errs = append(errs, meta.Required(path.Child("resources"), "resource rules must supply at least one resource"))
	}
	return errs
}

// Validate checks a new RoleBinding: it may grant a Role or a ClusterRole.
func (b *RoleBinding) Validate() meta.FieldErrors {
	errs := validation.ValidateObjectMeta(&b.ObjectMeta, true, validation.ValidatePathSegmentName, metadataPath)
	return append(errs, validateBinding(&b.RoleRef, b.Subjects, true)...)
}

// ValidateUpdate checks an update of a RoleBinding; old must be a
// *RoleBinding. The roleRef cannot change: delete and recreate the binding
// instead, as Kubernetes requires.
func (b *RoleBinding) ValidateUpdate(old meta.Object) meta.FieldErrors {
	o, ok := old.(*RoleBinding)
	if !ok {
		return wrongType(old, b)
	}
	errs := validation.ValidateObjectMetaUpdate(&b.ObjectMeta, &o.ObjectMeta, metadataPath)
	errs = append(errs, validateBinding(&b.RoleRef, b.Subjects, true)...)
	return append(errs, validateRoleRefUpdate(b.RoleRef, o.RoleRef)...)
}

// Validate checks a new ClusterRoleBinding: it may only grant a
// ClusterRole, and its service account subjects need a namespace.
func (b *ClusterRoleBinding) Validate() meta.FieldErrors {
	errs := validation.ValidateObjectMeta(&b.ObjectMeta, false, validation.ValidatePathSegmentName, metadataPath)
	return append(errs, validateBinding(&b.RoleRef, b.Subjects, false)...)
}

// ValidateUpdate checks an update of a ClusterRoleBinding; old must be a
// *ClusterRoleBinding. The roleRef cannot change.
func (b *ClusterRoleBinding) ValidateUpdate(old meta.Object) meta.FieldErrors {
	o, ok := old.(*ClusterRoleBinding)
	if !ok {
		return wrongType(old, b)
	}
	errs := validation.ValidateObjectMetaUpdate(&b.ObjectMeta, &o.ObjectMeta, metadataPath)
	errs = append(errs, validateBinding(&b.RoleRef, b.Subjects, false)...)
	return append(errs, validateRoleRefUpdate(b.RoleRef, o.RoleRef)...)
}

func validateRoleRefUpdate(ref, old RoleRef) meta.FieldErrors {
	if ref != old {
		return meta.FieldErrors{meta.Invalid(meta.NewPath("roleRef"), ref, "cannot change roleRef")}
	}
	return nil
}

func validateBinding(ref *RoleRef, subjects []Subject, namespaced bool) meta.FieldErrors {
	var errs meta.FieldErrors
	refPath := meta.NewPath("roleRef")
	if ref.APIGroup != GroupName {
		errs = append(errs, meta.NotSupported(refPath.Child("apiGroup"), ref.APIGroup, []string{GroupName}))
	}
	kinds := []string{"ClusterRole"}
	if namespaced {
		kinds = []string{"Role", "ClusterRole"}
	}
	if ref.Kind != "ClusterRole" && (!namespaced || ref.Kind != "Role") {
		errs = append(errs, meta.NotSupported(refPath.Child("kind"), ref.Kind, kinds))
	}
	if ref.Name == "" {
		errs = append(errs, meta.Required(refPath.Child("name"), ""))
	} else {
		errs = append(errs, validation.InvalidEach(refPath.Child("name"), ref.Name, validation.ValidatePathSegmentName(ref.Name, false))...)
	}
	for i := range subjects {
		errs = append(errs, ValidateSubject(&subjects[i], namespaced, meta.NewPath("subjects").Index(i))...)
	}
	return errs
}

// ValidateSubject checks one subject of a binding at path: a User or Group
// (apiGroup rbac.authorization.k8s.io) or a ServiceAccount (no apiGroup, a
// DNS subdomain name, and a namespace unless the binding is namespaced).
func ValidateSubject(s *Subject, namespaced bool, path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if s.Name == "" {
		errs = append(errs, meta.Required(path.Child("name"), ""))
	}
	switch s.Kind {
	case ServiceAccountKind:
		if s.Name != "" {
			errs = append(errs, validation.InvalidEach(path.Child("name"), s.Name, validation.NameIsDNSSubdomain(s.Name, false))...)
		}
		if s.APIGroup != "" {
			errs = append(errs, meta.NotSupported(path.Child("apiGroup"), s.APIGroup, []string{""}))
		}
		if !namespaced && s.Namespace == "" {
			errs = append(errs, meta.Required(path.Child("namespace"), ""))
		}
	case UserKind, GroupKind:
		if s.APIGroup != GroupName {
			errs = append(errs, meta.NotSupported(path.Child("apiGroup"), s.APIGroup, []string{GroupName}))
		}
	default:
		errs = append(errs, meta.NotSupported(path.Child("kind"), s.Kind, []string{ServiceAccountKind, UserKind, GroupKind}))
	}
	return errs
}

// wrongType reports an update whose stored object is not of the updated
// object's type: a bug in the caller, answered as an internal error.
func wrongType(old meta.Object, want any) meta.FieldErrors {
	return meta.FieldErrors{meta.InternalFieldError(meta.NewPath("kind"),
		fmt.Errorf("old object is %T, not %T", old, want))}
}
