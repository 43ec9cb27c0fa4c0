// Package noderesources holds the NodeResourcesFit and
// NodeResourcesBalancedAllocation plugins: a pod's requests must fit the
// node's free allocatable resources (and its pod count), and nodes are
// scored by how allocated they would be (least allocated first, by
// default, to spread load) and how balanced CPU and memory would be.
package noderesources

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/scheduler"
)

// Names of the plugins in profiles.
const (
	FitName      = "NodeResourcesFit"
	BalancedName = "NodeResourcesBalancedAllocation"
)

// Scoring strategies.
const (
	LeastAllocated           = "LeastAllocated"
	MostAllocated            = "MostAllocated"
	RequestedToCapacityRatio = "RequestedToCapacityRatio"
)

// ResourceSpec names a resource and its weight in scoring.
type ResourceSpec struct {
	Name   string `json:"name"`
	Weight int64  `json:"weight,omitempty"`
}

// UtilizationShapePoint is a point of the RequestedToCapacityRatio shape:
// utilization in percent, score 0–10.
type UtilizationShapePoint struct {
	Utilization int32 `json:"utilization"`
	Score       int32 `json:"score"`
}

// ScoringStrategy configures NodeResourcesFit's score.
type ScoringStrategy struct {
	// Type is LeastAllocated (default), MostAllocated or
	// RequestedToCapacityRatio.
	Type string `json:"type,omitempty"`
	// Resources scored and their weights. Default cpu and memory, weight 1.
	Resources []ResourceSpec `json:"resources,omitempty"`
	// RequestedToCapacityRatio's shape.
	RequestedToCapacityRatio *struct {
		Shape []UtilizationShapePoint `json:"shape,omitempty"`
	} `json:"requestedToCapacityRatio,omitempty"`
}

// FitArgs are NodeResourcesFit's arguments (NodeResourcesFitArgs).
type FitArgs struct {
	Kind       string `json:"kind,omitempty"`
	APIVersion string `json:"apiVersion,omitempty"`
	// IgnoredResources are not checked by Filter. Default: none.
	IgnoredResources []string `json:"ignoredResources,omitempty"`
	// IgnoredResourceGroups ignore every resource "<group>/...". Default: none.
	IgnoredResourceGroups []string `json:"ignoredResourceGroups,omitempty"`
	// ScoringStrategy. Default: LeastAllocated over cpu and memory.
	ScoringStrategy *ScoringStrategy `json:"scoringStrategy,omitempty"`
}

// Fit implements NodeResourcesFit.
type Fit struct {
	args   FitArgs
	scorer *scorer
}

// NewFit builds NodeResourcesFit.
func NewFit(raw json.RawMessage, _ scheduler.Handle) (scheduler.Plugin, error) {
	var a FitArgs
	if len(raw) > 0 {
		if err := api.DecodeStrict(raw, &a); err != nil {
			return nil, fmt.Errorf("%s args: %w", FitName, err)
		}
	}
	st := a.ScoringStrategy
	if st == nil {
		st = &ScoringStrategy{}
	}
	sc, err := newScorer(st)
	if err != nil {
		return nil, err
	}
	return &Fit{args: a, scorer: sc}, nil
}

// Name implements scheduler.Plugin.
func (f *Fit) Name() string { return FitName }

// InsufficientResource is one resource a node lacks for a pod.
type InsufficientResource struct {
	Name      core.ResourceName
	Reason    string
	Requested int64
	Used      int64
	Capacity  int64
}

// Fits lists the resources node lacks for pod (nil when it fits),
// ignoring the named resources and groups.
func Fits(pod *scheduler.PodInfo, node *scheduler.NodeInfo, ignored, ignoredGroups []string) []InsufficientResource {
	var out []InsufficientResource
	alloc, used, req := &node.Allocatable, &node.Requested, &pod.Requests
	if int64(len(node.Pods))+1 > alloc.AllowedPodNumber {
		out = append(out, InsufficientResource{core.ResourcePods, "Too many pods", 1, int64(len(node.Pods)), alloc.AllowedPodNumber})
	}
	check := func(name core.ResourceName, want, have, cap int64) {
		if want > 0 && want > cap-have {
			out = append(out, InsufficientResource{name, "Insufficient " + string(name), want, have, cap})
		}
	}
	check(core.ResourceCPU, req.MilliCPU, used.MilliCPU, alloc.MilliCPU)
	check(core.ResourceMemory, req.Memory, used.Memory, alloc.Memory)
	check(core.ResourceEphemeralStorage, req.EphemeralStorage, used.EphemeralStorage, alloc.EphemeralStorage)
	for name, want := range req.Scalar {
		// Only extended resources (example.com/gpu) may be ignored, not
		// hugepages.
		if g, _, ok := strings.Cut(string(name), "/"); ok && !strings.Contains(string(name), "kubernetes.io/") &&
			(slices.Contains(ignored, string(name)) || slices.Contains(ignoredGroups, g)) {
			continue
		}
		check(name, want, used.Scalar[name], alloc.Scalar[name])
	}
	return out
}

// Filter implements scheduler.FilterPlugin.
func (f *Fit) Filter(_ context.Context, _ *scheduler.CycleState, pod *scheduler.PodInfo, node *scheduler.NodeInfo) *scheduler.Status {
	missing := Fits(pod, node, f.args.IgnoredResources, f.args.IgnoredResourceGroups)
	if len(missing) == 0 {
		return nil
	}
	reasons := make([]string, len(missing))
	for i, m := range missing {
		reasons[i] = m.Reason
	}
	return scheduler.NewStatus(scheduler.Unschedulable, reasons...)
}

