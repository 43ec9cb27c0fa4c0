package meta

import (
	"errors"
	"fmt"
	"net/http"
)

// StatusReason is the machine-readable reason of a failed request.
type StatusReason string

// Reasons, with the HTTP code each goes with.
const (
	StatusReasonUnknown               StatusReason = ""
	StatusReasonBadRequest            StatusReason = "BadRequest"            // 400
	StatusReasonUnauthorized          StatusReason = "Unauthorized"          // 401
	StatusReasonForbidden             StatusReason = "Forbidden"             // 403
	StatusReasonNotFound              StatusReason = "NotFound"              // 404
	StatusReasonMethodNotAllowed      StatusReason = "MethodNotAllowed"      // 405
	StatusReasonNotAcceptable         StatusReason = "NotAcceptable"         // 406
	StatusReasonAlreadyExists         StatusReason = "AlreadyExists"         // 409
	StatusReasonConflict              StatusReason = "Conflict"              // 409
	StatusReasonGone                  StatusReason = "Gone"                  // 410
	StatusReasonExpired               StatusReason = "Expired"               // 410
	StatusReasonRequestEntityTooLarge StatusReason = "RequestEntityTooLarge" // 413
	StatusReasonUnsupportedMediaType  StatusReason = "UnsupportedMediaType"  // 415
	StatusReasonInvalid               StatusReason = "Invalid"               // 422
	StatusReasonTooManyRequests       StatusReason = "TooManyRequests"       // 429
	StatusReasonInternalError         StatusReason = "InternalError"         // 500
	StatusReasonServiceUnavailable    StatusReason = "ServiceUnavailable"    // 503
	StatusReasonTimeout               StatusReason = "Timeout"               // 504
)

// CauseType is the reason of one StatusCause.
type CauseType string

// Cause types used by field validation.
const (
	CauseTypeFieldValueNotFound       CauseType = "FieldValueNotFound"
	CauseTypeFieldValueRequired       CauseType = "FieldValueRequired"
	CauseTypeFieldValueDuplicate      CauseType = "FieldValueDuplicate"
	CauseTypeFieldValueInvalid        CauseType = "FieldValueInvalid"
	CauseTypeFieldValueNotSupported   CauseType = "FieldValueNotSupported"
	CauseTypeFieldValueForbidden      CauseType = "FieldValueForbidden"
	CauseTypeFieldValueTooLong        CauseType = "FieldValueTooLong"
	CauseTypeTooMany                  CauseType = "FieldValueTooMany"
	CauseTypeInternal                 CauseType = "InternalError"
	CauseTypeTypeInvalid              CauseType = "FieldValueTypeInvalid"
	CauseTypeUnexpectedServerResponse CauseType = "UnexpectedServerResponse"
	CauseTypeFieldManagerConflict     CauseType = "FieldManagerConflict"
	CauseTypeResourceVersionTooLarge  CauseType = "ResourceVersionTooLarge"
)

// Status values.
const (
	StatusSuccess = "Success"
	StatusFailure = "Failure"
)

// Status is the body of every error response (and of some successful
// deletes). It implements error, so a Status travels from the component that
// decided it to the HTTP response, and back out of the client, unchanged.
type Status struct {
	TypeMeta `json:",inline"`
	ListMeta `json:"metadata" protobuf:"bytes,1,opt,name=metadata"`
	// Status is "Success" or "Failure".
	Status  string         `json:"status,omitempty" protobuf:"bytes,2,opt,name=status"`
	Message string         `json:"message,omitempty" protobuf:"bytes,3,opt,name=message"`
	Reason  StatusReason   `json:"reason,omitempty" protobuf:"bytes,4,opt,name=reason"`
	Details *StatusDetails `json:"details,omitempty" protobuf:"bytes,5,opt,name=details"`
	// Code is the HTTP status code.
	Code int32 `json:"code,omitempty" protobuf:"varint,6,opt,name=code"`
}

