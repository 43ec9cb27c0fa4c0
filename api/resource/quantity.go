package resource

import (
	"fmt"
	"math"
	"math/big"
	"strings"
)

// Format is the family of suffixes a quantity is written with. A parsed
// quantity remembers the family of its input and String keeps using it.
type Format string

const (
	DecimalExponent Format = "DecimalExponent" // 12e6
	BinarySI        Format = "BinarySI"        // 12Mi, 12·2^20
	DecimalSI       Format = "DecimalSI"       // 12M, 12·10^6
)

// Scale is a power of ten, the unit of ScaledValue and NewScaledQuantity.
type Scale int32

const (
	Nano  Scale = -9
	Micro Scale = -6
	Milli Scale = -3
	Kilo  Scale = 3
	Mega  Scale = 6
	Giga  Scale = 9
	Tera  Scale = 12
	Peta  Scale = 15
	Exa   Scale = 18
)

// MaxMilliValue is the largest value whose MilliValue fits in an int64;
// compare Value() with it before trusting MilliValue on large quantities.
const MaxMilliValue = math.MaxInt64 / 1000

// formatCode is Format stored in one byte.
type formatCode uint8

const (
	formatNone formatCode = iota // the zero Quantity's
	formatDecimalExponent
	formatBinarySI
	formatDecimalSI
)

func codeOf(f Format) formatCode {
	switch f {
	case BinarySI:
		return formatBinarySI
	case DecimalSI:
		return formatDecimalSI
	}
	// Kubernetes writes quantities of an unknown format as DecimalExponent.
	return formatDecimalExponent
}

// Quantity is an exact decimal number with a unit suffix, such as "100m"
// (0.1), "1.5Gi" (1.5·2^30) or "1e3". It never uses floating point.
//
// A Quantity is an immutable value: methods return new Quantities and copies
// share nothing mutable, so a Quantity may be copied freely and read from many
// goroutines. The zero value is 0. Compare quantities with Cmp or Equal, not
// ==, since one number has several representations.
type Quantity struct {
	i      int64    // the unscaled value when b is nil
	b      *big.Int // the unscaled value when it does not fit an int64; never mutated
	scale  int32    // the value is unscaled·10^scale
	format formatCode
	s      string // the canonical string, when known at construction
}

// NewQuantity returns value in the given format (DecimalExponent if the
// format is not one of the three).
func NewQuantity(value int64, format Format) Quantity {
	return Quantity{i: value, format: codeOf(format)}
}

// NewMilliQuantity returns value/1000 in the given format. BinarySI
// quantities that are fractional or below 1024 print as DecimalSI.
func NewMilliQuantity(value int64, format Format) Quantity {
	return Quantity{i: value, scale: int32(Milli), format: codeOf(format)}
}

// NewScaledQuantity returns value·10^scale in the DecimalSI format.
func NewScaledQuantity(value int64, scale Scale) Quantity {
	return Quantity{i: value, scale: int32(scale), format: formatDecimalSI}
}

// MustParse is ParseQuantity that panics on error, for constants and tests.
func MustParse(s string) Quantity {
	q, err := ParseQuantity(s)
	if err != nil {
		panic(fmt.Errorf("cannot parse '%v': %w", s, err))
	}
	return q
}

// Format returns the format the quantity is written in; "" for the zero
// Quantity.
func (q Quantity) Format() Format {
	switch q.format {
	case formatDecimalExponent:
		return DecimalExponent
	case formatBinarySI:
		return BinarySI
	case formatDecimalSI:
		return DecimalSI
	}
	return ""
}

// WithFormat returns q written in format f.
func (q Quantity) WithFormat(f Format) Quantity {
	if c := codeOf(f); c != q.format {
		q.format, q.s = c, ""
	}
	return q
}

// dec returns q as an arbitrary-precision decimal.
func (q Quantity) dec() decimal {
	if q.b != nil {
		return decimal{q.b, int64(q.scale)}
	}
	return decimal{big.NewInt(q.i), int64(q.scale)}
}

