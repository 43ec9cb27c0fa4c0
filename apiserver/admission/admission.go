package admission

import (
	"context"
	"errors"
	"fmt"

	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/apiserver/authn"
)

// Operation is the kind of write.
type Operation string

// Operations.
const (
	Create  Operation = "CREATE"
	Update  Operation = "UPDATE"
	Delete  Operation = "DELETE"
	Connect Operation = "CONNECT"
)

// Attributes describe a write for admission.
type Attributes struct {
	Operation   Operation
	Group       string
	Version     string
	Kind        string
	Resource    string
	Subresource string
	// Namespace is the object's namespace ("" for cluster-scoped kinds;
	// for a namespace, "", as its object's namespace).
	Namespace string
	Name      string
	// Object is the object being written (nil on delete); mutators may
	// change it in place. OldObject is the stored object (nil on create).
	Object    meta.Object
	OldObject meta.Object
	User      *authn.User
	// DryRun is set for dryRun=All writes: plugins then have no side
	// effects (ResourceQuota reserves nothing; webhooks whose sideEffects
	// are not None or NoneOnDryRun refuse the request).
	DryRun bool
}

// GroupResource returns the attributes' group and resource.
func (a *Attributes) GroupResource() meta.GroupResource {
	return meta.GroupResource{Group: a.Group, Resource: a.Resource}
}

// Mutator may change an object before it is validated and stored.
type Mutator interface {
	Admit(ctx context.Context, a *Attributes) error
}

// Validator may reject a write after validation.
type Validator interface {
	Validate(ctx context.Context, a *Attributes) error
}

// MutatorFunc adapts a function to Mutator.
type MutatorFunc func(ctx context.Context, a *Attributes) error

// Admit implements Mutator.
func (f MutatorFunc) Admit(ctx context.Context, a *Attributes) error { return f(ctx, a) }

// ValidatorFunc adapts a function to Validator.
type ValidatorFunc func(ctx context.Context, a *Attributes) error

// Validate implements Validator.
func (f ValidatorFunc) Validate(ctx context.Context, a *Attributes) error { return f(ctx, a) }

// Plugin is a named admission plugin. It implements Mutator, Validator or
// both; New puts it in the chain's lists accordingly.
type Plugin interface {
	Name() string
}

// Chain runs mutators, then (separately) validators, in order; the first
// error stops it.
type Chain struct {
	Mutators   []Mutator
	Validators []Validator
}

// Admit runs every mutator.
func (c *Chain) Admit(ctx context.Context, a *Attributes) error {
	for _, m := range c.Mutators {
		if err := m.Admit(ctx, a); err != nil {
			return err
		}
	}
	return nil
}

// Validate runs every validator.
func (c *Chain) Validate(ctx context.Context, a *Attributes) error {
	for _, v := range c.Validators {
		if err := v.Validate(ctx, a); err != nil {
			return err
		}
	}
	return nil
}

// Add appends p to the mutators, validators or both, as it implements
// them.
func (c *Chain) Add(p Plugin) {
	if m, ok := p.(Mutator); ok {
		c.Mutators = append(c.Mutators, m)
	}
	if v, ok := p.(Validator); ok {
		c.Validators = append(c.Validators, v)
	}
}

// NewForbidden is the 403 plugins reject writes with, as Kubernetes'
// admission.NewForbidden: `pods "web" is forbidden: <reason>`.
func NewForbidden(a *Attributes, reason error) *meta.Status {
	return meta.NewForbidden(a.GroupResource(), a.Name, reason.Error())
}

// internalError turns an unexpected error into a 500, keeping Statuses.
func internalError(err error) error {
	var st *meta.Status
	if errors.As(err, &st) {
		return err
	}
	return meta.NewInternalError(err)
}

type warningsKey struct{}
type annotationsKey struct{}

// WithWarnings returns a context whose admission warnings are passed to
// add; the API server sends each to the client as a Warning header
// ("299 - ..."), as kubectl prints them.
func WithWarnings(ctx context.Context, add func(msg string)) context.Context {
	return context.WithValue(ctx, warningsKey{}, add)
}

// Warn records a warning for the client of the request ctx belongs to. It
// does nothing without WithWarnings.
func Warn(ctx context.Context, msg string) {
	if add, ok := ctx.Value(warningsKey{}).(func(string)); ok {
		add(msg)
	}
}

// WithAuditAnnotations returns a context whose admission audit
// annotations are passed to add; the audit stage records them on the
// request's event.
func WithAuditAnnotations(ctx context.Context, add func(key, value string)) context.Context {
	return context.WithValue(ctx, annotationsKey{}, add)
}

// AuditAnnotate records an audit annotation for the request ctx belongs
// to. It does nothing without WithAuditAnnotations.
func AuditAnnotate(ctx context.Context, key, value string) {
	if add, ok := ctx.Value(annotationsKey{}).(func(string, string)); ok {
		add(key, value)
	}
}

// typeError is returned when an object is not of the Go type its
// resource implies.
func typeError(a *Attributes, want string) error {
	return meta.NewBadRequest(fmt.Sprintf("resource was marked with kind %s but was unable to be converted to %s", a.Kind, want))
}
