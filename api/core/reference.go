package core

import "github.com/spar-dev/spar/api/meta"

// ObjectReference points at another object (events, bindings, endpoints,
// volume claims). It is meta's type, so every group shares one.
type ObjectReference = meta.ObjectReference

// LocalObjectReference names an object in the same namespace.
type LocalObjectReference struct {
	Name string `json:"name,omitempty"`
}

// TypedLocalObjectReference names an object of a kind in the same namespace.
type TypedLocalObjectReference struct {
	// APIGroup has no omitempty, as in Kubernetes: nil is encoded as null
	// and means the core group.
	APIGroup *string `json:"apiGroup"`
	Kind     string  `json:"kind"`
	Name     string  `json:"name"`
}

// TypedObjectReference names an object of a kind, possibly in another namespace.
type TypedObjectReference struct {
	APIGroup  *string `json:"apiGroup"`
	Kind      string  `json:"kind"`
	Name      string  `json:"name"`
	Namespace *string `json:"namespace,omitempty"`
}

// SecretReference names a secret in any namespace.
type SecretReference struct {
	Name      string `json:"name,omitempty"`
	Namespace string `json:"namespace,omitempty"`
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
