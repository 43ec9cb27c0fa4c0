package admission

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/spar-dev/spar/api/apps"
	"github.com/spar-dev/spar/api/batch"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/apiserver/admission/podsecurity"
)

// PodSecurity enforces the Pod Security Standards a namespace's
// pod-security.kubernetes.io/* labels select (package podsecurity): pods
// violating the enforce level are rejected, violations of the warn level
// come back as warnings, of the audit level as audit annotations. Pod
// controllers (Deployments, Jobs, ...) get warnings and annotations for
// their templates. Namespaces with invalid labels are rejected, and
// tightening a namespace's enforce level warns about its existing pods.
type PodSecurity struct {
	namespaces Lister[core.Namespace]
	pods       Lister[core.Pod] // optional: for namespace updates
	cfg        PodSecurityConfig
}

// maxPodsChecked bounds the pods checked when a namespace's level changes.
const maxPodsChecked = 3000

func newPodSecurity(d Deps) (Plugin, error) {
	if d.Namespaces == nil {
		return nil, missing(PodSecurityName, "Namespaces")
	}
	cfg := d.PodSecurity
	for _, lv := range []*podsecurity.LevelVersion{&cfg.Defaults.Enforce, &cfg.Defaults.Audit, &cfg.Defaults.Warn} {
		if lv.Level == "" {
			lv.Level = podsecurity.Privileged
		}
	}
	return &PodSecurity{namespaces: d.Namespaces, pods: d.Pods, cfg: cfg}, nil
}

// Name implements Plugin.
func (*PodSecurity) Name() string { return PodSecurityName }

// ignoredPodSubresources do not change a pod's spec; any other pod
// subresource is checked, so a new one fails safe.
var ignoredPodSubresources = []string{"exec", "attach", "binding", "eviction", "log", "portforward", "proxy", "status"}

// Validate implements Validator.
func (p *PodSecurity) Validate(ctx context.Context, a *Attributes) error {
	if a.Operation != Create && a.Operation != Update {
		return nil
	}
	switch {
	case isNamespace(a):
		return p.validateNamespace(ctx, a)
	case a.Group == "" && a.Resource == "pods":
		return p.validatePod(ctx, a)
	default:
		return p.validateController(ctx, a)
	}
}

func (p *PodSecurity) policy(labels map[string]string) (podsecurity.Policy, meta.FieldErrors) {
	return podsecurity.PolicyFromLabels(labels, p.cfg.Defaults)
}

func (p *PodSecurity) exempt(ctx context.Context, a *Attributes) bool {
	ns := slices.Contains(p.cfg.ExemptNamespaces, a.Namespace)
	user := a.User != nil && slices.Contains(p.cfg.ExemptUsernames, a.User.Name)
	switch {
	case ns:
		AuditAnnotate(ctx, podsecurity.AuditAnnotationExempt, "namespace")
	case user:
		AuditAnnotate(ctx, podsecurity.AuditAnnotationExempt, "user")
	}
	return ns || user
}

func (p *PodSecurity) validatePod(ctx context.Context, a *Attributes) error {
	if slices.Contains(ignoredPodSubresources, a.Subresource) || p.exempt(ctx, a) {
		return nil
	}
	ns, err := p.namespaces.Get(ctx, "", a.Namespace)
	if err != nil {
		return meta.NewInternalError(fmt.Errorf("failed to lookup namespace %q", a.Namespace))
	}
	policy, perrs := p.policy(ns.Labels)
	if len(perrs) == 0 && policy.FullyPrivileged() {
		AuditAnnotate(ctx, podsecurity.AuditAnnotationEnforcePolicy, "privileged:latest")
		return nil
	}
	pod, ok := a.Object.(*core.Pod)
	if !ok {
		return typeError(a, "*core.Pod")
	}
	if old, ok := a.OldObject.(*core.Pod); ok && a.Operation == Update && !significantPodUpdate(pod, old) {
		return nil
	}
	return p.evaluate(ctx, a, policy, perrs, &pod.ObjectMeta, &pod.Spec, true)
}

