package storage_test

import (
	"reflect"
	"slices"
	"testing"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/storage"
	"github.com/spar-dev/spar/internal/apitest"
)

func ptr[T any](v T) *T { return &v }

func TestDecodeStorageClasses(t *testing.T) {
	docs := apitest.ReadDocs(t, "testdata/storageclass.yaml")
	std := apitest.RoundTrip[storage.StorageClass](t, docs[0])
	if *std.ReclaimPolicy != core.PersistentVolumeReclaimRetain || !*std.AllowVolumeExpansion || std.Parameters["type"] != "gp2" {
		t.Errorf("standard = %s", mustJSON(t, std))
	}
	regional := apitest.RoundTrip[storage.StorageClass](t, docs[2])
	req := regional.AllowedTopologies[0].MatchLabelExpressions[0]
	if req.Key != "topology.kubernetes.io/zone" || !slices.Equal(req.Values, []string{"us-central-1a", "us-central-1b"}) {
		t.Errorf("allowedTopologies = %s", mustJSON(t, regional.AllowedTopologies))
	}
}

func TestDecodeCSI(t *testing.T) {
	docs := apitest.ReadDocs(t, "testdata/csi.yaml")
	d := apitest.RoundTrip[storage.CSIDriver](t, docs[0])
	if *d.Spec.FSGroupPolicy != storage.FileFSGroupPolicy || len(d.Spec.TokenRequests) != 2 || *d.Spec.TokenRequests[1].ExpirationSeconds != 3600 {
		t.Errorf("driver = %s", mustJSON(t, d.Spec))
	}
	va := apitest.RoundTrip[storage.VolumeAttachment](t, docs[1])
	if !va.Status.Attached || *va.Status.DetachError.ErrorCode != 9 || *va.Spec.Source.PersistentVolumeName == "" {
		t.Errorf("attachment = %s", mustJSON(t, va))
	}
}

func TestStrictDecodingNamesField(t *testing.T) {
	got := apitest.StrictFields[storage.StorageClass](t, "provisioner: x\nallowedTopologies:\n- matchLabelExpression: []\nvolumeBindigMode: Immediate\n")
	for _, want := range []string{`unknown field "allowedTopologies[0].matchLabelExpression"`, `unknown field "volumeBindigMode"`} {
		if !slices.Contains(got, want) {
			t.Errorf("strict fields = %q, want %q among them", got, want)
		}
	}
}

func TestStorageClassDefault(t *testing.T) {
	tests := []struct {
		name        string
		in          storage.StorageClass
		wantReclaim core.PersistentVolumeReclaimPolicy
		wantBinding storage.VolumeBindingMode
	}{
		{"unset", storage.StorageClass{Provisioner: "p"}, core.PersistentVolumeReclaimDelete, storage.VolumeBindingImmediate},
		{"set kept", storage.StorageClass{ReclaimPolicy: ptr(core.PersistentVolumeReclaimRetain),
			VolumeBindingMode: ptr(storage.VolumeBindingWaitForFirstConsumer)},
			core.PersistentVolumeReclaimRetain, storage.VolumeBindingWaitForFirstConsumer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := tt.in
			sc.Default()
			if *sc.ReclaimPolicy != tt.wantReclaim || *sc.VolumeBindingMode != tt.wantBinding {
				t.Errorf("reclaimPolicy %q volumeBindingMode %q, want %q %q", *sc.ReclaimPolicy, *sc.VolumeBindingMode, tt.wantReclaim, tt.wantBinding)
			}
		})
	}
}

func TestCSIDriverDefault(t *testing.T) {
	var d storage.CSIDriver
	d.Default()
	want := storage.CSIDriverSpec{
		AttachRequired: ptr(true), PodInfoOnMount: ptr(false), StorageCapacity: ptr(false),
		RequiresRepublish: ptr(false), SELinuxMount: ptr(false),
		FSGroupPolicy:        ptr(storage.ReadWriteOnceWithFSTypeFSGroupPolicy),
		VolumeLifecycleModes: []storage.VolumeLifecycleMode{storage.VolumeLifecyclePersistent},
	}
	if !reflect.DeepEqual(d.Spec, want) {
		t.Errorf("Default() spec = %s, want %s", mustJSON(t, d.Spec), mustJSON(t, want))
	}
	set := storage.CSIDriver{Spec: storage.CSIDriverSpec{AttachRequired: ptr(false),
		VolumeLifecycleModes: []storage.VolumeLifecycleMode{storage.VolumeLifecycleEphemeral}}}
	set.Default()
	if *set.Spec.AttachRequired || !slices.Equal(set.Spec.VolumeLifecycleModes, []storage.VolumeLifecycleMode{storage.VolumeLifecycleEphemeral}) {
		t.Errorf("set values changed: %s", mustJSON(t, set.Spec))
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := api.Encode(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
