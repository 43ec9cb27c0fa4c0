package core

import (
	"encoding/json"
	"fmt"
	"math"
	"net"
	"path"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/resource"
	"github.com/spar-dev/spar/api/validation"
)

// Validation of the core/v1 kinds, with Kubernetes' rules and messages
// (kubernetes pkg/apis/core/validation). Every kind has Validate, run on
// create, and ValidateUpdate, run on update with the stored object; both
// expect the object to be defaulted already. Kinds with a status
// subresource also have ValidateStatusUpdate.
//
// Kubernetes' behaviour behind feature gates is the default one of 1.35+
// (sidecar containers, container restart rules, env files, relaxed
// environment variable names, pod-level resources, in-place resize policies,
// strict IP checks), except where noted.

var (
	metadataPath = meta.NewPath("metadata")
	specPath     = meta.NewPath("spec")
	statusPath   = meta.NewPath("status")
)

// oldAs returns old as a *T, or an internal error when it is another kind:
// the API server always passes the stored object of the same kind.
func oldAs[T any, PT interface {
	*T
	meta.Object
}](old meta.Object) (PT, meta.FieldErrors) {
	if o, ok := old.(PT); ok && o != nil {
		return o, nil
	}
	return nil, meta.FieldErrors{meta.InternalFieldError(meta.NewPath(""),
		fmt.Errorf("cannot validate an update of %T from %T", new(T), old))}
}

// notSupported reports v outside valid, listing valid as given.
func notSupported[T ~string](p *meta.Path, v any, valid ...T) *meta.FieldError {
	s := make([]string, len(valid))
	for i, x := range valid {
		s[i] = string(x)
	}
	return meta.NotSupported(p, v, s)
}

// invalidEach turns the messages of a validation.Is* check into errors.
func invalidEach(p *meta.Path, v any, msgs []string) meta.FieldErrors {
	return validation.InvalidEach(p, v, msgs)
}

// goNames wraps a value so that it prints in messages with Go field names
// instead of JSON ones: Kubernetes validates its internal types, which
// have no JSON tags, so a duplicate taint prints as
// {"Key":"k","Value":"v","Effect":"NoSchedule","TimeAdded":null}.
type goNames struct{ v any }

func (g goNames) MarshalJSON() ([]byte, error) { return appendGoNames(nil, reflect.ValueOf(g.v)) }

var jsonMarshaler = reflect.TypeFor[json.Marshaler]()

func appendGoNames(b []byte, v reflect.Value) ([]byte, error) {
	if !v.IsValid() {
		return append(b, "null"...), nil
	}
	if v.Type().Implements(jsonMarshaler) || reflect.PointerTo(v.Type()).Implements(jsonMarshaler) && v.CanAddr() {
		j, err := json.Marshal(v.Interface())
		return append(b, j...), err
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return append(b, "null"...), nil
		}
		return appendGoNames(b, v.Elem())
	case reflect.Struct:
		b = append(b, '{')
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			if len(b) > 0 && b[len(b)-1] != '{' {
				b = append(b, ',')
			}
			b = strconv.AppendQuote(b, f.Name)
			b = append(b, ':')
			var err error
			if b, err = appendGoNames(b, v.Field(i)); err != nil {
				return b, err
			}
		}
		return append(b, '}'), nil
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return append(b, "null"...), nil
		}
		b = append(b, '[')
		for i := range v.Len() {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendGoNames(b, v.Index(i)); err != nil {
				return b, err
			}
		}
		return append(b, ']'), nil
	}
	j, err := json.Marshal(v.Interface())
	return append(b, j...), err
}

// Name rules of the core kinds, as Kubernetes applies them.
var (
	validatePodName            = validation.NameIsDNSSubdomain
	validateServiceName        = validation.NameIsDNS1035Label
	validateNodeName           = validation.NameIsDNSSubdomain
	validateNamespaceName      = validation.NameIsDNSLabel
	validateSecretName         = validation.NameIsDNSSubdomain
	validateConfigMapName      = validation.NameIsDNSSubdomain
	validateServiceAccountName = validation.NameIsDNSSubdomain
	validateClassName          = validation.NameIsDNSSubdomain
)

// ---------------------------------------------------------------------------
// Pods and pod templates

// podOptions are the differences between validating a pod and a template.
type podOptions struct {
	// resourceIsPod is set for pods: with hostNetwork, hostPort must then
	// equal containerPort (templates may leave it 0).
	resourceIsPod bool
	// podMeta is the pod's metadata, to check names derived from it; nil
	// for templates.
	podMeta *meta.ObjectMeta
}

// Validate checks a pod on create.
func (p *Pod) Validate() meta.FieldErrors {
	errs := validatePodMetadataAndSpec(p)
	if len(p.Spec.EphemeralContainers) > 0 {
		errs = append(errs, meta.Forbidden(specPath.Child("ephemeralContainers"), "cannot be set on create"))
	}
	if p.Spec.NodeName != "" && len(p.Spec.SchedulingGates) != 0 {
		errs = append(errs, meta.Forbidden(specPath.Child("nodeName"), "cannot be set until all schedulingGates have been cleared"))
	}
	return errs
}

func validatePodMetadataAndSpec(p *Pod) meta.FieldErrors {
	errs := validation.ValidateObjectMeta(&p.ObjectMeta, true, validatePodName, metadataPath)
	errs = append(errs, validatePodAnnotations(p.Annotations, &p.Spec, metadataPath.Child("annotations"))...)
	errs = append(errs, validatePodSpec(&p.Spec, specPath, podOptions{resourceIsPod: true, podMeta: &p.ObjectMeta})...)
	if p.Spec.ServiceAccountName == "" {
		for vi, v := range p.Spec.Volumes {
			if v.Projected == nil {
				continue
			}
			for si, src := range v.Projected.Sources {
				if src.ServiceAccountToken != nil {
					errs = append(errs, meta.Forbidden(specPath.Child("volumes").Index(vi).Child("projected", "sources").Index(si).Child("serviceAccountToken"),
						"must not be specified when serviceAccountName is not set"))
				}
			}
		}
	}
	if g := p.Spec.TerminationGracePeriodSeconds; g != nil {
		errs = append(errs, validation.ValidateNonnegativeField(*g, specPath.Child("terminationGracePeriodSeconds"))...)
	}
	errs = append(errs, validateImagesOnlyForPod(p.Spec.Containers, specPath.Child("containers"))...)
	errs = append(errs, validateImagesOnlyForPod(p.Spec.InitContainers, specPath.Child("initContainers"))...)
	return errs
}

// Pod annotations with a meaning validation checks.
const (
	// annotationMirrorPod marks a static pod's mirror, created by a kubelet.
	annotationMirrorPod = "kubernetes.io/config.mirror"
	// annotationPodDeletionCost orders the deletion of a ReplicaSet's pods.
	annotationPodDeletionCost = "controller.kubernetes.io/pod-deletion-cost"
)

// validatePodAnnotations checks the annotations of pods and templates that
// carry meaning: a mirror pod is bound to a node, and a deletion cost is a
// 32-bit integer without '+' or leading zeros.
func validatePodAnnotations(a map[string]string, spec *PodSpec, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if v, ok := a[annotationMirrorPod]; ok && spec.NodeName == "" {
		errs = append(errs, meta.Invalid(p.Key(annotationMirrorPod), v, "must set spec.nodeName if mirror pod annotation is set"))
	}
	if v, ok := a[annotationPodDeletionCost]; ok {
		valid := v != "" && (v[0] == '-' || v == "0" || '1' <= v[0] && v[0] <= '9')
		if _, err := strconv.ParseInt(v, 10, 32); err != nil || !valid {
			errs = append(errs, meta.Invalid(p.Key(annotationPodDeletionCost), v, "must be a 32bit integer"))
		}
	}
	return errs
}

// validateImagesOnlyForPod rejects images with surrounding white space in
// pods (templates tolerate them: some tools use " " as a placeholder).
func validateImagesOnlyForPod(cs []Container, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	for i := range cs {
		if img := cs[i].Image; len(img) != len(strings.TrimSpace(img)) {
			errs = append(errs, meta.Invalid(p.Index(i).Child("image"), img, "must not have leading or trailing whitespace"))
		}
	}
	return errs
}

// updatablePodSpecFields are listed in the message that rejects other pod
// changes, word for word as Kubernetes prints them.
var updatablePodSpecFields = []string{
	"`spec.containers[*].image`",
	"`spec.initContainers[*].image`",
	"`spec.activeDeadlineSeconds`",
	"`spec.tolerations` (only additions to existing tolerations)",
	"`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
}

// ValidateUpdate checks a pod update. A pod's spec is immutable except
// container and init container images, activeDeadlineSeconds (set, or
// lowered), added tolerations (and tolerationSeconds of existing ones),
// removed scheduling gates, terminationGracePeriodSeconds from negative to
// 1, and, while the pod is gated, additions to nodeSelector.
func (p *Pod) ValidateUpdate(old meta.Object) meta.FieldErrors {
	o, errs := oldAs[Pod](old)
	if errs != nil {
		return errs
	}
	errs = validation.ValidateObjectMetaUpdate(&p.ObjectMeta, &o.ObjectMeta, metadataPath)
	errs = append(errs, validatePodMetadataAndSpec(p)...)
	// A mirror pod stays a mirror pod, and a pod does not become one.
	oldMirror, wasMirror := o.Annotations[annotationMirrorPod]
	newMirror, isMirror := p.Annotations[annotationMirrorPod]
	mp := metadataPath.Child("annotations").Key(annotationMirrorPod)
	switch {
	case wasMirror && (!isMirror || newMirror != oldMirror):
		errs = append(errs, meta.Forbidden(mp, "may not remove or update mirror pod annotation"))
	case !wasMirror && isMirror:
		errs = append(errs, meta.Forbidden(mp, "may not add mirror pod annotation"))
	}

	cerrs, stop := validateContainerUpdates(p.Spec.Containers, o.Spec.Containers, specPath.Child("containers"))
	errs = append(errs, cerrs...)
	if stop {
		return errs
	}
	cerrs, stop = validateContainerUpdates(p.Spec.InitContainers, o.Spec.InitContainers, specPath.Child("initContainers"))
	errs = append(errs, cerrs...)
	if stop {
		return errs
	}

	adsPath := specPath.Child("activeDeadlineSeconds")
	if ads := p.Spec.ActiveDeadlineSeconds; ads != nil {
		if *ads < 0 || *ads > math.MaxInt32 {
			return append(errs, meta.Invalid(adsPath, *ads, validation.InclusiveRangeError(0, math.MaxInt32)))
		}
		if o.Spec.ActiveDeadlineSeconds != nil && *o.Spec.ActiveDeadlineSeconds < *ads {
			return append(errs, meta.Invalid(adsPath, *ads, "must be less than or equal to previous value"))
		}
	} else if o.Spec.ActiveDeadlineSeconds != nil {
		errs = append(errs, meta.Invalid(adsPath, p.Spec.ActiveDeadlineSeconds, "must not update from a positive integer to nil value"))
	}

	errs = append(errs, validateOnlyAddedTolerations(p.Spec.Tolerations, o.Spec.Tolerations, specPath.Child("tolerations"))...)
	errs = append(errs, validateOnlyDeletedSchedulingGates(p.Spec.SchedulingGates, o.Spec.SchedulingGates, specPath.Child("schedulingGates"))...)

	if validation.SemanticEqual(p.Spec, o.Spec) {
		return errs
	}
	// Replace what may change with the old values, then compare the rest.
	m := meta.DeepCopy(p.Spec)
	for i := range m.Containers {
		m.Containers[i].Image = o.Spec.Containers[i].Image
	}
	for i := range m.InitContainers {
		m.InitContainers[i].Image = o.Spec.InitContainers[i].Image
	}
	m.ActiveDeadlineSeconds = o.Spec.ActiveDeadlineSeconds
	m.SchedulingGates = o.Spec.SchedulingGates
	m.Tolerations = o.Spec.Tolerations
	if g := o.Spec.TerminationGracePeriodSeconds; g != nil && *g < 0 &&
		m.TerminationGracePeriodSeconds != nil && *m.TerminationGracePeriodSeconds == 1 {
		m.TerminationGracePeriodSeconds = g
	}
	if len(o.Spec.SchedulingGates) > 0 && !validation.SemanticEqual(m.NodeSelector, o.Spec.NodeSelector) {
		// A gated pod may gain node selector terms (its scheduler's
		// controller narrows placement before ungating).
		errs = append(errs, validateNodeSelectorOnlyAdditions(specPath.Child("nodeSelector"), m.NodeSelector, o.Spec.NodeSelector)...)
		m.NodeSelector = o.Spec.NodeSelector
	}
	if !validation.SemanticEqual(m, o.Spec) {
		errs = append(errs, meta.Forbidden(specPath, fmt.Sprintf("pod updates may not change fields other than %s\n%v",
			strings.Join(updatablePodSpecFields, ","), validation.Diff(o.Spec, m))))
	}
	return errs
}

func validateContainerUpdates(newCs, oldCs []Container, p *meta.Path) (meta.FieldErrors, bool) {
	if len(newCs) != len(oldCs) {
		return meta.FieldErrors{meta.Forbidden(p, "pod updates may not add or remove containers")}, true
	}
	var errs meta.FieldErrors
	for i := range newCs {
		img := newCs[i].Image
		if img == "" {
			errs = append(errs, meta.Required(p.Index(i).Child("image"), ""))
		}
		if len(strings.TrimSpace(img)) != len(img) {
			errs = append(errs, meta.Invalid(p.Index(i).Child("image"), img, "must not have leading or trailing whitespace"))
		}
	}
	return errs, false
}

func validateOnlyAddedTolerations(newTs, oldTs []Toleration, p *meta.Path) meta.FieldErrors {
	for _, ot := range oldTs {
		found := false
		for _, nt := range newTs {
			cmp := ot
			cmp.TolerationSeconds = nt.TolerationSeconds
			if validation.SemanticEqual(cmp, nt) {
				found = true
				break
			}
		}
		if !found {
			return meta.FieldErrors{meta.Forbidden(p, "existing toleration can not be modified except its tolerationSeconds")}
		}
	}
	return validateTolerations(newTs, p)
}

func validateOnlyDeletedSchedulingGates(newGates, oldGates []PodSchedulingGate, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	for i, g := range newGates {
		if !slices.ContainsFunc(oldGates, func(o PodSchedulingGate) bool { return o.Name == g.Name }) {
			errs = append(errs, meta.Forbidden(p.Index(i).Child("name"),
				fmt.Sprintf("only deletion is allowed, but found new scheduling gate '%s'", g.Name)))
		}
	}
	return errs
}

func validateNodeSelectorOnlyAdditions(p *meta.Path, newSel, oldSel map[string]string) meta.FieldErrors {
	var errs meta.FieldErrors
	for _, k := range sortedKeys(oldSel) {
		if nv, ok := newSel[k]; !ok {
			errs = append(errs, meta.Forbidden(p.Key(k), "field is immutable"))
		} else if nv != oldSel[k] {
			errs = append(errs, meta.Invalid(p.Key(k), nv, "field is immutable"))
		}
	}
	return errs
}

// ValidateStatusUpdate checks a write to the pod's status subresource: the
// metadata rules of an update, the nominated node's name, the pod and host
// IPs and the condition types.
func (p *Pod) ValidateStatusUpdate(old meta.Object) meta.FieldErrors {
	o, errs := oldAs[Pod](old)
	if errs != nil {
		return errs
	}
	errs = validation.ValidateObjectMetaUpdate(&p.ObjectMeta, &o.ObjectMeta, metadataPath)
	if n := p.Status.NominatedNodeName; n != "" {
		errs = append(errs, invalidEach(statusPath.Child("nominatedNodeName"), n, validateNodeName(n, false))...)
	}
	errs = append(errs, validatePodConditions(p.Status.Conditions, statusPath.Child("conditions"))...)
	errs = append(errs, validatePodIPs(p, o)...)
	errs = append(errs, validateHostIPs(p, o)...)
	return errs
}

func validatePodIPs(p, o *Pod) meta.FieldErrors {
	fp := statusPath.Child("podIPs")
	ips, oldIPs := podIPStrings(p.Status.PodIPs), podIPStrings(o.Status.PodIPs)
	errs := validateIPList(fp, ips, oldIPs, goNames{p.Status.PodIPs})
	hasIP, hasIPs := p.Status.PodIP != "", len(ips) > 0
	switch {
	case hasIP != hasIPs:
		errs = append(errs, meta.Invalid(fp, goNames{p.Status.PodIPs}, "podIP and podIPs must either both be set or both be unset"))
	case hasIPs && p.Status.PodIP != ips[0]:
		errs = append(errs, meta.Invalid(fp.Index(0).Child("ip"), ips[0], "must be equal to `podIP`"))
	}
	return errs
}

func validateHostIPs(p, o *Pod) meta.FieldErrors {
	if len(p.Status.HostIPs) == 0 {
		return nil
	}
	fp := statusPath.Child("hostIPs")
	var errs meta.FieldErrors
	if p.Status.HostIP != p.Status.HostIPs[0].IP {
		errs = append(errs, meta.Invalid(fp.Index(0).Child("ip"), p.Status.HostIPs[0].IP, "must be equal to `hostIP`"))
	}
	return append(errs, validateIPList(fp, hostIPStrings(p.Status.HostIPs), hostIPStrings(o.Status.HostIPs), goNames{p.Status.HostIPs})...)
}

func podIPStrings(ips []PodIP) []string {
	s := make([]string, len(ips))
	for i, ip := range ips {
		s[i] = ip.IP
	}
	return s
}

func hostIPStrings(ips []HostIP) []string {
	s := make([]string, len(ips))
	for i, ip := range ips {
		s[i] = ip.IP
	}
	return s
}

// validateIPList checks a list of a pod's or host's IPs: new ones must be
// valid (stored ones are kept as they are), and two must be one of each
// family.
func validateIPList(p *meta.Path, ips, oldIPs []string, value any) meta.FieldErrors {
	var errs meta.FieldErrors
	for i, ip := range ips {
		if !slices.Contains(oldIPs, ip) {
			errs = append(errs, invalidEach(p.Index(i), ip, validation.IsValidIPForLegacyField(ip))...)
		}
	}
	if len(ips) > 1 && (len(ips) > 2 || !isDualStack(ips[0], ips[1])) {
		errs = append(errs, meta.Invalid(p, value, "may specify no more than one IP for each IP family"))
	}
	return errs
}

// isDualStack reports whether a and b are one IPv4 and one IPv6 address.
func isDualStack(a, b string) bool {
	ia, ib := net.ParseIP(a), net.ParseIP(b)
	if ia == nil || ib == nil {
		return false
	}
	return (ia.To4() == nil) != (ib.To4() == nil)
}

func validatePodConditions(conds []PodCondition, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	for i, c := range conds {
		if c.ObservedGeneration < 0 {
			errs = append(errs, meta.Invalid(p.Index(i).Child("observedGeneration"), c.ObservedGeneration, "must be a non-negative integer"))
		}
		switch c.Type {
		case PodScheduled, PodReady, PodInitialized:
			continue
		}
		errs = append(errs, validation.ValidateQualifiedName(string(c.Type), p.Index(i).Child("Type"))...)
	}
	return errs
}

// Validate checks a stored pod template on create.
func (t *PodTemplate) Validate() meta.FieldErrors {
	errs := validation.ValidateObjectMeta(&t.ObjectMeta, true, validatePodName, metadataPath)
	return append(errs, ValidatePodTemplateSpec(&t.Template, meta.NewPath("template"))...)
}

// ValidateUpdate checks a pod template update: any valid template may
// replace another.
func (t *PodTemplate) ValidateUpdate(old meta.Object) meta.FieldErrors {
	o, errs := oldAs[PodTemplate](old)
	if errs != nil {
		return errs
	}
	errs = validation.ValidateObjectMetaUpdate(&t.ObjectMeta, &o.ObjectMeta, metadataPath)
	return append(errs, ValidatePodTemplateSpec(&t.Template, meta.NewPath("template"))...)
}

// ValidatePodTemplateSpec checks the pod template of a workload
// (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob,
// PodTemplate) at path, usually "spec.template": its labels and
// annotations and its PodSpec as ValidatePodSpec does. Ephemeral containers
// are not allowed in templates. Workload kinds add their own rules (the
// selector must match the labels, the restart policy, ...).
//
// As in Kubernetes, label errors are reported at path.labels (not
// path.metadata.labels). The template is expected to be defaulted
// (PodTemplateSpec.Default).
func ValidatePodTemplateSpec(t *PodTemplateSpec, p *meta.Path) meta.FieldErrors {
	errs := validation.ValidateLabels(t.Labels, p.Child("labels"))
	errs = append(errs, validation.ValidateAnnotations(t.Annotations, p.Child("annotations"))...)
	errs = append(errs, validatePodAnnotations(t.Annotations, &t.Spec, p.Child("annotations"))...)
	errs = append(errs, validatePodSpec(&t.Spec, p.Child("spec"), podOptions{})...)
	if len(t.Spec.EphemeralContainers) > 0 {
		errs = append(errs, meta.Forbidden(p.Child("spec", "ephemeralContainers"), "ephemeral containers not allowed in pod template"))
	}
	return errs
}

// ValidatePodSpec checks a PodSpec at path with the rules of a pod template
// (hostPort may be left 0 with hostNetwork). Pod.Validate applies the
// stricter rules of pods.
func ValidatePodSpec(spec *PodSpec, p *meta.Path) meta.FieldErrors {
	return validatePodSpec(spec, p, podOptions{})
}

func validatePodSpec(spec *PodSpec, p *meta.Path, opts podOptions) meta.FieldErrors {
	var errs meta.FieldErrors
	if spec.TerminationGracePeriodSeconds == nil {
		errs = append(errs, meta.Required(p.Child("terminationGracePeriodSeconds"), ""))
	}
	grace := spec.TerminationGracePeriodSeconds
	hostUsers := spec.HostUsers == nil || *spec.HostUsers

	var vols map[string]*VolumeSource
	var verrs meta.FieldErrors
	if len(spec.Volumes) > 0 {
		vols, verrs = validateVolumes(spec.Volumes, opts.podMeta, p.Child("volumes"))
	}
	errs = append(errs, verrs...)
	claimNames := map[string]bool{}
	for _, c := range spec.ResourceClaims {
		if c.Name != "" {
			claimNames[c.Name] = true
		}
	}
	if len(spec.ResourceClaims) > 0 {
		errs = append(errs, validatePodResourceClaims(spec.ResourceClaims, p.Child("resourceClaims"))...)
	}
	cctx := &containerContext{vols: vols, claims: claimNames, grace: grace, os: spec.OS,
		restartPolicy: spec.RestartPolicy, hostUsers: hostUsers}
	errs = append(errs, validateContainers(spec.Containers, cctx, p.Child("containers"))...)
	if len(spec.InitContainers) > 0 {
		errs = append(errs, validateInitContainers(spec.InitContainers, spec.Containers, cctx, p.Child("initContainers"))...)
	}
	if len(spec.EphemeralContainers) > 0 {
		errs = append(errs, validateEphemeralContainers(spec.EphemeralContainers, spec.Containers, spec.InitContainers, cctx, p.Child("ephemeralContainers"))...)
	}
	errs = append(errs, validatePodResources(spec, claimNames, p)...)
	errs = append(errs, validatePodHostNetworkDeps(spec, p, opts)...)
	errs = append(errs, validateRestartPolicy(spec.RestartPolicy, p.Child("restartPolicy"))...)
	errs = append(errs, validateDNSPolicy(spec.DNSPolicy, p.Child("dnsPolicy"))...)
	if len(spec.NodeSelector) > 0 {
		errs = append(errs, validation.ValidateLabels(spec.NodeSelector, p.Child("nodeSelector"))...)
	}
	if spec.SecurityContext != nil {
		errs = append(errs, validatePodSecurityContext(spec.SecurityContext, spec, p.Child("securityContext"))...)
	}
	if spec.ShareProcessNamespace != nil && *spec.ShareProcessNamespace && spec.HostPID {
		errs = append(errs, meta.Invalid(p.Child("shareProcessNamespace"), *spec.ShareProcessNamespace, "ShareProcessNamespace and HostPID cannot both be enabled"))
	}
	if spec.Affinity != nil {
		errs = append(errs, validateAffinity(spec.Affinity, p.Child("affinity"))...)
	}
	if spec.DNSConfig != nil || spec.DNSPolicy == DNSNone {
		errs = append(errs, validatePodDNSConfig(spec.DNSConfig, spec.DNSPolicy, p.Child("dnsConfig"))...)
	}
	for i, g := range spec.ReadinessGates {
		errs = append(errs, validation.ValidateQualifiedName(string(g.ConditionType), p.Child("readinessGates").Index(i).Child("conditionType"))...)
	}
	if len(spec.SchedulingGates) > 0 {
		errs = append(errs, validateSchedulingGates(spec.SchedulingGates, p.Child("schedulingGates"))...)
	}
	if len(spec.TopologySpreadConstraints) > 0 {
		errs = append(errs, validateTopologySpreadConstraints(spec.TopologySpreadConstraints, p.Child("topologySpreadConstraints"))...)
	}
	errs = append(errs, validateHostUsers(spec, p)...)
	errs = append(errs, validatePodHostnameOverride(spec, p)...)
	if spec.ServiceAccountName != "" {
		errs = append(errs, invalidEach(p.Child("serviceAccountName"), spec.ServiceAccountName, validateServiceAccountName(spec.ServiceAccountName, false))...)
	}
	// serviceAccount is the deprecated alias of serviceAccountName; when
	// both are given they must agree.
	if d := spec.DeprecatedServiceAccount; d != "" && spec.ServiceAccountName != "" && d != spec.ServiceAccountName {
		errs = append(errs, meta.Invalid(p.Child("deprecatedServiceAccount"), d, fmt.Sprintf("must be the same as serviceAccountName: %q", spec.ServiceAccountName)))
	}
	if spec.NodeName != "" {
		errs = append(errs, invalidEach(p.Child("nodeName"), spec.NodeName, validateNodeName(spec.NodeName, false))...)
	}
	if ads := spec.ActiveDeadlineSeconds; ads != nil && (*ads < 1 || *ads > math.MaxInt32) {
		errs = append(errs, meta.Invalid(p.Child("activeDeadlineSeconds"), *ads, validation.InclusiveRangeError(1, math.MaxInt32)))
	}
	if spec.Hostname != "" {
		errs = append(errs, validation.ValidateDNS1123Label(spec.Hostname, p.Child("hostname"))...)
	}
	if spec.Subdomain != "" {
		errs = append(errs, validation.ValidateDNS1123Label(spec.Subdomain, p.Child("subdomain"))...)
	}
	if len(spec.Tolerations) > 0 {
		errs = append(errs, validateTolerations(spec.Tolerations, p.Child("tolerations"))...)
	}
	for i, ha := range spec.HostAliases {
		hp := p.Child("hostAliases").Index(i)
		errs = append(errs, invalidEach(hp.Child("ip"), ha.IP, validation.IsValidIPForLegacyField(ha.IP))...)
		for j, h := range ha.Hostnames {
			errs = append(errs, validation.ValidateDNS1123Subdomain(h, hp.Child("hostnames").Index(j))...)
		}
	}
	if spec.PriorityClassName != "" {
		errs = append(errs, invalidEach(p.Child("priorityClassName"), spec.PriorityClassName, validation.NameIsDNSSubdomain(spec.PriorityClassName, false))...)
	}
	if spec.RuntimeClassName != nil {
		errs = append(errs, invalidEach(p.Child("runtimeClassName"), *spec.RuntimeClassName, validation.NameIsDNSSubdomain(*spec.RuntimeClassName, false))...)
	}
	if pp := spec.PreemptionPolicy; pp != nil {
		errs = append(errs, ValidatePreemptionPolicy(*pp, p.Child("preemptionPolicy"))...)
	}
	if spec.Overhead != nil {
		errs = append(errs, validateResourceRequirements(&ResourceRequirements{Limits: spec.Overhead}, ValidateContainerResourceName, nil, p.Child("overhead"))...)
	}
	if spec.OS != nil {
		errs = append(errs, validateOS(spec, p)...)
	}
	errs = append(errs, validateFileKeyRefVolumes(spec, p)...)
	return errs
}

