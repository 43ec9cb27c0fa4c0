package core

import "github.com/spar-dev/spar/api/meta"

// Event reports something that happened to an object (core/v1 form, the one
// kubectl describe shows).
type Event struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata" protobuf:"bytes,1,opt,name=metadata"`
	InvolvedObject  ObjectReference `json:"involvedObject" protobuf:"bytes,2,opt,name=involvedObject"`
	// Reason is a short CamelCase cause, e.g. "FailedScheduling".
	Reason  string      `json:"reason,omitempty" protobuf:"bytes,3,opt,name=reason"`
	Message string      `json:"message,omitempty" protobuf:"bytes,4,opt,name=message"`
	Source  EventSource `json:"source,omitempty" protobuf:"bytes,5,opt,name=source"`
	// The times are encoded as null when zero, as in Kubernetes.
	FirstTimestamp meta.Time `json:"firstTimestamp,omitempty" protobuf:"bytes,6,opt,name=firstTimestamp"`
	LastTimestamp  meta.Time `json:"lastTimestamp,omitempty" protobuf:"bytes,7,opt,name=lastTimestamp"`
	Count          int32     `json:"count,omitempty" protobuf:"varint,8,opt,name=count"`
	// Type is Normal or Warning.
	Type      string           `json:"type,omitempty" protobuf:"bytes,9,opt,name=type"`
	EventTime meta.MicroTime   `json:"eventTime,omitempty" protobuf:"bytes,10,opt,name=eventTime"`
	Series    *EventSeries     `json:"series,omitempty" protobuf:"bytes,11,opt,name=series"`
	Action    string           `json:"action,omitempty" protobuf:"bytes,12,opt,name=action"`
	Related   *ObjectReference `json:"related,omitempty" protobuf:"bytes,13,opt,name=related"`
	// ReportingController and ReportingInstance have no omitempty, as in Kubernetes.
	ReportingController string `json:"reportingComponent" protobuf:"bytes,14,opt,name=reportingComponent"`
	ReportingInstance   string `json:"reportingInstance" protobuf:"bytes,15,opt,name=reportingInstance"`
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
	Component string `json:"component,omitempty" protobuf:"bytes,1,opt,name=component"`
	Host      string `json:"host,omitempty" protobuf:"bytes,2,opt,name=host"`
}

// EventSeries describes a series of repeated events.
type EventSeries struct {
	Count            int32          `json:"count,omitempty" protobuf:"varint,1,opt,name=count"`
	LastObservedTime meta.MicroTime `json:"lastObservedTime,omitempty" protobuf:"bytes,2,opt,name=lastObservedTime"`
}