// Score implements scheduler.ScorePlugin.
func (f *Fit) Score(_ context.Context, _ *scheduler.CycleState, pod *scheduler.PodInfo, node *scheduler.NodeInfo) (int64, *scheduler.Status) {
	return f.scorer.score(pod, node), nil
}

// ScoreExtensions implements scheduler.ScorePlugin.
func (f *Fit) ScoreExtensions() scheduler.ScoreExtensions { return nil }

// EventsToRegister implements scheduler.EnqueueExtensions.
func (f *Fit) EventsToRegister() []scheduler.ClusterEvent {
	return []scheduler.ClusterEvent{
		{Resource: scheduler.EventAssignedPod, Action: scheduler.Delete | scheduler.UpdatePodScaleDown},
		{Resource: scheduler.EventNode, Action: scheduler.Add | scheduler.UpdateNodeAllocatable},
	}
}

// scorer computes a node's allocation score for a pod.
type scorer struct {
	typ       string
	resources []ResourceSpec
	weightSum int64
	shape     []UtilizationShapePoint
}

func newScorer(st *ScoringStrategy) (*scorer, error) {
	s := &scorer{typ: st.Type, resources: st.Resources}
	if s.typ == "" {
		s.typ = LeastAllocated
	}
	switch s.typ {
	case LeastAllocated, MostAllocated:
	case RequestedToCapacityRatio:
		if st.RequestedToCapacityRatio == nil || len(st.RequestedToCapacityRatio.Shape) == 0 {
			return nil, fmt.Errorf("%s: requestedToCapacityRatio needs a shape", FitName)
		}
		s.shape = st.RequestedToCapacityRatio.Shape
	default:
		return nil, fmt.Errorf("%s: scoring strategy %q is not one of LeastAllocated, MostAllocated, RequestedToCapacityRatio", FitName, s.typ)
	}
	if len(s.resources) == 0 {
		s.resources = []ResourceSpec{{Name: "cpu", Weight: 1}, {Name: "memory", Weight: 1}}
	}
	for i := range s.resources {
		if s.resources[i].Weight == 0 {
			s.resources[i].Weight = 1
		}
		s.weightSum += s.resources[i].Weight
	}
	return s, nil
}

// amounts returns a node's allocatable amount of a resource and what would
// be requested of it with the pod, as Kubernetes' resource allocation
// scorers do: cpu and memory counted by non-zero requests when nonZero
// (NodeResourcesFit's scores: pods that request nothing still spread), by
// actual requests otherwise (BalancedAllocation). (0, 0), meaning "not
// scored", for a resource the node does not have, or an extended resource
// the pod does not request.
func amounts(name core.ResourceName, pod *scheduler.PodInfo, node *scheduler.NodeInfo, nonZero bool) (alloc, req int64) {
	used, want := &node.Requested, &pod.Requests
	if nonZero {
		used, want = &node.NonZeroRequested, &pod.NonZeroRequests
	}
	switch name {
	case core.ResourceCPU:
		return node.Allocatable.MilliCPU, used.MilliCPU + want.MilliCPU
	case core.ResourceMemory:
		return node.Allocatable.Memory, used.Memory + want.Memory
	case core.ResourceEphemeralStorage:
		return node.Allocatable.EphemeralStorage, node.Requested.EphemeralStorage + pod.Requests.EphemeralStorage
	}
	podReq := pod.Requests.Scalar[name]
	if podReq == 0 {
		return 0, 0
	}
	a, ok := node.Allocatable.Scalar[name]
	if !ok {
		return 0, 0
	}
	return a, node.Requested.Scalar[name] + podReq
}

// score is Kubernetes' weighted mean of the per-resource scores, over the
// resources the node has: LeastAllocated (alloc−req)·100/alloc (0 when
// over), MostAllocated req·100/alloc (req capped at alloc), and
// RequestedToCapacityRatio the shape at req·100/alloc (its top when over),
// where only resources scoring above 0 count and the mean is rounded.
func (s *scorer) score(pod *scheduler.PodInfo, node *scheduler.NodeInfo) int64 {
	var total, weights int64
	for _, r := range s.resources {
		alloc, req := amounts(core.ResourceName(r.Name), pod, node, true)
		if alloc == 0 {
			continue
		}
		var v int64
		switch s.typ {
		case LeastAllocated:
			if req <= alloc {
				v = (alloc - req) * scheduler.MaxNodeScore / alloc
			}
		case MostAllocated:
			v = min(req, alloc) * scheduler.MaxNodeScore / alloc
		case RequestedToCapacityRatio:
			util := int64(maxUtilization)
			if req <= alloc {
				util = req * maxUtilization / alloc
			}
			if v = s.shapeScore(util); v <= 0 {
				continue
			}
		}
		total += v * r.Weight
		weights += r.Weight
	}
	if weights == 0 {
		return 0
	}
	if s.typ == RequestedToCapacityRatio {
		return int64(math.Round(float64(total) / float64(weights)))
	}
	return total / weights
}

// maxUtilization is the top of RequestedToCapacityRatio's shape, in percent.
const maxUtilization = 100

// shapeScore interpolates the shape at utilization (0–100), scaled from
// the shape's 0–10 to 0–100.
func (s *scorer) shapeScore(util int64) int64 {
	const scale = scheduler.MaxNodeScore / 10
	pts := s.shape
	if util <= int64(pts[0].Utilization) {
		return int64(pts[0].Score) * scale
	}
	for i := 1; i < len(pts); i++ {
		if util <= int64(pts[i].Utilization) {
			a, b := pts[i-1], pts[i]
			du := int64(b.Utilization - a.Utilization)
			v := int64(a.Score)*scale + (int64(b.Score)-int64(a.Score))*scale*(util-int64(a.Utilization))/max(du, 1)
			return v
		}
	}
	return int64(pts[len(pts)-1].Score) * scale
}
