package validation

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/spar-dev/spar/api/meta"
)

// TotalAnnotationSizeLimit is the largest total size, in bytes, of an
// object's annotation keys and values (256 KiB).
const TotalAnnotationSizeLimit = 256 << 10

// Finalizers Kubernetes knows by their short, unqualified names; every
// other finalizer must be a qualified name with a domain prefix.
const (
	FinalizerKubernetes          = "kubernetes"         // namespaces
	FinalizerOrphanDependents    = "orphan"             // garbage collector
	FinalizerDeleteDependents    = "foregroundDeletion" // garbage collector
	fieldManagerMaxLength        = 128
	maxSubresourceNameLength     = 256
	conditionReasonMaxLength     = 1024
	conditionMessageMaxLength    = 32 * 1024
	conditionReasonFmt           = "[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?"
	conditionReasonMsg           = "a condition reason must start with alphabetic character, optionally followed by a string of alphanumeric characters or '_,:', and must end with an alphanumeric character or '_'"
	ownerAPIVersionMsg           = "must be <group>/<version> or <version>"
	nameOrGenerateNameIsRequired = "name or generateName is required"
)

// IsStandardFinalizerName reports whether name is one of the finalizers
// Kubernetes allows without a domain prefix.
func IsStandardFinalizerName(name string) bool {
	return name == FinalizerKubernetes || name == FinalizerOrphanDependents || name == FinalizerDeleteDependents ||
		name == FinalizerCustomResourceCleanup
}

// FinalizerCustomResourceCleanup holds a deleted CustomResourceDefinition
// until the API server has deleted its objects. Kubernetes validates CRD
// metadata with the generic rules, which accept it; spar's shared rules
// list it as standard instead.
const FinalizerCustomResourceCleanup = "customresourcecleanup.apiextensions.k8s.io"

// ValidateObjectMeta checks the metadata of an object being created, as
// every Kubernetes kind does: a name (or generateName) that nameFn accepts,
// a namespace when namespaced (a DNS label) and none otherwise, a
// non-negative generation, valid labels and annotations, owner references,
// finalizers and managed fields. path is usually meta.NewPath("metadata").
//
// The API server generates the name from generateName before validating, so
// both are checked; the name must be set by then.
func ValidateObjectMeta(m *meta.ObjectMeta, namespaced bool, nameFn NameFunc, path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if m.GenerateName != "" {
		errs = append(errs, invalidEach(path.Child("generateName"), m.GenerateName, nameFn(m.GenerateName, true))...)
	}
	if m.Name == "" {
		errs = append(errs, meta.Required(path.Child("name"), nameOrGenerateNameIsRequired))
	} else {
		errs = append(errs, invalidEach(path.Child("name"), m.Name, nameFn(m.Name, false))...)
	}
	if namespaced {
		if m.Namespace == "" {
			errs = append(errs, meta.Required(path.Child("namespace"), ""))
		} else {
			errs = append(errs, invalidEach(path.Child("namespace"), m.Namespace, NameIsDNSLabel(m.Namespace, false))...)
		}
	} else if m.Namespace != "" {
		errs = append(errs, meta.Forbidden(path.Child("namespace"), "not allowed on this type"))
	}
	// Paths are built only for fields that are set: this runs on every write.
	if m.Generation < 0 {
		errs = append(errs, ValidateNonnegativeField(m.Generation, path.Child("generation"))...)
	}
	if len(m.Labels) > 0 {
		errs = append(errs, ValidateLabels(m.Labels, path.Child("labels"))...)
	}
	if len(m.Annotations) > 0 {
		errs = append(errs, ValidateAnnotations(m.Annotations, path.Child("annotations"))...)
	}
	if len(m.OwnerReferences) > 0 {
		errs = append(errs, ValidateOwnerReferences(m.OwnerReferences, path.Child("ownerReferences"))...)
	}
	var fp *meta.Path
	if len(m.Finalizers) > 0 {
		fp = path.Child("finalizers")
		errs = append(errs, ValidateFinalizers(m.Finalizers, fp)...)
	}
	if len(m.ManagedFields) > 0 {
		errs = append(errs, ValidateManagedFields(m.ManagedFields, path.Child("managedFields"))...)
	}
	for i, f := range m.Finalizers {
		errs = append(errs, ValidateKubeFinalizerName(f, fp.Index(i))...)
	}
	return errs
}

