package batch

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	// The time zone database, embedded: CronJob time zones must validate
	// (and schedules run) the same on every machine, including minimal
	// containers without /usr/share/zoneinfo.
	_ "time/tzdata"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/labels"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/validation"
)

// Validation of Jobs and CronJobs, with Kubernetes' rules and messages
// (pkg/apis/batch/validation and the job registry strategy), and the cron
// schedule parser the validation and the CronJob controller share.
//
// Deliberately lenient: the status of a Job is not validated (Kubernetes
// checks counters and condition combinations on status writes), and the
// metadata of a CronJob's job template is not checked beyond what the Job
// created from it will be.

// Legacy labels of a Job's pods, which the generated selector still
// requires next to the batch.kubernetes.io ones.
const (
	legacyJobNameLabel       = "job-name"
	legacyControllerUIDLabel = "controller-uid"
)

// Limits of Job specs.
const (
	maxParallelismForIndexedJob             = 100000
	maxFailedIndexesForIndexedJob           = 100000
	completionsSoftLimit                    = 100000
	parallelismLimitForHighCompletions      = 10000
	maxFailedIndexesLimitForHighCompletions = 10000
	maxPodFailurePolicyRules                = 20
	maxPodFailurePolicyOnExitCodesValues    = 255
	maxPodFailurePolicyOnPodConditions      = 20
	maxManagedByLength                      = 63
	maxSucceededIndexesLength               = 64 * 1024
	maxSuccessPolicyRules                   = 20
	// maxCronJobNameLength leaves room for the 11-character suffix
	// ("-" and the scheduled time in minutes) of the Jobs' names.
	maxCronJobNameLength = 52
)

var (
	metadataPath = meta.NewPath("metadata")
	specPath     = meta.NewPath("spec")

	podFailureActions    = []string{"Count", "FailIndex", "FailJob", "Ignore"}
	exitCodeOperators    = []string{"In", "NotIn"}
	conditionStatuses    = []string{"False", "True", "Unknown"}
	podReplacementValues = []string{string(Failed), string(TerminatingOrFailed)}
)

func wrongType(old meta.Object, want any) meta.FieldErrors {
	return meta.FieldErrors{meta.InternalFieldError(meta.NewPath("kind"), fmt.Errorf("old object is %T, not %T", old, want))}
}

// Validate checks a new Job. Unless spec.manualSelector is true, it first
// generates the selector and pod labels from the Job's name and UID, as
// Kubernetes does when a Job is created (so metadata.uid must be set, as
// the API server does before validating); the Job is changed in place.
// Then it checks counts (parallelism, completions, backoffLimit, ...,
// non-negative), the completion mode, pod failure, success and replacement
// policies, a selector that matches the pod template, and a valid template
// with restartPolicy OnFailure or Never.
func (j *Job) Validate() meta.FieldErrors {
	if !isTrue(j.Spec.ManualSelector) {
		j.generateSelector()
	}
	errs := validation.ValidateObjectMeta(&j.ObjectMeta, true, validation.NameIsDNSSubdomain, metadataPath)
	errs = append(errs, j.validateGeneratedSelector(true)...)
	errs = append(errs, validateJobSpecAndSelector(&j.Spec, specPath, validation.LabelSelectorOptions{})...)
	return append(errs, j.validatePodHostnames()...)
}

// ValidateUpdate checks an update of a Job; old must be a *Job. The
// selector, the pod template, completionMode, podFailurePolicy,
// successPolicy, backoffLimitPerIndex and managedBy cannot change;
// completions only for an Indexed Job and together with parallelism. The
// scheduling directives of the template (node selector, node affinity,
// tolerations, scheduling gates, labels and annotations) may change while
// the Job is suspended and has never started.
func (j *Job) ValidateUpdate(old meta.Object) meta.FieldErrors {
	o, ok := old.(*Job)
	if !ok {
		return wrongType(old, j)
	}
	_, hadPrefixedLabels := o.Spec.Template.Labels[ControllerUidLabel]
	errs := validation.ValidateObjectMetaUpdate(&j.ObjectMeta, &o.ObjectMeta, metadataPath)
	errs = append(errs, j.validateGeneratedSelector(hadPrefixedLabels)...)
	opts := validation.LabelSelectorOptions{AllowInvalidLabelValueInSelector: hasInvalidLabelValue(o.Spec.Selector)}
	errs = append(errs, validateJobSpecAndSelector(&j.Spec, specPath, opts)...)
	errs = append(errs, j.validatePodHostnames()...)

	s, os := &j.Spec, &o.Spec
	errs = append(errs, validateCompletionsUpdate(s, os, specPath.Child("completions"))...)
	errs = append(errs, validation.ImmutableField(s.Selector, os.Selector, specPath.Child("selector"))...)
	oldTemplate := &os.Template
	if isTrue(os.Suspend) && o.Status.StartTime == nil {
		oldTemplate = withSchedulingDirectives(oldTemplate, &s.Template)
	}
	errs = append(errs, validation.ImmutableField(&s.Template, oldTemplate, specPath.Child("template"))...)
	errs = append(errs, validation.ImmutableField(s.CompletionMode, os.CompletionMode, specPath.Child("completionMode"))...)
	errs = append(errs, validation.ImmutableField(s.PodFailurePolicy, os.PodFailurePolicy, specPath.Child("podFailurePolicy"))...)
	errs = append(errs, validation.ImmutableField(s.BackoffLimitPerIndex, os.BackoffLimitPerIndex, specPath.Child("backoffLimitPerIndex"))...)
	errs = append(errs, validation.ImmutableField(s.ManagedBy, os.ManagedBy, specPath.Child("managedBy"))...)
	return append(errs, validation.ImmutableField(s.SuccessPolicy, os.SuccessPolicy, specPath.Child("successPolicy"))...)
}

