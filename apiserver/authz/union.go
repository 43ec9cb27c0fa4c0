package authz

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spar-dev/spar/api/rbac"
	"github.com/spar-dev/spar/apiserver/authn"
)

// Union asks each authorizer in turn; the first Allow or Deny decides. When
// none has an opinion, the reasons of all are joined by newlines, so a
// denied kubelet is told what the node authorizer found. Errors do not stop
// the walk: a later authorizer may still allow.
//
// A Union is also a RuleResolver: it concatenates the rules of its members
// that list rules, and is incomplete when any member cannot.
type Union []Authorizer

var (
	_ Authorizer   = Union(nil)
	_ RuleResolver = Union(nil)
)

// Authorize implements Authorizer.
func (u Union) Authorize(ctx context.Context, a Attributes) (Decision, string, error) {
	var reasons []string
	var errs []error
	for _, z := range u {
		d, reason, err := z.Authorize(ctx, a)
		if err != nil {
			errs = append(errs, err)
		}
		if d == Allow || d == Deny {
			return d, reason, err
		}
		if reason != "" {
			reasons = append(reasons, reason)
		}
	}
	return NoOpinion, strings.Join(reasons, "\n"), errors.Join(errs...)
}

// RulesFor implements RuleResolver.
func (u Union) RulesFor(ctx context.Context, user *authn.User, namespace string) ([]rbac.PolicyRule, bool, error) {
	var rules []rbac.PolicyRule
	var errs []error
	incomplete := false
	for _, z := range u {
		rr, ok := z.(RuleResolver)
		if !ok {
			incomplete = true
			continue
		}
		r, inc, err := rr.RulesFor(ctx, user, namespace)
		rules = append(rules, r...)
		incomplete = incomplete || inc
		if err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return rules, incomplete, fmt.Errorf("%s", aggregate(errs))
	}
	return rules, incomplete, nil
}