// ValidateObjectMetaUpdate checks the metadata of an update against the
// stored object's: name, namespace, uid, creationTimestamp,
// deletionTimestamp and deletionGracePeriodSeconds may not change, the
// generation may not go down, a resourceVersion is required (the API server
// fills it in from the stored object for unconditional updates before
// validating), no finalizer may be added once deletion started, and labels,
// annotations, owner references and finalizer names must be valid.
func ValidateObjectMetaUpdate(newM, oldM *meta.ObjectMeta, path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if oldM.DeletionTimestamp != nil {
		errs = append(errs, ValidateNoNewFinalizers(newM.Finalizers, oldM.Finalizers, path.Child("finalizers"))...)
	}
	if newM.ResourceVersion == "" {
		errs = append(errs, meta.Invalid(path.Child("resourceVersion"), newM.ResourceVersion, "must be specified for an update"))
	}
	errs = append(errs, ValidateNonnegativeField(newM.Generation, path.Child("generation"))...)
	if newM.Generation < oldM.Generation {
		errs = append(errs, meta.Invalid(path.Child("generation"), newM.Generation, "must not be decremented"))
	}
	errs = append(errs, ImmutableField(newM.Name, oldM.Name, path.Child("name"))...)
	errs = append(errs, ImmutableField(newM.Namespace, oldM.Namespace, path.Child("namespace"))...)
	errs = append(errs, ImmutableField(newM.UID, oldM.UID, path.Child("uid"))...)
	errs = append(errs, ImmutableField(newM.CreationTimestamp, oldM.CreationTimestamp, path.Child("creationTimestamp"))...)
	errs = append(errs, ImmutableField(newM.DeletionTimestamp, oldM.DeletionTimestamp, path.Child("deletionTimestamp"))...)
	errs = append(errs, ImmutableField(newM.DeletionGracePeriodSeconds, oldM.DeletionGracePeriodSeconds, path.Child("deletionGracePeriodSeconds"))...)
	errs = append(errs, ValidateLabels(newM.Labels, path.Child("labels"))...)
	errs = append(errs, ValidateAnnotations(newM.Annotations, path.Child("annotations"))...)
	errs = append(errs, ValidateOwnerReferences(newM.OwnerReferences, path.Child("ownerReferences"))...)
	errs = append(errs, ValidateManagedFields(newM.ManagedFields, path.Child("managedFields"))...)
	for i, f := range newM.Finalizers {
		errs = append(errs, ValidateKubeFinalizerName(f, path.Child("finalizers").Index(i))...)
	}
	return errs
}

// sortedKeys returns m's keys in order, so that messages come out in a
// stable order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// ValidateLabels checks label keys (qualified names) and values. As in
// Kubernetes, errors are reported at path itself ("metadata.labels"), with
// the bad key or value as the value.
func ValidateLabels(l map[string]string, path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	for _, k := range sortedKeys(l) {
		errs = append(errs, ValidateLabelName(k, path)...)
		errs = append(errs, invalidEach(path, l[k], IsValidLabelValue(l[k]))...)
	}
	return errs
}

// ValidateLabelName checks one label key.
func ValidateLabelName(key string, path *meta.Path) meta.FieldErrors {
	return invalidEach(path, key, IsQualifiedName(key))
}

// ValidateAnnotations checks annotation keys (qualified names, compared in
// lower case) and the total size of keys and values (at most 256 KiB).
func ValidateAnnotations(a map[string]string, path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	total := 0
	for _, k := range sortedKeys(a) {
		errs = append(errs, invalidEach(path, k, IsQualifiedName(strings.ToLower(k)))...)
		total += len(k) + len(a[k])
	}
	if total > TotalAnnotationSizeLimit {
		errs = append(errs, meta.TooLong(path, TotalAnnotationSizeLimit))
	}
	return errs
}

// ValidateOwnerReferences checks each reference (apiVersion, kind, name and
// uid required; events may not own anything) and that at most one is the
// controller.
func ValidateOwnerReferences(refs []meta.OwnerReference, path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	firstController := ""
	for i, ref := range refs {
		errs = append(errs, validateOwnerReference(&ref, path.Index(i))...)
		if ref.Controller != nil && *ref.Controller {
			name := ref.Kind + "/" + ref.Name
			if firstController != "" {
				errs = append(errs, meta.Invalid(path, refs, fmt.Sprintf(
					"Only one reference can have Controller set to true. Found \"true\" in references for %v and %v", firstController, name)))
			} else {
				firstController = name
			}
		}
	}
	return errs
}

func validateOwnerReference(ref *meta.OwnerReference, path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	group, version, ok := parseGroupVersion(ref.APIVersion)
	switch {
	case ref.APIVersion == "":
		errs = append(errs, meta.Required(path.Child("apiVersion"), "must not be empty"))
	case !ok || version == "":
		errs = append(errs, meta.Invalid(path.Child("apiVersion"), ref.APIVersion, ownerAPIVersionMsg))
	}
	if ref.Kind == "" {
		errs = append(errs, meta.Required(path.Child("kind"), "must not be empty"))
	}
	if ref.Name == "" {
		errs = append(errs, meta.Required(path.Child("name"), "must not be empty"))
	}
	if ref.UID == "" {
		errs = append(errs, meta.Required(path.Child("uid"), "must not be empty"))
	}
	// Events are not owners: they are garbage themselves.
	if group == "" && version == "v1" && ref.Kind == "Event" {
		errs = append(errs, meta.Invalid(path, *ref, "/v1, Kind=Event is disallowed from being an owner"))
	}
	return errs
}

