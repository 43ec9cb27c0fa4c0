package apps

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/labels"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/validation"
)

// Validation of the apps/v1 kinds, with Kubernetes' rules and messages
// (pkg/apis/apps/validation and the apps registry strategies, which add the
// selector immutability of apps/v1). Objects are expected to be defaulted.
//
// Two deliberate differences from Kubernetes:
//   - A StatefulSet's pod template is validated in full, with a volume for
//     each volumeClaimTemplate added the way the controller adds them;
//     Kubernetes only checks its labels and annotations, so a bad template
//     shows up later as pods the controller cannot create. The claim
//     templates are validated as claims.
//   - A StatefulSet's revisionHistoryLimit may change, which Kubernetes
//     still refuses (kubernetes/kubernetes#56341); the message for other
//     changes is Kubernetes' own.

var (
	metadataPath = meta.NewPath("metadata")
	specPath     = meta.NewPath("spec")
)

// selectorMismatch is Kubernetes' message for a pod template whose labels
// the workload's selector does not match: the workload would never see the
// pods it creates.
const selectorMismatch = "`selector` does not match template `labels`"

// statefulSetUpdateForbidden is Kubernetes' message for a change to an
// immutable part of a StatefulSet's spec.
const statefulSetUpdateForbidden = "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"

func wrongType(old meta.Object, want any) meta.FieldErrors {
	return meta.FieldErrors{meta.InternalFieldError(meta.NewPath("kind"), fmt.Errorf("old object is %T, not %T", old, want))}
}

// Validate checks a new Deployment: a non-empty selector that matches the
// pod template's labels, a valid template with restartPolicy Always, a
// non-negative replica count, a RollingUpdate or Recreate strategy (with
// rollingUpdate parameters only for RollingUpdate, and maxSurge and
// maxUnavailable not both 0), non-negative minReadySeconds and
// revisionHistoryLimit, and a progressDeadlineSeconds beyond
// minReadySeconds.
func (d *Deployment) Validate() meta.FieldErrors {
	errs := validation.ValidateObjectMeta(&d.ObjectMeta, true, validation.NameIsDNSSubdomain, metadataPath)
	return append(errs, d.Spec.validate(specPath)...)
}

// ValidateUpdate checks an update of a Deployment; old must be a
// *Deployment. The selector cannot change.
func (d *Deployment) ValidateUpdate(old meta.Object) meta.FieldErrors {
	o, ok := old.(*Deployment)
	if !ok {
		return wrongType(old, d)
	}
	errs := validation.ValidateObjectMetaUpdate(&d.ObjectMeta, &o.ObjectMeta, metadataPath)
	errs = append(errs, d.Spec.validate(specPath)...)
	return append(errs, validation.ImmutableField(d.Spec.Selector, o.Spec.Selector, specPath.Child("selector"))...)
}

func (s *DeploymentSpec) validate(path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if s.Replicas != nil {
		errs = append(errs, validation.ValidateNonnegativeField(int64(*s.Replicas), path.Child("replicas"))...)
	}
	errs = append(errs, validateReplicatedPods(s.Selector, &s.Template, "deployment", "ReplicaSet", path)...)
	errs = append(errs, s.Strategy.validate(path.Child("strategy"))...)
	errs = append(errs, validation.ValidateNonnegativeField(int64(s.MinReadySeconds), path.Child("minReadySeconds"))...)
	if s.RevisionHistoryLimit != nil {
		errs = append(errs, validation.ValidateNonnegativeField(int64(*s.RevisionHistoryLimit), path.Child("revisionHistoryLimit"))...)
	}
	if p := s.ProgressDeadlineSeconds; p != nil {
		errs = append(errs, validation.ValidateNonnegativeField(int64(*p), path.Child("progressDeadlineSeconds"))...)
		if *p <= s.MinReadySeconds {
			errs = append(errs, meta.Invalid(path.Child("progressDeadlineSeconds"), *p, "must be greater than minReadySeconds"))
		}
	}
	return errs
}

