package admission

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/resource"
)

// limitRangerAnnotation records on a pod which defaults LimitRanger set.
const limitRangerAnnotation = "kubernetes.io/limit-ranger"

// LimitRanger applies a namespace's LimitRanges: on create it fills in
// each container's missing requests and limits from the Container
// defaults (annotating the pod with what it set), then rejects pods and
// persistent volume claims outside the min, max and
// maxLimitRequestRatio of Container, Pod and PersistentVolumeClaim items,
// with Kubernetes' messages.
type LimitRanger struct {
	limits Lister[core.LimitRange]
}

func newLimitRanger(d Deps) (Plugin, error) {
	if d.LimitRanges == nil {
		return nil, missing(LimitRangerName, "LimitRanges")
	}
	return &LimitRanger{limits: d.LimitRanges}, nil
}

// Name implements Plugin.
func (*LimitRanger) Name() string { return LimitRangerName }

// supports reports the writes LimitRanger checks: pod creates (containers
// cannot change later) and claim creates and updates.
func (*LimitRanger) supports(a *Attributes) bool {
	if a.Group != "" || a.Subresource != "" || a.Object == nil {
		return false
	}
	if old := a.OldObject; old != nil && old.GetObjectMeta().DeletionTimestamp != nil {
		return false
	}
	switch a.Resource {
	case "pods":
		return a.Operation == Create
	case "persistentvolumeclaims":
		return a.Operation == Create || a.Operation == Update
	}
	return false
}

func (l *LimitRanger) ranges(ctx context.Context, a *Attributes) ([]*core.LimitRange, error) {
	items, err := l.limits.List(ctx, a.Namespace)
	if err != nil {
		return nil, NewForbidden(a, fmt.Errorf("unable to %s %s at this time because there was an error enforcing limit ranges", a.Operation, a.Resource))
	}
	return items, nil
}

// Admit implements Mutator: it applies container defaults.
func (l *LimitRanger) Admit(ctx context.Context, a *Attributes) error {
	if !l.supports(a) || a.Resource != "pods" {
		return nil
	}
	pod, ok := a.Object.(*core.Pod)
	if !ok {
		return typeError(a, "*core.Pod")
	}
	items, err := l.ranges(ctx, a)
	if err != nil {
		return err
	}
	for _, lr := range items {
		applyDefaults(lr, pod)
	}
	return nil
}

// Validate implements Validator.
func (l *LimitRanger) Validate(ctx context.Context, a *Attributes) error {
	if !l.supports(a) {
		return nil
	}
	items, err := l.ranges(ctx, a)
	if err != nil {
		return err
	}
	for _, lr := range items {
		var errs []error
		switch obj := a.Object.(type) {
		case *core.Pod:
			errs = validatePodLimits(lr, obj)
		case *core.PersistentVolumeClaim:
			errs = validateClaimLimits(lr, obj)
		default:
			return typeError(a, "*core.Pod or *core.PersistentVolumeClaim")
		}
		if len(errs) > 0 {
			return NewForbidden(a, aggregate(errs))
		}
	}
	return nil
}

// applyDefaults fills missing container requests and limits from the
// Container items of lr and records what it set in the pod's
// kubernetes.io/limit-ranger annotation.
func applyDefaults(lr *core.LimitRange, pod *core.Pod) {
	defReq, defLim := core.ResourceList{}, core.ResourceList{}
	for _, item := range lr.Spec.Limits {
		if item.Type != core.LimitTypeContainer {
			continue
		}
		for k, v := range item.DefaultRequest {
			defReq[k] = v
		}
		for k, v := range item.Default {
			defLim[k] = v
		}
	}
	var notes []string
	merge := func(c *core.Container, kind string) {
		var setReq, setLim []string
		for k, v := range defLim {
			if _, ok := c.Resources.Limits[k]; !ok {
				if c.Resources.Limits == nil {
					c.Resources.Limits = core.ResourceList{}
				}
				c.Resources.Limits[k] = v
				setLim = append(setLim, string(k))
			}
		}
		for k, v := range defReq {
			if _, ok := c.Resources.Requests[k]; !ok {
				if c.Resources.Requests == nil {
					c.Resources.Requests = core.ResourceList{}
				}
				c.Resources.Requests[k] = v
				setReq = append(setReq, string(k))
			}
		}
		if len(setReq) > 0 {
			sort.Strings(setReq)
			notes = append(notes, strings.Join(setReq, ", ")+" request for "+kind+" "+c.Name)
		}
		if len(setLim) > 0 {
			sort.Strings(setLim)
			notes = append(notes, strings.Join(setLim, ", ")+" limit for "+kind+" "+c.Name)
		}
	}
	for i := range pod.Spec.Containers {
		merge(&pod.Spec.Containers[i], "container")
	}
	for i := range pod.Spec.InitContainers {
		merge(&pod.Spec.InitContainers[i], "init container")
	}
	if len(notes) > 0 {
		if pod.Annotations == nil {
			pod.Annotations = map[string]string{}
		}
		pod.Annotations[limitRangerAnnotation] = "LimitRanger plugin set: " + strings.Join(notes, "; ")
	}
}

