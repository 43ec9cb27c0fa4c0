package core

import "github.com/spar-dev/spar/api/meta"

// Event reports something that happened to an object (core/v1 form, the one
// kubectl describe shows).
type Event struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata"`
	InvolvedObject  ObjectReference `json:"involvedObject"`
	// Reason is a short CamelCase cause, e.g. "FailedScheduling".
	Reason  string      `json:"reason,omitempty"`
	Message string      `json:"message,omitempty"`
	Source  EventSource `json:"source,omitempty"`
	// The times are encoded as null when zero, as in Kubernetes.
	FirstTimestamp meta.Time `json:"firstTimestamp,omitempty"`
	LastTimestamp  meta.Time `json:"lastTimestamp,omitempty"`
	Count          int32     `json:"count,omitempty"`
	// Type is Normal or Warning.
	Type      string           `json:"type,omitempty"`
	EventTime meta.MicroTime   `json:"eventTime,omitempty"`
	Series    *EventSeries     `json:"series,omitempty"`
	Action    string           `json:"action,omitempty"`
	Related   *ObjectReference `json:"related,omitempty"`
	// ReportingController and ReportingInstance have no omitempty, as in Kubernetes.
	ReportingController string `json:"reportingComponent"`
	ReportingInstance   string `json:"reportingInstance"`
}

// EventList is a list of events.
type EventList = meta.List[Event]

// Event types.
const (
	EventTypeNormal  = "Normal"
	EventTypeWarning = "Warning"
)

// EventSource names the component that reported an event.
type EventSource struct {
	Component string `json:"component,omitempty"`
	Host      string `json:"host,omitempty"`
}

// EventSeries describes a series of repeated events.
type EventSeries struct {
	Count            int32          `json:"count,omitempty"`
	LastObservedTime meta.MicroTime `json:"lastObservedTime,omitempty"`
}