func (s *DeploymentStrategy) validate(path *meta.Path) meta.FieldErrors {
	switch s.Type {
	case RecreateDeploymentStrategyType:
		if s.RollingUpdate != nil {
			return meta.FieldErrors{meta.Forbidden(path.Child("rollingUpdate"), "may not be specified when strategy `type` is 'Recreate'")}
		}
		return nil
	case RollingUpdateDeploymentStrategyType:
		if s.RollingUpdate == nil {
			return meta.FieldErrors{meta.Required(path.Child("rollingUpdate"), "this should be defaulted and never be nil")}
		}
		return s.RollingUpdate.validate(path.Child("rollingUpdate"))
	}
	// Kubernetes reports the whole strategy as the bad value.
	return meta.FieldErrors{meta.NotSupported(path, s, []string{string(RecreateDeploymentStrategyType), string(RollingUpdateDeploymentStrategyType)})}
}

func (r *RollingUpdateDeployment) validate(path *meta.Path) meta.FieldErrors {
	unavailable, surge := path.Child("maxUnavailable"), path.Child("maxSurge")
	var errs meta.FieldErrors
	if r.MaxUnavailable != nil {
		errs = append(errs, validateIntOrPercent(*r.MaxUnavailable, unavailable)...)
	}
	if r.MaxSurge != nil {
		errs = append(errs, validateIntOrPercent(*r.MaxSurge, surge)...)
	}
	if intOrPercentValue(r.MaxUnavailable) == 0 && intOrPercentValue(r.MaxSurge) == 0 {
		errs = append(errs, meta.Invalid(unavailable, orZero(r.MaxUnavailable), "may not be 0 when `maxSurge` is 0"))
	}
	if r.MaxUnavailable != nil {
		errs = append(errs, notMoreThan100Percent(*r.MaxUnavailable, unavailable)...)
	}
	return errs
}

// Validate checks a new ReplicaSet: a non-empty selector that matches the
// pod template's labels, a valid template with restartPolicy Always, and
// non-negative replicas and minReadySeconds.
func (r *ReplicaSet) Validate() meta.FieldErrors {
	errs := validation.ValidateObjectMeta(&r.ObjectMeta, true, validation.NameIsDNSSubdomain, metadataPath)
	return append(errs, r.Spec.validate(specPath)...)
}

// ValidateUpdate checks an update of a ReplicaSet; old must be a
// *ReplicaSet. The selector cannot change.
func (r *ReplicaSet) ValidateUpdate(old meta.Object) meta.FieldErrors {
	o, ok := old.(*ReplicaSet)
	if !ok {
		return wrongType(old, r)
	}
	errs := validation.ValidateObjectMetaUpdate(&r.ObjectMeta, &o.ObjectMeta, metadataPath)
	errs = append(errs, r.Spec.validate(specPath)...)
	return append(errs, validation.ImmutableField(r.Spec.Selector, o.Spec.Selector, specPath.Child("selector"))...)
}

func (s *ReplicaSetSpec) validate(path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if s.Replicas != nil {
		errs = append(errs, validation.ValidateNonnegativeField(int64(*s.Replicas), path.Child("replicas"))...)
	}
	errs = append(errs, validation.ValidateNonnegativeField(int64(s.MinReadySeconds), path.Child("minReadySeconds"))...)
	// "deployment" is Kubernetes' text for ReplicaSets too.
	return append(errs, validateReplicatedPods(s.Selector, &s.Template, "deployment", "ReplicaSet", path)...)
}

// validateReplicatedPods checks the selector and pod template of a
// Deployment or ReplicaSet. what names the kind in the empty-selector
// message, kind in the activeDeadlineSeconds one.
func validateReplicatedPods(sel *meta.LabelSelector, t *core.PodTemplateSpec, what, kind string, path *meta.Path) meta.FieldErrors {
	errs := validateSelector(sel, what, path.Child("selector"))
	selector, err := labels.FromLabelSelector(sel)
	if err != nil {
		return append(errs, meta.Invalid(path.Child("selector"), sel, "invalid label selector"))
	}
	tp := path.Child("template")
	if !selector.Empty() && !selector.Matches(labels.Set(t.Labels)) {
		errs = append(errs, meta.Invalid(tp.Child("metadata", "labels"), t.Labels, selectorMismatch))
	}
	errs = append(errs, core.ValidatePodTemplateSpec(t, tp)...)
	return append(errs, validateLongRunningPods(t, kind, tp.Child("spec"))...)
}

