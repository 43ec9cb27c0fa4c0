package meta

// UID is an object's unique identity, set by the server at creation and never
// reused (Kubernetes' types.UID).
type UID string

// TypeMeta names the schema of a serialized object.
type TypeMeta struct {
	// Kind is the object's kind in CamelCase, e.g. "Pod". (Kind precedes
	// apiVersion on the wire, as in Kubernetes.)
	Kind string `json:"kind,omitempty" protobuf:"bytes,1,opt,name=kind"`
	// APIVersion is "group/version", or just "v1" for the core group.
	APIVersion string `json:"apiVersion,omitempty" protobuf:"bytes,2,opt,name=apiVersion"`
}

// GetTypeMeta returns m itself; it makes every type that embeds TypeMeta
// satisfy part of Object.
func (m *TypeMeta) GetTypeMeta() *TypeMeta { return m }

// GroupVersion splits APIVersion into group ("" for core) and version.
func (m *TypeMeta) GroupVersion() (group, version string) {
	return SplitAPIVersion(m.APIVersion)
}

// SplitAPIVersion splits "apps/v1" into ("apps", "v1") and "v1" into ("", "v1").
func SplitAPIVersion(apiVersion string) (group, version string) {
	for i := 0; i < len(apiVersion); i++ {
		if apiVersion[i] == '/' {
			return apiVersion[:i], apiVersion[i+1:]
		}
	}
	return "", apiVersion
}

// JoinAPIVersion is the inverse of SplitAPIVersion.
func JoinAPIVersion(group, version string) string {
	if group == "" {
		return version
	}
	return group + "/" + version
}

// ObjectMeta is the metadata every persisted object has.
type ObjectMeta struct {
	// Name is unique within a namespace (or the cluster, for cluster-scoped kinds).
	Name string `json:"name,omitempty" protobuf:"bytes,1,opt,name=name"`
	// GenerateName, when Name is empty, asks the server to pick a unique name
	// with this prefix.
	GenerateName string `json:"generateName,omitempty" protobuf:"bytes,2,opt,name=generateName"`
	// Namespace is empty for cluster-scoped objects.
	Namespace string `json:"namespace,omitempty" protobuf:"bytes,3,opt,name=namespace"`
	// SelfLink is deprecated and never set by spar; accepted for compatibility.
	SelfLink string `json:"selfLink,omitempty" protobuf:"bytes,4,opt,name=selfLink"`
	// UID is set by the server at creation.
	UID UID `json:"uid,omitempty" protobuf:"bytes,5,opt,name=uid"`
	// ResourceVersion is the store revision of the object's last write, as a
	// decimal string. Clients send it back for optimistic concurrency.
	ResourceVersion string `json:"resourceVersion,omitempty" protobuf:"bytes,6,opt,name=resourceVersion"`
	// Generation is bumped by the server on every change to the desired state
	// (spec), not on status or metadata changes.
	Generation int64 `json:"generation,omitempty" protobuf:"varint,7,opt,name=generation"`
	// CreationTimestamp is set by the server at creation.
	CreationTimestamp Time `json:"creationTimestamp,omitzero" protobuf:"bytes,8,opt,name=creationTimestamp"`
	// DeletionTimestamp is set when deletion was requested but the object is
	// held by finalizers or a grace period.
	DeletionTimestamp *Time `json:"deletionTimestamp,omitempty" protobuf:"bytes,9,opt,name=deletionTimestamp"`
	// DeletionGracePeriodSeconds is the grace period granted at deletion.
	DeletionGracePeriodSeconds *int64            `json:"deletionGracePeriodSeconds,omitempty" protobuf:"varint,10,opt,name=deletionGracePeriodSeconds"`
	Labels                     map[string]string `json:"labels,omitempty" protobuf:"bytes,11,rep,name=labels" protobuf_key:"bytes,1,opt,name=key" protobuf_val:"bytes,2,opt,name=value"`
	Annotations                map[string]string `json:"annotations,omitempty" protobuf:"bytes,12,rep,name=annotations" protobuf_key:"bytes,1,opt,name=key" protobuf_val:"bytes,2,opt,name=value"`
	OwnerReferences            []OwnerReference  `json:"ownerReferences,omitempty" patchStrategy:"merge" patchMergeKey:"uid" protobuf:"bytes,13,rep,name=ownerReferences"`
	// Finalizers must all be removed before a deleted object disappears.
	Finalizers []string `json:"finalizers,omitempty" patchStrategy:"merge" protobuf:"bytes,14,rep,name=finalizers"`
	// ManagedFields is accepted and stored for compatibility with clients that
	// send it; spar does not implement server-side apply field ownership.
	ManagedFields []ManagedFieldsEntry `json:"managedFields,omitempty" protobuf:"bytes,17,rep,name=managedFields"`
}

