package coordination

import "github.com/spar-dev/spar/api/meta"

// GroupName is the API group of this package's kinds.
const GroupName = "coordination.k8s.io"

// Version is the API version of this package's kinds.
const Version = "v1"

// CoordinatedLeaseStrategy names how a coordinated leader election picks
// the holder of a Lease.
type CoordinatedLeaseStrategy string

// OldestEmulationVersion picks the candidate with the oldest emulation
// version, then binary version, then creation time.
const OldestEmulationVersion CoordinatedLeaseStrategy = "OldestEmulationVersion"

// Lease is a time-bounded claim on a name, held by one identity.
type Lease struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	Spec            LeaseSpec `json:"spec,omitempty" protobuf:"bytes,2,opt,name=spec"`
}

// LeaseList is a list of Leases.
type LeaseList = meta.List[Lease]

// LeaseSpec is the state of a Lease.
type LeaseSpec struct {
	// HolderIdentity is the current holder.
	HolderIdentity *string `json:"holderIdentity,omitempty" protobuf:"bytes,1,opt,name=holderIdentity"`
	// LeaseDurationSeconds is how long candidates wait after RenewTime
	// before they may take the lease over.
	LeaseDurationSeconds *int32 `json:"leaseDurationSeconds,omitempty" protobuf:"varint,2,opt,name=leaseDurationSeconds"`
	// AcquireTime is when the current holder acquired the lease.
	AcquireTime *meta.MicroTime `json:"acquireTime,omitempty" protobuf:"bytes,3,opt,name=acquireTime"`
	// RenewTime is when the holder last renewed the lease.
	RenewTime *meta.MicroTime `json:"renewTime,omitempty" protobuf:"bytes,4,opt,name=renewTime"`
	// LeaseTransitions counts changes of holder.
	LeaseTransitions *int32 `json:"leaseTransitions,omitempty" protobuf:"varint,5,opt,name=leaseTransitions"`
	// Strategy is how coordinated leader election picks the holder.
	Strategy *CoordinatedLeaseStrategy `json:"strategy,omitempty" protobuf:"bytes,6,opt,name=strategy"`
	// PreferredHolder asks the holder to step down in favour of this
	// identity (coordinated leader election).
	PreferredHolder *string `json:"preferredHolder,omitempty" protobuf:"bytes,7,opt,name=preferredHolder"`
}

// Default does nothing: Lease has no defaulted fields. It exists so that
// every kind can be defaulted the same way.
func (l *Lease) Default() {}
