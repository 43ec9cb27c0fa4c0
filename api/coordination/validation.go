package coordination

import (
	"fmt"

	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/validation"
)

// Validation of Leases, with Kubernetes' rules and messages
// (pkg/apis/coordination/validation). Holders renew a Lease every few
// seconds, so this runs on one of the hottest write paths of a cluster and
// checks little.

// Validate checks a new Lease.
func (l *Lease) Validate() meta.FieldErrors {
	errs := validation.ValidateObjectMeta(&l.ObjectMeta, true, validation.NameIsDNSSubdomain, meta.NewPath("metadata"))
	return append(errs, l.Spec.validate(meta.NewPath("spec"))...)
}

// ValidateUpdate checks an update of a Lease; old must be a *Lease. Every
// spec field may change (that is how a lease is renewed and taken over).
func (l *Lease) ValidateUpdate(old meta.Object) meta.FieldErrors {
	o, ok := old.(*Lease)
	if !ok {
		return meta.FieldErrors{meta.InternalFieldError(meta.NewPath("kind"), fmt.Errorf("old object is %T, not %T", old, l))}
	}
	errs := validation.ValidateObjectMetaUpdate(&l.ObjectMeta, &o.ObjectMeta, meta.NewPath("metadata"))
	return append(errs, l.Spec.validate(meta.NewPath("spec"))...)
}

func (s *LeaseSpec) validate(path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if s.LeaseDurationSeconds != nil && *s.LeaseDurationSeconds <= 0 {
		errs = append(errs, meta.Invalid(path.Child("leaseDurationSeconds"), s.LeaseDurationSeconds, "must be greater than 0"))
	}
	if s.LeaseTransitions != nil && *s.LeaseTransitions < 0 {
		errs = append(errs, meta.Invalid(path.Child("leaseTransitions"), s.LeaseTransitions, "must be greater than or equal to 0"))
	}
	return errs
}
