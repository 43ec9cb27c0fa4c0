package core

import "github.com/spar-dev/spar/api/meta"

// ObjectReference points at another object (events, bindings, endpoints,
// volume claims). It is meta's type, so every group shares one.
type ObjectReference = meta.ObjectReference

// LocalObjectReference names an object in the same namespace.
type LocalObjectReference struct {
	Name string `json:"name,omitempty" protobuf:"bytes,1,opt,name=name"`
}

// TypedLocalObjectReference names an object of a kind in the same namespace.
type TypedLocalObjectReference struct {
	// APIGroup has no omitempty, as in Kubernetes: nil is encoded as null
	// and means the core group.
	APIGroup *string `json:"apiGroup" protobuf:"bytes,1,opt,name=apiGroup"`
	Kind     string  `json:"kind" protobuf:"bytes,2,opt,name=kind"`
	Name     string  `json:"name" protobuf:"bytes,3,opt,name=name"`
}

// TypedObjectReference names an object of a kind, possibly in another namespace.
type TypedObjectReference struct {
	APIGroup  *string `json:"apiGroup" protobuf:"bytes,1,opt,name=apiGroup"`
	Kind      string  `json:"kind" protobuf:"bytes,2,opt,name=kind"`
	Name      string  `json:"name" protobuf:"bytes,3,opt,name=name"`
	Namespace *string `json:"namespace,omitempty" protobuf:"bytes,4,opt,name=namespace"`
}

// SecretReference names a secret in any namespace.
type SecretReference struct {
	Name      string `json:"name,omitempty" protobuf:"bytes,1,opt,name=name"`
	Namespace string `json:"namespace,omitempty" protobuf:"bytes,2,opt,name=namespace"`
}

// ConditionStatus is "True", "False" or "Unknown"; it is meta's type so core
// conditions and meta.Condition compare directly.
type ConditionStatus = meta.ConditionStatus

// Condition statuses.
const (
	ConditionTrue    = meta.ConditionTrue
	ConditionFalse   = meta.ConditionFalse
	ConditionUnknown = meta.ConditionUnknown
)
