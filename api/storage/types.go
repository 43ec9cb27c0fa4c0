package storage

import (
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
)

// GroupName is the API group of this package's kinds.
const GroupName = "storage.k8s.io"

// Version is the API version of this package's kinds.
const Version = "v1"

// AnnotationIsDefaultStorageClass set to "true" on a StorageClass makes it
// the class of claims that name none.
const AnnotationIsDefaultStorageClass = "storageclass.kubernetes.io/is-default-class"

// StorageClass describes a class of dynamically provisioned volumes.
type StorageClass struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Provisioner is the volume plugin or CSI driver name, e.g.
	// "kubernetes.io/no-provisioner" or "ebs.csi.aws.com".
	Provisioner string `json:"provisioner" protobuf:"bytes,2,opt,name=provisioner"`
	// Parameters are passed to the provisioner.
	Parameters map[string]string `json:"parameters,omitempty" protobuf:"bytes,3,rep,name=parameters" protobuf_key:"bytes,1,opt,name=key" protobuf_val:"bytes,2,opt,name=value"`
	// ReclaimPolicy of the volumes provisioned. Default: Delete.
	ReclaimPolicy *core.PersistentVolumeReclaimPolicy `json:"reclaimPolicy,omitempty" protobuf:"bytes,4,opt,name=reclaimPolicy"`
	MountOptions  []string                            `json:"mountOptions,omitempty" protobuf:"bytes,5,rep,name=mountOptions"`
	// AllowVolumeExpansion lets claims of the class grow.
	AllowVolumeExpansion *bool `json:"allowVolumeExpansion,omitempty" protobuf:"varint,6,opt,name=allowVolumeExpansion"`
	// VolumeBindingMode is Immediate or WaitForFirstConsumer.
	// Default: Immediate.
	VolumeBindingMode *VolumeBindingMode `json:"volumeBindingMode,omitempty" protobuf:"bytes,7,opt,name=volumeBindingMode"`
	// AllowedTopologies restrict where volumes may be provisioned.
	AllowedTopologies []core.TopologySelectorTerm `json:"allowedTopologies,omitempty" protobuf:"bytes,8,rep,name=allowedTopologies"`
}

// StorageClassList is a list of StorageClasses.
type StorageClassList = meta.List[StorageClass]

// VolumeBindingMode says when claims are bound.
type VolumeBindingMode string

// Volume binding modes.
const (
	// VolumeBindingImmediate binds (and provisions) as soon as the claim exists.
	VolumeBindingImmediate VolumeBindingMode = "Immediate"
	// VolumeBindingWaitForFirstConsumer waits until a pod using the claim
	// is scheduled, so the volume lands where the pod can reach it.
	VolumeBindingWaitForFirstConsumer VolumeBindingMode = "WaitForFirstConsumer"
)

// Default sets reclaimPolicy Delete and volumeBindingMode Immediate when
// unset, as Kubernetes does.
func (c *StorageClass) Default() {
	if c.ReclaimPolicy == nil {
		p := core.PersistentVolumeReclaimDelete
		c.ReclaimPolicy = &p
	}
	if c.VolumeBindingMode == nil {
		m := VolumeBindingImmediate
		c.VolumeBindingMode = &m
	}
}

// CSIDriver describes a CSI driver installed in the cluster.
type CSIDriver struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	Spec            CSIDriverSpec `json:"spec" protobuf:"bytes,2,opt,name=spec"`
}

// CSIDriverList is a list of CSIDrivers.
type CSIDriverList = meta.List[CSIDriver]

// CSIDriverSpec is the behaviour of a CSI driver.
type CSIDriverSpec struct {
	// AttachRequired means volumes need a ControllerPublish (attach) step.
	// Default: true.
	AttachRequired *bool `json:"attachRequired,omitempty" protobuf:"varint,1,opt,name=attachRequired"`
	// PodInfoOnMount passes the pod's name, namespace, UID and service
	// account to NodePublishVolume. Default: false.
	PodInfoOnMount *bool `json:"podInfoOnMount,omitempty" protobuf:"varint,2,opt,name=podInfoOnMount"`
	// VolumeLifecycleModes are Persistent and/or Ephemeral.
	// Default: [Persistent].
	VolumeLifecycleModes []VolumeLifecycleMode `json:"volumeLifecycleModes,omitempty" protobuf:"bytes,3,rep,name=volumeLifecycleModes"`
	// StorageCapacity makes the scheduler consider CSIStorageCapacity.
	// Default: false.
	StorageCapacity *bool `json:"storageCapacity,omitempty" protobuf:"varint,4,opt,name=storageCapacity"`
	// FSGroupPolicy says whether fsGroup ownership changes apply.
	// Default: ReadWriteOnceWithFSType.
	FSGroupPolicy *FSGroupPolicy `json:"fsGroupPolicy,omitempty" protobuf:"bytes,5,opt,name=fsGroupPolicy"`
	// TokenRequests are service account tokens passed to NodePublishVolume.
	TokenRequests []TokenRequest `json:"tokenRequests,omitempty" protobuf:"bytes,6,rep,name=tokenRequests"`
	// RequiresRepublish calls NodePublishVolume periodically. Default: false.
	RequiresRepublish *bool `json:"requiresRepublish,omitempty" protobuf:"varint,7,opt,name=requiresRepublish"`
	// SELinuxMount means the driver supports the -o context mount option.
	// Default: false.
	SELinuxMount *bool `json:"seLinuxMount,omitempty" protobuf:"varint,8,opt,name=seLinuxMount"`
	// NodeAllocatableUpdatePeriodSeconds is how often the kubelet refreshes
	// the driver's allocatable count on its node.
	NodeAllocatableUpdatePeriodSeconds *int64 `json:"nodeAllocatableUpdatePeriodSeconds,omitempty" protobuf:"varint,9,opt,name=nodeAllocatableUpdatePeriodSeconds"`
	// ServiceAccountTokenInSecrets passes tokenRequests tokens in the
	// secrets field rather than the volume context.
	ServiceAccountTokenInSecrets *bool `json:"serviceAccountTokenInSecrets,omitempty" protobuf:"varint,10,opt,name=serviceAccountTokenInSecrets"`
	// PreventPodSchedulingIfMissing keeps pods using the driver off nodes
	// where it is not installed.
	PreventPodSchedulingIfMissing *bool `json:"preventPodSchedulingIfMissing,omitempty" protobuf:"varint,11,opt,name=preventPodSchedulingIfMissing"`
}

