package authz

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/authorization"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/rbac"
	"github.com/spar-dev/spar/apiserver/authn"
)

func TestReviews(t *testing.T) {
	z := Union{NewNode(testGraph()), NewRBAC(testPolicy(
		rb("ns1", "bob-edit", "ClusterRole", "edit", userSubject("bob")),
		rb("ns1", "broken", "Role", "gone", userSubject("bob")),
	))}
	ctx := authn.WithUser(context.Background(), user("bob"))
	podsIn := func(verb, ns string) *authorization.ResourceAttributes {
		return &authorization.ResourceAttributes{Verb: verb, Resource: "pods", Namespace: ns}
	}

	t.Run("self", func(t *testing.T) {
		tests := []struct {
			ra      *authorization.ResourceAttributes
			nra     *authorization.NonResourceAttributes
			allowed bool
		}{
			{podsIn("create", "ns1"), nil, true},
			{podsIn("create", "ns2"), nil, false},
			{&authorization.ResourceAttributes{Verb: "update", Group: "apps", Resource: "deployments", Subresource: "scale", Namespace: "ns1", Name: "d"}, nil, true},
			{&authorization.ResourceAttributes{Verb: "create", Group: "rbac.authorization.k8s.io", Resource: "rolebindings", Namespace: "ns1"}, nil, false},
			{nil, &authorization.NonResourceAttributes{Verb: "get", Path: "/version"}, true},
			{nil, &authorization.NonResourceAttributes{Verb: "get", Path: "/metrics"}, false},
		}
		for _, tt := range tests {
			in := &authorization.SelfSubjectAccessReview{Spec: authorization.SelfSubjectAccessReviewSpec{ResourceAttributes: tt.ra, NonResourceAttributes: tt.nra}}
			out, err := ReviewSelfSubjectAccess(ctx, z, in)
			if err != nil {
				t.Fatal(err)
			}
			if out.Status.Allowed != tt.allowed || out.Status.Denied {
				t.Errorf("%+v %+v: status %+v, want allowed=%v", tt.ra, tt.nra, out.Status, tt.allowed)
			}
			if tt.allowed && !strings.HasPrefix(out.Status.Reason, "RBAC: allowed by ") {
				t.Errorf("reason = %q", out.Status.Reason)
			}
			if out.Spec != in.Spec {
				t.Errorf("spec changed: %+v", out.Spec)
			}
		}
		// The missing role shows in the reason of a denial.
		out, _ := ReviewSelfSubjectAccess(ctx, z, &authorization.SelfSubjectAccessReview{Spec: authorization.SelfSubjectAccessReviewSpec{ResourceAttributes: &authorization.ResourceAttributes{Verb: "update", Resource: "resourcequotas", Namespace: "ns1"}}})
		if out.Status.Allowed || !strings.Contains(out.Status.Reason, `role.rbac.authorization.k8s.io "gone" not found`) {
			t.Errorf("status = %+v", out.Status)
		}
	})

	t.Run("subject", func(t *testing.T) {
		out, err := ReviewSubjectAccess(ctx, z, &authorization.SubjectAccessReview{Spec: authorization.SubjectAccessReviewSpec{
			User: "system:node:n1", Groups: []string{NodesGroup},
			ResourceAttributes: &authorization.ResourceAttributes{Verb: "get", Resource: "secrets", Namespace: "ns1", Name: "other-secret"}}})
		if err != nil {
			t.Fatal(err)
		}
		if out.Status.Allowed || out.Status.Reason != "no relationship found between node 'n1' and this object" {
			t.Errorf("status = %+v", out.Status)
		}
		out, err = ReviewSubjectAccess(ctx, z, &authorization.SubjectAccessReview{Spec: authorization.SubjectAccessReviewSpec{
			User: "system:node:n1", Groups: []string{NodesGroup},
			ResourceAttributes: &authorization.ResourceAttributes{Verb: "watch", Resource: "pods",
				FieldSelector: &authorization.FieldSelectorAttributes{Requirements: []authorization.FieldSelectorRequirement{
					{Key: "spec.nodeName", Operator: "In", Values: []string{"n1"}}}}}}})
		if err != nil || !out.Status.Allowed {
			t.Errorf("node watching its pods: %+v %v", out.Status, err)
		}
	})

	t.Run("local", func(t *testing.T) {
		in := &authorization.LocalSubjectAccessReview{Spec: authorization.SubjectAccessReviewSpec{User: "bob", ResourceAttributes: podsIn("create", "ns1")}}
		out, err := ReviewLocalSubjectAccess(ctx, z, "ns1", in)
		if err != nil {
			t.Fatal(err)
		}
		if !out.Status.Allowed || out.Namespace != "ns1" {
			t.Errorf("got %+v", out)
		}
		_, err = ReviewLocalSubjectAccess(ctx, z, "ns1", &authorization.LocalSubjectAccessReview{
			Spec: authorization.SubjectAccessReviewSpec{User: "bob", ResourceAttributes: podsIn("create", "ns2")}})
		if !errors.Is(err, meta.ErrInvalid) || !strings.Contains(err.Error(), "spec.resourceAttributes.namespace: Invalid value: \"ns2\": must match metadata.namespace") {
			t.Errorf("namespace mismatch: %v", err)
		}
	})

	t.Run("invalid", func(t *testing.T) {
		tests := []struct {
			name string
			call func() error
			want string
		}{
			{"no attributes", func() error {
				_, err := ReviewSelfSubjectAccess(ctx, z, &authorization.SelfSubjectAccessReview{})
				return err
			}, `SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified`},
			{"both attributes", func() error {
				_, err := ReviewSelfSubjectAccess(ctx, z, &authorization.SelfSubjectAccessReview{Spec: authorization.SelfSubjectAccessReviewSpec{
					ResourceAttributes: podsIn("get", ""), NonResourceAttributes: &authorization.NonResourceAttributes{Verb: "get", Path: "/"}}})
				return err
			}, "cannot be specified in combination with resourceAttributes"},
			{"no subject", func() error {
				_, err := ReviewSubjectAccess(ctx, z, &authorization.SubjectAccessReview{Spec: authorization.SubjectAccessReviewSpec{ResourceAttributes: podsIn("get", "")}})
				return err
			}, "spec.user: Invalid value: \"\": at least one of user or group must be specified"},
			{"metadata", func() error {
				_, err := ReviewSubjectAccess(ctx, z, &authorization.SubjectAccessReview{ObjectMeta: meta.ObjectMeta{Name: "x"},
					Spec: authorization.SubjectAccessReviewSpec{User: "u", ResourceAttributes: podsIn("get", "")}})
				return err
			}, "metadata: Invalid value: "},
			{"no user on the request", func() error {
				_, err := ReviewSelfSubjectAccess(context.Background(), z, &authorization.SelfSubjectAccessReview{})
				return err
			}, "no user present on request"},
			{"rules without namespace", func() error {
				_, err := ReviewSelfSubjectRules(ctx, z, &authorization.SelfSubjectRulesReview{})
				return err
			}, "no namespace on request"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := tt.call()
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("error %v, want %q", err, tt.want)
				}
				var st *meta.Status
				if !errors.As(err, &st) {
					t.Errorf("error %T is not a Status", err)
				}
			})
		}
	})

	t.Run("rules", func(t *testing.T) {
		out, err := ReviewSelfSubjectRules(ctx, z, &authorization.SelfSubjectRulesReview{Spec: authorization.SelfSubjectRulesReviewSpec{Namespace: "ns1"}})
		if err != nil {
			t.Fatal(err)
		}
		st := out.Status
		if st.Incomplete || !strings.Contains(st.EvaluationError, `"gone" not found`) {
			t.Errorf("incomplete %v, evaluationError %q", st.Incomplete, st.EvaluationError)
		}
		var podsCreate, discovery bool
		for _, r := range st.ResourceRules {
			podsCreate = podsCreate || RuleAllows(&Attributes{Verb: "create", ResourceRequest: true, Resource: "pods"},
				&rbac.PolicyRule{Verbs: r.Verbs, APIGroups: r.APIGroups, Resources: r.Resources, ResourceNames: r.ResourceNames})
		}
		for _, r := range st.NonResourceRules {
			discovery = discovery || RuleAllows(&Attributes{Verb: "get", Path: "/apis"}, &rbac.PolicyRule{Verbs: r.Verbs, NonResourceURLs: r.NonResourceURLs})
		}
		if !podsCreate || !discovery {
			t.Errorf("rules lack create pods (%v) or discovery (%v): %+v", podsCreate, discovery, st)
		}
		b, err := api.Encode(out)
		if err != nil || !strings.Contains(string(b), `"incomplete":false`) {
			t.Errorf("encoded %s, %v", b, err)
		}
		nodeCtx := authn.WithUser(context.Background(), nodeUser("n1"))
		out, _ = ReviewSelfSubjectRules(nodeCtx, z, &authorization.SelfSubjectRulesReview{Spec: authorization.SelfSubjectRulesReviewSpec{Namespace: "ns1"}})
		if !out.Status.Incomplete || out.Status.EvaluationError == "" {
			t.Errorf("node rules: %+v", out.Status)
		}
	})
}
