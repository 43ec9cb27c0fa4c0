package admissionregistration

import "github.com/spar-dev/spar/api/meta"

// GroupName is the API group of this package's kinds.
const GroupName = "admissionregistration.k8s.io"

// Version is the API version of this package's kinds.
const Version = "v1"

// ValidatingWebhookConfiguration lists webhooks that may reject writes
// after they are validated; they run in parallel and cannot change the
// object.
type ValidatingWebhookConfiguration struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Webhooks are called for the writes their rules match.
	Webhooks []ValidatingWebhook `json:"webhooks,omitempty" patchStrategy:"merge" patchMergeKey:"name" protobuf:"bytes,2,rep,name=Webhooks"`
}

// ValidatingWebhookConfigurationList is a list of
// ValidatingWebhookConfigurations.
type ValidatingWebhookConfigurationList = meta.List[ValidatingWebhookConfiguration]

// MutatingWebhookConfiguration lists webhooks that may change (with a JSON
// patch) or reject writes before they are validated; they run one after
// another in name order of their configurations.
type MutatingWebhookConfiguration struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Webhooks are called for the writes their rules match, in order.
	Webhooks []MutatingWebhook `json:"webhooks,omitempty" patchStrategy:"merge" patchMergeKey:"name" protobuf:"bytes,2,rep,name=Webhooks"`
}

// MutatingWebhookConfigurationList is a list of
// MutatingWebhookConfigurations.
type MutatingWebhookConfigurationList = meta.List[MutatingWebhookConfiguration]

// ValidatingWebhook is one validating webhook.
type ValidatingWebhook struct {
	// Name identifies the webhook in errors, audit annotations and metrics;
	// a fully qualified name such as "deny-latest.example.com", unique in
	// its configuration.
	Name string `json:"name" protobuf:"bytes,1,opt,name=name"`
	// ClientConfig says how to reach the webhook.
	ClientConfig WebhookClientConfig `json:"clientConfig" protobuf:"bytes,2,opt,name=clientConfig"`
	// Rules select the writes sent to the webhook; a write matching any
	// rule is sent.
	Rules []RuleWithOperations `json:"rules,omitempty" protobuf:"bytes,3,rep,name=rules"`
	// FailurePolicy says what happens when the webhook cannot be called or
	// answers nonsense. Default: Fail.
	FailurePolicy *FailurePolicyType `json:"failurePolicy,omitempty" protobuf:"bytes,4,opt,name=failurePolicy,casttype=FailurePolicyType"`
	// MatchPolicy is Exact or Equivalent. Default: Equivalent. spar serves
	// one version of each resource, so the two match the same writes.
	MatchPolicy *MatchPolicyType `json:"matchPolicy,omitempty" protobuf:"bytes,9,opt,name=matchPolicy,casttype=MatchPolicyType"`
	// NamespaceSelector limits the webhook to objects in namespaces whose
	// labels match (and to namespaces themselves). Cluster-scoped objects
	// other than namespaces are always sent. Default: {} (everything).
	NamespaceSelector *meta.LabelSelector `json:"namespaceSelector,omitempty" protobuf:"bytes,5,opt,name=namespaceSelector"`
	// ObjectSelector limits the webhook to objects whose labels (new or
	// old) match. Default: {} (everything).
	ObjectSelector *meta.LabelSelector `json:"objectSelector,omitempty" protobuf:"bytes,10,opt,name=objectSelector"`
	// SideEffects is None or NoneOnDryRun (Some and Unknown are accepted
	// only from older objects); a webhook with side effects is never
	// called for a dry run. Required.
	SideEffects *SideEffectClass `json:"sideEffects" protobuf:"bytes,6,opt,name=sideEffects,casttype=SideEffectClass"`
	// TimeoutSeconds bounds a call, 1 to 30. Default: 10.
	TimeoutSeconds *int32 `json:"timeoutSeconds,omitempty" protobuf:"varint,7,opt,name=timeoutSeconds"`
	// AdmissionReviewVersions are the AdmissionReview versions the webhook
	// understands, preferred first; the first of v1 and v1beta1 listed is
	// sent. Required.
	AdmissionReviewVersions []string `json:"admissionReviewVersions" protobuf:"bytes,8,rep,name=admissionReviewVersions"`
}

