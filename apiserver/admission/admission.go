// Package admission runs policy on writes after authorization: mutating
// plugins may change the object (defaults, injected volumes), then
// validating plugins may reject it (DESIGN.md, "Data flow": decode →
// admission (mutate) → validate → admission (validate) → registry).
package admission

import (
	"context"

	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/apiserver/authn"
)

// Operation is the kind of write.
type Operation string

// Operations.
const (
	Create Operation = "CREATE"
	Update Operation = "UPDATE"
	Delete Operation = "DELETE"
)

// Attributes describe a write for admission.
type Attributes struct {
	Operation   Operation
	Group       string
	Version     string
	Kind        string
	Resource    string
	Subresource string
	Namespace   string
	Name        string
	// Object is the object being written (nil on delete); mutators may
	// change it. OldObject is the stored object (nil on create).
	Object    meta.Object
	OldObject meta.Object
	User      *authn.User
	DryRun    bool
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