func (p *PodSecurity) validateController(ctx context.Context, a *Attributes) error {
	if a.Subresource != "" {
		return nil
	}
	m, spec := podTemplate(a.Object)
	if spec == nil || p.exempt(ctx, a) {
		return nil
	}
	ns, err := p.namespaces.Get(ctx, "", a.Namespace)
	if err != nil {
		AuditAnnotate(ctx, "error", fmt.Sprintf("failed to lookup namespace %q: %v", a.Namespace, err))
		return nil
	}
	policy, perrs := p.policy(ns.Labels)
	if len(perrs) == 0 && policy.Warn.Level == podsecurity.Privileged && policy.Audit.Level == podsecurity.Privileged {
		return nil
	}
	return p.evaluate(ctx, a, policy, perrs, m, spec, false)
}

// podTemplate returns the pod metadata and spec a pod controller makes
// pods from, or nil.
func podTemplate(obj meta.Object) (*meta.ObjectMeta, *core.PodSpec) {
	var t *core.PodTemplateSpec
	switch o := obj.(type) {
	case *core.PodTemplate:
		t = &o.Template
	case *apps.Deployment:
		t = &o.Spec.Template
	case *apps.ReplicaSet:
		t = &o.Spec.Template
	case *apps.StatefulSet:
		t = &o.Spec.Template
	case *apps.DaemonSet:
		t = &o.Spec.Template
	case *batch.Job:
		t = &o.Spec.Template
	case *batch.CronJob:
		t = &o.Spec.JobTemplate.Spec.Template
	default:
		return nil, nil
	}
	return &t.ObjectMeta, &t.Spec
}

// evaluate applies a policy to a pod or template: enforce (pods only)
// rejects, audit annotates, warn warns.
func (p *PodSecurity) evaluate(ctx context.Context, a *Attributes, policy podsecurity.Policy, perrs meta.FieldErrors,
	m *meta.ObjectMeta, spec *core.PodSpec, enforce bool) error {
	if spec.RuntimeClassName != nil && slices.Contains(p.cfg.ExemptRuntimeClasses, *spec.RuntimeClassName) {
		AuditAnnotate(ctx, podsecurity.AuditAnnotationExempt, "runtimeClass")
		return nil
	}
	if len(perrs) > 0 {
		AuditAnnotate(ctx, "error", "Failed to parse policy: "+perrs.Error())
	}
	results := map[podsecurity.LevelVersion][]podsecurity.Violation{}
	eval := func(lv podsecurity.LevelVersion) []podsecurity.Violation {
		if v, ok := results[lv]; ok {
			return v
		}
		v := podsecurity.Evaluate(lv, m, spec)
		results[lv] = v
		return v
	}
	if enforce {
		AuditAnnotate(ctx, podsecurity.AuditAnnotationEnforcePolicy, policy.Enforce.String())
		if vs := eval(policy.Enforce); len(vs) > 0 {
			return NewForbidden(a, fmt.Errorf("violates PodSecurity %q: %s", policy.Enforce.String(), podsecurity.Details(vs)))
		}
	}
	if vs := eval(policy.Audit); len(vs) > 0 {
		AuditAnnotate(ctx, podsecurity.AuditAnnotationAuditViolations,
			fmt.Sprintf("would violate PodSecurity %q: %s", policy.Audit.String(), podsecurity.Details(vs)))
	}
	if vs := eval(policy.Warn); len(vs) > 0 {
		Warn(ctx, fmt.Sprintf("would violate PodSecurity %q: %s", policy.Warn.String(), podsecurity.Details(vs)))
	}
	return nil
}

// significantPodUpdate reports an update that can change what the checks
// see; pod updates may change little besides images.
func significantPodUpdate(pod, old *core.Pod) bool {
	if len(pod.Spec.Containers) != len(old.Spec.Containers) || len(pod.Spec.InitContainers) != len(old.Spec.InitContainers) {
		return true
	}
	for i := range pod.Spec.Containers {
		if pod.Spec.Containers[i].Image != old.Spec.Containers[i].Image {
			return true
		}
	}
	for i := range pod.Spec.InitContainers {
		if pod.Spec.InitContainers[i].Image != old.Spec.InitContainers[i].Image {
			return true
		}
	}
	for _, c := range pod.Spec.EphemeralContainers {
		i := slices.IndexFunc(old.Spec.EphemeralContainers, func(o core.EphemeralContainer) bool { return o.Name == c.Name })
		if i < 0 || old.Spec.EphemeralContainers[i].Image != c.Image {
			return true
		}
	}
	return false
}