// ValidatePreemptionPolicy checks a preemption policy (pods and
// PriorityClasses): PreemptLowerPriority or Never.
func ValidatePreemptionPolicy(pp PreemptionPolicy, p *meta.Path) meta.FieldErrors {
	switch pp {
	case PreemptLowerPriority, PreemptNever:
		return nil
	case "":
		return meta.FieldErrors{meta.Required(p, "")}
	}
	return meta.FieldErrors{notSupported(p, pp, PreemptLowerPriority, PreemptNever)}
}

func validateRestartPolicy(rp RestartPolicy, p *meta.Path) meta.FieldErrors {
	switch rp {
	case RestartPolicyAlways, RestartPolicyOnFailure, RestartPolicyNever:
		return nil
	case "":
		return meta.FieldErrors{meta.Required(p, "")}
	}
	return meta.FieldErrors{notSupported(p, rp, RestartPolicyAlways, RestartPolicyOnFailure, RestartPolicyNever)}
}

func validateDNSPolicy(dp DNSPolicy, p *meta.Path) meta.FieldErrors {
	switch dp {
	case DNSClusterFirstWithHostNet, DNSClusterFirst, DNSDefault, DNSNone:
		return nil
	case "":
		return meta.FieldErrors{meta.Required(p, "")}
	}
	return meta.FieldErrors{notSupported(p, dp, DNSClusterFirstWithHostNet, DNSClusterFirst, DNSDefault, DNSNone)}
}

// Limits of a pod's DNS configuration (from the C library's resolver).
const (
	maxDNSNameservers     = 3
	maxDNSSearchPaths     = 32
	maxDNSSearchListChars = 2048
)

func validatePodDNSConfig(c *PodDNSConfig, policy DNSPolicy, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if policy == DNSNone {
		if c == nil {
			return meta.FieldErrors{meta.Required(p, "must provide `dnsConfig` when `dnsPolicy` is None")}
		}
		if len(c.Nameservers) == 0 {
			return meta.FieldErrors{meta.Required(p.Child("nameservers"), "must provide at least one DNS nameserver when `dnsPolicy` is None")}
		}
	}
	if c == nil {
		return nil
	}
	if len(c.Nameservers) > maxDNSNameservers {
		errs = append(errs, meta.Invalid(p.Child("nameservers"), c.Nameservers, fmt.Sprintf("must not have more than %v nameservers", maxDNSNameservers)))
	}
	for i, ns := range c.Nameservers {
		errs = append(errs, invalidEach(p.Child("nameservers").Index(i), ns, validation.IsValidIPForLegacyField(ns))...)
	}
	if len(c.Searches) > maxDNSSearchPaths {
		errs = append(errs, meta.Invalid(p.Child("searches"), c.Searches, fmt.Sprintf("must not have more than %v search paths", maxDNSSearchPaths)))
	}
	if len(strings.Join(c.Searches, " ")) > maxDNSSearchListChars {
		errs = append(errs, meta.Invalid(p.Child("searches"), c.Searches, fmt.Sprintf("must not have more than %v characters (including spaces) in the search list", maxDNSSearchListChars)))
	}
	for i, s := range c.Searches {
		if s == "." {
			continue
		}
		s = strings.TrimSuffix(s, ".")
		errs = append(errs, invalidEach(p.Child("searches").Index(i), s, isDNS1123SubdomainWithUnderscore(s))...)
	}
	for i, o := range c.Options {
		if o.Name == "" {
			errs = append(errs, meta.Required(p.Child("options").Index(i), "must not be empty"))
		}
	}
	return errs
}

const (
	dns1123SubdomainWithUnderscoreFmt = `_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?(\._?[a-z0-9]([-_a-z0-9]*[a-z0-9])?)*`
	dns1123SubdomainWithUnderscoreMsg = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', '-' or '.', and must start and end with an alphanumeric character"
)

var dns1123SubdomainWithUnderscoreRE = regexp.MustCompile("^" + dns1123SubdomainWithUnderscoreFmt + "$")

// isDNS1123SubdomainWithUnderscore checks DNS search domains, which may
// contain '_' (SRV-style names).
func isDNS1123SubdomainWithUnderscore(s string) []string {
	var msgs []string
	if len(s) > validation.DNS1123SubdomainMaxLength {
		msgs = append(msgs, validation.MaxLenError(validation.DNS1123SubdomainMaxLength))
	}
	if !dns1123SubdomainWithUnderscoreRE.MatchString(s) {
		msgs = append(msgs, validation.RegexError(dns1123SubdomainWithUnderscoreMsg, dns1123SubdomainWithUnderscoreFmt, "example.com"))
	}
	return msgs
}

func validatePodHostNetworkDeps(spec *PodSpec, p *meta.Path, opts podOptions) meta.FieldErrors {
	if !spec.HostNetwork {
		return nil
	}
	var errs meta.FieldErrors
	for i, c := range spec.Containers {
		for j, port := range c.Ports {
			// A pod's hostPort was defaulted to containerPort; a template
			// may leave it 0.
			if (opts.resourceIsPod || port.HostPort != 0) && port.HostPort != port.ContainerPort {
				errs = append(errs, meta.Invalid(p.Child("containers").Index(i).Child("ports").Index(j).Child("hostPort"),
					port.HostPort, "must match `containerPort` when `hostNetwork` is true"))
			}
		}
	}
	return errs
}

func validateSchedulingGates(gates []PodSchedulingGate, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	seen := map[string]bool{}
	for i, g := range gates {
		errs = append(errs, validation.ValidateQualifiedName(g.Name, p.Index(i))...)
		if seen[g.Name] {
			errs = append(errs, meta.Duplicate(p.Index(i), g.Name))
		}
		seen[g.Name] = true
	}
	return errs
}

func validateHostUsers(spec *PodSpec, p *meta.Path) meta.FieldErrors {
	if spec.HostUsers == nil || *spec.HostUsers {
		return nil
	}
	// A user namespace does not combine with the host's other namespaces.
	var errs meta.FieldErrors
	if spec.HostNetwork {
		errs = append(errs, meta.Forbidden(p.Child("hostNetwork"), "when `hostUsers` is false"))
	}
	if spec.HostPID {
		errs = append(errs, meta.Forbidden(p.Child("HostPID"), "when `hostUsers` is false"))
	}
	if spec.HostIPC {
		errs = append(errs, meta.Forbidden(p.Child("HostIPC"), "when `hostUsers` is false"))
	}
	visitContainers(spec, p, func(c *Container, cp *meta.Path) {
		if len(c.VolumeDevices) > 0 {
			errs = append(errs, meta.Forbidden(cp.Child("volumeDevices"), "when `hostUsers` is false"))
		}
	})
	return errs
}

func validatePodHostnameOverride(spec *PodSpec, p *meta.Path) meta.FieldErrors {
	h := spec.HostnameOverride
	if h == nil {
		return nil
	}
	var errs meta.FieldErrors
	hp := p.Child("hostnameOverride")
	if spec.SetHostnameAsFQDN != nil && *spec.SetHostnameAsFQDN {
		errs = append(errs, meta.Forbidden(hp, "may not be specified when setHostnameAsFQDN is true"))
	}
	if spec.HostNetwork {
		errs = append(errs, meta.Forbidden(hp, "may not be specified when hostNetwork is true"))
	}
	if len(*h) > 64 {
		errs = append(errs, meta.TooLong(hp, 64))
	}
	return append(errs, validation.ValidateDNS1123Subdomain(*h, hp)...)
}

// visitContainers calls fn for every init, regular and ephemeral
// container with its path, in that order.
func visitContainers(spec *PodSpec, p *meta.Path, fn func(*Container, *meta.Path)) {
	for i := range spec.InitContainers {
		fn(&spec.InitContainers[i], p.Child("initContainers").Index(i))
	}
	for i := range spec.Containers {
		fn(&spec.Containers[i], p.Child("containers").Index(i))
	}
	for i := range spec.EphemeralContainers {
		fn((*Container)(&spec.EphemeralContainers[i].EphemeralContainerCommon), p.Child("ephemeralContainers").Index(i))
	}
}

func validateFileKeyRefVolumes(spec *PodSpec, p *meta.Path) meta.FieldErrors {
	used := false
	visit := func(cs []Container) {
		for i := range cs {
			for _, env := range cs[i].Env {
				used = used || env.ValueFrom != nil && env.ValueFrom.FileKeyRef != nil
			}
		}
	}
	visit(spec.InitContainers)
	visit(spec.Containers)
	for i := range spec.EphemeralContainers {
		for _, env := range spec.EphemeralContainers[i].Env {
			used = used || env.ValueFrom != nil && env.ValueFrom.FileKeyRef != nil
		}
	}
	if !used {
		return nil
	}
	var errs meta.FieldErrors
	visitContainers(spec, p, func(c *Container, cp *meta.Path) {
		for j, env := range c.Env {
			if env.ValueFrom == nil || env.ValueFrom.FileKeyRef == nil {
				continue
			}
			name := env.ValueFrom.FileKeyRef.VolumeName
			np := cp.Child("env").Index(j).Child("valueFrom", "fileKeyRef", "volumeName")
			i := slices.IndexFunc(spec.Volumes, func(v Volume) bool { return v.Name == name })
			switch {
			case i < 0:
				errs = append(errs, meta.NotFound(np, name))
			case spec.Volumes[i].EmptyDir == nil:
				errs = append(errs, meta.Invalid(np, name, "referenced volume must be of type emptyDir"))
			}
		}
	})
	return errs
}

func validateOS(spec *PodSpec, p *meta.Path) meta.FieldErrors {
	op := p.Child("os")
	switch spec.OS.Name {
	case Linux:
		var errs meta.FieldErrors
		if sc := spec.SecurityContext; sc != nil && sc.WindowsOptions != nil {
			errs = append(errs, meta.Forbidden(p.Child("securityContext", "windowsOptions"), "windows options cannot be set for a linux pod"))
		}
		visitContainers(spec, p, func(c *Container, cp *meta.Path) {
			if sc := c.SecurityContext; sc != nil && sc.WindowsOptions != nil {
				errs = append(errs, meta.Forbidden(cp.Child("securityContext", "windowsOptions"), "windows options cannot be set for a linux pod"))
			}
		})
		return errs
	case Windows:
		// The Linux-only fields Kubernetes forbids for Windows pods are not
		// checked here.
		return nil
	case "":
		return meta.FieldErrors{meta.Required(op.Child("name"), "")}
	}
	return meta.FieldErrors{notSupported(op.Child("name"), spec.OS.Name, Linux, Windows)}
}

// ---------------------------------------------------------------------------
// Containers

// containerContext is what container checks need from the pod spec.
type containerContext struct {
	vols          map[string]*VolumeSource
	claims        map[string]bool
	grace         *int64
	os            *PodOS
	restartPolicy RestartPolicy
	hostUsers     bool
}

func validateContainers(cs []Container, cc *containerContext, p *meta.Path) meta.FieldErrors {
	if len(cs) == 0 {
		return meta.FieldErrors{meta.Required(p, "")}
	}
	var errs meta.FieldErrors
	names := map[string]bool{}
	for i := range cs {
		c := &cs[i]
		cp := p.Index(i)
		errs = append(errs, validateContainerCommon(c, cc, cp)...)
		if names[c.Name] {
			errs = append(errs, meta.Duplicate(cp.Child("name"), c.Name))
		}
		names[c.Name] = true
		errs = append(errs, validateLifecycleAndProbes(c, cc, cp)...)
		errs = append(errs, validateContainerRestartPolicy(c.RestartPolicy, c.RestartPolicyRules, cp)...)
	}
	return append(errs, checkHostPortConflicts(cs, p)...)
}

func validateInitContainers(cs, regular []Container, cc *containerContext, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	names := map[string]bool{}
	for _, c := range regular {
		names[c.Name] = true
	}
	const notSidecar = "may not be set for init containers without restartPolicy=Always"
	for i := range cs {
		c := &cs[i]
		cp := p.Index(i)
		errs = append(errs, validateContainerCommon(c, cc, cp)...)
		errs = append(errs, validateInitContainerRestartPolicy(c.RestartPolicy, c.RestartPolicyRules, cp)...)
		sidecar := c.RestartPolicy != nil && *c.RestartPolicy == ContainerRestartPolicyAlways
		if names[c.Name] {
			errs = append(errs, meta.Duplicate(cp.Child("name"), c.Name))
		} else if c.Name != "" {
			names[c.Name] = true
		}
		// Init containers run one at a time, so their host ports only
		// conflict within one container.
		errs = append(errs, checkHostPortConflicts(cs[i:i+1], p)...)
		if sidecar {
			errs = append(errs, validateLifecycleAndProbes(c, cc, cp)...)
		} else {
			if c.Lifecycle != nil {
				errs = append(errs, meta.Forbidden(cp.Child("lifecycle"), notSidecar))
			}
			if c.LivenessProbe != nil {
				errs = append(errs, meta.Forbidden(cp.Child("livenessProbe"), notSidecar))
			}
			if c.ReadinessProbe != nil {
				errs = append(errs, meta.Forbidden(cp.Child("readinessProbe"), notSidecar))
			}
			if c.StartupProbe != nil {
				errs = append(errs, meta.Forbidden(cp.Child("startupProbe"), notSidecar))
			}
			for j, rp := range c.ResizePolicy {
				if rp.RestartPolicy == RestartContainer {
					errs = append(errs, meta.Invalid(cp.Child("resizePolicy").Index(j).Child("restartPolicy"), rp.RestartPolicy,
						"must not be set to 'RestartContainer' for non-sidecar initContainers"))
				}
			}
		}
	}
	return errs
}

// allowedEphemeralContainerFields are the Container fields an ephemeral
// (debug) container may set; the others affect the pod's lifecycle.
var allowedEphemeralContainerFields = map[string]bool{
	"name": true, "image": true, "command": true, "args": true, "workingDir": true,
	"envFrom": true, "env": true, "volumeMounts": true, "volumeDevices": true,
	"terminationMessagePath": true, "terminationMessagePolicy": true, "imagePullPolicy": true,
	"securityContext": true, "stdin": true, "stdinOnce": true, "tty": true,
}

func validateEphemeralContainers(ecs []EphemeralContainer, cs, ics []Container, cc *containerContext, p *meta.Path) meta.FieldErrors {
	if len(ecs) == 0 {
		return nil
	}
	var errs meta.FieldErrors
	others, all := map[string]bool{}, map[string]bool{}
	for _, c := range cs {
		others[c.Name], all[c.Name] = true, true
	}
	for _, c := range ics {
		others[c.Name], all[c.Name] = true, true
	}
	for i := range ecs {
		ec := &ecs[i]
		cp := p.Index(i)
		c := (*Container)(&ec.EphemeralContainerCommon)
		errs = append(errs, validateContainerCommon(c, cc, cp)...)
		if len(c.Image) != len(strings.TrimSpace(c.Image)) {
			errs = append(errs, meta.Invalid(cp.Child("image"), c.Image, "must not have leading or trailing whitespace"))
		}
		if all[ec.Name] {
			errs = append(errs, meta.Duplicate(cp.Child("name"), ec.Name))
		} else {
			all[ec.Name] = true
		}
		if ec.TargetContainerName != "" && !others[ec.TargetContainerName] {
			errs = append(errs, meta.NotFound(cp.Child("targetContainerName"), ec.TargetContainerName))
		}
		errs = append(errs, forbidSetFields(c, allowedEphemeralContainerFields, "cannot be set for an Ephemeral Container", cp)...)
		for j, vm := range ec.VolumeMounts {
			if vm.SubPath != "" {
				errs = append(errs, meta.Forbidden(cp.Child("volumeMounts").Index(j).Child("subPath"), "cannot be set for an Ephemeral Container"))
			}
			if vm.SubPathExpr != "" {
				errs = append(errs, meta.Forbidden(cp.Child("volumeMounts").Index(j).Child("subPathExpr"), "cannot be set for an Ephemeral Container"))
			}
		}
	}
	return errs
}

// forbidSetFields reports each field of c, by JSON name, that is set but not
// allowed.
func forbidSetFields(c *Container, allowed map[string]bool, detail string, p *meta.Path) meta.FieldErrors {
	raw, err := json.Marshal(c)
	if err != nil {
		return meta.FieldErrors{meta.InternalFieldError(p, err)}
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return meta.FieldErrors{meta.InternalFieldError(p, err)}
	}
	var errs meta.FieldErrors
	for _, name := range sortedKeys(fields) {
		if allowed[name] {
			continue
		}
		if v := string(fields[name]); v == "{}" || v == "null" || v == "[]" {
			continue // resources: {} is always encoded
		}
		errs = append(errs, meta.Forbidden(p.Child(name), detail))
	}
	return errs
}

func validateContainerCommon(c *Container, cc *containerContext, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if c.Name == "" {
		errs = append(errs, meta.Required(p.Child("name"), ""))
	} else {
		errs = append(errs, validation.ValidateDNS1123Label(c.Name, p.Child("name"))...)
	}
	if c.Image == "" {
		errs = append(errs, meta.Required(p.Child("image"), ""))
	}
	switch c.TerminationMessagePolicy {
	case TerminationMessageReadFile, TerminationMessageFallbackToLogsOnError:
	case "":
		errs = append(errs, meta.Required(p.Child("terminationMessagePolicy"), ""))
	default:
		errs = append(errs, notSupported(p.Child("terminationMessagePolicy"), c.TerminationMessagePolicy,
			TerminationMessageReadFile, TerminationMessageFallbackToLogsOnError))
	}
	// Paths are built only for fields that are set: validation runs on
	// every write, and most containers leave most fields empty.
	if len(c.Ports) > 0 {
		errs = append(errs, validateContainerPorts(c.Ports, p.Child("ports"))...)
	}
	if len(c.Env) > 0 {
		errs = append(errs, validateEnv(c.Env, p.Child("env"))...)
	}
	if len(c.EnvFrom) > 0 {
		errs = append(errs, validateEnvFrom(c.EnvFrom, p.Child("envFrom"))...)
	}
	if len(c.VolumeMounts) > 0 {
		errs = append(errs, validateVolumeMounts(c, cc.vols, p.Child("volumeMounts"))...)
	}
	if len(c.VolumeDevices) > 0 {
		errs = append(errs, validateVolumeDevices(c, cc.vols, p.Child("volumeDevices"))...)
	}
	errs = append(errs, validatePullPolicy(c.ImagePullPolicy, p.Child("imagePullPolicy"))...)
	if r := &c.Resources; len(r.Limits) > 0 || len(r.Requests) > 0 || len(r.Claims) > 0 {
		errs = append(errs, validateResourceRequirements(r, ValidateContainerResourceName, cc.claims, p.Child("resources"))...)
	}
	if len(c.ResizePolicy) > 0 {
		errs = append(errs, validateResizePolicy(c.ResizePolicy, cc.restartPolicy, p.Child("resizePolicy"))...)
	}
	if c.SecurityContext != nil {
		errs = append(errs, validateSecurityContext(c.SecurityContext, cc.hostUsers, p.Child("securityContext"))...)
	}
	return errs
}

func validatePullPolicy(pp PullPolicy, p *meta.Path) meta.FieldErrors {
	switch pp {
	case PullAlways, PullIfNotPresent, PullNever:
		return nil
	case "":
		return meta.FieldErrors{meta.Required(p, "")}
	}
	return meta.FieldErrors{notSupported(p, pp, PullAlways, PullIfNotPresent, PullNever)}
}

func validateResizePolicy(policies []ContainerResizePolicy, podRestart RestartPolicy, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	seen := map[ResourceName]bool{}
	for i, rp := range policies {
		if seen[rp.ResourceName] {
			errs = append(errs, meta.Duplicate(p.Index(i), rp.ResourceName))
		}
		seen[rp.ResourceName] = true
		switch rp.ResourceName {
		case ResourceCPU, ResourceMemory:
		case "":
			errs = append(errs, meta.Required(p, ""))
		default:
			errs = append(errs, notSupported(p, rp.ResourceName, ResourceCPU, ResourceMemory))
		}
		switch rp.RestartPolicy {
		case NotRequired, RestartContainer:
		case "":
			errs = append(errs, meta.Required(p, ""))
		default:
			errs = append(errs, notSupported(p, rp.RestartPolicy, NotRequired, RestartContainer))
		}
		if podRestart == RestartPolicyNever && rp.RestartPolicy != NotRequired {
			errs = append(errs, meta.Invalid(p, rp.RestartPolicy, "must be 'NotRequired' when pod `restartPolicy` is 'Never'"))
		}
	}
	return errs
}

// validateContainerRestartPolicy checks a regular container's restart
// policy and rules (ContainerRestartRules, on by default since 1.35).
func validateContainerRestartPolicy(policy *ContainerRestartPolicy, rules []ContainerRestartRule, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	rpPath := p.Child("restartPolicy")
	if policy == nil {
		if len(rules) == 0 {
			return nil
		}
		errs = append(errs, meta.Required(rpPath, "must specify restartPolicy when restart rules are used"))
	} else {
		switch *policy {
		case ContainerRestartPolicyAlways, ContainerRestartPolicyNever, ContainerRestartPolicyOnFailure:
		default:
			errs = append(errs, notSupported(rpPath, *policy, ContainerRestartPolicyAlways, ContainerRestartPolicyNever, ContainerRestartPolicyOnFailure))
		}
	}
	rulesPath := p.Child("restartPolicyRules")
	if len(rules) > 20 {
		errs = append(errs, meta.TooMany(rulesPath, len(rules), 20))
	}
	for i, r := range rules {
		rp := rulesPath.Index(i)
		if r.Action != ContainerRestartRuleActionRestart {
			errs = append(errs, notSupported(rp.Child("action"), r.Action, ContainerRestartRuleActionRestart))
		}
		if r.ExitCodes == nil {
			errs = append(errs, meta.Required(rp.Child("exitCodes"), "must be specified"))
			continue
		}
		switch r.ExitCodes.Operator {
		case ContainerRestartRuleOnExitCodesOpIn, ContainerRestartRuleOnExitCodesOpNotIn:
		default:
			errs = append(errs, notSupported(rp.Child("exitCodes", "operator"), r.ExitCodes.Operator,
				ContainerRestartRuleOnExitCodesOpIn, ContainerRestartRuleOnExitCodesOpNotIn))
		}
		if len(r.ExitCodes.Values) > 255 {
			errs = append(errs, meta.TooMany(rp.Child("exitCodes", "values"), len(r.ExitCodes.Values), 255))
		}
	}
	return errs
}

func validateInitContainerRestartPolicy(policy *ContainerRestartPolicy, rules []ContainerRestartRule, p *meta.Path) meta.FieldErrors {
	if policy == nil {
		if len(rules) > 0 {
			return meta.FieldErrors{meta.Required(p.Child("restartPolicy"), "must specify restartPolicy when restart rules are used")}
		}
		return nil
	}
	if *policy == ContainerRestartPolicyAlways {
		if len(rules) > 0 {
			return meta.FieldErrors{meta.Forbidden(p.Child("restartPolicyRules"), "restartPolicyRules are not allowed for init containers with restart policy Always")}
		}
		return nil
	}
	return validateContainerRestartPolicy(policy, rules, p)
}

func validateContainerPorts(ports []ContainerPort, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	names := map[string]bool{}
	for i, port := range ports {
		pp := p.Index(i)
		if port.Name != "" {
			if msgs := validation.IsValidPortName(port.Name); len(msgs) > 0 {
				errs = append(errs, invalidEach(pp.Child("name"), port.Name, msgs)...)
			} else if names[port.Name] {
				errs = append(errs, meta.Duplicate(pp.Child("name"), port.Name))
			} else {
				names[port.Name] = true
			}
		}
		if port.ContainerPort == 0 {
			errs = append(errs, meta.Required(pp.Child("containerPort"), ""))
		} else {
			errs = append(errs, invalidEach(pp.Child("containerPort"), port.ContainerPort, validation.IsValidPortNum(int(port.ContainerPort)))...)
		}
		if port.HostPort != 0 {
			errs = append(errs, invalidEach(pp.Child("hostPort"), port.HostPort, validation.IsValidPortNum(int(port.HostPort)))...)
		}
		errs = append(errs, validateProtocol(port.Protocol, pp.Child("protocol"))...)
	}
	return errs
}

func validateProtocol(proto Protocol, p *meta.Path) meta.FieldErrors {
	switch proto {
	case ProtocolTCP, ProtocolUDP, ProtocolSCTP:
		return nil
	case "":
		return meta.FieldErrors{meta.Required(p, "")}
	}
	return meta.FieldErrors{notSupported(p, proto, ProtocolSCTP, ProtocolTCP, ProtocolUDP)}
}

// checkHostPortConflicts reports a host port used twice (by protocol and
// host IP) among the containers.
func checkHostPortConflicts(cs []Container, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	seen := map[string]bool{}
	for ci, c := range cs {
		for pi, port := range c.Ports {
			if port.HostPort == 0 {
				continue
			}
			key := fmt.Sprintf("%s/%s/%d", port.Protocol, port.HostIP, port.HostPort)
			if seen[key] {
				errs = append(errs, meta.Duplicate(p.Index(ci).Child("ports").Index(pi).Child("hostPort"), key))
			}
			seen[key] = true
		}
	}
	return errs
}

func validateEnv(vars []EnvVar, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	for i, ev := range vars {
		ip := p.Index(i)
		if ev.Name == "" {
			errs = append(errs, meta.Required(ip.Child("name"), ""))
		} else {
			errs = append(errs, invalidEach(ip.Child("name"), ev.Name, validation.IsRelaxedEnvVarName(ev.Name))...)
		}
		errs = append(errs, validateEnvVarValueFrom(&ev, ip.Child("valueFrom"))...)
	}
	return errs
}

