package resource_test

import (
	"errors"
	"math"
	"testing"

	"github.com/spar-dev/spar/api/resource"
)

// parseCases were checked against Kubernetes' apimachinery: canonical string,
// format, Value and MilliValue. Where Kubernetes overflows an int64 silently,
// spar saturates (math.MaxInt64 / math.MinInt64).
var parseCases = []struct {
	in     string
	want   string
	format resource.Format
	value  int64
	milli  int64
}{
	{"0", "0", resource.DecimalSI, 0, 0},
	{"00", "0", resource.DecimalSI, 0, 0},
	{"-0", "0", resource.DecimalSI, 0, 0},
	{"+0", "0", resource.DecimalSI, 0, 0},
	{"0.0", "0", resource.DecimalSI, 0, 0},
	{"0n", "0", resource.DecimalSI, 0, 0},
	{"0m", "0", resource.DecimalSI, 0, 0},
	{"0Ki", "0", resource.BinarySI, 0, 0},
	{"0k", "0", resource.DecimalSI, 0, 0},
	{"0Mi", "0", resource.BinarySI, 0, 0},
	{"0G", "0", resource.DecimalSI, 0, 0},
	{"0Ti", "0", resource.BinarySI, 0, 0},
	{"0e3", "0", resource.DecimalExponent, 0, 0},
	{"1", "1", resource.DecimalSI, 1, 1000},
	{"-1", "-1", resource.DecimalSI, -1, -1000},
	{"+1", "+1", resource.DecimalSI, 1, 1000},
	{"100m", "100m", resource.DecimalSI, 1, 100},
	{"-100m", "-100m", resource.DecimalSI, -1, -100},
	{"0.1", "100m", resource.DecimalSI, 1, 100},
	{".1", "100m", resource.DecimalSI, 1, 100},
	{"1.5", "1500m", resource.DecimalSI, 2, 1500},
	{"1.", "1.", resource.DecimalSI, 1, 1000},
	{"1.G", "1.G", resource.DecimalSI, 1000000000, 1000000000000},
	{".001", "1m", resource.DecimalSI, 1, 1},
	{".0001k", "100m", resource.DecimalSI, 1, 100},
	{"1000m", "1", resource.DecimalSI, 1, 1000},
	{"1500m", "1500m", resource.DecimalSI, 2, 1500},
	{"1500M", "1500M", resource.DecimalSI, 1500000000, 1500000000000},
	{"1.5M", "1500k", resource.DecimalSI, 1500000, 1500000000},
	{"1000M", "1G", resource.DecimalSI, 1000000000, 1000000000000},
	{"1.500M", "1.500M", resource.DecimalSI, 1500000, 1500000000},
	{"0100M", "0100M", resource.DecimalSI, 100000000, 100000000000},
	{"1e3", "1e3", resource.DecimalExponent, 1000, 1000000},
	{"1E3", "1E3", resource.DecimalExponent, 1000, 1000000},
	{"1e+3", "1e+3", resource.DecimalExponent, 1000, 1000000},
	{"1e-3", "1e-3", resource.DecimalExponent, 1, 1},
	{"1E-3", "1E-3", resource.DecimalExponent, 1, 1},
	{"1e2", "100", resource.DecimalExponent, 100, 100000},
	{"1.5e3", "1500", resource.DecimalExponent, 1500, 1500000},
	{"0.5e0", "500e-3", resource.DecimalExponent, 1, 500},
	{"0.5e-1", "50e-3", resource.DecimalExponent, 1, 50},
	{"1.2e3", "1200", resource.DecimalExponent, 1200, 1200000},
	{"1.3E+6", "1300e3", resource.DecimalExponent, 1300000, 1300000000},
	{"1.40e9", "1400e6", resource.DecimalExponent, 1400000000, 1400000000000},
	{"1.53E12", "1530e9", resource.DecimalExponent, 1530000000000, 1530000000000000},
	{"1.7E18", "1700e15", resource.DecimalExponent, 1700000000000000000, math.MaxInt64},
	{"1e21", "1e21", resource.DecimalExponent, math.MaxInt64, math.MaxInt64},
	{"5n", "5n", resource.DecimalSI, 1, 1},
	{"3.001n", "4n", resource.DecimalSI, 1, 1},
	{"1.1E-9", "2e-9", resource.DecimalExponent, 1, 1},
	{"0.0000000001", "1n", resource.DecimalSI, 1, 1},
	{"0.0000000005", "1n", resource.DecimalSI, 1, 1},
	{"0.5e-9", "1e-9", resource.DecimalExponent, 1, 1},
	{"0.9n", "1n", resource.DecimalSI, 1, 1},
	{"0.00000012345", "124n", resource.DecimalSI, 1, 1},
	{"0.0001m", "100n", resource.DecimalSI, 1, 1},
	{"1u", "1u", resource.DecimalSI, 1, 1},
	{"4u", "4u", resource.DecimalSI, 1, 1},
	{"1Ki", "1Ki", resource.BinarySI, 1024, 1024000},
	{"+1Ki", "+1Ki", resource.BinarySI, 1024, 1024000}, // a canonical-looking input is kept as written, as Kubernetes does
	{"01Ki", "01Ki", resource.BinarySI, 1024, 1024000},
	{"1.Ki", "1.Ki", resource.BinarySI, 1024, 1024000},
	{"8Ki", "8Ki", resource.BinarySI, 8192, 8192000},
	{"1024Ki", "1Mi", resource.BinarySI, 1048576, 1048576000},
	{"1536Ki", "1536Ki", resource.BinarySI, 1572864, 1572864000},
	{"100Mi", "100Mi", resource.BinarySI, 104857600, 104857600000},
	{"1000Mi", "1000Mi", resource.BinarySI, 1048576000, 1048576000000},
	{"1.5Gi", "1536Mi", resource.BinarySI, 1610612736, 1610612736000},
	{"1024Mi", "1Gi", resource.BinarySI, 1073741824, 1073741824000},
	{"7Mi", "7Mi", resource.BinarySI, 7340032, 7340032000},
	{"6Gi", "6Gi", resource.BinarySI, 6442450944, 6442450944000},
	{"5Ti", "5Ti", resource.BinarySI, 5497558138880, 5497558138880000},
	{"4Pi", "4Pi", resource.BinarySI, 4503599627370496, 4503599627370496000},
	{"3Ei", "3Ei", resource.BinarySI, 3458764513820540928, math.MaxInt64},           // milli overflows: saturated (Kubernetes wraps around)
	{"8Ei", "9223372036854775807", resource.BinarySI, math.MaxInt64, math.MaxInt64}, // capped at 2^63-1
	{"9Ei", "9223372036854775807", resource.BinarySI, math.MaxInt64, math.MaxInt64},
	{"-16Ei", "-9223372036854775807", resource.BinarySI, -9223372036854775807, math.MinInt64},
	{"9223372036854775807Ki", "9223372036854775807", resource.BinarySI, math.MaxInt64, math.MaxInt64},
	{"0.5Ki", "512", resource.BinarySI, 512, 512000},
	{".5Ki", "512", resource.BinarySI, 512, 512000},
	{"1.1Ki", "1126400m", resource.BinarySI, 1127, 1126400},
	{"100.035Ki", "102435840m", resource.BinarySI, 102436, 102435840},
	{"0.5Mi", "512Ki", resource.BinarySI, 524288, 524288000},
	{"0.05Gi", "53687091200m", resource.BinarySI, 53687092, 53687091200},
	{"0.025Ti", "27487790694400m", resource.BinarySI, 27487790695, 27487790694400},
	{".001Ki", "1024m", resource.BinarySI, 2, 1024},
	{".000001Ki", "1024u", resource.DecimalSI, 1, 2},
	{".000000001Ki", "1024n", resource.DecimalSI, 1, 1},
	{".000000000001Ki", "2n", resource.DecimalSI, 1, 1},
	{"-1.5Ki", "-1536", resource.BinarySI, -1536, -1536000},
	{"1k", "1k", resource.DecimalSI, 1000, 1000000},
	{"50k", "50k", resource.DecimalSI, 50000, 50000000},
	{"8.1k", "8100", resource.DecimalSI, 8100, 8100000},
	{"100.035k", "100.035k", resource.DecimalSI, 100035, 100035000},
	{"7.123456M", "7.123456M", resource.DecimalSI, 7123456, 7123456000},
	{"6.987654321G", "6.987654321G", resource.DecimalSI, 6987654321, 6987654321000},
	{"5.444T", "5.444T", resource.DecimalSI, 5444000000000, 5444000000000000},
	{"40.1T", "40100G", resource.DecimalSI, 40100000000000, 40100000000000000},
	{"300.2T", "300200G", resource.DecimalSI, 300200000000000, 300200000000000000},
	{"2P", "2P", resource.DecimalSI, 2000000000000000, 2000000000000000000},
	{"2.5P", "2500T", resource.DecimalSI, 2500000000000000, 2500000000000000000},
	{"1E", "1E", resource.DecimalSI, 1000000000000000000, math.MaxInt64},
	{"1.01E", "1010P", resource.DecimalSI, 1010000000000000000, math.MaxInt64},
	{"12E", "12E", resource.DecimalSI, math.MaxInt64, math.MaxInt64},
	{"1000E", "1e21", resource.DecimalSI, math.MaxInt64, math.MaxInt64}, // Kubernetes prints "1", dropping the suffix it has no letter for
	{"9223372036854775807", "9223372036854775807", resource.DecimalSI, math.MaxInt64, math.MaxInt64},
	{"9223372036854775808", "9223372036854775808", resource.DecimalSI, math.MaxInt64, math.MaxInt64},
	{"-9223372036854775808", "-9223372036854775808", resource.DecimalSI, math.MinInt64, math.MinInt64}, // Kubernetes returns 0 for Value here
	{"1234567890123456789", "1234567890123456789", resource.DecimalSI, 1234567890123456789, math.MaxInt64},
	{"12345678901234567890", "12345678901234567890", resource.DecimalSI, math.MaxInt64, math.MaxInt64},
	{"123456789.123456789", "123456789.123456789", resource.DecimalSI, 123456790, 123456789124},
	{"-", "0", resource.DecimalSI, 0, 0},
	{"+", "0", resource.DecimalSI, 0, 0},
	{".", "0", resource.DecimalSI, 0, 0},
	{"-.", "0", resource.DecimalSI, 0, 0},
	{"k", "0", resource.DecimalSI, 0, 0},
	{"Ki", "0", resource.BinarySI, 0, 0},
	{"m", "0", resource.DecimalSI, 0, 0},
	{"E", "0", resource.DecimalSI, 0, 0},
	{"e3", "0", resource.DecimalExponent, 0, 0},
	{"1e4294967296", "1e4294967296", resource.DecimalExponent, 1, 1000}, // the exponent is truncated to 32 bits, as Kubernetes does
}

