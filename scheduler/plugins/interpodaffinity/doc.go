// Package interpodaffinity is the InterPodAffinity scheduling plugin:
// pods placed relative to other pods by topology domain (the nodes sharing
// a label value, such as a zone or a hostname).
//
// Filter enforces the required terms from both sides: the incoming pod's
// affinity (every term must find a matching pod in the node's domain; the
// first pod of a group with affinity to itself may go anywhere when none
// matches yet), its anti-affinity, and existing pods' anti-affinity towards
// it. PreFilter computes, once per cycle, the matching-pod counts per
// domain from the snapshot — the incoming pod's terms against every pod,
// and existing pods' anti-affinity only over the nodes that have such pods
// (scheduler.Snapshot.HavePodsWithRequiredAntiAffinity) — so Filter costs a
// few map lookups per node, in parallel across nodes. PreFilter's AddPod
// and RemovePod update the counts incrementally for preemption's what-if.
//
// Matching terms against every pod costs a few cache misses per pod, and
// consecutive pods of a workload share their terms and labels: the per-node
// results (matching pods per term, existing pods' anti-affinity towards
// the pod's labels, score contributions) are remembered by what decides
// them and by the cache's node generation (scheduler.NodeInfo.Generation,
// new on every change), so a cycle recomputes only the nodes that changed.
// Terms with namespace selectors, which namespace labels decide, are not
// remembered.
//
// PreScore/Score weigh the preferred terms both ways (the incoming pod's
// towards existing pods, and existing pods' towards it, plus existing
// pods' required affinity with Args.HardPodAffinityWeight), normalized to
// [0, 100]. Terms with namespace selectors match against namespace labels
// through scheduler.Handle.NamespaceLabels. The behaviour, reasons and
// status codes are Kubernetes' (DESIGN.md, "scheduler").
package interpodaffinity
