// Package storage holds storage.k8s.io/v1: StorageClass (how volumes of a
// class are provisioned and bound), CSIDriver (how the kubelet and the
// attach controller treat a CSI driver) and VolumeAttachment (a volume's
// attachment to a node). The volume controllers (controller/volume) and the
// kubelet's volume manager read them.
package storage
