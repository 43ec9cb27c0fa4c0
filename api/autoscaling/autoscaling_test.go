package autoscaling_test

import (
	"os"
	"slices"
	"testing"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/autoscaling"
	"github.com/spar-dev/spar/internal/apitest"
)

func TestScaleRoundTrip(t *testing.T) {
	data, err := os.ReadFile("testdata/scale.json")
	if err != nil {
		t.Fatal(err)
	}
	s := apitest.RoundTrip[autoscaling.Scale](t, data)
	if s.Spec.Replicas != 5 || s.Status.Replicas != 3 || s.Status.Selector != "app=nginx" {
		t.Errorf("scale = %+v / %+v, want spec 5, status 3 app=nginx", s.Spec, s.Status)
	}
	if _, ok := api.ResourceFor[autoscaling.Scale](api.Default); ok {
		t.Error("Scale is registered as a resource; it must only be a subresource kind")
	}
}

func TestScaleWire(t *testing.T) {
	// A zero status replica count is still sent: clients read it.
	b, err := api.Encode(autoscaling.Scale{Spec: autoscaling.ScaleSpec{Replicas: 0}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"metadata":{},"spec":{},"status":{"replicas":0}}`; got != want {
		t.Errorf("Encode = %s, want %s", got, want)
	}
}

func TestHPADefaultAndStrict(t *testing.T) {
	var h autoscaling.HorizontalPodAutoscaler
	h.Default()
	if h.Spec.MinReplicas == nil || *h.Spec.MinReplicas != 1 {
		t.Errorf("minReplicas = %v, want 1", h.Spec.MinReplicas)
	}
	set := int32(3)
	h.Spec.MinReplicas = &set
	h.Default()
	if *h.Spec.MinReplicas != 3 {
		t.Errorf("minReplicas = %d after Default, want the set 3", *h.Spec.MinReplicas)
	}
	got := apitest.StrictFields[autoscaling.HorizontalPodAutoscaler](t, "spec:\n  scaleTargetRef: {kind: Deployment, name: web}\n  maxReplicas: 3\n  targetCPU: 50\n")
	if want := `unknown field "spec.targetCPU"`; !slices.Contains(got, want) {
		t.Errorf("strict fields = %q, want %q among them", got, want)
	}
}
