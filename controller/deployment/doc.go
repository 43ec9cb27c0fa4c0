// Package deployment is the Deployment controller: it rolls a
// Deployment's pods from one template to the next through ReplicaSets, as
// Kubernetes' deployment controller does (DESIGN.md, "controller"; issue
// 6). It drives ReplicaSets only; the replicaset controller makes their
// pods.
//
// It is a controller.Reconciler over the manager's shared Deployment,
// ReplicaSet and Pod informers, and acts only through the API:
//
//   - Each pod template gets one ReplicaSet, <deployment>-<hash>, whose
//     selector, labels and template carry pod-template-hash=<hash>
//     (PodTemplateHash; status.collisionCount resolves collisions). The
//     ReplicaSets carry the deployment.kubernetes.io/revision annotation
//     (and revision-history after a rollback to them), and
//     desired-replicas / max-replicas, the Deployment size they were last
//     scaled for. `kubectl rollout history` and `rollout undo` read them.
//   - Ownership is a selector plus a controller ownerReference: matching
//     orphan ReplicaSets are adopted, ones that stop matching released.
//   - A sync is one step: a paused or resized Deployment is only scaled
//     (proportionally across its active ReplicaSets while a rollout is
//     under way); otherwise RollingUpdate grows the new ReplicaSet within
//     maxSurge and shrinks old ones within maxUnavailable, and Recreate
//     scales old ones to zero, waits for their pods to go, then creates
//     the new one. Completed rollouts delete old empty ReplicaSets beyond
//     revisionHistoryLimit.
//   - Status is summed from the ReplicaSets, with the Available condition
//     and the Progressing condition, whose reasons (NewReplicaSetCreated,
//     FoundNewReplicaSet, ReplicaSetUpdated, NewReplicaSetAvailable,
//     ProgressDeadlineExceeded, DeploymentPaused/Resumed) are what `kubectl
//     rollout status` reads. A rollout without progress is looked at again
//     when its progressDeadlineSeconds would pass.
//
// Two deliberate differences from Kubernetes make maxSurge and
// maxUnavailable hold for the pods that actually exist, not only for the
// ReplicaSets' specs: new pods are added only when the old ReplicaSets
// report that their surplus pods are gone, and an old ReplicaSet's
// available pods count only up to its spec.
package deployment