// MutatingWebhook is one mutating webhook.
type MutatingWebhook struct {
	// Name identifies the webhook; see ValidatingWebhook.Name.
	Name string `json:"name" protobuf:"bytes,1,opt,name=name"`
	// ClientConfig says how to reach the webhook.
	ClientConfig WebhookClientConfig `json:"clientConfig" protobuf:"bytes,2,opt,name=clientConfig"`
	// Rules select the writes sent to the webhook.
	Rules []RuleWithOperations `json:"rules,omitempty" protobuf:"bytes,3,rep,name=rules"`
	// FailurePolicy default: Fail.
	FailurePolicy *FailurePolicyType `json:"failurePolicy,omitempty" protobuf:"bytes,4,opt,name=failurePolicy,casttype=FailurePolicyType"`
	// MatchPolicy default: Equivalent.
	MatchPolicy *MatchPolicyType `json:"matchPolicy,omitempty" protobuf:"bytes,9,opt,name=matchPolicy,casttype=MatchPolicyType"`
	// NamespaceSelector default: {} (everything).
	NamespaceSelector *meta.LabelSelector `json:"namespaceSelector,omitempty" protobuf:"bytes,5,opt,name=namespaceSelector"`
	// ObjectSelector default: {} (everything).
	ObjectSelector *meta.LabelSelector `json:"objectSelector,omitempty" protobuf:"bytes,11,opt,name=objectSelector"`
	// SideEffects is required; see ValidatingWebhook.SideEffects.
	SideEffects *SideEffectClass `json:"sideEffects" protobuf:"bytes,6,opt,name=sideEffects,casttype=SideEffectClass"`
	// TimeoutSeconds default: 10.
	TimeoutSeconds *int32 `json:"timeoutSeconds,omitempty" protobuf:"varint,7,opt,name=timeoutSeconds"`
	// AdmissionReviewVersions is required.
	AdmissionReviewVersions []string `json:"admissionReviewVersions" protobuf:"bytes,8,rep,name=admissionReviewVersions"`
	// ReinvocationPolicy is Never or IfNeeded. Default: Never. spar calls
	// each mutating webhook once; IfNeeded is accepted and stored.
	ReinvocationPolicy *ReinvocationPolicyType `json:"reinvocationPolicy,omitempty" protobuf:"bytes,10,opt,name=reinvocationPolicy,casttype=ReinvocationPolicyType"`
}

// RuleWithOperations is a Rule and the operations it applies to.
type RuleWithOperations struct {
	// Operations are CREATE, UPDATE, DELETE, CONNECT or "*".
	Operations []OperationType `json:"operations,omitempty" protobuf:"bytes,1,rep,name=operations,casttype=OperationType"`
	Rule       `json:",inline" protobuf:"bytes,2,opt,name=rule"`
}

// Rule selects resources: every list must contain the request's value or
// "*".
type Rule struct {
	// APIGroups are API groups ("" is core).
	APIGroups []string `json:"apiGroups,omitempty" protobuf:"bytes,1,rep,name=apiGroups"`
	// APIVersions are API versions.
	APIVersions []string `json:"apiVersions,omitempty" protobuf:"bytes,2,rep,name=apiVersions"`
	// Resources are resources with optional subresources: "pods",
	// "pods/status", "pods/*", "*/status", "*" (every resource, no
	// subresources) or "*/*" (everything).
	Resources []string `json:"resources,omitempty" protobuf:"bytes,3,rep,name=resources"`
	// Scope is Cluster, Namespaced or "*". Default: "*".
	Scope *ScopeType `json:"scope,omitempty" protobuf:"bytes,4,opt,name=scope"` // Kubernetes tags it "rep"; one element encodes the same.
}

// OperationType is a write operation a rule matches.
type OperationType string

// Operations.
const (
	OperationAll OperationType = "*"
	Create       OperationType = "CREATE"
	Update       OperationType = "UPDATE"
	Delete       OperationType = "DELETE"
	Connect      OperationType = "CONNECT"
)

// ScopeType says whether a rule matches cluster-scoped objects,
// namespaced objects or both.
type ScopeType string

// Scopes.
const (
	// ClusterScope matches cluster-scoped objects (namespaces included).
	ClusterScope ScopeType = "Cluster"
	// NamespacedScope matches namespaced objects.
	NamespacedScope ScopeType = "Namespaced"
	// AllScopes matches both.
	AllScopes ScopeType = "*"
)

// FailurePolicyType says what an unreachable webhook means.
type FailurePolicyType string

