package authz

import (
	"context"

	"github.com/spar-dev/spar/api/authorization"
	"github.com/spar-dev/spar/api/fields"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/apiserver/authn"
)

// The handlers of authorization.k8s.io: the API server calls them for a
// POST of a review (after authorizing the create itself, as any request)
// and answers with the returned object, 201. Reviews are never stored.
// Errors are *meta.Status values (422 for an invalid review, 400 for a
// missing user or namespace) to write as they are.

func reviewGroupKind(kind string) meta.GroupKind {
	return meta.GroupKind{Group: authorization.GroupName, Kind: kind}
}

// ReviewSubjectAccess answers a SubjectAccessReview: whether the user and
// groups of its spec may do what it describes, per authorizer.
func ReviewSubjectAccess(ctx context.Context, authorizer Authorizer, sar *authorization.SubjectAccessReview) (*authorization.SubjectAccessReview, error) {
	if errs := sar.Validate(); len(errs) > 0 {
		return nil, meta.NewInvalid(reviewGroupKind("SubjectAccessReview"), "", errs)
	}
	u := &authn.User{Name: sar.Spec.User, Groups: sar.Spec.Groups, UID: sar.Spec.UID, Extra: extraFrom(sar.Spec.Extra)}
	out := *sar
	out.Status = decide(ctx, authorizer, attributesFrom(u, sar.Spec.ResourceAttributes, sar.Spec.NonResourceAttributes))
	return &out, nil
}

// ReviewSelfSubjectAccess answers a SelfSubjectAccessReview — kubectl auth
// can-i — for the user of ctx (authn.UserFrom).
func ReviewSelfSubjectAccess(ctx context.Context, authorizer Authorizer, ssar *authorization.SelfSubjectAccessReview) (*authorization.SelfSubjectAccessReview, error) {
	u, ok := authn.UserFrom(ctx)
	if !ok || u == nil {
		return nil, meta.NewBadRequest("no user present on request")
	}
	if errs := ssar.Validate(); len(errs) > 0 {
		return nil, meta.NewInvalid(reviewGroupKind("SelfSubjectAccessReview"), "", errs)
	}
	out := *ssar
	out.Status = decide(ctx, authorizer, attributesFrom(u, ssar.Spec.ResourceAttributes, ssar.Spec.NonResourceAttributes))
	return &out, nil
}

// ReviewLocalSubjectAccess answers a LocalSubjectAccessReview created in
// namespace (the request's). An empty metadata.namespace takes it; a
// different one is refused, as Kubernetes does.
func ReviewLocalSubjectAccess(ctx context.Context, authorizer Authorizer, namespace string, lsar *authorization.LocalSubjectAccessReview) (*authorization.LocalSubjectAccessReview, error) {
	if namespace == "" {
		return nil, meta.NewBadRequest("namespace is required on this type: ")
	}
	out := *lsar
	if out.Namespace == "" {
		out.Namespace = namespace
	}
	if out.Namespace != namespace {
		return nil, meta.NewBadRequest("the namespace of the provided object does not match the namespace sent on the request")
	}
	if errs := out.Validate(); len(errs) > 0 {
		return nil, meta.NewInvalid(reviewGroupKind("LocalSubjectAccessReview"), "", errs)
	}
	u := &authn.User{Name: out.Spec.User, Groups: out.Spec.Groups, UID: out.Spec.UID, Extra: extraFrom(out.Spec.Extra)}
	out.Status = decide(ctx, authorizer, attributesFrom(u, out.Spec.ResourceAttributes, nil))
	return &out, nil
}

// ReviewSelfSubjectRules answers a SelfSubjectRulesReview — kubectl auth
// can-i --list — for the user of ctx, from resolver (the server's
// authorizer, when it is a RuleResolver such as a Union). The answer has
// only a status, as Kubernetes'.
func ReviewSelfSubjectRules(ctx context.Context, resolver RuleResolver, ssrr *authorization.SelfSubjectRulesReview) (*authorization.SelfSubjectRulesReview, error) {
	u, ok := authn.UserFrom(ctx)
	if !ok || u == nil {
		return nil, meta.NewBadRequest("no user present on request")
	}
	if ssrr.Spec.Namespace == "" {
		return nil, meta.NewBadRequest("no namespace on request")
	}
	rules, incomplete, err := resolver.RulesFor(ctx, u, ssrr.Spec.Namespace)
	out := &authorization.SelfSubjectRulesReview{TypeMeta: ssrr.TypeMeta}
	st := &out.Status
	st.ResourceRules, st.NonResourceRules = []authorization.ResourceRule{}, []authorization.NonResourceRule{}
	for _, r := range rules {
		if len(r.Resources) > 0 {
			st.ResourceRules = append(st.ResourceRules, authorization.ResourceRule{
				Verbs: r.Verbs, APIGroups: r.APIGroups, Resources: r.Resources, ResourceNames: r.ResourceNames})
		}
		if len(r.NonResourceURLs) > 0 {
			st.NonResourceRules = append(st.NonResourceRules, authorization.NonResourceRule{Verbs: r.Verbs, NonResourceURLs: r.NonResourceURLs})
		}
	}
	st.Incomplete = incomplete
	if err != nil {
		st.EvaluationError = err.Error()
	}
	return out, nil
}

func decide(ctx context.Context, authorizer Authorizer, a Attributes) authorization.SubjectAccessReviewStatus {
	d, reason, err := authorizer.Authorize(ctx, a)
	st := authorization.SubjectAccessReviewStatus{Allowed: d == Allow, Denied: d == Deny, Reason: reason}
	if err != nil {
		st.EvaluationError = err.Error()
	}
	return st
}

// attributesFrom turns a review's attributes into a request's; an empty
// version matches all.
func attributesFrom(u *authn.User, ra *authorization.ResourceAttributes, nra *authorization.NonResourceAttributes) Attributes {
	if ra == nil {
		return Attributes{User: u, Verb: nra.Verb, Path: nra.Path}
	}
	a := Attributes{
		User: u, Verb: ra.Verb, ResourceRequest: true, APIGroup: ra.Group, APIVersion: ra.Version,
		Resource: ra.Resource, Subresource: ra.Subresource, Namespace: ra.Namespace, Name: ra.Name,
	}
	if a.APIVersion == "" {
		a.APIVersion = "*"
	}
	if fs := ra.FieldSelector; fs != nil {
		a.FieldSelector = fieldSelectorFrom(fs)
	}
	return a
}

// fieldSelectorFrom reads a review's field selector. Only exact matches
// (In with one value, and the raw selector's = terms) can narrow a
// decision; a selector that cannot be read narrows nothing, which only
// ever denies more.
func fieldSelectorFrom(fs *authorization.FieldSelectorAttributes) fields.Selector {
	if fs.RawSelector != "" {
		sel, err := fields.Parse(fs.RawSelector)
		if err != nil {
			return nil
		}
		return sel
	}
	set := fields.Set{}
	for _, r := range fs.Requirements {
		if r.Operator == "In" && len(r.Values) == 1 {
			set[r.Key] = r.Values[0]
		}
	}
	if len(set) == 0 {
		return nil
	}
	return fields.SelectorFromSet(set)
}

func extraFrom(extra map[string]authorization.ExtraValue) map[string][]string {
	if len(extra) == 0 {
		return nil
	}
	out := make(map[string][]string, len(extra))
	for k, v := range extra {
		out[k] = v.Items
	}
	return out
}
