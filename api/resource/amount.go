package resource

import (
	"math"
	"math/big"
)

// This file holds the arithmetic under Quantity: overflow-checked int64
// helpers for the common case and a small arbitrary-precision decimal for the
// rest. A decimal's *big.Int is never mutated after it is built, so Quantities
// holding one can be copied by value and shared between goroutines.

// pow10 holds 10^0 … 10^18, every power of ten an int64 can hold.
var pow10 = [...]int64{
	1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000,
	1_000_000_000, 10_000_000_000, 100_000_000_000, 1_000_000_000_000,
	10_000_000_000_000, 100_000_000_000_000, 1_000_000_000_000_000,
	10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000,
}

// mulPow10 returns v·10^n, or false if that overflows an int64. n >= 0.
func mulPow10(v int64, n int64) (int64, bool) {
	if v == 0 || n == 0 {
		return v, true
	}
	if n >= int64(len(pow10)) {
		return 0, false
	}
	return mul64(v, pow10[n])
}

// mul64 returns a·b, or false if that overflows an int64.
func mul64(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	c := a * b
	if (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64) || c/b != a {
		return 0, false
	}
	return c, true
}

// add64 returns a+b, or false if that overflows an int64.
func add64(a, b int64) (int64, bool) {
	c := a + b
	if (c > a) != (b > 0) {
		return 0, false
	}
	return c, true
}

// divPow10Up returns v/10^n rounded away from zero, and whether the division
// was exact. n >= 0.
func divPow10Up(v int64, n int64) (int64, bool) {
	if n == 0 || v == 0 {
		return v, true
	}
	if n >= int64(len(pow10)) {
		// |v| < 10^19, so the quotient is below one in magnitude.
		if v > 0 {
			return 1, false
		}
		return -1, false
	}
	d := pow10[n]
	q, r := v/d, v%d
	switch {
	case r > 0:
		return q + 1, false
	case r < 0:
		return q - 1, false
	}
	return q, true
}

// decimal is u·10^exp with arbitrary precision; the slow path. Values are
// built fresh by each operation and never mutated afterwards.
type decimal struct {
	u   *big.Int
	exp int64
}

var (
	bigTen      = big.NewInt(10)
	bigMaxInt64 = big.NewInt(math.MaxInt64)
)

// bigPow10 returns a new 10^n. n >= 0.
func bigPow10(n int64) *big.Int {
	if n < int64(len(pow10)) {
		return big.NewInt(pow10[n])
	}
	return new(big.Int).Exp(bigTen, big.NewInt(n), nil)
}

// digitsAtMost returns an upper bound of the number of decimal digits of |u|:
// the true count or one more.
func digitsAtMost(u *big.Int) int64 {
	// log10(2) < 0.30103; a bit length b means |u| < 2^b <= 10^(0.30103·b).
	return int64(u.BitLen())*30103/100000 + 1
}

// digits returns the number of decimal digits of |u| (1 for zero).
func digits(u *big.Int) int64 {
	n := digitsAtMost(u)
	if n > 1 && u.CmpAbs(bigPow10(n-1)) < 0 {
		return n - 1
	}
	return n
}

// roundUpTo returns d at exponent exp when d.exp < exp, rounding away from
// zero, and whether that was exact. A d at exp or above is returned as is.
func (d decimal) roundUpTo(exp int64) (decimal, bool) {
	if d.exp >= exp || d.u.Sign() == 0 {
		return d, true
	}
	shift := exp - d.exp
	if digitsAtMost(d.u) <= shift {
		// 0 < |d| < 10^exp: the result is one unit of 10^exp, without
		// computing a power of ten as large as the shift.
		return decimal{big.NewInt(int64(d.u.Sign())), exp}, false
	}
	q, r := new(big.Int).QuoRem(d.u, bigPow10(shift), new(big.Int))
	if r.Sign() == 0 {
		return decimal{q, exp}, true
	}
	return decimal{q.Add(q, big.NewInt(int64(d.u.Sign()))), exp}, false
}

// cmpDecimal compares two decimals without building numbers much larger than
// the operands, so values with far-apart exponents compare cheaply.
func cmpDecimal(a, b decimal) int {
	sa, sb := a.u.Sign(), b.u.Sign()
	if sa != sb {
		if sa < sb {
			return -1
		}
		return 1
	}
	if sa == 0 {
		return 0
	}
	// Same sign, both non-zero: compare the positions of the leading digits.
	la, lb := a.exp+digits(a.u), b.exp+digits(b.u)
	if la != lb {
		if (la < lb) == (sa > 0) {
			return -1
		}
		return 1
	}
	// Equal leading positions bound the exponent gap by the digit counts.
	if a.exp > b.exp {
		return new(big.Int).Mul(a.u, bigPow10(a.exp-b.exp)).Cmp(b.u)
	}
	return a.u.Cmp(new(big.Int).Mul(b.u, bigPow10(b.exp-a.exp)))
}

// addDecimal returns a+b exactly.
func addDecimal(a, b decimal) decimal {
	switch {
	case b.u.Sign() == 0:
		return a
	case a.u.Sign() == 0:
		return b
	case a.exp == b.exp:
		return decimal{new(big.Int).Add(a.u, b.u), a.exp}
	case a.exp > b.exp:
		s := new(big.Int).Mul(a.u, bigPow10(a.exp-b.exp))
		return decimal{s.Add(s, b.u), b.exp}
	default:
		s := new(big.Int).Mul(b.u, bigPow10(b.exp-a.exp))
		return decimal{s.Add(s, a.u), a.exp}
	}
}
