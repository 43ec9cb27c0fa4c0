package storage_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/storage"
	"github.com/spar-dev/spar/internal/apitest"
)

// validator is what the API server calls on every kind after defaulting.
type validator interface {
	Validate() meta.FieldErrors
	ValidateUpdate(old meta.Object) meta.FieldErrors
}

var (
	_ validator = (*storage.StorageClass)(nil)
	_ validator = (*storage.CSIDriver)(nil)
	_ validator = (*storage.VolumeAttachment)(nil)
)

func expectErrors(t *testing.T, got meta.FieldErrors, want ...string) {
	t.Helper()
	var g []string
	for _, e := range got {
		g = append(g, e.Error())
	}
	if !slices.Equal(g, want) {
		t.Errorf("errors:\n got: %s\nwant: %s", strings.Join(g, "\n      "), strings.Join(want, "\n      "))
	}
}

func standardClass() *storage.StorageClass {
	c := &storage.StorageClass{
		ObjectMeta:  meta.ObjectMeta{Name: "standard", ResourceVersion: "2"},
		Provisioner: "ebs.csi.aws.com",
		Parameters:  map[string]string{"type": "gp3"},
	}
	c.Default()
	return c
}

func TestStorageClassValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*storage.StorageClass)
		want   []string
	}{
		{"valid", func(*storage.StorageClass) {}, nil},
		{"no-provisioner", func(c *storage.StorageClass) { c.Provisioner = "kubernetes.io/no-provisioner" }, nil},
		{"upper case provisioner", func(c *storage.StorageClass) { c.Provisioner = "Example.COM/Fast" }, nil},
		{"missing provisioner", func(c *storage.StorageClass) { c.Provisioner = "" }, []string{
			`provisioner: Required value`,
		}},
		{"bad provisioner", func(c *storage.StorageClass) { c.Provisioner = "a/b/c" }, []string{
			`provisioner: Invalid value: "a/b/c": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
		}},
		{"bad reclaim policy", func(c *storage.StorageClass) { c.ReclaimPolicy = new(core.PersistentVolumeReclaimRecycle) }, []string{
			`reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"`,
		}},
		{"bad binding mode", func(c *storage.StorageClass) { c.VolumeBindingMode = new(storage.VolumeBindingMode("Later")) }, []string{
			`volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"`,
		}},
		{"undefaulted binding mode", func(c *storage.StorageClass) { c.VolumeBindingMode = nil }, []string{
			`volumeBindingMode: Required value`,
		}},
		{"empty parameter key", func(c *storage.StorageClass) { c.Parameters[""] = "x" }, []string{
			`parameters: Invalid value: "": field can not be empty.`,
		}},
		{"huge parameters", func(c *storage.StorageClass) { c.Parameters["blob"] = strings.Repeat("x", 256<<10) }, []string{
			`parameters: Too long: may not be more than 262144 bytes`,
		}},
		{"allowed topologies", func(c *storage.StorageClass) {
			c.AllowedTopologies = []core.TopologySelectorTerm{
				{MatchLabelExpressions: []core.TopologySelectorLabelRequirement{{Key: "topology.kubernetes.io/zone", Values: []string{"a", "b"}}}},
				{MatchLabelExpressions: []core.TopologySelectorLabelRequirement{
					{Key: "bad key", Values: []string{"a", "a"}},
					{Key: "bad key"},
				}},
				{MatchLabelExpressions: []core.TopologySelectorLabelRequirement{{Key: "topology.kubernetes.io/zone", Values: []string{"a", "b"}}}},
			}
		}, []string{
			`allowedTopologies[1].matchLabelExpressions[0].values[1]: Duplicate value: "a"`,
			`allowedTopologies[1].matchLabelExpressions[0].key: Invalid value: "bad key": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
			`allowedTopologies[1].matchLabelExpressions[1].values: Required value`,
			`allowedTopologies[1].matchLabelExpressions[1].key: Invalid value: "bad key": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
			`allowedTopologies[1].matchLabelExpressions[1].key: Duplicate value: "bad key"`,
			`allowedTopologies[2].matchLabelExpressions: Duplicate value: ""`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := standardClass()
			tt.mutate(c)
			expectErrors(t, c.Validate(), tt.want...)
		})
	}
}

func TestStorageClassValidateUpdate(t *testing.T) {
	old := standardClass()
	upd := standardClass()
	upd.AllowVolumeExpansion = new(true)
	upd.MountOptions = []string{"debug"}
	upd.Annotations = map[string]string{storage.AnnotationIsDefaultStorageClass: "true"}
	expectErrors(t, upd.ValidateUpdate(old))

	upd.Parameters = map[string]string{"type": "io2"}
	upd.Provisioner = "other.csi.example.com"
	upd.ReclaimPolicy = new(core.PersistentVolumeReclaimRetain)
	upd.VolumeBindingMode = new(storage.VolumeBindingWaitForFirstConsumer)
	expectErrors(t, upd.ValidateUpdate(old),
		`parameters: Forbidden: updates to parameters are forbidden.`,
		`provisioner: Forbidden: updates to provisioner are forbidden.`,
		`reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.`,
		`volumeBindingMode: Invalid value: "WaitForFirstConsumer": field is immutable`)

	// A nil and an empty parameter map are the same.
	old.Parameters = nil
	same := standardClass()
	same.Parameters = map[string]string{}
	expectErrors(t, same.ValidateUpdate(old))
}

