// Package core holds the Kubernetes core/v1 API types (the "" group): Pod,
// Node, Namespace, Service, Endpoints, ConfigMap, Secret, ServiceAccount,
// PersistentVolume, PersistentVolumeClaim, Event, Binding, LimitRange,
// ResourceQuota and PodTemplate, and the pieces the other groups reuse
// (PodTemplateSpec, Container, ResourceList, NodeSelector, Toleration).
//
// The types are plain structs whose JSON field names, omitempty markers and
// pointer-versus-value choices follow k8s.io/api/core/v1 exactly, so real
// manifests and `kubectl get -o yaml` output decode strictly and encode back
// to the same JSON (including Kubernetes' quirks: `resources: {}`,
// `lastProbeTime: null`, the capitalised daemon endpoint `Port`). Fields of
// deprecated in-tree cloud volume plugins are not modelled and therefore
// rejected by strict decoding, naming the field. Lists are meta.List
// aliases; object references are meta.ObjectReference.
//
// Each kind has a Default method applying the defaults the Kubernetes API
// server applies on every write (restartPolicy Always, imagePullPolicy from
// the image tag, probe timings, service type and ports, ...); the API
// server's registry calls it after decoding and before validation, and
// workload kinds call PodTemplateSpec.Default for their templates. Defaults
// that Kubernetes applies only at creation, such as the namespace
// finalizer, are separate (Namespace.PrepareForCreate).
//
// The helpers here are the ones every component needs and that belong with
// the types: pod conditions and readiness (IsPodReady, SetPodCondition,
// IsPodAvailable), node readiness, taint and toleration matching, a pod's
// effective requests and limits (PodRequests, PodLimits, with sidecars and
// overhead counted as the scheduler counts them) and its QoS class.
//
// The kinds are registered with their REST resources in package api
// (scheme_core.go). DESIGN.md's contract applies: objects from caches are
// shared; meta.DeepCopy before changing one.
package core