// parseGroupVersion splits "group/version" or "version"; more than one '/'
// is an error.
func parseGroupVersion(gv string) (group, version string, ok bool) {
	switch strings.Count(gv, "/") {
	case 0:
		return "", gv, true
	case 1:
		group, version, _ = strings.Cut(gv, "/")
		return group, version, true
	}
	return "", "", false
}

// ValidateFinalizers checks finalizer names: qualified names, and not both
// "orphan" and "foregroundDeletion". (ValidateObjectMeta also applies
// ValidateKubeFinalizerName to each.)
func ValidateFinalizers(finalizers []string, path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	orphan, foreground := false, false
	for _, f := range finalizers {
		errs = append(errs, ValidateFinalizerName(f, path)...)
		orphan = orphan || f == FinalizerOrphanDependents
		foreground = foreground || f == FinalizerDeleteDependents
	}
	if orphan && foreground {
		errs = append(errs, meta.Invalid(path, finalizers, fmt.Sprintf("finalizer %s and %s cannot be both set",
			FinalizerOrphanDependents, FinalizerDeleteDependents)))
	}
	return errs
}

// ValidateFinalizerName checks that a finalizer is a qualified name.
func ValidateFinalizerName(name string, path *meta.Path) meta.FieldErrors {
	return invalidEach(path, name, IsQualifiedName(name))
}

// ValidateKubeFinalizerName requires a finalizer without a domain prefix to
// be one of the standard ones (IsStandardFinalizerName).
func ValidateKubeFinalizerName(name string, path *meta.Path) meta.FieldErrors {
	if !strings.Contains(name, "/") && !IsStandardFinalizerName(name) {
		return meta.FieldErrors{meta.Invalid(path, name, "name is neither a standard finalizer name nor is it fully qualified")}
	}
	return nil
}

// ValidateNoNewFinalizers forbids adding finalizers to an object that is
// being deleted.
func ValidateNoNewFinalizers(newFinalizers, oldFinalizers []string, path *meta.Path) meta.FieldErrors {
	var extra []string
	for _, f := range newFinalizers {
		if !slices.Contains(oldFinalizers, f) && !slices.Contains(extra, f) {
			extra = append(extra, f)
		}
	}
	if len(extra) == 0 {
		return nil
	}
	slices.Sort(extra)
	return meta.FieldErrors{meta.Forbidden(path, fmt.Sprintf(
		"no new finalizers can be added if the object is being deleted, found new finalizers %#v", extra))}
}

// ValidateManagedFields checks the managedFields entries clients send back:
// an operation of Apply or Update, fieldsType FieldsV1, a printable manager
// name of at most 128 bytes and a subresource of at most 256.
func ValidateManagedFields(entries []meta.ManagedFieldsEntry, path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	for i, e := range entries {
		p := path.Index(i)
		switch e.Operation {
		case "":
			errs = append(errs, meta.Required(p.Child("operation"), "must not be empty"))
		case "Apply", "Update":
		default:
			errs = append(errs, meta.NotSupported(p.Child("operation"), e.Operation, []string{"Apply", "Update"}))
		}
		if e.FieldsType != "" && e.FieldsType != "FieldsV1" {
			errs = append(errs, meta.Invalid(p.Child("fieldsType"), e.FieldsType, "must be `FieldsV1`"))
		}
		errs = append(errs, ValidateFieldManager(e.Manager, p.Child("manager"))...)
		if len(e.Subresource) > maxSubresourceNameLength {
			errs = append(errs, meta.TooLong(p.Child("subresource"), maxSubresourceNameLength))
		}
	}
	return errs
}

// ValidateFieldManager checks a field manager name (the fieldManager query
// parameter and managedFields[].manager): at most 128 bytes, printable.
func ValidateFieldManager(manager string, path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if len(manager) > fieldManagerMaxLength {
		errs = append(errs, meta.TooLong(path, fieldManagerMaxLength))
	}
	for i, r := range manager {
		if !unicode.IsPrint(r) {
			errs = append(errs, meta.Invalid(path, manager, fmt.Sprintf("invalid character %#U (at position %d)", r, i)))
		}
	}
	return errs
}

// LabelSelectorOptions relaxes ValidateLabelSelector. The zero value is
// the strict check Kubernetes applies to new objects.
type LabelSelectorOptions struct {
	// AllowInvalidLabelValueInSelector accepts matchExpressions values that
	// are not valid label values (Kubernetes allows them on update when the
	// stored object already had them). Default: false.
	AllowInvalidLabelValueInSelector bool
}

