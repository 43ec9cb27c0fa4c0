package resource_test

import (
	"math"
	"testing"

	"github.com/spar-dev/spar/api/resource"
)

// Expected strings were checked against Kubernetes' apimachinery.
func TestNewQuantityString(t *testing.T) {
	for _, tc := range []struct {
		value                 int64
		decimalSI, binarySI   string
		exponent, milliBinary string
	}{
		{0, "0", "0", "0", "0"},
		{1, "1", "1", "1", "1m"},
		{-1, "-1", "-1", "-1", "-1m"},
		{999, "999", "999", "999", "999m"},
		{1000, "1k", "1k", "1e3", "1"},
		{1023, "1023", "1023", "1023", "1023m"},
		{1024, "1024", "1Ki", "1024", "1024m"},
		{-1024, "-1024", "-1Ki", "-1024", "-1024m"},
		{1025, "1025", "1025", "1025", "1025m"},
		{1536, "1536", "1536", "1536", "1536m"},
		{2048, "2048", "2Ki", "2048", "2048m"},
		{1000000, "1M", "1000000", "1e6", "1k"},
		{1 << 20, "1048576", "1Mi", "1048576", "1048576m"},
		{1 << 30, "1073741824", "1Gi", "1073741824", "1073741824m"},
		{1500000000, "1500M", "1500000000", "1500e6", "1500000"},
		{123456789, "123456789", "123456789", "123456789", "123456789m"},
		{math.MaxInt64, "9223372036854775807", "9223372036854775807", "9223372036854775807", "9223372036854775807m"},
		{math.MinInt64, "-9223372036854775808", "-8Ei", "-9223372036854775808", "-9223372036854775808m"},
	} {
		for _, c := range []struct {
			q    resource.Quantity
			want string
		}{
			{resource.NewQuantity(tc.value, resource.DecimalSI), tc.decimalSI},
			{resource.NewQuantity(tc.value, resource.BinarySI), tc.binarySI},
			{resource.NewQuantity(tc.value, resource.DecimalExponent), tc.exponent},
			{resource.NewQuantity(tc.value, "bogus"), tc.exponent},
			{resource.NewMilliQuantity(tc.value, resource.BinarySI), tc.milliBinary},
		} {
			if got := c.q.String(); got != c.want {
				t.Errorf("%d in %s: String() = %q, want %q", tc.value, c.q.Format(), got, c.want)
			}
		}
	}
}

func TestNewScaledQuantityString(t *testing.T) {
	for _, tc := range []struct {
		value int64
		scale resource.Scale
		want  string
	}{
		{1, resource.Nano, "1n"},
		{1000, resource.Nano, "1u"},
		{1, resource.Micro, "1u"},
		{1000, resource.Micro, "1m"},
		{1, resource.Milli, "1m"},
		{1000, resource.Milli, "1"},
		{1, -1, "100m"},
		{1500, -1, "150"},
		{123, -1, "12300m"},
		{1, 0, "1"},
		{1, 1, "10"},
		{1, 2, "100"},
		{1500, 1, "15k"},
		{1, resource.Kilo, "1k"},
		{-7, resource.Kilo, "-7k"},
		{1, resource.Exa, "1E"},
		{1500, resource.Exa, "1500E"},
		{1, 20, "100E"},
		{0, resource.Nano, "0"},
		{0, resource.Exa, "0"},
		// Kubernetes has no letter for these and drops the suffix ("1");
		// spar writes the exact exponent.
		{1000, resource.Exa, "1e21"},
		{1, 21, "1e21"},
		{1, -12, "1e-12"},
		{-5, -15, "-5e-15"},
	} {
		q := resource.NewScaledQuantity(tc.value, tc.scale)
		if got := q.String(); got != tc.want {
			t.Errorf("NewScaledQuantity(%d, %d) = %q, want %q", tc.value, tc.scale, got, tc.want)
		}
		if q.Format() != resource.DecimalSI {
			t.Errorf("NewScaledQuantity(%d, %d).Format() = %q, want DecimalSI", tc.value, tc.scale, q.Format())
		}
	}
}

