package scheduling

import (
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
)

// GroupName is the API group of this package's kinds.
const GroupName = "scheduling.k8s.io"

// Version is the API version of this package's kinds.
const Version = "v1"

// Limits and built-in classes of priorities.
const (
	// HighestUserDefinablePriority is the highest value a user-created
	// class may have; higher values are reserved for system classes.
	HighestUserDefinablePriority = int32(1000000000)
	// SystemCriticalPriority is the base of the system classes.
	SystemCriticalPriority = 2 * HighestUserDefinablePriority
	// SystemPriorityClassPrefix starts the names of system classes.
	SystemPriorityClassPrefix = "system-"
	// SystemClusterCritical has priority SystemCriticalPriority.
	SystemClusterCritical = SystemPriorityClassPrefix + "cluster-critical"
	// SystemNodeCritical has priority SystemCriticalPriority + 1000.
	SystemNodeCritical = SystemPriorityClassPrefix + "node-critical"
)

// PriorityClass names a pod priority.
type PriorityClass struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Value is the priority; higher runs first and may preempt lower.
	Value int32 `json:"value" protobuf:"varint,2,opt,name=value"`
	// GlobalDefault makes this the class of pods that name none; at most
	// one class may set it.
	GlobalDefault bool   `json:"globalDefault,omitempty" protobuf:"varint,3,opt,name=globalDefault"`
	Description   string `json:"description,omitempty" protobuf:"bytes,4,opt,name=description"`
	// PreemptionPolicy is PreemptLowerPriority or Never.
	// Default: PreemptLowerPriority.
	PreemptionPolicy *core.PreemptionPolicy `json:"preemptionPolicy,omitempty" protobuf:"bytes,5,opt,name=preemptionPolicy"`
}

// PriorityClassList is a list of PriorityClasses.
type PriorityClassList = meta.List[PriorityClass]

// Default sets preemptionPolicy to PreemptLowerPriority when unset.
func (p *PriorityClass) Default() {
	if p.PreemptionPolicy == nil {
		pol := core.PreemptLowerPriority
		p.PreemptionPolicy = &pol
	}
}