// GetObjectMeta returns m itself; with TypeMeta's GetTypeMeta it makes every
// type that embeds both satisfy Object.
func (m *ObjectMeta) GetObjectMeta() *ObjectMeta { return m }

// ManagedFieldsEntry records a field manager's ownership, as written by
// server-side apply in Kubernetes. spar keeps it opaque.
type ManagedFieldsEntry struct {
	Manager     string   `json:"manager,omitempty" protobuf:"bytes,1,opt,name=manager"`
	Operation   string   `json:"operation,omitempty" protobuf:"bytes,2,opt,name=operation"`
	APIVersion  string   `json:"apiVersion,omitempty" protobuf:"bytes,3,opt,name=apiVersion"`
	Time        *Time    `json:"time,omitempty" protobuf:"bytes,4,opt,name=time"`
	FieldsType  string   `json:"fieldsType,omitempty" protobuf:"bytes,6,opt,name=fieldsType"`
	FieldsV1    *RawJSON `json:"fieldsV1,omitempty" protobuf:"bytes,7,opt,name=fieldsV1"`
	Subresource string   `json:"subresource,omitempty" protobuf:"bytes,8,opt,name=subresource"`
}

// RawJSON is a JSON value kept verbatim.
type RawJSON []byte

// MarshalJSON returns r, or null when empty.
func (r RawJSON) MarshalJSON() ([]byte, error) {
	if len(r) == 0 {
		return []byte("null"), nil
	}
	return r, nil
}

// UnmarshalJSON keeps a copy of data; null leaves r empty.
func (r *RawJSON) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		*r = nil
		return nil
	}
	*r = append((*r)[:0], data...)
	return nil
}

// OwnerReference points at the object that owns this one. The garbage
// collector deletes dependents whose owners are gone.
type OwnerReference struct {
	APIVersion string `json:"apiVersion" protobuf:"bytes,5,opt,name=apiVersion"`
	Kind       string `json:"kind" protobuf:"bytes,1,opt,name=kind"`
	Name       string `json:"name" protobuf:"bytes,3,opt,name=name"`
	UID        UID    `json:"uid" protobuf:"bytes,4,opt,name=uid"`
	// Controller marks the managing controller; at most one reference may set it.
	Controller *bool `json:"controller,omitempty" protobuf:"varint,6,opt,name=controller"`
	// BlockOwnerDeletion makes a foreground deletion of the owner wait for this object.
	BlockOwnerDeletion *bool `json:"blockOwnerDeletion,omitempty" protobuf:"varint,7,opt,name=blockOwnerDeletion"`
}

// ListMeta is the metadata of a list response.
type ListMeta struct {
	SelfLink string `json:"selfLink,omitempty" protobuf:"bytes,1,opt,name=selfLink"`
	// ResourceVersion is the revision the list was read at; watch from it.
	ResourceVersion string `json:"resourceVersion,omitempty" protobuf:"bytes,2,opt,name=resourceVersion"`
	// Continue is the token for the next page; empty on the last page.
	Continue string `json:"continue,omitempty" protobuf:"bytes,3,opt,name=continue"`
	// RemainingItemCount is the number of items after this page, when known.
	RemainingItemCount *int64 `json:"remainingItemCount,omitempty" protobuf:"varint,4,opt,name=remainingItemCount"`
}

// GetListMeta returns m itself; it makes every list type satisfy ListObject.
func (m *ListMeta) GetListMeta() *ListMeta { return m }

// Object is any API object: it has type and object metadata. Types satisfy it
// by embedding TypeMeta and ObjectMeta.
type Object interface {
	GetTypeMeta() *TypeMeta
	GetObjectMeta() *ObjectMeta
}

// ListObject is any API list.
type ListObject interface {
	GetTypeMeta() *TypeMeta
	GetListMeta() *ListMeta
}

// List is the wire form of every list kind: {"kind":"PodList","apiVersion":"v1",
// "metadata":{...},"items":[...]}. Group packages alias it, e.g.
// `type PodList = meta.List[Pod]`.
type List[T any] struct {
	TypeMeta `json:",inline"`
	ListMeta `json:"metadata" protobuf:"bytes,1,opt,name=metadata"`
	Items    []T `json:"items" protobuf:"bytes,2,rep,name=items"`
}

// ObjectReference points at another object (core/v1 ObjectReference, used by
// events, bindings and endpoints).
type ObjectReference struct {
	Kind            string `json:"kind,omitempty" protobuf:"bytes,1,opt,name=kind"`
	Namespace       string `json:"namespace,omitempty" protobuf:"bytes,2,opt,name=namespace"`
	Name            string `json:"name,omitempty" protobuf:"bytes,3,opt,name=name"`
	UID             UID    `json:"uid,omitempty" protobuf:"bytes,4,opt,name=uid"`
	APIVersion      string `json:"apiVersion,omitempty" protobuf:"bytes,5,opt,name=apiVersion"`
	ResourceVersion string `json:"resourceVersion,omitempty" protobuf:"bytes,6,opt,name=resourceVersion"`
	FieldPath       string `json:"fieldPath,omitempty" protobuf:"bytes,7,opt,name=fieldPath"`
}

