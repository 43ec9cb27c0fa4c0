package plugintest

import (
	"context"
	"maps"
	"strconv"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/resource"
	"github.com/spar-dev/spar/scheduler"
)

// Requests returns a ResourceList from name/quantity pairs:
//
//	Requests("cpu", "500m", "example.com/gpu", "2")
func Requests(kv ...string) core.ResourceList {
	rl := core.ResourceList{}
	for i := 0; i+1 < len(kv); i += 2 {
		rl[core.ResourceName(kv[i])] = resource.MustParse(kv[i+1])
	}
	return rl
}

// containerName names the n-th container c<n> (init containers i<n>).
func containerName(prefix string, n int) string { return prefix + strconv.Itoa(n) }

// ReqList adds a container requesting rl (extended resources, ephemeral
// storage, ...).
func (w *PodWrapper) ReqList(rl core.ResourceList) *PodWrapper {
	w.p.Spec.Containers = append(w.p.Spec.Containers, core.Container{
		Name: containerName("c", len(w.p.Spec.Containers)), Image: "busybox",
		Resources: core.ResourceRequirements{Requests: rl},
	})
	return w
}

// InitReq adds an init container requesting cpu and memory ("" for none).
func (w *PodWrapper) InitReq(cpu, mem string) *PodWrapper {
	return w.InitContainer(core.Container{Resources: core.ResourceRequirements{Requests: Requests(cpuMem(cpu, mem)...)}})
}

// SidecarReq adds a restartable init container (a sidecar, restartPolicy
// Always) requesting cpu and memory ("" for none).
func (w *PodWrapper) SidecarReq(cpu, mem string) *PodWrapper {
	always := core.ContainerRestartPolicyAlways
	return w.InitContainer(core.Container{RestartPolicy: &always,
		Resources: core.ResourceRequirements{Requests: Requests(cpuMem(cpu, mem)...)}})
}

func cpuMem(cpu, mem string) []string {
	var kv []string
	if cpu != "" {
		kv = append(kv, string(core.ResourceCPU), cpu)
	}
	if mem != "" {
		kv = append(kv, string(core.ResourceMemory), mem)
	}
	return kv
}

// AddContainer adds a container as given (named c<i> if it has no name).
func (w *PodWrapper) AddContainer(c core.Container) *PodWrapper {
	if c.Name == "" {
		c.Name = containerName("c", len(w.p.Spec.Containers))
	}
	if c.Image == "" {
		c.Image = "busybox"
	}
	w.p.Spec.Containers = append(w.p.Spec.Containers, c)
	return w
}

// InitContainer adds an init container as given (named i<i> if it has no
// name).
func (w *PodWrapper) InitContainer(c core.Container) *PodWrapper {
	if c.Name == "" {
		c.Name = containerName("i", len(w.p.Spec.InitContainers))
	}
	if c.Image == "" {
		c.Image = "busybox"
	}
	w.p.Spec.InitContainers = append(w.p.Spec.InitContainers, c)
	return w
}

// InitImage adds an init container running image, without requests.
func (w *PodWrapper) InitImage(image string) *PodWrapper {
	return w.InitContainer(core.Container{Image: image})
}

// Overhead sets spec.overhead.
func (w *PodWrapper) Overhead(rl core.ResourceList) *PodWrapper {
	w.p.Spec.Overhead = rl
	return w
}

// HostPort adds a container with one port bound on the host (protocol ""
// means TCP, hostIP "" every address).
func (w *PodWrapper) HostPort(port int32, protocol core.Protocol, hostIP string) *PodWrapper {
	return w.AddContainer(core.Container{Ports: []core.ContainerPort{
		{ContainerPort: port, HostPort: port, Protocol: protocol, HostIP: hostIP}}})
}

// SchedulingGates adds spec.schedulingGates.
func (w *PodWrapper) SchedulingGates(names ...string) *PodWrapper {
	for _, n := range names {
		w.p.Spec.SchedulingGates = append(w.p.Spec.SchedulingGates, core.PodSchedulingGate{Name: n})
	}
	return w
}

func (w *PodWrapper) nodeAffinity() *core.NodeAffinity {
	a := w.affinity()
	if a.NodeAffinity == nil {
		a.NodeAffinity = &core.NodeAffinity{}
	}
	return a.NodeAffinity
}

