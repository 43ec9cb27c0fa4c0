// Package replicaset is the ReplicaSet controller: it keeps
// spec.replicas pods matching each ReplicaSet's selector, as Kubernetes'
// replicaset controller does (DESIGN.md, "controller"; issue 6).
//
// It is a controller.Reconciler over the manager's shared ReplicaSet and
// Pod informers, and acts only through the API:
//
//   - Ownership is a label selector plus a controller ownerReference.
//     Each sync adopts matching orphans (a strategic merge patch that
//     names the pod's UID, so a replaced pod is not adopted) and releases
//     pods that stopped matching. Pods controlled by something else, and
//     pods being deleted, are left alone.
//   - Missing pods are created, and surplus pods deleted, in slow-start
//     batches (1, 2, 4, ...; at most BurstReplicas per sync), stopping at
//     the first failure: a ReplicaSet over quota sends one request, not
//     hundreds, and reports a ReplicaFailure condition.
//   - Surplus pods are deleted in Kubernetes' order of preference:
//     unscheduled, then pending, then not ready, then by deletion cost,
//     colocation, ready time, restarts and age.
//   - controller.Expectations remember what a sync created and deleted
//     until the pod informer shows it, so a lagging cache never causes a
//     second create or delete. A restarted controller starts with none
//     and acts on what its fresh cache shows.
//   - Status (replicas, fullyLabeledReplicas, readyReplicas,
//     availableReplicas with minReadySeconds, observedGeneration) is
//     written through the status subresource only when it changed,
//     retrying on conflicts.
package replicaset