func TestParseQuantity(t *testing.T) {
	for _, tc := range parseCases {
		q, err := resource.ParseQuantity(tc.in)
		if err != nil {
			t.Errorf("ParseQuantity(%q): %v", tc.in, err)
			continue
		}
		if got := q.String(); got != tc.want {
			t.Errorf("ParseQuantity(%q).String() = %q, want %q", tc.in, got, tc.want)
		}
		if got := q.Format(); got != tc.format {
			t.Errorf("ParseQuantity(%q).Format() = %q, want %q", tc.in, got, tc.format)
		}
		if got := q.Value(); got != tc.value {
			t.Errorf("ParseQuantity(%q).Value() = %d, want %d", tc.in, got, tc.value)
		}
		if got := q.MilliValue(); got != tc.milli {
			t.Errorf("ParseQuantity(%q).MilliValue() = %d, want %d", tc.in, got, tc.milli)
		}
	}
}

// TestParseQuantityNegated checks that a leading "-" negates every case:
// same magnitude, same format, and "-" before the canonical string.
func TestParseQuantityNegated(t *testing.T) {
	for _, tc := range parseCases {
		if tc.in == "" || tc.in[0] == '-' || tc.in[0] == '+' {
			continue
		}
		pos := resource.MustParse(tc.in)
		neg, err := resource.ParseQuantity("-" + tc.in)
		if err != nil {
			t.Errorf("ParseQuantity(%q): %v", "-"+tc.in, err)
			continue
		}
		if neg.Cmp(pos.Neg()) != 0 {
			t.Errorf("ParseQuantity(%q) = %v, want %v", "-"+tc.in, neg, pos.Neg())
		}
		if neg.Format() != tc.format {
			t.Errorf("ParseQuantity(%q).Format() = %q, want %q", "-"+tc.in, neg.Format(), tc.format)
		}
		want := "-" + tc.want
		if pos.IsZero() {
			want = "0"
		}
		if got := neg.String(); got != want {
			t.Errorf("ParseQuantity(%q).String() = %q, want %q", "-"+tc.in, got, want)
		}
	}
}