// StatusDetails names the object a Status is about and the fields at fault.
type StatusDetails struct {
	Name              string        `json:"name,omitempty" protobuf:"bytes,1,opt,name=name"`
	Group             string        `json:"group,omitempty" protobuf:"bytes,2,opt,name=group"`
	Kind              string        `json:"kind,omitempty" protobuf:"bytes,3,opt,name=kind"`
	UID               UID           `json:"uid,omitempty" protobuf:"bytes,6,opt,name=uid"`
	Causes            []StatusCause `json:"causes,omitempty" protobuf:"bytes,4,rep,name=causes"`
	RetryAfterSeconds int32         `json:"retryAfterSeconds,omitempty" protobuf:"varint,5,opt,name=retryAfterSeconds"`
}

// StatusCause is one reason a request failed, often one bad field.
type StatusCause struct {
	Type    CauseType `json:"reason,omitempty" protobuf:"bytes,1,opt,name=reason"`
	Message string    `json:"message,omitempty" protobuf:"bytes,2,opt,name=message"`
	// Field is the path of the offending field, e.g. "spec.replicas" or
	// "spec.containers[0].image".
	Field string `json:"field,omitempty" protobuf:"bytes,3,opt,name=field"`
}

// Error implements error.
func (s *Status) Error() string { return s.Message }

// ReasonOf returns the reason of the Status in err's chain, or
// StatusReasonUnknown.
func ReasonOf(err error) StatusReason {
	var s *Status
	if errors.As(err, &s) {
		return s.Reason
	}
	return StatusReasonUnknown
}

// CodeOf returns the HTTP code of the Status in err's chain, or 500 for any
// other non-nil error.
func CodeOf(err error) int32 {
	var s *Status
	if errors.As(err, &s) {
		return s.Code
	}
	if err == nil {
		return http.StatusOK
	}
	return http.StatusInternalServerError
}

// Is lets errors.Is(err, &meta.Status{Reason: X}) match by reason, so callers
// can test for a kind of failure without caring about the message.
func (s *Status) Is(target error) bool {
	t, ok := target.(*Status)
	return ok && t.Reason != "" && t.Reason == s.Reason && t.Message == ""
}

// Sentinels for errors.Is, matching by reason only.
var (
	ErrNotFound        = &Status{Reason: StatusReasonNotFound}
	ErrAlreadyExists   = &Status{Reason: StatusReasonAlreadyExists}
	ErrConflict        = &Status{Reason: StatusReasonConflict}
	ErrInvalid         = &Status{Reason: StatusReasonInvalid}
	ErrBadRequest      = &Status{Reason: StatusReasonBadRequest}
	ErrExpired         = &Status{Reason: StatusReasonExpired}
	ErrForbidden       = &Status{Reason: StatusReasonForbidden}
	ErrUnauthorized    = &Status{Reason: StatusReasonUnauthorized}
	ErrTooManyRequests = &Status{Reason: StatusReasonTooManyRequests}
)

func newStatus(code int32, reason StatusReason, msg string) *Status {
	return &Status{
		TypeMeta: TypeMeta{Kind: "Status", APIVersion: "v1"},
		Status:   StatusFailure,
		Message:  msg,
		Reason:   reason,
		Code:     code,
	}
}

// GroupKind names a kind within its API group ("" for core).
type GroupKind struct {
	Group string `protobuf:"bytes,1,opt,name=group"`
	Kind  string `protobuf:"bytes,2,opt,name=kind"`
}

// String is "Deployment.apps", or "Pod" for the core group, as Kubernetes
// prints kinds in messages.
func (gk GroupKind) String() string {
	if gk.Group == "" {
		return gk.Kind
	}
	return gk.Kind + "." + gk.Group
}

// GroupResource names a resource within its API group.
type GroupResource struct {
	Group    string `protobuf:"bytes,1,opt,name=group"`
	Resource string `protobuf:"bytes,2,opt,name=resource"`
}

// String is "deployments.apps", or "pods" for the core group.
func (gr GroupResource) String() string {
	if gr.Group == "" {
		return gr.Resource
	}
	return gr.Resource + "." + gr.Group
}

// NewNotFound is a 404: `pods "web" not found`.
func NewNotFound(gr GroupResource, name string) *Status {
	s := newStatus(http.StatusNotFound, StatusReasonNotFound, fmt.Sprintf("%s %q not found", gr, name))
	s.Details = &StatusDetails{Name: name, Group: gr.Group, Kind: gr.Resource}
	return s
}