// fromDecimal builds a Quantity from d, which must not be mutated afterwards,
// preferring the int64 form.
func fromDecimal(d decimal, f formatCode) Quantity {
	if d.u.Sign() == 0 {
		return Quantity{format: f}
	}
	if d.exp > math.MaxInt32 {
		// Reached only when trailing zeros were folded into the exponent.
		d = decimal{new(big.Int).Mul(d.u, bigPow10(d.exp-math.MaxInt32)), math.MaxInt32}
	} else if d.exp < math.MinInt32 {
		d, _ = d.roundUpTo(math.MinInt32) // unreachable from the public API
	}
	if d.u.IsInt64() {
		return Quantity{i: d.u.Int64(), scale: int32(d.exp), format: f}
	}
	return Quantity{b: d.u, scale: int32(d.exp), format: f}
}

// IsZero reports whether q is 0.
func (q Quantity) IsZero() bool {
	if q.b != nil {
		return q.b.Sign() == 0
	}
	return q.i == 0
}

// Sign returns -1, 0 or +1 as q is negative, zero or positive.
func (q Quantity) Sign() int {
	if q.b != nil {
		return q.b.Sign()
	}
	switch {
	case q.i < 0:
		return -1
	case q.i > 0:
		return 1
	}
	return 0
}

// Cmp returns -1, 0 or +1 as q is less than, equal to or greater than y.
func (q Quantity) Cmp(y Quantity) int {
	if q.b == nil && y.b == nil {
		return cmpInt(q.i, int64(q.scale), y.i, int64(y.scale))
	}
	return cmpDecimal(q.dec(), y.dec())
}

// CmpInt64 returns -1, 0 or +1 as q is less than, equal to or greater than y.
func (q Quantity) CmpInt64(y int64) int {
	if q.b == nil {
		return cmpInt(q.i, int64(q.scale), y, 0)
	}
	return cmpDecimal(q.dec(), decimal{big.NewInt(y), 0})
}

// Equal reports whether q and y are the same number, whatever their formats.
// go-cmp uses it to compare structs holding quantities.
func (q Quantity) Equal(y Quantity) bool { return q.Cmp(y) == 0 }