func TestWithFormat(t *testing.T) {
	for _, tc := range []struct {
		in     string
		format resource.Format
		want   string
	}{
		{"1Ki", resource.DecimalSI, "1024"},
		{"1Ki", resource.DecimalExponent, "1024"},
		{"1Ki", resource.BinarySI, "1Ki"},
		{"+1Ki", resource.BinarySI, "+1Ki"}, // unchanged format keeps the string
		{"+1Ki", resource.DecimalSI, "1024"},
		{"1M", resource.BinarySI, "1000000"},
		{"1M", resource.DecimalExponent, "1e6"},
		{"1048576", resource.BinarySI, "1Mi"},
		{"1.5", resource.BinarySI, "1500m"},
		{"1500m", resource.DecimalExponent, "1500e-3"},
		{"1k", "bogus", "1e3"},
	} {
		q := resource.MustParse(tc.in).WithFormat(tc.format)
		if got := q.String(); got != tc.want {
			t.Errorf("MustParse(%q).WithFormat(%s) = %q, want %q", tc.in, tc.format, got, tc.want)
		}
	}
	if got := resource.MustParse("1").WithFormat("bogus").Format(); got != resource.DecimalExponent {
		t.Errorf("unknown format became %q, want DecimalExponent", got)
	}
}

// TestStringBeyondInt64 covers values that only arithmetic can build.
func TestStringBeyondInt64(t *testing.T) {
	ei := resource.MustParse("1Ei")
	for _, tc := range []struct {
		name string
		q    resource.Quantity
		want string
	}{
		{"8Ei", ei.Add(ei).Add(ei).Add(ei).Add(ei).Add(ei).Add(ei).Add(ei), "8Ei"},
		{"-8Ei-1Ei", resource.NewQuantity(math.MinInt64, resource.BinarySI).Sub(ei), "-9Ei"},
		{"2^63+1", resource.NewQuantity(math.MaxInt64, resource.DecimalSI).Add(resource.NewQuantity(2, resource.DecimalSI)), "9223372036854775809"},
		{"maxint+maxint binary", resource.NewQuantity(math.MaxInt64, resource.BinarySI).Add(resource.NewQuantity(math.MaxInt64, resource.BinarySI)), "18446744073709551614"},
		{"1024Ei", mulBy(ei, 1024), "1024Ei"},
		{"1Ei·1e3 decimal", mulBy(ei, 1000).WithFormat(resource.DecimalSI), "1152921504606846976k"},
		{"binary fraction", mulBy(ei, 16).Add(resource.MustParse("500m")), "18446744073709551616500m"},
		{"1e21 exponent", mulBy(resource.MustParse("1e3"), 1000000000000000000), "1e21"},
		{"huge binary falls back to decimal", resource.MustParse("1e2000").WithFormat(resource.BinarySI), "100e1998"},
	} {
		if got := tc.q.String(); got != tc.want {
			t.Errorf("%s: String() = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// mulBy returns q·n by repeated doubling with Add.
func mulBy(q resource.Quantity, n int64) resource.Quantity {
	sum := resource.NewQuantity(0, q.Format())
	for ; n > 0; n >>= 1 {
		if n&1 == 1 {
			sum = sum.Add(q)
		}
		q = q.Add(q)
	}
	return sum
}

func TestZeroValue(t *testing.T) {
	var q resource.Quantity
	if got := q.String(); got != "0" {
		t.Errorf("zero String() = %q, want 0", got)
	}
	if !q.IsZero() || q.Sign() != 0 || q.Value() != 0 || q.MilliValue() != 0 || q.AsApproximateFloat64() != 0 {
		t.Errorf("zero Quantity is not zero: %v %d %d", q.IsZero(), q.Sign(), q.Value())
	}
	if q.Format() != "" {
		t.Errorf("zero Format() = %q, want empty", q.Format())
	}
	b, err := q.MarshalJSON()
	if err != nil || string(b) != `"0"` {
		t.Errorf("zero MarshalJSON() = %s, %v; want \"0\"", b, err)
	}
	if got := q.Add(resource.MustParse("1Gi")).String(); got != "1Gi" {
		t.Errorf("zero + 1Gi = %q, want 1Gi", got)
	}
}