func TestCSIDriverValidate(t *testing.T) {
	d := &storage.CSIDriver{ObjectMeta: meta.ObjectMeta{Name: "hostpath.csi.k8s.io", ResourceVersion: "1"}}
	d.Default()
	expectErrors(t, d.Validate())

	bad := &storage.CSIDriver{ObjectMeta: meta.ObjectMeta{Name: "x"}, Spec: storage.CSIDriverSpec{
		FSGroupPolicy:                      new(storage.FSGroupPolicy("Sometimes")),
		VolumeLifecycleModes:               []storage.VolumeLifecycleMode{"Temporary"},
		TokenRequests:                      []storage.TokenRequest{{Audience: "a", ExpirationSeconds: new(int64(60))}, {Audience: "a"}},
		NodeAllocatableUpdatePeriodSeconds: new(int64(5)),
	}}
	expectErrors(t, bad.Validate(),
		`spec.attachedRequired: Required value`,
		`spec.podInfoOnMount: Required value`,
		`spec.storageCapacity: Required value`,
		`spec.fsGroupPolicy: Unsupported value: "Sometimes": supported values: "File", "None", "ReadWriteOnceWithFSType"`,
		`spec.tokenRequests[0].expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes`,
		`spec.tokenRequests[1].audience: Duplicate value: "a"`,
		`spec.volumeLifecycleModes: Unsupported value: "Temporary": supported values: "Persistent", "Ephemeral"`,
		`spec.seLinuxMount: Required value`,
		`spec.nodeAllocatableUpdatePeriodSeconds: Invalid value: 5: must be greater than or equal to 10 seconds`)

	upd := *d
	upd.Spec.PodInfoOnMount = new(true)
	expectErrors(t, upd.ValidateUpdate(d))
	upd.Spec.AttachRequired = new(false)
	upd.Spec.VolumeLifecycleModes = []storage.VolumeLifecycleMode{storage.VolumeLifecycleEphemeral}
	expectErrors(t, upd.ValidateUpdate(d),
		`spec.attachedRequired: Invalid value: false: field is immutable`,
		`spec.volumeLifecycleModes: Invalid value: ["Ephemeral"]: field is immutable`)
}

func TestVolumeAttachmentValidate(t *testing.T) {
	valid := func() *storage.VolumeAttachment {
		return &storage.VolumeAttachment{
			ObjectMeta: meta.ObjectMeta{Name: "csi-123", ResourceVersion: "5"},
			Spec: storage.VolumeAttachmentSpec{
				Attacher: "hostpath.csi.k8s.io",
				Source:   storage.VolumeAttachmentSource{PersistentVolumeName: new("pv-1")},
				NodeName: "node-1",
			},
		}
	}
	expectErrors(t, valid().Validate())

	v := valid()
	v.Spec = storage.VolumeAttachmentSpec{Attacher: "", NodeName: "Node_1"}
	v.Status.AttachError = &storage.VolumeError{Message: "boom", ErrorCode: new(int32(-1))}
	expectErrors(t, v.Validate(),
		`spec.attacher: Required value`,
		`spec.source: Required value: must specify exactly one of inlineVolumeSpec and persistentVolumeName`,
		`spec.nodeName: Invalid value: "Node_1": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
		`status.attachError.errorCode: Invalid value: -1: must be between 0 and 2147483647, inclusive`)

	old := valid()
	upd := valid()
	upd.Status.Attached = true
	expectErrors(t, upd.ValidateUpdate(old))
	upd.Spec.NodeName = "node-2"
	expectErrors(t, upd.ValidateUpdate(old),
		`spec: Invalid value: {"attacher":"hostpath.csi.k8s.io","source":{"persistentVolumeName":"pv-1"},"nodeName":"node-2"}: field is immutable`)
}

// TestValidateTestdata checks that the real manifests of testdata, once
// defaulted, are valid.
func TestValidateTestdata(t *testing.T) {
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, f := range files {
		for i, doc := range apitest.ReadDocs(t, f) {
			t.Run(fmt.Sprintf("%s#%d", filepath.Base(f), i), func(t *testing.T) {
				obj := apitest.RoundTripKind(t, doc)
				if d, ok := obj.(interface{ Default() }); ok {
					d.Default()
				}
				if r, _ := api.Default.ForObject(obj); r.Namespaced && obj.GetObjectMeta().Namespace == "" {
					obj.GetObjectMeta().Namespace = "default"
				}
				v, ok := obj.(interface{ Validate() meta.FieldErrors })
				if !ok {
					t.Fatalf("%T has no Validate method", obj)
				}
				expectErrors(t, v.Validate())
			})
		}
	}
}
