package scheduling

import (
	"fmt"
	"strings"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/validation"
)

// Validation of PriorityClasses, with Kubernetes' rules and messages
// (pkg/apis/scheduling/validation). "At most one globalDefault class" is not
// checked here: it needs the other classes, and Kubernetes enforces it in an
// admission plugin.

// systemClasses are the built-in classes a "system-" name may denote, with
// the only value each may have.
var systemClasses = map[string]int32{
	SystemClusterCritical: SystemCriticalPriority,
	SystemNodeCritical:    SystemCriticalPriority + 1000,
}

// Validate checks a new PriorityClass: names starting with "system-" are
// reserved for the built-in classes (with their fixed values), and other
// classes may not exceed HighestUserDefinablePriority.
func (p *PriorityClass) Validate() meta.FieldErrors {
	errs := validation.ValidateObjectMeta(&p.ObjectMeta, false, validation.NameIsDNSSubdomain, meta.NewPath("metadata"))
	if strings.HasPrefix(p.Name, SystemPriorityClassPrefix) {
		if err := checkSystemClass(p.Name, p.Value, p.GlobalDefault); err != nil {
			errs = append(errs, meta.Forbidden(meta.NewPath("metadata", "name"),
				"priority class names with '"+SystemPriorityClassPrefix+"' prefix are reserved for system use only. error: "+err.Error()))
		}
	} else if p.Value > HighestUserDefinablePriority {
		errs = append(errs, meta.Forbidden(meta.NewPath("value"),
			fmt.Sprintf("maximum allowed value of a user defined priority is %d", HighestUserDefinablePriority)))
	}
	if p.PreemptionPolicy != nil {
		errs = append(errs, validatePreemptionPolicy(*p.PreemptionPolicy, meta.NewPath("preemptionPolicy"))...)
	}
	return errs
}

// ValidateUpdate checks an update of a PriorityClass; old must be a
// *PriorityClass. The value and the preemption policy cannot change: pods
// already carry the value they were admitted with.
func (p *PriorityClass) ValidateUpdate(old meta.Object) meta.FieldErrors {
	o, ok := old.(*PriorityClass)
	if !ok {
		return meta.FieldErrors{meta.InternalFieldError(meta.NewPath("kind"), fmt.Errorf("old object is %T, not %T", old, p))}
	}
	errs := validation.ValidateObjectMetaUpdate(&p.ObjectMeta, &o.ObjectMeta, meta.NewPath("metadata"))
	if p.Value != o.Value {
		errs = append(errs, meta.Forbidden(meta.NewPath("value"), "may not be changed in an update."))
	}
	return append(errs, validation.ImmutableField(p.PreemptionPolicy, o.PreemptionPolicy, meta.NewPath("preemptionPolicy"))...)
}

func checkSystemClass(name string, value int32, globalDefault bool) error {
	want, ok := systemClasses[name]
	switch {
	case !ok:
		return fmt.Errorf("%s is not a known system priority class", name)
	case value != want:
		return fmt.Errorf("value of %s PriorityClass must be %d", name, want)
	case globalDefault:
		return fmt.Errorf("globalDefault of %s PriorityClass must be false", name)
	}
	return nil
}

func validatePreemptionPolicy(p core.PreemptionPolicy, path *meta.Path) meta.FieldErrors {
	switch p {
	case core.PreemptLowerPriority, core.PreemptNever:
		return nil
	case "":
		return meta.FieldErrors{meta.Required(path, "")}
	}
	return meta.FieldErrors{meta.NotSupported(path, p, []string{string(core.PreemptLowerPriority), string(core.PreemptNever)})}
}
