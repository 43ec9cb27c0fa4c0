package resource_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/resource"
)

// Sums, differences and formats were checked against Kubernetes' apimachinery.
func TestAddSub(t *testing.T) {
	for _, tc := range []struct {
		a, b       string
		sum        string
		sumFormat  resource.Format
		diff       string
		diffFormat resource.Format
		cmp        int
	}{
		{"100m", "0", "100m", resource.DecimalSI, "100m", resource.DecimalSI, 1},
		{"0", "100m", "100m", resource.DecimalSI, "-100m", resource.DecimalSI, -1},
		{"0", "1Gi", "1Gi", resource.BinarySI, "-1Gi", resource.BinarySI, -1},
		{"1Gi", "0", "1Gi", resource.BinarySI, "1Gi", resource.BinarySI, 1},
		{"1Gi", "100m", "1073741824100m", resource.BinarySI, "1073741823900m", resource.BinarySI, 1},
		{"100m", "1Gi", "1073741824100m", resource.DecimalSI, "-1073741823900m", resource.DecimalSI, -1},
		{"1.5", "1.5", "3", resource.DecimalSI, "0", resource.DecimalSI, 0},
		{"1Ki", "-1Ki", "0", resource.BinarySI, "2Ki", resource.BinarySI, 1},
		{"1Ki", "1Ki", "2Ki", resource.BinarySI, "0", resource.BinarySI, 0},
		{"1e3", "1k", "2e3", resource.DecimalExponent, "0", resource.DecimalExponent, 0},
		{"1k", "1e3", "2k", resource.DecimalSI, "0", resource.DecimalSI, 0},
		{"+1Ki", "0", "1Ki", resource.BinarySI, "1Ki", resource.BinarySI, 1},
		{"500m", "500m", "1", resource.DecimalSI, "0", resource.DecimalSI, 0},
		{"1", "-2", "-1", resource.DecimalSI, "3", resource.DecimalSI, 1},
		{"1Mi", "1Ki", "1025Ki", resource.BinarySI, "1023Ki", resource.BinarySI, 1},
		{"1G", "1Gi", "2073741824", resource.DecimalSI, "-73741824", resource.DecimalSI, -1},
		{"9223372036854775807", "1", "9223372036854775808", resource.DecimalSI, "9223372036854775806", resource.DecimalSI, 1},
		{"-9223372036854775807", "-2", "-9223372036854775809", resource.DecimalSI, "-9223372036854775805", resource.DecimalSI, -1},
		{"1n", "1", "1000000001n", resource.DecimalSI, "-999999999n", resource.DecimalSI, -1},
		{"1E", "9E", "10E", resource.DecimalSI, "-8E", resource.DecimalSI, -1},
		{"4Ei", "4Ei", "8Ei", resource.BinarySI, "0", resource.BinarySI, 0},
		{"100Mi", "100M", "204857600", resource.BinarySI, "4857600", resource.BinarySI, 1},
		{"0", "0", "0", resource.DecimalSI, "0", resource.DecimalSI, 0},
		{"250m", "750m", "1", resource.DecimalSI, "-500m", resource.DecimalSI, -1},
		{"2", "2000m", "4", resource.DecimalSI, "0", resource.DecimalSI, 0},
		{"1e-3", "1m", "2e-3", resource.DecimalExponent, "0", resource.DecimalExponent, 0},
		// Beyond int64 and back.
		{"12345678901234567890", "-12345678901234567889", "1", resource.DecimalSI, "24691357802469135779", resource.DecimalSI, 1},
		{"1E", "-1n", "999999999999999999999999999n", resource.DecimalSI, "1000000000000000000000000001n", resource.DecimalSI, 1},
	} {
		a, b := resource.MustParse(tc.a), resource.MustParse(tc.b)
		sum, diff := a.Add(b), a.Sub(b)
		if got := sum.String(); got != tc.sum || sum.Format() != tc.sumFormat {
			t.Errorf("%s + %s = %q (%s), want %q (%s)", tc.a, tc.b, got, sum.Format(), tc.sum, tc.sumFormat)
		}
		if got := diff.String(); got != tc.diff || diff.Format() != tc.diffFormat {
			t.Errorf("%s - %s = %q (%s), want %q (%s)", tc.a, tc.b, got, diff.Format(), tc.diff, tc.diffFormat)
		}
		if got := a.Cmp(b); got != tc.cmp {
			t.Errorf("Cmp(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.cmp)
		}
		if got := b.Cmp(a); got != -tc.cmp {
			t.Errorf("Cmp(%s, %s) = %d, want %d", tc.b, tc.a, got, -tc.cmp)
		}
		if got := a.Equal(b); got != (tc.cmp == 0) {
			t.Errorf("Equal(%s, %s) = %v, want %v", tc.a, tc.b, got, tc.cmp == 0)
		}
		// The operands are values: nothing above may have changed them.
		if a.String() != resource.MustParse(tc.a).String() || b.String() != resource.MustParse(tc.b).String() {
			t.Errorf("%s, %s: operands changed to %s, %s", tc.a, tc.b, a, b)
		}
	}
}

// TestCmpScales compares unscaled·10^scale pairs, many of which overflow an
// int64 when brought to a common scale (cases from Kubernetes' own tests).
func TestCmpScales(t *testing.T) {
	const e18 = 1_000_000_000_000_000_000
	q := resource.NewScaledQuantity
	for _, tc := range []struct {
		a, b resource.Quantity
		want int
	}{
		{q(901, -2), q(901, -2), 0},
		{q(90, -1), q(901, -2), -1},
		{q(901, -2), q(900, -2), 1},
		{q(0, 0), q(0, 0), 0},
		{q(0, 1), q(0, -1), 0},
		{q(800, -3), q(1, 0), -1},
		{q(800, -3), q(79, -2), 1},
		{q(math.MaxInt64, 0), q(1, -1), 1},
		{q(math.MaxInt64, 1), q(1, 0), 1},
		{q(math.MaxInt64, 1), q(1, 1), 1},
		{q(math.MaxInt64, 1), q(0, 1), 1},
		{q(math.MaxInt64, -16), q(1, 3), -1},
		{q(math.MinInt64, 0), q(0, 0), -1},
		{q(math.MinInt64, -18), q(-1, 0), -1},
		{q(math.MinInt64, -19), q(-1, 0), 1},
		{q(e18, -17), q(1, 1), 0},
		{q(e18, -17), q(-10, 0), 1},
		{q(-e18, -17), q(-10, 0), 0},
		{q(e18, -17), q(1, 0), 1},
		{q(e18+1, -17), q(1, 1), 1},
		{q(e18-1, -17), q(1, 1), -1},
		{q(1, math.MaxInt32), q(math.MaxInt64, 0), 1},
		{q(-1, math.MaxInt32), q(math.MinInt64, 0), -1},
		{q(1, math.MinInt32), q(0, 0), 1},
		{q(1, math.MinInt32), q(1, -9), -1},
		{q(-1, math.MinInt32), q(0, 0), -1},
		{resource.MustParse("12345678901234567890"), q(1234567890123456789, 1), 0},
		{resource.MustParse("12345678901234567890"), q(123456789012345678, 2), 1},
		{resource.MustParse("12345678901234567890"), resource.MustParse("1234567890123456788e1"), 1},
		{resource.MustParse("12345678901234567890"), resource.MustParse("1.2345678901234567890e19"), 0},
		{resource.MustParse("-12345678901234567890"), resource.MustParse("-1.2345678901234567891e19"), 1},
		{resource.MustParse("1e2147483647"), resource.MustParse("1e2147483646"), 1},
		{resource.MustParse("1e2147483647"), resource.MustParse("12345678901234567890e2147483600"), 1},
		{resource.MustParse("-1e2147483647"), resource.MustParse("12345678901234567890"), -1},
	} {
		if got := tc.a.Cmp(tc.b); got != tc.want {
			t.Errorf("Cmp(%v, %v) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
		if got := tc.b.Cmp(tc.a); got != -tc.want {
			t.Errorf("Cmp(%v, %v) = %d, want %d", tc.b, tc.a, got, -tc.want)
		}
	}
}

func TestCmpInt64SignIsZero(t *testing.T) {
	for _, tc := range []struct {
		in   string
		y    int64
		cmp  int
		sign int
	}{
		{"0", 0, 0, 0},
		{"0Ki", 1, -1, 0},
		{"1", 1, 0, 1},
		{"1000m", 1, 0, 1},
		{"1001m", 1, 1, 1},
		{"999m", 1, -1, 1},
		{"-1n", 0, -1, -1},
		{"1Ki", 1024, 0, 1},
		{"1Ki", 1023, 1, 1},
		{"8Ei", math.MaxInt64, 0, 1}, // capped
		{"9223372036854775808", math.MaxInt64, 1, 1},
		{"-9223372036854775809", math.MinInt64, -1, -1},
		{"-9223372036854775808", math.MinInt64, 0, -1},
		{"1e-3", 0, 1, 1},
		{"1e30", math.MaxInt64, 1, 1},
	} {
		q := resource.MustParse(tc.in)
		if got := q.CmpInt64(tc.y); got != tc.cmp {
			t.Errorf("MustParse(%q).CmpInt64(%d) = %d, want %d", tc.in, tc.y, got, tc.cmp)
		}
		if got := q.Sign(); got != tc.sign {
			t.Errorf("MustParse(%q).Sign() = %d, want %d", tc.in, got, tc.sign)
		}
		if got := q.IsZero(); got != (tc.sign == 0) {
			t.Errorf("MustParse(%q).IsZero() = %v, want %v", tc.in, got, tc.sign == 0)
		}
	}
}

func TestNeg(t *testing.T) {
	for _, tc := range []struct {
		q    resource.Quantity
		want string
	}{
		{resource.MustParse("9.01"), "-9010m"},
		{resource.MustParse("-9.01"), "9010m"},
		{resource.MustParse("1Gi"), "-1Gi"},
		{resource.MustParse("0"), "0"},
		{resource.Quantity{}, "0"},
		{resource.NewQuantity(math.MinInt64, resource.DecimalSI), "9223372036854775808"},
		{resource.MustParse("-9223372036854775808"), "9223372036854775808"},
		{resource.MustParse("9223372036854775808"), "-9223372036854775808"},
	} {
		n := tc.q.Neg()
		if got := n.String(); got != tc.want {
			t.Errorf("Neg(%v) = %q, want %q", tc.q, got, tc.want)
		}
		if n.Format() != tc.q.Format() {
			t.Errorf("Neg(%v).Format() = %q, want %q", tc.q, n.Format(), tc.q.Format())
		}
		if back := n.Neg(); back.Cmp(tc.q) != 0 {
			t.Errorf("Neg(Neg(%v)) = %v", tc.q, back)
		}
	}
	if got := resource.NewQuantity(math.MinInt64, resource.DecimalSI).Neg().Value(); got != math.MaxInt64 {
		t.Errorf("-MinInt64 Value() = %d, want saturation at MaxInt64", got)
	}
}

// Rounding is away from zero, as Kubernetes' int64 path does.
func TestScaledValue(t *testing.T) {
	for _, tc := range []struct {
		in                       string
		value, milli, nano, kilo int64
	}{
		{"-9.01", -10, -9010, -9010000000, -1},
		{"-1.5", -2, -1500, -1500000000, -1},
		{"1.5", 2, 1500, 1500000000, 1},
		{"-100m", -1, -100, -100000000, -1},
		{"-1n", -1, -1, -1, -1},
		{"1n", 1, 1, 1, 1},
		{"-1Ki", -1024, -1024000, -1024000000000, -2},
		{"2.5", 3, 2500, 2500000000, 1},
		{"-2.5", -3, -2500, -2500000000, -1},
		{"999m", 1, 999, 999000000, 1},
		{"1.0001", 2, 1001, 1000100000, 1},
		{"0", 0, 0, 0, 0},
		{"10G", 10000000000, 10000000000000, math.MaxInt64, 10000000},
		{"-10G", -10000000000, -10000000000000, math.MinInt64, -10000000},
		{"12345678901234567890", math.MaxInt64, math.MaxInt64, math.MaxInt64, 12345678901234568},
		{"-12345678901234567890", math.MinInt64, math.MinInt64, math.MinInt64, -12345678901234568},
		{"1.000000000000000000001", 2, 1001, 1000000001, 1},
		{"-1.000000000000000000001", -2, -1001, -1000000001, -1},
		{"1e100", math.MaxInt64, math.MaxInt64, math.MaxInt64, math.MaxInt64},
		{"1e-100", 1, 1, 1, 1},
	} {
		q := resource.MustParse(tc.in)
		for _, c := range []struct {
			scale resource.Scale
			want  int64
		}{{0, tc.value}, {resource.Milli, tc.milli}, {resource.Nano, tc.nano}, {resource.Kilo, tc.kilo}} {
			if got := q.ScaledValue(c.scale); got != c.want {
				t.Errorf("MustParse(%q).ScaledValue(%d) = %d, want %d", tc.in, c.scale, got, c.want)
			}
		}
	}
	// From Kubernetes' tests: NewScaledQuantity(1, from).ScaledValue(to).
	for _, tc := range []struct {
		from, to resource.Scale
		want     int64
	}{
		{resource.Nano, resource.Nano, 1},
		{resource.Nano, resource.Micro, 1},
		{resource.Nano, 0, 1},
		{resource.Micro, resource.Nano, 1000},
		{resource.Milli, resource.Micro, 1000},
		{0, resource.Nano, 1000000000},
		{2, -2, 10000},
	} {
		if got := resource.NewScaledQuantity(1, tc.from).ScaledValue(tc.to); got != tc.want {
			t.Errorf("NewScaledQuantity(1, %d).ScaledValue(%d) = %d, want %d", tc.from, tc.to, got, tc.want)
		}
	}
	if resource.MaxMilliValue != math.MaxInt64/1000 {
		t.Errorf("MaxMilliValue = %d", resource.MaxMilliValue)
	}
}

func TestAsApproximateFloat64(t *testing.T) {
	for _, tc := range []struct {
		q    resource.Quantity
		want float64
	}{
		{resource.MustParse("0"), 0},
		{resource.MustParse("100m"), 0.1},
		{resource.MustParse("-1.5"), -1.5},
		{resource.MustParse("1Ki"), 1024},
		{resource.MustParse("1.5Gi"), 1610612736},
		{resource.MustParse("1e3"), 1000},
		{resource.MustParse("1n"), 1e-9},
		{resource.MustParse("8Ei"), math.MaxInt64},
		{resource.MustParse("12345678901234567890"), 12345678901234567890},
		{resource.MustParse("1e400"), math.Inf(1)},
		{resource.MustParse("-1e400"), math.Inf(-1)},
		{resource.NewScaledQuantity(1, -400), 0},
	} {
		got := tc.q.AsApproximateFloat64()
		if got != tc.want && math.Abs(got-tc.want) > 1e-12*math.Abs(tc.want) {
			t.Errorf("%v.AsApproximateFloat64() = %v, want %v", tc.q, got, tc.want)
		}
	}
}

// TestAddSubCancel adds random values at random scales, some overflowing
// into big numbers, then subtracts them again in another order.
func TestAddSubCancel(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 50; round++ {
		var terms []resource.Quantity
		sum := resource.Quantity{}
		for i := 0; i < 100; i++ {
			v := r.Int64()
			if r.IntN(2) == 0 {
				v = -v
			}
			q := resource.NewScaledQuantity(v, resource.Scale(r.IntN(21)-10))
			terms = append(terms, q)
			sum = sum.Add(q)
		}
		r.Shuffle(len(terms), func(i, j int) { terms[i], terms[j] = terms[j], terms[i] })
		for _, q := range terms[1:] {
			sum = sum.Sub(q)
		}
		if sum.Cmp(terms[0]) != 0 {
			t.Fatalf("round %d: sum minus all but one term = %v, want %v", round, sum, terms[0])
		}
	}
}

// TestCopiesShareNothing checks the property meta.DeepCopy relies on: a
// Quantity, even one held as a big number, can be copied by value.
func TestCopiesShareNothing(t *testing.T) {
	type spec struct {
		Limits map[string]resource.Quantity
		Size   *resource.Quantity
	}
	big := resource.MustParse("123456789012345678901234567890")
	size := resource.MustParse("1Gi")
	orig := spec{Limits: map[string]resource.Quantity{"cpu": resource.MustParse("100m"), "big": big}, Size: &size}
	cp := meta.DeepCopy(orig)

	// Arithmetic on the copies yields new values and leaves the originals alone.
	cp.Limits["big"] = cp.Limits["big"].Add(resource.MustParse("1")).Neg()
	cp.Limits["cpu"] = cp.Limits["cpu"].Sub(resource.MustParse("50m"))
	*cp.Size = cp.Size.Add(size)

	for name, want := range map[string]string{"cpu": "100m", "big": "123456789012345678901234567890"} {
		if got := orig.Limits[name].String(); got != want {
			t.Errorf("original %s = %s after changing the copy, want %s", name, got, want)
		}
	}
	if got := orig.Size.String(); got != "1Gi" {
		t.Errorf("original size = %s after changing the copy, want 1Gi", got)
	}
	if got := big.String(); got != "123456789012345678901234567890" {
		t.Errorf("big operand changed to %s", got)
	}
	if got := cp.Limits["big"].String(); got != "-123456789012345678901234567891" {
		t.Errorf("copy big = %s", got)
	}
}

// TestConcurrentReads shares quantities, small and big, between goroutines;
// run under -race it shows that reading a Quantity never writes to it.
func TestConcurrentReads(t *testing.T) {
	shared := []resource.Quantity{
		resource.MustParse("1.5Gi"),
		resource.MustParse("-123456789012345678901234567890"),
		resource.MustParse("1.000000000000000000001"),
	}
	done := make(chan string)
	for g := 0; g < 4; g++ {
		go func() {
			var s string
			for i := 0; i < 200; i++ {
				for _, q := range shared {
					sum := q.Add(q).Sub(q).Neg()
					s = sum.String() + q.String()
					_ = q.Cmp(sum) + q.CmpInt64(7) + int(q.Value()%3) + int(q.MilliValue()%3)
					_, _ = q.MarshalJSON()
				}
			}
			done <- s
		}()
	}
	for g := 0; g < 4; g++ {
		// The last quantity was rounded up to a nano when parsed.
		if s := <-done; s != "-1000000001n"+"1000000001n" {
			t.Errorf("goroutine saw %q", s)
		}
	}
}
