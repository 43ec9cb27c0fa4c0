package admissionregistration

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/validation"
)

// Validation of webhook configurations, with Kubernetes' rules and
// messages (pkg/apis/admissionregistration/validation). On update, values
// that only older servers accepted (side effects Some or Unknown, review
// versions this server does not know, duplicate webhook names) stay valid
// if the stored object already had them, so an old object can still be
// changed.

// Validate checks a new ValidatingWebhookConfiguration.
func (c *ValidatingWebhookConfiguration) Validate() meta.FieldErrors {
	return c.validate(strictOptions)
}

// ValidateUpdate checks an update; old must be a
// *ValidatingWebhookConfiguration.
func (c *ValidatingWebhookConfiguration) ValidateUpdate(old meta.Object) meta.FieldErrors {
	o, ok := old.(*ValidatingWebhookConfiguration)
	if !ok {
		return meta.FieldErrors{meta.InternalFieldError(meta.NewPath("kind"), fmt.Errorf("old object is %T, not %T", old, c))}
	}
	hooks := make([]webhookFields, len(o.Webhooks))
	for i := range o.Webhooks {
		hooks[i] = o.Webhooks[i].fields()
	}
	errs := validation.ValidateObjectMetaUpdate(&c.ObjectMeta, &o.ObjectMeta, meta.NewPath("metadata"))
	return append(errs, c.validate(relaxedFor(hooks))...)
}

func (c *ValidatingWebhookConfiguration) validate(opts validateOptions) meta.FieldErrors {
	errs := validation.ValidateObjectMeta(&c.ObjectMeta, false, validation.NameIsDNSSubdomain, meta.NewPath("metadata"))
	hooks := make([]webhookFields, len(c.Webhooks))
	for i := range c.Webhooks {
		hooks[i] = c.Webhooks[i].fields()
	}
	return append(errs, validateWebhooks(hooks, opts)...)
}

// Validate checks a new MutatingWebhookConfiguration.
func (c *MutatingWebhookConfiguration) Validate() meta.FieldErrors {
	return c.validate(strictOptions)
}

// ValidateUpdate checks an update; old must be a
// *MutatingWebhookConfiguration.
func (c *MutatingWebhookConfiguration) ValidateUpdate(old meta.Object) meta.FieldErrors {
	o, ok := old.(*MutatingWebhookConfiguration)
	if !ok {
		return meta.FieldErrors{meta.InternalFieldError(meta.NewPath("kind"), fmt.Errorf("old object is %T, not %T", old, c))}
	}
	hooks := make([]webhookFields, len(o.Webhooks))
	for i := range o.Webhooks {
		hooks[i] = o.Webhooks[i].fields()
	}
	errs := validation.ValidateObjectMetaUpdate(&c.ObjectMeta, &o.ObjectMeta, meta.NewPath("metadata"))
	return append(errs, c.validate(relaxedFor(hooks))...)
}

func (c *MutatingWebhookConfiguration) validate(opts validateOptions) meta.FieldErrors {
	errs := validation.ValidateObjectMeta(&c.ObjectMeta, false, validation.NameIsDNSSubdomain, meta.NewPath("metadata"))
	hooks := make([]webhookFields, len(c.Webhooks))
	for i := range c.Webhooks {
		hooks[i] = c.Webhooks[i].fields()
	}
	errs = append(errs, validateWebhooks(hooks, opts)...)
	for i, w := range c.Webhooks {
		if p := w.ReinvocationPolicy; p != nil && *p != NeverReinvocationPolicy && *p != IfNeededReinvocationPolicy {
			errs = append(errs, meta.NotSupported(meta.NewPath("webhooks").Index(i).Child("reinvocationPolicy"), *p,
				[]string{string(IfNeededReinvocationPolicy), string(NeverReinvocationPolicy)}))
		}
	}
	return errs
}

// webhookFields are the fields validating and mutating webhooks share.
type webhookFields struct {
	name              string
	clientConfig      *WebhookClientConfig
	rules             []RuleWithOperations
	failurePolicy     *FailurePolicyType
	matchPolicy       *MatchPolicyType
	namespaceSelector *meta.LabelSelector
	objectSelector    *meta.LabelSelector
	sideEffects       *SideEffectClass
	timeoutSeconds    *int32
	reviewVersions    []string
}

