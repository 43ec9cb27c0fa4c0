package resource_test

import (
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"testing"

	"github.com/spar-dev/spar/api/resource"
)

// FuzzQuantity checks, for any input: ParseQuantity does not panic and fails
// only with its three errors; a parsed quantity's String parses back to an
// equal quantity that prints the same; JSON round-trips; negation and
// subtraction cancel; and the value matches an independent big.Rat reading
// of the input. Run with: go test -fuzz=FuzzQuantity ./api/resource
func FuzzQuantity(f *testing.F) {
	for _, tc := range parseCases {
		f.Add(tc.in)
	}
	for _, s := range []string{
		"", " 1", "1.1.M", "0.1mi", "-3.01e-", "Pi", ".e-20", "1e", "1Ki3", "1e99999999999999999999",
		"1e2147483647", "1e-2147483648", "1.0000000000000000001e2147483647", "-0.000000000001Ki",
		"99999999999999999999Ei", "0.00000000099999999999999999999", "1000000000000000000000000E",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := resource.ParseQuantity(s)
		if err != nil {
			if !errors.Is(err, resource.ErrFormatWrong) && !errors.Is(err, resource.ErrNumeric) && !errors.Is(err, resource.ErrSuffix) {
				t.Fatalf("ParseQuantity(%q): unexpected error %v", s, err)
			}
			return
		}
		str := q.String()
		back, err := resource.ParseQuantity(str)
		if err != nil {
			t.Fatalf("ParseQuantity(%q).String() = %q, which does not parse: %v", s, str, err)
		}
		if back.Cmp(q) != 0 {
			t.Fatalf("ParseQuantity(%q) = %q, which parses to a different value", s, str)
		}
		if got := back.String(); got != str {
			t.Fatalf("ParseQuantity(%q) = %q, which prints as %q when parsed again", s, str, got)
		}

		js, err := json.Marshal(q)
		if err != nil {
			t.Fatal(err)
		}
		var fromJSON resource.Quantity
		if err := json.Unmarshal(js, &fromJSON); err != nil || fromJSON.Cmp(q) != 0 || fromJSON.String() != str {
			t.Fatalf("ParseQuantity(%q): JSON %s decodes to %v, %v", s, js, fromJSON, err)
		}

		if !q.Sub(q).IsZero() || !q.Add(q.Neg()).IsZero() || q.Neg().Neg().Cmp(q) != 0 {
			t.Fatalf("ParseQuantity(%q): negation or subtraction does not cancel", s)
		}
		if q.Neg().Sign() != -q.Sign() || q.Cmp(q.Neg()) != q.Sign() {
			t.Fatalf("ParseQuantity(%q): sign %d inconsistent with its negation", s, q.Sign())
		}
		if v := q.Value(); (v < 0) != (q.Sign() < 0) || (v == 0) != q.IsZero() {
			t.Fatalf("ParseQuantity(%q).Value() = %d, sign %d", s, v, q.Sign())
		}

		want, format, ok := reference(s)
		if !ok {
			return
		}
		if q.Format() != format {
			t.Fatalf("ParseQuantity(%q).Format() = %s, want %s", s, q.Format(), format)
		}
		if got, _, ok := reference(str); ok && got.Cmp(want) != 0 {
			t.Fatalf("ParseQuantity(%q) = %q = %s, want %s", s, str, got.RatString(), want.RatString())
		}
	})
}

var referenceRE = regexp.MustCompile(`^([+-]?)([0-9]*)(?:\.([0-9]*))?([numkMGTPE]|[KMGTPE]i|[eE][-+]?[0-9]+)?$`)

// reference reads a quantity with big.Rat, independently of the package:
// the exact value, rounded away from zero to a nano, BinarySI capped at
// 2^63-1 in magnitude. It declines inputs whose exponent is beyond ±100.
func reference(s string) (*big.Rat, resource.Format, bool) {
	m := referenceRE.FindStringSubmatch(s)
	if m == nil {
		return nil, "", false
	}
	digits := m[2] + m[3]
	if digits == "" {
		digits = "0"
	}
	v, _ := new(big.Rat).SetString(digits)
	v.Quo(v, pow(10, len(m[3])))
	format := resource.DecimalSI
	switch suffix := m[4]; {
	case suffix == "":
	case len(suffix) == 2 && suffix[1] == 'i':
		format = resource.BinarySI
		k := map[byte]int{'K': 1, 'M': 2, 'G': 3, 'T': 4, 'P': 5, 'E': 6}[suffix[0]]
		v.Mul(v, pow(2, 10*k))
	case len(suffix) == 1:
		k := map[byte]int{'n': -3, 'u': -2, 'm': -1, 'k': 1, 'M': 2, 'G': 3, 'T': 4, 'P': 5, 'E': 6}[suffix[0]]
		v.Mul(v, powSigned(3*k))
	default:
		format = resource.DecimalExponent
		n, err := strconv.Atoi(suffix[1:])
		if err != nil || n < -100 || n > 100 {
			return nil, "", false
		}
		v.Mul(v, powSigned(n))
	}
	if m[1] == "-" {
		v.Neg(v)
	}
	nanos := new(big.Rat).Mul(v, pow(10, 9))
	if !nanos.IsInt() {
		q, r := new(big.Int).QuoRem(nanos.Num(), nanos.Denom(), new(big.Int))
		if r.Sign() != 0 {
			q.Add(q, big.NewInt(int64(v.Sign())))
		}
		v.SetFrac(q, pow(10, 9).Num())
	}
	if format == resource.BinarySI {
		limit := new(big.Rat).SetInt64(math.MaxInt64)
		if new(big.Rat).Abs(v).Cmp(limit) > 0 {
			v = limit.Mul(limit, big.NewRat(int64(v.Sign()), 1))
		}
		if v.Sign() != 0 && new(big.Rat).Abs(v).Cmp(big.NewRat(1, 1)) < 0 {
			format = resource.DecimalSI
		}
	}
	return v, format, true
}

func pow(base int64, n int) *big.Rat {
	return new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(base), big.NewInt(int64(n)), nil))
}

func powSigned(n int) *big.Rat {
	if n < 0 {
		return new(big.Rat).Inv(pow(10, -n))
	}
	return pow(10, n)
}
