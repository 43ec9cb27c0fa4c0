package authorization

import (
	"encoding/json"

	"github.com/spar-dev/spar/api/meta"
)

// GroupName is the API group of this package's kinds.
const GroupName = "authorization.k8s.io"

// Version is the API version of this package's kinds.
const Version = "v1"

// SubjectAccessReview asks whether a given user or group may perform an
// action.
type SubjectAccessReview struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	Spec            SubjectAccessReviewSpec   `json:"spec" protobuf:"bytes,2,opt,name=spec"`
	Status          SubjectAccessReviewStatus `json:"status,omitempty" protobuf:"bytes,3,opt,name=status"`
}

// SubjectAccessReviewList exists for the scheme; the API serves no lists.
type SubjectAccessReviewList = meta.List[SubjectAccessReview]

// SelfSubjectAccessReview asks whether the caller may perform an action.
// An empty namespace means "in all namespaces".
type SelfSubjectAccessReview struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	Spec            SelfSubjectAccessReviewSpec `json:"spec" protobuf:"bytes,2,opt,name=spec"`
	Status          SubjectAccessReviewStatus   `json:"status,omitempty" protobuf:"bytes,3,opt,name=status"`
}

// SelfSubjectAccessReviewList exists for the scheme; the API serves no lists.
type SelfSubjectAccessReviewList = meta.List[SelfSubjectAccessReview]

// LocalSubjectAccessReview is a SubjectAccessReview scoped to the namespace it
// is created in, so that the right to ask can itself be granted per
// namespace.
type LocalSubjectAccessReview struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	Spec            SubjectAccessReviewSpec   `json:"spec" protobuf:"bytes,2,opt,name=spec"`
	Status          SubjectAccessReviewStatus `json:"status,omitempty" protobuf:"bytes,3,opt,name=status"`
}

// LocalSubjectAccessReviewList exists for the scheme; the API serves no lists.
type LocalSubjectAccessReviewList = meta.List[LocalSubjectAccessReview]

// SelfSubjectRulesReview lists what the caller may do in a namespace. The
// answer is for display (kubectl auth can-i --list), not for decisions: it
// may be incomplete.
type SelfSubjectRulesReview struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	Spec            SelfSubjectRulesReviewSpec `json:"spec" protobuf:"bytes,2,opt,name=spec"`
	Status          SubjectRulesReviewStatus   `json:"status,omitempty" protobuf:"bytes,3,opt,name=status"`
}

// SelfSubjectRulesReviewList exists for the scheme; the API serves no lists.
type SelfSubjectRulesReviewList = meta.List[SelfSubjectRulesReview]

// ResourceAttributes describe a request for a resource.
type ResourceAttributes struct {
	// Namespace of the action; "" is cluster scope for cluster-scoped
	// resources and "all namespaces" for namespaced ones.
	Namespace string `json:"namespace,omitempty" protobuf:"bytes,1,opt,name=namespace"`
	// Verb such as get, list, watch, create; "*" means all.
	Verb string `json:"verb,omitempty" protobuf:"bytes,2,opt,name=verb"`
	// Group is the API group; "*" means all.
	Group string `json:"group,omitempty" protobuf:"bytes,3,opt,name=group"`
	// Version is the API version; "*" (or "") means all.
	Version string `json:"version,omitempty" protobuf:"bytes,4,opt,name=version"`
	// Resource is the plural resource name; "*" means all.
	Resource string `json:"resource,omitempty" protobuf:"bytes,5,opt,name=resource"`
	// Subresource such as "log" or "status"; "" means none.
	Subresource string `json:"subresource,omitempty" protobuf:"bytes,6,opt,name=subresource"`
	// Name of the object; "" means all.
	Name string `json:"name,omitempty" protobuf:"bytes,7,opt,name=name"`
	// FieldSelector limits a list or watch; it can only narrow access.
	FieldSelector *FieldSelectorAttributes `json:"fieldSelector,omitempty" protobuf:"bytes,8,opt,name=fieldSelector"`
	// LabelSelector limits a list or watch; it can only narrow access.
	LabelSelector *LabelSelectorAttributes `json:"labelSelector,omitempty" protobuf:"bytes,9,opt,name=labelSelector"`
}

// FieldSelectorAttributes is a field selector as a query parameter
// (RawSelector) or parsed (Requirements); at most one is set.
type FieldSelectorAttributes struct {
	RawSelector  string                     `json:"rawSelector,omitempty" protobuf:"bytes,1,opt,name=rawSelector"`
	Requirements []FieldSelectorRequirement `json:"requirements,omitempty" protobuf:"bytes,2,rep,name=requirements"`
}

// FieldSelectorRequirement is one term of a field selector (metav1's type of
// the same name).
type FieldSelectorRequirement struct {
	Key string `json:"key" protobuf:"bytes,1,opt,name=key"`
	// Operator is In, NotIn, Exists or DoesNotExist.
	Operator string   `json:"operator" protobuf:"bytes,2,opt,name=operator"`
	Values   []string `json:"values,omitempty" protobuf:"bytes,3,rep,name=values"`
}

// LabelSelectorAttributes is a label selector as a query parameter
// (RawSelector) or parsed (Requirements); at most one is set.
type LabelSelectorAttributes struct {
	RawSelector  string                          `json:"rawSelector,omitempty" protobuf:"bytes,1,opt,name=rawSelector"`
	Requirements []meta.LabelSelectorRequirement `json:"requirements,omitempty" protobuf:"bytes,2,rep,name=requirements"`
}