// generateSelector labels the pod template with the Job's name and UID
// (keeping labels the user set, which validation then checks) and selects
// on the UID.
func (j *Job) generateSelector() {
	t := &j.Spec.Template
	if t.Labels == nil {
		t.Labels = map[string]string{}
	}
	for _, k := range []string{legacyJobNameLabel, JobNameLabel} {
		if _, ok := t.Labels[k]; !ok {
			t.Labels[k] = j.Name
		}
	}
	for _, k := range []string{legacyControllerUIDLabel, ControllerUidLabel} {
		if _, ok := t.Labels[k]; !ok {
			t.Labels[k] = string(j.UID)
		}
	}
	if j.Spec.Selector == nil {
		j.Spec.Selector = &meta.LabelSelector{}
	}
	if j.Spec.Selector.MatchLabels == nil {
		j.Spec.Selector.MatchLabels = map[string]string{}
	}
	if _, ok := j.Spec.Selector.MatchLabels[ControllerUidLabel]; !ok {
		j.Spec.Selector.MatchLabels[ControllerUidLabel] = string(j.UID)
	}
}

// validateGeneratedSelector checks that a generated selector and the pod
// labels it relies on are what generateSelector produces for this Job, so
// that a Job's pods can only ever match that Job.
func (j *Job) validateGeneratedSelector(prefixedLabels bool) meta.FieldErrors {
	if isTrue(j.Spec.ManualSelector) || j.Spec.Selector == nil {
		return nil
	}
	var errs meta.FieldErrors
	if j.UID == "" {
		errs = append(errs, meta.Required(metadataPath.Child("uid"), ""))
	}
	want := map[string]string{legacyControllerUIDLabel: string(j.UID), legacyJobNameLabel: j.Name}
	if prefixedLabels {
		want[ControllerUidLabel] = string(j.UID)
		want[JobNameLabel] = j.Name
	}
	tp := specPath.Child("template", "metadata")
	for _, k := range []string{legacyControllerUIDLabel, legacyJobNameLabel, ControllerUidLabel, JobNameLabel} {
		v, wanted := want[k]
		if !wanted {
			continue
		}
		switch got, ok := j.Spec.Template.Labels[k]; {
		case !ok:
			errs = append(errs, meta.Required(tp.Child("labels").Key(k), v))
		case got != v:
			errs = append(errs, meta.Invalid(tp.Child("labels").Key(k), j.Spec.Template.Labels, fmt.Sprintf("must be '%s'", v)))
		}
	}
	if sel, err := labels.FromLabelSelector(j.Spec.Selector); err == nil && !sel.Matches(labels.Set(want)) {
		errs = append(errs, meta.Invalid(specPath.Child("selector"), j.Spec.Selector, "`selector` not auto-generated"))
	}
	return errs
}

// validatePodHostnames checks that an Indexed Job's pods can be named:
// their hostnames are <job>-<index>.
func (j *Job) validatePodHostnames() meta.FieldErrors {
	s := &j.Spec
	if s.CompletionMode == nil || *s.CompletionMode != IndexedCompletion || s.Completions == nil || *s.Completions <= 0 {
		return nil
	}
	host := fmt.Sprintf("%s-%d", j.Name, *s.Completions-1)
	if len(validation.IsDNS1123Label(host)) > 0 {
		return meta.FieldErrors{meta.Invalid(metadataPath.Child("name"), j.Name, "will not able to create pod with invalid DNS label: "+host)}
	}
	return nil
}

// validateJobSpecAndSelector is validateJobSpec plus the selector a Job
// (unlike a job template) must have, matching the template's labels.
func validateJobSpecAndSelector(s *JobSpec, path *meta.Path, opts validation.LabelSelectorOptions) meta.FieldErrors {
	errs := validateJobSpec(s, path)
	sp := path.Child("selector")
	if s.Selector == nil {
		errs = append(errs, meta.Required(sp, ""))
	} else {
		errs = append(errs, validation.ValidateLabelSelector(s.Selector, opts, sp)...)
	}
	if sel, err := labels.FromLabelSelector(s.Selector); err == nil && !sel.Matches(labels.Set(s.Template.Labels)) {
		errs = append(errs, meta.Invalid(path.Child("template", "metadata", "labels"), s.Template.Labels, "`selector` does not match template `labels`"))
	}
	return errs
}