func (p *PodSecurity) validateNamespace(ctx context.Context, a *Attributes) error {
	if a.Subresource != "" {
		return nil
	}
	ns, ok := a.Object.(*core.Namespace)
	if !ok {
		return typeError(a, "*core.Namespace")
	}
	policy, errs := p.policy(ns.Labels)
	invalid := func() error { return meta.NewInvalid(meta.GroupKind{Kind: "Namespace"}, ns.Name, errs) }
	if a.Operation == Create {
		if len(errs) > 0 {
			return invalid()
		}
		return nil
	}
	old, ok := a.OldObject.(*core.Namespace)
	if !ok {
		return typeError(a, "*core.Namespace")
	}
	oldPolicy, oldErrs := p.policy(old.Labels)
	if len(errs) > 0 && (len(oldErrs) == 0 || errs.Error() != oldErrs.Error()) {
		return invalid()
	}
	// Existing pods are checked only when enforcement tightens.
	if policy.Enforce == oldPolicy.Enforce || policy.Enforce.Level == podsecurity.Privileged ||
		(policy.Enforce.Version == oldPolicy.Enforce.Version && podsecurity.CompareLevels(policy.Enforce.Level, oldPolicy.Enforce.Level) <= 0) ||
		slices.Contains(p.cfg.ExemptNamespaces, ns.Name) || p.pods == nil {
		return nil
	}
	for _, w := range p.checkExistingPods(ctx, ns.Name, policy.Enforce) {
		Warn(ctx, w)
	}
	return nil
}

// checkExistingPods returns the warnings Kubernetes gives when a namespace
// gets a stricter enforce level: one per distinct violation, naming the
// first pod (and how many others) with it.
func (p *PodSecurity) checkExistingPods(ctx context.Context, ns string, lv podsecurity.LevelVersion) []string {
	pods, err := p.pods.List(ctx, ns)
	if err != nil {
		return []string{"failed to list pods while checking new PodSecurity enforce level"}
	}
	// One pod per controller first: replicas share their violations.
	seenOwner := map[meta.UID]bool{}
	var first, rest []*core.Pod
	for _, pod := range pods {
		if rc := pod.Spec.RuntimeClassName; rc != nil && slices.Contains(p.cfg.ExemptRuntimeClasses, *rc) {
			continue
		}
		ref := meta.ControllerOf(&pod.ObjectMeta)
		if ref != nil && seenOwner[ref.UID] {
			rest = append(rest, pod)
			continue
		}
		if ref != nil {
			seenOwner[ref.UID] = true
		}
		first = append(first, pod)
	}
	ordered := append(first, rest...)
	total := len(ordered)
	if len(ordered) > maxPodsChecked {
		ordered = ordered[:maxPodsChecked]
	}
	type count struct {
		name string
		n    int
	}
	counts := map[string]*count{}
	var order []string
	for _, pod := range ordered {
		vs := podsecurity.Evaluate(lv, &pod.ObjectMeta, &pod.Spec)
		if len(vs) == 0 {
			continue
		}
		r := podsecurity.Reasons(vs)
		c, ok := counts[r]
		if !ok {
			c = &count{name: pod.Name}
			counts[r] = c
			order = append(order, r)
		} else if pod.Name < c.name {
			c.name = pod.Name
		}
		c.n++
	}
	var warnings []string
	if len(ordered) < total {
		warnings = append(warnings, fmt.Sprintf("new PodSecurity enforce level only checked against the first %d of %d existing pods", len(ordered), total))
	}
	if len(order) > 0 {
		warnings = append(warnings, fmt.Sprintf("existing pods in namespace %q violate the new PodSecurity enforce level %q", ns, lv.String()))
	}
	var perPod []string
	for _, r := range order {
		c := counts[r]
		switch c.n {
		case 1:
			perPod = append(perPod, fmt.Sprintf("%s: %s", c.name, r))
		case 2:
			perPod = append(perPod, fmt.Sprintf("%s (and 1 other pod): %s", c.name, r))
		default:
			perPod = append(perPod, fmt.Sprintf("%s (and %d other pods): %s", c.name, c.n-1, r))
		}
	}
	sort.Strings(perPod)
	return append(warnings, perPod...)
}
