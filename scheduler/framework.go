package scheduler

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/spar-dev/spar/api/core"
)

// Code is the outcome of a plugin call.
type Code int

// Codes, as the Kubernetes scheduling framework defines them.
const (
	// Success: the plugin allows the pod (a nil *Status means Success).
	Success Code = iota
	// Error: an internal failure; the pod is retried with backoff.
	Error
	// Unschedulable: the pod does not fit now, but preemption or a change
	// in the cluster may help.
	Unschedulable
	// UnschedulableAndUnresolvable: the pod can never fit this node;
	// preemption on it is pointless.
	UnschedulableAndUnresolvable
	// Wait: a Permit plugin holds the pod until allowed or timed out.
	Wait
	// Skip: the plugin has nothing to do for this pod (PreFilter, PreScore):
	// its later extension points are skipped for the pod.
	Skip
)

var codeNames = [...]string{"Success", "Error", "Unschedulable", "UnschedulableAndUnresolvable", "Wait", "Skip"}

func (c Code) String() string {
	if int(c) < len(codeNames) {
		return codeNames[c]
	}
	return "Unknown"
}

// Status is a plugin's verdict with its reasons: a code rather than an
// overloaded error. The nil *Status is Success.
type Status struct {
	code    Code
	reasons []string
	err     error
	plugin  string
}

// NewStatus returns a status with code and reasons.
func NewStatus(code Code, reasons ...string) *Status {
	return &Status{code: code, reasons: reasons}
}

// AsStatus wraps an error as an Error status (nil for nil).
func AsStatus(err error) *Status {
	if err == nil {
		return nil
	}
	return &Status{code: Error, reasons: []string{err.Error()}, err: err}
}

// Code returns the status code; Success for nil.
func (s *Status) Code() Code {
	if s == nil {
		return Success
	}
	return s.code
}

// IsSuccess reports a nil or Success status.
func (s *Status) IsSuccess() bool { return s.Code() == Success }

// IsSkip reports a Skip status.
func (s *Status) IsSkip() bool { return s.Code() == Skip }

// IsRejected reports Unschedulable or UnschedulableAndUnresolvable.
func (s *Status) IsRejected() bool {
	c := s.Code()
	return c == Unschedulable || c == UnschedulableAndUnresolvable
}

// Reasons returns the status's reasons.
func (s *Status) Reasons() []string {
	if s == nil {
		return nil
	}
	return s.reasons
}

// Plugin returns the name of the plugin that produced the status.
func (s *Status) Plugin() string {
	if s == nil {
		return ""
	}
	return s.plugin
}

// WithPlugin records the plugin that produced s and returns it.
func (s *Status) WithPlugin(name string) *Status {
	if s != nil && s.plugin == "" {
		s.plugin = name
	}
	return s
}

// Message joins the reasons.
func (s *Status) Message() string {
	if s == nil {
		return ""
	}
	return strings.Join(s.reasons, ", ")
}

// AsError returns nil for Success and an error otherwise.
func (s *Status) AsError() error {
	if s.IsSuccess() {
		return nil
	}
	if s.err != nil {
		return s.err
	}
	return errors.New(s.Message())
}

// StateData is per-cycle data a plugin computes once (PreFilter, PreScore)
// and reads at later extension points of the same cycle.
type StateData interface {
	// Clone copies the data for a cycle that simulates changes (preemption).
	Clone() StateData
}

// StateKey names a plugin's data in a CycleState.
type StateKey string

// CycleState holds the plugins' data for one scheduling cycle. Filter and
// Score run in parallel across nodes, so CycleState is safe for concurrent
// reads; plugins write their data in PreFilter and PreScore, which run
// once.
type CycleState struct {
	mu sync.RWMutex
	m  map[StateKey]StateData
	// SkipFilterPlugins and SkipScorePlugins list plugins whose PreFilter or
	// PreScore returned Skip.
	skipFilter, skipScore map[string]bool
	// filters are the Filter plugins of filtersOf's profile less those
	// in skipFilter, listed once per cycle so that the per-node loop does
	// not look names up.
	filters   []FilterPlugin
	filtersOf *Framework
}

