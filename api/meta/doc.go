// Package meta holds the metadata every spar object carries and the wire types
// shared by all API groups: TypeMeta, ObjectMeta, ListMeta, Status (the error
// body), Condition, OwnerReference, Time, MicroTime, Duration, IntOrString and
// LabelSelector. Their JSON matches Kubernetes' meta.k8s.io/v1 field for field,
// so manifests written for Kubernetes decode unchanged.
//
// The Object interface is what every generic part of the SDK (store codecs,
// the watch cache, the API server's registry, informers) works with. A type
// satisfies it by embedding TypeMeta and ObjectMeta:
//
//	type Widget struct {
//		meta.TypeMeta   `json:",inline"`
//		meta.ObjectMeta `json:"metadata,omitempty"`
//		Spec WidgetSpec `json:"spec,omitempty"`
//	}
//
// Objects handed out by caches are shared and read-only; use DeepCopy before
// changing one.
package meta