// ValidateLabelSelector checks a structured selector: matchLabels as
// labels, and each matchExpressions requirement. A nil selector is valid.
func ValidateLabelSelector(s *meta.LabelSelector, opts LabelSelectorOptions, path *meta.Path) meta.FieldErrors {
	if s == nil {
		return nil
	}
	errs := ValidateLabels(s.MatchLabels, path.Child("matchLabels"))
	for i, r := range s.MatchExpressions {
		errs = append(errs, ValidateLabelSelectorRequirement(r, opts, path.Child("matchExpressions").Index(i))...)
	}
	return errs
}

// ValidateLabelSelectorRequirement checks one selector expression: In and
// NotIn need values, Exists and DoesNotExist forbid them; the key must be a
// qualified name and each value a label value.
func ValidateLabelSelectorRequirement(r meta.LabelSelectorRequirement, opts LabelSelectorOptions, path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	switch r.Operator {
	case meta.LabelSelectorOpIn, meta.LabelSelectorOpNotIn:
		if len(r.Values) == 0 {
			errs = append(errs, meta.Required(path.Child("values"), "must be specified when `operator` is 'In' or 'NotIn'"))
		}
	case meta.LabelSelectorOpExists, meta.LabelSelectorOpDoesNotExist:
		if len(r.Values) > 0 {
			errs = append(errs, meta.Forbidden(path.Child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
		}
	default:
		errs = append(errs, meta.Invalid(path.Child("operator"), r.Operator, "not a valid selector operator"))
	}
	errs = append(errs, ValidateLabelName(r.Key, path.Child("key"))...)
	if !opts.AllowInvalidLabelValueInSelector {
		for i, v := range r.Values {
			errs = append(errs, invalidEach(path.Child("values").Index(i), v, IsValidLabelValue(v))...)
		}
	}
	return errs
}

// ValidateConditions checks a list of standard meta.Condition: unique
// types, and each condition as ValidateCondition.
func ValidateConditions(conds []meta.Condition, path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	seen := make(map[string]bool, len(conds))
	for i := range conds {
		if seen[conds[i].Type] {
			errs = append(errs, meta.Duplicate(path.Index(i), conds[i].Type))
		}
		seen[conds[i].Type] = true
		errs = append(errs, ValidateCondition(&conds[i], path.Index(i))...)
	}
	return errs
}

// ValidateCondition checks one meta.Condition: a qualified-name type, a
// status of True, False or Unknown, a non-negative observedGeneration, a
// lastTransitionTime, a CamelCase reason of at most 1024 bytes and a message
// of at most 32 KiB.
func ValidateCondition(c *meta.Condition, path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if c.Type == "" {
		errs = append(errs, meta.Required(path.Child("type"), "is required"))
	} else {
		errs = append(errs, ValidateLabelName(c.Type, path.Child("type"))...)
	}
	switch c.Status {
	case "":
		errs = append(errs, meta.Required(path.Child("status"), ""))
	case meta.ConditionFalse, meta.ConditionTrue, meta.ConditionUnknown:
	default:
		errs = append(errs, meta.NotSupported(path.Child("status"), c.Status, []string{"False", "True", "Unknown"}))
	}
	if c.ObservedGeneration < 0 {
		errs = append(errs, meta.Invalid(path.Child("observedGeneration"), c.ObservedGeneration, "must be greater than or equal to zero"))
	}
	if c.LastTransitionTime.IsZero() {
		errs = append(errs, meta.Required(path.Child("lastTransitionTime"), ""))
	}
	if c.Reason == "" {
		errs = append(errs, meta.Required(path.Child("reason"), ""))
	} else {
		if !isConditionReason(c.Reason) {
			errs = append(errs, meta.Invalid(path.Child("reason"), c.Reason, RegexError(conditionReasonMsg, conditionReasonFmt,
				"my_name", "MY_NAME", "MyName", "ReasonA,ReasonB", "ReasonA:ReasonB")))
		}
		if len(c.Reason) > conditionReasonMaxLength {
			errs = append(errs, meta.TooLong(path.Child("reason"), conditionReasonMaxLength))
		}
	}
	if len(c.Message) > conditionMessageMaxLength {
		errs = append(errs, meta.TooLong(path.Child("message"), conditionMessageMaxLength))
	}
	return errs
}

// isConditionReason matches conditionReasonFmt.
func isConditionReason(s string) bool {
	if s == "" || !isAlpha(s[0]) {
		return false
	}
	last := s[len(s)-1]
	if len(s) > 1 && !isAlpha(last) && !isDigit(last) && last != '_' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isAlpha(c) && !isDigit(c) && c != '_' && c != ',' && c != ':' {
			return false
		}
	}
	return true
}