func sortedNames(l core.ResourceList) []core.ResourceName {
	out := make([]core.ResourceName, 0, len(l))
	for k := range l {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func validatePodLimits(lr *core.LimitRange, pod *core.Pod) []error {
	var errs []error
	check := func(item *core.LimitRangeItem, requests, limits core.ResourceList) {
		t := string(item.Type)
		for _, k := range sortedNames(item.Min) {
			errs = appendErr(errs, minConstraint(t, k, item.Min[k], requests, limits))
		}
		for _, k := range sortedNames(item.Max) {
			errs = appendErr(errs, maxConstraint(t, k, item.Max[k], requests, limits))
		}
		for _, k := range sortedNames(item.MaxLimitRequestRatio) {
			errs = appendErr(errs, ratioConstraint(t, k, item.MaxLimitRequestRatio[k], requests, limits))
		}
	}
	for i := range lr.Spec.Limits {
		item := &lr.Spec.Limits[i]
		switch item.Type {
		case core.LimitTypeContainer:
			for _, c := range pod.Spec.Containers {
				check(item, c.Resources.Requests, c.Resources.Limits)
			}
			for _, c := range pod.Spec.InitContainers {
				check(item, c.Resources.Requests, c.Resources.Limits)
			}
		case core.LimitTypePod:
			// The pod's whole demand, without overhead, as LimitRanger
			// computes it.
			p := *pod
			p.Spec.Overhead = nil
			p.Spec.Resources = nil
			check(item, core.PodRequests(&p), core.PodLimits(&p))
		}
	}
	return errs
}

func validateClaimLimits(lr *core.LimitRange, pvc *core.PersistentVolumeClaim) []error {
	var errs []error
	for _, item := range lr.Spec.Limits {
		if item.Type != core.LimitTypePersistentVolumeClaim {
			continue
		}
		t := string(item.Type)
		for _, k := range sortedNames(item.Min) {
			errs = appendErr(errs, minConstraint(t, k, item.Min[k], pvc.Spec.Resources.Requests, core.ResourceList{}))
		}
		for _, k := range sortedNames(item.Max) {
			errs = appendErr(errs, maxRequestConstraint(t, k, item.Max[k], pvc.Spec.Resources.Requests))
		}
	}
	return errs
}

func appendErr(errs []error, err error) []error {
	if err != nil {
		return append(errs, err)
	}
	return errs
}

// aggregate joins errors as Kubernetes' utilerrors.NewAggregate prints
// them: one alone, or "[a, b]" without duplicates.
func aggregate(errs []error) error {
	if len(errs) == 1 {
		return errs[0]
	}
	seen := map[string]bool{}
	var msgs []string
	for _, e := range errs {
		if m := e.Error(); !seen[m] {
			seen[m] = true
			msgs = append(msgs, m)
		}
	}
	if len(msgs) == 1 {
		return errors.New(msgs[0])
	}
	return errors.New("[" + strings.Join(msgs, ", ") + "]")
}

// comparable returns request, limit and enforced at a common precision:
// milli-units when none overflows.
func comparable(req, lim, enforced resource.Quantity) (int64, int64, int64) {
	r, l, e := req.Value(), lim.Value(), enforced.Value()
	if r <= resource.MaxMilliValue && l <= resource.MaxMilliValue && e <= resource.MaxMilliValue {
		return req.MilliValue(), lim.MilliValue(), enforced.MilliValue()
	}
	return r, l, e
}

func minConstraint(limitType string, name core.ResourceName, enforced resource.Quantity, requests, limits core.ResourceList) error {
	req, hasReq := requests[name]
	lim, hasLim := limits[name]
	r, l, e := comparable(req, lim, enforced)
	switch {
	case !hasReq:
		return fmt.Errorf("minimum %s usage per %s is %s.  No request is specified", name, limitType, enforced)
	case r < e:
		return fmt.Errorf("minimum %s usage per %s is %s, but request is %s", name, limitType, enforced, req)
	case hasLim && l < e:
		return fmt.Errorf("minimum %s usage per %s is %s, but limit is %s", name, limitType, enforced, lim)
	}
	return nil
}

func maxRequestConstraint(limitType string, name core.ResourceName, enforced resource.Quantity, requests core.ResourceList) error {
	req, hasReq := requests[name]
	r, _, e := comparable(req, resource.Quantity{}, enforced)
	switch {
	case !hasReq:
		return fmt.Errorf("maximum %s usage per %s is %s.  No request is specified", name, limitType, enforced)
	case r > e:
		return fmt.Errorf("maximum %s usage per %s is %s, but request is %s", name, limitType, enforced, req)
	}
	return nil
}

func maxConstraint(limitType string, name core.ResourceName, enforced resource.Quantity, requests, limits core.ResourceList) error {
	req, hasReq := requests[name]
	lim, hasLim := limits[name]
	r, l, e := comparable(req, lim, enforced)
	switch {
	case !hasLim:
		return fmt.Errorf("maximum %s usage per %s is %s.  No limit is specified", name, limitType, enforced)
	case l > e:
		return fmt.Errorf("maximum %s usage per %s is %s, but limit is %s", name, limitType, enforced, lim)
	case hasReq && r > e:
		return fmt.Errorf("maximum %s usage per %s is %s, but request is %s", name, limitType, enforced, req)
	}
	return nil
}

func ratioConstraint(limitType string, name core.ResourceName, enforced resource.Quantity, requests, limits core.ResourceList) error {
	req, hasReq := requests[name]
	lim, hasLim := limits[name]
	r, l, _ := comparable(req, lim, enforced)
	if !hasReq || r == 0 {
		return fmt.Errorf("%s max limit to request ratio per %s is %s, but no request is specified or request is 0", name, limitType, enforced)
	}
	if !hasLim || l == 0 {
		return fmt.Errorf("%s max limit to request ratio per %s is %s, but no limit is specified or limit is 0", name, limitType, enforced)
	}
	observed := float64(l) / float64(r)
	shown := observed
	max := float64(enforced.Value())
	if enforced.Value() <= resource.MaxMilliValue {
		observed *= 1000
		max = float64(enforced.MilliValue())
	}
	if observed > max {
		return fmt.Errorf("%s max limit to request ratio per %s is %s, but provided ratio is %f", name, limitType, enforced, shown)
	}
	return nil
}