// validateSelector requires a selector and rejects an empty one, which
// would select every pod of the namespace.
func validateSelector(sel *meta.LabelSelector, what string, path *meta.Path) meta.FieldErrors {
	if sel == nil {
		return meta.FieldErrors{meta.Required(path, "")}
	}
	errs := validation.ValidateLabelSelector(sel, validation.LabelSelectorOptions{}, path)
	if len(sel.MatchLabels)+len(sel.MatchExpressions) == 0 {
		errs = append(errs, meta.Invalid(path, sel, "empty selector is invalid for "+what))
	}
	return errs
}

// validateLongRunningPods requires what pods of a replicated workload need
// to keep running: restartPolicy Always and no activeDeadlineSeconds.
func validateLongRunningPods(t *core.PodTemplateSpec, kind string, path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if t.Spec.RestartPolicy != core.RestartPolicyAlways {
		errs = append(errs, meta.NotSupported(path.Child("restartPolicy"), t.Spec.RestartPolicy, []string{string(core.RestartPolicyAlways)}))
	}
	if t.Spec.ActiveDeadlineSeconds != nil {
		errs = append(errs, meta.Forbidden(path.Child("activeDeadlineSeconds"), "activeDeadlineSeconds in "+kind+" is not Supported"))
	}
	return errs
}

// Validate checks a new StatefulSet: a DNS label name (it becomes the
// pods' hostnames), the podManagementPolicy and updateStrategy
// enumerations, claim retention policies, non-negative replicas,
// minReadySeconds and ordinals.start, a non-empty selector that matches the
// template, a valid template with restartPolicy Always, and valid claim
// templates.
func (ss *StatefulSet) Validate() meta.FieldErrors {
	errs := validation.ValidateObjectMeta(&ss.ObjectMeta, true, validation.NameIsDNSLabel, metadataPath)
	return append(errs, ss.Spec.validate(specPath)...)
}

// ValidateUpdate checks an update of a StatefulSet; old must be a
// *StatefulSet. Only replicas, ordinals, template, updateStrategy,
// persistentVolumeClaimRetentionPolicy, minReadySeconds and
// revisionHistoryLimit may change. The name is not checked again: older
// servers accepted DNS subdomains, and such sets must stay updatable (to
// remove finalizers, at least).
func (ss *StatefulSet) ValidateUpdate(old meta.Object) meta.FieldErrors {
	o, ok := old.(*StatefulSet)
	if !ok {
		return wrongType(old, ss)
	}
	errs := validation.ValidateObjectMetaUpdate(&ss.ObjectMeta, &o.ObjectMeta, metadataPath)
	errs = append(errs, ss.Spec.validate(specPath)...)
	rest := ss.Spec
	rest.Replicas = o.Spec.Replicas
	rest.Ordinals = o.Spec.Ordinals
	rest.Template = o.Spec.Template
	rest.UpdateStrategy = o.Spec.UpdateStrategy
	rest.PersistentVolumeClaimRetentionPolicy = o.Spec.PersistentVolumeClaimRetentionPolicy
	rest.MinReadySeconds = o.Spec.MinReadySeconds
	rest.RevisionHistoryLimit = o.Spec.RevisionHistoryLimit
	if !validation.SemanticEqual(rest, o.Spec) {
		errs = append(errs, meta.Forbidden(specPath, statefulSetUpdateForbidden))
	}
	return errs
}