// NewCycleState returns an empty state.
func NewCycleState() *CycleState { return &CycleState{m: map[StateKey]StateData{}} }

// Read returns the data under key.
func (c *CycleState) Read(key StateKey) (StateData, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	d, ok := c.m[key]
	return d, ok
}

// Write stores data under key.
func (c *CycleState) Write(key StateKey, d StateData) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[key] = d
}

// Clone copies the state, cloning each plugin's data.
func (c *CycleState) Clone() *CycleState {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := &CycleState{m: make(map[StateKey]StateData, len(c.m)), skipFilter: c.skipFilter, skipScore: c.skipScore,
		filters: c.filters, filtersOf: c.filtersOf}
	for k, v := range c.m {
		out.m[k] = v.Clone()
	}
	return out
}

// ReadState returns the data under key as type T.
func ReadState[T StateData](c *CycleState, key StateKey) (T, bool) {
	d, ok := c.Read(key)
	if !ok {
		var zero T
		return zero, false
	}
	t, ok := d.(T)
	return t, ok
}

// Plugin is any scheduling plugin.
type Plugin interface {
	Name() string
}

// PreEnqueuePlugin decides whether a pod may enter the active queue at all
// (scheduling gates).
type PreEnqueuePlugin interface {
	Plugin
	PreEnqueue(ctx context.Context, pod *core.Pod) *Status
}

// QueueSortPlugin orders the active queue.
type QueueSortPlugin interface {
	Plugin
	Less(a, b *QueuedPod) bool
}

// PreFilterResult narrows the nodes to consider (e.g. a pod with
// spec.nodeName, or node affinity to named nodes). Nil means all nodes.
type PreFilterResult struct {
	NodeNames map[string]bool
}

// PreFilterPlugin runs once per cycle before Filter, to check the pod
// itself and compute state Filter reads.
type PreFilterPlugin interface {
	Plugin
	PreFilter(ctx context.Context, state *CycleState, pod *PodInfo, nodes []*NodeInfo) (*PreFilterResult, *Status)
	// PreFilterExtensions, when not nil, updates the PreFilter state for a
	// pod added to or removed from a node, so preemption can evaluate
	// "what if these pods were gone" without recomputing.
	PreFilterExtensions() PreFilterExtensions
}

// PreFilterExtensions incrementally update PreFilter state.
type PreFilterExtensions interface {
	AddPod(ctx context.Context, state *CycleState, pod *PodInfo, add *PodInfo, node *NodeInfo) *Status
	RemovePod(ctx context.Context, state *CycleState, pod *PodInfo, remove *PodInfo, node *NodeInfo) *Status
}

// FilterPlugin rejects nodes that cannot run the pod. Filter runs in
// parallel across nodes and must not write shared state.
type FilterPlugin interface {
	Plugin
	Filter(ctx context.Context, state *CycleState, pod *PodInfo, node *NodeInfo) *Status
}

// NodeToStatus maps node names to the status that rejected them.
type NodeToStatus map[string]*Status

// PostFilterResult says where a pod may go after PostFilter (preemption).
type PostFilterResult struct {
	// NominatedNodeName is the node freed for the pod.
	NominatedNodeName string
}

// PostFilterPlugin runs when no node fits (preemption).
type PostFilterPlugin interface {
	Plugin
	PostFilter(ctx context.Context, state *CycleState, pod *PodInfo, filtered NodeToStatus) (*PostFilterResult, *Status)
}

// PreScorePlugin runs once before Score with the feasible nodes.
type PreScorePlugin interface {
	Plugin
	PreScore(ctx context.Context, state *CycleState, pod *PodInfo, nodes []*NodeInfo) *Status
}

// Score bounds: plugins score nodes in [MinNodeScore, MaxNodeScore] (after
// normalization).
const (
	MinNodeScore int64 = 0
	MaxNodeScore int64 = 100
)

