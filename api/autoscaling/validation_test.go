package autoscaling_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/autoscaling"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/internal/apitest"
)

// validator is what the API server calls on every kind after defaulting.
type validator interface {
	Validate() meta.FieldErrors
	ValidateUpdate(old meta.Object) meta.FieldErrors
}

var (
	_ validator = (*autoscaling.HorizontalPodAutoscaler)(nil)
	_ validator = (*autoscaling.Scale)(nil)
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

func TestScaleValidate(t *testing.T) {
	doc, err := os.ReadFile("testdata/scale.json")
	if err != nil {
		t.Fatal(err)
	}
	s := apitest.RoundTrip[autoscaling.Scale](t, doc)
	expectErrors(t, s.Validate())

	// kubectl scale --replicas=-1
	neg := *s
	neg.Spec.Replicas = -1
	expectErrors(t, neg.Validate(), `spec.replicas: Invalid value: -1: must be greater than or equal to 0`)
	expectErrors(t, neg.ValidateUpdate(s), `spec.replicas: Invalid value: -1: must be greater than or equal to 0`)

	zero := *s
	zero.Spec.Replicas = 0
	expectErrors(t, zero.ValidateUpdate(s))

	// The scale of a cluster-scoped custom resource has no namespace.
	cluster := autoscaling.Scale{ObjectMeta: meta.ObjectMeta{Name: "big-cluster"}, Spec: autoscaling.ScaleSpec{Replicas: 3}}
	expectErrors(t, cluster.Validate())
}

func TestHorizontalPodAutoscalerValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*autoscaling.HorizontalPodAutoscaler)
		want   []string
	}{
		{"valid", func(*autoscaling.HorizontalPodAutoscaler) {}, nil},
		{"min equals max", func(h *autoscaling.HorizontalPodAutoscaler) { h.Spec.MinReplicas = new(int32(10)) }, nil},
		{"min zero", func(h *autoscaling.HorizontalPodAutoscaler) { h.Spec.MinReplicas = new(int32(0)) }, []string{
			`spec.minReplicas: Invalid value: 0: must be greater than or equal to 1`,
		}},
		{"max below min", func(h *autoscaling.HorizontalPodAutoscaler) { h.Spec.MaxReplicas = 1 }, []string{
			"spec.maxReplicas: Invalid value: 1: must be greater than or equal to `minReplicas`",
		}},
		{"max zero", func(h *autoscaling.HorizontalPodAutoscaler) { h.Spec.MaxReplicas, h.Spec.MinReplicas = 0, nil }, []string{
			`spec.maxReplicas: Invalid value: 0: must be greater than 0`,
		}},
		{"target reference", func(h *autoscaling.HorizontalPodAutoscaler) {
			h.Spec.ScaleTargetRef = autoscaling.CrossVersionObjectReference{Kind: "apps/Deployment"}
		}, []string{
			`spec.scaleTargetRef.kind: Invalid value: "apps/Deployment": may not contain '/'`,
			`spec.scaleTargetRef.name: Required value`,
		}},
		{"cpu target", func(h *autoscaling.HorizontalPodAutoscaler) { h.Spec.TargetCPUUtilizationPercentage = new(int32(0)) }, []string{
			`spec.targetCPUUtilizationPercentage: Invalid value: 0: must be greater than 0`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &autoscaling.HorizontalPodAutoscaler{
				ObjectMeta: meta.ObjectMeta{Name: "web", Namespace: "default"},
				Spec: autoscaling.HorizontalPodAutoscalerSpec{
					ScaleTargetRef:                 autoscaling.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "web"},
					MinReplicas:                    new(int32(2)),
					MaxReplicas:                    10,
					TargetCPUUtilizationPercentage: new(int32(80)),
				},
			}
			h.Default()
			tt.mutate(h)
			expectErrors(t, h.Validate(), tt.want...)
		})
	}
}

func TestHorizontalPodAutoscalerValidateUpdate(t *testing.T) {
	old := &autoscaling.HorizontalPodAutoscaler{
		ObjectMeta: meta.ObjectMeta{Name: "web", Namespace: "default", ResourceVersion: "5"},
		Spec: autoscaling.HorizontalPodAutoscalerSpec{
			ScaleTargetRef: autoscaling.CrossVersionObjectReference{Kind: "Deployment", Name: "web"},
			MinReplicas:    new(int32(1)), MaxReplicas: 5,
		},
	}
	upd := *old
	upd.Spec.MaxReplicas = 20
	expectErrors(t, upd.ValidateUpdate(old))
	upd.Spec.MinReplicas = new(int32(0))
	expectErrors(t, upd.ValidateUpdate(old), `spec.minReplicas: Invalid value: 0: must be greater than or equal to 1`)

	// An autoscaler stored with minReplicas 0 (scale to zero) may keep it.
	old.Spec.MinReplicas = new(int32(0))
	expectErrors(t, upd.ValidateUpdate(old))
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
