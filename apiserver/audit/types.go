package audit

import (
	"encoding/json"

	"github.com/spar-dev/spar/api/meta"
)

// The API group and version of events and policies.
const APIVersion = "audit.k8s.io/v1"

// Level says how much of a request is recorded.
type Level string

// Levels, from least to most.
const (
	// LevelNone records nothing.
	LevelNone Level = "None"
	// LevelMetadata records who did what to which object, and the outcome:
	// user, verb, objectRef, response status, timestamps, but no bodies.
	LevelMetadata Level = "Metadata"
	// LevelRequest adds the request body.
	LevelRequest Level = "Request"
	// LevelRequestResponse adds the response body.
	LevelRequestResponse Level = "RequestResponse"
)

func (l Level) ord() int {
	switch l {
	case LevelMetadata:
		return 1
	case LevelRequest:
		return 2
	case LevelRequestResponse:
		return 3
	}
	return 0
}

// Less reports whether l records less than o.
func (l Level) Less(o Level) bool { return l.ord() < o.ord() }

// AtLeast reports whether l records at least as much as o.
func (l Level) AtLeast(o Level) bool { return l.ord() >= o.ord() }

// Stage is the point in a request's life an event was written at.
type Stage string

// Stages.
const (
	// StageRequestReceived: as soon as the request is received, before its
	// handler runs.
	StageRequestReceived Stage = "RequestReceived"
	// StageResponseStarted: when the response headers are sent, for
	// long-running requests only (watch, log, exec, attach, portforward,
	// proxy).
	StageResponseStarted Stage = "ResponseStarted"
	// StageResponseComplete: when the response has been sent.
	StageResponseComplete Stage = "ResponseComplete"
	// StagePanic: the handler panicked.
	StagePanic Stage = "Panic"
)

// Event is one audit record, in the audit.k8s.io/v1 Event JSON format.
// An Event handed to a Backend is never modified afterwards.
type Event struct {
	meta.TypeMeta `json:",inline"`
	Level         Level `json:"level"`
	// AuditID is the request's ID, the same in every stage's event: the
	// request's Audit-ID header if it has one, else a new UUID-shaped ID
	// unique to the request (a random base fixed per process plus a
	// counter). It is returned in the response's Audit-Id
	// header.
	AuditID    string   `json:"auditID"`
	Stage      Stage    `json:"stage"`
	RequestURI string   `json:"requestURI"`
	Verb       string   `json:"verb"`
	User       UserInfo `json:"user"`
	// ImpersonatedUser is the user the request acted as, when the caller
	// impersonated one.
	ImpersonatedUser *UserInfo `json:"impersonatedUser,omitempty"`
	// SourceIPs are the X-Forwarded-For addresses, X-Real-Ip, then the
	// connection's remote address.
	SourceIPs []string         `json:"sourceIPs,omitempty"`
	UserAgent string           `json:"userAgent,omitempty"`
	ObjectRef *ObjectReference `json:"objectRef,omitempty"`
	// ResponseStatus is the response code, with the message and reason of
	// an error response.
	ResponseStatus *meta.Status `json:"responseStatus,omitempty"`
	// RequestObject is the request body (JSON), at level Request and
	// above.
	RequestObject json.RawMessage `json:"requestObject,omitempty"`
	// ResponseObject is the response body (JSON), at level
	// RequestResponse, for requests that are not long-running.
	ResponseObject           json.RawMessage   `json:"responseObject,omitempty"`
	RequestReceivedTimestamp meta.MicroTime    `json:"requestReceivedTimestamp"`
	StageTimestamp           meta.MicroTime    `json:"stageTimestamp"`
	Annotations              map[string]string `json:"annotations,omitempty"`

	// trusted says RequestObject and ResponseObject are known to be valid
	// JSON (the filter checked them), so the log need not check again.
	trusted bool
}

// UserInfo is an authentication.k8s.io/v1 UserInfo.
type UserInfo struct {
	Username string              `json:"username,omitempty"`
	UID      string              `json:"uid,omitempty"`
	Groups   []string            `json:"groups,omitempty"`
	Extra    map[string][]string `json:"extra,omitempty"`
}

// ObjectReference names the object a request is about.
type ObjectReference struct {
	Resource        string `json:"resource,omitempty"`
	Namespace       string `json:"namespace,omitempty"`
	Name            string `json:"name,omitempty"`
	UID             string `json:"uid,omitempty"`
	APIGroup        string `json:"apiGroup,omitempty"`
	APIVersion      string `json:"apiVersion,omitempty"`
	ResourceVersion string `json:"resourceVersion,omitempty"`
	Subresource     string `json:"subresource,omitempty"`
}

// EventList is what the webhook backend posts: a batch of events.
type EventList struct {
	meta.TypeMeta `json:",inline"`
	meta.ListMeta `json:"metadata,omitempty"`
	Items         []Event `json:"items"`
}

// Policy is an audit.k8s.io/v1 Policy: which requests are recorded, at
// which level, and at which stages.
type Policy struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
	// Rules are evaluated in order; the first that matches a request
	// decides its level. A request no rule matches is not recorded.
	Rules []PolicyRule `json:"rules"`
	// OmitStages are never recorded, for any rule.
	OmitStages []Stage `json:"omitStages,omitempty"`
	// OmitManagedFields drops metadata.managedFields from recorded
	// bodies, unless a rule says otherwise.
	OmitManagedFields bool `json:"omitManagedFields,omitempty"`
}

// PolicyRule matches requests and gives them a level. Every field set must
// match (empty fields match everything).
type PolicyRule struct {
	Level Level `json:"level"`
	// Users match the authenticated user's name.
	Users []string `json:"users,omitempty"`
	// UserGroups match if the user is in any of them.
	UserGroups []string `json:"userGroups,omitempty"`
	// Verbs are Kubernetes verbs (get, list, watch, create, update, patch,
	// delete, deletecollection) or, for non-resource requests, lower-case
	// HTTP methods.
	Verbs []string `json:"verbs,omitempty"`
	// Resources match resource requests; see GroupResources.
	Resources []GroupResources `json:"resources,omitempty"`
	// Namespaces match the request's namespace; "" is cluster-scoped.
	Namespaces []string `json:"namespaces,omitempty"`
	// NonResourceURLs match non-resource request paths: "/healthz" exactly,
	// "/api*" as a prefix, "*" anything.
	NonResourceURLs []string `json:"nonResourceURLs,omitempty"`
	// OmitStages are added to the policy's for requests this rule matches.
	OmitStages []Stage `json:"omitStages,omitempty"`
	// OmitManagedFields overrides the policy's when set.
	OmitManagedFields *bool `json:"omitManagedFields,omitempty"`
}

// GroupResources match resources of one API group.
type GroupResources struct {
	// Group is the API group, "" for the core group.
	Group string `json:"group,omitempty"`
	// Resources are resource names ("pods"), subresources ("pods/log"),
	// "*" (every resource), "*/log" (that subresource of any resource) or
	// "pods/*" (the resource and all its subresources). Empty: every
	// resource of the group.
	Resources []string `json:"resources,omitempty"`
	// ResourceNames limit the match to objects with these names.
	ResourceNames []string `json:"resourceNames,omitempty"`
}