func (w *ValidatingWebhook) fields() webhookFields {
	return webhookFields{w.Name, &w.ClientConfig, w.Rules, w.FailurePolicy, w.MatchPolicy, w.NamespaceSelector,
		w.ObjectSelector, w.SideEffects, w.TimeoutSeconds, w.AdmissionReviewVersions}
}

func (w *MutatingWebhook) fields() webhookFields {
	return webhookFields{w.Name, &w.ClientConfig, w.Rules, w.FailurePolicy, w.MatchPolicy, w.NamespaceSelector,
		w.ObjectSelector, w.SideEffects, w.TimeoutSeconds, w.AdmissionReviewVersions}
}

type validateOptions struct {
	requireNoSideEffects      bool
	requireKnownReviewVersion bool
	requireUniqueNames        bool
	allowInvalidLabelValues   bool
}

var strictOptions = validateOptions{requireNoSideEffects: true, requireKnownReviewVersion: true, requireUniqueNames: true}

// relaxedFor returns the options for an update of an object whose stored
// webhooks are old.
func relaxedFor(old []webhookFields) validateOptions {
	opts := strictOptions
	names := map[string]bool{}
	for _, w := range old {
		if w.sideEffects == nil || (*w.sideEffects != SideEffectClassNone && *w.sideEffects != SideEffectClassNoneOnDryRun) {
			opts.requireNoSideEffects = false
		}
		if len(w.reviewVersions) > 0 && !slices.ContainsFunc(w.reviewVersions, isKnownReviewVersion) {
			opts.requireKnownReviewVersion = false
		}
		if names[w.name] {
			opts.requireUniqueNames = false
		}
		names[w.name] = true
		for _, s := range []*meta.LabelSelector{w.namespaceSelector, w.objectSelector} {
			if len(validation.ValidateLabelSelector(s, validation.LabelSelectorOptions{}, meta.NewPath("s"))) > 0 {
				opts.allowInvalidLabelValues = true
			}
		}
	}
	return opts
}

// ReviewVersions are the AdmissionReview versions spar sends, preferred
// first.
var ReviewVersions = []string{"v1", "v1beta1"}

func isKnownReviewVersion(v string) bool { return slices.Contains(ReviewVersions, v) }

func validateWebhooks(hooks []webhookFields, opts validateOptions) meta.FieldErrors {
	var errs meta.FieldErrors
	names := map[string]bool{}
	for i, w := range hooks {
		path := meta.NewPath("webhooks").Index(i)
		errs = append(errs, w.validate(opts, path)...)
		errs = append(errs, validateReviewVersions(w.reviewVersions, opts.requireKnownReviewVersion, path.Child("admissionReviewVersions"))...)
		if opts.requireUniqueNames && w.name != "" {
			if names[w.name] {
				errs = append(errs, meta.Duplicate(path.Child("name"), w.name))
			}
			names[w.name] = true
		}
	}
	return errs
}

func (w *webhookFields) validate(opts validateOptions, path *meta.Path) meta.FieldErrors {
	errs := validateFullyQualifiedName(path.Child("name"), w.name)
	for i := range w.rules {
		errs = append(errs, validateRuleWithOperations(&w.rules[i], path.Child("rules").Index(i))...)
	}
	if p := w.failurePolicy; p != nil && *p != Ignore && *p != Fail {
		errs = append(errs, meta.NotSupported(path.Child("failurePolicy"), *p, []string{string(Fail), string(Ignore)}))
	}
	if p := w.matchPolicy; p != nil && *p != Exact && *p != Equivalent {
		errs = append(errs, meta.NotSupported(path.Child("matchPolicy"), *p, []string{string(Equivalent), string(Exact)}))
	}
	allowed := []string{string(SideEffectClassNone), string(SideEffectClassNoneOnDryRun)}
	if !opts.requireNoSideEffects {
		allowed = []string{string(SideEffectClassNone), string(SideEffectClassNoneOnDryRun), string(SideEffectClassSome), string(SideEffectClassUnknown)}
	}
	switch {
	case w.sideEffects == nil:
		errs = append(errs, meta.Required(path.Child("sideEffects"), "must specify one of "+strings.Join(allowed, ", ")))
	case !slices.Contains(allowed, string(*w.sideEffects)):
		errs = append(errs, meta.NotSupported(path.Child("sideEffects"), *w.sideEffects, allowed))
	}
	if t := w.timeoutSeconds; t != nil && (*t > 30 || *t < 1) {
		errs = append(errs, meta.Invalid(path.Child("timeoutSeconds"), *t, "the timeout value must be between 1 and 30 seconds"))
	}
	selOpts := validation.LabelSelectorOptions{AllowInvalidLabelValueInSelector: opts.allowInvalidLabelValues}
	errs = append(errs, validation.ValidateLabelSelector(w.namespaceSelector, selOpts, path.Child("namespaceSelector"))...)
	errs = append(errs, validation.ValidateLabelSelector(w.objectSelector, selOpts, path.Child("objectSelector"))...)
	cc, ccPath := w.clientConfig, path.Child("clientConfig")
	switch {
	case (cc.URL == nil) == (cc.Service == nil):
		errs = append(errs, meta.Required(ccPath, "exactly one of url or service is required"))
	case cc.URL != nil:
		errs = append(errs, ValidateWebhookURL(ccPath.Child("url"), *cc.URL)...)
	default:
		errs = append(errs, validateService(ccPath.Child("service"), cc.Service)...)
	}
	return errs
}

