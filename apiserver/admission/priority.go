package admission

import (
	"context"
	"errors"
	"fmt"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/scheduling"
)

// BootstrapPriorityClasses are the system classes every cluster has, as
// Kubernetes creates them on start. Priority resolves them even before
// they are stored.
var BootstrapPriorityClasses = []scheduling.PriorityClass{
	{
		TypeMeta:         meta.TypeMeta{APIVersion: scheduling.GroupName + "/" + scheduling.Version, Kind: "PriorityClass"},
		ObjectMeta:       meta.ObjectMeta{Name: scheduling.SystemNodeCritical},
		Value:            scheduling.SystemCriticalPriority + 1000,
		Description:      "Used for system critical pods that must not be moved from their current node.",
		PreemptionPolicy: new(core.PreemptLowerPriority),
	},
	{
		TypeMeta:         meta.TypeMeta{APIVersion: scheduling.GroupName + "/" + scheduling.Version, Kind: "PriorityClass"},
		ObjectMeta:       meta.ObjectMeta{Name: scheduling.SystemClusterCritical},
		Value:            scheduling.SystemCriticalPriority,
		Description:      "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.",
		PreemptionPolicy: new(core.PreemptLowerPriority),
	},
}

// Priority resolves a new pod's priorityClassName into spec.priority and
// spec.preemptionPolicy: the named class (rejecting unknown names), or the
// globalDefault class, or 0 and PreemptLowerPriority. A pod that states a
// different priority than its class is rejected. It also keeps a second
// class from being marked globalDefault.
type Priority struct {
	classes Lister[scheduling.PriorityClass]
}

func newPriority(d Deps) (Plugin, error) {
	if d.PriorityClasses == nil {
		return nil, missing(PriorityName, "PriorityClasses")
	}
	return &Priority{classes: d.PriorityClasses}, nil
}

// Name implements Plugin.
func (*Priority) Name() string { return PriorityName }

// Admit implements Mutator.
func (p *Priority) Admit(ctx context.Context, a *Attributes) error {
	if a.Group != "" || a.Resource != "pods" || a.Subresource != "" {
		return nil
	}
	pod, ok := a.Object.(*core.Pod)
	if !ok && a.Object != nil {
		return typeError(a, "*core.Pod")
	}
	switch a.Operation {
	case Update:
		// Priority is immutable: keep what create set if the update
		// dropped it.
		if old, ok := a.OldObject.(*core.Pod); ok && pod.Spec.Priority == nil && old.Spec.Priority != nil {
			pod.Spec.Priority = old.Spec.Priority
		}
		return nil
	case Create:
	default:
		return nil
	}
	var value int32
	var policy *core.PreemptionPolicy
	if pod.Spec.PriorityClassName == "" {
		def, err := p.globalDefault(ctx)
		if err != nil {
			return internalError(fmt.Errorf("failed to get default priority class: %w", err))
		}
		if def != nil {
			pod.Spec.PriorityClassName, value, policy = def.Name, def.Value, def.PreemptionPolicy
		} else {
			policy = new(core.PreemptLowerPriority)
		}
	} else {
		pc, err := p.get(ctx, pod.Spec.PriorityClassName)
		if errors.Is(err, meta.ErrNotFound) {
			return NewForbidden(a, fmt.Errorf("no PriorityClass with name %s was found", pod.Spec.PriorityClassName))
		}
		if err != nil {
			return internalError(fmt.Errorf("failed to get PriorityClass with name %s: %w", pod.Spec.PriorityClassName, err))
		}
		value, policy = pc.Value, pc.PreemptionPolicy
	}
	if pod.Spec.Priority != nil && *pod.Spec.Priority != value {
		return NewForbidden(a, fmt.Errorf("the integer value of priority (%d) must not be provided in pod spec; priority admission controller computed %d from the given PriorityClass name", *pod.Spec.Priority, value))
	}
	pod.Spec.Priority = &value
	if policy != nil {
		if pod.Spec.PreemptionPolicy != nil && *pod.Spec.PreemptionPolicy != *policy {
			return NewForbidden(a, fmt.Errorf("the string value of PreemptionPolicy (%s) must not be provided in pod spec; priority admission controller computed %s from the given PriorityClass name", *pod.Spec.PreemptionPolicy, *policy))
		}
		pod.Spec.PreemptionPolicy = new(*policy)
	}
	return nil
}

// Validate implements Validator: at most one class may be globalDefault.
func (p *Priority) Validate(ctx context.Context, a *Attributes) error {
	if a.Group != scheduling.GroupName || a.Resource != "priorityclasses" || a.Subresource != "" ||
		(a.Operation != Create && a.Operation != Update) {
		return nil
	}
	pc, ok := a.Object.(*scheduling.PriorityClass)
	if !ok {
		return typeError(a, "*scheduling.PriorityClass")
	}
	if !pc.GlobalDefault {
		return nil
	}
	def, err := p.globalDefault(ctx)
	if err != nil {
		return internalError(fmt.Errorf("failed to get default priority class: %w", err))
	}
	if def != nil && (a.Operation == Create || def.Name != pc.Name) {
		return NewForbidden(a, fmt.Errorf("PriorityClass %s is already marked as default. Only one default can exist", def.Name))
	}
	return nil
}

// get finds a class, falling back to the bootstrap classes.
func (p *Priority) get(ctx context.Context, name string) (*scheduling.PriorityClass, error) {
	pc, err := p.classes.Get(ctx, "", name)
	if errors.Is(err, meta.ErrNotFound) {
		for i := range BootstrapPriorityClasses {
			if BootstrapPriorityClasses[i].Name == name {
				return &BootstrapPriorityClasses[i], nil
			}
		}
	}
	return pc, err
}

// globalDefault returns the globalDefault class; if a race left several,
// the one with the lowest value, as Kubernetes picks.
func (p *Priority) globalDefault(ctx context.Context) (*scheduling.PriorityClass, error) {
	list, err := p.classes.List(ctx, "")
	if err != nil {
		return nil, err
	}
	var def *scheduling.PriorityClass
	for _, pc := range list {
		if pc.GlobalDefault && (def == nil || pc.Value < def.Value) {
			def = pc
		}
	}
	return def, nil
}
