package resource

import (
	"math"
	"math/big"
	"math/bits"
	"strconv"
)

// String returns q in canonical form, in q's format:
//
//   - no fractional digits: 0.1 is "100m", 1.5 is "1500m";
//   - the largest suffix that keeps the mantissa whole: "1000M" is "1G",
//     "1.5Gi" is "1536Mi", "1e2" is "100";
//   - BinarySI quantities below 1024 in magnitude, or not whole numbers,
//     print as DecimalSI ("512", "1126400m");
//   - zero is "0", whatever the format.
//
// These are Kubernetes' rules. Where Kubernetes would drop a suffix it has no
// letter for (DecimalSI beyond E or below n, BinarySI beyond Ei), String
// writes an exact exponent instead ("1e21", "1e-12", "1024Ei").
func (q Quantity) String() string {
	if q.s != "" {
		return q.s
	}
	var buf [40]byte
	return string(q.appendCanonical(buf[:0]))
}

// appendCanonical appends q's canonical string to dst.
func (q Quantity) appendCanonical(dst []byte) []byte {
	if q.IsZero() {
		return append(dst, '0')
	}
	switch q.format {
	case formatBinarySI:
		if out, ok := q.appendBinary(dst); ok {
			return out
		}
		return q.appendDecimal(dst, formatDecimalSI)
	case formatDecimalSI:
		return q.appendDecimal(dst, formatDecimalSI)
	}
	return q.appendDecimal(dst, formatDecimalExponent)
}

// maxExponent is the largest multiple of three that fits an int32.
const maxExponent = math.MaxInt32 - math.MaxInt32%3

// decimalSuffixes are the DecimalSI suffixes by (exponent+9)/3.
var decimalSuffixes = [...]string{"n", "u", "m", "", "k", "M", "G", "T", "P", "E"}

// appendDecimal writes q as mantissa·10^e with e a multiple of three and the
// mantissa free of trailing zeros that a larger e could take.
func (q Quantity) appendDecimal(dst []byte, f formatCode) []byte {
	start := len(dst)
	if q.b != nil {
		dst = q.b.Append(dst, 10)
	} else {
		dst = strconv.AppendInt(dst, q.i, 10)
	}
	e := int64(q.scale)
	end := len(dst)
	for end > start+1 && dst[end-1] == '0' {
		end--
		e++
	}
	dst = dst[:end]
	switch e % 3 {
	case 1, -2:
		dst = append(dst, '0')
		e--
	case 2, -1:
		dst = append(dst, "00"...)
		e -= 2
	}
	if e > maxExponent {
		// ParseQuantity truncates exponents to 32 bits, so keep zeros in the
		// mantissa rather than write an exponent it would misread.
		for ; e > maxExponent; e-- {
			dst = append(dst, '0')
		}
	}
	if f == formatDecimalSI {
		if e >= -9 && e <= 18 {
			return append(dst, decimalSuffixes[(e+9)/3]...)
		}
		// No SI letter this far out; an exponent keeps the value exact.
	}
	if e == 0 {
		return dst
	}
	return strconv.AppendInt(append(dst, 'e'), e, 10)
}

// binarySuffixes are the BinarySI suffixes by power of 1024.
var binarySuffixes = [...]string{"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"}

// maxBinaryDigits bounds the integers String writes in binary form, so that
// a quantity such as 1e999999999 in BinarySI is not expanded to a billion
// digits. Kubernetes caps parsed BinarySI values at 2^63-1, far below.
const maxBinaryDigits = 1000

// appendBinary writes q as mantissa·1024^k, or reports false if q is not a
// whole number of at least 1024 in magnitude.
func (q Quantity) appendBinary(dst []byte) ([]byte, bool) {
	if q.CmpInt64(-1024) > 0 && q.CmpInt64(1024) < 0 {
		return dst, false
	}
	if q.b == nil {
		var v int64
		ok := true
		if q.scale < 0 {
			v, ok = divPow10Up(q.i, -int64(q.scale))
			if !ok {
				return dst, false
			}
		} else {
			v, ok = mulPow10(q.i, int64(q.scale))
		}
		if ok {
			k := bits.TrailingZeros64(uint64(v)) / 10
			if k > 6 {
				k = 6
			}
			dst = strconv.AppendInt(dst, v>>(10*k), 10)
			return append(dst, binarySuffixes[k]...), true
		}
	}
	d := q.dec()
	if d.exp+digits(d.u) > maxBinaryDigits {
		return dst, false
	}
	d, exact := d.roundUpTo(0)
	if !exact {
		return dst, false
	}
	v := new(big.Int).Mul(d.u, bigPow10(d.exp))
	k := v.TrailingZeroBits() / 10
	if k > 6 {
		k = 6
	}
	dst = v.Rsh(v, 10*k).Append(dst, 10)
	return append(dst, binarySuffixes[k]...), true
}
