// Package defaultpreemption is the DefaultPreemption scheduling plugin:
// the PostFilter that runs when no node fits a pod, and makes room for it
// by evicting pods of lower priority (spec.priority, from its
// PriorityClass), as Kubernetes' default preemption does.
//
// For every node rejected as Unschedulable (an UnschedulableAndUnresolvable
// node cannot be helped), it simulates on a clone of the node and of the
// cycle state — through the handle's PreFilter extensions and Filter
// runners, so every plugin's view stays consistent — the removal of all
// lower-priority pods, then gives back as many as it can, most important
// first, those whose eviction would break a PodDisruptionBudget before the
// others. The dry runs go in parallel from a random offset and stop once
// enough candidates are found (Args: 10% of the nodes, at least 100).
// Among the candidates it picks the node with the fewest budget
// violations, then the lowest most-important victim, the smallest sum of
// priorities, the fewest victims and the latest start time.
//
// It then evicts the victims through the API (each first marked with a
// DisruptionTarget condition, and reported with a Preempted event; a pod
// held by a Permit plugin is rejected instead), clears the nominations of
// lower-priority pods to the node, and returns the node as the pod's
// nomination: the scheduler records it in status.nominatedNodeName and
// keeps the room for the pod. Pods with preemptionPolicy Never do not
// preempt. PodDisruptionBudgets come from a shared informer of the
// handle's manager (DESIGN.md, "scheduler").
package defaultpreemption