// ConditionStatus is "True", "False" or "Unknown".
type ConditionStatus string

// Condition status values.
const (
	ConditionTrue    ConditionStatus = "True"
	ConditionFalse   ConditionStatus = "False"
	ConditionUnknown ConditionStatus = "Unknown"
)

// Condition is the standard condition of meta.k8s.io/v1 (used by CRDs and newer
// kinds; core kinds have their own condition types with the same shape).
type Condition struct {
	Type               string          `json:"type" protobuf:"bytes,1,opt,name=type"`
	Status             ConditionStatus `json:"status" protobuf:"bytes,2,opt,name=status"`
	ObservedGeneration int64           `json:"observedGeneration,omitempty" protobuf:"varint,3,opt,name=observedGeneration"`
	LastTransitionTime Time            `json:"lastTransitionTime" protobuf:"bytes,4,opt,name=lastTransitionTime"`
	Reason             string          `json:"reason" protobuf:"bytes,5,opt,name=reason"`
	Message            string          `json:"message" protobuf:"bytes,6,opt,name=message"`
}

// FindCondition returns the condition of the given type, or nil.
func FindCondition(conds []Condition, typ string) *Condition {
	for i := range conds {
		if conds[i].Type == typ {
			return &conds[i]
		}
	}
	return nil
}

// SetCondition adds or replaces the condition of c.Type. LastTransitionTime is
// kept when the status does not change and set to now (or c's own time if set)
// when it does. It reports whether anything changed.
func SetCondition(conds *[]Condition, c Condition) bool {
	old := FindCondition(*conds, c.Type)
	if old == nil {
		if c.LastTransitionTime.IsZero() {
			c.LastTransitionTime = Now()
		}
		*conds = append(*conds, c)
		return true
	}
	if old.Status == c.Status && old.Reason == c.Reason && old.Message == c.Message &&
		old.ObservedGeneration == c.ObservedGeneration {
		return false
	}
	if old.Status == c.Status {
		c.LastTransitionTime = old.LastTransitionTime
	} else if c.LastTransitionTime.IsZero() {
		c.LastTransitionTime = Now()
	}
	*old = c
	return true
}

// Preconditions must hold for a delete to proceed.
type Preconditions struct {
	UID             *UID    `json:"uid,omitempty" protobuf:"bytes,1,opt,name=uid"`
	ResourceVersion *string `json:"resourceVersion,omitempty" protobuf:"bytes,2,opt,name=resourceVersion"`
}

// DeletionPropagation says how dependents are treated when an owner is deleted.
type DeletionPropagation string

// Propagation policies.
const (
	DeletePropagationOrphan     DeletionPropagation = "Orphan"
	DeletePropagationBackground DeletionPropagation = "Background"
	DeletePropagationForeground DeletionPropagation = "Foreground"
)

// DeleteOptions is the optional body of a DELETE request.
type DeleteOptions struct {
	TypeMeta           `json:",inline"`
	GracePeriodSeconds *int64               `json:"gracePeriodSeconds,omitempty" protobuf:"varint,1,opt,name=gracePeriodSeconds"`
	Preconditions      *Preconditions       `json:"preconditions,omitempty" protobuf:"bytes,2,opt,name=preconditions"`
	OrphanDependents   *bool                `json:"orphanDependents,omitempty" protobuf:"varint,3,opt,name=orphanDependents"`
	PropagationPolicy  *DeletionPropagation `json:"propagationPolicy,omitempty" protobuf:"bytes,4,opt,name=propagationPolicy"`
	DryRun             []string             `json:"dryRun,omitempty" protobuf:"bytes,5,rep,name=dryRun"`
	// IgnoreStoreReadErrorWithClusterBreakingPotential is accepted for
	// compatibility and ignored.
	IgnoreStoreReadErrorWithClusterBreakingPotential *bool `json:"ignoreStoreReadErrorWithClusterBreakingPotential,omitempty" protobuf:"varint,6,opt,name=ignoreStoreReadErrorWithClusterBreakingPotential"`
}

// IsControlledBy reports whether obj has a controller reference to owner's UID.
func IsControlledBy(obj *ObjectMeta, owner UID) bool {
	ref := ControllerOf(obj)
	return ref != nil && ref.UID == owner
}

// ControllerOf returns obj's controller reference, or nil.
func ControllerOf(obj *ObjectMeta) *OwnerReference {
	for i := range obj.OwnerReferences {
		if r := &obj.OwnerReferences[i]; r.Controller != nil && *r.Controller {
			return r
		}
	}
	return nil
}
