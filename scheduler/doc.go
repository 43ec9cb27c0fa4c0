// Package scheduler is spar's scheduling framework: it finds a node for
// every pod without one and writes the choice back with a Binding, as the
// "scheduler" section of DESIGN.md describes. It is a client of the API
// server like any other: pods, nodes and whatever its plugins need come
// from shared informers of a controller.Manager, and it schedules while
// that manager leads.
//
// Every decision is a plugin at a named extension point: PreEnqueue and
// QueueSort (the queue), PreFilter (with AddPod/RemovePod extensions for
// preemption's what-ifs), Filter, PostFilter (preemption), PreScore, Score
// (with NormalizeScore), Reserve/Unreserve, Permit (allow, reject, or wait
// with a timeout), PreBind, Bind and PostBind. Plugins return a *Status
// with a Code rather than an error, and share per-cycle data through
// CycleState. A Registry maps names to factories; a Profile, chosen by a
// pod's spec.schedulerName, says which plugins run with which weights and
// arguments (Configuration, also loaded from a KubeSchedulerConfiguration
// file). Package scheduler/plugins holds the default plugins, one package
// each; users add their own by merging a Registry (see the example).
//
// One scheduling cycle at a time: the Queue (active, backoff and
// unschedulable pods; a pod rejected by plugins moves back only on a
// cluster event one of them registered, see EnqueueExtensions) hands out
// the next pod; the Cache, fed by the informers, refreshes a Snapshot of
// the nodes in time proportional to the nodes that changed; Filter runs in
// parallel across nodes, stopping once enough fit (percentageOfNodesToScore,
// starting where the last search stopped), Score ranks them, and ties are
// broken at random. The pod is then assumed in the Cache, so the next cycle
// counts it, and bound asynchronously; a failure after Reserve unreserves,
// forgets the assumed pod and requeues it. A pod that fits nowhere gets
// PodScheduled=False with a per-reason count of the rejected nodes, and a
// FailedScheduling event.
package scheduler