func validateJobSpec(s *JobSpec, path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	nonNegative := func(v *int32, name string) {
		if v != nil {
			errs = append(errs, validation.ValidateNonnegativeField(int64(*v), path.Child(name))...)
		}
	}
	nonNegative(s.Parallelism, "parallelism")
	nonNegative(s.Completions, "completions")
	if s.ActiveDeadlineSeconds != nil {
		errs = append(errs, validation.ValidateNonnegativeField(*s.ActiveDeadlineSeconds, path.Child("activeDeadlineSeconds"))...)
	}
	nonNegative(s.BackoffLimit, "backoffLimit")
	nonNegative(s.TTLSecondsAfterFinished, "ttlSecondsAfterFinished")
	nonNegative(s.BackoffLimitPerIndex, "backoffLimitPerIndex")
	if s.MaxFailedIndexes != nil {
		nonNegative(s.MaxFailedIndexes, "maxFailedIndexes")
		if s.BackoffLimitPerIndex == nil {
			errs = append(errs, meta.Required(path.Child("backoffLimitPerIndex"), "when maxFailedIndexes is specified"))
		}
	}
	if s.ManagedBy != nil {
		errs = append(errs, validation.IsDomainPrefixedPath(path.Child("managedBy"), *s.ManagedBy)...)
		if len(*s.ManagedBy) > maxManagedByLength {
			errs = append(errs, meta.TooLong(path.Child("managedBy"), maxManagedByLength))
		}
	}
	indexed := s.CompletionMode != nil && *s.CompletionMode == IndexedCompletion
	if m := s.CompletionMode; m != nil {
		if *m != NonIndexedCompletion && *m != IndexedCompletion {
			errs = append(errs, meta.NotSupported(path.Child("completionMode"), *m, []string{string(NonIndexedCompletion), string(IndexedCompletion)}))
		}
		if indexed {
			errs = append(errs, validateIndexedJob(s, path)...)
		}
	}
	if !indexed {
		if s.BackoffLimitPerIndex != nil {
			errs = append(errs, meta.Invalid(path.Child("backoffLimitPerIndex"), *s.BackoffLimitPerIndex, "requires indexed completion mode"))
		}
		if s.MaxFailedIndexes != nil {
			errs = append(errs, meta.Invalid(path.Child("maxFailedIndexes"), *s.MaxFailedIndexes, "requires indexed completion mode"))
		}
	}
	if s.PodFailurePolicy != nil {
		errs = append(errs, validatePodFailurePolicy(s, path.Child("podFailurePolicy"))...)
	}
	if s.SuccessPolicy != nil {
		if !indexed {
			errs = append(errs, meta.Invalid(path.Child("successPolicy"), *s.SuccessPolicy, "requires indexed completion mode"))
		} else {
			errs = append(errs, validateSuccessPolicy(s, path.Child("successPolicy"))...)
		}
	}
	if p := s.PodReplacementPolicy; p != nil {
		rp := path.Child("podReplacementPolicy")
		if s.PodFailurePolicy != nil {
			if *p != Failed {
				errs = append(errs, meta.NotSupported(rp, *p, []string{string(Failed)}))
			}
		} else if *p != Failed && *p != TerminatingOrFailed {
			errs = append(errs, meta.NotSupported(rp, *p, podReplacementValues))
		}
	}

	tp := path.Child("template")
	errs = append(errs, core.ValidatePodTemplateSpec(&s.Template, tp)...)
	rp := tp.Child("spec", "restartPolicy")
	switch rpv := s.Template.Spec.RestartPolicy; {
	case rpv == core.RestartPolicyAlways || rpv == "":
		// Defaulting turns an unset policy into Always, which a Job
		// cannot use: tell the user what to set.
		errs = append(errs, meta.Required(rp, fmt.Sprintf("valid values: %q, %q", core.RestartPolicyOnFailure, core.RestartPolicyNever)))
	case rpv != core.RestartPolicyOnFailure && rpv != core.RestartPolicyNever:
		errs = append(errs, meta.NotSupported(rp, rpv, []string{string(core.RestartPolicyOnFailure), string(core.RestartPolicyNever)}))
	case s.PodFailurePolicy != nil && rpv != core.RestartPolicyNever:
		errs = append(errs, meta.Invalid(rp, rpv, fmt.Sprintf("only %q is supported when podFailurePolicy is specified", core.RestartPolicyNever)))
	}
	return errs
}

// validateIndexedJob checks the limits of an Indexed Job, which keeps one
// status entry per index.
func validateIndexedJob(s *JobSpec, path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if s.Completions == nil {
		errs = append(errs, meta.Required(path.Child("completions"), fmt.Sprintf("when completion mode is %s", IndexedCompletion)))
	}
	if s.Parallelism != nil && *s.Parallelism > maxParallelismForIndexedJob {
		errs = append(errs, meta.Invalid(path.Child("parallelism"), *s.Parallelism,
			fmt.Sprintf("must be less than or equal to %d when completion mode is %s", maxParallelismForIndexedJob, IndexedCompletion)))
	}
	if s.Completions != nil && s.MaxFailedIndexes != nil && *s.MaxFailedIndexes > *s.Completions {
		errs = append(errs, meta.Invalid(path.Child("maxFailedIndexes"), *s.MaxFailedIndexes, "must be less than or equal to completions"))
	}
	if s.MaxFailedIndexes != nil && *s.MaxFailedIndexes > maxFailedIndexesForIndexedJob {
		errs = append(errs, meta.Invalid(path.Child("maxFailedIndexes"), *s.MaxFailedIndexes,
			fmt.Sprintf("must be less than or equal to %d", maxFailedIndexesForIndexedJob)))
	}
	if s.Completions != nil && *s.Completions > completionsSoftLimit && s.BackoffLimitPerIndex != nil {
		if s.MaxFailedIndexes == nil {
			errs = append(errs, meta.Required(path.Child("maxFailedIndexes"), fmt.Sprintf("must be specified when completions is above %d", completionsSoftLimit)))
		}
		if s.Parallelism != nil && *s.Parallelism > parallelismLimitForHighCompletions {
			errs = append(errs, meta.Invalid(path.Child("parallelism"), *s.Parallelism,
				fmt.Sprintf("must be less than or equal to %d when completions are above %d and used with backoff limit per index", parallelismLimitForHighCompletions, completionsSoftLimit)))
		}
		if s.MaxFailedIndexes != nil && *s.MaxFailedIndexes > maxFailedIndexesLimitForHighCompletions {
			errs = append(errs, meta.Invalid(path.Child("maxFailedIndexes"), *s.MaxFailedIndexes,
				fmt.Sprintf("must be less than or equal to %d when completions are above %d and used with backoff limit per index", maxFailedIndexesLimitForHighCompletions, completionsSoftLimit)))
		}
	}
	return errs
}

