package coordination_test

import (
	"slices"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/coordination"
	"github.com/spar-dev/spar/internal/apitest"
)

func TestDecodeLease(t *testing.T) {
	l := apitest.RoundTrip[coordination.Lease](t, apitest.ReadDocs(t, "testdata/lease.yaml")[0])
	if got, want := *l.Spec.LeaseDurationSeconds, int32(15); got != want {
		t.Errorf("leaseDurationSeconds = %d, want %d", got, want)
	}
	want := time.Date(2024, 5, 1, 10, 12, 31, 482911000, time.UTC)
	if got := l.Spec.RenewTime.Time; !got.Equal(want) {
		t.Errorf("renewTime = %v, want %v (microseconds kept)", got, want)
	}
	if got := *l.Spec.LeaseTransitions; got != 2 {
		t.Errorf("leaseTransitions = %d, want 2", got)
	}
}

func TestStrictDecodingNamesField(t *testing.T) {
	got := apitest.StrictFields[coordination.Lease](t, "kind: Lease\nspec:\n  holderIdentity: a\n  leaseDurationSecond: 15\n")
	if want := `unknown field "spec.leaseDurationSecond"`; !slices.Contains(got, want) {
		t.Errorf("strict fields = %q, want %q among them", got, want)
	}
}