// NewAlreadyExists is a 409: `pods "web" already exists`.
func NewAlreadyExists(gr GroupResource, name string) *Status {
	s := newStatus(http.StatusConflict, StatusReasonAlreadyExists, fmt.Sprintf("%s %q already exists", gr, name))
	s.Details = &StatusDetails{Name: name, Group: gr.Group, Kind: gr.Resource}
	return s
}

// NewConflict is a 409 for a write that lost an optimistic-concurrency race.
func NewConflict(gr GroupResource, name string, err error) *Status {
	s := newStatus(http.StatusConflict, StatusReasonConflict,
		fmt.Sprintf("Operation cannot be fulfilled on %s %q: %v", gr, name, err))
	s.Details = &StatusDetails{Name: name, Group: gr.Group, Kind: gr.Resource}
	return s
}

// NewInvalid is a 422 with one cause per bad field:
// `Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0`.
func NewInvalid(gk GroupKind, name string, errs FieldErrors) *Status {
	causes := make([]StatusCause, 0, len(errs))
	for _, e := range errs {
		causes = append(causes, StatusCause{Type: e.Type, Message: e.ErrorBody(), Field: e.Field})
	}
	msg := fmt.Sprintf("%s %q is invalid", gk, name)
	if len(errs) == 1 {
		msg += ": " + errs[0].Error()
	} else if len(errs) > 1 {
		msg += ": " + errs.Error()
	}
	s := newStatus(http.StatusUnprocessableEntity, StatusReasonInvalid, msg)
	s.Details = &StatusDetails{Name: name, Group: gk.Group, Kind: gk.Kind, Causes: causes}
	return s
}

// NewBadRequest is a 400 with the given message.
func NewBadRequest(msg string) *Status {
	return newStatus(http.StatusBadRequest, StatusReasonBadRequest, msg)
}

// NewGone is a 410 with reason Gone.
func NewGone(msg string) *Status { return newStatus(http.StatusGone, StatusReasonGone, msg) }

// NewExpired is a 410 with reason Expired: the requested resourceVersion was
// compacted, and the client must re-list.
func NewExpired(msg string) *Status { return newStatus(http.StatusGone, StatusReasonExpired, msg) }

// NewMethodNotSupported is a 405.
func NewMethodNotSupported(gr GroupResource, verb string) *Status {
	s := newStatus(http.StatusMethodNotAllowed, StatusReasonMethodNotAllowed,
		fmt.Sprintf("%s is not supported on resources of kind %q", verb, gr))
	s.Details = &StatusDetails{Group: gr.Group, Kind: gr.Resource}
	return s
}

// NewForbidden is a 403: `pods "x" is forbidden: <reason>`.
func NewForbidden(gr GroupResource, name string, reason string) *Status {
	var msg string
	if name == "" {
		msg = fmt.Sprintf("%s is forbidden: %s", gr, reason)
	} else {
		msg = fmt.Sprintf("%s %q is forbidden: %s", gr, name, reason)
	}
	if gr.Resource == "" {
		msg = "forbidden: " + reason
	}
	s := newStatus(http.StatusForbidden, StatusReasonForbidden, msg)
	s.Details = &StatusDetails{Name: name, Group: gr.Group, Kind: gr.Resource}
	return s
}

// NewUnauthorized is a 401.
func NewUnauthorized(msg string) *Status {
	if msg == "" {
		msg = "Unauthorized"
	}
	return newStatus(http.StatusUnauthorized, StatusReasonUnauthorized, msg)
}

// NewTooManyRequests is a 429 asking the client to retry after the given seconds.
func NewTooManyRequests(msg string, retryAfterSeconds int32) *Status {
	s := newStatus(http.StatusTooManyRequests, StatusReasonTooManyRequests, msg)
	if retryAfterSeconds > 0 {
		s.Details = &StatusDetails{RetryAfterSeconds: retryAfterSeconds}
	}
	return s
}

// NewInternalError is a 500 wrapping err's message.
func NewInternalError(err error) *Status {
	s := newStatus(http.StatusInternalServerError, StatusReasonInternalError,
		fmt.Sprintf("Internal error occurred: %v", err))
	s.Details = &StatusDetails{Causes: []StatusCause{{Message: err.Error()}}}
	return s
}

// NewStatus builds a failure Status with any code and reason.
func NewStatus(code int32, reason StatusReason, msg string) *Status {
	return newStatus(code, reason, msg)
}