func validatePodFailurePolicy(s *JobSpec, path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	rules := path.Child("rules")
	if len(s.PodFailurePolicy.Rules) > maxPodFailurePolicyRules {
		errs = append(errs, meta.TooMany(rules, len(s.PodFailurePolicy.Rules), maxPodFailurePolicyRules))
	}
	containers := map[string]bool{}
	for _, c := range s.Template.Spec.Containers {
		containers[c.Name] = true
	}
	for _, c := range s.Template.Spec.InitContainers {
		containers[c.Name] = true
	}
	for i := range s.PodFailurePolicy.Rules {
		r := &s.PodFailurePolicy.Rules[i]
		rp := rules.Index(i)
		ap := rp.Child("action")
		switch r.Action {
		case "":
			errs = append(errs, meta.Required(ap, fmt.Sprintf("valid values: %q", podFailureActions)))
		case PodFailurePolicyActionFailIndex:
			if s.BackoffLimitPerIndex == nil {
				errs = append(errs, meta.Invalid(ap, r.Action, "requires the backoffLimitPerIndex to be set"))
			}
		case PodFailurePolicyActionCount, PodFailurePolicyActionFailJob, PodFailurePolicyActionIgnore:
		default:
			errs = append(errs, meta.NotSupported(ap, r.Action, podFailureActions))
		}
		if r.OnExitCodes != nil {
			errs = append(errs, validateOnExitCodes(r.OnExitCodes, containers, rp.Child("onExitCodes"))...)
		}
		if len(r.OnPodConditions) > 0 {
			errs = append(errs, validateOnPodConditions(r.OnPodConditions, rp.Child("onPodConditions"))...)
		}
		switch {
		case r.OnExitCodes != nil && len(r.OnPodConditions) > 0:
			errs = append(errs, meta.Invalid(rp, meta.OmitValue, "specifying both OnExitCodes and OnPodConditions is not supported"))
		case r.OnExitCodes == nil && len(r.OnPodConditions) == 0:
			errs = append(errs, meta.Invalid(rp, meta.OmitValue, "specifying one of OnExitCodes and OnPodConditions is required"))
		}
	}
	return errs
}

func validateOnExitCodes(r *PodFailurePolicyOnExitCodesRequirement, containers map[string]bool, path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	op := path.Child("operator")
	switch r.Operator {
	case "":
		errs = append(errs, meta.Required(op, fmt.Sprintf("valid values: %q", exitCodeOperators)))
	case PodFailurePolicyOnExitCodesOpIn, PodFailurePolicyOnExitCodesOpNotIn:
	default:
		errs = append(errs, meta.NotSupported(op, r.Operator, exitCodeOperators))
	}
	if r.ContainerName != nil && !containers[*r.ContainerName] {
		errs = append(errs, meta.Invalid(path.Child("containerName"), *r.ContainerName, "must be one of the container or initContainer names in the pod template"))
	}
	vp := path.Child("values")
	switch {
	case len(r.Values) == 0:
		errs = append(errs, meta.Invalid(vp, r.Values, "at least one value is required"))
	case len(r.Values) > maxPodFailurePolicyOnExitCodesValues:
		errs = append(errs, meta.TooMany(vp, len(r.Values), maxPodFailurePolicyOnExitCodesValues))
	}
	ordered := true
	seen := map[int32]bool{}
	for i, v := range r.Values {
		if r.Operator == PodFailurePolicyOnExitCodesOpIn && v == 0 {
			errs = append(errs, meta.Invalid(vp.Index(i), v, "must not be 0 for the In operator"))
		}
		if seen[v] {
			errs = append(errs, meta.Duplicate(vp.Index(i), v))
		}
		seen[v] = true
		if i > 0 && r.Values[i-1] > v {
			ordered = false
		}
	}
	if !ordered {
		errs = append(errs, meta.Invalid(vp, r.Values, "must be ordered"))
	}
	return errs
}