func TestParseQuantityErrors(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want error
	}{
		{"", resource.ErrFormatWrong},
		{" 1", resource.ErrFormatWrong},
		{"1 ", resource.ErrFormatWrong},
		{" ", resource.ErrFormatWrong},
		{"1\t", resource.ErrFormatWrong},
		{"1 Gi", resource.ErrFormatWrong},
		{"1.1.M", resource.ErrFormatWrong},
		{"1+1.0M", resource.ErrFormatWrong},
		{"1..", resource.ErrFormatWrong},
		{"1.2.3", resource.ErrFormatWrong},
		{"0.1am", resource.ErrFormatWrong},
		{"aoeu", resource.ErrFormatWrong},
		{"0x10", resource.ErrFormatWrong},
		{"1_000", resource.ErrFormatWrong},
		{"1,5", resource.ErrFormatWrong},
		{"1e3.5", resource.ErrFormatWrong},
		{"1KB", resource.ErrFormatWrong},
		{"1Gb", resource.ErrFormatWrong},
		{"NaN", resource.ErrFormatWrong},
		{"-Inf", resource.ErrFormatWrong},
		{"\u0661", resource.ErrFormatWrong}, // Arabic-Indic digit one
		{"0.1mi", resource.ErrSuffix},
		{".5i", resource.ErrSuffix},
		{"1i", resource.ErrSuffix},
		{"-3.01i", resource.ErrSuffix},
		{"-3.01e-", resource.ErrSuffix},
		{"1e", resource.ErrSuffix},
		{"1e+", resource.ErrSuffix},
		{"1E+", resource.ErrSuffix},
		{"1ee3", resource.ErrSuffix},
		{"5eE3", resource.ErrSuffix},
		{"1Ki3", resource.ErrSuffix},
		{"1Ei1", resource.ErrSuffix},
		{"1m3", resource.ErrSuffix},
		{"1mm", resource.ErrSuffix},
		{"5kk", resource.ErrSuffix},
		{"1K", resource.ErrSuffix},
		{"1ki", resource.ErrSuffix},
		{"1-", resource.ErrSuffix},
		{"--1", resource.ErrSuffix},
		{"+-1", resource.ErrSuffix},
		{"e", resource.ErrSuffix},
		{".Ki2", resource.ErrSuffix},
		{"1e99999999999999999999", resource.ErrSuffix}, // exponent beyond int64
		{"Pi", resource.ErrNumeric},
		{"-Pi", resource.ErrNumeric},
		{".Pi", resource.ErrNumeric},
		{".e-20", resource.ErrNumeric},
		{"-e-20", resource.ErrNumeric},
	} {
		q, err := resource.ParseQuantity(tc.in)
		if !errors.Is(err, tc.want) {
			t.Errorf("ParseQuantity(%q) = %v, %v; want error %q", tc.in, q, err, tc.want)
		}
	}
	// The message is the one kubectl users see from a real API server.
	const want = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
	if got := resource.ErrFormatWrong.Error(); got != want {
		t.Errorf("ErrFormatWrong = %q, want %q", got, want)
	}
}

