// Package autoscaling holds autoscaling/v1: Scale, the body of the "scale"
// subresource that kubectl scale and the HorizontalPodAutoscaler read and
// write for deployments, replicasets and statefulsets (and custom resources
// with a scale subresource), and HorizontalPodAutoscaler itself.
//
// Scale is not a stored resource: the API server builds it from the parent
// object's spec.replicas, status.replicas and selector, and writes
// spec.replicas back. It is therefore not registered as a resource in the
// scheme; the parent resources list "scale" among their subresources.
package autoscaling