// NodeScore is one node's score.
type NodeScore struct {
	Name  string
	Score int64
}

// ScorePlugin ranks feasible nodes. Score runs in parallel across nodes.
type ScorePlugin interface {
	Plugin
	Score(ctx context.Context, state *CycleState, pod *PodInfo, node *NodeInfo) (int64, *Status)
	// ScoreExtensions, when not nil, normalizes the scores.
	ScoreExtensions() ScoreExtensions
}

// ScoreExtensions normalize scores into [MinNodeScore, MaxNodeScore].
type ScoreExtensions interface {
	NormalizeScore(ctx context.Context, state *CycleState, pod *PodInfo, scores []NodeScore) *Status
}

// ReservePlugin reserves resources on the chosen node before binding (and
// releases them with Unreserve when a later step fails).
type ReservePlugin interface {
	Plugin
	Reserve(ctx context.Context, state *CycleState, pod *PodInfo, nodeName string) *Status
	Unreserve(ctx context.Context, state *CycleState, pod *PodInfo, nodeName string)
}

// PermitPlugin allows, rejects or delays (Wait with a timeout) the binding
// of a reserved pod, e.g. for gang scheduling.
type PermitPlugin interface {
	Plugin
	Permit(ctx context.Context, state *CycleState, pod *PodInfo, nodeName string) (*Status, time.Duration)
}

// PreBindPlugin prepares the binding (e.g. binds volumes).
type PreBindPlugin interface {
	Plugin
	PreBind(ctx context.Context, state *CycleState, pod *PodInfo, nodeName string) *Status
}

// BindPlugin writes the binding. The first that does not Skip binds.
type BindPlugin interface {
	Plugin
	Bind(ctx context.Context, state *CycleState, pod *PodInfo, nodeName string) *Status
}

// PostBindPlugin is told of successful bindings.
type PostBindPlugin interface {
	Plugin
	PostBind(ctx context.Context, state *CycleState, pod *PodInfo, nodeName string)
}

// EnqueueExtensions is implemented by plugins that can reject pods: it
// names the cluster events after which a pod they rejected may fit, so
// unschedulable pods move back to the active queue only when it can help.
type EnqueueExtensions interface {
	EventsToRegister() []ClusterEvent
}

// EventResource is the kind of object a cluster event is about.
type EventResource string

// Event resources.
const (
	EventPod                   EventResource = "Pod"
	EventAssignedPod           EventResource = "AssignedPod"
	EventNode                  EventResource = "Node"
	EventPersistentVolume      EventResource = "PersistentVolume"
	EventPersistentVolumeClaim EventResource = "PersistentVolumeClaim"
	EventStorageClass          EventResource = "StorageClass"
	EventWildcard              EventResource = "*"
)

// ActionType is what happened to the resource (a bit set).
type ActionType int

// Actions; node updates are split by what changed.
const (
	Add ActionType = 1 << iota
	Delete
	UpdateNodeAllocatable
	UpdateNodeLabel
	UpdateNodeTaint
	UpdateNodeCondition
	UpdatePodLabel
	UpdatePodScaleDown // a pod's requests went down
	UpdateOther

	Update = UpdateNodeAllocatable | UpdateNodeLabel | UpdateNodeTaint | UpdateNodeCondition | UpdatePodLabel | UpdatePodScaleDown | UpdateOther
	All    = Add | Delete | Update
)

// ClusterEvent is a change in the cluster that may make pods schedulable.
type ClusterEvent struct {
	Resource EventResource
	Action   ActionType
}

// Matches reports whether e (an event that happened) is covered by
// registered (an event a plugin asked for).
func (registered ClusterEvent) Matches(e ClusterEvent) bool {
	return (registered.Resource == EventWildcard || registered.Resource == e.Resource ||
		registered.Resource == EventPod && e.Resource == EventAssignedPod) && registered.Action&e.Action != 0
}
