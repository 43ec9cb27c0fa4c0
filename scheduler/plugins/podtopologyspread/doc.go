// Package podtopologyspread is the PodTopologySpread scheduling plugin:
// a workload's pods spread evenly across topology domains (nodes, zones,
// any node label), so that one domain failing cannot take them all.
//
// A constraint (maxSkew, topologyKey, labelSelector, matchLabelKeys,
// minDomains, nodeAffinityPolicy, nodeTaintsPolicy) counts the pods it
// selects per domain. With whenUnsatisfiable DoNotSchedule it filters:
// placing the pod must keep its domain within maxSkew of the emptiest one
// (taken as 0 while fewer than minDomains domains exist). PreFilter counts
// once per cycle over the snapshot, keeping the two smallest domains so
// that preemption's AddPod/RemovePod update the minimum in O(1). With
// ScheduleAnyway it scores: fewer matching pods in the node's domains is
// better, each constraint weighted by log(domains+2), normalized to
// [0, 100].
//
// Counting reads the labels of every pod in the cluster, a few cache
// misses each; consecutive pods of a workload count with the same
// selector, and between two of them only a few nodes change. So the
// per-node counts (and nodes' domains) are remembered by selector and by
// the cache's node generation (scheduler.NodeInfo.Generation, new on every
// change), and a cycle recounts only the nodes that changed.
//
// Which nodes count follows the inclusion policies: by default a node
// counts when it matches the pod's node selector and affinity (Honor),
// whatever its taints (Ignore).
//
// Pods without constraints get the cluster defaults (Args; by default
// Kubernetes' system defaults: hostname skew 3 and zone skew 5,
// ScheduleAnyway) with a selector built from the Services selecting the pod
// and its owning ReplicaSet or StatefulSet, read from shared informers
// (scheduler.GetInformer, synced before the scheduler's first cycle). The
// reasons, codes and scores are Kubernetes' (DESIGN.md, "scheduler").
package podtopologyspread