// Pod fields an environment variable or a downward API file may refer to.
var (
	envFieldPaths = []string{"metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName",
		"spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"}
	volumeFieldPaths   = []string{"metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid"}
	resourceFieldPaths = []string{"limits.cpu", "limits.ephemeral-storage", "limits.memory",
		"requests.cpu", "requests.ephemeral-storage", "requests.memory"}
)

func validateEnvVarValueFrom(ev *EnvVar, p *meta.Path) meta.FieldErrors {
	vf := ev.ValueFrom
	if vf == nil {
		return nil
	}
	var errs meta.FieldErrors
	n := 0
	if vf.FieldRef != nil {
		n++
		errs = append(errs, validateObjectFieldSelector(vf.FieldRef, envFieldPaths, p.Child("fieldRef"))...)
	}
	if vf.ResourceFieldRef != nil {
		n++
		errs = append(errs, validateContainerResourceFieldSelector(vf.ResourceFieldRef, false, p.Child("resourceFieldRef"))...)
	}
	if vf.ConfigMapKeyRef != nil {
		n++
		errs = append(errs, validateKeySelector(vf.ConfigMapKeyRef.Name, vf.ConfigMapKeyRef.Key, p.Child("configMapKeyRef"))...)
	}
	if vf.SecretKeyRef != nil {
		n++
		errs = append(errs, validateKeySelector(vf.SecretKeyRef.Name, vf.SecretKeyRef.Key, p.Child("secretKeyRef"))...)
	}
	if vf.FileKeyRef != nil {
		n++
		errs = append(errs, validateFileKeySelector(vf.FileKeyRef, p.Child("fileKeyRef"))...)
	}
	switch {
	case n == 0:
		errs = append(errs, meta.Invalid(p, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef`, `secretKeyRef` or `fileKeyRef`"))
	case ev.Value != "":
		errs = append(errs, meta.Invalid(p, "", "may not be specified when `value` is not empty"))
	case n > 1:
		errs = append(errs, meta.Invalid(p, "", "may not have more than one field specified at a time"))
	}
	return errs
}

func validateObjectFieldSelector(fs *ObjectFieldSelector, allowed []string, p *meta.Path) meta.FieldErrors {
	if fs.APIVersion == "" {
		return meta.FieldErrors{meta.Required(p.Child("apiVersion"), "")}
	}
	if fs.FieldPath == "" {
		return meta.FieldErrors{meta.Required(p.Child("fieldPath"), "")}
	}
	if fs.APIVersion != "v1" {
		return meta.FieldErrors{meta.Invalid(p.Child("fieldPath"), fs.FieldPath,
			"error converting fieldPath: unsupported pod version: "+fs.APIVersion)}
	}
	fp := fs.FieldPath
	if fp == "spec.host" { // the old name of spec.nodeName
		fp = "spec.nodeName"
	}
	if base, sub, ok := splitSubscriptedPath(fp); ok {
		switch base {
		case "metadata.annotations":
			return validation.ValidateQualifiedName(strings.ToLower(sub), p)
		case "metadata.labels":
			return validation.ValidateQualifiedName(sub, p)
		}
		return meta.FieldErrors{meta.Invalid(p.Child("fieldPath"), fs.FieldPath,
			"error converting fieldPath: field label does not support subscript: "+fs.FieldPath)}
	}
	switch fp {
	case "metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid",
		"spec.nodeName", "spec.restartPolicy", "spec.serviceAccountName", "spec.schedulerName",
		"status.phase", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs":
	default:
		return meta.FieldErrors{meta.Invalid(p.Child("fieldPath"), fs.FieldPath,
			"error converting fieldPath: field label not supported: "+fs.FieldPath)}
	}
	if !slices.Contains(allowed, fp) {
		return meta.FieldErrors{meta.NotSupported(p.Child("fieldPath"), fp, allowed)}
	}
	return nil
}

// splitSubscriptedPath splits "metadata.labels['app']" into
// "metadata.labels" and "app".
func splitSubscriptedPath(fp string) (string, string, bool) {
	s, ok := strings.CutSuffix(fp, "']")
	if !ok {
		return fp, "", false
	}
	base, sub, ok := strings.Cut(s, "['")
	if !ok || base == "" {
		return fp, "", false
	}
	return base, sub, true
}

func validateContainerResourceFieldSelector(fs *ResourceFieldSelector, volume bool, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	switch {
	case volume && fs.ContainerName == "":
		errs = append(errs, meta.Required(p.Child("containerName"), ""))
	case fs.Resource == "":
		errs = append(errs, meta.Required(p.Child("resource"), ""))
	case !slices.Contains(resourceFieldPaths, fs.Resource) &&
		!strings.HasPrefix(fs.Resource, "limits.hugepages-") && !strings.HasPrefix(fs.Resource, "requests.hugepages-"):
		errs = append(errs, meta.NotSupported(p.Child("resource"), fs.Resource, resourceFieldPaths))
	}
	return append(errs, validateContainerResourceDivisor(fs.Resource, fs.Divisor, p)...)
}

var (
	cpuDivisors    = []string{"1m", "1"}
	memoryDivisors = []string{"1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei"}
)

func validateContainerResourceDivisor(rName string, divisor resource.Quantity, p *meta.Path) meta.FieldErrors {
	if divisor.IsZero() {
		return nil
	}
	d := divisor.String()
	dp := p.Child("divisor")
	var errs meta.FieldErrors
	switch rName {
	case "limits.cpu", "requests.cpu":
		if !slices.Contains(cpuDivisors, d) {
			errs = append(errs, meta.Invalid(dp, rName, "only divisor's values 1m and 1 are supported with the cpu resource"))
		}
	case "limits.memory", "requests.memory":
		if !slices.Contains(memoryDivisors, d) {
			errs = append(errs, meta.Invalid(dp, rName, "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the memory resource"))
		}
	case "limits.ephemeral-storage", "requests.ephemeral-storage":
		if !slices.Contains(memoryDivisors, d) {
			errs = append(errs, meta.Invalid(dp, rName, "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the local ephemeral storage resource"))
		}
	}
	if strings.HasPrefix(rName, "requests.hugepages-") || strings.HasPrefix(rName, "limits.hugepages-") {
		if !slices.Contains(memoryDivisors, d) {
			errs = append(errs, meta.Invalid(dp, rName, "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the hugepages resource"))
		}
	}
	return errs
}

// validateKeySelector checks a configMapKeyRef or secretKeyRef: the name
// must be a valid object name (even when empty, as in Kubernetes) and the
// key a valid key.
func validateKeySelector(name, key string, p *meta.Path) meta.FieldErrors {
	errs := invalidEach(p.Child("name"), name, validateSecretName(name, false))
	if key == "" {
		return append(errs, meta.Required(p.Child("key"), ""))
	}
	return append(errs, invalidEach(p.Child("key"), key, validation.IsConfigMapKey(key))...)
}

func validateFileKeySelector(s *FileKeySelector, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if s.Key == "" {
		errs = append(errs, meta.Required(p.Child("key"), ""))
	} else {
		errs = append(errs, invalidEach(p.Child("key"), s.Key, validation.IsRelaxedEnvVarName(s.Key))...)
	}
	if s.VolumeName == "" {
		errs = append(errs, meta.Required(p.Child("volumeName"), ""))
	} else {
		errs = append(errs, validation.ValidateDNS1123Label(s.VolumeName, p.Child("volumeName"))...)
	}
	if s.Path == "" {
		errs = append(errs, meta.Required(p.Child("path"), ""))
	} else {
		errs = append(errs, validatePathNoBacksteps(s.Path, p.Child("path"))...)
	}
	return errs
}

func validateEnvFrom(sources []EnvFromSource, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	for i, ev := range sources {
		ip := p.Index(i)
		if ev.Prefix != "" {
			errs = append(errs, invalidEach(ip.Child("prefix"), ev.Prefix, validation.IsRelaxedEnvVarName(ev.Prefix))...)
		}
		n := 0
		if ev.ConfigMapRef != nil {
			n++
			errs = append(errs, validateEnvFromName(ev.ConfigMapRef.Name, ip.Child("configMapRef"))...)
		}
		if ev.SecretRef != nil {
			n++
			errs = append(errs, validateEnvFromName(ev.SecretRef.Name, ip.Child("secretRef"))...)
		}
		switch {
		case n == 0:
			errs = append(errs, meta.Invalid(p, "", "must specify one of: `configMapRef` or `secretRef`"))
		case n > 1:
			errs = append(errs, meta.Invalid(p, "", "may not have more than one field specified at a time"))
		}
	}
	return errs
}

func validateEnvFromName(name string, p *meta.Path) meta.FieldErrors {
	if name == "" {
		return meta.FieldErrors{meta.Required(p.Child("name"), "")}
	}
	// Kubernetes checks these names as prefixes (a trailing '-' passes).
	return invalidEach(p.Child("name"), name, validateSecretName(name, true))
}

func validateVolumeMounts(c *Container, vols map[string]*VolumeSource, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	devices := map[string]string{}
	for _, d := range c.VolumeDevices {
		devices[d.Name] = d.DevicePath
	}
	mountPoints := map[string]bool{}
	for i, m := range c.VolumeMounts {
		ip := p.Index(i)
		if m.Name == "" {
			errs = append(errs, meta.Required(ip.Child("name"), ""))
		}
		if _, ok := vols[m.Name]; !ok {
			errs = append(errs, meta.NotFound(ip.Child("name"), m.Name))
		}
		if m.MountPath == "" {
			errs = append(errs, meta.Required(ip.Child("mountPath"), ""))
		}
		if mountPoints[m.MountPath] {
			errs = append(errs, meta.Invalid(ip.Child("mountPath"), m.MountPath, "must be unique"))
		}
		mountPoints[m.MountPath] = true
		if _, ok := devices[m.Name]; ok {
			errs = append(errs, meta.Invalid(ip.Child("name"), m.Name, "must not already exist in volumeDevices"))
		}
		for _, dp := range devices {
			if dp == m.MountPath {
				errs = append(errs, meta.Invalid(ip.Child("mountPath"), m.MountPath, "must not already exist as a path in volumeDevices"))
				break
			}
		}
		// Kubernetes reports these two at the list's path, not the item's.
		if m.SubPath != "" {
			errs = append(errs, validateLocalDescendingPath(m.SubPath, p.Child("subPath"))...)
		}
		if m.SubPathExpr != "" {
			if m.SubPath != "" {
				errs = append(errs, meta.Invalid(ip.Child("subPathExpr"), m.SubPathExpr, "subPathExpr and subPath are mutually exclusive"))
			}
			errs = append(errs, validateLocalDescendingPath(m.SubPathExpr, p.Child("subPathExpr"))...)
		}
		if m.MountPropagation != nil {
			errs = append(errs, validateMountPropagation(*m.MountPropagation, c, p.Child("mountPropagation"))...)
		}
		errs = append(errs, validateMountRecursiveReadOnly(&m, p.Child("recursiveReadOnly"))...)
	}
	return errs
}

func validateMountPropagation(mp MountPropagationMode, c *Container, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	switch mp {
	case MountPropagationBidirectional, MountPropagationHostToContainer, MountPropagationNone:
	default:
		errs = append(errs, notSupported(p, mp, MountPropagationBidirectional, MountPropagationHostToContainer, MountPropagationNone))
	}
	privileged := c.SecurityContext != nil && c.SecurityContext.Privileged != nil && *c.SecurityContext.Privileged
	if mp == MountPropagationBidirectional && !privileged {
		errs = append(errs, meta.Forbidden(p, "Bidirectional mount propagation is available only to privileged containers"))
	}
	return errs
}

func validateMountRecursiveReadOnly(m *VolumeMount, p *meta.Path) meta.FieldErrors {
	if m.RecursiveReadOnly == nil {
		return nil
	}
	var errs meta.FieldErrors
	switch *m.RecursiveReadOnly {
	case RecursiveReadOnlyDisabled:
	case RecursiveReadOnlyEnabled, RecursiveReadOnlyIfPossible:
		if !m.ReadOnly {
			errs = append(errs, meta.Forbidden(p, "may only be specified when readOnly is true"))
		}
		if m.MountPropagation != nil && *m.MountPropagation != MountPropagationNone {
			errs = append(errs, meta.Forbidden(p, "may only be specified when mountPropagation is None or not specified"))
		}
	default:
		errs = append(errs, notSupported(p, *m.RecursiveReadOnly, RecursiveReadOnlyDisabled, RecursiveReadOnlyEnabled, RecursiveReadOnlyIfPossible))
	}
	return errs
}

func validateVolumeDevices(c *Container, vols map[string]*VolumeSource, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	mounts := map[string]string{}
	for _, m := range c.VolumeMounts {
		mounts[m.Name] = m.MountPath
	}
	paths, names := map[string]bool{}, map[string]bool{}
	for i, d := range c.VolumeDevices {
		ip := p.Index(i)
		src, matched := vols[d.Name]
		if d.Name == "" {
			errs = append(errs, meta.Required(ip.Child("name"), ""))
		}
		if names[d.Name] {
			errs = append(errs, meta.Invalid(ip.Child("name"), d.Name, "must be unique"))
		}
		if matched && src.PersistentVolumeClaim == nil && src.Ephemeral == nil {
			errs = append(errs, meta.Invalid(ip.Child("name"), d.Name, "can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode"))
		}
		if !matched {
			errs = append(errs, meta.NotFound(ip.Child("name"), d.Name))
		}
		if d.DevicePath == "" {
			errs = append(errs, meta.Required(ip.Child("devicePath"), ""))
		}
		if paths[d.DevicePath] {
			errs = append(errs, meta.Invalid(ip.Child("devicePath"), d.DevicePath, "must be unique"))
		}
		if d.DevicePath != "" && len(validatePathNoBacksteps(d.DevicePath, ip)) > 0 {
			errs = append(errs, meta.Invalid(ip.Child("devicePath"), d.DevicePath, "can not contain backsteps ('..')"))
		} else {
			paths[d.DevicePath] = true
		}
		if _, ok := mounts[d.Name]; ok {
			errs = append(errs, meta.Invalid(ip.Child("name"), d.Name, "must not already exist in volumeMounts"))
		}
		for _, mp := range mounts {
			if mp == d.DevicePath {
				errs = append(errs, meta.Invalid(ip.Child("devicePath"), d.DevicePath, "must not already exist as a path in volumeMounts"))
				break
			}
		}
		if d.Name != "" {
			names[d.Name] = true
		}
	}
	return errs
}

func validatePodResourceClaims(claims []PodResourceClaim, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	seen := map[string]bool{}
	for i, c := range claims {
		ip := p.Index(i)
		switch {
		case c.Name == "":
			errs = append(errs, meta.Required(ip.Child("name"), ""))
		case seen[c.Name]:
			errs = append(errs, meta.Duplicate(ip.Child("name"), c.Name))
		default:
			errs = append(errs, validation.ValidateDNS1123Label(c.Name, ip.Child("name"))...)
			seen[c.Name] = true
		}
		switch {
		case c.ResourceClaimName != nil && c.ResourceClaimTemplateName != nil:
			errs = append(errs, meta.Invalid(ip, goNames{c}, "at most one of `resourceClaimName` or `resourceClaimTemplateName` may be specified"))
		case c.ResourceClaimName == nil && c.ResourceClaimTemplateName == nil:
			errs = append(errs, meta.Invalid(ip, goNames{c}, "must specify one of: `resourceClaimName`, `resourceClaimTemplateName`"))
		}
		if n := c.ResourceClaimName; n != nil {
			errs = append(errs, invalidEach(ip.Child("resourceClaimName"), *n, validation.NameIsDNSSubdomain(*n, false))...)
		}
		if n := c.ResourceClaimTemplateName; n != nil {
			errs = append(errs, invalidEach(ip.Child("resourceClaimTemplateName"), *n, validation.NameIsDNSSubdomain(*n, false))...)
		}
	}
	return errs
}

// ---------------------------------------------------------------------------
// Probes and lifecycle handlers

// validateLifecycleAndProbes checks the lifecycle handlers and probes of a
// regular or sidecar container.
func validateLifecycleAndProbes(c *Container, cc *containerContext, cp *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if c.Lifecycle != nil {
		errs = append(errs, validateLifecycle(c.Lifecycle, cc, cp.Child("lifecycle"))...)
	}
	if c.LivenessProbe != nil {
		errs = append(errs, validateLivenessProbe(c.LivenessProbe, cc.grace, cp.Child("livenessProbe"))...)
	}
	if c.ReadinessProbe != nil {
		errs = append(errs, validateReadinessProbe(c.ReadinessProbe, cc.grace, cp.Child("readinessProbe"))...)
	}
	if c.StartupProbe != nil {
		errs = append(errs, validateStartupProbe(c.StartupProbe, cc.grace, cp.Child("startupProbe"))...)
	}
	return errs
}

func validateLivenessProbe(pr *Probe, grace *int64, p *meta.Path) meta.FieldErrors {
	if pr == nil {
		return nil
	}
	errs := validateProbe(pr, grace, p)
	if pr.SuccessThreshold != 1 {
		errs = append(errs, meta.Invalid(p.Child("successThreshold"), pr.SuccessThreshold, "must be 1"))
	}
	return errs
}

func validateReadinessProbe(pr *Probe, grace *int64, p *meta.Path) meta.FieldErrors {
	if pr == nil {
		return nil
	}
	errs := validateProbe(pr, grace, p)
	if pr.TerminationGracePeriodSeconds != nil {
		errs = append(errs, meta.Invalid(p.Child("terminationGracePeriodSeconds"), pr.TerminationGracePeriodSeconds, "must not be set for readinessProbes"))
	}
	return errs
}

func validateStartupProbe(pr *Probe, grace *int64, p *meta.Path) meta.FieldErrors {
	if pr == nil {
		return nil
	}
	errs := validateProbe(pr, grace, p)
	if pr.SuccessThreshold != 1 {
		errs = append(errs, meta.Invalid(p.Child("successThreshold"), pr.SuccessThreshold, "must be 1"))
	}
	return errs
}

func validateProbe(pr *Probe, grace *int64, p *meta.Path) meta.FieldErrors {
	h := handler{exec: pr.Exec, httpGet: pr.HTTPGet, tcpSocket: pr.TCPSocket, grpc: pr.GRPC}
	errs := validateHandler(h, grace, p)
	errs = append(errs, validation.ValidateNonnegativeField(int64(pr.InitialDelaySeconds), p.Child("initialDelaySeconds"))...)
	errs = append(errs, validation.ValidateNonnegativeField(int64(pr.TimeoutSeconds), p.Child("timeoutSeconds"))...)
	errs = append(errs, validation.ValidateNonnegativeField(int64(pr.PeriodSeconds), p.Child("periodSeconds"))...)
	errs = append(errs, validation.ValidateNonnegativeField(int64(pr.SuccessThreshold), p.Child("successThreshold"))...)
	errs = append(errs, validation.ValidateNonnegativeField(int64(pr.FailureThreshold), p.Child("failureThreshold"))...)
	if g := pr.TerminationGracePeriodSeconds; g != nil && *g <= 0 {
		errs = append(errs, meta.Invalid(p.Child("terminationGracePeriodSeconds"), *g, "must be greater than 0"))
	}
	return errs
}

// handler is the union of probe and lifecycle handlers.
type handler struct {
	exec      *ExecAction
	httpGet   *HTTPGetAction
	tcpSocket *TCPSocketAction
	grpc      *GRPCAction
	sleep     *SleepAction
}

func validateHandler(h handler, grace *int64, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	n := 0
	one := func(set bool, name string, check func() meta.FieldErrors) {
		if !set {
			return
		}
		if n > 0 {
			errs = append(errs, meta.Forbidden(p.Child(name), "may not specify more than 1 handler type"))
			return
		}
		n++
		errs = append(errs, check()...)
	}
	one(h.exec != nil, "exec", func() meta.FieldErrors {
		if len(h.exec.Command) == 0 {
			return meta.FieldErrors{meta.Required(p.Child("exec", "command"), "")}
		}
		return nil
	})
	one(h.httpGet != nil, "httpGet", func() meta.FieldErrors { return validateHTTPGetAction(h.httpGet, p.Child("httpGet")) })
	one(h.tcpSocket != nil, "tcpSocket", func() meta.FieldErrors {
		return validation.ValidatePortNumOrName(h.tcpSocket.Port, p.Child("tcpSocket", "port"))
	})
	one(h.grpc != nil, "grpc", func() meta.FieldErrors {
		return validation.ValidatePortNumOrName(meta.FromInt(h.grpc.Port), p.Child("grpc", "port"))
	})
	one(h.sleep != nil, "sleep", func() meta.FieldErrors {
		// A nil grace period is reported elsewhere.
		if grace != nil && (h.sleep.Seconds < 0 || h.sleep.Seconds > *grace) {
			return meta.FieldErrors{meta.Invalid(p.Child("sleep"), h.sleep.Seconds,
				fmt.Sprintf("must be non-negative and less than terminationGracePeriodSeconds (%d)", *grace))}
		}
		return nil
	})
	if n == 0 {
		errs = append(errs, meta.Required(p, "must specify a handler type"))
	}
	return errs
}

func validateHTTPGetAction(h *HTTPGetAction, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if h.Path == "" {
		errs = append(errs, meta.Required(p.Child("path"), ""))
	}
	errs = append(errs, validation.ValidatePortNumOrName(h.Port, p.Child("port"))...)
	if h.Scheme != URISchemeHTTP && h.Scheme != URISchemeHTTPS {
		errs = append(errs, notSupported(p.Child("scheme"), h.Scheme, URISchemeHTTP, URISchemeHTTPS))
	}
	for _, hdr := range h.HTTPHeaders {
		errs = append(errs, invalidEach(p.Child("httpHeaders"), hdr.Name, validation.IsHTTPHeaderName(hdr.Name))...)
	}
	return errs
}

// linuxStopSignals are the signals a Linux container may be stopped with.
var linuxStopSignals = func() []Signal {
	names := strings.Fields("SIGABRT SIGALRM SIGBUS SIGCHLD SIGCLD SIGCONT SIGFPE SIGHUP SIGILL SIGINT SIGIO SIGIOT " +
		"SIGKILL SIGPIPE SIGPOLL SIGPROF SIGPWR SIGQUIT SIGSEGV SIGSTKFLT SIGSTOP SIGSYS SIGTERM SIGTRAP SIGTSTP " +
		"SIGTTIN SIGTTOU SIGURG SIGUSR1 SIGUSR2 SIGVTALRM SIGWINCH SIGXCPU SIGXFSZ SIGRTMIN")
	for i := 1; i <= 15; i++ {
		names = append(names, "SIGRTMIN+"+strconv.Itoa(i))
	}
	for i := 14; i >= 1; i-- {
		names = append(names, "SIGRTMAX-"+strconv.Itoa(i))
	}
	names = append(names, "SIGRTMAX")
	slices.Sort(names)
	s := make([]Signal, len(names))
	for i, n := range names {
		s[i] = Signal(n)
	}
	return s
}()

func validateLifecycle(l *Lifecycle, cc *containerContext, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	for _, h := range []struct {
		name string
		h    *LifecycleHandler
	}{{"postStart", l.PostStart}, {"preStop", l.PreStop}} {
		if h.h != nil {
			errs = append(errs, validateHandler(handler{exec: h.h.Exec, httpGet: h.h.HTTPGet, tcpSocket: h.h.TCPSocket, sleep: h.h.Sleep},
				cc.grace, p.Child(h.name))...)
		}
	}
	if sig := l.StopSignal; sig != nil {
		sp := p.Child("stopSignal")
		switch {
		case cc.os == nil:
			errs = append(errs, meta.Forbidden(sp, "may not be set for containers with empty `spec.os.name`"))
		case cc.os.Name == Windows:
			if *sig != "SIGKILL" && *sig != "SIGTERM" {
				errs = append(errs, notSupported(sp, *sig, Signal("SIGKILL"), Signal("SIGTERM")))
			}
		case cc.os.Name == Linux:
			if !slices.Contains(linuxStopSignals, *sig) {
				errs = append(errs, notSupported(sp, *sig, linuxStopSignals...))
			}
		}
	}
	return errs
}

// ---------------------------------------------------------------------------
// Resources

// Resource names the system knows without a domain prefix.
var standardResourceNames = []ResourceName{
	ResourceCPU, ResourceMemory, ResourceEphemeralStorage, ResourceRequestsCPU, ResourceRequestsMemory,
	ResourceRequestsEphemeralStorage, ResourceLimitsCPU, ResourceLimitsMemory, ResourceLimitsEphemeralStorage,
	ResourcePods, ResourceQuotas, ResourceServices, ResourceReplicationControllers, ResourceSecrets,
	ResourceConfigMaps, ResourcePersistentVolumeClaims, ResourceStorage, ResourceRequestsStorage,
	ResourceServicesNodePorts, ResourceServicesLoadBalancers,
}

// integerResourceNames are counted in whole units.
var integerResourceNames = []ResourceName{
	ResourcePods, ResourceQuotas, ResourceServices, ResourceReplicationControllers, ResourceSecrets,
	ResourceConfigMaps, ResourcePersistentVolumeClaims, ResourceServicesNodePorts, ResourceServicesLoadBalancers,
}

func isQuotaHugePages(n ResourceName) bool {
	return n.IsHugePages() || strings.HasPrefix(string(n), ResourceRequestsHugePagesPrefix)
}

// isNativeResource reports whether n is in the kubernetes.io domain
// (unprefixed names are).
func isNativeResource(n ResourceName) bool {
	return !strings.Contains(string(n), "/") || strings.Contains(string(n), ResourceDefaultNamespacePrefix)
}

// isExtendedResource reports whether n is a device plugin resource such as
// "nvidia.com/gpu".
func isExtendedResource(n ResourceName) bool {
	if isNativeResource(n) || strings.HasPrefix(string(n), DefaultResourceRequestsPrefix) {
		return false
	}
	return len(validation.IsQualifiedName(DefaultResourceRequestsPrefix+string(n))) == 0
}

// isOvercommitAllowed reports whether requests may be below limits for n:
// not for huge pages and extended resources.
func isOvercommitAllowed(n ResourceName) bool { return isNativeResource(n) && !n.IsHugePages() }

func isIntegerResource(n ResourceName) bool {
	return slices.Contains(integerResourceNames, n) || isExtendedResource(n)
}

func validateResourceName(n ResourceName, p *meta.Path) meta.FieldErrors {
	if errs := invalidEach(p, n, validation.IsQualifiedName(string(n))); len(errs) > 0 {
		return errs
	}
	if !strings.Contains(string(n), "/") && !slices.Contains(standardResourceNames, n) && !isQuotaHugePages(n) {
		return meta.FieldErrors{meta.Invalid(p, n, "must be a standard resource type or fully qualified")}
	}
	return nil
}

// ValidateContainerResourceName checks a resource name containers may
// request: cpu, memory, ephemeral-storage, huge pages, or an extended
// resource such as "example.com/gpu".
func ValidateContainerResourceName(n ResourceName, p *meta.Path) meta.FieldErrors {
	errs := validateResourceName(n, p)
	if !strings.Contains(string(n), "/") {
		if n != ResourceCPU && n != ResourceMemory && n != ResourceEphemeralStorage && !n.IsHugePages() {
			return append(errs, meta.Invalid(p, n, "must be a standard resource for containers"))
		}
	} else if !isNativeResource(n) && !isExtendedResource(n) {
		return append(errs, meta.Invalid(p, n, "doesn't follow extended resource name standard"))
	}
	return errs
}

func validatePodResourceName(n ResourceName, p *meta.Path) meta.FieldErrors {
	if errs := validateResourceName(n, p); len(errs) > 0 {
		return errs
	}
	if !isSupportedPodLevelResource(n) {
		return meta.FieldErrors{notSupported(p, n, ResourceCPU, ResourceName("hugepages-"), ResourceMemory)}
	}
	return nil
}

// ValidateResourceQuantityValue checks a quantity of resource n: not
// negative, and whole for resources counted in units (pods, services,
// extended resources, ...).
func ValidateResourceQuantityValue(n ResourceName, q resource.Quantity, p *meta.Path) meta.FieldErrors {
	errs := validation.ValidateNonnegativeQuantity(q, p)
	if isIntegerResource(n) && q.MilliValue()%1000 != 0 {
		errs = append(errs, meta.Invalid(p, q.String(), "must be an integer"))
	}
	return errs
}

// hugePagesDivisible reports whether q is a whole number of pages of the
// size in n ("hugepages-2Mi").
func hugePagesDivisible(n ResourceName, q resource.Quantity) bool {
	size, err := resource.ParseQuantity(strings.TrimPrefix(string(n), ResourceHugePagesPrefix))
	if err != nil || size.Sign() <= 0 || size.MilliValue()%1000 != 0 {
		return false
	}
	return q.Value()%size.Value() == 0
}

// validateResourceRequirements checks requests and limits: resource names,
// non-negative quantities, requests not above limits (and equal to them
// for huge pages and extended resources, which cannot be overcommitted),
// huge pages only with cpu or memory, and claims naming pod resource
// claims.
func validateResourceRequirements(r *ResourceRequirements, nameFn func(ResourceName, *meta.Path) meta.FieldErrors, claims map[string]bool, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	limPath, reqPath := p.Child("limits"), p.Child("requests")
	limCPUMem, reqCPUMem, limHuge, reqHuge := false, false, false, false
	for _, k := range sortedKeys(r.Limits) {
		n, q := ResourceName(k), r.Limits[ResourceName(k)]
		kp := limPath.Key(k)
		errs = append(errs, nameFn(n, kp)...)
		errs = append(errs, ValidateResourceQuantityValue(n, q, kp)...)
		if n.IsHugePages() {
			limHuge = true
			if !hugePagesDivisible(n, q) {
				errs = append(errs, meta.Invalid(kp, q.String(), fmt.Sprintf("%s is not positive integer multiple of %s", q.String(), n)))
			}
		}
		if n == ResourceCPU || n == ResourceMemory {
			limCPUMem = true
		}
	}
	for _, k := range sortedKeys(r.Requests) {
		n, q := ResourceName(k), r.Requests[ResourceName(k)]
		kp := reqPath.Key(k)
		errs = append(errs, nameFn(n, kp)...)
		errs = append(errs, ValidateResourceQuantityValue(n, q, kp)...)
		if lim, ok := r.Limits[n]; ok {
			if q.Cmp(lim) != 0 && !isOvercommitAllowed(n) {
				errs = append(errs, meta.Invalid(reqPath, q.String(), fmt.Sprintf("must be equal to %s limit of %s", n, lim.String())))
			} else if q.Cmp(lim) > 0 {
				errs = append(errs, meta.Invalid(reqPath, q.String(), fmt.Sprintf("must be less than or equal to %s limit of %s", n, lim.String())))
			}
		} else if !isOvercommitAllowed(n) {
			errs = append(errs, meta.Required(limPath, "Limit must be set for non overcommitable resources"))
		}
		if n.IsHugePages() {
			reqHuge = true
			if !hugePagesDivisible(n, q) {
				errs = append(errs, meta.Invalid(kp, q.String(), fmt.Sprintf("%s is not positive integer multiple of %s", q.String(), n)))
			}
		}
		if n == ResourceCPU || n == ResourceMemory {
			reqCPUMem = true
		}
	}
	if !limCPUMem && !reqCPUMem && (reqHuge || limHuge) {
		errs = append(errs, meta.Forbidden(p, "HugePages require cpu or memory"))
	}
	return append(errs, validateResourceClaimNames(r.Claims, claims, p.Child("claims"))...)
}

func validateResourceClaimNames(rcs []ResourceClaim, podClaims map[string]bool, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	seen := map[string]bool{}
	for i, c := range rcs {
		ip := p.Index(i)
		if c.Name == "" {
			errs = append(errs, meta.Required(ip, ""))
			continue
		}
		if seen[c.Name] {
			errs = append(errs, meta.Duplicate(ip, c.Name))
		} else {
			key := c.Name
			if c.Request != "" {
				errs = append(errs, validation.ValidateDNS1123Label(c.Request, ip.Child("request"))...)
				key += "/" + c.Request
			}
			if seen[key] {
				errs = append(errs, meta.Duplicate(ip, key))
			} else if c.Request == "" {
				for k := range seen {
					if before, _, ok := strings.Cut(k, "/"); ok && before == c.Name {
						errs = append(errs, meta.Duplicate(ip, c.Name))
					}
				}
			}
			seen[key] = true
		}
		if !podClaims[c.Name] {
			e := meta.NotFound(ip, c.Name)
			e.Detail = "must be one of the names in pod.spec.resourceClaims"
			if len(podClaims) == 0 {
				e.Detail += " which is empty"
			} else {
				e.Detail += ": " + strings.Join(sortedKeys(podClaims), ", ")
			}
			errs = append(errs, e)
		}
	}
	return errs
}

// validatePodResources checks pod-level spec.resources (PodLevelResources,
// on by default since 1.34): cpu, memory and huge pages only, and not below
// what the containers ask for in total.
func validatePodResources(spec *PodSpec, claims map[string]bool, p *meta.Path) meta.FieldErrors {
	r := spec.Resources
	if r == nil {
		return nil
	}
	rp := p.Child("resources")
	if spec.OS != nil && spec.OS.Name == Windows {
		return meta.FieldErrors{meta.Forbidden(rp, "may not be set for a windows pod")}
	}
	var errs meta.FieldErrors
	if r.Claims != nil {
		errs = append(errs, meta.Forbidden(rp.Child("claims"), "claims may not be set for Resources at pod-level"))
	}
	errs = append(errs, validateResourceRequirements(r, validatePodResourceName, claims, rp)...)
	pod := &Pod{Spec: *spec}
	pod.Spec.Resources, pod.Spec.Overhead = nil, nil
	aggReq := PodRequests(pod)
	for _, k := range sortedKeys(aggReq) {
		podReq, ok := r.Requests[ResourceName(k)]
		if !ok {
			continue
		}
		if ctr := aggReq[ResourceName(k)]; ctr.Cmp(podReq) > 0 {
			errs = append(errs, meta.Invalid(rp.Child("requests").Key(k), podReq.String(),
				fmt.Sprintf("must be greater than or equal to aggregate container requests of %s", ctr.String())))
		}
	}
	aggLim := PodLimits(pod)
	for _, k := range sortedKeys(aggLim) {
		n := ResourceName(k)
		podLim, ok := r.Limits[n]
		if !n.IsHugePages() || !ok {
			continue
		}
		if ctr := aggLim[n]; ctr.Cmp(podLim) > 0 {
			errs = append(errs, meta.Invalid(rp.Child("limits").Key(k), podLim.String(),
				fmt.Sprintf("must be greater than or equal to aggregate container limits of %s", ctr.String())))
		}
	}
	for i, c := range spec.Containers {
		for _, k := range sortedKeys(c.Resources.Limits) {
			podLim, ok := r.Limits[ResourceName(k)]
			if !ok {
				continue
			}
			if cl := c.Resources.Limits[ResourceName(k)]; cl.Cmp(podLim) > 0 {
				errs = append(errs, meta.Invalid(rp.Child("containers").Index(i).Key(k).Child("limits"), cl.String(),
					fmt.Sprintf("must be less than or equal to pod limits of %s", podLim.String())))
			}
		}
	}
	return errs
}

// sortedKeys returns a map's keys in order, for stable messages.
func sortedKeys[K ~string, V any](m map[K]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, string(k))
	}
	slices.Sort(keys)
	return keys
}

// ---------------------------------------------------------------------------
// Security contexts

func validateSecurityContext(sc *SecurityContext, hostUsers bool, p *meta.Path) meta.FieldErrors {
	if sc == nil {
		return nil
	}
	var errs meta.FieldErrors
	if sc.RunAsUser != nil {
		errs = append(errs, invalidEach(p.Child("runAsUser"), *sc.RunAsUser, validation.IsValidUserID(*sc.RunAsUser))...)
	}
	if sc.RunAsGroup != nil {
		errs = append(errs, invalidEach(p.Child("runAsGroup"), *sc.RunAsGroup, validation.IsValidGroupID(*sc.RunAsGroup))...)
	}
	if pm := sc.ProcMount; pm != nil {
		if *pm != DefaultProcMount && *pm != UnmaskedProcMount {
			errs = append(errs, notSupported(p.Child("procMount"), *pm, DefaultProcMount, UnmaskedProcMount))
		}
		if hostUsers && *pm == UnmaskedProcMount {
			errs = append(errs, meta.Invalid(p.Child("procMount"), *pm, "`hostUsers` must be false to use `Unmasked`"))
		}
	}
	errs = append(errs, validateSeccompProfile(sc.SeccompProfile, p.Child("seccompProfile"))...)
	if sc.AllowPrivilegeEscalation != nil && !*sc.AllowPrivilegeEscalation {
		if sc.Privileged != nil && *sc.Privileged {
			errs = append(errs, meta.Invalid(p, goNames{sc}, "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"))
		}
		if sc.Capabilities != nil && slices.Contains(sc.Capabilities.Add, "CAP_SYS_ADMIN") {
			errs = append(errs, meta.Invalid(p, goNames{sc}, "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN"))
		}
	}
	errs = append(errs, validateAppArmorProfile(sc.AppArmorProfile, p.Child("appArmorProfile"))...)
	return errs
}

func validatePodSecurityContext(sc *PodSecurityContext, spec *PodSpec, p *meta.Path) meta.FieldErrors {
	if sc == nil {
		return nil
	}
	var errs meta.FieldErrors
	if sc.FSGroup != nil {
		errs = append(errs, invalidEach(p.Child("fsGroup"), *sc.FSGroup, validation.IsValidGroupID(*sc.FSGroup))...)
	}
	if sc.RunAsUser != nil {
		errs = append(errs, invalidEach(p.Child("runAsUser"), *sc.RunAsUser, validation.IsValidUserID(*sc.RunAsUser))...)
	}
	if sc.RunAsGroup != nil {
		errs = append(errs, invalidEach(p.Child("runAsGroup"), *sc.RunAsGroup, validation.IsValidGroupID(*sc.RunAsGroup))...)
	}
	for i, g := range sc.SupplementalGroups {
		errs = append(errs, invalidEach(p.Child("supplementalGroups").Index(i), g, validation.IsValidGroupID(g))...)
	}
	if len(sc.Sysctls) > 0 {
		errs = append(errs, validateSysctls(sc.Sysctls, spec, p.Child("sysctls"))...)
	}
	if f := sc.FSGroupChangePolicy; f != nil && *f != FSGroupChangeAlways && *f != FSGroupChangeOnRootMismatch {
		errs = append(errs, notSupported(p.Child("fsGroupChangePolicy"), *f, FSGroupChangeAlways, FSGroupChangeOnRootMismatch))
	}
	errs = append(errs, validateSeccompProfile(sc.SeccompProfile, p.Child("seccompProfile"))...)
	errs = append(errs, validateAppArmorProfile(sc.AppArmorProfile, p.Child("appArmorProfile"))...)
	if s := sc.SupplementalGroupsPolicy; s != nil && *s != SupplementalGroupsPolicyMerge && *s != SupplementalGroupsPolicyStrict {
		errs = append(errs, notSupported(p.Child("supplementalGroupsPolicy"), *s, SupplementalGroupsPolicyMerge, SupplementalGroupsPolicyStrict))
	}
	if s := sc.SELinuxChangePolicy; s != nil && *s != SELinuxChangePolicyMountOption && *s != SELinuxChangePolicyRecursive {
		errs = append(errs, notSupported(p.Child("seLinuxChangePolicy"), *s, SELinuxChangePolicyMountOption, SELinuxChangePolicyRecursive))
	}
	return errs
}

const (
	sysctlSegmentFmt = "[a-z0-9]([-_a-z0-9]*[a-z0-9])?"
	sysctlFmt        = "(" + sysctlSegmentFmt + "[\\./])*" + sysctlSegmentFmt
	sysctlMaxLength  = 253
)

var sysctlRE = regexp.MustCompile("^" + sysctlFmt + "$")

func validateSysctls(sysctls []Sysctl, spec *PodSpec, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	seen := map[string]bool{}
	for i, s := range sysctls {
		np := p.Index(i).Child("name")
		switch {
		case s.Name == "":
			errs = append(errs, meta.Required(np, ""))
		case len(s.Name) > sysctlMaxLength || !sysctlRE.MatchString(s.Name):
			errs = append(errs, meta.Invalid(np, s.Name, fmt.Sprintf("must have at most %d characters and match regex %s", sysctlMaxLength, sysctlRE)))
		case seen[s.Name]:
			errs = append(errs, meta.Duplicate(np, s.Name))
		}
		// Namespaced sysctls make no sense in the host's namespaces.
		name := strings.ReplaceAll(s.Name, "/", ".")
		switch {
		case spec.HostNetwork && strings.HasPrefix(name, "net."):
			errs = append(errs, meta.Invalid(np, s.Name, "may not be specified when 'hostNetwork' is true"))
		case spec.HostIPC && (name == "kernel.sem" || strings.HasPrefix(name, "kernel.shm") ||
			strings.HasPrefix(name, "kernel.msg") || strings.HasPrefix(name, "fs.mqueue.")):
			errs = append(errs, meta.Invalid(np, s.Name, "may not be specified when 'hostIPC' is true"))
		}
		seen[s.Name] = true
	}
	return errs
}

func validateSeccompProfile(sp *SeccompProfile, p *meta.Path) meta.FieldErrors {
	if sp == nil {
		return nil
	}
	var errs meta.FieldErrors
	switch sp.Type {
	case SeccompProfileTypeLocalhost, SeccompProfileTypeRuntimeDefault, SeccompProfileTypeUnconfined:
	case "":
		errs = append(errs, meta.Required(p.Child("type"), "type is required when seccompProfile is set"))
	default:
		errs = append(errs, notSupported(p.Child("type"), sp.Type, SeccompProfileTypeLocalhost, SeccompProfileTypeRuntimeDefault, SeccompProfileTypeUnconfined))
	}
	if sp.Type == SeccompProfileTypeLocalhost {
		if sp.LocalhostProfile == nil {
			errs = append(errs, meta.Required(p.Child("localhostProfile"), "must be set when seccomp type is Localhost"))
		} else {
			errs = append(errs, validateLocalDescendingPath(*sp.LocalhostProfile, p.Child("localhostProfile"))...)
		}
	} else if sp.LocalhostProfile != nil {
		errs = append(errs, meta.Invalid(p.Child("localhostProfile"), goNames{sp}, "can only be set when seccomp type is Localhost"))
	}
	return errs
}

func validateAppArmorProfile(ap *AppArmorProfile, p *meta.Path) meta.FieldErrors {
	if ap == nil {
		return nil
	}
	var errs meta.FieldErrors
	lp := p.Child("localhostProfile")
	switch ap.Type {
	case AppArmorProfileTypeLocalhost:
		if ap.LocalhostProfile == nil {
			return meta.FieldErrors{meta.Required(lp, "must be set when AppArmor type is Localhost")}
		}
		v := *ap.LocalhostProfile
		if strings.TrimSpace(v) != v {
			errs = append(errs, meta.Invalid(lp, v, "must not be padded with whitespace"))
		} else if v == "" {
			errs = append(errs, meta.Required(lp, "must be set when AppArmor type is Localhost"))
		}
		if len(v) > 4095 {
			errs = append(errs, meta.TooLong(lp, 4095))
		}
	case AppArmorProfileTypeRuntimeDefault, AppArmorProfileTypeUnconfined:
		if ap.LocalhostProfile != nil {
			errs = append(errs, meta.Invalid(lp, ap.LocalhostProfile, "can only be set when AppArmor type is Localhost"))
		}
	case "":
		errs = append(errs, meta.Required(p.Child("type"), "type is required when appArmorProfile is set"))
	default:
		errs = append(errs, notSupported(p.Child("type"), ap.Type, AppArmorProfileTypeLocalhost, AppArmorProfileTypeRuntimeDefault, AppArmorProfileTypeUnconfined))
	}
	return errs
}

// ---------------------------------------------------------------------------
// Scheduling: tolerations, affinity, topology spread

// validateTolerations checks tolerations: the key a qualified name (or
// empty with operator Exists, matching everything), the value a label value
// for Equal and empty for Exists, a decimal integer for Lt and Gt,
// tolerationSeconds only with effect NoExecute, and the effect.
func validateTolerations(ts []Toleration, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	for i, t := range ts {
		ip := p.Index(i)
		if t.Key != "" {
			errs = append(errs, validation.ValidateLabelName(t.Key, ip.Child("key"))...)
		}
		if t.Key == "" && t.Operator != TolerationOpExists {
			errs = append(errs, meta.Invalid(ip.Child("operator"), t.Operator,
				"operator must be Exists when `key` is empty, which means \"match all values and all keys\""))
		}
		if t.TolerationSeconds != nil && t.Effect != TaintEffectNoExecute {
			errs = append(errs, meta.Invalid(ip.Child("effect"), t.Effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"))
		}
		switch t.Operator {
		case TolerationOpEqual, "":
			if msgs := validation.IsValidLabelValue(t.Value); len(msgs) > 0 {
				errs = append(errs, meta.Invalid(ip.Child("operator"), t.Value, strings.Join(msgs, ";")))
			}
		case TolerationOpExists:
			if t.Value != "" {
				errs = append(errs, meta.Invalid(ip.Child("operator"), t.Value, "value must be empty when `operator` is 'Exists'"))
			}
		case TolerationOpLt, TolerationOpGt:
			// Kubernetes has these behind the alpha
			// TaintTolerationComparisonOperators gate; spar matches them.
			if msg := decimalIntegerError(t.Value); msg != "" {
				errs = append(errs, meta.Invalid(ip.Child("value"), t.Value, msg))
			} else if _, err := strconv.ParseInt(t.Value, 10, 64); err != nil {
				errs = append(errs, meta.Invalid(ip.Child("value"), t.Value, err.Error()))
			}
		default:
			errs = append(errs, notSupported(ip.Child("operator"), t.Operator, TolerationOpEqual, TolerationOpExists))
		}
		if t.Effect != "" {
			errs = append(errs, validateTaintEffect(t.Effect, ip.Child("effect"))...)
		}
	}
	return errs
}

// decimalIntegerError checks a canonical decimal integer ("0", "-12", not
// "012" or "+1").
func decimalIntegerError(v string) string {
	const msg = "must be a valid decimal integer in canonical form"
	if v == "" {
		return validation.EmptyError()
	}
	d := strings.TrimPrefix(v, "-")
	if d == "" || (d[0] == '0' && (len(d) > 1 || len(d) != len(v))) {
		return msg
	}
	for i := 0; i < len(d); i++ {
		if d[i] < '0' || d[i] > '9' {
			return msg
		}
	}
	return ""
}

func validateTaintEffect(e TaintEffect, p *meta.Path) meta.FieldErrors {
	switch e {
	case TaintEffectNoSchedule, TaintEffectPreferNoSchedule, TaintEffectNoExecute:
		return nil
	}
	return meta.FieldErrors{notSupported(p, e, TaintEffectNoSchedule, TaintEffectPreferNoSchedule, TaintEffectNoExecute)}
}

func validateAffinity(a *Affinity, p *meta.Path) meta.FieldErrors {
	if a == nil {
		return nil
	}
	var errs meta.FieldErrors
	if na := a.NodeAffinity; na != nil {
		np := p.Child("nodeAffinity")
		if na.RequiredDuringSchedulingIgnoredDuringExecution != nil {
			errs = append(errs, ValidateNodeSelector(na.RequiredDuringSchedulingIgnoredDuringExecution, np.Child("requiredDuringSchedulingIgnoredDuringExecution"))...)
		}
		for i, t := range na.PreferredDuringSchedulingIgnoredDuringExecution {
			tp := np.Child("preferredDuringSchedulingIgnoredDuringExecution").Index(i)
			if t.Weight <= 0 || t.Weight > 100 {
				errs = append(errs, meta.Invalid(tp.Child("weight"), t.Weight, "must be in the range 1-100"))
			}
			// Preferred terms tolerate invalid label values: they can
			// still be satisfied on a one-node cluster.
			errs = append(errs, validateNodeSelectorTerm(&t.Preference, true, tp.Child("preference"))...)
		}
	}
	if pa := a.PodAffinity; pa != nil {
		pp := p.Child("podAffinity")
		errs = append(errs, validatePodAffinityTerms(pa.RequiredDuringSchedulingIgnoredDuringExecution, pp.Child("requiredDuringSchedulingIgnoredDuringExecution"))...)
		errs = append(errs, validateWeightedPodAffinityTerms(pa.PreferredDuringSchedulingIgnoredDuringExecution, pp.Child("preferredDuringSchedulingIgnoredDuringExecution"))...)
	}
	if pa := a.PodAntiAffinity; pa != nil {
		pp := p.Child("podAntiAffinity")
		errs = append(errs, validatePodAffinityTerms(pa.RequiredDuringSchedulingIgnoredDuringExecution, pp.Child("requiredDuringSchedulingIgnoredDuringExecution"))...)
		errs = append(errs, validateWeightedPodAffinityTerms(pa.PreferredDuringSchedulingIgnoredDuringExecution, pp.Child("preferredDuringSchedulingIgnoredDuringExecution"))...)
	}
	return errs
}

func validatePodAffinityTerms(terms []PodAffinityTerm, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	for i := range terms {
		errs = append(errs, validatePodAffinityTerm(&terms[i], p.Index(i))...)
	}
	return errs
}

func validateWeightedPodAffinityTerms(terms []WeightedPodAffinityTerm, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	for i, t := range terms {
		if t.Weight <= 0 || t.Weight > 100 {
			errs = append(errs, meta.Invalid(p.Index(i).Child("weight"), t.Weight, "must be in the range 1-100"))
		}
		errs = append(errs, validatePodAffinityTerm(&terms[i].PodAffinityTerm, p.Index(i).Child("podAffinityTerm"))...)
	}
	return errs
}

func validatePodAffinityTerm(t *PodAffinityTerm, p *meta.Path) meta.FieldErrors {
	errs := validation.ValidateLabelSelector(t.LabelSelector, validation.LabelSelectorOptions{}, p.Child("labelSelector"))
	errs = append(errs, validation.ValidateLabelSelector(t.NamespaceSelector, validation.LabelSelectorOptions{}, p.Child("namespaceSelector"))...)
	for _, ns := range t.Namespaces {
		errs = append(errs, invalidEach(p.Child("namespace"), ns, validateNamespaceName(ns, false))...)
	}
	errs = append(errs, validateMatchLabelKeys(p, t.MatchLabelKeys, t.MismatchLabelKeys, t.LabelSelector)...)
	if t.TopologyKey == "" {
		errs = append(errs, meta.Required(p.Child("topologyKey"), "can not be empty"))
	}
	return append(errs, validation.ValidateLabelName(t.TopologyKey, p.Child("topologyKey"))...)
}

// validateMatchLabelKeys checks the matchLabelKeys and mismatchLabelKeys of
// a pod affinity term: label keys, only with a labelSelector, and neither
// repeating a key of the selector (for matchLabelKeys) nor each other.
func validateMatchLabelKeys(p *meta.Path, match, mismatch []string, sel *meta.LabelSelector) meta.FieldErrors {
	var errs meta.FieldErrors
	for _, l := range []struct {
		name string
		keys []string
	}{{"matchLabelKeys", match}, {"mismatchLabelKeys", mismatch}} {
		if len(l.keys) == 0 {
			continue
		}
		if sel == nil {
			errs = append(errs, meta.Forbidden(p.Child(l.name), "must not be specified when labelSelector is not set"))
			continue
		}
		for i, k := range l.keys {
			errs = append(errs, validation.ValidateLabelName(k, p.Child(l.name).Index(i))...)
		}
	}
	if sel != nil {
		selKeys := map[string]bool{}
		for k := range sel.MatchLabels {
			selKeys[k] = true
		}
		for _, e := range sel.MatchExpressions {
			if i := slices.Index(match, e.Key); i >= 0 && selKeys[e.Key] {
				errs = append(errs, meta.Invalid(p.Index(i), e.Key, "exists in both matchLabelKeys and labelSelector"))
			}
			selKeys[e.Key] = true
		}
	}
	for i, k := range match {
		if slices.Contains(mismatch, k) {
			errs = append(errs, meta.Invalid(p.Child("matchLabelKeys").Index(i), k, "exists in both matchLabelKeys and mismatchLabelKeys"))
		}
	}
	return errs
}

// ValidateNodeSelector checks a node selector (node affinity, persistent
// volume node affinity): at least one term, each term's expressions on
// labels and fields.
func ValidateNodeSelector(ns *NodeSelector, p *meta.Path) meta.FieldErrors {
	tp := p.Child("nodeSelectorTerms")
	if len(ns.NodeSelectorTerms) == 0 {
		return meta.FieldErrors{meta.Required(tp, "must have at least one node selector term")}
	}
	var errs meta.FieldErrors
	for i := range ns.NodeSelectorTerms {
		errs = append(errs, validateNodeSelectorTerm(&ns.NodeSelectorTerms[i], false, tp.Index(i))...)
	}
	return errs
}

func validateNodeSelectorTerm(t *NodeSelectorTerm, allowInvalidValues bool, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	for i, r := range t.MatchExpressions {
		errs = append(errs, validateNodeSelectorRequirement(r, allowInvalidValues, p.Child("matchExpressions").Index(i))...)
	}
	for i, r := range t.MatchFields {
		errs = append(errs, validateNodeFieldSelectorRequirement(r, p.Child("matchFields").Index(i))...)
	}
	return errs
}

func validateNodeSelectorRequirement(r NodeSelectorRequirement, allowInvalidValues bool, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	switch r.Operator {
	case NodeSelectorOpIn, NodeSelectorOpNotIn:
		if len(r.Values) == 0 {
			errs = append(errs, meta.Required(p.Child("values"), "must be specified when `operator` is 'In' or 'NotIn'"))
		}
	case NodeSelectorOpExists, NodeSelectorOpDoesNotExist:
		if len(r.Values) > 0 {
			errs = append(errs, meta.Forbidden(p.Child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
		}
	case NodeSelectorOpGt, NodeSelectorOpLt:
		if len(r.Values) != 1 {
			errs = append(errs, meta.Required(p.Child("values"), "must be specified single value when `operator` is 'Lt' or 'Gt'"))
		}
	default:
		errs = append(errs, meta.Invalid(p.Child("operator"), r.Operator, "not a valid selector operator"))
	}
	errs = append(errs, validation.ValidateLabelName(r.Key, p.Child("key"))...)
	if !allowInvalidValues {
		for i, v := range r.Values {
			errs = append(errs, invalidEach(p.Child("values").Index(i), v, validation.IsValidLabelValue(v))...)
		}
	}
	return errs
}

func validateNodeFieldSelectorRequirement(r NodeSelectorRequirement, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	switch r.Operator {
	case NodeSelectorOpIn, NodeSelectorOpNotIn:
		if len(r.Values) != 1 {
			errs = append(errs, meta.Required(p.Child("values"), "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"))
		}
	default:
		errs = append(errs, meta.Invalid(p.Child("operator"), r.Operator, "not a valid selector operator"))
	}
	if r.Key != "metadata.name" {
		errs = append(errs, meta.Invalid(p.Child("key"), r.Key, "not a valid field selector key"))
	} else {
		for i, v := range r.Values {
			errs = append(errs, invalidEach(p.Child("values").Index(i), v, validateNodeName(v, false))...)
		}
	}
	return errs
}

// ValidateTopologySelectorTerm checks a topology selector term
// (StorageClass allowedTopologies): each requirement has values, without
// duplicates, and a label key; keys are not repeated.
func ValidateTopologySelectorTerm(t TopologySelectorTerm, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	keys := map[string]bool{}
	for i, r := range t.MatchLabelExpressions {
		ip := p.Child("matchLabelExpressions").Index(i)
		vp := ip.Child("values")
		if len(r.Values) == 0 {
			errs = append(errs, meta.Required(vp, ""))
		}
		seen := map[string]bool{}
		for j, v := range r.Values {
			if seen[v] {
				errs = append(errs, meta.Duplicate(vp.Index(j), v))
			}
			seen[v] = true
		}
		errs = append(errs, validation.ValidateLabelName(r.Key, ip.Child("key"))...)
		if keys[r.Key] {
			errs = append(errs, meta.Duplicate(ip.Child("key"), r.Key))
		}
		keys[r.Key] = true
	}
	return errs
}

func validateTopologySpreadConstraints(cs []TopologySpreadConstraint, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	for i, c := range cs {
		ip := p.Index(i)
		errs = append(errs, validation.ValidatePositiveField(int64(c.MaxSkew), ip.Child("maxSkew"))...)
		if c.TopologyKey == "" {
			errs = append(errs, meta.Required(ip.Child("topologyKey"), "can not be empty"))
		}
		if c.WhenUnsatisfiable != DoNotSchedule && c.WhenUnsatisfiable != ScheduleAnyway {
			errs = append(errs, notSupported(ip.Child("whenUnsatisfiable"), c.WhenUnsatisfiable, DoNotSchedule, ScheduleAnyway))
		}
		for _, rest := range cs[i+1:] {
			if c.TopologyKey == rest.TopologyKey && c.WhenUnsatisfiable == rest.WhenUnsatisfiable {
				errs = append(errs, meta.Duplicate(ip.Child("{topologyKey, whenUnsatisfiable}"), fmt.Sprintf("{%v, %v}", c.TopologyKey, c.WhenUnsatisfiable)))
				break
			}
		}
		if md := c.MinDomains; md != nil {
			mp := ip.Child("minDomains")
			errs = append(errs, validation.ValidatePositiveField(int64(*md), mp)...)
			if c.WhenUnsatisfiable != DoNotSchedule {
				errs = append(errs, meta.Invalid(mp, *md, fmt.Sprintf("can only use minDomains if whenUnsatisfiable=%s, not %s", DoNotSchedule, c.WhenUnsatisfiable)))
			}
		}
		for _, np := range []struct {
			name string
			v    *NodeInclusionPolicy
		}{{"nodeAffinityPolicy", c.NodeAffinityPolicy}, {"nodeTaintsPolicy", c.NodeTaintsPolicy}} {
			if np.v != nil && *np.v != NodeInclusionPolicyHonor && *np.v != NodeInclusionPolicyIgnore {
				errs = append(errs, notSupported(ip.Child(np.name), *np.v, NodeInclusionPolicyHonor, NodeInclusionPolicyIgnore))
			}
		}
		if len(c.MatchLabelKeys) > 0 {
			mp := ip.Child("matchLabelKeys")
			selKeys := map[string]bool{}
			if c.LabelSelector == nil {
				errs = append(errs, meta.Forbidden(mp, "must not be specified when labelSelector is not set"))
			} else {
				for k := range c.LabelSelector.MatchLabels {
					selKeys[k] = true
				}
				for _, e := range c.LabelSelector.MatchExpressions {
					selKeys[e.Key] = true
				}
			}
			for j, k := range c.MatchLabelKeys {
				errs = append(errs, validation.ValidateLabelName(k, mp.Index(j))...)
				if selKeys[k] {
					errs = append(errs, meta.Invalid(mp.Index(j), k, "exists in both matchLabelKeys and labelSelector"))
				}
			}
		}
		errs = append(errs, validation.ValidateLabelSelector(c.LabelSelector, validation.LabelSelectorOptions{}, ip.Child("labelSelector"))...)
	}
	return errs
}

// ---------------------------------------------------------------------------
// Volumes

const (
	fileModeErrorMsg     = "must be a number between 0 and 0777 (octal), both inclusive"
	emptyDirModeErrorMsg = "must be a number between 0 and 01777 (octal), both inclusive"
)

// validateVolumes checks a pod's volumes and returns the valid ones by
// name, for the containers' mounts.
func validateVolumes(vols []Volume, podMeta *meta.ObjectMeta, p *meta.Path) (map[string]*VolumeSource, meta.FieldErrors) {
	var errs meta.FieldErrors
	created := map[string]bool{} // claims the pod's ephemeral volumes create
	if podMeta != nil && podMeta.Name != "" {
		for _, v := range vols {
			if v.Ephemeral != nil {
				created[podMeta.Name+"-"+v.Name] = true
			}
		}
	}
	byName := make(map[string]*VolumeSource, len(vols))
	for i := range vols {
		v := &vols[i]
		ip := p.Index(i)
		np := ip.Child("name")
		el := validateVolumeSource(&v.VolumeSource, v.Name, podMeta, ip)
		if v.Name == "" {
			el = append(el, meta.Required(np, ""))
		} else {
			el = append(el, validation.ValidateDNS1123Label(v.Name, np)...)
		}
		if _, dup := byName[v.Name]; dup {
			el = append(el, meta.Duplicate(np, v.Name))
		}
		if len(el) == 0 {
			byName[v.Name] = &v.VolumeSource
		} else {
			errs = append(errs, el...)
		}
		if v.PersistentVolumeClaim != nil && created[v.PersistentVolumeClaim.ClaimName] {
			errs = append(errs, meta.Invalid(ip.Child("persistentVolumeClaim", "claimName"), v.PersistentVolumeClaim.ClaimName,
				"must not reference a PVC that gets created for an ephemeral volume"))
		}
	}
	return byName, errs
}

func validateVolumeSource(s *VolumeSource, volName string, podMeta *meta.ObjectMeta, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	n := 0
	one := func(set bool, name string, check func(*meta.Path) meta.FieldErrors) {
		if !set {
			return
		}
		if n > 0 {
			errs = append(errs, meta.Forbidden(p.Child(name), "may not specify more than 1 volume type"))
			return
		}
		n++
		errs = append(errs, check(p.Child(name))...)
	}
	if s.EmptyDir != nil {
		n++
		if l := s.EmptyDir.SizeLimit; l != nil && l.Sign() < 0 {
			errs = append(errs, meta.Forbidden(p.Child("emptyDir", "sizeLimit"), "SizeLimit field must be a valid resource quantity"))
		}
	}
	one(s.HostPath != nil, "hostPath", func(sp *meta.Path) meta.FieldErrors { return validateHostPathVolumeSource(s.HostPath, sp) })
	one(s.Secret != nil, "secret", func(sp *meta.Path) meta.FieldErrors {
		var e meta.FieldErrors
		if s.Secret.SecretName == "" {
			e = append(e, meta.Required(sp.Child("secretName"), ""))
		}
		return append(e, validateProjectedFiles(s.Secret.DefaultMode, s.Secret.Items, sp)...)
	})
	one(s.NFS != nil, "nfs", func(sp *meta.Path) meta.FieldErrors { return validateNFSVolumeSource(s.NFS, sp) })
	one(s.ISCSI != nil, "iscsi", func(sp *meta.Path) meta.FieldErrors {
		e := validateISCSI(s.ISCSI.TargetPortal, s.ISCSI.IQN, s.ISCSI.Lun, s.ISCSI.DiscoveryCHAPAuth || s.ISCSI.SessionCHAPAuth,
			s.ISCSI.SecretRef != nil, s.ISCSI.InitiatorName, sp)
		if s.ISCSI.InitiatorName != nil && len(volName+":"+s.ISCSI.TargetPortal) > 64 {
			e = append(e, meta.Invalid(p.Child("name"), volName,
				"Total length of <volume name>:<iscsi.targetPortal> must be under 64 characters if iscsi.initiatorName is specified."))
		}
		return e
	})
	one(s.PersistentVolumeClaim != nil, "persistentVolumeClaim", func(sp *meta.Path) meta.FieldErrors {
		if s.PersistentVolumeClaim.ClaimName == "" {
			return meta.FieldErrors{meta.Required(sp.Child("claimName"), "")}
		}
		return nil
	})
	// Kubernetes misspells this path.
	one(s.DownwardAPI != nil, "downwarAPI", func(*meta.Path) meta.FieldErrors {
		return validateDownwardAPIVolumeSource(s.DownwardAPI, p.Child("downwardAPI"))
	})
	one(s.FC != nil, "fc", func(sp *meta.Path) meta.FieldErrors { return validateFCVolumeSource(s.FC, sp) })
	one(s.ConfigMap != nil, "configMap", func(sp *meta.Path) meta.FieldErrors {
		var e meta.FieldErrors
		if s.ConfigMap.Name == "" {
			e = append(e, meta.Required(sp.Child("name"), ""))
		}
		return append(e, validateProjectedFiles(s.ConfigMap.DefaultMode, s.ConfigMap.Items, sp)...)
	})
	one(s.Projected != nil, "projected", func(sp *meta.Path) meta.FieldErrors { return validateProjectedVolumeSource(s.Projected, sp) })
	one(s.CSI != nil, "csi", func(sp *meta.Path) meta.FieldErrors {
		e := ValidateCSIDriverName(s.CSI.Driver, sp.Child("driver"))
		if r := s.CSI.NodePublishSecretRef; r != nil {
			if r.Name == "" {
				e = append(e, meta.Required(sp.Child("nodePublishSecretRef", "name"), ""))
			} else {
				e = append(e, invalidEach(sp.Child("name"), r.Name, validateSecretName(r.Name, false))...)
			}
		}
		return e
	})
	one(s.Ephemeral != nil, "ephemeral", func(sp *meta.Path) meta.FieldErrors {
		if s.Ephemeral.VolumeClaimTemplate == nil {
			return meta.FieldErrors{meta.Required(sp.Child("volumeClaimTemplate"), "")}
		}
		e := ValidatePersistentVolumeClaimTemplate(s.Ephemeral.VolumeClaimTemplate, sp.Child("volumeClaimTemplate"))
		if podMeta != nil && podMeta.Name != "" && volName != "" {
			pvc := podMeta.Name + "-" + volName
			for _, msg := range validation.NameIsDNSSubdomain(pvc, false) {
				e = append(e, meta.Invalid(sp.Child("name"), volName, fmt.Sprintf("PVC name %q: %v", pvc, msg)))
			}
		}
		return e
	})
	one(s.Image != nil, "image", func(sp *meta.Path) meta.FieldErrors {
		var e meta.FieldErrors
		if s.Image.Reference == "" {
			e = append(e, meta.Required(sp.Child("reference"), ""))
		}
		return append(e, validatePullPolicy(s.Image.PullPolicy, sp.Child("pullPolicy"))...)
	})
	if n == 0 {
		errs = append(errs, meta.Required(p, "must specify a volume type"))
	}
	return errs
}

func validateHostPathVolumeSource(h *HostPathVolumeSource, p *meta.Path) meta.FieldErrors {
	if h.Path == "" {
		return meta.FieldErrors{meta.Required(p.Child("path"), "")}
	}
	errs := validatePathNoBacksteps(h.Path, p.Child("path"))
	if t := h.Type; t != nil {
		switch *t {
		case HostPathUnset, HostPathDirectoryOrCreate, HostPathDirectory, HostPathFileOrCreate, HostPathFile,
			HostPathSocket, HostPathCharDev, HostPathBlockDev:
		default:
			errs = append(errs, notSupported(p.Child("type"), *t, HostPathUnset, HostPathBlockDev, HostPathCharDev,
				HostPathDirectory, HostPathDirectoryOrCreate, HostPathFile, HostPathFileOrCreate, HostPathSocket))
		}
	}
	return errs
}

func validateNFSVolumeSource(nfs *NFSVolumeSource, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if nfs.Server == "" {
		errs = append(errs, meta.Required(p.Child("server"), ""))
	}
	if nfs.Path == "" {
		errs = append(errs, meta.Required(p.Child("path"), ""))
	}
	if !path.IsAbs(nfs.Path) {
		errs = append(errs, meta.Invalid(p.Child("path"), nfs.Path, "must be an absolute path"))
	}
	return errs
}

var (
	iqnRE = regexp.MustCompile(`iqn\.\d{4}-\d{2}\.([[:alnum:]-.]+)(:[^,;*&$|\s]+)$`)
	euiRE = regexp.MustCompile(`^eui.[[:alnum:]]{16}$`)
	naaRE = regexp.MustCompile(`^naa.[[:alnum:]]{32}$`)
)

// iqnFormatError checks an iSCSI qualified name (iqn, eui or naa form).
func iqnFormatError(s string) string {
	switch {
	case strings.HasPrefix(s, "iqn"):
		if !iqnRE.MatchString(s) {
			return "must be valid format"
		}
	case strings.HasPrefix(s, "eui"):
		if !euiRE.MatchString(s) {
			return "must be valid format"
		}
	case strings.HasPrefix(s, "naa"):
		if !naaRE.MatchString(s) {
			return "must be valid format"
		}
	default:
		return "must be valid format starting with iqn, eui, or naa"
	}
	return ""
}

func validateISCSI(portal, iqn string, lun int32, chap, hasSecret bool, initiator *string, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if portal == "" {
		errs = append(errs, meta.Required(p.Child("targetPortal"), ""))
	}
	if iqn == "" {
		errs = append(errs, meta.Required(p.Child("iqn"), ""))
	} else if msg := iqnFormatError(iqn); msg != "" {
		errs = append(errs, meta.Invalid(p.Child("iqn"), iqn, msg))
	}
	if lun < 0 || lun > 255 {
		errs = append(errs, meta.Invalid(p.Child("lun"), lun, validation.InclusiveRangeError(0, 255)))
	}
	if chap && !hasSecret {
		errs = append(errs, meta.Required(p.Child("secretRef"), ""))
	}
	if initiator != nil {
		if msg := iqnFormatError(*initiator); msg != "" {
			errs = append(errs, meta.Invalid(p.Child("initiatorname"), *initiator, msg))
		}
	}
	return errs
}

func validateFCVolumeSource(fc *FCVolumeSource, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if len(fc.TargetWWNs) == 0 && len(fc.WWIDs) == 0 {
		errs = append(errs, meta.Required(p.Child("targetWWNs"), "must specify either targetWWNs or wwids, but not both"))
	}
	if len(fc.TargetWWNs) != 0 && len(fc.WWIDs) != 0 {
		errs = append(errs, meta.Invalid(p.Child("targetWWNs"), fc.TargetWWNs, "targetWWNs and wwids can not be specified simultaneously"))
	}
	if len(fc.TargetWWNs) != 0 {
		if fc.Lun == nil {
			errs = append(errs, meta.Required(p.Child("lun"), "lun is required if targetWWNs is specified"))
		} else if *fc.Lun < 0 || *fc.Lun > 255 {
			errs = append(errs, meta.Invalid(p.Child("lun"), fc.Lun, validation.InclusiveRangeError(0, 255)))
		}
	}
	return errs
}

// validateProjectedFiles checks a secret's or config map's default mode and
// key-to-path items.
func validateProjectedFiles(mode *int32, items []KeyToPath, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if mode != nil && (*mode > 0777 || *mode < 0) {
		errs = append(errs, meta.Invalid(p.Child("defaultMode"), *mode, fileModeErrorMsg))
	}
	for i := range items {
		errs = append(errs, validateKeyToPath(&items[i], p.Child("items").Index(i))...)
	}
	return errs
}

func validateKeyToPath(kp *KeyToPath, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if kp.Key == "" {
		errs = append(errs, meta.Required(p.Child("key"), ""))
	}
	if kp.Path == "" {
		errs = append(errs, meta.Required(p.Child("path"), ""))
	}
	errs = append(errs, validateLocalNonReservedPath(kp.Path, p.Child("path"))...)
	if kp.Mode != nil && (*kp.Mode > 0777 || *kp.Mode < 0) {
		errs = append(errs, meta.Invalid(p.Child("mode"), *kp.Mode, fileModeErrorMsg))
	}
	return errs
}

func validateDownwardAPIVolumeFile(f *DownwardAPIVolumeFile, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if f.Path == "" {
		errs = append(errs, meta.Required(p.Child("path"), ""))
	}
	errs = append(errs, validateLocalNonReservedPath(f.Path, p.Child("path"))...)
	switch {
	case f.FieldRef != nil:
		errs = append(errs, validateObjectFieldSelector(f.FieldRef, volumeFieldPaths, p.Child("fieldRef"))...)
		if f.ResourceFieldRef != nil {
			errs = append(errs, meta.Invalid(p, "resource", "fieldRef and resourceFieldRef can not be specified simultaneously"))
		}
	case f.ResourceFieldRef != nil:
		errs = append(errs, validateContainerResourceFieldSelector(f.ResourceFieldRef, true, p.Child("resourceFieldRef"))...)
	default:
		errs = append(errs, meta.Required(p, "one of fieldRef and resourceFieldRef is required"))
	}
	if f.Mode != nil && (*f.Mode > 0777 || *f.Mode < 0) {
		errs = append(errs, meta.Invalid(p.Child("mode"), *f.Mode, fileModeErrorMsg))
	}
	return errs
}

func validateDownwardAPIVolumeSource(d *DownwardAPIVolumeSource, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if m := d.DefaultMode; m != nil && (*m > 0777 || *m < 0) {
		errs = append(errs, meta.Invalid(p.Child("defaultMode"), *m, fileModeErrorMsg))
	}
	// Kubernetes reports item errors at the volume's path, without the
	// item index.
	for i := range d.Items {
		errs = append(errs, validateDownwardAPIVolumeFile(&d.Items[i], p)...)
	}
	return errs
}

func validateProjectedVolumeSource(pr *ProjectedVolumeSource, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if m := pr.DefaultMode; m != nil && (*m > 0777 || *m < 0) {
		errs = append(errs, meta.Invalid(p.Child("defaultMode"), *m, fileModeErrorMsg))
	}
	paths := map[string]bool{}
	addPath := func(pth string, value any) {
		if paths[pth] {
			errs = append(errs, meta.Invalid(p, value, "conflicting duplicate paths"))
		}
		paths[pth] = true
	}
	for i, src := range pr.Sources {
		n := 0
		sp := p.Child("sources").Index(i)
		if s := src.Secret; s != nil {
			n++
			if s.Name == "" {
				errs = append(errs, meta.Required(sp.Child("secret", "name"), ""))
			}
			for j := range s.Items {
				errs = append(errs, validateKeyToPath(&s.Items[j], sp.Child("secret", "items").Index(j))...)
				if s.Items[j].Path != "" {
					addPath(s.Items[j].Path, s.Name)
				}
			}
		}
		if s := src.ConfigMap; s != nil {
			n++
			if s.Name == "" {
				errs = append(errs, meta.Required(sp.Child("configMap", "name"), ""))
			}
			for j := range s.Items {
				errs = append(errs, validateKeyToPath(&s.Items[j], sp.Child("configMap", "items").Index(j))...)
				if s.Items[j].Path != "" {
					addPath(s.Items[j].Path, s.Name)
				}
			}
		}
		if s := src.DownwardAPI; s != nil {
			n++
			for j := range s.Items {
				errs = append(errs, validateDownwardAPIVolumeFile(&s.Items[j], sp.Child("downwardAPI"))...)
				if s.Items[j].Path != "" {
					addPath(s.Items[j].Path, s.Items[j].Path)
				}
			}
		}
		if s := src.ServiceAccountToken; s != nil {
			n++
			tp := sp.Child("serviceAccountToken")
			if exp := s.ExpirationSeconds; exp == nil {
				errs = append(errs, meta.Required(tp.Child("expirationSeconds"), ""))
			} else {
				if *exp < 10*60 {
					errs = append(errs, meta.Invalid(tp.Child("expirationSeconds"), *exp, "may not specify a duration less than 10 minutes"))
				}
				if *exp > 1<<32 {
					errs = append(errs, meta.Invalid(tp.Child("expirationSeconds"), *exp, "may not specify a duration larger than 2^32 seconds"))
				}
			}
			if s.Path == "" {
				errs = append(errs, meta.Required(p.Child("path"), ""))
			} else {
				errs = append(errs, validateLocalNonReservedPath(s.Path, p.Child("path"))...)
			}
		}
		if s := src.ClusterTrustBundle; s != nil {
			n++
			cp := sp.Child("clusterTrustBundle")
			switch {
			case s.Name != nil && s.SignerName != nil:
				errs = append(errs, meta.Invalid(cp, goNames{s}, "only one of name and signerName may be used"))
			case s.Name != nil:
				if *s.Name == "" {
					errs = append(errs, meta.Required(cp.Child("name"), "must be a valid object name"))
				}
				if s.LabelSelector != nil {
					errs = append(errs, meta.Invalid(cp.Child("labelSelector"), s.LabelSelector, "labelSelector must be unset if name is specified"))
				}
			case s.SignerName != nil:
				if *s.SignerName == "" {
					errs = append(errs, meta.Required(cp.Child("signerName"), "must be a valid signer name"))
				}
				errs = append(errs, validation.ValidateLabelSelector(s.LabelSelector, validation.LabelSelectorOptions{}, cp.Child("labelSelector"))...)
			default:
				errs = append(errs, meta.Required(cp, "either name or signerName must be specified"))
			}
			if s.Path == "" {
				errs = append(errs, meta.Required(cp.Child("path"), ""))
			}
			errs = append(errs, validateLocalNonReservedPath(s.Path, cp.Child("path"))...)
			addPath(s.Path, s.Path)
		}
		if n > 1 {
			errs = append(errs, meta.Forbidden(sp, "may not specify more than 1 volume type per source"))
		}
	}
	return errs
}

// validateCSIDriverName checks a CSI driver name: at most 63 characters,
// a DNS subdomain (case-insensitively).
func ValidateCSIDriverName(name string, p *meta.Path) meta.FieldErrors {
	if name == "" {
		return meta.FieldErrors{meta.Required(p, "")}
	}
	var errs meta.FieldErrors
	if len(name) > 63 {
		errs = append(errs, meta.TooLong(p, 63))
	}
	return append(errs, invalidEach(p, name, validation.IsDNS1123Subdomain(strings.ToLower(name)))...)
}

// validateLocalDescendingPath requires a relative path without "..".
func validateLocalDescendingPath(pth string, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if path.IsAbs(pth) {
		errs = append(errs, meta.Invalid(p, pth, "must be a relative path"))
	}
	return append(errs, validatePathNoBacksteps(pth, p)...)
}

// validatePathNoBacksteps rejects a ".." element.
func validatePathNoBacksteps(pth string, p *meta.Path) meta.FieldErrors {
	if slices.Contains(strings.Split(strings.ReplaceAll(pth, "\\", "/"), "/"), "..") {
		return meta.FieldErrors{meta.Invalid(p, pth, "must not contain '..'")}
	}
	return nil
}

// validateLocalNonReservedPath requires a relative path without "..", not
// starting with "..".
func validateLocalNonReservedPath(pth string, p *meta.Path) meta.FieldErrors {
	errs := validateLocalDescendingPath(pth, p)
	if strings.HasPrefix(pth, "..") && !strings.HasPrefix(pth, "../") {
		errs = append(errs, meta.Invalid(p, pth, "must not start with '..'"))
	}
	return errs
}

// ---------------------------------------------------------------------------
// Services

// Service annotations that validation reads.
const (
	annotationLoadBalancerSourceRanges = "service.beta.kubernetes.io/load-balancer-source-ranges"
	annotationTopologyMode             = "service.kubernetes.io/topology-mode"
	annotationTopologyAwareHints       = "service.kubernetes.io/topology-aware-hints"
	maxClientIPServiceAffinitySeconds  = 86400
)

// clusterIPs returns spec.clusterIPs, or [spec.clusterIP] when only the
// singular field is set: Kubernetes' service strategy syncs the two before
// validating, so a manifest may set either.
func (s *Service) clusterIPs() []string {
	if len(s.Spec.ClusterIPs) == 0 && s.Spec.ClusterIP != "" {
		return []string{s.Spec.ClusterIP}
	}
	return s.Spec.ClusterIPs
}

func (s *Service) isHeadless() bool {
	ips := s.clusterIPs()
	return len(ips) == 1 && ips[0] == ClusterIPNone
}

// Validate checks a service on create. The API server allocates cluster
// IPs, node ports and the health check node port before validating, as
// Kubernetes does, so empty ones are accepted here only where Kubernetes
// accepts them unallocated.
func (s *Service) Validate() meta.FieldErrors {
	errs := validation.ValidateObjectMeta(&s.ObjectMeta, true, validateServiceName, metadataPath)
	return append(errs, validateService(s, nil)...)
}

// ValidateUpdate checks a service update: the primary cluster IP and IP
// family may not change (except to or from ExternalName or headless), a
// load balancer's class and health check node port are fixed, and the
// result must be a valid service.
func (s *Service) ValidateUpdate(old meta.Object) meta.FieldErrors {
	o, errs := oldAs[Service](old)
	if errs != nil {
		return errs
	}
	errs = validation.ValidateObjectMetaUpdate(&s.ObjectMeta, &o.ObjectMeta, metadataPath)
	errs = append(errs, validateUpgradeDowngradeClusterIPs(o, s)...)
	errs = append(errs, validateUpgradeDowngradeIPFamilies(o, s)...)
	errs = append(errs, validateLoadBalancerClass(o, s)...)
	if needsHealthCheck(o) && needsHealthCheck(s) && s.Spec.HealthCheckNodePort != o.Spec.HealthCheckNodePort {
		errs = append(errs, meta.Forbidden(specPath.Child("healthCheckNodePort"), "field is immutable"))
	}
	return append(errs, validateService(s, o)...)
}

// ValidateStatusUpdate checks a write to the service's status: load
// balancer ingress points only for LoadBalancer services, with valid IPs
// and hostnames.
func (s *Service) ValidateStatusUpdate(old meta.Object) meta.FieldErrors {
	o, errs := oldAs[Service](old)
	if errs != nil {
		return errs
	}
	errs = validation.ValidateObjectMetaUpdate(&s.ObjectMeta, &o.ObjectMeta, metadataPath)
	ip := statusPath.Child("loadBalancer", "ingress")
	if s.Spec.Type != ServiceTypeLoadBalancer && len(s.Status.LoadBalancer.Ingress) != 0 {
		return append(errs, meta.Forbidden(ip, "may only be used when `spec.type` is 'LoadBalancer'"))
	}
	var oldIPs []string
	for _, ing := range o.Status.LoadBalancer.Ingress {
		oldIPs = append(oldIPs, ing.IP)
	}
	for i, ing := range s.Status.LoadBalancer.Ingress {
		p := ip.Index(i)
		if ing.IP != "" && !slices.Contains(oldIPs, ing.IP) {
			errs = append(errs, invalidEach(p.Child("ip"), ing.IP, validation.IsValidIPForLegacyField(ing.IP))...)
		}
		switch {
		case ing.IPMode == nil:
			if ing.IP != "" {
				errs = append(errs, meta.Required(p.Child("ipMode"), "must be specified when `ip` is set"))
			}
		case ing.IP == "":
			errs = append(errs, meta.Forbidden(p.Child("ipMode"), "may not be specified when `ip` is not set"))
		case *ing.IPMode != LoadBalancerIPModeProxy && *ing.IPMode != LoadBalancerIPModeVIP:
			errs = append(errs, notSupported(p.Child("ipMode"), *ing.IPMode, LoadBalancerIPModeProxy, LoadBalancerIPModeVIP))
		}
		if ing.Hostname != "" {
			errs = append(errs, invalidEach(p.Child("hostname"), ing.Hostname, validation.IsDNS1123Subdomain(ing.Hostname))...)
			if net.ParseIP(ing.Hostname) != nil {
				errs = append(errs, meta.Invalid(p.Child("hostname"), ing.Hostname, "must be a DNS name, not an IP address"))
			}
		}
	}
	return errs
}

func needsHealthCheck(s *Service) bool {
	return s.Spec.Type == ServiceTypeLoadBalancer && s.Spec.ExternalTrafficPolicy == ServiceExternalTrafficPolicyLocal
}

func validateService(s *Service, old *Service) meta.FieldErrors {
	var errs meta.FieldErrors
	spec := &s.Spec
	mode, modeSet := s.Annotations[annotationTopologyMode]
	hints, hintsSet := s.Annotations[annotationTopologyAwareHints]
	if modeSet && hintsSet && mode != hints {
		errs = append(errs, meta.Invalid(metadataPath.Child("annotations").Key(annotationTopologyMode), mode,
			fmt.Sprintf("must match annotations[%s] when both are specified", annotationTopologyAwareHints)))
	}
	headless := s.isHeadless()
	if len(spec.Ports) == 0 && !headless && spec.Type != ServiceTypeExternalName {
		errs = append(errs, meta.Required(specPath.Child("ports"), ""))
	}
	switch spec.Type {
	case ServiceTypeLoadBalancer:
		if headless {
			errs = append(errs, meta.Invalid(specPath.Child("clusterIPs").Index(0), ClusterIPNone, "may not be set to 'None' for LoadBalancer services"))
		}
	case ServiceTypeNodePort:
		if headless {
			errs = append(errs, meta.Invalid(specPath.Child("clusterIPs").Index(0), ClusterIPNone, "may not be set to 'None' for NodePort services"))
		}
	case ServiceTypeExternalName:
		if len(s.clusterIPs()) > 0 {
			errs = append(errs, meta.Forbidden(specPath.Child("clusterIPs"), "may not be set for ExternalName services"))
		}
		if len(spec.IPFamilies) > 0 {
			errs = append(errs, meta.Forbidden(specPath.Child("ipFamilies"), "may not be set for ExternalName services"))
		}
		if spec.IPFamilyPolicy != nil {
			errs = append(errs, meta.Forbidden(specPath.Child("ipFamilyPolicy"), "may not be set for ExternalName services"))
		}
		// A trailing dot marks the CNAME as fully qualified.
		if cname := strings.TrimSuffix(spec.ExternalName, "."); cname != "" {
			errs = append(errs, validation.ValidateDNS1123Subdomain(cname, specPath.Child("externalName"))...)
		} else {
			errs = append(errs, meta.Required(specPath.Child("externalName"), ""))
		}
	}

	names := map[string]bool{}
	for i := range spec.Ports {
		errs = append(errs, validateServicePort(&spec.Ports[i], len(spec.Ports) > 1, names, specPath.Child("ports").Index(i))...)
	}
	if spec.Selector != nil {
		errs = append(errs, validation.ValidateLabels(spec.Selector, specPath.Child("selector"))...)
	}
	switch spec.SessionAffinity {
	case "":
		errs = append(errs, meta.Required(specPath.Child("sessionAffinity"), ""))
	case ServiceAffinityClientIP:
		errs = append(errs, validateClientIPAffinityConfig(spec.SessionAffinityConfig, specPath.Child("sessionAffinityConfig"))...)
	case ServiceAffinityNone:
		if spec.SessionAffinityConfig != nil {
			errs = append(errs, meta.Forbidden(specPath.Child("sessionAffinityConfig"), "must not be set when session affinity is None"))
		}
	default:
		errs = append(errs, notSupported(specPath.Child("sessionAffinity"), spec.SessionAffinity, ServiceAffinityClientIP, ServiceAffinityNone))
	}
	errs = append(errs, validateServiceClusterIPs(s, old)...)

	var oldExternalIPs []string
	if old != nil {
		oldExternalIPs = old.Spec.ExternalIPs
	}
	for i, ip := range spec.ExternalIPs {
		xp := specPath.Child("externalIPs").Index(i)
		if slices.Contains(oldExternalIPs, ip) {
			continue
		}
		if e := invalidEach(xp, ip, validation.IsValidIPForLegacyField(ip)); len(e) > 0 {
			errs = append(errs, e...)
		} else {
			errs = append(errs, validation.ValidateEndpointIP(ip, xp)...)
		}
	}

	switch spec.Type {
	case ServiceTypeClusterIP, ServiceTypeNodePort, ServiceTypeLoadBalancer, ServiceTypeExternalName:
	case "":
		errs = append(errs, meta.Required(specPath.Child("type"), ""))
	default:
		errs = append(errs, notSupported(specPath.Child("type"), spec.Type, ServiceTypeClusterIP, ServiceTypeExternalName, ServiceTypeLoadBalancer, ServiceTypeNodePort))
	}
	if spec.Type == ServiceTypeClusterIP {
		for i, port := range spec.Ports {
			if port.NodePort != 0 {
				errs = append(errs, meta.Forbidden(specPath.Child("ports").Index(i).Child("nodePort"), "may not be used when `type` is 'ClusterIP'"))
			}
		}
	}
	type protoPort struct {
		proto Protocol
		port  int32
	}
	nodePorts, ports := map[protoPort]bool{}, map[protoPort]bool{}
	for i, port := range spec.Ports {
		pp := specPath.Child("ports").Index(i)
		if port.NodePort != 0 {
			k := protoPort{port.Protocol, port.NodePort}
			if nodePorts[k] {
				errs = append(errs, meta.Duplicate(pp.Child("nodePort"), port.NodePort))
			}
			nodePorts[k] = true
		}
		k := protoPort{port.Protocol, port.Port}
		if ports[k] {
			errs = append(errs, meta.Duplicate(pp, goNames{ServicePort{Protocol: port.Protocol, Port: port.Port}}))
		}
		ports[k] = true
	}

	if len(spec.LoadBalancerSourceRanges) > 0 {
		// Kubernetes capitalises this path.
		fp := specPath.Child("LoadBalancerSourceRanges")
		if spec.Type != ServiceTypeLoadBalancer {
			errs = append(errs, meta.Forbidden(fp, "may only be used when `type` is 'LoadBalancer'"))
		}
		var oldRanges []string
		if old != nil {
			for _, r := range old.Spec.LoadBalancerSourceRanges {
				oldRanges = append(oldRanges, strings.TrimSpace(r))
			}
		}
		for i, r := range spec.LoadBalancerSourceRanges {
			// Surrounding spaces are tolerated, a leftover of the annotation.
			r = strings.TrimSpace(r)
			if !slices.Contains(oldRanges, r) {
				errs = append(errs, invalidEach(fp.Index(i), r, validation.IsValidCIDRForLegacyField(r))...)
			}
		}
	} else if val, ok := s.Annotations[annotationLoadBalancerSourceRanges]; ok {
		fp := metadataPath.Child("annotations").Key(annotationLoadBalancerSourceRanges)
		if spec.Type != ServiceTypeLoadBalancer {
			errs = append(errs, meta.Forbidden(fp, "may only be used when `type` is 'LoadBalancer'"))
		}
		if old == nil || old.Annotations[annotationLoadBalancerSourceRanges] != val {
			if val = strings.TrimSpace(val); val != "" {
				for _, r := range strings.Split(val, ",") {
					r = strings.TrimSpace(r)
					errs = append(errs, invalidEach(fp, r, validation.IsValidCIDRForLegacyField(r))...)
				}
			}
		}
	}

	if spec.AllocateLoadBalancerNodePorts != nil && spec.Type != ServiceTypeLoadBalancer {
		errs = append(errs, meta.Forbidden(specPath.Child("allocateLoadBalancerNodePorts"), "may only be used when `type` is 'LoadBalancer'"))
	}
	if spec.Type == ServiceTypeLoadBalancer && spec.AllocateLoadBalancerNodePorts == nil {
		// Kubernetes reports this one without the spec prefix.
		errs = append(errs, meta.Required(meta.NewPath("allocateLoadBalancerNodePorts"), ""))
	}
	errs = append(errs, validateLoadBalancerClass(nil, s)...)

	if !s.ExternallyAccessible() {
		if spec.ExternalTrafficPolicy != "" {
			errs = append(errs, meta.Invalid(specPath.Child("externalTrafficPolicy"), spec.ExternalTrafficPolicy, "may only be set for externally-accessible services"))
		}
	} else {
		switch spec.ExternalTrafficPolicy {
		case ServiceExternalTrafficPolicyCluster, ServiceExternalTrafficPolicyLocal:
		case "":
			errs = append(errs, meta.Required(specPath.Child("externalTrafficPolicy"), ""))
		default:
			errs = append(errs, notSupported(specPath.Child("externalTrafficPolicy"), spec.ExternalTrafficPolicy,
				ServiceExternalTrafficPolicyCluster, ServiceExternalTrafficPolicyLocal))
		}
	}
	hp := specPath.Child("healthCheckNodePort")
	if !needsHealthCheck(s) {
		if spec.HealthCheckNodePort != 0 {
			errs = append(errs, meta.Invalid(hp, spec.HealthCheckNodePort, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"))
		}
	} else if spec.HealthCheckNodePort == 0 {
		errs = append(errs, meta.Required(hp, ""))
	} else {
		errs = append(errs, invalidEach(hp, spec.HealthCheckNodePort, validation.IsValidPortNum(int(spec.HealthCheckNodePort)))...)
	}

	itp := specPath.Child("internalTrafficPolicy")
	if spec.InternalTrafficPolicy == nil {
		switch spec.Type {
		case ServiceTypeNodePort, ServiceTypeLoadBalancer, ServiceTypeClusterIP:
			errs = append(errs, meta.Required(itp, ""))
		}
	} else if v := *spec.InternalTrafficPolicy; v != ServiceInternalTrafficPolicyCluster && v != ServiceInternalTrafficPolicyLocal {
		errs = append(errs, notSupported(itp, v, ServiceInternalTrafficPolicyCluster, ServiceInternalTrafficPolicyLocal))
	}
	if td := spec.TrafficDistribution; td != nil {
		valid := []string{"PreferClose", "PreferSameZone", "PreferSameNode"}
		if !slices.Contains(valid, *td) {
			errs = append(errs, meta.NotSupported(specPath.Child("trafficDistribution"), *td, valid))
		}
	}
	return errs
}

func validateServicePort(sp *ServicePort, requireName bool, names map[string]bool, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if requireName && sp.Name == "" {
		errs = append(errs, meta.Required(p.Child("name"), ""))
	} else if sp.Name != "" {
		errs = append(errs, validation.ValidateDNS1123Label(sp.Name, p.Child("name"))...)
		if names[sp.Name] {
			errs = append(errs, meta.Duplicate(p.Child("name"), sp.Name))
		}
		names[sp.Name] = true
	}
	errs = append(errs, invalidEach(p.Child("port"), sp.Port, validation.IsValidPortNum(int(sp.Port)))...)
	errs = append(errs, validateProtocol(sp.Protocol, p.Child("protocol"))...)
	errs = append(errs, validation.ValidatePortNumOrName(sp.TargetPort, p.Child("targetPort"))...)
	if sp.AppProtocol != nil {
		errs = append(errs, validation.ValidateQualifiedName(*sp.AppProtocol, p.Child("appProtocol"))...)
	}
	return errs
}

func validateClientIPAffinityConfig(c *SessionAffinityConfig, p *meta.Path) meta.FieldErrors {
	const when = "when session affinity type is ClientIP"
	switch {
	case c == nil:
		return meta.FieldErrors{meta.Required(p, when)}
	case c.ClientIP == nil:
		return meta.FieldErrors{meta.Required(p.Child("clientIP"), when)}
	case c.ClientIP.TimeoutSeconds == nil:
		return meta.FieldErrors{meta.Required(p.Child("clientIP", "timeoutSeconds"), when)}
	}
	if t := *c.ClientIP.TimeoutSeconds; t <= 0 || t > maxClientIPServiceAffinitySeconds {
		return meta.FieldErrors{meta.Invalid(p.Child("clientIP", "timeoutSeconds"), t,
			fmt.Sprintf("must be greater than 0 and less than %d", maxClientIPServiceAffinitySeconds))}
	}
	return nil
}

func validateServiceClusterIPs(s, old *Service) meta.FieldErrors {
	if s.Spec.Type == ServiceTypeExternalName {
		return nil
	}
	var errs meta.FieldErrors
	ipsPath := specPath.Child("clusterIPs")
	ips := s.clusterIPs()
	if s.Spec.ClusterIP != "" {
		if ips[0] != s.Spec.ClusterIP {
			errs = append(errs, meta.Invalid(ipsPath, ips, "first value must match `clusterIP`"))
		}
	} else if len(ips) != 0 {
		errs = append(errs, meta.Invalid(ipsPath, ips, "must be empty when `clusterIP` is not specified"))
	}
	seen := map[IPFamily]bool{}
	for i, f := range s.Spec.IPFamilies {
		if f != IPv4Protocol && f != IPv6Protocol {
			errs = append(errs, notSupported(specPath.Child("ipFamilies").Index(i), f, IPv4Protocol, IPv6Protocol))
		}
		if seen[f] {
			errs = append(errs, meta.Duplicate(specPath.Child("ipFamilies").Index(i), f))
		}
		seen[f] = true
	}
	if pol := s.Spec.IPFamilyPolicy; pol != nil {
		switch *pol {
		case IPFamilyPolicySingleStack, IPFamilyPolicyPreferDualStack, IPFamilyPolicyRequireDualStack:
		default:
			errs = append(errs, notSupported(specPath.Child("ipFamilyPolicy"), *pol,
				IPFamilyPolicyPreferDualStack, IPFamilyPolicyRequireDualStack, IPFamilyPolicySingleStack))
		}
	}
	var oldIPs []string
	if old != nil {
		oldIPs = old.clusterIPs()
	}
	invalid := false
	for i, ip := range ips {
		if i == 0 && ip == ClusterIPNone {
			if len(ips) > 1 {
				invalid = true
				errs = append(errs, meta.Invalid(ipsPath, ips, "'None' must be the first and only value"))
			}
			continue
		}
		if slices.Contains(oldIPs, ip) {
			continue
		}
		if e := invalidEach(ipsPath.Index(i), ip, validation.IsValidIPForLegacyField(ip)); len(e) > 0 {
			invalid = true
			errs = append(errs, e...)
		}
	}
	if len(ips) > 2 {
		errs = append(errs, meta.Invalid(ipsPath, ips, "may only hold up to 2 values"))
	}
	if invalid {
		return errs
	}
	if len(ips) > 1 && !isDualStack(ips[0], ips[1]) {
		errs = append(errs, meta.Invalid(ipsPath, ips, "may specify no more than one IP for each IP family"))
	}
	if !s.isHeadless() {
		for i, ip := range ips {
			if i >= len(s.Spec.IPFamilies) {
				break
			}
			v6 := net.ParseIP(ip) != nil && net.ParseIP(ip).To4() == nil
			if s.Spec.IPFamilies[i] == IPv4Protocol && v6 {
				errs = append(errs, meta.Invalid(ipsPath.Index(i), ip, fmt.Sprintf("expected an IPv4 value as indicated by `ipFamilies[%v]`", i)))
			}
			if s.Spec.IPFamilies[i] == IPv6Protocol && !v6 {
				errs = append(errs, meta.Invalid(ipsPath.Index(i), ip, fmt.Sprintf("expected an IPv6 value as indicated by `ipFamilies[%v]`", i)))
			}
		}
	}
	return errs
}

// validateUpgradeDowngradeClusterIPs allows adding or releasing a secondary
// cluster IP but never changing the primary one.
func validateUpgradeDowngradeClusterIPs(o, s *Service) meta.FieldErrors {
	if s.Spec.Type == ServiceTypeExternalName || o.Spec.Type == ServiceTypeExternalName {
		return nil
	}
	if o.isHeadless() && s.isHeadless() {
		return nil
	}
	var errs meta.FieldErrors
	ipsPath := specPath.Child("clusterIPs")
	oldIPs, newIPs := o.clusterIPs(), s.clusterIPs()
	switch {
	case len(oldIPs) == len(newIPs):
		for i, ip := range oldIPs {
			if ip != newIPs[i] {
				errs = append(errs, meta.Invalid(ipsPath.Index(i), newIPs, "may not change once set"))
			}
		}
	case len(oldIPs) > len(newIPs):
		if len(newIPs) == 0 {
			errs = append(errs, meta.Invalid(ipsPath.Index(0), newIPs, "primary clusterIP can not be unset"))
		}
		if len(newIPs) > 0 && newIPs[0] != oldIPs[0] {
			errs = append(errs, meta.Invalid(ipsPath.Index(0), newIPs, "may not change once set"))
		}
		if len(newIPs) == 1 && (s.Spec.IPFamilyPolicy == nil || *s.Spec.IPFamilyPolicy != IPFamilyPolicySingleStack) {
			errs = append(errs, meta.Invalid(specPath.Child("ipFamilyPolicy"), s.Spec.IPFamilyPolicy, "must be set to 'SingleStack' when releasing the secondary clusterIP"))
		}
	default:
		if len(oldIPs) > 0 && newIPs[0] != oldIPs[0] {
			errs = append(errs, meta.Invalid(ipsPath.Index(0), newIPs, "may not change once set"))
		}
	}
	return errs
}

func validateUpgradeDowngradeIPFamilies(o, s *Service) meta.FieldErrors {
	if s.Spec.Type == ServiceTypeExternalName || o.Spec.Type == ServiceTypeExternalName {
		return nil
	}
	if o.isHeadless() != s.isHeadless() || s.isHeadless() {
		return nil
	}
	var errs meta.FieldErrors
	fp := specPath.Child("ipFamilies").Index(0)
	of, nf := o.Spec.IPFamilies, s.Spec.IPFamilies
	switch {
	case len(of) == len(nf):
		for i := range of {
			if of[i] != nf[i] {
				errs = append(errs, meta.Invalid(fp, nf, "may not change once set"))
			}
		}
	case len(of) > len(nf):
		if len(s.clusterIPs()) == 0 {
			errs = append(errs, meta.Invalid(fp, nf, "primary ipFamily can not be unset"))
		}
		if len(nf) > 0 && nf[0] != of[0] {
			errs = append(errs, meta.Invalid(fp, s.clusterIPs(), "may not change once set"))
		}
		if len(nf) == 1 && (s.Spec.IPFamilyPolicy == nil || *s.Spec.IPFamilyPolicy != IPFamilyPolicySingleStack) {
			errs = append(errs, meta.Invalid(specPath.Child("ipFamilyPolicy"), s.Spec.IPFamilyPolicy, "must be set to 'SingleStack' when releasing the secondary ipFamily"))
		}
	default:
		if len(of) > 0 && len(nf) > 0 && nf[0] != of[0] {
			errs = append(errs, meta.Invalid(fp, s.clusterIPs(), "may not change once set"))
		}
	}
	return errs
}

func validateLoadBalancerClass(o, s *Service) meta.FieldErrors {
	var errs meta.FieldErrors
	fp := specPath.Child("loadBalancerClass")
	if o != nil && o.Spec.Type == ServiceTypeLoadBalancer && s.Spec.Type == ServiceTypeLoadBalancer {
		oc, nc := o.Spec.LoadBalancerClass, s.Spec.LoadBalancerClass
		if (oc == nil) != (nc == nil) || (oc != nil && *oc != *nc) {
			errs = append(errs, meta.Invalid(fp, nc, "may not change once set"))
		}
	}
	if s.Spec.Type == ServiceTypeLoadBalancer {
		if c := s.Spec.LoadBalancerClass; c != nil {
			errs = append(errs, validation.ValidateQualifiedName(*c, fp)...)
		}
	} else if s.Spec.LoadBalancerClass != nil {
		errs = append(errs, meta.Forbidden(fp, "may only be used when `type` is 'LoadBalancer'"))
	}
	return errs
}

// ---------------------------------------------------------------------------
// Endpoints

// Validate checks endpoints on create.
func (e *Endpoints) Validate() meta.FieldErrors {
	errs := validation.ValidateObjectMeta(&e.ObjectMeta, true, validation.NameIsDNSSubdomain, metadataPath)
	return append(errs, validateEndpointSubsets(e.Subsets, meta.NewPath("subsets"))...)
}

// ValidateUpdate checks an endpoints update. Subsets that did not change
// are not checked again, so objects stored under older rules stay
// updatable.
func (e *Endpoints) ValidateUpdate(old meta.Object) meta.FieldErrors {
	o, errs := oldAs[Endpoints](old)
	if errs != nil {
		return errs
	}
	errs = validation.ValidateObjectMetaUpdate(&e.ObjectMeta, &o.ObjectMeta, metadataPath)
	errs = append(errs, validation.ValidateObjectMeta(&e.ObjectMeta, true, validation.NameIsDNSSubdomain, metadataPath)...)
	if se := validateEndpointSubsets(e.Subsets, meta.NewPath("subsets")); len(se) > 0 && !validation.SemanticEqual(e.Subsets, o.Subsets) {
		errs = append(errs, se...)
	}
	return errs
}

func validateEndpointSubsets(subsets []EndpointSubset, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	for i := range subsets {
		ss := &subsets[i]
		ip := p.Index(i)
		if len(ss.Addresses) == 0 && len(ss.NotReadyAddresses) == 0 {
			errs = append(errs, meta.Required(ip, "must specify `addresses` or `notReadyAddresses`"))
		}
		for j := range ss.Addresses {
			errs = append(errs, validateEndpointAddress(&ss.Addresses[j], ip.Child("addresses").Index(j))...)
		}
		for j := range ss.NotReadyAddresses {
			errs = append(errs, validateEndpointAddress(&ss.NotReadyAddresses[j], ip.Child("notReadyAddresses").Index(j))...)
		}
		for j := range ss.Ports {
			errs = append(errs, validateEndpointPort(&ss.Ports[j], len(ss.Ports) > 1, ip.Child("ports").Index(j))...)
		}
	}
	return errs
}

func validateEndpointAddress(a *EndpointAddress, p *meta.Path) meta.FieldErrors {
	errs := invalidEach(p.Child("ip"), a.IP, validation.IsValidIPForLegacyField(a.IP))
	if a.Hostname != "" {
		errs = append(errs, validation.ValidateDNS1123Label(a.Hostname, p.Child("hostname"))...)
	}
	if a.NodeName != nil {
		errs = append(errs, invalidEach(p.Child("nodeName"), *a.NodeName, validateNodeName(*a.NodeName, false))...)
	}
	return append(errs, validation.ValidateEndpointIP(a.IP, p.Child("ip"))...)
}

func validateEndpointPort(port *EndpointPort, requireName bool, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if requireName && port.Name == "" {
		errs = append(errs, meta.Required(p.Child("name"), ""))
	} else if port.Name != "" {
		errs = append(errs, validation.ValidateDNS1123Label(port.Name, p.Child("name"))...)
	}
	errs = append(errs, invalidEach(p.Child("port"), port.Port, validation.IsValidPortNum(int(port.Port)))...)
	errs = append(errs, validateProtocol(port.Protocol, p.Child("protocol"))...)
	if port.AppProtocol != nil {
		errs = append(errs, validation.ValidateQualifiedName(*port.AppProtocol, p.Child("appProtocol"))...)
	}
	return errs
}

// ---------------------------------------------------------------------------
// Nodes

// Validate checks a node on create: name, taints, pod CIDRs and the
// resource quantities of its status.
func (n *Node) Validate() meta.FieldErrors {
	errs := validation.ValidateObjectMeta(&n.ObjectMeta, false, validateNodeName, metadataPath)
	if len(n.Spec.Taints) > 0 {
		// Kubernetes reports taints under metadata, not spec.
		errs = append(errs, validateNodeTaints(n.Spec.Taints, metadataPath.Child("taints"))...)
	}
	errs = append(errs, validateNodeResources(n)...)
	if cidrs := n.podCIDRs(); len(cidrs) > 0 {
		cp := specPath.Child("podCIDRs")
		for i, c := range cidrs {
			errs = append(errs, invalidEach(cp.Index(i), c, validation.IsValidCIDRForLegacyField(c))...)
		}
		if len(cidrs) > 1 {
			a, _, _ := strings.Cut(cidrs[0], "/")
			b, _, _ := strings.Cut(cidrs[1], "/")
			if len(cidrs) > 2 || !isDualStack(a, b) {
				errs = append(errs, meta.Invalid(cp, cidrs, "may specify no more than one CIDR for each IP family"))
			}
		}
	}
	return errs
}

// podCIDRs returns spec.podCIDRs, or [spec.podCIDR] when only the legacy
// singular field is set.
func (n *Node) podCIDRs() []string {
	if len(n.Spec.PodCIDRs) == 0 && n.Spec.PodCIDR != "" {
		return []string{n.Spec.PodCIDR}
	}
	return n.Spec.PodCIDRs
}

// ValidateUpdate checks a node update: the node must be valid, pod CIDRs
// may only be set once, providerID may be set but not changed or cleared,
// externalID is fixed, and status addresses are unique.
func (n *Node) ValidateUpdate(old meta.Object) meta.FieldErrors {
	o, errs := oldAs[Node](old)
	if errs != nil {
		return errs
	}
	errs = validation.ValidateObjectMetaUpdate(&n.ObjectMeta, &o.ObjectMeta, metadataPath)
	errs = append(errs, n.Validate()...)
	seen := map[NodeAddress]bool{}
	for i, a := range n.Status.Addresses {
		if seen[a] {
			errs = append(errs, meta.Duplicate(statusPath.Child("addresses").Index(i), goNames{a}))
		}
		seen[a] = true
	}
	if oldCIDRs := o.podCIDRs(); len(oldCIDRs) > 0 && !slices.Equal(oldCIDRs, n.podCIDRs()) {
		errs = append(errs, meta.Forbidden(specPath.Child("podCIDRs"), "node updates may not change podCIDR except from \"\" to valid"))
	}
	if o.Spec.ProviderID != "" {
		if n.Spec.ProviderID == "" {
			errs = append(errs, meta.Invalid(specPath.Child("providerID"), nil, "field cannot be cleared once set"))
		} else if n.Spec.ProviderID != o.Spec.ProviderID {
			errs = append(errs, meta.Invalid(specPath.Child("providerID"), nil, "field cannot be modified once set"))
		}
	}
	if n.Spec.DoNotUseExternalID != o.Spec.DoNotUseExternalID {
		errs = append(errs, meta.Forbidden(specPath.Child("externalID"), "may not be updated"))
	}
	return errs
}

// ValidateStatusUpdate checks a write to the node's status (the kubelet's
// heartbeat): the same rules as ValidateUpdate.
func (n *Node) ValidateStatusUpdate(old meta.Object) meta.FieldErrors { return n.ValidateUpdate(old) }

func validateNodeResources(n *Node) meta.FieldErrors {
	var errs meta.FieldErrors
	for _, k := range sortedKeys(n.Status.Capacity) {
		errs = append(errs, ValidateResourceQuantityValue(ResourceName(k), n.Status.Capacity[ResourceName(k)], statusPath.Child("capacity", k))...)
	}
	for _, k := range sortedKeys(n.Status.Allocatable) {
		errs = append(errs, ValidateResourceQuantityValue(ResourceName(k), n.Status.Allocatable[ResourceName(k)], statusPath.Child("allocatable", k))...)
	}
	return errs
}

// validateNodeTaints checks taints: a qualified-name key, a label value, an
// effect, and no two with the same key and effect.
func validateNodeTaints(taints []Taint, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	type keyEffect struct {
		key    string
		effect TaintEffect
	}
	seen := map[keyEffect]bool{}
	for i, t := range taints {
		ip := p.Index(i)
		errs = append(errs, validation.ValidateLabelName(t.Key, ip.Child("key"))...)
		if msgs := validation.IsValidLabelValue(t.Value); len(msgs) > 0 {
			errs = append(errs, meta.Invalid(ip.Child("value"), t.Value, strings.Join(msgs, ";")))
		}
		if t.Effect == "" {
			errs = append(errs, meta.Required(ip.Child("effect"), ""))
		} else {
			errs = append(errs, validateTaintEffect(t.Effect, ip.Child("effect"))...)
		}
		k := keyEffect{t.Key, t.Effect}
		if seen[k] {
			e := meta.Duplicate(ip, goNames{t})
			e.Detail = "taints must be unique by key and effect pair"
			errs = append(errs, e)
			continue
		}
		seen[k] = true
	}
	return errs
}

// ---------------------------------------------------------------------------
// Namespaces

// Validate checks a namespace on create: a DNS label name and valid
// finalizer names.
func (ns *Namespace) Validate() meta.FieldErrors {
	errs := validation.ValidateObjectMeta(&ns.ObjectMeta, false, validateNamespaceName, metadataPath)
	return append(errs, validateNamespaceFinalizers(ns.Spec.Finalizers, false)...)
}

func validateNamespaceFinalizers(fs []FinalizerName, indexed bool) meta.FieldErrors {
	var errs meta.FieldErrors
	fp := specPath.Child("finalizers")
	for i, f := range fs {
		p := fp
		if indexed {
			p = fp.Index(i)
		}
		errs = append(errs, validation.ValidateFinalizerName(string(f), p)...)
		errs = append(errs, validation.ValidateKubeFinalizerName(string(f), p)...)
	}
	return errs
}

// ValidateUpdate checks a namespace update: only the metadata rules, as in
// Kubernetes. Changes to spec.finalizers go through the finalize
// subresource (ValidateFinalize); the API server keeps the stored spec and
// status on a plain update, as Kubernetes' namespace strategy does.
func (ns *Namespace) ValidateUpdate(old meta.Object) meta.FieldErrors {
	o, errs := oldAs[Namespace](old)
	if errs != nil {
		return errs
	}
	return validation.ValidateObjectMetaUpdate(&ns.ObjectMeta, &o.ObjectMeta, metadataPath)
}

// ValidateStatusUpdate checks a write to the namespace's status: the phase
// is Active while no deletion is requested, and Terminating after.
func (ns *Namespace) ValidateStatusUpdate(old meta.Object) meta.FieldErrors {
	o, errs := oldAs[Namespace](old)
	if errs != nil {
		return errs
	}
	errs = validation.ValidateObjectMetaUpdate(&ns.ObjectMeta, &o.ObjectMeta, metadataPath)
	// Kubernetes capitalises this path.
	pp := statusPath.Child("Phase")
	if ns.DeletionTimestamp == nil || ns.DeletionTimestamp.IsZero() {
		if ns.Status.Phase != NamespaceActive {
			errs = append(errs, meta.Invalid(pp, ns.Status.Phase, "may only be 'Active' if `deletionTimestamp` is empty"))
		}
	} else if ns.Status.Phase != NamespaceTerminating {
		errs = append(errs, meta.Invalid(pp, ns.Status.Phase, "may only be 'Terminating' if `deletionTimestamp` is not empty"))
	}
	return errs
}

// ValidateFinalize checks a write to the namespace's finalize subresource,
// which replaces spec.finalizers.
func (ns *Namespace) ValidateFinalize(old meta.Object) meta.FieldErrors {
	o, errs := oldAs[Namespace](old)
	if errs != nil {
		return errs
	}
	errs = validation.ValidateObjectMetaUpdate(&ns.ObjectMeta, &o.ObjectMeta, metadataPath)
	return append(errs, validateNamespaceFinalizers(ns.Spec.Finalizers, true)...)
}

// ---------------------------------------------------------------------------
// ConfigMaps, Secrets, ServiceAccounts

// Validate checks a config map on create: keys are valid, not in both data
// and binaryData, and the values total at most 1 MiB.
func (c *ConfigMap) Validate() meta.FieldErrors {
	errs := validation.ValidateObjectMeta(&c.ObjectMeta, true, validateConfigMapName, metadataPath)
	total := 0
	dp, bp := meta.NewPath("data"), meta.NewPath("binaryData")
	for _, k := range sortedKeys(c.Data) {
		errs = append(errs, invalidEach(dp.Key(k), k, validation.IsConfigMapKey(k))...)
		if _, dup := c.BinaryData[k]; dup {
			errs = append(errs, meta.Invalid(dp.Key(k), k, "duplicate of key present in binaryData"))
		}
		total += len(c.Data[k])
	}
	for _, k := range sortedKeys(c.BinaryData) {
		errs = append(errs, invalidEach(bp.Key(k), k, validation.IsConfigMapKey(k))...)
		total += len(c.BinaryData[k])
	}
	if total > MaxSecretSize {
		// Reported for the whole object, at an empty path.
		errs = append(errs, meta.TooLong(meta.NewPath(""), MaxSecretSize))
	}
	return errs
}

// ValidateUpdate checks a config map update: an immutable config map keeps
// its data and stays immutable.
func (c *ConfigMap) ValidateUpdate(old meta.Object) meta.FieldErrors {
	o, errs := oldAs[ConfigMap](old)
	if errs != nil {
		return errs
	}
	errs = validation.ValidateObjectMetaUpdate(&c.ObjectMeta, &o.ObjectMeta, metadataPath)
	if o.Immutable != nil && *o.Immutable {
		const msg = "field is immutable when `immutable` is set"
		if c.Immutable == nil || !*c.Immutable {
			errs = append(errs, meta.Forbidden(meta.NewPath("immutable"), msg))
		}
		if !validation.SemanticEqual(c.Data, o.Data) {
			errs = append(errs, meta.Forbidden(meta.NewPath("data"), msg))
		}
		if !validation.SemanticEqual(c.BinaryData, o.BinaryData) {
			errs = append(errs, meta.Forbidden(meta.NewPath("binaryData"), msg))
		}
	}
	return append(errs, c.Validate()...)
}

// secretData returns the secret's data with stringData merged in, as
// Kubernetes sees it when validating (it merges stringData on decoding).
func (s *Secret) secretData() map[string][]byte {
	if len(s.StringData) == 0 {
		return s.Data
	}
	d := make(map[string][]byte, len(s.Data)+len(s.StringData))
	for k, v := range s.Data {
		d[k] = v
	}
	for k, v := range s.StringData {
		d[k] = []byte(v)
	}
	return d
}

// Validate checks a secret on create: valid keys, at most 1 MiB of data,
// and the keys its type requires (tls.crt and tls.key for
// kubernetes.io/tls, .dockerconfigjson holding JSON for
// kubernetes.io/dockerconfigjson, the service account annotation for
// kubernetes.io/service-account-token, ...).
func (s *Secret) Validate() meta.FieldErrors {
	errs := validation.ValidateObjectMeta(&s.ObjectMeta, true, validateSecretName, metadataPath)
	dp := meta.NewPath("data")
	data := s.secretData()
	total := 0
	for _, k := range sortedKeys(s.Data) {
		errs = append(errs, invalidEach(dp.Key(k), k, validation.IsConfigMapKey(k))...)
	}
	for _, k := range sortedKeys(s.StringData) {
		errs = append(errs, invalidEach(meta.NewPath("stringData").Key(k), k, validation.IsConfigMapKey(k))...)
	}
	for _, v := range data {
		total += len(v)
	}
	if total > MaxSecretSize {
		errs = append(errs, meta.TooLong(dp, MaxSecretSize))
	}
	const redacted = "<secret contents redacted>"
	switch s.Type {
	case SecretTypeServiceAccountToken:
		// The uid annotation and the token are filled in by a controller.
		if s.Annotations[ServiceAccountNameKey] == "" {
			errs = append(errs, meta.Required(metadataPath.Child("annotations").Key(ServiceAccountNameKey), ""))
		}
	case SecretTypeDockercfg, SecretTypeDockerConfigJSON:
		key := DockerConfigKey
		if s.Type == SecretTypeDockerConfigJSON {
			key = DockerConfigJSONKey
		}
		b, ok := data[key]
		if !ok {
			errs = append(errs, meta.Required(dp.Key(key), ""))
			break
		}
		if err := json.Unmarshal(b, &map[string]any{}); err != nil {
			errs = append(errs, meta.Invalid(dp.Key(key), redacted, err.Error()))
		}
	case SecretTypeBasicAuth:
		_, u := data[BasicAuthUsernameKey]
		_, pw := data[BasicAuthPasswordKey]
		if !u && !pw {
			errs = append(errs, meta.Required(dp.Key(BasicAuthUsernameKey), ""), meta.Required(dp.Key(BasicAuthPasswordKey), ""))
		}
	case SecretTypeSSHAuth:
		if len(data[SSHAuthPrivateKey]) == 0 {
			errs = append(errs, meta.Required(dp.Key(SSHAuthPrivateKey), ""))
		}
	case SecretTypeTLS:
		if _, ok := data[TLSCertKey]; !ok {
			errs = append(errs, meta.Required(dp.Key(TLSCertKey), ""))
		}
		if _, ok := data[TLSPrivateKeyKey]; !ok {
			errs = append(errs, meta.Required(dp.Key(TLSPrivateKeyKey), ""))
		}
	}
	return errs
}

// ValidateUpdate checks a secret update: the type is fixed, and an
// immutable secret keeps its data and stays immutable.
func (s *Secret) ValidateUpdate(old meta.Object) meta.FieldErrors {
	o, errs := oldAs[Secret](old)
	if errs != nil {
		return errs
	}
	errs = validation.ValidateObjectMetaUpdate(&s.ObjectMeta, &o.ObjectMeta, metadataPath)
	errs = append(errs, validation.ImmutableField(s.Type, o.Type, meta.NewPath("type"))...)
	if o.Immutable != nil && *o.Immutable {
		const msg = "field is immutable when `immutable` is set"
		if s.Immutable == nil || !*s.Immutable {
			errs = append(errs, meta.Forbidden(meta.NewPath("immutable"), msg))
		}
		if !validation.SemanticEqual(s.secretData(), o.secretData()) {
			errs = append(errs, meta.Forbidden(meta.NewPath("data"), msg))
		}
	}
	return append(errs, s.Validate()...)
}

// Validate checks a service account on create: only its metadata.
func (sa *ServiceAccount) Validate() meta.FieldErrors {
	return validation.ValidateObjectMeta(&sa.ObjectMeta, true, validateServiceAccountName, metadataPath)
}

// ValidateUpdate checks a service account update.
func (sa *ServiceAccount) ValidateUpdate(old meta.Object) meta.FieldErrors {
	o, errs := oldAs[ServiceAccount](old)
	if errs != nil {
		return errs
	}
	errs = validation.ValidateObjectMetaUpdate(&sa.ObjectMeta, &o.ObjectMeta, metadataPath)
	return append(errs, sa.Validate()...)
}

// ---------------------------------------------------------------------------
// Persistent volumes and claims

func validateAccessModes(modes []PersistentVolumeAccessMode, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	rwop, other := false, false
	for _, m := range modes {
		switch m {
		case ReadWriteOncePod:
			rwop = true
		case ReadWriteOnce, ReadOnlyMany, ReadWriteMany:
			other = true
		default:
			errs = append(errs, notSupported(p, m, ReadOnlyMany, ReadWriteMany, ReadWriteOnce, ReadWriteOncePod))
		}
	}
	if rwop && other {
		errs = append(errs, meta.Forbidden(p, "may not use ReadWriteOncePod with other access modes"))
	}
	return errs
}

// Validate checks a persistent volume on create: access modes, a positive
// storage capacity (the only capacity), exactly one volume source, the
// reclaim policy and volume mode.
func (pv *PersistentVolume) Validate() meta.FieldErrors {
	errs := validation.ValidateObjectMeta(&pv.ObjectMeta, false, validation.NameIsDNSSubdomain, metadataPath)
	return append(errs, ValidatePersistentVolumeSpec(&pv.Spec, pv.Name, false, specPath)...)
}

// ValidatePersistentVolumeSpec checks a persistent volume's spec at path;
// name is the volume's name. With inline set it checks the spec inlined in
// a VolumeAttachment instead: a CSI volume without claim reference,
// capacity, node affinity or storage class, reclaimed by Retain, of mode
// Filesystem.
func ValidatePersistentVolumeSpec(spec *PersistentVolumeSpec, name string, inline bool, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	const inlineMsg = "may not be specified in the context of inline volumes"
	if inline {
		if spec.ClaimRef != nil {
			errs = append(errs, meta.Forbidden(p.Child("claimRef"), inlineMsg))
		}
		if len(spec.Capacity) != 0 {
			errs = append(errs, meta.Forbidden(p.Child("capacity"), inlineMsg))
		}
		if spec.CSI == nil {
			errs = append(errs, meta.Required(p.Child("csi"), "has to be specified in the context of inline volumes"))
		}
	}
	if len(spec.AccessModes) == 0 {
		errs = append(errs, meta.Required(p.Child("accessModes"), ""))
	}
	errs = append(errs, validateAccessModes(spec.AccessModes, p.Child("accessModes"))...)
	if !inline {
		cp := p.Child("capacity")
		if len(spec.Capacity) == 0 {
			errs = append(errs, meta.Required(cp, ""))
		}
		if _, ok := spec.Capacity[ResourceStorage]; !ok || len(spec.Capacity) > 1 {
			errs = append(errs, notSupported(cp, spec.Capacity, ResourceStorage))
		}
		for _, k := range sortedKeys(spec.Capacity) {
			q := spec.Capacity[ResourceName(k)]
			if q.Value() < 0 {
				errs = append(errs, meta.Invalid(cp.Key(k), q.Value(), "must be a valid resource quantity"))
			}
			errs = append(errs, validation.ValidatePositiveQuantity(q, cp.Key(k))...)
		}
	}
	if rp := spec.PersistentVolumeReclaimPolicy; rp != "" {
		switch {
		case inline:
			if rp != PersistentVolumeReclaimRetain {
				errs = append(errs, meta.Forbidden(p.Child("persistentVolumeReclaimPolicy"), "may only be Retain in the context of inline volumes"))
			}
		case rp != PersistentVolumeReclaimDelete && rp != PersistentVolumeReclaimRecycle && rp != PersistentVolumeReclaimRetain:
			errs = append(errs, notSupported(p.Child("persistentVolumeReclaimPolicy"), rp,
				PersistentVolumeReclaimDelete, PersistentVolumeReclaimRecycle, PersistentVolumeReclaimRetain))
		}
	}
	affinitySet := false
	if na := spec.NodeAffinity; na != nil && inline {
		errs = append(errs, meta.Forbidden(p.Child("nodeAffinity"), inlineMsg))
	} else if na != nil {
		affinitySet = true
		if na.Required != nil {
			errs = append(errs, ValidateNodeSelector(na.Required, p.Child("nodeAffinity", "required"))...)
		} else {
			errs = append(errs, meta.Required(p.Child("nodeAffinity", "required"), "must specify required node constraints"))
		}
	}
	n := 0
	one := func(set bool, field string, check func(*meta.Path) meta.FieldErrors) {
		if !set {
			return
		}
		if n > 0 {
			errs = append(errs, meta.Forbidden(p.Child(field), "may not specify more than 1 volume type"))
			return
		}
		n++
		errs = append(errs, check(p.Child(field))...)
	}
	src := &spec.PersistentVolumeSource
	one(src.HostPath != nil, "hostPath", func(sp *meta.Path) meta.FieldErrors { return validateHostPathVolumeSource(src.HostPath, sp) })
	one(src.NFS != nil, "nfs", func(sp *meta.Path) meta.FieldErrors { return validateNFSVolumeSource(src.NFS, sp) })
	one(src.ISCSI != nil, "iscsi", func(sp *meta.Path) meta.FieldErrors {
		is := src.ISCSI
		var e meta.FieldErrors
		if is.InitiatorName != nil && len(name+":"+is.TargetPortal) > 64 {
			e = append(e, meta.Invalid(sp.Child("targetportal"), is.TargetPortal,
				"Total length of <volume name>:<iscsi.targetPortal> must be under 64 characters if iscsi.initiatorName is specified."))
		}
		e = append(e, validateISCSI(is.TargetPortal, is.IQN, is.Lun, is.DiscoveryCHAPAuth || is.SessionCHAPAuth, is.SecretRef != nil, is.InitiatorName, sp)...)
		if is.SecretRef != nil && is.SecretRef.Name == "" {
			e = append(e, meta.Required(sp.Child("secretRef", "name"), ""))
		}
		return e
	})
	one(src.FC != nil, "fc", func(sp *meta.Path) meta.FieldErrors { return validateFCVolumeSource(src.FC, sp) })
	one(src.Local != nil, "local", func(sp *meta.Path) meta.FieldErrors {
		var e meta.FieldErrors
		if src.Local.Path == "" {
			e = append(e, meta.Required(sp.Child("path"), ""))
		} else {
			e = append(e, validatePathNoBacksteps(src.Local.Path, sp.Child("path"))...)
		}
		if !affinitySet {
			e = append(e, meta.Required(p.Child("nodeAffinity"), "Local volume requires node affinity"))
		}
		return e
	})
	one(src.CSI != nil, "csi", func(sp *meta.Path) meta.FieldErrors {
		c := src.CSI
		e := ValidateCSIDriverName(c.Driver, sp.Child("driver"))
		if c.VolumeHandle == "" {
			e = append(e, meta.Required(sp.Child("volumeHandle"), ""))
		}
		for _, r := range []struct {
			name string
			ref  *SecretReference
		}{
			{"controllerPublishSecretRef", c.ControllerPublishSecretRef},
			{"controllerExpandSecretRef", c.ControllerExpandSecretRef},
			{"nodePublishSecretRef", c.NodePublishSecretRef},
			{"nodeExpandSecretRef", c.NodeExpandSecretRef},
			{"nodeStageSecretRef", c.NodeStageSecretRef},
		} {
			if r.ref != nil {
				e = append(e, validateSecretReference(r.ref, sp.Child(r.name))...)
			}
		}
		return e
	})
	if n == 0 {
		errs = append(errs, meta.Required(p, "must specify a volume type"))
	}
	if src.HostPath != nil && path.Clean(src.HostPath.Path) == "/" && spec.PersistentVolumeReclaimPolicy == PersistentVolumeReclaimRecycle {
		errs = append(errs, meta.Forbidden(p.Child("persistentVolumeReclaimPolicy"), "may not be 'recycle' for a hostPath mount of '/'"))
	}
	if spec.StorageClassName != "" {
		if inline {
			errs = append(errs, meta.Forbidden(p.Child("storageClassName"), inlineMsg))
		} else {
			errs = append(errs, invalidEach(p.Child("storageClassName"), spec.StorageClassName, validateClassName(spec.StorageClassName, false))...)
		}
	}
	if vm := spec.VolumeMode; vm != nil {
		switch {
		case inline:
			if *vm != PersistentVolumeFilesystem {
				errs = append(errs, meta.Forbidden(p.Child("volumeMode"), "may not specify volumeMode other than Filesystem in the context of inline volumes"))
			}
		case *vm != PersistentVolumeBlock && *vm != PersistentVolumeFilesystem:
			errs = append(errs, notSupported(p.Child("volumeMode"), *vm, PersistentVolumeBlock, PersistentVolumeFilesystem))
		}
	}
	if vac := spec.VolumeAttributesClassName; vac != nil {
		if *vac == "" {
			errs = append(errs, meta.Required(p.Child("volumeAttributesClassName"), "an empty string is disallowed"))
		} else {
			errs = append(errs, invalidEach(p.Child("volumeAttributesClassName"), *vac, validateClassName(*vac, false))...)
		}
		if src.CSI == nil {
			errs = append(errs, meta.Required(p.Child("csi"), "has to be specified when using volumeAttributesClassName"))
		}
	}
	return errs
}

func validateSecretReference(r *SecretReference, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if r.Name == "" {
		errs = append(errs, meta.Required(p.Child("name"), ""))
	} else {
		errs = append(errs, validation.ValidateDNS1123Subdomain(r.Name, p.Child("name"))...)
	}
	if r.Namespace == "" {
		errs = append(errs, meta.Required(p.Child("namespace"), ""))
	} else {
		errs = append(errs, validation.ValidateDNS1123Label(r.Namespace, p.Child("namespace"))...)
	}
	return errs
}

// ValidateUpdate checks a persistent volume update: the volume source and
// mode are fixed, and a volume attributes class, once set, stays set.
func (pv *PersistentVolume) ValidateUpdate(old meta.Object) meta.FieldErrors {
	o, errs := oldAs[PersistentVolume](old)
	if errs != nil {
		return errs
	}
	errs = validation.ValidateObjectMetaUpdate(&pv.ObjectMeta, &o.ObjectMeta, metadataPath)
	errs = append(errs, pv.Validate()...)
	newSrc := pv.Spec.PersistentVolumeSource
	// The controller expand secret may be added to an existing CSI volume.
	if o.Spec.CSI != nil && o.Spec.CSI.ControllerExpandSecretRef == nil && newSrc.CSI != nil && newSrc.CSI.ControllerExpandSecretRef != nil {
		c := *newSrc.CSI
		c.ControllerExpandSecretRef = nil
		newSrc.CSI = &c
	}
	if !validation.SemanticEqual(newSrc, o.Spec.PersistentVolumeSource) {
		errs = append(errs, meta.Forbidden(specPath.Child("persistentvolumesource"),
			"spec.persistentvolumesource is immutable after creation\n"+validation.Diff(o.Spec.PersistentVolumeSource, newSrc)))
	}
	// Kubernetes reports this one without the spec prefix.
	errs = append(errs, validation.ImmutableField(pv.Spec.VolumeMode, o.Spec.VolumeMode, meta.NewPath("volumeMode"))...)
	if o.Spec.VolumeAttributesClassName != nil && pv.Spec.VolumeAttributesClassName == nil {
		errs = append(errs, meta.Forbidden(specPath.Child("volumeAttributesClassName"), "update from non-nil value to nil is forbidden"))
	}
	return errs
}

// ValidateStatusUpdate checks a write to the volume's status.
func (pv *PersistentVolume) ValidateStatusUpdate(old meta.Object) meta.FieldErrors {
	o, errs := oldAs[PersistentVolume](old)
	if errs != nil {
		return errs
	}
	return validation.ValidateObjectMetaUpdate(&pv.ObjectMeta, &o.ObjectMeta, metadataPath)
}

// Validate checks a claim on create: access modes, a positive storage
// request, class name, volume mode and data sources.
func (pvc *PersistentVolumeClaim) Validate() meta.FieldErrors {
	errs := validation.ValidateObjectMeta(&pvc.ObjectMeta, true, validation.NameIsDNSSubdomain, metadataPath)
	return append(errs, ValidatePersistentVolumeClaimSpec(&pvc.Spec, specPath)...)
}

// ValidatePersistentVolumeClaimTemplate checks a claim template (ephemeral
// volumes; StatefulSet volumeClaimTemplates use
// ValidatePersistentVolumeClaimSpec): only labels and annotations may be
// set in its metadata, and the spec must be valid.
func ValidatePersistentVolumeClaimTemplate(t *PersistentVolumeClaimTemplate, p *meta.Path) meta.FieldErrors {
	mp := p.Child("metadata")
	errs := validation.ValidateAnnotations(t.Annotations, mp.Child("annotations"))
	errs = append(errs, validation.ValidateLabels(t.Labels, mp.Child("labels"))...)
	// Only labels and annotations are copied to the claim; the other
	// metadata fields, by their JSON names, may not be set.
	m := t.ObjectMeta
	m.Labels, m.Annotations = nil, nil
	if !validation.SemanticEqual(m, meta.ObjectMeta{}) {
		var fields map[string]json.RawMessage
		raw, err := json.Marshal(m)
		if err == nil {
			err = json.Unmarshal(raw, &fields)
		}
		if err != nil {
			return append(errs, meta.InternalFieldError(mp, err))
		}
		for _, k := range sortedKeys(fields) {
			errs = append(errs, meta.Forbidden(mp.Child(k), "cannot be set"))
		}
	}
	return append(errs, ValidatePersistentVolumeClaimSpec(&t.Spec, p.Child("spec"))...)
}

// ValidatePersistentVolumeClaimSpec checks a claim's spec at path: at least
// one access mode, a positive storage request, and valid selector, class,
// volume mode and data sources.
func ValidatePersistentVolumeClaimSpec(spec *PersistentVolumeClaimSpec, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if len(spec.AccessModes) == 0 {
		errs = append(errs, meta.Required(p.Child("accessModes"), "at least 1 access mode is required"))
	}
	if spec.Selector != nil {
		errs = append(errs, validation.ValidateLabelSelector(spec.Selector, validation.LabelSelectorOptions{}, p.Child("selector"))...)
	}
	errs = append(errs, validateAccessModes(spec.AccessModes, p.Child("accessModes"))...)
	// Kubernetes reports the storage request as resources[storage].
	sp := p.Child("resources").Key(string(ResourceStorage))
	if q, ok := spec.Resources.Requests[ResourceStorage]; !ok {
		errs = append(errs, meta.Required(sp, ""))
	} else if e := validation.ValidatePositiveQuantity(q, sp); len(e) > 0 {
		errs = append(errs, e...)
	} else {
		errs = append(errs, ValidateResourceQuantityValue(ResourceStorage, q, sp)...)
	}
	if sc := spec.StorageClassName; sc != nil && *sc != "" {
		errs = append(errs, invalidEach(p.Child("storageClassName"), *sc, validateClassName(*sc, false))...)
	}
	if vm := spec.VolumeMode; vm != nil && *vm != PersistentVolumeBlock && *vm != PersistentVolumeFilesystem {
		errs = append(errs, notSupported(p.Child("volumeMode"), *vm, PersistentVolumeBlock, PersistentVolumeFilesystem))
	}
	if ds := spec.DataSource; ds != nil {
		errs = append(errs, validateDataSource(ds.APIGroup, ds.Kind, ds.Name, nil, p.Child("dataSource"))...)
	}
	if dr := spec.DataSourceRef; dr != nil {
		errs = append(errs, validateDataSource(dr.APIGroup, dr.Kind, dr.Name, dr.Namespace, p.Child("dataSourceRef"))...)
	}
	if dr := spec.DataSourceRef; dr != nil && dr.Namespace != nil && *dr.Namespace != "" {
		if spec.DataSource != nil {
			errs = append(errs, meta.Invalid(p, p.Child("dataSource").String(), "may not be specified when dataSourceRef.namespace is specified"))
		}
	} else if ds := spec.DataSource; ds != nil && dr != nil {
		if !validation.SemanticEqual(ds.APIGroup, dr.APIGroup) || ds.Kind != dr.Kind || ds.Name != dr.Name {
			errs = append(errs, meta.Invalid(p, p.Child("dataSource").String(), "must match dataSourceRef"))
		}
	}
	if vac := spec.VolumeAttributesClassName; vac != nil && *vac != "" {
		errs = append(errs, invalidEach(p.Child("volumeAttributesClassName"), *vac, validateClassName(*vac, false))...)
	}
	return errs
}

func validateDataSource(apiGroup *string, kind, name string, namespace *string, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if name == "" {
		errs = append(errs, meta.Required(p.Child("name"), ""))
	}
	if kind == "" {
		errs = append(errs, meta.Required(p.Child("kind"), ""))
	}
	group := ""
	if apiGroup != nil {
		group = *apiGroup
	}
	if group == "" && kind != "PersistentVolumeClaim" {
		errs = append(errs, meta.Invalid(p, kind, "must be 'PersistentVolumeClaim' when referencing the default apiGroup"))
	}
	if group != "" {
		errs = append(errs, invalidEach(p.Child("apiGroup"), group, validation.IsDNS1123Subdomain(group))...)
	}
	if namespace != nil && *namespace != "" {
		errs = append(errs, invalidEach(p.Child("namespace"), *namespace, validateNamespaceName(*namespace, false))...)
	}
	return errs
}

// ValidateUpdate checks a claim update. The spec is immutable, except that
// volumeName may be set once, and a bound claim may change its storage
// request (never below the previous request) and volume attributes class.
func (pvc *PersistentVolumeClaim) ValidateUpdate(old meta.Object) meta.FieldErrors {
	o, errs := oldAs[PersistentVolumeClaim](old)
	if errs != nil {
		return errs
	}
	errs = validation.ValidateObjectMetaUpdate(&pvc.ObjectMeta, &o.ObjectMeta, metadataPath)
	errs = append(errs, pvc.Validate()...)
	newSpec, oldSpec := meta.DeepCopy(pvc.Spec), meta.DeepCopy(o.Spec)
	if oldSpec.VolumeName == "" {
		oldSpec.VolumeName = newSpec.VolumeName
	}
	// A claim created before storageClassName existed may set it once to
	// the class it had in the beta annotation, or leave nil for a class.
	const betaClass = "volume.beta.kubernetes.io/storage-class"
	oldAnn, oldHasAnn := o.Annotations[betaClass]
	newAnn, newHasAnn := pvc.Annotations[betaClass]
	switch {
	case oldHasAnn && oldSpec.StorageClassName == nil && newSpec.StorageClassName != nil &&
		*newSpec.StorageClassName == oldAnn && (!newHasAnn || newAnn == oldAnn):
		newSpec.StorageClassName = nil
	default:
		if newAnn != oldAnn {
			errs = append(errs, meta.Invalid(metadataPath.Child("annotations", betaClass), newAnn, validation.FieldImmutableErrorMsg))
		}
		if newSpec.StorageClassName != nil && oldSpec.StorageClassName == nil && (!oldHasAnn || *newSpec.StorageClassName == oldAnn) {
			newSpec.StorageClassName = oldSpec.StorageClassName
		}
	}
	if pvc.Status.Phase == ClaimBound {
		if newSpec.Resources.Requests != nil {
			if q, ok := o.Spec.Resources.Requests[ResourceStorage]; ok {
				newSpec.Resources.Requests[ResourceStorage] = q
			} else {
				delete(newSpec.Resources.Requests, ResourceStorage)
			}
		}
		newSpec.VolumeAttributesClassName = oldSpec.VolumeAttributesClassName
	}
	if !validation.SemanticEqual(newSpec, oldSpec) {
		errs = append(errs, meta.Forbidden(specPath, "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n"+
			validation.Diff(oldSpec, newSpec)))
	}
	oldSize, newSize := o.Spec.Resources.Requests[ResourceStorage], pvc.Spec.Resources.Requests[ResourceStorage]
	if newSize.Cmp(oldSize) < 0 {
		// Kubernetes (RecoverVolumeExpansionFailure, on since 1.34) lets a
		// failed expansion shrink back, down to more than the capacity.
		if newSize.Cmp(o.Status.Capacity[ResourceStorage]) <= 0 {
			errs = append(errs, meta.Forbidden(specPath.Child("resources", "requests", "storage"), "field can not be less than status.capacity"))
		}
	}
	errs = append(errs, validation.ImmutableField(pvc.Spec.VolumeMode, o.Spec.VolumeMode, meta.NewPath("volumeMode"))...)
	if o.Status.CurrentVolumeAttributesClassName != nil && !validation.SemanticEqual(o.Spec.VolumeAttributesClassName, pvc.Spec.VolumeAttributesClassName) {
		vp := specPath.Child("volumeAttributesClassName")
		if pvc.Spec.VolumeAttributesClassName == nil {
			errs = append(errs, meta.Forbidden(vp, "update to nil is forbidden when status.currentVolumeAttributesClassName is not nil"))
		} else if *pvc.Spec.VolumeAttributesClassName == "" {
			errs = append(errs, meta.Forbidden(vp, "update to empty string is forbidden when status.currentVolumeAttributesClassName is not nil"))
		}
	}
	return errs
}

// ValidateStatusUpdate checks a write to the claim's status: capacities
// are valid quantities.
func (pvc *PersistentVolumeClaim) ValidateStatusUpdate(old meta.Object) meta.FieldErrors {
	o, errs := oldAs[PersistentVolumeClaim](old)
	if errs != nil {
		return errs
	}
	errs = validation.ValidateObjectMetaUpdate(&pvc.ObjectMeta, &o.ObjectMeta, metadataPath)
	if len(pvc.Spec.AccessModes) == 0 {
		errs = append(errs, meta.Required(meta.NewPath("Spec", "accessModes"), ""))
	}
	cp := statusPath.Child("capacity")
	for _, k := range sortedKeys(pvc.Status.Capacity) {
		errs = append(errs, ValidateResourceQuantityValue(ResourceName(k), pvc.Status.Capacity[ResourceName(k)], cp.Key(k))...)
	}
	ap := statusPath.Child("allocatedResources")
	for _, k := range sortedKeys(pvc.Status.AllocatedResources) {
		errs = append(errs, ValidateResourceQuantityValue(ResourceName(k), pvc.Status.AllocatedResources[ResourceName(k)], ap.Key(k))...)
	}
	return errs
}

// ---------------------------------------------------------------------------
// Events

// Limits of the newer event fields.
const (
	eventReportingInstanceLimit = 128
	eventActionLimit            = 128
	eventReasonLimit            = 128
	eventNoteLimit              = 1024
)

// Validate checks a core/v1 event. Kubernetes is lenient here: legacy
// events (no eventTime) only need their namespace to match the involved
// object's; events with an eventTime also need a reporting controller and
// instance, an action and a reason, within size limits. The name need
// only be usable in a URL path.
func (e *Event) Validate() meta.FieldErrors {
	errs := validation.ValidateObjectMeta(&e.ObjectMeta, true, validation.ValidatePathSegmentName, metadataPath)
	return append(errs, e.validateLegacy()...)
}

func (e *Event) validateLegacy() meta.FieldErrors {
	var errs meta.FieldErrors
	nsPath := meta.NewPath("involvedObject", "namespace")
	const mismatch = "does not match event.namespace"
	if e.EventTime.IsZero() {
		if e.InvolvedObject.Namespace == "" {
			// Events about cluster-scoped objects live in default.
			if e.Namespace != "" && e.Namespace != NamespaceDefault {
				errs = append(errs, meta.Invalid(nsPath, e.InvolvedObject.Namespace, mismatch))
			}
		} else if e.Namespace != e.InvolvedObject.Namespace {
			errs = append(errs, meta.Invalid(nsPath, e.InvolvedObject.Namespace, mismatch))
		}
		return errs
	}
	if e.InvolvedObject.Namespace == "" && e.Namespace != NamespaceDefault && e.Namespace != NamespaceSystem {
		errs = append(errs, meta.Invalid(nsPath, e.InvolvedObject.Namespace, mismatch))
	}
	rc := meta.NewPath("reportingComponent")
	if e.ReportingController == "" {
		errs = append(errs, meta.Required(rc, ""))
	}
	errs = append(errs, validation.ValidateQualifiedName(e.ReportingController, rc)...)
	limit := func(v string, field string, n int) {
		if v == "" && field != "message" {
			errs = append(errs, meta.Required(meta.NewPath(field), ""))
		}
		if len(v) > n {
			errs = append(errs, meta.Invalid(meta.NewPath(field), "", fmt.Sprintf("can have at most %v characters", n)))
		}
	}
	limit(e.ReportingInstance, "reportingInstance", eventReportingInstanceLimit)
	limit(e.Action, "action", eventActionLimit)
	limit(e.Reason, "reason", eventReasonLimit)
	limit(e.Message, "message", eventNoteLimit)
	return errs
}

// ValidateUpdate checks an event update (the event recorder bumps count and
// lastTimestamp): the metadata rules and the create rules.
func (e *Event) ValidateUpdate(old meta.Object) meta.FieldErrors {
	o, errs := oldAs[Event](old)
	if errs != nil {
		return errs
	}
	errs = validation.ValidateObjectMetaUpdate(&e.ObjectMeta, &o.ObjectMeta, metadataPath)
	return append(errs, e.validateLegacy()...)
}

// ---------------------------------------------------------------------------
// LimitRanges and ResourceQuotas

// Validate checks a limit range: standard limit types, each once; resource
// names valid for the type; min <= default request <= default <= max; and
// a maxLimitRequestRatio of at least 1 that max/min allows.
func (lr *LimitRange) Validate() meta.FieldErrors {
	errs := validation.ValidateObjectMeta(&lr.ObjectMeta, true, validation.NameIsDNSSubdomain, metadataPath)
	lp := specPath.Child("limits")
	types := map[LimitType]bool{}
	for i := range lr.Spec.Limits {
		it := &lr.Spec.Limits[i]
		ip := lp.Index(i)
		tp := ip.Child("type")
		if msgs := validation.IsQualifiedName(string(it.Type)); len(msgs) > 0 {
			errs = append(errs, invalidEach(tp, it.Type, msgs)...)
		} else if !strings.Contains(string(it.Type), "/") && it.Type != LimitTypePod && it.Type != LimitTypeContainer && it.Type != LimitTypePersistentVolumeClaim {
			errs = append(errs, meta.Invalid(tp, it.Type, "must be a standard limit type or fully qualified"))
		}
		if types[it.Type] {
			errs = append(errs, meta.Duplicate(tp, it.Type))
		}
		types[it.Type] = true

		nameFn := validateResourceName
		if it.Type == LimitTypePod || it.Type == LimitTypeContainer {
			nameFn = ValidateContainerResourceName
		}
		keys := map[string]bool{}
		check := func(l ResourceList, field string) {
			for _, k := range sortedKeys(l) {
				errs = append(errs, nameFn(ResourceName(k), ip.Child(field).Key(k))...)
				keys[k] = true
			}
		}
		check(it.Max, "max")
		check(it.Min, "min")
		if it.Type == LimitTypePod {
			if len(it.Default) > 0 {
				errs = append(errs, meta.Forbidden(ip.Child("default"), "may not be specified when `type` is 'Pod'"))
			}
			if len(it.DefaultRequest) > 0 {
				errs = append(errs, meta.Forbidden(ip.Child("defaultRequest"), "may not be specified when `type` is 'Pod'"))
			}
		} else {
			check(it.Default, "default")
			check(it.DefaultRequest, "defaultRequest")
		}
		if it.Type == LimitTypePersistentVolumeClaim {
			_, hasMin := it.Min[ResourceStorage]
			_, hasMax := it.Max[ResourceStorage]
			if !hasMin && !hasMax {
				errs = append(errs, meta.Required(ip.Child("limits"), "either minimum or maximum storage value is required, but neither was provided"))
			}
		}
		check(it.MaxLimitRequestRatio, "maxLimitRequestRatio")
		for _, k := range sortedKeys(keys) {
			errs = append(errs, validateLimitRangeResource(it, ResourceName(k), ip)...)
		}
	}
	return errs
}

func validateLimitRangeResource(it *LimitRangeItem, n ResourceName, ip *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	k := string(n)
	minQ, hasMin := it.Min[n]
	maxQ, hasMax := it.Max[n]
	def, hasDef := it.Default[n]
	if it.Type == LimitTypePod {
		hasDef = false
	}
	defReq, hasDefReq := it.DefaultRequest[n]
	if it.Type == LimitTypePod {
		hasDefReq = false
	}
	ratio, hasRatio := it.MaxLimitRequestRatio[n]
	if hasMin && hasMax && minQ.Cmp(maxQ) > 0 {
		errs = append(errs, meta.Invalid(ip.Child("min").Key(k), minQ.String(), fmt.Sprintf("min value %s is greater than max value %s", minQ.String(), maxQ.String())))
	}
	if hasDefReq && hasMin && minQ.Cmp(defReq) > 0 {
		errs = append(errs, meta.Invalid(ip.Child("defaultRequest").Key(k), defReq.String(), fmt.Sprintf("min value %s is greater than default request value %s", minQ.String(), defReq.String())))
	}
	if hasDefReq && hasMax && defReq.Cmp(maxQ) > 0 {
		errs = append(errs, meta.Invalid(ip.Child("defaultRequest").Key(k), defReq.String(), fmt.Sprintf("default request value %s is greater than max value %s", defReq.String(), maxQ.String())))
	}
	if hasDefReq && hasDef && defReq.Cmp(def) > 0 {
		errs = append(errs, meta.Invalid(ip.Child("defaultRequest").Key(k), defReq.String(), fmt.Sprintf("default request value %s is greater than default limit value %s", defReq.String(), def.String())))
	}
	if hasDef && hasMin && minQ.Cmp(def) > 0 {
		errs = append(errs, meta.Invalid(ip.Child("default").Key(k), minQ.String(), fmt.Sprintf("min value %s is greater than default value %s", minQ.String(), def.String())))
	}
	if hasDef && hasMax && def.Cmp(maxQ) > 0 {
		errs = append(errs, meta.Invalid(ip.Child("default").Key(k), maxQ.String(), fmt.Sprintf("default value %s is greater than max value %s", def.String(), maxQ.String())))
	}
	if hasRatio && ratio.CmpInt64(1) < 0 {
		errs = append(errs, meta.Invalid(ip.Child("maxLimitRequestRatio").Key(k), ratio.String(), fmt.Sprintf("ratio %s is less than 1", ratio.String())))
	}
	if hasRatio && hasMin && hasMax {
		limit := maxQ.AsApproximateFloat64() / minQ.AsApproximateFloat64()
		if ratio.AsApproximateFloat64() > limit {
			errs = append(errs, meta.Invalid(ip.Child("maxLimitRequestRatio").Key(k), ratio.String(), fmt.Sprintf("ratio %s is greater than max/min = %f", ratio.String(), limit)))
		}
	}
	if !isOvercommitAllowed(n) && hasDef && hasDefReq && def.Cmp(defReq) != 0 {
		errs = append(errs, meta.Invalid(ip.Child("defaultRequest").Key(k), defReq.String(), fmt.Sprintf("default value %s must equal to defaultRequest value %s in %s", def.String(), defReq.String(), k)))
	}
	return errs
}

// ValidateUpdate checks a limit range update: any valid limit range may
// replace another.
func (lr *LimitRange) ValidateUpdate(old meta.Object) meta.FieldErrors {
	o, errs := oldAs[LimitRange](old)
	if errs != nil {
		return errs
	}
	errs = validation.ValidateObjectMetaUpdate(&lr.ObjectMeta, &o.ObjectMeta, metadataPath)
	return append(errs, lr.Validate()...)
}

// standardQuotaResourceNames are the resources a quota may limit without a
// domain prefix (besides huge pages and extended resources as requests.*).
var standardQuotaResourceNames = []ResourceName{
	ResourceCPU, ResourceMemory, ResourceEphemeralStorage, ResourceRequestsCPU, ResourceRequestsMemory,
	ResourceRequestsStorage, ResourceRequestsEphemeralStorage, ResourceLimitsCPU, ResourceLimitsMemory,
	ResourceLimitsEphemeralStorage, ResourcePods, ResourceQuotas, ResourceServices, ResourceReplicationControllers,
	ResourceSecrets, ResourcePersistentVolumeClaims, ResourceConfigMaps, ResourceServicesNodePorts,
	ResourceServicesLoadBalancers,
}

func isStandardQuotaResource(n ResourceName) bool {
	return slices.Contains(standardQuotaResourceNames, n) || isQuotaHugePages(n)
}

func validateQuotaResourceName(n ResourceName, p *meta.Path) meta.FieldErrors {
	errs := validateResourceName(n, p)
	if !strings.Contains(string(n), "/") && !isStandardQuotaResource(n) {
		errs = append(errs, meta.Invalid(p, n, "must be a standard resource for quota"))
	}
	return errs
}

func validateQuotaResourceList(l ResourceList, p *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	for _, k := range sortedKeys(l) {
		errs = append(errs, validateQuotaResourceName(ResourceName(k), p.Key(k))...)
		errs = append(errs, ValidateResourceQuantityValue(ResourceName(k), l[ResourceName(k)], p.Key(k))...)
	}
	return errs
}

// isScopeValidForResource reports whether a quota scope can restrict the
// counting of resource n.
func isScopeValidForResource(scope ResourceQuotaScope, n ResourceName) bool {
	podCompute := []ResourceName{ResourceCPU, ResourceMemory, ResourceLimitsCPU, ResourceLimitsMemory, ResourceRequestsCPU, ResourceRequestsMemory}
	switch scope {
	case ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeNotBestEffort,
		ResourceQuotaScopePriorityClass, ResourceQuotaScopeCrossNamespacePodAffinity:
		return n == ResourcePods || slices.Contains(podCompute, n)
	case ResourceQuotaScopeBestEffort:
		return n == ResourcePods
	case ResourceQuotaScopeVolumeAttributesClass:
		return n == ResourcePersistentVolumeClaims || n == ResourceRequestsStorage
	}
	return true
}

func isStandardQuotaScope(s ResourceQuotaScope) bool {
	switch s {
	case ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort,
		ResourceQuotaScopeNotBestEffort, ResourceQuotaScopePriorityClass, ResourceQuotaScopeVolumeAttributesClass,
		ResourceQuotaScopeCrossNamespacePodAffinity:
		return true
	}
	return false
}

func validateResourceQuotaSpec(spec *ResourceQuotaSpec, p *meta.Path) meta.FieldErrors {
	errs := validateQuotaResourceList(spec.Hard, p.Child("hard"))
	hard := sortedKeys(spec.Hard)
	conflicting := func(scopes map[ResourceQuotaScope]bool, p *meta.Path) {
		if scopes[ResourceQuotaScopeBestEffort] && scopes[ResourceQuotaScopeNotBestEffort] ||
			scopes[ResourceQuotaScopeTerminating] && scopes[ResourceQuotaScopeNotTerminating] {
			errs = append(errs, meta.Invalid(p, spec.Scopes, "conflicting scopes"))
		}
	}
	if len(spec.Scopes) > 0 {
		sp := p.Child("scopes")
		set := map[ResourceQuotaScope]bool{}
		for _, s := range spec.Scopes {
			if !isStandardQuotaScope(s) {
				errs = append(errs, meta.Invalid(sp, spec.Scopes, "unsupported scope"))
			}
			for _, k := range hard {
				if isStandardQuotaResource(ResourceName(k)) && !isScopeValidForResource(s, ResourceName(k)) {
					errs = append(errs, meta.Invalid(sp, spec.Scopes, "unsupported scope applied to resource"))
				}
			}
			set[s] = true
		}
		conflicting(set, sp)
	}
	if sel := spec.ScopeSelector; sel != nil {
		mp := p.Child("scopeSelector", "matchExpressions")
		set := map[ResourceQuotaScope]bool{}
		for _, r := range sel.MatchExpressions {
			if !isStandardQuotaScope(r.ScopeName) {
				errs = append(errs, meta.Invalid(mp.Child("scopeName"), r.ScopeName, "unsupported scope"))
			}
			for _, k := range hard {
				if isStandardQuotaResource(ResourceName(k)) && !isScopeValidForResource(r.ScopeName, ResourceName(k)) {
					errs = append(errs, meta.Invalid(mp, goNames{sel}, "unsupported scope applied to resource"))
				}
			}
			switch r.ScopeName {
			case ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort, ResourceQuotaScopeTerminating,
				ResourceQuotaScopeNotTerminating, ResourceQuotaScopeCrossNamespacePodAffinity:
				if r.Operator != ScopeSelectorOpExists {
					errs = append(errs, meta.Invalid(mp.Child("operator"), r.Operator,
						"must be 'Exists' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity"))
				}
			}
			switch r.Operator {
			case ScopeSelectorOpIn, ScopeSelectorOpNotIn:
				if len(r.Values) == 0 {
					errs = append(errs, meta.Required(mp.Child("values"), "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector"))
				}
			case ScopeSelectorOpExists, ScopeSelectorOpDoesNotExist:
				if len(r.Values) != 0 {
					errs = append(errs, meta.Invalid(mp.Child("values"), r.Values, "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector"))
				}
			default:
				errs = append(errs, meta.Invalid(mp.Child("operator"), r.Operator, "not a valid selector operator"))
			}
			set[r.ScopeName] = true
		}
		conflicting(set, mp)
	}
	return errs
}

// Validate checks a resource quota: quota resource names with valid,
// whole-where-counted quantities, and scopes that apply to the limited
// resources and do not contradict each other.
func (q *ResourceQuota) Validate() meta.FieldErrors {
	errs := validation.ValidateObjectMeta(&q.ObjectMeta, true, validation.NameIsDNSSubdomain, metadataPath)
	errs = append(errs, validateResourceQuotaSpec(&q.Spec, specPath)...)
	errs = append(errs, validateQuotaResourceList(q.Status.Hard, statusPath.Child("hard"))...)
	return append(errs, validateQuotaResourceList(q.Status.Used, statusPath.Child("used"))...)
}

// ValidateUpdate checks a quota update: the scopes may not change.
func (q *ResourceQuota) ValidateUpdate(old meta.Object) meta.FieldErrors {
	o, errs := oldAs[ResourceQuota](old)
	if errs != nil {
		return errs
	}
	errs = validation.ValidateObjectMetaUpdate(&q.ObjectMeta, &o.ObjectMeta, metadataPath)
	errs = append(errs, validateResourceQuotaSpec(&q.Spec, specPath)...)
	newScopes, oldScopes := slices.Clone(q.Spec.Scopes), slices.Clone(o.Spec.Scopes)
	slices.Sort(newScopes)
	slices.Sort(oldScopes)
	if !slices.Equal(slices.Compact(newScopes), slices.Compact(oldScopes)) {
		errs = append(errs, meta.Invalid(specPath.Child("scopes"), q.Spec.Scopes, validation.FieldImmutableErrorMsg))
	}
	return errs
}

// ValidateStatusUpdate checks a write to the quota's status (the quota
// controller's usage counts).
func (q *ResourceQuota) ValidateStatusUpdate(old meta.Object) meta.FieldErrors {
	o, errs := oldAs[ResourceQuota](old)
	if errs != nil {
		return errs
	}
	errs = validation.ValidateObjectMetaUpdate(&q.ObjectMeta, &o.ObjectMeta, metadataPath)
	errs = append(errs, validateQuotaResourceList(q.Status.Hard, statusPath.Child("hard"))...)
	return append(errs, validateQuotaResourceList(q.Status.Used, statusPath.Child("used"))...)
}

// ---------------------------------------------------------------------------
// Bindings

// Validate checks a binding (POST pods/{name}/binding): the target is a
// node, named by a valid node name.
func (b *Binding) Validate() meta.FieldErrors {
	var errs meta.FieldErrors
	tp := meta.NewPath("target")
	if b.Target.Kind != "" && b.Target.Kind != "Node" {
		errs = append(errs, meta.NotSupported(tp.Child("kind"), b.Target.Kind, []string{"Node", "<empty>"}))
	}
	if b.Target.Name == "" {
		errs = append(errs, meta.Required(tp.Child("name"), ""))
	} else if b.Target.Kind == "" || b.Target.Kind == "Node" {
		errs = append(errs, invalidEach(tp.Child("name"), b.Target.Name, validateNodeName(b.Target.Name, false))...)
	}
	return errs
}

// ValidateUpdate rejects every update: bindings are create-only.
func (b *Binding) ValidateUpdate(old meta.Object) meta.FieldErrors {
	if _, errs := oldAs[Binding](old); errs != nil {
		return errs
	}
	return meta.FieldErrors{meta.Forbidden(meta.NewPath(""), "bindings may not be updated")}
}
