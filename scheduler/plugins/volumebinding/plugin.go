package volumebinding

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/storage"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/scheduler"
)

// Name is the plugin's name in the registry and in profiles.
const Name = "VolumeBinding"

// Args configure the plugin (pluginConfig args, as Kubernetes'
// VolumeBindingArgs without the storage-capacity scoring shape). The zero
// value is the defaults.
type Args struct {
	// TypeMeta accepts the kind and apiVersion configuration files carry.
	meta.TypeMeta `json:",inline"`
	// BindTimeoutSeconds is how long PreBind waits for the pod's claims to
	// be bound (by this plugin, or by a provisioner for dynamically
	// provisioned claims) before the pod is retried; at least 0. Default
	// 600.
	BindTimeoutSeconds *int64 `json:"bindTimeoutSeconds,omitempty"`
}

// DefaultBindTimeoutSeconds is Args.BindTimeoutSeconds' default.
const DefaultBindTimeoutSeconds int64 = 600

// Annotations Kubernetes' volume binding reads and writes.
const (
	// AnnSelectedNode on a claim tells the provisioner which node the pod
	// went to, so the volume is provisioned where the pod can reach it.
	AnnSelectedNode = "volume.kubernetes.io/selected-node"
	// AnnBindCompleted marks a claim whose binding to its volume is done.
	AnnBindCompleted = "pv.kubernetes.io/bind-completed"
	// AnnBoundByController marks a binding made by a controller (the
	// scheduler, here), not pre-bound by a user.
	AnnBoundByController = "pv.kubernetes.io/bound-by-controller"
	// annBetaStorageClass is the deprecated storage class annotation,
	// still honoured before spec.storageClassName.
	annBetaStorageClass = "volume.beta.kubernetes.io/storage-class"
	// NotSupportedProvisioner is the provisioner of classes of
	// pre-provisioned volumes only (local volumes).
	NotSupportedProvisioner = "kubernetes.io/no-provisioner"
)

// VolumeBinding schedules pods with PersistentVolumeClaims: bound claims
// restrict the pod to nodes their volumes are reachable from; claims of a
// WaitForFirstConsumer class are bound (or provisioned) only once the pod
// has a node, to a volume that node can reach.
type VolumeBinding struct {
	h       scheduler.Handle
	timeout time.Duration

	pvcs    *controller.Informer[core.PersistentVolumeClaim, *core.PersistentVolumeClaim]
	pvs     *controller.Informer[core.PersistentVolume, *core.PersistentVolume]
	classes *controller.Informer[storage.StorageClass, *storage.StorageClass]

	assumed assumeCache
}

var (
	_ scheduler.PreFilterPlugin   = (*VolumeBinding)(nil)
	_ scheduler.FilterPlugin      = (*VolumeBinding)(nil)
	_ scheduler.ReservePlugin     = (*VolumeBinding)(nil)
	_ scheduler.PreBindPlugin     = (*VolumeBinding)(nil)
	_ scheduler.EnqueueExtensions = (*VolumeBinding)(nil)
)

// classIndex indexes PersistentVolumes by storage class.
const classIndex = "storageClass"

// New builds the plugin; args are decoded strictly into Args. It needs
// the handle's manager for its informers.
func New(args json.RawMessage, h scheduler.Handle) (scheduler.Plugin, error) {
	var a Args
	if len(args) > 0 && string(args) != "null" {
		if err := api.DecodeStrict(args, &a); err != nil {
			return nil, fmt.Errorf("%s args: %w", Name, err)
		}
	}
	timeout := DefaultBindTimeoutSeconds
	if a.BindTimeoutSeconds != nil {
		timeout = *a.BindTimeoutSeconds
	}
	if timeout < 0 {
		return nil, fmt.Errorf("%s args: bindTimeoutSeconds: Invalid value: %d: invalid BindTimeoutSeconds, should not be a negative value", Name, timeout)
	}
	if h.Manager() == nil {
		return nil, errors.New(Name + ": the handle has no manager to watch claims and volumes with")
	}
	// The scheduler waits for these before its first cycle.
	pl := &VolumeBinding{h: h, timeout: time.Duration(timeout) * time.Second,
		pvcs:    scheduler.GetInformer[core.PersistentVolumeClaim](h, nil),
		pvs:     scheduler.GetInformer[core.PersistentVolume](h, nil),
		classes: scheduler.GetInformer[storage.StorageClass](h, nil),
	}
	pl.pvs.AddIndex(classIndex, func(pv *core.PersistentVolume) []string { return []string{volumeClass(pv)} })
	pl.assumed.init()
	return pl, nil
}

// Name implements scheduler.Plugin.
func (pl *VolumeBinding) Name() string { return Name }

// EventsToRegister implements scheduler.EnqueueExtensions: claims,
// volumes and classes appearing or changing (a claim bound, a volume
// created, a class fixed), and nodes appearing or changing labels (volume
// node affinity, allowed topologies).
func (pl *VolumeBinding) EventsToRegister() []scheduler.ClusterEvent {
	return []scheduler.ClusterEvent{
		{Resource: scheduler.EventStorageClass, Action: scheduler.Add | scheduler.Update},
		{Resource: scheduler.EventPersistentVolumeClaim, Action: scheduler.Add | scheduler.Update},
		{Resource: scheduler.EventPersistentVolume, Action: scheduler.Add | scheduler.Update},
		{Resource: scheduler.EventNode, Action: scheduler.Add | scheduler.UpdateNodeLabel},
	}
}