// Failure policies.
const (
	// Ignore lets the write through.
	Ignore FailurePolicyType = "Ignore"
	// Fail rejects the write.
	Fail FailurePolicyType = "Fail"
)

// MatchPolicyType says whether rules match only the exact resource
// version named or equivalent versions too.
type MatchPolicyType string

// Match policies.
const (
	Exact      MatchPolicyType = "Exact"
	Equivalent MatchPolicyType = "Equivalent"
)

// SideEffectClass says whether calling a webhook changes anything outside
// the object.
type SideEffectClass string

// Side effect classes.
const (
	SideEffectClassUnknown      SideEffectClass = "Unknown"
	SideEffectClassNone         SideEffectClass = "None"
	SideEffectClassSome         SideEffectClass = "Some"
	SideEffectClassNoneOnDryRun SideEffectClass = "NoneOnDryRun"
)

// ReinvocationPolicyType says whether a mutating webhook runs again after
// later webhooks changed the object.
type ReinvocationPolicyType string

// Reinvocation policies.
const (
	NeverReinvocationPolicy    ReinvocationPolicyType = "Never"
	IfNeededReinvocationPolicy ReinvocationPolicyType = "IfNeeded"
)

// WebhookClientConfig says how to reach a webhook: exactly one of URL and
// Service.
type WebhookClientConfig struct {
	// URL is "https://host[:port][/path]", without user, query or fragment.
	URL *string `json:"url,omitempty" protobuf:"bytes,3,opt,name=url"`
	// Service is an in-cluster Service serving HTTPS.
	Service *ServiceReference `json:"service,omitempty" protobuf:"bytes,1,opt,name=service"`
	// CABundle is the PEM bundle that signs the webhook's serving
	// certificate (base64 on the wire). Default: the system roots.
	CABundle []byte `json:"caBundle,omitempty" protobuf:"bytes,2,opt,name=caBundle"`
}

// ServiceReference names a Service port and path; the server name checked
// against the certificate is "<name>.<namespace>.svc".
type ServiceReference struct {
	Namespace string `json:"namespace" protobuf:"bytes,1,opt,name=namespace"`
	Name      string `json:"name" protobuf:"bytes,2,opt,name=name"`
	// Path is the URL path of requests. Default: "/".
	Path *string `json:"path,omitempty" protobuf:"bytes,3,opt,name=path"`
	// Port default: 443.
	Port *int32 `json:"port,omitempty" protobuf:"varint,4,opt,name=port"`
}

// Default applies Kubernetes' v1 defaults to every webhook.
func (c *ValidatingWebhookConfiguration) Default() {
	for i := range c.Webhooks {
		w := &c.Webhooks[i]
		defaultCommon(&w.FailurePolicy, &w.MatchPolicy, &w.NamespaceSelector, &w.ObjectSelector, &w.TimeoutSeconds, w.Rules, &w.ClientConfig)
	}
}

// Default applies Kubernetes' v1 defaults to every webhook.
func (c *MutatingWebhookConfiguration) Default() {
	for i := range c.Webhooks {
		w := &c.Webhooks[i]
		defaultCommon(&w.FailurePolicy, &w.MatchPolicy, &w.NamespaceSelector, &w.ObjectSelector, &w.TimeoutSeconds, w.Rules, &w.ClientConfig)
		if w.ReinvocationPolicy == nil {
			w.ReinvocationPolicy = new(NeverReinvocationPolicy)
		}
	}
}

// DefaultTimeoutSeconds is the timeout of a webhook that sets none.
const DefaultTimeoutSeconds = 10

func defaultCommon(fp **FailurePolicyType, mp **MatchPolicyType, ns, obj **meta.LabelSelector, timeout **int32, rules []RuleWithOperations, cc *WebhookClientConfig) {
	if *fp == nil {
		*fp = new(Fail)
	}
	if *mp == nil {
		*mp = new(Equivalent)
	}
	if *ns == nil {
		*ns = &meta.LabelSelector{}
	}
	if *obj == nil {
		*obj = &meta.LabelSelector{}
	}
	if *timeout == nil {
		*timeout = new(int32(DefaultTimeoutSeconds))
	}
	for i := range rules {
		if rules[i].Scope == nil {
			rules[i].Scope = new(AllScopes)
		}
	}
	if s := cc.Service; s != nil && s.Port == nil {
		s.Port = new(int32(443))
	}
}