func (s *StatefulSetSpec) validate(path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	switch s.PodManagementPolicy {
	case "":
		errs = append(errs, meta.Required(path.Child("podManagementPolicy"), ""))
	case OrderedReadyPodManagement, ParallelPodManagement:
	default:
		errs = append(errs, meta.Invalid(path.Child("podManagementPolicy"), s.PodManagementPolicy,
			fmt.Sprintf("must be '%s' or '%s'", OrderedReadyPodManagement, ParallelPodManagement)))
	}

	strategy := path.Child("updateStrategy")
	switch s.UpdateStrategy.Type {
	case "":
		errs = append(errs, meta.Required(strategy, ""))
	case OnDeleteStatefulSetStrategyType:
		if s.UpdateStrategy.RollingUpdate != nil {
			errs = append(errs, meta.Invalid(strategy.Child("rollingUpdate"), s.UpdateStrategy.RollingUpdate,
				fmt.Sprintf("only allowed for updateStrategy '%s'", RollingUpdateStatefulSetStrategyType)))
		}
	case RollingUpdateStatefulSetStrategyType:
		if ru := s.UpdateStrategy.RollingUpdate; ru != nil {
			errs = append(errs, ru.validate(strategy.Child("rollingUpdate"))...)
		}
	default:
		errs = append(errs, meta.Invalid(strategy, s.UpdateStrategy,
			fmt.Sprintf("must be '%s' or '%s'", RollingUpdateStatefulSetStrategyType, OnDeleteStatefulSetStrategyType)))
	}

	if p := s.PersistentVolumeClaimRetentionPolicy; p != nil {
		rp := path.Child("persistentVolumeClaimRetentionPolicy")
		errs = append(errs, validateRetentionPolicy(p.WhenDeleted, rp.Child("whenDeleted"))...)
		errs = append(errs, validateRetentionPolicy(p.WhenScaled, rp.Child("whenScaled"))...)
	}
	if s.Replicas != nil {
		errs = append(errs, validation.ValidateNonnegativeField(int64(*s.Replicas), path.Child("replicas"))...)
	}
	errs = append(errs, validation.ValidateNonnegativeField(int64(s.MinReadySeconds), path.Child("minReadySeconds"))...)
	if s.Ordinals != nil {
		// Kubernetes names the field "ordinals.start" in one step.
		errs = append(errs, validation.ValidateNonnegativeField(int64(s.Ordinals.Start), path.Child("ordinals.start"))...)
	}

	errs = append(errs, validateSelector(s.Selector, "statefulset", path.Child("selector"))...)
	selector, err := labels.FromLabelSelector(s.Selector)
	tp := path.Child("template")
	if err != nil {
		errs = append(errs, meta.Invalid(path.Child("selector"), s.Selector, ""))
	} else if !selector.Empty() && !selector.Matches(labels.Set(s.Template.Labels)) {
		errs = append(errs, meta.Invalid(tp.Child("metadata", "labels"), s.Template.Labels, selectorMismatch))
	}

	claimsPath := path.Child("volumeClaimTemplates")
	var claimVolumes []core.Volume
	for i := range s.VolumeClaimTemplates {
		c := &s.VolumeClaimTemplates[i]
		cp := claimsPath.Index(i)
		mp := cp.Child("metadata")
		if c.Name == "" {
			errs = append(errs, meta.Required(mp.Child("name"), ""))
		} else if msgs := validation.IsDNS1123Label(c.Name); len(msgs) > 0 {
			// The name is also the name of the pods' volume.
			errs = append(errs, validation.InvalidEach(mp.Child("name"), c.Name, msgs)...)
		} else {
			claimVolumes = append(claimVolumes, core.Volume{Name: c.Name, VolumeSource: core.VolumeSource{
				PersistentVolumeClaim: &core.PersistentVolumeClaimVolumeSource{ClaimName: c.Name},
			}})
		}
		errs = append(errs, validation.ValidateLabels(c.Labels, mp.Child("labels"))...)
		errs = append(errs, validation.ValidateAnnotations(c.Annotations, mp.Child("annotations"))...)
		errs = append(errs, core.ValidatePersistentVolumeClaimSpec(&c.Spec, cp.Child("spec"))...)
	}
	tmpl := withClaimVolumes(&s.Template, claimVolumes)
	errs = append(errs, core.ValidatePodTemplateSpec(tmpl, tp)...)
	return append(errs, validateLongRunningPods(&s.Template, "StatefulSet", tp.Child("spec"))...)
}

// withClaimVolumes returns t with the volumes of the claim templates, each
// replacing a template volume of the same name, as the StatefulSet
// controller builds its pods. t itself is not changed.
func withClaimVolumes(t *core.PodTemplateSpec, claims []core.Volume) *core.PodTemplateSpec {
	if len(claims) == 0 {
		return t
	}
	c := *t
	vols := make([]core.Volume, 0, len(t.Spec.Volumes)+len(claims))
	byName := map[string]bool{}
	for _, v := range claims {
		byName[v.Name] = true
	}
	for _, v := range t.Spec.Volumes {
		if !byName[v.Name] {
			vols = append(vols, v)
		}
	}
	c.Spec.Volumes = append(vols, claims...)
	return &c
}

