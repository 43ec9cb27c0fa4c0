package apiserver

import (
	"context"
	"reflect"

	"github.com/spar-dev/spar/api/fields"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/validation"
)

// Strategy is the kind-specific behaviour of the generic registry: every
// resource, built-in or custom, is served by the same code path, which asks
// its Strategy what to reset, default and validate.
type Strategy interface {
	// PrepareForCreate runs on create before defaulting and validation. It
	// resets what clients may not set (such as the status of a kind with a
	// status subresource) and sets server-owned fields.
	PrepareForCreate(ctx context.Context, obj meta.Object)
	// PrepareForUpdate runs on update of the main resource with the stored
	// object, before defaulting and validation.
	PrepareForUpdate(ctx context.Context, obj, old meta.Object)
	// Validate checks a new object after defaulting.
	Validate(ctx context.Context, obj meta.Object) meta.FieldErrors
	// ValidateUpdate checks an updated object against the stored one.
	ValidateUpdate(ctx context.Context, obj, old meta.Object) meta.FieldErrors
}

// StatusStrategy is implemented by strategies of kinds with a status
// subresource, for writes to it.
type StatusStrategy interface {
	// PrepareForStatusUpdate keeps everything of old but the status of obj.
	PrepareForStatusUpdate(ctx context.Context, obj, old meta.Object)
	// ValidateStatusUpdate checks a status write.
	ValidateStatusUpdate(ctx context.Context, obj, old meta.Object) meta.FieldErrors
}

// FieldStrategy is implemented by strategies of kinds with selectable
// fields beyond metadata.name and metadata.namespace.
type FieldStrategy interface {
	// FieldLabels lists the extra field names a field selector may use.
	FieldLabels() []string
	// Fields returns their values for obj.
	Fields(obj meta.Object) fields.Set
}

// Defaulter is implemented by object types that default themselves (every
// built-in kind, as Kubernetes' defaulting functions).
type Defaulter interface{ Default() }

// Validator is implemented by object types that validate themselves.
type Validator interface{ Validate() meta.FieldErrors }

// UpdateValidator is implemented by object types that validate updates.
type UpdateValidator interface {
	ValidateUpdate(old meta.Object) meta.FieldErrors
}

// TypedStrategy is the Strategy of a Go-typed kind. It resets status on
// create and keeps it on spec updates when the kind has a status
// subresource, bumps metadata.generation when the spec changes, and defers
// validation to the object's own Validate and ValidateUpdate methods.
type TypedStrategy struct {
	// HasStatus is true when the kind has a status subresource: the main
	// resource then cannot change status, and the status subresource can
	// change nothing else.
	HasStatus bool
	// StatusKeepsLabels makes the status subresource keep the stored labels
	// (Kubernetes' rule for Deployments). Default false: a status write may
	// change labels, as for most kinds.
	StatusKeepsLabels bool
	// StatusKeepsOwnerReferences makes the status subresource keep the stored
	// owner references (Kubernetes' rule for Pods, whose old kubelets
	// corrupted them). Default false.
	StatusKeepsOwnerReferences bool
	// FieldFunc returns the kind's selectable fields; FieldNames lists them.
	FieldFunc  func(obj meta.Object) fields.Set
	FieldNames []string
}

var (
	_ StatusStrategy = (*TypedStrategy)(nil)
	_ FieldStrategy  = (*TypedStrategy)(nil)
)

// PrepareForCreate implements Strategy.
func (s *TypedStrategy) PrepareForCreate(_ context.Context, obj meta.Object) {
	if s.HasStatus {
		setField(obj, "Status", reflect.Value{})
	}
	if hasField(obj, "Spec") {
		obj.GetObjectMeta().Generation = 1
	}
}

// PrepareForUpdate implements Strategy.
func (s *TypedStrategy) PrepareForUpdate(_ context.Context, obj, old meta.Object) {
	if s.HasStatus {
		setField(obj, "Status", field(old, "Status"))
	}
	bumpGeneration(obj, old)
}

// Validate implements Strategy.
func (s *TypedStrategy) Validate(_ context.Context, obj meta.Object) meta.FieldErrors {
	if v, ok := obj.(Validator); ok {
		return v.Validate()
	}
	return nil
}

// ValidateUpdate implements Strategy.
func (s *TypedStrategy) ValidateUpdate(_ context.Context, obj, old meta.Object) meta.FieldErrors {
	if v, ok := obj.(UpdateValidator); ok {
		return v.ValidateUpdate(old)
	}
	return nil
}

// PrepareForStatusUpdate implements StatusStrategy: the result is old with
// obj's status and the metadata a client sets (labels, annotations,
// finalizers, owner references), as Kubernetes' status strategies of
// built-in kinds keep only the spec (and, per kind, labels or owner
// references: see StatusKeepsLabels). Generation stays the stored one: a
// status write changes no spec. obj's resourceVersion stays too, for the
// precondition.
func (s *TypedStrategy) PrepareForStatusUpdate(_ context.Context, obj, old meta.Object) {
	// Copy what is kept of obj before it is overwritten with old.
	status := field(obj, "Status")
	if status.IsValid() {
		status = reflect.ValueOf(status.Interface())
	}
	nm := *obj.GetObjectMeta()
	reflect.ValueOf(obj).Elem().Set(reflect.ValueOf(meta.DeepCopy(old)).Elem())
	if status.IsValid() {
		setField(obj, "Status", status)
	}
	om := obj.GetObjectMeta()
	om.ResourceVersion = nm.ResourceVersion
	om.Annotations, om.Finalizers = nm.Annotations, nm.Finalizers
	if !s.StatusKeepsLabels {
		om.Labels = nm.Labels
	}
	if !s.StatusKeepsOwnerReferences {
		om.OwnerReferences = nm.OwnerReferences
	}
}

// ValidateStatusUpdate implements StatusStrategy. The object's own
// ValidateUpdate runs too: immutability rules still hold.
func (s *TypedStrategy) ValidateStatusUpdate(ctx context.Context, obj, old meta.Object) meta.FieldErrors {
	return s.ValidateUpdate(ctx, obj, old)
}

// FieldLabels implements FieldStrategy.
func (s *TypedStrategy) FieldLabels() []string { return s.FieldNames }

// Fields implements FieldStrategy.
func (s *TypedStrategy) Fields(obj meta.Object) fields.Set {
	if s.FieldFunc == nil {
		return nil
	}
	return s.FieldFunc(obj)
}

// bumpGeneration increments metadata.generation when the spec changed, as
// Kubernetes does for kinds with a spec.
func bumpGeneration(obj, old meta.Object) {
	spec := field(obj, "Spec")
	if !spec.IsValid() {
		return
	}
	om, oldm := obj.GetObjectMeta(), old.GetObjectMeta()
	om.Generation = oldm.Generation
	if !validation.SemanticEqual(spec.Interface(), field(old, "Spec").Interface()) {
		om.Generation++
	}
}

// field returns obj's top-level struct field name, or an invalid Value.
func field(obj meta.Object, name string) reflect.Value {
	v := reflect.ValueOf(obj)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return reflect.Value{}
	}
	return v.Elem().FieldByName(name)
}

func hasField(obj meta.Object, name string) bool { return field(obj, name).IsValid() }

// setField sets obj's field name to val (its zero value when val is invalid).
func setField(obj meta.Object, name string, val reflect.Value) {
	f := field(obj, name)
	if !f.IsValid() || !f.CanSet() {
		return
	}
	if !val.IsValid() {
		f.SetZero()
		return
	}
	f.Set(val)
}