// validateFullyQualifiedName requires a DNS subdomain of at least three
// labels, as Kubernetes does for webhook names.
func validateFullyQualifiedName(path *meta.Path, name string) meta.FieldErrors {
	if name == "" {
		return meta.FieldErrors{meta.Required(path, "")}
	}
	if errs := validation.IsDNS1123Subdomain(name); len(errs) > 0 {
		return meta.FieldErrors{meta.Invalid(path, name, strings.Join(errs, ","))}
	}
	if len(strings.Split(name, ".")) < 3 {
		return meta.FieldErrors{meta.Invalid(path, name, "should be a domain with at least three segments separated by dots")}
	}
	return nil
}

func validateReviewVersions(versions []string, requireKnown bool, path *meta.Path) meta.FieldErrors {
	if len(versions) == 0 {
		return meta.FieldErrors{meta.Required(path, "must specify one of "+strings.Join(ReviewVersions, ", "))}
	}
	var errs meta.FieldErrors
	seen := map[string]bool{}
	known := false
	for i, v := range versions {
		if seen[v] {
			errs = append(errs, meta.Invalid(path.Index(i), v, "duplicate version"))
			continue
		}
		seen[v] = true
		for _, msg := range validation.IsDNS1035Label(v) {
			errs = append(errs, meta.Invalid(path.Index(i), v, msg))
		}
		known = known || isKnownReviewVersion(v)
	}
	if requireKnown && !known {
		errs = append(errs, meta.Invalid(path, versions, "must include at least one of "+strings.Join(ReviewVersions, ", ")))
	}
	return errs
}

var supportedOperations = []string{string(OperationAll), string(Connect), string(Create), string(Delete), string(Update)}

func validateRuleWithOperations(r *RuleWithOperations, path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if len(r.Operations) == 0 {
		errs = append(errs, meta.Required(path.Child("operations"), ""))
	}
	if len(r.Operations) > 1 && slices.Contains(r.Operations, OperationAll) {
		errs = append(errs, meta.Invalid(path.Child("operations"), r.Operations, "if '*' is present, must not specify other operations"))
	}
	for i, op := range r.Operations {
		if !slices.Contains(supportedOperations, string(op)) {
			errs = append(errs, meta.NotSupported(path.Child("operations").Index(i), op, supportedOperations))
		}
	}
	return append(errs, r.Rule.validate(path)...)
}

func (r *Rule) validate(path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if len(r.APIGroups) == 0 {
		errs = append(errs, meta.Required(path.Child("apiGroups"), ""))
	}
	if len(r.APIGroups) > 1 && slices.Contains(r.APIGroups, "*") {
		errs = append(errs, meta.Invalid(path.Child("apiGroups"), r.APIGroups, "if '*' is present, must not specify other API groups"))
	}
	if len(r.APIVersions) == 0 {
		errs = append(errs, meta.Required(path.Child("apiVersions"), ""))
	}
	if len(r.APIVersions) > 1 && slices.Contains(r.APIVersions, "*") {
		errs = append(errs, meta.Invalid(path.Child("apiVersions"), r.APIVersions, "if '*' is present, must not specify other API versions"))
	}
	for i, v := range r.APIVersions {
		if v == "" {
			errs = append(errs, meta.Required(path.Child("apiVersions").Index(i), ""))
		}
	}
	errs = append(errs, validateResources(r.Resources, path.Child("resources"))...)
	if s := r.Scope; s != nil && *s != ClusterScope && *s != NamespacedScope && *s != AllScopes {
		errs = append(errs, meta.NotSupported(path.Child("scope"), *s, []string{string(AllScopes), string(ClusterScope), string(NamespacedScope)}))
	}
	return errs
}