func (r *RollingUpdateStatefulSetStrategy) validate(path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if r.Partition != nil {
		errs = append(errs, validation.ValidateNonnegativeField(int64(*r.Partition), path.Child("partition"))...)
	}
	if mu := r.MaxUnavailable; mu != nil {
		p := path.Child("maxUnavailable")
		errs = append(errs, validateIntOrPercent(*mu, p)...)
		if intOrPercentValue(mu) == 0 {
			errs = append(errs, meta.Invalid(p, *mu, "cannot be 0"))
		}
		errs = append(errs, notMoreThan100Percent(*mu, p)...)
	}
	return errs
}

func validateRetentionPolicy(p PersistentVolumeClaimRetentionPolicyType, path *meta.Path) meta.FieldErrors {
	switch p {
	case RetainPersistentVolumeClaimRetentionPolicyType, DeletePersistentVolumeClaimRetentionPolicyType:
		return nil
	}
	return meta.FieldErrors{meta.NotSupported(path, p, []string{
		string(RetainPersistentVolumeClaimRetentionPolicyType), string(DeletePersistentVolumeClaimRetentionPolicyType)})}
}

// Validate checks a new DaemonSet: a non-empty selector that matches the
// template, a valid template with restartPolicy Always, non-negative
// minReadySeconds and revisionHistoryLimit, and a RollingUpdate (exactly
// one of maxSurge and maxUnavailable non-zero) or OnDelete strategy.
func (ds *DaemonSet) Validate() meta.FieldErrors {
	errs := validation.ValidateObjectMeta(&ds.ObjectMeta, true, validation.NameIsDNSSubdomain, metadataPath)
	return append(errs, ds.Spec.validate(specPath)...)
}

// ValidateUpdate checks an update of a DaemonSet; old must be a
// *DaemonSet. The selector cannot change.
func (ds *DaemonSet) ValidateUpdate(old meta.Object) meta.FieldErrors {
	o, ok := old.(*DaemonSet)
	if !ok {
		return wrongType(old, ds)
	}
	errs := validation.ValidateObjectMetaUpdate(&ds.ObjectMeta, &o.ObjectMeta, metadataPath)
	errs = append(errs, ds.Spec.validate(specPath)...)
	return append(errs, validation.ImmutableField(ds.Spec.Selector, o.Spec.Selector, specPath.Child("selector"))...)
}

func (s *DaemonSetSpec) validate(path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	sp, tp := path.Child("selector"), path.Child("template")
	// As in Kubernetes, a missing selector shows as a template that it
	// does not match.
	errs = append(errs, validation.ValidateLabelSelector(s.Selector, validation.LabelSelectorOptions{}, sp)...)
	if selector, err := labels.FromLabelSelector(s.Selector); err == nil && !selector.Matches(labels.Set(s.Template.Labels)) {
		errs = append(errs, meta.Invalid(tp.Child("metadata", "labels"), s.Template.Labels, selectorMismatch))
	}
	if s.Selector != nil && len(s.Selector.MatchLabels)+len(s.Selector.MatchExpressions) == 0 {
		errs = append(errs, meta.Invalid(sp, s.Selector, "empty selector is invalid for daemonset"))
	}
	errs = append(errs, core.ValidatePodTemplateSpec(&s.Template, tp)...)
	errs = append(errs, validateLongRunningPods(&s.Template, "DaemonSet", tp.Child("spec"))...)
	errs = append(errs, validation.ValidateNonnegativeField(int64(s.MinReadySeconds), path.Child("minReadySeconds"))...)
	errs = append(errs, s.UpdateStrategy.validate(path.Child("updateStrategy"))...)
	if s.RevisionHistoryLimit != nil {
		errs = append(errs, validation.ValidateNonnegativeField(int64(*s.RevisionHistoryLimit), path.Child("revisionHistoryLimit"))...)
	}
	return errs
}

func (s *DaemonSetUpdateStrategy) validate(path *meta.Path) meta.FieldErrors {
	switch s.Type {
	case OnDeleteDaemonSetStrategyType:
		return nil
	case RollingUpdateDaemonSetStrategyType:
		if s.RollingUpdate == nil {
			return meta.FieldErrors{meta.Required(path.Child("rollingUpdate"), "")}
		}
		return s.RollingUpdate.validate(path.Child("rollingUpdate"))
	}
	return meta.FieldErrors{meta.NotSupported(path, s, []string{string(RollingUpdateDaemonSetStrategyType), string(OnDeleteDaemonSetStrategyType)})}
}