// VolumeLifecycleMode is Persistent or Ephemeral.
type VolumeLifecycleMode string

// Volume lifecycle modes.
const (
	VolumeLifecyclePersistent VolumeLifecycleMode = "Persistent"
	VolumeLifecycleEphemeral  VolumeLifecycleMode = "Ephemeral"
)

// FSGroupPolicy says how a driver's volumes take a pod's fsGroup.
type FSGroupPolicy string

// FSGroup policies.
const (
	ReadWriteOnceWithFSTypeFSGroupPolicy FSGroupPolicy = "ReadWriteOnceWithFSType"
	FileFSGroupPolicy                    FSGroupPolicy = "File"
	NoneFSGroupPolicy                    FSGroupPolicy = "None"
)

// TokenRequest asks for a service account token for an audience.
type TokenRequest struct {
	Audience          string `json:"audience" protobuf:"bytes,1,opt,name=audience"`
	ExpirationSeconds *int64 `json:"expirationSeconds,omitempty" protobuf:"varint,2,opt,name=expirationSeconds"`
}

// Default applies the storage.k8s.io/v1 defaults of a CSIDriver.
func (d *CSIDriver) Default() {
	s := &d.Spec
	setBool := func(p **bool, v bool) {
		if *p == nil {
			*p = &v
		}
	}
	setBool(&s.AttachRequired, true)
	setBool(&s.PodInfoOnMount, false)
	setBool(&s.StorageCapacity, false)
	setBool(&s.RequiresRepublish, false)
	setBool(&s.SELinuxMount, false)
	if s.FSGroupPolicy == nil {
		p := ReadWriteOnceWithFSTypeFSGroupPolicy
		s.FSGroupPolicy = &p
	}
	if len(s.VolumeLifecycleModes) == 0 {
		s.VolumeLifecycleModes = []VolumeLifecycleMode{VolumeLifecyclePersistent}
	}
}

// VolumeAttachment asks for a volume to be attached to a node.
type VolumeAttachment struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	Spec            VolumeAttachmentSpec   `json:"spec" protobuf:"bytes,2,opt,name=spec"`
	Status          VolumeAttachmentStatus `json:"status,omitempty" protobuf:"bytes,3,opt,name=status"`
}

// VolumeAttachmentList is a list of VolumeAttachments.
type VolumeAttachmentList = meta.List[VolumeAttachment]

// VolumeAttachmentSpec is the desired attachment.
type VolumeAttachmentSpec struct {
	// Attacher is the CSI driver name.
	Attacher string                 `json:"attacher" protobuf:"bytes,1,opt,name=attacher"`
	Source   VolumeAttachmentSource `json:"source" protobuf:"bytes,2,opt,name=source"`
	NodeName string                 `json:"nodeName" protobuf:"bytes,3,opt,name=nodeName"`
}

// VolumeAttachmentSource is a PersistentVolume by name or an inline
// volume's spec; exactly one is set.
type VolumeAttachmentSource struct {
	PersistentVolumeName *string                    `json:"persistentVolumeName,omitempty" protobuf:"bytes,1,opt,name=persistentVolumeName"`
	InlineVolumeSpec     *core.PersistentVolumeSpec `json:"inlineVolumeSpec,omitempty" protobuf:"bytes,2,opt,name=inlineVolumeSpec"`
}

// VolumeAttachmentStatus is the observed attachment.
type VolumeAttachmentStatus struct {
	Attached bool `json:"attached" protobuf:"varint,1,opt,name=attached"`
	// AttachmentMetadata is returned by the attach call and passed to the
	// node's mount.
	AttachmentMetadata map[string]string `json:"attachmentMetadata,omitempty" protobuf:"bytes,2,rep,name=attachmentMetadata" protobuf_key:"bytes,1,opt,name=key" protobuf_val:"bytes,2,opt,name=value"`
	AttachError        *VolumeError      `json:"attachError,omitempty" protobuf:"bytes,3,opt,name=attachError"`
	DetachError        *VolumeError      `json:"detachError,omitempty" protobuf:"bytes,4,opt,name=detachError"`
}

// VolumeError is an error of an attach or detach call.
type VolumeError struct {
	Time      meta.Time `json:"time,omitempty" protobuf:"bytes,1,opt,name=time"`
	Message   string    `json:"message,omitempty" protobuf:"bytes,2,opt,name=message"`
	ErrorCode *int32    `json:"errorCode,omitempty" protobuf:"varint,3,opt,name=errorCode"`
}

// Default does nothing: VolumeAttachment has no defaulted fields. It exists
// so that every kind can be defaulted the same way.
func (v *VolumeAttachment) Default() {}