func validateResources(resources []string, path *meta.Path) meta.FieldErrors {
	var errs meta.FieldErrors
	if len(resources) == 0 {
		errs = append(errs, meta.Required(path, ""))
	}
	wildSub := map[string]bool{} // x/*
	wildRes := map[string]bool{} // */x
	doubleWild, singleWild, plain := false, false, false
	for i, rs := range resources {
		if rs == "" {
			errs = append(errs, meta.Required(path.Index(i), ""))
			continue
		}
		doubleWild = doubleWild || rs == "*/*"
		singleWild = singleWild || rs == "*"
		res, sub, hasSub := strings.Cut(rs, "/")
		if !hasSub {
			plain = rs != "*"
			continue
		}
		if wildSub[res] {
			errs = append(errs, meta.Invalid(path.Index(i), rs, fmt.Sprintf("if '%s/*' is present, must not specify %s", res, rs)))
		}
		if wildRes[sub] {
			errs = append(errs, meta.Invalid(path.Index(i), rs, fmt.Sprintf("if '*/%s' is present, must not specify %s", sub, rs)))
		}
		if sub == "*" {
			wildSub[res] = true
		}
		if res == "*" {
			wildRes[sub] = true
		}
	}
	if len(resources) > 1 && doubleWild {
		errs = append(errs, meta.Invalid(path, resources, "if '*/*' is present, must not specify other resources"))
	}
	if singleWild && plain {
		errs = append(errs, meta.Invalid(path, resources, "if '*' is present, must not specify other resources without subresources"))
	}
	return errs
}

// ValidateWebhookURL checks a webhook URL as Kubernetes does: https, a
// host, and no user information, query or fragment.
func ValidateWebhookURL(path *meta.Path, raw string) meta.FieldErrors {
	const form = "; desired format: https://host[/path]"
	u, err := url.Parse(raw)
	if err != nil {
		return meta.FieldErrors{meta.Required(path, "url must be a valid URL: "+err.Error()+form)}
	}
	var errs meta.FieldErrors
	if u.Scheme != "https" {
		errs = append(errs, meta.Invalid(path, u.Scheme, "'https' is the only allowed URL scheme"+form))
	}
	if u.Host == "" {
		errs = append(errs, meta.Invalid(path, u.Host, "host must be specified"+form))
	}
	if u.User != nil {
		errs = append(errs, meta.Invalid(path, u.User.String(), "user information is not permitted in the URL"))
	}
	if u.Fragment != "" {
		errs = append(errs, meta.Invalid(path, u.Fragment, "fragments are not permitted in the URL"))
	}
	if u.RawQuery != "" {
		errs = append(errs, meta.Invalid(path, u.RawQuery, "query parameters are not permitted in the URL"))
	}
	return errs
}

func validateService(path *meta.Path, s *ServiceReference) meta.FieldErrors {
	var errs meta.FieldErrors
	if s.Name == "" {
		errs = append(errs, meta.Required(path.Child("name"), "service name is required"))
	}
	if s.Namespace == "" {
		errs = append(errs, meta.Required(path.Child("namespace"), "service namespace is required"))
	}
	if s.Port != nil {
		if msgs := validation.IsValidPortNum(int(*s.Port)); len(msgs) > 0 {
			errs = append(errs, meta.Invalid(path.Child("port"), *s.Port, "port is not valid: "+strings.Join(msgs, ", ")))
		}
	}
	if s.Path == nil || *s.Path == "" || *s.Path == "/" {
		return errs
	}
	p := *s.Path
	if p == "//" {
		return append(errs, meta.Invalid(path.Child("path"), p, "segment[0] may not be empty"))
	}
	if !strings.HasPrefix(p, "/") {
		errs = append(errs, meta.Invalid(path.Child("path"), p, "must start with a '/'"))
	}
	check := strings.TrimSuffix(strings.TrimPrefix(p, "/"), "/")
	for i, step := range strings.Split(check, "/") {
		if step == "" {
			errs = append(errs, meta.Invalid(path.Child("path"), p, fmt.Sprintf("segment[%d] may not be empty", i)))
			continue
		}
		for _, msg := range validation.IsDNS1123Subdomain(step) {
			errs = append(errs, meta.Invalid(path.Child("path"), p, fmt.Sprintf("segment[%d]: %v", i, msg)))
		}
	}
	return errs
}