func validateOnPodConditions(patterns []PodFailurePolicyOnPodConditionsPattern, path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if len(patterns) > maxPodFailurePolicyOnPodConditions {
		errs = append(errs, meta.TooMany(path, len(patterns), maxPodFailurePolicyOnPodConditions))
	}
	for i, p := range patterns {
		pp := path.Index(i)
		errs = append(errs, validation.ValidateQualifiedName(string(p.Type), pp.Child("type"))...)
		switch p.Status {
		case "":
			errs = append(errs, meta.Required(pp.Child("status"), fmt.Sprintf("valid values: %q", conditionStatuses)))
		case core.ConditionTrue, core.ConditionFalse, core.ConditionUnknown:
		default:
			errs = append(errs, meta.NotSupported(pp.Child("status"), p.Status, conditionStatuses))
		}
	}
	return errs
}

func validateSuccessPolicy(s *JobSpec, path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	rules := path.Child("rules")
	if len(s.SuccessPolicy.Rules) == 0 {
		errs = append(errs, meta.Required(rules, "at least one rules must be specified when the successPolicy is specified"))
	}
	if len(s.SuccessPolicy.Rules) > maxSuccessPolicyRules {
		errs = append(errs, meta.TooMany(rules, len(s.SuccessPolicy.Rules), maxSuccessPolicyRules))
	}
	completions := int32(0)
	if s.Completions != nil {
		completions = *s.Completions
	}
	for i, r := range s.SuccessPolicy.Rules {
		rp := rules.Index(i)
		if r.SucceededCount == nil && r.SucceededIndexes == nil {
			errs = append(errs, meta.Required(rp, "at least one of succeededCount or succeededIndexes must be specified"))
		}
		var total int32
		if r.SucceededIndexes != nil {
			ip := rp.Child("succeededIndexes")
			if len(*r.SucceededIndexes) > maxSucceededIndexesLength {
				errs = append(errs, meta.TooLong(ip, maxSucceededIndexesLength))
			}
			var err error
			if total, err = countIndexes(*r.SucceededIndexes, completions); err != nil {
				errs = append(errs, meta.Invalid(ip, *r.SucceededIndexes, "error parsing succeededIndexes: "+err.Error()))
			}
		}
		if c := r.SucceededCount; c != nil {
			cp := rp.Child("succeededCount")
			errs = append(errs, validation.ValidateNonnegativeField(int64(*c), cp)...)
			if *c > completions {
				errs = append(errs, meta.Invalid(cp, *c, fmt.Sprintf("must be less than or equal to %d (the number of specified completions)", completions)))
			}
			if r.SucceededIndexes != nil && *c > total {
				errs = append(errs, meta.Invalid(cp, *c, fmt.Sprintf("must be less than or equal to %d (the number of indexes in the specified succeededIndexes field)", total)))
			}
		}
	}
	return errs
}

// countIndexes parses an index list such as "1,3-5,7" (increasing,
// non-overlapping intervals below completions) and counts its indexes.
func countIndexes(s string, completions int32) (int32, error) {
	if s == "" {
		return 0, nil
	}
	var total int32
	last := int32(-1)
	for interval := range strings.SplitSeq(s, ",") {
		parts := strings.Split(interval, "-")
		if len(parts) > 2 {
			return 0, fmt.Errorf("the fragment %q violates the requirement that an index interval can have at most two parts separated by '-'", interval)
		}
		bounds := make([]int32, len(parts))
		for i, p := range parts {
			n, err := strconv.Atoi(p)
			if err != nil {
				return 0, fmt.Errorf("cannot convert string to integer for index: %q", p)
			}
			if n >= int(completions) {
				return 0, fmt.Errorf("too large index: %q", p)
			}
			bounds[i] = int32(n)
		}
		x, y := bounds[0], bounds[len(bounds)-1]
		if len(bounds) == 2 && x >= y {
			return 0, fmt.Errorf("non-increasing order, previous: %d, current: %d", x, y)
		}
		if last >= x {
			return 0, fmt.Errorf("non-increasing order, previous: %d, current: %d", last, x)
		}
		total += y - x + 1
		last = y
	}
	return total, nil
}

// validateCompletionsUpdate allows completions to change only for Indexed
// Jobs, and only together with parallelism (elastic Indexed Jobs).
func validateCompletionsUpdate(s, old *JobSpec, path *meta.Path) meta.FieldErrors {
	if s.CompletionMode == nil || *s.CompletionMode != IndexedCompletion {
		return validation.ImmutableField(s.Completions, old.Completions, path)
	}
	if validation.SemanticEqual(s.Completions, old.Completions) || s.Completions == nil {
		return nil
	}
	if s.Parallelism == nil || *s.Completions != *s.Parallelism {
		return meta.FieldErrors{meta.Invalid(path, *s.Completions, "can only be modified in tandem with spec.parallelism")}
	}
	return nil
}