func (r *RollingUpdateDaemonSet) validate(path *meta.Path) meta.FieldErrors {
	unavailable, surge := path.Child("maxUnavailable"), path.Child("maxSurge")
	var errs meta.FieldErrors
	if r.MaxUnavailable != nil {
		errs = append(errs, validateIntOrPercent(*r.MaxUnavailable, unavailable)...)
	}
	if r.MaxSurge != nil {
		errs = append(errs, validateIntOrPercent(*r.MaxSurge, surge)...)
	}
	if r.MaxUnavailable != nil {
		errs = append(errs, notMoreThan100Percent(*r.MaxUnavailable, unavailable)...)
	}
	if r.MaxSurge != nil {
		errs = append(errs, notMoreThan100Percent(*r.MaxSurge, surge)...)
	}
	hasUnavailable, hasSurge := intOrPercentValue(r.MaxUnavailable) != 0, intOrPercentValue(r.MaxSurge) != 0
	switch {
	case hasUnavailable && hasSurge:
		errs = append(errs, meta.Invalid(surge, orZero(r.MaxSurge), "may not be set when maxUnavailable is non-zero"))
	case !hasUnavailable && !hasSurge:
		errs = append(errs, meta.Required(unavailable, "cannot be 0 when maxSurge is 0"))
	}
	return errs
}

// Validate checks a new ControllerRevision: it needs data and a
// non-negative revision.
func (c *ControllerRevision) Validate() meta.FieldErrors {
	errs := validation.ValidateObjectMeta(&c.ObjectMeta, true, validation.NameIsDNSSubdomain, metadataPath)
	return append(errs, c.validate()...)
}

// ValidateUpdate checks an update of a ControllerRevision; old must be a
// *ControllerRevision. The data is immutable. The revision number may
// change: controllers renumber a revision when a rollback makes it current
// again, as in Kubernetes.
func (c *ControllerRevision) ValidateUpdate(old meta.Object) meta.FieldErrors {
	o, ok := old.(*ControllerRevision)
	if !ok {
		return wrongType(old, c)
	}
	errs := validation.ValidateObjectMetaUpdate(&c.ObjectMeta, &o.ObjectMeta, metadataPath)
	errs = append(errs, c.validate()...)
	if !sameJSON(c.Data, o.Data) {
		errs = append(errs, meta.Invalid(meta.NewPath("data"), c.Data, validation.FieldImmutableErrorMsg))
	}
	return errs
}

func (c *ControllerRevision) validate() meta.FieldErrors {
	var errs meta.FieldErrors
	if len(c.Data) == 0 {
		errs = append(errs, meta.Required(meta.NewPath("data"), "data is mandatory"))
	}
	return append(errs, validation.ValidateNonnegativeField(c.Revision, meta.NewPath("revision"))...)
}

// sameJSON reports whether two JSON documents have the same value, so that
// a client re-sending the data with other spacing or key order does not
// trip the immutability check.
func sameJSON(a, b meta.RawJSON) bool {
	if string(a) == string(b) {
		return true
	}
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
}

// validateIntOrPercent checks a count (>= 0) or a percentage ("25%"), as
// Kubernetes' ValidatePositiveIntOrPercent does.
func validateIntOrPercent(v meta.IntOrString, path *meta.Path) meta.FieldErrors {
	if v.Type == meta.String {
		return validation.InvalidEach(path, v, validation.IsValidPercent(v.StrVal))
	}
	return validation.ValidateNonnegativeField(int64(v.IntVal), path)
}

// percentValue returns the number of a valid percentage.
func percentValue(v meta.IntOrString) (int, bool) {
	if v.Type != meta.String || len(validation.IsValidPercent(v.StrVal)) > 0 {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSuffix(v.StrVal, "%"))
	return n, err == nil
}

// intOrPercentValue is the number in v, whether a count or a percentage;
// nil is 0.
func intOrPercentValue(v *meta.IntOrString) int {
	if v == nil {
		return 0
	}
	if n, ok := percentValue(*v); ok {
		return n
	}
	return v.IntValue()
}

func notMoreThan100Percent(v meta.IntOrString, path *meta.Path) meta.FieldErrors {
	if n, ok := percentValue(v); ok && n > 100 {
		return meta.FieldErrors{meta.Invalid(path, v, "must not be greater than 100%")}
	}
	return nil
}

func orZero(v *meta.IntOrString) meta.IntOrString {
	if v == nil {
		return meta.FromInt(0)
	}
	return *v
}