// RequiredNodeAffinity adds terms (ORed) to the required node affinity,
// creating it (with no terms) if absent.
func (w *PodWrapper) RequiredNodeAffinity(terms ...core.NodeSelectorTerm) *PodWrapper {
	na := w.nodeAffinity()
	if na.RequiredDuringSchedulingIgnoredDuringExecution == nil {
		na.RequiredDuringSchedulingIgnoredDuringExecution = &core.NodeSelector{NodeSelectorTerms: []core.NodeSelectorTerm{}}
	}
	r := na.RequiredDuringSchedulingIgnoredDuringExecution
	r.NodeSelectorTerms = append(r.NodeSelectorTerms, terms...)
	return w
}

// PreferredNodeAffinity adds a weighted preferred node affinity term.
func (w *PodWrapper) PreferredNodeAffinity(weight int32, term core.NodeSelectorTerm) *PodWrapper {
	na := w.nodeAffinity()
	na.PreferredDuringSchedulingIgnoredDuringExecution = append(na.PreferredDuringSchedulingIgnoredDuringExecution,
		core.PreferredSchedulingTerm{Weight: weight, Preference: term})
	return w
}

// Expr returns a node selector requirement on a label.
func Expr(key string, op core.NodeSelectorOperator, values ...string) core.NodeSelectorRequirement {
	return core.NodeSelectorRequirement{Key: key, Operator: op, Values: values}
}

// NodeTerm returns a node selector term whose matchExpressions are exprs
// (ANDed).
func NodeTerm(exprs ...core.NodeSelectorRequirement) core.NodeSelectorTerm {
	return core.NodeSelectorTerm{MatchExpressions: exprs}
}

// NameTerm returns a node selector term with one matchFields requirement
// on metadata.name.
func NameTerm(op core.NodeSelectorOperator, names ...string) core.NodeSelectorTerm {
	return core.NodeSelectorTerm{MatchFields: []core.NodeSelectorRequirement{
		{Key: "metadata.name", Operator: op, Values: names}}}
}

// Ready adds the Ready condition a kubelet reports, for tests that run
// nodes through the real scheduler and its informers.
func (w *NodeWrapper) Ready() *NodeWrapper {
	w.n.Status.Conditions = append(w.n.Status.Conditions, core.NodeCondition{Type: core.NodeReady, Status: core.ConditionTrue})
	return w
}

// Unschedulable sets spec.unschedulable (kubectl cordon).
func (w *NodeWrapper) Unschedulable() *NodeWrapper {
	w.n.Spec.Unschedulable = true
	return w
}

// Image adds an image present on the node under names.
func (w *NodeWrapper) Image(size int64, names ...string) *NodeWrapper {
	w.n.Status.Images = append(w.n.Status.Images, core.ContainerImage{Names: names, SizeBytes: size})
	return w
}

// Resources adds name/quantity pairs to capacity and allocatable (after
// Capacity, which it leaves unshared): Resources("example.com/gpu", "4").
func (w *NodeWrapper) Resources(kv ...string) *NodeWrapper {
	rl := Requests(kv...)
	capacity, alloc := maps.Clone(w.n.Status.Capacity), maps.Clone(w.n.Status.Allocatable)
	if capacity == nil {
		capacity = core.ResourceList{}
	}
	if alloc == nil {
		alloc = core.ResourceList{}
	}
	maps.Copy(capacity, rl)
	maps.Copy(alloc, rl)
	w.n.Status.Capacity, w.n.Status.Allocatable = capacity, alloc
	return w
}

// ScoreNodes runs pl's scoring over every node of h's snapshot as the
// framework runs one score plugin: PreScore if pl has one (a Skip, or a
// failure, is returned with nil scores), Score on each node, and
// NormalizeScore if pl has score extensions. It returns the final scores
// by node name, unweighted.
func ScoreNodes(ctx context.Context, h *Handle, pl scheduler.ScorePlugin, state *scheduler.CycleState, pod *scheduler.PodInfo) (map[string]int64, *scheduler.Status) {
	nodes := h.Snapshot().List()
	if ps, ok := pl.(scheduler.PreScorePlugin); ok {
		if st := ps.PreScore(ctx, state, pod, nodes); !st.IsSuccess() {
			return nil, st.WithPlugin(pl.Name())
		}
	}
	scores := make([]scheduler.NodeScore, len(nodes))
	for i, n := range nodes {
		s, st := pl.Score(ctx, state, pod, n)
		if !st.IsSuccess() {
			return nil, st.WithPlugin(pl.Name())
		}
		scores[i] = scheduler.NodeScore{Name: n.Name(), Score: s}
	}
	if ext := pl.ScoreExtensions(); ext != nil {
		if st := ext.NormalizeScore(ctx, state, pod, scores); !st.IsSuccess() {
			return nil, st.WithPlugin(pl.Name())
		}
	}
	out := make(map[string]int64, len(scores))
	for _, s := range scores {
		out[s.Name] = s.Score
	}
	return out, nil
}