// withSchedulingDirectives returns a copy of old with the parts of t that a
// suspended, never started Job may change.
func withSchedulingDirectives(old, t *core.PodTemplateSpec) *core.PodTemplateSpec {
	c := meta.DeepCopy(*old)
	switch {
	case t.Spec.Affinity == nil && c.Spec.Affinity != nil:
		c.Spec.Affinity.NodeAffinity = nil
		if *c.Spec.Affinity == (core.Affinity{}) {
			c.Spec.Affinity = nil
		}
	case t.Spec.Affinity != nil && c.Spec.Affinity == nil:
		c.Spec.Affinity = &core.Affinity{NodeAffinity: t.Spec.Affinity.NodeAffinity}
	case t.Spec.Affinity != nil:
		c.Spec.Affinity.NodeAffinity = t.Spec.Affinity.NodeAffinity
	}
	c.Spec.NodeSelector = t.Spec.NodeSelector
	c.Spec.Tolerations = t.Spec.Tolerations
	c.Spec.SchedulingGates = t.Spec.SchedulingGates
	c.Annotations = t.Annotations
	c.Labels = t.Labels
	return &c
}

// Validate checks a new CronJob: a name short enough for its Jobs' names,
// a schedule that parses (without TZ= or CRON_TZ=, which timeZone
// replaces), a time zone from the IANA database, the concurrencyPolicy
// enumeration, non-negative startingDeadlineSeconds and history limits, and
// a job template as a Job's spec, without a selector (one is generated for
// each Job).
func (c *CronJob) Validate() meta.FieldErrors {
	errs := validation.ValidateObjectMeta(&c.ObjectMeta, true, validation.NameIsDNSSubdomain, metadataPath)
	errs = append(errs, c.Spec.validate(nil, specPath)...)
	if len(c.Name) > maxCronJobNameLength {
		errs = append(errs, meta.Invalid(metadataPath.Child("name"), c.Name, fmt.Sprintf("must be no more than %d characters", maxCronJobNameLength)))
	}
	return errs
}

// ValidateUpdate checks an update of a CronJob; old must be a *CronJob.
// Every spec field may change. A schedule stored with TZ= or CRON_TZ= (which
// older servers accepted) may keep it, and neither the name length nor an
// unchanged time zone is checked again.
func (c *CronJob) ValidateUpdate(old meta.Object) meta.FieldErrors {
	o, ok := old.(*CronJob)
	if !ok {
		return wrongType(old, c)
	}
	errs := validation.ValidateObjectMetaUpdate(&c.ObjectMeta, &o.ObjectMeta, metadataPath)
	return append(errs, c.Spec.validate(&o.Spec, specPath)...)
}

func (s *CronJobSpec) validate(old *CronJobSpec, path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	sp := path.Child("schedule")
	if s.Schedule == "" {
		errs = append(errs, meta.Required(sp, ""))
	} else {
		if _, err := ParseSchedule(s.Schedule); err != nil {
			errs = append(errs, meta.Invalid(sp, s.Schedule, err.Error()))
		}
		allowTZ := old != nil && strings.Contains(old.Schedule, "TZ")
		switch hasTZ := strings.Contains(s.Schedule, "TZ"); {
		case allowTZ && hasTZ && s.TimeZone != nil:
			errs = append(errs, meta.Invalid(sp, s.Schedule, "cannot use both timeZone field and TZ or CRON_TZ in schedule"))
		case !allowTZ && hasTZ:
			errs = append(errs, meta.Invalid(sp, s.Schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"))
		}
	}
	if s.StartingDeadlineSeconds != nil {
		errs = append(errs, validation.ValidateNonnegativeField(*s.StartingDeadlineSeconds, path.Child("startingDeadlineSeconds"))...)
	}
	if old == nil || !validation.SemanticEqual(s.TimeZone, old.TimeZone) {
		errs = append(errs, validateTimeZone(s.TimeZone, path.Child("timeZone"))...)
	}
	cp := path.Child("concurrencyPolicy")
	switch s.ConcurrencyPolicy {
	case AllowConcurrent, ForbidConcurrent, ReplaceConcurrent:
	case "":
		errs = append(errs, meta.Required(cp, ""))
	default:
		errs = append(errs, meta.NotSupported(cp, s.ConcurrencyPolicy, []string{string(AllowConcurrent), string(ForbidConcurrent), string(ReplaceConcurrent)}))
	}
	jp := path.Child("jobTemplate", "spec")
	errs = append(errs, validateJobSpec(&s.JobTemplate.Spec, jp)...)
	if s.JobTemplate.Spec.Selector != nil {
		errs = append(errs, meta.Invalid(jp.Child("selector"), s.JobTemplate.Spec.Selector, "`selector` will be auto-generated"))
	}
	if isTrue(s.JobTemplate.Spec.ManualSelector) {
		errs = append(errs, meta.NotSupported(jp.Child("manualSelector"), true, []string{"nil", "false"}))
	}
	if s.SuccessfulJobsHistoryLimit != nil {
		errs = append(errs, validation.ValidateNonnegativeField(int64(*s.SuccessfulJobsHistoryLimit), path.Child("successfulJobsHistoryLimit"))...)
	}
	if s.FailedJobsHistoryLimit != nil {
		errs = append(errs, validation.ValidateNonnegativeField(int64(*s.FailedJobsHistoryLimit), path.Child("failedJobsHistoryLimit"))...)
	}
	return errs
}

// validateTimeZone accepts a non-empty IANA time zone name that the
// embedded database knows, other than "Local" (which would depend on the
// machine the controller runs on). Names are checked for the characters of
// IANA file names first, so that no path reaches the file system.
func validateTimeZone(tz *string, path *meta.Path) meta.FieldErrors {
	if tz == nil {
		return nil
	}
	if *tz == "" {
		return meta.FieldErrors{meta.Invalid(path, *tz, "timeZone must be nil or non-empty string")}
	}
	for part := range strings.SplitSeq(*tz, "/") {
		if part == "." || part == ".." || strings.HasPrefix(part, "-") || !isTimeZoneNamePart(part) {
			return meta.FieldErrors{meta.Invalid(path, *tz, "unknown time zone "+*tz)}
		}
	}
	var errs meta.FieldErrors
	if strings.EqualFold(*tz, "Local") {
		errs = append(errs, meta.Invalid(path, *tz, "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"))
	}
	if _, err := time.LoadLocation(*tz); err != nil {
		errs = append(errs, meta.Invalid(path, *tz, err.Error()))
	}
	return errs
}

// isTimeZoneNamePart matches [A-Za-z.\-_0-9+]{1,14}: a component of an
// IANA zone name, with the digits and '+' of the legacy names.
func isTimeZoneNamePart(s string) bool {
	if s == "" || len(s) > 14 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(".-_+", c) >= 0) {
			return false
		}
	}
	return true
}

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