// cmpInt compares a·10^sa with b·10^sb.
func cmpInt(a, sa, b, sb int64) int {
	if sa != sb && a != 0 && b != 0 && (a < 0) == (b < 0) {
		// Same sign: bring the one with the larger exponent down to the
		// other's. If that overflows, its magnitude exceeds any int64.
		if sa > sb {
			v, ok := mulPow10(a, sa-sb)
			if !ok {
				return sign64(a)
			}
			a = v
		} else {
			v, ok := mulPow10(b, sb-sa)
			if !ok {
				return -sign64(b)
			}
			b = v
		}
	}
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func sign64(v int64) int {
	switch {
	case v < 0:
		return -1
	case v > 0:
		return 1
	}
	return 0
}

// Add returns q+y. The result has q's format, or y's if q is zero.
func (q Quantity) Add(y Quantity) Quantity {
	f := q.format
	if q.IsZero() {
		f = y.format
	}
	if q.b == nil && y.b == nil {
		if v, s, ok := addInt(q.i, q.scale, y.i, y.scale); ok {
			return Quantity{i: v, scale: s, format: f}
		}
	}
	return fromDecimal(addDecimal(q.dec(), y.dec()), f)
}

// Sub returns q-y. The result has q's format, or y's if q is zero.
func (q Quantity) Sub(y Quantity) Quantity { return q.Add(y.Neg()) }

// Neg returns -q in q's format.
func (q Quantity) Neg() Quantity {
	switch {
	case q.b != nil:
		return fromDecimal(decimal{new(big.Int).Neg(q.b), int64(q.scale)}, q.format)
	case q.i == math.MinInt64:
		return Quantity{b: new(big.Int).Neg(big.NewInt(q.i)), scale: q.scale, format: q.format}
	}
	return Quantity{i: -q.i, scale: q.scale, format: q.format}
}

// addInt adds a·10^sa and b·10^sb at the smaller exponent, or reports false
// if that overflows an int64.
func addInt(a int64, sa int32, b int64, sb int32) (int64, int32, bool) {
	switch {
	case b == 0:
		return a, sa, true
	case a == 0:
		return b, sb, true
	case sa > sb:
		v, ok := mulPow10(a, int64(sa)-int64(sb))
		if !ok {
			return 0, 0, false
		}
		a, sa = v, sb
	case sb > sa:
		v, ok := mulPow10(b, int64(sb)-int64(sa))
		if !ok {
			return 0, 0, false
		}
		b = v
	}
	v, ok := add64(a, b)
	return v, sa, ok
}

// Value returns q rounded away from zero to an integer, as Kubernetes does
// for byte and count resources ("1.5" is 2, "-1.5" is -2). A quantity
// beyond the int64 range gives math.MaxInt64 or math.MinInt64.
func (q Quantity) Value() int64 { return q.ScaledValue(0) }

// MilliValue returns q·1000 rounded away from zero, as used for CPU. See
// Value for the range.
func (q Quantity) MilliValue() int64 { return q.ScaledValue(Milli) }

// ScaledValue returns q/10^scale rounded away from zero:
// NewQuantity(1, DecimalSI).ScaledValue(Milli) is 1000. A result beyond the
// int64 range gives math.MaxInt64 or math.MinInt64.
func (q Quantity) ScaledValue(scale Scale) int64 {
	if q.b == nil {
		d := int64(q.scale) - int64(scale)
		if d < 0 {
			v, _ := divPow10Up(q.i, -d)
			return v
		}
		if v, ok := mulPow10(q.i, d); ok {
			return v
		}
		return saturate(sign64(q.i))
	}
	d, _ := q.dec().roundUpTo(int64(scale))
	if d.u.IsInt64() {
		if v, ok := mulPow10(d.u.Int64(), d.exp-int64(scale)); ok {
			return v
		}
	}
	return saturate(d.u.Sign())
}

func saturate(sign int) int64 {
	if sign < 0 {
		return math.MinInt64
	}
	return math.MaxInt64
}

// AsApproximateFloat64 returns q as a float64, computed as Kubernetes does
// (mantissa times a power of ten), so it may be off in the last bits. Values
// beyond the float64 range give ±Inf. Use it for display and ratios only.
func (q Quantity) AsApproximateFloat64() float64 {
	var base float64
	if q.b != nil {
		base, _ = new(big.Float).SetInt(q.b).Float64()
	} else {
		base = float64(q.i)
	}
	if q.scale == 0 {
		return base
	}
	return base * math.Pow10(int(q.scale))
}

// MarshalJSON writes q as its canonical string.
func (q Quantity) MarshalJSON() ([]byte, error) {
	if q.s != "" {
		out := make([]byte, len(q.s)+2)
		out[0] = '"'
		copy(out[1:], q.s)
		out[len(out)-1] = '"'
		return out, nil
	}
	var buf [48]byte
	b := append(buf[:0], '"')
	b = q.appendCanonical(b)
	b = append(b, '"')
	out := make([]byte, len(b))
	copy(out, b)
	return out, nil
}

// UnmarshalJSON reads a quantity from a JSON string ("100m") or a bare JSON
// number (1, 0.5), as Kubernetes accepts both; null is the zero Quantity.
// Whitespace around the quantity is ignored, as Kubernetes does.
func (q *Quantity) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		*q = Quantity{}
		return nil
	}
	if n := len(data); n >= 2 && data[0] == '"' && data[n-1] == '"' {
		data = data[1 : n-1]
	}
	parsed, err := ParseQuantity(strings.TrimSpace(string(data)))
	if err != nil {
		return err
	}
	*q = parsed
	return nil
}
