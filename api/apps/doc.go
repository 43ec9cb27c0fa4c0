// Package apps holds the apps/v1 workload kinds: Deployment, ReplicaSet,
// StatefulSet, DaemonSet and ControllerRevision. Each pairs a label selector
// with a core pod template; the controllers in controller/deployment,
// controller/replicaset, ... converge the pods the selector matches towards
// the template (DESIGN.md principles 1–3).
//
// Default applies Kubernetes' defaulting for the group, including the core
// defaults of the embedded pod template, so that stored objects look as a
// Kubernetes API server would store them.
package apps