func isTrue(b *bool) bool { return b != nil && *b }

// Schedule is a parsed cron schedule: the times at which a CronJob runs.
// The zero Schedule never fires.
//
// The syntax is the standard five fields "minute hour day-of-month month
// day-of-week" as Kubernetes accepts them (it uses robfig/cron's standard
// parser): each field is "*" (or "?"), a number or name, a range "a-b", any
// of these with a step "/n", or a comma-separated list of them. Months may
// be named jan-dec and days of the week sun-sat (0-6, Sunday is 0), in any
// case. When both day fields are restricted, a day matches if either does;
// when one of them is "*", both must. The macros @yearly (@annually),
// @monthly, @weekly, @daily (@midnight) and @hourly, and "@every <duration>"
// (at least one second, truncated to whole seconds) are accepted, as is a
// "TZ=<zone> " or "CRON_TZ=<zone> " prefix, which CronJob validation
// rejects in favour of spec.timeZone.
type Schedule struct {
	minute, hour, dom, month, dow uint64
	// every is the interval of an "@every" schedule.
	every time.Duration
	// location is the TZ= zone; nil means the location of the time given
	// to Next.
	location *time.Location
}

// starBit marks a field written as "*" or "?" (without a step above 1),
// which changes how the two day fields combine.
const starBit = 1 << 63

type fieldBounds struct {
	min, max int
	names    map[string]int
}

var (
	minuteBounds = fieldBounds{0, 59, nil}
	hourBounds   = fieldBounds{0, 23, nil}
	domBounds    = fieldBounds{1, 31, nil}
	monthBounds  = fieldBounds{1, 12, map[string]int{
		"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
		"jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
	}}
	dowBounds = fieldBounds{0, 6, map[string]int{
		"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6,
	}}
)

// ParseSchedule parses a cron schedule (see Schedule). Its errors are the
// messages Kubernetes reports for spec.schedule, e.g. "expected exactly 5
// fields, found 4: [* * * *]".
func ParseSchedule(spec string) (Schedule, error) {
	if spec == "" {
		return Schedule{}, errors.New("empty spec string")
	}
	var loc *time.Location
	if strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=") {
		_, rest, _ := strings.Cut(spec, "=")
		name, rest, _ := strings.Cut(rest, " ")
		l, err := time.LoadLocation(name)
		if err != nil {
			return Schedule{}, fmt.Errorf("provided bad location %s: %v", name, err)
		}
		loc, spec = l, strings.TrimSpace(rest)
	}
	if strings.HasPrefix(spec, "@") {
		s, err := parseDescriptor(spec)
		s.location = loc
		return s, err
	}
	fields := strings.Fields(spec)
	if len(fields) != 5 {
		return Schedule{}, fmt.Errorf("expected exactly 5 fields, found %d: %s", len(fields), fields)
	}
	s := Schedule{location: loc}
	for i, f := range []struct {
		dst *uint64
		b   fieldBounds
	}{{&s.minute, minuteBounds}, {&s.hour, hourBounds}, {&s.dom, domBounds}, {&s.month, monthBounds}, {&s.dow, dowBounds}} {
		bits, err := parseField(fields[i], f.b)
		if err != nil {
			return Schedule{}, err
		}
		*f.dst = bits
	}
	return s, nil
}

// parseDescriptor parses the @ macros.
func parseDescriptor(d string) (Schedule, error) {
	all := func(b fieldBounds) uint64 { return rangeBits(b.min, b.max, 1) | starBit }
	at := func(n int) uint64 { return 1 << uint(n) }
	s := Schedule{minute: at(0), hour: at(0), dom: at(1), month: all(monthBounds), dow: all(dowBounds)}
	switch d {
	case "@yearly", "@annually":
		s.month = at(1)
	case "@monthly":
	case "@weekly":
		s.dom, s.dow = all(domBounds), at(0)
	case "@daily", "@midnight":
		s.dom = all(domBounds)
	case "@hourly":
		s.hour, s.dom = all(hourBounds), all(domBounds)
	default:
		rest, ok := strings.CutPrefix(d, "@every ")
		if !ok {
			return Schedule{}, fmt.Errorf("unrecognized descriptor: %s", d)
		}
		every, err := time.ParseDuration(rest)
		if err != nil {
			return Schedule{}, fmt.Errorf("failed to parse duration %s: %s", d, err)
		}
		every = max(every, time.Second).Truncate(time.Second)
		return Schedule{every: every}, nil
	}
	return s, nil
}

