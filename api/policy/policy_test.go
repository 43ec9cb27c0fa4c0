package policy_test

import (
	"os"
	"slices"
	"testing"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/policy"
	"github.com/spar-dev/spar/internal/apitest"
)

func TestDecodePDB(t *testing.T) {
	docs := apitest.ReadDocs(t, "testdata/pdb.yaml")
	zk := apitest.RoundTrip[policy.PodDisruptionBudget](t, docs[0])
	if got := zk.Spec.MinAvailable; got == nil || *got != meta.FromInt(2) {
		t.Errorf("minAvailable = %v, want 2", got)
	}
	web := apitest.RoundTrip[policy.PodDisruptionBudget](t, docs[1])
	if got := web.Spec.MaxUnavailable; got == nil || *got != meta.FromString("25%") {
		t.Errorf("maxUnavailable = %v, want 25%%", got)
	}
	if got := *web.Spec.UnhealthyPodEvictionPolicy; got != policy.AlwaysAllow {
		t.Errorf("unhealthyPodEvictionPolicy = %q, want AlwaysAllow", got)
	}
	if _, ok := web.Status.DisruptedPods["web-7d4b9c-x2x9k"]; !ok || web.Status.ExpectedPods != 4 {
		t.Errorf("status = %+v, want a disrupted pod and 4 expected pods", web.Status)
	}
}

func TestPDBStatusCountsAlwaysSent(t *testing.T) {
	b, err := api.Encode(policy.PodDisruptionBudgetStatus{})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"disruptionsAllowed":0,"currentHealthy":0,"desiredHealthy":0,"expectedPods":0}`
	if string(b) != want {
		t.Errorf("Encode = %s, want %s", b, want)
	}
}

func TestPDBNotDefaulted(t *testing.T) {
	var p policy.PodDisruptionBudget
	p.Default()
	if p.Spec.UnhealthyPodEvictionPolicy != nil || p.Spec.Selector != nil {
		t.Errorf("Default changed spec to %+v, want it untouched", p.Spec)
	}
}

func TestEviction(t *testing.T) {
	data, err := os.ReadFile("testdata/eviction.json")
	if err != nil {
		t.Fatal(err)
	}
	ev := apitest.RoundTrip[policy.Eviction](t, data)
	if ev.Name != "web-7d4b9c-x2x9k" || ev.DeleteOptions == nil || *ev.DeleteOptions.GracePeriodSeconds != 30 {
		t.Errorf("eviction = %+v, want pod web-7d4b9c-x2x9k with a 30s grace period", ev)
	}
	if _, ok := api.ResourceFor[policy.Eviction](api.Default); ok {
		t.Error("Eviction is registered as a resource; it is only the body of pods/eviction")
	}
	got := apitest.StrictFields[policy.Eviction](t, `{"metadata":{"name":"p"},"deleteOptions":{"gracePeriod":30}}`)
	if want := `unknown field "deleteOptions.gracePeriod"`; !slices.Contains(got, want) {
		t.Errorf("strict fields = %q, want %q among them", got, want)
	}
}

func TestStrictDecodingNamesField(t *testing.T) {
	got := apitest.StrictFields[policy.PodDisruptionBudget](t, "spec:\n  minAvailable: 1\n  selector:\n    matchLabel: {app: web}\n")
	if want := `unknown field "spec.selector.matchLabel"`; !slices.Contains(got, want) {
		t.Errorf("strict fields = %q, want %q among them", got, want)
	}
}
