package coordination_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/coordination"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/internal/apitest"
)

// validator is what the API server calls on every kind after defaulting.
type validator interface {
	Validate() meta.FieldErrors
	ValidateUpdate(old meta.Object) meta.FieldErrors
}

var (
	_ validator = (*coordination.Lease)(nil)
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

func TestLeaseValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*coordination.Lease)
		want   []string
	}{
		{"valid", func(*coordination.Lease) {}, nil},
		{"unset durations", func(l *coordination.Lease) { l.Spec = coordination.LeaseSpec{} }, nil},
		{"zero duration", func(l *coordination.Lease) { l.Spec.LeaseDurationSeconds = new(int32(0)) }, []string{
			`spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0`,
		}},
		{"negative transitions", func(l *coordination.Lease) { l.Spec.LeaseTransitions = new(int32(-1)) }, []string{
			`spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0`,
		}},
		{"bad name", func(l *coordination.Lease) { l.Name = "Node_1" }, []string{
			`metadata.name: Invalid value: "Node_1": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := &coordination.Lease{
				ObjectMeta: meta.ObjectMeta{Name: "node-1", Namespace: "kube-node-lease"},
				Spec: coordination.LeaseSpec{
					HolderIdentity:       new("node-1"),
					LeaseDurationSeconds: new(int32(40)),
					LeaseTransitions:     new(int32(2)),
				},
			}
			tt.mutate(l)
			expectErrors(t, l.Validate(), tt.want...)
		})
	}
}

func TestLeaseValidateUpdate(t *testing.T) {
	old := &coordination.Lease{
		ObjectMeta: meta.ObjectMeta{Name: "node-1", Namespace: "kube-node-lease", ResourceVersion: "10"},
		Spec:       coordination.LeaseSpec{HolderIdentity: new("a"), LeaseDurationSeconds: new(int32(15))},
	}
	renewed := *old
	renewed.Spec = coordination.LeaseSpec{HolderIdentity: new("b"), LeaseDurationSeconds: new(int32(30)), LeaseTransitions: new(int32(1))}
	expectErrors(t, renewed.ValidateUpdate(old))

	renewed.Spec.LeaseDurationSeconds = new(int32(-5))
	renewed.Name = "node-2"
	expectErrors(t, renewed.ValidateUpdate(old),
		`metadata.name: Invalid value: "node-2": field is immutable`,
		`spec.leaseDurationSeconds: Invalid value: -5: must be greater than 0`)
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