// parseField parses one field: a comma-separated list of ranges.
func parseField(field string, b fieldBounds) (uint64, error) {
	var bits uint64
	for _, expr := range strings.FieldsFunc(field, func(r rune) bool { return r == ',' }) {
		r, err := parseRange(expr, b)
		if err != nil {
			return 0, err
		}
		bits |= r
	}
	return bits, nil
}

// parseRange parses "*", "?", "n", "a-b", each optionally followed by
// "/step"; "n/step" runs from n to the field's maximum.
func parseRange(expr string, b fieldBounds) (uint64, error) {
	rangeStep := strings.Split(expr, "/")
	lowHigh := strings.Split(rangeStep[0], "-")
	var start, end int
	var extra uint64
	var err error
	if lowHigh[0] == "*" || lowHigh[0] == "?" {
		start, end, extra = b.min, b.max, starBit
	} else {
		if start, err = parseNumberOrName(lowHigh[0], b.names); err != nil {
			return 0, err
		}
		switch len(lowHigh) {
		case 1:
			end = start
		case 2:
			if end, err = parseNumberOrName(lowHigh[1], b.names); err != nil {
				return 0, err
			}
		default:
			return 0, fmt.Errorf("too many hyphens: %s", expr)
		}
	}
	step := 1
	switch len(rangeStep) {
	case 1:
	case 2:
		if step, err = parseNumber(rangeStep[1]); err != nil {
			return 0, err
		}
		if len(lowHigh) == 1 {
			end = b.max
		}
		if step > 1 {
			extra = 0
		}
	default:
		return 0, fmt.Errorf("too many slashes: %s", expr)
	}
	switch {
	case start < b.min:
		return 0, fmt.Errorf("beginning of range (%d) below minimum (%d): %s", start, b.min, expr)
	case end > b.max:
		return 0, fmt.Errorf("end of range (%d) above maximum (%d): %s", end, b.max, expr)
	case start > end:
		return 0, fmt.Errorf("beginning of range (%d) beyond end of range (%d): %s", start, end, expr)
	case step == 0:
		return 0, fmt.Errorf("step of range should be a positive number: %s", expr)
	}
	return rangeBits(start, end, step) | extra, nil
}

func parseNumberOrName(s string, names map[string]int) (int, error) {
	if n, ok := names[strings.ToLower(s)]; ok {
		return n, nil
	}
	return parseNumber(s)
}

func parseNumber(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("failed to parse int from %s: %s", s, err)
	}
	if n < 0 {
		return 0, fmt.Errorf("negative number (%d) not allowed: %s", n, s)
	}
	return n, nil
}

func rangeBits(start, end, step int) uint64 {
	var bits uint64
	for i := start; i <= end; i += step {
		bits |= 1 << uint(i)
	}
	return bits
}

func has(bits uint64, n int) bool { return bits&(1<<uint(n)) != 0 }

// dayMatches applies cron's day rule: restricting both day fields means
// either may match.
func (s *Schedule) dayMatches(t time.Time) bool {
	dom, dow := has(s.dom, t.Day()), has(s.dow, int(t.Weekday()))
	if s.dom&starBit != 0 || s.dow&starBit != 0 {
		return dom && dow
	}
	return dom || dow
}

// Next returns the first time the schedule fires strictly after t, in t's
// location, or the zero time if it never fires within five years (as for
// "0 0 30 2 *"). Without a TZ= prefix, the fields are read in t's location:
// pass t.In(zone) to run in a time zone.
//
// Fields are matched against the wall clock. Across daylight saving time
// changes, as in Kubernetes: a time that does not exist that day (02:30
// when clocks jump from 02:00 to 03:00) is skipped, and a time that occurs
// twice (01:30 when clocks fall back from 02:00 to 01:00) fires twice.
func (s Schedule) Next(t time.Time) time.Time {
	if s.every > 0 {
		return t.Add(s.every - time.Duration(t.Nanosecond()))
	}
	if s.minute == 0 || s.hour == 0 || s.month == 0 {
		// An empty field (",") never matches; the day fields may still
		// match through each other.
		return time.Time{}
	}
	orig := t.Location()
	loc := orig
	if s.location != nil {
		loc = s.location
	}
	t = t.In(loc)
	// The first whole minute after t.
	t = t.Add(time.Minute - time.Duration(t.Second())*time.Second - time.Duration(t.Nanosecond()))
	limit := t.Year() + 5
	for t.Year() <= limit {
		switch {
		case !has(s.month, int(t.Month())):
			t = time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, loc)
		case !s.dayMatches(t):
			t = time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, loc)
		case !has(s.hour, t.Hour()):
			// To the start of the next hour, in elapsed time so that an
			// hour repeated by a DST change is visited twice.
			t = t.Add(time.Hour - time.Duration(t.Minute())*time.Minute)
		case !has(s.minute, t.Minute()):
			t = t.Add(time.Minute)
		default:
			return t.In(orig)
		}
	}
	return time.Time{}
}
