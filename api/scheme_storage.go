package api

import "github.com/spar-dev/spar/api/storage"

// addStorage registers the kinds of storage.k8s.io/v1.
func addStorage(s *Scheme) {
	g, v := storage.GroupName, storage.Version
	MustRegister[storage.StorageClass](s, Resource{Group: g, Version: v, Kind: "StorageClass", Plural: "storageclasses",
		ShortNames: []string{"sc"}})
	MustRegister[storage.CSIDriver](s, Resource{Group: g, Version: v, Kind: "CSIDriver", Plural: "csidrivers"})
	MustRegister[storage.VolumeAttachment](s, Resource{Group: g, Version: v, Kind: "VolumeAttachment", Plural: "volumeattachments",
		Subresources: []string{"status"}})
}