// NonResourceAttributes describe a request for a path that is not a
// resource, such as /healthz.
type NonResourceAttributes struct {
	Path string `json:"path,omitempty" protobuf:"bytes,1,opt,name=path"`
	// Verb is the lower-case HTTP method.
	Verb string `json:"verb,omitempty" protobuf:"bytes,2,opt,name=verb"`
}

// SubjectAccessReviewSpec is the request to review: exactly one of
// ResourceAttributes and NonResourceAttributes, and the subject.
type SubjectAccessReviewSpec struct {
	ResourceAttributes    *ResourceAttributes    `json:"resourceAttributes,omitempty" protobuf:"bytes,1,opt,name=resourceAttributes"`
	NonResourceAttributes *NonResourceAttributes `json:"nonResourceAttributes,omitempty" protobuf:"bytes,2,opt,name=nonResourceAttributes"`
	// User is the user to check. A user without Groups is checked as a
	// member of no group.
	User   string   `json:"user,omitempty" protobuf:"bytes,3,opt,name=user"`
	Groups []string `json:"groups,omitempty" protobuf:"bytes,4,rep,name=groups"`
	// Extra is the authenticator's extra information about the user.
	Extra map[string]ExtraValue `json:"extra,omitempty" protobuf:"bytes,5,rep,name=extra" protobuf_key:"bytes,1,opt,name=key" protobuf_val:"bytes,2,opt,name=value"`
	UID   string                `json:"uid,omitempty" protobuf:"bytes,6,opt,name=uid"`
}

// ExtraValue is a list of strings. In JSON it is an array; on the protobuf
// wire a message {items=1}, because protobuf maps cannot hold repeated
// values directly.
type ExtraValue struct {
	Items []string `protobuf:"bytes,1,rep,name=items"`
}

// MarshalJSON writes the items as a JSON array.
func (v ExtraValue) MarshalJSON() ([]byte, error) {
	if v.Items == nil {
		return []byte("null"), nil
	}
	return json.Marshal(v.Items)
}

// UnmarshalJSON reads a JSON array of strings.
func (v *ExtraValue) UnmarshalJSON(b []byte) error { return json.Unmarshal(b, &v.Items) }

// SelfSubjectAccessReviewSpec is the request to review for the caller:
// exactly one of ResourceAttributes and NonResourceAttributes.
type SelfSubjectAccessReviewSpec struct {
	ResourceAttributes    *ResourceAttributes    `json:"resourceAttributes,omitempty" protobuf:"bytes,1,opt,name=resourceAttributes"`
	NonResourceAttributes *NonResourceAttributes `json:"nonResourceAttributes,omitempty" protobuf:"bytes,2,opt,name=nonResourceAttributes"`
}

// SubjectAccessReviewStatus is the answer. Allowed and Denied both false
// means no authorizer had an opinion, which the API server treats as a
// denial.
type SubjectAccessReviewStatus struct {
	Allowed bool `json:"allowed" protobuf:"varint,1,opt,name=allowed"`
	Denied  bool `json:"denied,omitempty" protobuf:"varint,4,opt,name=denied"`
	// Reason says why, e.g. which binding allowed the request.
	Reason string `json:"reason,omitempty" protobuf:"bytes,2,opt,name=reason"`
	// EvaluationError reports a problem found while deciding (a binding to
	// a missing role); the answer may still be right.
	EvaluationError string `json:"evaluationError,omitempty" protobuf:"bytes,3,opt,name=evaluationError"`
}

// SelfSubjectRulesReviewSpec names the namespace to list rules for.
type SelfSubjectRulesReviewSpec struct {
	Namespace string `json:"namespace,omitempty" protobuf:"bytes,1,opt,name=namespace"`
}

// SubjectRulesReviewStatus lists what the subject may do. Rules are
// additive: a listed rule is held even when Incomplete is true.
type SubjectRulesReviewStatus struct {
	ResourceRules    []ResourceRule    `json:"resourceRules" protobuf:"bytes,1,rep,name=resourceRules"`
	NonResourceRules []NonResourceRule `json:"nonResourceRules" protobuf:"bytes,2,rep,name=nonResourceRules"`
	// Incomplete is true when some authorizer cannot list its rules (the
	// node authorizer, for nodes).
	Incomplete      bool   `json:"incomplete" protobuf:"varint,3,opt,name=incomplete"`
	EvaluationError string `json:"evaluationError,omitempty" protobuf:"bytes,4,opt,name=evaluationError"`
}

// ResourceRule is a resource rule the subject holds.
type ResourceRule struct {
	Verbs         []string `json:"verbs" protobuf:"bytes,1,rep,name=verbs"`
	APIGroups     []string `json:"apiGroups,omitempty" protobuf:"bytes,2,rep,name=apiGroups"`
	Resources     []string `json:"resources,omitempty" protobuf:"bytes,3,rep,name=resources"`
	ResourceNames []string `json:"resourceNames,omitempty" protobuf:"bytes,4,rep,name=resourceNames"`
}

// NonResourceRule is a non-resource rule the subject holds.
type NonResourceRule struct {
	Verbs           []string `json:"verbs" protobuf:"bytes,1,rep,name=verbs"`
	NonResourceURLs []string `json:"nonResourceURLs,omitempty" protobuf:"bytes,2,rep,name=nonResourceURLs"`
}

// Default does nothing: the reviews have no defaulted fields. It exists so
// that every kind can be defaulted the same way.
func (r *SubjectAccessReview) Default() {}

// Default does nothing: the reviews have no defaulted fields.
func (r *SelfSubjectAccessReview) Default() {}

// Default does nothing: the reviews have no defaulted fields.
func (r *LocalSubjectAccessReview) Default() {}

// Default does nothing: the reviews have no defaulted fields.
func (r *SelfSubjectRulesReview) Default() {}