func TestMustParse(t *testing.T) {
	if got := resource.MustParse("1.5Gi").String(); got != "1536Mi" {
		t.Errorf("MustParse(1.5Gi) = %q, want 1536Mi", got)
	}
	defer func() {
		r := recover()
		err, ok := r.(error)
		if !ok || !errors.Is(err, resource.ErrFormatWrong) {
			t.Errorf("MustParse(\"Non-Numeric\") panicked with %v, want an error wrapping ErrFormatWrong", r)
		}
	}()
	resource.MustParse("Non-Numeric")
}

// TestParseExtremeExponents checks that huge or tiny exponents parse and
// print quickly and exactly; Kubernetes itself hangs on some of them.
func TestParseExtremeExponents(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"1e2147483647", "10e2147483646"},
		{"10e2147483647", "100e2147483646"},
		{"1e-2147483648", "1e-9"},
		{"1.5e-2147483648", "1e-9"},
		{"-1e-900000000", "-1e-9"},
		{"e100000000", "0"},
		{"1.0000000000000000001e2147483647", "10000000000000000001e2147483628"},
		{"1000000000000000000000e2147483647", "10000000000000000000000e2147483646"},
		{"123456789012345678901234e-2147483000", "1e-9"},
		{"0.000000000000000000000000000001Ei", "1n"},
	} {
		q, err := resource.ParseQuantity(tc.in)
		if err != nil {
			t.Errorf("ParseQuantity(%q): %v", tc.in, err)
			continue
		}
		if got := q.String(); got != tc.want {
			t.Errorf("ParseQuantity(%q).String() = %q, want %q", tc.in, got, tc.want)
		}
		back := resource.MustParse(q.String())
		if back.Cmp(q) != 0 {
			t.Errorf("%q: re-parsed %q compares %d, want 0", tc.in, q.String(), back.Cmp(q))
		}
		if q.Sign() > 0 && q.Cmp(resource.MustParse("1E")) > 0 && q.Value() != math.MaxInt64 {
			t.Errorf("ParseQuantity(%q).Value() = %d, want saturation", tc.in, q.Value())
		}
	}
}
